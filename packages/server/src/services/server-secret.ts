import { createHmac, randomBytes } from 'node:crypto';
import type { DbHandle } from '../db/client.js';
import { getMeta } from '../db/repositories/meta.js';
import { insertMetaIfAbsent } from '../db/repositories/public.js';

const META_KEY = 'server_secret';

/**
 * The server secret: SINERGI_SECRET when set, otherwise one generated at first start and kept
 * in app_meta, so a restart and every other instance on the same database share it. Whoever
 * inserts first wins; the others read that value.
 */
export async function resolveServerSecret(handle: DbHandle, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const stored = await getMeta<string>(handle.db, META_KEY);
  if (stored) return stored;
  return insertMetaIfAbsent(handle.db, META_KEY, randomBytes(32).toString('base64url'));
}

/** A key for one purpose, derived from the server secret (a leak of one key does not reveal the others). */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`sinergi:${purpose}`).digest();
}
