import { describe, expect, it } from 'vitest';
import { ZWebhookCreate, parseSignatureHeader } from './notifications.js';

const HEX = 'a'.repeat(64);

describe('webhook signature header', () => {
  it('parses t and every v1', () => {
    expect(parseSignatureHeader(`t=1732350000,v1=${HEX}`)).toEqual({ t: 1732350000, v1: [HEX] });
    expect(parseSignatureHeader(`t=1, v1=${HEX},v1=${'b'.repeat(64)}`)).toEqual({ t: 1, v1: [HEX, 'b'.repeat(64)] });
  });
  it('rejects what is not one', () => {
    expect(parseSignatureHeader('')).toBeNull();
    expect(parseSignatureHeader(`v1=${HEX}`)).toBeNull();
    expect(parseSignatureHeader('t=1,v1=short')).toBeNull();
    expect(parseSignatureHeader(`t=abc,v1=${HEX}`)).toBeNull();
    expect(parseSignatureHeader(`t=1,v1=${HEX.toUpperCase()}`)).toBeNull();
  });
});

describe('webhook subscription input', () => {
  const base = { name: 'Gateway', url: 'https://gw.example/hook', topics: ['report.created'], regionScope: '33.10' };
  it('accepts http(s) URLs and a region or the whole country', () => {
    expect(ZWebhookCreate.parse(base)).toMatchObject({ ...base, active: true });
    expect(ZWebhookCreate.safeParse({ ...base, url: 'http://10.0.0.5:8080/x', regionScope: '*' }).success).toBe(true);
  });
  it('refuses other schemes, credentials in the URL, bad regions and empty topics', () => {
    for (const url of ['ftp://gw.example', 'javascript:alert(1)', 'https://u:p@gw.example/', 'gw.example/hook']) {
      expect(ZWebhookCreate.safeParse({ ...base, url }).success, url).toBe(false);
    }
    expect(ZWebhookCreate.safeParse({ ...base, regionScope: 'Klaten' }).success).toBe(false);
    expect(ZWebhookCreate.safeParse({ ...base, topics: [] }).success).toBe(false);
    expect(ZWebhookCreate.safeParse({ ...base, secret: 'short' }).success).toBe(false);
  });
});
