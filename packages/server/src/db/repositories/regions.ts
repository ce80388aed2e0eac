import type { DbHandle } from '../client.js';
import type { RegionRow } from '../../regions/region-store.js';

const CHUNK = 20_000;

/** Insert or update regions in chunks of one statement each (unnest of arrays: fast on both drivers). */
export async function upsertRegions(
  handle: DbHandle,
  rows: readonly RegionRow[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await handle.query(
      `INSERT INTO regions (code, parent_code, level, name, province_code)
       SELECT code, parent_code, level, name, left(code, 2)
       FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[]) AS t(code, parent_code, level, name)
       ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, level = EXCLUDED.level, name = EXCLUDED.name`,
      [chunk.map((r) => r.code), chunk.map((r) => r.parent_code), chunk.map((r) => r.level), chunk.map((r) => r.name)],
    );
    onProgress?.(Math.min(i + CHUNK, rows.length), rows.length);
  }
}

/** Every region, for the in-memory store. */
export async function findAllRegions(handle: DbHandle): Promise<RegionRow[]> {
  return handle.query<RegionRow>('SELECT code, parent_code, level, name FROM regions');
}

export async function countRegions(handle: DbHandle): Promise<number> {
  const [row] = await handle.query<{ n: number | string }>('SELECT count(*)::int AS n FROM regions');
  return Number(row?.n ?? 0);
}
