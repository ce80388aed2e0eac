import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAuditLog, verifyAuditLog } from '../src/db/repositories/audit.js';
import { systemContext } from '../src/services/context.js';
import { createUser } from '../src/services/users.service.js';
import { sealAll, BACKENDS, createTestApp, createTestUser, type TestApp } from './helpers.js';


interface AuditRow {
  province_code: string;
  id: number;
  actor_name: string | null;
  action: string;
  entity_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  chain_seq: number | null;
}

/** Every sealed row's place: (province, chain position, audit id), read out of the seal blocks. */
const SEALED = `(SELECT s.province_code, (s.first_seq + o.i - 1)::int AS chain_seq, o.id
  FROM audit_seals s, unnest(s.audit_ids) WITH ORDINALITY AS o(id, i))`;

describe.each(BACKENDS)('audit log on %s', { timeout: 120_000 }, (backend) => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    await createTestUser(t.handle, { username: 'admin.nasional', role: 'admin', scopes: ['*'] });
  });
  afterAll(async () => t?.dispose());

  const rowsOf = (where: string, params: unknown[] = []) =>
    t.handle.query<AuditRow>(
      `SELECT * FROM (SELECT a.province_code, a.id::int AS id, a.actor_name, a.action, a.entity_id, a.before, a.after, z.chain_seq
         FROM audit_log a LEFT JOIN ${SEALED} z ON z.province_code = a.province_code AND z.id = a.id) x
       WHERE ${where} ORDER BY chain_seq, id`,
      params,
    );

  it('records writes through the API: who, what, before and after', async () => {
    const agent = await t.login('admin.nasional');
    const created = await agent.post('/api/users', { username: 'camat.bayat', fullName: 'Camat Bayat', role: 'district_desk', scopes: ['33.10.04'], pillarCode: 'pemda' });
    expect(created.statusCode).toBe(201);
    userId = created.json().user.id;
    const patched = await agent.patch(`/api/users/${userId}`, { position: 'Camat Bayat 2024', version: 1 });
    expect(patched.statusCode).toBe(200);

    const rows = await rowsOf('entity_id = $1', [userId]);
    expect(rows.map((r) => r.action)).toEqual(['user.create', 'user.update']);
    const [create, update] = rows;
    expect(create).toMatchObject({ province_code: '33', actor_name: 'admin.nasional', before: null, after: { username: 'camat.bayat', scopes: ['33.10.04'] }, chain_seq: null });
    expect(create!.after).not.toHaveProperty('passwordHash');
    expect(update!.before).toMatchObject({ position: null, version: 1 });
    expect(update!.after).toMatchObject({ position: 'Camat Bayat 2024', version: 2 });
    const [login] = await rowsOf("action = 'auth.login' AND actor_name = 'admin.nasional'");
    expect(login).toBeDefined();
  });

  it('seals every committed row once into a chain per province that verifies', async () => {
    const sealed = await sealAll(t.handle);
    expect(sealed).toBeGreaterThanOrEqual(3);
    expect(await sealAuditLog(t.handle)).toBe(0); // nothing is sealed twice
    const result = await verifyAuditLog(t.handle);
    const [counts] = await t.handle.query<{ n: number; provinces: number }>('SELECT count(*)::int AS n, count(DISTINCT province_code)::int AS provinces FROM audit_log');
    expect(result).toMatchObject({ ok: true, unsealed: 0, sealed: counts!.n, chains: counts!.provinces, problems: [] });
    const chain = await rowsOf("province_code = '33'");
    expect(chain.map((r) => r.chain_seq)).toEqual(chain.map((_, i) => i + 1));
  });

  it('seals in several transactions and slices with the chain unbroken across both', async () => {
    await sealAll(t.handle);
    const { id: userId } = await createTestUser(t.handle, { username: 'batch.user', role: 'district_desk', scopes: ['33.10.04'] });
    await t.handle.query(
      `INSERT INTO audit_log (province_code, actor_id, actor_name, action, entity, entity_id, after)
       SELECT '33', $1::uuid, 'batch.user', 'test.batch', 'user', $1::text, jsonb_build_object('n', n) FROM generate_series(1, 23) AS n`,
      [userId],
    );
    // transactions of 5 rows hashed and written 2 at a time (retried while another test file's
    // open transaction holds rows back)
    expect(await sealAll(t.handle, 15_000, { batch: 5, slice: 2 })).toBeGreaterThanOrEqual(23);
    await expect(sealAuditLog(t.handle, 5, 0)).rejects.toThrow(RangeError);
    const result = await verifyAuditLog(t.handle);
    expect(result).toMatchObject({ ok: true, unsealed: 0, problems: [] });
    const chain = await rowsOf("province_code = '33'");
    expect(chain.map((r) => r.chain_seq)).toEqual(chain.map((_, i) => i + 1));
  });

  it('rejects every change to the log and to its seals', async () => {
    const [row] = await rowsOf("province_code = '33' AND chain_seq = 1");
    await expect(t.handle.query(`UPDATE audit_log SET after = '{"x":1}' WHERE id = $1`, [row!.id])).rejects.toThrow(/append-only/);
    await expect(t.handle.query('UPDATE audit_log SET txid = 1 WHERE id = $1', [row!.id])).rejects.toThrow(/append-only/);
    await expect(t.handle.query('DELETE FROM audit_log WHERE id = $1', [row!.id])).rejects.toThrow(/append-only \(DELETE rejected\)/);
    await expect(t.handle.query('TRUNCATE audit_log')).rejects.toThrow(/append-only \(TRUNCATE rejected\)/);
    await expect(t.handle.query("UPDATE audit_seals SET hash = repeat('0', 64) WHERE province_code = '33'")).rejects.toThrow(/audit_seals is append-only/);
    await expect(t.handle.query("DELETE FROM audit_seals WHERE province_code = '33'")).rejects.toThrow(/audit_seals is append-only \(DELETE rejected\)/);
    await expect(t.handle.query('TRUNCATE audit_seals')).rejects.toThrow(/audit_seals is append-only \(TRUNCATE rejected\)/);
    // an unsealed row: its content is just as fixed
    await createUser({ handle: t.handle, regions: t.regions }, systemContext(), { username: 'pemantau.satu', fullName: 'Pemantau', role: 'observer', scopes: ['33.10'] });
    const [fresh] = await rowsOf("after->>'username' = 'pemantau.satu'");
    expect(fresh!.chain_seq).toBeNull();
    await expect(t.handle.query(`UPDATE audit_log SET actor_name = 'orang lain' WHERE id = $1`, [fresh!.id])).rejects.toThrow(/append-only/);
    expect(await verifyAuditLog(t.handle)).toMatchObject({ ok: true, unsealed: 1 });
  });

  if (backend === 'postgres') {
    it('never seals past a transaction still in flight: a late commit takes its place in the chain', async () => {
      await sealAuditLog(t.handle);
      const a = await t.handle.pool!.connect();
      const b = await t.handle.pool!.connect();
      try {
        await a.query('BEGIN');
        const insert = "INSERT INTO audit_log (province_code, action, entity) VALUES ('33', $1, 'probe') RETURNING id::int AS id, txid::text AS txid";
        const [rowA] = (await a.query(insert, ['test.a'])).rows as { id: number; txid: string }[];
        await b.query('BEGIN');
        const [rowB] = (await b.query(insert, ['test.b'])).rows as { id: number; txid: string }[];
        await b.query('COMMIT');
        expect(rowA!.id).toBeLessThan(rowB!.id);
        expect(BigInt(rowA!.txid)).toBeLessThan(BigInt(rowB!.txid));

        // B is committed, but A (older) is still open: sealing B now would seal past A
        expect(await sealAuditLog(t.handle)).toBe(0);
        const [bNow] = await rowsOf("action = 'test.b'");
        expect(bNow!.chain_seq).toBeNull();

        await a.query('COMMIT');
        expect(await sealAll(t.handle)).toBe(2);
        const [sealedA] = await rowsOf("action = 'test.a'");
        const [sealedB] = await rowsOf("action = 'test.b'");
        expect(sealedB!.chain_seq).toBe(sealedA!.chain_seq! + 1);
        const result = await verifyAuditLog(t.handle);
        const [dups] = await t.handle.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT province_code, id FROM ${SEALED} z GROUP BY 1, 2 HAVING count(*) > 1) d`,
        );
        expect(dups!.n).toBe(0);
        expect(result).toMatchObject({ ok: true, unsealed: 0 });
      } finally {
        await a.query('ROLLBACK').catch(() => undefined);
        a.release();
        b.release();
      }
    });

    it('a sealer holding its locks does not block writers', async () => {
      // a sealer mid-way: it holds the sealing lock, has written a block and moved the line
      await createUser({ handle: t.handle, regions: t.regions }, systemContext(), { username: 'sebelum.segel', fullName: 'Sebelum', role: 'observer', scopes: ['33.10'] });
      const sealer = await t.handle.pool!.connect();
      try {
        await sealer.query('BEGIN');
        await sealer.query('SELECT pg_advisory_xact_lock(727275)');
        await sealer.query("INSERT INTO audit_seals (province_code, first_seq, row_count, audit_ids, row_hashes, prev_hash, hash) VALUES ('99', 1, 0, '{}', '', '', '')");
        const locked = await sealer.query('UPDATE audit_seal_cursor SET txid = txid WHERE id = 1');
        expect(locked.rowCount).toBe(1);
        const started = Date.now();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            createUser({ handle: t.handle, regions: t.regions }, systemContext(), { username: `saat.segel.${i}`, fullName: 'Saat', role: 'observer', scopes: ['33.10'] }),
          ),
        );
        expect(results).toHaveLength(8);
        expect(Date.now() - started).toBeLessThan(20_000);
        // and a second sealer does not queue behind the first: it backs off at once
        expect(await sealAuditLog(t.handle)).toBe(0);
      } finally {
        await sealer.query('ROLLBACK');
        sealer.release();
      }
      await sealAll(t.handle);
      expect(await verifyAuditLog(t.handle)).toMatchObject({ ok: true, unsealed: 0 });
    });
  }

  it('50 concurrent writers all succeed while sealing runs in a loop, and every row is sealed once', async () => {
    let stop = false;
    let rounds = 0;
    const sealing = (async () => {
      while (!stop) {
        await sealAuditLog(t.handle);
        rounds += 1;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        createUser({ handle: t.handle, regions: t.regions }, systemContext(), {
          username: `petugas.${String(i).padStart(2, '0')}`,
          fullName: `Petugas ${i}`,
          role: 'field_officer',
          scopes: [i % 2 === 0 ? '33.10.04' : '11.01'],
        }),
      ),
    );
    stop = true;
    await sealing;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(rounds).toBeGreaterThan(0);
    await sealAll(t.handle);
    const [counts] = await t.handle.query<{ n: number; sealed: number; distinct_seq: number }>(
      `SELECT (SELECT count(*)::int FROM audit_log) AS n, count(*)::int AS sealed, count(DISTINCT (province_code, chain_seq))::int AS distinct_seq FROM ${SEALED} z`,
    );
    expect(counts!.sealed).toBe(counts!.n);
    expect(counts!.distinct_seq).toBe(counts!.n);
    expect(await verifyAuditLog(t.handle)).toMatchObject({ ok: true, unsealed: 0, sealed: counts!.n });
  });

  it('detects tampering by a superuser, at the right chain position', async () => {
    const chain = await rowsOf("province_code = '33' AND chain_seq IS NOT NULL");
    const victim = chain[Math.floor(chain.length / 2)]!;
    // bypassing the guard needs the table owner or a superuser; the hash still gives it away
    await t.handle.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await t.handle.query(`UPDATE audit_log SET after = '{"x":1}' WHERE province_code = '33' AND id = $1`, [victim.id]);
    await t.handle.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    let result = await verifyAuditLog(t.handle);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ provinceCode: '33', chainSeq: victim.chain_seq, id: victim.id, problem: expect.stringMatching(/altered/) }]);

    // deleting a row (and re-hashing nothing) breaks another province's chain where it was
    const other = await rowsOf("province_code = '11' AND chain_seq IS NOT NULL");
    const gone = other[1]!;
    await t.handle.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await t.handle.query(`DELETE FROM audit_log WHERE province_code = '11' AND id = $1`, [gone.id]);
    await t.handle.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    result = await verifyAuditLog(t.handle);
    expect(result.problems).toContainEqual({ provinceCode: '11', chainSeq: gone.chain_seq, id: gone.id, problem: `the row at position ${gone.chain_seq} was deleted` });
    expect(result.problems).toHaveLength(2);
  });

  it('detects a row slipped in before the seal line, and a seal block removed', async () => {
    const t2 = await createTestApp(backend);
    try {
      await createTestUser(t2.handle, { username: 'admin.dua', role: 'admin', scopes: ['*'] });
      for (let i = 0; i < 3; i++) {
        await createUser({ handle: t2.handle, regions: t2.regions }, systemContext(), { username: `pengamat.${i}`, fullName: 'Pengamat', role: 'observer', scopes: ['33.10'] });
        await sealAll(t2.handle, 15_000, { batch: 2 });
      }
      expect(await verifyAuditLog(t2.handle)).toMatchObject({ ok: true, unsealed: 0 });
      // a row with a transaction id before the line is one the sealer will never look at
      await t2.handle.query("INSERT INTO audit_log (province_code, txid, action, entity) VALUES ('33', 1, 'forged', 'probe')");
      let result = await verifyAuditLog(t2.handle);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ provinceCode: '33', problem: expect.stringMatching(/before the seal line but in no seal block/) })]);
      // the line cannot be wound back (that would let rows be sealed twice), nor removed
      await expect(t2.handle.query('UPDATE audit_seal_cursor SET txid = 0')).rejects.toThrow(/only moves forward/);
      await expect(t2.handle.query('DELETE FROM audit_seal_cursor')).rejects.toThrow(/only moves forward/);
      // an empty block appended at the head is reported, and verify does not go round in circles
      const [head] = await t2.handle.query<{ next: number; hash: string }>(
        "SELECT (first_seq + row_count)::int AS next, hash FROM audit_seals WHERE province_code = '33' ORDER BY first_seq DESC LIMIT 1",
      );
      await t2.handle.query("INSERT INTO audit_seals (province_code, first_seq, row_count, audit_ids, row_hashes, prev_hash, hash) VALUES ('33', $1, 0, '{}', '', $2, $2)", [head!.next, head!.hash]);
      result = await verifyAuditLog(t2.handle);
      expect(result.problems).toEqual([expect.objectContaining({ provinceCode: '33', chainSeq: head!.next, problem: 'the seal block is malformed' })]);
      await t2.handle.query('ALTER TABLE audit_seals DISABLE TRIGGER USER');
      await t2.handle.query("DELETE FROM audit_seals WHERE province_code = '33' AND first_seq = $1", [head!.next]);
      await t2.handle.query('ALTER TABLE audit_seals ENABLE TRIGGER USER');
      // a line wound back by someone who can disable the guard: rows sealed again are caught
      await t2.handle.query('ALTER TABLE audit_seal_cursor DISABLE TRIGGER USER');
      await t2.handle.query('UPDATE audit_seal_cursor SET txid = 0, audit_id = 0');
      await t2.handle.query('ALTER TABLE audit_seal_cursor ENABLE TRIGGER USER');
      expect(await sealAuditLog(t2.handle)).toBeGreaterThan(0);
      result = await verifyAuditLog(t2.handle);
      expect(result.problems).toEqual([expect.objectContaining({ provinceCode: '33', problem: expect.stringMatching(/sealed twice/) })]);
      // a whole block gone: the positions it held are missing
      const [second] = await t2.handle.query<{ first_seq: number }>("SELECT first_seq::int AS first_seq FROM audit_seals WHERE province_code = '33' ORDER BY first_seq OFFSET 1 LIMIT 1");
      await t2.handle.query('ALTER TABLE audit_seals DISABLE TRIGGER USER');
      await t2.handle.query("DELETE FROM audit_seals WHERE province_code = '33' AND first_seq = $1", [second!.first_seq]);
      await t2.handle.query('ALTER TABLE audit_seals ENABLE TRIGGER USER');
      result = await verifyAuditLog(t2.handle);
      expect(result.problems).toEqual([expect.objectContaining({ provinceCode: '33', chainSeq: second!.first_seq, problem: `chain position ${second!.first_seq} is missing` })]);
    } finally {
      await t2.dispose();
    }
  });
});
