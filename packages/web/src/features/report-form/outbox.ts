import type { TFieldError } from '@sinergi/domain';
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../../api/client';
import { reportsApi, type ReportCreateInput } from '../../api/reports';

/*
 * The field officer's outbox: every report is written to IndexedDB first, with the UUID it was
 * given when it was created, and sent from there. An item leaves the outbox only after the
 * server answered 2xx (201 stored, or 200 "already stored" for a resend of the same id), so a
 * lost answer, a closed tab or a dead battery never loses a report and never doubles one.
 */

/** A photo waiting to be attached once its report is accepted (already downscaled). */
export interface PendingPhoto {
  blob: Blob;
  name: string;
}

export interface OutboxItem {
  id: string;
  body: ReportCreateInput;
  /** when the reporter pressed "Kirim" */
  queuedAt: string;
  /** waiting: will be (re)sent; rejected: the server refused it for good, the reporter decides */
  state: 'waiting' | 'rejected';
  attempts: number;
  nextAttemptAt: number;
  rejection: { message: string; fields: TFieldError[] } | null;
  photo: PendingPhoto | null;
}

/** A report the server acknowledged, as remembered on this device. */
export interface SentItem {
  id: string;
  title: string;
  category: string;
  severity: number;
  regionCode: string;
  queuedAt: string;
  acceptedAt: string;
  receiptCode: string;
  /** the photo still waiting to be uploaded, or why it could not be */
  photo: PendingPhoto | null;
  photoError: string | null;
}

export interface OutboxSnapshot {
  queue: OutboxItem[];
  sent: SentItem[];
  sending: ReadonlySet<string>;
  loaded: boolean;
}

const BASE_DELAY_MS = 3_000;
const MAX_DELAY_MS = 5 * 60_000;
const SENT_KEPT = 100;

/** Statuses that will not change by sending the same request again. */
function isFinalRejection(error: unknown): error is ApiError {
  if (!(error instanceof ApiError)) return false;
  return [400, 403, 404, 409, 413, 415, 422].includes(error.status);
}

