import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../src/db/client.js';
import { setMeta } from '../src/db/repositories/meta.js';
import { bootstrapDatabase, ensureRegions } from '../src/services/bootstrap.service.js';
import { BACKENDS, createEmptyPgDatabase, openTestDb, type TestDb } from './helpers.js';

describe.each(BACKENDS)('first start vs later start on %s', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.dispose());

  it('a later start recognises the imported tree and skips the import', async () => {
    expect(await ensureRegions(db.handle)).toEqual({ imported: false, count: 91_599 });
  });

  it('re-imports when the recorded source differs from the installed idn-area-data', async () => {
    await setMeta(db.handle.db, 'regions', { source: 'idn-area-data@3.1.2', count: 91_599 });
    const messages: string[] = [];
    expect(await ensureRegions(db.handle, (m) => messages.push(m))).toMatchObject({ imported: true, count: 91_599 });
    expect(messages.at(-1)).toContain('91.599/91.599');
    expect(await ensureRegions(db.handle)).toEqual({ imported: false, count: 91_599 });
  });
});

describe.each(BACKENDS.filter((b) => b === 'postgres'))('two instances started together on one empty %s', () => {
  const handles: DbHandle[] = [];
  let db: Awaited<ReturnType<typeof createEmptyPgDatabase>>;
  beforeAll(async () => {
    db = await createEmptyPgDatabase('sinergi_t_boot');
    // pools of one connection: the start-up lock must not take the connection the work needs
    for (let i = 0; i < 2; i++) handles.push(await openDatabase({ kind: 'postgres', url: db.url, poolSize: 1 }));
  });
  afterAll(async () => {
    for (const h of handles) await h.close();
    await db?.drop();
  });

  it('bootstrap one after the other: one administrator created, one password shown, one first start', async () => {
    const results = await Promise.all(handles.map((h) => bootstrapDatabase(h, {})));
    expect(results.filter((r) => r.adminPassword !== null)).toHaveLength(1);
    expect(results.filter((r) => r.firstStart)).toHaveLength(1);
    const [users] = await handles[0]!.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE username = 'admin'`);
    expect(users!.n).toBe(1);
    const [created] = await handles[0]!.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'user.create' AND after->>'username' = 'admin'`);
    expect(created!.n).toBe(1);
    expect(results[0]!.regions.countByLevel()).toEqual(results[1]!.regions.countByLevel());
  }, 240_000);
});
