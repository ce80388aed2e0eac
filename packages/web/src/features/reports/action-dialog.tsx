import type { TReport } from '@sinergi/domain';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { reportsApi, type ActionBodies, type DeskAction } from '../../api/reports';
import { useFormSubmit } from '../../lib/hooks';
import { Dialog, ErrorAlert, SubmitCancel } from '../../ui';
import { usePillars } from '../shell/labels';
import { useLabel, useTaxonomy } from './taxonomy';

/** The text a desk must give with each action, and whether it is required. */
const TEXT_FIELD: Record<DeskAction, { key: 'comment' | 'reason' | 'outcome' | 'text'; required: boolean }> = {
  verify: { key: 'comment', required: false },
  reject: { key: 'reason', required: true },
  assign: { key: 'comment', required: false },
  escalate: { key: 'reason', required: true },
  resolve: { key: 'outcome', required: true },
  reopen: { key: 'reason', required: true },
  comment: { key: 'text', required: true },
};

export const DESK_ACTIONS: DeskAction[] = ['verify', 'reject', 'assign', 'escalate', 'resolve', 'reopen', 'comment'];

interface Props {
  report: Pick<TReport, 'id' | 'version' | 'category' | 'title'>;
  action: DeskAction | null;
  onClose: () => void;
  onDone: (report: TReport | null) => void;
  /** another desk changed the report first (409): the caller reloads and tells the user */
  onConflict: (error: ApiError) => void;
  /** Send the action elsewhere (an incident carries it to its reports); default: the report's own endpoint. */
  send?: (action: DeskAction, body: ActionBodies[DeskAction]) => Promise<unknown>;
}

/** One workflow action as a small form in a dialog: the reason, outcome or handler it needs, sent with the version seen. */
export function ActionDialog({ report, action, onClose, onDone, onConflict, send }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const pillars = usePillars();
  const { taxonomy } = useTaxonomy();
  const defaultOrg = taxonomy?.categories.find((c) => c.code === report.category)?.defaultHandler ?? '';
  const [text, setText] = useState('');
  const [org, setOrg] = useState('');
  const { busy, error, setError, fields: fieldErrors, formRef, run } = useFormSubmit();
  const orgCode = org || defaultOrg;

  const field = action ? TEXT_FIELD[action] : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!action || !field) return;
    const value = text.trim();
    if (field.required && value.length < 3 && action !== 'comment') {
      setError(new ApiError(400, 'validation', t('actions.textTooShort'), [{ path: field.key, message: t('actions.textTooShort') }]));
      return;
    }
    await run(
      async () => {
        const v = report.version;
        let body: ActionBodies[DeskAction];
        switch (action) {
          case 'verify':
            body = { version: v, ...(value ? { comment: value } : {}) };
            break;
          case 'assign':
            body = { version: v, orgCode, ...(value ? { comment: value } : {}) };
            break;
          case 'reject':
          case 'escalate':
          case 'reopen':
            body = { version: v, reason: value };
            break;
          case 'resolve':
            body = { version: v, outcome: value };
            break;
          case 'comment':
            body = { text: value };
            break;
        }
        const result = send ? await send(action, body) : await reportsApi.act(report.id, action, body as never);
        setText('');
        setOrg('');
        onDone(send || action === 'comment' ? null : (result as TReport));
      },
      (e) => {
        if (e instanceof ApiError && e.status === 409) {
          setText('');
          onConflict(e);
        } else setError(e);
      },
    );
  }

  const close = () => {
    setError(null);
    setText('');
    setOrg('');
    onClose();
  };

  return (
    <Dialog open={action !== null} title={action ? `${t(`actions.${action}`)}: ${report.title}` : ''} onClose={close}>
      {action && field ? (
        <form ref={formRef} className="stack" onSubmit={(e) => void submit(e)} noValidate>
          <ErrorAlert error={error && Object.keys(fieldErrors).length === 0 ? error : null} />
          {action === 'assign' ? (
            <div className="field">
              <label htmlFor="action-org">{t('actions.org')}</label>
              <select id="action-org" value={orgCode} onChange={(e) => setOrg(e.target.value)} aria-describedby="action-org-hint" aria-invalid={fieldErrors.orgCode ? true : undefined}>
                {pillars.map((p) => (
                  <option key={p.code} value={p.code}>
                    {label({ id: p.name, en: p.nameEn })}
                    {p.code === defaultOrg ? ` — ${t('actions.defaultHandler')}` : ''}
                  </option>
                ))}
              </select>
              <p className="field-hint" id="action-org-hint">
                {t('actions.orgHint')}
              </p>
              {fieldErrors.orgCode ? <p className="field-error">{fieldErrors.orgCode}</p> : null}
            </div>
          ) : null}
          <div className={`field${fieldErrors[field.key] ? ' field-invalid' : ''}`}>
            <label htmlFor="action-text">
              {t(`actions.field.${field.key}`)}
              {field.required ? <span className="required"> ({t('common.required')})</span> : null}
            </label>
            <textarea
              id="action-text"
              rows={3}
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={fieldErrors[field.key] ? true : undefined}
              aria-describedby={fieldErrors[field.key] ? 'action-text-error' : undefined}
              autoFocus
            />
            {fieldErrors[field.key] ? (
              <p className="field-error" id="action-text-error">
                {fieldErrors[field.key]}
              </p>
            ) : null}
          </div>
          <SubmitCancel label={t(`actions.${action}`)} busy={busy} danger={action === 'reject'} onCancel={close} />
        </form>
      ) : null}
    </Dialog>
  );
}
