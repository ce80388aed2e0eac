import type { TAlertActionKind, TAlertKind, TAlertStatus, TRegionLevel, TRole } from '@sinergi/domain';

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

import type { TEscalationLevel, TReportStatus } from '@sinergi/domain';

/** Report statuses in workflow order (domain REPORT_STATUSES). */
export const REPORT_STATUSES = ['draft', 'new', 'verified', 'rejected', 'in_progress', 'resolved'] as const satisfies readonly TReportStatus[];
/** The escalation ladder, lowest first (domain ESCALATION_LEVELS). */
export const ESCALATION_LEVELS = ['village', 'district', 'regency', 'province'] as const satisfies readonly TEscalationLevel[];
const statusesComplete: Exhaustive<TReportStatus, (typeof REPORT_STATUSES)[number]> = true;
const levelsOfEscalationComplete: Exhaustive<TEscalationLevel, (typeof ESCALATION_LEVELS)[number]> = true;
void statusesComplete;
void levelsOfEscalationComplete;

// Provinces outside WIB (domain regions.ts timeZoneOf); Indonesia has no daylight saving time.
const WITA = new Set(['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76']);
const WIT = new Set(['81', '82', '91', '92', '93', '94', '95', '96']);

/** The IANA zone and its Indonesian abbreviation for a region code (domain timeZoneOf / timeZoneLabelOf). */
export function zoneOf(regionCode: string): { timeZone: string; label: 'WIB' | 'WITA' | 'WIT' } {
  const province = regionCode.slice(0, 2);
  if (WITA.has(province)) return { timeZone: 'Asia/Makassar', label: 'WITA' };
  if (WIT.has(province)) return { timeZone: 'Asia/Jayapura', label: 'WIT' };
  return { timeZone: 'Asia/Jakarta', label: 'WIB' };
}

/** Alert kinds and statuses (domain ALERT_KINDS, ALERT_STATUSES). */
export const ALERT_KINDS = ['level_rise', 'spike', 'severity4', 'stage_summary'] as const satisfies readonly TAlertKind[];
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const satisfies readonly TAlertStatus[];
const alertKindsComplete: Exhaustive<TAlertKind, (typeof ALERT_KINDS)[number]> = true;
const alertStatusesComplete: Exhaustive<TAlertStatus, (typeof ALERT_STATUSES)[number]> = true;
void alertKindsComplete;
void alertStatusesComplete;

/** The desk actions an alert in this status allows (domain nextAlertStatus ≠ null), in the order the page shows them. */
export function alertActionsFor(status: TAlertStatus): TAlertActionKind[] {
  switch (status) {
    case 'open':
      return ['acknowledge', 'act', 'close', 'comment'];
    case 'acknowledged':
      return ['act', 'close', 'comment'];
    case 'closed':
      return ['reopen', 'comment'];
  }
}
