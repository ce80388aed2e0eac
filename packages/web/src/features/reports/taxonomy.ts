import type { TLabel, TTaxonomy } from '@sinergi/domain';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reportsApi } from '../../api/reports';

const STORAGE_KEY = 'sinergi.taxonomy';
let loading: Promise<TTaxonomy> | null = null;
/** Mounted hooks, told when an administrator saved a new version in this tab. */
const listeners = new Set<(taxonomy: TTaxonomy) => void>();

function stored(): TTaxonomy | null {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as TTaxonomy) : null;
  } catch {
    return null;
  }
}

function load(): Promise<TTaxonomy> {
  loading ??= reportsApi.taxonomy().then((t) => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(t));
    } catch {
      // storage full or blocked: still usable for this page load
    }
    return t;
  });
  return loading;
}

/**
 * The report taxonomy in force from GET /api/taxonomy, remembered on the device so the field form
 * offers the categories with no signal (the last copy the server gave, not a built-in one). It
 * lists retired categories and subcategories too, marked, so old reports keep their labels; forms
 * offer only `offeredCategories` / `offeredSubcategories`.
 */
export function useTaxonomy(): { taxonomy: TTaxonomy | null; error: unknown } {
  const [taxonomy, setTaxonomy] = useState<TTaxonomy | null>(stored);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    const onChange = (t: TTaxonomy) => live && setTaxonomy(t);
    listeners.add(onChange);
    load().then(onChange, (e: unknown) => {
      loading = null;
      if (live) setError(e);
    });
    return () => {
      live = false;
      listeners.delete(onChange);
    };
  }, []);
  return { taxonomy, error };
}

/** Fetch the taxonomy again (after an administrator saved a version) and hand it to every open form. */
export async function refreshTaxonomy(): Promise<void> {
  loading = null;
  const t = await load();
  for (const listener of listeners) listener(t);
}

type Category = TTaxonomy['categories'][number];

/** The categories a new report may carry (a copy cached before retiring existed has no flag: offered). */
export function offeredCategories(taxonomy: TTaxonomy): Category[] {
  return taxonomy.categories.filter((c) => c.retired !== true);
}

/** The subcategories a new report may carry. */
export function offeredSubcategories(category: Category | undefined): Category['subcategories'] {
  return category ? category.subcategories.filter((s) => s.retired !== true) : [];
}

/** Pick the text of a label in the current language. */
export function useLabel(): (label: TLabel | undefined, fallback?: string | null) => string {
  const { i18n } = useTranslation();
  return (label, fallback) => (label ? (i18n.language === 'en' ? label.en : label.id) : (fallback ?? ''));
}
