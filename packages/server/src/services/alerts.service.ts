import {
  CAP_MIME_TYPE,
  NATIONAL_SCOPE,
  addDays,
  alertIdOf,
  buildSeverity4Alert,
  buildSpikeAlert,
  can,
  decideSeverity4Alert,
  decodeCursor,
  spikeFromCounts,
  type TSpikeResult,
  dynamicRawAt,
  encodeCursor,
  isInScope,
  isLevelRise,
  localDateOf,
  nextAlertStatus,
  regionChainOf,
  regionLevelOf,
  selectIndexConfig,
  splitLevelChanges,
  toCapAtomFeed,
  toCapXml,
  type TAlert,
  type TAlertActionBody,
  type TAlertDesk,
  type TAlertDetail,
  type TAlertEvent,
  type TAlertItem,
  type TAlertListQuery,
  type TAlertReportFacts,
  type TAlertStatus,
  type TIndexCategoryCode,
  type TIndexConfig,
  type TLevelChange,
  type TRegionLevel,
  ZIndexReportStatus,
} from '@sinergi/domain';
import type { DbHandle, Tx } from '../db/client.js';
import {
  findAlertByDedupeKey,
  findAlertById,
  findAlertEvents,
  findAlertReports,
  findAlerts,
  countSpikeGroups,
  findSpikeCandidateDistricts,
  findSpikeWindowGroups,
  insertAlertEvents,
  insertAlertsIfNew,
  updateAlertVersioned,
  type AlertRow,
} from '../db/repositories/alerts.js';
import { insertAudit } from '../db/repositories/audit.js';
import { getMeta, setMeta } from '../db/repositories/meta.js';
import { insertOutbox } from '../db/repositories/reports.js';
import { findAllDynamicStates, type RiskDeltaRow } from '../db/repositories/risk.js';
import { AppError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';
import type { ElectionStore } from './elections.service.js';
import { registerWebhookAttachment } from './notice-topics.js';
import { indexReportOf, levelsOf, loadIndexConfigs, type AppliedBatch, type ConfigChange, type RiskHooks } from './risk.service.js';

/*
 * Early warning on the server (docs/vulnerability-index.md §7): the domain's pure rules
 * (alerts.ts) wired to the index job and a periodic check, alerts stored with their outbox rows
 * in one transaction, the desk workflow, and CAP 1.2 / Atom for other warning systems.
 */

export interface AlertsDeps {
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
}

/**
 * Levels whose rises are alerted. A village moves with a single report (one verified severity-3
 * report lifts a quiet village to tinggi), so village rises show on the map and in their
 * district's score but do not each raise an alert; districts, regencies and provinces do.
 */
export const ALERTED_LEVELS: ReadonlySet<TRegionLevel> = new Set(['district', 'regency', 'province']);

/** app_meta key of the periodic check: the instant it last looked (stage boundaries after it are new). */
const CHECK_META_KEY = 'alerts.checked';

const SYSTEM_NAME = 'Sinergi (otomatis)';

// ─────────────────────────────── raising ───────────────────────────────

/** Who is told about an alert of a region: the desks from the region's own level up to its regency (a regency's goes to its province too). */
export function alertRecipientsOf(regionCode: string): string[] {
  const chain = regionChainOf(regionCode);
  const level = regionLevelOf(regionCode);
  const out: string[] = [];
  const names: TRegionLevel[] = ['province', 'regency', 'district', 'village'];
  for (let i = chain.length - 1; i >= 0; i--) {
    const lvl = names[i]!;
    if (lvl === 'province' && level !== 'province' && level !== 'regency') break;
    out.push(`${lvl}:${chain[i]}`);
  }
  return out;
}

function recipientsOfRow(row: Pick<AlertRow, 'kind' | 'deskId' | 'regionCode'>): string[] {
  return row.kind === 'stage_summary' && row.deskId ? [row.deskId] : alertRecipientsOf(row.regionCode);
}

interface RaiseOptions {
  dedupeKey: string;
  recipients: string[];
}

/** Stage, election and demo flag of a region at an instant: alerts in a simulated election are exercises. */
function contextOf(deps: Pick<AlertsDeps, 'elections'>, regionCode: string, nowMs: number) {
  const stage = deps.elections.stageAt(new Date(nowMs), regionCode === NATIONAL_SCOPE ? '11' : regionCode);
  const election = stage.electionId ? deps.elections.get(stage.electionId) : null;
  return { stageCode: stage.stageCode, electionId: stage.electionId, isDemo: election?.simulated ?? false };
}

function outboxPayload(row: AlertRow) {
  return {
    alertId: row.id,
    kind: row.kind,
    regionCode: row.regionCode,
    level: row.level,
    severity: row.severity,
    cause: row.cause,
    channels: row.channels,
    isProvisional: row.isProvisional,
    isDemo: row.isDemo,
    reportIds: row.reportIds,
  };
}

interface RaiseItem extends RaiseOptions {
  alert: TAlert;
}

/**
 * Store alerts, their first timeline entries, audit rows and outbox rows (alert.raised) in the
 * caller's transaction, a few statements for the whole batch. A cause already stored (dedupe
 * key, or the same id) raises nothing. Returns the rows inserted.
 */
async function raiseAlerts(tx: Tx, deps: Pick<AlertsDeps, 'elections'>, items: readonly RaiseItem[], nowMs: number): Promise<AlertRow[]> {
  const now = new Date(nowMs);
  const seen = new Set<string>();
  const unique = items.filter((i) => {
    const keys = [`k:${i.alert.regionCode.slice(0, 2)}:${i.dedupeKey}`, `i:${i.alert.id}`];
    if (keys.some((k) => seen.has(k))) return false;
    for (const k of keys) seen.add(k);
    return true;
  });
  const byId = new Map(unique.map((i) => [i.alert.id, i]));
  const inserted: AlertRow[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500).map(({ alert, dedupeKey }) => {
      const ctx = contextOf(deps, alert.regionCode, nowMs);
      return {
        provinceCode: alert.regionCode.slice(0, 2),
        id: alert.id,
        kind: alert.kind,
        status: 'open',
        regionCode: alert.regionCode,
        electionId: ctx.electionId,
        stageCode: alert.stage ?? ctx.stageCode,
        level: alert.level ?? null,
        previousLevel: alert.previousLevel ?? null,
        score: alert.score ?? null,
        severity: alert.severity ?? null,
        category: alert.category ?? null,
        cause: alert.cause,
        reportIds: alert.reportIds,
        channels: alert.channels,
        isProvisional: alert.isProvisional,
        isDemo: ctx.isDemo,
        deskId: alert.deskId ?? null,
        changes: alert.changes ?? null,
        spike: alert.spike ?? null,
        dedupeKey,
        createdAt: now,
        updatedAt: now,
      };
    });
    inserted.push(...(await insertAlertsIfNew(tx, chunk)));
  }
  if (inserted.length === 0) return [];
  await insertAlertEvents(
    tx,
    inserted.map((row) => ({ provinceCode: row.provinceCode, alertId: row.id, at: now, actorId: null, actorName: SYSTEM_NAME, action: 'raise', fromStatus: null, toStatus: 'open', comment: (row.cause as TAlert['cause']).id })),
  );
  await insertAudit(
    tx,
    inserted.map((row) => ({
      actorId: null,
      actorName: 'system',
      action: 'alert.raise',
      entity: 'alert',
      entityId: row.id,
      regionCode: row.regionCode,
      after: { kind: row.kind, level: row.level, severity: row.severity, channels: row.channels, isProvisional: row.isProvisional, reportIds: row.reportIds, isDemo: row.isDemo },
    })),
  );
  await insertOutbox(
    tx,
    inserted.map((row) => ({ provinceCode: row.provinceCode, topic: 'alert.raised', regionCode: row.regionCode, payload: outboxPayload(row), recipients: byId.get(row.id)!.recipients })),
  );
  return inserted;
}

