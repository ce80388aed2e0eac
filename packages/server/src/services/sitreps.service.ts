import { randomUUID } from 'node:crypto';
import {
  NATIONAL_SCOPE,
  ZSitrepCreate,
  ZSitrepListQuery,
  ZSitrepSectionSubmit,
  ZSitrepSectionUpdate,
  ZSitrepStep,
  ZSitrepTemplateInput,
  addDays,
  can,
  canApproveSitrep,
  countSitrepNumbers,
  decodeCursor,
  defaultSitrepSections,
  encodeCursor,
  isInScope,
  localDateOf,
  localMidnight,
  regionLevelOf,
  sitrepLevelOf,
  timeZoneLabelOf,
  type TEscalationLevel,
  type TSitrep,
  type TSitrepNumbers,
  type TSitrepSection,
  type TSitrepSectionDef,
  type TSitrepSummary,
  type TSitrepTemplate,
} from '@sinergi/domain';
import type { z } from 'zod';
import type { DbHandle, Executor } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findPillars } from '../db/repositories/pillars.js';
import { insertOutbox } from '../db/repositories/reports.js';
import {
  countDayEvents,
  countSubmittedSections,
  findDayAlerts,
  findDayReportFacts,
  findLatestSitrep,
  findOpenEscalations,
  countOpenReports,
  findSections,
  findSitrepById,
  findSitreps,
  findTemplate,
  insertSitrep,
  insertTemplate,
  updateSectionVersioned,
  updateSitrepVersioned,
  updateTemplateVersioned,
  type SitrepRow,
  type SitrepSectionRow,
} from '../db/repositories/sitreps.js';
import { findUserById } from '../db/repositories/users.js';
import { AppError, fieldError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import { slaInForce } from './config.service.js';
import { SYSTEM_ACTOR, type Actor, type RequestContext } from './context.js';
import type { ElectionStore } from './elections.service.js';
import { registerNoticeTopic } from './notice-topics.js';
import { listRisk } from './risk.service.js';

/*
 * Daily situation reports (laporan situasi harian): assembled per region and local date from
 * sections each pillar's desk fills or confirms and from the day's numbers; approved by the
 * Kesbangpol desk, released (immutable) and sent to the distribution list through the outbox.
 */

export interface SitrepDeps {
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
  /** Demo mode: new reports are marked as demo data (and the PDF says so). */
  isDemo: boolean;
}

/** Outbox topic of a released report; the delivery job e-mails the distribution list. */
export const SITREP_RELEASED_TOPIC = 'sitrep.released';

/*
 * How a release reads in the bell, the e-mail and the webhook. The e-mail goes to the region's
 * distribution list (`email:` recipients) and to the desks of the region; it links the report's
 * page in the web app (SINERGI_PUBLIC_URL), where the PDF is one click away for a signed-in
 * reader — the PDF is not attached, so a forwarded e-mail never carries restricted content.
 */
registerNoticeTopic({
  topic: SITREP_RELEASED_TOPIC,
  label: { id: 'Laporan situasi harian dirilis', en: 'Daily situation report released' },
  email: () => true,
  describe: (p, { regionName, lang }) => {
    const name = typeof p.regionName === 'string' ? p.regionName : (regionName ?? '');
    const date = typeof p.date === 'string' ? p.date : '';
    const rev = typeof p.revision === 'number' && p.revision > 1 ? p.revision : null;
    const demo = p.isDemo === true ? (lang === 'id' ? '[DATA DEMO] ' : '[DEMO DATA] ') : '';
    return lang === 'id'
      ? `${demo}Laporan situasi harian ${name} ${date}${rev ? ` (revisi ${rev})` : ''} dirilis — PDF tersedia di tautan`
      : `${demo}Daily situation report ${name} ${date}${rev ? ` (revision ${rev})` : ''} released — PDF at the link`;
  },
  link: (p) => (typeof p.sitrepId === 'string' ? `/lapsit/${p.sitrepId}` : null),
});

const TOP_REGIONS = 5;
const TOP_ESCALATIONS = 10;
const MAX_ALERTS = 50;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation', 'sitrep input', { fields: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message })) });
  }
  return parsed.data;
}

