// GET /api/reports over 1,000,000 reports on PostgreSQL (issue #3): bulk-load synthetic reports
// spread over every village of a few provinces (generate_series in SQL, secondary indexes
// dropped during the load and rebuilt from their own definitions, then ANALYZE), then
// measure the first page of the filters desks use at 10 concurrent connections. Target: p95
// ≤ 50 ms. Before measuring, the server's background work is let settle (after a bulk load the
// index job rebuilds, raises alerts and notifies: minutes of CPU that are not the list's). Every
// scenario's plan (EXPLAIN ANALYZE, BUFFERS of the server's own first statement for the page,
// built by the built server's repository) is recorded in the details.
//   BENCH_LIST_REPORTS=1000000      how many reports to load
//   BENCH_LIST_PROVINCES=33,34,35   the provinces whose villages receive them
//   BENCH_LIST_DURATION=10          seconds per scenario
//   BENCH_LIST_EXTRA_INDEX="CREATE INDEX …"  an index to try (created after the load; the plan shows whether it is used)
//   BENCH_LIST_KEEP=1               keep the loaded database (its name is printed) instead of dropping it
//   BENCH_LIST_REUSE=<database>     measure a database kept earlier (no load; it is not dropped)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { CATEGORY_CODES } from '@sinergi/domain';
import { DEMO_PASSWORD, PG_ADMIN_URL, ROOT, check, cpuMs, createDatabase, dropDatabase, loadTest, round, startServer } from './lib.mjs';
import { loginToken } from './reports.mjs';

export const description = 'GET /api/reports first pages with desk filters over 1,000,000 reports (PostgreSQL)';

