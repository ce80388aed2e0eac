import { EARTH_RADIUS_KM, isInScope, type TDuplicateConfig } from '@sinergi/domain';
import { and, eq, getTableColumns, getTableName, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbHandle, type Executor } from '../client.js';
import { auditLog, organisations, outbox, reportAttachments, reportEvents, reports, SLA_CLOCK, SLA_OPEN } from '../schema.js';
import { arrayLiteral, insertByUnnest, runCached, shapeKey, shapeOf, unnestSource, type Shape } from './bulk.js';
import { inScope, toTextArray } from './scope.js';

/** Every column but the generated search vector (never needed in Node, and heavy to decode). */
const { search: _search, ...REPORT_COLUMNS } = getTableColumns(reports);
export type ReportRow = Omit<typeof reports.$inferSelect, 'search'>;
export type NewReportRow = typeof reports.$inferInsert;
export type ReportEventRow = typeof reportEvents.$inferSelect;
export type NewReportEventRow = typeof reportEvents.$inferInsert;
export type NewOutboxRow = typeof outbox.$inferInsert;

/** The reports of these ids in any province. */
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

/** A report as the write path needs it back: what a receipt shows, and the content hash of a resend. */
export type StoredReportHead = Pick<ReportRow, 'id' | 'receiptCode' | 'status' | 'createdAt' | 'contentHash'>;

export async function insertReportEvents(ex: Executor, rows: NewReportEventRow[]): Promise<void> {
  await insertByUnnest(ex, reportEvents, rows);
}

export async function insertOutbox(ex: Executor, rows: NewOutboxRow[]): Promise<void> {
  await insertByUnnest(ex, outbox, rows);
}

/** What one report batch writes: the reports (ids in lower case, each once), and each dependent row with the id of its report. */
export interface ReportBatch {
  /** The reports, each id once. Their possible_duplicate_of is set by the statement. */
  reports: NewReportRow[];
  /** The create events; `details` gains `possibleDuplicateOf` where the statement finds any. */
  events: { reportId: string; row: NewReportEventRow }[];
  audit: { reportId: string; row: typeof auditLog.$inferInsert }[];
  outbox: { reportId: string; row: NewOutboxRow }[];
  duplicates: TDuplicateConfig;
}

/** What a report batch found and did: the ids stored before it (resends), and the ids it wrote. */
export interface ReportBatchOutcome {
  stored: StoredReportHead[];
  inserted: Set<string>;
}

/**
 * The report write path's ONE statement per batch (one round trip, atomic without BEGIN/COMMIT):
 *
 * 1. `stored`: reports already stored under the batch's ids (a resend; any province). These are
 *    not written again, and come back so the caller can compare content hashes.
 * 2. Possible duplicates, the SQL twin of the domain's `isPossibleDuplicate` (same category,
 *    occurred within `windowHours`, and the same village or, both located, within `distanceKm`
 *    by haversine): each new report is compared with the recent stored reports (per regency and
 *    category of the batch, not rejected, the newest 100 in the batch's time window) and with
 *    the batch's earlier reports. Up to 20 ids, stored ones newest first, then batch order.
 * 3. The new reports are inserted (`ON CONFLICT DO NOTHING` on the key: a racing writer of the
 *    same id wins, and the caller reads that row back), and their events, audit entries and
 *    outbox rows only for the reports actually inserted.
 *
 * A receipt-code clash (reports_receipt_idx) still fails the whole statement: nothing written.
 */
