import { describe, expect, it } from 'vitest';
import {
  PEMILU_2024,
  PILKADA_2024,
  ZElectionCreate,
  ZElectionUpdate,
  anchorTemplate,
  daysBetween,
  daysToVoting,
  localDateOf,
  stageAt,
  stageInterval,
  stageOnDate,
  type TElectionCalendar,
  type TStage,
} from './elections.js';

const JATENG_VILLAGE = '33.10.04.2001'; // WIB
const SULSEL_VILLAGE = '73.71.01.1001'; // WITA
const PAPUA_VILLAGE = '91.03.01.2001'; // WIT

const pilkada: TElectionCalendar = { id: 'pilkada', regionScope: '*', stages: PILKADA_2024.stages };

const s = (code: string, startDate: string, endDate: string, weight = 1.0): TStage => ({ code, name: code, startDate, endDate, weight });

describe('templates', () => {
  it('carry the Pilkada 2024 dates and default weights', () => {
    const byCode = Object.fromEntries(PILKADA_2024.stages.map((st) => [st.code, st]));
    expect(byCode.kampanye).toMatchObject({ startDate: '2024-09-25', endDate: '2024-11-23', weight: 1.3 });
    expect(byCode.masa_tenang).toMatchObject({ startDate: '2024-11-24', endDate: '2024-11-26', weight: 1.4 });
    expect(byCode.pemungutan_suara).toMatchObject({ startDate: '2024-11-27', endDate: '2024-11-27', weight: 2.0 });
    expect(byCode.penghitungan_rekapitulasi).toMatchObject({ startDate: '2024-11-27', endDate: '2024-12-16', weight: 1.6 });
    expect(byCode.penetapan_paslon).toMatchObject({ startDate: '2024-09-22', weight: 1.6 });
    expect(byCode.pendaftaran_paslon).toMatchObject({ startDate: '2024-08-27', endDate: '2024-08-29', weight: 1.0 });
  });

  it('carry the Pemilu 2024 dates and default weights', () => {
    const byCode = Object.fromEntries(PEMILU_2024.stages.map((st) => [st.code, st]));
    expect(byCode.kampanye).toMatchObject({ startDate: '2023-11-28', endDate: '2024-02-10', weight: 1.3 });
    expect(byCode.masa_tenang).toMatchObject({ startDate: '2024-02-11', endDate: '2024-02-13', weight: 1.4 });
    expect(byCode.pemungutan_suara).toMatchObject({ startDate: '2024-02-14', weight: 2.0 });
    expect(byCode.rekapitulasi).toMatchObject({ startDate: '2024-02-15', endDate: '2024-03-20', weight: 1.6 });
  });

  it('are valid election bodies', () => {
    for (const t of [PEMILU_2024, PILKADA_2024]) {
      const parsed = ZElectionCreate.parse({ kind: t.kind, name: t.name, regionScope: '*', stages: t.stages, template: t.key });
      expect(parsed.simulated).toBe(false);
    }
  });
});

describe('election schemas', () => {
  const base = { kind: 'pilkada', name: 'Pilkada Klaten', regionScope: '33.10', stages: [s('kampanye', '2024-09-25', '2024-11-23', 1.3)] };

  it('accept national, province and regency scopes only', () => {
    expect(ZElectionCreate.safeParse({ ...base, regionScope: '*' }).success).toBe(true);
    expect(ZElectionCreate.safeParse({ ...base, regionScope: '33' }).success).toBe(true);
    const district = ZElectionCreate.safeParse({ ...base, regionScope: '33.10.04' });
    expect(district.error?.issues.map((i) => i.message)).toEqual(['election.scope_level']);
  });

  it('reject a stage ending before it starts, duplicate codes and bad dates', () => {
    const backwards = ZElectionCreate.safeParse({ ...base, stages: [s('kampanye', '2024-11-23', '2024-09-25')] });
    expect(backwards.error?.issues.map((i) => i.message)).toEqual(['stage.end_before_start']);
    const twice = ZElectionUpdate.safeParse({ version: 1, stages: [s('kampanye', '2024-09-25', '2024-09-26'), s('kampanye', '2024-09-27', '2024-09-28')] });
    expect(twice.error?.issues.map((i) => i.message)).toEqual(['stage.duplicate_code']);
    expect(ZElectionCreate.safeParse({ ...base, stages: [s('kampanye', '2024-02-30', '2024-03-01')] }).success).toBe(false);
    expect(ZElectionCreate.safeParse({ ...base, kind: 'pilpres' }).success).toBe(false);
    expect(ZElectionCreate.safeParse({ ...base, stages: [] }).success).toBe(false);
  });
});

