import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { selectRows, type Executor } from '../client.js';
import { notifications, outboxDeliveries, users, webhookSubscriptions } from '../schema.js';
import { toTextArray } from './scope.js';

/** An outbox row claimed for fan-out. */
export interface OutboxRow {
  provinceCode: string;
  id: number;
  topic: string;
  regionCode: string | null;
  payload: Record<string, unknown>;
  recipients: string[];
  attempts: number;
  createdAt: Date;
}

/** A JSON column as it comes back from a raw query (node-postgres parses it, PGlite may not). */
const jsonObject = (value: unknown): Record<string, unknown> => (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;

/** An outbox row from a raw `SELECT province_code, id, topic, region_code, payload, recipients, attempts, created_at`. */
const toOutboxRow = (r: Record<string, unknown>): OutboxRow => ({
  provinceCode: String(r.province_code),
  id: Number(r.id),
  topic: String(r.topic),
  regionCode: (r.region_code as string | null) ?? null,
  payload: jsonObject(r.payload),
  recipients: (r.recipients as string[]) ?? [],
  attempts: Number(r.attempts),
  createdAt: new Date(r.created_at as string | Date),
});

/**
 * Claim up to `limit` outbox rows not yet fanned out and due at `now` (a new row is always due:
 * its queue row's available_at is the database's clock, which the app's clock need not agree
 * with), by deleting their `outbox_pending` rows — the caller's transaction fans them out before
 * it commits, and puts a row it could not fan out back with {@link deferOutboxRow}, so nobody
 * ever sees a row claimed but not fanned out. Deleting the small queue row instead of writing a
 * second version of the outbox row (payload and index entries) is most of what made the claim
 * cheap. `FOR UPDATE SKIP LOCKED`: another instance's dispatcher skips the rows this transaction
 * holds instead of waiting for them (PGlite has one connection, so there nobody else is
 * claiming). `attempts` is the failed attempts before this one.
 */
export async function claimOutboxRows(ex: Executor, now: Date, limit: number): Promise<OutboxRow[]> {
  const rows = await selectRows<Record<string, unknown>>(
    ex,
    // in the order they fell due (a DELETE returns its rows in no particular order)
    sql`WITH claimed AS (
          DELETE FROM outbox_pending p
          USING (SELECT province_code, id FROM outbox_pending WHERE attempts = 0 OR available_at <= ${now}
                 ORDER BY available_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED) AS due
          WHERE p.province_code = due.province_code AND p.id = due.id
          RETURNING p.province_code, p.id, p.attempts, p.available_at)
        SELECT o.province_code, o.id, o.topic, o.region_code, o.payload, o.recipients, c.attempts, o.created_at
        FROM claimed c JOIN outbox o ON o.province_code = c.province_code AND o.id = c.id
        ORDER BY c.available_at, c.id`,
  );
  return rows.map(toOutboxRow);
}

/** Put a claimed row the fan-out failed for back in the queue, due again at `until`, this attempt counted. */
export async function deferOutboxRow(ex: Executor, row: Pick<OutboxRow, 'provinceCode' | 'id' | 'attempts'>, until: Date, error: string): Promise<void> {
  await ex.execute(
    sql`INSERT INTO outbox_pending (province_code, id, available_at, attempts, last_error)
        VALUES (${row.provinceCode}, ${row.id}, ${until}, ${row.attempts + 1}, ${error.slice(0, 1000)})`,
  );
}

export interface RecipientUser {
  id: string;
  username: string;
  email: string | null;
}

/**
 * Active users of any of `roles` whose scope list overlaps `codes` (region chains: a region and
 * its ancestors, or `*`). `scopes && ARRAY[…]` uses the GIN index; the caller matches each
 * recipient entry's role, pillar and chain in memory.
 */
export async function findUsersCoveringAny(
  ex: Executor,
  filter: { roles: string[]; codes: string[] },
): Promise<(RecipientUser & { role: string; pillarCode: string | null; scopes: string[] })[]> {
  if (filter.roles.length === 0 || filter.codes.length === 0) return [];
  return ex
    .select({ id: users.id, username: users.username, email: users.email, role: users.role, pillarCode: users.pillarCode, scopes: users.scopes })
    .from(users)
    .where(and(isNull(users.disabledAt), inArray(users.role, filter.roles), sql`${users.scopes} && ${toTextArray(filter.codes)}`));
}

export async function findActiveUsersByIds(ex: Executor, ids: string[]): Promise<RecipientUser[]> {
  if (ids.length === 0) return [];
  return ex
    .select({ id: users.id, username: users.username, email: users.email })
    .from(users)
    .where(and(inArray(users.id, ids), isNull(users.disabledAt)));
}

export type NewNotificationRow = typeof notifications.$inferInsert;
export type NotificationRow = typeof notifications.$inferSelect;

/**
 * Insert in-app notifications, one per (user, outbox row) whatever happens, copying topic,
 * region, payload and time from the outbox row in the database (nothing re-serialised).
 * Returns who was newly notified of which row.
 */
export async function insertNotificationsFromOutbox(
  ex: Executor,
  rows: readonly { provinceCode: string; outboxId: number; userId: string }[],
): Promise<{ userId: string; outboxId: number; topic: string }[]> {
  if (rows.length === 0) return [];
  const inserted = await selectRows<{ user_id: string; outbox_id: string | number; topic: string }>(
    ex,
    sql`INSERT INTO notifications (province_code, user_id, outbox_id, topic, region_code, payload, created_at)
        SELECT o.province_code, n.user_id, o.id, o.topic, o.region_code, o.payload, o.created_at
        FROM unnest(${toTextArray(rows.map((r) => r.provinceCode))}, ${sql.param(rows.map((r) => r.outboxId))}::bigint[], ${sql.param(rows.map((r) => r.userId))}::uuid[])
          AS n(province_code, outbox_id, user_id)
        JOIN outbox o ON o.province_code = n.province_code AND o.id = n.outbox_id
        ON CONFLICT DO NOTHING
        RETURNING user_id, outbox_id, topic`,
  );
  return inserted.map((r) => ({ userId: r.user_id, outboxId: Number(r.outbox_id), topic: r.topic }));
}

export type NewDeliveryRow = typeof outboxDeliveries.$inferInsert;
export type DeliveryRow = typeof outboxDeliveries.$inferSelect;

export async function insertDeliveries(ex: Executor, rows: NewDeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await ex.insert(outboxDeliveries).values(rows).onConflictDoNothing();
}

/** A delivery claimed for sending, with the outbox row it carries. */
export interface ClaimedDelivery extends DeliveryRow {
  topic: string;
  regionCode: string | null;
  payload: Record<string, unknown>;
  outboxCreatedAt: Date;
}

/** A delivery row (`d.*`) joined with its outbox row's topic and region, from a raw query. */
const toDeliveryWithTopic = (r: Record<string, unknown>): DeliveryRow & { topic: string; regionCode: string | null } => ({
  provinceCode: String(r.province_code),
  outboxId: Number(r.outbox_id),
  channel: String(r.channel),
  target: String(r.target),
  idempotencyKey: String(r.idempotency_key),
  status: String(r.status),
  attempts: Number(r.attempts),
  availableAt: new Date(r.available_at as string),
  lastError: (r.last_error as string | null) ?? null,
  sentAt: r.sent_at ? new Date(r.sent_at as string) : null,
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
  topic: String(r.topic),
  regionCode: (r.region_code as string | null) ?? null,
});

/**
 * Claim due deliveries: lock them (SKIP LOCKED), count the attempt and push their next
 * availability to `leaseUntil`, then commit — sending happens outside any transaction. A
 * process that dies mid-send leaves the row to be taken again when the lease ends, and the
 * receiver sees the same idempotency key.
 */
export async function claimDueDeliveries(ex: Executor, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const rows = await selectRows<Record<string, unknown>>(
    ex,
    sql`WITH due AS (
          SELECT province_code, outbox_id, channel, target FROM outbox_deliveries
          WHERE status = 'pending' AND available_at <= ${now}
          ORDER BY available_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ), claimed AS (
          UPDATE outbox_deliveries d SET attempts = d.attempts + 1, available_at = ${leaseUntil}, updated_at = ${now}
          FROM due WHERE d.province_code = due.province_code AND d.outbox_id = due.outbox_id AND d.channel = due.channel AND d.target = due.target
          RETURNING d.*
        )
        SELECT c.*, o.topic, o.region_code, o.payload, o.created_at AS outbox_created_at
        FROM claimed c JOIN outbox o ON o.province_code = c.province_code AND o.id = c.outbox_id`,
  );
  return rows.map((r) => ({ ...toDeliveryWithTopic(r), payload: jsonObject(r.payload), outboxCreatedAt: new Date(r.outbox_created_at as string) }));
}

/** The columns that name one delivery. */
export type DeliveryKey = Pick<DeliveryRow, 'provinceCode' | 'outboxId' | 'channel' | 'target'>;

const deliveryKey = (d: DeliveryKey): SQL =>
  and(eq(outboxDeliveries.provinceCode, d.provinceCode), eq(outboxDeliveries.outboxId, d.outboxId), eq(outboxDeliveries.channel, d.channel), eq(outboxDeliveries.target, d.target))!;

export async function markDeliverySent(ex: Executor, d: DeliveryKey, now: Date): Promise<void> {
  await ex.update(outboxDeliveries).set({ status: 'sent', sentAt: now, updatedAt: now, lastError: null }).where(deliveryKey(d));
}

/** A failed attempt: try again at `retryAt`, or give up (`dead`) when it is null. */
export async function markDeliveryFailed(ex: Executor, d: DeliveryKey, now: Date, retryAt: Date | null, error: string): Promise<void> {
  await ex
    .update(outboxDeliveries)
    .set({ status: retryAt ? 'pending' : 'dead', availableAt: retryAt ?? now, updatedAt: now, lastError: error.slice(0, 1000) })
    .where(deliveryKey(d));
}

/** Put a dead delivery back in the queue, due now, with a fresh count of attempts. */
export async function requeueDelivery(ex: Executor, idempotencyKey: string, now: Date): Promise<boolean> {
  const rows = await ex
    .update(outboxDeliveries)
    .set({ status: 'pending', attempts: 0, availableAt: now, updatedAt: now })
    .where(and(eq(outboxDeliveries.idempotencyKey, idempotencyKey), eq(outboxDeliveries.status, 'dead')))
    .returning({ key: outboxDeliveries.idempotencyKey });
  return rows.length > 0;
}

/** Deliveries for administrators, newest change first; keyset on (updated_at, key). */
export async function findDeliveries(
  ex: Executor,
  filter: { status?: string; regionCondition: SQL; after?: { updatedAt: Date; key: string }; limit: number },
): Promise<(DeliveryRow & { topic: string; regionCode: string | null })[]> {
  const rows = await selectRows<Record<string, unknown>>(
    ex,
    sql`SELECT d.*, o.topic, o.region_code FROM outbox_deliveries d JOIN outbox o ON o.province_code = d.province_code AND o.id = d.outbox_id
        WHERE ${filter.regionCondition}
          ${filter.status ? sql`AND d.status = ${filter.status}` : sql``}
          ${filter.after ? sql`AND (d.updated_at, d.idempotency_key) < (${filter.after.updatedAt}, ${filter.after.key})` : sql``}
        ORDER BY d.updated_at DESC, d.idempotency_key DESC LIMIT ${filter.limit}`,
  );
  return rows.map(toDeliveryWithTopic);
}

// ── Webhook subscriptions ──

export type WebhookRow = typeof webhookSubscriptions.$inferSelect;
export type NewWebhookRow = typeof webhookSubscriptions.$inferInsert;

/** Active subscriptions naming `topic` whose region scope holds `regionCode` (null region: national ones only). */
/** Every active webhook subscription (a short list; the dispatcher matches topic and region in memory). */
export async function findActiveWebhooks(ex: Executor): Promise<WebhookRow[]> {
  return ex.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.active, true));
}

