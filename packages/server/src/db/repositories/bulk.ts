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

/** The columns some row sets, and each one's values as one array literal parameter. */
export interface Shape {
  table: PgTable;
  columns: [string, PgColumn][];
  values: string[];
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
  const columns: [string, PgColumn][] = [];
  const values: string[] = [];
  for (const c of columnsOf(table)) {
    if (omit.includes(c.key) || !(keep.includes(c.key) || rows.some((r) => r[c.key] !== undefined))) continue;
    columns.push([c.key, c.column]);
    values.push(columnLiteral(rows, c));
  }
  return { table, columns, values };
}

interface ColumnInfo {
  key: string;
  column: PgColumn;
  /** The column's default when it is a plain value (an SQL default is applied by the statement). */
  fallback: unknown;
  /** The text PostgreSQL reads a (non-null) value of this column from. */
  text: (value: unknown) => string;
}

const tableColumns = new WeakMap<PgTable, ColumnInfo[]>();

/** A table's columns with what shapeOf needs of each, worked out once per table. */
function columnsOf(table: PgTable): ColumnInfo[] {
  let found = tableColumns.get(table);
  if (!found) {
    found = Object.entries(getTableColumns(table)).map(([key, column]) => {
      const fallback = column.hasDefault ? column.default : undefined;
      const type = column.getSQLType();
      // jsonb and array columns travel as text and are cast per row (unnestSource)
      const text = type === 'jsonb' ? jsonText : type.endsWith('[]') ? innerArrayText : scalarText;
      return { key, column, fallback: fallback !== undefined && !is(fallback, SQL) ? fallback : undefined, text };
    });
    tableColumns.set(table, found);
  }
  return found;
}

/** One column of `rows` as an array literal; a row that leaves it undefined gets its default, as a VALUES insert would. */
function columnLiteral(rows: readonly Record<string, unknown>[], c: ColumnInfo): string {
  return arrayLiteral(
    rows.map((r) => (r[c.key] === undefined ? c.fallback : r[c.key])),
    c.text,
  );
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  // a plain object in a non-JSON column is written as node-postgres would: its JSON
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function jsonText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

/** A JS array for an array column, as that column's own literal (cast per row). */
function innerArrayText(value: unknown): string {
  return Array.isArray(value) ? arrayLiteral(value) : scalarText(value);
}

const ARRAY_QUOTED = /["\\]/;
const ARRAY_QUOTED_ALL = /["\\]/g;

/** An array element, always quoted (so no word — NULL, a blank, a brace — is misread), with its quotes and backslashes escaped. */
function quoteElement(text: string): string {
  return ARRAY_QUOTED.test(text) ? `"${text.replace(ARRAY_QUOTED_ALL, '\\$&')}"` : `"${text}"`;
}

/**
 * A PostgreSQL array literal, as node-postgres would write it for a JS array but in one pass:
 * its generic encoder was ~5 % of the server's CPU on the report intake. Each non-null value
 * is written by `text` (by default: text as it is, a date as its ISO instant, a number or a
 * boolean as written, a plain object as its JSON). Bulk inserts build one per column
 * ({@link shapeOf}); `toTextArray` (scope.ts) is one cast to text[].
 */
export function arrayLiteral(values: readonly unknown[], text: (value: unknown) => string = scalarText): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : quoteElement(text(v));
  }
  return `${out}}`;
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
