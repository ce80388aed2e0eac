import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAlertsIfNew } from '../src/db/repositories/alerts.js';
import { DEMO_ELECTION_ID, seedDemoElection } from '../src/demo/index.js';
import { actOnReport, BACKENDS, createTestApp, createTestUser, type Agent, type TestApp } from './helpers.js';

const KLATEN = '33.10';
const BAYAT = '33.10.04';
const CAWAS = '33.10.05';
const HOUR = 3_600_000;
// 12:00 WIB on a Friday; the demo election is anchored on it (campaign, polling day in three weeks)
const NOW = new Date('2026-11-20T05:00:00Z');

interface Dashboard {
  region: { code: string; timeZoneLabel: string } | null;
  timeZoneLabel: string;
  today: string;
  range: { days: number; from: string; to: string };
  elections: { id: string }[];
  election: { id: string; daysToVoting: number | null; stage: { code: string } | null; votingDate: string | null } | null;
  totals: { reports: number; previous: number; open: number; critical: number; overdue: number };
  byCategory: { category: string; count: number; previous: number }[];
  bySeverity: { severity: number; count: number; previous: number }[];
  byStatus: { status: string; count: number; previous: number }[];
  daily: { date: string; total: number; serious: number }[];
  topRegions: { code: string; score: number; vulnerability: string; change7d: number | null }[];
  overdue: { id: string; dueSince: string }[];
  latest: { id: string; regionName: string }[];
  alerts: { open: number; acknowledged: number; items: { id: string; regionCode: string; status: string }[] };
}

