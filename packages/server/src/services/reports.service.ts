import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ACTION_PERMISSIONS,
  DEFAULT_DUPLICATE_CONFIG,
  NATIONAL_SCOPE,
  can,
  decodeCursor,
  defaultHandlerIn,
  intakeIssue,
  dueEscalation,
  encodeCursor,
  formatReceiptCode,
  isInScope,
  nextEscalationLevel,
  nextStatus,
  provinceCodeOf,
  regionChainOf,
  regionCodeAtLevel,
  regionLevelOf,
  slaCutoffs,
  type TCategoryCode,
  type TEscalationLevel,
  type TLang,
  type TReport,
  type TReportAction,
  type TReportActionBody,
  type TReportCreate,
  type TReportEvent,
  type TReportListQuery,
  type TReportReceipt,
  type TReportSource,
  type TReportStatus,
  type TSeverity,
  type TSlaConfig,
  type TTaxonomyConfig,
} from '@sinergi/domain';
import { isUniqueViolation, type DbHandle } from '../db/client.js';
import { auditRows, insertAudit } from '../db/repositories/audit.js';
import {
  findOrganisation,
  findOrganisationNames,
  findReportById,
  findReportEvents,
  findReports,
  findStoredHeads,
  findSlaDue,
  insertOutbox,
  insertReportEvents,
  writeReportBatchOnce,
  updateReportVersioned,
  type NewOutboxRow,
  type NewReportEventRow,
  type NewReportRow,
  type ReportFilter,
  type ReportRow,
  type StoredReportHead,
} from '../db/repositories/reports.js';
import { AppError } from '../errors.js';
import { presentEvent, presentReport } from '../presenters/reports.js';
import type { RegionStore } from '../regions/region-store.js';
import type { Actor, RequestContext } from './context.js';
import type { ElectionStore } from './elections.service.js';
import { GroupCommitter } from './report-writer.js';
import { slaInForce } from './config.service.js';
import { checkIntake, taxonomyInForce } from './taxonomy.service.js';

export interface ReportsDeps {
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
  writer: ReportWriter;
  sla?: TSlaConfig;
}

/** A report ready to write: everything computed before the transaction. */
interface PreparedReport {
  row: NewReportRow & { id: string; provinceCode: string; regencyCode: string; regionCode: string; category: string | null; occurredAt: Date };
  actor: Actor | null;
  ip: string | null;
}

export interface WriteResult {
  row: StoredReportHead;
  duplicate: boolean;
}

/** Recipients of a notice about a report: the desks of its region chain up to `level`. */
export function recipientsOf(regionCode: string, upTo: TEscalationLevel): string[] {
  const out = [`village:${regionCodeAtLevel(regionCode, 'village')}`];
  let level: TEscalationLevel | null = 'district';
  while (level) {
    out.push(`${level}:${regionCodeAtLevel(regionCode, level)}`);
    if (level === upTo) break;
    level = nextEscalationLevel(level);
  }
  return out;
}

function initialLevel(severity: number): TEscalationLevel {
  // critical reports go straight to the kecamatan desk as well as the village's tiga pilar
  return severity >= 4 ? 'district' : 'village';
}

function resentWithOtherContent(id: string): AppError {
  return new AppError('conflict', `report ${id} resent with different content`, {
    userMessage: {
      id: 'Laporan dengan id ini sudah tersimpan dengan isi berbeda.',
      en: 'A report with this id is already stored with different content.',
    },
  });
}

/**
 * Write a batch of prepared reports (used by the group committer) in ONE round trip: a single
 * statement finds the ids already stored (resends), flags possible duplicates and inserts the
 * new reports with their events, audit entries and outbox rows (writeReportBatchOnce). A
 * second read happens only when another writer stored one of the ids meanwhile.
 */
