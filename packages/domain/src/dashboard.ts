import { z } from 'zod';
import { ZDate } from './elections.js';
import { ZRegionCode, ZRegionLevel } from './regions.js';
import { ZReportStatus, queryList } from './reports.js';
import { ZCategoryCode, ZSeverityQuery } from './taxonomy.js';
import { ZAlertItem } from './alerts-api.js';
import { ZVulnerabilityLevel } from './vulnerability.js';

/*
 * HTTP contract of the situation-room dashboard (issue #4): GET /api/dashboard. Every number is
 * computed on the server from the reports in the caller's scope; the browser only draws them.
 */

/** Time ranges a dashboard offers, in days ending today (the region's local date). */
export const DASHBOARD_RANGES = [7, 14, 30, 90] as const;
/** A dashboard range in days. */
export type TDashboardRange = (typeof DASHBOARD_RANGES)[number];

/** GET /api/dashboard query: every filter the page keeps in its URL. */
export const ZDashboardQuery = z.strictObject({
  election: z.uuid({ message: 'election.invalid' }).optional().describe('default: the election in your scope whose polling day is next'),
  stage: z.string().trim().min(1).max(50).optional().describe('only reports filed during this stage (code)'),
  days: z.coerce
    .number({ message: 'range.invalid' })
    .pipe(z.literal(DASHBOARD_RANGES, { message: 'range.invalid' }))
    .default(14)
    .describe('range in days ending today: 7, 14, 30 or 90'),
  category: queryList(ZCategoryCode).optional(),
  severity: queryList(ZSeverityQuery).optional(),
  pillar: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, { message: 'pillar.unknown' })
    .optional()
    .describe('only reports assigned to this pillar or agency'),
  region: ZRegionCode.optional().describe('this region and beneath it (default: your scope)'),
});
/** GET /api/dashboard query after parsing. */
export type TDashboardQuery = z.infer<typeof ZDashboardQuery>;

/** The election a dashboard is about, with where its calendar stands in the region's zone. */
export const ZDashboardElection = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  simulated: z.boolean(),
  votingDate: z.string().nullable(),
  daysToVoting: z.number().int().nullable().describe('0 on polling day, negative after it'),
  stage: z
    .object({ code: z.string(), name: z.string(), nameEn: z.string().nullable(), startDate: z.string(), endDate: z.string() })
    .nullable()
    .describe('the stage in force today in the region (null between stages or outside the calendar)'),
  stages: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable(), startDate: z.string(), endDate: z.string() })),
});
/** The type of `ZDashboardElection`. */
export type TDashboardElection = z.infer<typeof ZDashboardElection>;

/** A report as the dashboard lists it (overdue items, the feed). */
export const ZDashboardReport = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string().nullable(),
  severity: z.number().int(),
  status: ZReportStatus,
  regionCode: z.string(),
  regionName: z.string(),
  createdAt: z.string(),
  occurredAt: z.string(),
  dueSince: z.string().nullable().describe('overdue items: when the service-level time ran out'),
});
/** The type of `ZDashboardReport`. */
export type TDashboardReport = z.infer<typeof ZDashboardReport>;

/** One region among the most vulnerable, with its change over the last 7 days. */
export const ZDashboardRiskRegion = z.object({
  code: z.string(),
  name: z.string(),
  level: ZRegionLevel,
  score: z.number(),
  vulnerability: ZVulnerabilityLevel,
  change7d: z.number().nullable().describe('score now minus the score 7 days ago (reports as they stand now); null when unknown'),
  previousVulnerability: ZVulnerabilityLevel.nullable(),
});
/** The type of `ZDashboardRiskRegion`. */
export type TDashboardRiskRegion = z.infer<typeof ZDashboardRiskRegion>;

/** GET /api/dashboard response. */
export const ZDashboard = z.object({
  region: z
    .object({ code: z.string(), name: z.string(), level: ZRegionLevel, timeZoneLabel: z.enum(['WIB', 'WITA', 'WIT']) })
    .nullable()
    .describe('the region the numbers cover; null = your whole scope'),
  timeZoneLabel: z.enum(['WIB', 'WITA', 'WIT']).describe('the zone the dates and day buckets are in'),
  asOf: z.string(),
  today: ZDate,
  range: z.object({ days: z.number().int(), from: z.string(), to: z.string(), previousFrom: z.string() }),
  elections: z.array(z.object({ id: z.string(), name: z.string() })).describe('elections overlapping your scope, for the filter'),
  election: ZDashboardElection.nullable(),
  totals: z.object({
    reports: z.number().int().describe('reports that occurred in the range'),
    previous: z.number().int().describe('in the range of the same length just before'),
    open: z.number().int().describe('of these, still open (draft, new, verified, in progress)'),
    critical: z.number().int().describe('of these, severity 4'),
    overdue: z.number().int().describe('open reports in scope past their service-level time now (any date)'),
  }),
  byCategory: z.array(z.object({ category: z.string(), count: z.number().int(), previous: z.number().int() })).describe('largest first; categories with no report left out'),
  bySeverity: z.array(z.object({ severity: z.number().int(), count: z.number().int(), previous: z.number().int().describe('in the range of the same length just before') })),
  byStatus: z.array(z.object({ status: ZReportStatus, count: z.number().int(), previous: z.number().int().describe('reports of the range before, by their status now') })),
  daily: z.array(z.object({ date: z.string(), total: z.number().int(), serious: z.number().int().describe('severity 3 and 4') })).describe('one entry per local day of the range, oldest first'),
  topRegions: z.array(ZDashboardRiskRegion).describe('the most vulnerable regions one level below (or your scope roots), highest first'),
  overdue: z.array(ZDashboardReport).describe('the longest-overdue open reports (at most 10)'),
  alerts: z.object({
    open: z.number().int().describe('alerts in scope not yet acknowledged'),
    acknowledged: z.number().int().describe('acknowledged, not yet closed'),
    items: z.array(ZAlertItem).describe('the newest alerts not yet closed (at most 5)'),
  }),
  latest: z.array(ZDashboardReport).describe('the newest reports (at most 10), for the live feed'),
});
/** The type of `ZDashboard`. */
export type TDashboard = z.infer<typeof ZDashboard>;
