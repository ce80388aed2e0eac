import { z } from 'zod';
import { can, type TPermission, type TRole } from './auth.js';
import { ZEscalationLevel } from './escalation.js';
import { ZPowSolution } from './pow.js';
import { ZRegionCode, ZVillageCode } from './regions.js';
import { ZCategoryCode, ZLabel, ZReportSource, ZSeverity, ZSeverityQuery, type TCategoryCode, type TLabel } from './taxonomy.js';
import { intakeIssue, type TTaxonomyConfig } from './taxonomy-config.js';

// ---------------------------------------------------------------------------------------------
// Status and the state machine
// ---------------------------------------------------------------------------------------------

/** Report statuses, English on the wire. */
export const REPORT_STATUSES = ['draft', 'new', 'verified', 'rejected', 'in_progress', 'resolved'] as const;
/** A report status. */
export type TReportStatus = (typeof REPORT_STATUSES)[number];
/** A report status, as a field. */
export const ZReportStatus = z.enum(REPORT_STATUSES, { message: 'status.unknown' });

/** Status labels: Indonesian in the UI, English as the alternative. */
export const REPORT_STATUS_LABELS: Readonly<Record<TReportStatus, TLabel>> = {
  draft: { id: 'Draf', en: 'Draft' },
  new: { id: 'Baru', en: 'New' },
  verified: { id: 'Diverifikasi', en: 'Verified' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
  in_progress: { id: 'Ditangani', en: 'In progress' },
  resolved: { id: 'Selesai', en: 'Resolved' },
};

/**
 * What can be done to a report. `structure` turns a draft (from an inbound WhatsApp/SMS message)
 * into a new report once a desk sets category and place; `escalate` and `comment` leave the
 * status as it is.
 */
export const REPORT_ACTIONS = ['structure', 'verify', 'reject', 'assign', 'escalate', 'resolve', 'reopen', 'comment'] as const;
/** A report action. */
export type TReportAction = (typeof REPORT_ACTIONS)[number];
/** A report action, as a field or path parameter. */
export const ZReportAction = z.enum(REPORT_ACTIONS, { message: 'action.unknown' });

/** Labels of actions, for buttons and the timeline. */
export const REPORT_ACTION_LABELS: Readonly<Record<TReportAction, TLabel>> = {
  structure: { id: 'Lengkapi', en: 'Structure' },
  verify: { id: 'Verifikasi', en: 'Verify' },
  reject: { id: 'Tolak', en: 'Reject' },
  assign: { id: 'Tugaskan', en: 'Assign' },
  escalate: { id: 'Eskalasi', en: 'Escalate' },
  resolve: { id: 'Selesaikan', en: 'Resolve' },
  reopen: { id: 'Buka kembali', en: 'Reopen' },
  comment: { id: 'Komentar', en: 'Comment' },
};

/**
 * The permission each action needs (auth.ts). Verification (structure, verify, reject, reopen)
 * is separate from handling (assign, escalate, resolve); commenting needs only read access.
 * Reopening is a verification decision because it sends the report back to be judged again.
 */
export const ACTION_PERMISSIONS: Readonly<Record<TReportAction, TPermission>> = {
  structure: 'reports.verify',
  verify: 'reports.verify',
  reject: 'reports.verify',
  assign: 'reports.handle',
  escalate: 'reports.handle',
  resolve: 'reports.handle',
  reopen: 'reports.verify',
  comment: 'records.read',
};

/**
 * The status after `action` on a report in `status`, or null when the action is not allowed.
 * Rules:
 * - draft: structure → new; reject → rejected (spam or unusable inbound messages).
 * - new: verify → verified; reject → rejected; escalate keeps it new.
 * - verified: assign → in_progress; resolve → resolved (a note that needs no handling);
 *   escalate keeps it verified.
 * - in_progress: assign again (reassign) and escalate keep it; resolve → resolved.
 * - rejected: reopen → new (to be verified again). resolved: reopen → verified (to be handled again).
 * - comment is allowed everywhere and changes nothing.
 */
export function nextStatus(status: TReportStatus, action: TReportAction): TReportStatus | null {
  if (action === 'comment') return status;
  switch (status) {
    case 'draft':
      return action === 'structure' ? 'new' : action === 'reject' ? 'rejected' : null;
    case 'new':
      switch (action) {
        case 'verify':
          return 'verified';
        case 'reject':
          return 'rejected';
        case 'escalate':
          return 'new';
        default:
          return null;
      }
    case 'verified':
      switch (action) {
        case 'assign':
          return 'in_progress';
        case 'resolve':
          return 'resolved';
        case 'escalate':
          return 'verified';
        default:
          return null;
      }
    case 'in_progress':
      switch (action) {
        case 'assign':
        case 'escalate':
          return 'in_progress';
        case 'resolve':
          return 'resolved';
        default:
          return null;
      }
    case 'rejected':
      return action === 'reopen' ? 'new' : null;
    case 'resolved':
      return action === 'reopen' ? 'verified' : null;
  }
}

/** One allowed transition. */
export interface TReportTransition {
  from: TReportStatus;
  action: TReportAction;
  to: TReportStatus;
  permission: TPermission;
}

/** Every allowed (status, action) pair with its resulting status and the permission it needs. */
export const REPORT_TRANSITIONS: readonly TReportTransition[] = REPORT_STATUSES.flatMap((from) =>
  REPORT_ACTIONS.flatMap((action) => {
    const to = nextStatus(from, action);
    return to === null ? [] : [{ from, action, to, permission: ACTION_PERMISSIONS[action] }];
  }),
);

/** Actions allowed on a report in this status (regardless of who asks). */
export function allowedActions(status: TReportStatus): TReportAction[] {
  return REPORT_ACTIONS.filter((action) => nextStatus(status, action) !== null);
}

/** Actions this role may take on a report in this status (scope is checked separately). */
export function allowedActionsFor(role: TRole, status: TReportStatus): TReportAction[] {
  return allowedActions(status).filter((action) => can(role, ACTION_PERMISSIONS[action]));
}

/** True for statuses that still need someone's work (not rejected or resolved). */
export function isOpenStatus(status: TReportStatus): boolean {
  switch (status) {
    case 'draft':
    case 'new':
    case 'verified':
    case 'in_progress':
      return true;
    case 'rejected':
    case 'resolved':
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

/** How far in the future a reported time may lie (phone clocks drift). */
export const MAX_FUTURE_SKEW_MS = 10 * 60_000;

/**
 * An ISO 8601 instant with an offset (`Z` or `+07:00`), not more than 10 minutes after `now()`.
 * Days in the past are fine: reports are often written after the fact or queued offline.
 */
export function zInstantNotFuture(now: () => Date = () => new Date()) {
  return z.iso
    // abort: a malformed value is reported once, not also as "in the future".
    .datetime({ offset: true, message: 'time.iso_offset', abort: true })
    .refine((value) => Date.parse(value) <= now().getTime() + MAX_FUTURE_SKEW_MS, { message: 'time.future' });
}

/** An ISO 8601 instant with an offset, as a filter or presented value. */
export const ZInstant = z.iso.datetime({ offset: true, message: 'time.iso_offset' });

/** Latitude inside Indonesia's bounding box (roughly −11 to 6). */
export const ZLatitude = z.number().min(-11, { message: 'location.outside_indonesia' }).max(6, { message: 'location.outside_indonesia' });
/** Longitude inside Indonesia's bounding box (roughly 95 to 141). */
export const ZLongitude = z.number().min(95, { message: 'location.outside_indonesia' }).max(141, { message: 'location.outside_indonesia' });

/** Optimistic-locking version a write must echo. */
export const ZVersion = z.number().int().min(1);

const reportContentFields = {
  category: ZCategoryCode,
  subcategory: z.string().trim().min(1).max(40).optional(),
  severity: ZSeverity,
  regionCode: ZVillageCode,
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(5000),
  involved: z.string().trim().max(2000).optional().describe('people or groups involved'),
  tpsId: z.uuid().optional(),
  lat: ZLatitude.optional(),
  lon: ZLongitude.optional(),
};

interface TContentCheck {
  category?: TCategoryCode | undefined;
  subcategory?: string | undefined;
  lat?: number | undefined;
  lon?: number | undefined;
}

/**
 * Cross-field rules shared by every report body: no subcategory without a category, lat and lon
 * together. With a taxonomy configuration, also what a NEW report may carry under it (a category
 * and a subcategory offered, the subcategory within its category). The server judges that against
 * the taxonomy in force when the report arrives (an administrator adds and retires subcategories
 * at run time), so its route schemas are built without one.
 */
function reportContentCheck(taxonomy?: TTaxonomyConfig) {
  return (value: TContentCheck, ctx: z.RefinementCtx): void => {
    if (value.subcategory !== undefined && value.category === undefined) {
      ctx.addIssue({ code: 'custom', path: ['subcategory'], message: 'subcategory.without_category' });
    }
    if (taxonomy && value.category !== undefined) {
      const issue = intakeIssue(taxonomy, value.category, value.subcategory);
      if (issue) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    if ((value.lat === undefined) !== (value.lon === undefined)) {
      ctx.addIssue({ code: 'custom', path: [value.lat === undefined ? 'lat' : 'lon'], message: 'location.incomplete' });
    }
  };
}

/**
 * POST /api/reports body, with the clock injected so tests (and the offline-queue replay) can
 * judge "not in the future" against a chosen instant. `id` is generated by the client so a
 * queued report sent twice is stored once. With `taxonomy`, the category and subcategory are
 * judged against it too (the server does that itself with the taxonomy in force).
 */
export function reportCreateSchema(now: () => Date = () => new Date(), taxonomy?: TTaxonomyConfig) {
  return z
    .strictObject({
      id: z.uuid(),
      ...reportContentFields,
      occurredAt: zInstantNotFuture(now),
      source: ZReportSource.optional().describe('defaults to field_officer or desk by the author’s role'),
      confidential: z.boolean().default(false).describe('hide the reporter’s identity from readers without reports.identity'),
    })
    .superRefine(reportContentCheck(taxonomy));
}

/** POST /api/reports body, judged against the current clock. */
export const ZReportCreate = reportCreateSchema();
/** POST /api/reports body after parsing. */
export type TReportCreate = z.infer<typeof ZReportCreate>;

/** Optional contact of an anonymous reporter; stored protected, never shown to readers without reports.identity. */
export const ZReporterContact = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 -]{5,24}$/, { message: 'phone.invalid' })
    .optional(),
});

