import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TEST_PASSWORD, createTestApp, createTestUser, type TestApp } from './helpers.js';

describe.each(BACKENDS)('foundation API on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await createTestUser(t.handle, { username: 'nasional', role: 'admin', scopes: ['*'] });
    await createTestUser(t.handle, { username: 'admin.klaten', role: 'admin', scopes: ['33.10'] });
    await createTestUser(t.handle, { username: 'camat.bayat', role: 'district_desk', scopes: ['33.10.04'], pillarCode: 'pemda' });
    await createTestUser(t.handle, { username: 'pemantau', role: 'observer', scopes: ['33.10'] });
  });
  afterAll(async () => t?.dispose());

  it('reports health with the database kind and the full region tree', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: backend, regions: 38 + 514 + 7285 + 83762 });
  });

  it('imported the real Kemendagri tree: Klaten 33.10 has 26 districts and 401 villages', async () => {
    expect(t.regions.countByLevel()).toEqual({ province: 38, regency: 514, district: 7285, village: 83762 });
    const agent = await t.login('nasional');
    const res = await agent.get('/api/regions/33.10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Kabupaten Klaten', level: 'regency', childCount: 26, descendantCounts: { district: 26, village: 401 }, timeZoneLabel: 'WIB' });
    const [row] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM regions WHERE code LIKE '33.10.%' AND level = 4");
    expect(Number(row!.n)).toBe(401);
  });

  it('refuses the API without a session, and with a wrong password', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/regions' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nasional', password: 'salah-sekali-123' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'invalid_credentials', message: 'Nama pengguna atau kata sandi salah.' });
  });

  it('answers errors in English when asked', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/regions', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(res.json().error.message).toBe('Please sign in first.');
  });

  it('shows a district desk only its district and the path to it', async () => {
    const agent = await t.login('camat.bayat');
    const top = (await agent.get('/api/regions')).json();
    expect(top.items.map((r: { code: string }) => r.code)).toEqual(['33']);
    expect(top.items[0].inScope).toBe(false);
    const klaten = (await agent.get('/api/regions?parent=33.10')).json();
    expect(klaten.items.map((r: { code: string }) => r.code)).toEqual(['33.10.04']);
    const bayat = (await agent.get('/api/regions?parent=33.10.04')).json();
    expect(bayat.items.length).toBeGreaterThan(10);
    expect(bayat.items.every((r: { inScope: boolean }) => r.inScope)).toBe(true);
    expect((await agent.get('/api/regions/33.10.05')).statusCode).toBe(403);
    expect((await agent.get('/api/regions?parent=11')).statusCode).toBe(403);
    const search = (await agent.get('/api/regions?q=klaten')).json();
    expect(search.items).toEqual([]);
  });

  it('searches by name and by code prefix', async () => {
    const agent = await t.login('nasional');
    const byName = (await agent.get('/api/regions?q=bayat')).json();
    expect(byName.items[0]).toMatchObject({ code: '33.10.04', name: 'Bayat', level: 'district' });
    const byCode = (await agent.get('/api/regions?q=33.10.04&limit=5')).json();
    expect(byCode.items[0].code).toBe('33.10.04');
    expect(byCode.nextCursor).not.toBeNull();
  });

  it('paginates children with a cursor', async () => {
    const agent = await t.login('nasional');
    const first = (await agent.get('/api/regions?parent=33&limit=20')).json();
    expect(first.items).toHaveLength(20);
    const second = (await agent.get(`/api/regions?parent=33&limit=20&cursor=${first.nextCursor}`)).json();
    expect(second.items).toHaveLength(15);
    expect(second.nextCursor).toBeNull();
  });

  it('rejects bad input with a 4xx naming the field', async () => {
    const agent = await t.login('nasional');
    const badCode = await agent.get('/api/regions/33-10');
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error.fields[0]).toMatchObject({ path: 'code' });
    expect((await agent.get('/api/regions/99.99')).statusCode).toBe(404);
    const malformed = await agent.request({ method: 'POST', url: '/api/users', payload: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('validation');
    const unknownField = await agent.post('/api/users', { username: 'abc', fullName: 'Abc Def', role: 'observer', scopes: ['33'], hacker: true });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.fields.map((f: { path: string }) => f.path)).toContain('hacker');
    const wrongType = await agent.post('/api/users', { username: 'abc', fullName: 'Abc Def', role: 'raja', scopes: '33' });
    expect(wrongType.statusCode).toBe(400);
    const paths = wrongType.json().error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['role', 'scopes']));
    const big = await agent.request({ method: 'POST', url: '/api/users', payload: JSON.stringify({ fullName: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const [count] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE username = 'abc'");
    expect(Number(count!.n)).toBe(0);
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const agent = await t.login('nasional');
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: agent.cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf');
    expect((await agent.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('sends security headers and an httpOnly SameSite session cookie', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nasional', password: TEST_PASSWORD } });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('rate-limits login attempts', async () => {
    const limited = await createTestApp(backend, { loginMaxPerMinute: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'siapa', password: 'salah-salah-1' } });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(codes.slice(3)).toEqual([429, 429]);
    } finally {
      await limited.dispose();
    }
  });

  it('logs out: the session stops working', async () => {
    const agent = await t.login('pemantau');
    expect((await agent.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await agent.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/auth/login', '/api/regions', '/api/regions/{code}', '/api/users']));
  });
});
