import '../../i18n/lazy/sitrep';
import type { TSitrepStatus } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';

/** "Rabu, 20 November 2024" / "Wednesday, 20 November 2024" for a local date. */
export function formatLocalDate(date: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

export function SitrepStatusBadge({ status }: { status: TSitrepStatus }) {
  const { t } = useTranslation();
  return <span className={`badge sitrep-${status}`}>{t(`sitrep.statuses.${status}`)}</span>;
}
