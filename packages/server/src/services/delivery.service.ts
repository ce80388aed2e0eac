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
  findActiveWebhooks,
  findUsersCoveringAny,
  findWebhook,
  insertDeliveries,
  insertNotificationsFromOutbox,
  markDeliveryFailed,
  markDeliverySent,
  type ClaimedDelivery,
  type NewDeliveryRow,
  type OutboxRow,
  type RecipientUser,
  type WebhookRow,
} from '../db/repositories/delivery.js';
import { organisations } from '../db/schema.js';
import type { RegionStore } from '../regions/region-store.js';
import { toTextArray } from '../db/repositories/scope.js';
import { formatOutboxNotices, streamEventOf } from './live-events.js';
import { describeNotice, noticeTopic, webhookAttachmentOf } from './notice-topics.js';
import { inArray } from 'drizzle-orm';

/** The database channel every instance LISTENs on for "these users have new notifications". */
export const NOTIFICATION_CHANNEL = 'sinergi_notification';
/** The channel outbox rows are announced on as the dispatcher claims them (announceOutboxRows). */
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
 * The people the recipient entries of a fan-out pass name, resolved together into `cache`
 * (entry → users) with at most three queries whatever the number of entries:
 * `village|district|regency|province:CODE` → active users of that level's desk role (village:
 * field officers) whose scope holds CODE; `org:ID` → that desk's pillar users of its level whose
 * scope holds its region; `user:UUID` → that user. `email:ADDRESS` names no user (e-mail only).
 */
async function resolveRecipients(ex: Executor, entries: Iterable<string>, cache: Map<string, RecipientUser[]>): Promise<void> {
  const wanted: { entry: string; role: TRole; chain: string[]; pillarCode?: string }[] = [];
  const orgEntries = new Map<string, string>();
  const userEntries = new Map<string, string>();
  const seen = new Set<string>();
  for (const entry of entries) {
    if (cache.has(entry) || seen.has(entry) || entry.startsWith('email:')) continue;
    seen.add(entry);
    const colon = entry.indexOf(':');
    const kind = colon > 0 ? entry.slice(0, colon) : '';
    const value = colon > 0 ? entry.slice(colon + 1) : '';
    if (DESK_ROLE[kind]) wanted.push({ entry, role: DESK_ROLE[kind], chain: regionChain(value) });
    else if (kind === 'org') orgEntries.set(entry, value);
    else if (kind === 'user' && /^[0-9a-f-]{36}$/i.test(value)) userEntries.set(entry, value);
  }
  // what the queries below find is added at the end, so a failed pass leaves no half-filled cache
  const found = new Map<string, RecipientUser[]>([...seen].map((entry) => [entry, []]));
  if (orgEntries.size > 0) {
    const orgs = new Map((await ex.select().from(organisations).where(inArray(organisations.id, [...new Set(orgEntries.values())]))).map((o) => [o.id, o]));
    for (const [entry, id] of orgEntries) {
      const org = orgs.get(id);
      const role = org ? DESK_ROLE[regionLevelOf(org.regionCode)] : undefined;
      if (org && role) wanted.push({ entry, role, chain: regionChain(org.regionCode), pillarCode: org.pillarCode });
    }
  }
  if (wanted.length > 0) {
    const candidates = await findUsersCoveringAny(ex, {
      roles: [...new Set(wanted.map((w) => w.role))],
      codes: [...new Set(wanted.flatMap((w) => w.chain))],
    });
    for (const w of wanted) {
      const chain = new Set(w.chain);
      found.set(
        w.entry,
        candidates
          .filter((u) => u.role === w.role && (!w.pillarCode || u.pillarCode === w.pillarCode) && u.scopes.some((scope) => chain.has(scope)))
          .map(({ id, username, email }) => ({ id, username, email })),
      );
    }
  }
  if (userEntries.size > 0) {
    const byId = new Map((await findActiveUsersByIds(ex, [...new Set(userEntries.values())])).map((u) => [u.id, u]));
    for (const [entry, id] of userEntries) {
      const user = byId.get(id);
      found.set(entry, user ? [user] : []);
    }
  }
  for (const [entry, people] of found) cache.set(entry, people);
}

/** What one fan-out pass reuses across its rows: resolved recipients and the active webhook subscriptions. */
interface FanOutCache {
  recipients: Map<string, RecipientUser[]>;
  webhooks: WebhookRow[] | null;
}

const newFanOutCache = (): FanOutCache => ({ recipients: new Map(), webhooks: null });

/**
 * Fan outbox rows out, in the caller's transaction, with a constant number of statements
 * whatever the number of rows: in-app notifications for every user recipient (not the actor),
 * an e-mail delivery per distinct address when the topic e-mails and SMTP is configured, a
 * webhook delivery per matching subscription, then the rows marked fanned out and one
 * pg_notify per topic naming the users with something new.
 */
