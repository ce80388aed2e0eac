import {
  INDEX_CATEGORY_CODES,
  INDEX_REPORT_SOURCES,
  INDEX_REPORT_STATUSES,
  IKP_DIMENSIONS,
  NATIONAL_SCOPE,
  ZIkpSubdimension,
  ZIndexConfig,
  ZIndexCategoryCode,
  ZIndexReportStatus,
  addDays,
  applyDynamicDelta,
  can,
  computeDynamicRaw,
  computeExposure,
  computeRegionIndex,
  computeStructuralScore,
  dynamicRawAt,
  emptyDynamicState,
  explainDynamic,
  indexSourceOf,
  isInScope,
  localDateOf,
  localMidnight,
  normaliseScopes,
  regionChainOf,
  regionLevelOf,
  reportContribution,
  reportDeltas,
  rollUpStructural,
  selectIndexConfig,
  validateStructuralImport,
  type TDynamicDelta,
  type TDynamicExplanation,
  type TIndexConfig,
  type TIndexReport,
  type TRiskHistoryPoint,
  type TRiskItem,
  type TRiskList,
  type TRiskListQuery,
  type TRiskRegion,
  type TRiskRegionQuery,
  type TRiskTopReport,
  type TStructuralEntry,
  type TStructuralImportResult,
  type TStructuralResult,
} from '@sinergi/domain';
import type { DbHandle, Executor, Tx } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { getMeta, setMeta } from '../db/repositories/meta.js';
import {
  deleteAllDynamicStates,
  deleteRiskDeltas,
  findAllDynamicStates,
  deleteVisibleRiskDeltas,
  ensureDefaultIndexConfig,
  findDynamicStates,
  findIndexConfigs,
  findIndexReportsUnder,
  findPendingRiskDeltas,
  findStructuralFor,
  insertIndexConfig,
  lockRiskStates,
  scanIndexReports,
  sumDecayedRaw,
  tryLockRiskStates,
  upsertDynamicStates,
  upsertStructuralScores,
  sumContributionsByVillage,
  type ContributionWeight,
  type IndexReportRow,
  type ReportFacts,
  type RiskDeltaRow,
  type StructuralRow,
} from '../db/repositories/risk.js';
import { AppError, fieldError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import { SYSTEM_ACTOR, type RequestContext } from './context.js';
import type { ElectionStore } from './elections.service.js';
import { readTable } from './tables.js';

/*
 * The vulnerability index on the server (docs/vulnerability-index.md): the incremental job that
 * applies the risk_deltas queue to the region chains, the full rebuild, and the read side.
 */

export interface RiskDeps {
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
}

/** app_meta key: which configuration version the stored states were built with, and when. */
const META_KEY = 'risk.index';
interface RiskMeta {
  configVersion: number;
  rebuiltAtMs: number;
  asOfMs: number;
}

const OFFICER_SOURCES = new Set(['field_officer', 'desk', 'rakor']);

/** Configuration versions, inserting the defaults (version 1) on first use. */
export async function loadIndexConfigs(ex: Executor): Promise<TIndexConfig[]> {
  let configs = await findIndexConfigs(ex);
  if (configs.length === 0) {
    await ensureDefaultIndexConfig(ex);
    configs = await findIndexConfigs(ex);
  }
  return configs;
}

/**
 * Record a new configuration version (weights, half-life, thresholds), in force from its
 * `effectiveFrom`. The stored states were built with the previous one, so the index job rebuilds
 * them once the new version is in force; old dates keep being scored with the version of their time.
 */
export async function addIndexConfigVersion(deps: { handle: DbHandle }, ctx: RequestContext, input: unknown): Promise<TIndexConfig> {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot change the index configuration`);
  const parsed = ZIndexConfig.omit({ version: true }).safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation', 'index configuration', { fields: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message })) });
  }
  const configs = await loadIndexConfigs(deps.handle.db);
  // the audit entry keeps old → new: the version in force at the new one's start, and the new one
  const previous = selectIndexConfig(configs, Date.parse(parsed.data.effectiveFrom));
  const version = await deps.handle.db.transaction(async (tx) => {
    const v = await insertIndexConfig(tx, parsed.data, ctx.actor.id === SYSTEM_ACTOR.id ? null : ctx.actor.id);
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'risk.config_version', entity: 'risk_index_config', entityId: String(v), before: previous, after: { ...parsed.data, version: v }, ip: ctx.ip });
    return v;
  });
  return { ...parsed.data, version };
}

/**
 * A report as the index weighs it, or null when it cannot count (no category the index knows,
 * a status or severity outside the index's vocabulary). Officer sources are never anonymous.
 */
export function indexReportOf(id: string, facts: Omit<ReportFacts, 'status'>, status: string): TIndexReport | null {
  const category = ZIndexCategoryCode.safeParse(facts.category);
  const st = ZIndexReportStatus.safeParse(status);
  if (!category.success || !st.success) return null;
  if (facts.severity !== 1 && facts.severity !== 2 && facts.severity !== 3 && facts.severity !== 4) return null;
  return {
    id,
    regionCode: facts.regionCode,
    category: category.data,
    severity: facts.severity,
    status: st.data,
    source: indexSourceOf(facts.source, facts.anonymous && !OFFICER_SOURCES.has(facts.source)),
    occurredAtMs: facts.occurredAtMs,
  };
}

/** The status a report had at `atMs` from its timeline; null when it was not yet filed. */
function statusAt(row: IndexReportRow, atMs: number): string | null {
  if (row.createdAtMs > atMs || row.occurredAtMs > atMs) return null;
  let status: string | null = null;
  for (const [t, s] of row.statusTimeline) {
    if (t > atMs) break;
    status = s;
  }
  return status ?? row.status;
}

/**
 * The reports of a subtree as the index sees them at an instant. `current`: every report with its
 * status now (what the incremental states hold: a later verification counts from the occurrence);
 * `past`: only reports filed by then, each with the status in force then.
 */
function indexReportsAt(rows: readonly IndexReportRow[], atMs: number, mode: 'current' | 'past'): TIndexReport[] {
  const out: TIndexReport[] = [];
  for (const row of rows) {
    const status = mode === 'current' ? row.status : statusAt(row, atMs);
    if (status === null) continue;
    const report = indexReportOf(row.id, row, status);
    if (report) out.push(report);
  }
  return out;
}

// ─────────────────────────────── incremental job ───────────────────────────────

/** Turn queued report changes into per-region deltas over each report's region chain. */
function deltasByRegion(rows: readonly { reportId: string; before: ReportFacts | null; after: ReportFacts | null }[], config: TIndexConfig): Map<string, TDynamicDelta[]> {
  const out = new Map<string, TDynamicDelta[]>();
  const add = (regionCode: string, deltas: TDynamicDelta[]) => {
    if (deltas.length === 0) return;
    for (const code of regionChainOf(regionCode)) {
      const list = out.get(code) ?? [];
      list.push(...deltas);
      out.set(code, list);
    }
  };
  for (const row of rows) {
    const before = row.before ? indexReportOf(row.reportId, row.before, row.before.status) : null;
    const after = row.after ? indexReportOf(row.reportId, row.after, row.after.status) : null;
    if (before && after && before.regionCode === after.regionCode) {
      add(after.regionCode, reportDeltas(before, after, config));
    } else {
      if (before) add(before.regionCode, reportDeltas(before, null, config));
      if (after) add(after.regionCode, reportDeltas(null, after, config));
    }
  }
  return out;
}

/** What the index job hands to the early-warning rules after applying one batch, inside its transaction. */
export interface AppliedBatch {
  rows: readonly RiskDeltaRow[];
  /** Each touched region's state before the batch (absent: no state yet). */
  before: ReadonlyMap<string, { atMs: number; sum: number }>;
  /** Each touched region's state after the batch. */
  after: ReadonlyMap<string, { atMs: number; sum: number }>;
  config: TIndexConfig;
  nowMs: number;
}

/** Hooks the early-warning rules attach to the index job (jobs/risk-index.ts wires them). */
export interface RiskHooks {
  /**
   * After a batch of deltas is applied, in the same transaction (alerts commit with the states).
   * Returns how many notices (outbox rows) it wrote, so the job can wake the dispatcher.
   */
  afterApply?: (tx: Tx, batch: AppliedBatch) => Promise<number | void>;
  /** Before a rebuild drops the queued deltas it has read, in its transaction (severity-4 alerts must not be lost). */
  beforeClear?: (tx: Tx, rows: readonly RiskDeltaRow[], config: TIndexConfig, nowMs: number) => Promise<void>;
  /**
   * After a rebuild that replaced states built with another configuration version, in its
   * transaction: the states before (with their configuration) and after, for the notice of
   * level changes a configuration change causes.
   */
  afterConfigChange?: (tx: Tx, change: ConfigChange) => Promise<void>;
}

/** The states around a rebuild under a new configuration version. */
export interface ConfigChange {
  before: ReadonlyMap<string, { atMs: number; sum: number }>;
  beforeConfig: TIndexConfig;
  after: ReadonlyMap<string, { atMs: number; sum: number }>;
  config: TIndexConfig;
  nowMs: number;
}

export interface RiskJobResult {
  applied: number;
  regions: number;
  rebuilt: boolean;
  /** Notices (outbox rows) the hooks wrote, as far as they tell. */
  notices: number;
}

/**
 * Apply queued report changes to the dynamic states of their region chains (village → district →
 * regency → province), oldest first, `batch` at a time, until the queue is empty. When the
 * configuration in force differs from the one the states were built with, rebuild instead.
 * One runner at a time per database (advisory lock); a second one returns at once.
 */
export async function applyPendingRiskDeltas(deps: { handle: DbHandle; hooks?: RiskHooks }, nowMs: number, batch = 5000): Promise<RiskJobResult> {
  const configs = await loadIndexConfigs(deps.handle.db);
  const config = selectIndexConfig(configs, nowMs);
  const total: RiskJobResult = { applied: 0, regions: 0, rebuilt: false, notices: 0 };
  for (;;) {
    const step = await deps.handle.db.transaction(async (tx) => {
      if (!(await tryLockRiskStates(tx))) return { applied: 0, regions: 0, notices: 0, needsRebuild: false, busy: true };
      const meta = await getMeta<RiskMeta>(tx, META_KEY);
      if (!meta || meta.configVersion !== config.version) return { applied: 0, regions: 0, notices: 0, needsRebuild: true, busy: false };
      const rows = await findPendingRiskDeltas(tx, batch);
      if (rows.length === 0) return { applied: 0, regions: 0, notices: 0, needsRebuild: false, busy: false };
      const byRegion = deltasByRegion(rows, config);
      const states = await findDynamicStates(tx, [...byRegion.keys()]);
      const next = [...byRegion.entries()].map(([regionCode, deltas]) => {
        const stored = states.get(regionCode);
        let state = stored ? { atMs: stored.atMs, sum: stored.sum } : emptyDynamicState(deltas[0]!.occurredAtMs);
        for (const delta of deltas) state = applyDynamicDelta(state, delta, config.halfLifeHours);
        return { regionCode, level: regionLevelOf(regionCode), configVersion: config.version, atMs: state.atMs, sum: state.sum };
      });
      await upsertDynamicStates(tx, next);
      await deleteRiskDeltas(tx, rows);
      let notices = 0;
      if (deps.hooks?.afterApply) {
        const before = new Map<string, { atMs: number; sum: number }>();
        for (const [code, st] of states) before.set(code, { atMs: st.atMs, sum: st.sum });
        notices = (await deps.hooks.afterApply(tx, { rows, before, after: new Map(next.map((n) => [n.regionCode, { atMs: n.atMs, sum: n.sum }])), config, nowMs })) ?? 0;
      }
      return { applied: rows.length, regions: next.length, notices, needsRebuild: false, busy: false };
    });
    if (step.needsRebuild) {
      await rebuildRiskIndex(deps, nowMs);
      total.rebuilt = true;
      continue; // deltas committed after the rebuild's snapshot remain: apply them
    }
    total.applied += step.applied;
    total.regions += step.regions;
    total.notices += step.notices;
    if (step.busy || step.applied < batch) return total;
  }
}

export interface RebuildResult {
  reports: number;
  regions: number;
  configVersion: number;
  asOf: string;
  /** The instant the states are anchored at: the as-of instant, or a later occurrence time. */
  anchoredAt: string;
  deltasCleared: number;
}

function isSerializationFailure(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '40001') return true;
  }
  return false;
}

/** The index weight of every combination of report facts under a configuration (the rebuild's lookup table). */
function contributionWeights(config: TIndexConfig): ContributionWeight[] {
  const out: ContributionWeight[] = [];
  for (const category of INDEX_CATEGORY_CODES) {
    for (const severity of [1, 2, 3, 4] as const) {
      for (const status of INDEX_REPORT_STATUSES) {
        for (const source of INDEX_REPORT_SOURCES) out.push({ category, severity, status, source, weight: reportContribution({ category, severity, status, source }, config) });
      }
    }
  }
  return out;
}

/**
 * Recompute every region's dynamic state from the reports, in one repeatable-read snapshot: the
 * states are replaced and the deltas that snapshot saw are dropped (their reports were just read),
 * so changes committed meanwhile stay queued and are applied on top. The configuration is the
 * one in force at `asOfMs`. Retries when a concurrent job commit makes the snapshot stale.
 */
export async function rebuildRiskIndex(deps: { handle: DbHandle; hooks?: RiskHooks }, asOfMs: number, progress?: (reports: number) => void): Promise<RebuildResult> {
  const configs = await loadIndexConfigs(deps.handle.db);
  const config = selectIndexConfig(configs, asOfMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.handle.db.transaction(
        async (tx) => {
          await lockRiskStates(tx);
          // the weighting stays the domain's (a lookup of every fact combination); SQL only joins, decays and sums
          const h = config.halfLifeHours * 3_600_000;
          const summed = await sumContributionsByVillage(tx, { weights: contributionWeights(config), officerSources: [...OFFICER_SOURCES], refMs: asOfMs, halfLifeMs: h });
          const reports = summed.reports;
          progress?.(reports);
          // anchor at the as-of instant, or at a later occurrence (a state only answers for instants at or after it)
          const anchor = summed.latestMs !== null && summed.latestMs > asOfMs ? summed.latestMs : asOfMs;
          const shift = 2 ** -((anchor - asOfMs) / h);
          const sums = new Map<string, number>();
          for (const v of summed.villages) {
            const value = v.sum * shift;
            for (const code of regionChainOf(v.regionCode)) sums.set(code, (sums.get(code) ?? 0) + value);
          }
          if (deps.hooks?.beforeClear) {
            const pending = await findPendingRiskDeltas(tx, 1_000_000);
            if (pending.length > 0) await deps.hooks.beforeClear(tx, pending, config, asOfMs);
          }
          const previousMeta = await getMeta<RiskMeta>(tx, META_KEY);
          const beforeConfig = previousMeta && previousMeta.configVersion !== config.version ? configs.find((c) => c.version === previousMeta.configVersion) : undefined;
          const before = beforeConfig && deps.hooks?.afterConfigChange ? new Map((await findAllDynamicStates(tx)).filter((st) => st.configVersion === beforeConfig.version).map((st) => [st.regionCode, { atMs: st.atMs, sum: st.sum }])) : null;
          await deleteAllDynamicStates(tx);
          await upsertDynamicStates(
            tx,
            [...sums.entries()].map(([regionCode, sum]) => ({ regionCode, level: regionLevelOf(regionCode), configVersion: config.version, atMs: anchor, sum })),
          );
          const deltasCleared = await deleteVisibleRiskDeltas(tx);
          if (before && beforeConfig && deps.hooks?.afterConfigChange) {
            await deps.hooks.afterConfigChange(tx, { before, beforeConfig, after: new Map([...sums.entries()].map(([code, sum]) => [code, { atMs: anchor, sum }])), config, nowMs: asOfMs });
          }
          await setMeta(tx, META_KEY, { configVersion: config.version, rebuiltAtMs: Date.now(), asOfMs } satisfies RiskMeta);
          return {
            reports,
            regions: sums.size,
            configVersion: config.version,
            asOf: new Date(asOfMs).toISOString(),
            anchoredAt: new Date(anchor).toISOString(),
            deltasCleared,
          };
        },
        { isolationLevel: 'repeatable read' },
      );
    } catch (error) {
      if (attempt < 5 && isSerializationFailure(error)) continue;
      throw error;
    }
  }
}

// ─────────────────────────────── structural part ───────────────────────────────

/** Structural results of regions from their own entries, or rolled up from their children's (exposure-weighted). */
function structuralResolver(entries: readonly StructuralRow[], regions: RegionStore, config: TIndexConfig): (code: string) => TStructuralResult | null {
  const byRegion = new Map<string, TStructuralEntry[]>();
  const hasBelow = new Set<string>();
  for (const e of entries) {
    const sub = ZIkpSubdimension.safeParse(e.subdimension);
    if (!sub.success) continue;
    const list = byRegion.get(e.regionCode) ?? [];
    list.push({ subdimension: sub.data, score: e.score });
    byRegion.set(e.regionCode, list);
    for (const code of regionChainOf(e.regionCode)) hasBelow.add(code);
  }
  const memo = new Map<string, TStructuralResult | null>();
  const resolve = (code: string): TStructuralResult | null => {
    if (memo.has(code)) return memo.get(code)!;
    let result: TStructuralResult | null = null;
    const own = byRegion.get(code);
    if (own) {
      result = computeStructuralScore(own, config);
    } else if (hasBelow.has(code)) {
      const children = regions
        .children(code, [NATIONAL_SCOPE])
        .filter((c) => hasBelow.has(c.code))
        .map((c) => ({ result: resolve(c.code), weight: exposureOf(regions, c.code, config).units }))
        .filter((c): c is { result: TStructuralResult; weight: number } => c.result !== null && c.result.score !== null);
      const score = rollUpStructural(children.map((c) => ({ score: c.result.score, weight: c.weight })));
      const weightSum = children.reduce((a, c) => a + c.weight, 0);
      result = {
        score,
        isMissing: score === null,
        source: score === null ? 'missing' : 'rolled_up',
        coverage: weightSum > 0 ? children.reduce((a, c) => a + c.result.coverage * c.weight, 0) / weightSum : 0,
        byDimension: IKP_DIMENSIONS.map((dimension, i) => ({
          dimension,
          score: rollUpStructural(children.map((c) => ({ score: c.result.byDimension[i]?.score ?? null, weight: c.weight }))),
          weight: config.dimensionWeights[dimension],
          subdimensions: Math.max(0, ...children.map((c) => c.result.byDimension[i]?.subdimensions ?? 0)),
        })),
      };
    }
    memo.set(code, result);
    return result;
  };
  return resolve;
}

function villagesOf(regions: RegionStore, code: string): number {
  return regions.levelOf(code) === 'village' ? 1 : (regions.detail(code, [NATIONAL_SCOPE])?.descendantCounts.village ?? 1);
}

function exposureOf(regions: RegionStore, code: string, config: TIndexConfig) {
  return computeExposure({ villages: villagesOf(regions, code) }, config);
}

/** A region's score and level as the early-warning rules compare them. */
export interface RegionLevel {
  score: number;
  level: TRiskItem['level'];
  stageCode: string | null;
}

/**
 * Scores and levels of regions for given dynamic raws at `atMs`, with the structural parts as
 * stored (one query per province) and the stage in force at `stageAtMs` (default `atMs`; the
 * stage-boundary rule passes the instant before the boundary to compare weights).
 */
export async function levelsOf(
  ex: Executor,
  deps: Omit<RiskDeps, 'handle'>,
  raws: ReadonlyMap<string, number>,
  atMs: number,
  config: TIndexConfig,
  stageAtMs = atMs,
): Promise<Map<string, RegionLevel>> {
  const out = new Map<string, RegionLevel>();
  const byProvince = new Map<string, string[]>();
  for (const code of raws.keys()) {
    const p = code.slice(0, 2);
    const list = byProvince.get(p) ?? [];
    list.push(code);
    byProvince.set(p, list);
  }
  for (const [province, codes] of byProvince) {
    const structural = structuralResolver(await findStructuralFor(ex, province), deps.regions, config);
    for (const code of codes) {
      if (!deps.regions.has(code)) continue;
      const stageCode = deps.elections.stageAt(new Date(stageAtMs), code).stageCode;
      const c = computeRegionIndex({
        regionCode: code,
        asOfMs: atMs,
        config,
        structural: structural(code),
        dynamic: { raw: raws.get(code) ?? 0 },
        counts: { villages: villagesOf(deps.regions, code) },
        stage: stageCode,
      });
      out.set(code, { score: c.score, level: c.level, stageCode });
    }
  }
  return out;
}

// ─────────────────────────────── read side ───────────────────────────────

interface Instant {
  date: string;
  asOfMs: number;
  isToday: boolean;
}

/** A local date in a region's zone → the instant scored: now for today, the end of the day before. */
function resolveInstant(date: string | undefined, zoneCode: string, nowMs: number): Instant {
  const today = localDateOf(new Date(nowMs), zoneCode);
  const d = date ?? today;
  if (d > today) throw fieldError('date', 'date.future');
  if (d === today) return { date: d, asOfMs: nowMs, isToday: true };
  return { date: d, asOfMs: localMidnight(addDays(d, 1), zoneCode).getTime() - 1, isToday: false };
}

/** Group subtree reports by the item (child region) they fall under. */
function groupByItem(rows: readonly IndexReportRow[], codes: readonly string[]): Map<string, IndexReportRow[]> {
  const out = new Map<string, IndexReportRow[]>(codes.map((c) => [c, []]));
  for (const row of rows) {
    for (const code of regionChainOf(row.regionCode)) {
      const list = out.get(code);
      if (list) {
        list.push(row);
        break;
      }
    }
  }
  return out;
}

interface ScoreOptions {
  deps: RiskDeps;
  configs: TIndexConfig[];
  nowMs: number;
}

/** The dynamic raw of regions from their stored states, or null per region when the states cannot answer. */
async function incrementalRaw(deps: RiskDeps, codes: readonly string[], config: TIndexConfig, atMs: number): Promise<Map<string, number | null>> {
  const meta = await getMeta<RiskMeta>(deps.handle.db, META_KEY);
  const states = await findDynamicStates(deps.handle.db, codes);
  const out = new Map<string, number | null>();
  for (const code of codes) {
    const state = states.get(code);
    if (!meta || meta.configVersion !== config.version) out.set(code, null);
    else if (!state) out.set(code, 0);
    else if (state.configVersion !== config.version || state.atMs > atMs) out.set(code, null);
    else out.set(code, dynamicRawAt(state, atMs, config.halfLifeHours));
  }
  return out;
}

function present(regions: RegionStore, components: ReturnType<typeof computeRegionIndex>, source: TRiskItem['source']): TRiskItem {
  return { ...components, regionName: regions.nameOf(components.regionCode) ?? components.regionCode, source };
}

/** Score regions that share one subtree root (`root`, '*' for the whole country). */
async function scoreRegions(o: ScoreOptions, root: string, codes: readonly string[], instant: Instant): Promise<TRiskItem[]> {
  const { deps } = o;
  const config = selectIndexConfig(o.configs, instant.asOfMs);
  const structural = structuralResolver(await findStructuralFor(deps.handle.db, root), deps.regions, config);
  let raws = new Map<string, number | null>();
  if (instant.isToday) raws = await incrementalRaw(deps, codes, config, instant.asOfMs);
  const needDirect = codes.filter((c) => !instant.isToday || raws.get(c) === null);
  const explanations = new Map<string, TDynamicExplanation>();
  if (needDirect.length > 0) {
    const rows = await findIndexReportsUnder(deps.handle.db, root, instant.isToday ? {} : { upToMs: instant.asOfMs, withTimeline: true });
    const grouped = groupByItem(rows, needDirect);
    for (const code of needDirect) {
      explanations.set(code, explainDynamic(indexReportsAt(grouped.get(code) ?? [], instant.asOfMs, instant.isToday ? 'current' : 'past'), instant.asOfMs, config));
    }
  }
  return codes.map((code) => {
    const explanation = explanations.get(code);
    const components = computeRegionIndex({
      regionCode: code,
      asOfMs: instant.asOfMs,
      config,
      structural: structural(code),
      dynamic: explanation ?? { raw: raws.get(code) ?? 0 },
      counts: { villages: villagesOf(deps.regions, code) },
      stage: deps.elections.stageAt(new Date(instant.asOfMs), code).stageCode,
    });
    return present(deps.regions, components, explanation ? 'direct' : 'incremental');
  });
}

function requireRead(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
}

function requireKnown(regions: RegionStore, code: string): void {
  if (!regions.has(code)) throw new AppError('not_found', `region ${code}`);
}

/**
 * GET /api/risk: the children of `parent` (only those inside the caller's scope), or without a
 * parent the top of the scope (the provinces for a national account, else the scope's roots).
 */
export async function listRisk(deps: RiskDeps, ctx: RequestContext, query: TRiskListQuery): Promise<TRiskList> {
  requireRead(ctx);
  const scopes = ctx.actor.scopes;
  const nowMs = ctx.now.getTime();
  const configs = await loadIndexConfigs(deps.handle.db);
  const o: ScoreOptions = { deps, configs, nowMs };
  if (query.parent) {
    requireKnown(deps.regions, query.parent);
    if (!deps.regions.isVisible(query.parent, scopes)) throw new AppError('out_of_scope', `region ${query.parent}`);
    const instant = resolveInstant(query.date, query.parent, nowMs);
    const codes = deps.regions
      .children(query.parent, scopes)
      .map((c) => c.code)
      .filter((c) => isInScope(c, scopes));
    // an account scoped below the parent reads only its own part of it
    const roots = isInScope(query.parent, scopes) ? [query.parent] : normaliseScopes(scopes).filter((s) => codes.some((c) => c === s || s.startsWith(`${c}.`) || c.startsWith(`${s}.`)));
    const items: TRiskItem[] = [];
    for (const root of roots) items.push(...(await scoreRegions(o, root, root === query.parent ? codes : codes.filter((c) => isInScope(c, [root])), instant)));
    items.sort((a, b) => (a.regionCode < b.regionCode ? -1 : 1));
    return {
      parent: { code: query.parent, name: deps.regions.nameOf(query.parent) ?? query.parent, level: regionLevelOf(query.parent) },
      date: instant.date,
      asOf: new Date(instant.asOfMs).toISOString(),
      items,
    };
  }
  const roots = normaliseScopes(scopes);
  const national = roots.includes(NATIONAL_SCOPE);
  const instant = resolveInstant(query.date, national || roots.length !== 1 ? NATIONAL_SCOPE : roots[0]!, nowMs);
  const items: TRiskItem[] = [];
  if (national) {
    items.push(...(await scoreRegions(o, NATIONAL_SCOPE, deps.regions.children(null, [NATIONAL_SCOPE]).map((c) => c.code), instant)));
  } else {
    for (const root of roots.filter((r) => deps.regions.has(r))) items.push(...(await scoreRegions(o, root, [root], instant)));
  }
  return { parent: null, date: instant.date, asOf: new Date(instant.asOfMs).toISOString(), items };
}

/** A scored region with its score `days` ago, for "what changed" (the dashboard's top regions). */
export interface TRiskChange {
  item: TRiskItem;
  previousScore: number | null;
  previousLevel: TRiskItem['level'] | null;
}

const CHILD_LEVEL = { province: 'regency', regency: 'district', district: 'village' } as const;

const DECAYED_RAW_BUCKET_MS = 10 * 60_000;
const DECAYED_RAW_CACHE_MAX = 500;
/**
 * The earlier sums by (handle, subtree, grouping, config version, instant). They use reports as
 * they stand now (status factors included), so a status change shows in the "7 days ago" score
 * within 10 minutes at most; the score now is always current.
 */
const decayedRawCache = new WeakMap<DbHandle, Map<string, Promise<Map<string, number>>>>();

function cachedDecayedRaw(
  deps: RiskDeps,
  root: string,
  level: 'province' | 'regency' | 'district' | 'village' | null,
  thenMs: number,
  config: TIndexConfig,
): Promise<Map<string, number>> {
  let cache = decayedRawCache.get(deps.handle);
  if (!cache) decayedRawCache.set(deps.handle, (cache = new Map()));
  const key = `${root}|${level ?? ''}|${config.version}|${thenMs}`;
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= DECAYED_RAW_CACHE_MAX) cache.delete(cache.keys().next().value!);
    entry = sumDecayedRaw(deps.handle.db, root, level, thenMs, config);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  return entry;
}

/**
 * GET /api/risk's items (children of `parent`, or the top of the scope) with each one's score
 * `days` ago. That earlier score counts the reports that had occurred and arrived by then with
 * their status as it stands now (the incremental states' convention), summed by the database.
 */
export async function listRiskWithChange(deps: RiskDeps, ctx: RequestContext, parent: string | null, days = 7): Promise<TRiskChange[]> {
  const list = await listRisk(deps, ctx, parent ? { parent } : {});
  if (list.items.length === 0) return [];
  // "a week ago" to the 10 minutes: the sums for that instant are then shared by every request
  // in those 10 minutes (decayedRawCache) instead of each scanning the subtree's reports
  const thenMs = Math.floor((ctx.now.getTime() - days * 86_400_000) / DECAYED_RAW_BUCKET_MS) * DECAYED_RAW_BUCKET_MS;
  const configs = await loadIndexConfigs(deps.handle.db);
  const config = selectIndexConfig(configs, thenMs);
  const raws = new Map<string, number>();
  const roots: { root: string; level: 'province' | 'regency' | 'district' | 'village' | null }[] = [];
  if (parent) {
    const level = regionLevelOf(parent);
    if (level !== 'village') roots.push({ root: parent, level: CHILD_LEVEL[level] });
  } else if (normaliseScopes(ctx.actor.scopes).includes(NATIONAL_SCOPE)) {
    roots.push({ root: NATIONAL_SCOPE, level: 'province' });
  } else {
    for (const item of list.items) roots.push({ root: item.regionCode, level: null });
  }
  const structural = new Map<string, (code: string) => TStructuralResult | null>();
  for (const { root, level } of roots) {
    for (const [code, raw] of await cachedDecayedRaw(deps, root, level, thenMs, config)) raws.set(code, raw);
    structural.set(root, structuralResolver(await findStructuralFor(deps.handle.db, root), deps.regions, config));
  }
  return list.items.map((item) => {
    const resolve = structural.get(parent ?? (structural.has(NATIONAL_SCOPE) ? NATIONAL_SCOPE : item.regionCode));
    if (!resolve) return { item, previousScore: null, previousLevel: null };
    const then = computeRegionIndex({
      regionCode: item.regionCode,
      asOfMs: thenMs,
      config,
      structural: resolve(item.regionCode),
      dynamic: { raw: raws.get(item.regionCode) ?? 0 },
      counts: { villages: villagesOf(deps.regions, item.regionCode) },
      stage: deps.elections.stageAt(new Date(thenMs), item.regionCode).stageCode,
    });
    return { item, previousScore: then.score, previousLevel: then.level };
  });
}

const HISTORY_DAYS = 30;
const TOP_REPORTS = 10;

/**
 * GET /api/risk/:code: one region's score and components on a date, the reports that moved it
 * most (by decayed contribution) and its score at the end of each of the 30 days up to the date.
 */
export async function getRiskRegion(deps: RiskDeps, ctx: RequestContext, code: string, query: TRiskRegionQuery): Promise<TRiskRegion> {
  requireRead(ctx);
  requireKnown(deps.regions, code);
  if (!isInScope(code, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${code}`);
  const nowMs = ctx.now.getTime();
  const instant = resolveInstant(query.date, code, nowMs);
  const configs = await loadIndexConfigs(deps.handle.db);
  const config = selectIndexConfig(configs, instant.asOfMs);
  const rows = await findIndexReportsUnder(deps.handle.db, code, { withTimeline: true });
  const structural = structuralResolver(await findStructuralFor(deps.handle.db, code), deps.regions, config)(code);
  const villages = villagesOf(deps.regions, code);

  const scoreAt = (at: Instant, cfg: TIndexConfig, dynamic: TDynamicExplanation | { raw: number }) =>
    computeRegionIndex({
      regionCode: code,
      asOfMs: at.asOfMs,
      config: cfg,
      structural,
      dynamic,
      counts: { villages },
      stage: deps.elections.stageAt(new Date(at.asOfMs), code).stageCode,
    });

  const explanation = explainDynamic(indexReportsAt(rows, instant.asOfMs, instant.isToday ? 'current' : 'past'), instant.asOfMs, config, TOP_REPORTS);
  let source: TRiskItem['source'] = 'direct';
  let dynamic: TDynamicExplanation = explanation;
  if (instant.isToday) {
    const raw = (await incrementalRaw(deps, [code], config, instant.asOfMs)).get(code);
    if (raw !== null && raw !== undefined) {
      dynamic = { ...explanation, raw };
      source = 'incremental';
    }
  }
  const components = scoreAt(instant, config, dynamic);

  const history: TRiskHistoryPoint[] = [];
  for (let i = HISTORY_DAYS - 1; i >= 1; i--) {
    const date = addDays(instant.date, -i);
    const at: Instant = { date, asOfMs: localMidnight(addDays(date, 1), code).getTime() - 1, isToday: false };
    const cfg = selectIndexConfig(configs, at.asOfMs);
    const c = scoreAt(at, cfg, { raw: computeDynamicRaw(indexReportsAt(rows, at.asOfMs, 'past'), at.asOfMs, cfg) });
    history.push({ date, score: c.score, level: c.level });
  }
  history.push({ date: instant.date, score: components.score, level: components.level });

  const byId = new Map(rows.map((r) => [r.id, r]));
  const topReports: TRiskTopReport[] = components.topReports.flatMap((t) => {
    const r = byId.get(t.reportId);
    if (!r) return [];
    const status = instant.isToday ? r.status : (statusAt(r, instant.asOfMs) ?? r.status);
    return [{ reportId: t.reportId, contribution: t.contribution, title: r.title, category: ZIndexCategoryCode.parse(r.category), severity: r.severity, status, occurredAt: new Date(r.occurredAtMs).toISOString() }];
  });
  return { ...present(deps.regions, components, source), date: instant.date, topReports, history };
}

