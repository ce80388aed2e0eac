import { sql, type SQL } from 'drizzle-orm';
import { SEVERITIES, slaLimitMinutes, type TSlaConfig, type TSlaStatus } from '@sinergi/domain';
import type { Executor } from '../client.js';
import { alerts, reports } from '../schema.js';
import { inScope } from './scope.js';
import { reportConditions, type ReportFilter } from './reports.js';

/*
 * The situation-room aggregates (GET /api/dashboard): every count is a GROUP BY in the database
 * over the scoped, filtered reports (the same conditions as the report list, so the indexes on
 * province/regency/district/village serve both); the server only reshapes a few hundred groups.
 */

type Filter = Omit<ReportFilter, 'limit' | 'before' | 'from' | 'to'>;

async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  return ((await ex.execute(query)) as unknown as { rows: T[] }).rows;
}

function where(filter: Filter, extra: SQL[] = []): SQL {
  return sql.join([...reportConditions(filter), ...extra], sql` AND `);
}

export interface BreakdownRow {
  category: string | null;
  severity: number;
  status: string;
  current: number;
  previous: number;
}

export interface DailyRow {
  day: string;
  total: number;
  serious: number;
}

/**
 * One scan over [previousFrom, to): counts by (category, severity, status) for the range and
 * the range before it, and per local day (offset hours: Indonesia has no daylight saving) —
 * two grouping sets of the same rows.
 */
export async function aggregateReports(
  ex: Executor,
  filter: Filter,
  range: { previousFrom: Date; from: Date; to: Date; offsetHours: number },
): Promise<{ breakdown: BreakdownRow[]; daily: DailyRow[] }> {
  const offset = sql.raw(String(Math.trunc(range.offsetHours)));
  const result = await rows<{ g: number; category: string | null; severity: number | null; status: string | null; day: number | string | null; current: number; previous: number; serious: number }>(
    ex,
    sql`SELECT GROUPING(r.category, r.severity, r.status) AS g, r.category, r.severity, r.status, r.day,
          count(*) FILTER (WHERE r.occurred_at >= ${range.from})::int AS current,
          count(*) FILTER (WHERE r.occurred_at < ${range.from})::int AS previous,
          count(*) FILTER (WHERE r.occurred_at >= ${range.from} AND r.severity >= 3)::int AS serious
        FROM (
          SELECT ${reports.category} AS category, ${reports.severity} AS severity, ${reports.status} AS status, ${reports.occurredAt} AS occurred_at,
            -- the local day as a day number (formatted in Node): to_char per row was a third of this query on PGlite
            floor((date_part('epoch', ${reports.occurredAt}) + ${offset} * 3600) / 86400)::int AS day
          FROM ${reports}
          WHERE ${where(filter, [sql`${reports.occurredAt} >= ${range.previousFrom}`, sql`${reports.occurredAt} < ${range.to}`])}
        ) r
        GROUP BY GROUPING SETS ((r.category, r.severity, r.status), (r.day))`,
  );
  const breakdown: BreakdownRow[] = [];
  const daily: DailyRow[] = [];
  for (const r of result) {
    if (Number(r.g) === 0) {
      breakdown.push({ category: r.category, severity: Number(r.severity), status: r.status!, current: Number(r.current), previous: Number(r.previous) });
    } else if (r.day !== null && Number(r.current) > 0) {
      daily.push({ day: new Date(Number(r.day) * 86_400_000).toISOString().slice(0, 10), total: Number(r.current), serious: Number(r.serious) });
    }
  }
  return { breakdown, daily };
}

/** SQL for "the service-level time of this report ran out before `now`" and the instant it did. */
export function slaTerms(sla: TSlaConfig, now: Date): { overdue: SQL; dueSince: SQL } {
  const minutes = (status: TSlaStatus) =>
    sql.raw(`(CASE severity ${SEVERITIES.map((s) => `WHEN ${s} THEN ${Math.trunc(slaLimitMinutes(status, s, sla))}`).join(' ')} END)`);
  const dueSince = sql`(${reports.statusChangedAt} + make_interval(mins => CASE ${reports.status} WHEN 'new' THEN ${minutes('new')} ELSE ${minutes('verified')} END))`;
  return { overdue: sql`${reports.status} IN ('new', 'verified') AND ${dueSince} <= ${now}`, dueSince };
}

