import { createHash } from 'node:crypto';
import { sql as dsql, type SQL } from 'drizzle-orm';
import type { DbHandle, Executor } from '../client.js';
import { auditLog } from '../schema.js';
import { arrayLiteral, insertByUnnest } from './bulk.js';

export interface AuditEntry {
  actorId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  /** Region the record belongs to; its province picks the chain ('00' when national). */
  regionCode?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

/** Append audit rows inside the caller's transaction. Hashing happens later (sealAuditLog). */
export async function insertAudit(ex: Executor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await insertByUnnest(ex, auditLog, auditRows(list));
}

/** The audit_log rows of these entries (for a caller that composes them into a larger statement). */
export function auditRows(list: readonly AuditEntry[]): (typeof auditLog.$inferInsert)[] {
  return list.map((e) => ({
    provinceCode: e.regionCode && e.regionCode !== '*' ? e.regionCode.slice(0, 2) : '00',
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    before: e.before ?? null,
    after: e.after ?? null,
    ip: e.ip ?? null,
  }));
}

interface RawAuditRow {
  province_code: string;
  id: number | string;
  at_us: number | string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before_text: string | null;
  after_text: string | null;
  ip: string | null;
}

const CONTENT_COLUMNS = `province_code, id, (extract(epoch from at) * 1000000)::bigint::text AS at_us,
  actor_id::text AS actor_id, actor_name, action, entity, entity_id,
  before::text AS before_text, after::text AS after_text, ip`;

/** The hash of one sealed row: its content, its place in the chain and the previous hash. */
export function auditHash(row: RawAuditRow, chainSeq: number, prevHash: string): string {
  const parts = [
    row.province_code,
    String(chainSeq),
    String(row.id),
    String(row.at_us),
    row.actor_id ?? '',
    row.actor_name ?? '',
    row.action,
    row.entity,
    row.entity_id ?? '',
    row.before_text ?? '',
    row.after_text ?? '',
    row.ip ?? '',
    prevHash,
  ];
  return createHash('sha256').update(parts.join('\u001f')).digest('hex');
}

export const GENESIS_HASH = '0'.repeat(64);

/** The end of a province's chain: the last position and its hash (position 0 and 64 zeros when empty). */
interface ChainHead {
  seq: number;
  hash: string;
}

/** One province's share of a sealing pass, becoming one row of audit_seals. */
interface PendingBlock {
  firstSeq: number;
  prevHash: string;
  ids: string[];
  hashes: string[];
}

/**
 * Seal committed audit rows into their province's hash chain. Only rows written by
 * transactions older than the oldest transaction still in flight are eligible: such a set
 * can no longer gain members, so a late commit is never skipped. They are taken in (txid, id)
 * order after the seal line (`audit_seal_cursor`), hashed one after the other into their
 * province's chain, and written as one `audit_seals` row per province per pass — the audit
 * rows themselves are never written again. Runs outside the hot path (a timer in the server,
 * or `sinergi audit verify`); one sealer at a time per database.
 *
 * Hashing is synchronous work on the server's event loop: it goes in slices of `slice` rows
 * (≈0.5 ms each) with a turn of the event loop between them, so a pass of `batch` rows does not
 * hold up the requests being served. Slices cost the database nothing: a pass is one read of
 * `batch` rows, one insert per province and one transaction, whatever the slice.
 */
export async function sealAuditLog(handle: DbHandle, batch = 5000, slice = 100): Promise<number> {
  if (!(batch >= 1 && slice >= 1)) throw new RangeError('batch and slice must be at least 1');
  let sealed = 0;
  for (;;) {
    const n = await handle.db.transaction(async (tx) => {
      const run = async <T>(text: string, params: unknown[] = []) =>
        ((await tx.execute(sqlRaw(text, params))) as unknown as { rows: T[] }).rows;
      const [lock] = await run<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(727275) AS ok');
      if (!lock?.ok) return 0;
      const line = await readSealLine(run);
      const rows = await run<RawAuditRow & { txid: string }>(
        `SELECT ${CONTENT_COLUMNS}, txid::text AS txid FROM audit_log
         WHERE ${AFTER_LINE} AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         ORDER BY txid, id LIMIT ${batch}`,
        line,
      );
      if (rows.length === 0) return 0;
      const heads = new Map<string, ChainHead>();
      for (const p of new Set(rows.map((r) => r.province_code))) heads.set(p, await chainHead(run, p));
      const blocks = new Map<string, PendingBlock>();
      // hashed a slice at a time, a turn of the event loop between slices
      for (let from = 0; from < rows.length; from += slice) {
        if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        for (const row of rows.slice(from, from + slice)) {
          const head = heads.get(row.province_code)!;
          let block = blocks.get(row.province_code);
          if (!block) blocks.set(row.province_code, (block = { firstSeq: head.seq + 1, prevHash: head.hash, ids: [], hashes: [] }));
          const seq = head.seq + 1;
          const hash = auditHash(row, seq, head.hash);
          block.ids.push(String(row.id));
          block.hashes.push(hash);
          heads.set(row.province_code, { seq, hash });
        }
      }
      for (const [province, block] of blocks) {
        await run(
          `INSERT INTO audit_seals (province_code, first_seq, row_count, audit_ids, row_hashes, prev_hash, hash)
           VALUES ($1, $2, $3, $4::bigint[], decode($5, 'hex'), $6, $7)`,
          [province, block.firstSeq, block.ids.length, arrayLiteral(block.ids), block.hashes.join(''), block.prevHash, block.hashes.at(-1)!],
        );
      }
      const last = rows.at(-1)!;
      await run(
        `INSERT INTO audit_seal_cursor (id, txid, audit_id) VALUES (1, $1::bigint, $2::bigint)
         ON CONFLICT (id) DO UPDATE SET txid = EXCLUDED.txid, audit_id = EXCLUDED.audit_id`,
        [last.txid, String(last.id)],
      );
      return rows.length;
    });
    sealed += n;
    if (n < batch) return sealed;
  }
}

/** The last position of a province's chain and its hash. */
async function chainHead(run: <T>(text: string, params?: unknown[]) => Promise<T[]>, province: string): Promise<ChainHead> {
  const [head] = await run<{ seq: number | string; hash: string }>(
    'SELECT first_seq + row_count - 1 AS seq, hash FROM audit_seals WHERE province_code = $1 ORDER BY first_seq DESC LIMIT 1',
    [province],
  );
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** The seal line as query parameters [txid, audit id]; before the first pass, before everything. */
type SealLine = [txid: string, auditId: string];

/** Audit rows after the seal line, with the line as parameters $1, $2. */
const AFTER_LINE = '(txid, id) > ($1::bigint, $2::bigint)';

async function readSealLine(query: <T>(text: string, params?: unknown[]) => Promise<T[]>): Promise<SealLine> {
  const [line] = await query<{ txid: string; audit_id: string }>('SELECT txid::text AS txid, audit_id::text AS audit_id FROM audit_seal_cursor WHERE id = 1');
  return [line?.txid ?? '0', line?.audit_id ?? '0'];
}

/** How many audit rows are after the seal line (written but not sealed yet). */
export async function countUnsealed(handle: DbHandle, line?: SealLine): Promise<number> {
  const [row] = await handle.query<{ n: number | string }>(`SELECT count(*) AS n FROM audit_log WHERE ${AFTER_LINE}`, line ?? (await readSealLine(handle.query)));
  return Number(row?.n ?? 0);
}

export interface AuditVerifyResult {
  ok: boolean;
  chains: number;
  sealed: number;
  unsealed: number;
  problems: { provinceCode: string; chainSeq: number; id: number; problem: string }[];
}

interface SealRow {
  first_seq: number | string;
  row_count: number;
  audit_ids: (number | string)[] | string;
  row_hashes: string;
  prev_hash: string;
  hash: string;
}

/**
 * Recompute every chain from the rows as they are now, and report the first break of each:
 * a row altered (its hash no longer matches), deleted (its id is gone), a block missing or
 * out of place (a gap in the positions, or a previous-hash link that does not match), and rows
 * slipped in before the seal line that no block holds.
 */
export async function verifyAuditLog(handle: DbHandle): Promise<AuditVerifyResult> {
  const result: AuditVerifyResult = { ok: true, chains: 0, sealed: 0, unsealed: 0, problems: [] };
  const broken = new Set<string>();
  const fail = (provinceCode: string, chainSeq: number, id: number, problem: string) => {
    result.ok = false;
    result.problems.push({ provinceCode, chainSeq, id, problem });
  };
  const lineParams = await readSealLine(handle.query);
  result.unsealed = await countUnsealed(handle, lineParams);
  const provinces = await handle.query<{ province_code: string }>('SELECT DISTINCT province_code FROM audit_seals ORDER BY 1');
  for (const { province_code: province } of provinces) {
    result.chains += 1;
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let intact = true;
    for (;;) {
      const [block] = await handle.query<SealRow>(
        `SELECT first_seq, row_count, audit_ids, encode(row_hashes, 'hex') AS row_hashes, prev_hash, hash
         FROM audit_seals WHERE province_code = $1 AND first_seq >= $2 ORDER BY first_seq LIMIT 1`,
        [province, expectedSeq],
      );
      if (!block) break;
      const firstSeq = Number(block.first_seq);
      const ids = parseBigintArray(block.audit_ids);
      // a block always moves the reading on, even an empty (forged) one
      const nextSeq = firstSeq + Math.max(1, ids.length);
      if (!intact) {
        expectedSeq = nextSeq;
        continue;
      }
      if (firstSeq !== expectedSeq) {
        fail(province, expectedSeq, ids[0] ?? 0, `chain position ${expectedSeq} is missing`);
        intact = false;
      } else if (block.prev_hash !== prev) {
        fail(province, firstSeq, ids[0] ?? 0, 'previous-hash link does not match');
        intact = false;
      } else if (ids.length === 0 || ids.length !== block.row_count || block.row_hashes.length !== 64 * ids.length) {
        fail(province, firstSeq, ids[0] ?? 0, 'the seal block is malformed');
        intact = false;
      } else {
        const rows = new Map(
          (
            await handle.query<RawAuditRow>(`SELECT ${CONTENT_COLUMNS} FROM audit_log WHERE province_code = $1 AND id = ANY($2::bigint[])`, [
              province,
              arrayLiteral(ids.map(String)),
            ])
          ).map((r) => [Number(r.id), r]),
        );
        for (let i = 0; i < ids.length; i++) {
          const seq = firstSeq + i;
          const sealedHash = block.row_hashes.slice(64 * i, 64 * (i + 1));
          const row = rows.get(ids[i]!);
          const problem = !row
            ? `the row at position ${seq} was deleted`
            : auditHash(row, seq, prev) !== sealedHash
              ? 'content does not match its hash (the row was altered)'
              : null;
          if (problem) {
            fail(province, seq, ids[i]!, problem);
            intact = false;
            break;
          }
          result.sealed += 1;
          prev = sealedHash;
        }
        if (intact && prev !== block.hash) {
          fail(province, firstSeq + ids.length - 1, ids.at(-1) ?? 0, 'the block hash does not match its last row');
          intact = false;
        }
      }
      expectedSeq = nextSeq;
    }
    if (!intact) broken.add(province);
  }
  // by id, not by count: every row before the line is in exactly one block
  const strays = await handle.query<{ province_code: string; id: number | string }>(
    `SELECT a.province_code, a.id FROM audit_log a
     LEFT JOIN (SELECT province_code, unnest(audit_ids) AS id FROM audit_seals) z ON z.province_code = a.province_code AND z.id = a.id
     WHERE (a.txid, a.id) <= ($1::bigint, $2::bigint) AND z.id IS NULL ORDER BY a.province_code, a.id`,
    lineParams,
  );
  const twice = await handle.query<{ province_code: string; id: number | string }>(
    `SELECT province_code, id FROM (SELECT province_code, unnest(audit_ids) AS id FROM audit_seals) z
     GROUP BY province_code, id HAVING count(*) > 1 ORDER BY province_code, id`,
  );
  for (const [list, what] of [
    [strays, 'is before the seal line but in no seal block (added afterwards)'],
    [twice, 'is in more than one seal block (sealed twice)'],
  ] as const) {
    const firstOf = new Map<string, number>();
    for (const r of list) if (!firstOf.has(r.province_code)) firstOf.set(r.province_code, Number(r.id));
    for (const [province, id] of firstOf) {
      if (broken.has(province)) continue;
      const n = list.filter((r) => r.province_code === province).length;
      fail(province, 0, id, `row ${id}${n > 1 ? ` and ${n - 1} more` : ''} ${what}`);
      broken.add(province);
    }
  }
  return result;
}

/** A bigint[] as node-postgres (a string array) or PGlite (numbers, or the array literal) returns it. */
function parseBigintArray(value: (number | string)[] | string): number[] {
  if (Array.isArray(value)) return value.map(Number);
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map(Number) : [];
}

/** A raw statement with $n parameters as a Drizzle SQL object (so it runs inside a Drizzle transaction). */
function sqlRaw(text: string, params: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) chunks.push(dsql.raw(parts[i]!));
    else chunks.push(dsql`${params[Number(parts[i]) - 1]}`);
  }
  return dsql.join(chunks, dsql.raw(''));
}

export { sqlRaw };
