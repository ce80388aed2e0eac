import {
  BOUNDARY_IMPORT_MESSAGES,
  MAP_POINTS_LIMIT,
  NATIONAL_SCOPE,
  addDays,
  can,
  isInScope,
  localDateOf,
  localMidnight,
  normaliseScopes,
  parentCodeOf,
  validateBoundaryImport,
  type TBoundaries,
  type TBoundariesQuery,
  type TBoundaryGeometry,
  type TBoundaryImportResult,
  type TLang,
  type TMapPoints,
  type TMapPointsQuery,
  type TReportListQuery,
} from '@sinergi/domain';
import type { AppConfig } from '../config.js';
import type { DbHandle } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findBoundaries, findMapPoints, upsertBoundaries } from '../db/repositories/map.js';
import { AppError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import { SYSTEM_ACTOR, type RequestContext } from './context.js';
import { toReportFilter, type ReportsDeps } from './reports.service.js';

export interface MapDeps {
  handle: DbHandle;
  regions: RegionStore;
  config: Pick<AppConfig, 'demo' | 'map'>;
}

/** GET /api/map/points: located reports of the caller's scope (or a region of it) in the range, newest first. */
export async function getMapPoints(deps: MapDeps, ctx: RequestContext, query: TMapPointsQuery): Promise<TMapPoints> {
  const roots = normaliseScopes(ctx.actor.scopes);
  const zoneCode = query.region ?? (roots.length === 1 && roots[0] !== NATIONAL_SCOPE ? roots[0]! : NATIONAL_SCOPE);
  const from = localMidnight(addDays(localDateOf(ctx.now, zoneCode), -(query.days - 1)), zoneCode);
  const filter = toReportFilter(deps as unknown as ReportsDeps, ctx, {
    region: query.region,
    category: query.category,
    severity: query.severity,
    from: from.toISOString(),
    limit: 1,
  } as TReportListQuery);
  const found = await findMapPoints(deps.handle.db, filter, MAP_POINTS_LIMIT);
  return { items: found.points, truncated: found.truncated, unlocated: found.unlocated, demo: deps.config.demo, tileUrl: deps.config.map.tileUrl, tileAttribution: deps.config.map.tileAttribution };
}

/** GET /api/boundaries: imported boundaries of the children of `parent` (default: the top of the scope). */
export async function getBoundaries(deps: MapDeps, ctx: RequestContext, query: TBoundariesQuery): Promise<TBoundaries> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  let parent: string | null = query.parent ?? null;
  if (parent) {
    if (!deps.regions.has(parent)) throw new AppError('not_found', `region ${parent}`);
    if (!deps.regions.isVisible(parent, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${parent}`);
  } else {
    const roots = normaliseScopes(ctx.actor.scopes);
    if (roots.length === 1 && roots[0] !== NATIONAL_SCOPE) parent = roots[0]!;
  }
  const rows = await findBoundaries(deps.handle.db, parent, ctx.actor.scopes);
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({ type: 'Feature', properties: { code: r.regionCode, name: deps.regions.nameOf(r.regionCode) ?? r.regionCode }, geometry: r.geometry as TBoundaryGeometry })),
  };
}

function message(key: string, lang: TLang): string {
  const [k = '', ...args] = key.split(':');
  const entry = BOUNDARY_IMPORT_MESSAGES[k];
  return entry ? entry[lang].replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '') : key;
}

/**
 * Import a GeoJSON boundary file (the CLI `sinergi boundaries import` and POST /api/boundaries):
 * every feature must carry a known Kemendagri code inside the caller's scope and a Polygon or
 * MultiPolygon in Indonesia. All or nothing: any bad feature → a 400 listing each with its row.
 */
export async function importBoundaries(deps: Pick<MapDeps, 'handle' | 'regions'>, ctx: RequestContext, file: { filename: string; text: string }, lang: TLang = 'id'): Promise<TBoundaryImportResult> {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot import boundaries`);
  let json: unknown;
  try {
    json = JSON.parse(file.text.replace(/^\uFEFF/, ''));
  } catch {
    json = null;
  }
  const { valid, errors } = validateBoundaryImport(json, { isKnownRegion: (c) => deps.regions.has(c) });
  for (const row of valid) {
    if (!isInScope(row.regionCode, ctx.actor.scopes)) errors.push({ row: row.row, path: 'properties.kode', message: 'region.out_of_scope' });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row || a.path.localeCompare(b.path));
    const translated = errors.map((e) => ({ ...e, message: message(e.message, lang) }));
    throw new AppError('validation', `${errors.length} feature problems in ${file.filename}`, {
      fields: translated.map((e) => ({ path: e.row === 0 ? 'file' : `row ${e.row}.${e.path}`, message: e.message })),
      details: { errors: translated },
    });
  }
  await deps.handle.db.transaction(async (tx) => {
    await upsertBoundaries(
      tx,
      valid.map((v) => ({ regionCode: v.regionCode, parentCode: parentCodeOf(v.regionCode), geometry: v.geometry, source: file.filename, importedBy: ctx.actor.id === SYSTEM_ACTOR.id ? null : ctx.actor.id })),
    );
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'boundaries.import',
      entity: 'region_boundaries',
      entityId: null,
      after: { file: file.filename, features: valid.length, regions: valid.slice(0, 100).map((v) => v.regionCode) },
      ip: ctx.ip,
    });
  });
  return { imported: valid.length, errors: [] };
}