describe.each(BACKENDS)('dashboard API on %s', (backend) => {
  let t: TestApp;
  let bhabin: Agent;
  let kesbang: Agent;
  let cawasDesk: Agent;
  let panwascam: Agent;
  let bayat: string[];
  let cawas: string[];
  const ids: Record<string, string> = {};

  /** File a report at `createdAt` (the clock moves there and back) that occurred at `occurredAt`. */
  async function file(name: string, createdAt: Date, fields: { category: string; severity: number; region: string; occurredAt: Date }) {
    const saved = t.clock.now;
    t.clock.now = createdAt;
    const id = randomUUID();
    const res = await bhabin.post('/api/reports', {
      id,
      category: fields.category,
      severity: fields.severity,
      regionCode: fields.region,
      occurredAt: fields.occurredAt.toISOString(),
      title: `Laporan uji ${name}`,
      description: 'Laporan buatan tangan untuk angka dasbor.',
    });
    t.clock.now = saved;
    expect(res.statusCode, res.body).toBe(201);
    ids[name] = id;
    return id;
  }

  const act = (agent: Agent, name: string, action: string, body: Record<string, unknown>) => actOnReport(agent, ids[name]!, action, body);

  const dashboard = async (agent: Agent, query = ''): Promise<Dashboard> => {
    const res = await agent.get(`/api/dashboard${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Dashboard;
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    t.clock.now = NOW;
    bayat = t.regions.descendantsAt(BAYAT, 'village');
    cawas = t.regions.descendantsAt(CAWAS, 'village');
    await seedDemoElection({ handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter }, NOW);
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: [KLATEN], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'panwascam.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    bhabin = await t.login('bhabin');
    kesbang = await t.login('kesbang');
    panwascam = await t.login('panwascam');
    cawasDesk = await t.login('panwascam.cawas');

    // the hand-made fixture: 6 reports in Bayat, 1 in Cawas, within the last 14 local days, and 2 before them
    const ago = (h: number) => new Date(NOW.getTime() - h * HOUR);
    await file('a', ago(3), { category: 'politik_uang', severity: 4, region: bayat[0]!, occurredAt: ago(3) }); // new, sev 4, 3 h old: overdue (1 h to verify)
    await file('b', ago(2), { category: 'politik_uang', severity: 2, region: bayat[1]!, occurredAt: ago(5) }); // new, sev 2, 2 h old: not overdue (24 h)
    await file('c', ago(30), { category: 'hoaks', severity: 3, region: bayat[0]!, occurredAt: ago(30) }); // verified below
    await file('d', ago(48), { category: 'hoaks', severity: 1, region: bayat[2]!, occurredAt: ago(48) }); // rejected below
    // 23:30 WIB yesterday (16:30 UTC): yesterday's local day
    await file('e', ago(12), { category: 'intimidasi_kekerasan', severity: 3, region: bayat[1]!, occurredAt: new Date('2026-11-19T16:30:00Z') });
    await file('f', ago(1), { category: 'politik_uang', severity: 1, region: cawas[0]!, occurredAt: ago(1) });
    // 13 days ago (first day of the 14-day range) and 20 days ago (the previous range)
    await file('g', ago(13 * 24), { category: 'logistik', severity: 2, region: bayat[3]!, occurredAt: new Date('2026-11-07T01:00:00Z') });
    await file('h', ago(20 * 24), { category: 'politik_uang', severity: 2, region: bayat[3]!, occurredAt: ago(20 * 24) });
    await file('i', ago(16 * 24), { category: 'hoaks', severity: 2, region: bayat[0]!, occurredAt: ago(16 * 24) });
    // alerts: two in Bayat not yet closed, one closed, one in Cawas
    const alert = (id: string, regionCode: string, status: string, minutesAgo: number) =>
      insertAlertsIfNew(t.handle.db, [{
        provinceCode: '33',
        id,
        kind: 'severity4',
        status,
        regionCode,
        severity: 4,
        cause: { id: `Peringatan uji ${id}`, en: `Test alert ${id}` },
        channels: ['web'],
        isProvisional: false,
        dedupeKey: id,
        createdAt: new Date(NOW.getTime() - minutesAgo * 60_000),
        updatedAt: new Date(NOW.getTime() - minutesAgo * 60_000),
      }]);
    await alert('al-bayat-1', BAYAT, 'open', 30);
    await alert('al-bayat-2', bayat[0]!, 'acknowledged', 10);
    await alert('al-bayat-3', BAYAT, 'closed', 5);
    await alert('al-cawas-1', CAWAS, 'open', 20);
    await act(panwascam, 'c', 'verify', {});
    await act(panwascam, 'd', 'reject', { reason: 'Tidak dapat dikonfirmasi di lapangan' });
  });
  afterAll(async () => t?.dispose());

  it('counts the regency desk’s reports by category, severity, status and local day, against the range before', async () => {
    const d = await dashboard(kesbang);
    expect(d.region).toMatchObject({ code: KLATEN, timeZoneLabel: 'WIB' });
    expect(d.today).toBe('2026-11-20');
    expect(d.range.days).toBe(14);
    expect(d.range.from).toBe('2026-11-06T17:00:00.000Z'); // local midnight of 7 Nov, WIB
    // open: all but the rejected d; overdue (any date): a (1 h to verify a critical one), e (4 h), g, h, i (24 h)
    expect(d.totals).toEqual({ reports: 7, previous: 2, open: 6, critical: 1, overdue: 5 });
    expect(d.byCategory).toEqual([
      { category: 'politik_uang', count: 3, previous: 1 },
      { category: 'hoaks', count: 2, previous: 1 },
      { category: 'intimidasi_kekerasan', count: 1, previous: 0 },
      { category: 'logistik', count: 1, previous: 0 },
    ]);
    // the range before holds h and i: both severity 2, both still new
    expect(d.bySeverity).toEqual([
      { severity: 1, count: 2, previous: 0 },
      { severity: 2, count: 2, previous: 2 },
      { severity: 3, count: 2, previous: 0 },
      { severity: 4, count: 1, previous: 0 },
    ]);
    expect(Object.fromEntries(d.byStatus.map((s) => [s.status, s.count]))).toEqual({ draft: 0, new: 5, verified: 1, rejected: 1, in_progress: 0, resolved: 0 });
    expect(Object.fromEntries(d.byStatus.map((s) => [s.status, s.previous]))).toEqual({ draft: 0, new: 2, verified: 0, rejected: 0, in_progress: 0, resolved: 0 });
    expect(d.daily).toHaveLength(14);
    expect(d.daily[0]).toEqual({ date: '2026-11-07', total: 1, serious: 0 });
    const day = Object.fromEntries(d.daily.map((x) => [x.date, x]));
    expect(day['2026-11-20']).toEqual({ date: '2026-11-20', total: 3, serious: 1 }); // a, b, f
    expect(day['2026-11-19']).toEqual({ date: '2026-11-19', total: 2, serious: 2 }); // c (30 h ago = 06:00 WIB) and e (23:30 WIB)
    expect(day['2026-11-18']).toEqual({ date: '2026-11-18', total: 1, serious: 0 }); // d
    expect(d.daily.reduce((n, x) => n + x.total, 0)).toBe(d.totals.reports);
    expect(d.overdue.map((r) => r.id)).toEqual([ids.h, ids.i, ids.g, ids.e, ids.a]);
    expect(d.overdue[4]!.dueSince).toBe(new Date(NOW.getTime() - 2 * HOUR).toISOString());
    expect(d.latest.map((r) => r.id)).toEqual([ids.f, ids.b, ids.a, ids.e, ids.c, ids.d, ids.g, ids.i, ids.h]);
  });

  it('lists the alerts not yet closed, newest first, within the scope and region', async () => {
    const d = await dashboard(kesbang);
    expect(d.alerts.open).toBe(2);
    expect(d.alerts.acknowledged).toBe(1);
    expect(d.alerts.items.map((a) => a.id)).toEqual(['al-bayat-2', 'al-cawas-1', 'al-bayat-1']);
    const bayatOnly = await dashboard(kesbang, `?region=${BAYAT}`);
    expect(bayatOnly.alerts).toMatchObject({ open: 1, acknowledged: 1 });
    const other = await dashboard(cawasDesk);
    expect(other.alerts.items.map((a) => a.id)).toEqual(['al-cawas-1']);
  });

  it('shows the election’s stage and days to polling day in the region’s zone', async () => {
    const d = await dashboard(kesbang);
    expect(d.elections.map((e) => e.id)).toContain(DEMO_ELECTION_ID);
    expect(d.election).toMatchObject({ id: DEMO_ELECTION_ID, daysToVoting: 21, stage: { code: 'kampanye' } });
    expect(d.election!.votingDate).toBe('2026-12-11');
  });

  it('ranks the districts by vulnerability with the change over 7 days', async () => {
    const d = await dashboard(kesbang);
    expect(d.topRegions.length).toBeGreaterThan(1);
    expect(d.topRegions[0]!.code).toBe(BAYAT);
    for (let i = 1; i < d.topRegions.length; i++) expect(d.topRegions[i - 1]!.score).toBeGreaterThanOrEqual(d.topRegions[i]!.score);
    // the index's own answer for Bayat is the same score
    const risk = (await kesbang.get(`/api/risk?parent=${KLATEN}`)).json() as { items: { regionCode: string; score: number }[] };
    expect(d.topRegions[0]!.score).toBe(risk.items.find((i) => i.regionCode === BAYAT)!.score);
    // Bayat's reports of this week raised it; a week ago it had only the older ones
    expect(d.topRegions[0]!.change7d).toBeGreaterThan(0);
  });

  it('computes the score of a week ago once per 10 minutes, then again with the reports as they stand', async () => {
    // change7d is rounded to 0.1, so the earlier score read back from it is good to ±0.05
    const previousOf = (d: Dashboard) => {
      const bayatRow = d.topRegions.find((r) => r.code === BAYAT)!;
      return bayatRow.score - (bayatRow.change7d ?? 0);
    };
    const before = previousOf(await dashboard(kesbang));
    expect(before).toBeGreaterThan(0);
    // report i (16 days old) counted a week ago; rejected now, it no longer would
    await act(panwascam, 'i', 'reject', { reason: 'Laporan ganda' });
    // within the same 10 minutes the earlier sums are reused
    expect(Math.abs(previousOf(await dashboard(kesbang)) - before)).toBeLessThanOrEqual(0.1);
    t.clock.now = new Date(NOW.getTime() + 10 * 60_000);
    try {
      const after = previousOf(await dashboard(kesbang));
      expect(after).toBeLessThan(before - 0.1);
    } finally {
      t.clock.now = NOW;
    }
  });

  it('applies the filters: region, category, severity, range, stage', async () => {
    const bayatOnly = await dashboard(kesbang, `?region=${BAYAT}`);
    expect(bayatOnly.totals.reports).toBe(6);
    expect(bayatOnly.topRegions.every((r) => r.code.startsWith(`${BAYAT}.`))).toBe(true);
    const money = await dashboard(kesbang, '?category=politik_uang');
    expect(money.totals).toMatchObject({ reports: 3, previous: 1 });
    const serious = await dashboard(kesbang, '?severity=3,4');
    expect(serious.totals.reports).toBe(3);
    const week = await dashboard(kesbang, '?days=7');
    expect(week.totals).toMatchObject({ reports: 6, previous: 1 });
    expect(week.daily).toHaveLength(7);
    const campaign = await dashboard(kesbang, '?stage=kampanye');
    expect(campaign.totals.reports).toBeGreaterThan(0);
    const nothing = await dashboard(kesbang, '?pillar=kpu');
    expect(nothing.totals.reports).toBe(0);
  });

  it('shows a desk of another district none of it', async () => {
    const d = await dashboard(cawasDesk);
    expect(d.region?.code).toBe(CAWAS);
    expect(d.totals).toMatchObject({ reports: 1, previous: 0, open: 1, overdue: 0 });
    expect(d.latest.map((r) => r.id)).toEqual([ids.f]);
    expect(d.topRegions.every((r) => r.code.startsWith(`${CAWAS}.`))).toBe(true);
    const denied = await cawasDesk.get(`/api/dashboard?region=${BAYAT}`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('out_of_scope');
    // asking for the regency shows only the desk's own district within it
    const regency = await dashboard(cawasDesk, `?region=${KLATEN}`);
    expect(regency.totals.reports).toBe(1);
    expect(regency.topRegions.map((r) => r.code)).toEqual([CAWAS]);
  });

  it('answers bad filters with a 400 naming the field, in the request language', async () => {
    const cases: [string, string][] = [
      ['?days=5', 'days'],
      ['?category=bukan_kategori', 'category'],
      ['?severity=9', 'severity'],
      ['?region=33.1', 'region'],
      ['?election=not-a-uuid', 'election'],
      [`?election=${randomUUID()}`, 'election'],
      ['?stage=tidak_ada', 'stage'],
      ['?pillar=bukan_pilar', 'pillar'],
      ['?unknown=1', ''],
    ];
    for (const [query, field] of cases) {
      const res = await kesbang.get(`/api/dashboard${query}`);
      expect(res.statusCode, query).toBe(400);
      const error = res.json().error;
      expect(error.code, query).toBe('validation');
      if (field) expect(error.fields.map((f: { path: string }) => f.path.split('.')[0]), query).toContain(field);
    }
    const en = await kesbang.get('/api/dashboard?days=5', { 'accept-language': 'en' });
    expect(en.json().error.fields[0].message).toBe('The range must be 7, 14, 30 or 90 days.');
    const id = await kesbang.get('/api/dashboard?days=5');
    expect(id.json().error.fields[0].message).toBe('Rentang waktu harus 7, 14, 30 atau 90 hari.');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/dashboard' });
    expect(anonymous.statusCode).toBe(401);
  });
});
