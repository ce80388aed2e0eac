import type { TRegion } from '@sinergi/domain';
import { NATIONAL_SCOPE, isRegionCodeShape } from '../../lib/domain';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api';
import { useDebounced } from '../../lib/hooks';
import { useLevelLabel } from '../shell/labels';
import { useRegionDetails } from './region-cache';

interface RegionPickerProps {
  label: string;
  name: string;
  value: string[];
  onChange: (codes: string[]) => void;
  error?: string | undefined;
  hint?: string | undefined;
  /** Offer "whole country" (`*`): only for accounts that have it themselves. */
  allowNational?: boolean;
  /** Pick exactly one region (filters), instead of a list (scopes). */
  single?: boolean;
  /** Where to search (default: the signed-in user's regions; the public form passes its own). */
  search?: (query: { q: string; limit: number }, signal: AbortSignal) => Promise<Page<TRegion>>;
}

/**
 * Pick regions by searching names or codes (a combobox with a listbox of matches). The
 * search only finds regions inside the signed-in user's own scope.
 */
export function RegionPicker({ label, name, value, onChange, error, hint, allowNational = false, single = false, search }: RegionPickerProps) {
  const { t } = useTranslation();
  const levelLabel = useLevelLabel();
  const base = `rp-${useId().replace(/:/g, '')}-${name}`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [results, setResults] = useState<TRegion[]>([]);
  const [searching, setSearching] = useState(false);
  const q = useDebounced(text.trim(), 250);
  // with a custom search there may be no session to look names up with: remember picked names
  const details = useRegionDetails(search ? [] : value);
  const [pickedNames, setPickedNames] = useState<Record<string, string>>({});
  const isNational = value.includes(NATIONAL_SCOPE);

  useEffect(() => {
    if (q.length < 2) {
      setResults([]);
      return;
    }
    const controller = new AbortController();
    setSearching(true);
    (search ?? ((query, signal) => api.regions(query, signal)))({ q, limit: 20 }, controller.signal).then(
      (page) => {
        setResults(page.items);
        setActive(page.items.length ? 0 : -1);
        setSearching(false);
      },
      () => {
        if (!controller.signal.aborted) {
          setResults([]);
          setSearching(false);
        }
      },
    );
    return () => controller.abort();
  }, [q]);

  function add(code: string) {
    const picked = results.find((r) => r.code === code);
    if (picked) setPickedNames((names) => ({ ...names, [code]: picked.name }));
    if (single) onChange([code]);
    else if (!value.includes(code)) onChange([...value.filter((c) => c !== NATIONAL_SCOPE), code]);
    setText('');
    setResults([]);
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(results.length - 1, a + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const pick = results[active];
      if (open && pick) add(pick.code);
      else if (isRegionCodeShape(text.trim())) add(text.trim());
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  }

  const listId = `${base}-list`;
  const showList = open && q.length >= 2;
  const describedBy = [hint ? `${base}-hint` : '', error ? `${base}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <div className={`field region-picker${error ? ' field-invalid' : ''}`}>
      <label htmlFor={`${base}-input`}>{label}</label>
      {value.length ? (
        <ul className="chips" aria-label={t('regions.selected')}>
          {value.map((code) => {
            const name = code === NATIONAL_SCOPE ? t('regions.national') : (details.get(code)?.name ?? pickedNames[code]);
            return (
              <li key={code} className="chip">
                <span>
                  {name ? `${name} ` : ''}
                  <span className="code">{code}</span>
                </span>
                <button type="button" className="chip-remove" aria-label={t('regions.remove', { name: name ?? code })} onClick={() => onChange(value.filter((c) => c !== code))}>
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {allowNational ? (
        <label className="check">
          <input type="checkbox" checked={isNational} onChange={(e) => onChange(e.target.checked ? [NATIONAL_SCOPE] : [])} />
          {t('regions.nationalOption')}
        </label>
      ) : null}
      {isNational ? null : (
        <div className="combo">
          <input
            id={`${base}-input`}
            type="text"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={showList}
            aria-controls={listId}
            aria-activedescendant={showList && active >= 0 ? `${base}-opt-${active}` : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            autoComplete="off"
            placeholder={t('regions.pickerPlaceholder')}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setOpen(true);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => window.setTimeout(() => setOpen(false), 150)}
            onFocus={() => setOpen(true)}
          />
          {showList && results.length === 0 ? (
            <p className="combo-empty" role="status">
              {searching ? t('regions.searching') : t('regions.noResults')}
            </p>
          ) : null}
          <ul id={listId} role="listbox" className="combo-list" hidden={!showList || results.length === 0} aria-label={label}>
            {results.map((r, i) => (
              <li
                key={r.code}
                id={`${base}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'combo-option active' : 'combo-option'}
                onMouseDown={(e) => {
                  e.preventDefault();
                  add(r.code);
                }}
              >
                <span>{r.name}</span>
                <span className="result-meta">
                  {levelLabel(r.level)} · <span className="code">{r.code}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {hint ? (
        <p className="field-hint" id={`${base}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${base}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
