import type { TRegion, TRegionLevel } from '@sinergi/domain';
import { REGION_LEVELS } from '../../lib/domain';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, type Page } from '../../api';
import { formatNumber } from '../../lib/format';
import { useAsync, useDebounced } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { useLevelLabel } from '../shell/labels';
import { fetchRegion } from './region-cache';
import { DescendantCounts } from './region-counts';
import { RegionSituation } from './region-risk';

const PAGE = 200;

function childLevelOf(level: TRegionLevel): TRegionLevel | null {
  return REGION_LEVELS[REGION_LEVELS.indexOf(level) + 1] ?? null;
}

/** Wilayah: drill down province → regency → district → village, or search by name or code. */
export function RegionBrowser({ code }: { code: string | null }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const searchId = `s-${useId().replace(/:/g, '')}`;
  const settled = useDebounced(query.trim(), 300);
  const searching = settled.length >= 2;

  // a new region page starts without a search
  useEffect(() => setQuery(''), [code]);

  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t('regions.title')}</h1>
        <form role="search" className="search" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor={searchId}>{t('regions.searchLabel')}</label>
          <div className="search-row">
            <input
              id={searchId}
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder={t('regions.searchPlaceholder')}
              autoComplete="off"
              aria-describedby={`${searchId}-hint`}
            />
            {query ? (
              <button type="button" className="btn btn-secondary" onClick={() => setQuery('')}>
                {t('common.clear')}
              </button>
            ) : null}
          </div>
          <p className="field-hint" id={`${searchId}-hint`}>
            {t('regions.searchHint')}
          </p>
        </form>
      </header>
      {searching ? <SearchResults q={settled} /> : code ? <RegionView code={code} /> : <TopLevel />}
    </div>
  );
}