export async function findWebhook(ex: Executor, id: string): Promise<WebhookRow | null> {
  const [row] = await ex.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).limit(1);
  return row ?? null;
}

export async function findWebhooks(ex: Executor, regionCondition: SQL): Promise<WebhookRow[]> {
  return ex.select().from(webhookSubscriptions).where(regionCondition).orderBy(desc(webhookSubscriptions.createdAt), webhookSubscriptions.id);
}

export async function insertWebhook(ex: Executor, row: NewWebhookRow): Promise<WebhookRow> {
  const [inserted] = await ex.insert(webhookSubscriptions).values(row).returning();
  return inserted!;
}

export async function updateWebhookVersioned(ex: Executor, id: string, version: number, patch: Partial<NewWebhookRow>): Promise<WebhookRow | null> {
  const [row] = await ex
    .update(webhookSubscriptions)
    .set({ ...patch, version: sql`${webhookSubscriptions.version} + 1` })
    .where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.version, version)))
    .returning();
  return row ?? null;
}

export async function deleteWebhook(ex: Executor, id: string): Promise<boolean> {
  const rows = await ex.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).returning({ id: webhookSubscriptions.id });
  return rows.length > 0;
}

/** Delivery counts per webhook subscription (pending, sent, dead). */
export async function countWebhookDeliveries(ex: Executor, ids: string[]): Promise<Map<string, { pending: number; sent: number; dead: number }>> {
  const out = new Map<string, { pending: number; sent: number; dead: number }>();
  if (ids.length === 0) return out;
  const rows = await selectRows<{ target: string; status: string; n: number }>(
    ex,
    sql`SELECT target, status, count(*)::int AS n FROM outbox_deliveries WHERE channel = 'webhook' AND target = ANY(${toTextArray(ids)}) GROUP BY target, status`,
  );
  for (const r of rows) {
    const entry = out.get(r.target) ?? { pending: 0, sent: 0, dead: 0 };
    if (r.status === 'pending' || r.status === 'sent' || r.status === 'dead') entry[r.status] = Number(r.n);
    out.set(r.target, entry);
  }
  return out;
}

