import { randomUUID } from 'node:crypto';
import {
  ACTION_PERMISSIONS,
  NATIONAL_SCOPE,
  can,
  commonRegionOf,
  decodeCursor,
  encodeCursor,
  isInScope,
  nextStatus,
  translateFieldMessage,
  type TIncident,
  type TIncidentCreate,
  type TIncidentStatus,
  type TLang,
  type TReport,
  type TReportActionBody,
  type TReportStatus,
} from '@sinergi/domain';
import type { z } from 'zod';
import type { ZIncidentAddReports, ZIncidentRemoveReports, ZIncidentSplit, ZIncidentUpdate } from '@sinergi/domain';
import { isUniqueViolation, type Tx } from '../db/client.js';
import { insertAudit, type AuditEntry } from '../db/repositories/audit.js';
import {
  attachReports,
  detachReports,
  findIncidentById,
  findIncidentMembers,
  findIncidentReports,
  findIncidents,
  insertIncident,
  updateIncidentVersioned,
  type IncidentRow,
} from '../db/repositories/incidents.js';
import { findOrganisationNames, findReportsByIds, insertReportEvents, type NewReportEventRow, type ReportRow } from '../db/repositories/reports.js';
import { AppError } from '../errors.js';
import { presentIncident } from '../presenters/incidents.js';
import { presentReport } from '../presenters/reports.js';
import type { RequestContext } from './context.js';
import { applyReportAction, type ReportsDeps } from './reports.service.js';
import { taxonomyInForce } from './taxonomy.service.js';

/** Incidents use the report dependencies: they are made of reports. */
export type IncidentsDeps = ReportsDeps;

/** An incident with its reports, as GET /api/incidents/:id and every change answer it. */
export type TIncidentDetail = TIncident & { reports: TReport[] };

/** The workflow actions an incident carries to its reports (not structure or comment: those are per report). */
export const INCIDENT_ACTIONS = ['verify', 'reject', 'assign', 'escalate', 'resolve', 'reopen'] as const;
export type TIncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** Why a member report was left out of an incident-wide action. */
export type TSkipReason = 'status' | 'conflict' | 'invalid' | 'forbidden' | 'out_of_scope';

export interface TIncidentActionResult {
  incident: TIncidentDetail;
  applied: { reportId: string; status: TReportStatus }[];
  skipped: { reportId: string; status: TReportStatus; reason: TSkipReason; message: string }[];
}

type TUpdate = z.infer<typeof ZIncidentUpdate>;
type TAdd = z.infer<typeof ZIncidentAddReports>;
type TRemove = z.infer<typeof ZIncidentRemoveReports>;
type TSplit = z.infer<typeof ZIncidentSplit>;

const CLOSED = {
  id: 'Kejadian sudah ditutup. Buka kembali (status "open") sebelum mengubahnya.',
  en: 'The incident is closed. Reopen it (status "open") before changing it.',
};

function regencyOf(regionCode: string): string {
  return regionCode.split('.').slice(0, 2).join('.');
}

/** Only desks that verify or handle reports group them (field officers and observers read). */
function requireGrouper(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'reports.verify') && !can(ctx.actor.role, 'reports.handle')) {
    throw new AppError('forbidden', `${ctx.actor.username} cannot group reports`);
  }
}

async function loadVisibleIncident(deps: IncidentsDeps, ctx: RequestContext, id: string): Promise<IncidentRow> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const row = await findIncidentById(deps.handle.db, id);
  // an incident is visible where its common region is: every member lies beneath it
  if (!row || !isInScope(row.regionCode, ctx.actor.scopes)) throw new AppError('not_found', `incident ${id}`);
  return row;
}

