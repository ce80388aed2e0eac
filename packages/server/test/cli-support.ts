import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built `sinergi` command, run as a separate process the way an operator runs it. */
export const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'packages/server/bin/sinergi.js');
const DIST = path.join(ROOT, 'packages/server/dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** `npm test` builds first; a direct vitest run builds here when dist is missing or stale. Returns whether the CLI is there. */
export function ensureCliBuilt(): boolean {
  const built = fs.existsSync(path.join(DIST, 'cli/index.js')) ? newestMtime(DIST) : 0;
  const sources = Math.max(newestMtime(path.join(ROOT, 'packages/server/src')), newestMtime(path.join(ROOT, 'packages/domain/src')));
  if (built < sources) spawnSync('npx', ['tsc', '-b', 'packages/domain', 'packages/server'], { cwd: ROOT, stdio: 'ignore' });
  return fs.existsSync(path.join(DIST, 'cli/index.js'));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `sinergi ARGS`. DATABASE_URL from the test's environment is dropped unless `env` sets it (PGlite by default). */
export function runSinergi(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
