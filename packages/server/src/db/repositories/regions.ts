import type { DbHandle } from '../client.js';
import type { RegionRow } from '../../regions/region-store.js';

const CHUNK = 12_000;

/**
 * Insert or update regions in chunks of one statement each (unnest of arrays: fast on both
 * drivers). On PostgreSQL the chunks go in parallel over the pool; PGlite has one connection.
 */
export async function upsertRegions(
  handle: DbHandle,
  rows: readonly RegionRow[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const chunks: RegionRow[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) chunks.push(rows.slice(i, i + CHUNK));
  let done = 0;
  await forEachConcurrently(chunks, handle.pool ? 4 : 1, async (chunk) => {
    await handle.query(
      `INSERT INTO regions (code, parent_code, level, name, province_code)
       SELECT code, parent_code, level, name, left(code, 2)
       FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[]) AS t(code, parent_code, level, name)
       ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, level = EXCLUDED.level, name = EXCLUDED.name`,
      [chunk.map((r) => r.code), chunk.map((r) => r.parent_code), chunk.map((r) => r.level), chunk.map((r) => r.name)],
    );
    done += chunk.length;
    onProgress?.(done, rows.length);
  });
}

/** Run `work` over the items with at most `limit` in flight. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** Every region, for the in-memory store. */
export async function findAllRegions(handle: DbHandle): Promise<RegionRow[]> {
  return handle.query<RegionRow>('SELECT code, parent_code, level, name FROM regions');
}

export async function countRegions(handle: DbHandle): Promise<number> {
  const [row] = await handle.query<{ n: number | string }>('SELECT count(*)::int AS n FROM regions');
  return Number(row?.n ?? 0);
}
