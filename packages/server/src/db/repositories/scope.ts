import { NATIONAL_SCOPE } from '@sinergi/domain';
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { arrayLiteral } from './bulk.js';

/**
 * The region-scope condition for any table with a region-code column: the code is one of
 * the scope roots or lies under one (prefix match, served by a text_pattern_ops index).
 * Repositories apply it, so no route can forget it.
 */
export function inScope(column: AnyPgColumn | SQL, scopes: readonly string[]): SQL {
  if (scopes.includes(NATIONAL_SCOPE)) return sql`TRUE`;
  if (scopes.length === 0) return sql`FALSE`;
  const patterns = scopes.map((s) => `${s}.%`);
  return sql`(${column} = ANY(${toTextArray(scopes)}) OR ${column} LIKE ANY(${toTextArray(patterns)}))`;
}

/** A text[] parameter that works on both drivers. */
export function toTextArray(values: readonly string[]): SQL {
  return sql`${arrayLiteral(values)}::text[]`;
}
