import { z } from 'zod';
import { regionLevelOf, ZRegionLevel } from './regions.js';
import { CATEGORIES } from './taxonomy.js';
import {
  compareVulnerabilityLevels,
  isVerifiedStatus,
  type TIndexCategoryCode,
  type TIndexReportSource,
  type TIndexReportStatus,
  type TSpikeSettings,
  type TVulnerabilityLevel,
  ZIndexCategoryCode,
  ZIndexReportSource,
  ZIndexReportStatus,
  ZVulnerabilityLevel,
} from './vulnerability.js';

/*
 * Early-warning rules (issue #5): level rises, report spikes, severity-4 reports, and the one
 * notice per desk that summarises level changes caused by a stage boundary or a configuration
 * change. All pure: the clock is a parameter. The method is in docs/vulnerability-index.md.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

// ---------------------------------------------------------------------------------------------
// Alert schema
// ---------------------------------------------------------------------------------------------

/** Kinds of alert. `stage_summary` is the per-desk notice of bulk level changes (stage boundary or config). */
export const ALERT_KINDS = ['level_rise', 'spike', 'severity4', 'stage_summary'] as const;
/** One of `ALERT_KINDS`, as a field. */
export const ZAlertKind = z.enum(ALERT_KINDS);
/** The type of `ZAlertKind`. */
export type TAlertKind = z.infer<typeof ZAlertKind>;

/** Alert lifecycle: open → acknowledged → closed (closed can be reopened). */
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
/** One of `ALERT_STATUSES`, as a field. */
export const ZAlertStatus = z.enum(ALERT_STATUSES);
/** The type of `ZAlertStatus`. */
export type TAlertStatus = z.infer<typeof ZAlertStatus>;

/** What a desk can do with an alert. `act` records an action taken on the ground (what was done, in the comment). */
export const ALERT_ACTIONS = ['acknowledge', 'act', 'close', 'reopen', 'comment'] as const;
/** One of `ALERT_ACTIONS`, as a field. */
export const ZAlertActionKind = z.enum(ALERT_ACTIONS);
/** The type of `ZAlertActionKind`. */
export type TAlertActionKind = z.infer<typeof ZAlertActionKind>;

/** Delivery channels. E-mail, webhook and CAP leave the system; web stays on the dashboard. */
export const ALERT_CHANNELS = ['web', 'email', 'webhook', 'cap'] as const;
/** One of `ALERT_CHANNELS`, as a field. */
export const ZAlertChannel = z.enum(ALERT_CHANNELS);
/** The type of `ZAlertChannel`. */
export type TAlertChannel = z.infer<typeof ZAlertChannel>;

/** What caused a level change: reports, a stage boundary (stage weight changed), or a new config version. */
export const LEVEL_CHANGE_CAUSES = ['reports', 'stage_boundary', 'config'] as const;
/** One of `LEVEL_CHANGE_CAUSES`, as a field. */
export const ZLevelChangeCause = z.enum(LEVEL_CHANGE_CAUSES);
/** The type of `ZLevelChangeCause`. */
export type TLevelChangeCause = z.infer<typeof ZLevelChangeCause>;

/** A text in both product languages. */
export const ZAlertText = z.object({ id: z.string(), en: z.string() });
/** The type of `ZAlertText`. */
export type TAlertText = z.infer<typeof ZAlertText>;

/** One action taken on an alert, in its history. */
export const ZAlertAction = z.object({
  at: z.string(),
  by: z.string().describe('user id'),
  action: ZAlertActionKind,
  note: z.string().max(5000).optional(),
});
/** The type of `ZAlertAction`. */
export type TAlertAction = z.infer<typeof ZAlertAction>;

/** One region's level change, as listed in a summary notice. */
export const ZLevelChangeItem = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  from: ZVulnerabilityLevel.nullable(),
  to: ZVulnerabilityLevel,
  score: z.number(),
});
/** The type of `ZLevelChangeItem`. */
export type TLevelChangeItem = z.infer<typeof ZLevelChangeItem>;

