#!/usr/bin/env node
// `npm run bench` (build first) or `node bench/run.mjs [name …]`: run the benchmarks in
// bench/ (all, or those named), print each figure with its target and PASS/FAIL, and write
// the results with the machine's description to bench/results/<time>.json.
//   BENCH_DB=pglite|postgres   run on one database only
//   BENCH_DATABASE_URL=…       PostgreSQL server to create the benchmark databases in
//                              (default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_DURATION=10          seconds per load scenario
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Databases, PG_ADMIN_URL, ROOT, SERVER_MAIN, postgresAvailable } from './lib.mjs';

const ORDER = ['startup', 'regions', 'memory'];
const here = import.meta.dirname;
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !/^[._]/.test(f) && !['run.mjs', 'lib.mjs'].includes(f))
  .map((f) => f.replace(/\.mjs$/, ''))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? available.filter((n) => wanted.includes(n)) : available;

if (!fs.existsSync(SERVER_MAIN)) {
  console.error(`${path.relative(ROOT, SERVER_MAIN)} is missing: run \`npm run build\` (or \`npm run bench\`) first.`);
  process.exit(2);
}

function machine(pgVersion) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  let gitCommit = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: pgVersion,
    gitCommit,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    note: 'load generator (autocannon) runs in the harness process, the server in its own process, on the same machine',
  };
}

const pgVersion = await postgresAvailable();
let kinds = ['pglite', 'postgres'];
if (process.env.BENCH_DB) kinds = kinds.filter((k) => k === process.env.BENCH_DB);
if (kinds.includes('postgres') && !pgVersion) {
  console.log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: PostgreSQL runs skipped (set BENCH_DATABASE_URL).`);
  kinds = kinds.filter((k) => k !== 'postgres');
}

const info = machine(pgVersion);
console.log(`Sinergi benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${info.cpus} cores (${info.cpuModel}), ${info.memoryGiB} GiB, ${info.kernel}; Node ${info.node}; PostgreSQL ${pgVersion ?? 'n/a'}`);
console.log(`note: ${info.note}${info.cpus <= 2 ? ` — with ${info.cpus} cores the two compete for CPU, so latencies are pessimistic` : ''}`);
console.log(`databases: ${kinds.join(', ')}; benchmarks: ${selected.join(', ')}; load average ${info.loadAverageAtStart.join(' ')}`);

const dbs = new Databases();
const ctx = { kinds, dbs };
const results = [];
let failed = 0;
let crashed = false;
const { printChecks } = await import('./lib.mjs');
try {
  for (const name of selected) {
    const mod = await import(path.join(here, `${name}.mjs`));
    console.log(`\n▶ ${name}: ${mod.description}`);
    const started = performance.now();
    try {
      const sections = await mod.run(ctx);
      for (const s of sections) {
        printChecks(s.title, s.checks);
        failed += s.checks.filter((c) => c.pass === false).length;
      }
      results.push({ name, seconds: Math.round((performance.now() - started) / 100) / 10, sections });
    } catch (error) {
      crashed = true;
      console.error(`  ${name} failed to run: ${error.stack ?? error}`);
      results.push({ name, error: String(error.message ?? error) });
    }
  }
} finally {
  await dbs.cleanup();
}

const outDir = path.join(here, 'results');
fs.mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = path.join(outDir, `${stamp}.json`);
info.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: info, databases: kinds, results }, null, 2) + '\n');
const targets = results.flatMap((r) => r.sections ?? []).flatMap((s) => s.checks).filter((c) => c.pass !== null);
console.log(`\nload average at the end: ${info.loadAverageAtEnd.join(' ')} (other work on the machine makes latencies worse)`);
console.log(`\n${targets.length - failed}/${targets.length} targets met${crashed ? '; some benchmarks did not run' : ''} — results: ${path.relative(ROOT, file)}`);
process.exit(failed > 0 || crashed ? 1 : 0);