/**
 * POST /api/public/reports body: a citizen without an account. The client UUID still makes the
 * submission idempotent; a proof-of-work solution (pow.ts) makes floods expensive. Severity is
 * optional (the desk sets it while verifying; default 2).
 */
export function publicReportCreateSchema(now: () => Date = () => new Date(), taxonomy?: TTaxonomyConfig) {
  return z
    .strictObject({
      id: z.uuid(),
      ...reportContentFields,
      severity: ZSeverity.default(2),
      occurredAt: zInstantNotFuture(now),
      contact: ZReporterContact.optional(),
      pow: ZPowSolution,
    })
    .superRefine(reportContentCheck(taxonomy));
}

/** POST /api/public/reports body, judged against the current clock. */
export const ZPublicReportCreate = publicReportCreateSchema();
/** POST /api/public/reports body after parsing. */
export type TPublicReportCreate = z.infer<typeof ZPublicReportCreate>;

/** Answer to a create: what the reporter sees as "diterima", with a code to quote on the hotline. */
export const ZReportReceipt = z.object({
  id: z.string(),
  receiptCode: z.string(),
  status: ZReportStatus,
  createdAt: z.string(),
  duplicate: z.boolean().describe('true when this id was already stored (an offline queue sent it again)'),
});
/** Answer to a report create. */
export type TReportReceipt = z.infer<typeof ZReportReceipt>;

