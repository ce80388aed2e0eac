import { z } from 'zod';
import { NATIONAL_SCOPE, isRegionCodeShape, isWithinRegion, regionLevelOf, timeZoneOf, type TTimeZoneName } from './regions.js';

/** Election kinds: Pemilu (national general election) and Pilkada (regional head elections). */
export const ELECTION_KINDS = ['pemilu', 'pilkada'] as const;
/** An election kind. */
export type TElectionKind = (typeof ELECTION_KINDS)[number];
/** An election kind, as a field. */
export const ZElectionKind = z.enum(ELECTION_KINDS, { message: 'election.kind_unknown' });

/** Stage code of polling day: `daysToVoting` counts to its start. */
export const VOTING_STAGE_CODE = 'pemungutan_suara';
/** Stage code of the campaign: the demo calendar is anchored so today falls in it. */
export const CAMPAIGN_STAGE_CODE = 'kampanye';

/**
 * Default risk weights by stage code (shared/domain.md §3): ordinary 1.0, kampanye 1.3, masa
 * tenang 1.4, pemungutan suara 2.0, rekapitulasi and penetapan 1.6. Counting (penghitungan) is
 * part of pungut-hitung, where witness objections cluster, so it takes the recapitulation weight;
 * both penetapan stages (of candidates and of winners) take the penetapan weight.
 */
export const DEFAULT_STAGE_WEIGHTS: Readonly<Record<string, number>> = {
  kampanye: 1.3,
  masa_tenang: 1.4,
  pemungutan_suara: 2.0,
  penghitungan: 1.6,
  penghitungan_rekapitulasi: 1.6,
  rekapitulasi: 1.6,
  penetapan_paslon: 1.6,
  penetapan_calon_terpilih: 1.6,
};

/** Weight of an instant that falls between stages (or outside any election). */
export const GAP_WEIGHT = 1.0;

/** A calendar date `YYYY-MM-DD` (a local date in the region's zone). */
export const ZDate = z.iso.date({ message: 'date.invalid' });

/** One stage (tahapan): inclusive local dates and a risk weight. */
export const ZStage = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,49}$/, { message: 'stage.invalid_code' }),
  name: z.string().trim().min(2).max(200),
  nameEn: z.string().trim().min(2).max(200).optional(),
  startDate: ZDate,
  endDate: ZDate.describe('inclusive: the stage lasts to the end of this local day'),
  weight: z.number().min(0.1).max(5),
});
/** A stage. */
export type TStage = z.infer<typeof ZStage>;

/** Election scope: `*` (national), a province code or a regency/city code. */
export const ZElectionScope = z
  .string()
  .trim()
  .refine((s) => s === NATIONAL_SCOPE || (isRegionCodeShape(s) && ['province', 'regency'].includes(regionLevelOf(s))), {
    message: 'election.scope_level',
  });

/** Rules every calendar obeys: start ≤ end and unique stage codes. */
function checkStages(stages: readonly TStage[] | undefined, ctx: z.RefinementCtx): void {
  if (!stages) return;
  const seen = new Set<string>();
  stages.forEach((stage, i) => {
    if (stage.endDate < stage.startDate) ctx.addIssue({ code: 'custom', path: ['stages', i, 'endDate'], message: 'stage.end_before_start' });
    if (seen.has(stage.code)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'code'], message: 'stage.duplicate_code' });
    seen.add(stage.code);
  });
}

/** Built-in template keys. */
export const ELECTION_TEMPLATE_KEYS = ['pemilu_2024', 'pilkada_2024'] as const;
/** A built-in template key. */
export type TElectionTemplateKey = (typeof ELECTION_TEMPLATE_KEYS)[number];

/** POST /api/elections */
export const ZElectionCreate = z
  .strictObject({
    id: z.uuid().optional(),
    kind: ZElectionKind,
    name: z.string().trim().min(3).max(200),
    regionScope: ZElectionScope,
    stages: z.array(ZStage).min(1).max(60),
    template: z.enum(ELECTION_TEMPLATE_KEYS).optional().describe('the template the calendar was copied from'),
    simulated: z.boolean().default(false).describe('a demo election anchored to the present'),
  })
  .superRefine((value, ctx) => checkStages(value.stages, ctx));
