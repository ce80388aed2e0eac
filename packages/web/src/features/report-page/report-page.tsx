import type { TReportEvent } from '@sinergi/domain';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { reportsApi, type DeskAction, type ReportDetail } from '../../api/reports';
import { formatInZone, formatNumber } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { DetailFallback } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { IncidentBox } from '../incidents/incident-box';
import { ActionDialog, DESK_ACTIONS } from '../reports/action-dialog';
import { StructureDialog } from '../reports/structure-dialog';
import { EscalationBadge, SeverityBadge, StatusBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';

/** Who made the newest change after `version` (the timeline's newest entry), for the conflict message. */
function lastChanger(report: ReportDetail, t: (k: string) => string): { name: string; at: string } | null {
  const changes = report.timeline.filter((e) => e.action !== 'comment');
  const last = changes.at(-1);
  if (!last) return null;
  return { name: last.actor?.name ?? t('timeline.system'), at: last.at };
}

export function ReportPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const isDesk = hasPermission(me, 'reports.verify') || hasPermission(me, 'reports.handle');
  const [state, reload] = useAsync((signal) => reportsApi.get(id, signal), [id]);
  const [report, setReport] = useState<ReportDetail | null>(null);
  const [action, setAction] = useState<DeskAction | null>(null);
  const [conflict, setConflict] = useState<{ name: string; at: string } | null>(null);
  const [done, setDone] = useState<DeskAction | 'structure' | null>(null);
  const [structuring, setStructuring] = useState(false);

  useEffect(() => {
    if (state.status === 'ok') setReport(state.data);
  }, [state]);

  async function refresh(): Promise<ReportDetail> {
    const fresh = await reportsApi.get(id);
    setReport(fresh);
    return fresh;
  }

  if (!report) {
    return (
      <DetailFallback
        state={state}
        onRetry={reload}
        notFound={
          <>
            <h1>{t('reportPage.notFound')}</h1>
            <p>{t('reportPage.notFoundText')}</p>
            <p>
              <Link href="/">{t('notFound.home')}</Link>
            </p>
          </>
        }
      />
    );
  }

  const actions = DESK_ACTIONS.filter((a) => report.allowedActions?.includes(a));
  const canStructure = report.allowedActions?.includes('structure') ?? false;

  return (
    <div className="stack-lg report-page">
      <header className="page-head">
        <p className="muted">
          {isDesk ? <Link href="/laporan">{t('nav.triage')}</Link> : <Link href="/lapor/saya">{t('nav.mine')}</Link>} /
        </p>
        <h1>{report.title}</h1>
        <p className="badges">
          <StatusBadge status={report.status} /> <SeverityBadge level={report.severity} /> <EscalationBadge level={report.escalationLevel} />
        </p>
      </header>

      {conflict ? (
        <div className="alert alert-warning" role="alert" data-testid="conflict">
          <p>
            <strong>{t('reportPage.conflict', { name: conflict.name, time: formatInZone(conflict.at, report.regionCode, i18n.language) })}</strong>
          </p>
          <p>{t('reportPage.conflictHint')}</p>
        </div>
      ) : null}
      {done && !conflict ? (
        <div className="alert alert-success" role="status">
          <p>{done === 'structure' ? t('structure.done') : t('reportPage.done', { action: t(`actions.${done}`) })}</p>
        </div>
      ) : null}

      {actions.length > 0 || canStructure ? (
        <section aria-labelledby="actions-title" className="stack">
          <h2 id="actions-title" className="visually-hidden">
            {t('reportPage.actions')}
          </h2>
          <div className="action-bar">
            {canStructure ? (
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => {
                  setDone(null);
                  setStructuring(true);
                }}
              >
                {t('structure.button')}
              </button>
            ) : null}
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={`btn ${a === 'reject' ? 'btn-danger' : a === 'comment' ? 'btn-secondary' : 'btn-primary'}`}
                onClick={() => {
                  setDone(null);
                  setAction(a);
                }}
              >
                {t(`actions.${a}`)}
              </button>
            ))}
          </div>
        </section>
      ) : null}

      <div className="report-grid">
        <div className="stack">
          <ReportFacts report={report} />
          {report.status !== 'draft' ? <IncidentBox report={report} canGroup={isDesk} /> : null}
        </div>
        <Timeline report={report} />
      </div>

      <StructureDialog
        report={structuring ? report : null}
        onClose={() => setStructuring(false)}
        onDone={() => {
          setStructuring(false);
          setConflict(null);
          void refresh().then(
            () => setDone('structure'),
            () => setDone('structure'),
          );
        }}
        onConflict={() => {
          setStructuring(false);
          setDone(null);
          void refresh().then((fresh) => setConflict(lastChanger(fresh, t) ?? { name: '—', at: fresh.updatedAt }));
        }}
      />

      <ActionDialog
        report={report}
        action={action}
        onClose={() => setAction(null)}
        onDone={() => {
          const taken = action;
          setAction(null);
          setConflict(null);
          // "saved" is said once the page shows the new state and its timeline entry
          void refresh().then(
            () => setDone(taken),
            () => setDone(taken),
          );
        }}
        onConflict={() => {
          setAction(null);
          setDone(null);
          void refresh().then((fresh) => setConflict(lastChanger(fresh, t) ?? { name: '—', at: fresh.updatedAt }));
        }}
      />
    </div>
  );
}

