import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureCliBuilt } from './cli-support.js';
import { openStream } from './delivery-support.js';
import { TEST_PASSWORD, createTestUser, openTestDb, type TestDb } from './helpers.js';

const BAYAT = '33.10.04';

interface Instance {
  url: string;
  stop(): Promise<void>;
}

/** Start the built server on a free port against DATABASE_URL, as an operator would. */
function startInstance(databaseUrl: string): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'packages/server/dist/main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', SINERGI_DEMO: 'off', SINERGI_ADMIN_PASSWORD: 'admin-password-123', LOG_LEVEL: 'warn', SINERGI_PG_POOL_SIZE: '4' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready in .*?→ (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.resume();
        resolve({
          url: match[1]!,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
}

async function login(base: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = ((await res.json()) as { user: { csrfToken: string } }).user.csrfToken;
  return { cookie, csrf };
}

// two processes on one database: PostgreSQL only (PGlite's data directory belongs to one process)
describe.skipIf(!process.env.TEST_DATABASE_URL)('two server processes on one PostgreSQL', () => {
  let db: TestDb;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    expect(ensureCliBuilt()).toBe(true);
    db = await openTestDb('postgres');
    const url = (db.handle.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    await createTestUser(db.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(db.handle, { username: 'bhabin', role: 'field_officer', scopes: [BAYAT], pillarCode: 'polri' });
    // one after the other: two first starts at once both try to create the administrator
    a = await startInstance(url);
    b = await startInstance(url);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.dispose();
  });

  it('streams a report written through one instance to users connected to either, and notifies each user once', async () => {
    const desk = await login(a.url, 'panwascam');
    const officer = await login(a.url, 'bhabin');
    const onA = await openStream(`${a.url}/api/stream`, { cookie: desk.cookie });
    const onB = await openStream(`${b.url}/api/stream`, { cookie: desk.cookie });
    try {
      const village = (await db.handle.query<{ code: string }>("SELECT code FROM regions WHERE parent_code = $1 ORDER BY code LIMIT 1", [BAYAT]))[0]!.code;
      const id = randomUUID();
      const res = await fetch(`${a.url}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: officer.cookie, 'x-csrf-token': officer.csrf },
        body: JSON.stringify({ id, category: 'politik_uang', severity: 3, regionCode: village, occurredAt: new Date(Date.now() - 3600_000).toISOString(), title: 'Amplop di dua instans', description: 'Uji dua proses.' }),
      });
      expect(res.status, await res.text()).toBe(201);
      const isOurs = (e: { event: string; data: string }) => e.event === 'change' && JSON.parse(e.data).data.reportId === id;
      const [fromA, fromB] = await Promise.all([onA.next(isOurs, 10_000), onB.next(isOurs, 10_000)]);
      expect(fromA.id).toBe(fromB.id);
      // both instances run a dispatcher; the desk is notified once, and both streams hear it
      await Promise.all([onA.next((e) => e.event === 'notification', 10_000), onB.next((e) => e.event === 'notification', 10_000)]);
      const rows = await db.handle.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'panwascam' AND n.payload->>'reportId' = $1",
        [id],
      );
      expect(Number(rows[0]!.n)).toBe(1);
      expect(onA.events.filter(isOurs)).toHaveLength(1);
      expect(onB.events.filter(isOurs)).toHaveLength(1);
    } finally {
      await onA.close();
      await onB.close();
    }
  });
});
