import type { TPillar, TRegionLevel, TRole } from '@sinergi/domain';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';

/** The role's label in the current language (the same words as the domain's ROLE_LABELS). */
export function useRoleLabel(): (role: TRole) => string {
  const { t } = useTranslation();
  return (role) => t(`roles.${role}`);
}

/** "kecamatan", "desa/kelurahan" … for a level, singular. */
export function useLevelLabel(): (level: TRegionLevel) => string {
  const { t } = useTranslation();
  return (level) => t(`regions.level.${level}`);
}

let pillarsPromise: Promise<TPillar[]> | null = null;

/** Pillars and agencies (reference data), fetched once. */
export function usePillars(): TPillar[] {
  const [pillars, setPillars] = useState<TPillar[]>([]);
  useEffect(() => {
    let live = true;
    pillarsPromise ??= api.pillars().then((r) => r.items);
    pillarsPromise.then(
      (items) => live && setPillars(items),
      () => {
        pillarsPromise = null;
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return pillars;
}

export function usePillarName(): (code: string | null) => string {
  const pillars = usePillars();
  const { i18n } = useTranslation();
  return (code) => {
    if (!code) return '—';
    const p = pillars.find((x) => x.code === code);
    if (!p) return code;
    return i18n.language === 'en' ? p.nameEn : p.name;
  };
}
