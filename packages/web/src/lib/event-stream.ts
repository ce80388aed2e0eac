import type { TStreamEvent } from '@sinergi/domain';
import { useEffect, useRef } from 'react';

/**
 * Live updates from GET /api/stream, shared by the whole tab: one EventSource however many
 * components listen, opened with the first listener and closed with the last. The browser
 * reconnects by itself and sends Last-Event-ID, so the server replays what was missed; a
 * stream refused for good (signed out, server restarting) is retried every 15 s while anyone
 * listens. Events seen twice (a replay overlapping live ones) are passed on once.
 */
type ChangeListener = (event: TStreamEvent) => void;
type NotificationListener = (notice: { topic: string }) => void;

const changeListeners = new Set<ChangeListener>();
const notificationListeners = new Set<NotificationListener>();
let source: EventSource | null = null;
let retryTimer: number | null = null;
const seen: number[] = [];
const seenSet = new Set<number>();

function isFirstSighting(id: number): boolean {
  if (seenSet.has(id)) return false;
  seenSet.add(id);
  seen.push(id);
  if (seen.length > 500) seenSet.delete(seen.shift()!);
  return true;
}

let waitingForLoad = false;

function open(): void {
  if (source || typeof EventSource === 'undefined') return;
  // a stream opened while the page loads would hold the load event (and with it the service
  // worker's registration, which waits for it): start after load
  if (document.readyState !== 'complete') {
    if (!waitingForLoad) {
      waitingForLoad = true;
      window.addEventListener(
        'load',
        () => {
          waitingForLoad = false;
          if (hasListeners()) open();
        },
        { once: true },
      );
    }
    return;
  }
  const es = new EventSource('/api/stream', { withCredentials: true });
  source = es;
  es.addEventListener('change', (message) => {
    let event: TStreamEvent;
    try {
      event = JSON.parse((message as MessageEvent<string>).data) as TStreamEvent;
    } catch {
      return;
    }
    if (!isFirstSighting(event.id)) return;
    for (const listener of [...changeListeners]) listener(event);
  });
  es.addEventListener('notification', (message) => {
    let notice: { topic: string } = { topic: '' };
    try {
      notice = JSON.parse((message as MessageEvent<string>).data) as { topic: string };
    } catch {
      /* a notification without details still means "refresh" */
    }
    for (const listener of [...notificationListeners]) listener(notice);
  });
  es.addEventListener('error', () => {
    // CONNECTING: the browser retries by itself; CLOSED: it gave up (e.g. 401), so try later
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    if (source === es) source = null;
    if (retryTimer === null && hasListeners()) {
      retryTimer = window.setTimeout(() => {
        retryTimer = null;
        if (hasListeners()) open();
      }, 15_000);
    }
  });
}

function hasListeners(): boolean {
  return changeListeners.size + notificationListeners.size > 0;
}

function closeIfUnused(): void {
  if (hasListeners()) return;
  source?.close();
  source = null;
  if (retryTimer !== null) {
    window.clearTimeout(retryTimer);
    retryTimer = null;
  }
}

/** Close the shared stream now (sign-out); listeners still mounted reopen it on their next render cycle. */
export function closeEventStream(): void {
  source?.close();
  source = null;
}

/**
 * Call `handler` for every change in the user's scope (a report filed, assigned, escalated,
 * overdue; an alert raised or updated; a sitrep released …). The handler may change between
 * renders without reconnecting.
 */
export function useEventStream(handler: ChangeListener, enabled = true): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!enabled) return;
    const listener: ChangeListener = (event) => latest.current(event);
    changeListeners.add(listener);
    open();
    return () => {
      changeListeners.delete(listener);
      closeIfUnused();
    };
  }, [enabled]);
}

/** Call `handler` when the signed-in user gets a new in-app notification. */
export function useNotificationEvents(handler: NotificationListener, enabled = true): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!enabled) return;
    const listener: NotificationListener = (notice) => latest.current(notice);
    notificationListeners.add(listener);
    open();
    return () => {
      notificationListeners.delete(listener);
      closeIfUnused();
    };
  }, [enabled]);
}
