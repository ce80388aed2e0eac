import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateOf, localMidnight } from '@sinergi/domain';
import { DEMO_ELECTION_ID, seedDemo, type DemoDeps } from '../src/demo/index.js';
import { DEMO_CLUSTER_DISTRICT_NAME, DEMO_REPORT_MARK, seedDemoReports } from '../src/demo/reports.js';
import { alertHooks, getAlertCap, runAlertChecks } from '../src/services/alerts.service.js';
import { systemContext } from '../src/services/context.js';
import { applyPendingRiskDeltas } from '../src/services/risk.service.js';
import { BACKENDS, createTestApp, type TestApp } from './helpers.js';

describe.each(BACKENDS)('demo reports on %s', (backend) => {
  let t: TestApp;
  let deps: DemoDeps;
  const rows = <T>(sql: string, params: unknown[] = []) => t.handle.query<T>(sql, params);
  const count = async (sql: string, params: unknown[] = []) => Number((await rows<{ n: number }>(sql, params))[0]!.n);

  beforeAll(async () => {
    t = await createTestApp(backend);
    deps = { handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter };
    const started = performance.now();
    const cpu = process.cpuUsage();
    await seedDemo(deps, { password: 'demo-password-1', now: t.clock.now });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(`[demo-reports] ${backend}: seedDemo (users, election, reports) took ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU in this process`);
  });
  afterAll(async () => t?.dispose());

  it('writes a few hundred reports in Klaten, in every status, from every kind of source', async () => {
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE region_code LIKE '33.10%'")).toBeGreaterThanOrEqual(250);
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE region_code <> '33.10' AND region_code NOT LIKE '33.10.%'")).toBe(0);
    const statuses = (await rows<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM reports GROUP BY status')).map((r) => r.status).sort();
    expect(statuses).toEqual(['draft', 'in_progress', 'new', 'rejected', 'resolved', 'verified']);
    const sources = (await rows<{ source: string }>('SELECT DISTINCT source FROM reports')).map((r) => r.source).sort();
    expect(sources).toEqual(expect.arrayContaining(['desk', 'field_officer', 'inbound_message', 'public']));
    // all 26 districts have reports; Bayat more than the average
    expect(await count("SELECT count(DISTINCT district_code)::int AS n FROM reports WHERE district_code IS NOT NULL")).toBe(26);
    const bayat = await count("SELECT count(*)::int AS n FROM reports WHERE district_code = '33.10.04'");
    expect(bayat).toBeGreaterThan(300 / 26 * 2);
    // every village report carries synthetic coordinates inside Klaten's box and says so
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE status <> 'draft' AND (lat IS NULL OR lat NOT BETWEEN -7.8 AND -7.6 OR lon NOT BETWEEN 110.5 AND 110.75)")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE source <> 'inbound_message' AND description NOT LIKE $1", [`%${DEMO_REPORT_MARK}`])).toBe(0);
    // spread over the simulated election's stages, none in the future
    expect(await count('SELECT count(*)::int AS n FROM reports WHERE occurred_at > $1 OR created_at > $1', [t.clock.now])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM reports WHERE election_id = $1', [DEMO_ELECTION_ID])).toBeGreaterThanOrEqual(250);
    const stages = (await rows<{ stage_code: string }>('SELECT DISTINCT stage_code FROM reports WHERE stage_code IS NOT NULL')).map((r) => r.stage_code);
    expect(stages).toContain('kampanye');
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('walks reports through the workflow: rejected with reasons, assigned to the default handler, resolved with outcomes, escalated by desks and by the SLA job', async () => {
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE status = 'rejected' AND reject_reason IS NULL")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE status = 'resolved' AND outcome IS NULL")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE status = 'in_progress' AND assigned_org_id IS NULL")).toBe(0);
    // politik uang goes to Bawaslu, hoaks to Diskominfo
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE category = 'politik_uang' AND assigned_org_id IS NOT NULL AND assigned_org_id NOT LIKE 'bawaslu:%'")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE category = 'hoaks' AND assigned_org_id IS NOT NULL AND assigned_org_id NOT LIKE 'kominfo:%'")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM report_events WHERE action = 'escalate' AND actor_id IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("SELECT count(*)::int AS n FROM report_events WHERE action = 'escalate' AND actor_id IS NULL AND details->>'automatic' = 'true'")).toBeGreaterThan(0);
    expect(await count('SELECT count(*)::int AS n FROM reports WHERE escalated_at IS NOT NULL')).toBeGreaterThan(5);
    // every report's timeline leads to its status, whether walked step by step or written in bulk
    expect(
      await count(
        "SELECT count(*)::int AS n FROM reports r WHERE r.status NOT IN ('new', 'draft') AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.to_status = r.status AND e.action <> 'create')",
      ),
    ).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM reports r WHERE r.assigned_org_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.action = 'assign' AND e.details->'org'->>'code' = r.assigned_org_id)")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM reports r WHERE r.version <> 1 + (SELECT count(*) FROM report_events e WHERE e.report_id = r.id AND e.action NOT IN ('create', 'comment', 'incident_add', 'incident_remove') AND e.actor_id IS NOT NULL) + (SELECT count(*) FROM report_events e WHERE e.report_id = r.id AND e.actor_id IS NULL AND e.action = 'escalate')")).toBe(0);
    // Bayat's reports went through the real workflow one step at a time; the audit log says which were written in bulk
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.verify' AND entity_id IN (SELECT id::text FROM reports WHERE district_code = '33.10.04')")).toBeGreaterThan(10);
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.demo_history'")).toBeGreaterThan(100);
    // the unverified ones left open are within their service level, or were escalated for it
    expect(await count("SELECT count(*)::int AS n FROM reports WHERE status = 'new'")).toBeGreaterThanOrEqual(5);
  });

  it('groups duplicate clusters into incidents and clusters journey 4 in one district during the campaign', async () => {
    const incidents = await rows<{ id: string; n: number }>('SELECT i.id, count(r.id)::int AS n FROM incidents i JOIN reports r ON r.incident_id = i.id GROUP BY i.id');
    expect(incidents.length).toBeGreaterThanOrEqual(3);
    for (const i of incidents) expect(Number(i.n)).toBeGreaterThanOrEqual(2);
    const cluster = t.regions.descendantsAt('33.10', 'district').find((d) => t.regions.nameOf(d) === DEMO_CLUSTER_DISTRICT_NAME)!;
    const recent = await count(
      "SELECT count(*)::int AS n FROM reports WHERE district_code = $1 AND category IN ('politik_uang', 'politik_identitas', 'hoaks', 'kampanye_hitam') AND stage_code = 'kampanye' AND occurred_at > $2",
      [cluster, new Date(t.clock.now.getTime() - 14 * 86_400_000)],
    );
    expect(recent).toBeGreaterThanOrEqual(30);
  });

  it('raises a few early-warning alerts in Klaten as the server jobs would, all demo-labelled, CAP status Exercise', async () => {
    const now = t.clock.now.getTime();
    await applyPendingRiskDeltas({ handle: t.handle, hooks: alertHooks(t) }, now); // first run: the rebuild, severity-4 rule over the queue
    await runAlertChecks(t, now);
    const alerts = await rows<{ id: string; kind: string; region_code: string; is_demo: boolean; channels: string[] }>('SELECT id, kind, region_code, is_demo, channels FROM alerts');
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(alerts.length).toBeLessThanOrEqual(30); // a few, not one per historical report
    expect(alerts.every((a) => a.region_code.startsWith('33.10') && a.is_demo)).toBe(true);
    // journey 4's late-campaign cluster shows as a spike in its district
    const cluster = t.regions.descendantsAt('33.10', 'district').find((d) => t.regions.nameOf(d) === DEMO_CLUSTER_DISTRICT_NAME)!;
    expect(alerts.filter((a) => a.kind === 'spike').map((a) => a.region_code)).toContain(cluster);
    const shared = alerts.find((a) => a.channels.includes('cap'))!;
    const cap = await getAlertCap(t, systemContext(t.clock.now), shared.id, { baseUrl: 'http://localhost:3000', sender: 'sinergi@localhost' });
    expect(cap.body).toContain('<status>Exercise</status>');
  });

  it('adds nothing when run again, whole or in part', async () => {
    const before = await count('SELECT count(*)::int AS n FROM reports');
    const nonEscalations = "SELECT count(*)::int AS n FROM report_events WHERE action <> 'escalate'";
    const events = await count(nonEscalations);
    const incidents = await count('SELECT count(*)::int AS n FROM incidents');
    const messages = await count('SELECT count(*)::int AS n FROM inbound_messages');
    await seedDemo(deps, { password: 'demo-password-1', now: new Date(t.clock.now.getTime() + 3600_000) });
    const first = t.elections.get(DEMO_ELECTION_ID)!.stages.map((s) => s.startDate).sort()[0];
    const again = await seedDemoReports(deps, { now: new Date(t.clock.now.getTime() + 7200_000), electionStart: new Date(`${first}T00:00:00+07:00`), districtNames: { bayat: 'Bayat' } });
    expect(again).toMatchObject({ written: 0, incidents: 0 });
    expect(await count('SELECT count(*)::int AS n FROM reports')).toBe(before);
    // (the SLA job may move a report up a level an hour later; nothing else changes)
    expect(await count(nonEscalations)).toBe(events);
    expect(await count('SELECT count(*)::int AS n FROM incidents')).toBe(incidents);
    expect(await count('SELECT count(*)::int AS n FROM inbound_messages')).toBe(messages);
  });
});