async function writeReportBatch(handle: DbHandle, items: PreparedReport[]): Promise<(WriteResult | Error)[]> {
  // the same id twice in one batch: the later copy is answered as a resend of the first
  const first = new Map<string, PreparedReport>();
  for (const item of items) if (!first.has(item.row.id)) first.set(item.row.id, item);
  const unique = [...first.values()];
  const outcome = await writeReportBatchOnce(handle, {
    reports: unique.map((i) => i.row),
    events: unique.map(({ row: r, actor }) => ({
      reportId: r.id,
      row: {
        provinceCode: r.provinceCode,
        reportId: r.id,
        at: r.createdAt,
        actorId: actor?.id ?? null,
        actorName: actor?.fullName ?? null,
        action: 'create',
        fromStatus: null,
        toStatus: r.status,
        comment: null,
        details: { source: r.source }, // the statement adds possibleDuplicateOf
      },
    })),
    audit: auditRows(
      unique.map(({ row: r, actor, ip }) => ({
        actorId: actor?.id ?? null,
        actorName: actor?.username ?? (r.source === 'public' ? 'publik' : 'gateway'),
        action: 'report.create',
        entity: 'report',
        entityId: r.id,
        regionCode: r.regionCode,
        after: { category: r.category, severity: r.severity, regionCode: r.regionCode, status: r.status, source: r.source, title: r.title },
        ip,
      })),
    ).map((row, i) => ({ reportId: unique[i]!.row.id, row })),
    outbox: unique.map(({ row: r, actor }) => ({
      reportId: r.id,
      row: {
        provinceCode: r.provinceCode,
        topic: 'report.created',
        regionCode: r.regionCode,
        payload: { reportId: r.id, category: r.category, severity: r.severity, status: r.status, source: r.source, title: r.title, ...(actor ? { by: actor.username } : {}) },
        recipients: r.status === 'draft' ? [`regency:${r.regencyCode}`] : recipientsOf(r.regionCode, r.severity >= 3 ? 'regency' : 'district'),
      },
    })),
    duplicates: DEFAULT_DUPLICATE_CONFIG,
  });
  // the statement has committed (one statement, no transaction around it): its outbox rows can go
  if (outcome.inserted.size > 0) handle.outboxWritten();
  const heads = new Map<string, StoredReportHead>(outcome.stored.map((h) => [h.id, h]));
  for (const item of unique) {
    const r = item.row;
    if (outcome.inserted.has(r.id)) heads.set(r.id, { id: r.id, receiptCode: r.receiptCode ?? null, status: r.status, createdAt: r.createdAt!, contentHash: r.contentHash });
  }
  // neither stored before the statement nor written by it: another writer stored it meanwhile
  const raced = unique.filter((i) => !heads.has(i.row.id)).map((i) => i.row.id);
  for (const h of await findStoredHeads(handle.db, raced)) heads.set(h.id, h);
  return items.map((item) => {
    const head = heads.get(item.row.id);
    if (!head) return new Error(`report ${item.row.id} was neither written nor found`);
    const fresh = outcome.inserted.has(item.row.id) && first.get(item.row.id) === item;
    if (fresh) return { row: head, duplicate: false };
    return head.contentHash === item.row.contentHash ? { row: head, duplicate: true } : resentWithOtherContent(item.row.id);
  });
}

export type ReportWriter = GroupCommitter<PreparedReport, WriteResult>;

export function createReportWriter(handle: DbHandle): ReportWriter {
  return new GroupCommitter<PreparedReport, WriteResult>(handle, writeReportBatch);
}

/**
 * What a resend is compared by: the fields the reporter sent, in this order, then the reporter.
 * The keys, their order and their values' JSON are a stored format (reports.content_hash):
 * change them and every report stored before answers its resend with 409.
 */
const CONTENT_KEYS = ['category', 'subcategory', 'severity', 'regionCode', 'occurredAt', 'title', 'description', 'involved', 'source', 'tpsId', 'lat', 'lon', 'confidential'] as const;

