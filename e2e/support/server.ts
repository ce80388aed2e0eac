import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchBrowser } from './browser';

import { ROOT } from './paths';

export { ROOT };
export const DEMO_PASSWORD = 'demo-sinergi';

export interface RunningServer {
  url: string;
  adminPassword: string;
  stop: () => Promise<void>;
}

/**
 * Start the real built server (`npm run build` must have run) on a free port with a fresh
 * PGlite data directory and the demo data; stop() kills it and removes the directory.
 */
export async function startServer(): Promise<RunningServer> {
  const main = path.join(ROOT, 'packages/server/dist/main.js');
  if (!fs.existsSync(main) || !fs.existsSync(path.join(ROOT, 'packages/web/dist/index.html'))) {
    throw new Error('run `npm run build` first: the e2e tests use the built server and web app');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-e2e-'));
  // a copy of the template prepared once by e2e/support/global-setup.ts: a second start, seconds
  fs.cpSync(inject('e2eTemplateDir'), dataDir, { recursive: true, filter: (src) => !src.endsWith('sinergi.lock') });
  const adminPassword = inject('e2eAdminPassword');
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      ...process.env,
      SINERGI_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      SINERGI_ADMIN_PASSWORD: adminPassword,
      SINERGI_DEMO: 'on',
      SINERGI_DEMO_PASSWORD: DEMO_PASSWORD,
      // the tests sign in many times from one address; the limit itself is covered by the API tests
      SINERGI_LOGIN_MAX_PER_MINUTE: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after 150 s:\n${output}`)), 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /siap dalam \/ ready in .*?→ (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready:\n${output}`));
    });
  });
  // keep draining the pipes so the server never blocks on a full buffer
  child.stdout!.resume();
  child.stderr!.resume();

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { url, adminPassword, stop };
}

/**
 * The per-file fixture of the browser tests: a server started from the seeded template and a
 * Chromium, both ready before the file's tests and stopped after them.
 */
export function useServerAndBrowser(): { server: RunningServer; browser: Browser } {
  const env = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    [env.server, env.browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