describe.each(BACKENDS)('demo situation report on %s', (backend) => {
  it("writes yesterday's Klaten situation report: every pillar section submitted, approved by Kesbangpol, demo-labelled, with the day's numbers", async () => {
    const t = await createTestApp(backend);
    try {
      const deps: DemoDeps = { handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter };
      await seedDemo(deps, { password: 'demo-password-1', now: t.clock.now });
      const [row] = await t.handle.query<{ id: string; status: string; is_demo: boolean; date: string; received: number }>(
        "SELECT id, status, is_demo, date, (numbers->>'received')::int AS received FROM sitreps WHERE region_code = '33.10'",
      );
      expect(row).toMatchObject({ status: 'approved', is_demo: true, date: addDays(localDateOf(t.clock.now, '33.10'), -1) });
      // the numbers are those of the demo's reports received that day (WIB)
      const from = localMidnight(row!.date, '33.10');
      const [day] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM reports WHERE regency_code = '33.10' AND created_at >= $1 AND created_at < $2", [from, localMidnight(addDays(row!.date, 1), '33.10')]);
      expect(row!.received).toBe(day!.n);
      const sections = await t.handle.query<{ pillar_code: string; status: string; body: string }>('SELECT pillar_code, status, body FROM sitrep_sections WHERE sitrep_id = $1 ORDER BY sort_order', [row!.id]);
      expect(sections.map((s) => s.pillar_code)).toEqual(['polri', 'tni', 'kesbangpol', 'kpu', 'bawaslu']);
      expect(sections.every((s) => s.status === 'submitted' && s.body.startsWith('[DATA DEMO]'))).toBe(true);
      // seeding again changes nothing
      await seedDemo(deps, { password: 'demo-password-1', now: t.clock.now });
      expect(Number((await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM sitreps'))[0]!.n)).toBe(1);
    } finally {
      await t.dispose();
    }
  });
});