/** An early-warning alert (or summary notice) as stored and presented. */
export const ZAlert = z.object({
  id: z.string(),
  kind: ZAlertKind,
  regionCode: z.string(),
  regionName: z.string(),
  regionLevel: ZRegionLevel,
  level: ZVulnerabilityLevel.optional().describe('the region’s level when the alert was raised (the new level for level_rise)'),
  previousLevel: ZVulnerabilityLevel.nullable().optional(),
  score: z.number().optional(),
  severity: z.number().int().min(1).max(4).optional().describe('severity of the report (severity4)'),
  category: ZIndexCategoryCode.optional(),
  stage: z.string().nullable(),
  cause: ZAlertText,
  reportIds: z.array(z.string()),
  status: ZAlertStatus,
  actions: z.array(ZAlertAction),
  channels: z.array(ZAlertChannel),
  isProvisional: z.boolean().describe('true while it rests only on unverified public or anonymous reports (web only)'),
  deskId: z.string().optional().describe('the desk a summary notice is addressed to'),
  changes: z.array(ZLevelChangeItem).optional().describe('stage_summary: the level changes it summarises'),
  spike: z.object({ count: z.number().int(), expected: z.number(), pValue: z.number() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** The type of `ZAlert`. */
export type TAlert = z.infer<typeof ZAlert>;

/** The status after an action, or null when the action is not allowed in that status. */
export function nextAlertStatus(status: TAlertStatus, action: TAlertActionKind): TAlertStatus | null {
  switch (action) {
    case 'comment':
      return status;
    case 'acknowledge':
      return status === 'open' ? 'acknowledged' : null;
    case 'act':
      // acting on an alert acknowledges it; a closed alert must be reopened first
      return status === 'closed' ? null : 'acknowledged';
    case 'close':
      return status === 'closed' ? null : 'closed';
    case 'reopen':
      return status === 'closed' ? 'open' : null;
  }
}

/** A deterministic alert id (kind, region or desk, instant), so a re-run of a job cannot raise the same alert twice. */
export function alertIdOf(kind: TAlertKind, key: string, atMs: number): string {
  const stamp = new Date(atMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${kind}-${key.replace(/[^0-9A-Za-z._-]/g, '_')}-${stamp}`;
}

// ---------------------------------------------------------------------------------------------
// Channels: who hears about an alert
// ---------------------------------------------------------------------------------------------

/** The facts of one report that decide how far an alert may travel. */
export interface TAlertReportFacts {
  source: TIndexReportSource;
  status: TIndexReportStatus;
}

/** True when a report stands on more than an outside claim: filed by an officer, or verified by a desk. */
export function isCorroboratedReport(report: TAlertReportFacts): boolean {
  if (report.status === 'draft' || report.status === 'rejected') return false;
  return report.source === 'officer' || isVerifiedStatus(report.status);
}

/**
 * Channels for an alert. An alert resting only on unverified public or anonymous reports stays
 * on the web dashboard (provisional): an anonymous report alone never sends e-mail, webhook or
 * CAP. Summary notices go to the web and by e-mail to the desk, never as CAP.
 */
export function alertChannelsFor(kind: TAlertKind, reports: readonly TAlertReportFacts[]): { channels: TAlertChannel[]; isProvisional: boolean } {
  switch (kind) {
    case 'stage_summary':
      return { channels: ['web', 'email'], isProvisional: false };
    case 'level_rise':
    case 'spike':
    case 'severity4':
      return reports.some(isCorroboratedReport)
        ? { channels: ['web', 'email', 'webhook', 'cap'], isProvisional: false }
        : { channels: ['web'], isProvisional: true };
  }
}

/** Whether a report raises a severity-4 alert, and through which channels. */
export interface TSeverity4Decision {
  shouldAlert: boolean;
  channels: TAlertChannel[];
  isProvisional: boolean;
  reason: 'not_severity4' | 'not_countable' | 'officer' | 'desk_verified' | 'unverified_outside_report';
}

/**
 * The severity-4 rule: every severity-4 report filed by an officer or verified by a desk raises
 * an alert on all channels. An unverified public or anonymous severity-4 report raises a
 * provisional web-only alert so a desk verifies it; when it is verified, call this again and
 * deliver the remaining channels. Drafts and rejected reports raise nothing.
 */
export function decideSeverity4Alert(report: TAlertReportFacts & { severity: number }): TSeverity4Decision {
  if (report.severity !== 4) return { shouldAlert: false, channels: [], isProvisional: false, reason: 'not_severity4' };
  if (report.status === 'draft' || report.status === 'rejected') {
    return { shouldAlert: false, channels: [], isProvisional: false, reason: 'not_countable' };
  }
  const { channels, isProvisional } = alertChannelsFor('severity4', [report]);
  const reason = report.source === 'officer' ? 'officer' : isVerifiedStatus(report.status) ? 'desk_verified' : 'unverified_outside_report';
  return { shouldAlert: true, channels, isProvisional, reason };
}

// ---------------------------------------------------------------------------------------------
// Building alerts
// ---------------------------------------------------------------------------------------------

const LEVEL_LABEL: Record<TVulnerabilityLevel, TAlertText> = {
  rendah: { id: 'rendah', en: 'low' },
  sedang: { id: 'sedang', en: 'medium' },
  tinggi: { id: 'tinggi', en: 'high' },
};

/** A category's name in a sentence (`politik uang`, `money politics`); the code when unknown. */
function categoryText(code: TIndexCategoryCode, lang: 'id' | 'en'): string {
  const label = CATEGORIES[code]?.label[lang];
  return label ? label.toLowerCase() : code;
}

function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}

interface TAlertBase {
  regionCode: string;
  regionName: string;
  stage: string | null;
  nowMs: number;
}

function baseAlert(kind: TAlertKind, key: string, b: TAlertBase): Omit<TAlert, 'cause' | 'reportIds' | 'channels' | 'isProvisional'> {
  const at = new Date(b.nowMs).toISOString();
  return {
    id: alertIdOf(kind, key, b.nowMs),
    kind,
    regionCode: b.regionCode,
    regionName: b.regionName,
    regionLevel: regionLevelOf(b.regionCode),
    stage: b.stage,
    status: 'open',
    actions: [],
    createdAt: at,
    updatedAt: at,
  };
}

/** True when the level went up (a region seen for the first time rises when it is above rendah). */
export function isLevelRise(from: TVulnerabilityLevel | null, to: TVulnerabilityLevel): boolean {
  return compareVulnerabilityLevels(to, from ?? 'rendah') > 0;
}

/** A level rise alert, with the categories that moved the region most in its cause text. */
export function buildLevelRiseAlert(
  input: TAlertBase & {
    from: TVulnerabilityLevel | null;
    to: TVulnerabilityLevel;
    score: number;
    topCategories?: readonly TIndexCategoryCode[];
    reports: readonly (TAlertReportFacts & { id: string })[];
  },
): TAlert {
  const from = input.from ?? 'rendah';
  const top = (input.topCategories ?? []).slice(0, 3);
  const cats = top.map((c) => categoryText(c, 'id')).join(', ');
  const catsEn = top.map((c) => categoryText(c, 'en')).join(', ');
  const { channels, isProvisional } = alertChannelsFor('level_rise', input.reports);
  return {
    ...baseAlert('level_rise', input.regionCode, input),
    level: input.to,
    previousLevel: input.from,
    score: input.score,
    cause: {
      id: `Tingkat kerawanan ${input.regionName} naik dari ${LEVEL_LABEL[from].id} ke ${LEVEL_LABEL[input.to].id} (skor ${fmt(input.score)})${cats ? `, terutama karena laporan ${cats}` : ''}.`,
      en: `Vulnerability of ${input.regionName} rose from ${LEVEL_LABEL[from].en} to ${LEVEL_LABEL[input.to].en} (score ${fmt(input.score)})${catsEn ? `, driven mostly by ${catsEn} reports` : ''}.`,
    },
    reportIds: input.reports.map((r) => r.id),
    channels,
    isProvisional,
  };
}

/** A spike alert from the result of `detectSpike`. */
export function buildSpikeAlert(
  input: TAlertBase & {
    spike: TSpikeResult;
    level?: TVulnerabilityLevel;
    score?: number;
    reports: readonly (TAlertReportFacts & { id: string })[];
  },
): TAlert {
  const { channels, isProvisional } = alertChannelsFor('spike', input.reports);
  const s = input.spike;
  return {
    ...baseAlert('spike', input.regionCode, input),
    ...(input.level ? { level: input.level } : {}),
    ...(input.score !== undefined ? { score: input.score } : {}),
    cause: {
      id: `Lonjakan laporan di ${input.regionName}: ${s.count} laporan dalam ${s.windowHours} jam terakhir, biasanya sekitar ${fmt(s.expected, 1)} (p = ${s.pValue.toExponential(1)}).`,
      en: `Report spike in ${input.regionName}: ${s.count} reports in the last ${s.windowHours} hours against about ${fmt(s.expected, 1)} usually (p = ${s.pValue.toExponential(1)}).`,
    },
    reportIds: input.reports.map((r) => r.id),
    channels,
    isProvisional,
    spike: { count: s.count, expected: s.expected, pValue: s.pValue },
  };
}

/** A severity-4 alert for one report; null when `decideSeverity4Alert` says no alert. */
export function buildSeverity4Alert(
  input: TAlertBase & { report: TAlertReportFacts & { id: string; severity: number; category: TIndexCategoryCode }; level?: TVulnerabilityLevel },
): TAlert | null {
  const decision = decideSeverity4Alert(input.report);
  if (!decision.shouldAlert) return null;
  const r = input.report;
  return {
    ...baseAlert('severity4', `${input.regionCode}-${r.id}`, input),
    ...(input.level ? { level: input.level } : {}),
    severity: 4,
    category: r.category,
    cause: {
      id: `Laporan kritis (tingkat 4) ${categoryText(r.category, 'id')} di ${input.regionName}${decision.isProvisional ? ' — belum diverifikasi' : ''}.`,
      en: `Critical (severity 4) ${categoryText(r.category, 'en')} report in ${input.regionName}${decision.isProvisional ? ' — not yet verified' : ''}.`,
    },
    reportIds: [r.id],
    channels: decision.channels,
    isProvisional: decision.isProvisional,
  };
}

// ---------------------------------------------------------------------------------------------
// Level changes in a batch: individual alerts vs. one notice per desk
// ---------------------------------------------------------------------------------------------

/** One region's level change found by an index update, with its cause. */
export const ZLevelChange = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  from: ZVulnerabilityLevel.nullable(),
  to: ZVulnerabilityLevel,
  score: z.number(),
  cause: ZLevelChangeCause,
  stage: z.string().nullable(),
  topCategories: z.array(ZIndexCategoryCode).optional(),
  reports: z.array(z.object({ id: z.string(), source: ZIndexReportSource, status: ZIndexReportStatus })).optional(),
});
/** The type of `ZLevelChange`. */
export type TLevelChange = z.infer<typeof ZLevelChange>;

/** A desk as far as notices are concerned: who it is and the region it covers. */
export interface TAlertDesk {
  id: string;
  regionCode: string;
  regionName: string;
}

/**
 * Split a batch of level changes. Rises caused by reports become one `level_rise` alert each;
 * falls caused by reports raise nothing. Changes caused by a stage boundary or a new config
 * version (rises and falls) are gathered into one `stage_summary` notice per desk whose region
 * contains them, so a stage boundary never floods a desk with one alert per region.
 */
export function splitLevelChanges(
  changes: readonly TLevelChange[],
  desks: readonly TAlertDesk[],
  nowMs: number,
): { alerts: TAlert[]; summaries: TAlert[] } {
  const alerts: TAlert[] = [];
  const bulk: TLevelChange[] = [];
  for (const change of changes) {
    if (change.from === change.to) continue;
    switch (change.cause) {
      case 'reports':
        if (isLevelRise(change.from, change.to)) {
          alerts.push(
            buildLevelRiseAlert({
              regionCode: change.regionCode,
              regionName: change.regionName,
              stage: change.stage,
              nowMs,
              from: change.from,
              to: change.to,
              score: change.score,
              ...(change.topCategories ? { topCategories: change.topCategories } : {}),
              reports: change.reports ?? [],
            }),
          );
        }
        break;
      case 'stage_boundary':
      case 'config':
        bulk.push(change);
        break;
    }
  }
  const summaries: TAlert[] = [];
  for (const desk of desks) {
    const mine = bulk.filter((c) => c.regionCode === desk.regionCode || c.regionCode.startsWith(`${desk.regionCode}.`));
    if (mine.length === 0) continue;
    const rises = mine.filter((c) => isLevelRise(c.from, c.to)).length;
    const falls = mine.length - rises;
    const stages = [...new Set(mine.map((c) => c.stage))];
    const stage = stages.length === 1 ? (stages[0] ?? null) : null;
    const byStage = mine.some((c) => c.cause === 'stage_boundary');
    const byConfig = mine.some((c) => c.cause === 'config');
    const why = {
      id: [byStage ? `pergantian tahapan${stage ? ` ke ${stage}` : ''}` : '', byConfig ? 'perubahan konfigurasi indeks' : ''].filter(Boolean).join(' dan '),
      en: [byStage ? `a stage change${stage ? ` to ${stage}` : ''}` : '', byConfig ? 'a change of the index configuration' : ''].filter(Boolean).join(' and '),
    };
    const tinggi = mine.filter((c) => c.to === 'tinggi').length;
    summaries.push({
      ...baseAlert('stage_summary', desk.id, { regionCode: desk.regionCode, regionName: desk.regionName, stage, nowMs }),
      deskId: desk.id,
      cause: {
        id: `Karena ${why.id}, tingkat kerawanan ${mine.length} wilayah di ${desk.regionName} berubah: ${rises} naik, ${falls} turun; ${tinggi} kini tinggi.`,
        en: `Because of ${why.en}, the vulnerability level of ${mine.length} regions in ${desk.regionName} changed: ${rises} up, ${falls} down; ${tinggi} now high.`,
      },
      reportIds: [],
      channels: alertChannelsFor('stage_summary', []).channels,
      isProvisional: false,
      changes: mine.map((c) => ({ regionCode: c.regionCode, regionName: c.regionName, from: c.from, to: c.to, score: c.score })),
    });
  }
  return { alerts, summaries };
}

// ---------------------------------------------------------------------------------------------
// Spike detection: one-sided Poisson test against the region's own recent baseline
// ---------------------------------------------------------------------------------------------

const LOG_FACTORIAL_TABLE: number[] = (() => {
  const table = [0];
  for (let n = 1; n <= 256; n++) table.push((table[n - 1] as number) + Math.log(n));
  return table;
})();

/** ln(n!) for a non-negative integer: exact sums up to 256, Stirling's series beyond (relative error < 1e-15). */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logFactorial needs a non-negative integer, got ${n}`);
  if (n <= 256) return LOG_FACTORIAL_TABLE[n] as number;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n + 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * P(X ≥ k) for X ~ Poisson(λ), computed without cancellation: above the mean by summing the
 * upper tail from its largest term outward in log space; at or below the mean as 1 − P(X ≤ k−1),
 * which is then at least about 0.4 so the subtraction loses nothing that matters.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (!Number.isFinite(lambda) || lambda < 0) throw new RangeError(`poissonUpperTail needs λ ≥ 0, got ${lambda}`);
  if (k <= 0) return 1;
  const kk = Math.ceil(k);
  if (lambda === 0) return 0;
  const logTerm = (j: number) => -lambda + j * Math.log(lambda) - logFactorial(j);
  if (kk > lambda) {
    // Σ_{j≥k} t_j = t_k · Σ ratio products; ratios λ/(j+1) < 1 and shrink, so this converges fast.
    let rel = 1;
    let sum = 1;
    for (let j = kk; j < kk + 100_000; j++) {
      rel *= lambda / (j + 1);
      sum += rel;
      if (rel < sum * 1e-17) break;
    }
    return Math.min(1, Math.exp(logTerm(kk) + Math.log(sum)));
  }
  // Lower tail P(X ≤ k−1): terms rise towards the mean, so sum downward from k−1.
  let rel = 1;
  let sum = 1;
  for (let j = kk - 1; j > 0; j--) {
    rel *= j / lambda;
    sum += rel;
    if (rel < sum * 1e-17) break;
  }
  const lower = Math.exp(logTerm(kk - 1) + Math.log(sum));
  return Math.max(0, 1 - lower);
}

/** The outcome of one spike test. */
export const ZSpikeResult = z.object({
  isSpike: z.boolean(),
  count: z.number().int().describe('reports in the window'),
  baselineCount: z.number().int().describe('reports in the baseline period before the window'),
  ratePerDay: z.number().describe('baseline rate per day after the floor'),
  expected: z.number().describe('expected reports in the window (λ)'),
  pValue: z.number().describe('P(X ≥ count | λ)'),
  windowHours: z.number().int(),
});
/** The type of `ZSpikeResult`. */
export type TSpikeResult = z.infer<typeof ZSpikeResult>;

/** Number of sorted values ≤ value. */
function countAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Count of sorted instants in (from, to]. */
function countIn(sorted: readonly number[], fromMs: number, toMs: number): number {
  return countAtOrBefore(sorted, toMs) - countAtOrBefore(sorted, fromMs);
}

/**
 * The spike test for one region at `nowMs`. Window: (now − windowHours, now]. Baseline: the
 * `baselineDays` before the window. λ = max(baseline / baselineDays, minBaselinePerDay) ·
 * windowHours / 24. A spike when count ≥ minCount and P(X ≥ count | λ) < alpha.
 * `sortedTimesMs` are the region's countable reports (not draft or rejected; one per incident), ascending.
 */
export function detectSpike(sortedTimesMs: readonly number[], nowMs: number, settings: TSpikeSettings): TSpikeResult {
  const windowMs = settings.windowHours * HOUR_MS;
  const windowStart = nowMs - windowMs;
  const count = countIn(sortedTimesMs, windowStart, nowMs);
  const baselineCount = countIn(sortedTimesMs, windowStart - settings.baselineDays * DAY_MS, windowStart);
  return spikeFromCounts(count, baselineCount, settings);
}

/**
 * The spike test from the two counts alone: `count` countable reports in the window and
 * `baselineCount` in the `baselineDays` before it (what `detectSpike` counts from the times;
 * the server counts them in SQL).
 */
export function spikeFromCounts(count: number, baselineCount: number, settings: TSpikeSettings): TSpikeResult {
  const ratePerDay = Math.max(baselineCount / settings.baselineDays, settings.minBaselinePerDay);
  const expected = (ratePerDay * settings.windowHours) / 24;
  const pValue = poissonUpperTail(count, expected);
  return {
    isSpike: count >= settings.minCount && pValue < settings.alpha,
    count,
    baselineCount,
    ratePerDay,
    expected,
    pValue,
    windowHours: settings.windowHours,
  };
}

/** True when a report counts towards spike detection. */
export function isCountedForSpike(status: TIndexReportStatus): boolean {
  return status !== 'draft' && status !== 'rejected';
}

/** False-alarm measurement of the spike test over one series. */
export const ZFalseAlarmMeasurement = z.object({
  evaluations: z.number().int(),
  alarms: z.number().int(),
  falseAlarms: z.number().int(),
  quietEvaluations: z.number().int().describe('evaluations whose window overlaps no labelled true event'),
  falseAlarmRate: z.number().describe('false alarms / quiet evaluations'),
  falseAlarmsPerDay: z.number(),
});
/** The type of `ZFalseAlarmMeasurement`. */
export type TFalseAlarmMeasurement = z.infer<typeof ZFalseAlarmMeasurement>;

/**
 * Run the spike test every `stepMs` from `fromMs` to `toMs` over a region's report times and
 * count alarms. An alarm whose window overlaps a labelled true event window counts as a hit;
 * any other alarm is a false alarm. Used on the demo data to measure the false-alarm rate.
 */
export function measureSpikeFalseAlarms(input: {
  timesMs: readonly number[];
  fromMs: number;
  toMs: number;
  stepMs: number;
  settings: TSpikeSettings;
  trueEvents?: readonly { startMs: number; endMs: number }[];
}): TFalseAlarmMeasurement {
  if (!(input.stepMs > 0)) throw new RangeError('stepMs must be positive');
  const sorted = [...input.timesMs].sort((a, b) => a - b);
  const windowMs = input.settings.windowHours * HOUR_MS;
  const events = input.trueEvents ?? [];
  let evaluations = 0;
  let alarms = 0;
  let falseAlarms = 0;
  let quiet = 0;
  for (let t = input.fromMs; t <= input.toMs; t += input.stepMs) {
    evaluations++;
    const overlapsEvent = events.some((e) => e.startMs <= t && e.endMs > t - windowMs);
    if (!overlapsEvent) quiet++;
    if (detectSpike(sorted, t, input.settings).isSpike) {
      alarms++;
      if (!overlapsEvent) falseAlarms++;
    }
  }
  const days = Math.max((input.toMs - input.fromMs) / DAY_MS, 1 / 24);
  return {
    evaluations,
    alarms,
    falseAlarms,
    quietEvaluations: quiet,
    falseAlarmRate: quiet > 0 ? falseAlarms / quiet : 0,
    falseAlarmsPerDay: falseAlarms / days,
  };
}