function Countdown({ deadline, regionCode }: { deadline: string; regionCode: string }) {
  const { t, i18n } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const left = Date.parse(deadline) - now;
  const days = Math.floor(left / 86_400_000);
  const hours = Math.floor((left % 86_400_000) / 3_600_000);
  return (
    <div className={`deadline ${left < 0 ? 'deadline-past' : left < 2 * 86_400_000 ? 'deadline-near' : ''}`} data-testid="bawaslu-window">
      <p>
        <strong>{t('reportPage.bawasluWindow')}</strong>: {formatInZone(deadline, regionCode, i18n.language)}
      </p>
      <p>{left < 0 ? t('reportPage.windowPassed') : t('reportPage.windowLeft', { days: formatNumber(days), hours: formatNumber(hours) })}</p>
    </div>
  );
}

function ReportFacts({ report }: { report: ReportDetail }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const lang = i18n.language;
  const category = taxonomy?.categories.find((c) => c.code === report.category);
  const sub = category?.subcategories.find((s) => s.code === report.subcategory);
  const source = taxonomy?.sources.find((s) => s.code === report.source);
  const severity = taxonomy?.severities.find((s) => s.level === report.severity);
  const [attachments] = useAsync((signal) => reportsApi.attachments(report.id, signal), [report.id, report.version]);

  return (
    <section aria-labelledby="facts-title" className="card stack">
      <h2 id="facts-title">{t('reportPage.details')}</h2>
      {report.violationDeadline ? <Countdown deadline={report.violationDeadline} regionCode={report.regionCode} /> : null}
      <dl className="facts facts-wide">
        <div>
          <dt>{t('report.category')}</dt>
          <dd>
            {label(report.categoryLabel ?? category?.label, report.category)}
            {sub ? ` — ${label(sub.label)}` : report.subcategory ? ` — ${report.subcategory}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('report.severity')}</dt>
          <dd>
            <SeverityBadge level={report.severity} /> {severity ? <span className="muted">{label(severity.meaning)}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('report.village')}</dt>
          <dd>
            {report.regionName ?? ''} <span className="muted">({report.regionCode})</span>
          </dd>
        </div>
        <div>
          <dt>{t('report.occurredAt')}</dt>
          <dd>{formatInZone(report.occurredAt, report.regionCode, lang)}</dd>
        </div>
        <div>
          <dt>{t('reportPage.createdAt')}</dt>
          <dd>{formatInZone(report.createdAt, report.regionCode, lang)}</dd>
        </div>
        <div>
          <dt>{t('reportPage.stage')}</dt>
          <dd>{report.stageName ?? t('reportPage.noStage')}</dd>
        </div>
        <div>
          <dt>{t('reportPage.escalation')}</dt>
          <dd>
            <EscalationBadge level={report.escalationLevel} />
            {report.lastEscalatedAt ? <span className="muted"> · {formatInZone(report.lastEscalatedAt, report.regionCode, lang)}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('reportPage.assigned')}</dt>
          <dd>{report.assignedOrg?.name ?? t('reportPage.unassigned')}</dd>
        </div>
        <div>
          <dt>{t('reportPage.source')}</dt>
          <dd>{label(source?.label, report.source)}</dd>
        </div>
        <div>
          <dt>{t('reportPage.reporter')}</dt>
          <dd>
            {report.reporter?.name ?? (report.confidential ? t('reportPage.confidential') : t('reportPage.hidden'))}
            {report.reporter && report.confidential ? <span className="muted"> · {t('reportPage.confidentialShown')}</span> : null}
          </dd>
        </div>
        {report.publicContact ? (
          <div>
            <dt>{t('reportPage.publicContact')}</dt>
            <dd>
              {[report.publicContact.name, report.publicContact.phone].filter(Boolean).join(' · ')}
              <span className="muted"> · {t('reportPage.confidentialShown')}</span>
            </dd>
          </div>
        ) : null}
        {report.receiptCode ? (
          <div>
            <dt>{t('report.receipt')}</dt>
            <dd>
              <code className="receipt">{report.receiptCode}</code>
            </dd>
          </div>
        ) : null}
        {report.lat !== null && report.lon !== null ? (
          <div>
            <dt>{t('report.location')}</dt>
            <dd>
              {report.lat.toLocaleString('id-ID', { maximumFractionDigits: 5 })}, {report.lon.toLocaleString('id-ID', { maximumFractionDigits: 5 })}
            </dd>
          </div>
        ) : null}
        {report.involved ? (
          <div>
            <dt>{t('report.involved')}</dt>
            <dd>{report.involved}</dd>
          </div>
        ) : null}
        {report.rejectionReason ? (
          <div>
            <dt>{t('reportPage.rejectionReason')}</dt>
            <dd>{report.rejectionReason}</dd>
          </div>
        ) : null}
        {report.outcome ? (
          <div>
            <dt>{t('reportPage.outcome')}</dt>
            <dd>{report.outcome}</dd>
          </div>
        ) : null}
      </dl>
      <div>
        <h3>{t('report.description')}</h3>
        <p className="pre-wrap">{report.description || '—'}</p>
      </div>
      {report.possibleDuplicateOf.length > 0 ? (
        <div className="alert alert-warning">
          <p>
            <strong>{t('reportPage.duplicates')}</strong>
          </p>
          <ul>
            {report.possibleDuplicateOf.map((other) => (
              <li key={other}>
                <Link href={`/laporan/${other}`}>{t('reportPage.duplicateLink', { id: other.slice(0, 8) })}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {attachments.status === 'ok' && attachments.data.items.length > 0 ? (
        <div>
          <h3>{t('reportPage.attachments')}</h3>
          <ul className="attachments">
            {attachments.data.items.map((a) => (
              <li key={a.id}>
                <a href={a.url}>{a.filename}</a> <span className="muted">({formatNumber(Math.round(a.size / 1024))} kB)</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function EventText({ event }: { event: TReportEvent }) {
  const { t } = useTranslation();
  const label = useLabel();
  const d = event.details as Record<string, unknown>;
  const parts: string[] = [];
  if (event.action === 'assign' && d.org && typeof d.org === 'object') parts.push(t('timeline.assignedTo', { org: (d.org as { name?: string }).name ?? '' }));
  if (event.action === 'escalate' && typeof d.toLevel === 'string') {
    parts.push(t('timeline.escalatedTo', { from: typeof d.fromLevel === 'string' ? t(`escalation.${d.fromLevel}`) : '—', to: t(`escalation.${d.toLevel}`) }));
  }
  const message = d.automatic && d.message && typeof d.message === 'object' ? label(d.message as { id: string; en: string }) : null;
  return (
    <>
      {parts.map((p) => (
        <p key={p}>{p}</p>
      ))}
      {d.automatic ? (
        <p className="auto-note">
          <strong>{t('timeline.automatic')}</strong>
          {message ? `: ${message}` : ''}
        </p>
      ) : null}
      {event.comment && !(d.automatic && message) ? <p className="pre-wrap timeline-comment">{event.comment}</p> : null}
    </>
  );
}

function Timeline({ report }: { report: ReportDetail }) {
  const { t, i18n } = useTranslation();
  return (
    <section aria-labelledby="timeline-title" className="card stack">
      <h2 id="timeline-title">{t('timeline.title')}</h2>
      <ol className="timeline">
        {report.timeline.map((event) => (
          <li key={event.id} className={`timeline-item tl-${event.action}`}>
            <p className="timeline-head">
              <strong>{t(`timeline.action.${event.action}`, { defaultValue: event.action })}</strong>
              {event.fromStatus && event.toStatus && event.fromStatus !== event.toStatus ? (
                <span className="muted">
                  {' '}
                  · {t(`reportStatus.${event.fromStatus}`)} → {t(`reportStatus.${event.toStatus}`)}
                </span>
              ) : null}
            </p>
            <p className="muted small">
              {event.actor?.name ?? t('timeline.system')} · <time dateTime={event.at}>{formatInZone(event.at, report.regionCode, i18n.language)}</time>
            </p>
            <EventText event={event} />
          </li>
        ))}
      </ol>
    </section>
  );
}
