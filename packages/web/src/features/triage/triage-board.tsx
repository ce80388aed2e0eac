import type { TReport, TReportStatus } from '@sinergi/domain';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../api/client';
import { reportsApi, type DeskAction } from '../../api/reports';
import { formatAge, formatNumber } from '../../lib/format';
import { useDebounced, useUrlFilters } from '../../lib/hooks';
import { ErrorAlert } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { RegionPicker } from '../regions/region-picker';
import { ActionDialog } from '../reports/action-dialog';
import { StructureDialog } from '../reports/structure-dialog';
import { EscalationBadge, SeverityBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';

interface Column {
  key: string;
  statuses: TReportStatus[];
  collapsible: boolean;
  /** shown only when it holds something (drafts from WhatsApp/SMS) */
  hideWhenEmpty?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'draft', statuses: ['draft'], collapsible: false, hideWhenEmpty: true },
  { key: 'new', statuses: ['new'], collapsible: false },
  { key: 'verified', statuses: ['verified'], collapsible: false },
  { key: 'in_progress', statuses: ['in_progress'], collapsible: false },
  { key: 'closed', statuses: ['resolved', 'rejected'], collapsible: true },
];

const PAGE = 100;
const CARD_HEIGHT = 112;

interface ColumnData {
  items: TReport[];
  nextCursor: string | null;
  status: 'loading' | 'ok' | 'error';
  error?: unknown;
}

const EMPTY: ColumnData = { items: [], nextCursor: null, status: 'loading' };

/**
 * The triage board: reports of the desk's scope by status, driven by the keyboard.
 * j/k or ↑/↓ move between cards, ←/→ between columns, Enter opens, v verifies, r rejects,
 * a assigns, e escalates. Filters live in the URL so a view can be shared.
 */
