import { z } from 'zod';

/**
 * Possible duplicates (Ushahidi users ask for deduplication): the same category, close in place
 * (same village, or within a distance) and close in time. Flagged at intake and on the desk;
 * a person decides whether to group them into an incident.
 */

/** Thresholds of duplicate detection. */
export interface TDuplicateConfig {
  /** Two located reports closer than this are "close in place", whatever their villages. */
  distanceKm: number;
  /** Two reports whose occurredAt lie at most this far apart are "close in time". */
  windowHours: number;
}

/** Defaults: 2 km (a village or two in rural Java) and 48 hours. */
export const DEFAULT_DUPLICATE_CONFIG: Readonly<TDuplicateConfig> = { distanceKm: 2, windowHours: 48 };

/** Schema of the duplicate thresholds (admins edit them). */
export const ZDuplicateConfig = z.strictObject({
  distanceKm: z.number().min(0).max(100),
  windowHours: z.number().min(0).max(24 * 30),
});

/** What duplicate detection needs of a report. */
export interface TDuplicateSubject {
  id: string;
  category: string;
  regionCode: string;
  occurredAt: Date | string;
  lat?: number | null;
  lon?: number | null;
}

/** Mean Earth radius in km (IUGG), as haversineKm and the SQL twin of the duplicate rule use it. */
export const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in kilometres between two points (haversine, mean Earth radius). */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const toMs = (t: Date | string): number => (typeof t === 'string' ? Date.parse(t) : t.getTime());

/** True when two different reports may describe the same event. */
export function isPossibleDuplicate(a: TDuplicateSubject, b: TDuplicateSubject, config: TDuplicateConfig = DEFAULT_DUPLICATE_CONFIG): boolean {
  if (a.id === b.id || a.category !== b.category) return false;
  if (Math.abs(toMs(a.occurredAt) - toMs(b.occurredAt)) > config.windowHours * 3_600_000) return false;
  if (a.regionCode === b.regionCode) return true;
  if (a.lat == null || a.lon == null || b.lat == null || b.lon == null) return false;
  return haversineKm({ lat: a.lat, lon: a.lon }, { lat: b.lat, lon: b.lon }) <= config.distanceKm;
}

/** Ids of the candidates that may duplicate `report`, in candidate order. */
export function findPossibleDuplicates(
  report: TDuplicateSubject,
  candidates: readonly TDuplicateSubject[],
  config: TDuplicateConfig = DEFAULT_DUPLICATE_CONFIG,
): string[] {
  return candidates.filter((c) => isPossibleDuplicate(report, c, config)).map((c) => c.id);
}

/**
 * The pre-filter a repository can run in SQL before isPossibleDuplicate: the time window, and
 * when the report is located a bounding box that contains the distance circle (the same village
 * is matched separately).
 */
export function duplicateSearchWindow(
  report: Pick<TDuplicateSubject, 'occurredAt' | 'lat' | 'lon'>,
  config: TDuplicateConfig = DEFAULT_DUPLICATE_CONFIG,
): { from: Date; to: Date; box: { latMin: number; latMax: number; lonMin: number; lonMax: number } | null } {
  const t = toMs(report.occurredAt);
  const span = config.windowHours * 3_600_000;
  let box = null;
  if (report.lat != null && report.lon != null) {
    const dLat = (config.distanceKm / EARTH_RADIUS_KM) * (180 / Math.PI);
    // Near the equator (all of Indonesia) cos(lat) ≥ 0.98, so this widening is safe.
    const dLon = dLat / Math.max(0.01, Math.cos(rad(Math.abs(report.lat) + dLat)));
    box = { latMin: report.lat - dLat, latMax: report.lat + dLat, lonMin: report.lon - dLon, lonMax: report.lon + dLon };
  }
  return { from: new Date(t - span), to: new Date(t + span), box };
}