const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/**
 * A receipt code like `SNG-7K3Q-9XPM` from 8+ random bytes (the caller supplies them, so this
 * stays pure). 40 bits; unambiguous when read over the phone.
 */
export function formatReceiptCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < 5) throw new Error('need at least 5 random bytes');
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(randomBytes[i] ?? 0);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = RECEIPT_ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `SNG-${out.slice(0, 4)}-${out.slice(4)}`;
}

// ---------------------------------------------------------------------------------------------
// Presented report
// ---------------------------------------------------------------------------------------------

/** An organisation reference (pillar or agency). */
export const ZOrgRef = z.object({ code: z.string(), name: z.string() });
/** A person reference. */
export const ZPersonRef = z.object({ id: z.string(), name: z.string() });

/** A report as the API presents it. The reporter is null when hidden (confidential, or no right to see). */
export const ZReport = z.object({
  id: z.string(),
  category: ZCategoryCode.nullable().describe('null only for drafts from inbound messages not yet structured'),
  categoryLabel: ZLabel.optional(),
  subcategory: z.string().nullable(),
  severity: z.number().int().min(1).max(4),
  regionCode: z.string(),
  regionName: z.string().optional(),
  occurredAt: z.string(),
  title: z.string(),
  description: z.string(),
  involved: z.string().nullable(),
  source: ZReportSource,
  tpsId: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  confidential: z.boolean(),
  status: ZReportStatus,
  statusLabel: z.string().optional(),
  electionId: z.string().nullable(),
  stageCode: z.string().nullable(),
  stageName: z.string().nullable(),
  stageWeight: z.number().optional(),
  escalationLevel: ZEscalationLevel,
  escalationRegionCode: z.string().optional().describe('the desk region the report sits at'),
  lastEscalatedAt: z.string().nullable().optional(),
  assignedOrg: ZOrgRef.nullable(),
  reporter: ZPersonRef.nullable(),
  possibleDuplicateOf: z.array(z.string()),
  incidentId: z.string().nullable(),
  rejectionReason: z.string().nullable().optional(),
  outcome: z.string().nullable().optional(),
  violationDeadline: z.string().nullable().optional().describe('end of the 7-day Bawaslu window for election violations'),
  verifiedAt: z.string().nullable().optional(),
  statusChangedAt: z.string().optional(),
  allowedActions: z.array(ZReportAction).optional().describe('what the caller may do now'),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  receiptCode: z.string().optional(),
});
/** A presented report. */
export type TReport = z.infer<typeof ZReport>;

