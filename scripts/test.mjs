#!/usr/bin/env node
// `npm test`: build, run every tier with vitest, print a plain closing line
// `N passed, N failed, N skipped`. In CI (CI=true) a suite that cannot run (no
// PostgreSQL, no Chromium) or any skipped test fails the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const root = path.resolve(import.meta.dirname, '..');
const extraArgs = process.argv.slice(2);
const notes = [];

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromium);
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) notes.push('PostgreSQL tests not run: set TEST_DATABASE_URL=postgres://… (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run them.');
if (!hasChromium) notes.push(`browser (e2e) tests not run: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH).`);
if (ci && (!hasPostgres || !hasChromium)) {
  for (const n of notes) console.error(`CI: ${n}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (!extraArgs.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('build failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// the build checks the shipped code; the web app and the tests are checked here
const typecheck = spawnSync('npx', ['tsc', '-p', 'packages/web', '--noEmit'], { cwd: root, stdio: 'inherit' });
const typecheckTests = spawnSync('npx', ['tsc', '-p', 'packages/server/tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
const typeErrors = (typecheck.status !== 0 ? 1 : 0) + (typecheckTests.status !== 0 ? 1 : 0);
if (typeErrors) console.error('type check failed (see above)');

const report = path.join(os.tmpdir(), `sinergi-vitest-${process.pid}.json`);
const projects = hasChromium ? [] : ['--project', 'domain', '--project', 'server'];
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...projects, ...extraArgs.filter((a) => a !== '--no-build')];
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const result = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = result.numPassedTests ?? 0;
  // a file that failed without a failing test (it crashed on import or in a hook) counts once
  const brokenFiles = (result.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed = (result.numFailedTests ?? 0) + brokenFiles;
  skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  fs.rmSync(report, { force: true });
} catch {
  failed += 1;
  console.error('no test report was written (vitest crashed?)');
}
if (run.status !== 0 && failed === 0) failed = 1;
failed += typeErrors;
if (passed === 0) {
  console.error('no test ran');
  failed = Math.max(failed, 1);
}
for (const n of notes) console.log(`note: ${n}`);
if (ci && skipped > 0) {
  console.error(`CI: ${skipped} skipped test(s); nothing may be skipped in CI`);
  failed += skipped;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
