import type { TRegionLevel, TRole } from '@sinergi/domain';

/*
 * Values the web app needs from @sinergi/domain, restated here so the browser bundle does
 * not pull in zod (~40 kB gzip): the domain modules that hold these constants also build
 * zod schemas at load time, which no bundler can drop. Types still come from the domain,
 * and the checks below fail the type-check if the domain's lists change.
 */

export const ROLES = ['admin', 'province_desk', 'regency_desk', 'district_desk', 'field_officer', 'observer'] as const satisfies readonly TRole[];
export const REGION_LEVELS = ['province', 'regency', 'district', 'village'] as const satisfies readonly TRegionLevel[];

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
const rolesComplete: Exhaustive<TRole, (typeof ROLES)[number]> = true;
const levelsComplete: Exhaustive<TRegionLevel, (typeof REGION_LEVELS)[number]> = true;
void rolesComplete;
void levelsComplete;

/** The whole country, as a scope entry (domain NATIONAL_SCOPE). */
export const NATIONAL_SCOPE = '*';

const CODE_PATTERN = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

/** True when the text has the shape of a Kemendagri region code (domain isRegionCodeShape). */
export function isRegionCodeShape(code: string): boolean {
  return CODE_PATTERN.test(code);
}
