import { describe, expect, it } from 'vitest';
import { canApproveSitrep, permissionsOf } from './auth.js';
import { DEFAULT_SLA_VERSION, selectSlaVersion } from './config-api.js';
import { DEFAULT_SLA } from './escalation.js';
import { countSitrepNumbers, defaultSitrepSections, sitrepLevelOf, slaDeadlineMs, type TSitrepReportFacts } from './sitreps.js';

const H = 3_600_000;
const fact = (over: Partial<TSitrepReportFacts>): TSitrepReportFacts => ({
  category: 'politik_uang',
  severity: 2,
  status: 'new',
  createdAtMs: 0,
  verifiedAtMs: null,
  statusChangedAtMs: 0,
  escalatedAtMs: null,
  ...over,
});

describe('situation report numbers', () => {
  it('counts the day by category (taxonomy order), severity and status, and the overdue open reports', () => {
    const n = countSitrepNumbers({
      dayReports: [fact({ category: 'hoaks', severity: 1 }), fact({}), fact({ severity: 4, status: 'resolved' }), fact({ category: null, status: 'draft' })],
      resolvedInDay: 3,
      escalatedInDay: 1,
      openReports: [
        fact({ severity: 3, statusChangedAtMs: 0 }), // verify 4 h: due at 4 h
        fact({ severity: 1, statusChangedAtMs: 0 }), // verify 72 h
        fact({ severity: 4, status: 'verified', statusChangedAtMs: 10 * H }), // handle 2 h: due at 12 h
        fact({ severity: 4, status: 'in_progress', statusChangedAtMs: 0 }), // handling: no clock
      ],
      toMs: 12 * H,
    });
    expect(n).toMatchObject({ received: 4, resolved: 3, escalated: 1, openAtEnd: 4, overdue: 2 });
    expect(n.byCategory).toEqual([
      { category: 'politik_uang', count: 2 },
      { category: 'hoaks', count: 1 },
      { category: 'draft', count: 1 },
    ]);
    expect(n.bySeverity).toEqual([
      { severity: 1, count: 1 },
      { severity: 2, count: 2 },
      { severity: 4, count: 1 },
    ]);
    expect(n.byStatus).toEqual([
      { status: 'draft', count: 1 },
      { status: 'new', count: 2 },
      { status: 'resolved', count: 1 },
    ]);
  });

  it('uses the SLA in force: a stricter one makes more reports overdue', () => {
    const strict = { ...DEFAULT_SLA, 1: { verifyMinutes: 60, handleMinutes: 60 } };
    const open = [fact({ severity: 1 })];
    expect(countSitrepNumbers({ dayReports: [], resolvedInDay: 0, escalatedInDay: 0, openReports: open, toMs: 2 * H }).overdue).toBe(0);
    expect(countSitrepNumbers({ dayReports: [], resolvedInDay: 0, escalatedInDay: 0, openReports: open, toMs: 2 * H, sla: strict }).overdue).toBe(1);
    expect(slaDeadlineMs(fact({ severity: 3, status: 'verified', statusChangedAtMs: H }))).toBe(H + 8 * H);
    expect(slaDeadlineMs(fact({ status: 'resolved' }))).toBeNull();
  });

  it('picks the SLA version in force, the default before any', () => {
    const v2 = { ...DEFAULT_SLA_VERSION, version: 2, isDefault: false, effectiveFrom: '2024-11-01T00:00:00Z' };
    const v3 = { ...DEFAULT_SLA_VERSION, version: 3, isDefault: false, effectiveFrom: '2024-11-10T00:00:00Z' };
    expect(selectSlaVersion([DEFAULT_SLA_VERSION, v3, v2], Date.parse('2024-10-01T00:00:00Z')).version).toBe(1);
    expect(selectSlaVersion([DEFAULT_SLA_VERSION, v3, v2], Date.parse('2024-11-05T00:00:00Z')).version).toBe(2);
    expect(selectSlaVersion([DEFAULT_SLA_VERSION, v3, v2], Date.parse('2024-11-20T00:00:00Z')).version).toBe(3);
  });
});

describe('situation report sections and permissions', () => {
  it('has one default section per pillar desk, named for the level', () => {
    expect(defaultSitrepSections('regency').map((s) => s.title)).toEqual([
      'Situasi dari Polres',
      'Situasi dari Kodim',
      'Situasi dari Pemda/Kesbangpol',
      'Situasi dari KPU',
      'Situasi dari Bawaslu',
    ]);
    expect(defaultSitrepSections('district')[0]!.title).toContain('Polsek');
    expect(sitrepLevelOf('33.10')).toBe('regency');
    expect(sitrepLevelOf('33.10.04.2001')).toBeNull();
  });

  it('lets only Kesbangpol desks and admins approve', () => {
    expect(canApproveSitrep('regency_desk', 'kesbangpol')).toBe(true);
    expect(canApproveSitrep('regency_desk', 'polri')).toBe(false);
    expect(canApproveSitrep('observer', 'kesbangpol')).toBe(false);
    expect(canApproveSitrep('field_officer', 'kesbangpol')).toBe(false);
    expect(canApproveSitrep('admin', null)).toBe(true);
    expect(permissionsOf('regency_desk', 'polri')).toContain('sitreps.write');
    expect(permissionsOf('regency_desk', 'polri')).not.toContain('sitreps.approve');
    expect(permissionsOf('observer', 'pemda')).not.toContain('sitreps.write');
  });
});
