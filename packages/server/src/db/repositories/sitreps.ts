import { ZSlaConfig, type TSitrepReportFacts, type TSlaConfig } from '@sinergi/domain';
import { and, asc, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { alerts, reportEvents, reports, sitrepSections, sitreps, sitrepTemplates, slaConfigs } from '../schema.js';
import { slaTerms } from './dashboard.js';
import { inScope } from './scope.js';

export type SitrepRow = typeof sitreps.$inferSelect;
export type NewSitrepRow = typeof sitreps.$inferInsert;
export type SitrepSectionRow = typeof sitrepSections.$inferSelect;
export type NewSitrepSectionRow = typeof sitrepSections.$inferInsert;
export type SitrepTemplateRow = typeof sitrepTemplates.$inferSelect;

// ───────────── situation reports ─────────────

export async function insertSitrep(ex: Executor, row: NewSitrepRow, sections: NewSitrepSectionRow[]): Promise<SitrepRow> {
  const [stored] = await ex.insert(sitreps).values(row).returning();
  if (sections.length > 0) await ex.insert(sitrepSections).values(sections);
  return stored!;
}

/** A situation report by id (any province: the id is unique). */
export async function findSitrepById(ex: Executor, id: string): Promise<SitrepRow | null> {
  const [row] = await ex.select().from(sitreps).where(eq(sitreps.id, id)).limit(1);
  return row ?? null;
}

/** The latest revision of a region's report for a date, or null. */
export async function findLatestSitrep(ex: Executor, regionCode: string, date: string): Promise<SitrepRow | null> {
  const [row] = await ex
    .select()
    .from(sitreps)
    .where(and(eq(sitreps.provinceCode, regionCode.slice(0, 2)), eq(sitreps.regionCode, regionCode), eq(sitreps.date, date)))
    .orderBy(desc(sitreps.revision))
    .limit(1);
  return row ?? null;
}

export interface SitrepFilter {
  scopes: readonly string[];
  region?: string;
  date?: string;
  from?: string;
  to?: string;
  status?: string;
  before?: { date: string; id: string };
  limit: number;
}

/** A page of reports in scope, newest date first, keyset on (date, id). */
export async function findSitreps(ex: Executor, filter: SitrepFilter): Promise<SitrepRow[]> {
  const c: SQL[] = [inScope(sitreps.regionCode, filter.scopes)];
  if (filter.region) c.push(eq(sitreps.regionCode, filter.region));
  if (filter.date) c.push(eq(sitreps.date, filter.date));
  if (filter.from) c.push(gte(sitreps.date, filter.from));
  if (filter.to) c.push(lte(sitreps.date, filter.to));
  if (filter.status) c.push(eq(sitreps.status, filter.status));
  if (filter.before) c.push(or(lt(sitreps.date, filter.before.date), and(eq(sitreps.date, filter.before.date), lt(sitreps.id, filter.before.id)))!);
  return ex
    .select()
    .from(sitreps)
    .where(and(...c))
    .orderBy(desc(sitreps.date), desc(sitreps.id))
    .limit(filter.limit);
}

export async function findSections(ex: Executor, key: { provinceCode: string; id: string }): Promise<SitrepSectionRow[]> {
  return ex
    .select()
    .from(sitrepSections)
    .where(and(eq(sitrepSections.provinceCode, key.provinceCode), eq(sitrepSections.sitrepId, key.id)))
    .orderBy(asc(sitrepSections.sortOrder), asc(sitrepSections.code));
}

/** Sections submitted per report, for lists. */
export async function countSubmittedSections(ex: Executor, ids: string[]): Promise<Map<string, { submitted: number; total: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .select({ id: sitrepSections.sitrepId, submitted: sql<number>`count(*) FILTER (WHERE ${sitrepSections.status} = 'submitted')::int`, total: sql<number>`count(*)::int` })
    .from(sitrepSections)
    .where(sql`${sitrepSections.sitrepId} = ANY(${`{${ids.join(',')}}`}::uuid[])`)
    .groupBy(sitrepSections.sitrepId);
  return new Map(rows.map((r) => [r.id, { submitted: Number(r.submitted), total: Number(r.total) }]));
}

/** Change a report only when its version still matches; null when someone changed it meanwhile. */
export async function updateSitrepVersioned(ex: Executor, key: { provinceCode: string; id: string }, version: number, patch: Partial<NewSitrepRow>): Promise<SitrepRow | null> {
  const [row] = await ex
    .update(sitreps)
    .set({ ...patch, updatedAt: new Date(), version: sql`${sitreps.version} + 1` })
    .where(and(eq(sitreps.provinceCode, key.provinceCode), eq(sitreps.id, key.id), eq(sitreps.version, version)))
    .returning();
  return row ?? null;
}

/** Change a section only when its version still matches; null when someone changed it meanwhile. */
export async function updateSectionVersioned(
  ex: Executor,
  key: { provinceCode: string; id: string; code: string },
  version: number,
  patch: Partial<NewSitrepSectionRow>,
): Promise<SitrepSectionRow | null> {
  const [row] = await ex
    .update(sitrepSections)
    .set({ ...patch, version: sql`${sitrepSections.version} + 1` })
    .where(and(eq(sitrepSections.provinceCode, key.provinceCode), eq(sitrepSections.sitrepId, key.id), eq(sitrepSections.code, key.code), eq(sitrepSections.version, version)))
    .returning();
  return row ?? null;
}

// ───────────── templates ─────────────

export async function findTemplate(ex: Executor, regionCode: string): Promise<SitrepTemplateRow | null> {
  const [row] = await ex.select().from(sitrepTemplates).where(eq(sitrepTemplates.regionCode, regionCode)).limit(1);
  return row ?? null;
}

/** Insert a region's first template; false when one appeared meanwhile. */
export async function insertTemplate(ex: Executor, row: typeof sitrepTemplates.$inferInsert): Promise<SitrepTemplateRow | null> {
  const [stored] = await ex.insert(sitrepTemplates).values(row).onConflictDoNothing().returning();
  return stored ?? null;
}

export async function updateTemplateVersioned(ex: Executor, regionCode: string, version: number, patch: Partial<typeof sitrepTemplates.$inferInsert>): Promise<SitrepTemplateRow | null> {
  const [row] = await ex
    .update(sitrepTemplates)
    .set({ ...patch, updatedAt: new Date(), version: sql`${sitrepTemplates.version} + 1` })
    .where(and(eq(sitrepTemplates.regionCode, regionCode), eq(sitrepTemplates.version, version)))
    .returning();
  return row ?? null;
}

// ───────────── the day's numbers ─────────────

/** The reports column that holds a region of this level (indexed, so each filter is one equality). */
function regionColumn(regionCode: string): SQL {
  const depth = regionCode.split('.').length;
  const column = depth === 1 ? reports.provinceCode : depth === 2 ? reports.regencyCode : reports.districtCode;
  return sql`${reports.provinceCode} = ${regionCode.slice(0, 2)} AND ${column} = ${regionCode}`;
}

const FACTS = {
  category: reports.category,
  severity: reports.severity,
  status: reports.status,
  createdAt: reports.createdAt,
  verifiedAt: reports.verifiedAt,
  statusChangedAt: reports.statusChangedAt,
  escalatedAt: reports.escalatedAt,
};

function toFacts(r: { category: string | null; severity: number; status: string; createdAt: Date; verifiedAt: Date | null; statusChangedAt: Date; escalatedAt: Date | null }): TSitrepReportFacts {
  return {
    category: r.category,
    severity: r.severity,
    status: r.status,
    createdAtMs: r.createdAt.getTime(),
    verifiedAtMs: r.verifiedAt?.getTime() ?? null,
    statusChangedAtMs: r.statusChangedAt.getTime(),
    escalatedAtMs: r.escalatedAt?.getTime() ?? null,
  };
}

/** Reports of the region received in [from, to). */
export async function findDayReportFacts(ex: Executor, regionCode: string, from: Date, to: Date): Promise<TSitrepReportFacts[]> {
  const rows = await ex
    .select(FACTS)
    .from(reports)
    .where(and(sql`${regionColumn(regionCode)}`, gte(reports.createdAt, from), lt(reports.createdAt, to)));
  return rows.map(toFacts);
}

/**
 * Reports of the region open at `at` (received by then, status now draft, new, verified or in
 * progress; a report closed after `at` is taken as closed — a past day is assembled from the
 * records as they stand), and how many of them are past their service-level time then: counted
 * in SQL with the dashboard's SLA terms, so a province on polling day is one scan, not its rows
 * in Node.
 */
export async function countOpenReports(ex: Executor, regionCode: string, at: Date, sla: TSlaConfig): Promise<{ open: number; overdue: number }> {
  const [row] = await ex
    .select({
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`count(*) FILTER (WHERE ${slaTerms(sla, at).overdue})::int`,
    })
    .from(reports)
    .where(and(sql`${regionColumn(regionCode)}`, lt(reports.createdAt, at), sql`${reports.status} IN ('draft', 'new', 'verified', 'in_progress')`));
  return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
}

/** Timeline events of the region's reports in [from, to): resolutions and escalations. */
export async function countDayEvents(ex: Executor, regionCode: string, from: Date, to: Date): Promise<{ resolved: number; escalated: number }> {
  const [row] = await ex
    .select({
      resolved: sql<number>`count(DISTINCT ${reportEvents.reportId}) FILTER (WHERE ${reportEvents.toStatus} = 'resolved' AND ${reportEvents.fromStatus} IS DISTINCT FROM 'resolved')::int`,
      escalated: sql<number>`count(*) FILTER (WHERE ${reportEvents.action} = 'escalate')::int`,
    })
    .from(reportEvents)
    .innerJoin(reports, and(eq(reports.provinceCode, reportEvents.provinceCode), eq(reports.id, reportEvents.reportId)))
    .where(and(sql`${regionColumn(regionCode)}`, gte(reportEvents.at, from), lt(reportEvents.at, to)));
  return { resolved: Number(row?.resolved ?? 0), escalated: Number(row?.escalated ?? 0) };
}

/** Open reports of the region escalated to one of these levels, most severe and most recent first. */
export async function findOpenEscalations(ex: Executor, regionCode: string, levels: readonly string[], at: Date, limit: number) {
  return ex
    .select({ id: reports.id, title: reports.title, category: reports.category, severity: reports.severity, status: reports.status, escalationLevel: reports.escalationLevel, regionCode: reports.regionCode, escalatedAt: reports.escalatedAt })
    .from(reports)
    .where(
      and(
        sql`${regionColumn(regionCode)}`,
        lt(reports.createdAt, at),
        sql`${reports.status} IN ('new', 'verified', 'in_progress')`,
        sql`${reports.escalationLevel} = ANY(${`{${levels.join(',')}}`}::text[])`,
      ),
    )
    .orderBy(desc(reports.severity), sql`${reports.escalatedAt} DESC NULLS LAST`, desc(reports.id))
    .limit(limit);
}

/** Early-warning alerts raised in the region (or beneath it) in [from, to), oldest first. */
export async function findDayAlerts(ex: Executor, regionCode: string, from: Date, to: Date, limit: number) {
  return ex
    .select({ id: alerts.id, kind: alerts.kind, status: alerts.status, regionCode: alerts.regionCode, level: alerts.level, severity: alerts.severity, cause: alerts.cause, isProvisional: alerts.isProvisional, createdAt: alerts.createdAt })
    .from(alerts)
    .where(and(eq(alerts.provinceCode, regionCode.slice(0, 2)), inScope(alerts.regionCode, [regionCode]), gte(alerts.createdAt, from), lt(alerts.createdAt, to)))
    .orderBy(asc(alerts.createdAt), asc(alerts.id))
    .limit(limit);
}

// ───────────── service-level configuration ─────────────

export interface SlaVersion {
  version: number;
  effectiveFrom: string;
  config: TSlaConfig;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** Every stored SLA version, oldest first (none: the defaults apply). */
export async function findSlaConfigs(ex: Executor): Promise<SlaVersion[]> {
  const rows = await ex.select().from(slaConfigs).orderBy(asc(slaConfigs.version));
  return rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effectiveFrom.toISOString(),
    config: ZSlaConfig.parse(r.config) as TSlaConfig,
    note: r.note,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Append a version (next number); the caller's transaction serialises concurrent writers by the primary key. */
export async function insertSlaConfig(ex: Executor, row: { config: TSlaConfig; effectiveFrom: Date; note: string | null; createdBy: string | null }): Promise<number> {
  const [max] = await ex.select({ v: sql<number>`coalesce(max(${slaConfigs.version}), 1)::int` }).from(slaConfigs);
  const version = Number(max?.v ?? 1) + 1;
  await ex.insert(slaConfigs).values({ version, effectiveFrom: row.effectiveFrom, config: row.config, note: row.note, createdBy: row.createdBy });
  return version;
}
