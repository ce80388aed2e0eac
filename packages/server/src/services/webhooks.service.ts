import { randomBytes, randomUUID } from 'node:crypto';
import { NATIONAL_SCOPE, can, decodeCursor, encodeCursor, isInScope, type TDelivery, type TWebhook, type TWebhookCreate, type TWebhookUpdate } from '@sinergi/domain';
import { sql, type SQL } from 'drizzle-orm';
import type { DbHandle } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import {
  countWebhookDeliveries,
  deleteWebhook,
  findDeliveries,
  findWebhook,
  findWebhooks,
  insertWebhook,
  requeueDelivery,
  updateWebhookVersioned,
  type WebhookRow,
} from '../db/repositories/delivery.js';
import { inScope } from '../db/repositories/scope.js';
import { AppError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';
import { noticeTopics } from './notice-topics.js';

export interface WebhooksDeps {
  handle: DbHandle;
  regions: RegionStore;
}

function requireManager(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot manage webhooks`);
}

/** A subscription's region scope must lie inside the administrator's own scope. */
function checkRegionScope(deps: WebhooksDeps, ctx: RequestContext, regionScope: string): void {
  if (regionScope === NATIONAL_SCOPE) {
    if (!ctx.actor.scopes.includes(NATIONAL_SCOPE)) throw new AppError('out_of_scope', 'national webhook', { fields: [{ path: 'regionScope', message: 'region.out_of_scope' }] });
    return;
  }
  if (!deps.regions.has(regionScope)) throw new AppError('validation', 'unknown region', { fields: [{ path: 'regionScope', message: 'region.unknown' }] });
  if (!isInScope(regionScope, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${regionScope}`, { fields: [{ path: 'regionScope', message: 'region.out_of_scope' }] });
}

function checkTopics(topics: string[]): string[] {
  const known = new Set(noticeTopics().map((t) => t.topic));
  const unknown = topics.filter((t) => !known.has(t));
  if (unknown.length > 0) throw new AppError('validation', `unknown topics ${unknown.join(',')}`, { fields: unknown.map((t) => ({ path: 'topics', message: `webhook.topic_unknown:${t}` })) });
  return [...new Set(topics)].sort();
}

/** The administrator may see a subscription when its region scope is inside theirs. */
function isVisible(ctx: RequestContext, row: WebhookRow): boolean {
  return ctx.actor.scopes.includes(NATIONAL_SCOPE) || (row.regionScope !== NATIONAL_SCOPE && isInScope(row.regionScope, ctx.actor.scopes));
}

function present(row: WebhookRow, counts: { pending: number; sent: number; dead: number } | undefined, secret?: string): TWebhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    topics: row.topics,
    regionScope: row.regionScope,
    active: row.active,
    ...(secret ? { secret } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
    deliveries: counts ?? { pending: 0, sent: 0, dead: 0 },
  };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export async function createWebhook(deps: WebhooksDeps, ctx: RequestContext, input: TWebhookCreate): Promise<TWebhook> {
  requireManager(ctx);
  checkRegionScope(deps, ctx, input.regionScope);
  const topics = checkTopics(input.topics);
  const secret = input.secret ?? newSecret();
  const row = await deps.handle.db.transaction(async (tx) => {
    const inserted = await insertWebhook(tx, {
      id: randomUUID(),
      name: input.name,
      url: input.url,
      secret,
      topics,
      regionScope: input.regionScope,
      active: input.active,
      createdBy: ctx.actor.id,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'webhook.create',
      entity: 'webhook',
      entityId: inserted.id,
      regionCode: input.regionScope === NATIONAL_SCOPE ? null : input.regionScope,
      after: { name: input.name, url: input.url, topics, regionScope: input.regionScope, active: input.active },
      ip: ctx.ip,
    });
    return inserted;
  });
  return present(row, undefined, secret);
}

export async function listWebhooks(deps: WebhooksDeps, ctx: RequestContext): Promise<{ items: TWebhook[]; topics: string[] }> {
  requireManager(ctx);
  const rows = await findWebhooks(deps.handle.db, webhookScopeCondition(ctx));
  const counts = await countWebhookDeliveries(deps.handle.db, rows.map((r) => r.id));
  return { items: rows.map((r) => present(r, counts.get(r.id))), topics: noticeTopics().map((t) => t.topic) };
}

function webhookScopeCondition(ctx: RequestContext): SQL {
  if (ctx.actor.scopes.includes(NATIONAL_SCOPE)) return sql`TRUE`;
  return sql`(region_scope <> '*' AND ${inScope(sql`region_scope`, ctx.actor.scopes)})`;
}

async function visibleWebhook(deps: WebhooksDeps, ctx: RequestContext, id: string): Promise<WebhookRow> {
  requireManager(ctx);
  const row = await findWebhook(deps.handle.db, id);
  // another region's subscription is not found, not forbidden: its existence is not disclosed
  if (!row || !isVisible(ctx, row)) throw new AppError('not_found', `webhook ${id}`);
  return row;
}

