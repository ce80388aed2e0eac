import { and, asc, eq, gt, ilike, or, sql } from 'drizzle-orm';
import { NATIONAL_SCOPE } from '@sinergi/domain';
import type { Executor } from '../client.js';
import { users } from '../schema.js';
import { toTextArray } from './scope.js';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

export async function insertUsers(ex: Executor, rows: NewUserRow[]): Promise<UserRow[]> {
  if (rows.length === 0) return [];
  return ex.insert(users).values(rows).returning();
}

export async function findUserById(ex: Executor, id: string): Promise<UserRow | null> {
  const [row] = await ex.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function findUserByUsername(ex: Executor, username: string): Promise<UserRow | null> {
  const [row] = await ex.select().from(users).where(eq(users.username, username)).limit(1);
  return row ?? null;
}

export async function findExistingUsernames(ex: Executor, usernames: string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await ex
    .select({ username: users.username })
    .from(users)
    .where(sql`${users.username} = ANY(${toTextArray(usernames)})`);
  return new Set(rows.map((r) => r.username));
}

/** Update a user only if the version still matches; returns null when it changed meanwhile. */
export async function updateUserVersioned(
  ex: Executor,
  id: string,
  expectedVersion: number,
  patch: Partial<NewUserRow>,
): Promise<UserRow | null> {
  const [row] = await ex
    .update(users)
    .set({ ...patch, updatedAt: new Date(), version: sql`${users.version} + 1` })
    .where(and(eq(users.id, id), eq(users.version, expectedVersion)))
    .returning();
  return row ?? null;
}

/** Update without a version check (login bookkeeping, password changes by the user). */
export async function updateUser(ex: Executor, id: string, patch: Partial<NewUserRow>): Promise<UserRow | null> {
  const [row] = await ex
    .update(users)
    .set({ ...patch, updatedAt: new Date(), version: sql`${users.version} + 1` })
    .where(eq(users.id, id))
    .returning();
  return row ?? null;
}

export async function touchLastLogin(ex: Executor, id: string): Promise<void> {
  await ex.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, id));
}

/**
 * Users whose every scope lies inside `managerScopes` (an admin of a kabupaten manages
 * only the officers of that kabupaten). Keyset-paginated by username.
 */
export async function findUsers(
  ex: Executor,
  options: { managerScopes: readonly string[]; q?: string; role?: string; region?: string; after?: string; limit: number },
): Promise<UserRow[]> {
  const conditions = [];
  if (!options.managerScopes.includes(NATIONAL_SCOPE)) {
    const roots = toTextArray(options.managerScopes);
    const patterns = toTextArray(options.managerScopes.map((s) => `${s}.%`));
    conditions.push(
      sql`NOT EXISTS (SELECT 1 FROM unnest(${users.scopes}) AS s(code) WHERE NOT (s.code = ANY(${roots}) OR s.code LIKE ANY(${patterns})))`,
    );
  }
  if (options.region) {
    conditions.push(
      sql`EXISTS (SELECT 1 FROM unnest(${users.scopes}) AS s(code) WHERE s.code = ${options.region} OR s.code LIKE ${`${options.region}.%`} OR s.code = '*')`,
    );
  }
  if (options.q) {
    const like = `%${options.q.replace(/[%_\\]/g, '\\$&')}%`;
    conditions.push(or(ilike(users.username, like), ilike(users.fullName, like), ilike(users.position, like)));
  }
  if (options.role) conditions.push(eq(users.role, options.role));
  if (options.after) conditions.push(gt(users.username, options.after));
  return ex
    .select()
    .from(users)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.username))
    .limit(options.limit);
}

export async function countUsers(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(users);
  return Number(row?.n ?? 0);
}
