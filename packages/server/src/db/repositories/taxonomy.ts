import { ZTaxonomyConfig, type TTaxonomyConfig, type TTaxonomyVersion } from '@sinergi/domain';
import { asc, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { taxonomyConfigs } from '../schema.js';

/** Every stored taxonomy version, oldest first (none: the built-in taxonomy applies). */
export async function findTaxonomyConfigs(ex: Executor): Promise<TTaxonomyVersion[]> {
  const rows = await ex.select().from(taxonomyConfigs).orderBy(asc(taxonomyConfigs.version));
  return rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effectiveFrom.toISOString(),
    config: ZTaxonomyConfig.parse(r.config),
    note: r.note,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    isDefault: false,
  }));
}

/** The newest version number (1 when none is stored): one index lookup, to tell whether a cached list is stale. */
export async function findLatestTaxonomyVersion(ex: Executor): Promise<number> {
  const [row] = await ex.select({ v: sql<number>`coalesce(max(${taxonomyConfigs.version}), 1)::int` }).from(taxonomyConfigs);
  return Number(row?.v ?? 1);
}

/**
 * Store `version`, unless that number is taken (someone saved another version meanwhile):
 * true when stored. A concurrent writer of the same number waits for the first to commit and
 * then finds it taken, so two saves from one base never both succeed.
 */
export async function insertTaxonomyConfig(
  ex: Executor,
  row: { version: number; config: TTaxonomyConfig; effectiveFrom: Date; note: string | null; createdBy: string | null; createdAt: Date },
): Promise<boolean> {
  const stored = await ex.insert(taxonomyConfigs).values(row).onConflictDoNothing({ target: taxonomyConfigs.version }).returning({ version: taxonomyConfigs.version });
  return stored.length === 1;
}