export async function getWebhook(deps: WebhooksDeps, ctx: RequestContext, id: string): Promise<TWebhook> {
  const row = await visibleWebhook(deps, ctx, id);
  return present(row, (await countWebhookDeliveries(deps.handle.db, [row.id])).get(row.id));
}

export async function updateWebhook(deps: WebhooksDeps, ctx: RequestContext, id: string, input: TWebhookUpdate): Promise<TWebhook> {
  const row = await visibleWebhook(deps, ctx, id);
  if (input.regionScope !== undefined) checkRegionScope(deps, ctx, input.regionScope);
  const topics = input.topics ? checkTopics(input.topics) : undefined;
  const secret = input.rotateSecret ? newSecret() : undefined;
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(topics ? { topics } : {}),
    ...(input.regionScope !== undefined ? { regionScope: input.regionScope } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(secret ? { secret } : {}),
    updatedAt: ctx.now,
  };
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateWebhookVersioned(tx, id, input.version, patch);
    if (!next) throw new AppError('conflict', `webhook ${id} version ${input.version}`);
    const { secret: _s, updatedAt: _u, ...logged } = patch;
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'webhook.update',
      entity: 'webhook',
      entityId: id,
      regionCode: next.regionScope === NATIONAL_SCOPE ? null : next.regionScope,
      before: { name: row.name, url: row.url, topics: row.topics, regionScope: row.regionScope, active: row.active },
      after: { ...logged, ...(secret ? { secretRotated: true } : {}) },
      ip: ctx.ip,
    });
    return next;
  });
  return present(updated, (await countWebhookDeliveries(deps.handle.db, [id])).get(id), secret);
}

export async function removeWebhook(deps: WebhooksDeps, ctx: RequestContext, id: string): Promise<void> {
  const row = await visibleWebhook(deps, ctx, id);
  await deps.handle.db.transaction(async (tx) => {
    await deleteWebhook(tx, id);
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'webhook.delete',
      entity: 'webhook',
      entityId: id,
      regionCode: row.regionScope === NATIONAL_SCOPE ? null : row.regionScope,
      before: { name: row.name, url: row.url, topics: row.topics, regionScope: row.regionScope },
      ip: ctx.ip,
    });
  });
}

/** Deliveries (e-mail and webhook) about regions in the administrator's scope, newest change first. */
export async function listDeliveries(
  deps: WebhooksDeps,
  ctx: RequestContext,
  query: { status?: 'pending' | 'sent' | 'dead'; cursor?: string; limit: number },
): Promise<{ items: TDelivery[]; nextCursor: string | null }> {
  requireManager(ctx);
  let after: { updatedAt: Date; key: string } | undefined;
  if (query.cursor) {
    const position = decodeCursor(query.cursor);
    if (!position || position.length !== 2 || typeof position[0] !== 'string' || typeof position[1] !== 'string' || Number.isNaN(Date.parse(position[0]))) {
      throw new AppError('validation', 'bad cursor', { fields: [{ path: 'cursor', message: 'cursor.invalid' }] });
    }
    after = { updatedAt: new Date(position[0]), key: position[1] };
  }
  const regionCondition = ctx.actor.scopes.includes(NATIONAL_SCOPE) ? sql`TRUE` : sql`(o.region_code IS NOT NULL AND ${inScope(sql`o.region_code`, ctx.actor.scopes)})`;
  const rows = await findDeliveries(deps.handle.db, { status: query.status, regionCondition, after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((d) => ({
      key: d.idempotencyKey,
      outboxId: d.outboxId,
      topic: d.topic,
      regionCode: d.regionCode,
      channel: d.channel as TDelivery['channel'],
      target: d.target,
      status: d.status as TDelivery['status'],
      attempts: d.attempts,
      lastError: d.lastError,
      nextAttemptAt: d.status === 'pending' ? d.availableAt.toISOString() : null,
      sentAt: d.sentAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.updatedAt.toISOString(), last.idempotencyKey]) : null,
  };
}

/** Put a dead delivery back in the queue (after the receiver is fixed). */
export async function retryDelivery(deps: WebhooksDeps, ctx: RequestContext, key: string): Promise<void> {
  requireManager(ctx);
  const visible = await listDeliveryRegion(deps, key);
  if (!visible || !(ctx.actor.scopes.includes(NATIONAL_SCOPE) || (visible.regionCode && isInScope(visible.regionCode, ctx.actor.scopes)))) throw new AppError('not_found', `delivery ${key}`);
  const ok = await requeueDelivery(deps.handle.db, key, ctx.now);
  if (!ok) throw new AppError('conflict', `delivery ${key} is not dead`);
  await insertAudit(deps.handle.db, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'delivery.retry', entity: 'delivery', entityId: key, regionCode: visible.regionCode, ip: ctx.ip });
}

async function listDeliveryRegion(deps: WebhooksDeps, key: string): Promise<{ regionCode: string | null } | null> {
  const rows = await deps.handle.query<{ region_code: string | null }>(
    'SELECT o.region_code FROM outbox_deliveries d JOIN outbox o ON o.province_code = d.province_code AND o.id = d.outbox_id WHERE d.idempotency_key = $1 LIMIT 1',
    [key],
  );
  return rows[0] ? { regionCode: rows[0].region_code } : null;
}
