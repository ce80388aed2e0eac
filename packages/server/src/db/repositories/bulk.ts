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

/** One table's rows for {@link insertAllByUnnestPrepared}. */
export interface UnnestPart<T extends PgTable = PgTable> {
  table: T;
  rows: readonly T['$inferInsert'][];
}

const dialect = new PgDialect();
const statementTexts = new Map<string, { name: string; text: string }>();

/**
 * Rows of several tables inserted by ONE statement (the first inserts as data-modifying
 * `WITH` queries, the last as the main statement): atomic without an explicit transaction,
 * and one round trip instead of BEGIN, one INSERT per table and COMMIT. Tables without rows
 * are left out. Built for the hottest write path, without Drizzle at run time: the
 * statement's text is rendered once per shape (tables and the columns the rows set) and run
 * as a named prepared statement (on PostgreSQL parsed and planned once per connection); each
 * call only lays the values out column by column.
 */
export async function insertAllByUnnestPrepared(handle: DbHandle, parts: readonly UnnestPart[]): Promise<void> {
  const shapes = parts.filter((p) => p.rows.length > 0).map((p) => shapeOf(p.table, p.rows));
  if (shapes.length === 0) return;
  const key = shapes.map((s) => `${getTableName(s.table)}(${s.columns.map(([k]) => k).join(',')})`).join(';');
  const values = shapes.flatMap((s) => s.values);
  let statement = statementTexts.get(key);
  if (!statement) {
    const query = dialect.sqlToQuery(composedInsert(shapes));
    // the text is reused with new values only when its parameters are exactly the column arrays
    if (query.params.length !== values.length) {
      await handle.query(query.sql, query.params);
      return;
    }
    statement = { name: `sng_ins_${createHash('sha1').update(query.sql).digest('hex').slice(0, 16)}`, text: query.sql };
    statementTexts.set(key, statement);
  }
  await handle.queryPrepared(statement.name, statement.text, values);
}

/** The columns some row sets, and each one's values laid out as one array parameter. */
interface Shape {
  table: PgTable;
  columns: [string, PgColumn][];
  values: unknown[][];
}

function shapeOf(table: PgTable, rows: readonly Record<string, unknown>[]): Shape {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => rows.some((r) => r[key] !== undefined));
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

function composedInsert(shapes: Shape[]): SQL {
  const inserts = shapes.map(insertSqlOf);
  const last = inserts.pop()!;
  if (inserts.length === 0) return last;
  const ctes = inserts.map((q, i) => sql`${sql.identifier(`w${i}`)} AS (${q})`);
  return sql`WITH ${sql.join(ctes, sql`, `)} ${last}`;
}

/** The `INSERT … SELECT FROM unnest(…)` statement of one table's rows (alone, or composed into a larger one). */
function insertSqlOf({ table, columns, values }: Shape): SQL {
  const params: SQL[] = [];
  const names: SQL[] = [];
  const selects: SQL[] = [];
  columns.forEach(([, column], i) => {
    const type = column.getSQLType();
    const viaText = type === 'jsonb' || type.endsWith('[]');
    const fallback = column.hasDefault ? column.default : undefined;
    params.push(sql`${sql.param(values[i])}::${sql.raw(viaText ? 'text' : type)}[]`);
    names.push(sql`${sql.identifier(column.name)}`);
    const alias = sql`${sql.identifier(`c${i}`)}`;
    const typed = viaText ? sql`${alias}::${sql.raw(type)}` : alias;
    selects.push(is(fallback, SQL) ? sql`coalesce(${typed}, ${fallback})` : typed);
  });
  const aliases = columns.map((_, i) => sql`${sql.identifier(`c${i}`)}`);
  return sql`INSERT INTO ${sql.identifier(getTableName(table))} (${sql.join(names, sql`, `)})
        SELECT ${sql.join(selects, sql`, `)} FROM unnest(${sql.join(params, sql`, `)}) AS t(${sql.join(aliases, sql`, `)})`;
}

function toParam(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (type === 'jsonb') return JSON.stringify(value);
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
  return value;
}