export async function writeReportBatchOnce(handle: DbHandle, batch: ReportBatch): Promise<ReportBatchOutcome> {
  if (batch.reports.length === 0) return { stored: [], inserted: new Set() };
  // the columns the duplicate rule reads are kept even when every row leaves them empty
  const main = shapeOf(reports, batch.reports, { keep: ['category', 'lat', 'lon'], omit: ['possibleDuplicateOf'] });
  const parts = (
    [
      [auditLog, batch.audit],
      [reportEvents, batch.events],
      [outbox, batch.outbox],
    ] as const
  )
    .filter(([, rows]) => rows.length > 0)
    .map(([table, rows]) => ({ shape: shapeOf(table, rows.map((r) => r.row)), keys: rows.map((r) => r.reportId) }));
  const { windowHours, distanceKm } = batch.duplicates;
  // a great circle between two points is at least as long as the meridian arc between their
  // latitudes: pairs further apart in latitude are skipped before the trigonometry
  const latSpan = ((distanceKm / EARTH_RADIUS_KM) * 180) / Math.PI + 1e-9;
  const values = [windowHours * 3600, latSpan, EARTH_RADIUS_KM, distanceKm, ...main.values, ...parts.flatMap((p) => [...p.shape.values, arrayLiteral(p.keys)])];
  const key = `report-batch:${[main, ...parts.map((p) => p.shape)].map(shapeKey).join(';')}`;
  const rows = await runCached(handle, key, (slot) => reportBatchSql(slot, main, parts), values);
  const stored: StoredReportHead[] = [];
  const inserted = new Set<string>();
  for (const r of rows) {
    if (r.k === 'i') inserted.add(String(r.id));
    else stored.push(storedHeadOf(r));
  }
  return { stored, inserted };
}

/** The heads of the reports stored under these ids (a resend that raced its first copy). */
export async function findStoredHeads(ex: Executor, ids: string[]): Promise<StoredReportHead[]> {
  if (ids.length === 0) return [];
  return ex
    .select({ id: reports.id, receiptCode: reports.receiptCode, status: reports.status, createdAt: reports.createdAt, contentHash: reports.contentHash })
    .from(reports)
    .where(inArray(reports.id, ids));
}

function storedHeadOf(r: Record<string, unknown>): StoredReportHead {
  const createdAt = r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at));
  return { id: String(r.id), receiptCode: (r.receipt_code as string | null) ?? null, status: String(r.status), createdAt, contentHash: String(r.content_hash) };
}

/**
 * The text of writeReportBatchOnce's statement: `slot(0…3)` are the time window in seconds, the
 * latitude span, the Earth's radius and the distance in km; the reports' column arrays follow,
 * then each dependent table's column arrays and its report ids.
 */
