import { describe, expect, it } from 'vitest';
import { ZInboundMessage, draftTitleFromText, parseWhatsAppWebhook } from './inbound.js';

/** Shape of a WhatsApp Business Cloud API webhook (trimmed from Meta's documented example). */
const webhook = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            contacts: [{ profile: { name: 'Warga Bayat' }, wa_id: '6281234567890' }],
            messages: [
              { from: '6281234567890', id: 'wamid.A', timestamp: '1732104000', type: 'text', text: { body: '  Ada bagi-bagi amplop di balai desa Krakitan  ' } },
              { from: '6281234567890', id: 'wamid.B', timestamp: '1732104060', type: 'image', image: { id: 'img1', mime_type: 'image/jpeg' } },
              { from: '6281234567890', id: 'wamid.C', timestamp: '1732104120', type: 'text', text: { body: '   ' } },
            ],
          },
        },
        { field: 'messages', value: { messaging_product: 'whatsapp', statuses: [{ id: 'wamid.X', status: 'delivered' }] } },
      ],
    },
  ],
};

describe('parseWhatsAppWebhook', () => {
  it('normalises text messages and skips media, empty texts and status callbacks', () => {
    const result = parseWhatsAppWebhook(webhook);
    expect(result?.skipped).toBe(2);
    expect(result?.messages).toEqual([
      {
        from: '+6281234567890',
        text: 'Ada bagi-bagi amplop di balai desa Krakitan',
        receivedAt: '2024-11-20T12:00:00.000Z',
        messageId: 'wamid.A',
        channel: 'whatsapp',
      },
    ]);
    for (const m of result!.messages) expect(ZInboundMessage.safeParse(m).success).toBe(true);
  });

  it('returns null for payloads of another shape', () => {
    expect(parseWhatsAppWebhook({ hello: 'world' })).toBeNull();
    expect(parseWhatsAppWebhook(null)).toBeNull();
    expect(parseWhatsAppWebhook({ entry: [{ changes: [{ value: { messages: [{ from: '62', id: 'x', timestamp: 'soon', type: 'text' }] } }] }] })).toBeNull();
  });
});

describe('ZInboundMessage', () => {
  const message = { from: '+6281234567890', text: 'Ada keributan', receivedAt: '2024-11-20T19:00:00+07:00', messageId: 'gw-1', channel: 'sms' };

  it('accepts the plain gateway format and rejects unknown channels and fields', () => {
    expect(ZInboundMessage.safeParse(message).success).toBe(true);
    expect(ZInboundMessage.safeParse({ ...message, channel: 'email' }).error?.issues.map((i) => i.message)).toEqual(['inbound.channel_unknown']);
    expect(ZInboundMessage.safeParse({ ...message, extra: 1 }).success).toBe(false);
    expect(ZInboundMessage.safeParse({ ...message, receivedAt: '2024-11-20 19:00' }).success).toBe(false);
    expect(ZInboundMessage.safeParse({ ...message, text: '' }).success).toBe(false);
  });
});

describe('draftTitleFromText', () => {
  it('takes the first line and cuts long ones at a word', () => {
    expect(draftTitleFromText('Amplop di balai desa\nDetail: jam 19.00')).toBe('Amplop di balai desa');
    const long = draftTitleFromText('Ada sekelompok orang membagikan amplop berisi uang kepada warga di sekitar balai desa pada malam hari');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long.endsWith('…')).toBe(true);
    expect(long).toBe('Ada sekelompok orang membagikan amplop berisi uang kepada warga di sekitar…');
    expect(draftTitleFromText('ok')).toBe('Pesan masuk: ok');
  });
});
