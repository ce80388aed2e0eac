import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CACHE_TTL_MS } from '../src/services/session-cache.js';
import { BACKENDS, createTestApp, createTestUser, type TestApp } from './helpers.js';

// Signed-in requests reuse a session resolved in the last few seconds (services/session-cache.ts).
// Every change made through the app must still apply to the very next request.
describe.each(BACKENDS)('session cache on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { loginMaxPerMinute: 1000 });
    await createTestUser(t.handle, { username: 'nasional', role: 'admin', scopes: ['*'] });
  });
  afterAll(async () => t?.dispose());

  async function userWithSession(username: string, role: 'admin' | 'observer' = 'observer') {
    const row = await createTestUser(t.handle, { username, role, scopes: ['33.10'] });
    const agent = await t.login(username);
    expect((await agent.get('/api/regions?parent=33.10')).statusCode).toBe(200); // now cached
    return { row, agent };
  }

  it('a disabled user is signed out at the next request', async () => {
    const admin = await t.login('nasional');
    const { row, agent } = await userWithSession('cache.disable');
    expect((await admin.post(`/api/users/${row.id}/disable`, { reason: 'HP hilang', version: row.version })).statusCode).toBe(200);
    expect((await agent.get('/api/regions?parent=33.10')).statusCode).toBe(401);
  });

  it('a scope change (mutasi) signs the user out at the next request', async () => {
    const admin = await t.login('nasional');
    const { row, agent } = await userWithSession('cache.mutasi');
    expect((await admin.post(`/api/users/${row.id}/scope`, { scopes: ['11'], reason: 'mutasi', version: row.version })).statusCode).toBe(200);
    expect((await agent.get('/api/regions?parent=33.10')).statusCode).toBe(401);
  });

  it('a role change applies at the next request', async () => {
    const admin = await t.login('nasional');
    const { row, agent } = await userWithSession('cache.role', 'admin');
    expect((await agent.get('/api/users')).statusCode).toBe(200);
    expect((await admin.patch(`/api/users/${row.id}`, { role: 'observer', version: row.version })).statusCode).toBe(200);
    expect((await agent.get('/api/users')).statusCode).toBe(403);
  });

  it('logout ends the cached session', async () => {
    const { agent } = await userWithSession('cache.logout');
    expect((await agent.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await agent.get('/api/regions?parent=33.10')).statusCode).toBe(401);
  });

  it('an expired session is refused even while cached', async () => {
    const { agent } = await userWithSession('cache.expiry');
    const saved = t.clock.now;
    try {
      t.clock.now = new Date(saved.getTime() + (t.config.sessionHours + 1) * 3600_000);
      expect((await agent.get('/api/regions?parent=33.10')).statusCode).toBe(401);
    } finally {
      t.clock.now = saved;
    }
  });

  it('region pages are cached per scope: the same query answers each scope with its own page', async () => {
    await createTestUser(t.handle, { username: 'cache.camat', role: 'district_desk', scopes: ['33.10.04'], pillarCode: 'pemda' });
    const national = await t.login('nasional');
    const camat = await t.login('cache.camat');
    for (let i = 0; i < 2; i++) {
      expect((await national.get('/api/regions?parent=33.10')).json().items).toHaveLength(26);
      expect((await camat.get('/api/regions?parent=33.10')).json().items.map((r: { code: string }) => r.code)).toEqual(['33.10.04']);
      expect((await camat.get('/api/regions?parent=11')).statusCode).toBe(403);
    }
    const res = await camat.get('/api/regions?parent=33.10');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a revocation made outside this process (CLI, another instance) applies within the cache lifetime', async () => {
    const { row, agent } = await userWithSession('cache.outside');
    await t.handle.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [row.id]);
    await new Promise((resolve) => setTimeout(resolve, SESSION_CACHE_TTL_MS + 100));
    expect((await agent.get('/api/regions?parent=33.10')).statusCode).toBe(401);
  });
});