/** 3 s, 6 s, 12 s … up to 5 min, with ±20 % jitter so many phones do not retry in step. */
export function retryDelay(attempts: number): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class Outbox {
  private store: UseStore;
  private snapshot: OutboxSnapshot = { queue: [], sent: [], sending: new Set(), loaded: false };
  private listeners = new Set<() => void>();
  private timer: number | undefined;
  private flushing = false;
  private again = false;
  private ready: Promise<void>;

  constructor(private readonly userId: string) {
    this.store = createStore('sinergi-outbox', 'items');
    this.ready = this.load();
  }

  private get queueKey() {
    return `queue:${this.userId}`;
  }
  private get sentKey() {
    return `sent:${this.userId}`;
  }

  private async load(): Promise<void> {
    const [queue, sent] = await Promise.all([get<OutboxItem[]>(this.queueKey, this.store), get<SentItem[]>(this.sentKey, this.store)]);
    this.publish({ queue: queue ?? [], sent: sent ?? [], loaded: true });
  }

  private publish(patch: Partial<OutboxSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): OutboxSnapshot => this.snapshot;

  private async saveQueue(queue: OutboxItem[]): Promise<void> {
    await set(this.queueKey, queue, this.store);
    this.publish({ queue });
  }

  private async saveSent(sent: SentItem[]): Promise<void> {
    await set(this.sentKey, sent, this.store);
    this.publish({ sent });
  }

  /** Store a new report on the device, then try to send it. Resolves once it is safely stored. */
  async add(body: ReportCreateInput, photo: PendingPhoto | null): Promise<void> {
    await this.ready;
    const item: OutboxItem = { id: body.id, body, queuedAt: new Date().toISOString(), state: 'waiting', attempts: 0, nextAttemptAt: 0, rejection: null, photo };
    await this.saveQueue([...this.snapshot.queue.filter((q) => q.id !== item.id), item]);
    void this.flush(true);
  }

  /** The reporter gives up on a refused report (only refused ones can be removed). */
  async discard(id: string): Promise<void> {
    await this.ready;
    await this.saveQueue(this.snapshot.queue.filter((q) => !(q.id === id && q.state === 'rejected')));
  }

  /**
   * Send what is due. `force` ignores the backoff (app start, back online, "Kirim sekarang").
   * One flush at a time; a request for another while one runs is remembered.
   */
  async flush(force = false): Promise<void> {
    await this.ready;
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    window.clearTimeout(this.timer);
    try {
      for (const item of [...this.snapshot.queue]) {
        if (item.state !== 'waiting') continue;
        if (!force && item.nextAttemptAt > Date.now()) continue;
        if (!navigator.onLine) break;
        this.publish({ sending: new Set([...this.snapshot.sending, item.id]) });
        try {
          const receipt = await reportsApi.create(item.body);
          // remember the receipt before the item leaves the queue: a crash between the two resends (harmless), never loses
          const sentItem: SentItem = {
            id: item.id,
            title: item.body.title,
            category: item.body.category,
            severity: item.body.severity,
            regionCode: item.body.regionCode,
            queuedAt: item.queuedAt,
            acceptedAt: new Date().toISOString(),
            receiptCode: receipt.receiptCode,
            photo: item.photo,
            photoError: null,
          };
          await this.saveSent([sentItem, ...this.snapshot.sent.filter((s) => s.id !== item.id)].slice(0, SENT_KEPT));
          await this.saveQueue(this.snapshot.queue.filter((q) => q.id !== item.id));
        } catch (error) {
          const current = this.snapshot.queue.find((q) => q.id === item.id);
          if (!current) continue;
          const next: OutboxItem = isFinalRejection(error)
            ? { ...current, state: 'rejected', rejection: { message: error.message, fields: error.fields } }
            : { ...current, attempts: current.attempts + 1, nextAttemptAt: Date.now() + retryDelay(current.attempts + 1) };
          await this.saveQueue(this.snapshot.queue.map((q) => (q.id === item.id ? next : q)));
          if (error instanceof ApiError && error.code === 'network') break; // no signal: the rest would fail too
        } finally {
          const sending = new Set(this.snapshot.sending);
          sending.delete(item.id);
          this.publish({ sending });
        }
      }
      await this.uploadPhotos();
    } finally {
      this.flushing = false;
      this.schedule();
      if (this.again) {
        this.again = false;
        void this.flush(true);
      }
    }
  }

  /** Photos go after their report is accepted (the attachment needs the stored report). */
  private async uploadPhotos(): Promise<void> {
    for (const item of this.snapshot.sent) {
      if (!item.photo || !navigator.onLine) continue;
      let patch: Partial<SentItem>;
      try {
        await reportsApi.attach(item.id, item.photo.blob, item.photo.name);
        patch = { photo: null, photoError: null };
      } catch (error) {
        if (!isFinalRejection(error)) return; // try again with the next flush
        patch = { photo: null, photoError: errorMessage(error) };
      }
      await this.saveSent(this.snapshot.sent.map((s) => (s.id === item.id ? { ...s, ...patch } : s)));
    }
  }

  private schedule(): void {
    const waiting = this.snapshot.queue.filter((q) => q.state === 'waiting');
    const photos = this.snapshot.sent.some((s) => s.photo);
    if (waiting.length === 0 && !photos) return;
    const due = waiting.length > 0 ? Math.min(...waiting.map((q) => q.nextAttemptAt)) : Date.now() + BASE_DELAY_MS * 10;
    this.timer = window.setTimeout(() => void this.flush(), Math.max(1_000, due - Date.now()));
  }
}

const outboxes = new Map<string, Outbox>();

/** The outbox of one signed-in user on this device (another user's queue is never sent with this session). */
export function outboxFor(userId: string): Outbox {
  let box = outboxes.get(userId);
  if (!box) {
    box = new Outbox(userId);
    outboxes.set(userId, box);
  }
  return box;
}

/**
 * Keep the user's outbox moving while the app is open: on start, when the browser comes back
 * online, and on the retry timer. Mounted once by the shell.
 */
export function useOutboxSender(userId: string): void {
  useEffect(() => {
    const box = outboxFor(userId);
    void box.flush(true);
    const onOnline = () => void box.flush(true);
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [userId]);
}

/** The outbox's current state, re-rendered as items move. */
export function useOutbox(userId: string): OutboxSnapshot & { box: Outbox } {
  const box = outboxFor(userId);
  const snapshot = useSyncExternalStore(box.subscribe, box.getSnapshot);
  return { ...snapshot, box };
}

/** navigator.onLine, kept current. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}
