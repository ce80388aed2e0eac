import type { TIncident } from '@sinergi/domain';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { incidentsApi } from '../../api/incidents';
import { formatInZone, formatNumber } from '../../lib/format';
import { ErrorAlert, Loading } from '../../ui';
import { SeverityBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';

/** Kejadian: incidents in the desk's scope, open ones first by default; the filter lives in the URL. */
export function IncidentsPage() {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'open') as 'open' | 'closed' | '';
  const [items, setItems] = useState<TIncident[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setItems(null);
    setError(null);
    incidentsApi.list({ status, limit: 50 }, controller.signal).then(
      (page) => {
        setItems(page.items);
        setNext(page.nextCursor);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => controller.abort();
  }, [status]);

  async function more() {
    if (!next) return;
    const page = await incidentsApi.list({ status, limit: 50, cursor: next });
    setItems((old) => [...(old ?? []), ...page.items]);
    setNext(page.nextCursor);
  }

  const categoryLabel = (code: string | null) => (code ? label(taxonomy?.categories.find((c) => c.code === code)?.label, code) : t('incidents.mixed'));

  return (
    <div className="stack">
      <header className="page-head">
        <h1>{t('incidents.title')}</h1>
        <p className="muted">{t('incidents.intro')}</p>
      </header>
      <div className="field narrow">
        <label htmlFor="incident-status">{t('incidents.statusCol')}</label>
        <select
          id="incident-status"
          value={status}
          onChange={(e) =>
            setParams((old) => {
              const p = new URLSearchParams(old);
              p.set('status', e.target.value);
              return p;
            })
          }
        >
          <option value="open">{t('incidents.status.open')}</option>
          <option value="closed">{t('incidents.status.closed')}</option>
          <option value="">{t('triage.all')}</option>
        </select>
      </div>
      <ErrorAlert error={error} />
      {items === null && !error ? <Loading /> : null}
      {items && items.length === 0 ? <p className="muted">{t('incidents.empty')}</p> : null}
      {items && items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('incidents.titleField')}</th>
              <th scope="col">{t('report.category')}</th>
              <th scope="col">{t('report.severity')}</th>
              <th scope="col">{t('incidents.reports')}</th>
              <th scope="col">{t('incidents.statusCol')}</th>
              <th scope="col">{t('incidents.last')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id}>
                <td>
                  <Link href={`/kejadian/${i.id}`}>{i.title}</Link>
                </td>
                <td>{categoryLabel(i.category)}</td>
                <td>
                  <SeverityBadge level={i.severity} />
                </td>
                <td>{formatNumber(i.reportCount)}</td>
                <td>{t(`incidents.status.${i.status}`)}</td>
                <td>{formatInZone(i.lastOccurredAt, i.regionCode === '*' ? '31' : i.regionCode, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {next ? (
        <button type="button" className="btn btn-secondary" onClick={() => void more()}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
