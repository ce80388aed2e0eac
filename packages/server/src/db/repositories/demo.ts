import { sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { arrayLiteral } from './bulk.js';

/** The end state of a demo report whose history is written in bulk. */
export interface DemoSettledReport {
  id: string;
  status: string;
  statusChangedAt: Date;
  updatedAt: Date;
  verifiedAt: Date | null;
  verifiedBy: string | null;
  assignedOrgId: string | null;
  escalationLevel: string;
  escalatedAt: Date | null;
  escalationReason: string | null;
  outcome: string | null;
  rejectReason: string | null;
  version: number;
}

/**
 * Set the end state of many untouched demo reports in one statement (the demo's history for
 * reports nobody needs to watch being walked step by step). Only version-1 rows change, so a
 * report a person already touched is left alone. Returns the ids updated.
 */
export async function settleDemoReports(ex: Executor, rows: readonly DemoSettledReport[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const col = (f: (r: DemoSettledReport) => string | number | Date | null) =>
    arrayLiteral(rows.map((r) => {
      const v = f(r);
      return v === null ? null : v instanceof Date ? v.toISOString() : String(v);
    }));
  const result = await ex.execute(sql`
    UPDATE reports AS r SET
      status = v.status, status_changed_at = v.status_changed_at, updated_at = v.updated_at,
      verified_at = v.verified_at, verified_by = v.verified_by, assigned_org_id = v.assigned_org_id,
      escalation_level = v.escalation_level, escalated_at = v.escalated_at, escalation_reason = v.escalation_reason,
      outcome = v.outcome, reject_reason = v.reject_reason, version = v.version
    FROM unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.status)}::text[], ${col((r) => r.statusChangedAt)}::timestamptz[], ${col((r) => r.updatedAt)}::timestamptz[],
      ${col((r) => r.verifiedAt)}::timestamptz[], ${col((r) => r.verifiedBy)}::uuid[], ${col((r) => r.assignedOrgId)}::text[],
      ${col((r) => r.escalationLevel)}::text[], ${col((r) => r.escalatedAt)}::timestamptz[], ${col((r) => r.escalationReason)}::text[],
      ${col((r) => r.outcome)}::text[], ${col((r) => r.rejectReason)}::text[], ${col((r) => r.version)}::int[]
    ) AS v(id, status, status_changed_at, updated_at, verified_at, verified_by, assigned_org_id, escalation_level, escalated_at, escalation_reason, outcome, reject_reason, version)
    WHERE r.id = v.id AND r.version = 1
    RETURNING r.id`);
  const list = (Array.isArray(result) ? result : (result as { rows: { id: string }[] }).rows) as { id: string }[];
  return list.map((r) => r.id);
}

/** Ids and names of the handling desks under a region (and of its province), for the demo's assignments. */
export async function findDemoOrganisations(ex: Executor, regencyCode: string): Promise<Map<string, string>> {
  const result = await ex.execute(sql`SELECT id, name FROM organisations WHERE region_code = ${regencyCode.slice(0, 2)} OR region_code = ${regencyCode} OR region_code LIKE ${`${regencyCode}.%`}`);
  const list = (Array.isArray(result) ? result : (result as { rows: { id: string; name: string }[] }).rows) as { id: string; name: string }[];
  return new Map(list.map((r) => [r.id, r.name]));
}