describe('local dates by time zone', () => {
  const eve = new Date('2024-11-26T23:30:00+07:00'); // 23:30 WIB on the eve of polling day

  it('reads the date in WIB, WITA and WIT', () => {
    expect(localDateOf(eve, JATENG_VILLAGE)).toBe('2024-11-26');
    expect(localDateOf(eve, SULSEL_VILLAGE)).toBe('2024-11-27');
    expect(localDateOf(eve, PAPUA_VILLAGE)).toBe('2024-11-27');
    expect(localDateOf(new Date('2024-11-26T22:30:00+07:00'), SULSEL_VILLAGE)).toBe('2024-11-26');
  });

  it('makes 23:30 WIB on the eve already polling day in Papua and Makassar, still masa tenang in Java', () => {
    expect(stageAt([pilkada], eve, JATENG_VILLAGE)).toMatchObject({ stageCode: 'masa_tenang', weight: 1.4 });
    expect(stageAt([pilkada], eve, PAPUA_VILLAGE)).toMatchObject({ stageCode: 'pemungutan_suara', weight: 2.0, localDate: '2024-11-27' });
    expect(stageAt([pilkada], eve, SULSEL_VILLAGE)).toMatchObject({ stageCode: 'pemungutan_suara' });
  });

  it('gives stage intervals as instants from local midnight', () => {
    const voting = PILKADA_2024.stages.find((st) => st.code === 'pemungutan_suara')!;
    expect(stageInterval(voting, PAPUA_VILLAGE)).toEqual({ start: new Date('2024-11-26T15:00:00Z'), end: new Date('2024-11-27T15:00:00Z') });
    expect(stageInterval(voting, JATENG_VILLAGE).start).toEqual(new Date('2024-11-26T17:00:00Z'));
  });
});

describe('stageAt rules', () => {
  const at = (date: string) => new Date(`${date}T12:00:00+07:00`);

  it('lets the later start win where stages overlap, even with a lower weight', () => {
    const stages = [s('a', '2024-01-01', '2024-01-10', 2.0), s('b', '2024-01-05', '2024-01-15', 1.0)];
    expect(stageOnDate(stages, '2024-01-03')?.code).toBe('a');
    expect(stageOnDate(stages, '2024-01-07')?.code).toBe('b');
    expect(stageOnDate(stages, '2024-01-12')?.code).toBe('b');
    expect(stageAt([{ id: 'e', regionScope: '*', stages }], at('2024-01-07'), JATENG_VILLAGE)).toMatchObject({ stageCode: 'b', weight: 1.0 });
  });

  it('prefers the shorter stage on the same start: polling day over counting, registration over review', () => {
    expect(stageAt([pilkada], at('2024-11-27'), JATENG_VILLAGE).stageCode).toBe('pemungutan_suara');
    expect(stageAt([pilkada], at('2024-11-28'), JATENG_VILLAGE)).toMatchObject({ stageCode: 'penghitungan_rekapitulasi', weight: 1.6 });
    expect(stageAt([pilkada], at('2024-08-29'), JATENG_VILLAGE).stageCode).toBe('pendaftaran_paslon');
    expect(stageAt([pilkada], at('2024-08-30'), JATENG_VILLAGE).stageCode).toBe('penelitian_persyaratan');
  });

  it('treats a gap between stages as weight 1.0 of that election, and outside any calendar as no election', () => {
    expect(stageAt([pilkada], at('2024-09-24'), JATENG_VILLAGE)).toEqual({
      electionId: 'pilkada',
      stageCode: null,
      stageName: null,
      weight: 1.0,
      localDate: '2024-09-24',
    });
    expect(stageAt([pilkada], at('2025-06-01'), JATENG_VILLAGE)).toMatchObject({ electionId: null, stageCode: null, weight: 1.0 });
    expect(stageAt([], at('2024-11-27'), JATENG_VILLAGE)).toMatchObject({ electionId: null, weight: 1.0 });
  });

  it('takes the highest weight where several elections cover the region, and respects scopes', () => {
    const gubernur: TElectionCalendar = { id: 'gub', regionScope: '33', stages: [s('kampanye', '2024-09-25', '2024-11-23', 1.3)] };
    const bupati: TElectionCalendar = {
      id: 'bup',
      regionScope: '33.10',
      stages: [s('kampanye', '2024-09-25', '2024-11-20', 1.3), s('masa_tenang', '2024-11-21', '2024-11-23', 1.4)],
    };
    expect(stageAt([gubernur, bupati], at('2024-11-22'), JATENG_VILLAGE)).toMatchObject({ electionId: 'bup', stageCode: 'masa_tenang', weight: 1.4 });
    expect(stageAt([bupati, gubernur], at('2024-11-22'), JATENG_VILLAGE)).toMatchObject({ electionId: 'bup', weight: 1.4 });
    // Outside Klaten only the governor's election applies.
    expect(stageAt([gubernur, bupati], at('2024-11-22'), '33.11.01.2001')).toMatchObject({ electionId: 'gub', weight: 1.3 });
    // Outside Jawa Tengah neither does.
    expect(stageAt([gubernur, bupati], at('2024-11-22'), '34.01.01.2001')).toMatchObject({ electionId: null, weight: 1.0 });
  });

  it('prefers a real stage over a gap of equal weight, then the later start', () => {
    const gapped: TElectionCalendar = { id: 'gap', regionScope: '*', stages: [s('a', '2024-01-01', '2024-01-02'), s('b', '2024-01-10', '2024-01-12')] };
    const running: TElectionCalendar = { id: 'run', regionScope: '33', stages: [s('pendaftaran', '2024-01-03', '2024-01-08')] };
    expect(stageAt([gapped, running], at('2024-01-05'), JATENG_VILLAGE)).toMatchObject({ electionId: 'run', stageCode: 'pendaftaran' });
    const later: TElectionCalendar = { id: 'later', regionScope: '*', stages: [s('x', '2024-01-04', '2024-01-08')] };
    expect(stageAt([running, later], at('2024-01-05'), JATENG_VILLAGE)).toMatchObject({ electionId: 'later', stageCode: 'x' });
    expect(stageAt([later, running], at('2024-01-05'), JATENG_VILLAGE)).toMatchObject({ electionId: 'later' });
  });
});

