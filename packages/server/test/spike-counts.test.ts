import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INDEX_CONFIG, detectSpike, spikeFromCounts } from '@sinergi/domain';
import { countSpikeGroups, findSpikeCandidateDistricts, findSpikeWindowGroups } from '../src/db/repositories/alerts.js';
import type { NewReportRow } from '../src/db/repositories/reports.js';
import { BACKENDS, createTestApp, insertReportRows, reportRowFixture, type TestApp } from './helpers.js';

// The spike rule counts in SQL (countSpikeGroups) and reads rows only for districts that spike.
// These tests hold the counts to the rows they replace: the same groups (an incident once, at
// its first report in the period; drafts and rejected reports left out), on both sides of the
// window's start.
const H = 3_600_000;
const S = DEFAULT_INDEX_CONFIG.spike;

describe.each(BACKENDS)('spike counts in SQL on %s', (backend) => {
  let t: TestApp;
  let districts: string[];
  let nowMs: number;
  let rows: NewReportRow[];
  /** The groups of the fixture's countable rows in a district, each at its first report (in JS, from the rows written). */
  const groupsOf = (district: string, fromMs: number, toMs: number): { key: string; atMs: number; ids: string[] }[] => {
    const groups = new Map<string, { key: string; atMs: number; ids: { id: string; at: number }[] }>();
    for (const r of rows) {
      const at = (r.occurredAt as Date).getTime();
      if (r.districtCode !== district || at <= fromMs || at > toMs || r.status === 'draft' || r.status === 'rejected') continue;
      const key = r.incidentId ?? r.id;
      const g = groups.get(key) ?? { key, atMs: at, ids: [] };
      g.atMs = Math.min(g.atMs, at);
      g.ids.push({ id: r.id, at });
      groups.set(key, g);
    }
    return [...groups.values()].map((g) => ({ key: g.key, atMs: g.atMs, ids: g.ids.sort((a, b) => a.at - b.at).map((x) => x.id) })).sort((a, b) => a.atMs - b.atMs);
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    nowMs = t.clock.now.getTime();
    const klaten = t.regions.descendantsAt('33.10', 'district');
    districts = klaten.slice(0, 3);
    rows = [];
    const villageOf = (d: string) => t.regions.descendantsAt(d, 'village')[0]!;
    const at = (hoursAgo: number) => new Date(nowMs - hoursAgo * H);
    // district 0: a burst today over a thin baseline — spikes
    const [d0, d1, d2] = districts as [string, string, string];
    for (let i = 0; i < 6; i++) rows.push(reportRowFixture(villageOf(d0), at(1 + i)));
    for (let i = 0; i < 5; i++) rows.push(reportRowFixture(villageOf(d0), at(48 + i * 24 * 5)));
    // an incident of four reports, the first before the window's start: counted once, in the baseline
    const incident = randomUUID();
    for (const h of [30, 20, 10, 2]) rows.push(reportRowFixture(villageOf(d0), at(h), { incidentId: incident }));
    // left out: a draft and a rejected report in the window, and one older than the baseline
    rows.push(reportRowFixture(villageOf(d0), at(3), { status: 'draft' }));
    rows.push(reportRowFixture(villageOf(d0), at(4), { status: 'rejected' }));
    rows.push(reportRowFixture(villageOf(d0), at(24 * 40)));
    // on the boundaries: exactly at the window's start counts in the baseline, exactly at the
    // baseline's start (29 days back) not at all
    rows.push(reportRowFixture(villageOf(d0), at(S.windowHours)));
    rows.push(reportRowFixture(villageOf(d0), at(S.windowHours + S.baselineDays * 24)));
    // district 1: the same number today over a busy baseline — no spike
    for (let i = 0; i < 6; i++) rows.push(reportRowFixture(villageOf(d1), at(2 + i)));
    for (let i = 0; i < 28 * 6; i++) rows.push(reportRowFixture(villageOf(d1), at(25 + i * 4)));
    // district 2: an incident of three reports today counts once — under the minimum of three
    const today = randomUUID();
    for (const h of [5, 4, 3]) rows.push(reportRowFixture(villageOf(d2), at(h), { incidentId: today }));
    rows.push(reportRowFixture(villageOf(d2), at(6)));
    await insertReportRows(t.handle, rows);
  });
  afterAll(async () => t?.dispose());

  it('counts what the rows count, and decides the same', async () => {
    const now = new Date(nowMs);
    const windowStart = new Date(nowMs - S.windowHours * H);
    const from = new Date(windowStart.getTime() - S.baselineDays * 24 * H);
    const candidates = await findSpikeCandidateDistricts(t.handle.db, windowStart, now, S.minCount);
    expect(candidates).toEqual(expect.arrayContaining(districts.slice(0, 2)));
    expect(candidates).not.toContain(districts[2]); // an incident of three counts once
    const counts = await countSpikeGroups(t.handle.db, districts, from, windowStart, now);
    for (const d of districts) {
      const fromRows = detectSpike(
        groupsOf(d, from.getTime(), nowMs).map((g) => g.atMs),
        nowMs,
        S,
      );
      const c = counts.find((x) => x.districtCode === d)!;
      expect({ count: c.count, baselineCount: c.baselineCount }).toEqual({ count: fromRows.count, baselineCount: fromRows.baselineCount });
      expect(spikeFromCounts(c.count, c.baselineCount, S)).toEqual(fromRows);
    }
    const [d0, d1, d2] = counts;
    // the incident counted once, in the baseline (its first report is 30 hours old), and the
    // report at the window's start; not the one at the baseline's start
    expect(d0).toMatchObject({ districtCode: districts[0], count: 6, baselineCount: 7 });
    expect(d1).toMatchObject({ districtCode: districts[1], count: 6, baselineCount: 28 * 6 });
    expect(d2).toMatchObject({ districtCode: districts[2], count: 2, baselineCount: 0 });
    expect(spikeFromCounts(d0!.count, d0!.baselineCount, S).isSpike).toBe(true);
    expect(spikeFromCounts(d1!.count, d1!.baselineCount, S).isSpike).toBe(false);
    expect(spikeFromCounts(d2!.count, d2!.baselineCount, S).isSpike).toBe(false);
  });

  it("lists the window's groups an alert shows: an incident once, none whose first report is in the baseline, the earliest first", async () => {
    const windowStart = new Date(nowMs - S.windowHours * H);
    const range = { from: new Date(windowStart.getTime() - S.baselineDays * 24 * H), windowStart, now: new Date(nowMs) };
    const listed = await findSpikeWindowGroups(t.handle.db, districts, range, 200);
    for (const d of districts) {
      const expected = groupsOf(d, range.from.getTime(), nowMs).filter((g) => g.atMs > windowStart.getTime());
      const mine = listed.filter((g) => g.districtCode === d);
      expect(mine.map((g) => ({ key: g.key, atMs: g.occurredAtMs, ids: g.reportIds }))).toEqual(expected);
    }
    // district 0's window: six lone reports; the incident that began 30 hours ago is not listed
    // (its two reports inside the window included), the one exactly at the window's start neither
    expect(listed.filter((g) => g.districtCode === districts[0]).length).toBe(6);
    // district 2: the incident of three, once, with its three reports oldest first
    const incident = listed.find((g) => g.districtCode === districts[2] && g.reportIds.length === 3);
    expect(incident).toBeDefined();
    // at most `limit` per district, the earliest ones
    const two = await findSpikeWindowGroups(t.handle.db, districts, range, 2);
    for (const d of districts) {
      const all = listed.filter((g) => g.districtCode === d);
      expect(two.filter((g) => g.districtCode === d)).toEqual(all.slice(0, 2));
    }
  });

  it('answers nothing for no districts', async () => {
    expect(await countSpikeGroups(t.handle.db, [], new Date(0), new Date(nowMs - H), new Date(nowMs))).toEqual([]);
  });
});
