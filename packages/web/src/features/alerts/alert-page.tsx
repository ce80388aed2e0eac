import type { TAlertActionKind, TAlertDetail } from '@sinergi/domain';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError } from '../../api/client';
import { alertsApi } from '../../api/alerts';
import { alertActionsFor } from '../../lib/domain';
import { formatInZone, formatNumber } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { DetailFallback, ErrorAlert } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { AlertFlags, AlertStatusBadge, LevelBadge } from './badges';

const NEEDS_COMMENT = new Set<TAlertActionKind>(['act', 'comment']);

/** One alert: cause, region, stage, the reports behind it, the timeline, and the desk's actions (with 409 handling). */
export function AlertPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const canAct = hasPermission(me, 'reports.handle');
  const lang = i18n.language.startsWith('en') ? 'en' : 'id';
  const [state, reload] = useAsync((signal) => alertsApi.get(id, signal), [id]);
  const [alert, setAlert] = useState<TAlertDetail | null>(null);
  const [action, setAction] = useState<TAlertActionKind | null>(null);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [done, setDone] = useState<TAlertActionKind | null>(null);
  const commentBox = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (state.status === 'ok') setAlert(state.data);
  }, [state]);
  useEffect(() => {
    if (action) commentBox.current?.focus();
  }, [action]);

  if (!alert) {
    return (
      <DetailFallback
        state={state}
        onRetry={reload}
        notFound={
          <>
            <h1>{t('alerts.notFound')}</h1>
            <p>
              <Link href="/peringatan">{t('alerts.back')}</Link>
            </p>
          </>
        }
      />
    );
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!alert || !action) return;
    setSending(true);
    setError(null);
    try {
      const next = await alertsApi.act(alert.id, { action, version: alert.version, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      setAlert(next);
      setDone(action);
      setConflict(null);
      setAction(null);
      setComment('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // someone else changed it: show what it is now and let the desk decide again
        const fresh = await alertsApi.get(alert.id).catch(() => null);
        if (fresh) setAlert(fresh);
        const last = fresh?.timeline.filter((x) => x.action !== 'comment').at(-1);
        setConflict(last ? t('alerts.conflict', { name: last.actorName ?? t('timeline.system'), status: t(`alerts.status.${fresh!.status}`) }) : e.message);
        setDone(null);
        setAction(null);
      } else {
        setError(e);
      }
    } finally {
      setSending(false);
    }
  }

  const actions = canAct ? alertActionsFor(alert.status) : [];
  const zone = alert.regionCode;

  return (
    <div className="stack-lg alert-page">
      <header className="page-head">
        <p className="muted">
          <Link href="/peringatan">{t('nav.alerts')}</Link> /
        </p>
        <h1>
          {t(`alerts.kind.${alert.kind}`)}: {alert.regionName}
        </h1>
        <p className="badges">
          <AlertStatusBadge status={alert.status} />
          {alert.level ? <LevelBadge level={alert.level} /> : null}
          {alert.severity ? <span className={`badge sev sev-${alert.severity}`}>{alert.severity} · {t(`severity.${alert.severity}`)}</span> : null}
          <AlertFlags alert={alert} />
        </p>
      </header>

      {conflict ? (
        <div className="alert alert-warning" role="alert" data-testid="conflict">
          <p>
            <strong>{conflict}</strong>
          </p>
          <p>{t('alerts.conflictHint')}</p>
        </div>
      ) : null}
      {done && !conflict ? (
        <div className="alert alert-success" role="status">
          <p>{t('alerts.done', { action: t(`alerts.action.${done}`) })}</p>
        </div>
      ) : null}

      {actions.length > 0 ? (
        <section aria-labelledby="alert-actions" className="stack">
          <h2 id="alert-actions" className="visually-hidden">
            {t('alerts.actions')}
          </h2>
          <div className="action-bar">
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                aria-pressed={action === a}
                className={`btn ${a === 'comment' ? 'btn-secondary' : 'btn-primary'}`}
                onClick={() => {
                  setDone(null);
                  setError(null);
                  setAction(a);
                }}
              >
                {t(`alerts.action.${a}`)}
              </button>
            ))}
          </div>
          {action ? (
            <form className="card stack" onSubmit={(e) => void submit(e)}>
              <label htmlFor="alert-comment">
                {t(NEEDS_COMMENT.has(action) ? `alerts.note.${action}` : 'alerts.note.optional')}
                {NEEDS_COMMENT.has(action) ? <span className="muted"> ({t('common.required')})</span> : null}
              </label>
              <textarea id="alert-comment" ref={commentBox} rows={3} maxLength={5000} value={comment} required={NEEDS_COMMENT.has(action)} onChange={(e) => setComment(e.target.value)} />
              {error ? <ErrorAlert error={error} /> : null}
              <div className="action-bar">
                <button type="submit" className="btn btn-primary" disabled={sending}>
                  {sending ? t('common.saving') : t(`alerts.action.${action}`)}
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => setAction(null)}>
                  {t('common.cancel')}
                </button>
              </div>
            </form>
          ) : null}
        </section>
      ) : null}

      <div className="report-grid">
        <section aria-labelledby="alert-facts" className="card stack">
          <h2 id="alert-facts">{t('alerts.cause')}</h2>
          <p className="alert-cause">{alert.cause[lang]}</p>
          <dl className="facts facts-grid">
            <div>
              <dt>{t('alerts.region')}</dt>
              <dd>
                <Link href={`/wilayah/${alert.regionCode}`}>{alert.regionName}</Link> <span className="muted">({alert.regionCode})</span>
              </dd>
            </div>
            <div>
              <dt>{t('alerts.stage')}</dt>
              <dd>{alert.stage ? t(`alerts.stages.${alert.stage}`, { defaultValue: alert.stage }) : t('alerts.noStage')}</dd>
            </div>
            {alert.previousLevel !== undefined || alert.level ? (
              <div>
                <dt>{t('alerts.levelChange')}</dt>
                <dd>
                  {alert.previousLevel ? `${t(`alerts.level.${alert.previousLevel}`)} → ` : ''}
                  {alert.level ? t(`alerts.level.${alert.level}`) : '—'}
                  {alert.score !== undefined ? <span className="muted"> · {t('alerts.score', { score: formatNumber(alert.score) })}</span> : null}
                </dd>
              </div>
            ) : null}
            <div>
              <dt>{t('alerts.raisedAt')}</dt>
              <dd>{formatInZone(alert.createdAt, zone, i18n.language)}</dd>
            </div>
            <div>
              <dt>{t('alerts.channels')}</dt>
              <dd>{alert.channels.map((c) => t(`alerts.channel.${c}`)).join(', ')}</dd>
            </div>
            {alert.spike ? (
              <div>
                <dt>{t('alerts.spikeTitle')}</dt>
                <dd>{t('alerts.spikeText', { count: alert.spike.count, expected: alert.spike.expected.toFixed(1) })}</dd>
              </div>
            ) : null}
          </dl>
          {alert.isProvisional ? <p className="alert alert-info">{t('alerts.provisionalHint')}</p> : null}
          {alert.isDemo ? <p className="alert alert-info">{t('alerts.demoHint')}</p> : null}
          {alert.hasCap ? (
            <p>
              <a href={alertsApi.capUrl(alert.id)} data-testid="cap-link">
                {t('alerts.capLink')}
              </a>
            </p>
          ) : null}
          {alert.changes && alert.changes.length > 0 ? (
            <div>
              <h3>{t('alerts.changes')}</h3>
              <ul className="alert-changes">
                {alert.changes.map((c) => (
                  <li key={c.regionCode}>
                    <Link href={`/wilayah/${c.regionCode}`}>{c.regionName}</Link>: {c.from ? t(`alerts.level.${c.from}`) : '—'} → {t(`alerts.level.${c.to}`)}{' '}
                    <span className="muted">({formatNumber(c.score)})</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div>
            <h3>{t('alerts.reports', { count: alert.reportIds.length })}</h3>
            {alert.reports.length === 0 ? (
              <p className="muted">{alert.reportIds.length > 0 ? t('alerts.reportsOutOfScope') : t('alerts.noReports')}</p>
            ) : (
              <ul className="alert-reports">
                {alert.reports.map((r) => (
                  <li key={r.id}>
                    <Link href={`/laporan/${r.id}`}>{r.title}</Link>{' '}
                    <span className={`badge sev sev-${r.severity}`}>
                      {r.severity} · {t(`severity.${r.severity}`)}
                    </span>{' '}
                    <span className="muted small">
                      {t(`reportStatus.${r.status}`)} · {formatInZone(r.occurredAt, r.regionCode, i18n.language)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </section>

        <section aria-labelledby="alert-timeline" className="card stack">
          <h2 id="alert-timeline">{t('timeline.title')}</h2>
          <ol className="timeline">
            {alert.timeline.map((e) => (
              <li key={e.id} className={`timeline-item tl-${e.action}`}>
                <p className="timeline-head">
                  <strong>{t(`alerts.event.${e.action}`)}</strong>
                  {e.fromStatus && e.fromStatus !== e.toStatus ? (
                    <span className="muted">
                      {' '}
                      · {t(`alerts.status.${e.fromStatus}`)} → {t(`alerts.status.${e.toStatus}`)}
                    </span>
                  ) : null}
                </p>
                <p className="muted small">
                  {e.actorName ?? t('timeline.system')} · <time dateTime={e.at}>{formatInZone(e.at, zone, i18n.language)}</time>
                </p>
                {e.comment && e.action !== 'raise' && e.action !== 'upgrade' ? <p className="pre-wrap timeline-comment">{e.comment}</p> : null}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
