import { DEFAULT_INDEX_CONFIG, ZIndexConfig, type TIndexConfig } from '@sinergi/domain';
import type { Executor } from '../client.js';
import { sql, type SQL } from 'drizzle-orm';

/*
 * The vulnerability index's SQL: configuration versions, structural scores, the per-region
 * dynamic states and the risk_deltas queue (filled by a trigger on reports, migration 0003).
 */

/** `$n` placeholders bound as single parameters (an array is one array parameter, not a list). */
function bind(text: string, params: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    chunks.push(i % 2 === 0 ? sql.raw(parts[i]!) : sql`${sql.param(params[Number(parts[i]) - 1])}`);
  }
  return sql.join(chunks, sql.raw(''));
}

async function run<T>(ex: Executor, text: string, params: readonly unknown[] = []): Promise<T[]> {
  return ((await ex.execute(bind(text, params))) as unknown as { rows: T[] }).rows;
}

/** Advisory lock held by whoever writes dynamic states (the job, a rebuild): one at a time per database. */
const RISK_LOCK = 727276;

/** Try to become the one state writer for this transaction; false when another holds it. */
export async function tryLockRiskStates(ex: Executor): Promise<boolean> {
  const [row] = await run<{ ok: boolean }>(ex, `SELECT pg_try_advisory_xact_lock(${RISK_LOCK}) AS ok`);
  return row?.ok === true;
}

/** Wait to become the one state writer for this transaction. */
export async function lockRiskStates(ex: Executor): Promise<void> {
  await run(ex, `SELECT pg_advisory_xact_lock(${RISK_LOCK})`);
}

// ───────────── configuration versions ─────────────

/** Insert version 1 (the documented defaults) when no version exists yet. */
export async function ensureDefaultIndexConfig(ex: Executor): Promise<void> {
  await run(
    ex,
    `INSERT INTO risk_index_configs (version, effective_from, config, note) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (version) DO NOTHING`,
    [DEFAULT_INDEX_CONFIG.version, DEFAULT_INDEX_CONFIG.effectiveFrom, JSON.stringify(DEFAULT_INDEX_CONFIG), DEFAULT_INDEX_CONFIG.note ?? null],
  );
}

/** Every configuration version, validated. */
export async function findIndexConfigs(ex: Executor): Promise<TIndexConfig[]> {
  const rows = await run<{ version: number; effective_from: Date | string; config: unknown }>(ex, 'SELECT version, effective_from, config FROM risk_index_configs ORDER BY version');
  return rows.map((r) => ZIndexConfig.parse({ ...(r.config as object), version: r.version, effectiveFrom: new Date(r.effective_from).toISOString() }));
}

// ───────────── dynamic states ─────────────

export interface StoredDynamicState {
  regionCode: string;
  configVersion: number;
  atMs: number;
  sum: number;
}

interface RawState {
  region_code: string;
  config_version: number;
  ref_ms: string | number;
  raw_sum: number;
}

const STATE_COLUMNS = `region_code, config_version, floor(extract(epoch FROM ref_time) * 1000)::bigint AS ref_ms, raw_sum`;

function toState(r: RawState): StoredDynamicState {
  return { regionCode: r.region_code, configVersion: Number(r.config_version), atMs: Number(r.ref_ms), sum: Number(r.raw_sum) };
}

/** The stored states of some regions (regions without a state have no reports that count). */
export async function findDynamicStates(ex: Executor, regionCodes: readonly string[]): Promise<Map<string, StoredDynamicState>> {
  if (regionCodes.length === 0) return new Map();
  const rows = await run<RawState>(ex, `SELECT ${STATE_COLUMNS} FROM risk_dynamic_states WHERE region_code = ANY($1::text[])`, [regionCodes]);
  return new Map(rows.map((r) => [r.region_code, toState(r)]));
}

/** Every stored state (tests and diagnostics). */
export async function findAllDynamicStates(ex: Executor): Promise<StoredDynamicState[]> {
  return (await run<RawState>(ex, `SELECT ${STATE_COLUMNS} FROM risk_dynamic_states ORDER BY region_code`)).map(toState);
}

