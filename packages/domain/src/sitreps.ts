import { z } from 'zod';
import { ZDate } from './elections.js';
import { DEFAULT_SLA, type TSlaConfig } from './escalation.js';
import { ZRegionCode, ZRegionLevel, type TRegionLevel } from './regions.js';
import { CATEGORY_CODES, SEVERITIES, type TLabel, type TSeverity } from './taxonomy.js';
import { REPORT_STATUSES, ZVersion, type TReportStatus } from './reports.js';

/*
 * The daily situation report (laporan situasi harian, "lapsitharian") of a region: sections that
 * each pillar's desk fills or confirms, the day's numbers assembled from the reports, the most
 * vulnerable child regions, and the open escalations; approved by the Kesbangpol desk, then
 * released (immutable: a correction is a new revision).
 */

/** Levels a situation report can be made for (villages report through their district). */
export const SITREP_LEVELS = ['province', 'regency', 'district'] as const;
/** A level a situation report can be made for. */
export type TSitrepLevel = (typeof SITREP_LEVELS)[number];

/** Workflow of a situation report. */
export const SITREP_STATUSES = ['draft', 'approved', 'released'] as const;
/** Status of a situation report. */
export type TSitrepStatus = (typeof SITREP_STATUSES)[number];
/** Status of one section: waiting for its desk, or submitted (filled or confirmed). */
export const SITREP_SECTION_STATUSES = ['pending', 'submitted'] as const;
/** Status of one section. */
export type TSitrepSectionStatus = (typeof SITREP_SECTION_STATUSES)[number];

/** Labels of the workflow states. */
export const SITREP_STATUS_LABELS: Readonly<Record<TSitrepStatus | TSitrepSectionStatus, TLabel>> = {
  draft: { id: 'Draf', en: 'Draft' },
  approved: { id: 'Disetujui', en: 'Approved' },
  released: { id: 'Dirilis', en: 'Released' },
  pending: { id: 'Menunggu isian', en: 'Waiting' },
  submitted: { id: 'Sudah dikirim', en: 'Submitted' },
};

/** A section of the template: a stable code, the pillar whose desk fills it, and its heading. */
export const ZSitrepSectionDef = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{2,40}$/, { message: 'sitrep.section_code' }),
  pillarCode: z.string().trim().min(2).max(40),
  title: z.string().trim().min(2).max(120),
});
/** A section definition. */
export type TSitrepSectionDef = z.infer<typeof ZSitrepSectionDef>;

/** The sections and distribution list of a region's situation report (configuration). */
export const ZSitrepTemplateInput = z.strictObject({
  sections: z
    .array(ZSitrepSectionDef)
    .min(1)
    .max(20)
    .refine((s) => new Set(s.map((x) => x.code)).size === s.length, { message: 'sitrep.section_duplicate' }),
  distribution: z.array(z.email().max(200)).max(100).default([]).describe('e-mail addresses the released report is sent to'),
  version: ZVersion.optional().describe('the version you read; omit when the region has no template of its own yet'),
});
/** Input of a template change. */
export type TSitrepTemplateInput = z.infer<typeof ZSitrepTemplateInput>;

/** A region's template as the API presents it (`isDefault`: no row of its own, the defaults apply). */
export const ZSitrepTemplate = z.object({
  regionCode: z.string(),
  sections: z.array(ZSitrepSectionDef),
  distribution: z.array(z.string()),
  isDefault: z.boolean(),
  version: z.number().int(),
});
/** A region's template. */
export type TSitrepTemplate = z.infer<typeof ZSitrepTemplate>;

/** The desk names of each pillar at each level, for the default section headings. */
const DESK_NAMES: Readonly<Record<string, Readonly<Record<TSitrepLevel, string>>>> = {
  polri: { province: 'Polda', regency: 'Polres', district: 'Polsek' },
  tni: { province: 'Kodam/Korem', regency: 'Kodim', district: 'Koramil' },
  kesbangpol: { province: 'Pemda/Kesbangpol Provinsi', regency: 'Pemda/Kesbangpol', district: 'Kecamatan (Camat)' },
  kpu: { province: 'KPU Provinsi', regency: 'KPU', district: 'PPK' },
  bawaslu: { province: 'Bawaslu Provinsi', regency: 'Bawaslu', district: 'Panwascam' },
};

/** Default sections: one per pillar desk (Polres, Kodim, Pemda/Kesbangpol, KPU, Bawaslu), named for the level. */
export function defaultSitrepSections(level: TSitrepLevel): TSitrepSectionDef[] {
  return ['polri', 'tni', 'kesbangpol', 'kpu', 'bawaslu'].map((pillarCode) => ({
    code: pillarCode,
    pillarCode,
    title: `Situasi dari ${DESK_NAMES[pillarCode]![level]}`,
  }));
}