function SearchResults({ q }: { q: string }) {
  const { t } = useTranslation();
  const levelLabel = useLevelLabel();
  const [extra, setExtra] = useState<TRegion[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state] = useAsync(
    async (signal) => {
      const page = await api.regions({ q, limit: 50 }, signal);
      setExtra([]);
      setCursor(page.nextCursor);
      return page;
    },
    [q],
  );
  const [moreError, setMoreError] = useState<unknown>(null);

  async function more() {
    if (!cursor) return;
    try {
      const page = await api.regions({ q, limit: 50, cursor });
      setExtra((e) => [...e, ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      setMoreError(error);
    }
  }

  if (state.status === 'loading') return <Loading label={t('regions.searching')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} />;
  const items = [...state.data.items, ...extra];
  return (
    <section aria-labelledby="search-title" className="stack">
      <h2 id="search-title">{t('regions.searchResults', { q })}</h2>
      <p className="muted" role="status">
        {items.length === 0 ? t('regions.noResults') : t('regions.resultCount', { count: items.length, shown: formatNumber(items.length) })}
      </p>
      {items.length ? (
        <ul className="result-list">
          {items.map((r) => (
            <li key={r.code}>
              <Link href={`/wilayah/${r.code}`} className="result-link">
                <span className="result-name">{r.name}</span>
                <span className="result-meta">
                  {levelLabel(r.level)} · <span className="code">{r.code}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorAlert error={moreError} />
      {cursor ? (
        <button type="button" className="btn btn-secondary" onClick={() => void more()}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </section>
  );
}

/** The top of the user's scope (provinces for a national account). */
function TopLevel() {
  const { t } = useTranslation();
  return (
    <section className="stack" aria-labelledby="region-title">
      <nav aria-label={t('regions.breadcrumb')} className="breadcrumbs">
        <ol>
          <li>
            <span aria-current="page">Indonesia</span>
          </li>
        </ol>
      </nav>
      <div className="card region-head">
        <h2 id="region-title">Indonesia</h2>
      </div>
      <Children parent={null} childLevel="province" />
    </section>
  );
}

function RegionView({ code }: { code: string }) {
  const { t } = useTranslation();
  const levelLabel = useLevelLabel();
  const [state] = useAsync(() => fetchRegion(code), [code]);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') {
    const err = state.error;
    const outOfScope = err instanceof ApiError && err.code === 'out_of_scope';
    return (
      <div className="stack" data-testid={outOfScope ? 'out-of-scope' : 'region-error'}>
        <ErrorAlert error={err}>
          {outOfScope ? <p>{t('regions.outOfScopeHelp')}</p> : null}
        </ErrorAlert>
        <p>
          <Link href="/wilayah">{t('regions.backToMine')}</Link>
        </p>
      </div>
    );
  }
  const region = state.data;
  const childLevel = childLevelOf(region.level);
  return (
    <section className="stack" aria-labelledby="region-title">
      <nav aria-label={t('regions.breadcrumb')} className="breadcrumbs">
        <ol>
          <li>
            <Link href="/wilayah">Indonesia</Link>
          </li>
          {region.path.map((p, i) => (
            <li key={p.code}>
              {i === region.path.length - 1 ? (
                <span aria-current="page">{p.name}</span>
              ) : (
                <Link href={`/wilayah/${p.code}`}>{p.name}</Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <div className="card region-head">
        <p className="eyebrow">
          {levelLabel(region.level)} · <span className="code">{region.code}</span>
        </p>
        <h2 id="region-title">{region.name}</h2>
        <p className="region-tz">
          {t('regions.timeZone')}: <strong>{region.timeZoneLabel}</strong> <span className="muted">({region.timeZone})</span>
        </p>
        {region.inScope ? null : <p className="tag tag-muted">{t('regions.navigationOnly')}</p>}
        <DescendantCounts region={region} />
      </div>
      {region.inScope ? <RegionSituation code={region.code} hasChildren={childLevel !== null} /> : null}
      {childLevel ? <Children parent={region.code} childLevel={childLevel} /> : <p className="muted">{t('regions.noChildren')}</p>}
    </section>
  );
}

function Children({ parent, childLevel }: { parent: string | null; childLevel: TRegionLevel }) {
  const { t } = useTranslation();
  const grandchildLevel = childLevelOf(childLevel);
  const [extra, setExtra] = useState<TRegion[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [state] = useAsync(
    async (signal): Promise<Page<TRegion>> => {
      const page = await api.regions({ parent: parent ?? undefined, limit: PAGE }, signal);
      setExtra([]);
      setCursor(page.nextCursor);
      return page;
    },
    [parent],
  );

  async function more() {
    if (!cursor) return;
    try {
      const page = await api.regions({ parent: parent ?? undefined, limit: PAGE, cursor });
      setExtra((e) => [...e, ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      setMoreError(error);
    }
  }

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorAlert error={state.error} />;
  const items = [...state.data.items, ...extra];
  return (
    <section aria-labelledby="children-title" className="stack">
      <h3 id="children-title">
        {t(`regions.levelPlural.${childLevel}`)} <span className="muted">({formatNumber(items.length)}{cursor ? '+' : ''})</span>
      </h3>
      {items.length === 0 ? (
        <p className="muted">{t('regions.noChildren')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-regions">
            <thead>
              <tr>
                <th scope="col">{t('regions.code')}</th>
                <th scope="col">{t('regions.name')}</th>
                {grandchildLevel ? (
                  <th scope="col" className="num">
                    {t(`regions.levelPlural.${grandchildLevel}`)}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.code}>
                  <td className="code">{r.code}</td>
                  <td>
                    <Link href={`/wilayah/${r.code}`}>{r.name}</Link>
                    {r.inScope ? null : <span className="tag tag-muted">{t('regions.navigationOnlyShort')}</span>}
                  </td>
                  {grandchildLevel ? <td className="num">{formatNumber(r.childCount)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorAlert error={moreError} />
      {cursor ? (
        <button type="button" className="btn btn-secondary" onClick={() => void more()}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
