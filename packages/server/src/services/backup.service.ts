import fs from 'node:fs';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { MIGRATIONS_DIR, type DbHandle } from '../db/client.js';
import { SYSTEM_ACTOR } from './context.js';

/**
 * Portable backup: gzip'd JSON lines, written and read by PostgreSQL itself (row_to_json
 * out, jsonb_populate_recordset in), so a dump taken from PGlite restores into PostgreSQL
 * and back, and the values (bigints, timestamps with microseconds, jsonb) round-trip
 * exactly — the audit chain still verifies after a move.
 *
 *   line 1      {"sinergiBackup":1, "source", "migrations", "createdAt", "tables":[{name, rows}]}
 *   then        {"t":"public.users","r":{…row…}}   grouped by table, parents before children
 *   last line   {"end":true,"rows":N}               so a file cut at a line boundary is still caught
 *
 * The tables come from the catalog (everything but drizzle's own schema), so a table added
 * by a later migration is backed up without touching this file. The SQL here is catalog
 * work over every table, which is why it lives in this service and not in a repository.
 */

export const BACKUP_FORMAT_VERSION = 1;
const BATCH_ROWS = 2_000;
const RESTORE_BATCH_BYTES = 4 * 1024 * 1024;

export interface BackupHeader {
  sinergiBackup: number;
  source: 'pglite' | 'postgres';
  migrations: number;
  createdAt: string;
  tables: { name: string; rows: number }[];
}

export type BackupProgress = (event: { table: string; done: number; total: number; overallDone: number; overallTotal: number }) => void;

/** A bad or unusable backup file, or a target that may not receive it. The message is for the operator. */
export class BackupError extends Error {}

