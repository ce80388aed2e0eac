import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { publicApi, type PublicReportStatus } from '../../api/public';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, TextField } from '../../ui';
import { StatusBadge } from '../reports/badges';
import { PublicFrame } from './public-report-page';

/** Follow a public report by its receipt code: the status and when it changed, nothing else. */
export function PublicStatusPage({ code }: { code: string | null }) {
  const { t, i18n } = useTranslation();
  const [, navigate] = useLocation();
  const [text, setText] = useState(code ?? '');
  const [status, setStatus] = useState<PublicReportStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    setStatus(null);
    setError(null);
    if (!code) return;
    const controller = new AbortController();
    setLoading(true);
    publicApi.status(code, controller.signal).then(
      (s) => {
        setStatus(s);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [code]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const clean = text.trim().toUpperCase();
    if (clean) navigate(`/publik/status/${encodeURIComponent(clean)}`);
  }

  return (
    <PublicFrame>
      <div className="stack-lg">
        <h1>{t('public.statusTitle')}</h1>
        <form className="stack" onSubmit={submit} aria-label={t('public.statusTitle')}>
          <TextField label={t('public.receiptCode')} name="receipt" value={text} onChange={(e) => setText(e.target.value)} hint={t('public.receiptHint')} autoCapitalize="characters" spellCheck={false} required />
          <button type="submit" className="btn btn-primary">
            {t('public.checkStatus')}
          </button>
        </form>
        {loading ? <p role="status">{t('common.loading')}</p> : null}
        <ErrorAlert error={error} />
        {status ? (
          <section className="card stack" aria-live="polite" aria-label={t('public.statusResult')}>
            <p>
              <code className="receipt">{status.receiptCode}</code>
            </p>
            <p>
              {t('public.currentStatus')} <StatusBadge status={status.status} />
            </p>
            <p className="muted">{t('public.updatedAt', { when: formatDateTime(status.updatedAt, i18n.language) })}</p>
            <p>{t(`public.statusMeaning.${status.status}`)}</p>
          </section>
        ) : null}
      </div>
    </PublicFrame>
  );
}