describe('daysToVoting', () => {
  it('counts local days to polling day: 0 on the day, negative after, null without one', () => {
    expect(daysToVoting(pilkada, new Date('2024-11-20T10:00:00+07:00'))).toBe(7);
    expect(daysToVoting(pilkada, new Date('2024-11-27T06:00:00+07:00'))).toBe(0);
    expect(daysToVoting(pilkada, new Date('2024-11-29T06:00:00+07:00'))).toBe(-2);
    expect(daysToVoting(pilkada, new Date('2024-11-26T23:30:00+07:00'), JATENG_VILLAGE)).toBe(1);
    expect(daysToVoting(pilkada, new Date('2024-11-26T23:30:00+07:00'), PAPUA_VILLAGE)).toBe(0);
    expect(daysToVoting({ regionScope: '*', stages: [s('kampanye', '2024-01-01', '2024-01-02')] }, new Date())).toBeNull();
  });
});

describe('anchorTemplate', () => {
  const today = new Date('2025-03-10T12:00:00+07:00');

  it('shifts Pilkada 2024 so today is in kampanye and polling day is 21 days away, keeping lengths', () => {
    const stages = anchorTemplate(PILKADA_2024, today);
    const election: TElectionCalendar = { id: 'demo', regionScope: '*', stages };
    expect(stageAt([election], today, JATENG_VILLAGE)).toMatchObject({ stageCode: 'kampanye', weight: 1.3 });
    expect(daysToVoting(election, today)).toBe(21);
    expect(stages.find((st) => st.code === 'pemungutan_suara')?.startDate).toBe('2025-03-31');
    stages.forEach((st, i) => {
      const original = PILKADA_2024.stages[i]!;
      expect(st.code).toBe(original.code);
      expect(st.weight).toBe(original.weight);
      expect(daysBetween(st.startDate, st.endDate)).toBe(daysBetween(original.startDate, original.endDate));
    });
  });

  it('accepts any offset that keeps today in kampanye and refuses others', () => {
    expect(() => anchorTemplate(PILKADA_2024, today, { daysToVotingDay: 4 })).not.toThrow();
    expect(() => anchorTemplate(PILKADA_2024, today, { daysToVotingDay: 63 })).not.toThrow();
    expect(() => anchorTemplate(PILKADA_2024, today, { daysToVotingDay: 3 })).toThrow(RangeError);
    expect(() => anchorTemplate(PILKADA_2024, today, { daysToVotingDay: 64 })).toThrow(RangeError);
    expect(() => anchorTemplate({ stages: [s('a', '2024-01-01', '2024-01-02')] }, today)).toThrow(RangeError);
  });

  it('uses the region’s local date', () => {
    const lateEvening = new Date('2025-03-10T23:30:00+07:00'); // already 11 March in Papua
    const papua = anchorTemplate(PILKADA_2024, lateEvening, { regionCode: PAPUA_VILLAGE });
    expect(papua.find((st) => st.code === 'pemungutan_suara')?.startDate).toBe('2025-04-01');
  });
});
