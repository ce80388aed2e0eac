import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSlaDue } from '../src/db/repositories/reports.js';
import { escalateOverdueReports } from '../src/services/reports.service.js';
import { BACKENDS, createTestApp, insertReportRows, reportRowFixture, type TestApp } from './helpers.js';

// The SLA job reads the reports whose time is up, per (status, severity), through
// reports_sla_due_idx (migration 0016). Before, it read the 1,000 open reports whose status
// changed longest ago: a backlog of low-severity reports not yet due hid a severity-4 report
// that was (default SLA: severity 1 must be verified within 72 h, severity 4 within 1 h).
const HOUR = 3_600_000;

describe.each(BACKENDS)('SLA due reports on %s', (backend) => {
  let t: TestApp;
  let village: string;
  const ago = (hours: number) => new Date(t.clock.now.getTime() - hours * HOUR);

  beforeAll(async () => {
    t = await createTestApp(backend);
    village = t.regions.descendantsAt('33.10', 'village')[0]!;
  });
  afterAll(async () => t?.dispose());

  it('a severity-4 report past its hour is escalated behind 1,200 older reports not yet due', async () => {
    const backlog = Array.from({ length: 1200 }, (_, i) => reportRowFixture(village, ago(10 + i / 100), { severity: 1 }));
    const urgent = reportRowFixture(village, ago(2), { severity: 4 });
    await insertReportRows(t.handle, [...backlog, urgent]);
    const done = await escalateOverdueReports({ handle: t.handle, regions: t.regions, elections: t.elections, writer: t.reportWriter }, t.clock.now);
    expect(done).toEqual([expect.objectContaining({ id: urgent.id, reason: 'unverified', level: 'district' })]);
    // escalated just now: its clock restarts, so the next pass leaves it alone for another hour
    expect(await escalateOverdueReports({ handle: t.handle, regions: t.regions, elections: t.elections, writer: t.reportWriter }, t.clock.now)).toEqual([]);
    const later = await escalateOverdueReports({ handle: t.handle, regions: t.regions, elections: t.elections, writer: t.reportWriter }, new Date(t.clock.now.getTime() + HOUR));
    expect(later).toEqual([expect.objectContaining({ id: urgent.id, level: 'regency' })]);
  });

  it('reads due reports only, longest overdue first, per status and severity, never at the top level', async () => {
    const rows = [
      reportRowFixture(village, ago(5), { severity: 3 }), // new, 4 h to verify: due 1 h ago
      reportRowFixture(village, ago(3), { severity: 3 }), // not due
      reportRowFixture(village, ago(2.5), { severity: 4, status: 'verified', verifiedAt: ago(2.5) }), // 2 h to handle: due 30 min ago
      reportRowFixture(village, ago(4), { severity: 4, status: 'verified', verifiedAt: ago(4) }), // due 2 h ago
      reportRowFixture(village, ago(9), { severity: 3, escalatedAt: ago(2), escalationLevel: 'district' }), // escalated 2 h ago: not due
      reportRowFixture(village, ago(9), { severity: 3, escalationLevel: 'province' }), // at the top: never
      reportRowFixture(village, ago(9), { severity: 3, status: 'in_progress' }), // handled: never
    ];
    await insertReportRows(t.handle, rows);
    const cutoffs = [
      { status: 'new' as const, severity: 3, cutoff: ago(4) },
      { status: 'verified' as const, severity: 4, cutoff: ago(2) },
    ];
    const due = await findSlaDue(t.handle.db, cutoffs);
    expect(due.map((r) => r.id)).toEqual([rows[3]!.id, rows[0]!.id, rows[2]!.id]);
    expect((await findSlaDue(t.handle.db, cutoffs, 2)).map((r) => r.id)).toEqual([rows[3]!.id, rows[0]!.id]);
  });
});
