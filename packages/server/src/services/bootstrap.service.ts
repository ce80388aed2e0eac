import { randomUUID } from 'node:crypto';
import { DEFAULT_PILLARS } from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import { runMigrations, withStartupLock } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { getMeta, setMeta } from '../db/repositories/meta.js';
import { countPillars, upsertPillars } from '../db/repositories/pillars.js';
import { countRegions, findAllRegions, upsertRegions } from '../db/repositories/regions.js';
import { findUserByUsername, insertUsers } from '../db/repositories/users.js';
import { idnAreaDataSource, readIdnAreaData } from '../regions/idn-area-data.js';
import { RegionStore, type RegionRow } from '../regions/region-store.js';
import { SYSTEM_ACTOR } from './context.js';
import { ensureOrganisations } from './organisations.service.js';
import { generatePassword, hashSecret } from './passwords.js';

export type Progress = (message: string) => void;

/**
 * Import (or refresh) the region tree from idn-area-data when the database does not hold the
 * installed version's tree. A later start compares the recorded source and count and skips
 * reading the CSV files (91,599 rows) altogether.
 */
export async function ensureRegions(
  handle: DbHandle,
  progress: Progress = () => {},
  force = false,
): Promise<{ imported: boolean; count: number; rows?: RegionRow[] }> {
  const source = idnAreaDataSource();
  const recorded = await getMeta<{ source: string; count: number }>(handle.db, 'regions');
  const existing = await countRegions(handle);
  if (!force && recorded?.source === source && recorded.count === existing) return { imported: false, count: existing };
  const rows = readIdnAreaData();
  let lastShown = 0;
  await upsertRegions(handle, rows, (done, total) => {
    if (done - lastShown >= 20_000 || done === total) {
      lastShown = done;
      progress(`wilayah / regions ${done.toLocaleString('id-ID')}/${total.toLocaleString('id-ID')}`);
    }
  });
  await setMeta(handle.db, 'regions', { source, count: rows.length, importedAt: new Date().toISOString() });
  return { imported: true, count: rows.length, rows };
}

export async function loadRegionStore(handle: DbHandle): Promise<RegionStore> {
  return new RegionStore(await findAllRegions(handle));
}

export async function ensurePillars(handle: DbHandle): Promise<void> {
  if ((await countPillars(handle.db)) > 0) return;
  await upsertPillars(
    handle.db,
    DEFAULT_PILLARS.map((p, i) => ({ ...p, sortOrder: i + 1 })),
  );
}

/**
 * Create the administrator `admin` on first start. The password comes from
 * SINERGI_ADMIN_PASSWORD or is generated and returned so the caller prints it once.
 */
export async function ensureAdmin(handle: DbHandle, configured: string | undefined): Promise<{ created: boolean; password: string | null }> {
  if (await findUserByUsername(handle.db, 'admin')) return { created: false, password: null };
  const password = configured ?? generatePassword();
  await handle.db.transaction(async (tx) => {
    const [row] = await insertUsers(tx, [
      {
        id: randomUUID(),
        username: 'admin',
        fullName: 'Administrator Sinergi',
        role: 'admin',
        scopes: ['*'],
        passwordHash: await hashSecret(password),
        mustChangePassword: configured === undefined,
      },
    ]);
    await insertAudit(tx, { actorId: SYSTEM_ACTOR.id, actorName: SYSTEM_ACTOR.username, action: 'user.create', entity: 'user', entityId: row!.id, after: { username: 'admin', role: 'admin' } });
  });
  return { created: true, password: configured ? null : password };
}

export interface BootstrapResult {
  regions: RegionStore;
  adminPassword: string | null;
  firstStart: boolean;
}

/**
 * Everything the first start needs; later starts find it done and return in well under a second.
 * One instance at a time (withStartupLock): a second one started together waits and finds it done.
 */
export async function bootstrapDatabase(
  handle: DbHandle,
  options: { adminPassword?: string },
  progress: Progress = () => {},
): Promise<BootstrapResult> {
  return withStartupLock(handle, () => bootstrapUnlocked(handle, options, progress));
}

async function bootstrapUnlocked(handle: DbHandle, options: { adminPassword?: string }, progress: Progress): Promise<BootstrapResult> {
  progress('migrasi basis data / database migrations');
  await runMigrations(handle);
  const firstStart = (await getMeta(handle.db, 'initialised')) === null;
  const imported = await ensureRegions(handle, progress);
  await ensurePillars(handle);
  const admin = await ensureAdmin(handle, options.adminPassword);
  // a first start already holds the rows it imported: no need to read them back
  const regions = imported.rows ? new RegionStore(imported.rows) : await loadRegionStore(handle);
  const desks = await ensureOrganisations(handle, regions);
  if (desks > 0) progress(`meja penanganan / handling desks: ${desks.toLocaleString('id-ID')}`);
  if (firstStart) await setMeta(handle.db, 'initialised', { at: new Date().toISOString() });
  return { regions, adminPassword: admin.password, firstStart };
}
