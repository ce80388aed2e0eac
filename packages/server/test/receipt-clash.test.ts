import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, createTestApp, createTestUser, reportBody, type Agent, type TestApp } from './helpers.js';

// Receipt codes are 40 random bits: among millions of reports two will meet. Here the generator
// hands out the same code twice; the second report must still be stored, under a new code.
const CLASH = 'SNG-TEST-0001';
const clash = vi.hoisted(() => ({ remaining: 0 }));
vi.mock('@sinergi/domain', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@sinergi/domain')>();
  return {
    ...actual,
    formatReceiptCode: (bytes: Uint8Array) => {
      if (clash.remaining > 0) {
        clash.remaining -= 1;
        return CLASH;
      }
      return actual.formatReceiptCode(bytes);
    },
  };
});

describe.each(BACKENDS)('receipt code clash on %s', (backend) => {
  let t: TestApp;
  let kesbang: Agent;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
    kesbang = await t.login('kesbang');
  });
  afterAll(async () => t?.dispose());

  it('writes the second report again under a new code instead of failing it', async () => {
    const village = t.regions.descendantsAt('33.10', 'village')[0]!;
    clash.remaining = 2;
    const first = await kesbang.post('/api/reports', reportBody(t.clock.now, { regionCode: village }));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().receiptCode).toBe(CLASH);
    const body = reportBody(t.clock.now, { regionCode: village, title: 'Laporan kedua' });
    const second = await kesbang.post('/api/reports', body);
    expect(second.statusCode, second.body).toBe(201);
    expect(clash.remaining).toBe(0); // the clashing code was drawn, and refused by the index
    const code = second.json().receiptCode as string;
    expect(code).toMatch(/^SNG-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(code).not.toBe(CLASH);
    const rows = await t.handle.query<{ id: string; receipt_code: string }>('SELECT id, receipt_code FROM reports WHERE id = ANY($1::uuid[])', [[first.json().id, body.id]]);
    expect(rows).toHaveLength(2);
    // resending the second answers with its stored receipt
    const again = await kesbang.post('/api/reports', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().receiptCode).toBe(code);
  });
});
