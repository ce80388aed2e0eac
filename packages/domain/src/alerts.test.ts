import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alertChannelsFor,
  alertIdOf,
  buildLevelRiseAlert,
  buildSeverity4Alert,
  buildSpikeAlert,
  decideSeverity4Alert,
  detectSpike,
  spikeFromCounts,
  isCountedForSpike,
  isLevelRise,
  logFactorial,
  measureSpikeFalseAlarms,
  nextAlertStatus,
  poissonUpperTail,
  splitLevelChanges,
  ZAlert,
  type TLevelChange,
} from './alerts.js';
import { DEFAULT_INDEX_CONFIG, INDEX_REPORT_SOURCES, INDEX_REPORT_STATUSES } from './vulnerability.js';

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.parse('2024-11-20T10:00:00+07:00');
const S = DEFAULT_INDEX_CONFIG.spike;

/** Deterministic PRNG (mulberry32) so the statistical tests are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Event times of a homogeneous Poisson process with `perDay` events a day over [from, to). */
function poissonProcess(perDay: number, fromMs: number, toMs: number, random: () => number): number[] {
  const times: number[] = [];
  let t = fromMs;
  for (;;) {
    t += (-Math.log(1 - random()) / perDay) * DAY;
    if (t >= toMs) return times;
    times.push(Math.floor(t));
  }
}

describe('Poisson upper tail', () => {
  // Reference values computed with 60-digit decimal arithmetic (Python decimal).
  const known: [number, number, number][] = [
    [3, 0.5, 1.43876779669706873e-2],
    [10, 1, 1.11425478338720674e-7],
    [1, 0.001, 9.99500166625008233e-4],
    [3, 0.1, 1.54653070264671643e-4],
    [5, 2, 5.26530173437111601e-2],
    [30, 10, 2.50995120152790758e-7],
    [100, 50, 3.20006532458512524e-10],
    [50, 100, 9.99999988215499291e-1],
    [200, 100, 9.34315007298838945e-19],
    [1000, 900, 5.4990226571128788e-4],
    [40, 0.1, 1.11169581451832352e-88],
    [2, 3.5, 8.64111774599566784e-1],
  ];
  it.each(known)('P(X ≥ %i | λ = %d) matches the reference to 1e-10 relative', (k, lambda, expected) => {
    const got = poissonUpperTail(k, lambda);
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-10);
  });

  it('handles the edges', () => {
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonUpperTail(-2, 5)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonUpperTail(0, 0)).toBe(1);
    expect(poissonUpperTail(5000, 1)).toBe(0);
    expect(() => poissonUpperTail(1, -1)).toThrow(RangeError);
  });

  it('differences of the tail are the probability mass, and the tail falls with k', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0.01, max: 200, noNaN: true }), (k, lambda) => {
        const pmf = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
        const diff = poissonUpperTail(k, lambda) - poissonUpperTail(k + 1, lambda);
        expect(Math.abs(diff - pmf)).toBeLessThanOrEqual(1e-12 + 1e-9 * pmf);
        expect(poissonUpperTail(k + 1, lambda)).toBeLessThanOrEqual(poissonUpperTail(k, lambda));
      }),
    );
  });

  it('computes ln n! exactly for small n and by Stirling beyond the table', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 14);
    let sum = logFactorial(256);
    for (let n = 257; n <= 400; n++) {
      sum += Math.log(n);
      expect(Math.abs(logFactorial(n) - sum) / sum).toBeLessThan(1e-13);
    }
    expect(() => logFactorial(1.5)).toThrow(RangeError);
  });
});

