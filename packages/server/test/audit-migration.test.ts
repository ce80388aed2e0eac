import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase, pgliteHandle, runMigrations, type DbHandle } from '../src/db/client.js';
import { GENESIS_HASH, auditHash, sealAuditLog, verifyAuditLog } from '../src/db/repositories/audit.js';
import { BACKENDS, createEmptyPgDatabase, sealAll } from './helpers.js';

/** The migrations up to and including `tag` in a folder of their own: a database as an older version left it. */
function migrationsUpTo(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string; idx: number }[] };
  const last = journal.entries.findIndex((e) => e.tag === tag);
  if (last < 0) throw new Error(`no migration ${tag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.mkdirSync(path.join(dir, 'meta'));
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

const CONTENT = `province_code, id, (extract(epoch from at) * 1000000)::bigint::text AS at_us, actor_id::text AS actor_id, actor_name, action,
  entity, entity_id, before::text AS before_text, after::text AS after_text, ip`;

/** Seal every row the way the sealer before migration 0013 did: chain_seq, prev_hash and hash on each row. */
async function legacySeal(handle: DbHandle, ids: number[]): Promise<void> {
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const id of ids) {
    const [row] = await handle.query<Parameters<typeof auditHash>[0]>(`SELECT ${CONTENT} FROM audit_log WHERE id = $1`, [id]);
    const head = heads.get(row!.province_code) ?? { seq: 0, hash: GENESIS_HASH };
    const seq = head.seq + 1;
    const hash = auditHash(row!, seq, head.hash);
    await handle.query('UPDATE audit_log SET chain_seq = $1, prev_hash = $2, hash = $3 WHERE id = $4', [seq, head.hash, hash, id]);
    heads.set(row!.province_code, { seq, hash });
  }
}

describe.each(BACKENDS)('migration 0013 (audit seals in blocks) on %s', { timeout: 120_000 }, (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  async function olderDatabase(): Promise<DbHandle> {
    const folder = migrationsUpTo('0012_reports_regency_category_list');
    cleanups.push(async () => fs.rmSync(folder, { recursive: true, force: true }));
    let handle: DbHandle;
    if (backend === 'pglite') {
      const client = new PGlite();
      await client.waitReady;
      handle = pgliteHandle(client);
      cleanups.push(() => client.close());
    } else {
      const db = await createEmptyPgDatabase('sinergi_mig');
      handle = await openDatabase({ kind: 'postgres', url: db.url, poolSize: 2 });
      cleanups.push(async () => {
        await handle.close();
        await db.drop();
      });
    }
    await runMigrations(handle, folder);
    return handle;
  }

  it('carries chains sealed row by row over into blocks that verify, and seals on from where they ended', async () => {
    const handle = await olderDatabase();
    // 7,003 sealed rows in province 33 (two blocks of 5,000 and one of 2,003 after the move), 3 in 11, then 4 not yet sealed
    await handle.query(
      `INSERT INTO audit_log (province_code, action, entity, entity_id, after)
       SELECT CASE WHEN n % 2000 = 0 THEN '11' ELSE '33' END, 'test.old', 'probe', n::text, jsonb_build_object('n', n) FROM generate_series(1, 7006) AS n`,
    );
    const sealedIds = (await handle.query<{ id: number }>('SELECT id::int AS id FROM audit_log ORDER BY txid, id')).map((r) => r.id);
    await legacySeal(handle, sealedIds);
    await handle.query("INSERT INTO audit_log (province_code, action, entity) SELECT '33', 'test.late', 'probe' FROM generate_series(1, 4)");

    await runMigrations(handle);
    const blocks = await handle.query<{ province_code: string; first_seq: number; row_count: number }>(
      'SELECT province_code, first_seq::int AS first_seq, row_count FROM audit_seals ORDER BY 1, 2',
    );
    expect(blocks).toEqual([
      { province_code: '11', first_seq: 1, row_count: 3 },
      { province_code: '33', first_seq: 1, row_count: 5000 },
      { province_code: '33', first_seq: 5001, row_count: 2003 },
    ]);
    expect(await verifyAuditLog(handle)).toMatchObject({ ok: true, chains: 2, sealed: 7006, unsealed: 4, problems: [] });

    expect(await sealAll(handle)).toBe(4);
    const [tail] = await handle.query<{ first_seq: number; row_count: number }>(
      "SELECT first_seq::int AS first_seq, row_count FROM audit_seals WHERE province_code = '33' ORDER BY first_seq DESC LIMIT 1",
    );
    expect(tail).toEqual({ first_seq: 7004, row_count: 4 });
    expect(await verifyAuditLog(handle)).toMatchObject({ ok: true, sealed: 7010, unsealed: 0 });
    expect(await sealAuditLog(handle)).toBe(0);

    // a row altered before the move is still caught after it, at its old position
    await handle.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await handle.query(`UPDATE audit_log SET after = '{"n":0}' WHERE id = $1`, [sealedIds[6000]]);
    await handle.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    const result = await verifyAuditLog(handle);
    const [moved] = await handle.query<{ province_code: string }>('SELECT province_code FROM audit_log WHERE id = $1', [sealedIds[6000]]);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ provinceCode: moved!.province_code, id: sealedIds[6000], problem: expect.stringMatching(/altered/) })]);
  });
});