const STATE_CHUNK = 5000;

/** Insert or replace states, in chunks (one statement per chunk, unnest over arrays). */
export async function upsertDynamicStates(ex: Executor, states: readonly (StoredDynamicState & { level: string })[]): Promise<void> {
  for (let i = 0; i < states.length; i += STATE_CHUNK) {
    const chunk = states.slice(i, i + STATE_CHUNK);
    await run(
      ex,
      `INSERT INTO risk_dynamic_states (province_code, region_code, level, config_version, ref_time, raw_sum, updated_at)
       SELECT left(c, 2), c, l, v, to_timestamp(m / 1000.0), s, now()
       FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::float8[]) AS t(c, l, v, m, s)
       ON CONFLICT (province_code, region_code) DO UPDATE
         SET level = excluded.level, config_version = excluded.config_version, ref_time = excluded.ref_time,
             raw_sum = excluded.raw_sum, updated_at = excluded.updated_at`,
      [chunk.map((s) => s.regionCode), chunk.map((s) => s.level), chunk.map((s) => s.configVersion), chunk.map((s) => s.atMs), chunk.map((s) => s.sum)],
    );
  }
}

/** Remove every state (a rebuild writes them all again in the same transaction). */
export async function deleteAllDynamicStates(ex: Executor): Promise<void> {
  await run(ex, 'DELETE FROM risk_dynamic_states');
}

// ───────────── the delta queue ─────────────

/** A report's facts as the trigger records them (before or after a change). */
export interface ReportFacts {
  regionCode: string;
  category: string | null;
  severity: number;
  status: string;
  source: string;
  anonymous: boolean;
  occurredAtMs: number;
}

export interface RiskDeltaRow {
  provinceCode: string;
  id: number;
  reportId: string;
  before: ReportFacts | null;
  after: ReportFacts | null;
}

/** The oldest pending deltas, in queue order. */
export async function findPendingRiskDeltas(ex: Executor, limit: number): Promise<RiskDeltaRow[]> {
  const rows = await run<{ province_code: string; id: number | string; report_id: string; before: ReportFacts | null; after: ReportFacts | null }>(
    ex,
    `SELECT province_code, id, report_id, before, after FROM risk_deltas ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`,
  );
  const facts = (f: ReportFacts | null) => (f ? { ...f, severity: Number(f.severity), occurredAtMs: Number(f.occurredAtMs) } : null);
  return rows.map((r) => ({ provinceCode: r.province_code, id: Number(r.id), reportId: r.report_id, before: facts(r.before), after: facts(r.after) }));
}