/** The reports of these ids, each visible to the actor; the invisible and the unknown answer alike (404). */
async function loadReportsInScope(deps: IncidentsDeps, ctx: RequestContext, ids: readonly string[], ex: Tx | IncidentsDeps['handle']['db'] = deps.handle.db): Promise<ReportRow[]> {
  const unique = [...new Set(ids)];
  const rows = await findReportsByIds(ex, unique);
  const byId = new Map(rows.filter((r) => isInScope(r.regionCode, ctx.actor.scopes)).map((r) => [r.id, r]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new AppError('not_found', `reports ${missing.join(',')}`, {
      fields: [{ path: 'reportIds', message: 'incident.report_unknown' }],
      details: { reportIds: missing },
    });
  }
  return unique.map((id) => byId.get(id)!);
}

function checkOneProvince(rows: readonly ReportRow[], provinceCode?: string): string {
  const provinces = new Set(rows.map((r) => r.provinceCode));
  if (provinceCode) provinces.add(provinceCode);
  if (provinces.size > 1) {
    // one incident lives on one shard (Citus distributes by province)
    throw new AppError('validation', 'reports span provinces', { fields: [{ path: 'reportIds', message: 'incident.other_province' }] });
  }
  return [...provinces][0]!;
}

/** The incident's region is the deepest region holding all its reports; the actor must see it whole. */
function regionFor(ctx: RequestContext, codes: readonly string[]): string {
  const region = commonRegionOf(codes);
  if (region === NATIONAL_SCOPE || !isInScope(region, ctx.actor.scopes)) {
    throw new AppError('out_of_scope', `incident region ${region}`, { fields: [{ path: 'reportIds', message: 'incident.region_out_of_scope' }] });
  }
  return region;
}

function takenError(taken: { reportId: string; incidentId: string | null }[]): AppError {
  return new AppError('conflict', 'reports already grouped', {
    userMessage: {
      id: 'Sebagian laporan sudah termasuk kejadian lain. Keluarkan dulu dari kejadian itu.',
      en: 'Some reports already belong to another incident. Remove them from it first.',
    },
    fields: [{ path: 'reportIds', message: 'incident.report_taken' }],
    details: { taken },
  });
}

async function detailOf(deps: IncidentsDeps, ctx: RequestContext, row: IncidentRow, lang: TLang, ex: Tx | IncidentsDeps['handle']['db'] = deps.handle.db): Promise<TIncidentDetail> {
  const members = await findIncidentReports(ex, row);
  const orgNames = await findOrganisationNames(ex, [...new Set(members.map((m) => m.assignedOrgId).filter((x): x is string => !!x))]);
  const { config: taxonomy } = await taxonomyInForce(deps.handle, ctx.now);
  return {
    ...presentIncident(row, members),
    reports: members.map((m) => presentReport(m, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames, taxonomy })),
  };
}

async function staleError(deps: IncidentsDeps, ctx: RequestContext, key: IncidentRow, lang: TLang): Promise<AppError> {
  const current = await findIncidentById(deps.handle.db, key.id);
  return new AppError('conflict', 'incident changed meanwhile', { details: { current: current ? await detailOf(deps, ctx, current, lang) : null } });
}

function membershipRows(ctx: RequestContext, reports: readonly ReportRow[], action: 'incident_add' | 'incident_remove', incident: { id: string; title: string }, extra: Record<string, unknown> = {}) {
  const events: NewReportEventRow[] = reports.map((r) => ({
    provinceCode: r.provinceCode,
    reportId: r.id,
    at: ctx.now,
    actorId: ctx.actor.id,
    actorName: ctx.actor.fullName,
    action,
    fromStatus: r.status,
    toStatus: r.status,
    comment: null,
    details: { incidentId: incident.id, incidentTitle: incident.title, ...extra },
  }));
  const audits: AuditEntry[] = reports.map((r) => ({
    actorId: ctx.actor.id,
    actorName: ctx.actor.username,
    action: `report.${action}`,
    entity: 'report',
    entityId: r.id,
    regionCode: r.regionCode,
    before: { incidentId: action === 'incident_add' ? null : incident.id },
    after: { incidentId: action === 'incident_add' ? incident.id : ((extra.splitTo as string | undefined) ?? null) },
    ip: ctx.ip,
  }));
  return { events, audits };
}

