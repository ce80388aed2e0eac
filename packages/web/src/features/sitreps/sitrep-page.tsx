import '../../i18n/lazy/desk';
import '../../i18n/lazy/sitrep';
import type { TReportStatus, TSitrep, TSitrepSection, TVulnerabilityLevel } from '@sinergi/domain';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError } from '../../api';
import { sitrepApi } from '../../api/sitreps';
import { formatInZone, formatNumber } from '../../lib/format';
import { ErrorAlert, Loading, Notice } from '../../ui';
import { VulnerabilityBadge } from '../dashboard/vulnerability';
import { SeverityBadge, StatusBadge } from '../reports/badges';
import { useLabel, useTaxonomy } from '../reports/taxonomy';
import { formatLocalDate, SitrepStatusBadge } from './sitrep-parts';

/**
 * One daily situation report: the day's numbers, the most vulnerable regions, the open
 * escalations and alerts, then one section per pillar desk (its own desk fills or confirms it),
 * and the Kesbangpol desk's approve and release. Prints as a clean page; the PDF comes from the server.
 */
export function SitrepPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const [sitrep, setSitrep] = useState<TSitrep | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setSitrep(null);
    setError(null);
    sitrepApi.get(id, controller.signal).then(
      (s) => setSitrep(s),
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => controller.abort();
  }, [id]);

  async function reload() {
    try {
      setSitrep(await sitrepApi.get(id));
    } catch (e) {
      setError(e);
    }
  }

  async function step(name: 'refresh' | 'approve' | 'release' | 'revise') {
    if (!sitrep) return;
    setBusy(name);
    setError(null);
    setDone(null);
    try {
      const next = await sitrepApi.step(sitrep.id, name, sitrep.version);
      if (name === 'revise') {
        window.history.pushState(null, '', `/lapsit/${next.id}`);
        window.dispatchEvent(new PopStateEvent('popstate'));
      }
      setSitrep(next);
      setDone(t(`sitrep.done.${name}`));
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 409) await reload();
    } finally {
      setBusy(null);
    }
  }

  if (!sitrep) {
    return error ? (
      <div className="stack">
        <h1>{t('sitrep.title')}</h1>
        <ErrorAlert error={error} />
        <p>
          <Link href="/lapsit">{t('sitrep.back')}</Link>
        </p>
      </div>
    ) : (
      <Loading />
    );
  }

  const s = sitrep;
  const n = s.numbers;
  return (
    <article className="stack-lg sitrep" data-testid="sitrep">
      <nav aria-label={t('sitrep.breadcrumb')} className="breadcrumb no-print">
        <Link href="/lapsit">{t('sitrep.title')}</Link>
      </nav>
      <header className="page-head sitrep-head">
        <p className="eyebrow">
          {t('sitrep.kicker')}
          {s.revision > 1 ? ` · ${t('sitrep.revision', { n: s.revision })}` : ''}
        </p>
        <h1>
          {s.regionName} <span className="muted">({s.regionCode})</span>
        </h1>
        <p className="lead">
          {formatLocalDate(s.date, i18n.language)} · {t('sitrep.zone', { zone: s.timeZone })}
        </p>
        <div className="badges">
          <SitrepStatusBadge status={s.status} />
          {s.isDemo ? <span className="badge demo-mark">{t('shell.demo')}</span> : null}
          <span className="badge">{t('sitrep.sectionsDone', { done: s.sectionsSubmitted, total: s.sectionsTotal })}</span>
        </div>
      </header>

      <div className="sitrep-actions no-print" role="group" aria-label={t('sitrep.actions')}>
        <a className="btn btn-primary" href={sitrepApi.pdfUrl(s.id)} download data-testid="sitrep-pdf">
          {t('sitrep.downloadPdf')}
        </a>
        <button type="button" className="btn btn-secondary" onClick={() => window.print()}>
          {t('sitrep.print')}
        </button>
        {s.can.refresh ? (
          <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => void step('refresh')}>
            {t('sitrep.refresh')}
          </button>
        ) : null}
        {s.can.approve ? (
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void step('approve')}>
            {t('sitrep.approve')}
          </button>
        ) : null}
        {s.can.release ? (
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void step('release')}>
            {t('sitrep.release')}
          </button>
        ) : null}
        {s.can.revise ? (
          <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => void step('revise')}>
            {t('sitrep.revise')}
          </button>
        ) : null}
      </div>
      {done ? <Notice tone="success">{done}</Notice> : null}
      <ErrorAlert error={error} />
      <WorkflowNote sitrep={s} />

      <section className="stack" aria-labelledby="sitrep-numbers">
        <h2 id="sitrep-numbers">{t('sitrep.numbers')}</h2>
        <p className="muted">{t('sitrep.period', { from: formatInZone(n.from, s.regionCode, i18n.language), to: formatInZone(n.to, s.regionCode, i18n.language) })}</p>
        <dl className="sitrep-stats" data-testid="sitrep-stats">
          {(
            [
              ['received', n.received],
              ['resolved', n.resolved],
              ['escalated', n.escalated],
              ['openAtEnd', n.openAtEnd],
              ['overdue', n.overdue],
            ] as const
          ).map(([key, value]) => (
            <div key={key} className="card stat">
              <dt>{t(`sitrep.stats.${key}`)}</dt>
              <dd>{formatNumber(value)}</dd>
            </div>
          ))}
        </dl>
        <Breakdowns sitrep={s} />
      </section>

      <section className="stack" aria-labelledby="sitrep-top">
        <h2 id="sitrep-top">{t('sitrep.topRegions')}</h2>
        {n.topRegions.length === 0 ? (
          <p className="muted">{t('sitrep.noScores')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('sitrep.region')}</th>
                  <th scope="col" className="num">
                    {t('sitrep.score')}
                  </th>
                  <th scope="col">{t('sitrep.level')}</th>
                </tr>
              </thead>
              <tbody>
                {n.topRegions.map((r) => (
                  <tr key={r.regionCode}>
                    <td>
                      {r.regionName} <span className="muted">({r.regionCode})</span>
                    </td>
                    <td className="num">{r.score === null ? '–' : r.score.toLocaleString('id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</td>
                    <td>{r.level ? <VulnerabilityBadge level={r.level as TVulnerabilityLevel} /> : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="stack" aria-labelledby="sitrep-esc">
        <h2 id="sitrep-esc">{t('sitrep.escalations')}</h2>
        {n.escalations.length === 0 ? (
          <p className="muted">{t('sitrep.noEscalations')}</p>
        ) : (
          <ul className="plain-list sitrep-list">
            {n.escalations.map((e) => (
              <li key={e.reportId}>
                <Link href={`/laporan/${e.reportId}`}>{e.title}</Link> <span className="muted">· {e.regionName}</span>{' '}
                <span className="badges">
                  <SeverityBadge level={e.severity} />
                  <StatusBadge status={e.status as TReportStatus} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="sitrep-alerts">
        <h2 id="sitrep-alerts">{t('sitrep.alerts')}</h2>
        {n.alerts.length === 0 ? (
          <p className="muted">{t('sitrep.noAlerts')}</p>
        ) : (
          <ul className="plain-list sitrep-list">
            {n.alerts.map((a) => (
              <li key={a.id}>
                <span className="muted">{formatInZone(a.createdAt, s.regionCode, i18n.language)}</span> · {a.regionName}: {i18n.language === 'en' ? a.cause.en : a.cause.id}
                {a.isProvisional ? ` (${t('sitrep.provisional')})` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="sitrep-sections">
        <h2 id="sitrep-sections">{t('sitrep.sectionsTitle')}</h2>
        {s.sections.map((section) => (
          <SectionCard key={`${section.code}:${section.version}`} sitrep={s} section={section} onChange={setSitrep} />
        ))}
      </section>

      <footer className="card sitrep-approval">
        {s.approvedBy ? (
          <p>
            {t('sitrep.approvedBy', { name: s.approvedBy, position: s.approverPosition ?? t('sitrep.kesbangDesk'), at: formatInZone(s.approvedAt!, s.regionCode, i18n.language) })}
            {s.releasedAt ? ` ${t('sitrep.releasedAt', { at: formatInZone(s.releasedAt, s.regionCode, i18n.language) })}` : ''}
          </p>
        ) : (
          <p className="muted">{t('sitrep.notApproved')}</p>
        )}
        {s.supersededBy ? (
          <p>
            <Link href={`/lapsit/${s.supersededBy}`}>{t('sitrep.newerRevision')}</Link>
          </p>
        ) : null}
      </footer>
    </article>
  );
}

function WorkflowNote({ sitrep }: { sitrep: TSitrep }) {
  const { t } = useTranslation();
  if (sitrep.status === 'released') return <Notice>{t('sitrep.releasedNote')}</Notice>;
  if (sitrep.status === 'approved') return <Notice>{t('sitrep.approvedNote')}</Notice>;
  if (sitrep.sectionsSubmitted < sitrep.sectionsTotal) return <Notice tone="warning">{t('sitrep.pendingNote', { n: sitrep.sectionsTotal - sitrep.sectionsSubmitted })}</Notice>;
  return <Notice>{t('sitrep.readyNote')}</Notice>;
}

function Breakdowns({ sitrep }: { sitrep: TSitrep }) {
  const { t } = useTranslation();
  const { taxonomy } = useTaxonomy();
  const label = useLabel();
  const n = sitrep.numbers;
  const categoryName = (code: string) => (code === 'draft' ? t('sitrep.uncategorised') : label(taxonomy?.categories.find((c) => c.code === code)?.label, code));
  const table = (caption: string, column: string, rows: [string, number][]) => (
    <div className="table-wrap">
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{column}</th>
            <th scope="col" className="num">
              {t('sitrep.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={2} className="muted">
                {t('sitrep.none')}
              </td>
            </tr>
          ) : (
            rows.map(([name, count]) => (
              <tr key={name}>
                <td>{name}</td>
                <td className="num">{formatNumber(count)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
  return (
    <div className="sitrep-breakdowns">
      {table(
        t('sitrep.byCategory'),
        t('config.category'),
        n.byCategory.map((c) => [categoryName(c.category), c.count]),
      )}
      {table(
        t('sitrep.bySeverity'),
        t('config.severity'),
        n.bySeverity.map((c) => [`${c.severity} · ${t(`severity.${c.severity}`)}`, c.count]),
      )}
      {table(
        t('sitrep.byStatus'),
        t('sitrep.status'),
        n.byStatus.map((c) => [t(`reportStatus.${c.status}`), c.count]),
      )}
    </div>
  );
}

function SectionCard({ sitrep, section, onChange }: { sitrep: TSitrep; section: TSitrepSection; onChange: (s: TSitrep) => void }) {
  const { t, i18n } = useTranslation();
  const [body, setBody] = useState(section.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldId = useId();
  const dirty = body !== section.body;

  async function run(kind: 'save' | 'submit') {
    setBusy(true);
    setError(null);
    try {
      const next = kind === 'save' ? await sitrepApi.saveSection(sitrep.id, section.code, body, section.version) : await sitrepApi.submitSection(sitrep.id, section.code, dirty || section.status === 'pending' ? body : undefined, section.version);
      onChange(next);
    } catch (e) {
      setError(e);
      // someone else changed it: show theirs (the text typed here stays in the field)
      if (e instanceof ApiError && e.status === 409) {
        try {
          onChange(await sitrepApi.get(sitrep.id));
        } catch {
          // keep the error shown
        }
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card sitrep-section" aria-labelledby={`${fieldId}-title`} data-testid={`section-${section.code}`}>
      <div className="sitrep-section-head">
        <h3 id={`${fieldId}-title`}>{section.title}</h3>
        <span className="muted">{section.pillarName}</span>
        <span className={`badge section-${section.status}`}>{t(`sitrep.statuses.${section.status}`)}</span>
      </div>
      {section.canEdit ? (
        <div className="stack no-print">
          <div className="field">
            <label htmlFor={fieldId}>{t('sitrep.sectionText')}</label>
            <textarea id={fieldId} rows={4} value={body} onChange={(e) => setBody(e.target.value)} maxLength={20000} />
          </div>
          <div className="row-actions">
            <button type="button" className="btn btn-secondary btn-small" disabled={busy || !dirty} onClick={() => void run('save')}>
              {t('sitrep.saveDraft')}
            </button>
            <button type="button" className="btn btn-primary btn-small" disabled={busy || body.trim() === ''} onClick={() => void run('submit')}>
              {section.status === 'submitted' && !dirty ? t('sitrep.confirm') : t('sitrep.submit')}
            </button>
          </div>
          <ErrorAlert error={error} />
        </div>
      ) : null}
      <p className={`pre-wrap${section.canEdit ? ' print-only' : ''}`}>{section.body.trim() ? section.body : <span className="muted">{t('sitrep.emptySection')}</span>}</p>
      <p className="muted small">
        {section.status === 'submitted' && section.submittedAt
          ? t('sitrep.submittedBy', { name: section.submittedBy ?? '–', at: formatInZone(section.submittedAt, sitrep.regionCode, i18n.language) })
          : t('sitrep.waitingFor', { pillar: section.pillarName })}
      </p>
    </section>
  );
}