function conflict(what: string, key?: string): AppError {
  return new AppError('conflict', what, key ? { fields: [{ path: 'status', message: key }] } : {});
}

// ─────────────────────────────── access ───────────────────────────────

function requireRead(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
}

function requireWrite(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'sitreps.write')) throw new AppError('forbidden', `${ctx.actor.username} cannot write situation reports`);
}

function requireApprove(ctx: RequestContext): void {
  if (!canApproveSitrep(ctx.actor.role, ctx.actor.pillarCode)) {
    throw new AppError('forbidden', `${ctx.actor.username} is not a Kesbangpol desk`, {
      userMessage: { id: 'Hanya desk Kesbangpol yang dapat menyetujui dan merilis laporan situasi.', en: 'Only the Kesbangpol desk can approve and release situation reports.' },
    });
  }
}

function canEditSection(actor: Actor, section: Pick<SitrepSectionRow, 'pillarCode'>): boolean {
  return can(actor.role, 'sitreps.write') && (actor.role === 'admin' || actor.pillarCode === section.pillarCode);
}

/** A report the caller may see, or 404 (another district's desk learns nothing, not even that it exists). */
async function loadVisible(ex: Executor, ctx: RequestContext, id: string): Promise<SitrepRow> {
  requireRead(ctx);
  const row = await findSitrepById(ex, id);
  if (!row || !isInScope(row.regionCode, ctx.actor.scopes)) throw new AppError('not_found', `sitrep ${id}`);
  return row;
}

// ─────────────────────────────── templates ───────────────────────────────

function levelOrThrow(regionCode: string) {
  const level = sitrepLevelOf(regionCode);
  if (!level) throw fieldError('regionCode', 'sitrep.region_level');
  return level;
}

/** A region's sections and distribution list: its own, or the defaults (one per pillar desk). */
export async function templateOf(ex: Executor, regionCode: string): Promise<TSitrepTemplate> {
  const row = await findTemplate(ex, regionCode);
  if (row) return { regionCode, sections: row.sections as TSitrepSectionDef[], distribution: row.distribution, isDefault: false, version: row.version };
  return { regionCode, sections: defaultSitrepSections(levelOrThrow(regionCode)), distribution: [], isDefault: true, version: 0 };
}

