import { isInScope } from '@sinergi/domain';
import { and, eq, getTableColumns, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbHandle, type Executor } from '../client.js';
import { auditLog, organisations, outbox, reportAttachments, reportEvents, reports } from '../schema.js';
import { insertAllByUnnestPrepared, insertByUnnest } from './bulk.js';
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

/** A report as the write path needs it back: what a receipt shows, and the content hash of a resend. */
export type StoredReportHead = Pick<ReportRow, 'id' | 'receiptCode' | 'status' | 'createdAt' | 'contentHash'>;

/**
 * Everything a report batch writes, as ONE statement (audit_log, report_events and outbox as
 * data-modifying `WITH` queries around the reports insert): atomic without BEGIN/COMMIT and a
 * single round trip. A clash on a report id fails the whole statement (nothing written).
 */
export async function insertReportBatch(
  handle: DbHandle,
  batch: { reports: NewReportRow[]; events: NewReportEventRow[]; audit: (typeof auditLog.$inferInsert)[]; outbox: NewOutboxRow[] },
): Promise<void> {
  await insertAllByUnnestPrepared(handle, [
    { table: auditLog, rows: batch.audit },
    { table: reportEvents, rows: batch.events },
    { table: outbox, rows: batch.outbox },
    { table: reports, rows: batch.reports },
  ]);
}

export async function insertReportEvents(ex: Executor, rows: NewReportEventRow[]): Promise<void> {
  await insertByUnnest(ex, reportEvents, rows);
}

export async function insertOutbox(ex: Executor, rows: NewOutboxRow[]): Promise<void> {
  await insertByUnnest(ex, outbox, rows);
}

/** A recent report that could describe the same event as one being written. */
export type DuplicateCandidate = Pick<ReportRow, 'id' | 'regionCode' | 'regencyCode' | 'category' | 'occurredAt' | 'lat' | 'lon' | 'status'>;

/**
 * The write path's one read per batch: the reports already stored under these ids (a resend),
 * and the recent reports that could describe the same events — same regency and category,
 * within the time window, not rejected, the newest 100 of each pair (the closest events in
 * time are the likeliest duplicates).
 */
const STORED_SQL = `SELECT 's' AS k, id, receipt_code, status, created_at, content_hash, NULL::text AS region_code, NULL::text AS regency_code,
    NULL::text AS category, NULL::double precision AS occurred_ms, NULL::double precision AS lat, NULL::double precision AS lon
  FROM reports WHERE id = ANY($1::uuid[])`;
// per (regency, category) pair so the dedup index (regency_code, category, occurred_at) hands
// the rows over newest first and the scan stops at the limit: `= ANY(…)` on both columns
// would read and sort every report of the window instead
const STORED_AND_CANDIDATES_SQL = `${STORED_SQL}
  UNION ALL SELECT 'c', c.id, NULL, c.status, NULL, NULL, c.region_code, c.regency_code, c.category, date_part('epoch', c.occurred_at) * 1000, c.lat, c.lon
  FROM unnest($2::text[], $3::text[]) AS k(regency_code, category)
  CROSS JOIN LATERAL (SELECT id, status, region_code, regency_code, category, occurred_at, lat, lon FROM reports r
    WHERE r.regency_code = k.regency_code AND r.category = k.category AND r.occurred_at BETWEEN $4::timestamptz AND $5::timestamptz AND r.status <> 'rejected'
    ORDER BY r.occurred_at DESC LIMIT 100) AS c`;

export async function findStoredAndCandidates(
  handle: DbHandle,
  ids: string[],
  window: { pairs: { regencyCode: string; category: string }[]; from: Date; to: Date } | null,
): Promise<{ stored: StoredReportHead[]; candidates: DuplicateCandidate[] }> {
  const rows =
    window && window.pairs.length > 0
      ? await handle.queryPrepared<Record<string, unknown>>('sng_report_stored_candidates', STORED_AND_CANDIDATES_SQL, [
          ids,
          window.pairs.map((p) => p.regencyCode),
          window.pairs.map((p) => p.category),
          window.from.toISOString(),
          window.to.toISOString(),
        ])
      : await handle.queryPrepared<Record<string, unknown>>('sng_report_stored', STORED_SQL, [ids]);
  const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const stored: StoredReportHead[] = [];
  const candidates: DuplicateCandidate[] = [];
  for (const r of rows) {
    if (r.k === 's') {
      stored.push({ id: String(r.id), receiptCode: (r.receipt_code as string | null) ?? null, status: String(r.status), createdAt: date(r.created_at), contentHash: String(r.content_hash) });
    } else {
      candidates.push({
        id: String(r.id),
        regionCode: String(r.region_code),
        regencyCode: String(r.regency_code),
        category: (r.category as string | null) ?? null,
        occurredAt: new Date(Number(r.occurred_ms)), // epoch ms: cheaper to decode than a timestamp text
        lat: num(r.lat),
        lon: num(r.lon),
        status: String(r.status),
      });
    }
  }
  return { stored, candidates };
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

/** Open reports old enough that an SLA may have passed (the job decides per report). */
export async function findSlaCandidates(ex: Executor, olderThan: Date, limit = 1000): Promise<ReportRow[]> {
  return ex
    .select(REPORT_COLUMNS)
    .from(reports)
    .where(and(sql`${reports.status} IN ('new', 'verified')`, lt(reports.statusChangedAt, olderThan), sql`${reports.escalationLevel} <> 'province'`))
    .orderBy(reports.statusChangedAt)
    .limit(limit);
}
