import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnReport, BACKENDS, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';

// The dispatcher of a process is woken in-process (DbHandle.outboxWritten) once outbox rows are
// committed — the outbox trigger no longer announces them (migration 0017). A wake must come
// after the commit: a dispatcher pass that started before it would find nothing and leave the
// rows to the next tick, a second later.
describe.each(BACKENDS)('dispatcher wake-ups after outbox writes on %s', (backend) => {
  let t: TestApp;
  let desk: Agent;
  let village: string;
  /** Outbox rows waiting for fan-out, counted by a query started at each wake-up. */
  const seenAtWake: Promise<number>[] = [];

  beforeAll(async () => {
    t = await createTestApp(backend);
    village = t.regions.descendantsAt(BAYAT, 'village')[0]!;
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
    desk = await t.login('kesbang');
    t.handle.onOutboxWritten(() => {
      seenAtWake.push(t.handle.query<{ n: number | string }>('SELECT count(*) AS n FROM outbox_pending').then((r) => Number(r[0]!.n)));
    });
  });
  afterAll(async () => t?.dispose());

  const clearQueue = () => t.handle.query('DELETE FROM outbox_pending');

  it('wakes once a new report is committed, with its outbox row already visible', async () => {
    await clearQueue();
    seenAtWake.length = 0;
    const body = reportBody(t.clock.now, { regionCode: village });
    await fileReport(desk, body);
    expect(seenAtWake.length).toBeGreaterThanOrEqual(1);
    expect(await seenAtWake[0]).toBeGreaterThanOrEqual(1);

    // the same report sent again writes nothing, and wakes nobody
    seenAtWake.length = 0;
    const again = await desk.post('/api/reports', body);
    expect(again.statusCode).toBe(200);
    expect(seenAtWake).toHaveLength(0);
  });

  it('wakes after a workflow action that writes a notice', async () => {
    const id = await fileReport(desk, reportBody(t.clock.now, { regionCode: village }));
    await clearQueue();
    seenAtWake.length = 0;
    await actOnReport(desk, id, 'escalate', { reason: 'Melibatkan tim sukses kabupaten' });
    expect(seenAtWake.length).toBeGreaterThanOrEqual(1);
    expect(await seenAtWake.at(-1)).toBeGreaterThanOrEqual(1);
  });
});
