import { randomUUID } from 'node:crypto';
import { PILKADA_2024, anchorTemplate, type TRole } from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { getMeta, setMeta } from '../db/repositories/meta.js';
import { findExistingUsernames, insertUsers } from '../db/repositories/users.js';
import type { RegionStore } from '../regions/region-store.js';
import { SYSTEM_ACTOR } from '../services/context.js';
import { hashSecret } from '../services/passwords.js';
import type { ElectionStore } from '../services/elections.service.js';
import type { ReportWriter } from '../services/reports.service.js';
import { insertElection } from '../db/repositories/elections.js';
import { seedDemoReports } from './reports.js';
import { seedDemoSitrep } from './sitrep.js';

/** What the demo seed writes through. */
export interface DemoDeps {
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
  reportWriter: ReportWriter;
}

/** The id of the demo's simulated Pilkada (fixed, so e2e tests and links can name it). */
export const DEMO_ELECTION_ID = '5e4e0000-0000-4000-8000-000000003310';

/**
 * The demo scenario: Kabupaten Klaten (33.10) in a simulated Pilkada. Every capability
 * adds its part here; everything it creates is marked as demo data where it shows.
 * The same functions seed the e2e tests.
 */
export const DEMO_REGENCY = '33.10';
export const DEMO_PROVINCE = '33';
export const DEMO_DISTRICT_NAME = 'Bayat';
export const DEMO_SECOND_DISTRICT_NAME = 'Cawas';

export interface DemoUser {
  username: string;
  fullName: string;
  role: TRole;
  pillarCode: string | null;
  position: string;
  scopes: string[];
}

function districtByName(regions: RegionStore, name: string): string {
  const hit = regions.search(name, [DEMO_REGENCY], 20).find((r) => r.level === 'district' && r.name.toLowerCase() === name.toLowerCase());
  if (!hit) throw new Error(`demo: district ${name} not found under ${DEMO_REGENCY}`);
  return hit.code;
}

/** The demo's people: the Klaten desks of each pillar, the Bayat kecamatan desk and its tiga pilar. */
export function demoUsers(regions: RegionStore): DemoUser[] {
  const bayat = districtByName(regions, DEMO_DISTRICT_NAME);
  const cawas = districtByName(regions, DEMO_SECOND_DISTRICT_NAME);
  const bayatVillages = regions.descendantsAt(bayat, 'village');
  const cawasVillages = regions.descendantsAt(cawas, 'village');
  const firstVillage = bayatVillages[0]!;
  const villageName = (regions.nameOf(firstVillage) ?? 'desa').toLowerCase().replace(/[^a-z0-9]+/g, '');
  const K = DEMO_REGENCY;
  return [
    { username: 'desk.jateng', fullName: 'Desk Kesbangpol Provinsi Jawa Tengah', role: 'province_desk', pillarCode: 'kesbangpol', position: 'Kabid Kewaspadaan Nasional', scopes: [DEMO_PROVINCE] },
    { username: 'kesbangpol.klaten', fullName: 'Sekretariat Kesbangpol Klaten', role: 'regency_desk', pillarCode: 'kesbangpol', position: 'Kepala Kesbangpol', scopes: [K] },
    { username: 'polres.klaten', fullName: 'Ruang Operasi Polres Klaten', role: 'regency_desk', pillarCode: 'polri', position: 'Kabag Ops Polres', scopes: [K] },
    { username: 'kodim.klaten', fullName: 'Staf Intel Kodim 0723/Klaten', role: 'regency_desk', pillarCode: 'tni', position: 'Pasi Intel Kodim', scopes: [K] },
    { username: 'kpu.klaten', fullName: 'KPU Kabupaten Klaten', role: 'regency_desk', pillarCode: 'kpu', position: 'Divisi Teknis', scopes: [K] },
    { username: 'bawaslu.klaten', fullName: 'Bawaslu Kabupaten Klaten', role: 'regency_desk', pillarCode: 'bawaslu', position: 'Koordinator Divisi Penanganan Pelanggaran', scopes: [K] },
    { username: 'bupati.klaten', fullName: 'Bupati Klaten (pemantauan)', role: 'observer', pillarCode: 'pemda', position: 'Bupati', scopes: [K] },
    { username: 'camat.bayat', fullName: 'Camat Bayat', role: 'district_desk', pillarCode: 'pemda', position: 'Camat', scopes: [bayat] },
    { username: 'panwascam.bayat', fullName: 'Panwascam Bayat', role: 'district_desk', pillarCode: 'bawaslu', position: 'Ketua Panwascam', scopes: [bayat] },
    { username: 'kapolsek.bayat', fullName: 'Kapolsek Bayat', role: 'district_desk', pillarCode: 'polri', position: 'Kapolsek', scopes: [bayat] },
    { username: 'bhabin.bayat', fullName: 'Bripka Agus (Bhabinkamtibmas)', role: 'field_officer', pillarCode: 'polri', position: 'Bhabinkamtibmas', scopes: bayatVillages.slice(0, 3) },
    { username: 'babinsa.bayat', fullName: 'Serda Wahyu (Babinsa)', role: 'field_officer', pillarCode: 'tni', position: 'Babinsa', scopes: bayatVillages.slice(0, 2) },
    { username: `kades.${villageName}`, fullName: `Kepala Desa ${regions.nameOf(firstVillage) ?? ''}`.trim(), role: 'field_officer', pillarCode: 'pemda', position: 'Kepala Desa', scopes: [firstVillage] },
    { username: 'bhabin.cawas', fullName: 'Brigpol Dimas (Bhabinkamtibmas)', role: 'field_officer', pillarCode: 'polri', position: 'Bhabinkamtibmas', scopes: cawasVillages.slice(0, 2) },
  ];
}

