import type { TLabel, TTaxonomy } from '@sinergi/domain';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reportsApi } from '../../api/reports';

const STORAGE_KEY = 'sinergi.taxonomy';
let loading: Promise<TTaxonomy> | null = null;

function stored(): TTaxonomy | null {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as TTaxonomy) : null;
  } catch {
    return null;
  }
}

/**
 * The report taxonomy from GET /api/taxonomy, remembered on the device so the field form
 * offers the categories with no signal (the last copy the server gave, not a built-in one).
 */
export function useTaxonomy(): { taxonomy: TTaxonomy | null; error: unknown } {
  const [taxonomy, setTaxonomy] = useState<TTaxonomy | null>(stored);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    loading ??= reportsApi.taxonomy().then((t) => {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(t));
      } catch {
        // storage full or blocked: still usable for this page load
      }
      return t;
    });
    loading.then(
      (t) => live && setTaxonomy(t),
      (e: unknown) => {
        loading = null;
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return { taxonomy, error };
}

/** Pick the text of a label in the current language. */
export function useLabel(): (label: TLabel | undefined, fallback?: string | null) => string {
  const { i18n } = useTranslation();
  return (label, fallback) => (label ? (i18n.language === 'en' ? label.en : label.id) : (fallback ?? ''));
}
