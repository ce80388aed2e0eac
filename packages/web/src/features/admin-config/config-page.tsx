import '../../i18n/lazy/desk';
import '../../i18n/lazy/sitrep';
import type { TConfigChange, TIndexConfig, TSlaConfig, TSlaVersion, TTaxonomyConfig, TTaxonomyVersion } from '@sinergi/domain';
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { configApi } from '../../api/sitreps';
import { formatDateTime } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { DataTable, ErrorAlert, Loading, Notice } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { refreshTaxonomy, useLabel, useTaxonomy } from '../reports/taxonomy';
import { usePillarName, usePillars } from '../shell/labels';

const SEVERITIES = [4, 3, 2, 1] as const;
const LEVELS = ['province', 'regency', 'district', 'village'] as const;

/**
 * /pengaturan: run-time configuration for administrators — service-level times per severity,
 * the vulnerability index thresholds and weights, the report taxonomy (each change a new version,
 * recorded), and the history of every change: who, when, old → new.
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
      <TaxonomySection onSaved={() => setTick((n) => n + 1)} />
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
  /** the form's starting values, from the version in force (and every version, for the newest number) */
  toDraft: (current: V, items: V[]) => D;
  /** sends the draft as a new version with the note */
  submit: (draft: D, note: string) => Promise<{ version: number }>;
  isBuiltIn?: (current: V) => boolean;
  savedKey: string;
  saveKey: string;
  onSaved: () => void;
  /** where a field the server refused lies, in words (default: its path) */
  describeField?: (path: string, draft: D) => string;
  children: (draft: D, setDraft: (draft: D) => void) => ReactNode;
}

/**
 * A configuration kept in versions: loads them, edits a draft of the one in force, and saves the
 * draft as a new version with a note (the caller's `onSaved` refreshes the history).
 */
