import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { incidents, reports } from '../schema.js';
import type { ReportRow } from './reports.js';
import { inScope, toTextArray } from './scope.js';

export type IncidentRow = typeof incidents.$inferSelect;
export type NewIncidentRow = typeof incidents.$inferInsert;

/** What an incident summary needs of each member report. */
export type IncidentMemberRow = Pick<ReportRow, 'id' | 'incidentId' | 'category' | 'severity' | 'regionCode' | 'occurredAt'>;

export async function findIncidentById(ex: Executor, id: string): Promise<IncidentRow | null> {
  const [row] = await ex.select().from(incidents).where(eq(incidents.id, id)).limit(1);
  return row ?? null;
}

export async function insertIncident(ex: Executor, row: NewIncidentRow): Promise<IncidentRow> {
  const [inserted] = await ex.insert(incidents).values(row).returning();
  return inserted!;
}

/** Apply a change only when the version still matches; null when someone changed it meanwhile. */
export async function updateIncidentVersioned(
  ex: Executor,
  key: { provinceCode: string; id: string },
  version: number,
  patch: Partial<NewIncidentRow>,
  now: Date,
): Promise<IncidentRow | null> {
  const [row] = await ex
    .update(incidents)
    .set({ ...patch, updatedAt: now, version: sql`${incidents.version} + 1` })
    .where(and(eq(incidents.provinceCode, key.provinceCode), eq(incidents.id, key.id), eq(incidents.version, version)))
    .returning();
  return row ?? null;
}

export interface IncidentFilter {
  scopes: readonly string[];
  /** This region and beneath it (prefix on the incident's common region). */
  region?: string;
  status?: string;
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** One page of incidents in scope, newest first, keyset-paginated on (created_at, id). */
export async function findIncidents(ex: Executor, filter: IncidentFilter): Promise<IncidentRow[]> {
  const c: SQL[] = [inScope(incidents.regionCode, filter.scopes)];
  if (filter.region) c.push(inScope(incidents.regionCode, [filter.region]));
  if (filter.status) c.push(eq(incidents.status, filter.status));
  if (filter.before) {
    const b = filter.before;
    c.push(or(lt(incidents.createdAt, b.createdAt), and(eq(incidents.createdAt, b.createdAt), lt(incidents.id, b.id)))!);
  }
  return ex
    .select()
    .from(incidents)
    .where(and(...c))
    .orderBy(desc(incidents.createdAt), desc(incidents.id))
    .limit(filter.limit);
}

/** The member reports of an incident, oldest event first. */
export async function findIncidentReports(ex: Executor, key: { provinceCode: string; id: string }): Promise<ReportRow[]> {
  return ex
    .select()
    .from(reports)
    .where(and(eq(reports.provinceCode, key.provinceCode), eq(reports.incidentId, key.id)))
    .orderBy(asc(reports.occurredAt), asc(reports.id));
}

/** Summary fields of the members of several incidents (one query per list page). */
export async function findIncidentMembers(ex: Executor, incidentIds: string[]): Promise<IncidentMemberRow[]> {
  if (incidentIds.length === 0) return [];
  return ex
    .select({
      id: reports.id,
      incidentId: reports.incidentId,
      category: reports.category,
      severity: reports.severity,
      regionCode: reports.regionCode,
      occurredAt: reports.occurredAt,
    })
    .from(reports)
    .where(inArray(reports.incidentId, incidentIds))
    .orderBy(asc(reports.occurredAt), asc(reports.id));
}

/**
 * Put reports into an incident, but only those in no incident yet: a concurrent grouping of the
 * same report loses here (the caller compares the count and rolls back). The report's version is
 * not bumped: grouping does not touch the report's own content or workflow.
 */
export async function attachReports(ex: Executor, provinceCode: string, incidentId: string, reportIds: string[], now: Date): Promise<string[]> {
  if (reportIds.length === 0) return [];
  const rows = await ex
    .update(reports)
    .set({ incidentId, updatedAt: now })
    .where(and(eq(reports.provinceCode, provinceCode), sql`${reports.id} = ANY(${toUuidArray(reportIds)})`, sql`${reports.incidentId} IS NULL`))
    .returning({ id: reports.id });
  return rows.map((r) => r.id);
}

/** Take reports out of an incident (only those that are in it), or move them to another one. */
export async function detachReports(
  ex: Executor,
  provinceCode: string,
  incidentId: string,
  reportIds: string[],
  now: Date,
  moveTo: string | null = null,
): Promise<string[]> {
  if (reportIds.length === 0) return [];
  const rows = await ex
    .update(reports)
    .set({ incidentId: moveTo, updatedAt: now })
    .where(and(eq(reports.provinceCode, provinceCode), sql`${reports.id} = ANY(${toUuidArray(reportIds)})`, eq(reports.incidentId, incidentId)))
    .returning({ id: reports.id });
  return rows.map((r) => r.id);
}

function toUuidArray(ids: readonly string[]): SQL {
  return sql`${toTextArray(ids)}::uuid[]`;
}
