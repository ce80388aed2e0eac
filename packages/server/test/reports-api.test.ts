import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ELECTION_ID, seedDemoElection } from '../src/demo/index.js';
import { escalateOverdueReports } from '../src/services/reports.service.js';
import { BACKENDS, createTestApp, createTestUser, insertReportRows, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';

describe.each(BACKENDS)('early-detection reports on %s', (backend) => {
  let t: TestApp;
  let bhabin: Agent;
  let panwascam: Agent;
  let villages: string[];
  const body = (over: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    category: 'politik_uang',
    severity: 2,
    regionCode: villages[0],
    occurredAt: new Date(t.clock.now.getTime() - 3600_000).toISOString(),
    title: 'Pembagian amplop dekat balai desa',
    description: 'Warga melaporkan amplop dibagikan oleh tim sukses.',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(backend, { loginMaxPerMinute: 1000 }); // many desks sign in here
    villages = t.regions.descendantsAt(BAYAT, 'village');
    await seedDemoElection({ handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter }, t.clock.now);
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: villages.slice(0, 3), pillarCode: 'polri', fullName: 'Bripka Agus' });
    await createTestUser(t.handle, { username: 'bhabin.cawas', role: 'field_officer', scopes: ['33.10.05'], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'pemantau', role: 'observer', scopes: ['33.10'] });
    bhabin = await t.login('bhabin');
    panwascam = await t.login('panwascam');
  });
  afterAll(async () => t?.dispose());

  it('stores a report once, whatever the number of resends', async () => {
    const b = body();
    const first = await bhabin.post('/api/reports', b);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: b.id, status: 'new', duplicate: false });
    expect(first.json().receiptCode).toMatch(/^SNG-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const again = await bhabin.post('/api/reports', b);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: b.id, duplicate: true, receiptCode: first.json().receiptCode });
    const changed = await bhabin.post('/api/reports', { ...b, title: 'Judul lain sama sekali' });
    expect(changed.statusCode).toBe(409);
    const [row] = await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM reports WHERE id = $1', [b.id]);
    expect(Number(row!.n)).toBe(1);
    const [ev] = await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM report_events WHERE report_id = $1', [b.id]);
    expect(Number(ev!.n)).toBe(1);
    const [ob] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE payload->>'reportId' = $1", [b.id]);
    expect(Number(ob!.n)).toBe(1);
  });

  it('stores the content hash in the form earlier versions stored it, so a resend after an upgrade is still a resend', async () => {
    // the keys, their order and their values are a stored format: change them and every report
    // stored before answers its resend with 409
    const b = body({ subcategory: undefined, involved: 'Tim sukses', lat: -7.7, lon: 110.6, confidential: true });
    const res = await bhabin.post('/api/reports', b);
    expect(res.statusCode, res.body).toBe(201);
    const [user] = await t.handle.query<{ id: string }>("SELECT id FROM users WHERE username = 'bhabin'");
    const expected = createHash('sha256')
      .update(
        JSON.stringify({
          category: b.category,
          subcategory: null,
          severity: b.severity,
          regionCode: b.regionCode,
          occurredAt: new Date(b.occurredAt as string).toISOString(),
          title: b.title,
          description: b.description,
          involved: 'Tim sukses',
          source: 'field_officer',
          tpsId: null,
          lat: -7.7,
          lon: 110.6,
          confidential: true,
          reporter: user!.id,
        }),
      )
      .digest('hex');
    const [row] = await t.handle.query<{ content_hash: string }>('SELECT content_hash FROM reports WHERE id = $1', [b.id]);
    expect(row!.content_hash).toBe(expected);
  });

  it('takes an id in upper case as the same report as in lower case', async () => {
    const b = body();
    const upper = { ...b, id: b.id.toUpperCase() };
    const first = await bhabin.post('/api/reports', upper);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ id: b.id, duplicate: false });
    const again = await bhabin.post('/api/reports', b);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ id: b.id, duplicate: true, receiptCode: first.json().receiptCode });
    expect((await bhabin.post('/api/reports', upper)).statusCode).toBe(200);
    // both spellings in one batch: one report, one event
    const c = body();
    const both = await Promise.all([bhabin.post('/api/reports', c), bhabin.post('/api/reports', { ...c, id: c.id.toUpperCase() })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    for (const id of [b.id, c.id]) {
      const [n] = await t.handle.query<{ reports: number; events: number; outbox: number }>(
        `SELECT (SELECT count(*)::int FROM reports WHERE id = $1) AS reports, (SELECT count(*)::int FROM report_events WHERE report_id = $1) AS events,
                (SELECT count(*)::int FROM outbox WHERE payload->>'reportId' = $1::text) AS outbox`,
        [id],
      );
      expect(n).toEqual({ reports: 1, events: 1, outbox: 1 });
    }
  });

    it('stores concurrent submissions of many officers, each once', async () => {
    const bodies = Array.from({ length: 40 }, () => body({ category: 'hoaks', title: 'Hoaks beredar di grup WA' }));
    const results = await Promise.all([...bodies, ...bodies.slice(0, 10)].map((b) => bhabin.post('/api/reports', b)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(40);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(10);
    const [row] = await t.handle.query<{ n: number }>('SELECT count(DISTINCT id)::int AS n FROM reports WHERE id = ANY($1::uuid[])', [bodies.map((b) => b.id)]);
    expect(Number(row!.n)).toBe(40);
  });

  it('derives the election and stage from the time and place', async () => {
    const b = body();
    await bhabin.post('/api/reports', b);
    const report = (await bhabin.get(`/api/reports/${b.id}`)).json();
    expect(report).toMatchObject({ electionId: DEMO_ELECTION_ID, stageCode: 'kampanye', stageName: 'Kampanye', escalationLevel: 'village' });
    expect(report.violationDeadline).not.toBeNull();
    expect(report.timeline[0]).toMatchObject({ action: 'create', toStatus: 'new' });
  });

  it('rejects bad input with a clear 4xx and stores nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [body({ category: 'gosip' }), 400, 'category'],
      [body({ severity: 5 }), 400, 'severity'],
      [body({ regionCode: '33.10.04' }), 400, 'regionCode'],
      [body({ regionCode: '33.10.05.2001' }), 403, 'regionCode'],
      [body({ regionCode: '99.99.99.9999' }), 400, 'regionCode'],
      [body({ occurredAt: new Date(t.clock.now.getTime() + 3600_000).toISOString() }), 400, 'occurredAt'],
      [body({ occurredAt: '2024-11-20 10:00' }), 400, 'occurredAt'],
      [body({ tpsId: randomUUID() }), 400, 'tpsId'],
      [body({ subcategory: 'bukan_subkategori' }), 400, 'subcategory'],
      [body({ extra: 1 }), 400, 'extra'],
      [body({ id: 'bukan-uuid' }), 400, 'id'],
    ];
    for (const [b, status, field] of cases) {
      const res = await bhabin.post('/api/reports', b);
      expect(res.statusCode, JSON.stringify(b)).toBe(status);
      const error = res.json().error;
      expect(error.message.length).toBeGreaterThan(5);
      expect(error.fields?.map((f: { path: string }) => f.path) ?? [], field).toContain(field);
      const [row] = await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM reports WHERE id::text = $1', [String(b.id)]);
      expect(Number(row!.n)).toBe(0);
    }
    const eng = await bhabin.post('/api/reports', body({ occurredAt: new Date(t.clock.now.getTime() + 3600_000).toISOString() }), { 'accept-language': 'en' });
    expect(eng.json().error.fields[0].message).toMatch(/future/);
  });

  it('runs the workflow: verify → assign → escalate → resolve → reopen, each an event', async () => {
    const b = body({ severity: 3 });
    await bhabin.post('/api/reports', b);
    let r = (await panwascam.get(`/api/reports/${b.id}`)).json();
    expect(r.allowedActions).toEqual(expect.arrayContaining(['verify', 'reject', 'escalate', 'comment']));
    r = (await panwascam.post(`/api/reports/${b.id}/verify`, { version: r.version, comment: 'Dicek dengan PKD' })).json();
    expect(r.status).toBe('verified');
    r = (await panwascam.post(`/api/reports/${b.id}/assign`, { version: r.version, orgCode: 'bawaslu' })).json();
    expect(r).toMatchObject({ status: 'in_progress', assignedOrg: { code: `bawaslu:${BAYAT}`, name: 'Panwascam Bayat' } });
    r = (await panwascam.post(`/api/reports/${b.id}/escalate`, { version: r.version, reason: 'Melibatkan tim sukses kabupaten' })).json();
    expect(r).toMatchObject({ status: 'in_progress', escalationLevel: 'district' });
    r = (await panwascam.post(`/api/reports/${b.id}/escalate`, { version: r.version, reason: 'Perlu Forkopimda' })).json();
    expect(r.escalationLevel).toBe('regency');
    r = (await panwascam.post(`/api/reports/${b.id}/resolve`, { version: r.version, outcome: 'Diteruskan ke Sentra Gakkumdu' })).json();
    expect(r).toMatchObject({ status: 'resolved', outcome: 'Diteruskan ke Sentra Gakkumdu' });
    r = (await panwascam.post(`/api/reports/${b.id}/reopen`, { version: r.version, reason: 'Ada bukti baru' })).json();
    expect(r.status).toBe('verified');
    const comment = await bhabin.post(`/api/reports/${b.id}/comment`, { text: 'Saksi bersedia memberi keterangan' });
    expect(comment.statusCode).toBe(200);
    const full = (await panwascam.get(`/api/reports/${b.id}`)).json();
    expect(full.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'verify', 'assign', 'escalate', 'escalate', 'resolve', 'reopen', 'comment']);
    const [audit] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'report' AND entity_id = $1", [b.id]);
    expect(Number(audit!.n)).toBe(8);
  });

  it('refuses forbidden transitions and roles, and a stale version', async () => {
    const b = body();
    await bhabin.post('/api/reports', b);
    const asOfficer = await bhabin.post(`/api/reports/${b.id}/verify`, { version: 1 });
    expect(asOfficer.statusCode).toBe(403);
    const resolveNew = await panwascam.post(`/api/reports/${b.id}/resolve`, { version: 1, outcome: 'selesai' });
    expect(resolveNew.statusCode).toBe(409);
    expect(resolveNew.json().error.message).toMatch(/tidak dapat/);
    const ok = await panwascam.post(`/api/reports/${b.id}/verify`, { version: 1 });
    expect(ok.statusCode).toBe(200);
    const kesbang = await t.login('kesbang');
    const stale = await kesbang.post(`/api/reports/${b.id}/escalate`, { version: 1, reason: 'Perlu kabupaten' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details.current).toMatchObject({ id: b.id, status: 'verified', version: 2 });
    const observer = await t.login('pemantau');
    expect((await observer.post(`/api/reports/${b.id}/assign`, { version: 2, orgCode: 'polri' })).statusCode).toBe(403);
    expect((await observer.post('/api/reports', body())).statusCode).toBe(403);
  });

  it('keeps each desk to its own area', async () => {
    const b = body();
    await bhabin.post('/api/reports', b);
    const other = await t.login('bhabin.cawas');
    expect((await other.get(`/api/reports/${b.id}`)).statusCode).toBe(404);
    const list = (await other.get('/api/reports')).json();
    expect(list.items.find((r: { id: string }) => r.id === b.id)).toBeUndefined();
    expect((await other.get(`/api/reports?region=${BAYAT}`)).statusCode).toBe(403);
    expect((await other.post(`/api/reports/${b.id}/comment`, { text: 'halo' })).statusCode).toBe(404);
    const own = (await other.get('/api/reports?reporter=me')).json();
    expect(own.items).toEqual([]);
    expect((await other.get('/api/reports?reporter=someone')).statusCode).toBe(400);
    const filed = (await bhabin.get('/api/reports?reporter=me&limit=500')).json();
    expect(filed.items.length).toBeGreaterThan(40);
    expect(filed.items.every((r: { reporter: { name: string } | null }) => r.reporter?.name === 'Bripka Agus')).toBe(true);
    const mine = (await bhabin.get(`/api/reports?region=${villages[0]}&limit=5`)).json();
    expect(mine.items.length).toBe(5);
    expect(mine.nextCursor).not.toBeNull();
  });

  it('hides a confidential reporter from readers and logs every view of the identity', async () => {
    const b = body({ confidential: true });
    await bhabin.post('/api/reports', b);
    const observer = await t.login('pemantau');
    expect((await observer.get(`/api/reports/${b.id}`)).json().reporter).toBeNull();
    const desk = (await panwascam.get(`/api/reports/${b.id}`)).json();
    expect(desk.reporter).toMatchObject({ name: 'Bripka Agus' });
    const [views] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.identity_view' AND entity_id = $1", [b.id]);
    expect(Number(views!.n)).toBe(1);
    const listed = (await panwascam.get(`/api/reports?q=amplop&limit=200`)).json();
    expect(listed.items.find((r: { id: string }) => r.id === b.id).reporter).toBeNull();
  });

  it('flags possible duplicates of the same event', async () => {
    const a = body({ category: 'intimidasi_kekerasan', regionCode: villages[1] });
    const c = body({ category: 'intimidasi_kekerasan', regionCode: villages[1] });
    await bhabin.post('/api/reports', a);
    await bhabin.post('/api/reports', c);
    const second = (await bhabin.get(`/api/reports/${c.id}`)).json();
    expect(second.possibleDuplicateOf).toContain(a.id);
  });

  it('escalates automatically past the SLA, and says why', async () => {
    const b = body({ severity: 4, category: 'konflik_sosial' });
    await bhabin.post('/api/reports', b);
    const deps = { handle: t.handle, regions: t.regions, elections: t.elections, writer: t.reportWriter };
    const created = (await panwascam.get(`/api/reports/${b.id}`)).json();
    expect(created.escalationLevel).toBe('district');
    const early = await escalateOverdueReports(deps, new Date(t.clock.now.getTime() + 30 * 60_000));
    expect(early.find((e) => e.id === b.id)).toBeUndefined();
    const late = await escalateOverdueReports(deps, new Date(t.clock.now.getTime() + 61 * 60_000));
    expect(late.find((e) => e.id === b.id)).toMatchObject({ reason: 'unverified', level: 'regency' });
    const r = (await panwascam.get(`/api/reports/${b.id}`)).json();
    expect(r.escalationLevel).toBe('regency');
    const auto = r.timeline.at(-1);
    expect(auto).toMatchObject({ action: 'escalate', actor: null, details: { automatic: true, reason: 'unverified' } });
    expect(auto.comment).toMatch(/belum diverifikasi/);
    const [notice] = await t.handle.query<{ recipients: string[] }>("SELECT recipients FROM outbox WHERE topic = 'report.overdue' AND payload->>'reportId' = $1", [b.id]);
    expect(notice!.recipients).toContain('regency:33.10');
  });

  it('filters the list by category, status, severity and text, newest first with a cursor', async () => {
    const kesbang = await t.login('kesbang');
    const res = (await kesbang.get('/api/reports?category=hoaks&status=new&limit=15')).json();
    expect(res.items).toHaveLength(15);
    expect(res.items.every((r: { category: string; status: string }) => r.category === 'hoaks' && r.status === 'new')).toBe(true);
    const next = (await kesbang.get(`/api/reports?category=hoaks&status=new&limit=15&cursor=${encodeURIComponent(res.nextCursor)}`)).json();
    const ids = new Set([...res.items, ...next.items].map((r: { id: string }) => r.id));
    expect(ids.size).toBe(res.items.length + next.items.length);
    expect((await kesbang.get('/api/reports?severity=7')).statusCode).toBe(400);
    expect((await kesbang.get('/api/reports?cursor=zzz')).statusCode).toBe(400);
    const text = (await kesbang.get('/api/reports?q=amplop')).json();
    expect(text.items.length).toBeGreaterThan(0);
  });

  it('lists elections with stages and serves the taxonomy', async () => {
    const kesbang = await t.login('kesbang');
    const elections = (await kesbang.get('/api/elections')).json();
    const demo = elections.items.find((e: { id: string }) => e.id === DEMO_ELECTION_ID);
    expect(demo).toMatchObject({ kind: 'pilkada', simulated: true, daysToVoting: 21 });
    expect(demo.stages.map((s: { code: string }) => s.code)).toContain('kampanye');
    const tax = (await t.app.inject({ method: 'GET', url: '/api/taxonomy' })).json();
    expect(tax.categories.map((c: { code: string }) => c.code)).toHaveLength(17);
  });

  it('keeps the scope when a desk filters by a region above it', async () => {
    const at = new Date(t.clock.now.getTime() - 60_000);
    const village = t.regions.descendantsAt('33.10.05', 'village')[0]!;
    const inCawas = { provinceCode: '33', id: randomUUID(), regencyCode: '33.10', districtCode: '33.10.05', regionCode: village, category: 'politik_uang', severity: 2, occurredAt: at, discoveredAt: at, title: 'Amplop di Cawas', description: 'Pembagian amplop', source: 'field_officer', status: 'new', statusChangedAt: at, escalationLevel: 'village', contentHash: 'cawas', createdAt: at, updatedAt: at };
    await insertReportRows(t.handle, [inCawas]);
    const kesbang = await t.login('kesbang');
    expect(((await kesbang.get('/api/reports?region=33.10&limit=500')).json().items as { id: string }[]).map((r) => r.id)).toContain(inCawas.id);
    // Bayat's desk may ask for its regency: it still gets Bayat only
    const res = await panwascam.get('/api/reports?region=33.10&limit=500');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { id: string; regionCode: string }[];
    expect(items.length).toBeGreaterThan(20);
    expect(items.every((r) => r.regionCode.startsWith(`${BAYAT}.`))).toBe(true);
    expect(items.map((r) => r.id)).not.toContain(inCawas.id);
    const text = (await panwascam.get('/api/reports?region=33.10&q=amplop&limit=500')).json().items as { id: string; regionCode: string }[];
    expect(text.length).toBeGreaterThan(0);
    expect(text.map((r) => r.id)).not.toContain(inCawas.id);
    expect(text.every((r) => r.regionCode.startsWith(`${BAYAT}.`))).toBe(true);
  });

  it("writes every report of a list page as the single report's view does (the list has its own compiled serializer)", async () => {
    // a draft from an inbound message: no category, the regency as its region
    const at = new Date(t.clock.now.getTime() - 5 * 60_000);
    const draft = { provinceCode: '33', id: randomUUID(), regencyCode: '33.10', regionCode: '33.10', category: null, severity: 2, occurredAt: at, discoveredAt: at, title: 'Pesan masuk', description: 'Ada amplop', source: 'public', status: 'draft', statusChangedAt: at, escalationLevel: 'regency', contentHash: 'draft', createdAt: at, updatedAt: at };
    await insertReportRows(t.handle, [draft]);
    const observer = await t.login('pemantau');
    for (const [agent, query] of [
      [observer, 'limit=500'],
      [bhabin, 'reporter=me&limit=500'],
    ] as const) {
      const list = await agent.get(`/api/reports?${query}`);
      expect(list.statusCode, list.body.slice(0, 300)).toBe(200);
      const items = list.json().items as { id: string }[];
      expect(items.length).toBeGreaterThan(40);
      if (agent === observer) expect(items.find((r) => r.id === draft.id)).toMatchObject({ category: null, regionCode: '33.10' });
      for (const item of items) {
        const { timeline: _timeline, publicContact: _contact, ...single } = (await agent.get(`/api/reports/${item.id}`)).json();
        expect(item).toEqual(single);
      }
    }
  });
});
