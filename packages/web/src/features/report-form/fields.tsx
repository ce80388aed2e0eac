import type { TTaxonomy } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';
import { offeredCategories, useLabel } from '../reports/taxonomy';

/** `2026-11-23T19:05` in the device's clock, for a datetime-local input. */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export type BasicErrors = Partial<Record<'category' | 'regionCode' | 'title' | 'occurredAt', string>>;

/**
 * The checks a report form makes before sending (the server makes them again): a category, a
 * village, a title of three characters or more, and a time that is valid and not in the future
 * (ten minutes of clock drift allowed). `when` is the parsed time.
 */
export function checkReportBasics(values: { category: string; regionCode: string; title: string; occurredAt: string }, t: (key: string) => string): { errors: BasicErrors; when: Date } {
  const errors: BasicErrors = {};
  if (!values.category) errors.category = t('report.errors.category');
  if (!values.regionCode) errors.regionCode = t('report.errors.village');
  if (values.title.trim().length < 3) errors.title = t('report.errors.title');
  const when = new Date(values.occurredAt);
  if (Number.isNaN(when.getTime())) errors.occurredAt = t('report.errors.time');
  else if (when.getTime() > Date.now() + 10 * 60_000) errors.occurredAt = t('report.errors.future');
  return { errors, when };
}

/** After a refused submit: focus the first field marked invalid, once React has drawn the marks. */
export function focusFirstInvalid(form: { current: HTMLElement | null }): void {
  window.setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}

/** The category as big radio tiles (required), with its error under them: only the categories offered for new reports. */
export function CategoryTiles({ taxonomy, value, onChange, error }: { taxonomy: TTaxonomy; value: string; onChange: (code: string) => void; error?: string }) {
  const { t } = useTranslation();
  const label = useLabel();
  return (
    <fieldset className={`tiles-field${error ? ' field-invalid' : ''}`}>
      <legend>
        {t('report.category')} <span className="required">({t('common.required')})</span>
      </legend>
      <div className="tiles tiles-category">
        {offeredCategories(taxonomy).map((c) => (
          <label key={c.code} className={`tile${value === c.code ? ' tile-on' : ''}`}>
            <input type="radio" name="category" value={c.code} checked={value === c.code} aria-invalid={error ? true : undefined} onChange={() => onChange(c.code)} />
            <span>{label(c.label)}</span>
          </label>
        ))}
      </div>
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}

/** The free-text description with its hint; `id` names the textarea (and, with `-hint`, the hint). */
export function DescriptionField({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('report.description')}</label>
      <textarea id={id} rows={4} maxLength={5000} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`} />
      <p className="field-hint" id={`${id}-hint`}>
        {t('report.descriptionHint')}
      </p>
    </div>
  );
}
