import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailer, fanOutDue, OUTBOX_CHANNEL, type DeliveryDeps } from '../src/services/delivery.service.js';
import { formatOutboxNotices, parseOutboxNotices } from '../src/services/live-events.js';
import { testDeliveryConfig } from './delivery-support.js';
import { BACKENDS, createTestApp, type TestApp } from './helpers.js';

// Outbox rows are queued by the outbox trigger and announced (NOTIFY on sinergi_outbox) by the
// dispatcher in the transaction that claims them (migration 0017): the transactions that write
// reports send no NOTIFY, whose commit would hold PostgreSQL's database-wide notify lock while
// it is flushed.
describe.each(BACKENDS)('outbox queue and announcements on %s', (backend) => {
  let t: TestApp;
  let deps: DeliveryDeps;
  const payloads: string[] = [];
  let stop: () => Promise<void> = async () => undefined;

  /** Insert `n` outbox rows in one statement (long titles: more than one NOTIFY's worth); their ids in order. */
  const insertRows = async (n: number): Promise<number[]> => {
    const rows = await t.handle.query<{ id: string }>(
      `INSERT INTO outbox (province_code, topic, region_code, payload, recipients)
       SELECT '33', 'report.created', '33.10.04.2001', jsonb_build_object('reportId', 'r' || n, 'severity', 2, 'title', repeat('x', 300), 'by', 'someone'), ARRAY['district:33.10.04']
       FROM generate_series(1, $1::int) AS n RETURNING id::text AS id`,
      [n],
    );
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  };
  /** Time for a NOTIFY sent by a commit to reach the listener. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  beforeAll(async () => {
    t = await createTestApp(backend, { delivery: testDeliveryConfig('smtp://127.0.0.1:9') });
    deps = { handle: t.handle, regions: t.regions, config: t.config, mailer: createMailer(t.config) };
    if (t.handle.pglite) {
      stop = await t.handle.pglite.listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload));
    } else {
      const url = (t.handle.pool as unknown as { options: { connectionString: string } }).options.connectionString;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (m) => payloads.push(m.payload ?? ''));
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      stop = () => client.end();
    }
    await fanOutDue(deps, t.clock.now);
    await settle();
  });
  beforeEach(() => {
    payloads.length = 0;
  });
  afterAll(async () => {
    await stop();
    deps?.mailer?.close();
    await t?.dispose();
  });

  it('queues every row of a statement for fan-out and announces none of them itself', async () => {
    const ids = await insertRows(60);
    await settle();
    expect(payloads).toEqual([]);
    const queued = await t.handle.query<{ id: string; attempts: number }>('SELECT p.id::text AS id, p.attempts FROM outbox_pending p ORDER BY p.id');
    expect(queued.map((r) => Number(r.id))).toEqual(ids);
    expect(queued.every((r) => r.attempts === 0)).toBe(true);
    await fanOutDue(deps, t.clock.now);
    await settle();
  });

  it('announces the rows a dispatcher pass claims, once each, in id order, in NOTIFYs that fit', async () => {
    const ids = await insertRows(120);
    expect(await fanOutDue(deps, t.clock.now)).toBe(120);
    await expect.poll(() => payloads.flatMap(parseOutboxNotices).length, { timeout: 5000 }).toBe(120);
    const events = payloads.flatMap(parseOutboxNotices);
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(events[0]).toMatchObject({ provinceCode: '33', topic: 'report.created', regionCode: '33.10.04.2001', data: { reportId: 'r1', severity: 2 } });
    expect(events[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // only the fields a dashboard filters on travel; the long title does not
    expect(events[0]!.data).not.toHaveProperty('title');
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.length).toBeLessThan(120);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(8000);
    // nothing left to claim: a second pass announces nothing again
    expect(await fanOutDue(deps, t.clock.now)).toBe(0);
    await settle();
    expect(payloads.flatMap(parseOutboxNotices)).toHaveLength(120);
  });

  it('does not announce again a row that comes back for another attempt', async () => {
    const [id] = await insertRows(1);
    // the row's queue entry as a failed first attempt leaves it (announced by that first claim)
    await t.handle.query('UPDATE outbox_pending SET attempts = 1, available_at = $2 WHERE id = $1', [id, t.clock.now]);
    expect(await fanOutDue(deps, t.clock.now)).toBe(1);
    await settle();
    expect(payloads).toEqual([]);
  });

  it('formats events too big for one announcement without their data, and reads old and malformed payloads', () => {
    const big = { id: 7, provinceCode: '33', topic: 'alert.updated', regionCode: '33.10', at: '2026-11-24T00:00:00.000Z', data: { action: 'x'.repeat(9000) } };
    const small = { id: 8, provinceCode: '33', topic: 'report.created', regionCode: null, at: null, data: { severity: 3 } };
    const notices = formatOutboxNotices([big, small]);
    expect(notices).toHaveLength(1);
    expect(parseOutboxNotices(notices[0]!)).toEqual([{ ...big, at: null, data: {} }, small]);
    // an announcement of one row, as an instance before migration 0015 sent it
    expect(parseOutboxNotices('{"id":5,"p":"33","t":"alert.raised","r":null}')).toEqual([{ id: 5, provinceCode: '33', topic: 'alert.raised', regionCode: null, at: null, data: {} }]);
    expect(parseOutboxNotices('[{"id":"x"},{"id":6,"p":"33","t":"report.created"}]').map((e) => e.id)).toEqual([6]);
    expect(parseOutboxNotices('not json')).toEqual([]);
  });
});