export function TriageBoard() {
  const me = useMe();
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const { params, setParams, setFilter } = useUrlFilters();
  const [, navigate] = useLocation();
  const region = params.get('region') ?? '';
  const category = params.get('category') ?? '';
  const severity = params.get('severity') ?? '';
  const qParam = params.get('q') ?? '';
  const [qText, setQText] = useState(qParam);
  const q = useDebounced(qText.trim(), 300);
  const [showClosed, setShowClosed] = useState(false);
  const [columns, setColumns] = useState<Record<string, ColumnData>>({});
  const [selected, setSelected] = useState<{ col: number; index: number }>({ col: 0, index: 0 });
  const [action, setAction] = useState<{ action: DeskAction; report: TReport } | null>(null);
  const [structuring, setStructuring] = useState<TReport | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'warning'; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  const [now] = useState(() => Date.now());
  const canVerify = hasPermission(me, 'reports.verify');
  const canHandle = hasPermission(me, 'reports.handle');

  useEffect(() => {
    if (q !== qParam && (q.length === 0 || q.length >= 2)) setFilter('q', q);
  }, [q, qParam, setFilter]);

  const filterKey = [region, category, severity, qParam].join('|');

  const loadColumn = useCallback(
    async (column: Column, cursor: string | null, signal?: AbortSignal) => {
      const page = await reportsApi.list({ status: column.statuses.join(','), region, category, severity, q: qParam.length >= 2 ? qParam : undefined, limit: PAGE, cursor }, signal);
      setColumns((old) => {
        const before = cursor ? (old[column.key]?.items ?? []) : [];
        return { ...old, [column.key]: { items: [...before, ...page.items], nextCursor: page.nextCursor, status: 'ok' } };
      });
    },
    [region, category, severity, qParam],
  );

  const shownFilter = useRef(filterKey);
  useEffect(() => {
    const controller = new AbortController();
    if (shownFilter.current !== filterKey) {
      // other filters: never show the old lists under the new filter while loading
      shownFilter.current = filterKey;
      setColumns({});
      setSelected({ col: 0, index: 0 });
    }
    for (const column of COLUMNS) {
      if (column.collapsible && !showClosed) continue;
      loadColumn(column, null, controller.signal).catch((error: unknown) => {
        if (!controller.signal.aborted) setColumns((old) => ({ ...old, [column.key]: { ...EMPTY, status: 'error', error } }));
      });
    }
    return () => controller.abort();
  }, [filterKey, showClosed, tick, loadColumn]);

  const isHiddenEmpty = (c: Column) => c.hideWhenEmpty === true && (columns[c.key]?.items.length ?? 0) === 0;
  const visibleColumns = COLUMNS.filter((c) => (!c.collapsible || showClosed) && !isHiddenEmpty(c));
  const itemsOf = (col: number) => columns[visibleColumns[col]?.key ?? '']?.items ?? [];
  const current = itemsOf(selected.col)[selected.index] ?? null;

  const startAction = useCallback(
    async (a: DeskAction, report: TReport) => {
      setMessage(null);
      if (!report.allowedActions?.includes(a)) {
        setMessage({ tone: 'warning', text: t('triage.notAllowed', { action: t(`actions.${a}`) }) });
        return;
      }
      if (a === 'verify') {
        try {
          await reportsApi.act(report.id, 'verify', { version: report.version });
          setMessage({ tone: 'success', text: t('triage.doneOn', { action: t('actions.verify'), title: report.title }) });
        } catch (error) {
          setMessage({ tone: 'warning', text: error instanceof ApiError && error.status === 409 ? t('triage.conflict') : error instanceof Error ? error.message : String(error) });
        }
        setTick((x) => x + 1);
        return;
      }
      setAction({ action: a, report });
    },
    [t],
  );

  // the keyboard: only when no dialog is open and the user is not typing
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (action || structuring || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, dialog, [role="combobox"]')) return;
      const count = itemsOf(selected.col).length;
      const move = (col: number, index: number) => {
        event.preventDefault();
        setSelected({ col, index });
      };
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          if (count > 0) move(selected.col, Math.min(count - 1, selected.index + 1));
          return;
        case 'k':
        case 'ArrowUp':
          if (count > 0) move(selected.col, Math.max(0, selected.index - 1));
          return;
        case 'ArrowRight':
        case 'l':
          if (selected.col < visibleColumns.length - 1) move(selected.col + 1, Math.min(selected.index, Math.max(0, itemsOf(selected.col + 1).length - 1)));
          return;
        case 'ArrowLeft':
        case 'h':
          if (selected.col > 0) move(selected.col - 1, Math.min(selected.index, Math.max(0, itemsOf(selected.col - 1).length - 1)));
          return;
        case 'Enter':
          if (current) {
            event.preventDefault();
            navigate(`/laporan/${current.id}`);
          }
          return;
        case 's':
          if (current && current.status === 'draft' && current.allowedActions?.includes('structure')) {
            event.preventDefault();
            setMessage(null);
            setStructuring(current);
          }
          return;
        case 'v':
        case 'r':
        case 'a':
        case 'e': {
          if (!current) return;
          const map: Record<string, DeskAction> = { v: 'verify', r: 'reject', a: 'assign', e: 'escalate' };
          const a = map[event.key]!;
          if ((a === 'verify' || a === 'reject') && !canVerify) return;
          if ((a === 'assign' || a === 'escalate') && !canHandle) return;
          event.preventDefault();
          void startAction(a, current);
          return;
        }
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  // keep the selection inside the lists as they change
  useEffect(() => {
    const count = itemsOf(selected.col).length;
    if (count > 0 && selected.index >= count) setSelected({ col: selected.col, index: count - 1 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [columns]);

  const hasFilters = Boolean(region || category || severity || qParam);

  return (
    <div className="stack triage">
      <header className="page-head">
        <h1>{t('triage.title')}</h1>
        <p className="muted">{t('triage.keys')}</p>
      </header>
      <form className="filters" role="search" aria-label={t('triage.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="filter-region">
          <RegionPicker label={t('triage.region')} name="region" single value={region ? [region] : []} onChange={(codes) => setFilter('region', codes[0] ?? '')} />
        </div>
        <div className="field">
          <label htmlFor="f-category">{t('report.category')}</label>
          <select id="f-category" value={category} onChange={(e) => setFilter('category', e.target.value)}>
            <option value="">{t('triage.all')}</option>
            {taxonomy?.categories.map((c) => (
              <option key={c.code} value={c.code}>
                {label(c.label)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-severity">{t('report.severity')}</label>
          <select id="f-severity" value={severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">{t('triage.all')}</option>
            {[1, 2, 3, 4].map((s) => (
              <option key={s} value={String(s)}>
                {s} · {t(`severity.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-q">{t('triage.search')}</label>
          <input id="f-q" type="search" value={qText} onChange={(e) => setQText(e.target.value)} />
        </div>
        {hasFilters ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setQText('');
              setParams(new URLSearchParams());
            }}
          >
            {t('triage.clear')}
          </button>
        ) : null}
      </form>
      <div className="export-bar" role="group" aria-label={t('triage.export')}>
        <span className="muted small">{t('triage.export')}:</span>
        {(['csv', 'xlsx', 'geojson'] as const).map((format) => (
          <a
            key={format}
            className="btn btn-ghost btn-small"
            href={reportsApi.exportUrl({ region, category, severity, q: qParam.length >= 2 ? qParam : undefined }, format)}
            download
            title={t('triage.exportHint')}
          >
            {t(`triage.export${format === 'csv' ? 'Csv' : format === 'xlsx' ? 'Xlsx' : 'Geojson'}`)}
          </a>
        ))}
      </div>

      {message ? (
        <div className={`alert alert-${message.tone}`} role={message.tone === 'success' ? 'status' : 'alert'}>
          <p>{message.text}</p>
        </div>
      ) : null}

      <div className={`board${isHiddenEmpty(COLUMNS[0]!) ? '' : ' has-drafts'}`}>
        {COLUMNS.map((column) => {
          const colIndex = visibleColumns.indexOf(column);
          if (isHiddenEmpty(column)) return null;
          if (colIndex === -1) {
            return (
              <section key={column.key} className="board-col board-col-collapsed" aria-labelledby={`col-${column.key}`}>
                <h2 id={`col-${column.key}`} className="board-col-title">
                  {t(`triage.col.${column.key}`)}
                </h2>
                <button type="button" className="btn btn-secondary btn-small" onClick={() => setShowClosed(true)} aria-expanded={false}>
                  {t('triage.showClosed')}
                </button>
              </section>
            );
          }
          return (
            <BoardColumn
              key={column.key}
              column={column}
              data={columns[column.key] ?? EMPTY}
              selectedIndex={selected.col === colIndex ? selected.index : -1}
              now={now}
              lang={i18n.language}
              onSelect={(index) => setSelected({ col: colIndex, index })}
              onMore={() => void loadColumn(column, columns[column.key]?.nextCursor ?? null)}
              onCollapse={column.collapsible ? () => setShowClosed(false) : undefined}
            />
          );
        })}
      </div>

      <StructureDialog
        report={structuring}
        onClose={() => setStructuring(null)}
        onDone={(r) => {
          setMessage({ tone: 'success', text: t('triage.doneOn', { action: t('structure.title'), title: r.title }) });
          setStructuring(null);
          setTick((x) => x + 1);
        }}
        onConflict={() => {
          setMessage({ tone: 'warning', text: t('triage.conflict') });
          setStructuring(null);
          setTick((x) => x + 1);
        }}
      />

      {action ? (
        <ActionDialog
          report={action.report}
          action={action.action}
          onClose={() => setAction(null)}
          onDone={() => {
            setMessage({ tone: 'success', text: t('triage.doneOn', { action: t(`actions.${action.action}`), title: action.report.title }) });
            setAction(null);
            setTick((x) => x + 1);
          }}
          onConflict={() => {
            setMessage({ tone: 'warning', text: t('triage.conflict') });
            setAction(null);
            setTick((x) => x + 1);
          }}
        />
      ) : null}
    </div>
  );
}

interface ColumnProps {
  column: Column;
  data: ColumnData;
  selectedIndex: number;
  now: number;
  lang: string;
  onSelect: (index: number) => void;
  onMore: () => void;
  onCollapse: (() => void) | undefined;
}

function BoardColumn({ column, data, selectedIndex, now, lang, onSelect, onMore, onCollapse }: ColumnProps) {
  const { t } = useTranslation();
  const label = useLabel();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: data.items.length, getScrollElement: () => scroller.current, estimateSize: () => CARD_HEIGHT, overscan: 6 });
  const titleId = `col-${column.key}`;

  // the selected card is scrolled into view and focused, so the keyboard and screen readers follow it
  useEffect(() => {
    if (selectedIndex < 0 || selectedIndex >= data.items.length) return;
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    const id = data.items[selectedIndex]!.id;
    const timer = window.setTimeout(() => {
      const el = scroller.current?.querySelector<HTMLElement>(`[data-id="${id}"]`);
      if (el && document.activeElement !== el && !document.querySelector('dialog[open]')) {
        const active = document.activeElement as HTMLElement | null;
        if (!active || active === document.body || active.closest('.board')) el.focus({ preventScroll: true });
      }
    }, 0);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedIndex, data.items]);

  return (
    <section className={`board-col col-${column.key}`} aria-labelledby={titleId}>
      <div className="board-col-head">
        <h2 id={titleId} className="board-col-title">
          {t(`triage.col.${column.key}`)} <span className="count">{data.status === 'ok' ? formatNumber(data.items.length) + (data.nextCursor ? '+' : '') : ''}</span>
        </h2>
        {onCollapse ? (
          <button type="button" className="btn btn-ghost btn-small" onClick={onCollapse} aria-expanded={true}>
            {t('triage.hideClosed')}
          </button>
        ) : null}
      </div>
      {data.status === 'error' ? <ErrorAlert error={data.error} /> : null}
      {data.status === 'loading' ? <p className="muted small">{t('common.loading')}</p> : null}
      {data.status === 'ok' && data.items.length === 0 ? <p className="muted small">{t('triage.empty')}</p> : null}
      <div ref={scroller} className="board-scroll">
        <ul className="board-list" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const r = data.items[row.index]!;
            const isSelected = row.index === selectedIndex;
            return (
              <li key={r.id} ref={virtualizer.measureElement} data-index={row.index} className="board-item" style={{ transform: `translateY(${row.start}px)` }}>
                <Link
                  href={`/laporan/${r.id}`}
                  data-id={r.id}
                  className={`card-report sev-edge-${r.severity}${isSelected ? ' is-selected' : ''}`}
                  aria-current={isSelected ? 'true' : undefined}
                  tabIndex={isSelected || (selectedIndex < 0 && row.index === 0) ? 0 : -1}
                  onFocus={() => onSelect(row.index)}
                >
                  <span className="card-title">{r.title}</span>
                  <span className="card-meta">
                    {r.status === 'draft' ? t('triage.draftCard') : label(r.categoryLabel, r.category)} · {r.regionName ?? r.regionCode}
                  </span>
                  <span className="card-badges">
                    {r.status === 'draft' ? null : <SeverityBadge level={r.severity} />} <EscalationBadge level={r.escalationLevel} /> <span className="muted small">{formatAge(r.createdAt, now, lang)}</span>
                    {r.possibleDuplicateOf.length > 0 ? <span className="badge dup">{t('triage.duplicate')}</span> : null}
                    {r.status === 'rejected' ? <span className="badge status-rejected">{t('reportStatus.rejected')}</span> : null}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
      {data.nextCursor ? (
        <button type="button" className="btn btn-secondary btn-small" onClick={onMore}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
