import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DUPLICATE_CONFIG, isPossibleDuplicate } from '@sinergi/domain';
import { writeReportBatchOnce, type NewReportRow } from '../src/db/repositories/reports.js';
import { BACKENDS, createTestApp, createTestUser, insertReportRows, openTestDb, reportBody, reportRowFixture, type TestApp, type TestDb } from './helpers.js';

// The report write path is one statement per batch (writeReportBatchOnce): it skips ids already
// stored, flags possible duplicates with an SQL twin of the domain's isPossibleDuplicate, and
// writes events, audit entries and outbox rows only for the reports it inserted. These tests
// hold the SQL rule to the domain rule on random batches, on both backends.

const H = 3_600_000;
const CATEGORIES = ['politik_uang', 'intimidasi_kekerasan'] as const;

interface Spec {
  village: number;
  category: (typeof CATEGORIES)[number] | null;
  quarterHours: number;
  located: boolean;
  dLat: number;
  dLon: number;
  status: 'new' | 'verified' | 'rejected';
}

const spec = fc.record({
  village: fc.integer({ min: 0, max: 2 }),
  category: fc.constantFrom(...CATEGORIES, null),
  // ±80 hours around the run's instant, in quarter hours: pairs inside and outside the 48-hour window
  quarterHours: fc.integer({ min: -320, max: 320 }),
  located: fc.boolean(),
  // offsets from one spot whose differences fall on both sides of the 2 km distance, close to it
  // (0.0171° of latitude is 1.90 km, 0.0189° 2.10 km) as well as well inside and outside
  dLat: fc.constantFrom(0, 0.009, 0.0171, 0.0189, 0.027),
  dLon: fc.constantFrom(0, 0.0004, 0.012),
  status: fc.constantFrom('new', 'verified', 'rejected'),
});

describe.each(BACKENDS)('one-statement report batch on %s', (backend) => {
  let db: TestDb;
  let villages: string[];
  let run = 0;

  beforeAll(async () => {
    db = await openTestDb(backend);
    // two villages of one regency and one of the next: duplicates across a regency border are
    // found only among the regency and category pairs of the batch
    const inKlaten = await db.handle.query<{ code: string }>("SELECT code FROM regions WHERE length(code) = 13 AND code LIKE '33.10.%' ORDER BY code LIMIT 2");
    const inBoyolali = await db.handle.query<{ code: string }>("SELECT code FROM regions WHERE length(code) = 13 AND code LIKE '33.09.%' ORDER BY code LIMIT 1");
    villages = [...inKlaten, ...inBoyolali].map((r) => r.code);
    expect(villages).toHaveLength(3);
  });
  afterAll(async () => db?.dispose());

  const rowOf = (s: Spec, base: number): NewReportRow => {
    const at = new Date(base + s.quarterHours * 0.25 * H);
    const located = s.located ? { lat: -7.7 + s.dLat, lon: 110.6 + s.dLon } : {};
    return reportRowFixture(villages[s.village]!, at, { category: s.category, status: s.category ? s.status : 'draft', ...located });
  };

  it('flags what isPossibleDuplicate flags, skips stored ids, and writes events, audit and outbox only for new reports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 25 }), fc.array(spec, { minLength: 1, maxLength: 20 }), fc.nat(3), async (storedSpecs, batchSpecs, resendCount) => {
        // each run in its own month, so earlier runs' reports are outside its time windows
        const base = Date.UTC(2001, 0, 1) + run++ * 30 * 24 * H;
        const stored = storedSpecs.map((s) => rowOf(s, base));
        if (stored.length > 0) await insertReportRows(db.handle, stored);
        const fresh = batchSpecs.map((s) => ({ ...rowOf(s, base), status: s.category ? 'new' : 'draft' }));
        const resent = stored.slice(0, resendCount).map((r) => ({ ...r }));
        // resends interleaved with the new reports
        const batch: NewReportRow[] = [];
        fresh.forEach((r, i) => {
          if (i < resent.length) batch.push(resent[i]!);
          batch.push(r);
        });
        batch.push(...resent.slice(fresh.length));
        const outcome = await writeReportBatchOnce(db.handle, {
          reports: batch,
          events: batch.map((r) => ({ reportId: r.id!, row: { provinceCode: r.provinceCode, reportId: r.id!, action: 'create', toStatus: r.status, details: { source: r.source } } })),
          audit: batch.map((r) => ({ reportId: r.id!, row: { provinceCode: r.provinceCode, action: 'report.create', entity: 'report', entityId: r.id! } })),
          outbox: batch.map((r) => ({ reportId: r.id!, row: { provinceCode: r.provinceCode, topic: 'report.created', payload: { reportId: r.id }, recipients: [] } })),
          duplicates: DEFAULT_DUPLICATE_CONFIG,
        });
        expect(new Set(outcome.stored.map((s) => s.id))).toEqual(new Set(resent.map((r) => r.id)));
        expect(outcome.inserted).toEqual(new Set(fresh.map((r) => r.id)));

        // the domain rule, on the candidates the statement is specified to consider
        const categorized = fresh.filter((r) => r.category);
        const pairs = new Set(categorized.map((r) => `${r.regencyCode}|${r.category}`));
        const times = categorized.map((r) => (r.occurredAt as Date).getTime());
        const lo = Math.min(...times) - DEFAULT_DUPLICATE_CONFIG.windowHours * H;
        const hi = Math.max(...times) + DEFAULT_DUPLICATE_CONFIG.windowHours * H;
        const candidates = stored
          .filter((r) => r.category && pairs.has(`${r.regencyCode}|${r.category}`) && r.status !== 'rejected')
          .filter((r) => (r.occurredAt as Date).getTime() >= lo && (r.occurredAt as Date).getTime() <= hi)
          .sort((a, b) => (b.occurredAt as Date).getTime() - (a.occurredAt as Date).getTime() || (a.id! < b.id! ? -1 : 1));
        const subject = (r: NewReportRow) => ({ id: r.id!, category: r.category ?? '', regionCode: r.regionCode, occurredAt: r.occurredAt as Date, lat: r.lat ?? null, lon: r.lon ?? null });
        const expected = new Map<string, string[]>();
        for (const r of fresh) {
          const earlier = batch.slice(0, batch.indexOf(r)).filter((e) => fresh.includes(e) && e.category);
          const dups = r.category ? [...candidates, ...earlier].filter((c) => isPossibleDuplicate(subject(r), subject(c), DEFAULT_DUPLICATE_CONFIG)).map((c) => c.id!) : [];
          expected.set(r.id!, dups.slice(0, 20));

        }

        const ids = batch.map((r) => r.id!);
        const rows = await db.handle.query<{ id: string; dups: string[] }>('SELECT id, possible_duplicate_of::text[] AS dups FROM reports WHERE id = ANY($1::uuid[])', [ids]);
        const events = await db.handle.query<{ report_id: string; details: { source: string; possibleDuplicateOf?: string[] } }>(
          'SELECT report_id, details FROM report_events WHERE report_id = ANY($1::uuid[])',
          [ids],
        );
        const audits = await db.handle.query<{ entity_id: string }>('SELECT entity_id FROM audit_log WHERE entity_id = ANY($1::text[])', [ids]);
        const notices = await db.handle.query<{ id: string }>("SELECT payload->>'reportId' AS id FROM outbox WHERE payload->>'reportId' = ANY($1::text[])", [ids]);
        for (const r of fresh) {
          const dups = expected.get(r.id!)!;
          expect(rows.find((x) => x.id === r.id)?.dups, `possible duplicates of ${r.id}`).toEqual(dups);
          const created = events.filter((e) => e.report_id === r.id);
          expect(created).toHaveLength(1);
          expect(created[0]!.details).toEqual({ source: r.source, ...(dups.length > 0 ? { possibleDuplicateOf: dups } : {}) });
        }
        // a stored report resent is neither written again nor given an event, audit entry or notice
        expect(rows).toHaveLength(batch.length);
        expect(events.map((e) => e.report_id).sort()).toEqual(fresh.map((r) => r.id).sort());
        expect(audits.map((a) => a.entity_id).sort()).toEqual(fresh.map((r) => r.id).sort());
        expect(notices.map((n) => n.id).sort()).toEqual(fresh.map((r) => r.id).sort());
      }),
      { numRuns: 60 },
    );
  });

  it('keeps at most 20 possible duplicates, the newest stored ones first', async () => {
    const base = Date.UTC(2000, 0, 1);
    const stored = Array.from({ length: 30 }, (_, i) => reportRowFixture(villages[0]!, new Date(base - i * 60_000)));
    await insertReportRows(db.handle, stored);
    const row = reportRowFixture(villages[0]!, new Date(base));
    await writeReportBatchOnce(db.handle, { reports: [row], events: [], audit: [], outbox: [], duplicates: DEFAULT_DUPLICATE_CONFIG });
    const [written] = await db.handle.query<{ dups: string[] }>('SELECT possible_duplicate_of::text[] AS dups FROM reports WHERE id = $1', [row.id]);
    expect(written!.dups).toEqual(stored.slice(0, 20).map((r) => r.id));
  });
});