/** One connection, inside one transaction: what backup and restore run on. */
interface Session {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Run `fn` in one transaction on one connection. Backup reads a REPEATABLE READ snapshot
 * (counts and rows agree, writers are not blocked); restore writes all or nothing.
 */
async function inTransaction<T>(handle: DbHandle, mode: 'read' | 'write', fn: (s: Session) => Promise<T>): Promise<T> {
  const begin = mode === 'read' ? 'ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'ISOLATION LEVEL READ COMMITTED';
  if (handle.pool) {
    const client = await handle.pool.connect();
    try {
      await client.query(`BEGIN ${begin}`);
      try {
        const result = await fn({ query: async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[] });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }
  const pglite = handle.pglite;
  if (!pglite) throw new Error('database handle has neither a pool nor PGlite');
  return pglite.transaction(async (tx) => {
    await tx.query(`SET TRANSACTION ${begin}`);
    return fn({ query: async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows });
  });
}

/** Migrations this code base ships (drizzle's journal). */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** Migrations applied to this database (0 when it was never migrated). */
export async function appliedMigrationCount(handle: DbHandle | Session): Promise<number> {
  const [exists] = await handle.query<{ ok: boolean }>("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS ok");
  if (!exists?.ok) return 0;
  const [row] = await handle.query<{ n: number | string }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  return Number(row?.n ?? 0);
}

interface TableInfo {
  /** schema-qualified, quoted as needed: usable in SQL as is */
  name: string;
  oid: number;
  /** primary-key columns (quoted) and their types, for keyset pagination; empty → ctid */
  key: { column: string; type: string }[];
}

/**
 * Every application table, parents before children (foreign keys from pg_constraint).
 * Partitions are left out: their parent returns and routes their rows.
 */
async function listTables(s: Session): Promise<TableInfo[]> {
  const tables = await s.query<{ oid: number | string; name: string }>(
    `SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'drizzle') AND n.nspname NOT LIKE 'pg\\_%'
     ORDER BY 2`,
  );
  const keys = await s.query<{ oid: number | string; column: string; type: string }>(
    `SELECT i.indrelid::int AS oid, quote_ident(a.attname) AS column, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indisprimary ORDER BY i.indrelid, k.ord`,
  );
  const edges = await s.query<{ child: number | string; parent: number | string }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid`,
  );
  const byOid = new Map<number, TableInfo>();
  for (const t of tables) byOid.set(Number(t.oid), { name: t.name, oid: Number(t.oid), key: [] });
  for (const k of keys) byOid.get(Number(k.oid))?.key.push({ column: k.column, type: k.type });
  // Kahn's algorithm, alphabetical among equals so the order is stable; a cycle (none today)
  // falls back to alphabetical for the rest and the restore's FK checks would name it.
  const parents = new Map<number, Set<number>>();
  for (const oid of byOid.keys()) parents.set(oid, new Set());
  for (const e of edges) {
    if (byOid.has(Number(e.child)) && byOid.has(Number(e.parent))) parents.get(Number(e.child))!.add(Number(e.parent));
  }
  const ordered: TableInfo[] = [];
  const remaining = new Set(byOid.keys());
  while (remaining.size > 0) {
    const ready = [...remaining].filter((oid) => [...parents.get(oid)!].every((p) => !remaining.has(p)));
    const pick = (ready.length > 0 ? ready : [...remaining]).map((oid) => byOid.get(oid)!).sort((a, b) => a.name.localeCompare(b.name));
    const next = ready.length > 0 ? pick : pick.slice(0, 1);
    for (const t of next) {
      ordered.push(t);
      remaining.delete(t.oid);
    }
  }
  return ordered;
}

/** Rows of one table in keyset batches: never more than BATCH_ROWS in memory. */
async function* streamTable(s: Session, table: TableInfo): AsyncGenerator<string[]> {
  const keyCols = table.key.length > 0 ? table.key : [{ column: 'ctid', type: 'tid' }];
  const keyList = keyCols.map((k) => `t.${k.column}`).join(', ');
  const keySelect = keyCols.map((k, i) => `t.${k.column}::text AS k${i}`).join(', ');
  let last: string[] | null = null;
  for (;;) {
    const where = last ? `WHERE (${keyList}) > (${keyCols.map((k, i) => `$${i + 1}::text::${k.type}`).join(', ')})` : '';
    const rows: Record<string, string>[] = await s.query<Record<string, string>>(
      `SELECT row_to_json(t)::text AS j, ${keySelect} FROM ${table.name} t ${where} ORDER BY ${keyList} LIMIT ${BATCH_ROWS}`,
      last ?? [],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.j!);
    if (rows.length < BATCH_ROWS) return;
    const tail: Record<string, string> = rows[rows.length - 1]!;
    last = keyCols.map((_, i) => tail[`k${i}`]!);
  }
}

/**
 * Write a backup of every application table to `output` (gzip'd), streaming: the data is
 * read from one consistent snapshot in keyset batches, so a database of millions of rows
 * needs no more memory than one batch. Resolves when the output is flushed.
 */
export async function writeBackup(handle: DbHandle, output: Writable, onProgress?: BackupProgress): Promise<BackupHeader> {
  return inTransaction(handle, 'read', async (s) => {
    const tables = await listTables(s);
    const header: BackupHeader = {
      sinergiBackup: BACKUP_FORMAT_VERSION,
      source: handle.kind,
      migrations: await appliedMigrationCount(s),
      createdAt: new Date().toISOString(),
      tables: [],
    };
    for (const t of tables) {
      const [row] = await s.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t.name}`);
      header.tables.push({ name: t.name, rows: Number(row?.n ?? 0) });
    }
    const overallTotal = header.tables.reduce((sum, t) => sum + t.rows, 0);
    async function* lines(): AsyncGenerator<string> {
      yield `${JSON.stringify(header)}\n`;
      let overallDone = 0;
      for (const [i, t] of tables.entries()) {
        const prefix = `{"t":${JSON.stringify(t.name)},"r":`;
        let done = 0;
        for await (const batch of streamTable(s, t)) {
          yield batch.map((j) => `${prefix}${j}}\n`).join('');
          done += batch.length;
          overallDone += batch.length;
          onProgress?.({ table: t.name, done, total: header.tables[i]!.rows, overallDone, overallTotal });
        }
      }
      yield `${JSON.stringify({ end: true, rows: overallDone })}\n`;
    }
    await pipeline(Readable.from(lines()), createGzip(), output);
    return header;
  });
}

/** Split a (gunzipped) byte stream into lines; stream errors (a truncated gzip) surface here. */
async function* readLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  }
  pending += decoder.end();
  if (pending.length > 0) yield pending;
}

/**
 * The decompressed stream. Data flows (and a bad file errors) before the reader starts
 * iterating, so the error is parked on the stream, where the iterator rethrows it, instead
 * of being an unhandled 'error' event that kills the process.
 */
