import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  MAX_FUTURE_SKEW_MS,
  ZInboundMessage,
  can,
  draftTitleFromText,
  isInScope,
  parseWhatsAppWebhook,
  type TInboundMessage,
} from '@sinergi/domain';
import { z } from 'zod';
import { insertAudit } from '../db/repositories/audit.js';
import {
  findInboundChannel,
  findInboundChannels,
  findStoredExternalIds,
  insertInboundChannel,
  insertInboundMessages,
  type InboundChannelRow,
} from '../db/repositories/inbound.js';
import { AppError } from '../errors.js';
import type { RequestContext } from './context.js';
import { createDraftReport, type ReportsDeps } from './reports.service.js';

export const INBOUND_CHANNEL_KINDS = ['whatsapp', 'json'] as const;
export type TInboundChannelKind = (typeof INBOUND_CHANNEL_KINDS)[number];

/** POST /api/inbound-channels body. */
export const ZInboundChannelCreate = z.strictObject({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{2,63}$/, { message: 'channel.id_invalid' }),
  name: z.string().trim().min(3).max(200),
  kind: z.enum(INBOUND_CHANNEL_KINDS),
  regionCode: z.string().trim().describe('the regency/city the gateway serves, e.g. 33.10'),
  secret: z.string().min(16, { message: 'channel.secret_short' }).max(512).describe('HMAC key of the signature header (WhatsApp: the Meta app secret)'),
  verifyToken: z.string().min(8).max(512).optional().describe('WhatsApp: the verify token of the webhook subscription'),
});
export type TInboundChannelCreate = z.infer<typeof ZInboundChannelCreate>;

/** A channel as the API shows it: never its secret or verify token. */
export const ZInboundChannel = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(INBOUND_CHANNEL_KINDS),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  hasVerifyToken: z.boolean(),
  webhookPath: z.string(),
  createdAt: z.string(),
});
export type TInboundChannel = z.infer<typeof ZInboundChannel>;

/** What a webhook call answers: how many messages came, were stored, or were already stored. */
export const ZInboundResult = z.object({
  received: z.number().int(),
  stored: z.number().int(),
  duplicates: z.number().int(),
  skipped: z.number().int().describe('WhatsApp entries that are not text messages (status callbacks, media)'),
});
export type TInboundResult = z.infer<typeof ZInboundResult>;

/** The plain JSON gateway body: one message or a batch. */
const ZInboundBatchArray = z.array(ZInboundMessage).min(1, { message: 'inbound.empty' }).max(500);
export const ZInboundBatch = z.union([ZInboundMessage, ZInboundBatchArray]);

export interface InboundDeps extends ReportsDeps {}

function presentChannel(deps: Pick<ReportsDeps, 'regions'>, row: InboundChannelRow): TInboundChannel {
  const kind = row.kind as TInboundChannelKind;
  return {
    id: row.id,
    name: row.name,
    kind,
    regionCode: row.regionCode,
    regionName: deps.regions.nameOf(row.regionCode),
    hasVerifyToken: row.verifyToken !== null,
    webhookPath: kind === 'whatsapp' ? `/api/inbound/${row.id}/whatsapp` : `/api/inbound/${row.id}`,
    createdAt: row.createdAt.toISOString(),
  };
}

/** An administrator registers a gateway for a regency/city in their scope. */
export async function createInboundChannel(deps: InboundDeps, ctx: RequestContext, input: TInboundChannelCreate): Promise<TInboundChannel> {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot manage channels`);
  if (!deps.regions.has(input.regionCode)) throw new AppError('validation', 'unknown region', { fields: [{ path: 'regionCode', message: 'region.unknown' }] });
  if (deps.regions.levelOf(input.regionCode) !== 'regency') throw new AppError('validation', 'not a regency', { fields: [{ path: 'regionCode', message: 'channel.region_level' }] });
  if (!isInScope(input.regionCode, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${input.regionCode}`, { fields: [{ path: 'regionCode', message: 'region.out_of_scope' }] });
  if (input.kind === 'whatsapp' && !input.verifyToken) {
    throw new AppError('validation', 'whatsapp needs a verify token', {
      fields: [{ path: 'verifyToken', message: 'verifyToken: wajib untuk kanal WhatsApp / required for a WhatsApp channel' }],
    });
  }
  const row = await deps.handle.db.transaction(async (tx) => {
    const inserted = await insertInboundChannel(tx, {
      id: input.id,
      name: input.name,
      kind: input.kind,
      regionCode: input.regionCode,
      secret: input.secret,
      verifyToken: input.verifyToken ?? null,
      createdAt: ctx.now,
    });
    if (!inserted) throw new AppError('duplicate', `channel ${input.id} exists`, { fields: [{ path: 'id', message: 'id: sudah dipakai / already taken' }] });
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'inbound_channel.create',
      entity: 'inbound_channel',
      entityId: input.id,
      regionCode: input.regionCode,
      after: { name: input.name, kind: input.kind, regionCode: input.regionCode },
      ip: ctx.ip,
    });
    return (await findInboundChannel(tx, input.id))!;
  });
  return presentChannel(deps, row);
}