function requireKnownRegion(deps: SitrepDeps, ctx: RequestContext, regionCode: string): void {
  levelOrThrow(regionCode);
  if (!deps.regions.has(regionCode)) throw fieldError('regionCode', 'region.unknown');
  if (!isInScope(regionCode, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${regionCode}`);
}

export async function getSitrepTemplate(deps: SitrepDeps, ctx: RequestContext, regionCode: string): Promise<TSitrepTemplate> {
  requireRead(ctx);
  requireKnownRegion(deps, ctx, regionCode);
  return templateOf(deps.handle.db, regionCode);
}

/**
 * Change a region's sections and distribution list (administrators, or the region's Kesbangpol
 * desk). Reports already created keep their sections; the next new report uses the change.
 */
export async function putSitrepTemplate(deps: SitrepDeps, ctx: RequestContext, regionCode: string, input: unknown): Promise<TSitrepTemplate> {
  if (!can(ctx.actor.role, 'config.manage')) requireApprove(ctx);
  requireKnownRegion(deps, ctx, regionCode);
  const data = parse(ZSitrepTemplateInput, input);
  const pillars = new Set((await findPillars(deps.handle.db)).map((p) => p.code));
  data.sections.forEach((s, i) => {
    if (!pillars.has(s.pillarCode)) throw fieldError(`sections.${i}.pillarCode`, 'pillar.unknown');
  });
  return deps.handle.db.transaction(async (tx) => {
    const before = await templateOf(tx, regionCode);
    const patch = { sections: data.sections, distribution: data.distribution, updatedBy: ctx.actor.id === SYSTEM_ACTOR.id ? null : ctx.actor.id };
    let stored;
    if (before.isDefault) {
      if (data.version !== undefined && data.version !== 0) throw conflict('template appeared meanwhile');
      stored = await insertTemplate(tx, { regionCode, ...patch });
    } else {
      if (data.version === undefined) throw fieldError('version', 'Required');
      stored = await updateTemplateVersioned(tx, regionCode, data.version, patch);
    }
    if (!stored) throw conflict(`template ${regionCode}`);
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'sitrep.template_update',
      entity: 'sitrep_template',
      entityId: regionCode,
      regionCode,
      before: { sections: before.sections, distribution: before.distribution, version: before.version },
      after: { sections: data.sections, distribution: data.distribution, version: stored.version },
      ip: ctx.ip,
    });
    return { regionCode, sections: data.sections, distribution: stored.distribution, isDefault: false, version: stored.version };
  });
}

// ─────────────────────────────── numbers ───────────────────────────────

/** Escalation levels at or above a sitrep region's own (its desk and the ones above it). */
function levelsFrom(regionCode: string): TEscalationLevel[] {
  switch (sitrepLevelOf(regionCode)) {
    case 'province':
      return ['province'];
    case 'regency':
      return ['regency', 'province'];
    default:
      return ['district', 'regency', 'province'];
  }
}

/**
 * The day's numbers of a region: reports received in the local day (by category, severity and
 * status), resolutions and escalations during it, open and overdue reports at its end (or now,
 * for today), the most vulnerable child regions, and the open escalations at this level.
 */
export async function assembleSitrepNumbers(deps: Omit<SitrepDeps, 'isDemo'>, regionCode: string, date: string, now: Date): Promise<TSitrepNumbers> {
  const from = localMidnight(date, regionCode);
  const endOfDay = localMidnight(addDays(date, 1), regionCode);
  const to = now.getTime() < endOfDay.getTime() ? now : endOfDay;
  const ex = deps.handle.db;
  const [dayReports, events, open, escalations, dayAlerts] = await Promise.all([
    findDayReportFacts(ex, regionCode, from, to),
    countDayEvents(ex, regionCode, from, to),
    slaInForce(ex, to).then((sla) => countOpenReports(ex, regionCode, to, sla)),
    findOpenEscalations(ex, regionCode, levelsFrom(regionCode), to, TOP_ESCALATIONS),
    findDayAlerts(ex, regionCode, from, to, MAX_ALERTS),
  ]);
  // the day's breakdown from its rows; open and overdue at the end of the day counted by the database
  const counts = {
    ...countSitrepNumbers({ dayReports, resolvedInDay: events.resolved, escalatedInDay: events.escalated, openReports: [], toMs: to.getTime() }),
    openAtEnd: open.open,
    overdue: open.overdue,
  };
  // the index of each child region at the end of the day (or now), read as a national service would
  const risk = await listRisk(deps, { actor: { ...SYSTEM_ACTOR, scopes: [NATIONAL_SCOPE] }, ip: null, now }, { parent: regionCode, date });
  const topRegions = [...risk.items]
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.regionCode.localeCompare(b.regionCode))
    .slice(0, TOP_REGIONS)
    .map((r) => ({ regionCode: r.regionCode, regionName: r.regionName, score: r.score, level: r.level }));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    ...counts,
    topRegions,
    escalations: escalations.map((e) => ({
      reportId: e.id,
      title: e.title,
      category: e.category,
      severity: e.severity,
      status: e.status,
      escalationLevel: e.escalationLevel,
      regionCode: e.regionCode,
      regionName: deps.regions.nameOf(e.regionCode) ?? e.regionCode,
      escalatedAt: e.escalatedAt?.toISOString() ?? null,
    })),
    alerts: dayAlerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: a.status,
      regionCode: a.regionCode,
      regionName: deps.regions.nameOf(a.regionCode) ?? a.regionCode,
      level: a.level,
      severity: a.severity,
      cause: a.cause as { id: string; en: string },
      isProvisional: a.isProvisional,
      createdAt: a.createdAt.toISOString(),
    })),
  };
}

// ─────────────────────────────── presenting ───────────────────────────────

async function pillarNames(ex: Executor): Promise<Map<string, string>> {
  return new Map((await findPillars(ex)).map((p) => [p.code, p.name]));
}

function summaryOf(deps: Pick<SitrepDeps, 'regions'>, row: SitrepRow, counts: { submitted: number; total: number }): TSitrepSummary {
  return {
    id: row.id,
    regionCode: row.regionCode,
    regionName: deps.regions.nameOf(row.regionCode) ?? row.regionCode,
    level: regionLevelOf(row.regionCode),
    date: row.date,
    timeZone: timeZoneLabelOf(row.regionCode),
    revision: row.revision,
    status: row.status as TSitrepSummary['status'],
    isDemo: row.isDemo,
    sectionsSubmitted: counts.submitted,
    sectionsTotal: counts.total,
    approvedBy: row.approvedByName,
    approvedAt: row.approvedAt?.toISOString() ?? null,
    releasedAt: row.releasedAt?.toISOString() ?? null,
    supersededBy: row.supersededBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

async function present(deps: SitrepDeps, ctx: RequestContext, row: SitrepRow, ex: Executor = deps.handle.db): Promise<TSitrep> {
  const sections = await findSections(ex, row);
  const names = await pillarNames(ex);
  const isDraft = row.status === 'draft';
  const presented: TSitrepSection[] = sections.map((s) => ({
    code: s.code,
    pillarCode: s.pillarCode,
    pillarName: names.get(s.pillarCode) ?? s.pillarCode,
    title: s.title,
    body: s.body,
    status: s.status as TSitrepSection['status'],
    submittedBy: s.submittedByName,
    submittedAt: s.submittedAt?.toISOString() ?? null,
    updatedBy: s.updatedByName,
    updatedAt: s.updatedAt?.toISOString() ?? null,
    sortOrder: s.sortOrder,
    version: s.version,
    canEdit: isDraft && canEditSection(ctx.actor, s),
  }));
  const submitted = presented.filter((s) => s.status === 'submitted').length;
  const approver = canApproveSitrep(ctx.actor.role, ctx.actor.pillarCode);
  return {
    ...summaryOf(deps, row, { submitted, total: presented.length }),
    sections: presented,
    numbers: row.numbers as TSitrepNumbers,
    numbersAt: row.numbersAt.toISOString(),
    approverPosition: row.approverPosition,
    supersedes: row.supersedes,
    distribution: row.distribution,
    can: {
      approve: approver && isDraft && submitted === presented.length,
      release: approver && row.status === 'approved',
      refresh: isDraft && can(ctx.actor.role, 'sitreps.write'),
      revise: approver && row.status === 'released' && row.supersededBy === null,
    },
  };
}

// ─────────────────────────────── use cases ───────────────────────────────

/**
 * Open the situation report of a region and a date, creating it (revision 1, its sections from
 * the region's template, the day's numbers) when there is none. Answers the latest revision.
 */
export async function createSitrep(deps: SitrepDeps, ctx: RequestContext, input: unknown): Promise<{ sitrep: TSitrep; created: boolean }> {
  requireWrite(ctx);
  const data = parse(ZSitrepCreate, input);
  requireKnownRegion(deps, ctx, data.regionCode);
  if (data.date > localDateOf(ctx.now, data.regionCode)) throw fieldError('date', 'date.future');
  const existing = await findLatestSitrep(deps.handle.db, data.regionCode, data.date);
  if (existing) return { sitrep: await present(deps, ctx, existing), created: false };
  const template = await templateOf(deps.handle.db, data.regionCode);
  const numbers = await assembleSitrepNumbers(deps, data.regionCode, data.date, ctx.now);
  const id = randomUUID();
  const provinceCode = data.regionCode.slice(0, 2);
  try {
    const row = await deps.handle.db.transaction(async (tx) => {
      const stored = await insertSitrep(
        tx,
        { provinceCode, id, regionCode: data.regionCode, date: data.date, revision: 1, status: 'draft', isDemo: deps.isDemo, numbers, numbersAt: ctx.now, distribution: template.distribution, createdBy: actorId(ctx), createdAt: ctx.now, updatedAt: ctx.now },
        template.sections.map((s, i) => ({ provinceCode, sitrepId: id, code: s.code, pillarCode: s.pillarCode, title: s.title, body: '', status: 'pending', sortOrder: i + 1 })),
      );
      await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'sitrep.create', entity: 'sitrep', entityId: id, regionCode: data.regionCode, after: { regionCode: data.regionCode, date: data.date, revision: 1, sections: template.sections.map((s) => s.code) }, ip: ctx.ip });
      return stored;
    });
    return { sitrep: await present(deps, ctx, row), created: true };
  } catch (error) {
    // two desks opened the same day at once: the other one's insert won
    const raced = await findLatestSitrep(deps.handle.db, data.regionCode, data.date);
    if (raced) return { sitrep: await present(deps, ctx, raced), created: false };
    throw error;
  }
}

function actorId(ctx: RequestContext): string | null {
  return ctx.actor.id === SYSTEM_ACTOR.id ? null : ctx.actor.id;
}

export async function getSitrep(deps: SitrepDeps, ctx: RequestContext, id: string): Promise<TSitrep> {
  return present(deps, ctx, await loadVisible(deps.handle.db, ctx, id));
}

export async function listSitreps(deps: SitrepDeps, ctx: RequestContext, query: unknown): Promise<{ items: TSitrepSummary[]; nextCursor: string | null }> {
  requireRead(ctx);
  const q = parse(ZSitrepListQuery, query);
  let before: { date: string; id: string } | undefined;
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    if (!c || c.length !== 2) throw fieldError('cursor', 'cursor.invalid');
    before = { date: String(c[0]), id: String(c[1]) };
  }
  if (q.region && !isInScope(q.region, ctx.actor.scopes)) return { items: [], nextCursor: null };
  const rows = await findSitreps(deps.handle.db, { scopes: ctx.actor.scopes, region: q.region, date: q.date, from: q.from, to: q.to, status: q.status, before, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const counts = await countSubmittedSections(deps.handle.db, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    items: page.map((r) => summaryOf(deps, r, counts.get(r.id) ?? { submitted: 0, total: 0 })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.date, last.id]) : null,
  };
}

interface SectionChange {
  body?: string;
  submit: boolean;
  version: number;
}

/** Save or submit one section (its pillar's desk), bumping the report's version too. */
async function changeSection(deps: SitrepDeps, ctx: RequestContext, id: string, code: string, change: SectionChange): Promise<TSitrep> {
  const row = await loadVisible(deps.handle.db, ctx, id);
  requireWrite(ctx);
  const section = (await findSections(deps.handle.db, row)).find((s) => s.code === code);
  if (!section) throw new AppError('not_found', `section ${code}`, { fields: [{ path: 'code', message: 'sitrep.section_unknown' }] });
  if (!canEditSection(ctx.actor, section)) {
    throw new AppError('forbidden', `${ctx.actor.username} is not the ${section.pillarCode} desk`, {
      userMessage: { id: 'Bagian ini diisi oleh desk pilar yang bersangkutan.', en: 'This section is filled by its own pillar’s desk.' },
    });
  }
  if (row.status !== 'draft') throw conflict(`sitrep ${id} is ${row.status}`, 'sitrep.not_draft');
  const body = change.body ?? section.body;
  if (change.submit && body.trim() === '') throw fieldError('body', 'sitrep.body_required');
  const updated = await deps.handle.db.transaction(async (tx) => {
    const name = ctx.actor.fullName;
    const next = await updateSectionVersioned(tx, { provinceCode: row.provinceCode, id, code }, change.version, {
      body,
      status: change.submit ? 'submitted' : 'pending',
      updatedBy: actorId(ctx),
      updatedByName: name,
      updatedAt: ctx.now,
      ...(change.submit ? { submittedBy: actorId(ctx), submittedByName: name, submittedAt: ctx.now } : {}),
    });
    if (!next) throw conflict(`section ${code} changed meanwhile`);
    const parent = await updateSitrepVersioned(tx, row, row.version, {});
    if (!parent) throw conflict(`sitrep ${id} changed meanwhile`);
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: change.submit ? 'sitrep.section_submit' : 'sitrep.section_update',
      entity: 'sitrep',
      entityId: id,
      regionCode: row.regionCode,
      before: { section: code, body: section.body, status: section.status, version: section.version },
      after: { section: code, body, status: next.status, version: next.version },
      ip: ctx.ip,
    });
    return parent;
  });
  return present(deps, ctx, updated);
}

export async function updateSitrepSection(deps: SitrepDeps, ctx: RequestContext, id: string, code: string, input: unknown): Promise<TSitrep> {
  const data = parse(ZSitrepSectionUpdate, input);
  return changeSection(deps, ctx, id, code, { body: data.body, submit: false, version: data.version });
}

/** Fill (with `body`) or confirm (the text as it stands) a section. */
export async function submitSitrepSection(deps: SitrepDeps, ctx: RequestContext, id: string, code: string, input: unknown): Promise<TSitrep> {
  const data = parse(ZSitrepSectionSubmit, input);
  return changeSection(deps, ctx, id, code, { body: data.body, submit: true, version: data.version });
}

/** Re-assemble a draft's numbers from the records as they stand now. */
export async function refreshSitrepNumbers(deps: SitrepDeps, ctx: RequestContext, id: string, input: unknown): Promise<TSitrep> {
  const { version } = parse(ZSitrepStep, input);
  const row = await loadVisible(deps.handle.db, ctx, id);
  requireWrite(ctx);
  if (row.status !== 'draft') throw conflict(`sitrep ${id} is ${row.status}`, 'sitrep.not_draft');
  const numbers = await assembleSitrepNumbers(deps, row.regionCode, row.date, ctx.now);
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateSitrepVersioned(tx, row, version, { numbers, numbersAt: ctx.now });
    if (!next) throw conflict(`sitrep ${id} changed meanwhile`);
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'sitrep.refresh', entity: 'sitrep', entityId: id, regionCode: row.regionCode, before: { numbersAt: row.numbersAt.toISOString() }, after: { numbersAt: ctx.now.toISOString(), received: numbers.received }, ip: ctx.ip });
    return next;
  });
  return present(deps, ctx, updated);
}

/**
 * Approve (the Kesbangpol desk): every section submitted; the numbers are assembled one last time
 * and frozen with the approver's name and position. Sections cannot change afterwards.
 */
export async function approveSitrep(deps: SitrepDeps, ctx: RequestContext, id: string, input: unknown): Promise<TSitrep> {
  const { version } = parse(ZSitrepStep, input);
  const row = await loadVisible(deps.handle.db, ctx, id);
  requireApprove(ctx);
  if (row.status !== 'draft') throw conflict(`sitrep ${id} is ${row.status}`, 'sitrep.not_draft');
  if (row.version !== version) throw conflict(`sitrep ${id} version ${row.version}, not ${version}`);
  const sections = await findSections(deps.handle.db, row);
  if (sections.some((s) => s.status !== 'submitted')) {
    throw new AppError('conflict', 'sections pending', { fields: sections.filter((s) => s.status !== 'submitted').map((s) => ({ path: `sections.${s.code}`, message: 'sitrep.sections_pending' })) });
  }
  const numbers = await assembleSitrepNumbers(deps, row.regionCode, row.date, ctx.now);
  const user = actorId(ctx) ? await findUserById(deps.handle.db, ctx.actor.id) : null;
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateSitrepVersioned(tx, row, version, {
      status: 'approved',
      numbers,
      numbersAt: ctx.now,
      approvedBy: actorId(ctx),
      approvedByName: ctx.actor.fullName,
      approverPosition: user?.position ?? null,
      approvedAt: ctx.now,
    });
    if (!next) throw conflict(`sitrep ${id} changed meanwhile`);
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'sitrep.approve', entity: 'sitrep', entityId: id, regionCode: row.regionCode, before: { status: row.status, version }, after: { status: 'approved', version: next.version, received: numbers.received }, ip: ctx.ip });
    return next;
  });
  return present(deps, ctx, updated);
}

/**
 * Release an approved report: from now on it is immutable. The distribution list in force is
 * stored on it, and one outbox row (same transaction) tells the delivery job to e-mail it.
 */
export async function releaseSitrep(deps: SitrepDeps, ctx: RequestContext, id: string, input: unknown): Promise<TSitrep> {
  const { version } = parse(ZSitrepStep, input);
  const row = await loadVisible(deps.handle.db, ctx, id);
  requireApprove(ctx);
  if (row.status !== 'approved') throw conflict(`sitrep ${id} is ${row.status}`, row.status === 'released' ? 'sitrep.not_draft' : 'sitrep.not_approved');
  const template = await templateOf(deps.handle.db, row.regionCode);
  const updated = await deps.handle.db.transaction(async (tx) => {
    const next = await updateSitrepVersioned(tx, row, version, { status: 'released', releasedBy: actorId(ctx), releasedAt: ctx.now, distribution: template.distribution });
    if (!next) throw conflict(`sitrep ${id} changed meanwhile`);
    const level = regionLevelOf(row.regionCode);
    const regionName = deps.regions.nameOf(row.regionCode) ?? row.regionCode;
    await insertOutbox(tx, [
      {
        provinceCode: row.provinceCode,
        topic: SITREP_RELEASED_TOPIC,
        regionCode: row.regionCode,
        payload: {
          sitrepId: id,
          regionCode: row.regionCode,
          regionName,
          date: row.date,
          timeZone: timeZoneLabelOf(row.regionCode),
          revision: row.revision,
          isDemo: row.isDemo,
          pdfPath: `/api/sitreps/${id}/pdf`,
          distribution: template.distribution,
          subject: `${row.isDemo ? '[DATA DEMO] ' : ''}Laporan Situasi Harian ${regionName} ${row.date}${row.revision > 1 ? ` (revisi ${row.revision})` : ''}`,
        },
        recipients: [`${level}:${row.regionCode}`, ...template.distribution.map((e) => `email:${e}`)],
      },
    ]);
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'sitrep.release', entity: 'sitrep', entityId: id, regionCode: row.regionCode, before: { status: row.status, version }, after: { status: 'released', version: next.version, distribution: template.distribution }, ip: ctx.ip });
    return next;
  });
  deps.handle.outboxWritten();
  return present(deps, ctx, updated);
}

/**
 * Correct a released report: a new revision (draft) of the same day with the sections' text
 * carried over (each to be submitted again) and fresh numbers; the released one stays as it was
 * and points to its successor.
 */
export async function reviseSitrep(deps: SitrepDeps, ctx: RequestContext, id: string, input: unknown): Promise<TSitrep> {
  const { version } = parse(ZSitrepStep, input);
  const row = await loadVisible(deps.handle.db, ctx, id);
  requireApprove(ctx);
  if (row.status !== 'released') throw conflict(`sitrep ${id} is ${row.status}`, 'sitrep.not_released');
  if (row.supersededBy) throw conflict(`sitrep ${id} already revised`, 'sitrep.already_revised');
  const sections = await findSections(deps.handle.db, row);
  const numbers = await assembleSitrepNumbers(deps, row.regionCode, row.date, ctx.now);
  const newId = randomUUID();
  const created = await deps.handle.db.transaction(async (tx) => {
    const old = await updateSitrepVersioned(tx, row, version, { supersededBy: newId });
    if (!old) throw conflict(`sitrep ${id} changed meanwhile`);
    const stored = await insertSitrep(
      tx,
      { provinceCode: row.provinceCode, id: newId, regionCode: row.regionCode, date: row.date, revision: row.revision + 1, status: 'draft', isDemo: row.isDemo, numbers, numbersAt: ctx.now, distribution: row.distribution, supersedes: id, createdBy: actorId(ctx), createdAt: ctx.now, updatedAt: ctx.now },
      sections.map((s) => ({ provinceCode: row.provinceCode, sitrepId: newId, code: s.code, pillarCode: s.pillarCode, title: s.title, body: s.body, status: 'pending', sortOrder: s.sortOrder })),
    );
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'sitrep.revise', entity: 'sitrep', entityId: newId, regionCode: row.regionCode, before: { id, revision: row.revision }, after: { id: newId, revision: row.revision + 1 }, ip: ctx.ip });
    return stored;
  });
  return present(deps, ctx, created);
}
