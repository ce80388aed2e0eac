import { createHash } from 'node:crypto';
import { sql as dsql, type SQL } from 'drizzle-orm';
import type { DbHandle, Executor } from '../client.js';
import { auditLog } from '../schema.js';
import { insertByUnnest } from './bulk.js';

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
  chain_seq: number | string | null;
  prev_hash: string | null;
  hash: string | null;
}

const CONTENT_COLUMNS = `province_code, id, (extract(epoch from at) * 1000000)::bigint::text AS at_us,
  actor_id::text AS actor_id, actor_name, action, entity, entity_id,
  before::text AS before_text, after::text AS after_text, ip, chain_seq, prev_hash, hash`;

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

/**
 * Seal committed audit rows into their province's hash chain. Only rows written by
 * transactions older than the oldest transaction still in flight are eligible: such a set
 * can no longer gain members, so a late commit is never skipped. Runs outside the hot path
 * (a timer in the server, or `sinergi audit verify`); one sealer at a time per database.
 *
 * The hashing of a batch and the building of its UPDATE are synchronous work on the server's
 * event loop: they go in slices of `slice` rows, one UPDATE each, with a turn of the event loop
 * between them (one read of `batch` rows, one transaction). A whole batch of 5,000 at once held
 * the server's requests for 15–35 ms every two seconds under write load (the report
 * benchmark's p99); smaller transactions instead cost PostgreSQL three times as much per row
 * (each batch walks the unsealed index past the rows sealed before it, until vacuum).
 */
export async function sealAuditLog(handle: DbHandle, batch = 5000, slice = 500): Promise<number> {
  if (!(batch >= 1 && slice >= 1)) throw new RangeError('batch and slice must be at least 1');
  let sealed = 0;
  for (;;) {
    const n = await handle.db.transaction(async (tx) => {
      const run = async <T>(text: string, params: unknown[] = []) =>
        ((await tx.execute(sqlRaw(text, params))) as unknown as { rows: T[] }).rows;
      const [lock] = await run<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(727275) AS ok');
      if (!lock?.ok) return 0;
      const rows = await run<RawAuditRow & { txid: string }>(
        `SELECT ${CONTENT_COLUMNS}, txid FROM audit_log
         WHERE chain_seq IS NULL AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         ORDER BY txid, id LIMIT ${batch}`,
      );
      if (rows.length === 0) return 0;
      const provinces = [...new Set(rows.map((r) => r.province_code))];
      const heads = new Map<string, { seq: number; hash: string }>();
      for (const p of provinces) {
        const [head] = await run<{ chain_seq: number | string; hash: string }>(
          `SELECT chain_seq, hash FROM audit_log WHERE province_code = $1 AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`,
          [p],
        );
        heads.set(p, head ? { seq: Number(head.chain_seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH });
      }
      // hashed and written a slice at a time, a turn of the event loop between slices
      for (let from = 0; from < rows.length; from += slice) {
        if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const ids: string[] = [];
        const provs: string[] = [];
        const seqs: string[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const row of rows.slice(from, from + slice)) {
          const head = heads.get(row.province_code)!;
          const seq = head.seq + 1;
          const hash = auditHash(row, seq, head.hash);
          ids.push(String(row.id));
          provs.push(row.province_code);
          seqs.push(String(seq));
          prevs.push(head.hash);
          hashes.push(hash);
          heads.set(row.province_code, { seq, hash });
        }
        await run(
          `UPDATE audit_log a SET chain_seq = s.seq, prev_hash = s.prev, hash = s.hash
           FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS s(prov, id, seq, prev, hash)
           WHERE a.province_code = s.prov AND a.id = s.id AND a.chain_seq IS NULL`,
          [toPgArray(provs), toPgArray(ids), toPgArray(seqs), toPgArray(prevs), toPgArray(hashes)],
        );
      }
      return rows.length;
    });
    sealed += n;
    if (n < batch) return sealed;
  }
}

export interface AuditVerifyResult {
  ok: boolean;
  chains: number;
  sealed: number;
  unsealed: number;
  problems: { provinceCode: string; chainSeq: number; id: number; problem: string }[];
}

/** Recompute every chain; report the first break of each. */
export async function verifyAuditLog(handle: DbHandle): Promise<AuditVerifyResult> {
  const result: AuditVerifyResult = { ok: true, chains: 0, sealed: 0, unsealed: 0, problems: [] };
  const [counts] = await handle.query<{ unsealed: number | string }>(
    'SELECT count(*) FILTER (WHERE chain_seq IS NULL) AS unsealed FROM audit_log',
  );
  result.unsealed = Number(counts?.unsealed ?? 0);
  const provinces = await handle.query<{ province_code: string }>(
    'SELECT DISTINCT province_code FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY 1',
  );
  for (const { province_code: province } of provinces) {
    result.chains += 1;
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let lastSeq = 0;
    for (;;) {
      const rows = await handle.query<RawAuditRow>(
        `SELECT ${CONTENT_COLUMNS} FROM audit_log WHERE province_code = $1 AND chain_seq > $2 ORDER BY chain_seq LIMIT 10000`,
        [province, lastSeq],
      );
      if (rows.length === 0) break;
      let broken = false;
      for (const row of rows) {
        const seq = Number(row.chain_seq);
        const problem =
          seq !== expectedSeq
            ? `chain position ${expectedSeq} is missing`
            : row.prev_hash !== prev
              ? 'previous-hash link does not match'
              : auditHash(row, seq, prev) !== row.hash
                ? 'content does not match its hash (the row was altered)'
                : null;
        if (problem) {
          result.ok = false;
          result.problems.push({ provinceCode: province, chainSeq: seq, id: Number(row.id), problem });
          broken = true;
          break;
        }
        result.sealed += 1;
        prev = row.hash!;
        expectedSeq += 1;
        lastSeq = seq;
      }
      if (broken) break;
    }
  }
  return result;
}

function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
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
