import { addDays, localDateOf, type TRole } from '@sinergi/domain';
import { findUserByUsername } from '../db/repositories/users.js';
import type { Actor, RequestContext } from '../services/context.js';
import { approveSitrep, createSitrep, submitSitrepSection, type SitrepDeps } from '../services/sitreps.service.js';
import type { DemoDeps } from './index.js';

/** What each Klaten desk writes in its section of the demo's situation report (clearly demo text). */
const SECTION_TEXT: Record<string, { username: string; body: string }> = {
  polri: {
    username: 'polres.klaten',
    body: '[DATA DEMO] Situasi kamtibmas di wilayah hukum Polres Klaten aman dan terkendali. Patroli dialogis di 26 kecamatan; Bhabinkamtibmas menindaklanjuti laporan pembagian amplop di Kecamatan Bayat bersama Panwascam.',
  },
  tni: {
    username: 'kodim.klaten',
    body: '[DATA DEMO] Babinsa melaksanakan komunikasi sosial di desa binaan; tidak ditemukan potensi gangguan yang memerlukan pengerahan satuan. Koramil siaga mendukung Polres.',
  },
  kesbangpol: {
    username: 'kesbangpol.klaten',
    body: '[DATA DEMO] FKDM melaporkan suasana kondusif; tokoh agama dan ormas mengimbau warga menolak politik uang. Rakor Forkopimda dijadwalkan membahas kerawanan di Bayat.',
  },
  kpu: {
    username: 'kpu.klaten',
    body: '[DATA DEMO] Tahapan kampanye berjalan sesuai jadwal. Distribusi logistik tahap pertama ke PPK selesai; tidak ada laporan kekurangan atau kerusakan.',
  },
  bawaslu: {
    username: 'bawaslu.klaten',
    body: '[DATA DEMO] Dugaan politik uang di Bayat dalam kajian awal bersama Sentra Gakkumdu; pengawasan kampanye di fasilitas negara ditingkatkan.',
  },
};

async function contextOf(deps: DemoDeps, username: string, now: Date): Promise<RequestContext> {
  const u = await findUserByUsername(deps.handle.db, username);
  if (!u) throw new Error(`demo: user ${username} missing (seed users first)`);
  const actor: Actor = { id: u.id, username: u.username, fullName: u.fullName, role: u.role as TRole, scopes: u.scopes, pillarCode: u.pillarCode };
  return { actor, ip: null, now };
}

/**
 * Yesterday's situation report of Klaten (in WIB), written through the same services a desk
 * uses: each pillar desk submits its section, the Kesbangpol desk approves it. Marked demo data
 * (the PDF carries a DATA DEMO watermark). Idempotent: an existing report of that day is kept.
 */
export async function seedDemoSitrep(deps: DemoDeps, regency: string, now: Date): Promise<string> {
  const sitrepDeps: SitrepDeps = { handle: deps.handle, regions: deps.regions, elections: deps.elections, isDemo: true };
  const date = addDays(localDateOf(now, regency), -1);
  const kesbang = await contextOf(deps, 'kesbangpol.klaten', now);
  let { sitrep } = await createSitrep(sitrepDeps, kesbang, { regionCode: regency, date });
  if (sitrep.status !== 'draft') return sitrep.id;
  for (const section of sitrep.sections) {
    if (section.status === 'submitted') continue;
    const text = SECTION_TEXT[section.pillarCode];
    if (!text) continue;
    sitrep = await submitSitrepSection(sitrepDeps, await contextOf(deps, text.username, now), sitrep.id, section.code, { body: text.body, version: section.version });
  }
  if (sitrep.sections.every((s) => s.status === 'submitted')) sitrep = await approveSitrep(sitrepDeps, kesbang, sitrep.id, { version: sitrep.version });
  return sitrep.id;
}