/** Delete applied deltas by key (never by range: ids commit out of order). */
export async function deleteRiskDeltas(ex: Executor, rows: readonly { provinceCode: string; id: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await run(ex, 'DELETE FROM risk_deltas WHERE (province_code, id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))', [rows.map((r) => r.provinceCode), rows.map((r) => r.id)]);
}

/** Delete every delta this transaction can see (a rebuild has read the reports they describe). */
export async function deleteVisibleRiskDeltas(ex: Executor): Promise<number> {
  const rows = await run<{ n: number }>(ex, 'WITH d AS (DELETE FROM risk_deltas RETURNING 1) SELECT count(*)::int AS n FROM d');
  return Number(rows[0]?.n ?? 0);
}

/** How many deltas wait to be applied. */
export async function countPendingRiskDeltas(ex: Executor): Promise<number> {
  const [row] = await run<{ n: number }>(ex, 'SELECT count(*)::int AS n FROM risk_deltas');
  return Number(row?.n ?? 0);
}

// ───────────── reports as the index sees them ─────────────

/** A report's current facts plus what a page needs to name it and to know its status on any past instant. */
export interface IndexReportRow extends ReportFacts {
  id: string;
  title: string;
  createdAtMs: number;
  /** Status changes from the timeline, oldest first: [instant, status]. Empty when not loaded. */
  statusTimeline: [number, string][];
}

const FACT_COLUMNS = `r.id, r.region_code, r.category, r.severity, r.status, r.source,
  (r.reporter_id IS NULL AND r.public_contact IS NULL) AS anonymous,
  floor(extract(epoch FROM r.occurred_at) * 1000)::bigint AS occurred_ms,
  floor(extract(epoch FROM r.created_at) * 1000)::bigint AS created_ms, r.title`;

interface RawFact {
  id: string;
  region_code: string;
  category: string | null;
  severity: number;
  status: string;
  source: string;
  anonymous: boolean;
  occurred_ms: string | number;
  created_ms: string | number;
  title: string;
  province_code?: string;
}

function toIndexReportRow(r: RawFact): IndexReportRow {
  return {
    id: r.id,
    regionCode: r.region_code,
    category: r.category,
    severity: Number(r.severity),
    status: r.status,
    source: r.source,
    anonymous: r.anonymous,
    occurredAtMs: Number(r.occurred_ms),
    createdAtMs: Number(r.created_ms),
    title: r.title,
    statusTimeline: [],
  };
}

/** The region filter of a subtree: the code itself or anything below it ('*' = everything). */
function subtreeWhere(code: string, first: number): { where: string; params: unknown[] } {
  if (code === '*') return { where: 'TRUE', params: [] };
  return {
    where: `r.province_code = $${first} AND (r.region_code = $${first + 1} OR r.region_code LIKE $${first + 2})`,
    params: [code.slice(0, 2), code, `${code}.%`],
  };
}

/**
 * Reports of a region's subtree that can count (a category; not created after `upToMs`), with
 * their status timelines when `withTimeline` (for scores on past instants).
 */
export async function findIndexReportsUnder(ex: Executor, code: string, options: { upToMs?: number; withTimeline?: boolean } = {}): Promise<IndexReportRow[]> {
  const sub = subtreeWhere(code, 1);
  const params = [...sub.params];
  let where = `${sub.where} AND r.category IS NOT NULL`;
  if (options.upToMs !== undefined) {
    params.push(new Date(options.upToMs));
    where += ` AND r.created_at <= $${params.length} AND r.occurred_at <= $${params.length}`;
  }
  const rows = (await run<RawFact>(ex, `SELECT ${FACT_COLUMNS} FROM reports r WHERE ${where}`, params)).map(toIndexReportRow);
  if (options.withTimeline && rows.length > 0) {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const events = await run<{ report_id: string; at_ms: string | number; to_status: string }>(
      ex,
      `SELECT e.report_id, floor(extract(epoch FROM e.at) * 1000)::bigint AS at_ms, e.to_status
       FROM report_events e JOIN reports r ON r.province_code = e.province_code AND r.id = e.report_id
       WHERE ${where} AND e.to_status IS NOT NULL
       ORDER BY e.report_id, e.at, e.id`,
      params,
    );
    for (const e of events) byId.get(e.report_id)?.statusTimeline.push([Number(e.at_ms), e.to_status]);
  }
  return rows;
}

/** Every report with a category, page by page in key order (a rebuild reads them all in one snapshot). */
export async function* scanIndexReports(ex: Executor, pageSize = 20_000): AsyncGenerator<IndexReportRow[]> {
  let after: [string, string] | null = null;
  for (;;) {
    const rows: RawFact[] = await run<RawFact>(
      ex,
      after
        ? `SELECT r.province_code, ${FACT_COLUMNS} FROM reports r WHERE r.category IS NOT NULL AND (r.province_code, r.id) > ($1, $2::uuid) ORDER BY r.province_code, r.id LIMIT ${pageSize}`
        : `SELECT r.province_code, ${FACT_COLUMNS} FROM reports r WHERE r.category IS NOT NULL ORDER BY r.province_code, r.id LIMIT ${pageSize}`,
      after ?? [],
    );
    if (rows.length === 0) return;
    yield rows.map(toIndexReportRow);
    const last = rows.at(-1)!;
    after = [last.province_code!, last.id];
    if (rows.length < pageSize) return;
  }
}

/** The index weight of one combination of report facts (from the domain's `reportContribution`). */
export interface ContributionWeight {
  category: string;
  severity: number;
  status: string;
  /** index source: officer, public, anonymous */
  source: string;
  weight: number;
}

/**
 * A rebuild's heavy part in one statement: every categorised report's weight (looked up from the
 * domain's weights by category, severity, status and index source) decayed to `refMs`, summed per
 * village. 1,000,000 reports become ~80,000 rows instead of travelling to Node one by one. Also
 * the number of reports read and the latest occurrence among those that count (for the anchor).
 */
export async function sumContributionsByVillage(
  ex: Executor,
  input: { weights: readonly ContributionWeight[]; officerSources: readonly string[]; refMs: number; halfLifeMs: number },
): Promise<{ villages: { regionCode: string; sum: number }[]; reports: number; latestMs: number | null }> {
  const w = input.weights.filter((x) => x.weight !== 0);
  const rows = await run<{ region_code: string; s: number | null; n: number | string; latest: number | string | null }>(
    ex,
    `WITH w AS (
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::float8[]) AS w(category, severity, status, source, weight)
     ), r AS (
       SELECT r.region_code, r.category, r.severity::int AS severity, r.status,
         CASE WHEN r.source = ANY($6::text[]) THEN 'officer'
              WHEN r.reporter_id IS NULL AND r.public_contact IS NULL THEN 'anonymous'
              ELSE 'public' END AS source,
         floor(extract(epoch FROM r.occurred_at) * 1000)::float8 AS t
       FROM reports r WHERE r.category IS NOT NULL
     )
     SELECT r.region_code,
       sum(w.weight * power(2::float8, (r.t - $7::float8) / $8::float8)) AS s,
       count(*) AS n,
       max(r.t) FILTER (WHERE w.weight IS NOT NULL) AS latest
     FROM r LEFT JOIN w ON w.category = r.category AND w.severity = r.severity AND w.status = r.status AND w.source = r.source
     GROUP BY r.region_code`,
    [w.map((x) => x.category), w.map((x) => x.severity), w.map((x) => x.status), w.map((x) => x.source), w.map((x) => x.weight), [...input.officerSources], input.refMs, input.halfLifeMs],
  );
  let reports = 0;
  let latestMs: number | null = null;
  const villages: { regionCode: string; sum: number }[] = [];
  for (const r of rows) {
    reports += Number(r.n);
    if (r.latest !== null) latestMs = Math.max(latestMs ?? -Infinity, Number(r.latest));
    if (r.s !== null && Number(r.s) !== 0) villages.push({ regionCode: r.region_code, sum: Number(r.s) });
  }
  return { villages, reports, latestMs };
}

// ───────────── structural scores ─────────────

export interface StructuralRow {
  regionCode: string;
  subdimension: string;
  score: number;
}

/** Structural entries of a region's subtree and of its ancestors ('*' = all). */
export async function findStructuralFor(ex: Executor, code: string): Promise<StructuralRow[]> {
  const rows =
    code === '*'
      ? await run<{ region_code: string; subdimension: string; score: number }>(ex, 'SELECT region_code, subdimension, score FROM risk_structural_scores')
      : await run<{ region_code: string; subdimension: string; score: number }>(
          ex,
          'SELECT region_code, subdimension, score FROM risk_structural_scores WHERE province_code = $1 AND (region_code = $2 OR region_code LIKE $3)',
          [code.slice(0, 2), code, `${code}.%`],
        );
  return rows.map((r) => ({ regionCode: r.region_code, subdimension: r.subdimension, score: Number(r.score) }));
}

/** Store imported structural scores (insert or replace per region and sub-dimension). */
export async function upsertStructuralScores(
  ex: Executor,
  rows: readonly { regionCode: string; subdimension: string; score: number; source: string | null }[],
  updatedBy: string | null,
): Promise<void> {
  for (let i = 0; i < rows.length; i += STATE_CHUNK) {
    const chunk = rows.slice(i, i + STATE_CHUNK);
    await run(
      ex,
      `INSERT INTO risk_structural_scores (province_code, region_code, subdimension, score, source, updated_by, updated_at)
       SELECT left(c, 2), c, d, s, n, $5::uuid, now() FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[]) AS t(c, d, s, n)
       ON CONFLICT (province_code, region_code, subdimension) DO UPDATE
         SET score = excluded.score, source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [chunk.map((r) => r.regionCode), chunk.map((r) => r.subdimension), chunk.map((r) => r.score), chunk.map((r) => r.source), updatedBy],
    );
  }
}

/** Append a configuration version (the next number); versions are never edited. */
export async function insertIndexConfig(ex: Executor, config: Omit<TIndexConfig, 'version'>, createdBy: string | null): Promise<number> {
  const [row] = await run<{ version: number }>(
    ex,
    `INSERT INTO risk_index_configs (version, effective_from, config, note, created_by)
     SELECT coalesce(max(version), 0) + 1, $1, $2::jsonb, $3, $4::uuid FROM risk_index_configs
     RETURNING version`,
    [config.effectiveFrom, JSON.stringify(config), config.note ?? null, createdBy],
  );
  return Number(row!.version);
}

// ───────────── dynamic raw summed in SQL (dashboard: the score a week ago) ─────────────

/** The column that names a report's region at a level ('*' groups by province). */
const GROUP_COLUMNS = { province: 'r.province_code', regency: 'r.regency_code', district: 'r.district_code', village: 'r.region_code' } as const;

/**
 * The dynamic raw sum at `atMs` of a subtree's reports, grouped by the region at `groupLevel`
 * (or one total when null): Σ weight(category) · weight(severity) · factor(status) ·
 * factor(source, verified?) · 2^(−age/half-life) over reports that occurred and arrived by then,
 * with their current status — the same arithmetic as vulnerability.ts reportContribution, done by
 * the database so no report row travels to the server. date_part (float8), not extract (numeric):
 * numeric arithmetic per row made this query ~40 % slower on PGlite.
 */
export async function sumDecayedRaw(
  ex: Executor,
  root: string,
  groupLevel: keyof typeof GROUP_COLUMNS | null,
  atMs: number,
  config: Pick<TIndexConfig, 'categoryWeights' | 'severityWeights' | 'statusFactors' | 'sourceFactors' | 'halfLifeHours'>,
): Promise<Map<string, number>> {
  const weights = {
    c: config.categoryWeights,
    s: config.severityWeights,
    t: config.statusFactors,
    v: Object.fromEntries(Object.entries(config.sourceFactors).map(([k, f]) => [k, f.verified])),
    u: Object.fromEntries(Object.entries(config.sourceFactors).map(([k, f]) => [k, f.unverified])),
  };
  const sub = subtreeWhere(root, 4);
  const group = groupLevel ? GROUP_COLUMNS[groupLevel] : `'${root.replace(/'/g, '')}'`;
  const result = await run<{ code: string; raw: number | string | null }>(
    ex,
    `SELECT ${group} AS code, sum(
        (($1::jsonb)->'c'->>r.category)::float8
        * (($1::jsonb)->'s'->>r.severity::text)::float8
        * (($1::jsonb)->'t'->>r.status)::float8
        * (($1::jsonb)->(CASE WHEN r.status IN ('verified', 'in_progress', 'resolved') THEN 'v' ELSE 'u' END)->>(
            CASE WHEN r.source IN ('field_officer', 'desk', 'rakor') THEN 'officer'
                 WHEN r.reporter_id IS NULL AND r.public_contact IS NULL THEN 'anonymous'
                 ELSE 'public' END))::float8
        * power(2::float8, -(date_part('epoch', $2::timestamptz) - date_part('epoch', r.occurred_at)) / ($3::float8 * 3600))
      ) AS raw
     FROM reports r
     WHERE ${sub.where} AND r.category IS NOT NULL AND r.occurred_at <= $2::timestamptz AND r.created_at <= $2::timestamptz
     GROUP BY 1`,
    [JSON.stringify(weights), new Date(atMs).toISOString(), config.halfLifeHours, ...sub.params],
  );
  return new Map(result.filter((r) => r.code !== null).map((r) => [r.code, Number(r.raw ?? 0)]));
}