// ── In-app notifications ──

export async function findNotifications(ex: Executor, userId: string, filter: { beforeId?: number; unreadOnly: boolean; limit: number }): Promise<NotificationRow[]> {
  return ex
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), filter.beforeId !== undefined ? lt(notifications.id, filter.beforeId) : undefined, filter.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.id))
    .limit(filter.limit);
}

export async function countUnread(ex: Executor, userId: string): Promise<number> {
  const [row] = await selectRows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM notifications WHERE user_id = ${userId} AND read_at IS NULL`);
  return Number(row?.n ?? 0);
}

/** Mark the user's own notifications read (ids of other users' rows change nothing). */
export async function markNotificationsRead(ex: Executor, userId: string, ids: number[] | 'all', now: Date): Promise<number> {
  const rows = await ex
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), ids === 'all' ? undefined : or(...ids.map((id) => eq(notifications.id, id)))))
    .returning({ id: notifications.id });
  return rows.length;
}

/** Outbox rows after `afterId` in the scope condition (SSE resume), oldest first. */
export async function findOutboxAfter(ex: Executor, afterId: number, since: Date, limit: number): Promise<OutboxRow[]> {
  const rows = await selectRows<Record<string, unknown>>(
    ex,
    sql`SELECT province_code, id, topic, region_code, payload, recipients, 0 AS attempts, created_at FROM outbox
        WHERE id > ${afterId} AND created_at >= ${since} ORDER BY id LIMIT ${limit}`,
  );
  return rows.map(toOutboxRow);
}
