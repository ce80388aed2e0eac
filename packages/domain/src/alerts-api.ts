import { z } from 'zod';
import { ALERT_KINDS, ALERT_STATUSES, ZAlert, ZAlertActionKind, ZAlertStatus } from './alerts.js';
import { ZPageQuery } from './pagination.js';
import { ZRegionCode } from './regions.js';
import { ZVersion } from './reports.js';

/*
 * The API contract of early-warning alerts (issue #5): list, detail with timeline and the
 * reports behind it, workflow actions. The alert itself is `ZAlert` (alerts.ts).
 */

/** An alert as the API presents it: the domain alert plus its version and demo flag. */
export const ZAlertItem = ZAlert.extend({
  version: z.number().int().describe('send it back with an action; a stale one answers 409'),
  isDemo: z.boolean().describe('raised from demo or exercise data (simulated election): CAP status Exercise'),
  electionId: z.string().nullable(),
  hasCap: z.boolean().describe('true when the alert may leave the system as CAP (GET /api/alerts/:id/cap)'),
});
/** The type of `ZAlertItem`. */
export type TAlertItem = z.infer<typeof ZAlertItem>;

/** One entry of an alert's timeline: raised, or an action by a desk. */
export const ZAlertEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.enum(['raise', 'upgrade', 'acknowledge', 'act', 'close', 'reopen', 'comment']),
  fromStatus: ZAlertStatus.nullable(),
  toStatus: ZAlertStatus,
  comment: z.string().nullable(),
});
/** The type of `ZAlertEvent`. */
export type TAlertEvent = z.infer<typeof ZAlertEvent>;

/** A report behind an alert, as far as the caller may see it. */
export const ZAlertReportRef = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string().nullable(),
  severity: z.number().int(),
  status: z.string(),
  source: z.string(),
  regionCode: z.string(),
  occurredAt: z.string(),
});
/** The type of `ZAlertReportRef`. */
export type TAlertReportRef = z.infer<typeof ZAlertReportRef>;

/** GET /api/alerts/:id: the alert, its timeline (oldest first) and the reports behind it in the caller's scope. */
export const ZAlertDetail = ZAlertItem.extend({
  timeline: z.array(ZAlertEvent),
  reports: z.array(ZAlertReportRef),
});
/** The type of `ZAlertDetail`. */
export type TAlertDetail = z.infer<typeof ZAlertDetail>;

/** GET /api/alerts query: filters and cursor. */
export const ZAlertListQuery = ZPageQuery.extend({
  status: z.enum(ALERT_STATUSES).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  region: ZRegionCode.optional().describe('alerts of this region and beneath it'),
  election: z.uuid().optional(),
});
/** The type of `ZAlertListQuery`. */
export type TAlertListQuery = z.infer<typeof ZAlertListQuery>;

/** POST /api/alerts/:id/actions body. A comment is required for act and comment. */
export const ZAlertActionBody = z
  .strictObject({
    action: ZAlertActionKind,
    version: ZVersion,
    comment: z.string().trim().min(1).max(5000).optional(),
  })
  .refine((b) => (b.action !== 'act' && b.action !== 'comment') || (b.comment !== undefined && b.comment.length > 0), {
    message: 'comment.required',
    path: ['comment'],
  });
/** The type of `ZAlertActionBody`. */
export type TAlertActionBody = z.infer<typeof ZAlertActionBody>;
