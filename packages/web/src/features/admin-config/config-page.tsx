import '../../i18n/lazy/sitrep';
import type { TConfigChange, TIndexConfig, TSlaConfig } from '@sinergi/domain';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { configApi } from '../../api/sitreps';
import { formatDateTime } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { ErrorAlert, Loading, Notice } from '../../ui';
import { useLabel, useTaxonomy } from '../reports/taxonomy';
import { usePillarName } from '../shell/labels';

const SEVERITIES = [4, 3, 2, 1] as const;
const LEVELS = ['province', 'regency', 'district', 'village'] as const;

/**
 * /pengaturan: run-time configuration for administrators — service-level times per severity,
 * the vulnerability index thresholds and weights (each change a new version, recorded), the
 * report taxonomy (read-only), and the history of every change: who, when, old → new.
 */
export function ConfigPage() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  return (
    <div className="stack-lg config-page">
      <header className="page-head">
        <h1>{t('config.title')}</h1>
        <p className="lead">{t('config.intro')}</p>
      </header>
      <SlaSection onSaved={() => setTick((n) => n + 1)} />
      <IndexSection onSaved={() => setTick((n) => n + 1)} />
      <TaxonomySection />
      <HistorySection tick={tick} />
    </div>
  );
}

function minutesText(m: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (m % 1440 === 0) return t('config.days', { n: m / 1440 });
  if (m % 60 === 0) return t('config.hours', { n: m / 60 });
  return t('config.minutes', { n: m });
}