describe.runIf(BACKENDS.includes('postgres'))('a report id stored by another writer while the batch runs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgres');
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
  });
  afterAll(async () => t?.dispose());

  it('is answered from the stored row (here 409: other content), with nothing written twice', async () => {
    const kesbang = await t.login('kesbang');
    const village = t.regions.descendantsAt('33.10', 'village')[0]!;
    const body = reportBody(t.clock.now, { regionCode: village });
    // another writer has inserted the same id and not yet committed: the batch's insert waits for
    // it, then skips the row (ON CONFLICT DO NOTHING) — it was not stored when the statement began
    const other = await t.handle.pool!.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at, title, description, source, status, status_changed_at, escalation_level, content_hash)
         VALUES ('33', $1, '33.10', $2, $3, 'politik_uang', 2, now(), now(), 'Laporan lain', 'Isi lain', 'desk', 'new', now(), 'village', 'other-content')`,
        [body.id, village.split('.').slice(0, 3).join('.'), village],
      );
      const pending = kesbang.post('/api/reports', body);
      let waited = false;
      for (let i = 0; i < 100 && !waited; i++) {
        const [waiting] = await t.handle.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        waited = Number(waiting!.n) > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 50));
      }
      // the batch's insert is blocked on the other writer's row: the race, not a plain resend
      expect(waited).toBe(true);
      await other.query('COMMIT');
      const res = await pending;
      expect(res.statusCode, res.body).toBe(409);
    } finally {
      other.release();
    }
    const [counts] = await t.handle.query<{ reports: number; events: number; audits: number }>(
      `SELECT (SELECT count(*)::int FROM reports WHERE id = $1) AS reports, (SELECT count(*)::int FROM report_events WHERE report_id = $1) AS events,
              (SELECT count(*)::int FROM audit_log WHERE entity_id = $1::text) AS audits`,
      [body.id],
    );
    expect(counts).toEqual({ reports: 1, events: 0, audits: 0 });
  });
});
