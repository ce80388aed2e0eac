import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Lang } from '../../i18n';

const NAMES: Record<Lang, string> = { id: 'Bahasa Indonesia', en: 'English' };
const SHORT: Record<Lang, string> = { id: 'ID', en: 'EN' };

/** Two buttons, each named in its own language so anyone can find theirs. */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('common.language')}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          className="lang-option"
          aria-pressed={i18n.language === lang}
          aria-label={compact ? `${SHORT[lang]} (${NAMES[lang]})` : undefined}
          onClick={() => changeLanguage(lang)}
        >
          {compact ? SHORT[lang] : NAMES[lang]}
        </button>
      ))}
    </div>
  );
}