function reportBatchSql(slot: (i: number) => SQL, main: Shape, parts: { shape: Shape; keys: string[] }[]): SQL {
  const window = sql`make_interval(secs => ${slot(0)}::double precision)`;
  const [latSpan, radius, distanceKm] = [slot(1), slot(2), slot(3)].map((p) => sql`${p}::double precision`) as [SQL, SQL, SQL];
  let base = 4;
  const at = (width: number) => {
    const offset = base;
    base += width;
    return (i: number) => slot(offset + i);
  };
  const mainSlot = at(main.values.length);
  const input = unnestSource(main, { ordinality: true, slot: mainSlot });
  // the ids as the array they came in: `= ANY(array)` is looked up in the id index whatever the
  // statistics say (a join with the input may be planned as a scan of the whole table)
  const ids = sql`${mainSlot(main.columns.findIndex(([key]) => key === 'id'))}::uuid[]`;
  const writes = parts.map(({ shape, keys }, n) => {
    const source = unnestSource(shape, { extra: [{ alias: 'k', values: keys, type: 'uuid' }], slot: at(shape.values.length + 1) });
    // the create event tells the possible duplicates the statement found
    const exprs = source.exprs.map((e, i) =>
      shape.table === reportEvents && source.columns[i] === 'details'
        ? sql`coalesce(${e}, '{}'::jsonb) || CASE WHEN cardinality(ins.possible_duplicate_of) > 0
            THEN jsonb_build_object('possibleDuplicateOf', ins.possible_duplicate_of) ELSE '{}'::jsonb END`
        : e,
    );
    return sql`, ${sql.identifier(`w${n}`)} AS (INSERT INTO ${sql.identifier(getTableName(shape.table))} (${sql.join(source.names, sql`, `)})
      SELECT ${sql.join(exprs, sql`, `)} FROM ${source.from} JOIN ins ON ins.id = t.k)`;
  });
  const haversineKm = sql`2 * ${radius} * asin(least(1, sqrt(
      sin(radians(p.lat - f.lat) / 2) ^ 2 + cos(radians(f.lat)) * cos(radians(p.lat)) * sin(radians(p.lon - f.lon) / 2) ^ 2)))`;
  return sql`WITH input AS (SELECT ${sql.join(
    input.exprs.map((e, i) => sql`${e} AS ${input.names[i]}`),
    sql`, `,
  )}, t.ord FROM ${input.from}),
    stored AS (SELECT r.id, r.receipt_code, r.status, r.created_at, r.content_hash FROM reports r WHERE r.id = ANY(${ids})),
    fresh AS (SELECT * FROM input i WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.id = i.id)),
    bounds AS (SELECT min(occurred_at) - ${window} AS lo, max(occurred_at) + ${window} AS hi FROM fresh WHERE category IS NOT NULL),
    candidates AS (
      SELECT c.* FROM (SELECT DISTINCT regency_code, category FROM fresh WHERE category IS NOT NULL) AS pair CROSS JOIN bounds
      CROSS JOIN LATERAL (SELECT r.id, r.region_code, r.category, r.occurred_at, r.lat, r.lon FROM reports r
        WHERE r.regency_code = pair.regency_code AND r.category = pair.category AND r.occurred_at BETWEEN bounds.lo AND bounds.hi AND r.status <> 'rejected'
        ORDER BY r.occurred_at DESC LIMIT 100) AS c),
    pool AS (SELECT id, region_code, category, occurred_at, lat, lon, 0::bigint AS ord FROM candidates
      UNION ALL SELECT id, region_code, category, occurred_at, lat, lon, ord FROM fresh WHERE category IS NOT NULL),
    matches AS (
      SELECT f.id AS fid, p.id AS pid, p.ord, p.occurred_at FROM fresh f JOIN pool p ON p.category = f.category AND p.region_code = f.region_code
        WHERE p.ord < f.ord AND p.occurred_at BETWEEN f.occurred_at - ${window} AND f.occurred_at + ${window}
      UNION ALL
      SELECT f.id, p.id, p.ord, p.occurred_at FROM fresh f JOIN pool p ON p.category = f.category
        WHERE f.lat IS NOT NULL AND f.lon IS NOT NULL AND p.lat IS NOT NULL AND p.lon IS NOT NULL AND p.region_code <> f.region_code
          AND p.ord < f.ord AND p.occurred_at BETWEEN f.occurred_at - ${window} AND f.occurred_at + ${window}
          AND abs(p.lat - f.lat) <= ${latSpan} AND ${haversineKm} <= ${distanceKm}),
    -- materialized: a generic plan (rows of unnest unknown) would otherwise redo the aggregate per new report
    dups AS MATERIALIZED (SELECT fid, (array_agg(pid ORDER BY ord, occurred_at DESC, pid))[1:20] AS ids FROM matches GROUP BY fid),
    ins AS (INSERT INTO reports (${sql.join(input.names, sql`, `)}, possible_duplicate_of)
      SELECT ${sql.join(
        input.names.map((n) => sql`f.${n}`),
        sql`, `,
      )}, coalesce(d.ids, '{}'::uuid[]) FROM fresh f LEFT JOIN dups d ON d.fid = f.id
      -- in id order: two overlapping batches that both hold the same ids wait for each other
      -- in the same order instead of deadlocking
      ORDER BY f.id
      ON CONFLICT (province_code, id) DO NOTHING RETURNING id, possible_duplicate_of)${sql.join(writes, sql``)}
    SELECT 's' AS k, id, receipt_code, status, created_at, content_hash FROM stored
    UNION ALL SELECT 'i', id, NULL, NULL, NULL, NULL FROM ins`;
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
  /** Rows the first walk of a text search reads (default max(2,000, 40 × limit); tests make it small). */
  textWalkRows?: number;
}