function duplicateIdError(id: string): AppError {
  return new AppError('duplicate', `incident ${id} exists`, { fields: [{ path: 'id', message: 'incident.id_taken' }] });
}

/**
 * Group reports into a new incident. Idempotent on the client's id: the same title and reports
 * again answer with the stored incident (created: false); anything else under that id is a 409.
 */
export async function createIncident(deps: IncidentsDeps, ctx: RequestContext, input: TIncidentCreate, lang: TLang): Promise<{ incident: TIncidentDetail; created: boolean }> {
  requireGrouper(ctx);
  const id = input.id ?? randomUUID();
  if (input.id) {
    const existing = await findIncidentById(deps.handle.db, input.id);
    if (existing) {
      if (isInScope(existing.regionCode, ctx.actor.scopes) && existing.title === input.title) {
        const detail = await detailOf(deps, ctx, existing, lang);
        const same = new Set(input.reportIds);
        if (detail.reportIds.length === same.size && detail.reportIds.every((r) => same.has(r))) return { incident: detail, created: false };
      }
      throw duplicateIdError(input.id);
    }
  }
  const rows = await loadReportsInScope(deps, ctx, input.reportIds);
  const provinceCode = checkOneProvince(rows);
  const regionCode = regionFor(ctx, rows.map((r) => r.regionCode));
  const taken = rows.filter((r) => r.incidentId).map((r) => ({ reportId: r.id, incidentId: r.incidentId }));
  if (taken.length) throw takenError(taken);

  try {
    const row = await deps.handle.db.transaction(async (tx) => {
      const incident = await insertIncident(tx, {
        provinceCode,
        id,
        regencyCode: regencyOf(regionCode),
        regionCode,
        title: input.title,
        description: input.description ?? null,
        status: 'open',
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      const attached = await attachReports(tx, provinceCode, id, rows.map((r) => r.id), ctx.now);
      if (attached.length !== rows.length) {
        const now = await findReportsByIds(tx, rows.map((r) => r.id).filter((r) => !attached.includes(r)));
        throw takenError(now.map((r) => ({ reportId: r.id, incidentId: r.incidentId })));
      }
      const { events, audits } = membershipRows(ctx, rows, 'incident_add', incident);
      await insertReportEvents(tx, events);
      await insertAudit(tx, [
        { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'incident.create', entity: 'incident', entityId: id, regionCode, after: { title: input.title, reportIds: rows.map((r) => r.id), regionCode }, ip: ctx.ip },
        ...audits,
      ]);
      return incident;
    });
    return { incident: await detailOf(deps, ctx, row, lang), created: true };
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateIdError(id);
    throw error;
  }
}

/** One incident with its reports, if the actor's scope holds it. */
export async function getIncident(deps: IncidentsDeps, ctx: RequestContext, id: string, lang: TLang): Promise<TIncidentDetail> {
  return detailOf(deps, ctx, await loadVisibleIncident(deps, ctx, id), lang);
}

/** Incidents in the actor's scope, newest first, with a cursor. */
export async function listIncidents(
  deps: IncidentsDeps,
  ctx: RequestContext,
  query: { region?: string | undefined; status?: TIncidentStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: TIncident[]; nextCursor: string | null }> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  if (query.region) {
    if (!deps.regions.has(query.region)) throw new AppError('validation', 'unknown region', { fields: [{ path: 'region', message: 'region.unknown' }] });
    const visible = isInScope(query.region, ctx.actor.scopes) || ctx.actor.scopes.some((s) => s !== NATIONAL_SCOPE && s.startsWith(`${query.region}.`));
    if (!visible) throw new AppError('out_of_scope', `region ${query.region}`, { fields: [{ path: 'region', message: 'region.out_of_scope' }] });
  }
  let before: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const pos = decodeCursor(query.cursor);
    if (!pos || pos.length !== 2 || typeof pos[0] !== 'number') throw new AppError('validation', 'bad cursor', { fields: [{ path: 'cursor', message: 'cursor.invalid' }] });
    before = { createdAt: new Date(pos[0]), id: String(pos[1]) };
  }
  const rows = await findIncidents(deps.handle.db, { scopes: ctx.actor.scopes, region: query.region, status: query.status, before, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const members = await findIncidentMembers(deps.handle.db, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    items: page.map((row) => presentIncident(row, members.filter((m) => m.incidentId === row.id))),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null,
  };
}

/** Change the title, description or status (open/closed). */
export async function updateIncident(deps: IncidentsDeps, ctx: RequestContext, id: string, input: TUpdate, lang: TLang): Promise<TIncidentDetail> {
  const row = await loadVisibleIncident(deps, ctx, id);
  requireGrouper(ctx);
  const patch: { title?: string; description?: string | null; status?: string } = {};
  if (input.title !== undefined) patch.title = input.title;
  if (input.description !== undefined) patch.description = input.description;
  if (input.status !== undefined) patch.status = input.status;
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateIncidentVersioned(tx, row, input.version, patch, ctx.now);
    if (!next) return null;
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'incident.update',
      entity: 'incident',
      entityId: row.id,
      regionCode: row.regionCode,
      before: { title: row.title, description: row.description, status: row.status, version: row.version },
      after: patch,
      ip: ctx.ip,
    });
    return next;
  });
  if (!updated) throw await staleError(deps, ctx, row, lang);
  return detailOf(deps, ctx, updated, lang);
}

