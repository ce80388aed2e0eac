import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { formatInZone } from '../../lib/format';
import { useMe } from '../auth/auth-context';
import { useLabel, useTaxonomy } from '../reports/taxonomy';
import { useOnline, useOutbox } from './outbox';

/** What this phone holds: reports waiting for signal, refused ones, and the last accepted ones with their receipt codes. */
export function OutboxList({ limitSent }: { limitSent?: number }) {
  const me = useMe();
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const online = useOnline();
  const { taxonomy } = useTaxonomy();
  const { queue, sent, sending, loaded, box } = useOutbox(me.id);
  const categoryName = (code: string) => label(taxonomy?.categories.find((c) => c.code === code)?.label, code);
  const shownSent = limitSent === undefined ? sent : sent.slice(0, limitSent);
  const waiting = queue.filter((q) => q.state === 'waiting');

  if (!loaded) return <p role="status">{t('common.loading')}</p>;
  if (queue.length === 0 && shownSent.length === 0) return <p className="muted">{t('report.outboxEmpty')}</p>;

  return (
    <div className="stack">
      {waiting.length > 0 ? (
        <div className="outbox-bar">
          <p>{t('report.waitingCount', { count: waiting.length })}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void box.flush(true)} disabled={!online}>
            {t('report.sendNow')}
          </button>
        </div>
      ) : null}
      <ul className="outbox" aria-live="polite">
        {queue.map((item) => (
          <li key={item.id} className={`outbox-item outbox-${item.state}`} data-report-id={item.id}>
            <p className="outbox-title">{item.body.title}</p>
            <p className="muted small">
              {categoryName(item.body.category)} · {formatInZone(item.queuedAt, item.body.regionCode, i18n.language)}
            </p>
            {item.state === 'waiting' ? (
              <p className="outbox-state state-waiting">
                <strong>{sending.has(item.id) ? t('report.state.sending') : t('report.state.waiting')}</strong>
                {item.attempts > 0 && !sending.has(item.id) ? <span className="muted"> · {t('report.attempts', { count: item.attempts })}</span> : null}
              </p>
            ) : (
              <div className="outbox-state state-rejected" role="alert">
                <p>
                  <strong>{t('report.state.rejected')}</strong>: {item.rejection?.message}
                </p>
                {item.rejection && item.rejection.fields.length > 0 ? (
                  <ul className="plain-list small">
                    {item.rejection.fields.map((f) => (
                      <li key={f.path}>
                        {f.path}: {f.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <button type="button" className="btn btn-secondary btn-small" onClick={() => void box.discard(item.id)}>
                  {t('report.discard')}
                </button>
              </div>
            )}
          </li>
        ))}
        {shownSent.map((item) => (
          <li key={item.id} className="outbox-item outbox-accepted" data-report-id={item.id}>
            <p className="outbox-title">
              <Link href={`/laporan/${item.id}`}>{item.title}</Link>
            </p>
            <p className="muted small">
              {categoryName(item.category)} · {formatInZone(item.acceptedAt, item.regionCode, i18n.language)}
            </p>
            <p className="outbox-state state-accepted">
              <strong>{t('report.state.accepted')}</strong> · {t('report.receipt')} <code className="receipt">{item.receiptCode}</code>
            </p>
            {item.photo ? <p className="muted small">{t('report.photoWaiting')}</p> : null}
            {item.photoError ? <p className="field-error small">{t('report.photoRefused', { message: item.photoError })}</p> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
