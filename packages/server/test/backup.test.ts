import { Readable, Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { asc, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type DbHandle } from '../src/db/client.js';
import { sealAuditLog, verifyAuditLog } from '../src/db/repositories/audit.js';
import { auditLog, users } from '../src/db/schema.js';
import { BackupError, restoreBackup, writeBackup } from '../src/services/backup.service.js';
import { loadRegionStore } from '../src/services/bootstrap.service.js';
import { systemContext } from '../src/services/context.js';
import { createUsers, resetUserPassword } from '../src/services/users.service.js';
import { BACKENDS, createEmptyPgDatabase, openTestDb, sealAll, type Backend, type TestDb } from './helpers.js';

/** An empty, migrated database: what an operator restores into (the documented path). */
async function openEmptyDb(kind: Backend): Promise<TestDb> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ kind: 'pglite', dataDir: null });
    await runMigrations(handle);
    return { handle, dispose: () => handle.close() };
  }
  const db = await createEmptyPgDatabase('sinergi_r');
  const handle = await openDatabase({ kind: 'postgres', url: db.url, poolSize: 4 });
  await runMigrations(handle);
  return {
    handle,
    async dispose() {
      await handle.close();
      await db.drop();
    },
  };
}

async function backupToBuffer(handle: DbHandle): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeBackup(handle, sink);
  return Buffer.concat(chunks);
}