/**
 * A provisional severity-4 alert whose report a desk has now verified: it becomes a full alert
 * and an alert.raised outbox row carries the channels not delivered yet (e-mail, webhook, CAP).
 */
async function upgradeAlert(tx: Tx, row: AlertRow, alert: TAlert, nowMs: number): Promise<AlertRow | null> {
  const added = alert.channels.filter((c) => !row.channels.includes(c));
  const now = new Date(nowMs);
  const updated = await updateAlertVersioned(tx, row, row.version, { channels: alert.channels, isProvisional: alert.isProvisional, cause: alert.cause }, now);
  if (!updated) return null;
  await insertAlertEvents(tx, [{ provinceCode: row.provinceCode, alertId: row.id, at: now, actorId: null, actorName: SYSTEM_NAME, action: 'upgrade', fromStatus: row.status, toStatus: row.status, comment: alert.cause.id }]);
  await insertAudit(tx, { actorId: null, actorName: 'system', action: 'alert.upgrade', entity: 'alert', entityId: row.id, regionCode: row.regionCode, before: { channels: row.channels, isProvisional: row.isProvisional }, after: { channels: updated.channels, isProvisional: updated.isProvisional } });
  await insertOutbox(tx, [{ provinceCode: row.provinceCode, topic: 'alert.raised', regionCode: row.regionCode, payload: { ...outboxPayload(updated), channels: added, upgraded: true }, recipients: alertRecipientsOf(row.regionCode) }]);
  return updated;
}

