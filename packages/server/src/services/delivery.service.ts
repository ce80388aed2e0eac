import { createHash, createHmac } from 'node:crypto';
import { NATIONAL_SCOPE, parentCodeOf, regionLevelOf, type TRole } from '@sinergi/domain';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppConfig } from '../config.js';
import type { DbHandle, Executor } from '../db/client.js';
import { sql } from '../db/client.js';
import {
  claimDueDeliveries,
  claimOutboxRows,
  deferOutboxRow,
  findActiveUsersByIds,
  findSubscribedWebhooks,
  findUsersCovering,
  findWebhook,
  insertDeliveries,
  insertNotifications,
  markDeliveryFailed,
  markDeliverySent,
  markOutboxFannedOut,
  type ClaimedDelivery,
  type NewDeliveryRow,
  type OutboxRow,
  type RecipientUser,
} from '../db/repositories/delivery.js';
import { organisations } from '../db/schema.js';
import type { RegionStore } from '../regions/region-store.js';
import { describeNotice, noticeTopic, webhookAttachmentOf } from './notice-topics.js';
import { eq } from 'drizzle-orm';

/** The database channel every instance LISTENs on for "these users have new notifications". */
export const NOTIFICATION_CHANNEL = 'sinergi_notification';
/** The channel the outbox trigger announces committed rows on (migration 0007). */
export const OUTBOX_CHANNEL = 'sinergi_outbox';

export interface DeliveryDeps {
  handle: DbHandle;
  regions: RegionStore;
  config: AppConfig;
  /** The SMTP transport; null = e-mail off (no SINERGI_SMTP_URL). */
  mailer: Transporter | null;
}

/** The SMTP transport of the configuration, or null when e-mail is not configured. */
export function createMailer(config: AppConfig): Transporter | null {
  if (!config.delivery.smtpUrl) return null;
  return nodemailer.createTransport(config.delivery.smtpUrl, { from: config.delivery.smtpFrom });
}

/** The region itself and every ancestor, plus `*`: a scope holds the region when it is one of these. */
export function regionChain(regionCode: string | null): string[] {
  const chain = [NATIONAL_SCOPE];
  let code = regionCode;
  while (code) {
    chain.push(code);
    code = parentCodeOf(code);
  }
  return chain;
}

const DESK_ROLE: Record<string, TRole> = { village: 'field_officer', district: 'district_desk', regency: 'regency_desk', province: 'province_desk' };

/** Stable per (outbox row, channel, target): a re-send after a crash carries the same key. */
export function idempotencyKeyOf(provinceCode: string, outboxId: number, channel: string, target: string): string {
  const digest = createHash('sha256').update(`sinergi-outbox:${provinceCode}:${outboxId}:${channel}:${target}`).digest('hex');
  return `sng_${digest.slice(0, 40)}`;
}

/**
 * Wait before attempt n+1 after n failed attempts: base · 2^(n−1) seconds, at most 6 hours.
 * No jitter: deliveries of one row go to different receivers, and tests pin the schedule.
 */
export function backoffMs(failedAttempts: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 1000 * 2 ** Math.max(0, failedAttempts - 1), 6 * 3600_000);
}

/**
 * The people a recipient entry names:
 * `village|district|regency|province:CODE` → active users of that level's desk role (village:
 * field officers) whose scope holds CODE; `org:ID` → that desk's pillar users of its level whose
 * scope holds its region; `user:UUID` → that user. `email:ADDRESS` names no user (e-mail only).
 */
async function resolveRecipientUsers(ex: Executor, entry: string, cache: Map<string, RecipientUser[]>): Promise<RecipientUser[]> {
  const cached = cache.get(entry);
  if (cached) return cached;
  const colon = entry.indexOf(':');
  const kind = colon > 0 ? entry.slice(0, colon) : '';
  const value = colon > 0 ? entry.slice(colon + 1) : '';
  let found: RecipientUser[] = [];
  if (DESK_ROLE[kind]) {
    found = await findUsersCovering(ex, { role: DESK_ROLE[kind], chain: regionChain(value) });
  } else if (kind === 'org') {
    const [org] = await ex.select().from(organisations).where(eq(organisations.id, value)).limit(1);
    if (org) {
      const role = DESK_ROLE[regionLevelOf(org.regionCode)];
      if (role) found = await findUsersCovering(ex, { role, chain: regionChain(org.regionCode), pillarCode: org.pillarCode });
    }
  } else if (kind === 'user' && /^[0-9a-f-]{36}$/i.test(value)) {
    found = await findActiveUsersByIds(ex, [value]);
  }
  cache.set(entry, found);
  return found;
}

