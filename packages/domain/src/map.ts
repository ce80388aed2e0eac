import { z } from 'zod';
import { DASHBOARD_RANGES } from './dashboard.js';
import { isRegionCodeShape, ZRegionCode } from './regions.js';
import { queryList, ZReportStatus } from './reports.js';
import { ZCategoryCode, ZSeverityQuery } from './taxonomy.js';
import { ZImportRowError, type TImportRowError } from './vulnerability.js';

/*
 * The map page's contract (issue #4): located reports as compact points, region boundaries an
 * operator imported from GeoJSON, and the rules that judge such a file.
 */

/** GET /api/map/points query. */
export const ZMapPointsQuery = z.strictObject({
  region: ZRegionCode.optional().describe('this region and beneath it (default: your scope)'),
  days: z.coerce
    .number({ message: 'range.invalid' })
    .pipe(z.literal(DASHBOARD_RANGES, { message: 'range.invalid' }))
    .default(30)
    .describe('reports that occurred in the last 7, 14, 30 or 90 days'),
  category: queryList(ZCategoryCode).optional(),
  severity: queryList(ZSeverityQuery).optional(),
});
/** The type of `ZMapPointsQuery`. */
export type TMapPointsQuery = z.infer<typeof ZMapPointsQuery>;

/** Most points one answer carries (newest first); beyond it the answer says `truncated`. */
export const MAP_POINTS_LIMIT = 20_000;

/** One located report: [id, lat, lon, severity, status] — compact, there may be thousands. */
export const ZMapPoint = z.tuple([z.string(), z.number(), z.number(), z.number().int(), ZReportStatus]);
/** The type of `ZMapPoint`. */
export type TMapPoint = z.infer<typeof ZMapPoint>;

/** GET /api/map/points response. */
export const ZMapPoints = z.object({
  items: z.array(ZMapPoint),
  truncated: z.boolean().describe('more located reports matched than MAP_POINTS_LIMIT'),
  unlocated: z.number().int().describe('reports of the same filter without coordinates'),
  demo: z.boolean().describe('the server runs the demo data set, whose coordinates are synthetic'),
  tileUrl: z.string().nullable().describe('basemap tile URL template from the server configuration; null = no basemap (offline)'),
  tileAttribution: z.string().nullable(),
});
/** The type of `ZMapPoints`. */
export type TMapPoints = z.infer<typeof ZMapPoints>;

/** GET /api/boundaries query: the children of `parent` (omitted: the top of your scope). */
export const ZBoundariesQuery = z.strictObject({ parent: ZRegionCode.optional() });
/** The type of `ZBoundariesQuery`. */
export type TBoundariesQuery = z.infer<typeof ZBoundariesQuery>;

/** A GeoJSON geometry the map can draw. */
export const ZBoundaryGeometry = z.object({
  type: z.enum(['Polygon', 'MultiPolygon']),
  coordinates: z.array(z.unknown()),
});
/** The type of `ZBoundaryGeometry`. */
export type TBoundaryGeometry = z.infer<typeof ZBoundaryGeometry>;

/** GET /api/boundaries response: a GeoJSON FeatureCollection (empty when nothing was imported). */
export const ZBoundaries = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({ code: z.string(), name: z.string() }),
      geometry: ZBoundaryGeometry,
    }),
  ),
});
/** The type of `ZBoundaries`. */
export type TBoundaries = z.infer<typeof ZBoundaries>;

/** Result of a boundary import: every feature stored, or none and every row error. */
export const ZBoundaryImportResult = z.object({ imported: z.number().int(), errors: z.array(ZImportRowError) });
/** The type of `ZBoundaryImportResult`. */
export type TBoundaryImportResult = z.infer<typeof ZBoundaryImportResult>;

/** Property names a boundary file may carry the Kemendagri code in (BIG and BPS files differ). */
export const BOUNDARY_CODE_PROPERTIES = ['kode', 'code', 'kode_wilayah', 'kdepum', 'KDEPUM', 'KODE', 'regionCode', 'kode_kemendagri'] as const;

/** Messages of the boundary import (keys for translateFieldMessage-style lookup). */
export const BOUNDARY_IMPORT_MESSAGES: Record<string, { id: string; en: string }> = {
  'geojson.invalid': { id: 'Berkas bukan GeoJSON FeatureCollection yang sah.', en: 'The file is not a valid GeoJSON FeatureCollection.' },
  'geojson.empty': { id: 'FeatureCollection tidak berisi fitur.', en: 'The FeatureCollection has no features.' },
  'boundary.code_missing': { id: 'Fitur tidak membawa kode wilayah Kemendagri (properti kode/code/kode_wilayah).', en: 'The feature carries no Kemendagri region code (property kode/code/kode_wilayah).' },
  'boundary.code_invalid': { id: 'Kode wilayah tidak valid (contoh: 33.10.04).', en: 'Invalid region code (e.g. 33.10.04).' },
  'boundary.code_unknown': { id: 'Kode wilayah tidak dikenal.', en: 'Unknown region code.' },
  'boundary.code_duplicate': { id: 'Kode wilayah sama dengan fitur {0}.', en: 'Same region code as feature {0}.' },
  'boundary.geometry': { id: 'Geometri harus Polygon atau MultiPolygon dengan koordinat [bujur, lintang].', en: 'The geometry must be a Polygon or MultiPolygon of [longitude, latitude] positions.' },
  'boundary.outside': { id: 'Koordinat di luar wilayah Indonesia (bujur 94–142, lintang −12–7).', en: 'Coordinates outside Indonesia (longitude 94–142, latitude −12–7).' },
  'region.out_of_scope': { id: 'Wilayah di luar cakupan akun Anda.', en: 'Region outside your account scope.' },
};