// ─────────────────────────────── rules on index batches ───────────────────────────────

function factsOf(row: RiskDeltaRow, side: 'before' | 'after') {
  const f = row[side];
  return f ? indexReportOf(row.reportId, f, f.status) : null;
}

/**
 * The severity-4 rule over queued report changes: a report that became severity 4 and countable
 * (filed, or verified, or re-categorised) raises an alert; one that was provisional (unverified
 * public or anonymous) and is now verified upgrades it. Deduplicated by report.
 */
async function applySeverity4Rule(tx: Tx, deps: Omit<AlertsDeps, 'handle'>, rows: readonly RiskDeltaRow[], nowMs: number, maxAgeMs = Infinity): Promise<number> {
  let raised = 0;
  const fresh: RaiseItem[] = [];
  for (const row of rows) {
    const after = factsOf(row, 'after');
    if (!after || after.severity !== 4) continue;
    if (nowMs - after.occurredAtMs > maxAgeMs) continue;
    const decision = decideSeverity4Alert(after);
    if (!decision.shouldAlert) continue;
    const before = factsOf(row, 'before');
    const was = before ? decideSeverity4Alert(before) : null;
    if (was?.shouldAlert && !was.isProvisional) continue; // already alerted on every channel
    const alert = buildSeverity4Alert({
      regionCode: after.regionCode,
      regionName: deps.regions.nameOf(after.regionCode) ?? after.regionCode,
      stage: deps.elections.stageAt(new Date(nowMs), after.regionCode).stageCode,
      nowMs,
      report: { id: after.id, severity: after.severity, category: after.category, source: after.source, status: after.status },
    });
    if (!alert) continue;
    const dedupeKey = `severity4:${after.id}`;
    if (was?.shouldAlert && was.isProvisional && !alert.isProvisional) {
      // verified now: upgrade the provisional alert (raise a full one if it was never stored)
      const existing = await findAlertByDedupeKey(tx, after.regionCode.slice(0, 2), dedupeKey);
      if (existing) {
        if (existing.isProvisional && (await upgradeAlert(tx, existing, alert, nowMs))) raised++;
        continue;
      }
    }
    fresh.push({ alert, dedupeKey, recipients: alertRecipientsOf(after.regionCode) });
  }
  raised += (await raiseAlerts(tx, deps, fresh, nowMs)).length;
  return raised;
}

/**
 * The level-rise rule over one applied batch: every touched district, regency and province is
 * scored at `nowMs` with its state before and after the batch (same stage, same structural
 * part), so a change of level here is caused by these reports. Rises become alerts naming the
 * reports of the batch beneath the region and their leading categories.
 */
async function applyLevelRiseRule(tx: Tx, deps: Omit<AlertsDeps, 'handle'>, batch: AppliedBatch): Promise<number> {
  const { config, nowMs } = batch;
  const h = config.halfLifeHours;
  const beforeRaw = new Map<string, number>();
  const afterRaw = new Map<string, number>();
  for (const [code, st] of batch.after) {
    if (!ALERTED_LEVELS.has(regionLevelOf(code))) continue;
    const prev = batch.before.get(code);
    beforeRaw.set(code, prev ? dynamicRawAt(prev, Math.max(nowMs, prev.atMs), h) : 0);
    afterRaw.set(code, dynamicRawAt(st, Math.max(nowMs, st.atMs), h));
  }
  if (afterRaw.size === 0) return 0;
  const [levelsBefore, levelsAfter] = [await levelsOf(tx, deps, beforeRaw, nowMs, config), await levelsOf(tx, deps, afterRaw, nowMs, config)];
  const changes: TLevelChange[] = [];
  for (const [code, after] of levelsAfter) {
    const before = levelsBefore.get(code);
    if (!before || !isLevelRise(before.level, after.level)) continue;
    const mine = batch.rows.filter((r) => [r.after?.regionCode, r.before?.regionCode].some((c) => c && (c === code || c.startsWith(`${code}.`))));
    const reports = mine.flatMap((r) => {
      const f = factsOf(r, 'after') ?? factsOf(r, 'before');
      return f ? [{ id: f.id, source: f.source, status: f.status, category: f.category, weight: f.severity }] : [];
    });
    const byCat = new Map<TIndexCategoryCode, number>();
    for (const r of reports) byCat.set(r.category, (byCat.get(r.category) ?? 0) + 2 ** r.weight);
    changes.push({
      regionCode: code,
      regionName: deps.regions.nameOf(code) ?? code,
      from: before.level,
      to: after.level,
      score: after.score,
      cause: 'reports',
      stage: after.stageCode,
      topCategories: [...byCat.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c),
      reports: reports.slice(0, 200).map((r) => ({ id: r.id, source: r.source, status: r.status })),
    });
  }
  const items = splitLevelChanges(changes, [], nowMs).alerts.map((alert) => ({ alert, dedupeKey: `level_rise:${alert.regionCode}:${alert.level}`, recipients: alertRecipientsOf(alert.regionCode) }));
  return (await raiseAlerts(tx, deps, items, nowMs)).length;
}