/** The level of a region code a situation report may be made for, or null (a village). */
export function sitrepLevelOf(regionCode: string): TSitrepLevel | null {
  const depth = regionCode.split('.').length;
  return depth === 1 ? 'province' : depth === 2 ? 'regency' : depth === 3 ? 'district' : null;
}

// ─────────────────────────────── numbers ───────────────────────────────

/** A report as the numbers need it. */
export interface TSitrepReportFacts {
  category: string | null;
  severity: number;
  status: string;
  createdAtMs: number;
  verifiedAtMs: number | null;
  statusChangedAtMs: number;
  escalatedAtMs: number | null;
}

/**
 * The instant a report's service level runs out, or null when it runs no clock (draft, in
 * progress, closed). New: verify time from entering `new`; verified: handle time from entering
 * `verified` — the same rule as the SLA job (dueEscalation), without the escalation restart.
 */
export function slaDeadlineMs(r: Pick<TSitrepReportFacts, 'status' | 'severity' | 'createdAtMs' | 'statusChangedAtMs'>, sla: TSlaConfig = DEFAULT_SLA): number | null {
  const times = sla[r.severity as TSeverity];
  if (!times) return null;
  switch (r.status) {
    case 'new':
      return r.statusChangedAtMs + times.verifyMinutes * 60_000;
    case 'verified':
      return r.statusChangedAtMs + times.handleMinutes * 60_000;
    default:
      return null;
  }
}

const count = z.number().int().min(0);

/** The numbers of one day, frozen into the report when it is approved. */
export const ZSitrepNumbers = z.object({
  from: z.string().describe('start of the local day (ISO instant)'),
  to: z.string().describe('end of the local day, or the moment the numbers were taken if earlier'),
  received: count.describe('reports received during the day'),
  resolved: count.describe('reports resolved during the day (any day received)'),
  openAtEnd: count.describe('reports still open in the region at the end of the period'),
  overdue: count.describe('open reports past their service-level time at the end of the period'),
  escalated: count.describe('reports escalated during the day'),
  byCategory: z.array(z.object({ category: z.string(), count })).describe('reports received during the day, by category'),
  bySeverity: z.array(z.object({ severity: z.number().int(), count })),
  byStatus: z.array(z.object({ status: z.string(), count })).describe('current status of the day’s reports'),
  topRegions: z
    .array(z.object({ regionCode: z.string(), regionName: z.string(), score: z.number().nullable(), level: z.string().nullable() }))
    .describe('the most vulnerable child regions (vulnerability index at the end of the day)'),
  escalations: z
    .array(z.object({ reportId: z.string(), title: z.string(), category: z.string().nullable(), severity: z.number().int(), status: z.string(), escalationLevel: z.string(), regionCode: z.string(), regionName: z.string(), escalatedAt: z.string().nullable() }))
    .describe('open reports escalated to this region’s level or above'),
  alerts: z
    .array(z.object({ id: z.string(), kind: z.string(), status: z.string(), regionCode: z.string(), regionName: z.string(), level: z.string().nullable(), severity: z.number().int().nullable(), cause: z.object({ id: z.string(), en: z.string() }), isProvisional: z.boolean(), createdAt: z.string() }))
    .describe('early-warning alerts raised in the region during the day'),
});
/** The numbers of one day. */
export type TSitrepNumbers = z.infer<typeof ZSitrepNumbers>;

/** The counting part of the numbers (what `countSitrepNumbers` computes from report facts). */
export type TSitrepCounts = Pick<TSitrepNumbers, 'received' | 'resolved' | 'openAtEnd' | 'overdue' | 'escalated' | 'byCategory' | 'bySeverity' | 'byStatus'>;

/**
 * Count a day from the region's report facts. `dayReports`: reports received in [from, to);
 * `resolvedInDay`/`escalatedInDay`: counts of those events in the day (from the timelines);
 * `openReports`: reports open at `to` (status now), for the overdue count. Categories and
 * severities appear in taxonomy order; zero rows are left out.
 */
