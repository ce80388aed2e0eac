// POST /api/reports under sustained load (issue #3): 50 concurrent clients (autocannon, in
// this process) against the real server in its own process, each request a new report with a
// fresh UUID. On PostgreSQL the same run measures the reference: pgbench -c 50 -j 2 inserting
// one row per transaction into a table with the shape and indexes of `reports`
// (CREATE TABLE … (LIKE reports INCLUDING ALL)), synchronous commit on. Target: the HTTP path
// reaches ≥ 0.35 of pgbench's rate with p99 ≤ 50 ms; on PGlite ≥ 500 reports/s.
//   BENCH_REPORTS_DURATION=30   seconds of measured load (HTTP and pgbench each)
//   BENCH_PGBENCH=…             the pgbench binary (default: pgbench on PATH, else /usr/lib/postgresql/15/bin/pgbench)
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEMO_PASSWORD, DEMO_USER, check, cpuMs, loadTest, round, startServer } from './lib.mjs';

export const description = 'POST /api/reports at 50 concurrent clients vs pgbench single-row inserts into a reports-shaped table';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_REPORTS_DURATION ?? process.env.BENCH_DURATION ?? 30);
const WARMUP_S = 3;
const RATIO_TARGET = 0.35;
const P99_TARGET_MS = 50;
const PGLITE_TARGET_RPS = 500;

/** A figure that must reach at least `limit` (lib's check() is for upper limits). */
export function atLeast(name, value, unit, limit) {
  return { name, value: round(value), unit, target: `≥ ${limit} ${unit}`.trim(), pass: value >= limit };
}

/** Sign in and return the Bearer token (no CSRF header needed with it). */
export async function loginToken(url, username, password) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  if (!body.token) throw new Error('login answered without a token');
  return body.token;
}

/** Villages under a regency, through the API (works on both databases). */
export async function villagesOf(url, token, regency, maxDistricts = 8) {
  const get = async (p) => {
    const res = await fetch(`${url}/api/regions?parent=${p}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET /api/regions?parent=${p}: ${res.status}`);
    return (await res.json()).items;
  };
  const districts = (await get(regency)).filter((r) => r.level === 'district').slice(0, maxDistricts);
  const villages = [];
  for (const d of districts) villages.push(...(await get(d.code)).filter((r) => r.level === 'village').map((r) => r.code));
  if (villages.length === 0) throw new Error(`no villages under ${regency}`);
  return villages;
}

const WORDS = ['pembagian', 'amplop', 'sembako', 'uang', 'tunai', 'warga', 'relawan', 'calon', 'kampanye', 'malam', 'rumah', 'kepala', 'dusun', 'pemilih', 'daftar'];

function reportBody(villages, n) {
  const w = (i) => WORDS[(n * 7 + i * 3) % WORDS.length];
  return JSON.stringify({
    id: randomUUID(),
    category: 'politik_uang',
    severity: 2,
    regionCode: villages[n % villages.length],
    occurredAt: new Date(Date.now() - 3_600_000 - (n % 600) * 1000).toISOString().replace('Z', '+00:00'),
    title: `Dugaan ${w(1)} ${w(2)} menjelang pemungutan suara`,
    description: `Laporan petugas lapangan: ${w(3)} ${w(4)} ${w(5)} oleh ${w(6)} di sekitar ${w(7)} ${w(8)}, sekitar pukul ${(n % 24).toString().padStart(2, '0')}.00.`,
  });
}

/**
 * Sustained POST /api/reports: every request is built by setupRequest with a new UUID, so
 * no request is answered as an idempotent repeat. Response times of 2xx answers are kept raw
 * (autocannon's histogram has no p95 and whole-millisecond buckets).
 */
export function postLoad({ url, token, villages, duration, connections = CONNECTIONS }) {
  let n = 0;
  return loadTest({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    requests: [{ method: 'POST', path: '/api/reports', setupRequest: (req) => ({ ...req, body: reportBody(villages, n++) }) }],
  });
}

function pgbenchBinary() {
  if (process.env.BENCH_PGBENCH) return process.env.BENCH_PGBENCH;
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && fs.existsSync(path.join(dir, 'pgbench'))) return path.join(dir, 'pgbench');
  return '/usr/lib/postgresql/15/bin/pgbench';
}

/** One random report row per transaction, into bench_reports (same columns and indexes as reports). */
const PGBENCH_SCRIPT = `\\set d random(1, 26)
\\set v random(1, 20)
\\set sev random(1, 4)
\\set ago random(60, 86400)
INSERT INTO bench_reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at, title, description, source, receipt_code, status, status_changed_at, escalation_level, content_hash, reporter_id, reporter_name)
VALUES ('33', gen_random_uuid(), '33.10', '33.10.' || lpad(:d::text, 2, '0'), '33.10.' || lpad(:d::text, 2, '0') || '.' || (2000 + :v), 'politik_uang', :sev,
  now() - make_interval(secs => :ago), now(), 'Dugaan pembagian amplop menjelang pemungutan suara',
  'Laporan petugas lapangan: pembagian uang tunai oleh relawan calon di sekitar rumah kepala dusun, sekitar pukul 21.00.',
  'desk', md5(random()::text), 'new', now(), 'village', md5(random()::text), gen_random_uuid(), 'Sekretariat Kesbangpol Klaten');
`;