/** On a rebuild, severity-4 reports older than this raise no alert (history, not early warning). */
const REBUILD_SEVERITY4_MAX_AGE_MS = 3 * 86_400_000;

/** The hooks that wire the early-warning rules into the index job and the rebuild. */
export function alertHooks(deps: Omit<AlertsDeps, 'handle'>): RiskHooks {
  return {
    async afterApply(tx, batch) {
      return (await applySeverity4Rule(tx, deps, batch.rows, batch.nowMs)) + (await applyLevelRiseRule(tx, deps, batch));
    },
    async afterConfigChange(tx, change) {
      await applyConfigChangeRule(tx, deps, change);
    },
    async beforeClear(tx, rows, _config, nowMs) {
      // a rebuild recomputes levels from scratch (no "before"), but a severity-4 report must still
      // alert; a backlog of old events (a first start over imported or demo history) is not news
      await applySeverity4Rule(tx, deps, rows, nowMs, REBUILD_SEVERITY4_MAX_AGE_MS);
    },
  };
}

// ─────────────────────────────── periodic check: stage boundaries and spikes ───────────────────────────────

/** True when some election's stage starts or ends on a local date between the two instants (a day of margin for zones). */
function hasStageBoundaryBetween(elections: ElectionStore, fromMs: number, toMs: number): boolean {
  const from = addDays(localDateOf(new Date(fromMs), '11'), -1);
  const to = addDays(localDateOf(new Date(toMs), '11'), 1);
  for (const e of elections.calendars()) {
    for (const s of e.stages) {
      const after = addDays(s.endDate, 1);
      if ((s.startDate >= from && s.startDate <= to) || (after >= from && after <= to)) return true;
    }
  }
  return false;
}

/** The desks a summary notice goes to: the regency and the province desk of every changed region. */
function desksOf(deps: Pick<AlertsDeps, 'regions'>, changes: readonly TLevelChange[]): TAlertDesk[] {
  const deskCodes = new Set<string>();
  for (const c of changes) {
    const chain = regionChainOf(c.regionCode);
    deskCodes.add(`province:${chain[0]}`);
    if (chain[1]) deskCodes.add(`regency:${chain[1]}`);
  }
  return [...deskCodes].sort().map((id) => {
    const code = id.slice(id.indexOf(':') + 1);
    return { id, regionCode: code, regionName: deps.regions.nameOf(code) ?? code };
  });
}

/**
 * Level changes caused by a new index configuration version (weights, half-life, thresholds):
 * each district, regency and province is scored now under the old states and configuration and
 * under the rebuilt ones (same stage, same structural part); the changes go to one notice per
 * regency and province desk, like a stage boundary's.
 */
async function applyConfigChangeRule(tx: Tx, deps: Omit<AlertsDeps, 'handle'>, change: ConfigChange): Promise<number> {
  const { nowMs } = change;
  const rawsOf = (states: ReadonlyMap<string, { atMs: number; sum: number }>, halfLifeHours: number) => {
    const out = new Map<string, number>();
    for (const [code, st] of states) if (ALERTED_LEVELS.has(regionLevelOf(code))) out.set(code, dynamicRawAt(st, Math.max(nowMs, st.atMs), halfLifeHours));
    return out;
  };
  const beforeRaws = rawsOf(change.before, change.beforeConfig.halfLifeHours);
  const afterRaws = rawsOf(change.after, change.config.halfLifeHours);
  for (const code of beforeRaws.keys()) if (!afterRaws.has(code)) afterRaws.set(code, 0);
  for (const code of afterRaws.keys()) if (!beforeRaws.has(code)) beforeRaws.set(code, 0);
  if (afterRaws.size === 0) return 0;
  const then = await levelsOf(tx, deps, beforeRaws, nowMs, change.beforeConfig);
  const now = await levelsOf(tx, deps, afterRaws, nowMs, change.config);
  const changes: TLevelChange[] = [];
  for (const [code, n] of now) {
    const t = then.get(code);
    if (!t || t.level === n.level) continue;
    changes.push({ regionCode: code, regionName: deps.regions.nameOf(code) ?? code, from: t.level, to: n.level, score: n.score, cause: 'config', stage: n.stageCode });
  }
  if (changes.length === 0) return 0;
  const items = splitLevelChanges(changes, desksOf(deps, changes), nowMs).summaries.map((notice) => ({
    // its own id: a stage-boundary notice to the same desk may carry the same instant
    alert: { ...notice, id: alertIdOf('stage_summary', `${notice.deskId}-config-v${change.config.version}`, nowMs) },
    dedupeKey: `stage_summary:${notice.deskId}:config-${change.config.version}`,
    recipients: [notice.deskId!],
  }));
  return (await raiseAlerts(tx, deps, items, nowMs)).length;
}