const TOTAL = Number(process.env.BENCH_LIST_REPORTS ?? 1_000_000);
const PROVINCES = (process.env.BENCH_LIST_PROVINCES ?? '33,34,35').split(',').map((s) => s.trim());
const DURATION_S = Number(process.env.BENCH_LIST_DURATION ?? process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 10;
const WARMUP_S = 2;
const P95_TARGET_MS = 50;

const WORDS = [
  'pembagian', 'amplop', 'sembako', 'uang', 'tunai', 'warga', 'relawan', 'calon', 'kampanye', 'malam', 'rumah', 'kepala', 'dusun', 'pemilih',
  'daftar', 'spanduk', 'baliho', 'rusak', 'intimidasi', 'ancaman', 'hoaks', 'grup', 'pesan', 'berantai', 'masjid', 'balai', 'desa', 'pasar',
  'bentrok', 'massa', 'pendukung', 'aparat', 'netralitas', 'perangkat', 'logistik', 'kotak', 'suara', 'surat', 'tps', 'saksi',
];

const sqlArray = (xs) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;

/**
 * 1M reports in one INSERT … SELECT, oldest first: village by hash of g over the villages of
 * PROVINCES, created_at one every ~7 s going back ~80 days, category/severity/status/source by hash,
 * title and description from a 40-word vocabulary (so q= finds a realistic share).
 */
export async function bulkLoad(client) {
  const t = {};
  let t0 = performance.now();
  await client.query(
    `CREATE TEMP TABLE bench_villages AS
       SELECT (row_number() OVER (ORDER BY code))::int - 1 AS i, code FROM regions
       WHERE province_code = ANY($1) AND array_length(string_to_array(code, '.'), 1) = 4`,
    [PROVINCES],
  );
  const { rows: vc } = await client.query('SELECT count(*)::int AS n FROM bench_villages');
  const villages = vc[0].n;
  if (villages === 0) throw new Error(`no villages in provinces ${PROVINCES.join(',')}`);
  const { rows: idx } = await client.query(
    `SELECT indexname, indexdef FROM pg_indexes i
     WHERE tablename = 'reports' AND schemaname = current_schema()
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const i of idx) await client.query(`DROP INDEX ${i.indexname}`);
  t.dropIndexesS = round((performance.now() - t0) / 1000, 1);

  t0 = performance.now();
  const statuses = ['new', 'new', 'new', 'verified', 'verified', 'verified', 'in_progress', 'in_progress', 'resolved', 'resolved', 'resolved', 'rejected'];
  const sources = ['field_officer', 'field_officer', 'field_officer', 'public', 'desk', 'hotline', 'media_monitoring'];
  const words = sqlArray(WORDS);
  const w = (k) => `(${words})[1 + abs(hashint4(g * ${k})) % ${WORDS.length}]`;
  await client.query(`
    INSERT INTO reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at,
      title, description, source, confidential, reporter_name, receipt_code, status, status_changed_at, escalation_level,
      content_hash, created_at, updated_at)
    SELECT split_part(v.code, '.', 1), gen_random_uuid(),
      split_part(v.code, '.', 1) || '.' || split_part(v.code, '.', 2),
      split_part(v.code, '.', 1) || '.' || split_part(v.code, '.', 2) || '.' || split_part(v.code, '.', 3),
      v.code,
      (${sqlArray(CATEGORY_CODES)})[1 + abs(hashint4(g * 3)) % ${CATEGORY_CODES.length}],
      1 + abs(hashint4(g * 5)) % 4,
      c.created - make_interval(mins => abs(hashint4(g * 11)) % 2880), c.created,
      initcap(${w(13)}) || ' ' || ${w(17)} || ' di ' || ${w(19)},
      'Laporan: ' || ${w(23)} || ' ' || ${w(29)} || ' ' || ${w(31)} || ' oleh ' || ${w(37)} || ' di sekitar ' || ${w(41)} || ' ' || ${w(43)} || ', ' || ${w(47)} || ' ' || ${w(53)} || '.',
      (${sqlArray(sources)})[1 + abs(hashint4(g * 59)) % ${sources.length}], abs(hashint4(g * 61)) % 10 = 0, 'Petugas ' || (g % 5000),
      'BENCH' || g, (${sqlArray(statuses)})[1 + abs(hashint4(g * 67)) % ${statuses.length}], c.created,
      (ARRAY['village','village','district','regency'])[1 + abs(hashint4(g * 71)) % 4],
      md5(g::text), c.created, c.created
    FROM generate_series(1, ${TOTAL}) AS g
    CROSS JOIN LATERAL (SELECT now() - make_interval(secs => g * 7.0) AS created) AS c
    JOIN bench_villages v ON v.i = abs(hashint4(g)) % ${villages}
    -- oldest first, as the reports would have arrived: the table's pages follow time, like a live
    -- one's (without it the join wrote them grouped by village, so the newest rows of a province
    -- lay one per page across the whole table)
    ORDER BY g DESC`);
  t.insertS = round((performance.now() - t0) / 1000, 1);

  t0 = performance.now();
  for (const i of idx) await client.query(i.indexdef);
  t.createIndexesS = round((performance.now() - t0) / 1000, 1);
  t0 = performance.now();
  await client.query('ANALYZE reports');
  t.analyzeS = round((performance.now() - t0) / 1000, 1);
  await client.query('DROP TABLE bench_villages');
  return { villages, indexes: idx.map((i) => i.indexname), seconds: t };
}

function getLoad({ url, token, path, duration }) {
  return loadTest({ url, connections: CONNECTIONS, duration, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, requests: [{ method: 'GET', path }] });
}

/**
 * The SQL the server runs first for a scenario's page (the plain page, or a text search's first
 * walk), built by the built server's repository from the filter the service would pass it, and
 * rendered as the driver sends it, with its parameters.
 */
async function serverStatement(filter) {
  const { firstPageStatement } = await import(pathToFileURL(path.join(ROOT, 'packages/server/dist/db/repositories/reports.js')).href);
  const { sql, params } = new PgDialect().sqlToQuery(firstPageStatement({ limit: 51, ...filter }));
  return { text: sql, values: params };
}

/**
 * Wait until the server's background work is done — after a bulk load the index job rebuilds,
 * raises an alert for every severity-4 report and the dispatcher notifies the desks of each:
 * minutes of CPU that are not the list's. Done when nothing waits in the outbox or the index
 * queue and the server used under 5 % of a core for two 2-s intervals in a row.
 */
async function settle(client, pid, timeoutS = 900) {
  const t0 = performance.now();
  let cpu = cpuMs(pid);
  let quiet = 0;
  let last = null;
  while ((performance.now() - t0) / 1000 < timeoutS) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = cpuMs(pid);
    const busy = (now - cpu) / 2000;
    cpu = now;
    const { rows } = await client.query(
      'SELECT (SELECT count(*) FROM outbox_pending)::int AS pending, (SELECT count(*) FROM risk_deltas)::int AS deltas, (SELECT count(*) FROM alerts)::int AS alerts',
    );
    last = { ...rows[0], cpuShare: round(busy) };
    quiet = busy < 0.05 && last.pending === 0 && last.deltas === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return { seconds: round((performance.now() - t0) / 1000, 0), ...last };
  }
  return { seconds: timeoutS, timedOut: true, ...last };
}

function planSummary(lines) {
  const text = lines.map((r) => r['QUERY PLAN']);
  const nodes = text.filter((l) => /(Scan|Sort|Limit|BitmapAnd|BitmapOr)/.test(l)).map((l) => l.trim().replace(/\s+\(cost=[^)]*\)/, ''));
  const exec = text.find((l) => l.startsWith('Execution Time'));
  return { nodes, executionTime: exec, full: text };
}

export async function run(ctx) {
  if (!ctx.kinds.includes('postgres')) return [];
  const reuse = process.env.BENCH_LIST_REUSE;
  let db;
  if (reuse) {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${reuse}`;
    db = { kind: 'postgres', name: reuse, url: url.toString() };
  } else {
    db = { kind: 'postgres', ...(await createDatabase('list')) };
    if (process.env.BENCH_LIST_KEEP) console.log(`  keeping database ${db.name} (BENCH_LIST_REUSE=${db.name} to measure it again; drop it when done)`);
    else ctx.dbs.cleanups.push(() => dropDatabase(db.name));
    const first = await startServer(db); // first start: migrations, regions, demo users
    await first.stop();
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const sections = [];
  try {
    const loaded = reuse ? { reused: reuse } : await loadReports(client);
    const { rows: cnt } = await client.query('SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size($1)) AS size FROM reports', ['reports']);
    loaded.reports = cnt[0].n;
    loaded.totalSize = cnt[0].size;
    if (process.env.BENCH_LIST_EXTRA_INDEX) {
      const t0 = performance.now();
      await client.query(process.env.BENCH_LIST_EXTRA_INDEX);
      await client.query('ANALYZE reports');
      loaded.extraIndex = { sql: process.env.BENCH_LIST_EXTRA_INDEX, seconds: round((performance.now() - t0) / 1000, 1) };
    }
    console.log(`  ${reuse ? 'reusing' : 'loaded'} ${loaded.reports} reports over ${loaded.villages ?? '?'} villages (${loaded.totalSize})${loaded.seconds ? ` in ${JSON.stringify(loaded.seconds)}` : ''}`);
    const { rows: picks } = await client.query(
      `SELECT district_code, count(*)::int AS n FROM reports WHERE regency_code = '33.10' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    );
    const district = picks[0].district_code;
    // filter: what toReportFilter (services/reports.service.ts) makes of the query for that desk
    const klaten = { scopes: ['33.10'], region: { code: '33.10', level: 'regency' } };
    const jateng = { scopes: ['33'], region: { code: '33', level: 'province' } };
    const scenarios = [
      { user: 'kesbangpol.klaten', name: 'regency desk: region=33.10', path: '/api/reports?region=33.10', filter: klaten },
      { user: 'kesbangpol.klaten', name: `regency desk: region=${district}&status=new`, path: `/api/reports?region=${district}&status=new`, filter: { ...klaten, region: { code: district, level: 'district' }, statuses: ['new'] } },
      { user: 'kesbangpol.klaten', name: 'regency desk: category=politik_uang&severity=3,4', path: '/api/reports?category=politik_uang&severity=3,4', filter: { ...klaten, categories: ['politik_uang'], severities: [3, 4] } },
      { user: 'kesbangpol.klaten', name: 'regency desk: q=amplop sembako', path: '/api/reports?q=amplop%20sembako', filter: { ...klaten, q: 'amplop sembako' } },
      { user: 'desk.jateng', name: 'province desk: category=politik_uang&severity=3,4', path: '/api/reports?category=politik_uang&severity=3,4', filter: { ...jateng, categories: ['politik_uang'], severities: [3, 4] } },
      { user: 'desk.jateng', name: 'province desk: q=amplop sembako', path: '/api/reports?q=amplop%20sembako', filter: { ...jateng, q: 'amplop sembako' } },
    ];
    const server = await startServer(db);
    try {
      const settled = await settle(client, server.pid);
      console.log(`  background work settled in ${settled.seconds} s${settled.timedOut ? ' (timed out)' : ''} (${settled.alerts} alerts)`);
      const tokens = {};
      for (const u of new Set(scenarios.map((s) => s.user))) tokens[u] = await loginToken(server.url, u, DEMO_PASSWORD);
      const checks = [];
      const details = { reports: loaded, settled, connections: CONNECTIONS, durationSeconds: DURATION_S, scenarios: {} };
      let slowest = null;
      for (const s of scenarios) {
        const probe = await fetch(`${server.url}${s.path}`, { headers: { authorization: `Bearer ${tokens[s.user]}` } });
        if (!probe.ok) {
          await new Promise((r) => setTimeout(r, 500)); // the server's error log is written after the answer
          if (process.env.BENCH_DEBUG) fs.writeFileSync(process.env.BENCH_DEBUG, server.stdout + server.stderr);
        }
        if (!probe.ok) throw new Error(`${s.path} as ${s.user}: ${probe.status} ${await probe.text()}\n${server.stdout.slice(-6000)}\n${server.stderr.slice(-1500)}`);
        const items = (await probe.json()).items.length;
        await getLoad({ url: server.url, token: tokens[s.user], path: s.path, duration: WARMUP_S });
        const cpu0 = cpuMs(server.pid);
        const l0 = os.loadavg()[0];
        const r = await getLoad({ url: server.url, token: tokens[s.user], path: s.path, duration: DURATION_S });
        r.serverCpuUsPerRequest = round(((cpuMs(server.pid) - cpu0) * 1000) / Math.max(1, r.requests), 0);
        r.loadAverage1m = [round(l0), round(os.loadavg()[0])];
        r.itemsOnFirstPage = items;
        details.scenarios[s.name] = { user: s.user, path: s.path, ...r };
        checks.push(
          check(`${s.name}: p50`, r.p50, 'ms'),
          check(`${s.name}: p95`, r.p95, 'ms', P95_TARGET_MS),
          check(`${s.name}: throughput`, round(r.reqPerSec, 0), 'req/s'),
          check(`${s.name}: server CPU per request`, r.serverCpuUsPerRequest, 'µs'),
          check(`${s.name}: non-2xx + errors`, r.non2xx + r.errors, '', 0),
        );
        if (!slowest || r.p95 > slowest.p95) slowest = { ...s, p95: r.p95 };
      }
      // plans of every scenario (the slowest first in the summary)
      details.plans = {};
      for (const s of scenarios) {
        const statement = await serverStatement(s.filter);
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
        details.plans[s.name] = planSummary(rows);
      }
      details.slowest = { name: slowest.name, p95: slowest.p95, plan: details.plans[slowest.name].nodes, executionTime: details.plans[slowest.name].executionTime };
      console.log(`  slowest: ${slowest.name} (p95 ${round(slowest.p95)} ms); plan:\n    ${details.slowest.plan.join('\n    ')}\n    ${details.slowest.executionTime}`);
      sections.push({ title: `reports list — postgres, ${loaded.reports} reports (${CONNECTIONS} connections, ${DURATION_S} s each)`, checks, details });
    } finally {
      await server.stop();
    }
  } finally {
    await client.end();
  }
  return sections;
}

async function loadReports(client) {
  const load0 = os.loadavg()[0];
  const loaded = await bulkLoad(client);
  loaded.loadAverage1m = [round(load0), round(os.loadavg()[0])];
  return loaded;
}