/** What fanning one outbox row out produced. */
export interface FanOut {
  users: string[];
  emails: string[];
  webhooks: string[];
}

/**
 * Fan one outbox row out, in the caller's transaction: in-app notifications for every user
 * recipient (not the actor), an e-mail delivery per distinct address when the topic e-mails
 * and SMTP is configured, a webhook delivery per matching subscription.
 */
async function fanOutRow(deps: DeliveryDeps, ex: Executor, row: OutboxRow, now: Date, cache: Map<string, RecipientUser[]>): Promise<FanOut> {
  const people = new Map<string, RecipientUser>();
  const addresses = new Set<string>();
  for (const entry of row.recipients) {
    if (entry.startsWith('email:')) {
      const address = entry.slice(6).trim().toLowerCase();
      if (address.includes('@')) addresses.add(address);
      continue;
    }
    for (const user of await resolveRecipientUsers(ex, entry, cache)) people.set(user.id, user);
  }
  // the person who caused the notice is not told about it
  const actor = typeof row.payload.by === 'string' ? row.payload.by : null;
  for (const [id, user] of people) if (actor && user.username === actor) people.delete(id);

  const newlyNotified = await insertNotifications(
    ex,
    [...people.values()].map((user) => ({ provinceCode: row.provinceCode, userId: user.id, outboxId: row.id, topic: row.topic, regionCode: row.regionCode, payload: row.payload, createdAt: row.createdAt })),
  );
  const definition = noticeTopic(row.topic);
  const emails = new Set<string>();
  if (deps.mailer && definition?.email(row.payload)) {
    for (const user of people.values()) if (user.email) emails.add(user.email.trim().toLowerCase());
    for (const address of addresses) emails.add(address);
  }
  const webhooks = definition?.webhook && !definition.webhook(row.payload) ? [] : (await findSubscribedWebhooks(ex, row.topic, regionChain(row.regionCode))).map((w) => w.id);
  const deliveries: NewDeliveryRow[] = [
    ...[...emails].map((target) => ({ channel: 'email', target })),
    ...webhooks.map((target) => ({ channel: 'webhook', target })),
  ].map((d) => ({
    provinceCode: row.provinceCode,
    outboxId: row.id,
    channel: d.channel,
    target: d.target,
    idempotencyKey: idempotencyKeyOf(row.provinceCode, row.id, d.channel, d.target),
    availableAt: now,
    createdAt: now,
    updatedAt: now,
  }));
  await insertDeliveries(ex, deliveries);
  // tell every instance's live streams which users have something new (after commit)
  for (let i = 0; i < newlyNotified.length; i += 150) {
    await ex.execute(sql`SELECT pg_notify(${NOTIFICATION_CHANNEL}, ${JSON.stringify({ u: newlyNotified.slice(i, i + 150), t: row.topic })})`);
  }
  return { users: newlyNotified, emails: [...emails], webhooks };
}

/**
 * Fan out the outbox rows due at `now`, a batch per transaction. Rows are claimed with
 * SKIP LOCKED, so instances sharing a database split the work. A row whose fan-out fails is
 * retried later with back-off (its error recorded) without holding up the others.
 */
export async function fanOutDue(deps: DeliveryDeps, now: Date, batchSize = 100): Promise<number> {
  let total = 0;
  for (;;) {
    const cache = new Map<string, RecipientUser[]>();
    const failed: { row: OutboxRow; error: string }[] = [];
    const count = await deps.handle.db.transaction(async (tx) => {
      const rows = await claimOutboxRows(tx, now, batchSize);
      for (const row of rows) {
        try {
          await tx.transaction(async (savepoint) => {
            await fanOutRow(deps, savepoint, row, now, cache);
            await markOutboxFannedOut(savepoint, row, now);
          });
        } catch (error) {
          failed.push({ row, error: (error as Error).message });
        }
      }
      for (const f of failed) await deferOutboxRow(tx, f.row, new Date(now.getTime() + backoffMs(f.row.attempts + 1, deps.config.delivery.backoffSeconds)), f.error);
      return rows.length;
    });
    total += count;
    if (count < batchSize) return total;
  }
}

