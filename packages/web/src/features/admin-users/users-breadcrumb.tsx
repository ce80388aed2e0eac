import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/** Pengguna › current page: the trail of every user-administration page below the list. */
export function UsersBreadcrumb({ current }: { current: string }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('regions.breadcrumb')} className="breadcrumbs">
      <ol>
        <li>
          <Link href="/pengguna">{t('users.title')}</Link>
        </li>
        <li>
          <span aria-current="page">{current}</span>
        </li>
      </ol>
    </nav>
  );
}