/**
 * Level changes caused by a stage boundary between `fromMs` and `toMs`: each region with a
 * dynamic state is scored at `toMs` with the stage in force at `fromMs` and at `toMs` (same
 * reports, same structural part). One notice per regency and province desk sums them up.
 */
async function applyStageBoundaryRule(tx: Tx, deps: Omit<AlertsDeps, 'handle'>, config: TIndexConfig, fromMs: number, toMs: number): Promise<number> {
  if (!hasStageBoundaryBetween(deps.elections, fromMs, toMs)) return 0;
  const raws = new Map<string, number>();
  for (const st of await findAllDynamicStates(tx)) {
    if (!ALERTED_LEVELS.has(regionLevelOf(st.regionCode))) continue;
    if (st.configVersion !== config.version) continue;
    const stageThen = deps.elections.stageAt(new Date(fromMs), st.regionCode).stageCode;
    const stageNow = deps.elections.stageAt(new Date(toMs), st.regionCode).stageCode;
    if (stageThen === stageNow) continue;
    raws.set(st.regionCode, dynamicRawAt(st, Math.max(toMs, st.atMs), config.halfLifeHours));
  }
  if (raws.size === 0) return 0;
  const then = await levelsOf(tx, deps, raws, toMs, config, fromMs);
  const now = await levelsOf(tx, deps, raws, toMs, config, toMs);
  const changes: TLevelChange[] = [];
  for (const [code, n] of now) {
    const t = then.get(code);
    if (!t || t.level === n.level) continue;
    changes.push({ regionCode: code, regionName: deps.regions.nameOf(code) ?? code, from: t.level, to: n.level, score: n.score, cause: 'stage_boundary', stage: n.stageCode });
  }
  if (changes.length === 0) return 0;
  const items = splitLevelChanges(changes, desksOf(deps, changes), toMs).summaries.map((notice) => ({ alert: notice, dedupeKey: `stage_summary:${notice.deskId}:${toMs}`, recipients: [notice.deskId!] }));
  return (await raiseAlerts(tx, deps, items, toMs)).length;
}

/**
 * The spike rule: districts with at least `minCount` countable reports (an incident once) in the
 * window are tested against their own 28-day baseline (`spikeFromCounts`, one-sided Poisson). One
 * open spike alert per district: the next can only come after it is closed.
 */
async function applySpikeRule(tx: Tx, deps: Omit<AlertsDeps, 'handle'>, config: TIndexConfig, nowMs: number): Promise<number> {
  const s = config.spike;
  const now = new Date(nowMs);
  const windowStart = new Date(nowMs - s.windowHours * 3_600_000);
  const candidates = await findSpikeCandidateDistricts(tx, windowStart, now, s.minCount);
  if (candidates.length === 0) return 0;
  const from = new Date(windowStart.getTime() - s.baselineDays * 86_400_000);
  // the test on the counts (counted in SQL); the rows only of the districts that spike
  const spiking = new Map<string, TSpikeResult>();
  for (const c of await countSpikeGroups(tx, candidates, from, windowStart, now)) {
    const result = spikeFromCounts(c.count, c.baselineCount, s);
    if (result.isSpike) spiking.set(c.districtCode, result);
  }
  if (spiking.size === 0) return 0;
  const rows = await findSpikeWindowGroups(tx, [...spiking.keys()], { from, windowStart, now }, SPIKE_ALERT_MAX_REPORTS);
  const byDistrict = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byDistrict.get(r.districtCode);
    if (list) list.push(r);
    else byDistrict.set(r.districtCode, [r]);
  }
  let raised = 0;
  for (const [district, result] of spiking) {
    const facts: (TAlertReportFacts & { id: string })[] = (byDistrict.get(district) ?? []).flatMap((r) =>
      r.reportIds.map((id) => ({ id, source: OFFICER_SOURCES.has(r.source) ? ('officer' as const) : ('public' as const), status: toIndexStatus(r.status) })),
    );
    const alert = buildSpikeAlert({
      regionCode: district,
      regionName: deps.regions.nameOf(district) ?? district,
      stage: deps.elections.stageAt(now, district).stageCode,
      nowMs,
      spike: result,
      reports: facts.slice(0, SPIKE_ALERT_MAX_REPORTS),
    });
    raised += (await raiseAlerts(tx, deps, [{ alert, dedupeKey: `spike:${district}`, recipients: alertRecipientsOf(district) }], nowMs)).length;
  }
  return raised;
}