describe('spike detection', () => {
  const steady = Array.from({ length: 56 }, (_, i) => NOW - DAY - (i + 0.5) * (28 * DAY) / 56);

  it('alerts when the last 24 hours are far above the 28-day baseline', () => {
    const burst = Array.from({ length: 12 }, (_, i) => NOW - i * H);
    const r = detectSpike([...steady, ...burst].sort((a, b) => a - b), NOW, S);
    expect(r).toMatchObject({ isSpike: true, count: 12, baselineCount: 56, ratePerDay: 2 });
    expect(r.expected).toBeCloseTo(2, 12);
    expect(r.pValue).toBeCloseTo(poissonUpperTail(12, 2), 15);
  });

  it('stays quiet at the usual rate', () => {
    const usual = Array.from({ length: 4 }, (_, i) => NOW - i * 5 * H);
    expect(detectSpike([...steady, ...usual].sort((a, b) => a - b), NOW, S).isSpike).toBe(false);
  });

  it('uses the floor in a quiet region and needs at least minCount reports', () => {
    const three = [NOW - 3 * H, NOW - 2 * H, NOW - H];
    const r = detectSpike(three, NOW, S);
    expect(r.ratePerDay).toBe(0.1);
    expect(r.pValue).toBeCloseTo(1.54653070264671643e-4, 15);
    expect(r.isSpike).toBe(true);
    expect(detectSpike(three.slice(1), NOW, S)).toMatchObject({ isSpike: false, count: 2 });
    expect(detectSpike(three, NOW, { ...S, minCount: 4 }).isSpike).toBe(false);
  });

  it('decides from the two counts alone', () => {
    // the burst case above: 12 in the window over 56 in 28 days
    const r = spikeFromCounts(12, 56, S);
    expect(r).toMatchObject({ isSpike: true, count: 12, baselineCount: 56, ratePerDay: 2, windowHours: 24 });
    expect(r.pValue).toBeCloseTo(poissonUpperTail(12, 2), 15);
    // the quiet-region case: the floor of 0.1 a day
    expect(spikeFromCounts(3, 0, S)).toMatchObject({ isSpike: true, ratePerDay: 0.1 });
    expect(spikeFromCounts(3, 0, S).pValue).toBeCloseTo(1.54653070264671643e-4, 15);
    expect(spikeFromCounts(2, 0, S).isSpike).toBe(false); // under minCount
    expect(spikeFromCounts(4, 4 * 28, S).isSpike).toBe(false); // the usual rate
  });

  it('counts the window as (now − 24 h, now]', () => {
    const r = detectSpike([NOW - DAY, NOW - DAY + 1, NOW, NOW + 1], NOW, S);
    expect(r.count).toBe(2);
    expect(r.baselineCount).toBe(1);
  });

  it('does not count drafts or rejected reports', () => {
    expect(INDEX_REPORT_STATUSES.filter(isCountedForSpike)).toEqual(['new', 'verified', 'in_progress', 'resolved']);
  });

  it('keeps the false-alarm rate near α on a steady Poisson series', () => {
    const random = rng(20241127);
    const from = NOW - 1500 * DAY;
    const times = poissonProcess(3, from - 30 * DAY, NOW, random);
    const m = measureSpikeFalseAlarms({ timesMs: times, fromMs: from, toMs: NOW, stepMs: DAY, settings: S });
    expect(m.evaluations).toBe(1501);
    expect(m.quietEvaluations).toBe(1501);
    expect(m.falseAlarms).toBe(m.alarms);
    // Nominal α is 0.001; estimating λ from 28 days inflates it a little, never by an order of magnitude.
    expect(m.falseAlarmRate).toBeLessThan(0.005);
  });

  it('finds an injected event and does not call it a false alarm', () => {
    const random = rng(7);
    const from = NOW - 200 * DAY;
    const base = poissonProcess(2, from - 30 * DAY, NOW, random);
    const eventStart = NOW - 100 * DAY;
    const burst = Array.from({ length: 15 }, (_, i) => eventStart + i * H);
    const m = measureSpikeFalseAlarms({
      timesMs: [...base, ...burst],
      fromMs: from,
      toMs: NOW,
      stepMs: 6 * H,
      settings: S,
      trueEvents: [{ startMs: eventStart, endMs: eventStart + DAY }],
    });
    expect(m.alarms).toBeGreaterThan(m.falseAlarms);
    expect(m.quietEvaluations).toBeLessThan(m.evaluations);
    expect(m.falseAlarmsPerDay).toBeCloseTo(m.falseAlarms / 200, 12);
  });
});