/** The conditions of a report list (shared by pages, counts and exports). */
export function reportConditions(filter: Omit<ReportFilter, 'limit' | 'before'>): SQL[] {
  const c: SQL[] = [];
  // The scope: implied by a region filter within it (the equality below matches only reports in
  // that region), and then left out — the planner takes its OR of prefix matches for very
  // selective (hundreds of rows where a regency has 23,000), which misleads its choice of plan,
  // and every row walked pays for it. A region filter above the scope (a district desk asking
  // for its regency) keeps it.
  if (!filter.region || !isInScope(filter.region.code, filter.scopes)) c.push(inScope(reports.regionCode, filter.scopes));
  if (filter.region) {
    // equality on the denormalised column of the filter's level: served by (col, created_at, id)
    const { code, level } = filter.region;
    const column = level === 'province' ? reports.provinceCode : level === 'regency' ? reports.regencyCode : level === 'district' ? reports.districtCode : reports.regionCode;
    c.push(sql`${column} = ${code}`);
  }
  if (filter.electionId) c.push(sql`${reports.electionId} = ${filter.electionId}`);
  if (filter.stageCode) c.push(sql`${reports.stageCode} = ${filter.stageCode}`);
  // one category as an equality: PostgreSQL (15) gives no index order through `= ANY` on a second
  // column, so (regency_code, category, created_at, id) serves a regency desk's page only this way
  if (filter.categories?.length === 1) c.push(sql`${reports.category} = ${filter.categories[0]}`);
  else if (filter.categories?.length) c.push(sql`${reports.category} = ANY(${toTextArray(filter.categories)})`);
  if (filter.severities?.length) c.push(sql`${reports.severity} = ANY(${`{${filter.severities.join(',')}}`}::smallint[])`);
  if (filter.statuses?.length) c.push(sql`${reports.status} = ANY(${toTextArray(filter.statuses)})`);
  if (filter.sources?.length) c.push(sql`${reports.source} = ANY(${toTextArray(filter.sources)})`);
  if (filter.escalationLevel) c.push(sql`${reports.escalationLevel} = ${filter.escalationLevel}`);
  if (filter.assignedOrgPrefix) c.push(sql`${reports.assignedOrgId} LIKE ${`${filter.assignedOrgPrefix.replace(/[%_\\]/g, '\\$&')}:%`}`);
  if (filter.incidentId) c.push(sql`${reports.incidentId} = ${filter.incidentId}`);
  if (filter.reporterId) c.push(sql`${reports.reporterId} = ${filter.reporterId}`);
  if (filter.from) c.push(sql`${reports.occurredAt} >= ${filter.from}`);
  if (filter.to) c.push(sql`${reports.occurredAt} < ${filter.to}`);
  const text = textQuery(filter.q);
  if (text) c.push(textMatch(text));
  return c;
}

/** The tsquery text of a search box (every word as a prefix, all required), or null when it has no word. */
function textQuery(q: string | undefined): string | null {
  if (!q) return null;
  const terms = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8)
    .map((t) => `${t}:*`)
    .join(' & ');
  return terms || null;
}

function textMatch(terms: string): SQL {
  return sql`${reports.search} @@ to_tsquery('simple', ${terms})`;
}

/** Keyset condition: strictly after this position in the list order (newest first). */
function olderThan(b: { createdAt: Date; id: string }): SQL {
  return or(lt(reports.createdAt, b.createdAt), and(eq(reports.createdAt, b.createdAt), lt(reports.id, b.id)))!;
}

