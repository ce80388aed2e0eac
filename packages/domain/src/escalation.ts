import { z } from 'zod';
import type { TLabel } from './taxonomy.js';

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
