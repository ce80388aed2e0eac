import type { TReportStatus } from '@sinergi/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { regionBoundaries, reports } from '../schema.js';
import { reportConditions, type ReportFilter } from './reports.js';
import { inScope } from './scope.js';

type Filter = Omit<ReportFilter, 'limit' | 'before'>;

async function rows<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await ex.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Located reports of a filter, newest first, at most `limit`; and how many have no coordinates. */
export async function findMapPoints(ex: Executor, filter: Filter, limit: number): Promise<{ points: [string, number, number, number, TReportStatus][]; truncated: boolean; unlocated: number }> {
  const where = sql.join(reportConditions(filter), sql` AND `);
  const found = await rows<{ id: string; lat: number; lon: number; severity: number; status: TReportStatus }>(
    ex,
    sql`SELECT ${reports.id} AS id, ${reports.lat} AS lat, ${reports.lon} AS lon, ${reports.severity} AS severity, ${reports.status} AS status
        FROM ${reports} WHERE ${where} AND ${reports.lat} IS NOT NULL AND ${reports.lon} IS NOT NULL
        ORDER BY ${reports.createdAt} DESC NULLS LAST, ${reports.id} DESC NULLS LAST LIMIT ${limit + 1}`,
  );
  const [count] = await rows<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM ${reports} WHERE ${where} AND (${reports.lat} IS NULL OR ${reports.lon} IS NULL)`);
  return {
    points: found.slice(0, limit).map((r) => [r.id, Number(r.lat), Number(r.lon), Number(r.severity), r.status]),
    truncated: found.length > limit,
    unlocated: Number(count?.n ?? 0),
  };
}

export interface BoundaryRow {
  regionCode: string;
  geometry: unknown;
}

/** Boundaries of the children of `parent` (null: provinces) that lie in the scope. */
export async function findBoundaries(ex: Executor, parent: string | null, scopes: readonly string[]): Promise<BoundaryRow[]> {
  const parentCond = parent === null ? sql`${regionBoundaries.parentCode} IS NULL` : sql`${regionBoundaries.parentCode} = ${parent}`;
  return ex
    .select({ regionCode: regionBoundaries.regionCode, geometry: regionBoundaries.geometry })
    .from(regionBoundaries)
    .where(sql`${parentCond} AND ${inScope(regionBoundaries.regionCode, scopes)}`)
    .orderBy(regionBoundaries.regionCode);
}

/** Insert or replace boundaries (one geometry per region). */
export async function upsertBoundaries(ex: Executor, items: { regionCode: string; parentCode: string | null; geometry: unknown; source: string | null; importedBy: string | null }[]): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    const chunk = items.slice(i, i + 200);
    await ex
      .insert(regionBoundaries)
      .values(chunk.map((b) => ({ provinceCode: b.regionCode.slice(0, 2), regionCode: b.regionCode, parentCode: b.parentCode, geometry: b.geometry, source: b.source, importedBy: b.importedBy })))
      .onConflictDoUpdate({
        target: [regionBoundaries.provinceCode, regionBoundaries.regionCode],
        set: { geometry: sql`excluded.geometry`, source: sql`excluded.source`, importedBy: sql`excluded.imported_by`, importedAt: sql`now()`, parentCode: sql`excluded.parent_code` },
      });
  }
}