// A list page is the hottest read of the desks. Its SQL is written here rather than through the
// query builder, with every column under its row key ("created_at" AS "createdAt"), so a row
// arrives in the shape of ReportRow and only the timestamps need converting: Drizzle's generic
// per-field mapping of 50 rows × 40 columns, and building the select, cost more server CPU than
// PostgreSQL spends on the query.
const LIST_COLUMNS = sql.raw(Object.entries(REPORT_COLUMNS).map(([key, column]) => `reports."${column.name}" AS "${key}"`).join(', '));
const TIMESTAMP_KEYS = Object.entries(REPORT_COLUMNS)
  .filter(([, column]) => column.columnType === 'PgTimestamp')
  .map(([key]) => key);
// NULLS LAST to match the (…, created_at DESC, id DESC) indexes as Drizzle declares them
// (DESC NULLS LAST); both columns are NOT NULL, so the order is the same, and the index serves it
const NEWEST_FIRST = sql.raw('reports.created_at DESC NULLS LAST, reports.id DESC NULLS LAST');

async function listRows<T extends object = ReportRow>(ex: Executor, query: SQL): Promise<T[]> {
  const rows = await selectRows<Record<string, unknown>>(ex, query);
  for (const row of rows) {
    for (const key of TIMESTAMP_KEYS) {
      const value = row[key];
      // both drivers hand timestamps to Drizzle as text; Drizzle's own mapping does the same
      if (value !== null && !(value instanceof Date)) row[key] = new Date(value as string);
    }
  }
  return rows as T[];
}

/**
 * A text search's first walk reads max(2,000, 40 × limit) rows of the ordered list; when they hold
 * some matches but too few for the page, a second walk reads ten times as many (see findReports).
 */
const TEXT_WALK_MIN_ROWS = 2000;
const TEXT_WALK_ROWS_PER_ITEM = 40;
const TEXT_WALK_GROWTH = 10;

/**
 * One page, newest first, keyset-paginated on (created_at, id).
 *
 * A text search (`q`) walks the list in order — the (region, created_at, id) index of the
 * filter — testing each row's stored `search` vector, and stops as soon as the page is full.
 * Common words ("amplop", "sembako") fill a page within a few hundred rows, while the
 * full-text (GIN) index finds every match in the country and sorts them all to keep the
 * newest 50 (hundreds of milliseconds at a million reports). A walk is bounded: the first
 * reads max(2,000, 40 × limit) rows; if those held some matches but not enough, a second walk
 * continues for ten times as many; what is still missing then — or at once when the first
 * walk found nothing, i.e. a rare word, which the index finds fastest — comes from the
 * full-text index, strictly older than the last row walked. The rows and their order are
 * exactly those of the plain query.
 */
export async function findReports(ex: Executor, filter: ReportFilter): Promise<ReportRow[]> {
  const { conditions, text } = pageConditions(filter);
  if (!text) return listRows(ex, plainPageQuery(conditions, filter.limit));

  const firstWalk = filter.textWalkRows ?? Math.max(TEXT_WALK_MIN_ROWS, TEXT_WALK_ROWS_PER_ITEM * filter.limit);
  const page: ReportRow[] = [];
  let remaining = conditions;
  for (const walkRows of [firstWalk, firstWalk * TEXT_WALK_GROWTH]) {
    const { hits, last } = await walkForText(ex, walkQuery(remaining, text, walkRows, filter.limit - page.length));
    page.push(...hits);
    // full page, or the walk reached the end of the list: nothing older can match
    if (page.length === filter.limit || !last) return page;
    remaining = [...conditions, olderThan(last)];
    if (page.length === 0) break;
  }
  return [...page, ...(await listRows(ex, plainPageQuery([...remaining, textMatch(text)], filter.limit - page.length)))];
}

/**
 * The first statement findReports runs for a page: the plain page, or a text search's first walk
 * (the benchmark explains it, so its plans are those of the server's own SQL).
 */