export interface DashboardReportRow {
  id: string;
  title: string;
  category: string | null;
  severity: number;
  status: string;
  regionCode: string;
  createdAt: Date;
  occurredAt: Date;
  dueSince: Date | null;
}

const LIST_COLUMNS = sql`${reports.id} AS id, ${reports.title} AS title, ${reports.category} AS category, ${reports.severity} AS severity,
  ${reports.status} AS status, ${reports.regionCode} AS region_code, ${reports.createdAt} AS created_at, ${reports.occurredAt} AS occurred_at`;

interface RawListRow {
  id: string;
  title: string;
  category: string | null;
  severity: number;
  status: string;
  region_code: string;
  created_at: string | Date;
  occurred_at: string | Date;
  due_since?: string | Date | null;
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

function toListRow(r: RawListRow): DashboardReportRow {
  return {
    id: r.id,
    title: r.title,
    category: r.category,
    severity: Number(r.severity),
    status: r.status,
    regionCode: r.region_code,
    createdAt: toDate(r.created_at),
    occurredAt: toDate(r.occurred_at),
    dueSince: r.due_since ? toDate(r.due_since) : null,
  };
}

/** Open reports past their service-level time now (any date): how many, and the longest overdue. */
export async function findOverdue(ex: Executor, filter: Filter, sla: TSlaConfig, now: Date, limit: number): Promise<{ count: number; items: DashboardReportRow[] }> {
  const terms = slaTerms(sla, now);
  const cond = where(filter, [terms.overdue]);
  const [countRow] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM ${reports} WHERE ${cond}`);
  const count = Number(countRow?.n ?? 0);
  if (count === 0) return { count, items: [] };
  const items = await rows<RawListRow>(ex, sql`SELECT ${LIST_COLUMNS}, ${terms.dueSince} AS due_since FROM ${reports} WHERE ${cond} ORDER BY due_since ASC, ${reports.id} LIMIT ${limit}`);
  return { count, items: items.map(toListRow) };
}

/** The newest reports (by arrival), for the live feed: the (…, created_at DESC, id DESC) indexes serve it. */
export async function findLatest(ex: Executor, filter: Filter, limit: number): Promise<DashboardReportRow[]> {
  const items = await rows<RawListRow>(
    ex,
    sql`SELECT ${LIST_COLUMNS} FROM ${reports} WHERE ${where(filter)}
        ORDER BY ${reports.createdAt} DESC NULLS LAST, ${reports.id} DESC NULLS LAST LIMIT ${limit}`,
  );
  return items.map(toListRow);
}

/** Alerts in scope (and under `region`) that are not closed, by status. */
export async function countOpenAlerts(ex: Executor, scopes: readonly string[], region: string | null): Promise<{ open: number; acknowledged: number }> {
  const c = [inScope(alerts.regionCode, scopes), ...(region ? [inScope(alerts.regionCode, [region])] : [])];
  const result = await rows<{ status: string; n: number }>(
    ex,
    sql`SELECT ${alerts.status} AS status, count(*)::int AS n FROM ${alerts} WHERE ${sql.join(c, sql` AND `)} AND ${alerts.status} <> 'closed' GROUP BY 1`,
  );
  const by = new Map(result.map((r) => [r.status, Number(r.n)]));
  return { open: by.get('open') ?? 0, acknowledged: by.get('acknowledged') ?? 0 };
}

/** The newest alerts in scope that are not closed. */
export async function findOpenAlerts(ex: Executor, scopes: readonly string[], region: string | null, limit: number) {
  const c = [inScope(alerts.regionCode, scopes), ...(region ? [inScope(alerts.regionCode, [region])] : [])];
  return ex
    .select()
    .from(alerts)
    .where(sql`${sql.join(c, sql` AND `)} AND ${alerts.status} <> 'closed'`)
    .orderBy(sql`${alerts.createdAt} DESC`, sql`${alerts.id} DESC`)
    .limit(limit);
}
