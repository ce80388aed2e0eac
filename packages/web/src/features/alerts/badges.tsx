import type { TAlertItem } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';

/** Status of an alert as a badge with its name. */
export function AlertStatusBadge({ status }: { status: TAlertItem['status'] }) {
  const { t } = useTranslation();
  return <span className={`badge alert-status-${status}`}>{t(`alerts.status.${status}`)}</span>;
}

/** Vulnerability level (rendah/sedang/tinggi), written out, never colour alone. */
export function LevelBadge({ level }: { level: NonNullable<TAlertItem['level']> }) {
  const { t } = useTranslation();
  return <span className={`badge level-${level}`}>{t(`alerts.level.${level}`)}</span>;
}

/** The flags that change how far an alert travels: provisional (web only) and demo/exercise. */
export function AlertFlags({ alert }: { alert: Pick<TAlertItem, 'isProvisional' | 'isDemo'> }) {
  const { t } = useTranslation();
  return (
    <>
      {alert.isProvisional ? <span className="badge alert-provisional">{t('alerts.provisional')}</span> : null}
      {alert.isDemo ? <span className="badge alert-demo">{t('alerts.demo')}</span> : null}
    </>
  );
}
