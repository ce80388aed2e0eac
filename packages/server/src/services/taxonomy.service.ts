import {
  CATEGORY_CODES,
  DEFAULT_TAXONOMY_VERSION,
  ZTaxonomyConfigCreate,
  buildTaxonomy,
  can,
  checkTaxonomyChange,
  intakeIssue,
  selectTaxonomyVersion,
  type TCategoryCode,
  type TTaxonomy,
  type TTaxonomyConfig,
  type TTaxonomyConfigList,
  type TTaxonomyVersion,
} from '@sinergi/domain';
import type { DbHandle, Executor } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findPillars } from '../db/repositories/pillars.js';
import { findLatestTaxonomyVersion, findTaxonomyConfigs, insertTaxonomyConfig } from '../db/repositories/taxonomy.js';
import { AppError } from '../errors.js';
import { SYSTEM_ACTOR, type RequestContext } from './context.js';

/*
 * The report taxonomy in force (labels, default handler, what is offered on intake forms) is an
 * administrator's configuration, versioned like the SLA times. Every report intake asks which
 * version is in force, so the versions are cached per process: changes saved through this
 * process drop the cache at once; a version saved through another process (the CLI, another
 * instance on the same PostgreSQL) is seen within TAXONOMY_CACHE_TTL_MS, when the cache asks
 * the database for the newest version number and reloads if it grew. Versions are append-only,
 * so a newer number is the only way the list can change.
 */

/** How long the cached versions are used before the database is asked whether a newer one exists. */
export const TAXONOMY_CACHE_TTL_MS = 5_000;

interface Cache {
  versions: TTaxonomyVersion[] | null;
  /** performance.now() until which `versions` is used without asking the database. */
  freshUntil: number;
  loading: Promise<TTaxonomyVersion[]> | null;
  /** Bumped by forgetTaxonomyVersions: a load that started before it must not fill the cache. */
  generation: number;
}

// One cache per open database, so two apps in one process (tests) never share versions.
const caches = new WeakMap<DbHandle, Cache>();

function cacheOf(handle: DbHandle): Cache {
  let cache = caches.get(handle);
  if (!cache) {
    cache = { versions: null, freshUntil: 0, loading: null, generation: 0 };
    caches.set(handle, cache);
  }
  return cache;
}

/** Every version from the database, the built-in one first (no cache: inside a transaction, for a write). */
export async function loadTaxonomyVersions(ex: Executor): Promise<TTaxonomyVersion[]> {
  return [DEFAULT_TAXONOMY_VERSION, ...(await findTaxonomyConfigs(ex))];
}

async function refresh(handle: DbHandle, cache: Cache): Promise<TTaxonomyVersion[]> {
  const generation = cache.generation;
  const known = cache.versions;
  let versions: TTaxonomyVersion[];
  if (known && (await findLatestTaxonomyVersion(handle.db)) === known.at(-1)!.version) versions = known;
  else versions = await loadTaxonomyVersions(handle.db);
  if (cache.generation === generation) {
    cache.versions = versions;
    cache.freshUntil = performance.now() + TAXONOMY_CACHE_TTL_MS;
  }
  return versions;
}

/** Every taxonomy version, the built-in one first: from the cache while it is fresh. */
export async function taxonomyVersions(handle: DbHandle): Promise<TTaxonomyVersion[]> {
  const cache = cacheOf(handle);
  if (cache.versions && performance.now() < cache.freshUntil) return cache.versions;
  if (!cache.loading) {
    const loading = refresh(handle, cache).finally(() => {
      if (cache.loading === loading) cache.loading = null;
    });
    cache.loading = loading;
  }
  return cache.loading;
}

/** Drop the cached versions (after a version was saved through this process). */
export function forgetTaxonomyVersions(handle: DbHandle): void {
  const cache = cacheOf(handle);
  cache.generation += 1;
  cache.versions = null;
  cache.loading = null;
}

/** The taxonomy version in force at an instant. */
export async function taxonomyInForce(handle: DbHandle, at: Date): Promise<TTaxonomyVersion> {
  return selectTaxonomyVersion(await taxonomyVersions(handle), at.getTime());
}

/** GET /api/taxonomy: the taxonomy in force now, retired items marked. */
export async function presentTaxonomyInForce(handle: DbHandle, at: Date): Promise<TTaxonomy> {
  return buildTaxonomy(await taxonomyInForce(handle, at));
}