/** One valid feature of a boundary file. */
export interface TBoundaryRow {
  row: number;
  regionCode: string;
  geometry: TBoundaryGeometry;
}

function isPosition(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

/** Check a ring list; 'shape' when malformed, 'outside' when a position lies outside Indonesia's box. */
function checkRings(rings: unknown): 'ok' | 'shape' | 'outside' {
  if (!Array.isArray(rings) || rings.length === 0) return 'shape';
  let outside = false;
  for (const ring of rings) {
    if (!Array.isArray(ring) || ring.length < 4) return 'shape';
    for (const p of ring) {
      if (!isPosition(p)) return 'shape';
      if (p[0] < 94 || p[0] > 142 || p[1] < -12 || p[1] > 7) outside = true;
    }
  }
  return outside ? 'outside' : 'ok';
}

function checkGeometry(geometry: unknown): 'ok' | 'shape' | 'outside' {
  if (!geometry || typeof geometry !== 'object') return 'shape';
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type === 'Polygon') return checkRings(g.coordinates);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'shape';
    let result: 'ok' | 'outside' = 'ok';
    for (const polygon of g.coordinates) {
      const r = checkRings(polygon);
      if (r === 'shape') return 'shape';
      if (r === 'outside') result = 'outside';
    }
    return result;
  }
  return 'shape';
}

/**
 * Judge a parsed GeoJSON boundary file: a FeatureCollection whose every feature carries a known
 * Kemendagri code (in one of BOUNDARY_CODE_PROPERTIES; `33.10` or `3310` style) and a Polygon or
 * MultiPolygon inside Indonesia. Rows are features, counted from 1. File-level problems come back
 * as row 0.
 */
export function validateBoundaryImport(json: unknown, options: { isKnownRegion: (code: string) => boolean }): { valid: TBoundaryRow[]; errors: TImportRowError[] } {
  const errors: TImportRowError[] = [];
  const valid: TBoundaryRow[] = [];
  const fc = json as { type?: unknown; features?: unknown };
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { valid, errors: [{ row: 0, path: 'file', message: 'geojson.invalid' }] };
  }
  if (fc.features.length === 0) return { valid, errors: [{ row: 0, path: 'file', message: 'geojson.empty' }] };
  const seen = new Map<string, number>();
  fc.features.forEach((feature: unknown, i: number) => {
    const row = i + 1;
    const f = feature as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown };
    if (!f || typeof f !== 'object' || f.type !== 'Feature') {
      errors.push({ row, path: 'feature', message: 'geojson.invalid' });
      return;
    }
    const props = f.properties ?? {};
    const raw = BOUNDARY_CODE_PROPERTIES.map((k) => props[k]).find((v) => typeof v === 'string' || typeof v === 'number');
    let code: string | null = null;
    if (raw === undefined) errors.push({ row, path: 'properties.kode', message: 'boundary.code_missing' });
    else {
      code = normaliseBoundaryCode(String(raw));
      if (code === null) errors.push({ row, path: 'properties.kode', message: 'boundary.code_invalid' });
      else if (!options.isKnownRegion(code)) errors.push({ row, path: 'properties.kode', message: 'boundary.code_unknown' });
      else if (seen.has(code)) errors.push({ row, path: 'properties.kode', message: `boundary.code_duplicate:${seen.get(code)}` });
      else seen.set(code, row);
    }
    const g = checkGeometry(f.geometry);
    if (g !== 'ok') errors.push({ row, path: 'geometry', message: g === 'shape' ? 'boundary.geometry' : 'boundary.outside' });
    if (code !== null && g === 'ok' && !errors.some((e) => e.row === row)) valid.push({ row, regionCode: code, geometry: f.geometry as TBoundaryGeometry });
  });
  return { valid, errors };
}

/** `33.10.04` as it is; `331004` or `3310042001` (BPS-style, no dots) dotted; anything else null. */
export function normaliseBoundaryCode(raw: string): string | null {
  const text = raw.trim();
  if (isRegionCodeShape(text)) return text;
  if (/^\d+$/.test(text)) {
    const parts = text.length === 2 ? [text] : text.length === 4 ? [text.slice(0, 2), text.slice(2)] : text.length === 6 ? [text.slice(0, 2), text.slice(2, 4), text.slice(4)] : text.length === 10 ? [text.slice(0, 2), text.slice(2, 4), text.slice(4, 6), text.slice(6)] : null;
    return parts ? parts.join('.') : null;
  }
  return null;
}
