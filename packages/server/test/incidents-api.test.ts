import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../src/demo/index.js';
import { BACKENDS, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';
const CAWAS = '33.10.05';

describe.each(BACKENDS)('incidents (kejadian) on %s', (backend) => {
  let t: TestApp;
  let bhabin: Agent;
  let cawasOfficer: Agent;
  let panwascam: Agent;
  let kesbang: Agent;
  let observer: Agent;
  let villages: string[];
  let cawasVillages: string[];

  const report = (agent: Agent, over: Record<string, unknown> = {}): Promise<string> => fileReport(agent, reportBody(t.clock.now, { regionCode: villages[0], ...over }));
  const count = async (sql: string, params: unknown[]) => Number((await t.handle.query<{ n: number }>(sql, params))[0]!.n);

  beforeAll(async () => {
    t = await createTestApp(backend);
    villages = t.regions.descendantsAt(BAYAT, 'village');
    cawasVillages = t.regions.descendantsAt(CAWAS, 'village');
    await seedDemoElection({ handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter }, t.clock.now);
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: villages.slice(0, 3), pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'bhabin.cawas', role: 'field_officer', scopes: [CAWAS], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'panwascam.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'pemantau', role: 'observer', scopes: ['33.10'] });
    await createTestUser(t.handle, { username: 'nasional', role: 'province_desk', scopes: ['*'], pillarCode: 'kesbangpol' });
    bhabin = await t.login('bhabin');
    cawasOfficer = await t.login('bhabin.cawas');
    panwascam = await t.login('panwascam');
    kesbang = await t.login('kesbang');
    observer = await t.login('pemantau');
  });
  afterAll(async () => t?.dispose());

  it('groups reports of one event into an incident, keeping every report, its reporter and a timeline entry', async () => {
    const a = await report(bhabin, { severity: 2, regionCode: villages[0] });
    const b = await report(bhabin, { severity: 3, regionCode: villages[0] });
    const c = await report(bhabin, { severity: 1, regionCode: villages[1] });
    const id = randomUUID();
    const res = await panwascam.post('/api/incidents', { id, title: 'Amplop di balai desa', reportIds: [a, b, c] });
    expect(res.statusCode, res.body).toBe(201);
    const inc = res.json();
    expect(inc).toMatchObject({ id, status: 'open', category: 'politik_uang', severity: 3, regionCode: BAYAT, reportCount: 3, version: 1 });
    expect(inc.reportIds.sort()).toEqual([a, b, c].sort());
    expect(inc.reports.map((r: { incidentId: string }) => r.incidentId)).toEqual([id, id, id]);
    expect(inc.reports.every((r: { reporter: unknown }) => r.reporter !== null)).toBe(true);
    const single = (await panwascam.get(`/api/reports/${a}`)).json();
    expect(single).toMatchObject({ incidentId: id, version: 1, status: 'new' });
    expect(single.timeline.at(-1)).toMatchObject({ action: 'incident_add', details: { incidentId: id } });
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.incident_add' AND entity_id = ANY($1::text[])", [[a, b, c]])).toBe(3);
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident.create' AND entity_id = $1", [id])).toBe(1);
    // the same request again (an offline retry) answers with the stored incident
    const again = await panwascam.post('/api/incidents', { id, title: 'Amplop di balai desa', reportIds: [c, b, a] });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);
    const other = await panwascam.post('/api/incidents', { id, title: 'Lain', reportIds: [a] });
    expect(other.statusCode).toBe(409);
    // the report list filters by incident
    const listed = (await panwascam.get(`/api/reports?incident=${id}`)).json();
    expect(listed.items).toHaveLength(3);
  });

  it('refuses bad input, other roles and reports out of reach, and stores nothing', async () => {
    const mine = await report(bhabin);
    const cawas = await report(cawasOfficer, { regionCode: cawasVillages[0] });
    const grouped = await report(bhabin);
    const first = await panwascam.post('/api/incidents', { title: 'Sudah dikelompokkan', reportIds: [grouped] });
    expect(first.statusCode).toBe(201);
    const before = await count('SELECT count(*)::int AS n FROM incidents', []);
    const cases: [Agent, Record<string, unknown>, number, string | null][] = [
      [observer, { title: 'Kejadian', reportIds: [mine] }, 403, null],
      [bhabin, { title: 'Kejadian', reportIds: [mine] }, 403, null],
      [panwascam, { title: 'Kejadian', reportIds: [mine, cawas] }, 404, 'reportIds'],
      [panwascam, { title: 'Kejadian', reportIds: [randomUUID()] }, 404, 'reportIds'],
      [panwascam, { title: 'Kejadian', reportIds: [mine, grouped] }, 409, 'reportIds'],
      [panwascam, { title: 'Kejadian', reportIds: [] }, 400, 'reportIds'],
      [panwascam, { title: 'Kejadian', reportIds: ['bukan-uuid'] }, 400, 'reportIds.0'],
      [panwascam, { title: 'K', reportIds: [mine] }, 400, 'title'],
      [panwascam, { title: 'Kejadian', reportIds: [mine], extra: 1 }, 400, 'extra'],
    ];
    for (const [agent, body, status, field] of cases) {
      const res = await agent.post('/api/incidents', body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(status);
      if (field) expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    const taken = await panwascam.post('/api/incidents', { title: 'Kejadian', reportIds: [mine, grouped] });
    expect(taken.json().error.details.taken).toEqual([{ reportId: grouped, incidentId: first.json().id }]);
    expect(await count('SELECT count(*)::int AS n FROM incidents', [])).toBe(before);
    expect((await panwascam.get(`/api/reports/${mine}`)).json().incidentId).toBeNull();

    // one incident lives in one province (one Citus shard)
    const national = await t.login('nasional');
    const diy = t.regions.descendantsAt('34', 'village')[0]!;
    await createTestUser(t.handle, { username: 'bhabin.diy', role: 'field_officer', scopes: [diy], pillarCode: 'polri' });
    const diyReport = await report(await t.login('bhabin.diy'), { regionCode: diy });
    const cross = await national.post('/api/incidents', { title: 'Lintas provinsi', reportIds: [mine, diyReport] });
    expect(cross.statusCode).toBe(400);
    expect(cross.json().error.fields[0]).toMatchObject({ path: 'reportIds' });
    expect(cross.json().error.fields[0].message).toMatch(/provinsi/);
  });

  it('adds, removes and splits with versions, each change on the reports’ timelines', async () => {
    const [a, b, c, d] = [await report(bhabin), await report(bhabin), await report(bhabin), await report(bhabin, { regionCode: villages[2] })];
    let inc = (await panwascam.post('/api/incidents', { title: 'Amplop tahap dua', reportIds: [a, b] })).json();
    expect(inc.regionCode).toBe(villages[0]);
    const added = await panwascam.post(`/api/incidents/${inc.id}/reports`, { version: inc.version, reportIds: [c, d, a] });
    expect(added.statusCode, added.body).toBe(200);
    inc = added.json();
    expect(inc).toMatchObject({ version: 2, reportCount: 4, regionCode: BAYAT });
    const stale = await kesbang.post(`/api/incidents/${inc.id}/reports/remove`, { version: 1, reportIds: [a] });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details.current).toMatchObject({ id: inc.id, version: 2, reportCount: 4 });

    expect((await panwascam.post(`/api/incidents/${inc.id}/reports/remove`, { version: 2, reportIds: [randomUUID()] })).statusCode).toBe(400);
    const emptying = await panwascam.post(`/api/incidents/${inc.id}/reports/remove`, { version: 2, reportIds: [a, b, c, d] });
    expect(emptying.statusCode).toBe(400);
    expect(emptying.json().error.fields[0].message).toMatch(/minimal satu/);

    const removed = await panwascam.post(`/api/incidents/${inc.id}/reports/remove`, { version: 2, reportIds: [d] });
    expect(removed.statusCode, removed.body).toBe(200);
    inc = removed.json();
    expect(inc).toMatchObject({ version: 3, reportCount: 3, regionCode: villages[0] });
    const dReport = (await panwascam.get(`/api/reports/${d}`)).json();
    expect(dReport.incidentId).toBeNull();
    expect(dReport.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'incident_add', 'incident_remove']);

    const newId = randomUUID();
    const split = await panwascam.post(`/api/incidents/${inc.id}/split`, { version: 3, reportIds: [c], title: 'Kejadian terpisah', newId });
    expect(split.statusCode, split.body).toBe(201);
    expect(split.json().from).toMatchObject({ id: inc.id, version: 4, reportCount: 2 });
    expect(split.json().to).toMatchObject({ id: newId, version: 1, reportCount: 1, reportIds: [c] });
    const cTimeline = (await panwascam.get(`/api/reports/${c}`)).json().timeline;
    expect(cTimeline.slice(-2)).toMatchObject([
      { action: 'incident_remove', details: { incidentId: inc.id, splitTo: newId } },
      { action: 'incident_add', details: { incidentId: newId, splitFrom: inc.id } },
    ]);
    expect((await panwascam.post(`/api/incidents/${inc.id}/split`, { version: 4, reportIds: [a], title: 'Lagi', newId })).statusCode).toBe(409);
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'incident' AND entity_id = $1", [inc.id])).toBe(4);

    const closed = await panwascam.patch(`/api/incidents/${inc.id}`, { version: 4, status: 'closed', description: 'Selesai ditangani' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', version: 5, description: 'Selesai ditangani' });
    expect((await panwascam.post(`/api/incidents/${inc.id}/reports`, { version: 5, reportIds: [d] })).statusCode).toBe(409);
    expect((await observer.patch(`/api/incidents/${inc.id}`, { version: 5, status: 'open' })).statusCode).toBe(403);
    expect((await panwascam.patch(`/api/incidents/${inc.id}`, { version: 5, status: 'selesai' })).statusCode).toBe(400);
  });

  it('takes report and incident ids in upper case as the same ids (a UUID may be written either way)', async () => {
    const [a, b, c] = [await report(bhabin), await report(bhabin), await report(bhabin)];
    const up = (id: string) => id.toUpperCase();
    const id = randomUUID();
    const created = await panwascam.post('/api/incidents', { id: up(id), title: 'Amplop huruf besar', reportIds: [up(a), up(b)] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id, reportCount: 2 });
    // the same request again, ids in lower case this time: the stored incident
    const again = await panwascam.post('/api/incidents', { id, title: 'Amplop huruf besar', reportIds: [b, a] });
    expect(again.statusCode, again.body).toBe(200);
    let inc = again.json();
    const added = await panwascam.post(`/api/incidents/${up(id)}/reports`, { version: inc.version, reportIds: [up(c)] });
    expect(added.statusCode, added.body).toBe(200);
    inc = added.json();
    expect(inc.reportIds.sort()).toEqual([a, b, c].sort());
    const removed = await panwascam.post(`/api/incidents/${id}/reports/remove`, { version: inc.version, reportIds: [up(c)] });
    expect(removed.statusCode, removed.body).toBe(200);
    inc = removed.json();
    const newId = randomUUID();
    const split = await panwascam.post(`/api/incidents/${id}/split`, { version: inc.version, reportIds: [up(b)], title: 'Terpisah', newId: up(newId) });
    expect(split.statusCode, split.body).toBe(201);
    expect(split.json().to).toMatchObject({ id: newId, reportIds: [b] });
  });

  it('keeps each desk to its own area', async () => {
    const bayatReport = await report(bhabin);
    const cawasReport = await report(cawasOfficer, { regionCode: cawasVillages[0] });
    const bayatInc = (await panwascam.post('/api/incidents', { title: 'Kejadian Bayat', reportIds: [bayatReport] })).json();
    const cawasDesk = await t.login('panwascam.cawas');
    expect((await cawasDesk.get(`/api/incidents/${bayatInc.id}`)).statusCode).toBe(404);
    expect((await cawasDesk.post(`/api/incidents/${bayatInc.id}/reports`, { version: 1, reportIds: [cawasReport] })).statusCode).toBe(404);
    expect((await cawasDesk.post(`/api/incidents/${bayatInc.id}/verify`, { version: 1 })).statusCode).toBe(404);
    const list = (await cawasDesk.get('/api/incidents?limit=500')).json();
    expect(list.items.find((i: { id: string }) => i.id === bayatInc.id)).toBeUndefined();
    expect((await cawasDesk.get(`/api/incidents?region=${BAYAT}`)).statusCode).toBe(403);
    // the regency desk may join the two districts; the result lies above each district desk's scope
    const wide = await kesbang.post('/api/incidents', { title: 'Dua kecamatan', reportIds: [bayatReport, cawasReport] });
    expect(wide.statusCode).toBe(409); // bayatReport is already grouped
    const other = await report(bhabin);
    const joined = await kesbang.post('/api/incidents', { title: 'Dua kecamatan', reportIds: [other, cawasReport] });
    expect(joined.statusCode).toBe(201);
    expect(joined.json().regionCode).toBe('33.10');
    expect((await panwascam.get(`/api/incidents/${joined.json().id}`)).statusCode).toBe(404);
    // a district desk cannot stretch its incident beyond its district
    const cawasOwn = await report(cawasOfficer, { regionCode: cawasVillages[1] });
    expect((await panwascam.post(`/api/incidents/${bayatInc.id}/reports`, { version: 1, reportIds: [cawasOwn] })).statusCode).toBe(404);
  });

  it('carries the workflow to every member report that allows it, and says which were skipped', async () => {
    const [a, b, c] = [await report(bhabin), await report(bhabin), await report(bhabin)];
    // c was verified on its own before grouping
    expect((await panwascam.post(`/api/reports/${c}/verify`, { version: 1 })).statusCode).toBe(200);
    let inc = (await panwascam.post('/api/incidents', { title: 'Alur kerja bersama', reportIds: [a, b, c] })).json();
    expect((await observer.post(`/api/incidents/${inc.id}/verify`, { version: 1 })).statusCode).toBe(403);
    expect((await panwascam.post(`/api/incidents/${inc.id}/verify`, { version: 1, extra: true })).statusCode).toBe(400);
    const verify = await panwascam.post(`/api/incidents/${inc.id}/verify`, { version: 1, comment: 'Dicek bersama PKD' });
    expect(verify.statusCode, verify.body).toBe(200);
    const v = verify.json();
    expect(v.applied.map((x: { reportId: string }) => x.reportId).sort()).toEqual([a, b].sort());
    expect(v.applied.every((x: { status: string }) => x.status === 'verified')).toBe(true);
    expect(v.skipped).toEqual([{ reportId: c, status: 'verified', reason: 'status', message: expect.stringMatching(/verify/) }]);
    expect(v.incident.version).toBe(2);
    const aReport = (await panwascam.get(`/api/reports/${a}`)).json();
    expect(aReport.timeline.at(-1)).toMatchObject({ action: 'verify', comment: 'Dicek bersama PKD' });

    expect((await panwascam.post(`/api/incidents/${inc.id}/assign`, { version: 1, orgCode: 'bawaslu' })).statusCode).toBe(409);
    const assign = (await panwascam.post(`/api/incidents/${inc.id}/assign`, { version: 2, orgCode: 'bawaslu' })).json();
    expect(assign.applied).toHaveLength(3);
    expect(assign.skipped).toHaveLength(0);
    inc = assign.incident;
    expect(inc.reports.every((r: { status: string; assignedOrg: { code: string } }) => r.status === 'in_progress' && r.assignedOrg.code === `bawaslu:${BAYAT}`)).toBe(true);

    // one report moves on its own; the next incident-wide step skips it with the report's own reason
    let bNow = (await panwascam.get(`/api/reports/${b}`)).json();
    for (const reason of ['Perlu kecamatan', 'Perlu kabupaten', 'Perlu provinsi']) {
      bNow = (await panwascam.post(`/api/reports/${b}/escalate`, { version: bNow.version, reason })).json();
    }
    expect(bNow.escalationLevel).toBe('province');
    const escalate = (await panwascam.post(`/api/incidents/${inc.id}/escalate`, { version: inc.version, reason: 'Meluas ke desa tetangga' })).json();
    expect(escalate.applied.map((x: { reportId: string }) => x.reportId).sort()).toEqual([a, c].sort());
    expect(escalate.skipped).toEqual([{ reportId: b, status: 'in_progress', reason: 'conflict', message: expect.stringMatching(/provinsi/) }]);
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'incident' AND entity_id = $1 AND action LIKE 'incident.%'", [inc.id])).toBe(4);

    const resolve = (await panwascam.post(`/api/incidents/${inc.id}/resolve`, { version: escalate.incident.version, outcome: 'Diteruskan ke Sentra Gakkumdu' })).json();
    expect(resolve.applied).toHaveLength(3);
    const closed = (await panwascam.patch(`/api/incidents/${inc.id}`, { version: resolve.incident.version, status: 'closed' })).json();
    expect((await panwascam.post(`/api/incidents/${inc.id}/reopen`, { version: closed.version, reason: 'Ada bukti baru' })).statusCode).toBe(409);
  });

  it('lists incidents newest first with a cursor and a status filter', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.now = new Date(t.clock.now.getTime() + 1000);
      ids.push((await kesbang.post('/api/incidents', { title: `Kejadian daftar ${i}`, reportIds: [await report(bhabin)] })).json().id);
    }
    const page1 = (await kesbang.get('/api/incidents?limit=3')).json();
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(-3).reverse());
    expect(page1.items[0]).toMatchObject({ reportCount: 1, category: 'politik_uang', severity: 2 });
    const page2 = (await kesbang.get(`/api/incidents?limit=3&cursor=${encodeURIComponent(page1.nextCursor)}`)).json();
    expect(page2.items.map((i: { id: string }) => i.id).slice(0, 2)).toEqual(ids.slice(0, 2).reverse());
    const open = (await kesbang.get('/api/incidents?status=open&limit=500')).json();
    const closed = (await kesbang.get('/api/incidents?status=closed&limit=500')).json();
    expect(open.items.every((i: { status: string }) => i.status === 'open')).toBe(true);
    expect(closed.items.length).toBeGreaterThan(0);
    expect(closed.items.every((i: { status: string }) => i.status === 'closed')).toBe(true);
    expect((await kesbang.get('/api/incidents?cursor=zzz')).statusCode).toBe(400);
    expect((await kesbang.get('/api/incidents?status=selesai')).statusCode).toBe(400);
    expect((await kesbang.get('/api/incidents?region=99.99')).statusCode).toBe(400);
  });
});
