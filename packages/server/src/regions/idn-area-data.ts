import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RegionRow } from './region-store.js';

/**
 * Reads the Kemendagri region CSVs shipped in the npm package idn-area-data. Its JS entry
 * point declares Node >= 22, so we read the data files directly (works on Node 20).
 */
export function findIdnAreaDataDir(): string {
  const require = createRequire(import.meta.url);
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(require.resolve('idn-area-data')), '..', 'data'));
  } catch {
    /* ESM-only entry: fall back to walking up */
  }
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 8; i++) {
    candidates.push(path.join(dir, 'node_modules', 'idn-area-data', 'data'));
    dir = path.dirname(dir);
  }
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'villages.csv')));
  if (!found) throw new Error('idn-area-data is not installed: run npm install');
  return found;
}

const FILES = [
  { file: 'provinces.csv', level: 1, parent: null },
  { file: 'regencies.csv', level: 2, parent: 'province_code' },
  { file: 'districts.csv', level: 3, parent: 'regency_code' },
  { file: 'villages.csv', level: 4, parent: 'district_code' },
] as const;

/** All regions, provinces first, each with its parent code. */
export function readIdnAreaData(dataDir = findIdnAreaDataDir()): RegionRow[] {
  const rows: RegionRow[] = [];
  for (const { file, level, parent } of FILES) {
    const records = parse(fs.readFileSync(path.join(dataDir, file)), { columns: true, skip_empty_lines: true, trim: true }) as Record<
      string,
      string
    >[];
    for (const r of records) {
      const code = r.code;
      const name = r.name;
      if (!code || !name) throw new Error(`${file}: row without code or name`);
      rows.push({ code, name, level, parent_code: parent ? (r[parent] ?? null) : null });
    }
  }
  return rows;
}

/** The installed idn-area-data version, e.g. `idn-area-data@4.0.1`: identifies the region data. */
export function idnAreaDataSource(dataDir = findIdnAreaDataDir()): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(dataDir, '..', 'package.json'), 'utf8')) as { version?: string };
  return `idn-area-data@${pkg.version ?? 'unknown'}`;
}