/** The channels in the administrator's scope, without secrets. */
export async function listInboundChannels(deps: InboundDeps, ctx: RequestContext): Promise<TInboundChannel[]> {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot manage channels`);
  return (await findInboundChannels(deps.handle.db, ctx.actor.scopes)).map((row) => presentChannel(deps, row));
}

async function channelOfKind(deps: InboundDeps, channelId: string, kind: TInboundChannelKind): Promise<InboundChannelRow> {
  const channel = await findInboundChannel(deps.handle.db, channelId);
  // a channel of the other kind is not found at this address either
  if (!channel || channel.kind !== kind) throw new AppError('not_found', `inbound channel ${channelId} (${kind})`);
  return channel;
}

function isSameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Check `sha256=<hex>` against the HMAC-SHA256 of the raw body under the channel secret. */
function checkSignature(channel: InboundChannelRow, raw: Buffer, header: string | undefined): void {
  const hex = header?.trim().match(/^sha256=([0-9a-fA-F]{64})$/)?.[1];
  const expected = createHmac('sha256', channel.secret).update(raw).digest();
  if (!hex || !isSameBytes(Buffer.from(hex, 'hex'), expected)) {
    throw new AppError('unauthenticated', `bad signature on channel ${channel.id}`, {
      userMessage: { id: 'Tanda tangan pesan tidak valid.', en: 'Invalid message signature.' },
    });
  }
}

/** Meta's webhook verification: echo hub.challenge when the mode and the verify token match. */
export async function verifyWhatsAppSubscription(
  deps: InboundDeps,
  channelId: string,
  query: { mode?: string | undefined; verifyToken?: string | undefined; challenge?: string | undefined },
): Promise<string> {
  const channel = await channelOfKind(deps, channelId, 'whatsapp');
  const token = query.verifyToken ?? '';
  if (query.mode !== 'subscribe' || !channel.verifyToken || !isSameBytes(Buffer.from(token), Buffer.from(channel.verifyToken)) || !query.challenge) {
    throw new AppError('forbidden', `whatsapp verification refused on ${channelId}`);
  }
  return query.challenge;
}

/** A stable report id per (channel, message id): a retry after a partial failure finds its draft again. */
function draftIdOf(channelId: string, externalId: string): string {
  const h = createHash('sha256').update(`inbound:${channelId}:${externalId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function malformed(fields: { path: string; message: string }[], internal: string): AppError {
  return new AppError('validation', internal, { fields });
}

/**
 * A gateway delivers messages: verify the signature over the raw bytes, parse, then store each
 * message once per (channel, message id) with its draft report in the channel's regency. The
 * sender stays in inbound_messages; the report carries only the text.
 */
export async function receiveInbound(
  deps: InboundDeps,
  input: { channelId: string; kind: TInboundChannelKind; raw: Buffer; signature: string | undefined; now: Date; ip: string | null },
): Promise<TInboundResult> {
  const channel = await channelOfKind(deps, input.channelId, input.kind);
  checkSignature(channel, input.raw, input.signature);
  let payload: unknown;
  try {
    payload = JSON.parse(input.raw.toString('utf8'));
  } catch {
    throw malformed([{ path: 'body', message: 'body: JSON tidak valid / malformed JSON' }], 'malformed json');
  }
  let messages: TInboundMessage[];
  let skipped = 0;
  if (input.kind === 'whatsapp') {
    const parsed = parseWhatsAppWebhook(payload);
    if (!parsed) throw malformed([{ path: 'entry', message: 'entry: bukan format webhook WhatsApp Cloud API / not a WhatsApp Cloud API webhook' }], 'not a whatsapp webhook');
    messages = parsed.messages;
    skipped = parsed.skipped;
  } else {
    // judged as the shape it claims to be, so the errors name the fields (a union would not)
    const parsed = (Array.isArray(payload) ? ZInboundBatchArray : ZInboundMessage).safeParse(payload);
    if (!parsed.success) {
      throw malformed(
        parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || 'body', message: i.message })),
        'malformed inbound message',
      );
    }
    messages = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  }
  // one message per external id within the call as well
  const unique = [...new Map(messages.map((m) => [m.messageId, m])).values()];
  const known = await findStoredExternalIds(deps.handle.db, channel.id, unique.map((m) => m.messageId));
  const fresh = unique.filter((m) => !known.has(m.messageId));
  const latest = input.now.getTime() + MAX_FUTURE_SKEW_MS;
  const drafts = await Promise.all(
    fresh.map((m) => {
      const occurredAt = Date.parse(m.receivedAt) > latest ? input.now.toISOString() : m.receivedAt;
      return createDraftReport(
        deps,
        { id: draftIdOf(channel.id, m.messageId), regionCode: channel.regionCode, title: draftTitleFromText(m.text), description: m.text, occurredAt },
        { now: input.now, ip: input.ip },
      ).then((written) => ({ message: m, reportId: written.row.id, receivedAt: new Date(occurredAt) }));
    }),
  );
  const inserted = await insertInboundMessages(
    deps.handle.db,
    drafts.map((d) => ({
      id: randomUUID(),
      channelId: channel.id,
      externalId: d.message.messageId,
      sender: d.message.from,
      text: d.message.text,
      receivedAt: d.receivedAt,
      reportId: d.reportId,
      provinceCode: channel.regionCode.slice(0, 2),
      createdAt: input.now,
    })),
  );
  return { received: messages.length, stored: inserted.length, duplicates: messages.length - inserted.length, skipped };
}
