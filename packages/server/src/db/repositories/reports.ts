import { and, eq, getTableColumns, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { organisations, outbox, reportAttachments, reportEvents, reports } from '../schema.js';
import { insertByUnnest } from './bulk.js';
import { inScope, toTextArray } from './scope.js';

/** Every column but the generated search vector (never needed in Node, and heavy to decode). */
const { search: _search, ...REPORT_COLUMNS } = getTableColumns(reports);
export type ReportRow = Omit<typeof reports.$inferSelect, 'search'>;
export type NewReportRow = typeof reports.$inferInsert;
export type ReportEventRow = typeof reportEvents.$inferSelect;
export type NewReportEventRow = typeof reportEvents.$inferInsert;
export type NewOutboxRow = typeof outbox.$inferInsert;

/** The reports of these ids in any province (idempotency check; one query per write batch). */
export async function findReportsByIds(ex: Executor, ids: string[]): Promise<ReportRow[]> {
  if (ids.length === 0) return [];
  return ex.select(REPORT_COLUMNS).from(reports).where(inArray(reports.id, ids));
}

export async function findReportById(ex: Executor, id: string): Promise<ReportRow | null> {
  const [row] = await ex.select(REPORT_COLUMNS).from(reports).where(eq(reports.id, id)).limit(1);
  return row ?? null;
}

export async function findReportByReceipt(ex: Executor, receiptCode: string): Promise<ReportRow | null> {
  const [row] = await ex.select(REPORT_COLUMNS).from(reports).where(eq(reports.receiptCode, receiptCode)).limit(1);
  return row ?? null;
}

/**
 * Insert new reports (one statement per batch) and return them as stored: every value is
 * known here (the writer sets the timestamps), so nothing is read back.
 */
export async function insertReportRows(ex: Executor, rows: NewReportRow[]): Promise<ReportRow[]> {
  if (rows.length === 0) return [];
  await insertByUnnest(ex, reports, rows);
  return rows.map((row) => {
    const stored: Record<string, unknown> = {};
    for (const key of Object.keys(REPORT_COLUMNS)) stored[key] = (row as Record<string, unknown>)[key] ?? null;
    stored.version = row.version ?? 1;
    stored.possibleDuplicateOf = row.possibleDuplicateOf ?? [];
    stored.confidential = row.confidential ?? false;
    return stored as ReportRow;
  });
}

export async function insertReportEvents(ex: Executor, rows: NewReportEventRow[]): Promise<void> {
  await insertByUnnest(ex, reportEvents, rows);
}

export async function insertOutbox(ex: Executor, rows: NewOutboxRow[]): Promise<void> {
  await insertByUnnest(ex, outbox, rows);
}

/** Recent reports that could describe the same event: same regencies and categories, within the time window. */
export async function findDuplicateCandidates(
  ex: Executor,
  filter: { regencyCodes: string[]; categories: string[]; from: Date; to: Date },
): Promise<Pick<ReportRow, 'id' | 'regionCode' | 'regencyCode' | 'category' | 'occurredAt' | 'lat' | 'lon' | 'status'>[]> {
  if (filter.regencyCodes.length === 0 || filter.categories.length === 0) return [];
  return ex
    .select({
      id: reports.id,
      regionCode: reports.regionCode,
      regencyCode: reports.regencyCode,
      category: reports.category,
      occurredAt: reports.occurredAt,
      lat: reports.lat,
      lon: reports.lon,
      status: reports.status,
    })
    .from(reports)
    .where(
      and(
        sql`${reports.regencyCode} = ANY(${toTextArray(filter.regencyCodes)})`,
        sql`${reports.category} = ANY(${toTextArray(filter.categories)})`,
        sql`${reports.occurredAt} BETWEEN ${filter.from} AND ${filter.to}`,
        sql`${reports.status} <> 'rejected'`,
      ),
    )
    // bounded and newest first: the closest events in time are the likeliest duplicates
    .orderBy(sql`${reports.occurredAt} DESC`)
    .limit(300);
}

/** Apply a change only when the version still matches; null when someone changed it meanwhile. */
export async function updateReportVersioned(
  ex: Executor,
  key: { provinceCode: string; id: string },
  version: number,
  patch: Partial<NewReportRow>,
): Promise<ReportRow | null> {
  const [row] = await ex
    .update(reports)
    .set({ ...patch, updatedAt: new Date(), version: sql`${reports.version} + 1` })
    .where(and(eq(reports.provinceCode, key.provinceCode), eq(reports.id, key.id), eq(reports.version, version)))
    .returning(REPORT_COLUMNS);
  return row ?? null;
}

export async function findReportEvents(ex: Executor, key: { provinceCode: string; id: string }): Promise<ReportEventRow[]> {
  return ex
    .select()
    .from(reportEvents)
    .where(and(eq(reportEvents.provinceCode, key.provinceCode), eq(reportEvents.reportId, key.id)))
    .orderBy(reportEvents.id);
}

export async function findOrganisationNames(ex: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function findOrganisation(ex: Executor, id: string) {
  const [row] = await ex.select().from(organisations).where(eq(organisations.id, id)).limit(1);
  return row ?? null;
}

export interface ReportFilter {
  /** Scope roots of the caller ('*' for all). */
  scopes: readonly string[];
  /** Region filter: this region and beneath it; with its level picked for the index. */
  region?: { code: string; level: 'province' | 'regency' | 'district' | 'village' };
  electionId?: string;
  stageCode?: string;
  categories?: string[];
  severities?: number[];
  statuses?: string[];
  sources?: string[];
  escalationLevel?: string;
  assignedOrgPrefix?: string;
  incidentId?: string;
  reporterId?: string;
  from?: Date;
  to?: Date;
  q?: string;
  /** Keyset position: reports created before (createdAt, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** The conditions of a report list (shared by pages, counts and exports). */
export function reportConditions(filter: Omit<ReportFilter, 'limit' | 'before'>): SQL[] {
  const c: SQL[] = [inScope(reports.regionCode, filter.scopes)];
  if (filter.region) {
    // equality on the denormalised column of the filter's level: served by (col, created_at, id)
    const { code, level } = filter.region;
    const column = level === 'province' ? reports.provinceCode : level === 'regency' ? reports.regencyCode : level === 'district' ? reports.districtCode : reports.regionCode;
    c.push(sql`${column} = ${code}`);
  }
  if (filter.electionId) c.push(sql`${reports.electionId} = ${filter.electionId}`);
  if (filter.stageCode) c.push(sql`${reports.stageCode} = ${filter.stageCode}`);
  if (filter.categories?.length) c.push(sql`${reports.category} = ANY(${toTextArray(filter.categories)})`);
  if (filter.severities?.length) c.push(sql`${reports.severity} = ANY(${`{${filter.severities.join(',')}}`}::smallint[])`);
  if (filter.statuses?.length) c.push(sql`${reports.status} = ANY(${toTextArray(filter.statuses)})`);
  if (filter.sources?.length) c.push(sql`${reports.source} = ANY(${toTextArray(filter.sources)})`);
  if (filter.escalationLevel) c.push(sql`${reports.escalationLevel} = ${filter.escalationLevel}`);
  if (filter.assignedOrgPrefix) c.push(sql`${reports.assignedOrgId} LIKE ${`${filter.assignedOrgPrefix.replace(/[%_\\]/g, '\\$&')}:%`}`);
  if (filter.incidentId) c.push(sql`${reports.incidentId} = ${filter.incidentId}`);
  if (filter.reporterId) c.push(sql`${reports.reporterId} = ${filter.reporterId}`);
  if (filter.from) c.push(sql`${reports.occurredAt} >= ${filter.from}`);
  if (filter.to) c.push(sql`${reports.occurredAt} < ${filter.to}`);
  if (filter.q) {
    const terms = filter.q
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .slice(0, 8)
      .map((t) => `${t}:*`)
      .join(' & ');
    if (terms) c.push(sql`${reports.search} @@ to_tsquery('simple', ${terms})`);
  }
  return c;
}

/** One page, newest first, keyset-paginated on (created_at, id). */
export async function findReports(ex: Executor, filter: ReportFilter): Promise<ReportRow[]> {
  const c = reportConditions(filter);
  if (filter.before) {
    const b = filter.before;
    c.push(or(lt(reports.createdAt, b.createdAt), and(eq(reports.createdAt, b.createdAt), lt(reports.id, b.id)))!);
  }
  return ex
    .select(REPORT_COLUMNS)
    .from(reports)
    .where(and(...c))
    // NULLS LAST to match the (…, created_at DESC, id DESC) indexes as Drizzle declares them
    // (DESC NULLS LAST); both columns are NOT NULL, so the order is the same, and the index serves it
    .orderBy(sql`${reports.createdAt} DESC NULLS LAST`, sql`${reports.id} DESC NULLS LAST`)
    .limit(filter.limit);
}

export async function insertAttachment(ex: Executor, row: typeof reportAttachments.$inferInsert): Promise<void> {
  await ex.insert(reportAttachments).values(row);
}

export async function findAttachments(ex: Executor, key: { provinceCode: string; id: string }) {
  return ex
    .select()
    .from(reportAttachments)
    .where(and(eq(reportAttachments.provinceCode, key.provinceCode), eq(reportAttachments.reportId, key.id)))
    .orderBy(reportAttachments.createdAt);
}

/** Open reports old enough that an SLA may have passed (the job decides per report). */
export async function findSlaCandidates(ex: Executor, olderThan: Date, limit = 1000): Promise<ReportRow[]> {
  return ex
    .select(REPORT_COLUMNS)
    .from(reports)
    .where(and(sql`${reports.status} IN ('new', 'verified')`, lt(reports.statusChangedAt, olderThan), sql`${reports.escalationLevel} <> 'province'`))
    .orderBy(reports.statusChangedAt)
    .limit(limit);
}
