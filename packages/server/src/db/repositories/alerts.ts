import { and, asc, desc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { alertEvents, alerts, reports } from '../schema.js';
import { insertByUnnest } from './bulk.js';
import { inScope, toTextArray } from './scope.js';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlertRow = typeof alerts.$inferInsert;
export type AlertEventRow = typeof alertEvents.$inferSelect;
export type NewAlertEventRow = typeof alertEvents.$inferInsert;

/**
 * Insert alerts unless their cause (dedupe key) or id is already stored; returns the rows
 * inserted (the caller writes timeline, audit and outbox rows for those only).
 */
export async function insertAlertsIfNew(ex: Executor, rows: NewAlertRow[]): Promise<AlertRow[]> {
  if (rows.length === 0) return [];
  return ex.insert(alerts).values(rows).onConflictDoNothing().returning();
}

export async function findAlertById(ex: Executor, id: string): Promise<AlertRow | null> {
  const [row] = await ex.select().from(alerts).where(eq(alerts.id, id)).limit(1);
  return row ?? null;
}

export async function findAlertByDedupeKey(ex: Executor, provinceCode: string, dedupeKey: string): Promise<AlertRow | null> {
  const [row] = await ex
    .select()
    .from(alerts)
    .where(and(eq(alerts.provinceCode, provinceCode), eq(alerts.dedupeKey, dedupeKey)))
    .limit(1);
  return row ?? null;
}

/** Apply a change only when the version still matches; null when someone changed it meanwhile. */
export async function updateAlertVersioned(ex: Executor, row: Pick<AlertRow, 'provinceCode' | 'id'>, version: number, patch: Partial<NewAlertRow>, now: Date): Promise<AlertRow | null> {
  const [updated] = await ex
    .update(alerts)
    .set({ ...patch, updatedAt: now, version: sql`${alerts.version} + 1` })
    .where(and(eq(alerts.provinceCode, row.provinceCode), eq(alerts.id, row.id), eq(alerts.version, version)))
    .returning();
  return updated ?? null;
}

export interface AlertFilter {
  scopes: readonly string[];
  region?: string;
  status?: string;
  kind?: string;
  electionId?: string;
  /** Only alerts that may leave the system as CAP and are not closed (the Atom feed). */
  currentCapOnly?: boolean;
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** One page of alerts in scope, newest first, keyset-paginated on (created_at, id). */
export async function findAlerts(ex: Executor, filter: AlertFilter): Promise<AlertRow[]> {
  const c: SQL[] = [inScope(alerts.regionCode, filter.scopes)];
  if (filter.region) c.push(inScope(alerts.regionCode, [filter.region]));
  if (filter.status) c.push(eq(alerts.status, filter.status));
  if (filter.kind) c.push(eq(alerts.kind, filter.kind));
  if (filter.electionId) c.push(eq(alerts.electionId, filter.electionId));
  if (filter.currentCapOnly) c.push(ne(alerts.status, 'closed'), sql`'cap' = ANY(${alerts.channels})`);
  if (filter.before) {
    const b = filter.before;
    c.push(or(lt(alerts.createdAt, b.createdAt), and(eq(alerts.createdAt, b.createdAt), lt(alerts.id, b.id)))!);
  }
  return ex
    .select()
    .from(alerts)
    .where(and(...c))
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(filter.limit);
}

export async function insertAlertEvents(ex: Executor, rows: NewAlertEventRow[]): Promise<void> {
  await insertByUnnest(ex, alertEvents, rows);
}

export async function findAlertEvents(ex: Executor, row: Pick<AlertRow, 'provinceCode' | 'id'>): Promise<AlertEventRow[]> {
  return ex
    .select()
    .from(alertEvents)
    .where(and(eq(alertEvents.provinceCode, row.provinceCode), eq(alertEvents.alertId, row.id)))
    .orderBy(asc(alertEvents.id));
}

/** The reports behind an alert (summary fields), in the caller's scope. */
export async function findAlertReports(ex: Executor, ids: readonly string[], scopes: readonly string[]) {
  if (ids.length === 0) return [];
  return ex
    .select({
      id: reports.id,
      title: reports.title,
      category: reports.category,
      severity: reports.severity,
      status: reports.status,
      source: reports.source,
      regionCode: reports.regionCode,
      occurredAt: reports.occurredAt,
    })
    .from(reports)
    .where(and(inArray(reports.id, [...ids]), inScope(reports.regionCode, scopes)))
    .orderBy(asc(reports.occurredAt), asc(reports.id));
}

/** One report as the spike test counts it: an incident counts once, at its first report. */
export interface SpikeReportRow {
  districtCode: string;
  key: string;
  occurredAtMs: number;
  reportIds: string[];
  source: string;
  status: string;
}

/**
 * Districts with at least `minCount` countable reports (not draft or rejected; an incident once)
 * occurring in (windowStart, now]: the only candidates for a spike.
 */
export async function findSpikeCandidateDistricts(ex: Executor, windowStart: Date, now: Date, minCount: number): Promise<string[]> {
  const result = await ex.execute(sql`
    SELECT district_code FROM reports
    WHERE occurred_at > ${windowStart.toISOString()}::timestamptz AND occurred_at <= ${now.toISOString()}::timestamptz
      AND status NOT IN ('draft', 'rejected') AND district_code IS NOT NULL
    GROUP BY district_code
    HAVING count(DISTINCT coalesce(incident_id, id)) >= ${minCount}`);
  return (result as unknown as { rows: { district_code: string }[] }).rows.map((r) => r.district_code);
}

/**
 * For each of these districts, its countable reports (one per incident, at the incident's first
 * report in the period) in the window (windowStart, now] and in the baseline (from, windowStart]:
 * the spike test needs only the two counts, and counting here instead of handing every row of
 * 28 days to the server keeps ~150,000 rows per check (at a million reports) off its event loop.
 * The window's groups are the ones `findSpikeWindowGroups` lists; the two are separate statements,
 * so a report changed in between can make a spike alert's listed reports differ from its count by
 * that one report (the count is what the test decided on).
 */
export async function countSpikeGroups(
  ex: Executor,
  districtCodes: readonly string[],
  from: Date,
  windowStart: Date,
  now: Date,
): Promise<{ districtCode: string; count: number; baselineCount: number }[]> {
  if (districtCodes.length === 0) return [];
  const result = await ex.execute(sql`
    SELECT district_code, count(*) FILTER (WHERE at > ${windowStart.toISOString()}::timestamptz)::int AS n,
           count(*) FILTER (WHERE at <= ${windowStart.toISOString()}::timestamptz)::int AS base
    FROM (SELECT district_code, min(occurred_at) AS at FROM reports
          WHERE district_code = ANY(${toTextArray(districtCodes)})
            AND occurred_at > ${from.toISOString()}::timestamptz AND occurred_at <= ${now.toISOString()}::timestamptz
            AND status NOT IN ('draft', 'rejected')
          GROUP BY district_code, coalesce(incident_id, id)) AS g
    GROUP BY district_code ORDER BY district_code`);
  return (result as unknown as { rows: { district_code: string; n: number | string; base: number | string }[] }).rows.map((r) => ({
    districtCode: r.district_code,
    count: Number(r.n),
    baselineCount: Number(r.base),
  }));
}

/**
 * The report groups (an incident, or a lone report) that a spike alert lists: those counted in
 * the window by `countSpikeGroups` — first report in (windowStart, now], none earlier in the
 * baseline (from, windowStart] — the earliest `limit` of each district, oldest first. Only the
 * window's rows are read (an incident's earlier reports through the incident index), and at most
 * `limit` groups per district come back: a burst of tens of thousands of reports in a district
 * is exactly when the check runs, and handing them all to the server would stall its event loop.
 */
export async function findSpikeWindowGroups(
  ex: Executor,
  districtCodes: readonly string[],
  range: { from: Date; windowStart: Date; now: Date },
  limit: number,
): Promise<SpikeReportRow[]> {
  if (districtCodes.length === 0) return [];
  const windowStart = range.windowStart.toISOString();
  const result = await ex.execute(sql`
    SELECT district_code, key, at_ms, ids, source, status, corroborated FROM (
      SELECT district_code, coalesce(incident_id, id)::text AS key,
             (extract(epoch from min(occurred_at)) * 1000)::float8 AS at_ms,
             array_agg(id::text ORDER BY occurred_at) AS ids,
             (array_agg(source ORDER BY occurred_at))[1] AS source,
             (array_agg(status ORDER BY occurred_at))[1] AS status,
             bool_or(source IN ('field_officer', 'desk', 'rakor') OR status IN ('verified', 'in_progress', 'resolved')) AS corroborated,
             row_number() OVER (PARTITION BY district_code ORDER BY min(occurred_at), coalesce(incident_id, id)) AS rn
      FROM reports r
      WHERE district_code = ANY(${toTextArray(districtCodes)})
        AND occurred_at > ${windowStart}::timestamptz AND occurred_at <= ${range.now.toISOString()}::timestamptz
        AND status NOT IN ('draft', 'rejected')
        -- an incident whose first report lies in the baseline counts there, not in the window
        AND (incident_id IS NULL OR NOT EXISTS (
          SELECT 1 FROM reports e WHERE e.incident_id = r.incident_id AND e.district_code = r.district_code
            AND e.occurred_at > ${range.from.toISOString()}::timestamptz AND e.occurred_at <= ${windowStart}::timestamptz
            AND e.status NOT IN ('draft', 'rejected')))
      GROUP BY district_code, coalesce(incident_id, id)) AS g
    WHERE rn <= ${limit}
    ORDER BY district_code, at_ms`);
  return (result as unknown as { rows: { district_code: string; key: string; at_ms: number | string; ids: string[] | string; source: string; status: string; corroborated: boolean }[] }).rows.map((r) => ({
    districtCode: r.district_code,
    key: r.key,
    occurredAtMs: Number(r.at_ms),
    reportIds: Array.isArray(r.ids) ? r.ids : String(r.ids).replace(/^\{|\}$/g, '').split(',').filter(Boolean),
    // a group stands on its best report: corroborated when any member is officer-filed or verified
    source: r.corroborated ? 'field_officer' : r.source,
    status: r.status,
  }));
}
