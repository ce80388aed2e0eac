import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useSearchParams } from 'wouter';
import { ApiError } from '../api/client';

/** The value, settled: it changes only after `delay` ms without a new value. */
export function useDebounced<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

export type AsyncState<T> = { status: 'loading'; data?: undefined; error?: undefined } | { status: 'ok'; data: T; error?: undefined } | { status: 'error'; data?: undefined; error: unknown };

/**
 * Run an async load when its dependencies change; aborts the previous one so a slow answer
 * never overwrites a newer one.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ok', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return [state, () => setTick((t) => t + 1)];
}

/** After a failed submit, move focus to the first field the server marked invalid (or the error alert). */
export function useFocusInvalid(form: { current: HTMLElement | null }, error: unknown): void {
  useEffect(() => {
    if (!error || !form.current) return;
    const target = form.current.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current.querySelector<HTMLElement>('[role="alert"]');
    if (!target) return;
    if (target.getAttribute('role') === 'alert') target.setAttribute('tabindex', '-1');
    target.focus();
  }, [error, form]);
}

/**
 * A form that sends once: `busy` while it runs, the failure in `error` (with the API's field
 * messages by name in `fields`), and focus moved to the first invalid field after a failure.
 * `run(work, onError)` clears the error, sends, and hands a failure to `onError` (default: keep it).
 */
export function useFormSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusInvalid(formRef, error);
  const fields = error instanceof ApiError ? error.fieldMap() : {};
  async function run(work: () => Promise<void>, onError: (error: unknown) => void = setError): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, fields, formRef, run };
}

/**
 * A button that opens a panel (menu, popover): Escape closes it and gives focus back to the
 * button, a click outside `wrapper` closes it. `panelId` is for the button's aria-controls.
 */
export function useDisclosure(prefix: string) {
  const [open, setOpen] = useState(false);
  const panelId = `${prefix}-${useId().replace(/:/g, '')}`;
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      if (wrapper.current && !wrapper.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);
  return { open, setOpen, panelId, wrapper, button };
}

/**
 * A page's filters in the URL query, so a view can be shared. `setFilter(key, value, clear)` sets
 * one (an empty value removes it) and removes the keys in `clear` that depend on it.
 */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const setFilter = useCallback(
    (key: string, value: string, clear: readonly string[] = []) => {
      setParams((old) => {
        const next = new URLSearchParams(old);
        if (value) next.set(key, value);
        else next.delete(key);
        for (const k of clear) next.delete(k);
        return next;
      });
    },
    [setParams],
  );
  return { params, setParams, setFilter };
}
