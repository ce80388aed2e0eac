import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, insertReportRows, openTestDb, reportRowFixture, type TestDb } from './helpers.js';

// Migration 0016 made reports_incident_idx partial (IS NOT NULL), so an insert of a report in no
// incident adds no entry to it, and replaced the SLA index by reports_sla_due_idx. A partial
// index is only used where PostgreSQL can prove the query's condition implies the index's: these
// are the lookups the code makes, planned generically (as prepared statements are), with
// sequential scans priced out so that the plan shows whether the index is usable at all.
const KLATEN_VILLAGE = '33.10.01.2001';

describe.each(BACKENDS)('report index plans on %s', (backend) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await openTestDb(backend);
    const incident = '00000000-0000-4000-8000-000000000001';
    const rows = Array.from({ length: 200 }, (_, i) =>
      reportRowFixture(KLATEN_VILLAGE, new Date(Date.UTC(2024, 1, 1, 0, i)), {
        ...(i % 10 === 0 ? { incidentId: incident } : {}),
      }),
    );
    await insertReportRows(t.handle, rows);
    await t.handle.query('ANALYZE reports');
  });
  afterAll(async () => t?.dispose());

  /** The generic plan of `query` with these parameter types, as EXPLAIN prints it. */
  async function genericPlan(query: string, types: string[], args: string[], settings: string[] = []): Promise<string> {
    return t.handle.db.transaction(async (tx) => {
      for (const setting of ['enable_seqscan = off', ...settings]) await tx.execute(sql.raw(`SET LOCAL ${setting}`));
      await tx.execute(sql.raw('SET LOCAL plan_cache_mode = force_generic_plan'));
      await tx.execute(sql.raw(`PREPARE plan_probe(${types.join(', ')}) AS ${query}`));
      try {
        const result = await tx.execute(sql.raw(`EXPLAIN EXECUTE plan_probe(${args.join(', ')})`));
        return (result as unknown as { rows: Record<string, string>[] }).rows.map((r) => Object.values(r)[0]).join('\n');
      } finally {
        await tx.execute(sql.raw('DEALLOCATE plan_probe'));
      }
    });
  }

  it('the incident index is partial: reports in no incident are not in it', async () => {
    const [row] = await t.handle.query<{ def: string }>("SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'reports_incident_idx'");
    expect(row!.def).toMatch(/WHERE \(incident_id IS NOT NULL\)/);
    const [old] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'reports_open_sla_idx'");
    expect(old!.n).toBe(0);
  });

  it("the SLA job's range (one status and severity, clock at or before a cutoff) uses the due index", async () => {
    const plan = await genericPlan(
      `SELECT id FROM reports WHERE status IN ('new', 'verified') AND escalation_level <> 'province' AND status = $1 AND severity = $2
         AND greatest(status_changed_at, escalated_at) <= $3 ORDER BY greatest(status_changed_at, escalated_at) LIMIT 1000`,
      ['text', 'integer', 'timestamptz'],
      ["'new'", '4', "'2024-02-01T00:00:00Z'"],
    );
    expect(plan).toContain('reports_sla_due_idx');
    // read in the index's order, the range needs no sort
    const ordered = await genericPlan(
      `SELECT id FROM reports WHERE status IN ('new', 'verified') AND escalation_level <> 'province' AND status = $1 AND severity = $2
         AND greatest(status_changed_at, escalated_at) <= $3 ORDER BY greatest(status_changed_at, escalated_at) LIMIT 1000`,
      ['text', 'integer', 'timestamptz'],
      ["'new'", '4', "'2024-02-01T00:00:00Z'"],
      ['enable_bitmapscan = off'],
    );
    expect(ordered).toMatch(/Index Scan using reports_sla_due_idx/);
    expect(ordered).not.toMatch(/Sort/);
  });

  it("an incident's members (by one id, by a list, and the alerts' correlated lookup) use the incident index", async () => {
    expect(await genericPlan('SELECT id FROM reports WHERE province_code = $1 AND incident_id = $2', ['text', 'uuid'], ["'33'", "'00000000-0000-4000-8000-000000000001'"])).toContain(
      'reports_incident_idx',
    );
    expect(await genericPlan('SELECT id FROM reports WHERE incident_id IN ($1, $2)', ['uuid', 'uuid'], ["'00000000-0000-4000-8000-000000000001'", "'00000000-0000-4000-8000-000000000002'"])).toContain(
      'reports_incident_idx',
    );
    const correlated = await genericPlan(
      `SELECT r.id FROM reports r WHERE r.region_code = $1 AND r.incident_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM reports e WHERE e.incident_id = r.incident_id AND e.district_code = r.district_code AND e.occurred_at < r.occurred_at)`,
      ['text'],
      [`'${KLATEN_VILLAGE}'`],
    );
    expect(correlated).toContain('reports_incident_idx');
  });
});
