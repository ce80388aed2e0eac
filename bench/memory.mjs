// Resident memory (VmRSS) of the server process holding the full region tree: after a
// first start, after a load run, and after a second start.
import { DEMO_PASSWORD, DEMO_USER, check, loadTest, login, rssMb, startServer } from './lib.mjs';

export const description = 'server resident memory (VmRSS) after start and after load';

const RSS_TARGET_MB = { postgres: 300, pglite: 1024 };

export async function run(ctx) {
  const sections = [];
  for (const kind of ctx.kinds) {
    const db = await ctx.dbs.fresh(kind);
    const first = await startServer(db);
    let afterFirst;
    let afterLoad;
    try {
      afterFirst = rssMb(first.pid);
      const cookie = await login(first.url, DEMO_USER, DEMO_PASSWORD);
      const requests = ['/api/regions', '/api/regions?parent=33', '/api/regions?parent=33.10', '/api/regions?q=bayat', '/api/regions/33.10'].map((path) => ({ method: 'GET', path }));
      await loadTest({ url: first.url, connections: 50, headers: { cookie, accept: 'application/json' }, requests, duration: 10 });
      afterLoad = rssMb(first.pid);
    } finally {
      await first.stop();
    }
    ctx.dbs.markPrepared(db);
    const second = await startServer(db);
    const afterSecond = rssMb(second.pid);
    await second.stop();
    const target = RSS_TARGET_MB[kind];
    sections.push({
      title: `memory — ${kind}`,
      checks: [
        check('RSS after first start (import + demo)', afterFirst, 'MB', target),
        check('RSS after 10 s of load (50 connections)', afterLoad, 'MB', target),
        check('RSS after second start', afterSecond, 'MB', target),
      ],
      details: { kind },
    });
  }
  return sections;
}
