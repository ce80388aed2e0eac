import { z } from 'zod';
import type { TReportStatus } from './reports.js';
import { SEVERITIES, type TLabel, type TSeverity } from './taxonomy.js';

/**
 * The escalation ladder, lowest first (shared/domain.md §7): village (tiga pilar) → district
 * (camat, Kapolsek, Danramil, Panwascam) → regency/city (Forkopimda, Kesbangpol desk) → province.
 */
export const ESCALATION_LEVELS = ['village', 'district', 'regency', 'province'] as const;
/** A rung of the escalation ladder. */
export type TEscalationLevel = (typeof ESCALATION_LEVELS)[number];
/** An escalation level, as a field. */
export const ZEscalationLevel = z.enum(ESCALATION_LEVELS);

/** Who sits at each level, in both languages. */
export const ESCALATION_LEVEL_LABELS: Readonly<Record<TEscalationLevel, { label: TLabel; who: TLabel }>> = {
  village: {
    label: { id: 'Desa/kelurahan', en: 'Village' },
    who: { id: 'Tiga pilar: kepala desa, Babinsa, Bhabinkamtibmas', en: 'Three pillars: village head, Babinsa, Bhabinkamtibmas' },
  },
  district: {
    label: { id: 'Kecamatan', en: 'District' },
    who: { id: 'Camat, Kapolsek, Danramil, Panwascam', en: 'Camat, Kapolsek, Danramil, Panwascam' },
  },
  regency: {
    label: { id: 'Kabupaten/kota', en: 'Regency/city' },
    who: { id: 'Forkopimda dan desk Kesbangpol', en: 'Forkopimda and the Kesbangpol desk' },
  },
  province: {
    label: { id: 'Provinsi', en: 'Province' },
    who: { id: 'Forkopimda provinsi', en: 'Provincial Forkopimda' },
  },
};

/** The next level up, or null at the top (province). */
export function nextEscalationLevel(level: TEscalationLevel): TEscalationLevel | null {
  switch (level) {
    case 'village':
      return 'district';
    case 'district':
      return 'regency';
    case 'regency':
      return 'province';
    case 'province':
      return null;
  }
}

/** Position on the ladder, 0 for village; for comparisons. */
export function escalationRank(level: TEscalationLevel): number {
  return ESCALATION_LEVELS.indexOf(level);
}

/**
 * The code of the region whose desk handles a report at `level`: for village `33.10.04.2001`,
 * district → `33.10.04`, regency → `33.10`, province → `33`. Throws when `regionCode` is not a
 * village-level code deep enough for the level.
 */
export function regionCodeAtLevel(regionCode: string, level: TEscalationLevel): string {
  const parts = regionCode.split('.');
  const depth = 4 - escalationRank(level);
  if (parts.length < depth) throw new Error(`region ${regionCode} has no ${level} level`);
  return parts.slice(0, depth).join('.');
}

// ---------------------------------------------------------------------------------------------
// Service levels and automatic escalation
// ---------------------------------------------------------------------------------------------

/** Time allowed at one severity: to verify a new report, and to start handling a verified one. */
export interface TSlaTimes {
  verifyMinutes: number;
  handleMinutes: number;
}

/** Service-level times per severity. */
export type TSlaConfig = Readonly<Record<TSeverity, TSlaTimes>>;

/** The statuses on an SLA clock: a new report waits to be verified, a verified one to be handled. */
export type TSlaStatus = Extract<TReportStatus, 'new' | 'verified'>;

/** The time allowed in an SLA-clocked status at a severity. */
export function slaLimitMinutes(status: TSlaStatus, severity: TSeverity, config: TSlaConfig): number {
  return status === 'new' ? config[severity].verifyMinutes : config[severity].handleMinutes;
}

/**
 * For each SLA-clocked status and severity, the latest clock start whose time is up at `now`
 * (now minus the time allowed): a report whose clock started at or before its cutoff is due.
 */
export function slaCutoffs(now: Date, config: TSlaConfig): { status: TSlaStatus; severity: TSeverity; cutoff: Date }[] {
  return SEVERITIES.flatMap((severity) =>
    (['new', 'verified'] as const).map((status) => ({ status, severity, cutoff: new Date(now.getTime() - slaLimitMinutes(status, severity, config) * 60_000) })),
  );
}

/**
 * Default service levels. A critical report (4: violence, riot, threat to voting) must be
 * verified within 1 hour and handled within 2 — a crowd forms in hours; a serious one (3) gets a
 * working half-day (4 h / 8 h); a minor one (2) a day to verify and two to act; a note (1), kept
 * for monitoring, 3 days and a week. Handling time runs from verification. Each is configuration.
 */
export const DEFAULT_SLA: TSlaConfig = {
  4: { verifyMinutes: 60, handleMinutes: 120 },
  3: { verifyMinutes: 4 * 60, handleMinutes: 8 * 60 },
  2: { verifyMinutes: 24 * 60, handleMinutes: 48 * 60 },
  1: { verifyMinutes: 72 * 60, handleMinutes: 7 * 24 * 60 },
};

