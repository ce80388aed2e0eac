import { z } from 'zod';

/** Region levels, top down. Codes: `33` province, `33.10` regency, `33.10.04` district, `33.10.04.2001` village. */
export const REGION_LEVELS = ['province', 'regency', 'district', 'village'] as const;
export type TRegionLevel = (typeof REGION_LEVELS)[number];

const CODE_PATTERN = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;
const VILLAGE_PATTERN = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;

/** True when the text has the shape of a Kemendagri region code of any level. */
export function isRegionCodeShape(code: string): boolean {
  return CODE_PATTERN.test(code);
}

/** True when the text has the shape of a village (desa/kelurahan) code. */
export function isVillageCodeShape(code: string): boolean {
  return VILLAGE_PATTERN.test(code);
}

/** The level of a well-formed region code. */
export function regionLevelOf(code: string): TRegionLevel {
  const depth = code.split('.').length;
  const level = REGION_LEVELS[depth - 1];
  if (!level) throw new Error(`not a region code: ${code}`);
  return level;
}

/** The parent's code, or null for a province. */
export function parentCodeOf(code: string): string | null {
  const cut = code.lastIndexOf('.');
  return cut === -1 ? null : code.slice(0, cut);
}

/** The province code (first two digits): the sharding key of every large table. */
export function provinceCodeOf(code: string): string {
  return code.slice(0, 2);
}

/** The code itself and all its ancestors, top down: `33.10.04` → [`33`, `33.10`, `33.10.04`]. */
export function regionChainOf(code: string): string[] {
  const parts = code.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** True when `code` is `ancestor` or lies under it. */
export function isWithinRegion(code: string, ancestor: string): boolean {
  return code === ancestor || code.startsWith(`${ancestor}.`);
}

/** The whole country, as a scope entry. */
export const NATIONAL_SCOPE = '*';

/**
 * A user's region scope: region codes they may see with everything beneath them, or `*` for
 * the whole country. This is the one rule the server applies on every read and write.
 */
export function isInScope(code: string, scopes: readonly string[]): boolean {
  for (const scope of scopes) {
    if (scope === NATIONAL_SCOPE || isWithinRegion(code, scope)) return true;
  }
  return false;
}

/** True when `code` is a strict ancestor of one of the scopes (shown for navigation only). */
export function isAncestorOfScope(code: string, scopes: readonly string[]): boolean {
  return scopes.some((scope) => scope !== NATIONAL_SCOPE && scope !== code && isWithinRegion(scope, code));
}

/** Remove scope entries already covered by a wider one, so `['33', '33.10']` becomes `['33']`. */
export function normaliseScopes(scopes: readonly string[]): string[] {
  if (scopes.includes(NATIONAL_SCOPE)) return [NATIONAL_SCOPE];
  const unique = [...new Set(scopes)].sort();
  return unique.filter((s) => !unique.some((other) => other !== s && isWithinRegion(s, other)));
}

/** IANA time zones by province code (WIB, WITA, WIT), from shared/domain.md. */
const WITA = new Set(['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76']);
const WIT = new Set(['81', '82', '91', '92', '93', '94', '95', '96']);

export type TTimeZoneName = 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura';

/** The time zone of any region, from its province. */
export function timeZoneOf(regionCode: string): TTimeZoneName {
  const province = provinceCodeOf(regionCode);
  if (WITA.has(province)) return 'Asia/Makassar';
  if (WIT.has(province)) return 'Asia/Jayapura';
  return 'Asia/Jakarta';
}

/** The Indonesian abbreviation of a region's zone: WIB, WITA or WIT. */
export function timeZoneLabelOf(regionCode: string): 'WIB' | 'WITA' | 'WIT' {
  switch (timeZoneOf(regionCode)) {
    case 'Asia/Jakarta':
      return 'WIB';
    case 'Asia/Makassar':
      return 'WITA';
    case 'Asia/Jayapura':
      return 'WIT';
  }
}

/** A region code of any level, as a request field. */
export const ZRegionCode = z.string().trim().refine(isRegionCodeShape, { message: 'region.invalid_code' });
/** A village code, as a request field. */
export const ZVillageCode = z.string().trim().refine(isVillageCodeShape, { message: 'region.not_village' });

export const ZRegionLevel = z.enum(REGION_LEVELS);

/** A region as the API presents it. */
export const ZRegion = z.object({
  code: z.string(),
  name: z.string(),
  level: ZRegionLevel,
  parentCode: z.string().nullable(),
  childCount: z.number().int(),
  inScope: z.boolean().describe('false for an ancestor shown only so the user can navigate to their area'),
});
export type TRegion = z.infer<typeof ZRegion>;

/** One region with its path from the province down and the number of regions beneath it by level. */
export const ZRegionDetail = ZRegion.extend({
  path: z.array(z.object({ code: z.string(), name: z.string(), level: ZRegionLevel })),
  descendantCounts: z.object({
    regency: z.number().int(),
    district: z.number().int(),
    village: z.number().int(),
  }),
  timeZone: z.string(),
  timeZoneLabel: z.string(),
});
export type TRegionDetail = z.infer<typeof ZRegionDetail>;

export const ZRegionListQuery = z.object({
  parent: ZRegionCode.optional().describe('list the children of this region; omit for the top of your scope'),
  q: z.string().trim().min(2).max(100).optional().describe('search by name or code (at least 2 characters)'),
  cursor: z.string().max(40).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type TRegionListQuery = z.infer<typeof ZRegionListQuery>;

export const ZRegionList = z.object({ items: z.array(ZRegion), nextCursor: z.string().nullable() });