/** pgbench -n -c 50 -j 2 -T <duration> with the script above; returns tps and latency. */
export async function runPgbench(dbUrl, duration) {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_reports');
    await client.query('CREATE TABLE bench_reports (LIKE reports INCLUDING ALL)');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'bench_reports'`);
    const { rows: sc } = await client.query('SHOW synchronous_commit');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-bench-pgbench-'));
    const script = path.join(dir, 'insert-report.sql');
    fs.writeFileSync(script, PGBENCH_SCRIPT);
    const u = new URL(dbUrl);
    const args = ['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(duration), '-f', script, '-h', u.searchParams.get('host') ?? u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), u.pathname.slice(1)];
    const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
    let out;
    try {
      out = await new Promise((resolve, reject) =>
        execFile(pgbenchBinary(), args, { env, timeout: (duration + 60) * 1000, maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
          error ? reject(new Error(`pgbench failed: ${error.message}\n${stderr}`)) : resolve(stdout + stderr),
        ),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const tps = Number(out.match(/tps = ([\d.]+) \(without initial connection time\)/)?.[1] ?? out.match(/tps = ([\d.]+)/)?.[1]);
    const latencyAvg = Number(out.match(/latency average = ([\d.]+) ms/)?.[1]);
    const failed = Number(out.match(/number of failed transactions: (\d+)/)?.[1] ?? 0);
    if (!Number.isFinite(tps)) throw new Error(`could not read tps from pgbench:\n${out}`);
    const { rows: cnt } = await client.query('SELECT count(*)::int AS n FROM bench_reports');
    return { tps, latencyAvgMs: latencyAvg, failed, rowsInserted: cnt[0].n, indexes: rows[0].n, synchronousCommit: sc[0].synchronous_commit, args: args.slice(0, 8).join(' ') };
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_reports').catch(() => {});
    await client.end();
  }
}

async function measurePost(server, kind) {
  const token = await loginToken(server.url, DEMO_USER, DEMO_PASSWORD);
  const villages = await villagesOf(server.url, token, '33.10');
  // one request by hand first, so a rejected body fails with its reason
  const probe = await fetch(`${server.url}/api/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: reportBody(villages, 0),
  });
  if (probe.status !== 201) throw new Error(`${kind}: probe POST /api/reports answered ${probe.status}: ${await probe.text()}`);
  await probe.arrayBuffer();
  await postLoad({ url: server.url, token, villages, duration: WARMUP_S });
  const cpu0 = cpuMs(server.pid);
  const load0 = os.loadavg()[0];
  const r = await postLoad({ url: server.url, token, villages, duration: DURATION_S });
  r.serverCpuUsPerRequest = round(((cpuMs(server.pid) - cpu0) * 1000) / Math.max(1, r.requests), 0);
  r.loadAverage1m = [round(load0), round(os.loadavg()[0])];
  r.villages = villages.length;
  if (r.non2xx > 0 || r.errors > 0) console.log(`  ${kind}: ${r.non2xx} non-2xx answers ${JSON.stringify(r.statuses)}, ${r.errors} errors, ${r.timeouts} timeouts`);
  return r;
}

/** The floor of this server on this machine now: GET /api/health (full plugin stack, one SELECT 1). */
function healthLoad(url, duration) {
  return new Promise((resolve, reject) =>
    autocannon({ url: `${url}/api/health`, connections: CONNECTIONS, duration }, (error, result) =>
      error ? reject(error) : resolve({ reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx }),
    ),
  );
}

/** The p99 target is issue #3's for PostgreSQL; on PGlite (one process, one connection) the target is throughput. */
function postChecks(r, kind) {
  return [
    check('POST: throughput', round(r.reqPerSec, 0), 'req/s'),
    check('POST: p50', r.p50, 'ms'),
    check('POST: p97.5', r.p97_5, 'ms'),
    check('POST: p99', r.p99, 'ms', kind === 'postgres' ? P99_TARGET_MS : undefined),
    check('POST: non-2xx answers + errors', r.non2xx + r.errors, '', 0),
    check('POST: server CPU per request', r.serverCpuUsPerRequest, 'µs'),
  ];
}

export async function run(ctx) {
  const sections = [];
  for (const kind of ctx.kinds) {
    // a database of its own: the load writes tens of thousands of reports
    const db = await ctx.dbs.fresh(kind);
    const server = await startServer(db);
    try {
      const r = await measurePost(server, kind);
      const checks = postChecks(r, kind);
      const details = { kind, user: DEMO_USER, connections: CONNECTIONS, durationSeconds: DURATION_S, post: r };
      details.healthFloor = await healthLoad(server.url, 5);
      checks.push(check('floor: GET /api/health (SELECT 1), same server', round(details.healthFloor.reqPerSec, 0), 'req/s'));
      if (kind === 'postgres') {
        const load0 = os.loadavg()[0];
        const ref = await runPgbench(db.url, DURATION_S);
        ref.loadAverage1m = [round(load0), round(os.loadavg()[0])];
        details.pgbench = ref;
        const ratio = r.reqPerSec / ref.tps;
        checks.push(
          check(`pgbench reference: tps (${ref.indexes} indexes, sync commit ${ref.synchronousCommit})`, round(ref.tps, 0), 'tx/s'),
          check('pgbench reference: latency average', ref.latencyAvgMs, 'ms'),
          atLeast('POST req/s ÷ pgbench tps', round(ratio, 3), '', RATIO_TARGET),
        );
      } else {
        checks.push(atLeast('POST: reports per second', round(r.reqPerSec, 0), 'req/s', PGLITE_TARGET_RPS));
      }
      sections.push({ title: `reports POST — ${kind} (${CONNECTIONS} connections, ${DURATION_S} s, as ${DEMO_USER}, load avg ${r.loadAverage1m.join('→')})`, checks, details });
    } finally {
      await server.stop();
    }
  }
  return sections;
}
