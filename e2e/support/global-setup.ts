import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = path.resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    e2eTemplateDir: string;
    e2eAdminPassword: string;
  }
}

/**
 * Start the built server once on an empty data directory (migrations, 91,599 regions, the
 * demo), stop it cleanly, and hand the directory to every e2e file as a template: each file
 * copies it and starts its own server in seconds (the "second start" path).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const main = path.join(ROOT, 'packages/server/dist/main.js');
  if (!fs.existsSync(main)) throw new Error('run `npm run build` first: the e2e tests use the built server and web app');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-e2e-template-'));
  const adminPassword = `admin-e2e-${crypto.randomBytes(6).toString('hex')}`;
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, SINERGI_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', SINERGI_ADMIN_PASSWORD: adminPassword, SINERGI_DEMO: 'on', SINERGI_DEMO_PASSWORD: 'demo-sinergi', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`template server not ready after 170 s:\n${output}`)), 170_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/siap dalam \/ ready in/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`template server exited (${code}):\n${output}`));
    });
  });
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  project.provide('e2eTemplateDir', dir);
  project.provide('e2eAdminPassword', adminPassword);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
