import type { TCategoryCode, TIncident, TIncidentStatus } from '@sinergi/domain';
import type { IncidentMemberRow, IncidentRow } from '../db/repositories/incidents.js';

/**
 * An incident with the summary of its reports: the shared category (null when they differ),
 * the highest severity, and the span of their times. Members come oldest first.
 */
export function presentIncident(row: IncidentRow, members: readonly IncidentMemberRow[]): TIncident {
  const categories = new Set(members.map((m) => m.category));
  const [only] = categories;
  const times = members.map((m) => m.occurredAt.getTime());
  const first = times.length ? new Date(Math.min(...times)) : row.createdAt;
  const last = times.length ? new Date(Math.max(...times)) : row.createdAt;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status as TIncidentStatus,
    category: categories.size === 1 && only ? (only as TCategoryCode) : null,
    severity: members.length ? Math.max(...members.map((m) => m.severity)) : 1,
    regionCode: row.regionCode,
    reportIds: members.map((m) => m.id),
    reportCount: members.length,
    firstOccurredAt: first.toISOString(),
    lastOccurredAt: last.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