/** The JSON body a webhook receives; `extra` is what the topic attaches (e.g. `cap` for alerts). */
export function webhookBody(d: ClaimedDelivery, regions: RegionStore, extra: Record<string, unknown> | null = null): string {
  const regionName = d.regionCode ? regions.nameOf(d.regionCode) : null;
  return JSON.stringify({
    ...extra,
    id: d.idempotencyKey,
    topic: d.topic,
    outboxId: d.outboxId,
    provinceCode: d.provinceCode,
    regionCode: d.regionCode,
    regionName,
    createdAt: d.outboxCreatedAt.toISOString(),
    message: { id: describeNotice(d.topic, d.payload, { regionName, lang: 'id' }), en: describeNotice(d.topic, d.payload, { regionName, lang: 'en' }) },
    payload: d.payload,
  });
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (docs/api.md shows how to verify). */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

class PermanentFailure extends Error {}

async function sendWebhook(deps: DeliveryDeps, d: ClaimedDelivery, now: Date): Promise<void> {
  const subscription = await findWebhook(deps.handle.db, d.target);
  if (!subscription || !subscription.active) throw new PermanentFailure('subscription deleted or inactive');
  const attach = webhookAttachmentOf(d.topic);
  const extra = attach ? await attach(d.payload, { handle: deps.handle, regions: deps.regions, publicUrl: deps.config.delivery.publicUrl }) : null;
  const body = webhookBody(d, deps.regions, extra);
  const response = await fetch(subscription.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': `Sinergi-Webhook/${deps.config.version}`,
      'idempotency-key': d.idempotencyKey,
      'x-sinergi-topic': d.topic,
      'x-sinergi-attempt': String(d.attempts),
      'x-sinergi-signature': signWebhook(subscription.secret, body, now),
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(deps.config.delivery.webhookTimeoutMs),
  });
  // the body is not needed; drain it so the connection is reused
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
}

async function sendEmail(deps: DeliveryDeps, d: ClaimedDelivery): Promise<void> {
  if (!deps.mailer) throw new Error('e-mail is not configured (SINERGI_SMTP_URL)');
  const regionName = d.regionCode ? deps.regions.nameOf(d.regionCode) : null;
  const id = describeNotice(d.topic, d.payload, { regionName, lang: 'id' });
  const en = describeNotice(d.topic, d.payload, { regionName, lang: 'en' });
  const path = noticeTopic(d.topic)?.link?.(d.payload) ?? null;
  const link = path && deps.config.delivery.publicUrl ? `\n\n${deps.config.delivery.publicUrl}${path}` : '';
  await deps.mailer.sendMail({
    from: deps.config.delivery.smtpFrom,
    to: d.target,
    subject: `[Sinergi] ${id}`,
    text: `${id}${link}\n\n— ${en}\n\nPesan otomatis dari Sinergi. / Automatic message from Sinergi.`,
    // the same Message-ID on a re-send lets mail systems drop the duplicate
    messageId: `<${d.idempotencyKey}@sinergi>`,
    headers: { 'Idempotency-Key': d.idempotencyKey, 'X-Sinergi-Topic': d.topic },
  });
}

export interface SendResult {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Send the deliveries due at `now` (claimed in a short transaction, sent outside it, a few at
 * a time), then record each outcome: sent, retry after back-off, or dead after the last attempt.
 */
export async function sendDueDeliveries(deps: DeliveryDeps, now: Date, options: { batchSize?: number; concurrency?: number } = {}): Promise<SendResult> {
  const { maxAttempts, backoffSeconds, webhookTimeoutMs } = deps.config.delivery;
  const leaseUntil = new Date(now.getTime() + 2 * webhookTimeoutMs + 30_000);
  const claimed = await deps.handle.db.transaction((tx) => claimDueDeliveries(tx, now, leaseUntil, options.batchSize ?? 50));
  const result: SendResult = { sent: 0, retried: 0, dead: 0 };
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const d = claimed[next++]!;
      try {
        if (d.channel === 'webhook') await sendWebhook(deps, d, now);
        else if (d.channel === 'email') await sendEmail(deps, d);
        else throw new PermanentFailure(`unknown channel ${d.channel}`);
        await markDeliverySent(deps.handle.db, d, now);
        result.sent += 1;
      } catch (error) {
        const permanent = error instanceof PermanentFailure || d.attempts >= maxAttempts;
        const message = (error as Error).name === 'TimeoutError' ? `timeout after ${webhookTimeoutMs} ms` : (error as Error).message;
        await markDeliveryFailed(deps.handle.db, d, now, permanent ? null : new Date(now.getTime() + backoffMs(d.attempts, backoffSeconds)), message);
        if (permanent) result.dead += 1;
        else result.retried += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, claimed.length) }, worker));
  return result;
}

/** One dispatcher pass: fan out what is due, then send what is due. */
export async function dispatchOnce(deps: DeliveryDeps, now: Date): Promise<{ fannedOut: number } & SendResult> {
  const fannedOut = await fanOutDue(deps, now);
  const sent = await sendDueDeliveries(deps, now);
  return { fannedOut, ...sent };
}