// ─────────────────────────────── structural import ───────────────────────────────

/**
 * POST /api/risk/structural: store sub-dimension scores from a CSV or XLSX file (columns
 * regionCode, subdimension, score, sourceNote). All or nothing: any bad row → no change and
 * one error per bad cell with its spreadsheet row (a 400). Needs config.manage; every row in scope.
 */
export async function importStructuralScores(deps: RiskDeps, ctx: RequestContext, file: { filename: string; buffer: Buffer }): Promise<TStructuralImportResult> {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot import structural indicators`);
  const table = await readTable(file.filename, file.buffer);
  if (table.length === 0) throw fieldError('file', 'file.empty');
  const { valid, errors } = validateStructuralImport(table, { isKnownRegion: (c) => deps.regions.has(c) });
  for (const row of valid) {
    if (!isInScope(row.regionCode, ctx.actor.scopes)) errors.push({ row: row.row, path: 'regionCode', message: 'region.out_of_scope' });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row || a.path.localeCompare(b.path));
    throw new AppError('validation', `${errors.length} row problems`, {
      fields: errors.map((e) => ({ path: `row ${e.row}.${e.path}`, message: e.message })),
      details: { errors },
    });
  }
  await deps.handle.db.transaction(async (tx) => {
    await upsertStructuralScores(
      tx,
      valid.map((r) => ({ regionCode: r.regionCode, subdimension: r.subdimension, score: r.score, source: r.sourceNote ?? null })),
      ctx.actor.id,
    );
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'risk.structural_import',
      entity: 'risk_structural_scores',
      entityId: null,
      after: { file: file.filename, rows: valid.length, regions: [...new Set(valid.map((r) => r.regionCode))].slice(0, 100) },
      ip: ctx.ip,
    });
  });
  return { imported: valid.length, regions: new Set(valid.map((r) => r.regionCode)).size, errors: [] };
}