/** The SHA-256 of `{"category":…,…,"confidential":…,"reporter":…}`, as JSON.stringify writes an object with these keys (a Date as its ISO string). */
function contentHashOf(row: Pick<PreparedReport['row'], (typeof CONTENT_KEYS)[number]>, reporterId: string | null): string {
  let json = '{';
  for (const key of CONTENT_KEYS) json += `"${key}":${JSON.stringify(row[key])},`;
  return createHash('sha256').update(`${json}"reporter":${JSON.stringify(reporterId)}}`).digest('hex');
}

/**
 * Random bytes for receipt codes, drawn 1,280 at a time: a `randomBytes(5)` per report was ~2 %
 * of the server's CPU on the intake. Every code still takes 5 bytes of its own from the CSPRNG.
 */
const receiptEntropy = { bytes: new Uint8Array(0), at: 0 };

function newReceiptCode(): string {
  if (receiptEntropy.at + 5 > receiptEntropy.bytes.length) {
    receiptEntropy.bytes = randomBytes(5 * 256);
    receiptEntropy.at = 0;
  }
  const code = formatReceiptCode(receiptEntropy.bytes.subarray(receiptEntropy.at, receiptEntropy.at + 5));
  receiptEntropy.at += 5;
  return code;
}

/**
 * Hand a prepared report to the group committer. Receipt codes are 40 random bits (8 characters
 * a citizen can type), so among millions of reports two will eventually meet: the unique index
 * refuses the second, and it is written again with a new code instead of failing the request.
 */
async function submitReport(deps: Pick<ReportsDeps, 'writer'>, prepared: PreparedReport): Promise<WriteResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.writer.submit(prepared);
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error, 'reports_receipt_idx')) throw error;
      prepared.row.receiptCode = newReceiptCode();
    }
  }
}

function checkVillage(regions: RegionStore, regionCode: string): void {
  if (!regions.has(regionCode)) throw new AppError('validation', `unknown village ${regionCode}`, { fields: [{ path: 'regionCode', message: 'region.unknown' }] });
  if (regions.levelOf(regionCode) !== 'village') throw new AppError('validation', 'not a village', { fields: [{ path: 'regionCode', message: 'region.not_village' }] });
}

function checkTps(tpsId: string | undefined): void {
  // TPS arrive with a later capability; until then no TPS id can be valid, so none is accepted.
  if (tpsId) {
    throw new AppError('validation', `unknown tps ${tpsId}`, {
      fields: [{ path: 'tpsId', message: 'tps.unknown' }],
    });
  }
}

/** What the sender wrote (a request body as validated, read field by field, not copied). */
interface PrepareInput {
  id: string;
  category: TCategoryCode | null;
  subcategory?: string | undefined;
  severity: number;
  regionCode: string;
  occurredAt: string;
  title: string;
  description: string;
  involved?: string | undefined;
  tpsId?: string | undefined;
  lat?: number | undefined;
  lon?: number | undefined;
}

/** What the channel decides about it. */
interface PrepareChannel {
  source: TReportSource;
  status: TReportStatus;
  reporter: Actor | null;
  confidential: boolean;
  publicContact?: unknown;
}

function prepare(deps: ReportsDeps, input: PrepareInput, channel: PrepareChannel, now: Date, ip: string | null): PreparedReport {
  const occurredAt = new Date(input.occurredAt);
  const chain = regionChainOf(input.regionCode);
  const stage = deps.elections.stageAt(occurredAt, input.regionCode);
  // Written out key by key, not spread: a spread of this many keys builds a slow-mode object,
  // and everything that reads the row later pays for it (a few per cent of the server's CPU).
  const row: PreparedReport['row'] = {
    category: input.category,
    subcategory: input.subcategory ?? null,
    severity: input.severity,
    regionCode: input.regionCode,
    occurredAt,
    title: input.title,
    description: input.description,
    involved: input.involved ?? null,
    source: channel.source,
    tpsId: input.tpsId ?? null,
    lat: input.lat ?? null,
    lon: input.lon ?? null,
    confidential: channel.confidential,
    provinceCode: provinceCodeOf(input.regionCode),
    // one spelling of the id (a UUID may arrive in upper case): the database answers in lower
    // case, and a resend in the other case is the same report
    id: input.id.toLowerCase(),
    regencyCode: chain[1]!,
    districtCode: chain[2] ?? null,
    electionId: stage.electionId,
    stageCode: stage.stageCode,
    discoveredAt: now < occurredAt ? occurredAt : now,
    reporterId: channel.reporter?.id ?? null,
    reporterName: channel.reporter?.fullName ?? null,
    publicContact: channel.publicContact ?? null,
    receiptCode: newReceiptCode(),
    status: channel.status,
    statusChangedAt: now,
    escalationLevel: chain.length === 4 ? initialLevel(input.severity) : 'regency',
    contentHash: '',
    createdAt: now,
    updatedAt: now,
  };
  // what the reporter sent: its hash tells a resend (same content) from a reused id (different)
  row.contentHash = contentHashOf(row, channel.reporter?.id ?? null);
  return { actor: channel.reporter, ip, row };
}