describe('severity 4 and channels', () => {
  it('alerts on every channel for an officer report or a desk-verified report', () => {
    expect(decideSeverity4Alert({ severity: 4, source: 'officer', status: 'new' })).toEqual({
      shouldAlert: true,
      channels: ['web', 'email', 'webhook', 'cap'],
      isProvisional: false,
      reason: 'officer',
    });
    expect(decideSeverity4Alert({ severity: 4, source: 'anonymous', status: 'verified' })).toMatchObject({
      shouldAlert: true,
      channels: ['web', 'email', 'webhook', 'cap'],
      reason: 'desk_verified',
    });
  });

  it('keeps an unverified public or anonymous report on the web only, and ignores the rest', () => {
    expect(decideSeverity4Alert({ severity: 4, source: 'anonymous', status: 'new' })).toEqual({
      shouldAlert: true,
      channels: ['web'],
      isProvisional: true,
      reason: 'unverified_outside_report',
    });
    expect(decideSeverity4Alert({ severity: 3, source: 'officer', status: 'verified' }).shouldAlert).toBe(false);
    expect(decideSeverity4Alert({ severity: 4, source: 'officer', status: 'rejected' }).shouldAlert).toBe(false);
    expect(decideSeverity4Alert({ severity: 4, source: 'officer', status: 'draft' }).reason).toBe('not_countable');
  });

  it('never sends e-mail or CAP on an anonymous report alone, whatever the alert kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('level_rise' as const, 'spike' as const, 'severity4' as const),
        fc.array(fc.record({ source: fc.constantFrom('anonymous' as const, 'public' as const), status: fc.constantFrom('draft' as const, 'new' as const, 'rejected' as const) }), { maxLength: 20 }),
        (kind, reports) => {
          const { channels, isProvisional } = alertChannelsFor(kind, reports);
          expect(channels).toEqual(['web']);
          expect(isProvisional).toBe(true);
        },
      ),
    );
    expect(alertChannelsFor('spike', [{ source: 'anonymous', status: 'new' }, { source: 'officer', status: 'new' }]).channels).toContain('cap');
    expect(alertChannelsFor('stage_summary', []).channels).toEqual(['web', 'email']);
    for (const source of INDEX_REPORT_SOURCES) expect(alertChannelsFor('spike', [{ source, status: 'in_progress' }]).isProvisional).toBe(false);
  });

  it('builds a severity-4 alert that satisfies the schema, or none', () => {
    const base = { regionCode: '33.10.04.2001', regionName: 'Krakitan', stage: 'kampanye', nowMs: NOW };
    const alert = buildSeverity4Alert({ ...base, report: { id: 'r9', severity: 4, category: 'intimidasi_kekerasan', source: 'officer', status: 'new' } });
    expect(ZAlert.parse(alert)).toEqual(alert);
    expect(alert).toMatchObject({ kind: 'severity4', regionLevel: 'village', reportIds: ['r9'], status: 'open', severity: 4 });
    expect(alert?.cause.id).toContain('Krakitan');
    expect(buildSeverity4Alert({ ...base, report: { id: 'r9', severity: 2, category: 'hoaks', source: 'officer', status: 'new' } })).toBeNull();
  });
});