function SlaSection({ onSaved }: { onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const [state, reload] = useAsync((signal) => configApi.sla(signal), []);
  const [draft, setDraft] = useState<Record<string, { verify: string; handle: string }> | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const noteId = useId();
  const current = state.status === 'ok' ? state.data.items.find((v) => v.version === state.data.current) : undefined;

  useEffect(() => {
    if (current) setDraft(Object.fromEntries(SEVERITIES.map((s) => [String(s), { verify: String(current.config[s].verifyMinutes), handle: String(current.config[s].handleMinutes) }])));
  }, [current]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(null);
    try {
      const config = Object.fromEntries(SEVERITIES.map((s) => [s, { verifyMinutes: Number(draft[s]!.verify), handleMinutes: Number(draft[s]!.handle) }])) as unknown as TSlaConfig;
      const v = await configApi.addSla(config, note);
      setSaved(v.version);
      setNote('');
      reload();
      onSaved();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card stack" aria-labelledby="cfg-sla">
      <h2 id="cfg-sla">{t('config.slaTitle')}</h2>
      <p className="muted">{t('config.slaIntro')}</p>
      {state.status === 'loading' ? <Loading /> : null}
      <ErrorAlert error={state.error} />
      {current && draft ? (
        <form className="stack" onSubmit={(e) => void save(e)}>
          <p>{t('config.inForce', { version: current.version, at: current.isDefault ? t('config.builtIn') : formatDateTime(current.effectiveFrom, i18n.language) })}</p>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('config.severity')}</th>
                  <th scope="col">{t('config.verifyMinutes')}</th>
                  <th scope="col">{t('config.handleMinutes')}</th>
                </tr>
              </thead>
              <tbody>
                {SEVERITIES.map((s) => (
                  <tr key={s}>
                    <th scope="row">
                      {s} · {t(`severity.${s}`)}
                    </th>
                    {(['verify', 'handle'] as const).map((k) => (
                      <td key={k}>
                        <input
                          type="number"
                          min={1}
                          step={1}
                          required
                          className="input-narrow"
                          aria-label={`${t(k === 'verify' ? 'config.verifyMinutes' : 'config.handleMinutes')} — ${t('config.severity')} ${s}`}
                          value={draft[s]![k]}
                          onChange={(e) => setDraft({ ...draft, [s]: { ...draft[s]!, [k]: e.target.value } })}
                        />{' '}
                        <span className="muted small">{minutesText(Number(draft[s]![k]) || 0, t)}</span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="field">
            <label htmlFor={noteId}>{t('config.note')}</label>
            <input id={noteId} type="text" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </div>
          <ErrorAlert error={error} />
          {saved ? <Notice tone="success">{t('config.savedVersion', { version: saved })}</Notice> : null}
          <div>
            <button type="submit" className="btn btn-primary">
              {t('config.saveSla')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function IndexSection({ onSaved }: { onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const [state, reload] = useAsync((signal) => configApi.index(signal), []);
  const [draft, setDraft] = useState<TIndexConfig | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const noteId = useId();
  const current = state.status === 'ok' ? state.data.items.find((v) => v.version === state.data.current) : undefined;
  const { taxonomy } = useTaxonomy();
  const label = useLabel();

  useEffect(() => {
    if (current) setDraft(structuredClone(current));
  }, [current]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(null);
    const { version: _v, ...rest } = draft;
    try {
      const v = await configApi.addIndex({ ...rest, effectiveFrom: new Date().toISOString(), note: note || undefined });
      setSaved(v.version);
      setNote('');
      reload();
      onSaved();
    } catch (e) {
      setError(e);
    }
  }

  const num = (value: number, onChange: (n: number) => void, aria: string, step = 0.01) => (
    <input type="number" min={0} step={step} required className="input-narrow" aria-label={aria} value={value} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
  );

  return (
    <section className="card stack" aria-labelledby="cfg-index">
      <h2 id="cfg-index">{t('config.indexTitle')}</h2>
      <p className="muted">{t('config.indexIntro')}</p>
      {state.status === 'loading' ? <Loading /> : null}
      <ErrorAlert error={state.error} />
      {current && draft ? (
        <form className="stack" onSubmit={(e) => void save(e)}>
          <p>{t('config.inForce', { version: current.version, at: formatDateTime(current.effectiveFrom, i18n.language) })}</p>
          <h3>{t('config.thresholds')}</h3>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('config.level')}</th>
                  <th scope="col">{t('vulnerability.sedang')} ≥</th>
                  <th scope="col">{t('vulnerability.tinggi')} ≥</th>
                </tr>
              </thead>
              <tbody>
                {LEVELS.map((level) => (
                  <tr key={level}>
                    <th scope="row">{t(`regions.level.${level}`)}</th>
                    {(['sedang', 'tinggi'] as const).map((k) => (
                      <td key={k}>
                        {num(draft.thresholds[level]![k], (v) => setDraft({ ...draft, thresholds: { ...draft.thresholds, [level]: { ...draft.thresholds[level]!, [k]: v } } }), `${t(`vulnerability.${k}`)} — ${t(`regions.level.${level}`)}`)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t('config.weights')}</h3>
          <div className="grid-2">
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('config.category')}</th>
                    <th scope="col">{t('config.weight')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.keys(draft.categoryWeights).map((code) => {
                    const name = label(taxonomy?.categories.find((c) => c.code === code)?.label, code);
                    return (
                      <tr key={code}>
                        <th scope="row">{name}</th>
                        <td>{num(draft.categoryWeights[code as keyof TIndexConfig['categoryWeights']]!, (v) => setDraft({ ...draft, categoryWeights: { ...draft.categoryWeights, [code]: v } }), `${t('config.weight')} — ${name}`)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="stack">
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('config.severity')}</th>
                      <th scope="col">{t('config.weight')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {([1, 2, 3, 4] as const).map((s) => (
                      <tr key={s}>
                        <th scope="row">
                          {s} · {t(`severity.${s}`)}
                        </th>
                        <td>{num(draft.severityWeights[s], (v) => setDraft({ ...draft, severityWeights: { ...draft.severityWeights, [s]: v } }), `${t('config.weight')} — ${t('config.severity')} ${s}`)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <label className="field">
                <span>{t('config.halfLife')}</span>
                <input type="number" min={1} step={1} required className="input-narrow" value={draft.halfLifeHours} onChange={(e) => setDraft({ ...draft, halfLifeHours: Number(e.target.value) })} />
              </label>
            </div>
          </div>
          <div className="field">
            <label htmlFor={noteId}>{t('config.note')}</label>
            <input id={noteId} type="text" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </div>
          <ErrorAlert error={error} />
          {saved ? <Notice tone="success">{t('config.savedIndex', { version: saved })}</Notice> : null}
          <div>
            <button type="submit" className="btn btn-primary">
              {t('config.saveIndex')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function TaxonomySection() {
  const { t } = useTranslation();
  const { taxonomy, error } = useTaxonomy();
  const label = useLabel();
  const pillarName = usePillarName();
  return (
    <section className="card stack" aria-labelledby="cfg-tax">
      <h2 id="cfg-tax">{t('config.taxonomyTitle')}</h2>
      <p className="muted">{t('config.taxonomyIntro')}</p>
      <ErrorAlert error={error} />
      {taxonomy ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('config.category')}</th>
                <th scope="col">{t('config.code')}</th>
                <th scope="col">{t('config.handler')}</th>
                <th scope="col">{t('config.subcategories')}</th>
              </tr>
            </thead>
            <tbody>
              {taxonomy.categories.map((c) => (
                <tr key={c.code}>
                  <th scope="row">{label(c.label)}</th>
                  <td>
                    <code>{c.code}</code>
                  </td>
                  <td>{pillarName(c.defaultHandler)}</td>
                  <td>{c.subcategories.map((s) => label(s.label)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Loading />
      )}
    </section>
  );
}

/** A short "old → new" of the fields that changed between two JSON values. */
function diffText(before: unknown, after: unknown): string {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= 12) return;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (['version', 'effectiveFrom', 'note'].includes(key) && path === '') continue;
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${JSON.stringify(a) ?? '–'} → ${JSON.stringify(b) ?? '–'}`);
  };
  const unwrap = (v: unknown) => (v && typeof v === 'object' && 'config' in v ? (v as { config: unknown }).config : v);
  walk(unwrap(before), unwrap(after), '');
  return out.join('; ');
}

function HistorySection({ tick }: { tick: number }) {
  const { t, i18n } = useTranslation();
  const [state] = useAsync((signal) => configApi.history(signal), [tick]);
  return (
    <section className="card stack" aria-labelledby="cfg-history">
      <h2 id="cfg-history">{t('config.historyTitle')}</h2>
      {state.status === 'loading' ? <Loading /> : null}
      <ErrorAlert error={state.error} />
      {state.status === 'ok' && state.data.items.length === 0 ? <p className="muted">{t('config.noHistory')}</p> : null}
      {state.status === 'ok' && state.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="config-history">
            <thead>
              <tr>
                <th scope="col">{t('config.when')}</th>
                <th scope="col">{t('config.who')}</th>
                <th scope="col">{t('config.what')}</th>
                <th scope="col">{t('config.change')}</th>
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((c: TConfigChange, i) => (
                <tr key={i}>
                  <td>{formatDateTime(c.at, i18n.language)}</td>
                  <td>{c.actorName ?? '–'}</td>
                  <td>{t(`config.entities.${c.entity}`, { defaultValue: c.entity })}</td>
                  <td className="small">{diffText(c.before, c.after) || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