/** Add reports to an incident. Reports already in it are left as they are; reports in another incident are a 409. */
export async function addIncidentReports(deps: IncidentsDeps, ctx: RequestContext, id: string, input: TAdd, lang: TLang): Promise<TIncidentDetail> {
  const row = await loadVisibleIncident(deps, ctx, id);
  requireGrouper(ctx);
  if (row.status === 'closed') throw new AppError('conflict', 'incident closed', { userMessage: CLOSED });
  const rows = await loadReportsInScope(deps, ctx, input.reportIds);
  checkOneProvince(rows, row.provinceCode);
  const taken = rows.filter((r) => r.incidentId && r.incidentId !== row.id).map((r) => ({ reportId: r.id, incidentId: r.incidentId }));
  if (taken.length) throw takenError(taken);
  const fresh = rows.filter((r) => r.incidentId !== row.id);
  const members = await findIncidentReports(deps.handle.db, row);
  const regionCode = regionFor(ctx, [...members, ...fresh].map((r) => r.regionCode));
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateIncidentVersioned(tx, row, input.version, { regionCode, regencyCode: regencyOf(regionCode) }, ctx.now);
    if (!next) return null;
    const attached = await attachReports(tx, row.provinceCode, row.id, fresh.map((r) => r.id), ctx.now);
    if (attached.length !== fresh.length) {
      const now = await findReportsByIds(tx, fresh.map((r) => r.id).filter((r) => !attached.includes(r)));
      throw takenError(now.map((r) => ({ reportId: r.id, incidentId: r.incidentId })));
    }
    const { events, audits } = membershipRows(ctx, fresh, 'incident_add', next);
    await insertReportEvents(tx, events);
    await insertAudit(tx, [
      { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'incident.add_reports', entity: 'incident', entityId: row.id, regionCode, after: { reportIds: fresh.map((r) => r.id), regionCode, version: next.version }, ip: ctx.ip },
      ...audits,
    ]);
    return next;
  });
  if (!updated) throw await staleError(deps, ctx, row, lang);
  return detailOf(deps, ctx, updated, lang);
}

