// The situation-room dashboard (issue #4): (1) the JavaScript the dashboard needs before it can
// draw, compressed (target ≤ 350 KB, measured like e2e/web-bundle.test.ts); (2) with 100,000
// reports in the Kesbangpol desk's scope (Kabupaten Klaten), on PostgreSQL and on PGlite: GET /api/dashboard
// latency, and the page interactive in Chromium — from navigation to the numbers, the trend
// chart, the vulnerable regions and the feed on screen — target ≤ 2 s.
//   BENCH_DASHBOARD_REPORTS=100000   reports to load into Klaten's villages
//   BENCH_DASHBOARD_KEEP=1           keep the loaded database (its name is printed)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { CATEGORY_CODES } from '@sinergi/domain';
import { DEMO_PASSWORD, DEMO_USER, ROOT, check, createDatabase, dropDatabase, login, percentile, round, serverEnv, startServer, tempDataDir } from './lib.mjs';

export const description = 'dashboard: initial JavaScript, and GET /api/dashboard + the page interactive in Chromium with 100,000 reports in scope (PostgreSQL and PGlite)';

const TOTAL = Number(process.env.BENCH_DASHBOARD_REPORTS ?? 100_000);
const REGENCY = '33.10';
const DIST = path.join(ROOT, 'packages/web/dist');
const BUNDLE_TARGET_KB = 350;
const INTERACTIVE_TARGET_MS = 2000;