async function fanOutRows(deps: DeliveryDeps, ex: Executor, rows: OutboxRow[], now: Date, cache: FanOutCache): Promise<void> {
  const notices: { provinceCode: string; outboxId: number; userId: string }[] = [];
  const deliveries: NewDeliveryRow[] = [];
  await resolveRecipients(ex, rows.flatMap((r) => r.recipients), cache.recipients);
  for (const row of rows) {
    const people = new Map<string, RecipientUser>();
    const addresses = new Set<string>();
    for (const entry of row.recipients) {
      if (entry.startsWith('email:')) {
        const address = entry.slice(6).trim().toLowerCase();
        if (address.includes('@')) addresses.add(address);
        continue;
      }
      for (const user of cache.recipients.get(entry) ?? []) people.set(user.id, user);
    }
    // the person who caused the notice is not told about it
    const actor = typeof row.payload.by === 'string' ? row.payload.by : null;
    for (const [id, user] of people) if (actor && user.username === actor) people.delete(id);
    for (const user of people.values()) notices.push({ provinceCode: row.provinceCode, outboxId: row.id, userId: user.id });

    const definition = noticeTopic(row.topic);
    const emails = new Set<string>();
    if (deps.mailer && definition?.email(row.payload)) {
      for (const user of people.values()) if (user.email) emails.add(user.email.trim().toLowerCase());
      for (const address of addresses) emails.add(address);
    }
    let webhooks: string[] = [];
    if (!definition?.webhook || definition.webhook(row.payload)) {
      cache.webhooks ??= await findActiveWebhooks(ex);
      const chain = new Set(regionChain(row.regionCode));
      webhooks = cache.webhooks.filter((w) => w.topics.includes(row.topic) && chain.has(w.regionScope)).map((w) => w.id);
    }
    for (const d of [...[...emails].map((target) => ({ channel: 'email', target })), ...webhooks.map((target) => ({ channel: 'webhook', target }))]) {
      deliveries.push({
        provinceCode: row.provinceCode,
        outboxId: row.id,
        channel: d.channel,
        target: d.target,
        idempotencyKey: idempotencyKeyOf(row.provinceCode, row.id, d.channel, d.target),
        availableAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
  }
  const newlyNotified = await insertNotificationsFromOutbox(ex, notices);
  await insertDeliveries(ex, deliveries);
  // tell every instance's live streams which users have something new (after commit)
  const byTopic = new Map<string, Set<string>>();
  for (const n of newlyNotified) {
    const users = byTopic.get(n.topic) ?? new Set<string>();
    users.add(n.userId);
    byTopic.set(n.topic, users);
  }
  for (const [topic, set] of byTopic) {
    const users = [...set];
    for (let i = 0; i < users.length; i += 150) {
      await ex.execute(sql`SELECT pg_notify(${NOTIFICATION_CHANNEL}, ${JSON.stringify({ u: users.slice(i, i + 150), t: topic })})`);
    }
  }
}

/**
 * Announce claimed outbox rows to every instance's live streams (LISTEN on OUTBOX_CHANNEL), in
 * the transaction that claims them: the announcement goes out when the claim commits, once per
 * row (a row back for another attempt was announced by its first claim). Announcing here and
 * not in the outbox trigger keeps NOTIFY, whose commit holds a lock for the whole database
 * while it is flushed, out of the transactions that write reports (migration 0017).
 */
async function announceOutboxRows(ex: Executor, rows: readonly OutboxRow[]): Promise<void> {
  const fresh = rows.filter((r) => r.attempts === 0).sort((a, b) => a.id - b.id);
  if (fresh.length === 0) return;
  const notices = formatOutboxNotices(fresh.map(streamEventOf));
  await ex.execute(sql`SELECT count(pg_notify(${OUTBOX_CHANNEL}, notice)) FROM unnest(${toTextArray(notices)}) AS notice`);
}

/**
 * Fan out the outbox rows due at `now`, a batch per transaction. Rows are claimed with
 * SKIP LOCKED, so instances sharing a database split the work. A batch is fanned out in one
 * savepoint; if that fails, its rows are retried one savepoint each, and a row that fails on
 * its own is retried later with back-off (its error recorded) without holding up the others.
 */
export async function fanOutDue(deps: DeliveryDeps, now: Date, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const cache = newFanOutCache();
    const failed: { row: OutboxRow; error: string }[] = [];
    const count = await deps.handle.db.transaction(async (tx) => {
      const rows = await claimOutboxRows(tx, now, batchSize);
      if (rows.length === 0) return 0;
      await announceOutboxRows(tx, rows);
      try {
        await tx.transaction((savepoint) => fanOutRows(deps, savepoint, rows, now, cache));
      } catch {
        for (const row of rows) {
          try {
            await tx.transaction((savepoint) => fanOutRows(deps, savepoint, [row], now, cache));
          } catch (error) {
            failed.push({ row, error: (error as Error).message });
          }
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