/** Check that the reports are members and that at least one stays; returns the moving and the staying ones. */
function partition(members: readonly ReportRow[], reportIds: readonly string[]): { moving: ReportRow[]; staying: ReportRow[] } {
  const wanted = new Set(reportIds);
  const notMembers = [...wanted].filter((id) => !members.some((m) => m.id === id));
  if (notMembers.length) {
    throw new AppError('validation', 'not members', { fields: [{ path: 'reportIds', message: 'incident.not_member' }], details: { reportIds: notMembers } });
  }
  const moving = members.filter((m) => wanted.has(m.id));
  const staying = members.filter((m) => !wanted.has(m.id));
  if (staying.length === 0) {
    throw new AppError('validation', 'incident would be empty', { fields: [{ path: 'reportIds', message: 'incident.would_be_empty' }] });
  }
  return { moving, staying };
}

/** Take reports out of an incident; each keeps its own workflow. At least one report stays (close the incident instead). */
export async function removeIncidentReports(deps: IncidentsDeps, ctx: RequestContext, id: string, input: TRemove, lang: TLang): Promise<TIncidentDetail> {
  const row = await loadVisibleIncident(deps, ctx, id);
  requireGrouper(ctx);
  if (row.status === 'closed') throw new AppError('conflict', 'incident closed', { userMessage: CLOSED });
  const members = await findIncidentReports(deps.handle.db, row);
  const { moving, staying } = partition(members, input.reportIds);
  const regionCode = commonRegionOf(staying.map((r) => r.regionCode));
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateIncidentVersioned(tx, row, input.version, { regionCode, regencyCode: regencyOf(regionCode) }, ctx.now);
    if (!next) return null;
    const detached = await detachReports(tx, row.provinceCode, row.id, moving.map((r) => r.id), ctx.now);
    if (detached.length !== moving.length) throw new AppError('conflict', 'membership changed meanwhile');
    const { events, audits } = membershipRows(ctx, moving, 'incident_remove', next);
    await insertReportEvents(tx, events);
    await insertAudit(tx, [
      { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'incident.remove_reports', entity: 'incident', entityId: row.id, regionCode, after: { reportIds: moving.map((r) => r.id), regionCode, version: next.version }, ip: ctx.ip },
      ...audits,
    ]);
    return next;
  });
  if (!updated) throw await staleError(deps, ctx, row, lang);
  return detailOf(deps, ctx, updated, lang);
}

