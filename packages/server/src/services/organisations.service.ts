import type { DbHandle } from '../db/client.js';
import { forEachConcurrently } from '../db/repositories/regions.js';
import type { RegionStore } from '../regions/region-store.js';

/**
 * Default handling desks per pillar/agency and region level, named the way the field names
 * them ("Polres Klaten", "Panwascam Bayat"). They are plain rows in `organisations`, so the
 * pillars registry (a later issue) can rename, add or retire them.
 */
type Level = 'province' | 'regency' | 'district';
const NAMES: Record<string, Partial<Record<Level, (name: string) => string>>> = {
  polri: { province: (n) => `Polda ${n}`, regency: (n) => `Polres ${short(n)}`, district: (n) => `Polsek ${n}` },
  tni: { province: (n) => `Korem/Kodam wilayah ${n}`, regency: (n) => `Kodim ${short(n)}`, district: (n) => `Koramil ${n}` },
  pemda: { province: (n) => `Pemerintah Provinsi ${n}`, regency: (n) => `Pemerintah ${n}`, district: (n) => `Kecamatan ${n}` },
  kpu: { province: (n) => `KPU Provinsi ${n}`, regency: (n) => `KPU ${n}`, district: (n) => `PPK ${n}` },
  bawaslu: { province: (n) => `Bawaslu Provinsi ${n}`, regency: (n) => `Bawaslu ${n}`, district: (n) => `Panwascam ${n}` },
  kesbangpol: { province: (n) => `Kesbangpol Provinsi ${n}`, regency: (n) => `Kesbangpol ${n}` },
  kominfo: { province: (n) => `Diskominfo Provinsi ${n}`, regency: (n) => `Diskominfo ${n}` },
  bkn: { province: (n) => `Kantor Regional BKN (${n})` },
  kejaksaan: { province: (n) => `Kejati ${n}`, regency: (n) => `Kejari ${short(n)}` },
  bpbd: { province: (n) => `BPBD Provinsi ${n}`, regency: (n) => `BPBD ${n}` },
  dkpp: { province: (n) => `DKPP (wilayah ${n})` },
};

const LEVEL_NUMBER: Record<Level, number> = { province: 1, regency: 2, district: 3 };

function short(regencyName: string): string {
  return regencyName.replace(/^Kabupaten\s+/i, '').replace(/^Kota\s+/i, 'Kota ');
}

export interface OrganisationSeed {
  id: string;
  pillarCode: string;
  regionCode: string;
  level: number;
  name: string;
}

/** The default desks for every province, regency and district of the tree. */
export function defaultOrganisations(regions: RegionStore, pillarCodes: readonly string[]): OrganisationSeed[] {
  const out: OrganisationSeed[] = [];
  const levels: Level[] = ['province', 'regency', 'district'];
  for (const province of regions.children(null, ['*'])) {
    const visit = (code: string, level: Level) => {
      const name = regions.nameOf(code) ?? code;
      for (const pillar of pillarCodes) {
        const make = NAMES[pillar]?.[level];
        if (make) out.push({ id: `${pillar}:${code}`, pillarCode: pillar, regionCode: code, level: LEVEL_NUMBER[level], name: make(name) });
      }
      const next = levels[levels.indexOf(level) + 1];
      if (next) for (const child of regions.children(code, ['*'])) visit(child.code, next);
    };
    visit(province.code, 'province');
  }
  return out;
}

/** Insert the default desks that do not exist yet (idempotent; existing rows are left as edited). */
export async function ensureOrganisations(handle: DbHandle, regions: RegionStore): Promise<number> {
  const [row] = await handle.query<{ n: number | string }>('SELECT count(*)::int AS n FROM organisations');
  if (Number(row?.n ?? 0) > 0) return 0;
  const pillars = (await handle.query<{ code: string }>('SELECT code FROM pillars')).map((p) => p.code);
  const seeds = defaultOrganisations(regions, pillars);
  const chunks: OrganisationSeed[][] = [];
  for (let i = 0; i < seeds.length; i += 10_000) chunks.push(seeds.slice(i, i + 10_000));
  await forEachConcurrently(chunks, handle.pool ? 4 : 1, async (chunk) => {
    await handle.query(
      `INSERT INTO organisations (id, pillar_code, region_code, level, name, province_code)
       SELECT id, pillar_code, region_code, level, name, left(region_code, 2)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::text[]) AS t(id, pillar_code, region_code, level, name)
       ON CONFLICT (id) DO NOTHING`,
      [chunk.map((s) => s.id), chunk.map((s) => s.pillarCode), chunk.map((s) => s.regionCode), chunk.map((s) => s.level), chunk.map((s) => s.name)],
    );
  });
  return seeds.length;
}