/** POST /api/elections body. */
export type TElectionCreate = z.infer<typeof ZElectionCreate>;

/** PATCH /api/elections/:id — admins edit name, scope or the whole calendar. */
export const ZElectionUpdate = z
  .strictObject({
    version: z.number().int().min(1),
    name: z.string().trim().min(3).max(200).optional(),
    regionScope: ZElectionScope.optional(),
    stages: z.array(ZStage).min(1).max(60).optional(),
  })
  .superRefine((value, ctx) => checkStages(value.stages, ctx));
/** PATCH /api/elections/:id body. */
export type TElectionUpdate = z.infer<typeof ZElectionUpdate>;

/** An election as the API presents it. */
export const ZElection = z.object({
  id: z.string(),
  kind: ZElectionKind,
  name: z.string(),
  regionScope: z.string(),
  stages: z.array(ZStage),
  votingDate: z.string().nullable().describe('start of the pemungutan_suara stage'),
  template: z.enum(ELECTION_TEMPLATE_KEYS).nullable(),
  simulated: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
/** A presented election. */
export type TElection = z.infer<typeof ZElection>;

/** The stage of an instant as reports, the index and the dashboard show it. */
export const ZStageAt = z.object({
  electionId: z.string().nullable(),
  stageCode: z.string().nullable(),
  stageName: z.string().nullable(),
  weight: z.number(),
  localDate: z.string(),
});
/** Result of stageAt. */
export type TStageAt = z.infer<typeof ZStageAt>;

/** A built-in calendar admins copy and edit. */
export interface TElectionTemplate {
  key: TElectionTemplateKey;
  kind: TElectionKind;
  name: string;
  stages: readonly TStage[];
}

const stage = (code: string, name: string, nameEn: string, startDate: string, endDate = startDate): TStage => ({
  code,
  name,
  nameEn,
  startDate,
  endDate,
  weight: DEFAULT_STAGE_WEIGHTS[code] ?? GAP_WEIGHT,
});

/**
 * Pemilu 2024 (PKPU 3/2022), from kampanye to rekapitulasi (shared/domain.md §3). Earlier stages
 * (registration, verification of parties and candidates) are left for admins to add.
 */
export const PEMILU_2024: TElectionTemplate = {
  key: 'pemilu_2024',
  kind: 'pemilu',
  name: 'Pemilu 2024',
  stages: [
    stage('kampanye', 'Kampanye', 'Campaign', '2023-11-28', '2024-02-10'),
    stage('masa_tenang', 'Masa tenang', 'Quiet period', '2024-02-11', '2024-02-13'),
    stage('pemungutan_suara', 'Pemungutan suara', 'Polling day', '2024-02-14'),
    stage('penghitungan', 'Penghitungan suara', 'Vote counting', '2024-02-14', '2024-02-15'),
    stage('rekapitulasi', 'Rekapitulasi', 'Recapitulation', '2024-02-15', '2024-03-20'),
  ],
};

/**
 * Pilkada serentak 2024 (PKPU 2/2024), shared/domain.md §3. 24 Sep is deliberately a gap (no
 * stage). Penetapan calon terpilih depends on the Constitutional Court window and per-region
 * disputes, so its date is not in the template; admins add it per election.
 */
export const PILKADA_2024: TElectionTemplate = {
  key: 'pilkada_2024',
  kind: 'pilkada',
  name: 'Pilkada Serentak 2024',
  stages: [
    stage('pendaftaran_paslon', 'Pendaftaran pasangan calon', 'Candidate registration', '2024-08-27', '2024-08-29'),
    stage('penelitian_persyaratan', 'Penelitian persyaratan calon', 'Candidate eligibility review', '2024-08-27', '2024-09-21'),
    stage('penetapan_paslon', 'Penetapan pasangan calon', 'Candidate determination', '2024-09-22'),
    stage('pengundian_nomor_urut', 'Pengundian nomor urut', 'Ballot number draw', '2024-09-23'),
    stage('kampanye', 'Kampanye', 'Campaign', '2024-09-25', '2024-11-23'),
    stage('masa_tenang', 'Masa tenang', 'Quiet period', '2024-11-24', '2024-11-26'),
    stage('pemungutan_suara', 'Pemungutan suara', 'Polling day', '2024-11-27'),
    stage('penghitungan_rekapitulasi', 'Penghitungan dan rekapitulasi', 'Counting and recapitulation', '2024-11-27', '2024-12-16'),
  ],
};

/** Built-in templates by key. */
export const ELECTION_TEMPLATES: Readonly<Record<TElectionTemplateKey, TElectionTemplate>> = {
  pemilu_2024: PEMILU_2024,
  pilkada_2024: PILKADA_2024,
};

// ---------------------------------------------------------------------------------------------
// Dates in the region's own zone
// ---------------------------------------------------------------------------------------------

/** UTC offset in hours of each zone. Indonesia has no daylight saving time, so these are fixed. */
export const ZONE_OFFSET_HOURS: Readonly<Record<TTimeZoneName, number>> = {
  'Asia/Jakarta': 7,
  'Asia/Makassar': 8,
  'Asia/Jayapura': 9,
};

const DAY_MS = 86_400_000;

/** The zone of a region, or WIB for the national scope. */
function zoneOfScope(regionCode: string): TTimeZoneName {
  return regionCode === NATIONAL_SCOPE ? 'Asia/Jakarta' : timeZoneOf(regionCode);
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in a region's time zone. */
export function localDateOf(instant: Date, regionCode: string): string {
  const offset = ZONE_OFFSET_HOURS[zoneOfScope(regionCode)];
  return new Date(instant.getTime() + offset * 3_600_000).toISOString().slice(0, 10);
}

/** The instant of local midnight starting `date` in a region's time zone. */
export function localMidnight(date: string, regionCode: string): Date {
  const offset = ZONE_OFFSET_HOURS[zoneOfScope(regionCode)];
  return new Date(Date.parse(`${date}T00:00:00Z`) - offset * 3_600_000);
}

/** A stage's span as instants in a region: [start, end) from local midnight to the midnight after endDate. */
export function stageInterval(stage: Pick<TStage, 'startDate' | 'endDate'>, regionCode: string): { start: Date; end: Date } {
  return { start: localMidnight(stage.startDate, regionCode), end: new Date(localMidnight(stage.endDate, regionCode).getTime() + DAY_MS) };
}

/** Add whole days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from date `a` to date `b` (`YYYY-MM-DD`), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

// ---------------------------------------------------------------------------------------------
// Stage resolution
// ---------------------------------------------------------------------------------------------

/** What stage resolution needs of an election. */
export interface TElectionCalendar {
  id: string;
  regionScope: string;
  stages: readonly TStage[];
}

/** True when the election covers the region (national, or the region lies within its scope). */
export function electionCovers(election: Pick<TElectionCalendar, 'regionScope'>, regionCode: string): boolean {
  return election.regionScope === NATIONAL_SCOPE || isWithinRegion(regionCode, election.regionScope);
}

/**
 * The stage of one calendar on a local date. Where stages overlap, the one that started later
 * wins; on the same start, the one ending sooner (the more specific: polling day over the
 * counting period); then the higher weight; then the one listed later.
 */
export function stageOnDate(stages: readonly TStage[], date: string): TStage | null {
  let best: TStage | null = null;
  for (const s of stages) {
    if (s.startDate > date || s.endDate < date) continue;
    if (
      best === null ||
      s.startDate > best.startDate ||
      (s.startDate === best.startDate && (s.endDate < best.endDate || (s.endDate === best.endDate && s.weight >= best.weight)))
    ) {
      best = s;
    }
  }
  return best;
}

/** First and last date of a calendar, or null when it has no stages. */
export function calendarSpan(stages: readonly TStage[]): { startDate: string; endDate: string } | null {
  if (stages.length === 0) return null;
  let startDate = stages[0]!.startDate;
  let endDate = stages[0]!.endDate;
  for (const s of stages) {
    if (s.startDate < startDate) startDate = s.startDate;
    if (s.endDate > endDate) endDate = s.endDate;
  }
  return { startDate, endDate };
}

/**
 * The stage at an instant in a region, with its risk weight. Dates are read in the region's own
 * zone (WIB/WITA/WIT), so 23:30 WIB on the eve of polling day is already polling day in Papua.
 * Among the elections covering the region whose calendar spans that date, the highest weight
 * counts (a gubernur and a bupati election at once); a date between stages of a running election
 * is a gap with weight 1.0 attributed to that election; outside every calendar, electionId is null.
 * Ties in weight prefer a real stage over a gap, then the stage that started later, then input order.
 */
export function stageAt(elections: readonly TElectionCalendar[], instant: Date, regionCode: string): TStageAt {
  const localDate = localDateOf(instant, regionCode);
  let result: TStageAt = { electionId: null, stageCode: null, stageName: null, weight: GAP_WEIGHT, localDate };
  let resultStart = '';
  for (const election of elections) {
    if (!electionCovers(election, regionCode)) continue;
    const span = calendarSpan(election.stages);
    if (!span || localDate < span.startDate || localDate > span.endDate) continue;
    const s = stageOnDate(election.stages, localDate);
    const weight = s ? s.weight : GAP_WEIGHT;
    const start = s ? s.startDate : '';
    const better =
      result.electionId === null ||
      weight > result.weight ||
      (weight === result.weight && s !== null && (result.stageCode === null || start > resultStart));
    if (better) {
      result = { electionId: election.id, stageCode: s?.code ?? null, stageName: s?.name ?? null, weight, localDate };
      resultStart = start;
    }
  }
  return result;
}

/**
 * Whole days from the instant's local date (in `regionCode`'s zone, or the election scope's) to
 * polling day: 0 on polling day, negative after it, null when the calendar has no polling stage.
 */
export function daysToVoting(election: Pick<TElectionCalendar, 'regionScope' | 'stages'>, instant: Date, regionCode?: string): number | null {
  const voting = election.stages.find((s) => s.code === VOTING_STAGE_CODE);
  if (!voting) return null;
  return daysBetween(localDateOf(instant, regionCode ?? election.regionScope), voting.startDate);
}

/** Shift every stage of a calendar by whole days, keeping lengths and weights. */
export function shiftStages(stages: readonly TStage[], days: number): TStage[] {
  return stages.map((s) => ({ ...s, startDate: addDays(s.startDate, days), endDate: addDays(s.endDate, days) }));
}

/** Default days from "today" to polling day in the demo: three weeks, deep in the campaign. */
export const DEMO_DAYS_TO_VOTING = 21;

/**
 * A template's calendar shifted so polling day falls `daysToVotingDay` days after `today`'s local
 * date (in `regionCode`'s zone) — the simulated election of the demo, in which today lies in the
 * campaign so timers, decay and "days to voting" are alive. Throws a RangeError when that offset
 * would not put today inside kampanye (for Pilkada 2024: 4 to 63 days).
 */
export function anchorTemplate(
  template: Pick<TElectionTemplate, 'stages'>,
  today: Date,
  options: { regionCode?: string; daysToVotingDay?: number } = {},
): TStage[] {
  const voting = template.stages.find((s) => s.code === VOTING_STAGE_CODE);
  const campaign = template.stages.find((s) => s.code === CAMPAIGN_STAGE_CODE);
  if (!voting || !campaign) throw new RangeError('template needs kampanye and pemungutan_suara stages');
  const localToday = localDateOf(today, options.regionCode ?? NATIONAL_SCOPE);
  const n = options.daysToVotingDay ?? DEMO_DAYS_TO_VOTING;
  const shift = daysBetween(voting.startDate, addDays(localToday, n));
  const stages = shiftStages(template.stages, shift);
  const shiftedCampaign = stages.find((s) => s.code === CAMPAIGN_STAGE_CODE)!;
  if (localToday < shiftedCampaign.startDate || localToday > shiftedCampaign.endDate) {
    const min = daysBetween(campaign.endDate, voting.startDate);
    const max = daysBetween(campaign.startDate, voting.startDate);
    throw new RangeError(`daysToVotingDay must be between ${min} and ${max} to fall in kampanye, got ${n}`);
  }
  return stages;
}
