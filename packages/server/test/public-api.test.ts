import { createHash, createHmac, randomUUID } from 'node:crypto';
import { countLeadingZeroBits, powPreimage, solvePow } from '@sinergi/domain';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { powKeyOf } from '../src/services/public-reports.service.js';
import { BACKENDS, createTestApp, createTestUser, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

describe.each(BACKENDS)('public channel on %s', (backend) => {
  let t: TestApp;
  let villages: string[];
  let ipSeq = 0;
  /** Each test its own address, so the per-IP limit of one test does not touch another. */
  const nextIp = () => `10.20.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

  const inject = (ip: string, options: InjectOptions) => t.app.inject({ ...options, remoteAddress: ip });
  async function solved(ip: string): Promise<{ challenge: string; nonce: string; difficulty: number }> {
    const res = await inject(ip, { method: 'GET', url: '/api/public/challenge' });
    expect(res.statusCode).toBe(200);
    const c = res.json() as { challenge: string; difficulty: number; expiresAt: string };
    const nonce = await solvePow(c.challenge, c.difficulty, sha256);
    return { challenge: c.challenge, nonce: nonce!, difficulty: c.difficulty };
  }
  const body = (pow: { challenge: string; nonce: string } | undefined, over: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    category: 'politik_uang',
    regionCode: villages[1],
    occurredAt: new Date(t.clock.now.getTime() - 2 * 3600_000).toISOString(),
    title: 'Amplop dibagikan di dekat balai desa',
    description: 'Saya melihat amplop berisi uang dibagikan kepada warga oleh orang tak dikenal. RAHASIA-DESKRIPSI',
    contact: { name: 'Warga Bayat', phone: '+62 812 0000 1111' },
    ...(pow ? { pow: { challenge: pow.challenge, nonce: pow.nonce } } : {}),
    ...over,
  });
  const count = async (sql: string, params: unknown[] = []) => Number((await t.handle.query<{ n: number }>(sql, params))[0]!.n);
  const counts = async () => ({
    reports: await count('SELECT count(*)::int AS n FROM reports'),
    redeemed: await count('SELECT count(*)::int AS n FROM pow_redeemed'),
  });

  beforeAll(async () => {
    t = await createTestApp(backend, { powBits: 4, publicMaxPerHour: 6, publicDeviceMaxPerHour: 3 });
    villages = t.regions.descendantsAt(BAYAT, 'village');
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
  });
  afterAll(async () => t?.dispose());

  it('issues a signed challenge, takes a report without login, and shows only its status by receipt', async () => {
    const ip = nextIp();
    const pow = await solved(ip);
    expect(pow.challenge).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]+\.4\.[A-Za-z0-9_-]+$/);
    const b = body(pow);
    const res = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: b, headers: { 'x-device-id': 'device-aaaa-0001' } });
    expect(res.statusCode).toBe(201);
    const receipt = res.json();
    expect(receipt).toMatchObject({ id: b.id, status: 'new', duplicate: false });
    expect(receipt.receiptCode).toMatch(/^SNG-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const [row] = await t.handle.query<{ source: string; confidential: boolean; public_contact: { phone: string }; reporter_id: string | null }>(
      'SELECT source, confidential, public_contact, reporter_id FROM reports WHERE id = $1',
      [b.id],
    );
    expect(row).toMatchObject({ source: 'public', confidential: true, reporter_id: null });
    expect(row!.public_contact.phone).toBe('+62 812 0000 1111');

    // an offline queue resending the same report: its receipt again, stored once
    const again = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: b });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: b.id, duplicate: true, receiptCode: receipt.receiptCode });
    expect(await count('SELECT count(*)::int AS n FROM reports WHERE id = $1', [b.id])).toBe(1);

    const status = await inject(ip, { method: 'GET', url: `/api/public/reports/${receipt.receiptCode.toLowerCase()}` });
    expect(status.statusCode).toBe(200);
    expect(Object.keys(status.json()).sort()).toEqual(['receiptCode', 'status', 'statusLabel', 'updatedAt']);
    expect(status.json()).toMatchObject({ receiptCode: receipt.receiptCode, status: 'new', statusLabel: 'Baru' });
    expect(status.body).not.toContain('RAHASIA');
    expect(status.body).not.toContain('Amplop');
    expect(status.body).not.toContain('0000 1111');
    expect(status.body).not.toContain(b.id);
    const en = await inject(ip, { method: 'GET', url: `/api/public/reports/${receipt.receiptCode}`, headers: { 'accept-language': 'en' } });
    expect(en.json().statusLabel).toBe('New');

    // the desk verifies it; the citizen sees the new status
    const desk = await t.login('panwascam');
    const report = (await desk.get(`/api/reports/${b.id}`)).json();
    expect(report.source).toBe('public');
    expect((await desk.post(`/api/reports/${b.id}/verify`, { version: report.version })).statusCode).toBe(200);
    const after = await inject(ip, { method: 'GET', url: `/api/public/reports/${receipt.receiptCode}` });
    expect(after.json()).toMatchObject({ status: 'verified', statusLabel: 'Diverifikasi' });

    expect((await inject(ip, { method: 'GET', url: '/api/public/reports/SNG-0000-0000' })).statusCode).toBe(404);
    expect((await inject(ip, { method: 'GET', url: '/api/public/reports/bukan-kode' })).statusCode).toBe(400);
  });

  it('refuses a challenge used twice and stores nothing the second time', async () => {
    const ip = nextIp();
    const pow = await solved(ip);
    expect((await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(pow) })).statusCode).toBe(201);
    const before = await counts();
    const second = body(pow);
    const res = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: second });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([{ path: 'pow', message: expect.stringContaining('sudah dipakai') }]);
    expect(await counts()).toEqual(before);
  });

  it('refuses forged, tampered, too easy, expired and unsolved challenges, storing nothing', async () => {
    const ip = nextIp();
    const before = await counts();
    const pow = await solved(ip);
    const [v, issued, random, bits] = pow.challenge.split('.');
    const otherKey = powKeyOf('another-secret-another-secret-123456');
    const forgedPayload = `${v}.${issued}.${random}.${bits}`;
    const forged = `${forgedPayload}.${createHmac('sha256', otherKey).update(forgedPayload).digest('base64url')}`;
    const tampered = pow.challenge.replace(`.${bits}.`, '.3.');
    // signed with the real key (kept in app_meta) but easier than the configured base
    const [meta] = await t.handle.query<{ value: string }>("SELECT value FROM app_meta WHERE key = 'server_secret'");
    const easyPayload = `v1.${t.clock.now.getTime()}.abcdefgh.0`;
    const easy = `${easyPayload}.${createHmac('sha256', powKeyOf(meta!.value)).update(easyPayload).digest('base64url')}`;
    let badNonce = 0;
    while (countLeadingZeroBits(sha256(powPreimage(pow.challenge, badNonce.toString(36)))) >= pow.difficulty) badNonce++;

    const cases: [{ challenge: string; nonce: string }, string][] = [
      [{ challenge: forged, nonce: (await solvePow(forged, 4, sha256))! }, 'tidak valid'],
      [{ challenge: tampered, nonce: (await solvePow(tampered, 3, sha256))! }, 'tidak valid'],
      [{ challenge: easy, nonce: '0' }, 'tidak mencukupi'],
      [{ challenge: pow.challenge, nonce: badNonce.toString(36) }, 'tidak valid'],
      [{ challenge: 'v1.garbage.challenge', nonce: '0' }, 'tidak valid'],
    ];
    for (const [p, message] of cases) {
      const res = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(p) });
      expect(res.statusCode, p.challenge).toBe(400);
      expect(res.json().error.fields[0]).toMatchObject({ path: 'pow', message: expect.stringContaining(message) });
    }
    // eleven minutes later the honest solution has expired
    const saved = t.clock.now;
    t.clock.now = new Date(saved.getTime() + 11 * 60_000);
    try {
      const res = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(pow) });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields[0]).toMatchObject({ path: 'pow', message: expect.stringContaining('kedaluwarsa') });
    } finally {
      t.clock.now = saved;
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a report without proof of work, an unknown village or a district code, storing nothing', async () => {
    const ip = nextIp();
    const before = await counts();
    const missing = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(undefined) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields.map((f: { path: string }) => f.path)).toContain('pow');

    const pow = await solved(ip);
    const unknown = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(pow, { regionCode: '33.10.04.2999' }) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toEqual([{ path: 'regionCode', message: 'Kode wilayah tidak dikenal.' }]);
    const district = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(pow, { regionCode: BAYAT }) });
    expect(district.statusCode).toBe(400);
    const bad = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(pow, { category: 'gosip', contact: { phone: 'xx' } }) });
    expect(bad.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
    // the challenge was not spent by the refusals: it still buys one report
    expect((await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(pow) })).statusCode).toBe(201);
  });

  it('limits submissions per IP address and per device with a 429 in Indonesian', async () => {
    const ip = nextIp();
    const before = await count('SELECT count(*)::int AS n FROM reports');
    for (let i = 0; i < 6; i++) {
      const res = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(await solved(ip)) });
      expect(res.statusCode).toBe(201);
    }
    const limited = await inject(ip, { method: 'POST', url: '/api/public/reports', payload: body(await solved(ip)) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('Terlalu banyak laporan dari jaringan ini') });
    expect(await count('SELECT count(*)::int AS n FROM reports')).toBe(before + 6);

    // one device hopping between networks: 3 per hour
    const device = { 'x-device-id': `dev-${randomUUID()}` };
    for (let i = 0; i < 3; i++) {
      const other = nextIp();
      const res = await inject(other, { method: 'POST', url: '/api/public/reports', payload: body(await solved(other)), headers: device });
      expect(res.statusCode).toBe(201);
    }
    const other = nextIp();
    const byDevice = await inject(other, { method: 'POST', url: '/api/public/reports', payload: body(await solved(other)), headers: { ...device, 'accept-language': 'en' } });
    expect(byDevice.statusCode).toBe(429);
    expect(byDevice.json().error.message).toContain('Too many reports from this device');
    expect(await count('SELECT count(*)::int AS n FROM reports')).toBe(before + 9);
    // another device on that network is still welcome
    const fresh = await inject(other, { method: 'POST', url: '/api/public/reports', payload: body(await solved(other)), headers: { 'x-device-id': `dev-${randomUUID()}` } });
    expect(fresh.statusCode).toBe(201);
  });

  it('lets a citizen find the village by name without an account, and answers bad queries with a 4xx', async () => {
    const ip = nextIp();
    const res = await inject(ip, { method: 'GET', url: '/api/public/regions?q=Jambakan&limit=5' });
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { code: string; name: string; level: string }[] }).items;
    expect(items.map((r) => r.code)).toContain('33.10.04.2002');
    expect(Object.keys(items[0]!).sort()).toEqual(['childCount', 'code', 'inScope', 'level', 'name', 'parentCode']);
    const children = await inject(ip, { method: 'GET', url: `/api/public/regions?parent=${BAYAT}&limit=100` });
    expect(children.statusCode).toBe(200);
    expect((children.json() as { items: { code: string }[] }).items.map((r) => r.code)).toEqual(villages);
    const unknown = await inject(ip, { method: 'GET', url: '/api/public/regions?parent=99.99', headers: { 'accept-language': 'id' } });
    expect(unknown.statusCode).toBe(404);
    const bad = await inject(ip, { method: 'GET', url: '/api/public/regions?limit=100000' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { fields: { path: string }[] } }).error.fields[0]!.path).toBe('limit');
  });

  it('keeps its secret in the database so a restarted instance accepts earlier challenges', async () => {
    const ip = nextIp();
    const pow = await solved(ip);
    const second = await buildApp(
      { config: t.config, handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter, attachments: t.attachments, now: () => t.clock.now },
      { logger: false },
    );
    try {
      await second.ready();
      const res = await second.inject({ method: 'POST', url: '/api/public/reports', payload: body(pow), remoteAddress: ip });
      expect(res.statusCode).toBe(201);
    } finally {
      await second.close();
    }
    expect(await count("SELECT count(*)::int AS n FROM app_meta WHERE key = 'server_secret'")).toBe(1);
  });
});

describe('public channel configuration', () => {
  it('validates SINERGI_SECRET and SINERGI_POW_BITS', () => {
    expect(() => loadConfig({ SINERGI_SECRET: 'too-short' } as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig({ SINERGI_POW_BITS: '40' } as NodeJS.ProcessEnv)).toThrow(/SINERGI_POW_BITS/);
    const config = loadConfig({ SINERGI_SECRET: 'x'.repeat(32), SINERGI_POW_BITS: '12' } as NodeJS.ProcessEnv);
    expect(config).toMatchObject({ secret: 'x'.repeat(32), powBits: 12, publicMaxPerHour: 30, publicDeviceMaxPerHour: 10 });
  });
});
