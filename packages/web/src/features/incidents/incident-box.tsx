import type { TReport } from '@sinergi/domain';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { incidentsApi } from '../../api/incidents';
import { reportsApi } from '../../api/reports';
import { ErrorAlert, TextField } from '../../ui';

/** A month either side: wider than any duplicate window an administrator may set (≤ 30 days). */
const NEAR_MS = 31 * 24 * 3_600_000;

/**
 * The possible duplicates of a report as list items: one list request over its regency, category
 * and time (the list never reveals a confidential reporter, so nothing is logged as an identity
 * view); only a duplicate outside that page (e.g. across a regency border) is fetched on its own.
 */
async function findReports(report: TReport, signal: AbortSignal): Promise<TReport[]> {
  const at = Date.parse(report.occurredAt);
  const page = await reportsApi.list(
    {
      region: report.regionCode.split('.').slice(0, 2).join('.'),
      category: report.category ?? undefined,
      from: new Date(at - NEAR_MS).toISOString(),
      to: new Date(at + NEAR_MS).toISOString(),
      limit: 500,
    },
    signal,
  );
  const listed = new Map(page.items.map((r) => [r.id, r]));
  const rest = report.possibleDuplicateOf.filter((id) => !listed.has(id));
  const fetched = await Promise.all(rest.map((id) => reportsApi.get(id, signal).catch(() => null)));
  for (const r of fetched) if (r) listed.set(r.id, r);
  return report.possibleDuplicateOf.map((id) => listed.get(id)).filter((r): r is TReport => r !== undefined);
}

/**
 * On a report page: the incident (kejadian) the report belongs to, or — when the desk sees
 * possible duplicates — a form to group them into one incident, or to add this report to the
 * incident a duplicate already belongs to.
 */
export function IncidentBox({ report, canGroup }: { report: TReport; canGroup: boolean }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [others, setOthers] = useState<TReport[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [title, setTitle] = useState(report.title);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (report.incidentId || !canGroup || report.possibleDuplicateOf.length === 0) return;
    const controller = new AbortController();
    void findReports(report, controller.signal).then(
      (visible) => {
        setOthers(visible);
        setPicked(visible.filter((r) => !r.incidentId).map((r) => r.id));
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [report.id, report.incidentId, report.possibleDuplicateOf, canGroup]);

  if (report.incidentId) {
    return (
      <section aria-labelledby="incident-title" className="card stack">
        <h2 id="incident-title">{t('incidents.one')}</h2>
        <p>
          {t('incidents.partOf')} <Link href={`/kejadian/${report.incidentId}`}>{t('incidents.open')}</Link>
        </p>
      </section>
    );
  }
  if (!canGroup || others.length === 0) return null;

  const joinable = others.filter((r) => r.incidentId);

  async function group(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const incident = await incidentsApi.create({ id: crypto.randomUUID(), title: title.trim(), reportIds: [report.id, ...picked] });
      navigate(`/kejadian/${incident.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  async function join(incidentId: string) {
    setBusy(true);
    setError(null);
    try {
      const incident = await incidentsApi.get(incidentId);
      await incidentsApi.add(incidentId, incident.version, [report.id]);
      navigate(`/kejadian/${incidentId}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="incident-title" className="card stack">
      <h2 id="incident-title">{t('incidents.groupTitle')}</h2>
      <p className="muted">{t('incidents.groupIntro')}</p>
      <ErrorAlert error={error} />
      {joinable.map((r) => (
        <p key={r.id}>
          <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void join(r.incidentId!)}>
            {t('incidents.joinWith', { title: r.title })}
          </button>
        </p>
      ))}
      <form className="stack" onSubmit={(e) => void group(e)}>
        <fieldset>
          <legend>{t('incidents.pickReports')}</legend>
          {others
            .filter((r) => !r.incidentId)
            .map((r) => (
              <label key={r.id} className="check">
                <input type="checkbox" checked={picked.includes(r.id)} onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.id] : p.filter((x) => x !== r.id)))} />
                <span>
                  {r.title} <span className="muted small">· {r.regionName ?? r.regionCode}</span>
                </span>
              </label>
            ))}
        </fieldset>
        <TextField label={t('incidents.titleField')} name="incident-title" value={title} required maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || picked.length === 0 || title.trim().length < 3}>
            {t('incidents.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
