import { z } from 'zod';
import { listOf } from './pagination.js';
import { NATIONAL_SCOPE, isRegionCodeShape } from './regions.js';

/** Channels a notice can travel by (in-app is written at fan-out; the others are deliveries). */
export const DELIVERY_CHANNELS = ['email', 'webhook'] as const;
export type TDeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DELIVERY_STATUSES = ['pending', 'sent', 'dead'] as const;
export type TDeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One in-app notification as the bell shows it; `message` is in the caller's language. */
export const ZNotification = z.object({
  id: z.string().describe('opaque; pass to POST /api/notifications/read'),
  topic: z.string(),
  regionCode: z.string().nullable(),
  regionName: z.string().nullable(),
  message: z.string(),
  link: z.string().nullable().describe('path in the web app, e.g. /laporan/ID'),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  read: z.boolean(),
});
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationList = listOf(ZNotification).extend({ unread: z.number().int() });
export type TNotificationList = z.infer<typeof ZNotificationList>;

export const ZNotificationQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  unread: z.enum(['true', 'false']).optional().describe('true: only unread ones'),
});

/** POST /api/notifications/read: the ids to mark read, or all of them. */
export const ZNotificationMarkRead = z.union([
  z.strictObject({ ids: z.array(z.string().max(60)).min(1).max(200) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type TNotificationMarkRead = z.infer<typeof ZNotificationMarkRead>;

export const ZUnreadCount = z.object({ unread: z.number().int() });

const ZWebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { message: 'webhook.url_invalid' },
  );

const ZRegionScope = z
  .string()
  .trim()
  .refine((s) => s === NATIONAL_SCOPE || isRegionCodeShape(s), { message: 'region.invalid_code' });

/** POST /api/webhooks: the secret is generated when omitted and shown once in the answer. */
export const ZWebhookCreate = z.strictObject({
  name: z.string().trim().min(2).max(120),
  url: ZWebhookUrl,
  topics: z.array(z.string().trim().min(1).max(80)).min(1, { message: 'webhook.topics_required' }).max(50),
  regionScope: ZRegionScope.describe('a region code or "*" (whole country); only notices about regions inside it are sent'),
  secret: z.string().min(16, { message: 'webhook.secret_short' }).max(512).optional(),
  active: z.boolean().default(true),
});
export type TWebhookCreate = z.infer<typeof ZWebhookCreate>;

/** PATCH /api/webhooks/:id — every field optional, `version` for optimistic locking. */
export const ZWebhookUpdate = z.strictObject({
  version: z.number().int().min(1),
  name: z.string().trim().min(2).max(120).optional(),
  url: ZWebhookUrl.optional(),
  topics: z.array(z.string().trim().min(1).max(80)).min(1, { message: 'webhook.topics_required' }).max(50).optional(),
  regionScope: ZRegionScope.optional(),
  active: z.boolean().optional(),
  rotateSecret: z.boolean().optional().describe('true: generate a new secret, shown once in the answer'),
});
export type TWebhookUpdate = z.infer<typeof ZWebhookUpdate>;

/** A webhook subscription as administrators see it; `secret` only right after creation or rotation. */
export const ZWebhook = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  topics: z.array(z.string()),
  regionScope: z.string(),
  active: z.boolean(),
  secret: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  deliveries: z.object({ pending: z.number().int(), sent: z.number().int(), dead: z.number().int() }),
});
export type TWebhook = z.infer<typeof ZWebhook>;
export const ZWebhookList = z.object({ items: z.array(ZWebhook), topics: z.array(z.string()).describe('topics a subscription may name') });

/** One delivery (e-mail or webhook) as administrators see it: dead ones need attention. */
export const ZDelivery = z.object({
  key: z.string().describe('the idempotency key sent to the receiver'),
  outboxId: z.number().int(),
  topic: z.string(),
  regionCode: z.string().nullable(),
  channel: z.enum(DELIVERY_CHANNELS),
  target: z.string().describe('e-mail address or webhook subscription id'),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TDelivery = z.infer<typeof ZDelivery>;
export const ZDeliveryList = listOf(ZDelivery);
export const ZDeliveryQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * One live event on GET /api/stream (SSE `event: change`, `id:` the outbox id): small on
 * purpose — fetch the record by its id for details.
 */
export const ZStreamEvent = z.object({
  id: z.number().int(),
  topic: z.string(),
  provinceCode: z.string(),
  regionCode: z.string().nullable(),
  at: z.string().nullable(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type TStreamEvent = z.infer<typeof ZStreamEvent>;

/**
 * The webhook signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Parse it into its parts; null when malformed.
 */
export function parseSignatureHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) t = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}
