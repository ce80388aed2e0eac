import {
  REPORT_STATUS_LABELS,
  allowedActionsFor,
  bawasluDeadline,
  can,
  categoryLabelIn,
  DEFAULT_TAXONOMY_CONFIG,
  isInScope,
  regionCodeAtLevel,
  type TCategoryCode,
  type TEscalationLevel,
  type TLang,
  type TReport,
  type TReportEvent,
  type TReportSource,
  type TReportStatus,
  type TTaxonomyConfig,
} from '@sinergi/domain';
import type { ReportEventRow, ReportRow } from '../db/repositories/reports.js';
import type { RegionStore } from '../regions/region-store.js';
import type { Actor } from '../services/context.js';
import type { ElectionStore } from '../services/elections.service.js';

export interface ReportPresentContext {
  actor: Actor;
  lang: TLang;
  regions: RegionStore;
  elections: ElectionStore;
  orgNames: Map<string, string>;
  /** Show the reporter of a confidential report (single-report view by an identity-permitted desk; the view is logged). */
  revealIdentity?: boolean;
  /** The taxonomy in force, for the category's label (an administrator may relabel it); the built-in one when absent. */
  taxonomy?: TTaxonomyConfig;
}

/** Whether the actor may see who filed this report. */
export function canSeeReporter(row: ReportRow, actor: Actor, revealIdentity: boolean): boolean {
  if (row.reporterId === actor.id) return true;
  if (!row.confidential) return true;
  return revealIdentity && can(actor.role, 'reports.identity');
}

/**
 * Never return a database row as it is: the reporter's identity is removed here for anyone
 * who may not see it, and the caller's allowed actions are attached.
 */
export function presentReport(row: ReportRow, ctx: ReportPresentContext): TReport {
  const status = row.status as TReportStatus;
  const category = row.category as TCategoryCode | null;
  const election = row.electionId ? ctx.elections.get(row.electionId) : null;
  const stage = election?.stages.find((s) => s.code === row.stageCode) ?? null;
  const level = row.escalationLevel as TEscalationLevel;
  const mayAct = isInScope(row.regionCode, ctx.actor.scopes);
  return {
    id: row.id,
    category,
    ...(category ? { categoryLabel: categoryLabelIn(ctx.taxonomy ?? DEFAULT_TAXONOMY_CONFIG, category) } : {}),
    subcategory: row.subcategory,
    severity: row.severity,
    regionCode: row.regionCode,
    regionName: ctx.regions.nameOf(row.regionCode) ?? undefined,
    occurredAt: row.occurredAt.toISOString(),
    title: row.title,
    description: row.description,
    involved: row.involved,
    source: row.source as TReportSource,
    tpsId: row.tpsId,
    lat: row.lat,
    lon: row.lon,
    confidential: row.confidential,
    status,
    statusLabel: REPORT_STATUS_LABELS[status][ctx.lang],
    electionId: row.electionId,
    stageCode: row.stageCode,
    stageName: stage ? (ctx.lang === 'en' && stage.nameEn ? stage.nameEn : stage.name) : null,
    ...(stage ? { stageWeight: stage.weight } : {}),
    escalationLevel: level,
    escalationRegionCode: row.regionCode.split('.').length === 4 ? regionCodeAtLevel(row.regionCode, level) : row.regionCode,
    lastEscalatedAt: row.escalatedAt?.toISOString() ?? null,
    assignedOrg: row.assignedOrgId ? { code: row.assignedOrgId, name: ctx.orgNames.get(row.assignedOrgId) ?? row.assignedOrgId } : null,
    reporter:
      row.reporterId && canSeeReporter(row, ctx.actor, ctx.revealIdentity ?? false)
        ? { id: row.reporterId, name: row.reporterName ?? '' }
        : null,
    possibleDuplicateOf: row.possibleDuplicateOf,
    incidentId: row.incidentId,
    rejectionReason: row.rejectReason,
    outcome: row.outcome,
    violationDeadline: category ? (bawasluDeadline(category, row.discoveredAt)?.toISOString() ?? null) : null,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    statusChangedAt: row.statusChangedAt.toISOString(),
    allowedActions: mayAct ? allowedActionsFor(ctx.actor.role, status) : [],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(row.receiptCode && row.reporterId === ctx.actor.id ? { receiptCode: row.receiptCode } : {}),
  };
}

export function presentEvent(row: ReportEventRow, hideActor: boolean): TReportEvent {
  return {
    id: String(row.id),
    reportId: row.reportId,
    at: row.at.toISOString(),
    actor: row.actorId && !hideActor ? { id: row.actorId, name: row.actorName ?? '' } : null,
    action: row.action as TReportEvent['action'],
    fromStatus: (row.fromStatus as TReportStatus | null) ?? null,
    toStatus: (row.toStatus as TReportStatus | null) ?? null,
    comment: row.comment,
    details: (row.details as Record<string, unknown> | null) ?? {},
  };
}
