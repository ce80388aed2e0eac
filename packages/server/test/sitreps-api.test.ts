import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertHooks } from '../src/services/alerts.service.js';
import { createMailer, dispatchOnce } from '../src/services/delivery.service.js';
import { escalateOverdueReports } from '../src/services/reports.service.js';
import { applyPendingRiskDeltas } from '../src/services/risk.service.js';
import { startSmtpSink, testDeliveryConfig } from './delivery-support.js';
import { actOnReport, BACKENDS, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

const KLATEN = '33.10';
const BAYAT = '33.10.04';
const CAWAS = '33.10.05';
/** The fixture's day (WIB) and the instants around it. */
const DAY = '2024-11-20';
const at = (local: string) => new Date(`${local}+07:00`);

/** pdftotext (poppler-utils) of a PDF, layout kept so table rows stay on one line. */
function pdfText(buffer: Buffer): string {
  const file = path.join(os.tmpdir(), `sitrep-${randomUUID()}.pdf`);
  fs.writeFileSync(file, buffer);
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe.each(BACKENDS)('daily situation reports on %s', (backend) => {
  let t: TestApp;
  let kesbang: Agent;
  let polres: Agent;
  let kodim: Agent;
  let kpu: Agent;
  let bawaslu: Agent;
  let observer: Agent;
  let panwascamBayat: Agent;
  let panwascamCawas: Agent;
  let admin: Agent;
  let bayatVillages: string[];
  let cawasVillages: string[];
  const ids: Record<string, string> = {};

  async function report(key: string, when: string, over: Record<string, unknown>) {
    t.clock.now = at(when);
    const body = reportBody(t.clock.now, {
      regionCode: bayatVillages[0],
      occurredAt: new Date(t.clock.now.getTime() - 600_000).toISOString(),
      title: `Laporan ${key}`,
      description: 'Uraian kejadian untuk uji laporan situasi.',
      ...over,
    });
    ids[key] = await fileReport(kesbang, body);
  }
  async function act(key: string, when: string, action: string, body: Record<string, unknown> = {}) {
    t.clock.now = at(when);
    await actOnReport(kesbang, ids[key]!, action, body);
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    bayatVillages = t.regions.descendantsAt(BAYAT, 'village');
    cawasVillages = t.regions.descendantsAt(CAWAS, 'village');
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol', fullName: 'Kepala Kesbangpol Klaten', position: 'Kepala Kesbangpol' });
    await createTestUser(t.handle, { username: 'polres', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'kodim', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'tni' });
    await createTestUser(t.handle, { username: 'kpu', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kpu' });
    await createTestUser(t.handle, { username: 'bawaslu', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'bupati', role: 'observer', scopes: [KLATEN], pillarCode: 'pemda' });
    await createTestUser(t.handle, { username: 'panwascam.bayat', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'panwascam.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'admin', role: 'admin', scopes: ['*'] });
    kesbang = await t.login('kesbang');
    polres = await t.login('polres');
    kodim = await t.login('kodim');
    kpu = await t.login('kpu');
    bawaslu = await t.login('bawaslu');
    observer = await t.login('bupati');
    panwascamBayat = await t.login('panwascam.bayat');
    panwascamCawas = await t.login('panwascam.cawas');
    admin = await t.login('admin');

    // the hand-made day (WIB): r5 the evening before, r1–r4 during the day, r6 the next morning
    await report('r5', '2024-11-19T20:00:00', { severity: 2 });
    await report('r1', `${DAY}T09:00:00`, { severity: 2 });
    await report('r2', `${DAY}T09:30:00`, { severity: 3 });
    await report('r3', `${DAY}T10:00:00`, { category: 'hoaks', severity: 1, regionCode: cawasVillages[0] });
    await report('r4', `${DAY}T12:00:00`, { category: 'intimidasi_kekerasan', severity: 4, regionCode: cawasVillages[1] });
    // the index job raises the severity-4 alert of the day
    await applyPendingRiskDeltas({ handle: t.handle, hooks: alertHooks(t) }, t.clock.now.getTime());
    await act('r1', `${DAY}T10:00:00`, 'verify', { comment: 'dicek' });
    await act('r1', `${DAY}T11:00:00`, 'resolve', { outcome: 'Sudah ditangani.' });
    await act('r5', `${DAY}T08:00:00`, 'verify', { comment: 'dicek' });
    await act('r5', `${DAY}T13:00:00`, 'resolve', { outcome: 'Sudah ditangani.' });
    await act('r4', `${DAY}T12:30:00`, 'verify', { comment: 'dicek' });
    await act('r4', `${DAY}T13:00:00`, 'escalate', { reason: 'Perlu Forkopimda' });
    await report('r6', '2024-11-21T07:00:00', { severity: 1 });
    t.clock.now = at('2024-11-22T10:00:00');
  });
  afterAll(async () => t?.dispose());

  let sitrepId = '';

  it('assembles the day’s numbers of a regency from the reports (hand-made fixture)', async () => {
    const res = await kesbang.post('/api/sitreps', { regionCode: KLATEN, date: DAY });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json();
    sitrepId = s.id;
    expect(s).toMatchObject({ regionCode: KLATEN, date: DAY, timeZone: 'WIB', revision: 1, status: 'draft', version: 1, isDemo: false, sectionsSubmitted: 0, sectionsTotal: 5 });
    expect(s.sections.map((x: { pillarCode: string }) => x.pillarCode)).toEqual(['polri', 'tni', 'kesbangpol', 'kpu', 'bawaslu']);
    expect(s.sections[0].title).toContain('Polres');
    expect(s.sections[1].title).toContain('Kodim');
    const n = s.numbers;
    expect(n.from).toBe(at(`${DAY}T00:00:00`).toISOString());
    expect(n.to).toBe(at('2024-11-21T00:00:00').toISOString());
    expect(n).toMatchObject({ received: 4, resolved: 2, escalated: 1, openAtEnd: 3, overdue: 2 });
    expect(n.byCategory).toEqual([
      { category: 'politik_uang', count: 2 },
      { category: 'hoaks', count: 1 },
      { category: 'intimidasi_kekerasan', count: 1 },
    ]);
    expect(n.bySeverity).toEqual([1, 2, 3, 4].map((severity) => ({ severity, count: 1 })));
    expect(n.byStatus).toEqual([
      { status: 'new', count: 2 },
      { status: 'verified', count: 1 },
      { status: 'resolved', count: 1 },
    ]);
    expect(n.escalations.map((e: { reportId: string }) => e.reportId)).toEqual([ids.r4]);
    expect(n.alerts).toHaveLength(1);
    expect(n.alerts[0]).toMatchObject({ kind: 'severity4', regionCode: cawasVillages[1], createdAt: at(`${DAY}T12:00:00`).toISOString() });
    expect(n.topRegions.length).toBeGreaterThan(0);
    expect(n.topRegions.map((r: { regionCode: string }) => r.regionCode)).toEqual(expect.arrayContaining([BAYAT, CAWAS]));
    // opening it again answers the same report
    const again = await polres.post('/api/sitreps', { regionCode: KLATEN, date: DAY });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(sitrepId);
    // a district's report counts only its own reports
    const bayat = await panwascamBayat.post('/api/sitreps', { regionCode: BAYAT, date: DAY });
    expect(bayat.statusCode, bayat.body).toBe(201);
    expect(bayat.json().numbers).toMatchObject({ received: 2, resolved: 2, openAtEnd: 1, overdue: 1 });
    expect(bayat.json().sections[4].title).toContain('Panwascam');
  });

  it('rejects bad input with a 4xx and changes nothing', async () => {
    const count = async () => Number((await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM sitreps'))[0]!.n);
    const before = await count();
    for (const body of [
      { regionCode: '33.10.04.2001', date: DAY },
      { regionCode: 'xx', date: DAY },
      { regionCode: KLATEN, date: '20-11-2024' },
      { regionCode: KLATEN, date: '2030-01-01' },
      { regionCode: KLATEN, date: DAY, extra: 1 },
      { regionCode: '99.99', date: DAY },
    ]) {
      const res = await kesbang.post('/api/sitreps', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation');
    }
    const en = await kesbang.request({ method: 'POST', url: '/api/sitreps', payload: { regionCode: '33.10.04.2001', date: DAY }, headers: { 'accept-language': 'en' } });
    expect(en.json().error.fields[0].message).toContain('situation report');
    expect((await polres.post('/api/sitreps', { regionCode: '33.11', date: DAY })).statusCode).toBe(403);
    expect((await observer.post('/api/sitreps', { regionCode: KLATEN, date: DAY })).statusCode).toBe(403);
    expect(await count()).toBe(before);
    const res = await polres.request({ method: 'PUT', url: `/api/sitreps/${sitrepId}/sections/polri`, payload: { body: 'x'.repeat(20_001), version: 1 } });
    expect(res.statusCode).toBe(400);
  });

  it('runs fill → submit → approve → release with versions, roles and scope', async () => {
    let s = (await kesbang.get(`/api/sitreps/${sitrepId}`)).json();
    const v = (code: string) => s.sections.find((x: { code: string }) => x.code === code).version;
    // each pillar fills its own section; another pillar's desk cannot
    expect((await kodim.request({ method: 'PUT', url: `/api/sitreps/${sitrepId}/sections/polri`, payload: { body: 'bukan bagian saya', version: v('polri') } })).statusCode).toBe(403);
    expect((await observer.request({ method: 'PUT', url: `/api/sitreps/${sitrepId}/sections/polri`, payload: { body: 'x', version: v('polri') } })).statusCode).toBe(403);
    let res = await polres.request({ method: 'PUT', url: `/api/sitreps/${sitrepId}/sections/polri`, payload: { body: 'Situasi kamtibmas aman terkendali.', version: v('polri') } });
    expect(res.statusCode, res.body).toBe(200);
    s = res.json();
    expect(s.sections[0]).toMatchObject({ status: 'pending', body: 'Situasi kamtibmas aman terkendali.', version: 2, canEdit: true });
    expect(s.version).toBe(2);
    // a stale section version is refused and changes nothing
    res = await polres.request({ method: 'PUT', url: `/api/sitreps/${sitrepId}/sections/polri`, payload: { body: 'tertimpa', version: 1 } });
    expect(res.statusCode).toBe(409);
    expect((await polres.get(`/api/sitreps/${sitrepId}`)).json().sections[0].body).toBe('Situasi kamtibmas aman terkendali.');
    // submitting an empty section is refused
    res = await kodim.post(`/api/sitreps/${sitrepId}/sections/tni/submit`, { version: v('tni') });
    expect(res.statusCode).toBe(400);
    // approval needs every section
    res = await kesbang.post(`/api/sitreps/${sitrepId}/approve`, { version: s.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.fields.length).toBe(5);
    s = (await polres.post(`/api/sitreps/${sitrepId}/sections/polri/submit`, { version: v('polri') })).json();
    for (const [agent, code, body] of [
      [kodim, 'tni', 'Babinsa siaga di 401 desa; tidak ada gangguan.'],
      [kesbang, 'kesbangpol', 'Rakor FKDM dilaksanakan; ormas kondusif.'],
      [kpu, 'kpu', 'Distribusi logistik tahap 1 selesai.'],
      [bawaslu, 'bawaslu', 'Dua dugaan politik uang ditindaklanjuti Sentra Gakkumdu.'],
    ] as const) {
      res = await agent.post(`/api/sitreps/${sitrepId}/sections/${code}/submit`, { body, version: v(code) });
      expect(res.statusCode, res.body).toBe(200);
      s = res.json();
    }
    expect(s.sectionsSubmitted).toBe(5);
    expect(s.can).toMatchObject({ approve: false, release: false }); // the Bawaslu desk's view
    s = (await kesbang.get(`/api/sitreps/${sitrepId}`)).json();
    expect(s.can).toMatchObject({ approve: true, release: false });
    // only the Kesbangpol desk approves: another desk gets 403
    res = await polres.post(`/api/sitreps/${sitrepId}/approve`, { version: s.version });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('Kesbangpol');
    // a stale report version is refused
    expect((await kesbang.post(`/api/sitreps/${sitrepId}/approve`, { version: s.version - 1 })).statusCode).toBe(409);
    // another district's desk cannot see it at all
    expect((await panwascamCawas.get(`/api/sitreps/${sitrepId}`)).statusCode).toBe(404);
    expect((await panwascamCawas.get(`/api/sitreps/${sitrepId}/pdf`)).statusCode).toBe(404);
    expect((await panwascamCawas.post(`/api/sitreps/${sitrepId}/approve`, { version: s.version })).statusCode).toBe(404);
    expect((await panwascamCawas.get('/api/sitreps')).json().items.every((i: { regionCode: string }) => i.regionCode.startsWith(CAWAS))).toBe(true);
    t.clock.now = at('2024-11-22T17:00:00');
    res = await kesbang.post(`/api/sitreps/${sitrepId}/approve`, { version: s.version });
    expect(res.statusCode, res.body).toBe(200);
    s = res.json();
    expect(s).toMatchObject({ status: 'approved', approvedBy: 'Kepala Kesbangpol Klaten', approverPosition: 'Kepala Kesbangpol' });
    expect(s.numbers.received).toBe(4);
    // sections are frozen once approved
    res = await bawaslu.request({ method: 'PUT', url: `/api/sitreps/${sitrepId}/sections/bawaslu`, payload: { body: 'ubah', version: v('bawaslu') + 1 } });
    expect(res.statusCode).toBe(409);
    // release: immutable, one outbox row in the same transaction
    const template = await kesbang.request({ method: 'PUT', url: `/api/sitrep-templates/${KLATEN}`, payload: { sections: s.sections.map((x: { code: string; pillarCode: string; title: string }) => ({ code: x.code, pillarCode: x.pillarCode, title: x.title })), distribution: ['bupati@klaten.example.id', 'forkopimda@klaten.example.id'] } });
    expect(template.statusCode, template.body).toBe(200);
    expect((await polres.post(`/api/sitreps/${sitrepId}/release`, { version: s.version })).statusCode).toBe(403);
    res = await kesbang.post(`/api/sitreps/${sitrepId}/release`, { version: s.version });
    expect(res.statusCode, res.body).toBe(200);
    s = res.json();
    expect(s).toMatchObject({ status: 'released', distribution: ['bupati@klaten.example.id', 'forkopimda@klaten.example.id'] });
    const outbox = await t.handle.query<{ topic: string; payload: { sitrepId: string; pdfPath: string; distribution: string[] }; recipients: string[] }>("SELECT topic, payload, recipients FROM outbox WHERE topic = 'sitrep.released'");
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.payload).toMatchObject({ sitrepId, pdfPath: `/api/sitreps/${sitrepId}/pdf`, distribution: ['bupati@klaten.example.id', 'forkopimda@klaten.example.id'] });
    expect(outbox[0]!.recipients).toContain('email:bupati@klaten.example.id');
    expect((await kesbang.post(`/api/sitreps/${sitrepId}/release`, { version: s.version })).statusCode).toBe(409);
    // the database itself refuses to change a released report
    await expect(t.handle.query("UPDATE sitreps SET numbers = '{}'::jsonb WHERE id = $1", [sitrepId])).rejects.toThrow(/immutable/);
    // every change is in the audit log
    const actions = (await t.handle.query<{ action: string }>("SELECT action FROM audit_log WHERE entity = 'sitrep' AND entity_id = $1 ORDER BY id", [sitrepId])).map((r) => r.action);
    expect(actions).toEqual(['sitrep.create', 'sitrep.section_update', 'sitrep.section_submit', 'sitrep.section_submit', 'sitrep.section_submit', 'sitrep.section_submit', 'sitrep.section_submit', 'sitrep.approve', 'sitrep.release']);
    // the observer (Bupati) reads it
    expect((await observer.get(`/api/sitreps/${sitrepId}`)).statusCode).toBe(200);
  });

  it('renders the PDF with the day’s numbers, sections and approver', async () => {
    const res = await observer.get(`/api/sitreps/${sitrepId}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(res.rawPayload);
    if (process.env.SITREP_PDF_OUT) fs.writeFileSync(process.env.SITREP_PDF_OUT, res.rawPayload); // to look at it
    expect(text).toContain('LAPORAN SITUASI HARIAN');
    expect(text).toMatch(/KABUPATEN KLATEN|Klaten/i);
    expect(text).toContain('Rabu, 20 November 2024');
    expect(text).toContain('WIB');
    expect(text).toMatch(/Laporan masuk\s+4\b/);
    expect(text).toMatch(/Laporan selesai ditangani\s+2\b/);
    expect(text).toMatch(/Melewati batas waktu layanan \(SLA\)\s+2\b/);
    expect(text).toMatch(/Politik uang\s+2\b/);
    expect(text).toMatch(/Hoaks \/ disinformasi\s+1\b/);
    expect(text).toContain('4. Peringatan dini hari ini');
    expect(text).toMatch(/12\.00 WIB/);
    expect(text).toContain('Dua dugaan politik uang ditindaklanjuti Sentra Gakkumdu.');
    expect(text).toContain('Kepala Kesbangpol Klaten');
    expect(text).toContain('DIRILIS');
    expect(text).not.toContain('DATA DEMO');
  });

  it('corrects a released report with a new revision', async () => {
    const released = (await kesbang.get(`/api/sitreps/${sitrepId}`)).json();
    expect((await polres.post(`/api/sitreps/${sitrepId}/revise`, { version: released.version })).statusCode).toBe(403);
    const res = await kesbang.post(`/api/sitreps/${sitrepId}/revise`, { version: released.version });
    expect(res.statusCode, res.body).toBe(201);
    const rev = res.json();
    expect(rev).toMatchObject({ revision: 2, status: 'draft', supersedes: sitrepId, sectionsSubmitted: 0 });
    expect(rev.sections[4].body).toBe('Dua dugaan politik uang ditindaklanjuti Sentra Gakkumdu.');
    const old = (await kesbang.get(`/api/sitreps/${sitrepId}`)).json();
    expect(old).toMatchObject({ status: 'released', supersededBy: rev.id, numbers: released.numbers });
    expect((await kesbang.post(`/api/sitreps/${sitrepId}/revise`, { version: old.version })).statusCode).toBe(409);
    // the day now opens at the latest revision
    expect((await kesbang.post('/api/sitreps', { regionCode: KLATEN, date: DAY })).json().id).toBe(rev.id);
    const list = (await kesbang.get(`/api/sitreps?region=${KLATEN}&date=${DAY}`)).json();
    expect(list.items.map((i: { revision: number }) => i.revision).sort()).toEqual([1, 2]);
  });

  it('marks reports made in demo mode and labels the PDF DATA DEMO', async () => {
    const demo = await createTestApp(backend, { demo: true });
    try {
      await createTestUser(demo.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
      const agent = await demo.login('kesbang');
      const s = (await agent.post('/api/sitreps', { regionCode: KLATEN, date: '2024-11-20' })).json();
      expect(s.isDemo).toBe(true);
      const text = pdfText((await agent.get(`/api/sitreps/${s.id}/pdf`)).rawPayload);
      expect(text).toContain('DATA DEMO');
      expect(text).toMatch(/Laporan masuk\s+0\b/);
    } finally {
      await demo.dispose();
    }
  });

  it('records SLA changes (who, when, old → new) and the escalation job applies them', async () => {
    const body = { config: { 1: { verifyMinutes: 60, handleMinutes: 60 }, 2: { verifyMinutes: 30, handleMinutes: 60 }, 3: { verifyMinutes: 30, handleMinutes: 60 }, 4: { verifyMinutes: 15, handleMinutes: 30 } }, note: 'Masa tenang: lebih ketat' };
    expect((await kesbang.post('/api/config/sla', body)).statusCode).toBe(403);
    expect((await admin.post('/api/config/sla', { ...body, config: { ...body.config, 1: { verifyMinutes: 0, handleMinutes: 1 } } })).statusCode).toBe(400);
    const res = await admin.post('/api/config/sla', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ version: 2, isDefault: false });
    const list = (await kesbang.get('/api/config/sla')).json();
    expect(list.current).toBe(2);
    expect(list.items.map((i: { version: number }) => i.version)).toEqual([1, 2]);
    const history = (await admin.get('/api/config/history')).json().items;
    expect(history[0]).toMatchObject({ actorName: 'admin', action: 'sla.config_version', entity: 'sla_config', entityId: '2' });
    expect(history[0].before.config['1'].verifyMinutes).toBe(72 * 60);
    expect(history[0].after.config['1'].verifyMinutes).toBe(60);
    expect((await kesbang.get('/api/config/history')).statusCode).toBe(403);
    // a note (severity 1) is due after 60 minutes now, not 3 days
    t.clock.now = new Date();
    await report('sla', new Date(Date.now() - 2 * 3600_000).toISOString().slice(0, 19).replace('Z', ''), { severity: 1 });
    await t.handle.query('UPDATE reports SET created_at = $2, status_changed_at = $2 WHERE id = $1', [ids.sla, new Date(Date.now() - 2 * 3600_000)]);
    const done = await escalateOverdueReports({ handle: t.handle, regions: t.regions, elections: t.elections, writer: t.reportWriter }, new Date());
    expect(done.map((d) => d.id)).toContain(ids.sla);
  });

  it('records index configuration changes through the API with old → new', async () => {
    const list = (await kesbang.get('/api/config/index')).json();
    expect(list.items[0].version).toBe(1);
    const { version: _v, ...next } = list.items.at(-1);
    next.thresholds = { ...next.thresholds, regency: { sedang: 10, tinggi: 40 } };
    next.effectiveFrom = new Date().toISOString();
    next.note = 'Ambang kabupaten disesuaikan';
    expect((await kesbang.post('/api/config/index', next)).statusCode).toBe(403);
    expect((await admin.post('/api/config/index', { ...next, thresholds: { ...next.thresholds, regency: { sedang: 50, tinggi: 40 } } })).statusCode).toBe(400);
    const res = await admin.post('/api/config/index', next);
    expect(res.statusCode, res.body).toBe(201);
    t.clock.now = new Date(Date.now() + 1000);
    const after = (await kesbang.get('/api/config/index')).json();
    expect(after.current).toBe(res.json().version);
    const change = (await admin.get('/api/config/history')).json().items[0];
    expect(change).toMatchObject({ action: 'risk.config_version', entity: 'risk_index_config' });
    expect(change.before.thresholds.regency).toEqual({ sedang: 13.47, tinggi: 49.33 });
    expect(change.after.thresholds.regency).toEqual({ sedang: 10, tinggi: 40 });
  });
});

describe.each(BACKENDS)('a released situation report is e-mailed to its distribution list on %s', (backend) => {
  it('sends one e-mail per address through the outbox, linking the report page', async () => {
    const smtp = await startSmtpSink();
    const { mails } = smtp;
    const t = await createTestApp(backend, { demo: true, delivery: testDeliveryConfig(smtp.url) });
    const mailer = createMailer(t.config);
    try {
      await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
      const kesbang = await t.login('kesbang');
      const put = await kesbang.request({ method: 'PUT', url: `/api/sitrep-templates/${KLATEN}`, payload: { sections: [{ code: 'kesbangpol', pillarCode: 'kesbangpol', title: 'Situasi umum' }], distribution: ['bupati@klaten.example.id', 'dandim@klaten.example.id'] } });
      expect(put.statusCode, put.body).toBe(200);
      let s = (await kesbang.post('/api/sitreps', { regionCode: KLATEN, date: '2024-11-20' })).json();
      expect(s.sections).toHaveLength(1);
      s = (await kesbang.post(`/api/sitreps/${s.id}/sections/kesbangpol/submit`, { body: 'Kondusif.', version: s.sections[0].version })).json();
      s = (await kesbang.post(`/api/sitreps/${s.id}/approve`, { version: s.version })).json();
      const released = await kesbang.post(`/api/sitreps/${s.id}/release`, { version: s.version });
      expect(released.statusCode, released.body).toBe(200);
      const deps = { handle: t.handle, regions: t.regions, config: t.config, mailer };
      await dispatchOnce(deps, new Date(t.clock.now.getTime() + 1000));
      await dispatchOnce(deps, new Date(t.clock.now.getTime() + 2000));
      const ours = mails.filter((m) => m.to.some((a) => a.endsWith('@klaten.example.id')));
      expect(ours.map((m) => m.to[0]).sort()).toEqual(['bupati@klaten.example.id', 'dandim@klaten.example.id']);
      const body = ours[0]!.data.replace(/=\r?\n/g, '');
      expect(body).toContain(`https://sinergi.test/lapsit/${s.id}`);
      expect(body).toMatch(/DATA DEMO/);
      expect(body).toMatch(/2024-11-20/);
      // a second pass sends nothing again
      await dispatchOnce(deps, new Date(t.clock.now.getTime() + 60_000));
      expect(mails.filter((m) => m.to.some((a) => a.endsWith('@klaten.example.id')))).toHaveLength(2);
    } finally {
      mailer?.close();
      await t.dispose();
      await smtp.close();
    }
  });
});
