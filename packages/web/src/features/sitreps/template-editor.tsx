import '../../i18n/lazy/sitrep';
import type { TSitrepSectionDef, TSitrepTemplate } from '@sinergi/domain';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { sitrepApi } from '../../api/sitreps';
import { DataTable, ErrorAlert, Loading, Notice } from '../../ui';
import { usePillars } from '../shell/labels';

/**
 * A region's situation-report sections (which pillar desk fills which heading) and the e-mail
 * distribution list of the release. Administrators and the region's Kesbangpol desk change it;
 * the change is recorded and applies to reports opened afterwards.
 */
export function TemplateEditor({ regionCode }: { regionCode: string }) {
  const { t } = useTranslation();
  const pillars = usePillars().filter((p) => p.kind === 'pillar');
  const [template, setTemplate] = useState<TSitrepTemplate | null>(null);
  const [sections, setSections] = useState<TSitrepSectionDef[]>([]);
  const [distribution, setDistribution] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const listId = useId();

  useEffect(() => {
    const controller = new AbortController();
    setTemplate(null);
    setSaved(false);
    sitrepApi.template(regionCode, controller.signal).then(
      (tpl) => {
        setTemplate(tpl);
        setSections(tpl.sections);
        setDistribution(tpl.distribution.join('\n'));
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => controller.abort();
  }, [regionCode]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!template) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const emails = distribution
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const next = await sitrepApi.saveTemplate(regionCode, { sections, distribution: emails, version: template.isDefault ? undefined : template.version });
      setTemplate(next);
      setSections(next.sections);
      setDistribution(next.distribution.join('\n'));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!template) return error ? <ErrorAlert error={error} /> : <Loading />;
  const update = (i: number, patch: Partial<TSitrepSectionDef>) => setSections(sections.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <form className="stack" onSubmit={(e) => void save(e)} data-testid="template-editor">
      <p className="muted">{template.isDefault ? t('sitrep.template.isDefault') : t('sitrep.template.own', { version: template.version })}</p>
      <DataTable head={[t('sitrep.template.heading'), t('sitrep.template.pillar'), <span className="visually-hidden">{t('sitrep.template.remove')}</span>]}>
        {sections.map((s, i) => (
          <tr key={i}>
            <td>
              <input type="text" required minLength={2} maxLength={120} value={s.title} aria-label={`${t('sitrep.template.heading')} ${i + 1}`} onChange={(e) => update(i, { title: e.target.value })} />
            </td>
            <td>
              <select value={s.pillarCode} aria-label={`${t('sitrep.template.pillar')} ${i + 1}`} onChange={(e) => update(i, { pillarCode: e.target.value })}>
                {pillars.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                  </option>
                ))}
              </select>
            </td>
            <td>
              <button type="button" className="btn btn-ghost btn-small" disabled={sections.length <= 1} onClick={() => setSections(sections.filter((_, j) => j !== i))}>
                {t('sitrep.template.remove')}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      <div>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={sections.length >= 20}
          onClick={() => {
            const used = new Set(sections.map((s) => s.code));
            let n = sections.length + 1;
            while (used.has(`bagian_${n}`)) n++;
            setSections([...sections, { code: `bagian_${n}`, pillarCode: pillars[0]?.code ?? 'kesbangpol', title: '' }]);
          }}
        >
          {t('sitrep.template.add')}
        </button>
      </div>
      <div className="field">
        <label htmlFor={listId}>{t('sitrep.template.distribution')}</label>
        <p className="field-hint" id={`${listId}-hint`}>
          {t('sitrep.template.distributionHint')}
        </p>
        <textarea id={listId} aria-describedby={`${listId}-hint`} rows={3} value={distribution} onChange={(e) => setDistribution(e.target.value)} />
      </div>
      <ErrorAlert error={error} />
      {saved ? <Notice tone="success">{t('sitrep.template.saved')}</Notice> : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('sitrep.template.save')}
        </button>
      </div>
    </form>
  );
}