function receiptOf(result: WriteResult): TReportReceipt {
  return {
    id: result.row.id,
    receiptCode: result.row.receiptCode ?? '',
    status: result.row.status as TReportStatus,
    createdAt: result.row.createdAt.toISOString(),
    duplicate: result.duplicate,
  };
}

/**
 * A new report's category and subcategory must be offered by the taxonomy in force when it
 * arrives (an administrator adds and retires subcategories at run time): else a 400 naming the
 * field. A resend of a report already stored is let through, so the writer answers it as before
 * (the stored receipt, or 409 for different content) even if its subcategory was retired since.
 */
async function checkNewReportTaxonomy(deps: ReportsDeps, at: Date, input: { id: string; category: TCategoryCode; subcategory?: string | undefined }): Promise<void> {
  const { config } = await taxonomyInForce(deps.handle, at);
  if (!intakeIssue(config, input.category, input.subcategory)) return;
  if (await findReportById(deps.handle.db, input.id)) return;
  checkIntake(config, input.category, input.subcategory);
}

/**
 * A field officer or a desk files a report. Idempotent on the client's UUID: the same content
 * again answers with the stored report (duplicate: true), different content is a 409.
 */
export async function createReport(deps: ReportsDeps, ctx: RequestContext, input: TReportCreate): Promise<TReportReceipt> {
  if (!can(ctx.actor.role, 'reports.create')) throw new AppError('forbidden', `${ctx.actor.username} cannot file reports`);
  checkVillage(deps.regions, input.regionCode);
  if (!isInScope(input.regionCode, ctx.actor.scopes)) {
    throw new AppError('out_of_scope', `village ${input.regionCode} outside scope`, { fields: [{ path: 'regionCode', message: 'region.out_of_scope' }] });
  }
  checkTps(input.tpsId);
  await checkNewReportTaxonomy(deps, ctx.now, input);
  const source: TReportSource = input.source ?? (ctx.actor.role === 'field_officer' ? 'field_officer' : 'desk');
  if (source === 'public' || source === 'inbound_message') {
    throw new AppError('validation', 'source reserved', { fields: [{ path: 'source', message: 'source.reserved' }] });
  }
  const prepared = prepare(deps, input, { source, status: 'new', reporter: ctx.actor, confidential: input.confidential }, ctx.now, ctx.ip);
  return receiptOf(await submitReport(deps, prepared));
}

/** An anonymous citizen files a report (proof of work and rate limits are checked by the route). */
export async function createPublicReport(
  deps: ReportsDeps,
  input: { id: string; category: TCategoryCode; subcategory?: string; severity: TSeverity; regionCode: string; occurredAt: string; title: string; description: string; involved?: string; tpsId?: string; lat?: number; lon?: number; contact?: unknown },
  meta: { now: Date; ip: string | null },
): Promise<TReportReceipt> {
  checkVillage(deps.regions, input.regionCode);
  checkTps(input.tpsId);
  await checkNewReportTaxonomy(deps, meta.now, input);
  const prepared = prepare(
    deps,
    input,
    { source: 'public', status: 'new', reporter: null, confidential: true, publicContact: input.contact ?? null },
    meta.now,
    meta.ip,
  );
  return receiptOf(await submitReport(deps, prepared));
}

