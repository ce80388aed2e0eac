import '../../i18n/lazy/desk';
import type { TDashboard, TRegion } from '@sinergi/domain';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../../api';
import { dashboardApi, type DashboardFilters } from '../../api/dashboard';
import { useEventStream } from '../../lib/event-stream';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { formatInZone, formatNumber } from '../../lib/format';
import { useUrlFilters } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { useMe } from '../auth/auth-context';
import { SeverityBadge, StatusBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';
import { usePillars } from '../shell/labels';
import { Change, CountBar, DailyBars } from './charts';
import { AlertFeed, ReportFeed } from './feed-lists';
import { VulnerabilityBadge } from './vulnerability';

/**
 * The page follows the live stream (GET /api/stream): a report or alert in scope refreshes the
 * numbers within a second or two. It also asks again every minute, for what moves without an
 * event (the index job's scores, reports becoming overdue) and in case the stream is cut.
 */
export const REFRESH_MS = 60_000;
/** Events arriving together (a batch of reports) cause one refresh, this long after the first. */
const COALESCE_MS = 1_000;
const LIVE_TOPICS = /^(report|alert|incident)\./;
const FILTER_KEYS = ['election', 'stage', 'days', 'category', 'severity', 'pillar', 'region'] as const;
const RANGES = ['7', '14', '30', '90'];

/** The dashboard's filters from the URL (?election=…&days=…), so a view can be shared. */
function useFilters(): [DashboardFilters, (key: keyof DashboardFilters, value: string) => void] {
  const { params, setFilter } = useUrlFilters();
  const filters: DashboardFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  // a stage belongs to one election
  const set = useCallback((key: keyof DashboardFilters, value: string) => setFilter(key, value, key === 'election' ? ['stage'] : []), [setFilter]);
  return [filters, set];
}

/**
 * Ruang situasi: the desk's numbers for its scope and an election, counted by the server in one
 * request (GET /api/dashboard), refreshed every 30 seconds; filters in the URL.
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const [filters, setFilter] = useFilters();
  const key = JSON.stringify(filters);
  const [data, setData] = useState<TDashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const shownKey = useRef<string | null>(null);

  const load = useCallback(
    async (signal: AbortSignal) => {
      setLoading(true);
      try {
        const next = await dashboardApi.get(JSON.parse(key) as DashboardFilters, signal);
        if (signal.aborted) return;
        setData(next);
        setError(null);
        setUpdatedAt(new Date());
        shownKey.current = key;
      } catch (e) {
        if (!signal.aborted) setError(e);
      } finally {
        if (!signal.aborted) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void load(controller.signal);
    }, REFRESH_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [load]);

  // live: a change in scope (and in the region shown) refreshes the numbers once, shortly after
  const pending = useRef<number | null>(null);
  const liveReload = useRef<() => void>(() => undefined);
  const liveController = useRef<AbortController | null>(null);
  liveReload.current = () => {
    liveController.current?.abort();
    const controller = new AbortController();
    liveController.current = controller;
    void load(controller.signal);
  };
  // a new filter cancels a live refresh still on its way (its answer would be for the old view)
  useEffect(() => () => liveController.current?.abort(), [load]);
  useEffect(
    () => () => {
      if (pending.current !== null) window.clearTimeout(pending.current);
    },
    [],
  );
  useEventStream((event) => {
    if (!LIVE_TOPICS.test(event.topic)) return;
    const region = filters.region;
    if (region && event.regionCode && event.regionCode !== region && !event.regionCode.startsWith(`${region}.`) && !region.startsWith(`${event.regionCode}.`)) return;
    if (pending.current !== null) return;
    pending.current = window.setTimeout(() => {
      pending.current = null;
      liveReload.current();
    }, COALESCE_MS);
  });

  const stale = data !== null && shownKey.current !== key;
  return (
    <div className="stack-lg dashboard" data-testid="dashboard">
      <header className="page-head">
        <h1>{t('dashboard.title')}</h1>
        <p className="lead">
          {data?.region ? data.region.name : t('dashboard.wholeScope')}
          {data?.election ? ` · ${data.election.name}` : ''}
        </p>
      </header>
      {data?.election ? <ElectionBanner data={data} /> : null}
      <Filters filters={filters} setFilter={setFilter} data={data} />
      <p className="muted refresh-note" role="status" aria-live="polite">
        {loading ? t('dashboard.refreshing') : updatedAt ? t('dashboard.updated', { time: formatInZone(updatedAt.toISOString(), data?.region?.code ?? '31', i18n.language) }) : ''}{' '}
        · {t('dashboard.refreshEvery', { seconds: REFRESH_MS / 1000 })}
      </p>
      <ErrorAlert error={error} />
      {data === null ? (
        error ? null : <Loading />
      ) : (
        <div className={stale ? 'is-stale' : undefined} aria-busy={stale}>
          <Content data={data} filters={filters} />
        </div>
      )}
    </div>
  );
}

function ElectionBanner({ data }: { data: TDashboard }) {
  const { t, i18n } = useTranslation();
  const e = data.election!;
  const stageName = e.stage ? (i18n.language === 'en' && e.stage.nameEn ? e.stage.nameEn : e.stage.name) : t('dashboard.noStage');
  const fmt = (d: string) => new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
  const days = e.daysToVoting;
  return (
    <section className="card election-banner" aria-label={t('dashboard.electionTitle')}>
      <div>
        <p className="eyebrow">{t('dashboard.currentStage')}</p>
        <p className="banner-big" data-testid="current-stage">
          {stageName}
        </p>
        {e.stage ? (
          <p className="muted">
            {fmt(e.stage.startDate)} – {fmt(e.stage.endDate)}
          </p>
        ) : null}
      </div>
      <div>
        <p className="eyebrow">{t('dashboard.votingDay')}</p>
        <p className="banner-big" data-testid="days-to-voting">
          {days === null ? '—' : days > 0 ? t('dashboard.daysToGo', { count: days, n: formatNumber(days) }) : days === 0 ? t('dashboard.votingToday') : t('dashboard.daysAfter', { count: -days, n: formatNumber(-days) })}
        </p>
        <p className="muted">
          {e.votingDate ? fmt(e.votingDate) : '—'} · {t('dashboard.zoneNote', { zone: data.timeZoneLabel })}
        </p>
      </div>
      {e.simulated ? <p className="tag tag-muted">{t('dashboard.simulated')}</p> : null}
    </section>
  );
}

function Filters({ filters, setFilter, data }: { filters: DashboardFilters; setFilter: (k: keyof DashboardFilters, v: string) => void; data: TDashboard | null }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const pillars = usePillars();
  const id = useId().replace(/:/g, '');
  const roots = me.scopes.filter((s) => s !== NATIONAL_SCOPE);
  const parent = me.scopes.includes(NATIONAL_SCOPE) ? null : roots.length === 1 ? roots[0]! : undefined;
  const [regionOptions, setRegionOptions] = useState<TRegion[]>([]);
  useEffect(() => {
    if (parent === undefined) return;
    let live = true;
    api.regions({ parent: parent ?? undefined, limit: 200 }).then(
      (page) => live && setRegionOptions(page.items.filter((r) => r.inScope)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [parent]);
  const stages = data?.election?.stages ?? [];
  const field = (name: keyof DashboardFilters, text: string, children: ReactNode) => (
    <div className="filter">
      <label htmlFor={`${id}-${name}`}>{text}</label>
      <select id={`${id}-${name}`} value={filters[name] ?? ''} onChange={(e) => setFilter(name, e.target.value)}>
        {children}
      </select>
    </div>
  );
  const activeRegion = filters.region && !regionOptions.some((r) => r.code === filters.region) ? filters.region : null;
  return (
    <form className="filters card" aria-label={t('dashboard.filters')} onSubmit={(e) => e.preventDefault()}>
      {field(
        'election',
        t('dashboard.election'),
        <>
          <option value="">{t('dashboard.electionDefault')}</option>
          {(data?.elections ?? []).map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </>,
      )}
      {field(
        'stage',
        t('dashboard.stage'),
        <>
          <option value="">{t('dashboard.allStages')}</option>
          {stages.map((s) => (
            <option key={s.code} value={s.code}>
              {i18n.language === 'en' && s.nameEn ? s.nameEn : s.name}
            </option>
          ))}
        </>,
      )}
      {field(
        'days',
        t('dashboard.range'),
        <>
          <option value="">{t('dashboard.days', { n: 14 })}</option>
          {RANGES.filter((r) => r !== '14').map((r) => (
            <option key={r} value={r}>
              {t('dashboard.days', { n: r })}
            </option>
          ))}
        </>,
      )}
      {field(
        'category',
        t('report.category'),
        <>
          <option value="">{t('dashboard.allCategories')}</option>
          {(taxonomy?.categories ?? []).map((c) => (
            <option key={c.code} value={c.code}>
              {label(c.label)}
            </option>
          ))}
        </>,
      )}
      {field(
        'pillar',
        t('dashboard.pillar'),
        <>
          <option value="">{t('dashboard.allPillars')}</option>
          {pillars.map((p) => (
            <option key={p.code} value={p.code}>
              {i18n.language === 'en' ? p.nameEn : p.name}
            </option>
          ))}
        </>,
      )}
      {field(
        'region',
        t('dashboard.region'),
        <>
          <option value="">{t('dashboard.wholeScope')}</option>
          {activeRegion ? <option value={activeRegion}>{data?.region?.code === activeRegion ? `${data.region.name} (${activeRegion})` : activeRegion}</option> : null}
          {regionOptions.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </>,
      )}
    </form>
  );
}

function Content({ data, filters }: { data: TDashboard; filters: DashboardFilters }) {
  const { t } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const categoryName = (code: string | null) => (code ? label(taxonomy?.categories.find((c) => c.code === code)?.label, code) : t('dashboard.noCategory'));
  const maxCategory = Math.max(1, ...data.byCategory.map((c) => c.count));
  const maxSeverity = Math.max(1, ...data.bySeverity.map((c) => c.count));
  const maxStatus = Math.max(1, ...data.byStatus.map((c) => c.count));
  const triage = (extra: Record<string, string>) => {
    const q = new URLSearchParams();
    if (filters.region) q.set('region', filters.region);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    const text = q.toString();
    return `/laporan${text ? `?${text}` : ''}`;
  };
  return (
    <div className="stack-lg">
      <section aria-labelledby="kpi-title">
        <h2 id="kpi-title" className="visually-hidden">
          {t('dashboard.kpiTitle')}
        </h2>
        <dl className="kpis">
          <div className="kpi" data-testid="kpi-reports">
            <dt>{t('dashboard.kpiReports', { days: data.range.days })}</dt>
            <dd>
              <span className="kpi-value">{formatNumber(data.totals.reports)}</span> <Change now={data.totals.reports} before={data.totals.previous} />
            </dd>
          </div>
          <div className="kpi" data-testid="kpi-open">
            <dt>{t('dashboard.kpiOpen')}</dt>
            <dd>
              <span className="kpi-value">{formatNumber(data.totals.open)}</span>
            </dd>
          </div>
          <div className="kpi kpi-critical" data-testid="kpi-critical">
            <dt>{t('dashboard.kpiCritical')}</dt>
            <dd>
              <span className="kpi-value">{formatNumber(data.totals.critical)}</span>
            </dd>
          </div>
          <div className={`kpi${data.totals.overdue > 0 ? ' kpi-alert' : ''}`} data-testid="kpi-overdue">
            <dt>{t('dashboard.kpiOverdue')}</dt>
            <dd>
              <span className="kpi-value">{formatNumber(data.totals.overdue)}</span>
            </dd>
          </div>
        </dl>
      </section>

      <div className="dash-grid">
        <section className="card dash-wide" aria-labelledby="trend-title">
          <h2 id="trend-title">{t('dashboard.trendTitle', { days: data.range.days })}</h2>
          <p className="muted">{t('dashboard.trendNote', { zone: data.timeZoneLabel })}</p>
          <DailyBars days={data.daily} label={t('dashboard.trendTitle', { days: data.range.days })} />
        </section>

        <section className="card" aria-labelledby="cat-title">
          <h2 id="cat-title">{t('dashboard.byCategory')}</h2>
          {data.byCategory.length === 0 ? (
            <p className="muted">{t('dashboard.none')}</p>
          ) : (
            <table className="table dash-table">
              <thead>
                <tr>
                  <th scope="col">{t('report.category')}</th>
                  <th scope="col" className="num">
                    {t('dashboard.count')}
                  </th>
                  <th scope="col" className="num">
                    {t('dashboard.vsPrevious')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.byCategory.map((c) => (
                  <tr key={c.category}>
                    <td>
                      <Link href={triage({ category: c.category })}>{categoryName(c.category)}</Link>
                      <CountBar value={c.count} max={maxCategory} />
                    </td>
                    <td className="num">{formatNumber(c.count)}</td>
                    <td className="num">
                      <Change now={c.count} before={c.previous} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="card" aria-labelledby="sev-title">
          <h2 id="sev-title">{t('dashboard.bySeverity')}</h2>
          <ul className="bars">
            {data.bySeverity
              .slice()
              .reverse()
              .map((s) => (
                <li key={s.severity}>
                  <Link href={triage({ severity: String(s.severity) })}>
                    <SeverityBadge level={s.severity} />
                  </Link>
                  <CountBar value={s.count} max={maxSeverity} tone={`sevbar-${s.severity}`} />
                  <span className="num">{formatNumber(s.count)}</span> <Change now={s.count} before={s.previous} />
                </li>
              ))}
          </ul>
          <h2 id="status-title" className="subhead">
            {t('dashboard.byStatus')}
          </h2>
          <ul className="bars" aria-labelledby="status-title">
            {data.byStatus.map((s) => (
              <li key={s.status}>
                <StatusBadge status={s.status} />
                <CountBar value={s.count} max={maxStatus} />
                <span className="num">{formatNumber(s.count)}</span> <Change now={s.count} before={s.previous} />
              </li>
            ))}
          </ul>
        </section>

        <section className="card" aria-labelledby="risk-title">
          <h2 id="risk-title">{t('dashboard.topRegions')}</h2>
          <p className="muted">{t('dashboard.topRegionsNote')}</p>
          {data.topRegions.length === 0 ? (
            <p className="muted">{t('dashboard.none')}</p>
          ) : (
            <table className="table dash-table" data-testid="top-regions">
              <thead>
                <tr>
                  <th scope="col">{t('regions.name')}</th>
                  <th scope="col">{t('dashboard.level')}</th>
                  <th scope="col" className="num">
                    {t('dashboard.score')}
                  </th>
                  <th scope="col" className="num">
                    {t('dashboard.change7d')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.topRegions.map((r) => (
                  <tr key={r.code}>
                    <td>
                      <Link href={`/wilayah/${r.code}`}>{r.name}</Link>
                    </td>
                    <td>
                      <VulnerabilityBadge level={r.vulnerability} />
                    </td>
                    <td className="num">{formatNumber(Math.round(r.score * 10) / 10)}</td>
                    <td className="num">{r.change7d === null ? '—' : <Change now={r.change7d} before={0} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="card" aria-labelledby="alerts-title" data-testid="alerts">
          <h2 id="alerts-title">
            {t('dashboard.alertsTitle')}{' '}
            <span className="muted">
              ({t('dashboard.alertsCounts', { open: formatNumber(data.alerts.open), acknowledged: formatNumber(data.alerts.acknowledged) })})
            </span>
          </h2>
          <AlertFeed items={data.alerts.items} linkRegions />
        </section>

        <section className="card" aria-labelledby="overdue-title">
          <h2 id="overdue-title">
            {t('dashboard.overdueTitle')} <span className="muted">({formatNumber(data.totals.overdue)})</span>
          </h2>
          <p className="muted">{t('dashboard.overdueNote')}</p>
          <ReportFeed items={data.overdue} showDue />
        </section>

        <section className="card" aria-labelledby="feed-title">
          <h2 id="feed-title">{t('dashboard.feedTitle')}</h2>
          <p className="muted">{t('dashboard.feedNote', { seconds: REFRESH_MS / 1000 })}</p>
          <ReportFeed items={data.latest} testId="feed" />
        </section>
      </div>
    </div>
  );
}
