import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BACKENDS, createTestApp, createTestUser, openTestDb, type Agent, type TestApp, type TestDb } from './helpers.js';
import { ensureCliBuilt, runSinergi } from './cli-support.js';

const KLATEN = '33.10';
const BAYAT = '33.10.04';
const CAWAS = '33.10.05';

const square = (x: number, y: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]] });
const GOOD = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { kode: BAYAT, nama: 'Bayat' }, geometry: square(110.6, -7.8) },
    { type: 'Feature', properties: { KDEPUM: '331005' }, geometry: square(110.65, -7.8) },
  ],
});
const BAD = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { kode: '33.10.06' }, geometry: square(110.7, -7.8) },
    { type: 'Feature', properties: { kode: '99.99.99' }, geometry: square(110.7, -7.8) },
    { type: 'Feature', properties: { nama: 'tanpa kode' }, geometry: square(110.7, -7.8) },
    { type: 'Feature', properties: { kode: '33.10.07' }, geometry: { type: 'LineString', coordinates: [[110, -7], [111, -7]] } },
  ],
});

function multipart(text: string, filename = 'batas.geojson') {
  const boundary = `----sinergi${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/geo+json\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(BACKENDS)('map API on %s', (backend) => {
  let t: TestApp;
  let bhabin: Agent;
  let kesbang: Agent;
  let cawasDesk: Agent;
  let admin: Agent;
  const count = async (sql: string) => Number((await t.handle.query<{ n: number }>(sql))[0]!.n);

  beforeAll(async () => {
    t = await createTestApp(backend);
    const bayat = t.regions.descendantsAt(BAYAT, 'village');
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: [KLATEN], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'desk.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'pemda' });
    await createTestUser(t.handle, { username: 'admin.klaten', role: 'admin', scopes: [KLATEN] });
    bhabin = await t.login('bhabin');
    kesbang = await t.login('kesbang');
    cawasDesk = await t.login('desk.cawas');
    admin = await t.login('admin.klaten');
    const file = (fields: Record<string, unknown>) =>
      bhabin.post('/api/reports', {
        id: randomUUID(),
        category: 'politik_uang',
        severity: 3,
        regionCode: bayat[0],
        occurredAt: new Date(t.clock.now.getTime() - 3_600_000).toISOString(),
        title: 'Amplop di balai desa',
        description: 'Uji peta.',
        ...fields,
      });
    expect((await file({ lat: -7.76, lon: 110.66 })).statusCode).toBe(201);
    expect((await file({ lat: -7.77, lon: 110.67, severity: 4 })).statusCode).toBe(201);
    expect((await file({})).statusCode).toBe(201);
    expect((await file({ occurredAt: new Date(t.clock.now.getTime() - 40 * 86_400_000).toISOString(), lat: -7.7, lon: 110.6 })).statusCode).toBe(201);
  });
  afterAll(async () => t?.dispose());

  it('gives the located reports of the range as compact points, and counts those without coordinates', async () => {
    const res = await kesbang.get('/api/map/points');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(2); // the 40-day-old one is outside the default 30 days
    expect(body.items.map((p: unknown[]) => p.slice(1, 4)).sort()).toEqual([
      [-7.76, 110.66, 3],
      [-7.77, 110.67, 4],
    ]);
    expect(body).toMatchObject({ truncated: false, unlocated: 1, demo: false, tileUrl: null });
    expect((await kesbang.get('/api/map/points?days=90')).json().items).toHaveLength(3);
    expect((await kesbang.get('/api/map/points?severity=4')).json().items).toHaveLength(1);
    // another district's desk sees none of them; a region outside the scope is refused
    expect((await cawasDesk.get('/api/map/points')).json()).toMatchObject({ items: [], unlocated: 0 });
    expect((await cawasDesk.get(`/api/map/points?region=${BAYAT}`)).statusCode).toBe(403);
    const bad = await kesbang.get('/api/map/points?days=3');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('days');
  });

  it('imports a good boundary file (all features) and serves the children of a region as GeoJSON, within the scope', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/boundaries', ...multipart(GOOD) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ imported: 2, errors: [] });
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'boundaries.import'")).toBe(1);
    const fc = (await kesbang.get(`/api/boundaries?parent=${KLATEN}`)).json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: { properties: { code: string; name: string } }) => f.properties)).toEqual([
      { code: BAYAT, name: 'Bayat' },
      { code: CAWAS, name: 'Cawas' },
    ]);
    expect(fc.features[0].geometry.type).toBe('Polygon');
    // the desk of Cawas gets only Cawas; an empty collection where nothing was imported
    const own = (await cawasDesk.get(`/api/boundaries?parent=${KLATEN}`)).json();
    expect(own.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([CAWAS]);
    expect((await kesbang.get(`/api/boundaries?parent=${BAYAT}`)).json().features).toEqual([]);
    // importing again replaces, never doubles
    expect((await admin.request({ method: 'POST', url: '/api/boundaries', ...multipart(GOOD) })).statusCode).toBe(201);
    expect(await count('SELECT count(*)::int AS n FROM region_boundaries')).toBe(2);
  });

  it('refuses a bad file with one error per feature and row, storing nothing', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/boundaries', ...multipart(BAD) });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('validation');
    expect(error.fields.map((f: { path: string }) => f.path)).toEqual(['row 2.properties.kode', 'row 3.properties.kode', 'row 4.geometry']);
    expect(error.fields[0].message).toBe('Kode wilayah tidak dikenal.');
    expect(await count("SELECT count(*)::int AS n FROM region_boundaries WHERE region_code = '33.10.06'")).toBe(0);
    const broken = multipart('bukan json');
    const notJson = await admin.request({ method: 'POST', url: '/api/boundaries', payload: broken.payload, headers: { ...broken.headers, 'accept-language': 'en' } });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.fields).toEqual([{ path: 'file', message: 'The file is not a valid GeoJSON FeatureCollection.' }]);
    // a code outside the importer's scope is a row error too
    const other = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kode: '33.11' }, geometry: square(110.8, -7.6) }] });
    const out = await admin.request({ method: 'POST', url: '/api/boundaries', ...multipart(other) });
    expect(out.statusCode).toBe(400);
    expect(out.json().error.fields[0]).toEqual({ path: 'row 1.properties.kode', message: 'Wilayah di luar cakupan akun Anda.' });
    // only administrators import
    expect((await kesbang.request({ method: 'POST', url: '/api/boundaries', ...multipart(GOOD) })).statusCode).toBe(403);
  });
});

describe.each(BACKENDS)('sinergi boundaries import on %s', { timeout: 180_000 }, (backend) => {
  let env: Record<string, string>;
  let workDir: string;
  let db: TestDb | null = null;

  beforeAll(async () => {
    expect(ensureCliBuilt()).toBe(true);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-boundaries-cli-'));
    if (backend === 'postgres') {
      db = await openTestDb('postgres');
      env = { DATABASE_URL: (db.handle.pool as unknown as { options: { connectionString: string } }).options.connectionString };
    } else {
      // a data directory from the migrated template with the full region tree
      const dataDir = path.join(workDir, 'data');
      fs.mkdirSync(dataDir, { recursive: true });
      const pg = new PGlite(path.join(dataDir, 'pglite'), { loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
      await pg.waitReady;
      await pg.close();
      env = { SINERGI_DATA_DIR: dataDir };
    }
    fs.writeFileSync(path.join(workDir, 'good.geojson'), GOOD);
    fs.writeFileSync(path.join(workDir, 'bad.geojson'), BAD);
    fs.writeFileSync(path.join(workDir, 'broken.geojson'), '{"type": "FeatureCollection", "features": [');
  });
  afterAll(async () => {
    await db?.dispose();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('imports a good file and exits 0', async () => {
    const res = await runSinergi(['boundaries', 'import', path.join(workDir, 'good.geojson')], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('boundaries imported: 2');
  });

  it('refuses a bad file with row errors and exit code 1, and a file that is not JSON', async () => {
    const bad = await runSinergi(['boundaries', 'import', path.join(workDir, 'bad.geojson')], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nothing imported (3');
    expect(bad.stderr).toContain('feature 2 properties.kode: Kode wilayah tidak dikenal.');
    expect(bad.stderr).toContain('feature 4 geometry');
    const broken = await runSinergi(['boundaries', 'import', path.join(workDir, 'broken.geojson')], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('GeoJSON');
    const missing = await runSinergi(['boundaries', 'import', path.join(workDir, 'none.geojson')], { env });
    expect(missing.code).toBe(1);
  });
});