/** A draft from an inbound message (WhatsApp/SMS): no category or village yet; a desk structures it. */
export async function createDraftReport(
  deps: ReportsDeps,
  input: { id: string; regionCode: string; title: string; description: string; occurredAt: string },
  meta: { now: Date; ip: string | null },
): Promise<WriteResult> {
  const prepared = prepare(
    deps,
    { ...input, category: null, severity: 2 },
    { source: 'inbound_message', status: 'draft', reporter: null, confidential: true },
    meta.now,
    meta.ip,
  );
  return submitReport(deps, prepared);
}

async function orgNamesFor(deps: ReportsDeps, rows: ReportRow[]): Promise<Map<string, string>> {
  return findOrganisationNames(deps.handle.db, [...new Set(rows.map((r) => r.assignedOrgId).filter((x): x is string => !!x))]);
}

async function loadVisible(deps: ReportsDeps, ctx: RequestContext, id: string): Promise<ReportRow> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const row = await findReportById(deps.handle.db, id);
  // out of scope answers as not found: a desk must not learn that a report exists elsewhere
  if (!row || !isInScope(row.regionCode, ctx.actor.scopes)) throw new AppError('not_found', `report ${id}`);
  return row;
}

/** One report. A confidential reporter is revealed only to identity-permitted desks, and each such view is audited. */
export async function getReport(deps: ReportsDeps, ctx: RequestContext, id: string, lang: TLang): Promise<TReport & { timeline: TReportEvent[]; publicContact?: unknown }> {
  const row = await loadVisible(deps, ctx, id);
  const reveal = row.confidential && can(ctx.actor.role, 'reports.identity') && row.reporterId !== ctx.actor.id && (row.reporterId !== null || row.publicContact !== null);
  if (reveal) {
    await insertAudit(deps.handle.db, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'report.identity_view',
      entity: 'report',
      entityId: row.id,
      regionCode: row.regionCode,
      ip: ctx.ip,
    });
  }
  const { config: taxonomy } = await taxonomyInForce(deps.handle, ctx.now);
  const report = presentReport(row, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames: await orgNamesFor(deps, [row]), revealIdentity: reveal, taxonomy });
  const events = await findReportEvents(deps.handle.db, row);
  const hideActors = row.confidential && !can(ctx.actor.role, 'reports.identity');
  return {
    ...report,
    timeline: events.map((e) => presentEvent(e, hideActors && e.action === 'create')),
    ...(reveal && row.publicContact ? { publicContact: row.publicContact } : {}),
  };
}

/** Translate the API query into a repository filter, narrowing the region to the caller's scope. */
export function toReportFilter(deps: ReportsDeps, ctx: RequestContext, query: TReportListQuery): Omit<ReportFilter, 'limit' | 'before'> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  let region: ReportFilter['region'];
  if (query.region) {
    if (!deps.regions.has(query.region)) throw new AppError('validation', 'unknown region', { fields: [{ path: 'region', message: 'region.unknown' }] });
    const visible = isInScope(query.region, ctx.actor.scopes) || ctx.actor.scopes.some((s) => s !== NATIONAL_SCOPE && s.startsWith(`${query.region}.`));
    if (!visible) throw new AppError('out_of_scope', `region ${query.region}`, { fields: [{ path: 'region', message: 'region.out_of_scope' }] });
    region = { code: query.region, level: regionLevelOf(query.region) };
  } else if (ctx.actor.scopes.length === 1 && ctx.actor.scopes[0] !== NATIONAL_SCOPE) {
    // a single-root scope is also the best index to use
    const root = ctx.actor.scopes[0]!;
    region = { code: root, level: regionLevelOf(root) };
  }
  return {
    scopes: ctx.actor.scopes,
    region,
    electionId: query.election,
    stageCode: query.stage,
    categories: query.category,
    severities: query.severity,
    statuses: query.status,
    sources: query.source,
    escalationLevel: query.escalationLevel,
    assignedOrgPrefix: query.assignedOrg,
    incidentId: query.incident,
    reporterId: query.reporter === 'me' ? ctx.actor.id : undefined,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    q: query.q,
  };
}

