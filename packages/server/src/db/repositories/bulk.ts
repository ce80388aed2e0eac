import { createHash } from 'node:crypto';
import { SQL, getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { DbHandle, Executor } from '../client.js';

/**
 * Insert many rows as one `INSERT … SELECT FROM unnest($1::type[], …)`: one parameter per
 * column instead of one per value. Drizzle's multi-row VALUES builds and type-checks every
 * value (≈ a quarter of the server's CPU on the report write path at 200 rows × 41 columns).
 * Columns every row leaves undefined are omitted, so their defaults apply. jsonb and array
 * columns travel as text and are cast per row.
 */
export async function insertByUnnest<T extends PgTable>(ex: Executor, table: T, rows: readonly T['$inferInsert'][]): Promise<void> {
  if (rows.length === 0) return;
  await ex.execute(insertSqlOf(shapeOf(table, rows)));
}

const dialect = new PgDialect();

/** A shape's table and columns: what its part of a cached statement's text depends on. */
export function shapeKey(shape: Shape): string {
  return `${getTableName(shape.table)}(${shape.columns.map(([k]) => k).join(',')})`;
}

/** Stands for the value at `index` of a cached statement's value list while its text is rendered. */
class Slot {
  constructor(readonly index: number) {}
}

const cachedStatements = new Map<string, { name: string; text: string; params: (number | { constant: unknown })[] }>();

/**
 * Run a statement rendered by Drizzle only once per `key` (which must name everything its text
 * depends on), as a named prepared statement (on PostgreSQL parsed once per connection).
 * `build(slot)` renders it with `slot(i)` standing for the i-th entry of `values`; later calls
 * only put `values` into the text's parameter order. For the hottest write paths, where
 * rendering a large statement per call costs more CPU than the database spends running it.
 */
export async function runCached<T = Record<string, unknown>>(
  handle: DbHandle,
  key: string,
  build: (slot: (i: number) => SQL) => SQL,
  values: readonly unknown[],
): Promise<T[]> {
  let statement = cachedStatements.get(key);
  if (!statement) {
    const query = dialect.sqlToQuery(build((i) => sql`${sql.param(new Slot(i))}`));
    statement = {
      name: `sng_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`,
      text: query.sql,
      // a parameter that is not a slot (one inside a column's SQL default, say) is a constant of the text
      params: query.params.map((p) => (p instanceof Slot ? p.index : { constant: p })),
    };
    cachedStatements.set(key, statement);
  }
  return handle.queryPrepared<T>(
    statement.name,
    statement.text,
    statement.params.map((p) => (typeof p === 'number' ? values[p] : p.constant)),
  );
}

/** The columns some row sets, and each one's values laid out as one array parameter. */
export interface Shape {
  table: PgTable;
  columns: [string, PgColumn][];
  values: unknown[][];
}

/**
 * A table's rows as column arrays. A column every row leaves undefined is omitted (its default
 * applies) unless named in `keep` (a statement that reads it needs it, null or not); columns in
 * `omit` are left out whatever the rows hold (the statement sets them itself).
 */
export function shapeOf(
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  { keep = [], omit = [] }: { keep?: readonly string[]; omit?: readonly string[] } = {},
): Shape {
  const columns = Object.entries(getTableColumns(table)).filter(
    ([key]) => !omit.includes(key) && (keep.includes(key) || rows.some((r) => r[key] !== undefined)),
  );
  const values = columns.map(([key, column]) => {
    const type = column.getSQLType();
    // a row that leaves a column undefined gets the column's default, as a VALUES insert would
    const fallback = column.hasDefault ? column.default : undefined;
    return rows.map((r) => {
      const value = r[key];
      return toParam(value === undefined && fallback !== undefined && !is(fallback, SQL) ? fallback : value, type);
    });
  });
  return { table, columns, values };
}

/** The `INSERT … SELECT FROM unnest(…)` statement of one table's rows. */
function insertSqlOf(shape: Shape): SQL {
  const source = unnestSource(shape);
  return sql`INSERT INTO ${sql.identifier(getTableName(shape.table))} (${sql.join(source.names, sql`, `)})
        SELECT ${sql.join(source.exprs, sql`, `)} FROM ${source.from}`;
}

/**
 * The rows of a shape as a FROM item, `unnest($1::type[], …) AS t(c0, …)`, with each column's
 * name (as text and as an identifier) and its typed value expression (jsonb and array columns travel as text and are cast per
 * row; a missing value with an SQL default gets the default). `extra` arrays are unnested beside
 * the columns under their own aliases (a key to join on, say); `ordinality` adds `t.ord`, the
 * row's 1-based position. `slot(i)`, when given, stands for array i (the columns', then the
 * extras') in a cached statement ({@link runCached}) instead of the array itself.
 */
export function unnestSource(
  { columns, values }: Shape,
  options: { extra?: { alias: string; values: unknown[]; type: string }[]; ordinality?: boolean; slot?: ((i: number) => SQL) | undefined } = {},
): { from: SQL; columns: string[]; names: SQL[]; exprs: SQL[] } {
  const extra = options.extra ?? [];
  const arrays = [...values, ...extra.map((e) => e.values)];
  const param = options.slot ?? ((i: number) => sql.param(arrays[i]));
  const params: SQL[] = [];
  const names: SQL[] = [];
  const exprs: SQL[] = [];
  columns.forEach(([, column], i) => {
    const type = column.getSQLType();
    const viaText = type === 'jsonb' || type.endsWith('[]');
    const fallback = column.hasDefault ? column.default : undefined;
    params.push(sql`${param(i)}::${sql.raw(viaText ? 'text' : type)}[]`);
    names.push(sql`${sql.identifier(column.name)}`);
    const alias = sql`t.${sql.identifier(`c${i}`)}`;
    const typed = viaText ? sql`${alias}::${sql.raw(type)}` : alias;
    exprs.push(is(fallback, SQL) ? sql`coalesce(${typed}, ${fallback})` : typed);
  });
  const aliases = columns.map((_, i) => sql`${sql.identifier(`c${i}`)}`);
  extra.forEach((e, j) => {
    params.push(sql`${param(columns.length + j)}::${sql.raw(e.type)}[]`);
    aliases.push(sql`${sql.identifier(e.alias)}`);
  });
  if (options.ordinality) aliases.push(sql`ord`);
  const from = sql`unnest(${sql.join(params, sql`, `)})${sql.raw(options.ordinality ? ' WITH ORDINALITY' : '')} AS t(${sql.join(aliases, sql`, `)})`;
  return { from, columns: columns.map(([, c]) => c.name), names, exprs };
}

function toParam(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (type === 'jsonb') return JSON.stringify(value);
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
  return value;
}
