import { randomUUID } from 'node:crypto';
import { CATEGORY_CODES, dynamicRawAt, DEFAULT_INDEX_CONFIG } from '@sinergi/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/db/client.js';
import { findAllDynamicStates } from '../src/db/repositories/risk.js';
import { loadRegionStore } from '../src/services/bootstrap.service.js';
import { applyPendingRiskDeltas, rebuildRiskIndex } from '../src/services/risk.service.js';
import { BACKENDS, openTestDb, type TestDb } from './helpers.js';

/*
 * Property: whatever happens to reports (filed with any category, severity, status, source,
 * anonymous or not; status changes, moved occurrence times, moved villages, deletions, in any
 * order), the states the incremental job keeps from the risk_deltas queue equal those of a full
 * rebuild (which sums in SQL with the domain's weights) to 1e-9 relative, in every region of the
 * chain. The domain has the same property for its pure functions (vulnerability.test.ts); this
 * one covers the trigger, the queue, the job and the SQL rebuild.
 */

const HOUR = 3_600_000;
const STATUSES = ['draft', 'new', 'verified', 'in_progress', 'resolved', 'rejected'] as const;
const SOURCES = ['field_officer', 'desk', 'public', 'hotline', 'inbound_message'] as const;

type Op =
  | { kind: 'insert'; village: number; category: number; severity: number; status: number; source: number; anonymous: boolean; ageHours: number }
  | { kind: 'status'; target: number; status: number }
  | { kind: 'move_time'; target: number; ageHours: number }
  | { kind: 'move_village'; target: number; village: number }
  | { kind: 'delete'; target: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), village: fc.nat(5), category: fc.nat(CATEGORY_CODES.length - 1), severity: fc.integer({ min: 1, max: 4 }), status: fc.nat(STATUSES.length - 1), source: fc.nat(SOURCES.length - 1), anonymous: fc.boolean(), ageHours: fc.integer({ min: 0, max: 24 * 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), target: fc.nat(), status: fc.nat(STATUSES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move_time' as const), target: fc.nat(), ageHours: fc.integer({ min: 0, max: 24 * 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move_village' as const), target: fc.nat(), village: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
);

describe.each(BACKENDS)('incremental index equals a full rebuild, on %s', (backend) => {
  let db: TestDb;
  let handle: DbHandle;
  let villages: string[];
  const live: string[] = [];
  const nowMs = Date.now();

  beforeAll(async () => {
    db = await openTestDb(backend);
    handle = db.handle;
    const regions = await loadRegionStore(handle);
    // villages of two districts in one regency and one of another regency: chains share and differ
    villages = [...regions.descendantsAt('33.10.04', 'village').slice(0, 2), ...regions.descendantsAt('33.10.05', 'village').slice(0, 2), ...regions.descendantsAt('33.11.01', 'village').slice(0, 2)];
    await applyPendingRiskDeltas({ handle }, nowMs); // builds the (empty) states with configuration v1
  });
  afterAll(async () => {
    await db?.dispose();
  });

  async function apply(op: Op): Promise<void> {
    const at = (ageHours: number) => new Date(nowMs - ageHours * HOUR - 1234).toISOString();
    switch (op.kind) {
      case 'insert': {
        const id = randomUUID();
        const v = villages[op.village]!;
        const [p, r, d] = [v.slice(0, 2), v.split('.').slice(0, 2).join('.'), v.split('.').slice(0, 3).join('.')];
        const status = STATUSES[op.status]!;
        await handle.query(
          `INSERT INTO reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at, title, description,
             source, public_contact, receipt_code, status, status_changed_at, escalation_level, content_hash, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'uji', 'uji', $9, $10::jsonb, $11, $12, now(), 'village', 'x', now(), now())`,
          [p, id, r, d, v, status === 'draft' ? null : CATEGORY_CODES[op.category], op.severity, at(op.ageHours), SOURCES[op.source], op.anonymous ? null : '{"name":"Warga"}', `P${id.slice(0, 10)}`, status],
        );
        live.push(id);
        return;
      }
      case 'status': {
        if (live.length === 0) return;
        await handle.query('UPDATE reports SET status = $2, version = version + 1 WHERE id = $1', [live[op.target % live.length], STATUSES[op.status]]);
        return;
      }
      case 'move_time': {
        if (live.length === 0) return;
        await handle.query('UPDATE reports SET occurred_at = $2 WHERE id = $1', [live[op.target % live.length], at(op.ageHours)]);
        return;
      }
      case 'move_village': {
        if (live.length === 0) return;
        const v = villages[op.village]!;
        if (v.slice(0, 2) !== '33') return;
        // within the province (the primary key holds the province)
        await handle.query('UPDATE reports SET region_code = $2, regency_code = $3, district_code = $4 WHERE id = $1', [live[op.target % live.length], v, v.split('.').slice(0, 2).join('.'), v.split('.').slice(0, 3).join('.')]);
        return;
      }
      case 'delete': {
        if (live.length === 0) return;
        const [id] = live.splice(op.target % live.length, 1);
        await handle.query('DELETE FROM reports WHERE id = $1', [id]);
        return;
      }
    }
  }

  const rawsAt = async () => {
    const h = DEFAULT_INDEX_CONFIG.halfLifeHours;
    return new Map((await findAllDynamicStates(handle.db)).map((s) => [s.regionCode, dynamicRawAt(s, Math.max(nowMs, s.atMs), h)]));
  };

  it('holds for random report histories', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const op of ops) await apply(op);
        await applyPendingRiskDeltas({ handle }, nowMs);
        const incremental = await rawsAt();
        await rebuildRiskIndex({ handle }, nowMs);
        const rebuilt = await rawsAt();
        for (const code of new Set([...incremental.keys(), ...rebuilt.keys()])) {
          const a = incremental.get(code) ?? 0;
          const b = rebuilt.get(code) ?? 0;
          expect(Math.abs(a - b), `${code}: incremental ${a} vs rebuild ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
        }
      }),
      { numRuns: backend === 'pglite' ? 25 : 15 },
    );
  }, 240_000);
});
