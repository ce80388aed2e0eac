import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { MIGRATIONS_DIR, openDatabase, type DbHandle } from '../src/db/client.js';
import { ensurePillars, ensureRegions, loadRegionStore } from '../src/services/bootstrap.service.js';
import { ensureOrganisations } from '../src/services/organisations.service.js';
import { runMigrations } from '../src/db/client.js';

/**
 * Prepare one migrated database with the full region tree, once per run: a PGlite data
 * directory dump that each test file loads, and (with TEST_DATABASE_URL) a PostgreSQL
 * template database that each test file clones with CREATE DATABASE … TEMPLATE.
 */
function templateKey(): string {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
    const full = path.join(MIGRATIONS_DIR, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  // the seed code shapes the template too
  for (const file of ['../src/services/bootstrap.service.ts', '../src/services/organisations.service.ts', '../src/regions/idn-area-data.ts']) {
    hash.update(fs.readFileSync(new URL(file, import.meta.url)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function prepare(handle: DbHandle): Promise<void> {
  await runMigrations(handle);
  await ensureRegions(handle);
  await ensurePillars(handle);
  await ensureOrganisations(handle, await loadRegionStore(handle));
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const key = templateKey();
  const dumpPath = path.join(os.tmpdir(), `sinergi-test-pglite-${key}.tar`);
  if (!fs.existsSync(dumpPath)) {
    const handle = await openDatabase({ kind: 'pglite', dataDir: null });
    await prepare(handle);
    const dump = await handle.pglite!.dumpDataDir('none');
    const tmp = `${dumpPath}.${process.pid}`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, dumpPath);
    await handle.close();
  }
  project.provide('pgliteTemplate', dumpPath);

  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    project.provide('pgTemplate', null);
    return;
  }
  const template = `sinergi_tpl_${key}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_build_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
      // the server's default collation (C.UTF-8 here), as production has it
      await admin.query(`CREATE DATABASE ${building}`);
      const target = new URL(url);
      target.pathname = `/${building}`;
      const handle = await openDatabase({ kind: 'postgres', url: target.toString(), poolSize: 4 });
      await prepare(handle);
      await handle.close();
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`).catch(async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${building}`); // another run won the race
      });
    }
  } finally {
    await admin.end();
  }
  project.provide('pgTemplate', template);
}
