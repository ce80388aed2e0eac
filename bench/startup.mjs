// First start (empty database: migrations, the full region import, admin, demo) and second
// start (the same database again) of the real server, timed from spawn to /api/health.
import { check, cpuMs, rssMb, startServer } from './lib.mjs';

export const description = 'first start (empty database) and second start to ready';

const FIRST_START_TARGET = { pglite: 20, postgres: 5 };

export async function run(ctx) {
  const sections = [];
  for (const kind of ctx.kinds) {
    const db = await ctx.dbs.fresh(kind);
    const first = await startServer(db);
    const firstRss = rssMb(first.pid);
    const firstCpu = cpuMs(first.pid) / 1000;
    const imported = /wilayah \/ regions 91\.599\/91\.599/.test(first.stdout);
    await first.stop();
    if (!imported) throw new Error(`${kind}: the first start did not report importing 91,599 regions:\n${first.stdout}`);
    ctx.dbs.markPrepared(db);

    const second = await startServer(db);
    const secondRss = rssMb(second.pid);
    const secondCpu = cpuMs(second.pid) / 1000;
    const reimported = /wilayah \/ regions \d/.test(second.stdout);
    await second.stop();

    sections.push({
      title: `startup — ${kind}`,
      checks: [
        check('first start, spawn → healthy', first.wallSeconds, 's', FIRST_START_TARGET[kind]),
        check('first start, server "ready in"', first.readySeconds, 's'),
        // CPU time of the server process until ready: on a busy machine, closer to what an idle one would take
        check('first start, server CPU time', firstCpu, 's'),
        check('first start, RSS after ready', firstRss, 'MB'),
        check('second start, spawn → healthy', second.wallSeconds, 's'),
        check('second start, server "ready in"', second.readySeconds, 's'),
        check('second start, server CPU time', secondCpu, 's'),
      ],
      details: { kind, regionsImportedOnFirstStart: imported, regionsReimportedOnSecondStart: reimported },
    });
  }
  return sections;
}