export async function listReports(
  deps: ReportsDeps,
  ctx: RequestContext,
  query: TReportListQuery,
  lang: TLang,
): Promise<{ items: TReport[]; nextCursor: string | null }> {
  const filter = toReportFilter(deps, ctx, query);
  let before: ReportFilter['before'];
  if (query.cursor) {
    const pos = decodeCursor(query.cursor);
    if (!pos || pos.length !== 2) throw new AppError('validation', 'bad cursor', { fields: [{ path: 'cursor', message: 'cursor.invalid' }] });
    before = { createdAt: new Date(Number(pos[0])), id: String(pos[1]) };
  }
  const rows = await findReports(deps.handle.db, { ...filter, before, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const orgNames = await orgNamesFor(deps, page);
  const { config: taxonomy } = await taxonomyInForce(deps.handle, ctx.now);
  const last = page.at(-1);
  return {
    items: page.map((row) => presentReport(row, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames, taxonomy })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null,
  };
}

/** Iterate every report of a filter in pages (exports stream this). */
export async function* iterateReports(deps: ReportsDeps, ctx: RequestContext, query: TReportListQuery): AsyncGenerator<ReportRow[]> {
  const filter = toReportFilter(deps, ctx, query);
  let before: ReportFilter['before'];
  for (;;) {
    const rows = await findReports(deps.handle.db, { ...filter, before, limit: 1000 });
    if (rows.length === 0) return;
    yield rows;
    const last = rows.at(-1)!;
    before = { createdAt: last.createdAt, id: last.id };
    if (rows.length < 1000) return;
  }
}

function conflictWith(row: ReportRow | null, deps: ReportsDeps, ctx: RequestContext, lang: TLang, orgNames: Map<string, string>, taxonomy: TTaxonomyConfig): AppError {
  return new AppError('conflict', `report changed meanwhile`, {
    details: { current: row ? presentReport(row, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames, taxonomy }) : null },
  });
}

/**
 * Apply a workflow action (verify, reject, assign, escalate, resolve, reopen, comment,
 * structure). The state machine and the permissions are the domain's; the version guards
 * against silent overwrites between two desks.
 */
export async function applyReportAction<A extends TReportAction>(
  deps: ReportsDeps,
  ctx: RequestContext,
  id: string,
  action: A,
  body: TReportActionBody<A>,
  lang: TLang,
): Promise<TReport> {
  const row = await loadVisible(deps, ctx, id);
  if (!can(ctx.actor.role, ACTION_PERMISSIONS[action])) throw new AppError('forbidden', `${ctx.actor.role} cannot ${action}`);
  const from = row.status as TReportStatus;
  const to = nextStatus(from, action);
  if (to === null) {
    throw new AppError('conflict', `${action} not allowed from ${from}`, {
      userMessage: {
        id: `Tindakan "${action}" tidak dapat dilakukan pada laporan berstatus "${from}".`,
        en: `Action "${action}" is not allowed on a report with status "${from}".`,
      },
      details: { status: from, action },
    });
  }
  const now = ctx.now;
  const patch: Partial<NewReportRow> = {};
  let comment: string | null = null;
  const details: Record<string, unknown> = {};
  let recipients: string[] = [];
  let topic: string | null = null;
  const b = body as Record<string, unknown>;
  switch (action) {
    case 'structure': {
      const s = body as TReportActionBody<'structure'>;
      checkVillage(deps.regions, s.regionCode);
      if (!isInScope(s.regionCode, ctx.actor.scopes)) throw new AppError('out_of_scope', 'village', { fields: [{ path: 'regionCode', message: 'region.out_of_scope' }] });
      checkTps(s.tpsId);
      // a structured draft becomes a new report: it may carry only what the taxonomy in force offers
      checkIntake((await taxonomyInForce(deps.handle, now)).config, s.category, s.subcategory);
      const occurredAt = s.occurredAt ? new Date(s.occurredAt) : row.occurredAt;
      const stage = deps.elections.stageAt(occurredAt, s.regionCode);
      Object.assign(patch, {
        category: s.category,
        subcategory: s.subcategory ?? null,
        severity: s.severity,
        regionCode: s.regionCode,
        districtCode: regionChainOf(s.regionCode)[2]!,
        regencyCode: regionChainOf(s.regionCode)[1]!,
        ...(s.title ? { title: s.title } : {}),
        ...(s.description !== undefined ? { description: s.description } : {}),
        ...(s.involved !== undefined ? { involved: s.involved } : {}),
        occurredAt,
        electionId: stage.electionId,
        stageCode: stage.stageCode,
        lat: s.lat ?? null,
        lon: s.lon ?? null,
        escalationLevel: initialLevel(s.severity),
      });
      if (s.regionCode.slice(0, 2) !== row.provinceCode) {
        throw new AppError('validation', 'cross-province structure', { fields: [{ path: 'regionCode', message: 'region.other_province' }] });
      }
      comment = s.comment ?? null;
      topic = 'report.created';
      recipients = recipientsOf(s.regionCode, s.severity >= 3 ? 'regency' : 'district');
      break;
    }
    case 'verify':
      Object.assign(patch, { verifiedAt: now, verifiedBy: ctx.actor.id });
      comment = (b.comment as string | undefined) ?? null;
      break;
    case 'reject':
      patch.rejectReason = b.reason as string;
      comment = b.reason as string;
      break;
    case 'assign': {
      const pillar = b.orgCode as string;
      const level = row.escalationLevel as TEscalationLevel;
      // the desk of that pillar at the report's current level, or the nearest level above that has one
      let org = null;
      let lvl: TEscalationLevel | null = level === 'village' ? 'district' : level;
      while (lvl && !org) {
        org = await findOrganisation(deps.handle.db, `${pillar}:${regionCodeAtLevel(row.regionCode, lvl)}`);
        lvl = nextEscalationLevel(lvl);
      }
      if (!org) throw new AppError('validation', `no desk for ${pillar}`, { fields: [{ path: 'orgCode', message: 'org.unknown' }] });
      patch.assignedOrgId = org.id;
      details.org = { code: org.id, name: org.name };
      // the category's default handler in the taxonomy in force (an administrator may change it)
      details.defaultHandler = row.category ? defaultHandlerIn((await taxonomyInForce(deps.handle, now)).config, row.category as TCategoryCode) : null;
      comment = (b.comment as string | undefined) ?? null;
      topic = 'report.assigned';
      recipients = [`org:${org.id}`];
      break;
    }
    case 'escalate': {
      const next = nextEscalationLevel(row.escalationLevel as TEscalationLevel);
      if (!next) {
        throw new AppError('conflict', 'already at province', {
          userMessage: { id: 'Laporan sudah berada di tingkat provinsi.', en: 'The report is already at province level.' },
        });
      }
      Object.assign(patch, { escalationLevel: next, escalatedAt: now, escalationReason: b.reason as string });
      details.fromLevel = row.escalationLevel;
      details.toLevel = next;
      comment = b.reason as string;
      topic = 'report.escalated';
      recipients = recipientsOf(row.regionCode, next);
      break;
    }
    case 'resolve':
      patch.outcome = b.outcome as string;
      comment = b.outcome as string;
      break;
    case 'reopen':
      comment = b.reason as string;
      patch.outcome = null;
      break;
    case 'comment':
      comment = b.text as string;
      break;
  }
  if (to !== from) Object.assign(patch, { status: to, statusChangedAt: now });

  const updated = await deps.handle.db.transaction(async (tx) => {
    let next: ReportRow | null;
    if (action === 'comment') {
      next = row;
    } else {
      next = await updateReportVersioned(tx, row, (b.version as number) ?? row.version, patch);
      if (!next) {
        const current = await findReportById(tx, row.id);
        throw conflictWith(current, deps, ctx, lang, await orgNamesFor(deps, current ? [current] : []), (await taxonomyInForce(deps.handle, now)).config);
      }
    }
    await insertReportEvents(tx, [
      { provinceCode: row.provinceCode, reportId: row.id, at: now, actorId: ctx.actor.id, actorName: ctx.actor.fullName, action, fromStatus: from, toStatus: to, comment, details },
    ]);
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: `report.${action}`,
      entity: 'report',
      entityId: row.id,
      regionCode: row.regionCode,
      before: { status: from, version: row.version, escalationLevel: row.escalationLevel, assignedOrgId: row.assignedOrgId },
      after: { status: to, ...patch, comment },
      ip: ctx.ip,
    });
    if (topic) {
      await insertOutbox(tx, [
        { provinceCode: row.provinceCode, topic, regionCode: next.regionCode, payload: { reportId: row.id, action, by: ctx.actor.username, severity: next.severity, reason: comment }, recipients },
      ]);
    }
    return next;
  });
  if (topic) deps.handle.outboxWritten();
  return presentReport(updated, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames: await orgNamesFor(deps, [updated]), taxonomy: (await taxonomyInForce(deps.handle, now)).config });
}

