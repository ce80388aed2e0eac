// GET /api/regions under load: 50 concurrent connections (autocannon, in this process)
// against a server in its own process, signed in with a session cookie.
import { DEMO_PASSWORD, DEMO_USER, check, cpuMs, loadTest, login, round, startServer } from './lib.mjs';

export const description = 'GET /api/regions latency at 50 concurrent clients';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 2;
const P95_TARGET_MS = 5;

async function findDistrict(url, cookie, name) {
  const res = await fetch(`${url}/api/regions?q=${encodeURIComponent(name)}`, { headers: { cookie } });
  const body = await res.json();
  const hit = body.items.find((r) => r.level === 'district' && r.name.toLowerCase() === name.toLowerCase());
  if (!hit) throw new Error(`district ${name} not found`);
  return hit.code;
}

export async function run(ctx) {
  const sections = [];
  for (const kind of ctx.kinds) {
    const db = await ctx.dbs.prepared(kind);
    const server = await startServer(db);
    try {
      const cookie = await login(server.url, DEMO_USER, DEMO_PASSWORD);
      const bayat = await findDistrict(server.url, cookie, 'Bayat');
      const scenarios = [
        { name: 'parent=33.10', target: P95_TARGET_MS, requests: [{ method: 'GET', path: '/api/regions?parent=33.10' }] },
        {
          name: 'mixed parents',
          target: P95_TARGET_MS,
          requests: ['/api/regions', '/api/regions?parent=33', '/api/regions?parent=33.10', `/api/regions?parent=${bayat}`].map((path) => ({ method: 'GET', path })),
        },
        { name: 'search q=bayat', requests: [{ method: 'GET', path: '/api/regions?q=bayat' }] },
      ];
      const checks = [];
      const details = { kind, user: DEMO_USER, connections: CONNECTIONS, durationSeconds: DURATION_S, scenarios: {} };
      for (const s of scenarios) {
        await loadTest({ url: server.url, connections: CONNECTIONS, headers: { cookie, accept: 'application/json' }, requests: s.requests, duration: WARMUP_S });
        const cpu0 = cpuMs(server.pid);
        const r = await loadTest({ url: server.url, connections: CONNECTIONS, headers: { cookie, accept: 'application/json' }, requests: s.requests, duration: DURATION_S });
        // server CPU per request: less sensitive than latency to other work on a shared machine
        r.serverCpuUsPerRequest = round(((cpuMs(server.pid) - cpu0) * 1000) / r.requests, 0);
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`${kind} ${s.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        details.scenarios[s.name] = { paths: s.requests.map((q) => q.path), ...r };
        checks.push(
          check(`${s.name}: p50`, r.p50, 'ms'),
          check(`${s.name}: p95`, r.p95, 'ms', s.target),
          check(`${s.name}: p99`, r.p99, 'ms'),
          check(`${s.name}: throughput`, round(r.reqPerSec, 0), 'req/s'),
          check(`${s.name}: server CPU per request`, r.serverCpuUsPerRequest, 'µs'),
        );
      }
      sections.push({ title: `regions — ${kind} (${CONNECTIONS} connections, ${DURATION_S} s each, as ${DEMO_USER})`, checks, details });
    } finally {
      await server.stop();
    }
  }
  return sections;
}
