import type { ServerResponse } from 'node:http';
import { NATIONAL_SCOPE, isInScope, type TStreamEvent } from '@sinergi/domain';
import pg from 'pg';
import type { DbHandle } from '../db/client.js';
import { NOTIFICATION_CHANNEL, OUTBOX_CHANNEL } from './delivery.service.js';

/** One open GET /api/stream response. */
export interface StreamClient {
  userId: string;
  scopes: readonly string[];
  response: ServerResponse;
}

/** Is an event about `regionCode` visible to a user of these scopes? A region-less event: national scope only. */
export function isEventVisible(regionCode: string | null, scopes: readonly string[]): boolean {
  return regionCode ? isInScope(regionCode, scopes) : scopes.includes(NATIONAL_SCOPE);
}

/** The SSE frame of one outbox event. */
export function formatChangeEvent(event: TStreamEvent): string {
  return `id: ${event.id}\nevent: change\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The payload fields a change event carries (what a dashboard filters on); a title or a reason stays out. */
const STREAM_DATA_KEYS = ['reportId', 'alertId', 'sitrepId', 'incidentId', 'severity', 'category', 'status', 'level', 'action', 'source'] as const;

/** The change event of an outbox row: its scalar payload fields of STREAM_DATA_KEYS only. */
export function streamEventOf(row: { id: number; provinceCode: string; topic: string; regionCode: string | null; createdAt: Date; payload: Record<string, unknown> }): TStreamEvent {
  const data: TStreamEvent['data'] = {};
  for (const key of STREAM_DATA_KEYS) {
    const value = row.payload[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') data[key] = value;
  }
  return { id: row.id, provinceCode: row.provinceCode, topic: row.topic, regionCode: row.regionCode, at: row.createdAt.toISOString(), data };
}

/** A NOTIFY payload must stay under 8000 bytes; an announcement is filled up to this. */
const NOTICE_BYTES = 7900;

/**
 * Outbox rows' announcements on the outbox channel (read back by parseOutboxNotices): JSON
 * arrays of compact events, each array at most NOTICE_BYTES. An event too big on its own (long
 * string fields) travels without its time and data, so a listener still learns of the row.
 */
export function formatOutboxNotices(events: readonly TStreamEvent[]): string[] {
  const notices: string[] = [];
  let pending: string[] = [];
  let bytes = 2; // the brackets
  for (const e of events) {
    let message = JSON.stringify({ id: e.id, p: e.provinceCode, t: e.topic, r: e.regionCode, at: e.at, d: e.data });
    let size = Buffer.byteLength(message);
    if (size > NOTICE_BYTES - 2) {
      message = JSON.stringify({ id: e.id, p: e.provinceCode, t: e.topic, r: e.regionCode });
      size = Buffer.byteLength(message);
    }
    if (pending.length > 0 && bytes + 1 + size > NOTICE_BYTES) {
      notices.push(`[${pending.join(',')}]`);
      pending = [];
      bytes = 2;
    }
    bytes += (pending.length > 0 ? 1 : 0) + size;
    pending.push(message);
  }
  if (pending.length > 0) notices.push(`[${pending.join(',')}]`);
  return notices;
}

/** One event of an outbox announcement (NOTIFY payload) as a stream event; null when malformed. */
function toStreamEvent(raw: { id?: unknown; p?: unknown; t?: unknown; r?: unknown; at?: unknown; d?: unknown } | null): TStreamEvent | null {
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'number' || typeof raw.p !== 'string' || typeof raw.t !== 'string') return null;
  return {
    id: raw.id,
    provinceCode: raw.p,
    topic: raw.t,
    regionCode: typeof raw.r === 'string' ? raw.r : null,
    at: typeof raw.at === 'string' ? raw.at : null,
    data: raw.d && typeof raw.d === 'object' ? (raw.d as TStreamEvent['data']) : {},
  };
}

/**
 * Parse an outbox announcement (NOTIFY payload) into stream events: a JSON array of rows (the
 * dispatcher's, formatOutboxNotices; before migration 0017 the outbox trigger's), or one row's
 * object (0007, an instance not yet upgraded); malformed entries are dropped.
 */
export function parseOutboxNotices(payload: string): TStreamEvent[] {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return [];
  }
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item) => toStreamEvent(item as Parameters<typeof toStreamEvent>[0])).filter((e): e is TStreamEvent => e !== null);
}

/**
 * Live events of this instance: one LISTEN on the database (PGlite's listen API, or one
 * dedicated node-postgres client that reconnects), fanned out to the open SSE responses,
 * each getting only the events inside its user's scope. Every instance on the database hears
 * every outbox row once some dispatcher has claimed it (the claim announces it), so it does
 * not matter which instance a change was written through.
 */
export class LiveEvents {
  private readonly clients = new Set<StreamClient>();
  private pgClient: pg.Client | null = null;
  private unlisten: (() => Promise<void>)[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** True while this instance is subscribed to the database's notifications. */
  listening = false;

  constructor(
    private readonly handle: DbHandle,
    private readonly log: { warn(obj: object, msg: string): void; info?(msg: string): void },
    private readonly options: { heartbeatMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    this.heartbeat = setInterval(() => this.broadcastRaw(': heartbeat\n\n'), this.options.heartbeatMs ?? 20_000);
    this.heartbeat.unref();
    if (this.handle.pglite) {
      const pglite = this.handle.pglite;
      this.unlisten.push(await pglite.listen(OUTBOX_CHANNEL, (payload) => this.onOutbox(payload)));
      this.unlisten.push(await pglite.listen(NOTIFICATION_CHANNEL, (payload) => this.onNotification(payload)));
      this.listening = true;
      return;
    }
    await this.connect(0);
  }

  /** node-postgres: a client of its own (a pooled one would be handed to queries), reconnecting with back-off. */
  private async connect(failures: number): Promise<void> {
    if (this.closed || !this.handle.pool) return;
    const options = (this.handle.pool as unknown as { options: pg.ClientConfig }).options;
    const client = new pg.Client({ connectionString: options.connectionString, ...(options.host ? { host: options.host } : {}) });
    const retry = (error: unknown) => {
      if (this.pgClient !== client) return;
      this.pgClient = null;
      this.listening = false;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.log.warn({ err: error }, 'live events: database listener lost, reconnecting');
      const delay = Math.min(30_000, 500 * 2 ** failures);
      this.reconnectTimer = setTimeout(() => void this.connect(failures + 1), delay);
      this.reconnectTimer.unref();
    };
    this.pgClient = client;
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) this.onOutbox(message.payload ?? '');
      else if (message.channel === NOTIFICATION_CHANNEL) this.onNotification(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      await client.query(`LISTEN ${NOTIFICATION_CHANNEL}`);
      this.listening = true;
    } catch (error) {
      retry(error);
    }
  }

  add(client: StreamClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get size(): number {
    return this.clients.size;
  }

  private onOutbox(payload: string): void {
    if (this.clients.size === 0) return;
    for (const event of parseOutboxNotices(payload)) {
      const frame = formatChangeEvent(event);
      for (const client of this.clients) {
        if (isEventVisible(event.regionCode, client.scopes)) client.response.write(frame);
      }
    }
  }

  private onNotification(payload: string): void {
    let users: string[] = [];
    let topic = '';
    try {
      const raw = JSON.parse(payload) as { u?: unknown; t?: unknown };
      users = Array.isArray(raw.u) ? raw.u.filter((u): u is string => typeof u === 'string') : [];
      topic = typeof raw.t === 'string' ? raw.t : '';
    } catch {
      return;
    }
    if (users.length === 0 || this.clients.size === 0) return;
    const wanted = new Set(users);
    const frame = `event: notification\ndata: ${JSON.stringify({ topic })}\n\n`;
    for (const client of this.clients) if (wanted.has(client.userId)) client.response.write(frame);
  }

  private broadcastRaw(frame: string): void {
    for (const client of this.clients) client.response.write(frame);
  }

  /** End every stream (before the HTTP server closes) and stop listening. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    for (const stop of this.unlisten) await stop().catch(() => undefined);
    this.unlisten = [];
    const client = this.pgClient;
    this.pgClient = null;
    this.listening = false;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
