import type { DbHandle } from '../db/client.js';
import type { SessionRow } from '../db/repositories/sessions.js';
import type { UserRow } from '../db/repositories/users.js';
import type { Actor } from './context.js';

/**
 * How long a resolved session may be reused without asking the database. Changes made by
 * this process drop the affected entries at once (see forgetUserSessions); changes made by
 * another process — the CLI, or another server instance on the same PostgreSQL — take effect
 * within this time.
 */
export const SESSION_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

export interface CachedSession {
  actor: Actor;
  user: UserRow;
  session: SessionRow;
}

interface Entry extends CachedSession {
  /** performance.now() after which the entry must be read again from the database. */
  freshUntil: number;
}

interface Cache {
  entries: Map<string, Entry>;
  /** Bumped on every invalidation: a lookup that started before it must not fill the cache. */
  generation: number;
}

// One cache per open database, so two apps in one process (tests) never share entries.
const caches = new WeakMap<DbHandle, Cache>();

function cacheOf(handle: DbHandle): Cache {
  let cache = caches.get(handle);
  if (!cache) {
    cache = { entries: new Map(), generation: 0 };
    caches.set(handle, cache);
  }
  return cache;
}

/** A fresh cached session for a token id, or undefined. */
export function cachedSession(handle: DbHandle, sessionId: string): CachedSession | undefined {
  const cache = caches.get(handle);
  const entry = cache?.entries.get(sessionId);
  if (!entry) return undefined;
  if (entry.freshUntil < performance.now()) {
    cache!.entries.delete(sessionId);
    return undefined;
  }
  return entry;
}

/** The generation to pass to rememberSession once the database lookup is done. */
export function sessionCacheGeneration(handle: DbHandle): number {
  return cacheOf(handle).generation;
}

/** Keep a session read from the database, unless something was invalidated meanwhile. */
export function rememberSession(handle: DbHandle, sessionId: string, value: CachedSession, generation: number): void {
  const cache = cacheOf(handle);
  if (cache.generation !== generation) return;
  if (cache.entries.size >= MAX_ENTRIES) {
    const now = performance.now();
    for (const [id, entry] of cache.entries) if (entry.freshUntil < now) cache.entries.delete(id);
    if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
  }
  cache.entries.set(sessionId, { ...value, freshUntil: performance.now() + SESSION_CACHE_TTL_MS });
}

/** Drop one session (logout). Call after the change has committed. */
export function forgetSession(handle: DbHandle, sessionId: string): void {
  const cache = cacheOf(handle);
  cache.generation += 1;
  cache.entries.delete(sessionId);
}

/** Drop every session of a user (profile, scope, role, password or disabled state changed). Call after commit. */
export function forgetUserSessions(handle: DbHandle, userId: string): void {
  const cache = cacheOf(handle);
  cache.generation += 1;
  for (const [id, entry] of cache.entries) if (entry.user.id === userId) cache.entries.delete(id);
}