function VersionedSection<V extends { version: number; effectiveFrom: string }, D>({ headingId, title, intro, load, toDraft, submit, isBuiltIn, savedKey, saveKey, onSaved, describeField, children }: VersionedSectionProps<V, D>) {
  const { t, i18n } = useTranslation();
  const [state, reload] = useAsync(load, []);
  const [draft, setDraft] = useState<D | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const noteId = useId();
  const current = state.status === 'ok' ? state.data.items.find((v) => v.version === state.data.current) : undefined;

  useEffect(() => {
    if (current && state.status === 'ok') setDraft(toDraft(current, state.data.items));
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
          <ErrorAlert error={error}>
            {error instanceof ApiError && error.fields.length > 0 ? (
              <ul>
                {error.fields.map((f, i) => (
                  <li key={i}>
                    {describeField ? describeField(f.path, draft) : f.path}: {f.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </ErrorAlert>
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

type TaxonomyCategoryConfig = TTaxonomyConfig['categories'][number];
/** A category being edited; `isNew` marks a subcategory added in this edit (its code can still change, or the row go). */
type TaxonomyCategoryDraft = Omit<TaxonomyCategoryConfig, 'subcategories'> & { subcategories: (TaxonomyCategoryConfig['subcategories'][number] & { isNew?: boolean })[] };
interface TaxonomyDraft {
  /** the newest version: the one this edit starts from (a save from an older one is refused) */
  baseVersion: number;
  categories: TaxonomyCategoryDraft[];
}

const SUBCATEGORY_CODE = '[a-z][a-z0-9_]{1,39}';

/**
 * The report taxonomy: per category its labels, default handler, whether it is offered on intake
 * forms, and its subcategories (add, relabel, retire or restore — never delete, old reports keep
 * theirs). Category codes are fixed. Read-only without config.manage.
 */
function TaxonomySection({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const label = useLabel();
  // which categories are unfolded, kept while the section reloads after a save
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  if (!hasPermission(me, 'config.manage')) return <TaxonomyReadOnly />;

  const describeField = (path: string, draft: TaxonomyDraft) => {
    const parts = path.replace(/^config\./, '').split('.');
    if (parts[0] !== 'categories' || parts[1] === undefined) return t('config.taxonomyTitle');
    const category = draft.categories[Number(parts[1])];
    const where = [category ? label(category.label, category.code) : parts[1]];
    if (parts[2] === 'subcategories' && parts[3] !== undefined) {
      const sub = category?.subcategories[Number(parts[3])];
      where.push(`${t('config.subcategory')} ${sub?.code || Number(parts[3]) + 1}`);
    }
    return where.join(' › ');
  };

  return (
    <VersionedSection<TTaxonomyVersion, TaxonomyDraft>
      headingId="cfg-tax"
      title={t('config.taxonomyTitle')}
      intro={t('config.taxonomyIntro')}
      load={(signal) => configApi.taxonomy(signal)}
      toDraft={(current, items) => ({ baseVersion: Math.max(...items.map((v) => v.version)), categories: structuredClone(current.config.categories) })}
      submit={async (draft, note) => {
        const config: TTaxonomyConfig = { categories: draft.categories.map((c) => ({ ...c, subcategories: c.subcategories.map(({ isNew: _n, ...s }) => s) })) };
        const saved = await configApi.addTaxonomy({ baseVersion: draft.baseVersion, config, note: note || undefined });
        // the forms of this tab (/lapor, triage) offer the new version without a reload
        void refreshTaxonomy().catch(() => undefined);
        return saved;
      }}
      isBuiltIn={(current) => current.isDefault}
      savedKey="config.savedTaxonomy"
      saveKey="config.saveTaxonomy"
      onSaved={onSaved}
      describeField={describeField}
    >
      {(draft, setDraft) => (
        <div className="taxonomy-editor">
          {draft.categories.map((c, i) => (
            <CategoryEditor
              key={c.code}
              category={c}
              open={open.has(c.code)}
              onToggle={(isOpen) =>
                setOpen((prev) => {
                  if (prev.has(c.code) === isOpen) return prev;
                  const next = new Set(prev);
                  if (isOpen) next.add(c.code);
                  else next.delete(c.code);
                  return next;
                })
              }
              onChange={(next) => setDraft({ ...draft, categories: draft.categories.map((x, j) => (j === i ? next : x)) })}
            />
          ))}
        </div>
      )}
    </VersionedSection>
  );
}

function CategoryEditor({ category: c, open, onToggle, onChange }: { category: TaxonomyCategoryDraft; open: boolean; onToggle: (open: boolean) => void; onChange: (next: TaxonomyCategoryDraft) => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const pillars = usePillars();
  const pillarName = usePillarName();
  const id = `tax-${c.code}`;
  const retiredSubs = c.subcategories.filter((s) => s.retired).length;
  const setSub = (j: number, next: TaxonomyCategoryDraft['subcategories'][number]) => onChange({ ...c, subcategories: c.subcategories.map((s, k) => (k === j ? next : s)) });
  const name = label(c.label, c.code) || c.code;

  return (
    <details
      className="taxonomy-category"
      data-category={c.code}
      open={open}
      onToggle={(e) => onToggle(e.currentTarget.open)}
      // a field the browser refuses on submit must be visible to be focused and explained: unfold its category
      onInvalidCapture={(e) => {
        e.currentTarget.open = true;
      }}
    >
      <summary>
        <span className="taxonomy-name">{name}</span> <code>{c.code}</code>
        <span className="muted small">
          {' · '}
          {pillarName(c.defaultHandler)} · {t('config.subcategoryCount', { count: c.subcategories.length - retiredSubs })}
          {retiredSubs ? ` (${t('config.retiredCount', { count: retiredSubs })})` : ''}
        </span>
        {c.retired ? <span className="tag tag-muted">{t('config.notOffered')}</span> : null}
      </summary>
      <div className="stack">
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-id`}>{t('config.labelId')}</label>
            <input id={`${id}-id`} type="text" required maxLength={120} value={c.label.id} onChange={(e) => onChange({ ...c, label: { ...c.label, id: e.target.value } })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-en`}>{t('config.labelEn')}</label>
            <input id={`${id}-en`} type="text" required maxLength={120} value={c.label.en} onChange={(e) => onChange({ ...c, label: { ...c.label, en: e.target.value } })} />
          </div>
        </div>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-handler`}>{t('config.handler')}</label>
            <select id={`${id}-handler`} value={c.defaultHandler} onChange={(e) => onChange({ ...c, defaultHandler: e.target.value })}>
              {pillars.some((p) => p.code === c.defaultHandler) ? null : <option value={c.defaultHandler}>{c.defaultHandler}</option>}
              {pillars.map((p) => (
                <option key={p.code} value={p.code}>
                  {pillarName(p.code)} ({p.code})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <span className="field-label">{t('config.intake')}</span>
            <label className="check">
              <input type="checkbox" checked={!c.retired} onChange={(e) => onChange({ ...c, retired: !e.target.checked })} />
              <span>{t('config.offered')}</span>
            </label>
          </div>
        </div>
        <DataTable head={[t('config.code'), t('config.labelId'), t('config.labelEn'), t('config.status'), <span className="visually-hidden">{t('config.actions')}</span>]}>
          {c.subcategories.map((s, j) => {
            const subName = s.code || t('config.newSubcategory');
            return (
              <tr key={j} className={s.retired ? 'row-retired' : undefined}>
                <td>
                  {s.isNew ? (
                    <input
                      type="text"
                      required
                      pattern={SUBCATEGORY_CODE}
                      maxLength={40}
                      className="input-code"
                      aria-label={`${t('config.code')} — ${name}, ${t('config.subcategory')} ${j + 1}`}
                      title={t('config.codeHint')}
                      value={s.code}
                      onChange={(e) => setSub(j, { ...s, code: e.target.value.trim().toLowerCase() })}
                    />
                  ) : (
                    <code>{s.code}</code>
                  )}
                </td>
                <td>
                  <input type="text" required maxLength={120} aria-label={`${t('config.labelId')} — ${name}: ${subName}`} value={s.label.id} onChange={(e) => setSub(j, { ...s, label: { ...s.label, id: e.target.value } })} />
                </td>
                <td>
                  <input type="text" required maxLength={120} aria-label={`${t('config.labelEn')} — ${name}: ${subName}`} value={s.label.en} onChange={(e) => setSub(j, { ...s, label: { ...s.label, en: e.target.value } })} />
                </td>
                <td>{s.retired ? <span className="tag tag-muted">{t('config.retired')}</span> : <span className="tag tag-ok">{t('config.active')}</span>}</td>
                <td>
                  {s.isNew ? (
                    <button type="button" className="btn btn-secondary btn-small" onClick={() => onChange({ ...c, subcategories: c.subcategories.filter((_, k) => k !== j) })}>
                      {t('config.removeNew')}
                      <span className="visually-hidden"> — {subName}</span>
                    </button>
                  ) : (
                    <button type="button" className="btn btn-secondary btn-small" onClick={() => setSub(j, { ...s, retired: !s.retired })}>
                      {s.retired ? t('config.restore') : t('config.retire')}
                      <span className="visually-hidden"> — {subName}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
        <div>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => onChange({ ...c, subcategories: [...c.subcategories, { code: '', label: { id: '', en: '' }, retired: false, isNew: true }] })}
          >
            {t('config.addSubcategory')}
            <span className="visually-hidden"> — {name}</span>
          </button>
        </div>
      </div>
    </details>
  );
}

/** The taxonomy in force, for a reader without config.manage. */
function TaxonomyReadOnly() {
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
              <th scope="row">
                {label(c.label)}
                {c.retired ? <span className="tag tag-muted">{t('config.notOffered')}</span> : null}
              </th>
              <td>
                <code>{c.code}</code>
              </td>
              <td>{pillarName(c.defaultHandler)}</td>
              <td>{c.subcategories.map((s) => `${label(s.label)}${s.retired ? ` (${t('config.retired')})` : ''}`).join(', ')}</td>
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
  // lists of coded items (the taxonomy's categories and subcategories) compare by code, not position
  const keyed = (v: unknown): unknown =>
    Array.isArray(v) && v.every((x) => x && typeof x === 'object' && typeof (x as { code?: unknown }).code === 'string')
      ? Object.fromEntries(v.map((x: { code: string }) => [x.code, x]))
      : v;
  const walk = (a0: unknown, b0: unknown, path: string) => {
    if (out.length >= 12) return;
    const a = keyed(a0);
    const b = keyed(b0);
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (['version', 'effectiveFrom', 'note'].includes(key) && path === '') continue;
        if (key === 'code' && path !== '') continue;
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
