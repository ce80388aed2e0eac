import { z } from 'zod';

/**
 * Messages from WhatsApp, SMS or Telegram gateways. Each becomes a draft report (status draft,
 * source inbound_message) that a desk structures (category, place) before it counts.
 */
export const INBOUND_CHANNELS = ['sms', 'telegram', 'whatsapp'] as const;
/** A message channel. */
export type TInboundChannel = (typeof INBOUND_CHANNELS)[number];

/** POST /api/inbound: the plain JSON gateway format. messageId is the gateway's, so a retry is stored once. */
export const ZInboundMessage = z.strictObject({
  from: z.string().trim().min(3).max(64).describe('sender: phone number (E.164 preferred) or chat id'),
  text: z.string().trim().min(1).max(5000),
  receivedAt: z.iso.datetime({ offset: true, message: 'time.iso_offset' }),
  messageId: z.string().trim().min(1).max(200),
  channel: z.enum(INBOUND_CHANNELS, { message: 'inbound.channel_unknown' }),
});
/** A normalised inbound message. */
export type TInboundMessage = z.infer<typeof ZInboundMessage>;

/**
 * The part of a WhatsApp Business Cloud API webhook we read: entry[].changes[].value.messages[].
 * Loose objects, because Meta adds fields (contacts, metadata, statuses) we do not need.
 */
export const ZWhatsAppWebhook = z.looseObject({
  object: z.string().optional(),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          value: z.looseObject({
            messages: z
              .array(
                z.looseObject({
                  from: z.string(),
                  id: z.string(),
                  timestamp: z.string().regex(/^\d+$/),
                  type: z.string(),
                  text: z.looseObject({ body: z.string() }).optional(),
                }),
              )
              .optional(),
          }),
        }),
      ),
    }),
  ),
});

/**
 * Normalise a WhatsApp Cloud API webhook payload into inbound messages. Only text messages are
 * taken; status callbacks, media and interactive replies are skipped (counted in `skipped`). The
 * sender gets a leading `+` (Meta sends E.164 digits without it); timestamps are Unix seconds.
 * Returns null when the payload is not of that shape.
 */
export function parseWhatsAppWebhook(payload: unknown): { messages: TInboundMessage[]; skipped: number } | null {
  const parsed = ZWhatsAppWebhook.safeParse(payload);
  if (!parsed.success) return null;
  const messages: TInboundMessage[] = [];
  let skipped = 0;
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      for (const m of change.value.messages ?? []) {
        const text = m.type === 'text' ? m.text?.body.trim() : undefined;
        if (!text) {
          skipped++;
          continue;
        }
        messages.push({
          from: m.from.startsWith('+') ? m.from : `+${m.from}`,
          text: text.slice(0, 5000),
          receivedAt: new Date(Number(m.timestamp) * 1000).toISOString(),
          messageId: m.id,
          channel: 'whatsapp',
        });
      }
    }
  }
  return { messages, skipped };
}

/** Title of the draft made from a message: its first line, cut at a word boundary to ≤ 80 characters. */
export function draftTitleFromText(text: string): string {
  const firstLine = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  if (firstLine.length <= 80) return firstLine.length >= 3 ? firstLine : `Pesan masuk: ${firstLine}`.trim();
  const cut = firstLine.slice(0, 79);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}