/**
 * Refuse a category or subcategory a NEW report may not carry under `config` (the taxonomy in
 * force when it arrives): retired, or not the category's — a 400 naming the field. Old reports
 * are never judged by it.
 */
export function checkIntake(config: TTaxonomyConfig, category: TCategoryCode, subcategory: string | null | undefined): void {
  const issue = intakeIssue(config, category, subcategory);
  if (issue) throw new AppError('validation', `${category}/${subcategory ?? ''}: ${issue.message}`, { fields: [{ path: issue.path.join('.'), message: issue.message }] });
}

/** The versions and the one in force now (anyone who reads records). */
export async function listTaxonomyConfigs(deps: { handle: DbHandle }, ctx: RequestContext): Promise<TTaxonomyConfigList> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const items = await taxonomyVersions(deps.handle);
  return { current: selectTaxonomyVersion(items, ctx.now.getTime()).version, items };
}

function validationError(issues: { path: PropertyKey[]; message: string }[]): AppError {
  return new AppError('validation', 'taxonomy configuration', { fields: issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message })) });
}

/**
 * Record a new taxonomy version (config.manage), in force from `effectiveFrom` (default now, not
 * before the newest version's start). It must start from the newest version (`baseVersion`;
 * otherwise 409), name known handlers, and keep every subcategory the newest version had (retire,
 * never delete). The audit entry holds who, when, and the taxonomy before (the newest version) and after.
 */
export async function addTaxonomyConfigVersion(deps: { handle: DbHandle }, ctx: RequestContext, input: unknown): Promise<TTaxonomyVersion> {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot manage configuration`);
  const parsed = ZTaxonomyConfigCreate.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const effectiveFrom = parsed.data.effectiveFrom ? new Date(parsed.data.effectiveFrom) : ctx.now;
  // categories in the fixed order of the codes, whatever order they were sent in
  const config: TTaxonomyConfig = { categories: CATEGORY_CODES.map((code) => parsed.data.config.categories.find((c) => c.code === code)!) };
  const note = parsed.data.note || null;
  const createdBy = ctx.actor.id === SYSTEM_ACTOR.id ? null : ctx.actor.id;
  try {
    return await deps.handle.db.transaction(async (tx) => {
      const versions = await loadTaxonomyVersions(tx);
      const latest = versions.at(-1)!;
      if (parsed.data.baseVersion !== latest.version) throw staleBase(latest.version);
      const handlerCodes = (await findPillars(tx)).map((p) => p.code);
      const issues = checkTaxonomyChange(config, { handlerCodes, previous: latest.config }).map((i) => ({
        ...i,
        // the issue points into the normalised order; name the field as the caller sent it
        path: ['config', 'categories', parsed.data.config.categories.findIndex((c) => c.code === config.categories[i.path[1] as number]!.code), ...i.path.slice(2)],
      }));
      if (effectiveFrom.getTime() < Date.parse(latest.effectiveFrom)) issues.push({ path: ['effectiveFrom'], message: 'taxonomy.effective_before_latest' });
      if (issues.length > 0) throw validationError(issues);
      const version = latest.version + 1;
      const stored = await insertTaxonomyConfig(tx, { version, config, effectiveFrom, note, createdBy, createdAt: ctx.now });
      if (!stored) throw staleBase(version);
      await insertAudit(tx, {
        actorId: ctx.actor.id,
        actorName: ctx.actor.username,
        action: 'taxonomy.config_version',
        entity: 'taxonomy_config',
        entityId: String(version),
        before: { version: latest.version, config: latest.config },
        after: { version, config, effectiveFrom: effectiveFrom.toISOString(), note },
        ip: ctx.ip,
      });
      return { version, effectiveFrom: effectiveFrom.toISOString(), config, note, createdBy, createdAt: ctx.now.toISOString(), isDefault: false };
    });
  } finally {
    // after commit (or a refusal that may have raced a save): read the versions again
    forgetTaxonomyVersions(deps.handle);
  }
}

function staleBase(latest: number): AppError {
  return new AppError('conflict', `taxonomy changed meanwhile (version ${latest})`, {
    userMessage: {
      id: `Taksonomi telah diubah orang lain (versi ${latest}). Muat ulang halaman lalu ulangi perubahan Anda.`,
      en: `Someone else changed the taxonomy (version ${latest}). Reload the page and make your change again.`,
    },
    details: { latestVersion: latest },
  });
}
