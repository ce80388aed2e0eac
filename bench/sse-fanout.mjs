// Live updates (issue #5): one change fanned out over Server-Sent Events to 1,000 connected
// clients, on PostgreSQL. The clients (raw http, in this process) hold GET /api/stream open as
// the demo's regency desk (kesbangpol.klaten, scope 33.10); the harness then files one report
// about a Klaten village through POST /api/reports, and measures, for every client, the time
// from just before that request to the frame carrying the report's id arriving. That covers the
// report's commit, the dispatcher pass it wakes (which announces the outbox row with NOTIFY),
// the server's LISTEN connection, the scope filter and the writes to 1,000 sockets. Repeated for
// BENCH_SSE_EVENTS events (20), one at a time. Target: p99 over all deliveries ≤ 200 ms.
//   BENCH_SSE_CLIENTS=1000   connected clients
//   BENCH_SSE_EVENTS=20      events written, one after the other
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { DEMO_PASSWORD, DEMO_USER, check, percentile, round, startServer } from './lib.mjs';
import { loginToken } from './reports.mjs';

export const description = 'GET /api/stream: one outbox change to 1,000 connected SSE clients (PostgreSQL)';

const CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 1000);
const EVENTS = Number(process.env.BENCH_SSE_EVENTS ?? 20);
const P99_TARGET_MS = 200;

/** Open one SSE stream; `onFrame(text, at)` gets every chunk with its arrival time. */
function openStream(url, token, onFrame) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/stream`, { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET /api/stream: ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let opened = false;
      res.on('data', (chunk) => {
        const at = performance.now();
        if (!opened) {
          opened = true;
          resolve(req);
        }
        onFrame(chunk, at);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export async function run(ctx) {
  if (!ctx.kinds.includes('postgres')) return [];
  const db = await ctx.dbs.prepared('postgres');
  const server = await startServer(db);
  const requests = [];
  const writer = new pg.Client({ connectionString: db.url });
  try {
    const token = await loginToken(server.url, DEMO_USER, DEMO_PASSWORD);
    const { rows: villages } = await (async () => {
      await writer.connect();
      return writer.query("SELECT code FROM regions WHERE code LIKE '33.10.__.____' ORDER BY code LIMIT 1");
    })();
    const village = villages[0].code;

    // arrival[e][c]: when client c saw event e
    const arrival = Array.from({ length: EVENTS }, () => new Float64Array(CLIENTS).fill(NaN));
    let current = -1;
    let marker = '';
    let waiting = 0;
    let done = () => {};
    const connectStarted = performance.now();
    for (let c = 0; c < CLIENTS; c++) {
      const index = c;
      requests.push(
        await openStream(server.url, token, (chunk, at) => {
          if (current < 0 || !Number.isNaN(arrival[current][index]) || !chunk.includes(marker)) return;
          arrival[current][index] = at;
          if (--waiting === 0) done();
        }),
      );
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    // let the server settle after 1,000 connections
    await new Promise((r) => setTimeout(r, 1000));

    const starts = [];
    for (let e = 0; e < EVENTS; e++) {
      current = e;
      marker = randomUUID();
      waiting = CLIENTS;
      const all = new Promise((resolve, reject) => {
        done = resolve;
        setTimeout(() => reject(new Error(`event ${e}: ${waiting} of ${CLIENTS} clients got nothing within 10 s`)), 10_000).unref();
      });
      const t0 = performance.now();
      starts.push(t0);
      const res = await fetch(`${server.url}/api/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: marker,
          category: 'hoaks',
          severity: 2,
          regionCode: village,
          occurredAt: new Date(Date.now() - 600_000).toISOString(),
          title: `Uji siaran langsung ${e + 1}`,
          description: 'Laporan uji untuk mengukur siaran perubahan ke layar yang terbuka.',
        }),
      });
      if (res.status !== 201) throw new Error(`POST /api/reports answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      await all;
      await new Promise((r) => setTimeout(r, 100));
    }

    const latencies = [];
    const lastPerEvent = [];
    for (let e = 0; e < EVENTS; e++) {
      let last = 0;
      for (const at of arrival[e]) {
        const ms = at - starts[e];
        latencies.push(ms);
        last = Math.max(last, ms);
      }
      lastPerEvent.push(last);
    }
    latencies.sort((a, b) => a - b);
    lastPerEvent.sort((a, b) => a - b);
    const details = {
      kind: 'postgres',
      clients: CLIENTS,
      events: EVENTS,
      user: DEMO_USER,
      connectSeconds: round(connectSeconds, 1),
      deliveries: latencies.length,
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1)),
      lastClientMedianMs: round(percentile(lastPerEvent, 50)),
      measuredFrom: 'just before POST /api/reports in the harness',
    };
    const checks = [
      check(`${CLIENTS} clients: p50`, details.p50, 'ms'),
      check(`${CLIENTS} clients: p95`, details.p95, 'ms'),
      check(`${CLIENTS} clients: p99`, details.p99, 'ms', P99_TARGET_MS),
      check(`${CLIENTS} clients: max`, details.max, 'ms'),
      check('last client per event (median)', details.lastClientMedianMs, 'ms'),
    ];
    return [{ title: `SSE fan-out of one change, PostgreSQL (${EVENTS} events × ${CLIENTS} clients, connected in ${details.connectSeconds} s)`, checks, details }];
  } finally {
    for (const req of requests) req.destroy();
    await writer.end().catch(() => {});
    await server.stop();
  }
}