async function tableCounts(handle: DbHandle): Promise<Record<string, number>> {
  const tables = await handle.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
  );
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await handle.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.name}`);
    out[t.name] = Number(row!.n);
  }
  return out;
}

/** Audit rows as stored, minus txid: a restore re-stamps unsealed rows with its own transaction. */
async function auditRows(handle: DbHandle) {
  const rows = await handle.db.select().from(auditLog).where(ne(auditLog.action, 'backup.restore')).orderBy(asc(auditLog.provinceCode), asc(auditLog.id));
  return rows.map(({ txid: _txid, ...rest }) => rest);
}

// PGlite → PostgreSQL is the documented laptop-to-server path; with PostgreSQL available
// each backend restores into the other, otherwise PGlite into PGlite.
const targetOf = (source: Backend): Backend => (BACKENDS.includes('postgres') ? (source === 'pglite' ? 'postgres' : 'pglite') : source);

describe.each(BACKENDS)('backup from %s and restore', { timeout: 180_000 }, (source) => {
  const target = targetOf(source);
  let src: TestDb;
  let file: Buffer;
  let srcCounts: Record<string, number>;

  beforeAll(async () => {
    src = await openTestDb(source);
    const regions = await loadRegionStore(src.handle);
    const deps = { handle: src.handle, regions };
    const created = await createUsers(deps, systemContext(), [
      { username: 'kesbangpol.klaten', fullName: 'Kesbangpol Klaten', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'pemda', password: 'rahasia-sekali-1' },
      { username: 'camat.bayat', fullName: 'Camat "Bayat"\u00a0✓', role: 'district_desk', scopes: ['33.10.04'], position: 'Camat' },
      { username: 'bhabin.aceh', fullName: 'Bhabin Aceh', role: 'field_officer', scopes: ['11.01.01.2001'], pillarCode: 'polri' },
    ]);
    await sealAuditLog(src.handle); // part of the chain sealed, part not: both must survive
    await resetUserPassword(deps, systemContext(), created[1]!.user.id);
    // values that a careless dump would bend: a bigint beyond 2^53, text with newlines and quotes
    await src.handle.query(
      `INSERT INTO audit_log (province_code, action, entity, entity_id, before, after)
       VALUES ('33', 'test.values', 'probe', 'x', '{"s": "baris\\nbaru \\"kutip\\" \\\\ ✓"}', '{"n": 12345678901234567890123, "f": 0.1}')`,
    );
    // enough rows over two provinces for several keyset batches of the composite key
    await src.handle.query(
      `INSERT INTO audit_log (province_code, action, entity, entity_id, after)
       SELECT CASE WHEN g % 2 = 0 THEN '33' ELSE '11' END, 'test.bulk', 'probe', g::text, jsonb_build_object('g', g)
       FROM generate_series(1, 4500) AS g`,
    );
    file = await backupToBuffer(src.handle);
    srcCounts = await tableCounts(src.handle);
  });
  afterAll(async () => src?.dispose());

  it('writes a header with the source, migrations and per-table counts, parents before children', () => {
    const lines = gunzipSync(file).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ sinergiBackup: 1, source, migrations: expect.any(Number) });
    const names = header.tables.map((t: { name: string }) => t.name);
    expect(names).not.toContain('drizzle.__drizzle_migrations');
    expect(names.indexOf('public.pillars')).toBeLessThan(names.indexOf('public.users'));
    expect(names.indexOf('public.users')).toBeLessThan(names.indexOf('public.sessions'));
    for (const t of header.tables) expect(t.rows, t.name).toBe(srcCounts[t.name]);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ end: true, rows: lines.length - 2 });
  });

  it(`restores into an empty ${target} database with the same rows, and the audit chain verifies`, async () => {
    const dst = await openEmptyDb(target);
    try {
      const result = await restoreBackup(dst.handle, Readable.from([file]));
      expect(result.header.source).toBe(source);
      const counts = await tableCounts(dst.handle);
      expect(counts).toEqual({ ...srcCounts, 'public.audit_log': srcCounts['public.audit_log']! + 1 });
      expect(await dst.handle.db.select().from(users).orderBy(asc(users.username))).toEqual(
        await src.handle.db.select().from(users).orderBy(asc(users.username)),
      );
      expect(await auditRows(dst.handle)).toEqual(await auditRows(src.handle));
      const exact = "SELECT before::text AS b, after::text AS a FROM audit_log WHERE action = 'test.values'";
      expect(await dst.handle.query(exact)).toEqual(await src.handle.query(exact));
      const [restoreRow] = await dst.handle.query<{ actor_name: string; after: { source: string } }>(
        "SELECT actor_name, after FROM audit_log WHERE action = 'backup.restore'",
      );
      expect(restoreRow).toMatchObject({ actor_name: 'system', after: { source } });

      // unsealed rows carried the source's transaction ids; here they must still be sealable
      await sealAll(dst.handle);
      const verified = await verifyAuditLog(dst.handle);
      expect(verified).toMatchObject({ ok: true, unsealed: 0, sealed: counts['public.audit_log'] });
      // sequences continue after the restored rows
      const regions = await loadRegionStore(dst.handle);
      await createUsers({ handle: dst.handle, regions }, systemContext(), [
        { username: 'baru.setelah.pulih', fullName: 'Baru', role: 'observer', scopes: ['33.10'] },
      ]);
      const [ids] = await dst.handle.query<{ max: number; n: number }>('SELECT max(id)::int AS max, count(*)::int AS n FROM audit_log');
      expect(ids!.n).toBe(counts['public.audit_log']! + 1);
      expect(await verifyAuditLog(dst.handle)).toMatchObject({ ok: true, unsealed: 1 });
    } finally {
      await dst.dispose();
    }
  });

  it('refuses a database that holds data, unless forced; the guard triggers are back afterwards', async () => {
    const dst = await openTestDb(target); // migrated, with regions and pillars
    try {
      const before = await tableCounts(dst.handle);
      await expect(restoreBackup(dst.handle, Readable.from([file]))).rejects.toThrow(/sudah berisi data.*--force/s);
      expect(await tableCounts(dst.handle)).toEqual(before);

      await dst.handle.query("INSERT INTO audit_log (province_code, action, entity) VALUES ('00', 'test.old', 'probe')");
      await restoreBackup(dst.handle, Readable.from([file]), { force: true });
      const [old] = await dst.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.old'");
      expect(Number(old!.n)).toBe(0);
      expect((await tableCounts(dst.handle))['public.users']).toBe(srcCounts['public.users']);
      await expect(dst.handle.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      await expect(dst.handle.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    } finally {
      await dst.dispose();
    }
  });

  it('a damaged file fails with a clear message and changes nothing', async () => {
    const dst = await openEmptyDb(target);
    try {
      const empty = await tableCounts(dst.handle);
      const text = gunzipSync(file).toString('utf8');
      const lines = text.trimEnd().split('\n');
      const header = JSON.parse(lines[0]!);
      const userLine = lines.findIndex((l) => l.startsWith('{"t":"public.users"'));
      const withoutUser = [...lines.slice(0, userLine), ...lines.slice(userLine + 1)];
      withoutUser[withoutUser.length - 1] = JSON.stringify({ end: true, rows: withoutUser.length - 2 });
      const cases: [string, Buffer, RegExp][] = [
        ['truncated gzip', file.subarray(0, Math.floor(file.length / 2)), /rusak atau terpotong/],
        ['not gzip', Buffer.from(text), /rusak atau terpotong/],
        ['wrong header', gzipSync('{"hello":"world"}\n'), /bukan cadangan Sinergi/],
        ['not JSON', gzipSync('PGDMP\n'), /bukan cadangan Sinergi/],
        ['newer format', gzipSync(`${JSON.stringify({ ...header, sinergiBackup: 99 })}\n`), /versi 99 tidak didukung/],
        ['other migration level', gzipSync(`${JSON.stringify({ ...header, migrations: header.migrations + 1 })}\n{"end":true,"rows":0}\n`), /migrasi/],
        ['cut at a line boundary', gzipSync(lines.slice(0, -1).join('\n') + '\n'), /terpotong \(tidak ada penutup/],
        ['a row missing', gzipSync(withoutUser.join('\n') + '\n'), /Jumlah baris public\.users tidak cocok/],
        ['a damaged row', gzipSync([...lines.slice(0, userLine), '{"t":"public.users","r":{"id":', ...lines.slice(userLine + 1)].join('\n') + '\n'), /Baris \d+/],
      ];
      for (const [label, body, message] of cases) {
        const error = await restoreBackup(dst.handle, Readable.from([body])).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, label).toBeInstanceOf(BackupError);
        expect((error as Error).message, label).toMatch(message);
        expect(await tableCounts(dst.handle), label).toEqual(empty);
      }
      // and the database still takes a good restore afterwards
      await restoreBackup(dst.handle, Readable.from([file]));
      expect((await tableCounts(dst.handle))['public.users']).toBe(srcCounts['public.users']);
    } finally {
      await dst.dispose();
    }
  });
});