/** index.html's scripts + the dashboard route chunk and its static imports (Vite manifest), gzip -9. */
export function dashboardBundle() {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const start = [...html.matchAll(/<script[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1].replace(/^\//, ''));
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8'));
  const key = Object.keys(manifest).find((k) => k.endsWith('features/dashboard/dashboard-page.tsx'));
  const files = new Set(start);
  const visit = (k) => {
    const chunk = manifest[k];
    if (files.has(chunk.file) && k !== key) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  visit(key);
  const sizes = [...files].map((f) => ({ file: f, gzipBytes: zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length }));
  return { files: sizes, totalKb: sizes.reduce((n, s) => n + s.gzipBytes, 0) / 1024 };
}

/** 100,000 reports over Klaten's 401 villages, one every ~50 s going back ~58 days (one INSERT … SELECT). */
async function loadReports(client) {
  const t0 = performance.now();
  const statuses = ['new', 'new', 'new', 'verified', 'verified', 'verified', 'in_progress', 'in_progress', 'resolved', 'resolved', 'resolved', 'rejected'];
  const arr = (xs) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;
  await client.query(
    `CREATE TEMP TABLE bench_villages AS SELECT (row_number() OVER (ORDER BY code))::int - 1 AS i, code FROM regions
     WHERE code LIKE '${REGENCY}.%' AND array_length(string_to_array(code, '.'), 1) = 4`,
  );
  const { rows } = await client.query('SELECT count(*)::int AS n FROM bench_villages');
  const villages = rows[0].n;
  await client.query(`
    INSERT INTO reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at,
      title, description, source, reporter_name, status, status_changed_at, escalation_level, content_hash, created_at, updated_at)
    SELECT '33', gen_random_uuid(), '${REGENCY}', split_part(v.code, '.', 1) || '.' || split_part(v.code, '.', 2) || '.' || split_part(v.code, '.', 3), v.code,
      (${arr(CATEGORY_CODES)})[1 + abs(hashint4(g * 3)) % ${CATEGORY_CODES.length}], 1 + abs(hashint4(g * 5)) % 4,
      c.created - make_interval(mins => abs(hashint4(g * 11)) % 600), c.created,
      'Laporan uji beban ' || g, 'Laporan sintetis untuk benchmark dasbor.', 'field_officer', 'Petugas ' || (g % 500),
      (${arr(statuses)})[1 + abs(hashint4(g * 67)) % ${statuses.length}], c.created, 'village', md5(g::text), c.created, c.created
    FROM generate_series(1, ${TOTAL}) AS g
    CROSS JOIN LATERAL (SELECT now() - make_interval(secs => g * 50.0) AS created) AS c
    JOIN bench_villages v ON v.i = abs(hashint4(g)) % ${villages}`);
  await client.query('DROP TABLE bench_villages');
  await client.query('ANALYZE reports');
  return { villages, seconds: round((performance.now() - t0) / 1000, 1) };
}

async function timeApi(url, cookie, query, n) {
  const times = [];
  let reports = null;
  for (let i = 0; i < n + 1; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/dashboard${query}`, { headers: { cookie } });
    const body = await res.json();
    if (!res.ok) throw new Error(`GET /api/dashboard${query}: ${res.status} ${JSON.stringify(body)}`);
    if (i > 0) times.push(performance.now() - t0); // the first warms the caches
    reports = body.totals.reports;
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(times.at(-1)), reportsInRange: reports };
}

/** Navigation → the dashboard's numbers, chart, vulnerable regions and feed on screen, in a fresh (cold-cache) browser context. */
async function timePage(browser, url, cookie, pathAndQuery) {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url }]);
  const page = await context.newPage();
  let jsBytes = 0;
  page.on('response', async (r) => {
    if (r.url().endsWith('.js')) jsBytes += Number(r.headers()['content-length'] ?? 0);
  });
  const t0 = Date.now();
  await page.goto(pathAndQuery);
  await page.locator('[data-testid=kpi-reports] .kpi-value').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=top-regions] tbody tr').first().waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=feed] li').first().waitFor({ timeout: 30_000 });
  await page.getByRole('img', { name: /Laporan per hari/ }).waitFor({ timeout: 30_000 });
  const ms = Date.now() - t0;
  // and it answers: a filter change re-renders with new numbers
  const t1 = Date.now();
  await page.getByLabel('Rentang waktu').selectOption('7');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('days') === '7' && !document.querySelector('.is-stale'));
  const filterMs = Date.now() - t1;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
  });
  await context.close();
  return { ms, filterMs, jsBytesUncompressed: jsBytes, ...nav };
}

export async function run(ctx) {
  const sections = [];
  const bundle = dashboardBundle();
  console.log(`  dashboard initial JavaScript: ${round(bundle.totalKb, 1)} KB gzip in ${bundle.files.length} files`);
  sections.push({ title: 'dashboard initial JavaScript (index.html + dashboard route chunks, gzip -9)', checks: [check('initial dashboard JS, compressed', round(bundle.totalKb, 1), 'KB', BUNDLE_TARGET_KB)], details: bundle });

  for (const kind of ctx.kinds) sections.push(await measureKind(ctx, kind));
  return sections;
}

/**
 * SQL on the benchmark's database while no server runs: a node-postgres client, or PGlite
 * opened on the server's data directory (`<SINERGI_DATA_DIR>/pglite`).
 */
async function openSql(db) {
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    return { query: (text) => client.query(text), close: () => client.end() };
  }
  const client = new PGlite(path.join(db.dataDir, 'pglite'));
  await client.waitReady;
  return { query: (text) => client.query(text), close: () => client.close() };
}

/** The index queue applied before the server starts: `sinergi index rebuild` (PGlite is locked to the server while it runs). */
function rebuildIndex(db) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'packages/server/bin/sinergi.js'), 'index', 'rebuild'], { cwd: ROOT, env: serverEnv(db), maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      error ? reject(new Error(`index rebuild failed: ${stderr || stdout}`)) : resolve(),
    );
  });
}

async function measureKind(ctx, kind) {
  const db = kind === 'postgres' ? { kind, ...(await createDatabase('dash')) } : { kind, dataDir: tempDataDir('dash') };
  if (process.env.BENCH_DASHBOARD_KEEP) console.log(`  keeping database ${db.name ?? db.dataDir}`);
  else ctx.dbs.cleanups.push(() => (db.kind === 'postgres' ? dropDatabase(db.name) : fs.rmSync(db.dataDir, { recursive: true, force: true })));
  const first = await startServer(db);
  await first.stop();
  const loadAvg0 = os.loadavg()[0];
  let loaded;
  const sqlClient = await openSql(db);
  try {
    loaded = await loadReports(sqlClient);
    const { rows } = await sqlClient.query(`SELECT count(*)::int AS n FROM reports WHERE regency_code = '${REGENCY}'`);
    loaded.reportsInScope = rows[0].n;
  } finally {
    await sqlClient.close();
  }
  console.log(`  ${kind}: loaded ${TOTAL} reports into ${loaded.villages} villages of ${REGENCY} in ${loaded.seconds} s (${loaded.reportsInScope} in scope with the demo's)`);
  const t0 = performance.now();
  await rebuildIndex(db);
  const queue = { rebuiltSeconds: round((performance.now() - t0) / 1000, 1) };
  console.log(`  ${kind}: index rebuilt in ${queue.rebuiltSeconds} s`);
  const server = await startServer(db);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const cookie = await login(server.url, DEMO_USER, DEMO_PASSWORD);
    const api14 = await timeApi(server.url, cookie, '', 10);
    const api90 = await timeApi(server.url, cookie, '?days=90', 10);
    const pageRuns = [];
    for (let i = 0; i < 3; i++) pageRuns.push(await timePage(browser, server.url, cookie, '/'));
    const sorted = pageRuns.map((r) => r.ms).sort((a, b) => a - b);
    const details = { kind, reports: loaded, indexQueue: queue, api14, api90, pageRuns, loadAverage1m: [round(loadAvg0), round(os.loadavg()[0])] };
    console.log(`  ${kind}: GET /api/dashboard p50 ${api14.p50} ms (14 days, ${api14.reportsInRange} reports in range), ${api90.p50} ms (90 days, ${api90.reportsInRange}); page interactive ${pageRuns.map((r) => r.ms).join(', ')} ms`);
    return {
      title: `dashboard with ${loaded.reportsInScope} reports in scope — ${kind} (Chromium, fresh context per run)`,
      checks: [
        check('GET /api/dashboard (14 days): p50', api14.p50, 'ms'),
        check('GET /api/dashboard (14 days): p95', api14.p95, 'ms'),
        check('GET /api/dashboard (90 days, all reports): p50', api90.p50, 'ms'),
        check('GET /api/dashboard (90 days, all reports): p95', api90.p95, 'ms'),
        check('page interactive, first (cold) load', pageRuns[0].ms, 'ms', INTERACTIVE_TARGET_MS),
        check('page interactive, median of 3', sorted[1], 'ms', INTERACTIVE_TARGET_MS),
        check('filter change to new numbers', pageRuns[0].filterMs, 'ms'),
      ],
      details,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