const OFFICER_SOURCES = new Set(['field_officer', 'desk', 'rakor']);
/** A spike alert lists (and judges its channels by) the window's first reports, up to this many. */
const SPIKE_ALERT_MAX_REPORTS = 200;

function toIndexStatus(status: string): TAlertReportFacts['status'] {
  const parsed = ZIndexReportStatus.safeParse(status);
  return parsed.success ? parsed.data : 'new';
}

export interface AlertCheckResult {
  stageSummaries: number;
  spikes: number;
}

/**
 * The periodic early-warning check (every minute in the server; tests call it with their clock):
 * stage boundaries passed since the last check, and report spikes. One transaction, which also
 * moves the check's instant forward, so a crash neither loses nor repeats a notice.
 */
export async function runAlertChecks(deps: AlertsDeps, nowMs: number): Promise<AlertCheckResult> {
  const configs = await loadIndexConfigs(deps.handle.db);
  const config = selectIndexConfig(configs, nowMs);
  return deps.handle.db.transaction(async (tx) => {
    const last = await getMeta<{ atMs: number }>(tx, CHECK_META_KEY);
    let stageSummaries = 0;
    if (last && last.atMs < nowMs) stageSummaries = await applyStageBoundaryRule(tx, deps, config, last.atMs, nowMs);
    const spikes = await applySpikeRule(tx, deps, config, nowMs);
    if (!last || last.atMs < nowMs) await setMeta(tx, CHECK_META_KEY, { atMs: nowMs });
    return { stageSummaries, spikes };
  });
}

// ─────────────────────────────── read side and workflow ───────────────────────────────

/** An alert row as the API presents it (also the dashboard's open alerts). */
export function presentAlert(deps: Pick<AlertsDeps, 'regions'>, row: AlertRow): TAlertItem {
  return present(deps, row);
}

