import '../../i18n/lazy/desk';
import type { TAlertItem, TRiskItem, TRiskList, TRiskRegion } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { request } from '../../api/client';
import { dashboardApi } from '../../api/dashboard';
import { reportsApi } from '../../api/reports';
import { formatNumber } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { AlertFeed, ReportFeed } from '../dashboard/feed-lists';
import { LEVEL_COLOURS, VulnerabilityBadge } from '../dashboard/vulnerability';
import { SeverityBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';

const num = (n: number, digits = 1) => formatNumber(Math.round(n * 10 ** digits) / 10 ** digits);

/**
 * A region's situation on its page: the vulnerability score with its parts explained and 30 days
 * of history (GET /api/risk/CODE), its children ranked (GET /api/risk?parent=CODE), its newest
 * reports and its alerts not yet closed. TPS, people and meetings arrive with their capabilities.
 */
export function RegionSituation({ code, hasChildren }: { code: string; hasChildren: boolean }) {
  const { t } = useTranslation();
  const [risk] = useAsync((signal) => dashboardApi.riskRegion(code, signal), [code]);
  return (
    <div className="stack-lg region-situation">
      <section className="card stack" aria-labelledby="vuln-title">
        <h3 id="vuln-title">{t('regionPage.vulnerability')}</h3>
        {risk.status === 'loading' ? <Loading /> : risk.status === 'error' ? <ErrorAlert error={risk.error} /> : <RiskExplained risk={risk.data} />}
      </section>
      {hasChildren ? <ChildrenRanked code={code} /> : null}
      <RegionReports code={code} />
      <RegionAlerts code={code} />
    </div>
  );
}

function RiskExplained({ risk }: { risk: TRiskRegion }) {
  const { t } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const first = risk.history[0];
  const change = first ? risk.score - first.score : 0;
  return (
    <div className="stack">
      <div className="risk-head">
        <p className="risk-score" data-testid="risk-score">
          {num(risk.score)}
          <span className="muted"> / 100</span>
        </p>
        <VulnerabilityBadge level={risk.level} />
        <p className="muted">{t('regionPage.change30', { change: `${change > 0 ? '+' : ''}${num(change)}` })}</p>
      </div>
      <dl className="facts risk-parts">
        <div>
          <dt>{t('regionPage.structural')}</dt>
          <dd>
            {risk.structural.isMissing ? t('regionPage.structuralMissing') : `${num(risk.structural.contribution)} (${t(`regionPage.structuralSource.${risk.structural.source}`)})`}
          </dd>
        </div>
        <div>
          <dt>{t('regionPage.dynamic')}</dt>
          <dd>
            {num(risk.dynamic.contribution)} — {t('regionPage.dynamicDetail', { scaled: num(risk.dynamic.scaled), weight: num(risk.stageWeight, 2), stage: risk.stage ?? t('dashboard.noStage') })}
          </dd>
        </div>
        <div>
          <dt>{t('regionPage.exposure')}</dt>
          <dd>{t('regionPage.exposureDetail', { raw: num(risk.dynamic.raw, 2), density: num(risk.dynamic.density, 2), units: num(risk.dynamic.exposure.units, 2) })}</dd>
        </div>
      </dl>
      <p className="muted small">{t('regionPage.formula')}</p>
      <History risk={risk} />
      {risk.byCategory.length > 0 ? (
        <>
          <h4>{t('regionPage.byCategory')}</h4>
          <ul className="bars">
            {risk.byCategory.map((c) => (
              <li key={c.category}>
                <span>{label(taxonomy?.categories.find((x) => x.code === c.category)?.label, c.category)}</span>
                <span className="countbar" aria-hidden="true">
                  <span className="countbar-fill" style={{ width: `${Math.round(c.share * 100)}%` }} />
                </span>
                <span className="num">{formatNumber(Math.round(c.share * 100))}%</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {risk.topReports.length > 0 ? (
        <>
          <h4>{t('regionPage.topReports')}</h4>
          <ul className="dash-reports">
            {risk.topReports.map((r) => (
              <li key={r.reportId}>
                <Link href={`/laporan/${r.reportId}`} className="dash-report-title">
                  {r.title}
                </Link>
                <span className="badges">
                  <SeverityBadge level={r.severity} />
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** The score at the end of each of the last 30 days as an SVG line, with level bands and a text equivalent. */
function History({ risk }: { risk: TRiskRegion }) {
  const { t, i18n } = useTranslation();
  const w = 560;
  const h = 120;
  const max = Math.max(20, ...risk.history.map((p) => p.score));
  const x = (i: number) => (i / Math.max(1, risk.history.length - 1)) * w;
  const y = (s: number) => h - (s / max) * (h - 6);
  const path = risk.history.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const fmt = (d: string) => new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
  const summary = risk.history.map((p) => `${fmt(p.date)}: ${num(p.score)}`).join(', ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h + 18}`} className="chart-svg" role="img" aria-label={`${t('regionPage.history')}. ${summary}`} preserveAspectRatio="none">
        <line x1="0" x2={w} y1={h} y2={h} className="chart-axis" />
        <path d={path} fill="none" stroke="#0b5a70" strokeWidth="2.5" vectorEffect="non-scaling-stroke" />
        {risk.history.map((p, i) => (
          <circle key={p.date} cx={x(i)} cy={y(p.score)} r="3" fill={LEVEL_COLOURS[p.level]} stroke="#33414d" strokeWidth="0.5">
            <title>{`${fmt(p.date)}: ${num(p.score)} (${t(`vulnerability.${p.level}`)})`}</title>
          </circle>
        ))}
        <text x="0" y={h + 14} className="chart-label">
          {risk.history[0] ? fmt(risk.history[0].date) : ''}
        </text>
        <text x={w} y={h + 14} className="chart-label" textAnchor="end">
          {risk.history.at(-1) ? fmt(risk.history.at(-1)!.date) : ''}
        </text>
      </svg>
      <figcaption className="chart-legend">{t('regionPage.history')}</figcaption>
    </figure>
  );
}

function ChildrenRanked({ code }: { code: string }) {
  const { t } = useTranslation();
  const [state] = useAsync((signal): Promise<TRiskList> => dashboardApi.risk(code, signal), [code]);
  const items: TRiskItem[] = state.status === 'ok' ? [...state.data.items].sort((a, b) => b.score - a.score || a.regionCode.localeCompare(b.regionCode)) : [];
  return (
    <section className="card stack" aria-labelledby="ranked-title">
      <h3 id="ranked-title">{t('regionPage.childrenRanked')}</h3>
      {state.status === 'loading' ? (
        <Loading />
      ) : state.status === 'error' ? (
        <ErrorAlert error={state.error} />
      ) : items.length === 0 ? (
        <p className="muted">{t('map.noChildren')}</p>
      ) : (
        <div className="table-wrap ranked-wrap">
          <table className="table" data-testid="children-ranked">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">{t('regions.name')}</th>
                <th scope="col">{t('dashboard.level')}</th>
                <th scope="col" className="num">
                  {t('dashboard.score')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r, i) => (
                <tr key={r.regionCode}>
                  <td className="num">{formatNumber(i + 1)}</td>
                  <td>
                    <Link href={`/wilayah/${r.regionCode}`}>{r.regionName}</Link>
                  </td>
                  <td>
                    <VulnerabilityBadge level={r.level} />
                  </td>
                  <td className="num">{num(r.score)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RegionReports({ code }: { code: string }) {
  const { t } = useTranslation();
  const [state] = useAsync((signal) => reportsApi.list({ region: code, limit: 10 }, signal), [code]);
  return (
    <section className="card stack" aria-labelledby="region-reports-title">
      <h3 id="region-reports-title">{t('regionPage.reports')}</h3>
      {state.status === 'loading' ? (
        <Loading />
      ) : state.status === 'error' ? (
        <ErrorAlert error={state.error} />
      ) : (
        <ReportFeed items={state.data.items} testId="region-reports" />
      )}
      <p>
        <Link href={`/laporan?region=${code}`}>{t('regionPage.allReports')}</Link>
      </p>
    </section>
  );
}

function RegionAlerts({ code }: { code: string }) {
  const { t } = useTranslation();
  const [state] = useAsync(
    (signal) => request<{ items: TAlertItem[]; nextCursor: string | null }>('GET', '/api/alerts', { query: { region: code, limit: 20 }, signal }),
    [code],
  );
  const open = state.status === 'ok' ? state.data.items.filter((a) => a.status !== 'closed') : [];
  return (
    <section className="card stack" aria-labelledby="region-alerts-title">
      <h3 id="region-alerts-title">{t('regionPage.alerts')}</h3>
      {state.status === 'loading' ? (
        <Loading />
      ) : state.status === 'error' ? (
        <ErrorAlert error={state.error} />
      ) : (
        <AlertFeed items={open} testId="region-alerts" />
      )}
    </section>
  );
}
