import '../../i18n/lazy/sitrep';
import type { TConfigChange, TIndexConfig, TSlaConfig, TSlaVersion } from '@sinergi/domain';
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { configApi } from '../../api/sitreps';
import { formatDateTime } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { DataTable, ErrorAlert, Loading, Notice } from '../../ui';
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

interface VersionedSectionProps<V extends { version: number; effectiveFrom: string }, D> {
  headingId: string;
  title: string;
  intro: string;
  load: (signal: AbortSignal) => Promise<{ current: number; items: V[] }>;
  /** the form's starting values, from the version in force */
  toDraft: (current: V) => D;
  /** sends the draft as a new version with the note */
  submit: (draft: D, note: string) => Promise<{ version: number }>;
  isBuiltIn?: (current: V) => boolean;
  savedKey: string;
  saveKey: string;
  onSaved: () => void;
  children: (draft: D, setDraft: (draft: D) => void) => ReactNode;
}

/**
 * A configuration kept in versions: loads them, edits a draft of the one in force, and saves the
 * draft as a new version with a note (the caller's `onSaved` refreshes the history).
 */
function VersionedSection<V extends { version: number; effectiveFrom: string }, D>({ headingId, title, intro, load, toDraft, submit, isBuiltIn, savedKey, saveKey, onSaved, children }: VersionedSectionProps<V, D>) {
  const { t, i18n } = useTranslation();
  const [state, reload] = useAsync(load, []);
  const [draft, setDraft] = useState<D | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const noteId = useId();
  const current = state.status === 'ok' ? state.data.items.find((v) => v.version === state.data.current) : undefined;

  useEffect(() => {
    if (current) setDraft(toDraft(current));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(null);
    try {
      const v = await submit(draft, note);
      setSaved(v.version);
      setNote('');
      reload();
      onSaved();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card stack" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="muted">{intro}</p>
      {state.status === 'loading' ? <Loading /> : null}
      <ErrorAlert error={state.error} />
      {current && draft ? (
        <form className="stack" onSubmit={(e) => void save(e)}>
          <p>{t('config.inForce', { version: current.version, at: isBuiltIn?.(current) ? t('config.builtIn') : formatDateTime(current.effectiveFrom, i18n.language) })}</p>
          {children(draft, setDraft)}
          <div className="field">
            <label htmlFor={noteId}>{t('config.note')}</label>
            <input id={noteId} type="text" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </div>
          <ErrorAlert error={error} />
          {saved ? <Notice tone="success">{t(savedKey, { version: saved })}</Notice> : null}
          <div>
            <button type="submit" className="btn btn-primary">
              {t(saveKey)}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

type SlaDraft = Record<string, { verify: string; handle: string }>;

function SlaSection({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  return (
    <VersionedSection<TSlaVersion, SlaDraft>
      headingId="cfg-sla"
      title={t('config.slaTitle')}
      intro={t('config.slaIntro')}
      load={(signal) => configApi.sla(signal)}
      toDraft={(current) => Object.fromEntries(SEVERITIES.map((s) => [String(s), { verify: String(current.config[s].verifyMinutes), handle: String(current.config[s].handleMinutes) }]))}
      submit={(draft, note) =>
        configApi.addSla(Object.fromEntries(SEVERITIES.map((s) => [s, { verifyMinutes: Number(draft[s]!.verify), handleMinutes: Number(draft[s]!.handle) }])) as unknown as TSlaConfig, note)
      }
      isBuiltIn={(current) => current.isDefault}
      savedKey="config.savedVersion"
      saveKey="config.saveSla"
      onSaved={onSaved}
    >
      {(draft, setDraft) => (
        <DataTable head={[t('config.severity'), t('config.verifyMinutes'), t('config.handleMinutes')]}>
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
        </DataTable>
      )}
    </VersionedSection>
  );
}

function IndexSection({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const { taxonomy } = useTaxonomy();
  const label = useLabel();

  const num = (value: number, onChange: (n: number) => void, aria: string, step = 0.01) => (
    <input type="number" min={0} step={step} required className="input-narrow" aria-label={aria} value={value} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
  );

  return (
    <VersionedSection<TIndexConfig, TIndexConfig>
      headingId="cfg-index"
      title={t('config.indexTitle')}
      intro={t('config.indexIntro')}
      load={(signal) => configApi.index(signal)}
      toDraft={(current) => structuredClone(current)}
      submit={(draft, note) => {
        const { version: _v, ...rest } = draft;
        return configApi.addIndex({ ...rest, effectiveFrom: new Date().toISOString(), note: note || undefined });
      }}
      savedKey="config.savedIndex"
      saveKey="config.saveIndex"
      onSaved={onSaved}
    >
      {(draft, setDraft) => (
        <>
          <h3>{t('config.thresholds')}</h3>
          <DataTable head={[t('config.level'), `${t('vulnerability.sedang')} ≥`, `${t('vulnerability.tinggi')} ≥`]}>
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
          </DataTable>
          <h3>{t('config.weights')}</h3>
          <div className="grid-2">
            <DataTable head={[t('config.category'), t('config.weight')]}>
              {Object.keys(draft.categoryWeights).map((code) => {
                const name = label(taxonomy?.categories.find((c) => c.code === code)?.label, code);
                return (
                  <tr key={code}>
                    <th scope="row">{name}</th>
                    <td>{num(draft.categoryWeights[code as keyof TIndexConfig['categoryWeights']]!, (v) => setDraft({ ...draft, categoryWeights: { ...draft.categoryWeights, [code]: v } }), `${t('config.weight')} — ${name}`)}</td>
                  </tr>
                );
              })}
            </DataTable>
            <div className="stack">
              <DataTable head={[t('config.severity'), t('config.weight')]}>
                {([1, 2, 3, 4] as const).map((s) => (
                  <tr key={s}>
                    <th scope="row">
                      {s} · {t(`severity.${s}`)}
                    </th>
                    <td>{num(draft.severityWeights[s], (v) => setDraft({ ...draft, severityWeights: { ...draft.severityWeights, [s]: v } }), `${t('config.weight')} — ${t('config.severity')} ${s}`)}</td>
                  </tr>
                ))}
              </DataTable>
              <label className="field">
                <span>{t('config.halfLife')}</span>
                <input type="number" min={1} step={1} required className="input-narrow" value={draft.halfLifeHours} onChange={(e) => setDraft({ ...draft, halfLifeHours: Number(e.target.value) })} />
              </label>
            </div>
          </div>
        </>
      )}
    </VersionedSection>
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
        <DataTable head={[t('config.category'), t('config.code'), t('config.handler'), t('config.subcategories')]}>
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
        </DataTable>
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
        <DataTable head={[t('config.when'), t('config.who'), t('config.what'), t('config.change')]} testId="config-history">
          {state.data.items.map((c: TConfigChange, i) => (
            <tr key={i}>
              <td>{formatDateTime(c.at, i18n.language)}</td>
              <td>{c.actorName ?? '–'}</td>
              <td>{t(`config.entities.${c.entity}`, { defaultValue: c.entity })}</td>
              <td className="small">{diffText(c.before, c.after) || '–'}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
