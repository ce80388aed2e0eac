import type { TReport } from '@sinergi/domain';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { reportsApi } from '../../api/reports';
import { useFormSubmit } from '../../lib/hooks';
import { Dialog, ErrorAlert, SelectField, SubmitCancel, TextField } from '../../ui';
import { RegionPicker } from '../regions/region-picker';
import { offeredCategories, offeredSubcategories, useLabel, useTaxonomy } from './taxonomy';

interface Props {
  report: Pick<TReport, 'id' | 'version' | 'title' | 'description' | 'regionCode'> | null;
  onClose: () => void;
  onDone: (report: TReport) => void;
  onConflict: (error: ApiError) => void;
}

/**
 * Rapikan draf: a message that came in by WhatsApp or SMS becomes a report once a desk names
 * its category, severity and village. The message text stays as the description.
 */
export function StructureDialog({ report, onClose, onDone, onConflict }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const { taxonomy } = useTaxonomy();
  const [category, setCategory] = useState('');
  const [subcategory, setSubcategory] = useState('');
  const [severity, setSeverity] = useState('');
  const [village, setVillage] = useState('');
  const [title, setTitle] = useState('');
  const { busy, error, setError, fields, formRef, run } = useFormSubmit();
  const categoryDef = taxonomy?.categories.find((c) => c.code === category);

  useEffect(() => {
    setCategory('');
    setSubcategory('');
    setSeverity('');
    setVillage('');
    setTitle(report?.title ?? '');
    setError(null);
  }, [report?.id, report?.title]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!report) return;
    const missing = [
      !category ? { path: 'category', message: t('report.errors.category') } : null,
      !severity ? { path: 'severity', message: t('report.errors.severity') } : null,
      !village ? { path: 'regionCode', message: t('report.errors.village') } : null,
      title.trim().length < 3 ? { path: 'title', message: t('report.errors.title') } : null,
    ].filter((f): f is { path: string; message: string } => f !== null);
    if (missing.length) {
      setError(new ApiError(400, 'validation', t('structure.missing'), missing));
      return;
    }
    await run(
      async () => {
        const result = await reportsApi.structure(report.id, {
          version: report.version,
          category,
          ...(subcategory ? { subcategory } : {}),
          severity: Number(severity),
          regionCode: village,
          title: title.trim(),
        });
        onDone(result);
      },
      (e) => {
        if (e instanceof ApiError && e.status === 409) onConflict(e);
        else setError(e);
      },
    );
  }

  return (
    <Dialog open={report !== null} title={t('structure.title')} onClose={onClose}>
      {report ? (
        <form ref={formRef} className="stack" onSubmit={(e) => void submit(e)} noValidate>
          <p className="muted">{t('structure.intro')}</p>
          <blockquote className="draft-text pre-wrap">{report.description || report.title}</blockquote>
          <ErrorAlert error={error && Object.keys(fields).length === 0 ? error : null} />
          <SelectField label={t('report.category')} name="category" value={category} required error={fields.category} onChange={(e) => { setCategory(e.target.value); setSubcategory(''); }}>
            <option value="">{t('structure.pick')}</option>
            {(taxonomy ? offeredCategories(taxonomy) : []).map((c) => (
              <option key={c.code} value={c.code}>
                {label(c.label)}
              </option>
            ))}
          </SelectField>
          {offeredSubcategories(categoryDef).length > 0 ? (
            <SelectField label={t('report.subcategory')} name="subcategory" value={subcategory} onChange={(e) => setSubcategory(e.target.value)}>
              <option value="">{t('report.subcategoryNone')}</option>
              {offeredSubcategories(categoryDef).map((s) => (
                <option key={s.code} value={s.code}>
                  {label(s.label)}
                </option>
              ))}
            </SelectField>
          ) : null}
          <SelectField label={t('report.severity')} name="severity" value={severity} required error={fields.severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">{t('structure.pick')}</option>
            {taxonomy?.severities.map((s) => (
              <option key={s.level} value={String(s.level)}>
                {s.level} · {label(s.label)} — {label(s.meaning)}
              </option>
            ))}
          </SelectField>
          <RegionPicker label={t('report.village')} name="structure-village" single value={village ? [village] : []} onChange={(codes) => setVillage(codes[0] ?? '')} hint={t('structure.villageHint', { region: report.regionCode })} error={fields.regionCode} />
          <TextField label={t('report.title')} name="title" value={title} required maxLength={200} error={fields.title} onChange={(e) => setTitle(e.target.value)} />
          <SubmitCancel label={t('structure.submit')} busy={busy} onCancel={onClose} />
        </form>
      ) : null}
    </Dialog>
  );
}
