import { z } from 'zod';
import { ZVersion } from './reports.js';
import { ZCategoryCode } from './taxonomy.js';

/**
 * An incident groups reports of one event (Aggie-style): two public reports and an officer's
 * report of the same envelopes handed out become one incident the desk follows.
 */
export const INCIDENT_STATUSES = ['open', 'closed'] as const;
/** An incident status. */
export type TIncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An incident as the API presents it. Category, severity and region summarise its reports. */
export const ZIncident = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  status: z.enum(INCIDENT_STATUSES),
  category: ZCategoryCode.nullable().describe('the reports’ category when they share one'),
  severity: z.number().int().min(1).max(4).describe('highest severity among its reports'),
  regionCode: z.string().describe('deepest region containing all its reports'),
  reportIds: z.array(z.string()),
  reportCount: z.number().int(),
  firstOccurredAt: z.string(),
  lastOccurredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
/** A presented incident. */
export type TIncident = z.infer<typeof ZIncident>;

/**
 * A client's UUID, in the one spelling the database answers with (lower case): ids are compared
 * with stored ones in memory, where 'ABC…' is not 'abc…', and a UUID may be written either way.
 */
const clientUuid = z.uuid().toLowerCase();
const reportIds = z.array(clientUuid).min(1).max(500);

/** POST /api/incidents — group reports into a new incident. */
export const ZIncidentCreate = z.strictObject({
  id: clientUuid.optional().describe('client-generated for idempotency'),
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(5000).optional(),
  reportIds,
});
/** POST /api/incidents body. */
export type TIncidentCreate = z.infer<typeof ZIncidentCreate>;

/** PATCH /api/incidents/:id */
export const ZIncidentUpdate = z.strictObject({
  version: ZVersion,
  title: z.string().trim().min(3).max(200).optional(),
  description: z.string().trim().max(5000).nullable().optional(),
  status: z.enum(INCIDENT_STATUSES).optional(),
});

/** POST /api/incidents/:id/reports — add reports (a report belongs to at most one incident). */
export const ZIncidentAddReports = z.strictObject({ version: ZVersion, reportIds });
/** POST /api/incidents/:id/reports/remove — take reports out of the incident. */
export const ZIncidentRemoveReports = z.strictObject({ version: ZVersion, reportIds });
/** POST /api/incidents/:id/split — move some reports into a new incident. */
export const ZIncidentSplit = z.strictObject({
  version: ZVersion,
  reportIds,
  title: z.string().trim().min(3).max(200),
  newId: clientUuid.optional(),
});

/** The deepest region code containing all the given codes (`*` when they span provinces). */
export function commonRegionOf(codes: readonly string[]): string {
  const [first, ...rest] = codes.map((c) => c.split('.'));
  if (!first) return '*';
  let depth = first.length;
  for (const parts of rest) {
    let i = 0;
    while (i < depth && i < parts.length && parts[i] === first[i]) i++;
    depth = i;
  }
  return depth === 0 ? '*' : first.slice(0, depth).join('.');
}