function gunzipOf(input: Readable): Readable {
  const gunzip = createGunzip();
  gunzip.on('error', () => undefined);
  input.on('error', (error) => gunzip.destroy(error));
  return input.pipe(gunzip);
}

function parseHeader(line: string | undefined): BackupHeader {
  let header: BackupHeader;
  try {
    header = JSON.parse(line ?? '') as BackupHeader;
  } catch {
    throw new BackupError('Berkas ini bukan cadangan Sinergi (baris pertama bukan JSON). / Not a Sinergi backup (the first line is not JSON).');
  }
  if (typeof header !== 'object' || header === null || header.sinergiBackup === undefined) {
    throw new BackupError('Berkas ini bukan cadangan Sinergi (kepala berkas tidak dikenal). / Not a Sinergi backup (unknown header).');
  }
  if (header.sinergiBackup !== BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `Format cadangan versi ${String(header.sinergiBackup)} tidak didukung (versi ini membaca ${BACKUP_FORMAT_VERSION}). / Backup format ${String(header.sinergiBackup)} is not supported (this version reads ${BACKUP_FORMAT_VERSION}).`,
    );
  }
  const tablesOk =
    Array.isArray(header.tables) && header.tables.every((t) => typeof t?.name === 'string' && Number.isInteger(t.rows) && t.rows >= 0);
  if (!tablesOk || !Number.isInteger(header.migrations) || (header.source !== 'pglite' && header.source !== 'postgres')) {
    throw new BackupError('Kepala berkas cadangan rusak. / The backup header is damaged.');
  }
  return header;
}

/** Read and check only the header line of a backup file (to refuse a wrong file before touching anything). */
export async function readBackupHeader(input: Readable): Promise<BackupHeader> {
  const gunzip = gunzipOf(input);
  const lines = readLines(gunzip);
  try {
    const first = await lines.next();
    return parseHeader(first.done ? undefined : first.value);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`Berkas cadangan rusak atau bukan gzip (${(error as Error).message}). / The backup file is damaged or not gzip.`);
  } finally {
    await lines.return(undefined);
    gunzip.destroy();
    input.destroy();
  }
}

export interface RestoreResult {
  header: BackupHeader;
  rows: number;
}

/**
 * Restore a backup into this database, all in one transaction: a bad file, a count that
 * does not match or any error leaves the database exactly as it was. The database must be
 * migrated to the same level as the source and hold no application data, unless `force`,
 * which empties every application table first.
 */
