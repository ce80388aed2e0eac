import {
  NATIONAL_SCOPE,
  REPORT_STATUSES,
  SEVERITIES,
  VOTING_STAGE_CODE,
  ZONE_OFFSET_HOURS,
  addDays,
  can,
  daysToVoting,
  localDateOf,
  localMidnight,
  normaliseScopes,
  regionLevelOf,
  stageOnDate,
  timeZoneLabelOf,
  timeZoneOf,
  type TDashboard,
  type TDashboardQuery,
  type TDashboardReport,
  type TElection,
  type TReportListQuery,
  type TReportStatus,
  type TSlaConfig,
} from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import { aggregateReports, countOpenAlerts, findLatest, findOpenAlerts, findOverdue, type DashboardReportRow } from '../db/repositories/dashboard.js';
import { findPillars } from '../db/repositories/pillars.js';
import { AppError, fieldError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';
import { slaInForce } from './config.service.js';
import { presentAlert } from './alerts.service.js';
import { listElections, type ElectionStore } from './elections.service.js';
import { toReportFilter, type ReportsDeps } from './reports.service.js';
import { listRiskWithChange } from './risk.service.js';

export interface DashboardDeps {
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
  sla?: TSlaConfig;
}

const LIST_SIZE = 10;
const TOP_REGIONS = 8;
const ALERTS_SHOWN = 5;
const DAY_MS = 86_400_000;

/** The election a dashboard shows by default: the next polling day, else the most recent one. */
function pickElection(elections: TElection[], today: string): TElection | null {
  const dated = elections.filter((e) => e.votingDate !== null);
  const upcoming = dated.filter((e) => e.votingDate! >= today).sort((a, b) => (a.votingDate! < b.votingDate! ? -1 : 1));
  if (upcoming[0]) return upcoming[0];
  const past = dated.sort((a, b) => (a.votingDate! > b.votingDate! ? -1 : 1));
  return past[0] ?? elections[0] ?? null;
}

/**
 * GET /api/dashboard: the situation room for the caller's scope (or one region of it) and an
 * election: where the calendar stands, counts by category, severity and status against the range
 * before, a day-by-day trend, the most vulnerable regions below with their 7-day change, overdue
 * open reports, the alerts not yet closed and the newest reports. Everything is counted by the database.
 */
export async function getDashboard(deps: DashboardDeps, ctx: RequestContext, query: TDashboardQuery): Promise<TDashboard> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const now = ctx.now;
  const roots = normaliseScopes(ctx.actor.scopes);
  const national = roots.includes(NATIONAL_SCOPE);

  // the region the numbers cover: the one asked for, else a single scope root, else the whole scope
  let regionCode: string | null = query.region ?? null;
  if (regionCode === null && !national && roots.length === 1) regionCode = roots[0]!;
  const zoneCode = regionCode ?? (national || roots.length !== 1 ? NATIONAL_SCOPE : roots[0]!);

  const filter = toReportFilter(deps as unknown as ReportsDeps, ctx, {
    region: regionCode ?? undefined,
    election: query.election,
    stage: query.stage,
    category: query.category,
    severity: query.severity,
    assignedOrg: query.pillar,
    limit: 1,
  } as TReportListQuery);

  const elections = listElections(deps.elections, ctx, regionCode ?? undefined);
  const today = localDateOf(now, zoneCode);
  let election: TElection | null;
  if (query.election) {
    election = elections.find((e) => e.id === query.election) ?? null;
    if (!election) throw fieldError('election', 'election.unknown');
  } else {
    election = pickElection(elections, today);
  }
  if (query.stage && !(election?.stages ?? []).some((s) => s.code === query.stage)) throw fieldError('stage', 'stage.unknown');
  if (query.pillar) {
    const pillars = await findPillars(deps.handle.db);
    if (!pillars.some((p) => p.code === query.pillar)) throw fieldError('pillar', 'pillar.unknown');
  }
  // the stage filter means "filed during this stage of this election"
  if (query.stage && election && !query.election) filter.electionId = election.id;

  const zone = zoneCode === NATIONAL_SCOPE ? 'Asia/Jakarta' : timeZoneOf(zoneCode);
  const offsetHours = ZONE_OFFSET_HOURS[zone];
  const days = query.days;
  const firstDay = addDays(today, -(days - 1));
  const from = localMidnight(firstDay, zoneCode);
  const to = new Date(localMidnight(addDays(today, 1), zoneCode).getTime());
  const previousFrom = new Date(from.getTime() - days * DAY_MS);

  const db = deps.handle.db;
  const { breakdown, daily } = await aggregateReports(db, filter, { previousFrom, from, to, offsetHours });
  // the service levels in force now (an administrator's latest version, or the defaults)
  const overdue = await findOverdue(db, filter, deps.sla ?? (await slaInForce(db, now)), now, LIST_SIZE);
  const latest = await findLatest(db, filter, LIST_SIZE);
  const alertCounts = await countOpenAlerts(db, ctx.actor.scopes, regionCode);
  const alertRows = alertCounts.open + alertCounts.acknowledged > 0 ? await findOpenAlerts(db, ctx.actor.scopes, regionCode, ALERTS_SHOWN) : [];
  const risk = await listRiskWithChange(deps, ctx, regionCode !== null && regionLevelOf(regionCode) !== 'village' ? regionCode : null).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'out_of_scope') return [];
    throw error;
  });

  // reshape the few hundred groups the database returned
  const byCategory = new Map<string, { count: number; previous: number }>();
  const bySeverity = new Map<number, { count: number; previous: number }>(SEVERITIES.map((s) => [s, { count: 0, previous: 0 }]));
  const byStatus = new Map<TReportStatus, { count: number; previous: number }>(REPORT_STATUSES.map((s) => [s, { count: 0, previous: 0 }]));
  let total = 0;
  let previous = 0;
  let open = 0;
  let critical = 0;
  for (const row of breakdown) {
    total += row.current;
    previous += row.previous;
    if (row.category) {
      const c = byCategory.get(row.category) ?? { count: 0, previous: 0 };
      c.count += row.current;
      c.previous += row.previous;
      byCategory.set(row.category, c);
    }
    const sev = bySeverity.get(row.severity) ?? { count: 0, previous: 0 };
    bySeverity.set(row.severity, { count: sev.count + row.current, previous: sev.previous + row.previous });
    const st = byStatus.get(row.status as TReportStatus) ?? { count: 0, previous: 0 };
    byStatus.set(row.status as TReportStatus, { count: st.count + row.current, previous: st.previous + row.previous });
    if (['draft', 'new', 'verified', 'in_progress'].includes(row.status)) open += row.current;
    if (row.severity === 4) critical += row.current;
  }
  const perDay = new Map(daily.map((d) => [d.day, d]));
  const trend = Array.from({ length: days }, (_, i) => {
    const date = addDays(firstDay, i);
    const d = perDay.get(date);
    return { date, total: d?.total ?? 0, serious: d?.serious ?? 0 };
  });

  const presentRow = (r: DashboardReportRow): TDashboardReport => ({
    id: r.id,
    title: r.title,
    category: r.category,
    severity: r.severity,
    status: r.status as TReportStatus,
    regionCode: r.regionCode,
    regionName: deps.regions.nameOf(r.regionCode) ?? r.regionCode,
    createdAt: r.createdAt.toISOString(),
    occurredAt: r.occurredAt.toISOString(),
    dueSince: r.dueSince ? r.dueSince.toISOString() : null,
  });

  const electionView = election
    ? (() => {
        const stageRegion = regionCode ?? (election.regionScope === NATIONAL_SCOPE ? zoneCode : election.regionScope);
        const current = stageOnDate(election.stages, localDateOf(now, stageRegion === NATIONAL_SCOPE ? NATIONAL_SCOPE : stageRegion));
        const stage = (s: TElection['stages'][number]) => ({ code: s.code, name: s.name, nameEn: s.nameEn ?? null, startDate: s.startDate, endDate: s.endDate });
        return {
          id: election.id,
          name: election.name,
          kind: election.kind,
          simulated: election.simulated,
          votingDate: election.stages.find((s) => s.code === VOTING_STAGE_CODE)?.startDate ?? null,
          daysToVoting: daysToVoting(election, now, stageRegion === NATIONAL_SCOPE ? undefined : stageRegion),
          stage: current ? stage(current) : null,
          stages: election.stages.map(stage),
        };
      })()
    : null;

  const topRegions = risk
    .map(({ item, previousScore, previousLevel }) => ({
      code: item.regionCode,
      name: item.regionName,
      level: item.regionLevel,
      score: item.score,
      vulnerability: item.level,
      change7d: previousScore === null ? null : Math.round((item.score - previousScore) * 10) / 10,
      previousVulnerability: previousLevel,
    }))
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
    .slice(0, TOP_REGIONS);

  return {
    region: regionCode
      ? { code: regionCode, name: deps.regions.nameOf(regionCode) ?? regionCode, level: regionLevelOf(regionCode), timeZoneLabel: timeZoneLabelOf(regionCode) }
      : null,
    timeZoneLabel: zoneCode === NATIONAL_SCOPE ? 'WIB' : timeZoneLabelOf(zoneCode),
    asOf: now.toISOString(),
    today,
    range: { days, from: from.toISOString(), to: to.toISOString(), previousFrom: previousFrom.toISOString() },
    elections: elections.map((e) => ({ id: e.id, name: e.name })),
    election: electionView,
    totals: { reports: total, previous, open, critical, overdue: overdue.count },
    byCategory: [...byCategory.entries()]
      .map(([category, c]) => ({ category, count: c.count, previous: c.previous }))
      .filter((c) => c.count > 0 || c.previous > 0)
      .sort((a, b) => b.count - a.count || b.previous - a.previous || a.category.localeCompare(b.category)),
    bySeverity: [...bySeverity.entries()].map(([severity, c]) => ({ severity, count: c.count, previous: c.previous })),
    byStatus: [...byStatus.entries()].map(([status, c]) => ({ status, count: c.count, previous: c.previous })),
    daily: trend,
    topRegions,
    overdue: overdue.items.map(presentRow),
    alerts: { ...alertCounts, items: alertRows.map((row) => presentAlert(deps, row)) },
    latest: latest.map(presentRow),
  };
}
