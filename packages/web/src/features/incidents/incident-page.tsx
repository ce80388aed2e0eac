import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../api/client';
import { incidentsApi, type IncidentAction, type IncidentActionResult, type IncidentDetail } from '../../api/incidents';
import type { DeskAction } from '../../api/reports';
import { formatInZone, formatNumber } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { DetailFallback, ErrorAlert, TextField } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { ActionDialog } from '../reports/action-dialog';
import { SeverityBadge, StatusBadge } from '../reports/badges';
import { useLabel } from '../reports/taxonomy';

const INCIDENT_ACTIONS: IncidentAction[] = ['verify', 'reject', 'assign', 'escalate', 'resolve', 'reopen'];

/**
 * Kejadian: reports of one event followed as one. Actions here are carried to every report
 * the status allows; members can be taken out or split into a new incident.
 */
export function IncidentPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const me = useMe();
  const [, navigate] = useLocation();
  const [state] = useAsync((signal) => incidentsApi.get(id, signal), [id]);
  const [incident, setIncident] = useState<IncidentDetail | null>(null);
  const [action, setAction] = useState<IncidentAction | null>(null);
  const [result, setResult] = useState<IncidentActionResult | null>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'warning'; text: string } | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [splitTitle, setSplitTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canEdit = hasPermission(me, 'reports.verify') || hasPermission(me, 'reports.handle');

  useEffect(() => {
    if (state.status === 'ok') setIncident(state.data);
  }, [state]);

  if (!incident) {
    return (
      <DetailFallback
        state={state}
        notFound={
          <>
            <h1>{t('incidents.notFound')}</h1>
            <p>
              <Link href="/kejadian">{t('incidents.all')}</Link>
            </p>
          </>
        }
      />
    );
  }
  const current = incident;

  async function run(change: () => Promise<IncidentDetail>, done: string) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setIncident(await change());
      setPicked([]);
      setNotice({ tone: 'success', text: done });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setIncident(await incidentsApi.get(id));
        setNotice({ tone: 'warning', text: t('incidents.conflict') });
      } else setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function split() {
    setBusy(true);
    setError(null);
    try {
      const answer = await incidentsApi.split(id, { version: current.version, reportIds: picked, title: splitTitle.trim(), newId: crypto.randomUUID() });
      navigate(`/kejadian/${answer.to.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setIncident(await incidentsApi.get(id));
        setNotice({ tone: 'warning', text: t('incidents.conflict') });
      } else setError(e);
      setBusy(false);
    }
  }

  const zone = current.regionCode === '*' ? (current.reports[0]?.regionCode ?? '31') : current.regionCode;
  const closed = current.status === 'closed';

  return (
    <div className="stack-lg incident-page">
      <header className="page-head">
        <p className="muted">
          <Link href="/kejadian">{t('incidents.all')}</Link> /
        </p>
        <h1>{current.title}</h1>
        <p className="badges">
          <span className={`badge incident-${current.status}`}>{t(`incidents.status.${current.status}`)}</span> <SeverityBadge level={current.severity} />{' '}
          <span className="muted">
            {t('incidents.reportCount', { count: current.reportCount, n: formatNumber(current.reportCount) })} · {formatInZone(current.firstOccurredAt, zone, i18n.language)} –{' '}
            {formatInZone(current.lastOccurredAt, zone, i18n.language)}
          </span>
        </p>
        {current.description ? <p className="pre-wrap">{current.description}</p> : null}
      </header>

      {notice ? (
        <div className={`alert alert-${notice.tone}`} role={notice.tone === 'success' ? 'status' : 'alert'}>
          <p>{notice.text}</p>
        </div>
      ) : null}
      <ErrorAlert error={error} />

      {canEdit ? (
        <section aria-labelledby="incident-actions" className="stack">
          <h2 id="incident-actions" className="visually-hidden">
            {t('reportPage.actions')}
          </h2>
          <div className="action-bar">
            {closed
              ? null
              : INCIDENT_ACTIONS.filter((a) => current.reports.some((r) => r.allowedActions?.includes(a))).map((a) => (
                  <button key={a} type="button" className={`btn ${a === 'reject' ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={() => setAction(a)}>
                    {t(`actions.${a}`)}
                  </button>
                ))}
            <button
              type="button"
              className="btn btn-secondary"
              disabled={busy}
              onClick={() => void run(() => incidentsApi.update(id, { version: current.version, status: closed ? 'open' : 'closed' }), closed ? t('incidents.reopened') : t('incidents.closed'))}
            >
              {closed ? t('incidents.reopen') : t('incidents.close')}
            </button>
          </div>
          <p className="field-hint">{t('incidents.actionsHint')}</p>
        </section>
      ) : null}

      {result ? (
        <section className="card stack" aria-labelledby="result-title" role="status">
          <h2 id="result-title">{t('incidents.resultTitle')}</h2>
          <p>{t('incidents.applied', { count: result.applied.length, n: formatNumber(result.applied.length) })}</p>
          {result.skipped.length > 0 ? (
            <ul>
              {result.skipped.map((s) => (
                <li key={s.reportId}>
                  {current.reports.find((r) => r.id === s.reportId)?.title ?? s.reportId.slice(0, 8)}: {s.message}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <section className="card stack" aria-labelledby="members-title">
        <h2 id="members-title">{t('incidents.members')}</h2>
        <table className="table">
          <thead>
            <tr>
              {canEdit ? <th scope="col">{t('incidents.select')}</th> : null}
              <th scope="col">{t('report.title')}</th>
              <th scope="col">{t('report.category')}</th>
              <th scope="col">{t('report.village')}</th>
              <th scope="col">{t('report.severity')}</th>
              <th scope="col">{t('incidents.statusCol')}</th>
              <th scope="col">{t('report.occurredAt')}</th>
            </tr>
          </thead>
          <tbody>
            {current.reports.map((r) => (
              <tr key={r.id}>
                {canEdit ? (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('incidents.selectReport', { title: r.title })}
                      checked={picked.includes(r.id)}
                      onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.id] : p.filter((x) => x !== r.id)))}
                    />
                  </td>
                ) : null}
                <td>
                  <Link href={`/laporan/${r.id}`}>{r.title}</Link>
                </td>
                <td>{label(r.categoryLabel, r.category)}</td>
                <td>{r.regionName ?? r.regionCode}</td>
                <td>
                  <SeverityBadge level={r.severity} />
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{formatInZone(r.occurredAt, r.regionCode, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canEdit && !closed ? (
          <div className="stack">
            <div className="action-bar">
              <button
                type="button"
                className="btn btn-secondary"
                disabled={busy || picked.length === 0 || picked.length >= current.reports.length}
                onClick={() => void run(() => incidentsApi.remove(id, current.version, picked), t('incidents.removed'))}
              >
                {t('incidents.remove')}
              </button>
            </div>
            <div className="split-form">
              <TextField label={t('incidents.splitTitle')} name="split-title" value={splitTitle} maxLength={200} onChange={(e) => setSplitTitle(e.target.value)} />
              <button type="button" className="btn btn-secondary" disabled={busy || picked.length === 0 || picked.length >= current.reports.length || splitTitle.trim().length < 3} onClick={() => void split()}>
                {t('incidents.split')}
              </button>
            </div>
            <p className="field-hint">{t('incidents.membersHint')}</p>
          </div>
        ) : null}
      </section>

      <ActionDialog
        report={{ id: current.id, version: current.version, category: current.category ?? current.reports[0]!.category, title: current.title }}
        action={action as DeskAction | null}
        send={async (a, body) => {
          const answer = await incidentsApi.act(id, a as IncidentAction, body as never);
          setResult(answer);
          setIncident(answer.incident);
          return answer;
        }}
        onClose={() => setAction(null)}
        onDone={() => {
          setNotice(null);
          setAction(null);
        }}
        onConflict={() => {
          setAction(null);
          setNotice({ tone: 'warning', text: t('incidents.conflict') });
          void incidentsApi.get(id).then(setIncident);
        }}
      />
    </div>
  );
}