function present(deps: Pick<AlertsDeps, 'regions'>, row: AlertRow): TAlertItem {
  return {
    id: row.id,
    kind: row.kind as TAlertItem['kind'],
    regionCode: row.regionCode,
    regionName: deps.regions.nameOf(row.regionCode) ?? row.regionCode,
    regionLevel: regionLevelOf(row.regionCode),
    ...(row.level ? { level: row.level as NonNullable<TAlertItem['level']> } : {}),
    ...(row.kind === 'level_rise' ? { previousLevel: (row.previousLevel ?? null) as TAlertItem['previousLevel'] } : {}),
    ...(row.score !== null ? { score: row.score } : {}),
    ...(row.severity !== null ? { severity: row.severity } : {}),
    ...(row.category ? { category: row.category as TIndexCategoryCode } : {}),
    stage: row.stageCode,
    cause: row.cause as TAlertItem['cause'],
    reportIds: row.reportIds,
    status: row.status as TAlertStatus,
    actions: [],
    channels: row.channels as TAlertItem['channels'],
    isProvisional: row.isProvisional,
    ...(row.deskId ? { deskId: row.deskId } : {}),
    ...(row.changes ? { changes: row.changes as NonNullable<TAlertItem['changes']> } : {}),
    ...(row.spike ? { spike: row.spike as NonNullable<TAlertItem['spike']> } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
    isDemo: row.isDemo,
    electionId: row.electionId,
    hasCap: row.channels.includes('cap'),
  };
}

function requireRead(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
}

/** An alert the caller may see; out of scope answers as not found (a desk must not learn it exists). */
async function loadVisible(deps: AlertsDeps, ctx: RequestContext, id: string): Promise<AlertRow> {
  requireRead(ctx);
  const row = await findAlertById(deps.handle.db, id);
  if (!row || !isInScope(row.regionCode, ctx.actor.scopes)) throw new AppError('not_found', `alert ${id}`);
  return row;
}

/** GET /api/alerts: alerts in the caller's scope, newest first, filtered, cursor-paginated. */
export async function listAlerts(deps: AlertsDeps, ctx: RequestContext, query: TAlertListQuery): Promise<{ items: TAlertItem[]; nextCursor: string | null }> {
  requireRead(ctx);
  if (query.region && !deps.regions.has(query.region)) throw new AppError('validation', 'unknown region', { fields: [{ path: 'region', message: 'region.unknown' }] });
  let before: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const pos = decodeCursor(query.cursor);
    if (!pos || pos.length !== 2 || typeof pos[0] !== 'number') throw new AppError('validation', 'bad cursor', { fields: [{ path: 'cursor', message: 'cursor.invalid' }] });
    before = { createdAt: new Date(pos[0]), id: String(pos[1]) };
  }
  const rows = await findAlerts(deps.handle.db, {
    scopes: ctx.actor.scopes,
    region: query.region,
    status: query.status,
    kind: query.kind,
    electionId: query.election,
    before,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => present(deps, r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null,
  };
}

function presentEvent(e: Awaited<ReturnType<typeof findAlertEvents>>[number]): TAlertEvent {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action as TAlertEvent['action'],
    fromStatus: e.fromStatus as TAlertStatus | null,
    toStatus: e.toStatus as TAlertStatus,
    comment: e.comment,
  };
}

async function detailOf(deps: AlertsDeps, ctx: RequestContext, row: AlertRow): Promise<TAlertDetail> {
  const events = await findAlertEvents(deps.handle.db, row);
  const reports = await findAlertReports(deps.handle.db, row.reportIds, ctx.actor.scopes);
  const timeline = events.map(presentEvent);
  return {
    ...present(deps, row),
    actions: timeline
      .filter((e) => e.action !== 'raise' && e.action !== 'upgrade' && e.actorId)
      .map((e) => ({ at: e.at, by: e.actorId!, action: e.action as 'acknowledge', ...(e.comment ? { note: e.comment } : {}) })),
    timeline,
    reports: reports.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
  };
}

/** GET /api/alerts/:id: the alert, its timeline and the reports behind it (those in the caller's scope). */
export async function getAlert(deps: AlertsDeps, ctx: RequestContext, id: string): Promise<TAlertDetail> {
  return detailOf(deps, ctx, await loadVisible(deps, ctx, id));
}

/**
 * POST /api/alerts/:id/actions: acknowledge, act, close, reopen or comment. Desks only
 * (reports.handle). The version guards against two desks overwriting each other (409 with the
 * current alert); a comment changes no state and needs no fresh version. Recorded in the
 * timeline and the audit log, and told to the alert's desks (outbox alert.updated).
 */
export async function applyAlertAction(deps: AlertsDeps, ctx: RequestContext, id: string, body: TAlertActionBody): Promise<TAlertDetail> {
  const row = await loadVisible(deps, ctx, id);
  if (!can(ctx.actor.role, 'reports.handle')) throw new AppError('forbidden', `${ctx.actor.role} cannot act on alerts`);
  const from = row.status as TAlertStatus;
  const to = nextAlertStatus(from, body.action);
  if (to === null) {
    throw new AppError('conflict', `${body.action} not allowed from ${from}`, {
      userMessage: {
        id: `Tindakan "${body.action}" tidak dapat dilakukan pada peringatan berstatus "${from}".`,
        en: `Action "${body.action}" is not allowed on an alert with status "${from}".`,
      },
      details: { status: from, action: body.action, current: present(deps, row) },
    });
  }
  const now = ctx.now;
  const comment = body.comment ?? null;
  const updated = await deps.handle.db.transaction(async (tx) => {
    let next: AlertRow | null = row;
    if (body.action !== 'comment') {
      // closing frees the cause of a level rise or spike, so a later episode can alert again
      const freeKey = to === 'closed' && (row.kind === 'level_rise' || row.kind === 'spike');
      next = await updateAlertVersioned(tx, row, body.version, { status: to, ...(freeKey ? { dedupeKey: null } : {}) }, now);
      if (!next) {
        const current = await findAlertById(tx, row.id);
        throw new AppError('conflict', 'alert changed meanwhile', { details: { current: current ? present(deps, current) : null } });
      }
    }
    await insertAlertEvents(tx, [{ provinceCode: row.provinceCode, alertId: row.id, at: now, actorId: ctx.actor.id, actorName: ctx.actor.fullName, action: body.action, fromStatus: from, toStatus: to, comment }]);
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: `alert.${body.action}`,
      entity: 'alert',
      entityId: row.id,
      regionCode: row.regionCode,
      before: { status: from, version: row.version },
      after: { status: to, version: next.version, comment },
      ip: ctx.ip,
    });
    await insertOutbox(tx, [
      {
        provinceCode: row.provinceCode,
        topic: 'alert.updated',
        regionCode: row.regionCode,
        payload: { alertId: row.id, kind: row.kind, action: body.action, by: ctx.actor.username, status: to, comment, isDemo: row.isDemo },
        recipients: recipientsOfRow(row),
      },
    ]);
    return next;
  });
  deps.handle.outboxWritten();
  return detailOf(deps, ctx, updated);
}

