import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLA,
  ESCALATION_LEVELS,
  ZSlaConfig,
  dueEscalation,
  formatMinutes,
  nextEscalationLevel,
  regionCodeAtLevel,
  type TEscalationSubject,
} from './escalation.js';
import { REPORT_STATUSES } from './reports.js';

const T0 = new Date('2024-11-20T10:00:00+07:00');
/** A controllable clock: T0 plus minutes. */
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const critical: TEscalationSubject = { status: 'new', severity: 4, createdAt: T0, statusChangedAt: T0, escalationLevel: 'village' };

describe('escalation ladder', () => {
  it('climbs village → district → regency → province and stops', () => {
    expect(ESCALATION_LEVELS).toEqual(['village', 'district', 'regency', 'province']);
    expect(nextEscalationLevel('village')).toBe('district');
    expect(nextEscalationLevel('district')).toBe('regency');
    expect(nextEscalationLevel('regency')).toBe('province');
    expect(nextEscalationLevel('province')).toBeNull();
  });

  it('finds the desk region of a village at each level', () => {
    expect(regionCodeAtLevel('33.10.04.2001', 'village')).toBe('33.10.04.2001');
    expect(regionCodeAtLevel('33.10.04.2001', 'district')).toBe('33.10.04');
    expect(regionCodeAtLevel('33.10.04.2001', 'regency')).toBe('33.10');
    expect(regionCodeAtLevel('33.10.04.2001', 'province')).toBe('33');
    expect(() => regionCodeAtLevel('33.10', 'district')).toThrow();
  });
});

describe('default SLA', () => {
  it('is 1h/2h, 4h/8h, 24h/48h, 72h/7d and valid config', () => {
    expect(DEFAULT_SLA[4]).toEqual({ verifyMinutes: 60, handleMinutes: 120 });
    expect(DEFAULT_SLA[3]).toEqual({ verifyMinutes: 240, handleMinutes: 480 });
    expect(DEFAULT_SLA[2]).toEqual({ verifyMinutes: 1440, handleMinutes: 2880 });
    expect(DEFAULT_SLA[1]).toEqual({ verifyMinutes: 4320, handleMinutes: 10080 });
    expect(ZSlaConfig.safeParse(DEFAULT_SLA).success).toBe(true);
    expect(ZSlaConfig.safeParse({ ...DEFAULT_SLA, 4: { verifyMinutes: 0, handleMinutes: 1 } }).success).toBe(false);
  });
});

describe('dueEscalation', () => {
  it('escalates an unverified critical report after exactly one hour, and says why', () => {
    expect(dueEscalation(critical, at(59))).toBeNull();
    const due = dueEscalation(critical, at(60));
    expect(due).toMatchObject({ reason: 'unverified', fromLevel: 'village', level: 'district', limitMinutes: 60 });
    expect(due?.dueSince).toEqual(at(60));
    expect(due?.message.id).toContain('belum diverifikasi dalam 1 jam');
    expect(due?.message.id).toContain('kecamatan');
    expect(due?.message.en).toContain('not verified within 1 h');
  });

  it('restarts the clock at each escalation and climbs to the province, then stops', () => {
    const afterFirst = { ...critical, escalationLevel: 'district' as const, lastEscalatedAt: at(60) };
    expect(dueEscalation(afterFirst, at(119))).toBeNull();
    expect(dueEscalation(afterFirst, at(120))).toMatchObject({ level: 'regency', dueSince: at(120) });
    const afterSecond = { ...critical, escalationLevel: 'regency' as const, lastEscalatedAt: at(120) };
    expect(dueEscalation(afterSecond, at(180))).toMatchObject({ level: 'province' });
    const top = { ...critical, escalationLevel: 'province' as const, lastEscalatedAt: at(180) };
    expect(dueEscalation(top, at(10_000))).toBeNull();
  });

  it('reports the first missed deadline when the job runs late', () => {
    expect(dueEscalation(critical, at(500))?.dueSince).toEqual(at(60));
  });

  it('escalates a verified report nobody handles, counted from when it became verified', () => {
    const verified: TEscalationSubject = { status: 'verified', severity: 3, createdAt: T0, verifiedAt: at(30), statusChangedAt: at(30), escalationLevel: 'village' };
    expect(dueEscalation(verified, at(30 + 479))).toBeNull();
    const due = dueEscalation(verified, at(30 + 480));
    expect(due).toMatchObject({ reason: 'unhandled', level: 'district', limitMinutes: 480 });
    expect(due?.message.id).toContain('belum ditangani dalam 8 jam');
    // Reopened: resolved → verified later; the clock runs from the reopening, not the first verification.
    const reopened = { ...verified, statusChangedAt: at(2000) };
    expect(dueEscalation(reopened, at(2000 + 479))).toBeNull();
    expect(dueEscalation(reopened, at(2000 + 480))).not.toBeNull();
  });

  it('does not count an escalation made before the current status began', () => {
    const verified: TEscalationSubject = {
      status: 'verified',
      severity: 4,
      createdAt: T0,
      verifiedAt: at(90),
      statusChangedAt: at(90),
      escalationLevel: 'district',
      lastEscalatedAt: at(60),
    };
    expect(dueEscalation(verified, at(90 + 119))).toBeNull();
    expect(dueEscalation(verified, at(90 + 120))).toMatchObject({ level: 'regency', reason: 'unhandled' });
  });

  it('uses severity and a custom config; accepts ISO strings', () => {
    const minor: TEscalationSubject = { status: 'new', severity: 2, createdAt: T0.toISOString(), escalationLevel: 'village' };
    expect(dueEscalation(minor, at(60))).toBeNull();
    expect(dueEscalation(minor, at(1440))).toMatchObject({ reason: 'unverified' });
    const strict = { ...DEFAULT_SLA, 2: { verifyMinutes: 30, handleMinutes: 60 } };
    expect(dueEscalation(minor, at(30), strict)).toMatchObject({ limitMinutes: 30 });
    // Structured from a draft later than it was created: the clock runs from the structuring.
    expect(dueEscalation({ ...minor, statusChangedAt: at(1000) }, at(1440))).toBeNull();
  });

  it('never escalates drafts, reports in progress or closed reports', () => {
    const quiet = REPORT_STATUSES.filter((status) => dueEscalation({ ...critical, status }, at(100_000)) === null);
    expect(quiet).toEqual(['draft', 'rejected', 'in_progress', 'resolved']);
  });
});

describe('formatMinutes', () => {
  it('writes durations in both languages', () => {
    expect(formatMinutes(60, 'id')).toBe('1 jam');
    expect(formatMinutes(90, 'en')).toBe('1 h 30 min');
    expect(formatMinutes(10080, 'id')).toBe('7 hari');
    expect(formatMinutes(0, 'en')).toBe('0 min');
  });
});
