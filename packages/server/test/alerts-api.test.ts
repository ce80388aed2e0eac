import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_INDEX_CONFIG, addDays, localDateOf, localMidnight } from '@sinergi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsDeps } from '../src/routes/reports.js';
import { alertHooks, runAlertChecks } from '../src/services/alerts.service.js';
import { createPublicReport } from '../src/services/reports.service.js';
import { systemContext } from '../src/services/context.js';
import { addIndexConfigVersion, applyPendingRiskDeltas } from '../src/services/risk.service.js';
import { dispatchOnce, type DeliveryDeps } from '../src/services/delivery.service.js';
import { startReceiver } from './delivery-support.js';
import { actOnReport, BACKENDS, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

// ../shared sits beside the repository root, in CI too; xmllint comes from libxml2-utils (.ci/run)
const XSD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/cap/cap-1.2.xsd');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-alerts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function xmllint(xml: string, args: string[]): { ok: boolean; out: string } {
  const file = path.join(tmp, `${randomBytes(6).toString('hex')}.xml`);
  fs.writeFileSync(file, xml, 'utf8');
  const r = spawnSync('xmllint', [...args, file], { encoding: 'utf8' });
  if (r.error) throw r.error; // missing xmllint fails the test: it must run, not skip
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const KLATEN = '33.10';
const BAYAT = '33.10.04';
const CAWAS = '33.10.05';
const D1 = '33.10.06';
const D2 = '33.10.07';
const D3 = '33.10.08';
const SUKOHARJO = '33.11';
const HOUR = 3_600_000;

function multipart(text: string) {
  const boundary = `----sinergi${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ikp.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

interface AlertJson {
  id: string;
  kind: string;
  status: string;
  regionCode: string;
  level?: string;
  previousLevel?: string | null;
  reportIds: string[];
  channels: string[];
  isProvisional: boolean;
  isDemo: boolean;
  version: number;
  deskId?: string;
  changes?: { regionCode: string; from: string; to: string }[];
  hasCap: boolean;
}

describe.each(BACKENDS)('early-warning alerts on %s', (backend) => {
  let t: TestApp;
  let officer: Agent;
  let panwascam: Agent;
  let deskCawas: Agent;
  let kesbang: Agent;
  let admin: Agent;
  let observer: Agent;
  let sukoOfficer: Agent;
  let villages: (code: string) => string[];

  const file = (agent: Agent, over: Record<string, unknown>) =>
    fileReport(agent, reportBody(t.clock.now, { severity: 3, occurredAt: new Date(t.clock.now.getTime() - 2 * HOUR).toISOString(), ...over }));
  const act = actOnReport;
  const drain = () => applyPendingRiskDeltas({ handle: t.handle, hooks: alertHooks(t) }, t.clock.now.getTime());
  const check = () => runAlertChecks(t, t.clock.now.getTime());
  const alertsOf = async (agent: Agent, query = ''): Promise<AlertJson[]> => {
    const res = await agent.get(`/api/alerts?limit=500${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await t.handle.query<{ n: number }>(sql, params))[0]!.n);
  const outboxOf = (alertId: string) =>
    t.handle.query<{ topic: string; recipients: string[]; payload: { channels?: string[]; action?: string } }>(
      `SELECT topic, recipients, payload FROM outbox WHERE payload->>'alertId' = $1 ORDER BY id`,
      [alertId],
    );

  const loginAll = async () => {
    officer = await t.login('officer');
    panwascam = await t.login('panwascam');
    deskCawas = await t.login('desk.cawas');
    kesbang = await t.login('kesbang');
    observer = await t.login('pemantau');
    admin = await t.login('admin2');
    sukoOfficer = await t.login('officer.suko');
  };

  beforeAll(async () => {
    // the clock moves up to a day ahead; sessions expire by the wall clock at login (auth.service), so give them 3 days
    t = await createTestApp(backend, { loginMaxPerMinute: 1000, sessionHours: 72 });
    villages = (code) => t.regions.descendantsAt(code, 'village');
    await createTestUser(t.handle, { username: 'officer', role: 'field_officer', scopes: [KLATEN], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'desk.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'pemantau', role: 'observer', scopes: [KLATEN] });
    await createTestUser(t.handle, { username: 'admin2', role: 'admin', scopes: ['*'] });
    await createTestUser(t.handle, { username: 'officer.suko', role: 'field_officer', scopes: [SUKOHARJO], pillarCode: 'polri' });
    await loginAll();
    await drain(); // first run builds the (empty) states
    await check(); // first check records its instant
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('raises a severity-4 alert for an officer report on every channel, once, with its outbox row in the same transaction', async () => {
    const village = villages(BAYAT)[0]!;
    const id = await file(officer, { regionCode: village, category: 'intimidasi_kekerasan', severity: 4, title: 'Ancaman terhadap saksi' });
    const quiet = await file(officer, { regionCode: village, severity: 3 });
    // the pass tells how many notices it wrote: the index job wakes the dispatcher on it
    expect((await drain()).notices).toBe(1);
    const mine = (await alertsOf(kesbang, '&kind=severity4')).filter((a) => a.reportIds.includes(id));
    expect(mine).toHaveLength(1);
    const alert = mine[0]!;
    expect(alert).toMatchObject({ kind: 'severity4', regionCode: village, status: 'open', isProvisional: false, isDemo: false, hasCap: true });
    expect(alert.channels).toEqual(['web', 'email', 'webhook', 'cap']);
    expect((await alertsOf(kesbang, '&kind=severity4')).some((a) => a.reportIds.includes(quiet))).toBe(false);
    const out = await outboxOf(alert.id);
    expect(out).toHaveLength(1);
    expect(out[0]!.topic).toBe('alert.raised');
    expect(out[0]!.recipients).toEqual([`village:${village}`, `district:${BAYAT}`, `regency:${KLATEN}`]);
    expect(out[0]!.payload.channels).toEqual(['web', 'email', 'webhook', 'cap']);

    // verifying it changes its weight but is the same cause: no second alert, no second outbox row
    await act(panwascam, id, 'verify');
    await drain();
    expect((await alertsOf(kesbang, '&kind=severity4')).filter((a) => a.reportIds.includes(id))).toHaveLength(1);
    expect(await outboxOf(alert.id)).toHaveLength(1);
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'alert' AND entity_id = $1 AND action = 'alert.raise'`, [alert.id])).toBe(1);
  });

  it('keeps an anonymous public severity-4 report on the web only until a desk verifies it, then sends the other channels', async () => {
    const village = villages(BAYAT)[1]!;
    const pub = randomUUID();
    await createPublicReport(
      reportsDeps(t),
      { id: pub, category: 'konflik_sosial', severity: 4, regionCode: village, occurredAt: new Date(t.clock.now.getTime() - HOUR).toISOString(), title: 'Bentrok dua kelompok', description: 'Dua kelompok pendukung saling lempar batu.' },
      { now: t.clock.now, ip: null },
    );
    await drain();
    let alert = (await alertsOf(panwascam, '&kind=severity4')).find((a) => a.reportIds.includes(pub))!;
    expect(alert).toMatchObject({ isProvisional: true, channels: ['web'], hasCap: false });
    let out = await outboxOf(alert.id);
    expect(out.map((o) => o.payload.channels)).toEqual([['web']]); // no e-mail, webhook or CAP from an anonymous report alone
    const cap = await panwascam.get(`/api/alerts/${encodeURIComponent(alert.id)}/cap`);
    expect(cap.statusCode).toBe(409);
    expect(cap.json().error.code).toBe('conflict');
    const atom = (await panwascam.get('/api/alerts/cap.atom')).body;
    expect(atom).not.toContain(encodeURIComponent(alert.id));

    await act(panwascam, pub, 'verify');
    await drain();
    alert = (await alertsOf(panwascam, '&kind=severity4')).find((a) => a.reportIds.includes(pub))!;
    expect(alert).toMatchObject({ isProvisional: false, channels: ['web', 'email', 'webhook', 'cap'], hasCap: true });
    out = await outboxOf(alert.id);
    expect(out.map((o) => [o.topic, o.payload.channels])).toEqual([
      ['alert.raised', ['web']],
      ['alert.raised', ['email', 'webhook', 'cap']],
    ]);
    const detail = (await panwascam.get(`/api/alerts/${encodeURIComponent(alert.id)}`)).json();
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['raise', 'upgrade']);
  });

  it('raises exactly one level rise for a district whose score crosses the threshold, and none again while it stays', async () => {
    const village = villages(CAWAS)[0]!;
    await file(officer, { regionCode: village, severity: 1, category: 'hoaks' });
    await drain();
    const base = (await kesbang.get(`/api/risk/${CAWAS}`)).json();
    expect(base.level).toBe('rendah');
    // structural just below the threshold minus a little of the dynamic part: one more report crosses it
    const s = Math.round((13.42 - base.dynamic.contribution) * 100) / 100;
    expect((await admin.request({ method: 'POST', url: '/api/risk/structural', ...multipart(`regionCode,subdimension,score\n${CAWAS},keamanan,${s}\n`) })).statusCode).toBe(201);
    expect((await kesbang.get(`/api/risk/${CAWAS}`)).json().level).toBe('rendah');
    expect((await alertsOf(kesbang, '&kind=level_rise')).filter((a) => a.regionCode === CAWAS)).toHaveLength(0); // an import alone raises nothing
    const r = await file(officer, { regionCode: village, severity: 3, category: 'politik_uang' });
    await drain();
    expect((await kesbang.get(`/api/risk/${CAWAS}`)).json().level).toBe('sedang');
    let rises = (await alertsOf(kesbang, '&kind=level_rise')).filter((a) => a.regionCode === CAWAS);
    expect(rises).toHaveLength(1);
    expect(rises[0]).toMatchObject({ previousLevel: 'rendah', level: 'sedang', isProvisional: false, channels: ['web', 'email', 'webhook', 'cap'] });
    expect(rises[0]!.reportIds).toEqual([r]);
    const out = await outboxOf(rises[0]!.id);
    expect(out).toHaveLength(1);
    expect(out[0]!.recipients).toEqual([`district:${CAWAS}`, `regency:${KLATEN}`]);
    await file(officer, { regionCode: village, severity: 1, category: 'hoaks' });
    await drain();
    rises = (await alertsOf(kesbang, '&kind=level_rise')).filter((a) => a.regionCode === CAWAS);
    expect(rises).toHaveLength(1); // still sedang: no new alert
    // villages move with single reports and are not alerted one by one
    expect((await alertsOf(kesbang, '&kind=level_rise')).some((a) => a.regionCode.split('.').length === 4)).toBe(false);
  });

  it('raises a spike alert when reports in a district jump above its own baseline, once', async () => {
    const vs = villages(D3);
    // two reports: below the minimum count of three, no spike
    const ids = [await file(officer, { regionCode: vs[0]!, severity: 2 }), await file(officer, { regionCode: vs[1]!, severity: 2, category: 'hoaks' })];
    await drain();
    await check(); // (Bayat and Cawas, with several reports today, may spike here)
    expect((await alertsOf(kesbang, '&kind=spike')).filter((a) => a.regionCode === D3)).toHaveLength(0);
    ids.push(await file(officer, { regionCode: vs[2]!, severity: 2, category: 'kampanye_hitam' }));
    await drain();
    expect((await check()).spikes).toBe(1);
    const spikes = (await alertsOf(kesbang, '&kind=spike')).filter((a) => a.regionCode === D3);
    expect(spikes).toHaveLength(1);
    expect([...spikes[0]!.reportIds].sort()).toEqual([...ids].sort());
    expect(spikes[0]).toMatchObject({ isProvisional: false, status: 'open' });
    const detail = (await kesbang.get(`/api/alerts/${encodeURIComponent(spikes[0]!.id)}`)).json();
    expect(detail.spike).toMatchObject({ count: 3 });
    expect(detail.spike.expected).toBeCloseTo(0.1, 10); // no baseline: the floor of 0.1 a day
    expect(detail.reports.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    // the same cause does not raise twice
    expect((await check()).spikes).toBe(0);
    expect((await alertsOf(kesbang, '&kind=spike')).filter((a) => a.regionCode === D3)).toHaveLength(1);
  });

  it('summarises level changes at a stage boundary in one notice per desk, not one alert per region', async () => {
    const today = localDateOf(t.clock.now, KLATEN);
    const election = await admin.post('/api/elections', {
      kind: 'pilkada',
      name: 'Pilkada Klaten (uji)',
      regionScope: KLATEN,
      stages: [
        { code: 'pendaftaran', name: 'Pendaftaran', startDate: addDays(today, -5), endDate: today, weight: 1 },
        { code: 'pemungutan_suara', name: 'Pemungutan suara', startDate: addDays(today, 1), endDate: addDays(today, 1), weight: 2 },
      ],
    });
    expect(election.statusCode, election.body).toBe(201);
    const ds = [D1, D2];
    for (const d of ds) await file(officer, { regionCode: villages(d)[0]!, severity: 2, category: 'politik_identitas' });
    await drain();
    // structural parts so that weight 1 keeps each rendah and weight 2 lifts it to sedang
    const lines = [];
    for (const d of ds) {
      const r = (await kesbang.get(`/api/risk/${d}`)).json();
      expect(r.stageWeight).toBe(1);
      lines.push(`${d},keamanan,${Math.round((13.47 - 1.5 * r.dynamic.contribution) * 100) / 100}`);
    }
    expect((await admin.request({ method: 'POST', url: '/api/risk/structural', ...multipart(`regionCode,subdimension,score\n${lines.join('\n')}\n`) })).statusCode).toBe(201);
    for (const d of ds) expect((await kesbang.get(`/api/risk/${d}`)).json().level).toBe('rendah');
    await check();
    const risesBefore = (await alertsOf(admin, '&kind=level_rise')).length;

    t.clock.now = new Date(localMidnight(addDays(today, 1), KLATEN).getTime() + 2 * HOUR); // polling day, 02:00 WIB
    await loginAll(); // sessions of the day before may have expired
    for (const d of ds) expect((await kesbang.get(`/api/risk/${d}`)).json().level).toBe('sedang');
    const result = await check();
    const notices = await alertsOf(admin, '&kind=stage_summary');
    expect(result.stageSummaries).toBe(notices.length);
    // one per desk: the Klaten regency desk and the Central Java province desk
    expect(notices.map((n) => n.deskId).sort()).toEqual(['province:33', `regency:${KLATEN}`]);
    for (const n of notices) {
      const changed = n.changes!.filter((c) => ds.includes(c.regionCode));
      expect(changed.map((c) => [c.regionCode, c.from, c.to])).toEqual(ds.map((d) => [d, 'rendah', 'sedang']));
      expect(n.channels).toEqual(['web', 'email']);
      expect(n.hasCap).toBe(false);
      const out = await outboxOf(n.id);
      expect(out.map((o) => [o.topic, o.recipients])).toEqual([['alert.raised', [n.deskId]]]);
    }
    expect((await alertsOf(admin, '&kind=level_rise')).length).toBe(risesBefore); // no alert per region
    // the same boundary is not summarised twice
    expect((await check()).stageSummaries).toBe(0);
    // the election shows on alerts raised in its region (the province-wide notice lies outside it)
    const list = await alertsOf(admin, `&election=${election.json().id}`);
    expect(list.filter((a) => a.kind === 'stage_summary').map((a) => a.deskId)).toEqual([`regency:${KLATEN}`]);
  });

  it('summarises level changes caused by a new index configuration version in one notice per desk', async () => {
    const before = (await kesbang.get(`/api/risk/${D3}`)).json();
    expect(before.level).toBe('rendah');
    const { version: _v, ...defaults } = DEFAULT_INDEX_CONFIG;
    await addIndexConfigVersion(
      { handle: t.handle },
      systemContext(t.clock.now),
      { ...defaults, effectiveFrom: new Date(t.clock.now.getTime() - 60_000).toISOString(), note: 'uji: ambang kecamatan lebih rendah', thresholds: { ...defaults.thresholds, district: { sedang: 1, tinggi: 49.33 } } },
    );
    const noticesBefore = (await alertsOf(admin, '&kind=stage_summary')).length;
    const risesBefore = (await alertsOf(admin, '&kind=level_rise')).length;
    const result = await drain(); // the job sees the new version in force and rebuilds
    expect(result.rebuilt).toBe(true);
    expect((await kesbang.get(`/api/risk/${D3}`)).json().level).toBe('sedang');
    const notices = (await alertsOf(admin, '&kind=stage_summary')).filter((n) => n.id.includes('-config-v'));
    expect((await alertsOf(admin, '&kind=stage_summary')).length).toBe(noticesBefore + notices.length);
    expect(notices.map((n) => n.deskId).sort()).toEqual(['province:33', `regency:${KLATEN}`]);
    for (const n of notices) {
      expect(n.changes!.find((c) => c.regionCode === D3)).toMatchObject({ from: 'rendah', to: 'sedang' });
      const detail = (await admin.get(`/api/alerts/${encodeURIComponent(n.id)}`)).json();
      expect(detail.cause.id).toContain('perubahan konfigurasi indeks');
    }
    expect((await alertsOf(admin, '&kind=level_rise')).length).toBe(risesBefore); // not one alert per region
    await drain();
    expect((await alertsOf(admin, '&kind=stage_summary')).length).toBe(noticesBefore + 2); // once
  });

  it('runs the desk workflow with versions: acknowledge, stale 409, act, close, reopen, comment; audited and told', async () => {
    const alert = (await alertsOf(panwascam, '&kind=severity4'))[0]!;
    const url = `/api/alerts/${encodeURIComponent(alert.id)}`;
    let res = await panwascam.post(`${url}/actions`, { action: 'acknowledge', version: alert.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'acknowledged', version: alert.version + 1 });

    // another desk with the old version: 409 with the current alert, nothing changed
    res = await kesbang.post(`${url}/actions`, { action: 'close', version: alert.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details.current).toMatchObject({ id: alert.id, status: 'acknowledged', version: alert.version + 1 });
    // not allowed in this status
    res = await kesbang.post(`${url}/actions`, { action: 'reopen', version: alert.version + 1 });
    expect(res.statusCode).toBe(409);
    // act needs a note
    res = await kesbang.post(`${url}/actions`, { action: 'act', version: alert.version + 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0].path).toBe('comment');
    res = await kesbang.post(`${url}/actions`, { action: 'act', version: alert.version + 1, comment: 'Patroli gabungan dikirim ke lokasi.' });
    expect(res.statusCode, res.body).toBe(200);
    res = await kesbang.post(`${url}/actions`, { action: 'close', version: alert.version + 2, comment: 'Situasi kondusif.' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('closed');
    res = await kesbang.post(`${url}/actions`, { action: 'reopen', version: alert.version + 3, comment: 'Ancaman berulang.' });
    expect(res.statusCode, res.body).toBe(200);
    res = await panwascam.post(`${url}/actions`, { action: 'comment', version: 1, comment: 'Saksi sudah diamankan.' });
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json();
    expect(detail.status).toBe('open');
    // the newest severity-4 alert in Bayat is the public report's, upgraded when a desk verified it
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['raise', 'upgrade', 'acknowledge', 'act', 'close', 'reopen', 'comment']);
    expect(detail.timeline.at(-1)).toMatchObject({ actorName: 'Petugas Uji', comment: 'Saksi sudah diamankan.', fromStatus: 'open', toStatus: 'open' });
    expect(detail.reports.map((r: { id: string }) => r.id)).toEqual(alert.reportIds);
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'alert' AND entity_id = $1 AND action LIKE 'alert.%'`, [alert.id])).toBe(7); // raise, upgrade, 5 actions
    const out = await outboxOf(alert.id);
    expect(out.filter((o) => o.topic === 'alert.updated').map((o) => o.payload.action)).toEqual(['acknowledge', 'act', 'close', 'reopen', 'comment']);
  });

  it('keeps alerts inside the scope (404 elsewhere), lets only desks act, and answers bad input with a 4xx changing nothing', async () => {
    const bayatAlert = (await alertsOf(panwascam))[0]!;
    const url = `/api/alerts/${encodeURIComponent(bayatAlert.id)}`;
    const cawasList = await alertsOf(deskCawas);
    expect(cawasList.every((a) => a.regionCode === CAWAS || a.regionCode.startsWith(`${CAWAS}.`))).toBe(true);
    expect((await deskCawas.get(url)).statusCode).toBe(404);
    expect((await deskCawas.get(`${url}/cap`)).statusCode).toBe(404);
    const before = (await panwascam.get(url)).json();
    expect((await deskCawas.post(`${url}/actions`, { action: 'acknowledge', version: before.version })).statusCode).toBe(404);
    expect((await deskCawas.get(`/api/alerts?region=${BAYAT}`)).json().items).toHaveLength(0);
    expect((await deskCawas.get('/api/alerts/cap.atom')).body).not.toContain(encodeURIComponent(bayatAlert.id));
    // a reader may look but not act
    expect((await observer.get(url)).statusCode).toBe(200);
    expect((await observer.post(`${url}/actions`, { action: 'comment', version: before.version, comment: 'x' })).statusCode).toBe(403);
    expect((await officer.post(`${url}/actions`, { action: 'comment', version: before.version, comment: 'x' })).statusCode).toBe(403);
    // bad input
    for (const body of [{ action: 'escalate', version: before.version }, { action: 'close' }, { action: 'close', version: 0 }, { action: 'close', version: before.version, extra: 1 }]) {
      const res = await panwascam.post(`${url}/actions`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation');
    }
    const en = await panwascam.post(`${url}/actions`, { action: 'close' }, { 'accept-language': 'en' });
    expect(en.json().error.message).toMatch(/not valid/);
    expect((await panwascam.get('/api/alerts?status=lost')).statusCode).toBe(400);
    expect((await panwascam.get('/api/alerts?kind=flood')).statusCode).toBe(400);
    expect((await panwascam.get('/api/alerts?cursor=nonsense')).statusCode).toBe(400);
    expect((await panwascam.get('/api/alerts?region=99.99')).statusCode).toBe(400);
    expect((await panwascam.get('/api/alerts/no-such-alert')).statusCode).toBe(404);
    expect((await panwascam.post('/api/alerts/no-such-alert/actions', { action: 'close', version: 1 })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/alerts' })).statusCode).toBe(401);
    const after = (await panwascam.get(url)).json();
    expect(after.version).toBe(before.version);
    expect(after.timeline).toHaveLength(before.timeline.length);
  });

  it('pages the list with a cursor, newest first', async () => {
    const all = await alertsOf(admin);
    expect(all.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await admin.get(`/api/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((a: AlertJson) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((a) => a.id));
  });

  it('serves CAP 1.2 valid against the schema (Actual, Restricted), Exercise for a simulated election, and a scoped Atom feed with a Bearer token', async () => {
    const alert = (await alertsOf(panwascam, '&kind=severity4')).find((a) => a.hasCap)!;
    const res = await panwascam.get(`/api/alerts/${encodeURIComponent(alert.id)}/cap`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/cap\+xml/);
    const v = xmllint(res.body, ['--noout', '--schema', XSD]);
    expect(v.ok, v.out).toBe(true);
    expect(res.body).toContain('<status>Actual</status>');
    expect(res.body).toContain('<scope>Restricted</scope>');
    expect(res.body).toContain('<category>Security</category>');
    expect(res.body).toContain(`<value>${alert.regionCode}</value>`);
    expect(res.body).toContain('<severity>Extreme</severity>');
    // the same message on every fetch (sent = when raised)
    expect((await panwascam.get(`/api/alerts/${encodeURIComponent(alert.id)}/cap`)).body.match(/<sent>[^<]+/)![0]).toBe(res.body.match(/<sent>[^<]+/)![0]);

    // a simulated (demo/exercise) election: its alerts go out as CAP status Exercise
    const today = localDateOf(t.clock.now, SUKOHARJO);
    const e = await admin.post('/api/elections', { kind: 'pilkada', name: 'Simulasi Pilkada Sukoharjo', regionScope: SUKOHARJO, simulated: true, stages: [{ code: 'kampanye', name: 'Kampanye', startDate: addDays(today, -3), endDate: addDays(today, 3), weight: 1.3 }] });
    expect(e.statusCode, e.body).toBe(201);
    const village = t.regions.descendantsAt(SUKOHARJO, 'village')[0]!;
    const id = await file(sukoOfficer, { regionCode: village, category: 'kerusuhan_hasil', severity: 4, title: 'Simulasi kericuhan' });
    await drain();
    const demo = (await alertsOf(admin, '&kind=severity4')).find((a) => a.reportIds.includes(id))!;
    expect(demo.isDemo).toBe(true);
    const capDemo = (await admin.get(`/api/alerts/${encodeURIComponent(demo.id)}/cap`)).body;
    expect(xmllint(capDemo, ['--noout', '--schema', XSD]).ok).toBe(true);
    expect(capDemo).toContain('<status>Exercise</status>');
    expect(capDemo).toContain('<value>kampanye</value>'); // SINERGI_STAGE

    // Atom: well-formed, only current CAP-cleared alerts of the caller's scope; works with a Bearer token, no cookie
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'panwascam', password: 'test-password-123' } });
    const token = login.json().token as string;
    const feed = await t.app.inject({ method: 'GET', url: '/api/alerts/cap.atom', headers: { authorization: `Bearer ${token}` } });
    expect(feed.statusCode, feed.body).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const wf = xmllint(feed.body, ['--noout']);
    expect(wf.ok, wf.out).toBe(true);
    const visible = (await alertsOf(panwascam)).filter((a) => a.hasCap && a.status !== 'closed');
    const entries = [...feed.body.matchAll(/<entry>/g)].length;
    expect(entries).toBe(visible.length);
    for (const a of visible) expect(feed.body).toContain(`/api/alerts/${encodeURIComponent(a.id)}/cap`);
    expect(feed.body).not.toContain(encodeURIComponent(demo.id)); // Sukoharjo is outside Bayat
    expect((await t.app.inject({ method: 'GET', url: '/api/alerts/cap.atom' })).statusCode).toBe(401);
  });

  it('pushes an alert to a webhook subscription with its CAP 1.2 message attached (valid against the schema), signed like every webhook', async () => {
    const hook = await startReceiver();
    const created = await admin.post('/api/webhooks', { name: 'Sistem peringatan BPBD', url: hook.url, topics: ['alert.raised'], regionScope: KLATEN });
    expect(created.statusCode, created.body).toBe(201);
    const id = await file(officer, { regionCode: villages(BAYAT)[2]!, category: 'intimidasi_kekerasan', severity: 4, title: 'Massa mengepung rumah saksi' });
    await drain();
    const alert = (await alertsOf(kesbang, '&kind=severity4')).find((a) => a.reportIds.includes(id))!;
    expect(alert.channels).toContain('cap');
    const deps: DeliveryDeps = { handle: t.handle, regions: t.regions, config: t.config, mailer: null };
    await dispatchOnce(deps, t.clock.now);
    const mine = hook.received.map((r) => ({ ...r, json: JSON.parse(r.body) as { topic: string; payload: { alertId?: string }; cap?: string; capUrl?: string } })).filter((r) => r.json.payload.alertId === alert.id);
    expect(mine).toHaveLength(1);
    const push = mine[0]!;
    expect(push.json.topic).toBe('alert.raised');
    expect(push.headers['x-sinergi-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(push.json.cap).toContain(`<identifier>`);
    expect(push.json.cap).toContain(alert.regionCode);
    const valid = xmllint(push.json.cap!, ['--noout', '--schema', XSD]);
    expect(valid.ok, valid.out).toBe(true);
    expect(push.json.capUrl).toBeUndefined(); // no SINERGI_PUBLIC_URL in this test app
    await hook.close();
  });
});