/** Accept `a,b` or repeated query parameters as a list of items. */
export function queryList<T extends z.ZodType>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0))
    // The items take strings; the cast only tells the compiler that coercing schemas accept them too.
    .pipe(z.array(item).min(1).max(50) as unknown as z.ZodType<z.output<T>[], string[]>);
}

/** Export formats of the report list. */
export const REPORT_LIST_FORMATS = ['json', 'csv', 'geojson', 'xlsx'] as const;

/** GET /api/reports query. List filters accept comma-separated or repeated values. */
export const ZReportListQuery = z.object({
  region: ZRegionCode.optional().describe('reports in this region and beneath it'),
  election: z.uuid().optional(),
  stage: z.string().trim().min(1).max(50).optional(),
  category: queryList(ZCategoryCode).optional(),
  severity: queryList(ZSeverityQuery).optional(),
  status: queryList(ZReportStatus).optional(),
  source: queryList(ZReportSource).optional(),
  escalationLevel: ZEscalationLevel.optional(),
  assignedOrg: z.string().trim().min(2).max(40).optional(),
  incident: z.uuid().optional(),
  reporter: z.literal('me', { message: 'reporter.only_me' }).optional().describe('me: only the reports you filed'),
  from: ZInstant.optional().describe('occurredAt ≥ from'),
  to: ZInstant.optional().describe('occurredAt < to'),
  q: z.string().trim().min(2).max(200).optional().describe('search title, description and involved'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(REPORT_LIST_FORMATS).optional().describe('csv, xlsx and geojson stream the whole filtered set'),
});
/** GET /api/reports query after parsing. */
export type TReportListQuery = z.infer<typeof ZReportListQuery>;

// ---------------------------------------------------------------------------------------------
// Action bodies
// ---------------------------------------------------------------------------------------------

const reason = z.string().trim().min(3).max(2000);
const optionalComment = z.string().trim().min(1).max(2000).optional();

/**
 * POST /api/reports/:id/structure — a desk completes a draft from an inbound message. Like a new
 * report, the category and subcategory must be offered by the taxonomy in force (checked by the server).
 */
export const ZReportStructure = z
  .strictObject({
    version: ZVersion,
    category: ZCategoryCode,
    subcategory: reportContentFields.subcategory,
    severity: ZSeverity,
    regionCode: ZVillageCode,
    title: reportContentFields.title.optional(),
    description: reportContentFields.description.optional(),
    involved: reportContentFields.involved,
    occurredAt: zInstantNotFuture().optional(),
    tpsId: reportContentFields.tpsId,
    lat: reportContentFields.lat,
    lon: reportContentFields.lon,
    comment: optionalComment,
  })
  .superRefine(reportContentCheck());
/** POST /api/reports/:id/verify */
export const ZReportVerify = z.strictObject({ version: ZVersion, comment: optionalComment });
/** POST /api/reports/:id/reject */
export const ZReportReject = z.strictObject({ version: ZVersion, reason });
/** POST /api/reports/:id/assign — orgCode is a pillar or agency code. */
export const ZReportAssign = z.strictObject({ version: ZVersion, orgCode: z.string().trim().min(2).max(40), comment: optionalComment });
/** POST /api/reports/:id/escalate — a person escalating by hand says why. */
export const ZReportEscalate = z.strictObject({ version: ZVersion, reason });
/** POST /api/reports/:id/resolve */
export const ZReportResolve = z.strictObject({ version: ZVersion, outcome: z.string().trim().min(3).max(5000) });
/** POST /api/reports/:id/reopen */
export const ZReportReopen = z.strictObject({ version: ZVersion, reason });
/** POST /api/reports/:id/comment — comments do not change the report, so no version. */
export const ZReportComment = z.strictObject({ text: z.string().trim().min(1).max(5000) });

/** The body schema of each action, so one route can validate `POST /api/reports/:id/:action`. */
export const REPORT_ACTION_BODIES = {
  structure: ZReportStructure,
  verify: ZReportVerify,
  reject: ZReportReject,
  assign: ZReportAssign,
  escalate: ZReportEscalate,
  resolve: ZReportResolve,
  reopen: ZReportReopen,
  comment: ZReportComment,
} as const satisfies Record<TReportAction, z.ZodType>;
/** Parsed body of a given action. */
export type TReportActionBody<A extends TReportAction> = z.infer<(typeof REPORT_ACTION_BODIES)[A]>;

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

/** Kinds of timeline entries: creation, edits, every action, and incident/duplicate bookkeeping. */
export const REPORT_EVENT_KINDS = ['create', 'update', ...REPORT_ACTIONS, 'incident_add', 'incident_remove', 'duplicate_flag'] as const;
/** A timeline entry kind. */
export type TReportEventKind = (typeof REPORT_EVENT_KINDS)[number];

/** One timeline entry. actor is null for the system (automatic SLA escalation, inbound gateway). */
export const ZReportEvent = z.object({
  id: z.string(),
  reportId: z.string(),
  at: z.string(),
  actor: ZPersonRef.nullable(),
  action: z.enum(REPORT_EVENT_KINDS),
  fromStatus: ZReportStatus.nullable(),
  toStatus: ZReportStatus.nullable(),
  comment: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
/** A timeline entry. */
export type TReportEvent = z.infer<typeof ZReportEvent>;