/** Move some reports of an incident into a new one (they turned out to be a different event). */
export async function splitIncident(deps: IncidentsDeps, ctx: RequestContext, id: string, input: TSplit, lang: TLang): Promise<{ from: TIncidentDetail; to: TIncidentDetail }> {
  const row = await loadVisibleIncident(deps, ctx, id);
  requireGrouper(ctx);
  if (row.status === 'closed') throw new AppError('conflict', 'incident closed', { userMessage: CLOSED });
  const newId = input.newId ?? randomUUID();
  if (input.newId && (await findIncidentById(deps.handle.db, input.newId))) throw duplicateIdError(input.newId);
  const members = await findIncidentReports(deps.handle.db, row);
  const { moving, staying } = partition(members, input.reportIds);
  const regionCode = commonRegionOf(staying.map((r) => r.regionCode));
  const newRegion = commonRegionOf(moving.map((r) => r.regionCode));
  try {
    const result = await deps.handle.db.transaction(async (tx) => {
      const next = await updateIncidentVersioned(tx, row, input.version, { regionCode, regencyCode: regencyOf(regionCode) }, ctx.now);
      if (!next) return null;
      const created = await insertIncident(tx, {
        provinceCode: row.provinceCode,
        id: newId,
        regencyCode: regencyOf(newRegion),
        regionCode: newRegion,
        title: input.title,
        description: null,
        status: 'open',
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      const moved = await detachReports(tx, row.provinceCode, row.id, moving.map((r) => r.id), ctx.now, newId);
      if (moved.length !== moving.length) throw new AppError('conflict', 'membership changed meanwhile');
      const out = membershipRows(ctx, moving, 'incident_remove', next, { splitTo: newId });
      const into = membershipRows(ctx, moving, 'incident_add', created, { splitFrom: row.id });
      await insertReportEvents(tx, [...out.events, ...into.events]);
      await insertAudit(tx, [
        { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'incident.split', entity: 'incident', entityId: row.id, regionCode, after: { newIncidentId: newId, reportIds: moving.map((r) => r.id), version: next.version }, ip: ctx.ip },
        { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'incident.create', entity: 'incident', entityId: newId, regionCode: newRegion, after: { title: input.title, reportIds: moving.map((r) => r.id), regionCode: newRegion, splitFrom: row.id }, ip: ctx.ip },
        ...out.audits,
        ...into.audits.map((a) => ({ ...a, before: { incidentId: row.id } })),
      ]);
      return { next, created };
    });
    if (!result) throw await staleError(deps, ctx, row, lang);
    return { from: await detailOf(deps, ctx, result.next, lang), to: await detailOf(deps, ctx, result.created, lang) };
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateIdError(newId);
    throw error;
  }
}

function skipReasonOf(error: AppError): TSkipReason {
  switch (error.code) {
    case 'conflict':
    case 'duplicate':
      return 'conflict';
    case 'forbidden':
      return 'forbidden';
    case 'not_found':
    case 'out_of_scope':
      return 'out_of_scope';
    default:
      return 'invalid';
  }
}

function userMessageOf(error: AppError, lang: TLang): string {
  if (error.options.userMessage) return error.options.userMessage[lang];
  const field = error.options.fields?.[0];
  return field ? `${field.path}: ${translateFieldMessage(field.message, lang)}` : error.code;
}

/**
 * Carry a workflow action to every member report that allows it, one report at a time, oldest
 * event first, through the same use case as a single report (same permissions, events, audit,
 * notices). The incident's version guards the whole step; each report is then changed at its
 * current version. Reports whose status does not allow the action, or that fail on their own
 * (already at province, no desk for the pillar, changed meanwhile), are skipped and listed with
 * the reason; the others stay applied — there is no all-or-nothing across reports.
 */
export async function applyIncidentAction(
  deps: IncidentsDeps,
  ctx: RequestContext,
  id: string,
  action: TIncidentAction,
  body: TReportActionBody<TIncidentAction>,
  lang: TLang,
): Promise<TIncidentActionResult> {
  const row = await loadVisibleIncident(deps, ctx, id);
  requireGrouper(ctx);
  if (!can(ctx.actor.role, ACTION_PERMISSIONS[action])) throw new AppError('forbidden', `${ctx.actor.role} cannot ${action}`);
  if (row.status === 'closed') throw new AppError('conflict', 'incident closed', { userMessage: CLOSED });
  const { version, ...fields } = body as { version: number } & Record<string, unknown>;
  const claimed = await deps.handle.db.transaction(async (tx) => {
    const next = await updateIncidentVersioned(tx, row, version, {}, ctx.now);
    if (!next) return null;
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: `incident.${action}`,
      entity: 'incident',
      entityId: row.id,
      regionCode: row.regionCode,
      after: { ...fields, version: next.version },
      ip: ctx.ip,
    });
    return next;
  });
  if (!claimed) throw await staleError(deps, ctx, row, lang);

  const applied: TIncidentActionResult['applied'] = [];
  const skipped: TIncidentActionResult['skipped'] = [];
  for (const report of await findIncidentReports(deps.handle.db, row)) {
    const status = report.status as TReportStatus;
    if (nextStatus(status, action) === null) {
      skipped.push({
        reportId: report.id,
        status,
        reason: 'status',
        message: lang === 'id' ? `Tindakan "${action}" tidak berlaku untuk laporan berstatus "${status}".` : `Action "${action}" does not apply to a report with status "${status}".`,
      });
      continue;
    }
    try {
      const done = await applyReportAction(deps, ctx, report.id, action, { ...fields, version: report.version } as TReportActionBody<typeof action>, lang);
      applied.push({ reportId: report.id, status: done.status });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      skipped.push({ reportId: report.id, status, reason: skipReasonOf(error), message: userMessageOf(error, lang) });
    }
  }
  return { incident: await detailOf(deps, ctx, claimed, lang), applied, skipped };
}
