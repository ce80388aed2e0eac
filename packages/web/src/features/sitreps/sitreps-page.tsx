import '../../i18n/lazy/sitrep';
import type { TRegion, TSitrepSummary } from '@sinergi/domain';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api } from '../../api';
import { sitrepApi } from '../../api/sitreps';
import { NATIONAL_SCOPE, zoneOf } from '../../lib/domain';
import { useAsync } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { formatLocalDate, SitrepStatusBadge } from './sitrep-parts';
import { TemplateEditor } from './template-editor';

/** Today's date (YYYY-MM-DD) in a region's own zone. */
export function todayIn(regionCode: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zoneOf(regionCode).timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * The regions a user can open a situation report for: their scope roots at province, regency or
 * district level, and the districts of a regency root (a national account picks provinces).
 */
function useSitrepRegions(scopes: string[]): { regions: TRegion[]; loading: boolean } {
  const key = scopes.join(',');
  const [state] = useAsync(
    async (signal) => {
      const out: TRegion[] = [];
      const roots = scopes.includes(NATIONAL_SCOPE) ? (await api.regions({ limit: 100 }, signal)).items : await Promise.all(scopes.filter((s) => s.split('.').length <= 3).map((s) => api.region(s, signal)));
      for (const root of roots) {
        out.push(root);
        if (root.level === 'regency') out.push(...(await api.regions({ parent: root.code, limit: 100 }, signal)).items);
      }
      return out;
    },
    [key],
  );
  return { regions: state.status === 'ok' ? state.data : [], loading: state.status === 'loading' };
}

/** /lapsit: pick a region and a date to open its daily situation report; the recent ones below. */
export function SitrepsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [, navigate] = useLocation();
  const canWrite = hasPermission(me, 'sitreps.write');
  const canConfigure = hasPermission(me, 'sitreps.approve') || hasPermission(me, 'config.manage');
  const { regions, loading } = useSitrepRegions(me.scopes);
  const [region, setRegion] = useState('');
  const [date, setDate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notFound, setNotFound] = useState(false);
  const regionId = useId();
  const dateId = useId();

  useEffect(() => {
    if (!region && regions[0]) setRegion(regions[0].code);
  }, [regions, region]);
  useEffect(() => {
    if (region && !date) setDate(todayIn(region));
  }, [region, date]);

  const [list] = useAsync((signal) => sitrepApi.list({ limit: 30 }, signal), []);

  async function open(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setNotFound(false);
    setBusy(true);
    try {
      if (canWrite) {
        const s = await sitrepApi.open(region, date);
        navigate(`/lapsit/${s.id}`);
      } else {
        // readers open the day's report if a desk has made one
        const found = (await sitrepApi.list({ region, date, limit: 5 })).items[0];
        if (found) navigate(`/lapsit/${found.id}`);
        else setNotFound(true);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const max = region ? todayIn(region) : undefined;
  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t('sitrep.title')}</h1>
        <p className="lead">{t('sitrep.intro')}</p>
      </header>
      <form className="card sitrep-picker" onSubmit={(e) => void open(e)}>
        <div className="field">
          <label htmlFor={regionId}>{t('sitrep.region')}</label>
          {loading ? (
            <Loading />
          ) : (
            <select id={regionId} value={region} onChange={(e) => setRegion(e.target.value)} required>
              {regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name} ({r.code})
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="field">
          <label htmlFor={dateId}>
            {t('sitrep.date')} {region ? `(${zoneOf(region).label})` : ''}
          </label>
          <input id={dateId} type="date" value={date} max={max} onChange={(e) => setDate(e.target.value)} required />
        </div>
        <div className="sitrep-picker-go">
          <button type="submit" className="btn btn-primary" disabled={busy || !region || !date}>
            {canWrite ? t('sitrep.open') : t('sitrep.find')}
          </button>
        </div>
      </form>
      {notFound ? (
        <p role="status" className="alert alert-warning">
          {t('sitrep.noneForDay')}
        </p>
      ) : null}
      <ErrorAlert error={error} />
      {canConfigure && region ? (
        <details className="card sitrep-template">
          <summary>{t('sitrep.template.open')}</summary>
          <TemplateEditor regionCode={region} />
        </details>
      ) : null}
      <section className="stack">
        <h2>{t('sitrep.recent')}</h2>
        {list.status === 'loading' ? <Loading /> : null}
        <ErrorAlert error={list.error} />
        {list.status === 'ok' && list.data.items.length === 0 ? <p className="muted">{t('sitrep.noneYet')}</p> : null}
        {list.status === 'ok' && list.data.items.length > 0 ? <SitrepTable items={list.data.items} lang={i18n.language} /> : null}
      </section>
    </div>
  );
}

function SitrepTable({ items, lang }: { items: TSitrepSummary[]; lang: string }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('sitrep.date')}</th>
            <th scope="col">{t('sitrep.region')}</th>
            <th scope="col">{t('sitrep.status')}</th>
            <th scope="col" className="num">
              {t('sitrep.sections')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td>
                <Link href={`/lapsit/${s.id}`}>
                  {formatLocalDate(s.date, lang)} ({s.timeZone}){s.revision > 1 ? ` · ${t('sitrep.revision', { n: s.revision })}` : ''}
                </Link>
              </td>
              <td>
                {s.regionName} <span className="muted">({s.regionCode})</span>
              </td>
              <td>
                <SitrepStatusBadge status={s.status} />
              </td>
              <td className="num">
                {s.sectionsSubmitted}/{s.sectionsTotal}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
