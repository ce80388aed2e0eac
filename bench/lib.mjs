// Shared helpers for the benchmarks: start the real server as a child process, create and
// drop PostgreSQL databases, sign in, read resident memory, and record targets.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SERVER_MAIN = path.resolve(ROOT, process.env.BENCH_SERVER_MAIN ?? 'packages/server/dist/main.js');
export const ADMIN_PASSWORD = 'bench-admin-password';
export const DEMO_USER = 'kesbangpol.klaten';
export const DEMO_PASSWORD = 'demo-sinergi';
/** Server-mode PostgreSQL used for the PostgreSQL runs (a fresh database is created in it). */
export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One figure compared against its target. `pass` is null for figures with no target. */
export function check(name, value, unit, limit) {
  const pass = limit === undefined ? null : value <= limit;
  return { name, value: round(value), unit, target: limit === undefined ? null : `≤ ${limit} ${unit}`, pass };
}

export function round(n, digits = 2) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function printChecks(title, checks) {
  console.log(`\n  ${title}`);
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    const verdict = c.pass === null ? '' : c.pass ? '  PASS' : '  FAIL';
    const target = c.target ? `  (target ${c.target})` : '';
    console.log(`    ${c.name.padEnd(width)}  ${String(c.value).padStart(9)} ${c.unit}${target}${verdict}`);
  }
}

/** Percentile (0–100) of a sorted numeric array, nearest-rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Resident set size of a process in MB (VmRSS from /proc). */
export function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1]);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)), in clock ticks
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

export async function createDatabase(label) {
  const name = `sinergi_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropDatabase(name) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function tempDataDir(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sinergi-bench-${label}-`));
}

/** The environment of a benchmark server for a prepared database target. */
export function serverEnv(db) {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', SINERGI_DEMO: 'on', SINERGI_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.SINERGI_DATA_DIR;
  if (db.kind === 'postgres') env.DATABASE_URL = db.url;
  else env.SINERGI_DATA_DIR = db.dataDir;
  return env;
}

/**
 * Spawn `node packages/server/dist/main.js` and wait until /api/health answers.
 * Returns the wall time from spawn to the first healthy answer, and the server's own
 * "ready in … s" figure.
 */
export async function startServer(db, { timeoutMs = 120_000 } = {}) {
  const t0 = performance.now();
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVER_MAIN], { cwd: ROOT, env: serverEnv(db), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let resolveUrl;
  const urlPromise = new Promise((resolve) => (resolveUrl = resolve));
  let readySeconds = null;
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
    const m = stdout.match(/ready in ([\d.]+) s → (http:\/\/\S+)/);
    if (m && readySeconds === null) {
      readySeconds = Number(m[1]);
      resolveUrl(m[2]);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`server not ready after ${timeoutMs} ms`)), timeoutMs).unref());
  const failed = exited.then((code) => {
    throw new Error(`server exited with ${code} before it was ready\n${stdout}\n${stderr}`);
  });
  const url = await Promise.race([urlPromise, failed, timeout]);
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    url,
    pid: child.pid,
    wallSeconds,
    readySeconds,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Sign in and return the session cookie header value. */
export async function login(url, username, password) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const session = cookies.find((c) => c.startsWith('sinergi_session='));
  if (!session) throw new Error('login answered without a session cookie');
  return session;
}

/**
 * Databases prepared once per run and shared by the benchmarks: `prepared(kind)` gives a
 * database that has been through a first start (regions imported, demo loaded).
 */
export class Databases {
  constructor() {
    this.cleanups = [];
    this.ready = new Map();
  }

  /** A new, empty database target. */
  async fresh(kind) {
    if (kind === 'postgres') {
      const { name, url } = await createDatabase('pg');
      this.cleanups.push(() => dropDatabase(name));
      return { kind, url, name };
    }
    const dir = tempDataDir('pglite');
    this.cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return { kind, dataDir: dir };
  }

  /** Remember a database that has been through its first start. */
  markPrepared(db) {
    if (!this.ready.has(db.kind)) this.ready.set(db.kind, db);
  }

  async prepared(kind) {
    const known = this.ready.get(kind);
    if (known) return known;
    const db = await this.fresh(kind);
    const server = await startServer(db);
    await server.stop();
    this.markPrepared(db);
    return db;
  }

  async cleanup() {
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup: ${error.message}`);
      }
    }
  }
}

/** Is a PostgreSQL server reachable at PG_ADMIN_URL? */
export async function postgresAvailable() {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return rows[0].server_version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Run autocannon (any of its options) and keep every 2xx response time (ms). autocannon's own
 * histogram has whole-millisecond buckets and no p95, so percentiles come from the raw samples;
 * its own figures are kept alongside for comparison.
 */
export function loadTest(options) {
  return new Promise((resolve, reject) => {
    const samples = [];
    const statuses = {};
    let non2xx = 0;
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      samples.sort((a, b) => a - b);
      resolve({
        requests: samples.length + non2xx,
        non2xx,
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        reqPerSec: samples.length / result.duration,
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
        p97_5: percentile(samples, 97.5),
        p99: percentile(samples, 99),
        max: samples.at(-1) ?? NaN,
        autocannon: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, mean: result.latency.mean },
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
      else non2xx += 1;
    });
  });
}
