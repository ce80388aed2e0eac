import { asc, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { pillars } from '../schema.js';

export type PillarRow = typeof pillars.$inferSelect;

export async function upsertPillars(ex: Executor, rows: (typeof pillars.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await ex
    .insert(pillars)
    .values(rows)
    .onConflictDoNothing({ target: pillars.code });
}

export async function findPillars(ex: Executor): Promise<PillarRow[]> {
  return ex.select().from(pillars).orderBy(asc(pillars.sortOrder), asc(pillars.code));
}

export async function countPillars(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(pillars);
  return Number(row?.n ?? 0);
}
