import type { TReport } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { reportsApi } from '../../api/reports';
import { formatInZone } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { useMe } from '../auth/auth-context';
import { StatusBadge } from '../reports/badges';
import { useLabel } from '../reports/taxonomy';
import { OutboxList } from './outbox-list';
import { useOnline } from './outbox';

const PAGES = 5;

/**
 * The reporter's own reports as the server holds them now (the API has no "mine" filter yet,
 * so the reports of the scope are paged and the reporter's own picked out), under what is
 * still on this phone.
 */
async function loadMine(userId: string, signal: AbortSignal): Promise<TReport[]> {
  const mine: TReport[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < PAGES; page++) {
    const result = await reportsApi.list({ limit: 200, cursor }, signal);
    mine.push(...result.items.filter((r) => r.reporter?.id === userId));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return mine;
}

export function MyReportsPage() {
  const me = useMe();
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const online = useOnline();
  const [state, reload] = useAsync((signal) => loadMine(me.id, signal), [me.id, online]);

  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t('report.mineTitle')}</h1>
        <p className="muted">{t('report.mineIntro')}</p>
      </header>
      <section aria-labelledby="device-title" className="stack">
        <h2 id="device-title">{t('report.outboxTitle')}</h2>
        <OutboxList />
      </section>
      <section aria-labelledby="server-title" className="stack">
        <h2 id="server-title">{t('report.serverTitle')}</h2>
        {state.status === 'loading' ? (
          <Loading />
        ) : state.status === 'error' ? (
          <ErrorAlert error={state.error}>
            <button type="button" className="btn btn-secondary" onClick={reload}>
              {t('common.retry')}
            </button>
          </ErrorAlert>
        ) : state.data.length === 0 ? (
          <p className="muted">{t('report.mineEmpty')}</p>
        ) : (
          <ul className="outbox">
            {state.data.map((r) => (
              <li key={r.id} className="outbox-item">
                <p className="outbox-title">
                  <Link href={`/laporan/${r.id}`}>{r.title}</Link>
                </p>
                <p className="muted small">
                  {label(r.categoryLabel, r.category)} · {r.regionName ?? r.regionCode} · {formatInZone(r.occurredAt, r.regionCode, i18n.language)}
                </p>
                <p>
                  <StatusBadge status={r.status} /> {r.receiptCode ? <code className="receipt">{r.receiptCode}</code> : null}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
