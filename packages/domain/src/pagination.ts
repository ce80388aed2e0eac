import { z } from 'zod';

/** The shape every list answers with: a page of items and the cursor of the next page, or null at the end. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Query fields every cursor-paginated list accepts. */
export const ZPageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Encode a keyset position (e.g. [createdAt, id]) as an opaque cursor. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return base64UrlEncode(JSON.stringify(position));
}

/** Decode a cursor made by encodeCursor; null when it is not one. */
export function decodeCursor(cursor: string): (string | number)[] | null {
  try {
    const value: unknown = JSON.parse(base64UrlDecode(cursor));
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value;
    return null;
  } catch {
    return null;
  }
}

function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