export function countSitrepNumbers(input: {
  dayReports: readonly TSitrepReportFacts[];
  resolvedInDay: number;
  escalatedInDay: number;
  openReports: readonly TSitrepReportFacts[];
  toMs: number;
  sla?: TSlaConfig;
}): TSitrepCounts {
  const byCategory = new Map<string, number>();
  const bySeverity = new Map<number, number>();
  const byStatus = new Map<string, number>();
  for (const r of input.dayReports) {
    const cat = r.category ?? 'draft';
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + 1);
    bySeverity.set(r.severity, (bySeverity.get(r.severity) ?? 0) + 1);
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  }
  const order = [...CATEGORY_CODES, 'draft'] as readonly string[];
  const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
  let overdue = 0;
  for (const r of input.openReports) {
    const deadline = slaDeadlineMs(r, input.sla);
    if (deadline !== null && deadline <= input.toMs) overdue++;
  }
  return {
    received: input.dayReports.length,
    resolved: input.resolvedInDay,
    openAtEnd: input.openReports.length,
    overdue,
    escalated: input.escalatedInDay,
    byCategory: [...byCategory.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0])).map(([category, n]) => ({ category, count: n })),
    bySeverity: SEVERITIES.filter((s) => bySeverity.has(s)).map((severity) => ({ severity, count: bySeverity.get(severity)! })),
    byStatus: (REPORT_STATUSES as readonly TReportStatus[]).filter((s) => byStatus.has(s)).map((status) => ({ status, count: byStatus.get(status)! })),
  };
}

// ─────────────────────────────── API ───────────────────────────────

/** One section as the API presents it. */
export const ZSitrepSection = z.object({
  code: z.string(),
  pillarCode: z.string(),
  pillarName: z.string(),
  title: z.string(),
  body: z.string(),
  status: z.enum(SITREP_SECTION_STATUSES),
  submittedBy: z.string().nullable(),
  submittedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  sortOrder: z.number().int(),
  version: z.number().int(),
  canEdit: z.boolean().describe('the caller’s desk may fill or confirm this section now'),
});
/** One section. */
export type TSitrepSection = z.infer<typeof ZSitrepSection>;

/** A situation report in a list. */
export const ZSitrepSummary = z.object({
  id: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  level: ZRegionLevel,
  date: z.string(),
  timeZone: z.enum(['WIB', 'WITA', 'WIT']),
  revision: z.number().int(),
  status: z.enum(SITREP_STATUSES),
  isDemo: z.boolean(),
  sectionsSubmitted: z.number().int(),
  sectionsTotal: z.number().int(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  releasedAt: z.string().nullable(),
  supersededBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
/** A situation report in a list. */
export type TSitrepSummary = z.infer<typeof ZSitrepSummary>;

/** A situation report in full. */
export const ZSitrep = ZSitrepSummary.extend({
  sections: z.array(ZSitrepSection),
  numbers: ZSitrepNumbers,
  numbersAt: z.string(),
  approverPosition: z.string().nullable(),
  supersedes: z.string().nullable(),
  distribution: z.array(z.string()),
  can: z.object({ approve: z.boolean(), release: z.boolean(), refresh: z.boolean(), revise: z.boolean() }),
});
/** A situation report in full. */
export type TSitrep = z.infer<typeof ZSitrep>;

/** Create (or open, if it exists) the situation report of a region and a local date. */
export const ZSitrepCreate = z.strictObject({
  regionCode: ZRegionCode.refine((c) => sitrepLevelOf(c) !== null, { message: 'sitrep.region_level' }),
  date: ZDate.describe('local date YYYY-MM-DD in the region’s zone (WIB/WITA/WIT)'),
});
/** Create input. */
export type TSitrepCreate = z.infer<typeof ZSitrepCreate>;

/** List query. */
export const ZSitrepListQuery = z.object({
  region: ZRegionCode.optional().describe('region code; omitted: every region in your scope'),
  date: ZDate.optional(),
  from: ZDate.optional(),
  to: ZDate.optional(),
  status: z.enum(SITREP_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
/** List query. */
export type TSitrepListQuery = z.infer<typeof ZSitrepListQuery>;

/** Save a section's text (stays or goes back to pending). */
export const ZSitrepSectionUpdate = z.strictObject({
  body: z.string().max(20_000),
  version: ZVersion.describe('the section version you read'),
});
/** Submit (fill or confirm) a section; with `body` the text is saved first. */
export const ZSitrepSectionSubmit = z.strictObject({
  body: z.string().trim().min(1, { message: 'sitrep.body_required' }).max(20_000).optional(),
  version: ZVersion.describe('the section version you read'),
});
/** A workflow step on the whole report (approve, release, refresh, revise). */
export const ZSitrepStep = z.strictObject({ version: ZVersion.describe('the report version you read') });


/** The region levels a sitrep may have, as a field (for the web's picker). */
export const ZSitrepLevel = z.enum(SITREP_LEVELS);
/** Narrow a region level to a sitrep level. */
export function isSitrepLevel(level: TRegionLevel): level is TSitrepLevel {
  return (SITREP_LEVELS as readonly string[]).includes(level);
}
