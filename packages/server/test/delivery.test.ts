import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseSignatureHeader } from '@sinergi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueDeliveries } from '../src/db/repositories/delivery.js';
import { seedDemoElection } from '../src/demo/index.js';
import { createMailer, dispatchOnce, fanOutDue, idempotencyKeyOf, type DeliveryDeps } from '../src/services/delivery.service.js';
import { registerNoticeTopic } from '../src/services/notice-topics.js';
import { openStream, startReceiver, startSmtpSink, testDeliveryConfig, type SmtpSink } from './delivery-support.js';
import { BACKENDS, createTestApp, createTestUser, fileReport, reportBody, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';
const CAWAS = '33.10.05';

describe.each(BACKENDS)('notice delivery (outbox, webhooks, e-mail, SSE) on %s', (backend) => {
  let t: TestApp;
  let deps: DeliveryDeps;
  let admin: Agent;
  let otherAdmin: Agent;
  let bhabin: Agent;
  let bhabinCawas: Agent;
  let panwascam: Agent;
  let panwascamCawas: Agent;
  let villages: string[];
  let base: string;
  let smtp: SmtpSink;

  const advance = (ms: number) => (t.clock.now = new Date(t.clock.now.getTime() + ms));
  const report = (agent: Agent, over: Record<string, unknown> = {}) => {
    const id = randomUUID();
    return fileReport(agent, reportBody(t.clock.now, { id, regionCode: villages[0], title: `Amplop ${id.slice(0, 8)}`, ...over }));
  };
  const deliveriesOf = (reportId: string) =>
    t.handle.query<{ channel: string; target: string; status: string; attempts: number; available_at: Date; idempotency_key: string; province_code: string; outbox_id: number }>(
      `SELECT d.* FROM outbox_deliveries d JOIN outbox o ON o.province_code = d.province_code AND o.id = d.outbox_id WHERE o.payload->>'reportId' = $1 ORDER BY channel, target`,
      [reportId],
    );
  const count = async (sqlText: string, params: unknown[] = []) => Number((await t.handle.query<{ n: number }>(sqlText, params))[0]!.n);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp(backend, { delivery: testDeliveryConfig(smtp.url, { streamSessionCheckMs: 200 }) });
    deps = { handle: t.handle, regions: t.regions, config: t.config, mailer: createMailer(t.config) };
    villages = t.regions.descendantsAt(BAYAT, 'village');
    await seedDemoElection({ handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter }, t.clock.now);
    await createTestUser(t.handle, { username: 'admin.klaten', role: 'admin', scopes: ['33.10'] });
    await createTestUser(t.handle, { username: 'admin.boyolali', role: 'admin', scopes: ['33.09'] });
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: villages.slice(0, 3), pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'babinsa', role: 'field_officer', scopes: [BAYAT], pillarCode: 'tni' });
    await createTestUser(t.handle, { username: 'bhabin.cawas', role: 'field_officer', scopes: [CAWAS], pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'panwascam.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
    await t.handle.query(
      `UPDATE users SET email = CASE username WHEN 'panwascam' THEN 'Panwascam.Bayat@example.test' WHEN 'panwascam.cawas' THEN 'cawas@example.test'
         WHEN 'kesbang' THEN 'kesbang@example.test' WHEN 'bhabin' THEN 'bhabin@example.test' END WHERE username IN ('panwascam', 'panwascam.cawas', 'kesbang', 'bhabin')`,
    );
    admin = await t.login('admin.klaten');
    otherAdmin = await t.login('admin.boyolali');
    bhabin = await t.login('bhabin');
    bhabinCawas = await t.login('bhabin.cawas');
    panwascam = await t.login('panwascam');
    panwascamCawas = await t.login('panwascam.cawas');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // nothing from the set-up waits in the outbox
    await dispatchOnce(deps, t.clock.now);
  });
  afterAll(async () => {
    deps?.mailer?.close();
    await t?.dispose();
    await smtp?.close();
  });

  it('retries a failing webhook with back-off until it recovers: nothing lost, nothing doubled, one idempotency key, a verifiable signature', async () => {
    const hook = await startReceiver(({ index }) => (index < 2 ? 500 : 200));
    const created = await admin.post('/api/webhooks', { name: 'Gateway WhatsApp Klaten', url: hook.url, topics: ['report.created'], regionScope: '33.10' });
    expect(created.statusCode, created.body).toBe(201);
    const { id: subscriptionId, secret } = created.json() as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    // the secret is shown once
    expect((await admin.get(`/api/webhooks/${subscriptionId}`)).json().secret).toBeUndefined();

    const reportId = await report(bhabin);
    const start = advance(1000);
    const first = await dispatchOnce(deps, start);
    expect(first.fannedOut).toBe(1);
    expect(hook.received).toHaveLength(1);
    let [delivery] = (await deliveriesOf(reportId)).filter((d) => d.channel === 'webhook');
    expect(delivery).toMatchObject({ target: subscriptionId, status: 'pending', attempts: 1 });
    expect(new Date(delivery!.available_at).getTime()).toBe(start.getTime() + 30_000);

    // not before the back-off has passed
    await dispatchOnce(deps, new Date(start.getTime() + 29_000));
    expect(hook.received).toHaveLength(1);
    await dispatchOnce(deps, new Date(start.getTime() + 30_000));
    expect(hook.received).toHaveLength(2);
    [delivery] = (await deliveriesOf(reportId)).filter((d) => d.channel === 'webhook');
    // doubled: 30 s, then 60 s
    expect(new Date(delivery!.available_at).getTime()).toBe(start.getTime() + 90_000);
    await dispatchOnce(deps, new Date(start.getTime() + 89_000));
    expect(hook.received).toHaveLength(2);
    await dispatchOnce(deps, new Date(start.getTime() + 90_000));
    expect(hook.received).toHaveLength(3);
    [delivery] = (await deliveriesOf(reportId)).filter((d) => d.channel === 'webhook');
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3 });
    // and nothing more, ever
    await dispatchOnce(deps, new Date(start.getTime() + 24 * 3600_000));
    expect(hook.received).toHaveLength(3);

    const keys = new Set(hook.received.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(idempotencyKeyOf(delivery!.province_code, Number(delivery!.outbox_id), 'webhook', subscriptionId));
    const accepted = hook.received.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(1);
    const body = JSON.parse(accepted[0]!.body);
    expect(body).toMatchObject({ id: delivery!.idempotency_key, topic: 'report.created', regionCode: villages[0], payload: { reportId, severity: 2 } });
    expect(body.message.id).toContain('Laporan baru');
    for (const request of hook.received) {
      const signature = parseSignatureHeader(String(request.headers['x-sinergi-signature']));
      expect(signature).not.toBeNull();
      const expected = createHmac('sha256', secret).update(`${signature!.t}.${request.body}`).digest('hex');
      expect(signature!.v1).toContain(expected);
      // a wrong secret does not verify
      expect(signature!.v1).not.toContain(createHmac('sha256', 'another-secret-entirely').update(`${signature!.t}.${request.body}`).digest('hex'));
    }
    expect(hook.received.map((r) => r.headers['x-sinergi-attempt'])).toEqual(['1', '2', '3']);
    await admin.request({ method: 'DELETE', url: `/api/webhooks/${subscriptionId}` });
    await hook.close();
  });

  it('fans a batch out in one pass, and a row that cannot be fanned out is deferred alone while the rest of its batch goes out', async () => {
    const good = [await report(bhabin), await report(bhabin), await report(bhabin)];
    // a topic whose e-mail rule throws on its payload: that row's fan-out fails
    registerNoticeTopic({
      topic: 'test.poison',
      label: { id: 'Uji', en: 'Test' },
      email: () => {
        throw new Error('poison payload');
      },
      describe: () => 'uji',
    });
    await t.handle.query(
      `INSERT INTO outbox (province_code, topic, region_code, payload, recipients) VALUES ('33', 'test.poison', $1, '{"reportId":"poison"}'::jsonb, ARRAY[$2])`,
      [villages[0], `district:${BAYAT}`],
    );
    const now = advance(1000);
    expect(await fanOutDue(deps, now)).toBe(4);
    for (const reportId of good) {
      // the panwascam of Bayat (district desk) was told of each good row, once
      expect(await count(`SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'panwascam' AND n.payload->>'reportId' = $1`, [reportId])).toBe(1);
      // fanned out: no longer waiting in the queue
      expect(await count(`SELECT count(*)::int AS n FROM outbox o JOIN outbox_pending p USING (province_code, id) WHERE o.payload->>'reportId' = $1`, [reportId])).toBe(0);
    }
    const [poison] = await t.handle.query<{ attempts: number; last_error: string | null; available_at: Date }>(
      `SELECT p.attempts, p.last_error, p.available_at FROM outbox o JOIN outbox_pending p USING (province_code, id) WHERE o.payload->>'reportId' = 'poison'`,
    );
    expect(poison).toMatchObject({ attempts: 1 });
    expect(poison!.last_error).toBe('poison payload');
    expect(new Date(poison!.available_at).getTime()).toBeGreaterThan(now.getTime());
    // nothing is notified twice when the pass runs again (the poison row is not due yet)
    expect(await fanOutDue(deps, now)).toBe(0);
    await t.handle.query(`DELETE FROM outbox WHERE payload->>'reportId' = 'poison'`);
  });

  it('re-sends with the same key after a crash between sending and marking, once the claim lapses', async () => {
    const hook = await startReceiver();
    const created = (await admin.post('/api/webhooks', { name: 'Sistem Polres', url: hook.url, topics: ['report.created'], regionScope: BAYAT })).json() as { id: string };
    const reportId = await report(bhabin);
    const now = advance(1000);
    await fanOutDue(deps, now);
    // a dispatcher claims the delivery, sends, and dies before recording the outcome
    const claimed = await t.handle.db.transaction((tx) => claimDueDeliveries(tx, now, new Date(now.getTime() + 50_000), 50));
    const lost = claimed.find((d) => d.channel === 'webhook' && d.target === created.id)!;
    expect(lost).toBeDefined();
    await dispatchOnce(deps, new Date(now.getTime() + 10_000));
    expect(hook.received).toHaveLength(0); // still claimed by the dead process
    await dispatchOnce(deps, new Date(now.getTime() + 50_000));
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers['idempotency-key']).toBe(lost.idempotencyKey);
    expect(hook.received[0]!.headers['x-sinergi-attempt']).toBe('2');
    const [delivery] = (await deliveriesOf(reportId)).filter((d) => d.channel === 'webhook');
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
    await admin.request({ method: 'DELETE', url: `/api/webhooks/${created.id}` });
    await hook.close();
  });

  it('gives up after the last attempt (dead, listed for administrators in scope) and can be queued again', async () => {
    let healthy = false;
    const hook = await startReceiver(() => (healthy ? 200 : 503));
    const created = (await admin.post('/api/webhooks', { name: 'Penerima rusak', url: hook.url, topics: ['report.created'], regionScope: '33.10' })).json() as { id: string };
    const reportId = await report(bhabin);
    const start = advance(1000);
    await dispatchOnce(deps, start);
    await dispatchOnce(deps, new Date(start.getTime() + 30_000));
    await dispatchOnce(deps, new Date(start.getTime() + 90_000));
    expect(hook.received).toHaveLength(3);
    const [delivery] = (await deliveriesOf(reportId)).filter((d) => d.channel === 'webhook');
    expect(delivery).toMatchObject({ status: 'dead', attempts: 3 });
    await dispatchOnce(deps, new Date(start.getTime() + 24 * 3600_000));
    expect(hook.received).toHaveLength(3);

    const dead = (await admin.get('/api/deliveries?status=dead')).json() as { items: { key: string; lastError: string; attempts: number }[] };
    const listed = dead.items.find((d) => d.key === delivery!.idempotency_key);
    expect(listed).toMatchObject({ attempts: 3, lastError: 'HTTP 503' });
    // an administrator of another regency sees neither the delivery nor the subscription
    expect((await otherAdmin.get('/api/deliveries?status=dead')).json().items.map((d: { key: string }) => d.key)).not.toContain(delivery!.idempotency_key);
    expect((await otherAdmin.get(`/api/webhooks/${created.id}`)).statusCode).toBe(404);
    expect((await otherAdmin.post(`/api/deliveries/${delivery!.idempotency_key}/retry`)).statusCode).toBe(404);
    expect((await bhabin.get('/api/deliveries')).statusCode).toBe(403);

    healthy = true;
    expect((await admin.post(`/api/deliveries/${delivery!.idempotency_key}/retry`)).statusCode).toBe(204);
    expect((await admin.post(`/api/deliveries/${delivery!.idempotency_key}/retry`)).statusCode).toBe(409);
    await dispatchOnce(deps, t.clock.now);
    expect(hook.received).toHaveLength(4);
    expect(new Set(hook.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    const [after] = (await deliveriesOf(reportId)).filter((d) => d.channel === 'webhook');
    expect(after).toMatchObject({ status: 'sent' });
    await admin.request({ method: 'DELETE', url: `/api/webhooks/${created.id}` });
    await hook.close();
  });

  it('writes in-app notifications to the desks responsible, not to other districts nor the reporter; the list is the user’s own', async () => {
    const reportId = await report(bhabin, { severity: 2 });
    await dispatchOnce(deps, advance(1000));
    const mine = (await panwascam.get('/api/notifications')).json() as { items: { id: string; topic: string; link: string; message: string; read: boolean; payload: { reportId: string } }[]; unread: number };
    const item = mine.items.find((n) => n.payload.reportId === reportId)!;
    expect(item).toMatchObject({ topic: 'report.created', link: `/laporan/${reportId}`, read: false });
    expect(item.message).toMatch(/^Laporan baru \(keparahan 2\) di /);
    expect((await panwascam.get('/api/notifications', { 'accept-language': 'en' })).json().items[0].message).toMatch(/^New report/);
    expect(mine.unread).toBeGreaterThan(0);
    const recipients = await t.handle.query<{ username: string }>(
      `SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.payload->>'reportId' = $1 ORDER BY 1`,
      [reportId],
    );
    // village (field officers of the village but the reporter) and district desk; severity 2 stops there
    expect(recipients.map((r) => r.username)).toEqual(['babinsa', 'panwascam']);
    expect((await panwascamCawas.get('/api/notifications')).json().items.map((n: { payload: { reportId: string } }) => n.payload.reportId)).not.toContain(reportId);

    // a second dispatcher pass (or another instance) adds nothing
    await dispatchOnce(deps, advance(1000));
    expect(await count(`SELECT count(*)::int AS n FROM notifications WHERE payload->>'reportId' = $1`, [reportId])).toBe(2);

    // marking another user's notification changes nothing
    const foreign = await panwascamCawas.post('/api/notifications/read', { ids: [item.id] });
    expect(foreign.json()).toMatchObject({ marked: 0 });
    const before = (await panwascam.get('/api/notifications/unread-count')).json().unread as number;
    const marked = await panwascam.post('/api/notifications/read', { ids: [item.id] });
    expect(marked.json()).toMatchObject({ marked: 1, unread: before - 1 });
    expect((await panwascam.post('/api/notifications/read', { ids: ['abc'] })).statusCode).toBe(400);
    expect((await panwascam.post('/api/notifications/read', { everything: true })).statusCode).toBe(400);

    // cursor pages
    await report(bhabin, { severity: 1 });
    await dispatchOnce(deps, advance(1000));
    const page1 = (await panwascam.get('/api/notifications?limit=1')).json();
    expect(page1.items).toHaveLength(1);
    const page2 = (await panwascam.get(`/api/notifications?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0].id).not.toBe(page1.items[0].id);
    expect((await panwascam.get('/api/notifications?cursor=zzz')).statusCode).toBe(400);
    expect((await panwascam.post('/api/notifications/read', { all: true })).json().unread).toBe(0);
  });

  it('e-mails a high-severity report to the desks in scope once each (SMTP), with the idempotency key; none without SMTP', async () => {
    smtp.mails.length = 0;
    const reportId = await report(bhabin, { severity: 3 });
    await dispatchOnce(deps, advance(1000));
    const emails = (await deliveriesOf(reportId)).filter((d) => d.channel === 'email');
    expect(emails.map((d) => [d.target, d.status])).toEqual([
      ['kesbang@example.test', 'sent'],
      ['panwascam.bayat@example.test', 'sent'],
    ]);
    const to = smtp.mails.flatMap((m) => m.to).sort();
    expect(to).toEqual(['kesbang@example.test', 'panwascam.bayat@example.test']);
    const mail = smtp.mails.find((m) => m.to.includes('kesbang@example.test'))!;
    expect(mail.data).toMatch(new RegExp(`Idempotency-Key: ${emails[0]!.idempotency_key}`));
    expect(mail.data).toContain(`https://sinergi.test/laporan/${reportId}`);
    expect(mail.data).toMatch(/Subject: \[Sinergi\] Laporan baru \(keparahan 3\)/);
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).json().delivery).toEqual({ email: true, live: true });

    // a low-severity report is not e-mailed; with SMTP off no e-mail delivery is even queued
    const low = await report(bhabin, { severity: 1 });
    const severe = await report(bhabin, { severity: 4 });
    await fanOutDue({ ...deps, mailer: null }, advance(1000));
    expect((await deliveriesOf(low)).filter((d) => d.channel === 'email')).toHaveLength(0);
    expect((await deliveriesOf(severe)).filter((d) => d.channel === 'email')).toHaveLength(0);
  });

  it('plugs other topics in through the registry: an alert goes out only by the channels it names; a sitrep to its e-mail list', async () => {
    const hook = await startReceiver();
    const created = (await admin.post('/api/webhooks', { name: 'Alerts', url: hook.url, topics: ['alert.raised', 'sitrep.released'], regionScope: '33.10' })).json() as { id: string };
    const write = async (topic: string, payload: Record<string, unknown>, recipients: string[]) => {
      const [row] = await t.handle.query<{ id: number }>(
        'INSERT INTO outbox (province_code, topic, region_code, payload, recipients) VALUES ($1, $2, $3, $4::jsonb, $5::text[]) RETURNING id',
        ['33', topic, BAYAT, JSON.stringify(payload), recipients],
      );
      return Number(row!.id);
    };
    const channelsOf = async (outboxId: number) =>
      (await t.handle.query<{ channel: string; target: string }>('SELECT channel, target FROM outbox_deliveries WHERE outbox_id = $1 ORDER BY channel, target', [outboxId])).map((d) => `${d.channel}:${d.target}`);
    const provisional = await write('alert.raised', { alertId: randomUUID(), channels: ['web'], cause: { id: 'Laporan anonim', en: 'Anonymous report' } }, [`district:${BAYAT}`]);
    const confirmed = await write('alert.raised', { alertId: randomUUID(), channels: ['web', 'email', 'webhook', 'cap'], cause: { id: 'Lonjakan laporan', en: 'Report spike' } }, [`district:${BAYAT}`]);
    const sitrep = await write('sitrep.released', { sitrepId: randomUUID(), title: 'Sitrep harian' }, ['email:Posko@Klaten.example.test', 'regency:33.10']);
    smtp.mails.length = 0;
    await dispatchOnce(deps, advance(1000));
    expect(await channelsOf(provisional)).toEqual([]);
    expect(await channelsOf(confirmed)).toEqual(['email:panwascam.bayat@example.test', `webhook:${created.id}`]);
    expect(await channelsOf(sitrep)).toEqual(['email:kesbang@example.test', 'email:posko@klaten.example.test', `webhook:${created.id}`]);
    // the in-app text comes from the registry, in the reader's language
    const items = (await panwascam.get('/api/notifications?limit=5', { 'accept-language': 'en' })).json().items as { topic: string; message: string; link: string }[];
    const alert = items.find((n) => n.topic === 'alert.raised');
    expect(alert?.message).toMatch(/^Early-warning alert in .*: (Report spike|Anonymous report)$/);
    expect(alert?.link).toMatch(/^\/peringatan\/[0-9a-f-]{36}$/);
    expect(hook.received.map((r) => JSON.parse(r.body).topic).sort()).toEqual(['alert.raised', 'sitrep.released']);
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(['kesbang@example.test', 'panwascam.bayat@example.test', 'posko@klaten.example.test']);
    await admin.request({ method: 'DELETE', url: `/api/webhooks/${created.id}` });
    await hook.close();
  });

  it('refuses bad webhook subscriptions with a 4xx and changes nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM webhook_subscriptions');
    const bad = async (agent: Agent, body: Record<string, unknown>, status: number, field?: string) => {
      const res = await agent.post('/api/webhooks', { name: 'Uji', url: 'https://gateway.example.test/hook', topics: ['report.created'], regionScope: '33.10', ...body });
      expect(res.statusCode, res.body).toBe(status);
      if (field) expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain(field);
      return res;
    };
    const badUrl = await bad(admin, { url: 'ftp://gateway.example.test' }, 400, 'url');
    expect(badUrl.json().error.fields[0].message).toMatch(/http\(s\)/);
    await bad(admin, { url: 'not a url' }, 400, 'url');
    await bad(admin, { url: 'https://user:pw@gateway.example.test/' }, 400, 'url');
    const unknown = await bad(admin, { topics: ['report.created', 'weather.changed'] }, 400, 'topics');
    expect(unknown.json().error.fields[0].message).toContain('weather.changed');
    await bad(admin, { topics: [] }, 400, 'topics');
    await bad(admin, { regionScope: '33.09' }, 403, 'regionScope');
    await bad(admin, { regionScope: '*' }, 403, 'regionScope');
    await bad(admin, { regionScope: '99.99' }, 400, 'regionScope');
    await bad(admin, { secret: 'short' }, 400, 'secret');
    await bad(admin, { extra: 1 }, 400);
    await bad(panwascam, {}, 403);
    expect(await count('SELECT count(*)::int AS n FROM webhook_subscriptions')).toBe(before);

    const created = (await admin.post('/api/webhooks', { name: 'Uji', url: 'https://gateway.example.test/hook', topics: ['report.created'], regionScope: BAYAT })).json();
    const stale = await admin.patch(`/api/webhooks/${created.id}`, { version: created.version + 5, active: false });
    expect(stale.statusCode).toBe(409);
    expect((await admin.patch(`/api/webhooks/${created.id}`, { version: created.version, topics: ['nope'] })).statusCode).toBe(400);
    expect((await otherAdmin.patch(`/api/webhooks/${created.id}`, { version: created.version, active: false })).statusCode).toBe(404);
    expect((await admin.get(`/api/webhooks/${created.id}`)).json()).toMatchObject({ active: true, topics: ['report.created'], version: created.version });
    const rotated = await admin.patch(`/api/webhooks/${created.id}`, { version: created.version, rotateSecret: true, active: false });
    expect(rotated.json()).toMatchObject({ active: false, version: created.version + 1 });
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect((await admin.get('/api/webhooks')).json().topics).toEqual(expect.arrayContaining(['report.created', 'alert.raised', 'sitrep.released']));
    expect((await otherAdmin.get('/api/webhooks')).json().items.map((w: { id: string }) => w.id)).not.toContain(created.id);
    expect((await admin.request({ method: 'DELETE', url: `/api/webhooks/${created.id}` })).statusCode).toBe(204);
  });

  it('streams each change only to users whose scope holds its region, with notifications and Last-Event-ID resume', async () => {
    const unauth = await fetch(`${base}/api/stream`);
    expect(unauth.status).toBe(401);
    await unauth.body?.cancel();
    const bayat = await openStream(`${base}/api/stream`, { cookie: panwascam.cookie });
    const cawas = await openStream(`${base}/api/stream`, { cookie: panwascamCawas.cookie });
    expect(bayat.status).toBe(200);
    expect(bayat.contentType).toMatch(/^text\/event-stream/);
    try {
      const inBayat = await report(bhabin, { severity: 3 });
      // a change is announced by the dispatcher pass that claims its outbox row (the server's
      // dispatcher is woken by the commit; here the test runs the pass)
      await dispatchOnce(deps, advance(1000));
      const event = await bayat.next((e) => e.event === 'change' && JSON.parse(e.data).data.reportId === inBayat);
      const data = JSON.parse(event.data);
      expect(data).toMatchObject({ topic: 'report.created', regionCode: villages[0], provinceCode: '33', data: { severity: 3, category: 'politik_uang', status: 'new' } });
      expect(event.id).toBe(String(data.id));
      // the Cawas desk gets its own district's report, and never Bayat's
      const inCawas = await report(bhabinCawas, { regionCode: t.regions.descendantsAt(CAWAS, 'village')[0] });
      await dispatchOnce(deps, advance(1000));
      await cawas.next((e) => e.event === 'change' && JSON.parse(e.data).data.reportId === inCawas);
      await bayat.next((e) => e.event === 'change' && JSON.parse(e.data).data.reportId === inBayat);
      expect(cawas.events.some((e) => e.data.includes(inBayat))).toBe(false);
      expect(bayat.events.some((e) => e.data.includes(inCawas))).toBe(false);
      // the dispatcher's notifications reach the desk's stream
      await dispatchOnce(deps, advance(1000));
      await bayat.next((e) => e.event === 'notification' && JSON.parse(e.data).topic === 'report.created');

      // signing out ends the open stream (checked every streamSessionCheckMs)
      const other = await t.login('panwascam');
      const ending = await openStream(`${base}/api/stream`, { cookie: other.cookie });
      await other.post('/api/auth/logout');
      await ending.next((e) => e.event === 'end', 5000);
      await expect.poll(() => ending.finished, { timeout: 5000 }).toBe(true);
      await ending.close();

      // reconnecting with Last-Event-ID replays what was missed, in scope only
      const resumed = await openStream(`${base}/api/stream`, { cookie: panwascam.cookie, 'last-event-id': String(Number(event.id) - 1) });
      try {
        await resumed.next((e) => e.event === 'change' && e.id === event.id);
        expect(resumed.events.some((e) => e.data.includes(inCawas))).toBe(false);
      } finally {
        await resumed.close();
      }
      // a row committed but not yet claimed is replayed from the table, and its announcement
      // when the dispatcher claims it later is not sent a second time
      const missed = await report(bhabin);
      const again = await openStream(`${base}/api/stream`, { cookie: panwascam.cookie, 'last-event-id': event.id! });
      try {
        const replayed = await again.next((e) => e.event === 'change' && JSON.parse(e.data).data.reportId === missed);
        await dispatchOnce(deps, advance(1000));
        const later = await report(bhabin);
        await dispatchOnce(deps, advance(1000));
        await again.next((e) => e.event === 'change' && JSON.parse(e.data).data.reportId === later);
        expect(again.events.filter((e) => e.event === 'change' && e.id === replayed.id)).toHaveLength(1);
      } finally {
        await again.close();
      }
    } finally {
      await bayat.close();
      await cawas.close();
    }
  });
});
