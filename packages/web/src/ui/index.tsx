import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { AsyncState } from '../lib/hooks';

/** The message to show for any failure: the API's own (already in the user's language) or ours. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (error instanceof ApiError) {
      if (error.code === 'network') return t('errors.network');
      return error.message || t('errors.unexpected');
    }
    return t('errors.unexpected');
  };
}

export function ErrorAlert({ error, children }: { error: unknown; children?: ReactNode }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{text(error)}</p>
      {children}
    </div>
  );
}

/**
 * What a detail page shows while its record is not in hand: loading; `notFound` when the API
 * answers 404 or 403 (one answer, so a record outside the user's scope does not show it exists);
 * any other failure with a retry button when `onRetry` is given.
 */
export function DetailFallback({ state, notFound, onRetry }: { state: AsyncState<unknown>; notFound: ReactNode; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (state.status !== 'error') return <Loading />;
  if (state.error instanceof ApiError && (state.error.status === 404 || state.error.status === 403)) return <div className="stack">{notFound}</div>;
  return (
    <ErrorAlert error={state.error}>
      {onRetry ? (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </ErrorAlert>
  );
}

/** A table with one header row (`scope="col"`), in its scrolling wrapper; the rows are the children. */
export function DataTable({ head, testId, children }: { head: ReactNode[]; testId?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A dialog form's buttons: send (reads "saving" while `busy`; red when `danger`) and cancel. */
export function SubmitCancel({ label, busy, danger, onCancel }: { label: string; busy: boolean; danger?: boolean; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
        {busy ? t('common.saving') : label}
      </button>
      <button type="button" className="btn btn-secondary" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'success' ? 'status' : undefined}>
      {children}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

interface FieldShellProps {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean | undefined;
  children: ReactNode;
}

function FieldShell({ id, label, hint, error, required, children }: FieldShellProps) {
  const { t } = useTranslation();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> ({t('common.required')})</span> : null}
      </label>
      {children}
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & { label: string; hint?: string | undefined; error?: string | undefined; name: string };

/** A labelled input with its hint and its error (announced through aria-describedby). */
export function TextField({ label, hint, error, name, required, ...rest }: TextFieldProps) {
  const id = `f-${useId().replace(/:/g, '')}-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required}>
      <input id={id} name={name} required={required} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
    </FieldShell>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { label: string; hint?: string | undefined; error?: string | undefined; name: string; children: ReactNode };

export function SelectField({ label, hint, error, name, required, children, ...rest }: SelectFieldProps) {
  const id = `f-${useId().replace(/:/g, '')}-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required}>
      <select id={id} name={name} required={required} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest}>
        {children}
      </select>
    </FieldShell>
  );
}

/** A native modal dialog: focus is trapped and Escape closes it. */
export function Dialog({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `d-${useId().replace(/:/g, '')}`;
  const { t } = useTranslation();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-ghost btn-icon" onClick={onClose} aria-label={t('common.close')}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {open ? children : null}
    </dialog>
  );
}

/** Copy a text to the clipboard, with a fallback for browsers that refuse the Clipboard API. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.append(area);
      area.select();
      const ok = document.execCommand('copy');
      area.remove();
      setState(ok ? 'copied' : 'failed');
    }
  }
  return (
    <span className="copy">
      <button type="button" className="btn btn-secondary" onClick={() => void copy()}>
        {label ?? t('common.copy')}
      </button>
      <span role="status" className="copy-status">
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </span>
  );
}

/** A one-time code shown once, large and monospaced, with a copy button. */
export function OneTimeCodeBox({ code, title, note }: { code: string; title: string; note: ReactNode }) {
  return (
    <section className="otc" aria-label={title}>
      <h3>{title}</h3>
      <p className="otc-code" data-testid="one-time-code">
        {code}
      </p>
      <CopyButton text={code} />
      <p className="otc-note">{note}</p>
    </section>
  );
}
