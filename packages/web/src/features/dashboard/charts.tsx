import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';

/*
 * Small charts drawn as plain SVG: a few dozen rectangles do not need a charting library, and
 * the dashboard's first load stays small. Every chart has a text equivalent for screen readers.
 */

export interface DayCount {
  date: string;
  total: number;
  serious: number;
}

/** Daily bars (all reports, the serious part darker) with the first and last date written under them. */
export function DailyBars({ days, label }: { days: DayCount[]; label: string }) {
  const { t, i18n } = useTranslation();
  const width = 560;
  const height = 120;
  const max = Math.max(1, ...days.map((d) => d.total));
  const gap = days.length > 30 ? 1 : 3;
  const bar = (width - gap * (days.length - 1)) / Math.max(1, days.length);
  const fmt = (date: string) => new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
  const summary = days.map((d) => `${fmt(d.date)}: ${formatNumber(d.total)}`).join(', ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + 18}`} role="img" aria-label={`${label}. ${summary}`} className="chart-svg" preserveAspectRatio="none">
        <line x1="0" x2={width} y1={height} y2={height} className="chart-axis" />
        {days.map((d, i) => {
          const x = i * (bar + gap);
          const h = (d.total / max) * (height - 4);
          const hs = (d.serious / max) * (height - 4);
          return (
            <g key={d.date}>
              <title>{`${fmt(d.date)}: ${formatNumber(d.total)} (${t('dashboard.serious')}: ${formatNumber(d.serious)})`}</title>
              <rect x={x} y={height - h} width={bar} height={h} className="chart-bar" />
              {hs > 0 ? <rect x={x} y={height - hs} width={bar} height={hs} className="chart-bar-serious" /> : null}
            </g>
          );
        })}
        <text x="0" y={height + 14} className="chart-label">
          {days[0] ? fmt(days[0].date) : ''}
        </text>
        <text x={width} y={height + 14} className="chart-label" textAnchor="end">
          {days.at(-1) ? fmt(days.at(-1)!.date) : ''}
        </text>
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-swatch chart-bar" aria-hidden="true" /> {t('dashboard.allReports')}
        <span className="legend-swatch chart-bar-serious" aria-hidden="true" /> {t('dashboard.seriousLegend')}
      </figcaption>
    </figure>
  );
}

/** A labelled horizontal bar for a count out of the largest count in its list. */
export function CountBar({ value, max, tone }: { value: number; max: number; tone?: string }) {
  const pct = max > 0 ? Math.max(value > 0 ? 2 : 0, Math.round((value / max) * 100)) : 0;
  return (
    <span className="countbar" aria-hidden="true">
      <span className={`countbar-fill${tone ? ` ${tone}` : ''}`} style={{ width: `${pct}%` }} />
    </span>
  );
}

/** "▲ 3" / "▼ 2" / "= 0" against the previous period, with words for screen readers. */
export function Change({ now, before, unit }: { now: number; before: number; unit?: string }) {
  const { t } = useTranslation();
  const diff = Math.round((now - before) * 10) / 10;
  const text = `${diff > 0 ? '+' : ''}${formatNumber(diff)}${unit ?? ''}`;
  const cls = diff > 0 ? 'change-up' : diff < 0 ? 'change-down' : 'change-flat';
  return (
    <span className={`change ${cls}`} title={t('dashboard.changeTitle', { before: formatNumber(before) })}>
      <span aria-hidden="true">{diff > 0 ? '▲' : diff < 0 ? '▼' : '='}</span> {text}
      <span className="visually-hidden"> {t('dashboard.changeTitle', { before: formatNumber(before) })}</span>
    </span>
  );
}