// ─────────────────────────────── CAP 1.2 and Atom ───────────────────────────────

/** Where CAP messages and links point: the caller's view of this server. */
export interface CapSite {
  /** Absolute base URL, e.g. https://sinergi.example.go.id */
  baseUrl: string;
  /** CAP sender id (no spaces), e.g. sinergi@sinergi.example.go.id */
  sender: string;
}

const CAP_VALID_HOURS = 24;

function capOptions(site: CapSite, alert: TAlertItem, nowMs: number) {
  const sentMs = Date.parse(alert.createdAt);
  // the message is the alert as raised (same sent instant on every fetch); it stays valid 24 h past now while open
  const untilMs = alert.status === 'closed' ? Date.parse(alert.updatedAt) : Math.max(nowMs, sentMs) + CAP_VALID_HOURS * 3_600_000;
  return {
    sender: site.sender,
    senderName: 'Sinergi',
    isDemo: alert.isDemo,
    nowMs: sentMs,
    web: `${site.baseUrl}/peringatan/${encodeURIComponent(alert.id)}`,
    expiresHours: Math.max(1, (untilMs - sentMs) / 3_600_000),
  };
}

// Webhook push of an alert carries its CAP 1.2 message (and, with SINERGI_PUBLIC_URL, where to
// fetch it again), so another warning system takes it by push as well as by the Atom feed. The
// message is built as of the alert's creation, so a re-sent delivery carries the same bytes.
registerWebhookAttachment('alert.raised', async (payload, context) => {
  const id = typeof payload.alertId === 'string' ? payload.alertId : null;
  const row = id ? await findAlertById(context.handle.db, id) : null;
  if (!row || !row.channels.includes('cap')) return null;
  const alert = present(context, row);
  const base = context.publicUrl ?? '';
  const site: CapSite = { baseUrl: base, sender: `sinergi@${base ? new URL(base).hostname : 'localhost'}` };
  return {
    cap: toCapXml(alert, capOptions(site, alert, Date.parse(alert.createdAt))),
    ...(base ? { capUrl: `${base}/api/alerts/${encodeURIComponent(alert.id)}/cap` } : {}),
  };
});

/**
 * GET /api/alerts/:id/cap: the alert as a CAP 1.2 message (scope Restricted, status Exercise for
 * demo data). Only alerts cleared for CAP: a provisional alert (only unverified outside reports)
 * and a stage summary never leave the system as CAP (409).
 */
export async function getAlertCap(deps: AlertsDeps, ctx: RequestContext, id: string, site: CapSite): Promise<{ contentType: string; body: string }> {
  const row = await loadVisible(deps, ctx, id);
  if (!row.channels.includes('cap')) {
    throw new AppError('conflict', 'alert not cleared for CAP', {
      userMessage: {
        id: 'Peringatan ini tidak dibagikan sebagai CAP (masih sementara: belum diverifikasi, atau ringkasan tahapan).',
        en: 'This alert is not shared as CAP (provisional: not yet verified, or a stage summary).',
      },
    });
  }
  const alert = present(deps, row);
  return { contentType: `${CAP_MIME_TYPE}; charset=utf-8`, body: toCapXml(alert, capOptions(site, alert, ctx.now.getTime())) };
}

/** GET /api/alerts/cap.atom: the current (not closed) CAP-cleared alerts in the caller's scope, newest first. */
export async function getAlertAtomFeed(deps: AlertsDeps, ctx: RequestContext, site: CapSite): Promise<{ contentType: string; body: string }> {
  requireRead(ctx);
  const rows = await findAlerts(deps.handle.db, { scopes: ctx.actor.scopes, currentCapOnly: true, limit: 200 });
  const items = rows.map((r) => present(deps, r));
  const self = `${site.baseUrl}/api/alerts/cap.atom`;
  const body = toCapAtomFeed(items, {
    feedId: self,
    title: 'Sinergi — peringatan dini kerawanan pemilu (CAP 1.2)',
    selfUrl: self,
    capUrlOf: (a) => `${site.baseUrl}/api/alerts/${encodeURIComponent(a.id)}/cap`,
    pageUrlOf: (a) => `${site.baseUrl}/peringatan/${encodeURIComponent(a.id)}`,
    authorName: 'Sinergi',
    nowMs: ctx.now.getTime(),
    isDemo: items.length > 0 && items.every((a) => a.isDemo),
  });
  return { contentType: 'application/atom+xml; charset=utf-8', body };
}
