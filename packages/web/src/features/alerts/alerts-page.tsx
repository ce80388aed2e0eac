import type { TAlertItem } from '@sinergi/domain';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { alertsApi } from '../../api/alerts';
import { reportsApi } from '../../api/reports';
import { ALERT_KINDS, ALERT_STATUSES } from '../../lib/domain';
import { formatInZone } from '../../lib/format';
import { useAsync, useUrlFilters } from '../../lib/hooks';
import { ErrorAlert, Loading, SelectField } from '../../ui';
import { RegionPicker } from '../regions/region-picker';
import { AlertFlags, AlertStatusBadge, LevelBadge } from './badges';

/** Peringatan: early-warning alerts in the user's scope, newest first, filtered (in the URL, so a view can be shared) by status, kind, region and election, paged. */
export function AlertsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'id';
  const { params, setFilter } = useUrlFilters();
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  const region = params.get('region') ?? '';
  const election = params.get('election') ?? '';
  const [elections] = useAsync((signal) => reportsApi.elections(signal), []);
  const [pages, setPages] = useState<TAlertItem[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const [state, reload] = useAsync(
    async (signal) => {
      const page = await alertsApi.list({ status, kind, region, election, limit: 50 }, signal);
      setPages([page.items]);
      setCursor(page.nextCursor);
      return page;
    },
    [status, kind, region, election],
  );
  const items = pages.flat();

  async function loadMore() {
    if (!cursor) return;
    setMore({ loading: true, error: null });
    try {
      const page = await alertsApi.list({ status, kind, region, election, limit: 50, cursor });
      setPages((p) => [...p, page.items]);
      setCursor(page.nextCursor);
      setMore({ loading: false, error: null });
    } catch (error) {
      setMore({ loading: false, error });
    }
  }

  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t('alerts.title')}</h1>
        <p className="muted">{t('alerts.intro')}</p>
      </header>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('alerts.filters')}>
        <SelectField label={t('alerts.filterStatus')} name="status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
          <option value="">{t('alerts.all')}</option>
          {ALERT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`alerts.status.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('alerts.filterKind')} name="kind" value={kind} onChange={(e) => setFilter('kind', e.target.value)}>
          <option value="">{t('alerts.all')}</option>
          {ALERT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`alerts.kind.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('alerts.filterElection')} name="election" value={election} onChange={(e) => setFilter('election', e.target.value)}>
          <option value="">{t('alerts.all')}</option>
          {elections.status === 'ok'
            ? elections.data.items.map((el) => (
                <option key={el.id} value={el.id}>
                  {el.name}
                </option>
              ))
            : null}
        </SelectField>
        <div className="filter-region">
          <RegionPicker label={t('alerts.filterRegion')} name="region" single value={region ? [region] : []} onChange={(codes) => setFilter('region', codes[0] ?? '')} />
        </div>
      </form>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? (
        <ErrorAlert error={state.error}>
          <button type="button" className="btn btn-secondary" onClick={reload}>
            {t('common.retry')}
          </button>
        </ErrorAlert>
      ) : null}
      {state.status === 'ok' && items.length === 0 ? <p className="muted">{t('alerts.empty')}</p> : null}
      {items.length > 0 ? (
        <ul className="alert-list" aria-label={t('alerts.title')}>
          {items.map((a) => (
            <li key={a.id} className={`card alert-card alert-kind-${a.kind} alert-card-${a.status}`}>
              <p className="eyebrow">
                {t(`alerts.kind.${a.kind}`)} · {a.regionName} <span className="code">({a.regionCode})</span>
              </p>
              <h2 className="alert-card-title">
                <Link href={`/peringatan/${encodeURIComponent(a.id)}`}>{a.cause[lang]}</Link>
              </h2>
              <p className="badges">
                <AlertStatusBadge status={a.status} />
                {a.level ? <LevelBadge level={a.level} /> : null}
                {a.severity ? <span className={`badge sev sev-${a.severity}`}>{a.severity} · {t(`severity.${a.severity}`)}</span> : null}
                <AlertFlags alert={a} />
                <span className="muted small">
                  <time dateTime={a.createdAt}>{formatInZone(a.createdAt, a.regionCode, i18n.language)}</time>
                </span>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      {cursor ? (
        <p>
          <button type="button" className="btn btn-secondary" onClick={() => void loadMore()} disabled={more.loading}>
            {more.loading ? t('common.loading') : t('alerts.more')}
          </button>
        </p>
      ) : null}
      {more.error ? <ErrorAlert error={more.error} /> : null}
    </div>
  );
}
