import { randomBytes, randomUUID } from 'node:crypto';
import { dynamicRawAt, localDateOf, addDays, DEFAULT_INDEX_CONFIG } from '@sinergi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAllDynamicStates } from '../src/db/repositories/risk.js';
import { startRiskIndexJob } from '../src/jobs/risk-index.js';
import { reportsDeps } from '../src/routes/reports.js';
import { createPublicReport } from '../src/services/reports.service.js';
import { applyPendingRiskDeltas, rebuildRiskIndex } from '../src/services/risk.service.js';
import { actOnReport, BACKENDS, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';
const CAWAS = '33.10.05';
const KLATEN = '33.10';
const HOUR = 3_600_000;
const H = 168; // default half-life, hours

/** 2^(−age/h) written out, so the test does not reuse the code under test. */
const decay = (ageHours: number) => 2 ** (-ageHours / H);

function multipart(file: { name: string; type: string; text: string }) {
  const boundary = `----sinergi${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
    Buffer.from(file.text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(BACKENDS)('vulnerability index on %s', (backend) => {
  let t: TestApp;
  let bhabin: Agent;
  let panwascam: Agent;
  let deskCawas: Agent;
  let kesbang: Agent;
  let admin: Agent;
  let bayat: string[];
  let cawas: string[];

  const file = (agent: Agent, over: Record<string, unknown>) =>
    fileReport(agent, reportBody(t.clock.now, { severity: 3, occurredAt: new Date(t.clock.now.getTime() - 2 * HOUR).toISOString(), ...over }));
  const act = actOnReport;
  const drain = () => applyPendingRiskDeltas({ handle: t.handle }, t.clock.now.getTime());
  const risk = async (agent: Agent, code: string, query = '') => {
    const res = await agent.get(`/api/risk/${code}${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    bayat = t.regions.descendantsAt(BAYAT, 'village');
    cawas = t.regions.descendantsAt(CAWAS, 'village');
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: [BAYAT, CAWAS], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'desk.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'admin2', role: 'admin', scopes: ['*'] });
    bhabin = await t.login('bhabin');
    panwascam = await t.login('panwascam');
    deskCawas = await t.login('desk.cawas');
    kesbang = await t.login('kesbang');
    admin = await t.login('admin2');
    await drain(); // first run: builds the (empty) states with configuration v1
  });
  afterAll(async () => t?.dispose());

  it('weighs reports by status and source, end to end: verified > new, rejected 0, public only once verified', async () => {
    const village = bayat[0]!;
    const now = t.clock.now.getTime();
    const base = await risk(panwascam, village);
    expect(base).toMatchObject({ regionCode: village, score: 0, level: 'rendah', configVersion: 1 });

    const a = await file(bhabin, { regionCode: village }); // officer, politik_uang (1.2) × sev 3 (4), 2 h old
    await drain();
    let r = await risk(panwascam, village);
    expect(r.source).toBe('incremental');
    expect(r.dynamic.raw).toBeCloseTo(1.2 * 4 * 0.3 * decay(2), 10); // new: 30 %
    const asNew = r.score;
    expect(asNew).toBeGreaterThan(0);

    await act(panwascam, a, 'verify');
    await drain();
    r = await risk(panwascam, village);
    expect(r.dynamic.raw).toBeCloseTo(1.2 * 4 * decay(2), 10);
    expect(r.score).toBeGreaterThan(asNew);
    // a village of ~2,445 voters: units 0.2445, k 20 → scaled = 100(1 − e^(−raw/0.2445/20)), β 0.5, no election → stage weight 1
    const expectedScaled = 100 * (1 - Math.exp(-(1.2 * 4 * decay(2)) / 0.2445 / 20));
    expect(r.score).toBeCloseTo(0.5 * expectedScaled, 1);
    expect(r.topReports[0]).toMatchObject({ reportId: a, category: 'politik_uang', severity: 3, status: 'verified' });
    expect(r.byCategory[0]).toMatchObject({ category: 'politik_uang', reports: 1 });

    const b = await file(bhabin, { regionCode: village, category: 'hoaks', severity: 2 });
    await act(panwascam, b, 'reject', { reason: 'Tidak terbukti' });
    const pub = randomUUID();
    await createPublicReport(reportsDeps(t), { id: pub, category: 'intimidasi_kekerasan', severity: 4, regionCode: village, occurredAt: new Date(now - 5 * HOUR).toISOString(), title: 'Ancaman kepada warga', description: 'Warga diancam bila tidak memilih.' }, { now: t.clock.now, ip: null });
    await drain();
    r = await risk(panwascam, village);
    expect(r.dynamic.raw).toBeCloseTo(1.2 * 4 * decay(2), 10); // rejected and unverified public count nothing

    await act(panwascam, pub, 'verify');
    await drain();
    r = await risk(panwascam, village);
    const withPublic = 1.2 * 4 * decay(2) + 1.5 * 8 * decay(5);
    expect(r.dynamic.raw).toBeCloseTo(withPublic, 10);
    expect(r.topReports.map((x: { reportId: string }) => x.reportId)).toEqual([pub, a]);

    await act(panwascam, a, 'resolve', { outcome: 'Diteruskan ke Sentra Gakkumdu' });
    await drain();
    r = await risk(panwascam, village);
    expect(r.dynamic.raw).toBeCloseTo(0.5 * 1.2 * 4 * decay(2) + 1.5 * 8 * decay(5), 10); // resolved: half

    // the chain: the district and the regency hold the same sum (no other reports there yet)
    const district = await risk(panwascam, BAYAT);
    expect(district.dynamic.raw).toBeCloseTo(r.dynamic.raw, 10);
    expect(district.dynamic.exposure.units).toBeGreaterThan(r.dynamic.exposure.units);
    expect(district.score).toBeLessThan(r.score); // same reports over more voters
    const list = (await kesbang.get(`/api/risk?parent=${KLATEN}`)).json();
    expect(list.items).toHaveLength(t.regions.children(KLATEN, ['*']).length);
    expect(list.items.find((i: { regionCode: string }) => i.regionCode === BAYAT).dynamic.raw).toBeCloseTo(r.dynamic.raw, 10);
    expect(list.items.find((i: { regionCode: string }) => i.regionCode === CAWAS).score).toBe(0);
  });

  it('scores a past date with the statuses in force then, and keeps 30 days of history', async () => {
    const village = bayat[1]!;
    const realNow = t.clock.now;
    const t0 = new Date(realNow.getTime() - 3 * 24 * HOUR);
    t.clock.now = t0;
    const id = await file(bhabin, { regionCode: village, category: 'intimidasi_kekerasan', severity: 3, occurredAt: new Date(t0.getTime() - HOUR).toISOString() });
    t.clock.now = new Date(t0.getTime() + 24 * HOUR);
    await act(panwascam, id, 'verify');
    t.clock.now = realNow;
    await drain();

    const d0 = localDateOf(t0, village);
    const endOf = (d: string) => Date.parse(`${addDays(d, 1)}T00:00:00+07:00`) - 1;
    const onDay0 = await risk(panwascam, village, `?date=${d0}`);
    expect(onDay0.source).toBe('direct');
    expect(onDay0.dynamic.raw).toBeCloseTo(1.5 * 4 * 0.3 * decay((endOf(d0) - (t0.getTime() - HOUR)) / HOUR), 10); // still new then
    const onDay1 = await risk(panwascam, village, `?date=${addDays(d0, 1)}`);
    expect(onDay1.dynamic.raw).toBeCloseTo(1.5 * 4 * decay((endOf(addDays(d0, 1)) - (t0.getTime() - HOUR)) / HOUR), 10);
    const before = await risk(panwascam, village, `?date=${addDays(d0, -1)}`);
    expect(before.dynamic.raw).toBe(0); // not filed yet

    const today = await risk(panwascam, village);
    expect(today.history).toHaveLength(30);
    expect(today.history.at(-1)).toMatchObject({ date: today.date, score: today.score });
    const h = new Map(today.history.map((p: { date: string; score: number }) => [p.date, p.score]));
    expect(h.get(addDays(d0, -1))).toBe(0);
    expect(h.get(d0)).toBe(onDay0.score);
    expect(h.get(addDays(d0, 1))).toBe(onDay1.score);
  });

  it('keeps risk inside the scope and answers bad input with a 4xx', async () => {
    expect((await deskCawas.get(`/api/risk/${BAYAT}`)).statusCode).toBe(403);
    expect((await deskCawas.get(`/api/risk/${bayat[0]}`)).statusCode).toBe(403);
    expect((await deskCawas.get(`/api/risk?parent=${BAYAT}`)).statusCode).toBe(403);
    expect((await deskCawas.get(`/api/risk/${KLATEN}`)).statusCode).toBe(403); // the regency sums other districts
    // a parent above the scope lists only what is inside it
    const above = (await deskCawas.get(`/api/risk?parent=${KLATEN}`)).json();
    expect(above.items.map((i: { regionCode: string }) => i.regionCode)).toEqual([CAWAS]);
    // no parent: the top of the scope
    const top = (await bhabin.get('/api/risk')).json();
    expect(top.parent).toBeNull();
    expect(top.items.map((i: { regionCode: string }) => i.regionCode)).toEqual([BAYAT, CAWAS]);
    const national = (await admin.get('/api/risk')).json();
    expect(national.items).toHaveLength(t.regions.children(null, ['*']).length);
    expect(national.items.find((i: { regionCode: string }) => i.regionCode === '33').dynamic.raw).toBeGreaterThan(0);

    const future = addDays(localDateOf(t.clock.now, BAYAT), 1);
    for (const url of [`/api/risk/${BAYAT}?date=2024-13-45`, `/api/risk/${BAYAT}?date=kemarin`, `/api/risk/${BAYAT}?date=${future}`, '/api/risk/abc', `/api/risk?parent=33.10.4`, `/api/risk?parent=${BAYAT}&date=2024-02-30`]) {
      const res = await panwascam.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('validation');
    }
    expect((await panwascam.get('/api/risk/33.10.04.9999')).statusCode).toBe(404);
    expect((await admin.get('/api/risk?parent=33.99')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/risk/${BAYAT}` })).statusCode).toBe(401);
  });

  it('gives the same numbers incrementally and by a full rebuild, after creates, verifies, rejects and resolves', async () => {
    const villages = [...bayat.slice(2, 6), ...cawas.slice(0, 4)];
    const categories = ['konflik_sosial', 'hoaks', 'netralitas_asn', 'politik_uang', 'perusakan_apk'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      ids.push(
        await file(bhabin, {
          regionCode: villages[rand(villages.length)],
          category: categories[rand(categories.length)],
          severity: 1 + rand(4),
          occurredAt: new Date(t.clock.now.getTime() - (1 + rand(400)) * HOUR).toISOString(),
        }),
      );
      if (i % 5 === 2) await drain(); // some deltas applied in between, some in one batch
    }
    for (const [i, id] of ids.entries()) {
      switch (i % 4) {
        case 0:
          await act(kesbang, id, 'verify');
          break;
        case 1:
          await act(kesbang, id, 'reject', { reason: 'Tidak terbukti' });
          break;
        case 2:
          await act(kesbang, id, 'verify');
          await act(kesbang, id, 'resolve', { outcome: 'Selesai dimediasi' });
          break;
        default:
          break; // stays new
      }
    }
    await drain();
    const now = t.clock.now.getTime();
    const h = DEFAULT_INDEX_CONFIG.halfLifeHours;
    const incremental = new Map((await findAllDynamicStates(t.handle.db)).map((s) => [s.regionCode, dynamicRawAt(s, now, h)]));
    const scoresBefore = [
      (await kesbang.get(`/api/risk?parent=${KLATEN}`)).json(),
      (await kesbang.get(`/api/risk?parent=${BAYAT}`)).json(),
      (await kesbang.get(`/api/risk?parent=${CAWAS}`)).json(),
    ];
    expect(scoresBefore.every((l) => l.items.every((i: { source: string }) => i.source === 'incremental'))).toBe(true);

    const rebuilt = await rebuildRiskIndex({ handle: t.handle }, now);
    expect(rebuilt.deltasCleared).toBe(0);
    const full = new Map((await findAllDynamicStates(t.handle.db)).map((s) => [s.regionCode, dynamicRawAt(s, now, h)]));
    for (const [code, raw] of full) {
      expect(incremental.get(code) ?? 0, code).toBeCloseTo(raw, 9);
      if (raw > 0) expect(Math.abs((incremental.get(code) ?? 0) - raw) / raw, code).toBeLessThan(1e-9);
    }
    for (const [code, raw] of incremental) if (!full.has(code)) expect(raw, code).toBeLessThan(1e-12);
    expect(full.get(KLATEN)).toBeGreaterThan(0);

    const scoresAfter = [
      (await kesbang.get(`/api/risk?parent=${KLATEN}`)).json(),
      (await kesbang.get(`/api/risk?parent=${BAYAT}`)).json(),
      (await kesbang.get(`/api/risk?parent=${CAWAS}`)).json(),
    ];
    const pick = (lists: { items: { regionCode: string; score: number; level: string }[] }[]) => lists.flatMap((l) => l.items.map((i) => [i.regionCode, i.score, i.level]));
    expect(pick(scoresAfter)).toEqual(pick(scoresBefore));
    // and the direct computation over the reports agrees too (the past-date path, scored now)
    const direct = await risk(kesbang, KLATEN);
    expect(direct.dynamic.raw).toBeCloseTo(full.get(KLATEN)!, 9);
  });

  it('updates the region chain within a second of the commit, from the running job', async () => {
    const job = startRiskIndexJob({ handle: t.handle, now: () => t.clock.now, intervalMs: 100 });
    try {
      const village = cawas[5]!;
      const started = Date.now();
      await file(bhabin, { regionCode: village, category: 'kerusuhan_hasil', severity: 4 });
      let raw = 0;
      while (Date.now() - started < 1000) {
        raw = (await risk(deskCawas, village)).dynamic.raw;
        if (raw > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(raw).toBeCloseTo(1.5 * 8 * 0.3 * decay(2), 10);
      expect((await risk(deskCawas, CAWAS)).dynamic.raw).toBeGreaterThanOrEqual(raw);
    } finally {
      await job.stop();
    }
  });

  it('imports structural scores all or nothing, in scope, and rolls them up', async () => {
    const v1 = bayat[6]!;
    const v2 = bayat[7]!;
    const bad = multipart({ name: 'ikp.csv', type: 'text/csv', text: `regionCode,subdimension,score,sourceNote\n${v1},keamanan,60,IKP\n${v1},1.1,70,\n${v2},bukan_sub,50,\n${v2},hak_memilih,140,\n33.10.99.9999,keamanan,10,\n` });
    let res = await admin.request({ method: 'POST', url: '/api/risk/structural', ...bad });
    expect(res.statusCode).toBe(400);
    const rows = res.json().error.fields.map((f: { path: string }) => f.path);
    expect(rows).toEqual(['row 3.subdimension', 'row 4.subdimension', 'row 5.score', 'row 6.regionCode']);
    const [count] = await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM risk_structural_scores');
    expect(Number(count!.n)).toBe(0);

    const ok = multipart({ name: 'ikp.csv', type: 'text/csv', text: `regionCode;subdimension;score;sourceNote\n${v1};keamanan;60;IKP\n${v1};2.1;40;\n${v2};keamanan;20,5;\n` });
    expect((await panwascam.request({ method: 'POST', url: '/api/risk/structural', ...ok })).statusCode).toBe(403); // no config.manage
    res = await admin.request({ method: 'POST', url: '/api/risk/structural', ...ok });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ imported: 3, regions: 2 });

    const r1 = await risk(panwascam, v1);
    // keamanan (dimension 1) 60, hak_memilih (dimension 2) 40: mean of the two dimensions, weights equal
    expect(r1.structural).toMatchObject({ score: 50, source: 'entered', isMissing: false });
    expect(r1.structural.coverage).toBeCloseTo(2 / 12, 10);
    const district = await risk(panwascam, BAYAT);
    expect(district.structural.source).toBe('rolled_up');
    expect(district.structural.score).toBeCloseTo((50 + 20.5) / 2, 10); // two villages of equal (estimated) exposure
  });
});
