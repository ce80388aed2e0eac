import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { sessions, users } from '../schema.js';

export type SessionRow = typeof sessions.$inferSelect;

export async function insertSession(ex: Executor, row: typeof sessions.$inferInsert): Promise<void> {
  await ex.insert(sessions).values(row);
}

/** The live session with its user, or null when unknown, expired, revoked or the user is disabled. */
export async function findLiveSession(ex: Executor, id: string, now: Date) {
  const [row] = await ex
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .limit(1);
  return row ?? null;
}

export async function revokeSession(ex: Executor, id: string): Promise<void> {
  await ex.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Revoke every session of a user (lost phone, disabled account, password reset). */
export async function revokeUserSessions(ex: Executor, userId: string, exceptSessionId?: string): Promise<number> {
  const rows = await ex
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/** Slide last_seen_at at most once a minute, so reads do not write on every request. */
export async function touchSession(ex: Executor, id: string, now: Date): Promise<void> {
  await ex
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.id, id), sql`${sessions.lastSeenAt} < ${new Date(now.getTime() - 60_000)}`));
}