export function firstPageStatement(filter: ReportFilter): SQL {
  const { conditions, text } = pageConditions(filter);
  if (!text) return plainPageQuery(conditions, filter.limit);
  return walkQuery(conditions, text, filter.textWalkRows ?? Math.max(TEXT_WALK_MIN_ROWS, TEXT_WALK_ROWS_PER_ITEM * filter.limit), filter.limit);
}

function pageConditions(filter: ReportFilter): { conditions: SQL[]; text: string | null } {
  const conditions = reportConditions({ ...filter, q: undefined });
  if (filter.before) conditions.push(olderThan(filter.before));
  return { conditions, text: textQuery(filter.q) };
}

function plainPageQuery(conditions: SQL[], limit: number): SQL {
  return sql`SELECT ${LIST_COLUMNS} FROM ${reports} WHERE ${and(...conditions)} ORDER BY ${NEWEST_FIRST} LIMIT ${limit}`;
}

/**
 * Up to `need` matches among the next `walkRows` rows of the list and, when there are fewer, the
 * walkRows-th row itself (absent: the list ended within the walk) — where a next step continues.
 */
function walkQuery(conditions: SQL[], text: string, walkRows: number, need: number): SQL {
  const where = and(...conditions);
  // The LIMIT of the inner select fences the text condition out of it: the planner cannot use the
  // GIN index and walks the list index in order; `SELECT *` hands the scanned rows up unprojected,
  // and only matches are projected. Rows are pulled lazily, so the walk stops at the page's last
  // match, and the second branch (the walk's last row, found by walking again) runs only when
  // the first could not fill the page.
  return sql`(SELECT ${LIST_COLUMNS}, true AS hit
         FROM (SELECT * FROM ${reports} WHERE ${where} ORDER BY ${NEWEST_FIRST} LIMIT ${walkRows}) AS reports
         WHERE ${textMatch(text)} ORDER BY ${NEWEST_FIRST} LIMIT ${need})
        UNION ALL
        (SELECT ${LIST_COLUMNS}, false FROM ${reports} WHERE ${where} ORDER BY ${NEWEST_FIRST} OFFSET ${walkRows - 1} LIMIT 1)
        LIMIT ${need}`;
}

async function walkForText(ex: Executor, query: SQL): Promise<{ hits: ReportRow[]; last: ReportRow | null }> {
  const hits: ReportRow[] = [];
  let last: ReportRow | null = null;
  for (const { hit, ...row } of await listRows<ReportRow & { hit: boolean }>(ex, query)) {
    if (hit) hits.push(row);
    else last = row;
  }
  return { hits, last };
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

/**
 * Open reports whose SLA time is up: for each (status, severity) pair, those whose clock started
 * at or before its cutoff (now minus that pair's limit), not yet at the top level. Each pair is
 * one range of reports_sla_due_idx, so a pass reads due reports only; the longest overdue come
 * first, at most `limit` in all.
 */
export async function findSlaDue(ex: Executor, cutoffs: { status: 'new' | 'verified'; severity: number; cutoff: Date }[], limit = 1000): Promise<ReportRow[]> {
  const due: { row: ReportRow; since: number }[] = [];
  for (const c of cutoffs) {
    const rows = await ex
      .select({ ...REPORT_COLUMNS, clock: sql<Date>`${SLA_CLOCK}`.mapWith(reports.statusChangedAt) })
      .from(reports)
      // the index's own condition and expression, so that it is used whatever the parameters
      .where(and(SLA_OPEN, eq(reports.status, c.status), eq(reports.severity, c.severity), sql`${SLA_CLOCK} <= ${c.cutoff}`))
      .orderBy(SLA_CLOCK)
      .limit(limit);
    for (const { clock, ...row } of rows) due.push({ row, since: clock.getTime() - c.cutoff.getTime() });
  }
  return due
    .sort((a, b) => a.since - b.since)
    .slice(0, limit)
    .map((d) => d.row);
}