/**
 * The SLA job: escalate every open report that sat unverified or unhandled past its severity's
 * time, one level up, saying why. Returns the escalations made. Runs with any clock (tests).
 */
export async function escalateOverdueReports(deps: ReportsDeps, now: Date): Promise<{ id: string; reason: string; level: string }[]> {
  // the times in force now: an administrator's latest version (config.service.ts), or the defaults
  const sla = deps.sla ?? (await slaInForce(deps.handle.db, now));
  const candidates = await findSlaDue(deps.handle.db, slaCutoffs(now, sla));
  const done: { id: string; reason: string; level: string }[] = [];
  for (const row of candidates) {
    const due = dueEscalation(
      {
        status: row.status as TReportStatus,
        severity: row.severity as TSeverity,
        createdAt: row.createdAt,
        verifiedAt: row.verifiedAt,
        statusChangedAt: row.statusChangedAt,
        escalationLevel: row.escalationLevel as TEscalationLevel,
        lastEscalatedAt: row.escalatedAt,
      },
      now,
      sla,
    );
    if (!due) continue;
    const ok = await deps.handle.db.transaction(async (tx) => {
      const next = await updateReportVersioned(tx, row, row.version, { escalationLevel: due.level, escalatedAt: now, escalationReason: due.message.id });
      if (!next) return false; // a desk acted meanwhile: the next run judges again
      await insertReportEvents(tx, [
        {
          provinceCode: row.provinceCode,
          reportId: row.id,
          at: now,
          actorId: null,
          actorName: 'Sinergi (otomatis)',
          action: 'escalate',
          fromStatus: row.status,
          toStatus: row.status,
          comment: due.message.id,
          details: { automatic: true, reason: due.reason, fromLevel: due.fromLevel, toLevel: due.level, limitMinutes: due.limitMinutes, dueSince: due.dueSince.toISOString(), message: due.message },
        },
      ]);
      await insertAudit(tx, { actorId: null, actorName: 'system', action: 'report.escalate', entity: 'report', entityId: row.id, regionCode: row.regionCode, before: { escalationLevel: row.escalationLevel }, after: { escalationLevel: due.level, reason: due.reason } });
      await insertOutbox(tx, [
        {
          provinceCode: row.provinceCode,
          topic: 'report.overdue',
          regionCode: row.regionCode,
          payload: { reportId: row.id, reason: due.reason, message: due.message, severity: row.severity, level: due.level },
          recipients: recipientsOf(row.regionCode, due.level),
        },
      ]);
      return true;
    });
    if (ok) done.push({ id: row.id, reason: due.reason, level: due.level });
  }
  if (done.length > 0) deps.handle.outboxWritten();
  return done;
}

export function newReportId(): string {
  return randomUUID();
}

export type { PreparedReport };
