import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_TAXONOMY_CONFIG, solvePow, type TTaxonomyConfig } from '@sinergi/domain';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDraftReport } from '../src/services/reports.service.js';
import { TAXONOMY_CACHE_TTL_MS } from '../src/services/taxonomy.service.js';
import { BACKENDS, actOnReport, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

const KLATEN = '33.10';
const BAYAT = '33.10.04';
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

/** The built-in taxonomy with an administrator's edits. */
function edited(change: (config: TTaxonomyConfig) => void): TTaxonomyConfig {
  const config = structuredClone(DEFAULT_TAXONOMY_CONFIG);
  change(config);
  return config;
}
const cat = (config: TTaxonomyConfig, code: string) => config.categories.find((c) => c.code === code)!;

/** Version 2 of the tests: a new money-politics subcategory, "barang" retired, hoaks relabelled and handed to Kesbangpol, logistik retired. */
const V2 = edited((c) => {
  cat(c, 'politik_uang').subcategories.push({ code: 'voucher_digital', label: { id: 'Voucher / saldo digital', en: 'Digital voucher / e-wallet credit' }, retired: false });
  cat(c, 'politik_uang').subcategories.find((s) => s.code === 'barang')!.retired = true;
  cat(c, 'hoaks').label = { id: 'Hoaks / berita bohong', en: 'Hoax / fake news' };
  cat(c, 'hoaks').defaultHandler = 'kesbangpol';
  cat(c, 'logistik').retired = true;
});

describe.each(BACKENDS)('report taxonomy configuration on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  let officer: Agent;
  let villages: string[];
  const old: Record<string, string> = {};

  const count = async (sql: string) => Number((await t.handle.query<{ n: number }>(sql))[0]!.n);
  const written = async () => ({ versions: await count('SELECT count(*)::int AS n FROM taxonomy_configs'), audits: await count("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'taxonomy_config'") });
  const body = (over: Record<string, unknown> = {}) => reportBody(t.clock.now, { regionCode: villages[0], ...over });

  beforeAll(async () => {
    t = await createTestApp(backend, { powBits: 4 });
    villages = t.regions.descendantsAt(BAYAT, 'village');
    await createTestUser(t.handle, { username: 'admin', role: 'admin', scopes: ['*'] });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: [BAYAT], pillarCode: 'polri' });
    admin = await t.login('admin');
    desk = await t.login('kesbang');
    officer = await t.login('bhabin');
    // filed under the built-in taxonomy, before any change
    old.barang = await fileReport(officer, body({ subcategory: 'barang', title: 'Sembako dibagikan tim sukses' }));
    old.logistik = await fileReport(officer, body({ category: 'logistik', subcategory: 'rusak', title: 'Surat suara rusak' }));
    old.hoaks = await fileReport(officer, body({ category: 'hoaks', subcategory: 'hasil', title: 'Hoaks hasil hitung cepat' }));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.dispose();
  });

  it('answers the built-in taxonomy as version 1 until an administrator saves one', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/taxonomy' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 1 });
    expect(res.json().categories.find((c: { code: string }) => c.code === 'politik_uang').subcategories.map((s: { code: string }) => s.code)).not.toContain('voucher_digital');
    const list = (await desk.get('/api/config/taxonomy')).json();
    expect(list).toMatchObject({ current: 1, items: [{ version: 1, isDefault: true }] });
    // not yet offered: refused like any subcategory of another category
    const refused = await officer.post('/api/reports', body({ subcategory: 'voucher_digital' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields).toEqual([{ path: 'subcategory', message: 'Subkategori tidak termasuk kategori ini.' }]);
  });

  it('lets only config.manage change it', async () => {
    const res = await desk.post('/api/config/taxonomy', { baseVersion: 1, config: V2, note: 'coba' });
    expect(res.statusCode).toBe(403);
    expect((await officer.post('/api/config/taxonomy', { baseVersion: 1, config: V2 })).statusCode).toBe(403);
    expect(await written()).toEqual({ versions: 0, audits: 0 });
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const moneyIndex = DEFAULT_TAXONOMY_CONFIG.categories.findIndex((c) => c.code === 'politik_uang');
    const cases: [unknown, number, { path: string; message?: string }][] = [
      [{ baseVersion: 1, config: edited((c) => (cat(c, 'hoaks').code = 'pencurian' as never)) }, 400, { path: `config.categories.4.code` }],
      [{ baseVersion: 1, config: edited((c) => cat(c, 'politik_uang').subcategories.push({ code: 'uang', label: { id: 'Uang', en: 'Money' }, retired: false })) }, 400, { path: `config.categories.${moneyIndex}.subcategories.5.code`, message: 'Kode subkategori sudah dipakai dalam kategori ini.' }],
      [{ baseVersion: 1, config: edited((c) => (cat(c, 'hoaks').label.en = ' ')) }, 400, { path: 'config.categories.4.label.en', message: 'Label tidak boleh kosong (Bahasa Indonesia dan Inggris).' }],
      [{ baseVersion: 1, config: edited((c) => (cat(c, 'hoaks').defaultHandler = 'dukun')) }, 400, { path: 'config.categories.4.defaultHandler', message: 'Pilar/instansi tidak dikenal.' }],
      [
        { baseVersion: 1, config: edited((c) => (cat(c, 'politik_uang').subcategories = cat(c, 'politik_uang').subcategories.filter((s) => s.code !== 'barang'))) },
        400,
        { path: `config.categories.${moneyIndex}.subcategories`, message: 'Subkategori barang tidak boleh dihapus karena laporan lama memakainya; nonaktifkan saja.' },
      ],
      [{ baseVersion: 1, config: edited((c) => (c.categories = c.categories.filter((x) => x.code !== 'logistik'))) }, 400, { path: 'config.categories' }],
      [{ baseVersion: 1, config: edited((c) => cat(c, 'logistik').subcategories.push({ code: 'Rusak Berat', label: { id: 'Rusak berat', en: 'Badly damaged' }, retired: false })) }, 400, { path: 'config.categories.14.subcategories.4.code' }],
      [{ baseVersion: 1, config: V2, extra: true }, 400, { path: 'extra' }],
      // an edit that did not start from the newest version
      [{ baseVersion: 7, config: V2 }, 409, { path: '' }],
    ];
    for (const [input, status, field] of cases) {
      const res = await admin.post('/api/config/taxonomy', input);
      expect(res.statusCode, `${JSON.stringify(field)} ${res.body}`).toBe(status);
      if (status === 400) expect(res.json().error.fields, res.body).toContainEqual(field.message ? field : expect.objectContaining({ path: field.path }));
    }
    expect(await written()).toEqual({ versions: 0, audits: 0 });
  });

  it('saves a change as a new version with an audit entry old → new, and GET /api/taxonomy serves it', async () => {
    const res = await admin.post('/api/config/taxonomy', { baseVersion: 1, config: V2, note: 'Voucher digital marak menjelang pemungutan suara' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ version: 2, isDefault: false, note: 'Voucher digital marak menjelang pemungutan suara' });
    expect(await written()).toEqual({ versions: 1, audits: 1 });

    const history = (await admin.get('/api/config/history')).json().items;
    expect(history[0]).toMatchObject({ actorName: 'admin', action: 'taxonomy.config_version', entity: 'taxonomy_config', entityId: '2' });
    expect(history[0].before.version).toBe(1);
    expect(history[0].before.config.categories.find((c: { code: string }) => c.code === 'hoaks').label.id).toBe('Hoaks / disinformasi');
    expect(history[0].after.config.categories.find((c: { code: string }) => c.code === 'hoaks').label.id).toBe('Hoaks / berita bohong');

    const list = (await desk.get('/api/config/taxonomy')).json();
    expect(list.current).toBe(2);
    expect(list.items.map((i: { version: number }) => i.version)).toEqual([1, 2]);

    const taxonomy = (await t.app.inject({ method: 'GET', url: '/api/taxonomy' })).json();
    expect(taxonomy.version).toBe(2);
    const money = taxonomy.categories.find((c: { code: string }) => c.code === 'politik_uang');
    expect(money.subcategories.find((s: { code: string }) => s.code === 'voucher_digital')).toEqual({ code: 'voucher_digital', label: { id: 'Voucher / saldo digital', en: 'Digital voucher / e-wallet credit' }, retired: false });
    // retired ones stay listed, marked, so old reports keep their label
    expect(money.subcategories.find((s: { code: string }) => s.code === 'barang')).toMatchObject({ retired: true, label: { id: 'Barang / sembako' } });
    expect(taxonomy.categories.find((c: { code: string }) => c.code === 'logistik').retired).toBe(true);
    expect(taxonomy.categories.find((c: { code: string }) => c.code === 'hoaks')).toMatchObject({ label: { id: 'Hoaks / berita bohong' }, defaultHandler: 'kesbangpol', handlers: ['kesbangpol', 'kominfo', 'polri'] });

    // a second save from the same base is refused: it would undo this one
    const stale = await admin.post('/api/config/taxonomy', { baseVersion: 1, config: V2 });
    expect(stale.statusCode).toBe(409);
    expect(await written()).toEqual({ versions: 1, audits: 1 });
  });

  it('accepts the new subcategory on new reports and refuses retired ones with a clear 400', async () => {
    const added = await officer.post('/api/reports', body({ subcategory: 'voucher_digital', title: 'Saldo e-wallet dikirim ke warga' }));
    expect(added.statusCode, added.body).toBe(201);
    const retired = await officer.post('/api/reports', body({ subcategory: 'barang' }), { 'accept-language': 'en' });
    expect(retired.statusCode).toBe(400);
    expect(retired.json().error.fields).toEqual([{ path: 'subcategory', message: 'This subcategory is no longer offered for new reports. Choose another one or leave it empty.' }]);
    const category = await officer.post('/api/reports', body({ category: 'logistik', subcategory: 'kurang' }));
    expect(category.statusCode).toBe(400);
    expect(category.json().error.fields).toEqual([{ path: 'category', message: 'Kategori ini tidak lagi dipakai untuk laporan baru. Pilih kategori lain.' }]);
    expect(await count(`SELECT count(*)::int AS n FROM reports WHERE subcategory = 'barang'`)).toBe(1);
  });

  it('keeps old reports with retired items readable and workable, and a resend of one answers as stored', async () => {
    const report = (await desk.get(`/api/reports/${old.barang}`)).json();
    expect(report).toMatchObject({ id: old.barang, category: 'politik_uang', subcategory: 'barang' });
    await actOnReport(desk, old.barang!, 'verify', { comment: 'dicek PKD' });
    await actOnReport(desk, old.logistik!, 'verify');
    await actOnReport(desk, old.logistik!, 'assign', { orgCode: 'kpu' });
    const list = (await desk.get('/api/reports?category=logistik')).json();
    expect(list.items.map((r: { id: string }) => r.id)).toContain(old.logistik);
    // the offline queue sends the stored report again: same answer as before the change
    const stored = (await t.handle.query<{ occurred_at: Date; title: string; description: string }>('SELECT occurred_at, title, description FROM reports WHERE id = $1', [old.barang]))[0]!;
    const resend = await officer.post('/api/reports', {
      id: old.barang,
      category: 'politik_uang',
      subcategory: 'barang',
      severity: 2,
      regionCode: villages[0],
      occurredAt: stored.occurred_at.toISOString(),
      title: stored.title,
      description: stored.description,
    });
    expect(resend.statusCode, resend.body).toBe(200);
    expect(resend.json().duplicate).toBe(true);
  });

  it('takes the default handler on assignment and the category label from the taxonomy in force', async () => {
    await actOnReport(desk, old.hoaks!, 'verify');
    await actOnReport(desk, old.hoaks!, 'assign', { orgCode: 'kesbangpol' });
    const report = (await desk.get(`/api/reports/${old.hoaks}`)).json();
    expect(report.categoryLabel).toEqual({ id: 'Hoaks / berita bohong', en: 'Hoax / fake news' });
    const assign = report.timeline.find((e: { action: string }) => e.action === 'assign');
    expect(assign.details.defaultHandler).toBe('kesbangpol');
    // the report assigned before the change recorded the handler of its time
    const before = (await desk.get(`/api/reports/${old.logistik}`)).json().timeline.find((e: { action: string }) => e.action === 'assign');
    expect(before.details.defaultHandler).toBe('kpu');
  });

  it('judges a structured draft and a public report like any new report', async () => {
    const deps = { handle: t.handle, regions: t.regions, elections: t.elections, writer: t.reportWriter };
    const draft = await createDraftReport(deps, { id: randomUUID(), regionCode: KLATEN, title: 'Pesan WA', description: 'Ada voucher dibagikan', occurredAt: new Date(t.clock.now.getTime() - 60_000).toISOString() }, { now: t.clock.now, ip: null });
    const structure = (over: Record<string, unknown>) => desk.post(`/api/reports/${draft.row.id}/structure`, { version: 1, category: 'politik_uang', severity: 2, regionCode: villages[0], ...over });
    const refused = await structure({ subcategory: 'barang' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields[0].path).toBe('subcategory');
    const done = await structure({ subcategory: 'voucher_digital' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'new', subcategory: 'voucher_digital' });

    const solved = async () => {
      const c = (await t.app.inject({ method: 'GET', url: '/api/public/challenge', remoteAddress: '10.9.0.1' })).json() as { challenge: string; difficulty: number };
      return { challenge: c.challenge, nonce: (await solvePow(c.challenge, c.difficulty, sha256))! };
    };
    const publicReport = async (over: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/public/reports',
        remoteAddress: '10.9.0.1',
        payload: { id: randomUUID(), category: 'politik_uang', regionCode: villages[1], occurredAt: new Date(t.clock.now.getTime() - 3600_000).toISOString(), title: 'Amplop di dekat balai desa', description: 'Dilihat warga.', pow: await solved(), ...over },
      });
    const pub = await publicReport({ subcategory: 'barang' });
    expect(pub.statusCode).toBe(400);
    expect(pub.json().error.fields[0]).toMatchObject({ path: 'subcategory' });
    expect((await publicReport({ category: 'logistik' })).statusCode).toBe(400);
    const ok = await publicReport({ subcategory: 'voucher_digital' });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('restores a retired subcategory, and a version takes effect at its time', async () => {
    const v3 = edited((c) => Object.assign(c, structuredClone(V2)));
    cat(v3, 'politik_uang').subcategories.find((s) => s.code === 'barang')!.retired = false;
    const effectiveFrom = new Date(t.clock.now.getTime() + 3600_000).toISOString();
    const res = await admin.post('/api/config/taxonomy', { baseVersion: 2, config: v3, effectiveFrom, note: 'Barang dibuka lagi' });
    expect(res.statusCode, res.body).toBe(201);
    // not yet in force
    expect((await t.app.inject({ method: 'GET', url: '/api/taxonomy' })).json().version).toBe(2);
    expect((await officer.post('/api/reports', body({ subcategory: 'barang' }))).statusCode).toBe(400);
    t.clock.now = new Date(t.clock.now.getTime() + 2 * 3600_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/taxonomy' })).json().version).toBe(3);
    expect((await officer.post('/api/reports', body({ subcategory: 'barang' }))).statusCode).toBe(201);
    // and a later version cannot start before it
    const early = await admin.post('/api/config/taxonomy', { baseVersion: 3, config: v3, effectiveFrom: new Date(Date.parse(effectiveFrom) - 60_000).toISOString() });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields).toEqual([{ path: 'effectiveFrom', message: 'Versi baru tidak boleh berlaku sebelum versi terakhir.' }]);
  });

  it('sees a version saved by another instance once its cache is older than the TTL', async () => {
    let fake = performance.now();
    vi.spyOn(performance, 'now').mockImplementation(() => fake);
    const version = async () => (await t.app.inject({ method: 'GET', url: '/api/taxonomy' })).json().version as number;
    expect(await version()).toBe(3);
    // another instance on the same database writes version 4 (this process's cache does not know)
    const v4 = edited((c) => Object.assign(c, structuredClone(V2)));
    cat(v4, 'kampanye_hitam').label = { id: 'Kampanye hitam (fitnah)', en: 'Black campaign (slander)' };
    await t.handle.query('INSERT INTO taxonomy_configs (version, effective_from, config, note) VALUES (4, $1, $2::jsonb, $3)', [t.clock.now, JSON.stringify(v4), 'instance B']);
    expect(await version()).toBe(3);
    fake += TAXONOMY_CACHE_TTL_MS + 1;
    expect(await version()).toBe(4);
    vi.restoreAllMocks();
  });
});
