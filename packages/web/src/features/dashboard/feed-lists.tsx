import type { TAlertItem, TDashboardReport } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { formatInZone } from '../../lib/format';
import { SeverityBadge, StatusBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';
import { VulnerabilityBadge } from './vulnerability';

type FeedReport = Pick<TDashboardReport, 'id' | 'title' | 'category' | 'severity' | 'status' | 'regionCode' | 'createdAt'> & { regionName?: string | null; dueSince?: string | null };

/** Reports as a short list: title (a link), severity and status, category · region · time (or since when overdue). */
export function ReportFeed({ items, showDue, testId }: { items: FeedReport[]; showDue?: boolean; testId?: string }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  if (items.length === 0) return <p className="muted">{t('dashboard.none')}</p>;
  return (
    <ul className="dash-reports" data-testid={testId}>
      {items.map((r) => (
        <li key={r.id}>
          <Link href={`/laporan/${r.id}`} className="dash-report-title">
            {r.title}
          </Link>
          <span className="badges">
            <SeverityBadge level={r.severity} />
            <StatusBadge status={r.status} />
          </span>
          <span className="muted small">
            {r.category ? label(taxonomy?.categories.find((c) => c.code === r.category)?.label, r.category) : t('dashboard.noCategory')} · {r.regionName ?? r.regionCode} ·{' '}
            {showDue && r.dueSince ? t('dashboard.dueSince', { time: formatInZone(r.dueSince, r.regionCode, i18n.language) }) : formatInZone(r.createdAt, r.regionCode, i18n.language)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Alerts as a short list: cause (a link), level and stage, kind · region · time. `linkRegions`
 * makes the region a link and marks provisional alerts (the dashboard, which spans regions).
 */
export function AlertFeed({ items, linkRegions, testId }: { items: TAlertItem[]; linkRegions?: boolean; testId?: string }) {
  const { t, i18n } = useTranslation();
  if (items.length === 0) return <p className="muted">{t('dashboard.noAlerts')}</p>;
  return (
    <ul className="dash-reports" data-testid={testId}>
      {items.map((a) => (
        <li key={a.id}>
          <Link href={`/peringatan/${encodeURIComponent(a.id)}`} className="dash-report-title">
            {i18n.language === 'en' ? a.cause.en : a.cause.id}
          </Link>
          <span className="badges">
            {a.level ? <VulnerabilityBadge level={a.level} /> : null}
            <span className={`badge alert-status alert-${a.status}`}>{t(`dashboard.alertStatus.${a.status}`)}</span>
          </span>
          <span className="muted small">
            {t(`dashboard.alertKind.${a.kind}`)} · {linkRegions ? <Link href={`/wilayah/${a.regionCode}`}>{a.regionName}</Link> : a.regionName} · {formatInZone(a.createdAt, a.regionCode, i18n.language)}
            {linkRegions && a.isProvisional ? ` · ${t('dashboard.provisional')}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
