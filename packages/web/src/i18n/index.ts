import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage } from '../api/client';
import en from './en.json';
import id from './id.json';

export const LANGUAGES = ['id', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'sinergi.lang';

function storedLanguage(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'id' || saved === 'en') return saved;
  } catch {
    // storage blocked (private mode): Indonesian
  }
  return 'id';
}

function applyLanguage(lang: Lang): void {
  document.documentElement.lang = lang;
  setApiLanguage(lang);
}

const initial = storedLanguage();
applyLanguage(initial);

void i18next.use(initReactI18next).init({
  resources: { id: { translation: id }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'id',
  interpolation: { escapeValue: false }, // React escapes every text it renders
  returnNull: false,
});

/** Switch the UI (and the API's error messages) to another language and remember it on this device. */
export function changeLanguage(lang: Lang): void {
  applyLanguage(lang);
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered; still switched
  }
  void i18next.changeLanguage(lang);
}

/** The current language, narrowed. */
export function currentLanguage(): Lang {
  return i18next.language === 'en' ? 'en' : 'id';
}

export default i18next;
