import { z } from 'zod';
import { ZDate } from './elections.js';
import { ZRegionCode, ZRegionLevel } from './regions.js';
import { ZImportRowError, ZIndexCategoryCode, ZIndexComponents, ZVulnerabilityLevel } from './vulnerability.js';

/*
 * HTTP contract of the vulnerability index (issue #5): GET /api/risk, GET /api/risk/:code,
 * POST /api/risk/structural. The arithmetic is in vulnerability.ts.
 */

/**
 * How a score was obtained: `incremental` from the region's stored state (today), `direct` from
 * the reports as they stood at the instant, with the configuration version in force then.
 */
export const ZRiskSource = z.enum(['incremental', 'direct']);
/** The type of `ZRiskSource`. */
export type TRiskSource = z.infer<typeof ZRiskSource>;

/** GET /api/risk — the children of `parent` (omitted: the top of your scope) on `date` (default today). */
export const ZRiskListQuery = z.object({
  parent: ZRegionCode.optional().describe('region code; omitted = the top of your scope'),
  date: ZDate.optional().describe('local date YYYY-MM-DD (the region’s zone); default today. A past date is the score at the end of that day'),
});
/** The type of `ZRiskListQuery`. */
export type TRiskListQuery = z.infer<typeof ZRiskListQuery>;

/** GET /api/risk/:code query. */
export const ZRiskRegionQuery = z.object({ date: ZRiskListQuery.shape.date });
/** The type of `ZRiskRegionQuery`. */
export type TRiskRegionQuery = z.infer<typeof ZRiskRegionQuery>;

/** One region's score with its components (`ZIndexComponents`) and name. */
export const ZRiskItem = ZIndexComponents.extend({
  regionName: z.string(),
  source: ZRiskSource,
});
/** The type of `ZRiskItem`. */
export type TRiskItem = z.infer<typeof ZRiskItem>;

/** GET /api/risk response. */
export const ZRiskList = z.object({
  parent: z.object({ code: z.string(), name: z.string(), level: ZRegionLevel }).nullable(),
  date: z.string().describe('the local date asked for'),
  asOf: z.string().describe('the instant scored (ISO)'),
  items: z.array(ZRiskItem),
});
/** The type of `ZRiskList`. */
export type TRiskList = z.infer<typeof ZRiskList>;

/** A report that moved a region's score, with what a desk needs to recognise it. */
export const ZRiskTopReport = z.object({
  reportId: z.string(),
  contribution: z.number().describe('decayed contribution to the dynamic raw sum at the instant'),
  title: z.string(),
  category: ZIndexCategoryCode,
  severity: z.number().int(),
  status: z.string(),
  occurredAt: z.string(),
});
/** The type of `ZRiskTopReport`. */
export type TRiskTopReport = z.infer<typeof ZRiskTopReport>;

/** One day of a region's history: the score at the end of the local day (today: now). */
export const ZRiskHistoryPoint = z.object({ date: z.string(), score: z.number(), level: ZVulnerabilityLevel });
/** The type of `ZRiskHistoryPoint`. */
export type TRiskHistoryPoint = z.infer<typeof ZRiskHistoryPoint>;

/** GET /api/risk/:code response: the score, its components, the reports behind it and 30 days of history. */
export const ZRiskRegion = ZRiskItem.extend({
  date: z.string(),
  topReports: z.array(ZRiskTopReport),
  history: z.array(ZRiskHistoryPoint).describe('the 30 days up to and including `date`, oldest first'),
});
/** The type of `ZRiskRegion`. */
export type TRiskRegion = z.infer<typeof ZRiskRegion>;

/** POST /api/risk/structural response: all rows stored, or none and every row error. */
export const ZStructuralImportResult = z.object({
  imported: z.number().int(),
  regions: z.number().int(),
  errors: z.array(ZImportRowError),
});
/** The type of `ZStructuralImportResult`. */
export type TStructuralImportResult = z.infer<typeof ZStructuralImportResult>;