describe('level changes', () => {
  it('knows a rise', () => {
    expect(isLevelRise('sedang', 'tinggi')).toBe(true);
    expect(isLevelRise('tinggi', 'sedang')).toBe(false);
    expect(isLevelRise('sedang', 'sedang')).toBe(false);
    expect(isLevelRise(null, 'sedang')).toBe(true);
    expect(isLevelRise(null, 'rendah')).toBe(false);
  });

  const change = (over: Partial<TLevelChange>): TLevelChange => ({
    regionCode: '33.10.04',
    regionName: 'Bayat',
    from: 'sedang',
    to: 'tinggi',
    score: 55,
    cause: 'reports',
    stage: 'pemungutan_suara',
    ...over,
  });
  const desks = [
    { id: 'desk-klaten', regionCode: '33.10', regionName: 'Kabupaten Klaten' },
    { id: 'desk-jateng', regionCode: '33', regionName: 'Jawa Tengah' },
    { id: 'desk-kebumen', regionCode: '33.05', regionName: 'Kabupaten Kebumen' },
    { id: 'desk-jatim', regionCode: '35', regionName: 'Jawa Timur' },
  ];

  it('raises one alert per rise caused by reports and nothing for falls', () => {
    const { alerts, summaries } = splitLevelChanges(
      [
        change({ topCategories: ['politik_uang', 'hoaks'], reports: [{ id: 'a', source: 'officer', status: 'verified' }] }),
        change({ regionCode: '33.10.05', regionName: 'Cawas', from: 'tinggi', to: 'sedang' }),
        change({ regionCode: '33.10.06', regionName: 'Trucuk', from: 'sedang', to: 'sedang' }),
      ],
      desks,
      NOW,
    );
    expect(summaries).toEqual([]);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(ZAlert.parse(a)).toEqual(a);
    expect(a).toMatchObject({ kind: 'level_rise', regionCode: '33.10.04', level: 'tinggi', previousLevel: 'sedang', reportIds: ['a'], channels: ['web', 'email', 'webhook', 'cap'] });
    expect(a?.cause.id).toBe('Tingkat kerawanan Bayat naik dari sedang ke tinggi (skor 55.00), terutama karena laporan politik uang, hoaks / disinformasi.');
  });

  it('summarises stage-boundary and config changes in one notice per desk', () => {
    const boundary = [
      change({ cause: 'stage_boundary' }),
      change({ cause: 'stage_boundary', regionCode: '33.10.05', regionName: 'Cawas' }),
      change({ cause: 'stage_boundary', regionCode: '33.10.05.2001', regionName: 'Desa X', from: 'rendah', to: 'sedang', score: 20 }),
      change({ cause: 'config', regionCode: '33.05.10', regionName: 'Kebumen', from: 'tinggi', to: 'sedang', score: 40 }),
    ];
    const { alerts, summaries } = splitLevelChanges(boundary, desks, NOW);
    expect(alerts).toEqual([]);
    expect(summaries.map((s) => [s.deskId, s.changes?.length])).toEqual([
      ['desk-klaten', 3],
      ['desk-jateng', 4],
      ['desk-kebumen', 1],
    ]);
    for (const s of summaries) expect(ZAlert.parse(s)).toEqual(s);
    const klaten = summaries[0];
    expect(klaten).toMatchObject({ kind: 'stage_summary', regionCode: '33.10', stage: 'pemungutan_suara', channels: ['web', 'email'] });
    expect(klaten?.cause.en).toBe(
      'Because of a stage change to pemungutan_suara, the vulnerability level of 3 regions in Kabupaten Klaten changed: 3 up, 0 down; 2 now high.',
    );
    expect(summaries[1]?.cause.id).toContain('pergantian tahapan ke pemungutan_suara dan perubahan konfigurasi indeks');
    expect(summaries[2]?.cause.en).toContain('1 regions in Kabupaten Kebumen changed: 0 up, 1 down');
  });

  it('builds a provisional spike alert from unverified public reports only', () => {
    const spike = detectSpike([NOW - 3 * H, NOW - 2 * H, NOW - H], NOW, S);
    const alert = buildSpikeAlert({
      regionCode: '33.05.10',
      regionName: 'Kebumen',
      stage: 'kampanye',
      nowMs: NOW,
      spike,
      reports: [
        { id: 'p1', source: 'public', status: 'new' },
        { id: 'p2', source: 'anonymous', status: 'new' },
      ],
    });
    expect(ZAlert.parse(alert)).toEqual(alert);
    expect(alert).toMatchObject({ kind: 'spike', channels: ['web'], isProvisional: true, spike: { count: 3 } });
    expect(alert.cause.en).toBe('Report spike in Kebumen: 3 reports in the last 24 hours against about 0.1 usually (p = 1.5e-4).');
  });

  it('gives deterministic ids and a clean level-rise alert without reports', () => {
    expect(alertIdOf('level_rise', '33.10.04', Date.parse('2024-11-20T03:00:00.123Z'))).toBe('level_rise-33.10.04-20241120T030000Z');
    expect(alertIdOf('stage_summary', 'desk klaten/1', 0)).toBe('stage_summary-desk_klaten_1-19700101T000000Z');
    const a = buildLevelRiseAlert({ regionCode: '33', regionName: 'Jawa Tengah', stage: null, nowMs: NOW, from: null, to: 'sedang', score: 30, reports: [] });
    expect(a.cause.en).toBe('Vulnerability of Jawa Tengah rose from low to medium (score 30.00).');
    expect(a.isProvisional).toBe(true);
  });
});

describe('alert lifecycle', () => {
  it('moves open → acknowledged → closed → open', () => {
    expect(nextAlertStatus('open', 'acknowledge')).toBe('acknowledged');
    expect(nextAlertStatus('acknowledged', 'acknowledge')).toBeNull();
    expect(nextAlertStatus('open', 'close')).toBe('closed');
    expect(nextAlertStatus('acknowledged', 'close')).toBe('closed');
    expect(nextAlertStatus('closed', 'close')).toBeNull();
    expect(nextAlertStatus('closed', 'reopen')).toBe('open');
    expect(nextAlertStatus('open', 'reopen')).toBeNull();
    expect(nextAlertStatus('acknowledged', 'comment')).toBe('acknowledged');
    expect(nextAlertStatus('open', 'act')).toBe('acknowledged');
    expect(nextAlertStatus('acknowledged', 'act')).toBe('acknowledged');
    expect(nextAlertStatus('closed', 'act')).toBeNull();
  });
});