export async function restoreBackup(
  handle: DbHandle,
  input: Readable,
  options: { force?: boolean; onProgress?: BackupProgress } = {},
): Promise<RestoreResult> {
  const gunzip = gunzipOf(input);
  const lines = readLines(gunzip);
  try {
    return await inTransaction(handle, 'write', async (s) => {
      const first = await lines.next();
      const header = parseHeader(first.done ? undefined : first.value);
      const applied = await appliedMigrationCount(s);
      if (applied !== header.migrations) {
        throw new BackupError(
          `Cadangan dibuat pada basis data dengan ${header.migrations} migrasi, basis data ini memiliki ${applied}. ` +
            `Pulihkan dengan versi Sinergi yang sama dengan pembuat cadangan, lalu perbarui. / ` +
            `The backup was taken at migration ${header.migrations}, this database is at ${applied}. ` +
            `Restore with the Sinergi version that made the backup, then upgrade.`,
        );
      }
      const tables = await listTables(s);
      const known = new Set(tables.map((t) => t.name));
      const unknown = header.tables.filter((t) => !known.has(t.name)).map((t) => t.name);
      if (unknown.length > 0) {
        throw new BackupError(`Tabel dalam cadangan tidak ada di basis data ini: ${unknown.join(', ')}. / Tables in the backup are missing here.`);
      }
      const nonEmpty: string[] = [];
      for (const t of tables) {
        const [row] = await s.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${t.name}) AS any`);
        if (row?.any) nonEmpty.push(t.name);
      }
      if (nonEmpty.length > 0 && !options.force) {
        throw new BackupError(
          `Basis data tujuan sudah berisi data (${nonEmpty.join(', ')}). Pulihkan ke basis data baru yang sudah dimigrasi, ` +
            `atau pakai --force untuk MENGHAPUS semua data di sini lebih dulu. / The target database already holds data; ` +
            `restore into a fresh migrated database, or use --force to ERASE everything here first.`,
        );
      }
      // The audit guard triggers reject DELETE/TRUNCATE and any UPDATE but the seal. Disable
      // user triggers for this transaction only (ALTER TABLE is transactional: a failure
      // restores them). Needs table ownership, not superuser — unlike session_replication_role,
      // which PostgreSQL 15 reserves to superusers. Foreign keys stay checked; the file lists
      // parents before children.
      for (const t of tables) await s.query(`ALTER TABLE ${t.name} DISABLE TRIGGER USER`);
      if (nonEmpty.length > 0) await s.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')}`);

      const expected = new Map(header.tables.map((t) => [t.name, t.rows]));
      const overallTotal = header.tables.reduce((sum, t) => sum + t.rows, 0);
      const loaded = new Map<string, number>();
      let current: string | null = null;
      let prefix = '';
      let batch: string[] = [];
      let batchBytes = 0;
      let overallDone = 0;
      let lineNo = 1;
      let ended = false;
      const flush = async () => {
        if (batch.length === 0 || !current) return;
        try {
          await s.query(`INSERT INTO ${current} SELECT * FROM jsonb_populate_recordset(NULL::${current}, $1::text::jsonb)`, [`[${batch.join(',')}]`]);
        } catch (error) {
          throw new BackupError(`Gagal memuat tabel ${current} (sebelum baris ${lineNo}): ${(error as Error).message} / Could not load table ${current}.`);
        }
        const done = (loaded.get(current) ?? 0) + batch.length;
        loaded.set(current, done);
        overallDone += batch.length;
        options.onProgress?.({ table: current, done, total: expected.get(current) ?? 0, overallDone, overallTotal });
        batch = [];
        batchBytes = 0;
      };
      for await (const line of lines) {
        lineNo += 1;
        if (ended) {
          if (line.trim() === '') continue;
          throw new BackupError(`Ada data setelah penutup berkas (baris ${lineNo}). / Data after the end marker (line ${lineNo}).`);
        }
        if (current && line.startsWith(prefix) && line.endsWith('}')) {
          const row = line.slice(prefix.length, -1);
          batch.push(row);
          batchBytes += row.length;
          if (batch.length >= BATCH_ROWS || batchBytes >= RESTORE_BATCH_BYTES) await flush();
          continue;
        }
        let parsed: { t?: unknown; r?: unknown; end?: unknown; rows?: unknown };
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          throw new BackupError(`Baris ${lineNo} rusak (bukan JSON). / Line ${lineNo} is damaged (not JSON).`);
        }
        if (parsed.end === true) {
          await flush();
          if (parsed.rows !== overallDone) {
            throw new BackupError(`Penutup berkas mencatat ${String(parsed.rows)} baris, terbaca ${overallDone}. / The end marker says ${String(parsed.rows)} rows, ${overallDone} were read.`);
          }
          ended = true;
          continue;
        }
        if (typeof parsed.t !== 'string' || typeof parsed.r !== 'object' || parsed.r === null) {
          throw new BackupError(`Baris ${lineNo} tidak dikenal. / Line ${lineNo} is not a backup row.`);
        }
        if (!expected.has(parsed.t)) {
          throw new BackupError(`Baris ${lineNo}: tabel ${parsed.t} tidak ada di kepala berkas. / Line ${lineNo}: table ${parsed.t} is not in the header.`);
        }
        if (parsed.t === current || loaded.has(parsed.t)) {
          throw new BackupError(`Baris ${lineNo}: urutan tabel rusak. / Line ${lineNo}: rows of ${parsed.t} out of order.`);
        }
        await flush();
        current = parsed.t;
        loaded.set(current, 0);
        prefix = `{"t":${JSON.stringify(current)},"r":`;
        if (!line.startsWith(prefix) || !line.endsWith('}')) {
          throw new BackupError(`Baris ${lineNo} tidak dikenal. / Line ${lineNo} is not a backup row.`);
        }
        // the raw text, not JSON.stringify(parsed.r): JavaScript would round bigints
        batch.push(line.slice(prefix.length, -1));
        batchBytes += line.length;
      }
      if (!ended) {
        throw new BackupError('Berkas cadangan terpotong (tidak ada penutup berkas). / The backup file is truncated (no end marker).');
      }
      for (const t of header.tables) {
        const [row] = await s.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t.name}`);
        const n = Number(row?.n ?? 0);
        if (n !== t.rows || (loaded.get(t.name) ?? 0) !== t.rows) {
          throw new BackupError(`Jumlah baris ${t.name} tidak cocok: kepala berkas ${t.rows}, dimuat ${n}. / Row count mismatch for ${t.name}.`);
        }
      }
      await resetSequences(s, tables);
      await adoptUnsealedAudit(s, known);
      for (const t of tables) await s.query(`ALTER TABLE ${t.name} ENABLE TRIGGER USER`);
      await recordRestore(s, known, header);
      return { header, rows: overallDone };
    });
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_PADDING_1' || /unexpected end of file|incorrect header check/i.test((error as Error).message)) {
      throw new BackupError(`Berkas cadangan rusak atau terpotong (gzip: ${(error as Error).message}). / The backup file is damaged or truncated.`);
    }
    throw error;
  } finally {
    gunzip.destroy();
    input.destroy();
  }
}

/** Every sequence owned by a restored table (serial, bigserial, identity) continues after its max. */
async function resetSequences(s: Session, tables: TableInfo[]): Promise<void> {
  const oids = tables.map((t) => t.oid);
  if (oids.length === 0) return;
  const seqs = await s.query<{ seq: string; tbl: string; col: string }>(
    `SELECT format('%I.%I', sn.nspname, sq.relname) AS seq, format('%I.%I', tn.nspname, t.relname) AS tbl, quote_ident(a.attname) AS col
     FROM pg_depend d
     JOIN pg_class sq ON sq.oid = d.objid AND sq.relkind = 'S'
     JOIN pg_namespace sn ON sn.oid = sq.relnamespace
     JOIN pg_class t ON t.oid = d.refobjid
     JOIN pg_namespace tn ON tn.oid = t.relnamespace
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       AND t.oid = ANY($1::int[])`,
    [`{${oids.join(',')}}`],
  );
  for (const q of seqs) {
    await s.query(`SELECT setval($1::regclass, COALESCE(m, 1), m IS NOT NULL) FROM (SELECT max(${q.col}) AS m FROM ${q.tbl}) x`, [q.seq]);
  }
}

/**
 * Audit rows carry the source database's transaction ids, which mean nothing here: the sealer
 * takes rows after the seal line in (txid, id) order, and only below the oldest running
 * transaction. Rows the source had sealed move to the front (txid 1) and the line with them;
 * rows it had not sealed yet get this transaction's id, so they are sealed next (order among
 * them by id), and rows written here later sort after them. txid is not hashed.
 */
async function adoptUnsealedAudit(s: Session, tables: Set<string>): Promise<void> {
  if (!tables.has('public.audit_log') || !tables.has('public.audit_seal_cursor')) return;
  await s.query(
    `UPDATE public.audit_log a SET txid = CASE WHEN (a.txid, a.id) <= (c.txid, c.audit_id) THEN 1 ELSE pg_current_xact_id()::text::bigint END
     FROM (SELECT COALESCE(max(txid), 0) AS txid, COALESCE(max(audit_id), 0) AS audit_id FROM public.audit_seal_cursor WHERE id = 1) c`,
  );
  await s.query(
    `INSERT INTO public.audit_seal_cursor (id, txid, audit_id) VALUES (1, 1, 9223372036854775807)
     ON CONFLICT (id) DO UPDATE SET txid = 1, audit_id = 9223372036854775807`,
  );
}

/** The restore itself is a write: it goes in the audit log, after the count check. */
async function recordRestore(s: Session, tables: Set<string>, header: BackupHeader): Promise<void> {
  if (!tables.has('public.audit_log')) return;
  await s.query(
    `INSERT INTO public.audit_log (province_code, actor_id, actor_name, action, entity, entity_id, after)
     VALUES ('00', $1, $2, 'backup.restore', 'database', NULL, $3::text::jsonb)`,
    [
      SYSTEM_ACTOR.id,
      SYSTEM_ACTOR.username,
      JSON.stringify({ source: header.source, createdAt: header.createdAt, migrations: header.migrations, tables: header.tables }),
    ],
  );
}