/** Schema of an SLA config (admins edit it). */
export const ZSlaConfig = z.strictObject({
  1: z.strictObject({ verifyMinutes: z.number().int().min(1), handleMinutes: z.number().int().min(1) }),
  2: z.strictObject({ verifyMinutes: z.number().int().min(1), handleMinutes: z.number().int().min(1) }),
  3: z.strictObject({ verifyMinutes: z.number().int().min(1), handleMinutes: z.number().int().min(1) }),
  4: z.strictObject({ verifyMinutes: z.number().int().min(1), handleMinutes: z.number().int().min(1) }),
});

/** Why a report is escalated automatically. */
export const ESCALATION_REASONS = ['unverified', 'unhandled'] as const;
/** An automatic escalation reason. */
export type TEscalationReason = (typeof ESCALATION_REASONS)[number];

/** What dueEscalation needs of a report. Times are Date objects or ISO strings. */
export interface TEscalationSubject {
  status: TReportStatus;
  severity: TSeverity;
  createdAt: Date | string;
  verifiedAt?: Date | string | null;
  /** When the report entered its current status (set only by status changes, not by comments or escalations). */
  statusChangedAt?: Date | string | null;
  escalationLevel: TEscalationLevel;
  lastEscalatedAt?: Date | string | null;
}

/** An escalation that is due: the reason, since when, the level to move to, and a message for the timeline. */
export interface TDueEscalation {
  reason: TEscalationReason;
  dueSince: Date;
  fromLevel: TEscalationLevel;
  level: TEscalationLevel;
  limitMinutes: number;
  message: TLabel;
}

const toMs = (t: Date | string): number => (typeof t === 'string' ? Date.parse(t) : t.getTime());

/** "1 jam 30 menit" / "1 h 30 min" for the escalation message. */
export function formatMinutes(minutes: number, lang: 'id' | 'en'): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const units = lang === 'id' ? ['hari', 'jam', 'menit'] : ['d', 'h', 'min'];
  const parts: string[] = [];
  if (days) parts.push(`${days} ${units[0]}`);
  if (hours) parts.push(`${hours} ${units[1]}`);
  if (mins || parts.length === 0) parts.push(`${mins} ${units[2]}`);
  return parts.join(' ');
}

/**
 * The automatic escalation due for a report at `now`, or null. A new report that stays
 * unverified, or a verified one that nobody starts handling, past its severity's time is moved
 * one level up. The clock restarts at each escalation, so a report still untouched another full
 * period later climbs again, up to province. Drafts (not yet structured), reports in progress
 * and closed reports never escalate automatically.
 */
export function dueEscalation(report: TEscalationSubject, now: Date, config: TSlaConfig = DEFAULT_SLA): TDueEscalation | null {
  let reason: TEscalationReason;
  let enteredAt: Date | string;
  let limitMinutes: number;
  switch (report.status) {
    case 'new':
      reason = 'unverified';
      enteredAt = report.statusChangedAt ?? report.createdAt;
      limitMinutes = slaLimitMinutes('new', report.severity, config);
      break;
    case 'verified':
      reason = 'unhandled';
      enteredAt = report.statusChangedAt ?? report.verifiedAt ?? report.createdAt;
      limitMinutes = slaLimitMinutes('verified', report.severity, config);
      break;
    case 'draft':
    case 'in_progress':
    case 'rejected':
    case 'resolved':
      return null;
  }
  const level = nextEscalationLevel(report.escalationLevel);
  if (level === null) return null;
  const lastEscalated = report.lastEscalatedAt ? toMs(report.lastEscalatedAt) : -Infinity;
  const anchor = Math.max(toMs(enteredAt), lastEscalated);
  const dueSince = new Date(anchor + limitMinutes * 60_000);
  if (now.getTime() < dueSince.getTime()) return null;
  const to = ESCALATION_LEVEL_LABELS[level].label;
  const message: TLabel =
    reason === 'unverified'
      ? {
          id: `Laporan keparahan ${report.severity} belum diverifikasi dalam ${formatMinutes(limitMinutes, 'id')}; dieskalasi otomatis ke tingkat ${to.id.toLowerCase()}.`,
          en: `Severity ${report.severity} report not verified within ${formatMinutes(limitMinutes, 'en')}; escalated automatically to ${to.en.toLowerCase()} level.`,
        }
      : {
          id: `Laporan keparahan ${report.severity} belum ditangani dalam ${formatMinutes(limitMinutes, 'id')} setelah verifikasi; dieskalasi otomatis ke tingkat ${to.id.toLowerCase()}.`,
          en: `Severity ${report.severity} report not handled within ${formatMinutes(limitMinutes, 'en')} of verification; escalated automatically to ${to.en.toLowerCase()} level.`,
        };
  return { reason, dueSince, fromLevel: report.escalationLevel, level, limitMinutes, message };
}
