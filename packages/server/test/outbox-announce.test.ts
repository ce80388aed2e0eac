import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_CHANNEL } from '../src/services/delivery.service.js';
import { parseOutboxNotices } from '../src/services/live-events.js';
import { BACKENDS, openTestDb, type TestDb } from './helpers.js';

// The outbox trigger (migration 0015): every inserted row is queued for fan-out and announced,
// a statement's rows together in JSON arrays that each fit in one NOTIFY (≤ 8000 bytes).
describe.each(BACKENDS)('outbox trigger on %s', (backend) => {
  let db: TestDb;
  const payloads: string[] = [];
  let stop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    db = await openTestDb(backend);
    if (db.handle.pglite) {
      stop = await db.handle.pglite.listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload));
    } else {
      const url = (db.handle.pool as unknown as { options: { connectionString: string } }).options.connectionString;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (m) => payloads.push(m.payload ?? ''));
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      stop = () => client.end();
    }
  });
  afterAll(async () => {
    await stop();
    await db?.dispose();
  });

  it('queues every row of a statement and announces them all, in NOTIFYs that fit', async () => {
    // 60 rows with long titles: more than one NOTIFY's worth
    const inserted = await db.handle.query<{ id: string }>(
      `INSERT INTO outbox (province_code, topic, region_code, payload, recipients)
       SELECT '33', 'report.created', '33.10.04.2001', jsonb_build_object('reportId', 'r' || n, 'severity', 2, 'title', repeat('x', 300), 'by', 'someone'), ARRAY['district:33.10.04']
       FROM generate_series(1, 60) AS n RETURNING id::text AS id`,
    );
    const ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
    await expect.poll(() => payloads.flatMap(parseOutboxNotices).length, { timeout: 5000 }).toBe(60);
    const events = payloads.flatMap(parseOutboxNotices);
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(events[0]).toMatchObject({ provinceCode: '33', topic: 'report.created', regionCode: '33.10.04.2001', data: { reportId: 'r1', severity: 2 } });
    // only the fields a dashboard filters on travel; the long title does not
    expect(events[0]!.data).not.toHaveProperty('title');
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.length).toBeLessThan(60);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(8000);
    const queued = await db.handle.query<{ id: string; attempts: number }>('SELECT p.id::text AS id, p.attempts FROM outbox_pending p ORDER BY p.id');
    expect(queued.map((r) => Number(r.id))).toEqual(ids);
    expect(queued.every((r) => r.attempts === 0)).toBe(true);
  });

  it('reads an announcement of one row as an instance before the change sent it, and drops malformed entries', () => {
    expect(parseOutboxNotices('{"id":5,"p":"33","t":"alert.raised","r":null}')).toEqual([{ id: 5, provinceCode: '33', topic: 'alert.raised', regionCode: null, at: null, data: {} }]);
    expect(parseOutboxNotices('[{"id":"x"},{"id":6,"p":"33","t":"report.created"}]').map((e) => e.id)).toEqual([6]);
    expect(parseOutboxNotices('not json')).toEqual([]);
  });
});
