import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a repository can run a query on: the database or an open transaction. */
export type Executor = Database | Tx;

export interface DbHandle {
  kind: 'pglite' | 'postgres';
  db: Database;
  /** Run a raw query on the underlying driver (used by bulk import, backup and LISTEN). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * A hot statement by name: on PostgreSQL a named prepared statement (parsed and planned once
   * per pooled connection; one name must always carry the same text), on PGlite a plain query.
   */
  queryPrepared<T = Record<string, unknown>>(name: string, text: string, params: unknown[]): Promise<T[]>;
  /** The node-postgres pool in server mode, for LISTEN/NOTIFY and COPY. */
  pool: pg.Pool | null;
  /** The PGlite instance in embedded mode. */
  pglite: PGlite | null;
  /** The data-directory lock this process holds (PGlite with a directory). */
  lock: DataDirLock | null;
  /**
   * Say that outbox rows were committed through this handle: the dispatcher of this process
   * (subscribed with onOutboxWritten) runs a pass now instead of at its next tick. Called after
   * the commit, never inside the transaction: a pass that started before the commit would not
   * see the rows.
   */
  outboxWritten(): void;
  onOutboxWritten(listener: () => void): () => void;
  close(): Promise<void>;
}

/** The in-process signal behind DbHandle.outboxWritten / onOutboxWritten. */
function outboxSignal(): Pick<DbHandle, 'outboxWritten' | 'onOutboxWritten'> {
  const listeners = new Set<() => void>();
  return {
    outboxWritten() {
      for (const listener of listeners) listener();
    },
    onOutboxWritten(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type DbOptions =
  | { kind: 'pglite'; dataDir: string | null; lock?: boolean }
  | { kind: 'postgres'; url: string; poolSize?: number };

const here = path.dirname(fileURLToPath(import.meta.url));
/** Migrations live beside the package, whether running from src (tests) or dist. */
export const MIGRATIONS_DIR = path.resolve(here, '../../drizzle');

// node-postgres: keep int8 counts as numbers where safe; timestamps stay Date.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

/** Open the database: PGlite in a data directory (locked to this process) or a PostgreSQL pool. */
export async function openDatabase(options: DbOptions): Promise<DbHandle> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 20 });
    pool.on('error', () => {
      /* an idle client died (server restart); the pool replaces it */
    });
    const db = drizzlePg(pool, { schema }) as unknown as Database;
    return {
      kind: 'postgres',
      db,
      pool,
      pglite: null,
      lock: null,
      ...outboxSignal(),
      async query<T>(text: string, params: unknown[] = []) {
        const result = await pool.query(text, params);
        return result.rows as T[];
      },
      async queryPrepared<T>(name: string, text: string, params: unknown[]) {
        const result = await pool.query({ name, text, values: params });
        return result.rows as T[];
      },
      async close() {
        await pool.end();
      },
    };
  }
  let lock: DataDirLock | null = null;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    if (options.lock !== false) lock = acquireDataDirLock(path.dirname(options.dataDir));
  }
  let client: PGlite;
  try {
    client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
    await client.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  return pgliteHandle(client, lock);
}

/** The handle of an open PGlite instance (also for tests that load one from a dump); close() releases `lock`. */
export function pgliteHandle(client: PGlite, lock: DataDirLock | null = null): DbHandle {
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    pool: null,
    pglite: client,
    lock,
    ...outboxSignal(),
    async query<T>(text: string, params: unknown[] = []) {
      const result = await client.query<T>(text, params);
      return result.rows;
    },
    // one process, one connection: nothing to prepare per connection
    async queryPrepared<T>(_name: string, text: string, params: unknown[]) {
      const result = await client.query<T>(text, params);
      return result.rows;
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * A unique-key violation (SQLSTATE 23505) anywhere in the error's cause chain (Drizzle wraps the
 * driver's error); with `constraint`, only one of that unique index. Both drivers name the index
 * in the message; node-postgres also sets `constraint`.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint: name, message } = e as { code?: unknown; constraint?: unknown; message?: unknown };
    if (code !== '23505') continue;
    if (!constraint || name === constraint || String(message).includes(`"${constraint}"`)) return true;
  }
  return false;
}

/**
 * Apply pending migrations. On PostgreSQL an advisory lock keeps concurrent instances from
 * racing. `migrationsFolder` is for tests that start from an older schema.
 */
export async function runMigrations(handle: DbHandle, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as never, { migrationsFolder });
    return;
  }
  const client = await handle.pool!.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727274)');
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    client.release();
  }
}

/**
 * Run the start-up work (bootstrap, demo seed) of one instance at a time. Instances started
 * together on one empty PostgreSQL would otherwise each find no administrator and create one,
 * or seed the demo twice. On PGlite the data directory's lock already admits one process.
 * Never nest it: each call holds the lock on a session of its own, so an inner call would wait
 * for the outer one forever.
 */
export async function withStartupLock<T>(handle: DbHandle, work: () => Promise<T>): Promise<T> {
  if (handle.kind === 'pglite') return work();
  // a connection of its own, not the pool's: the work needs the pool, which may hold one connection
  const client = new pg.Client(handle.pool!.options);
  // a dropped connection (PostgreSQL restarting) must not crash the process: the work goes on
  // without the lock, and its own statements fail if the database is really gone
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727273)');
    return await work();
  } finally {
    // ending the session releases the lock too
    await client.end().catch(() => undefined);
  }
}

/** Rows of a raw Drizzle SQL query, on either driver. */
export async function selectRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