/** Create the demo users that do not exist yet (idempotent). */
export async function seedDemoUsers(handle: DbHandle, regions: RegionStore, password: string): Promise<DemoUser[]> {
  const wanted = demoUsers(regions);
  const existing = await findExistingUsernames(handle.db, wanted.map((u) => u.username));
  const missing = wanted.filter((u) => !existing.has(u.username));
  if (missing.length === 0) return wanted;
  const passwordHash = await hashSecret(password);
  await handle.db.transaction(async (tx) => {
    const rows = await insertUsers(
      tx,
      missing.map((u) => ({ id: randomUUID(), ...u, passwordHash })),
    );
    await insertAudit(
      tx,
      rows.map((r) => ({ actorId: SYSTEM_ACTOR.id, actorName: 'demo', action: 'user.create', entity: 'user', entityId: r.id, regionCode: r.scopes[0], after: { username: r.username, role: r.role, demo: true } })),
    );
  });
  return wanted;
}

export interface DemoState {
  loadedAt: string;
  regency: string;
  parts: string[];
}

/**
 * The demo's simulated Pilkada for Klaten: Pilkada serentak 2024's calendar shifted so that
 * polling day is three weeks away and today falls in the campaign.
 */
export async function seedDemoElection(deps: DemoDeps, now: Date): Promise<void> {
  if (deps.elections.get(DEMO_ELECTION_ID)) return;
  const stages = anchorTemplate(PILKADA_2024, now, { regionCode: DEMO_REGENCY });
  await deps.handle.db.transaction(async (tx) => {
    await insertElection(
      tx,
      { id: DEMO_ELECTION_ID, kind: 'pilkada', name: 'Pilkada Kabupaten Klaten (simulasi demo)', regionScope: DEMO_REGENCY, template: 'pilkada_2024', simulated: true },
      stages.map((st, i) => ({ electionId: DEMO_ELECTION_ID, code: st.code, name: st.name, nameEn: st.nameEn ?? null, startDate: st.startDate, endDate: st.endDate, weight: st.weight, sortOrder: i + 1 })),
    );
    await insertAudit(tx, { actorId: SYSTEM_ACTOR.id, actorName: 'demo', action: 'election.create', entity: 'election', entityId: DEMO_ELECTION_ID, regionCode: DEMO_REGENCY, after: { demo: true } });
  });
  await deps.elections.reload();
}

/** Load (or top up) the demo scenario. Each capability appends its seed step here. */
export async function seedDemo(
  deps: DemoDeps,
  options: { password: string; now?: Date; progress?: (m: string) => void },
): Promise<DemoState> {
  const { handle, regions } = deps;
  const now = options.now ?? new Date();
  const progress = options.progress ?? (() => {});
  const previous = await getMeta<DemoState>(handle.db, 'demo');
  const parts = new Set(previous?.parts ?? []);
  if (!parts.has('users')) {
    progress('demo: pengguna Klaten / Klaten users');
    await seedDemoUsers(handle, regions, options.password);
    parts.add('users');
  }
  if (!parts.has('election')) {
    progress('demo: Pilkada simulasi / simulated Pilkada');
    await seedDemoElection(deps, now);
    parts.add('election');
  }
  if (!parts.has('reports')) {
    progress('demo: laporan deteksi dini Klaten / Klaten early-detection reports');
    const election = deps.elections.get(DEMO_ELECTION_ID);
    const first = election?.stages.map((st) => st.startDate).sort()[0];
    if (!first) throw new Error('demo: the simulated Pilkada has no stages');
    await seedDemoReports(deps, { now, electionStart: new Date(`${first}T00:00:00+07:00`), districtNames: { bayat: DEMO_DISTRICT_NAME } });
    parts.add('reports');
  }
  if (!parts.has('sitrep')) {
    progress('demo: laporan situasi harian Klaten / Klaten daily situation report');
    await seedDemoSitrep(deps, DEMO_REGENCY, now);
    parts.add('sitrep');
  }
  const state: DemoState = { loadedAt: previous?.loadedAt ?? now.toISOString(), regency: DEMO_REGENCY, parts: [...parts] };
  await setMeta(handle.db, 'demo', state);
  return state;
}

export async function demoState(handle: DbHandle): Promise<DemoState | null> {
  return getMeta<DemoState>(handle.db, 'demo');
}
