import { createHmac } from 'node:crypto';
import {
  CATEGORIES,
  DEFAULT_SLA,
  defaultHandlerOf,
  nextEscalationLevel,
  nextStatus,
  regionCodeAtLevel,
  type TCategoryCode,
  type TEscalationLevel,
  type TReportAction,
  type TReportActionBody,
  type TReportStatus,
  type TRole,
  type TSeverity,
} from '@sinergi/domain';
import type { Database, Executor } from '../db/client.js';
import { insertAudit, type AuditEntry } from '../db/repositories/audit.js';
import { findDemoOrganisations, settleDemoReports, type DemoSettledReport } from '../db/repositories/demo.js';
import { findInboundChannel, insertInboundChannel } from '../db/repositories/inbound.js';
import { findReportsByIds, insertReportEvents, type NewReportEventRow } from '../db/repositories/reports.js';
import { findUserByUsername } from '../db/repositories/users.js';
import type { RegionStore } from '../regions/region-store.js';
import { SYSTEM_ACTOR, type Actor, type RequestContext } from '../services/context.js';
import { receiveInbound } from '../services/inbound.service.js';
import { createIncident } from '../services/incidents.service.js';
import { applyReportAction, createPublicReport, createReport, escalateOverdueReports, type ReportsDeps } from '../services/reports.service.js';

/**
 * The demo's reports: a few hundred in Klaten over the simulated Pilkada's stages up to today,
 * written through the same use cases as real ones (the group-committed writer, the workflow, the
 * SLA job, incidents), so every status, escalation and grouping on screen came about the real
 * way. Deterministic: one seeded PRNG decides everything, so e2e tests can count on the numbers.
 * Coordinates are synthetic (a grid over Klaten, not the real villages) and say so.
 */

/** How many reports the demo writes (drafts from inbound messages included). */
export const DEMO_REPORT_TOTAL = 300;
/** The district where politik uang, politik identitas, hoaks and kampanye hitam cluster late in the campaign (journey 4). */
export const DEMO_CLUSTER_DISTRICT_NAME = 'Cawas';
/** Marker at the end of every demo report's description. */
export const DEMO_REPORT_MARK = '[DEMO] Data simulasi Sinergi; koordinat pada peta sintetis, bukan lokasi sebenarnya.';
/** The demo's inbound gateway (its drafts wait on the Kesbangpol desk). */
export const DEMO_INBOUND_CHANNEL_ID = 'demo-wa-klaten';

const SEED = 0x5e4e3310;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DRAFTS = 6;
const INCIDENT_CLUSTERS = 4;
const INCIDENT_SIZE = 3;
const J4_CLUSTER = 36;
const OVERDUE = 5;

/** mulberry32: small, fast, good enough for scenery. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1]![0];
    },
    uuid: () => {
      const b = Array.from({ length: 16 }, () => Math.floor(next() * 256));
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const x = b.map((v) => v.toString(16).padStart(2, '0')).join('');
      return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
    },
  };
}
type Rng = ReturnType<typeof prng>;

// ───────────────────────────── Text ─────────────────────────────

const PASLON = ['paslon nomor urut 1', 'paslon nomor urut 2', 'paslon nomor urut 3'];
const PLACES = ['balai desa', 'pos ronda', 'pasar desa', 'lapangan desa', 'perempatan jalan kabupaten', 'masjid dusun', 'rumah warga di RT 03', 'warung kopi dekat SD'];

/** Per category: [title, description] pairs with {desa}, {kec}, {paslon}, {tempat}, {n} placeholders. */
const TEXTS: Partial<Record<TCategoryCode, [string, string][]>> = {
  politik_uang: [
    ['Pembagian amplop di {tempat} Desa {desa}', 'Warga melaporkan orang yang mengaku tim sukses {paslon} membagikan amplop berisi Rp50.000–Rp100.000 di {tempat}. Sekitar {n} warga menerima; pembagi mencatat nomor KTP.'],
    ['Sembako berstiker {paslon} dibagikan di {desa}', 'Paket beras, minyak goreng dan gula dengan stiker {paslon} dibagikan dari mobil bak terbuka di {tempat}. Warga diminta memilih pada hari pemungutan suara.'],
    ['Janji bantuan perbaikan jalan dengan syarat dukungan', 'Dalam pertemuan di {tempat} Desa {desa}, seorang perantara menjanjikan semenisasi jalan dusun bila {paslon} menang di TPS setempat.'],
    ['Kupon belanja beredar menjelang kampanye akbar', 'Kupon belanja senilai Rp25.000 yang dapat ditukar di warung tertentu beredar di Kecamatan {kec}; kupon bergambar {paslon}.'],
  ],
  politik_identitas: [
    ['Ajakan memilih berdasarkan agama di pengajian {desa}', 'Dalam pengajian di {tempat}, penceramah mengajak jamaah tidak memilih calon yang berbeda keyakinan. Sekitar {n} jamaah hadir.'],
    ['Spanduk "pilih putra daerah asli" di Kecamatan {kec}', 'Spanduk tanpa identitas pemasang dipasang di {tempat}, menyudutkan calon yang dianggap bukan warga asli Klaten.'],
    ['Kampanye terselubung di rumah ibadah Desa {desa}', 'Selebaran {paslon} dibagikan setelah ibadah di {tempat}; takmir menyatakan tidak memberi izin.'],
  ],
  hoaks: [
    ['Pesan berantai: TPS di {kec} dipindah', 'Pesan WhatsApp berantai menyebut TPS di Kecamatan {kec} dipindah ke lokasi lain. KPU belum mengeluarkan pengumuman apa pun.'],
    ['Video lama kerusuhan disebut terjadi di Klaten', 'Video kerusuhan dari daerah lain beredar di grup Facebook dengan keterangan terjadi di Desa {desa} setelah kampanye {paslon}.'],
    ['Kabar bohong surat suara sudah dicoblos', 'Foto surat suara tercoblos beredar dengan narasi logistik di gudang PPK {kec} sudah dimanipulasi. Foto diduga hasil suntingan.'],
    ['Akun anonim sebar kabar calon ditangkap', 'Akun anonim di media sosial menyebarkan kabar bahwa {paslon} ditangkap aparat. Unggahan dibagikan lebih dari {n} kali.'],
  ],
  kampanye_hitam: [
    ['Selebaran fitnah terhadap {paslon} di {desa}', 'Selebaran tanpa identitas berisi tuduhan korupsi terhadap {paslon} diselipkan di pintu rumah warga Desa {desa} pada malam hari.'],
    ['Akun palsu menyebar tuduhan kepada calon', 'Akun media sosial palsu mengunggah tangkapan layar percakapan rekayasa yang menyudutkan {paslon}; warga Kecamatan {kec} ikut menyebarkan.'],
    ['Pamflet menyerang keluarga calon di {tempat}', 'Pamflet berisi tuduhan terhadap keluarga {paslon} ditempel di {tempat} Desa {desa}.'],
  ],
  netralitas_asn: [
    ['ASN hadir dan berfoto dalam kampanye {paslon}', 'Seorang ASN di lingkungan Pemkab terlihat mengenakan atribut {paslon} dan berfoto dengan pose jari dalam kampanye di {tempat}.'],
    ['Guru ASN unggah dukungan calon di media sosial', 'Guru berstatus ASN di Kecamatan {kec} mengunggah ajakan memilih {paslon} di akun pribadinya.'],
  ],
  netralitas_tni_polri: [['Oknum aparat terlihat di posko pemenangan', 'Warga melihat seorang yang dikenal sebagai anggota aparat berada di posko pemenangan {paslon} di Desa {desa} dengan pakaian sipil.']],
  netralitas_kades: [
    ['Kepala desa mengarahkan warga mendukung {paslon}', 'Dalam musyawarah dusun di {tempat}, kepala desa {desa} meminta warga mendukung {paslon} dan mengaitkannya dengan bantuan desa.'],
    ['Perangkat desa {desa} ikut membagikan atribut calon', 'Dua perangkat desa membagikan kaos dan stiker {paslon} saat jam kerja di {tempat}.'],
  ],
  netralitas_penyelenggara: [['Anggota PPS diduga aktif di grup pemenangan', 'Seorang anggota PPS Desa {desa} tercatat sebagai admin grup WhatsApp pemenangan {paslon}.']],
  intimidasi_kekerasan: [
    ['Warga diancam karena memasang baliho {paslon}', 'Pemilik rumah di Desa {desa} didatangi sekelompok orang yang memintanya mencopot baliho {paslon} dengan nada ancaman.'],
    ['Pemukulan terhadap relawan di {tempat}', 'Seorang relawan {paslon} dipukul oleh orang tak dikenal saat memasang APK di {tempat}; korban dibawa ke puskesmas.'],
  ],
  konflik_sosial: [
    ['Ketegangan antarpendukung setelah kampanye di {kec}', 'Dua kelompok pendukung saling ejek dan nyaris bentrok di {tempat} setelah kampanye terbuka. Sekitar {n} orang berkerumun sebelum dibubarkan.'],
    ['Konvoi pendukung dihadang warga Desa {desa}', 'Konvoi sepeda motor pendukung {paslon} dihadang warga yang keberatan dengan knalpot brong; situasi memanas.'],
  ],
  provokasi_sara: [['Unggahan bernada kebencian antarkelompok', 'Unggahan di grup Facebook warga Kecamatan {kec} berisi ujaran kebencian terhadap kelompok etnis tertentu, dikaitkan dengan dukungan pada {paslon}.']],
  perusakan_apk: [
    ['Baliho {paslon} dirobek di {tempat}', 'Baliho {paslon} di {tempat} Desa {desa} ditemukan robek dan sebagian dibakar pagi hari.'],
    ['APK dicopot paksa di sepanjang jalan {kec}', 'Sekitar {n} bendera dan spanduk {paslon} di jalan utama Kecamatan {kec} dicopot oleh orang tak dikenal.'],
  ],
  fasilitas_negara: [
    ['Kampanye di gedung sekolah Desa {desa}', 'Pertemuan tim {paslon} digelar di ruang kelas SD negeri di Desa {desa} pada hari libur tanpa izin.'],
    ['Mobil dinas dipakai mengangkut atribut kampanye', 'Mobil berpelat merah terlihat mengangkut kardus kaos {paslon} di Kecamatan {kec}.'],
  ],
  logistik: [['Kotak suara di gudang PPK {kec} rusak', 'Saat pengecekan gudang PPK {kec}, sekitar {n} kotak suara karton ditemukan basah dan rusak karena atap bocor.']],
  bencana_gangguan: [
    ['Banjir merendam jalan menuju lokasi TPS di {desa}', 'Hujan deras membuat jalan dusun di Desa {desa} tergenang; akses ke beberapa calon lokasi TPS terganggu.'],
    ['Sinyal internet hilang di sebagian Kecamatan {kec}', 'Gangguan jaringan seluler sejak siang membuat laporan petugas dari Kecamatan {kec} tertunda.'],
  ],
};

const OUTCOMES: Partial<Record<TCategoryCode, string[]>> = {
  politik_uang: ['Temuan diteruskan ke Sentra Gakkumdu; dua saksi dimintai keterangan dan barang bukti amplop diamankan.', 'Klarifikasi Panwascam: tidak cukup bukti; pengawasan di desa diperketat menjelang masa tenang.'],
  hoaks: ['Diskominfo menerbitkan klarifikasi resmi dan meminta platform menurunkan konten; tautan sudah tidak dapat diakses.', 'KPU mengumumkan lokasi TPS resmi melalui akun resmi dan grup desa.'],
  kampanye_hitam: ['Bawaslu mengirim surat teguran kepada tim kampanye; selebaran dikumpulkan bersama Linmas.'],
  perusakan_apk: ['Pelaku diketahui dan dimediasi di Polsek; APK diganti oleh tim kampanye.', 'Olah TKP oleh Polsek; patroli malam ditambah di lokasi.'],
  intimidasi_kekerasan: ['Polsek menerima laporan polisi; pelaku dipanggil dan korban didampingi Bhabinkamtibmas.'],
  konflik_sosial: ['Mediasi oleh camat, Kapolsek dan Danramil bersama tokoh masyarakat; kedua kelompok sepakat menjaga kondusivitas.'],
  netralitas_asn: ['Rekomendasi Bawaslu diteruskan ke BKN; PPK instansi menjatuhkan teguran tertulis.'],
  netralitas_kades: ['Bawaslu meneruskan ke Bupati melalui Dinas PMD; kepala desa menerima teguran tertulis.'],
  logistik: ['KPU mengganti kotak suara yang rusak dan memperbaiki atap gudang PPK.'],
  bencana_gangguan: ['BPBD menyiapkan jalur alternatif dan perahu karet; KPU menyiapkan lokasi TPS cadangan.'],
};
const DEFAULT_OUTCOME = 'Ditindaklanjuti oleh instansi terkait bersama tiga pilar desa; situasi kondusif.';
const REJECT_REASONS = ['Tidak terbukti setelah dicek bersama PKD dan Bhabinkamtibmas.', 'Laporan ganda dari kejadian yang sama; lihat laporan sebelumnya.', 'Informasi tidak cukup untuk ditindaklanjuti; pelapor tidak dapat dihubungi.', 'Bukan pelanggaran: kegiatan sudah berizin dan sesuai jadwal kampanye.'];
const ESCALATE_REASONS = ['Melibatkan lebih dari satu kecamatan; perlu koordinasi Forkopimda.', 'Potensi bentrok massa; perlu dukungan Polres dan Kodim.', 'Menyangkut penyelenggara tingkat kabupaten.'];

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? k);
}

// ───────────────────────────── Plan ─────────────────────────────

type Fate = 'new' | 'verified' | 'rejected' | 'in_progress' | 'resolved' | 'overdue';
type Source = 'field_officer' | 'public' | 'desk' | 'hotline' | 'media_monitoring' | 'rakor';

interface PlannedReport {
  id: string;
  category: TCategoryCode;
  subcategory: string;
  severity: TSeverity;
  village: string;
  district: string;
  occurredAt: Date;
  createdAt: Date;
  title: string;
  description: string;
  lat: number;
  lon: number;
  source: Source;
  reporter: string | null; // username
  contact?: { name?: string; phone?: string };
  fate: Fate;
  escalate: boolean;
  group: number | null;
}

interface Bits {
  districts: string[];
  bayat: string;
  cluster: string;
  officers: { username: string; villages: string[] }[];
  regencyDesks: string[];
}

const STAGE_CATEGORIES_EARLY: (readonly [TCategoryCode, number])[] = [
  ['netralitas_asn', 4], ['netralitas_kades', 4], ['hoaks', 3], ['politik_uang', 2], ['netralitas_penyelenggara', 2], ['fasilitas_negara', 1], ['bencana_gangguan', 2], ['provokasi_sara', 1],
];
const STAGE_CATEGORIES_CAMPAIGN: (readonly [TCategoryCode, number])[] = [
  ['perusakan_apk', 6], ['politik_uang', 5], ['hoaks', 4], ['kampanye_hitam', 3], ['netralitas_asn', 3], ['netralitas_kades', 3], ['fasilitas_negara', 3], ['konflik_sosial', 2],
  ['intimidasi_kekerasan', 2], ['politik_identitas', 2], ['provokasi_sara', 1], ['netralitas_tni_polri', 1], ['netralitas_penyelenggara', 1], ['logistik', 1], ['bencana_gangguan', 2],
];
const J4_CATEGORIES: (readonly [TCategoryCode, number])[] = [['politik_uang', 4], ['politik_identitas', 2], ['hoaks', 3], ['kampanye_hitam', 3]];

function severityFor(rng: Rng, category: TCategoryCode): TSeverity {
  if (category === 'intimidasi_kekerasan' || category === 'konflik_sosial') return rng.weighted([[2, 3], [3, 5], [4, 2]] as const);
  if (category === 'bencana_gangguan' || category === 'logistik') return rng.weighted([[1, 2], [2, 5], [3, 2]] as const);
  return rng.weighted([[1, 2], [2, 6], [3, 2]] as const);
}

/** A synthetic point: each district a cell of a 6 × 5 grid over Klaten's box, each village jittered inside it. */
function syntheticPoint(rng: Rng, districtIndex: number): { lat: number; lon: number } {
  const col = districtIndex % 6;
  const row = Math.floor(districtIndex / 6);
  const lat = -7.8 + (row + 0.15 + rng.next() * 0.7) * (0.2 / 5);
  const lon = 110.5 + (col + 0.15 + rng.next() * 0.7) * (0.25 / 6);
  return { lat: Math.round(lat * 1e5) / 1e5, lon: Math.round(lon * 1e5) / 1e5 };
}

function planReports(regions: RegionStore, bits: Bits, start: Date, now: Date): PlannedReport[] {
  const rng = prng(SEED);
  const span = now.getTime() - start.getTime() - 2 * HOUR;
  const campaignStart = new Date(now.getTime() - Math.min(span * 0.55, 42 * DAY));
  const out: PlannedReport[] = [];
  const villagesOf = new Map(bits.districts.map((d) => [d, regions.descendantsAt(d, 'village')]));

  const make = (spec: { category?: TCategoryCode; district?: string; village?: string; occurredAt?: Date; source?: Source; reporter?: string | null; fate?: Fate; severity?: TSeverity; group?: number | null }): PlannedReport => {
    const id = rng.uuid();
    const occurredAt = spec.occurredAt ?? new Date(start.getTime() + Math.pow(rng.next(), 0.8) * span);
    const inCampaign = occurredAt >= campaignStart;
    const category = spec.category ?? rng.weighted(inCampaign ? STAGE_CATEGORIES_CAMPAIGN : STAGE_CATEGORIES_EARLY);
    let source = spec.source;
    let reporter = spec.reporter ?? null;
    let village = spec.village;
    let district = spec.district;
    if (!source) {
      source = rng.weighted([['field_officer', 2], ['public', 3], ['desk', 2], ['hotline', 1], ['media_monitoring', category === 'hoaks' || category === 'kampanye_hitam' ? 3 : 1], ['rakor', 1]] as const);
      if (source === 'field_officer' && district && !bits.officers.some((o) => o.villages.some((v) => v.startsWith(`${district}.`)))) source = 'desk';
    }
    if (source === 'field_officer') {
      const candidates = bits.officers.filter((o) => !district || o.villages.some((v) => v.startsWith(`${district}.`)));
      const officer = rng.pick(candidates);
      reporter = officer.username;
      village = village && officer.villages.includes(village) ? village : rng.pick(officer.villages.filter((v) => !district || v.startsWith(`${district}.`)));
      district = village.split('.').slice(0, 3).join('.');
    } else {
      district ??= village ? village.split('.').slice(0, 3).join('.') : rng.weighted(bits.districts.map((d) => [d, d === bits.bayat ? 5 : 1] as const));
      village ??= rng.pick(villagesOf.get(district)!);
      if (source !== 'public') reporter ??= district === bits.bayat ? rng.pick(['camat.bayat', 'panwascam.bayat', 'kapolsek.bayat']) : rng.pick(bits.regencyDesks);
    }
    const texts = TEXTS[category] ?? [['Laporan {kec}', 'Kejadian di Desa {desa}.']];
    const [title, description] = rng.pick(texts);
    const vars = {
      desa: (regions.nameOf(village) ?? village).replace(/^(Desa|Kelurahan)\s+/i, ''),
      kec: regions.nameOf(district) ?? district,
      paslon: rng.pick(PASLON),
      tempat: rng.pick(PLACES),
      n: String(rng.int(5, 60)),
    };
    const severity = spec.severity ?? severityFor(rng, category);
    const point = syntheticPoint(rng, bits.districts.indexOf(district));
    const createdAt = new Date(Math.min(occurredAt.getTime() + rng.int(10, 240) * 60_000, now.getTime() - 5 * 60_000));
    return {
      id,
      category,
      subcategory: rng.pick(CATEGORIES[category].subcategories).code,
      severity,
      village,
      district,
      occurredAt,
      createdAt,
      title: fill(title, vars).slice(0, 200),
      description: `${fill(description, vars)}\n\n${DEMO_REPORT_MARK}`,
      lat: point.lat,
      lon: point.lon,
      source,
      reporter,
      ...(source === 'public' && rng.next() < 0.4 ? { contact: { name: 'Warga (demo)', phone: `+62 812 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}` } } : {}),
      fate: spec.fate ?? 'resolved',
      escalate: false,
      group: spec.group ?? null,
    };
  };

  // duplicate clusters that become incidents (journey 2): one officer's report and two from the public
  for (let g = 0; g < INCIDENT_CLUSTERS; g++) {
    const district = g === 0 ? bits.bayat : rng.pick(bits.districts);
    const officer = bits.officers.find((o) => o.villages.some((v) => v.startsWith(`${district}.`)));
    const village = officer ? officer.villages[0]! : rng.pick(villagesOf.get(district)!);
    const at = new Date(now.getTime() - rng.int(2, 20) * DAY - rng.int(0, 10) * HOUR);
    const category = rng.pick(['politik_uang', 'perusakan_apk', 'konflik_sosial', 'hoaks'] as const);
    for (let i = 0; i < INCIDENT_SIZE; i++) {
      out.push(
        make({
          category,
          district,
          village,
          occurredAt: new Date(at.getTime() + i * 40 * 60_000),
          source: i === 0 && officer ? 'field_officer' : i === 0 ? 'desk' : 'public',
          fate: i === 0 ? 'in_progress' : 'verified',
          severity: 2,
          group: g,
        }),
      );
    }
  }
  // journey 4: the campaign's last days in one district
  for (let i = 0; i < J4_CLUSTER; i++) {
    const daysAgo = i < J4_CLUSTER * 0.6 ? rng.next() * 3 : 3 + rng.next() * 9;
    out.push(make({ category: rng.weighted(J4_CATEGORIES), district: bits.cluster, occurredAt: new Date(now.getTime() - daysAgo * DAY - HOUR) }));
  }
  while (out.length < DEMO_REPORT_TOTAL - DRAFTS) out.push(make({}));

  // fates: what has happened to each by now
  const overdueLeft = { n: OVERDUE };
  for (const r of out) {
    const age = now.getTime() - r.createdAt.getTime();
    if (r.group !== null) continue;
    if (age < 18 * HOUR) {
      // still fresh: waiting for verification or for a handler, all within their service level
      r.severity = Math.min(r.severity, 2) as TSeverity;
      r.fate = rng.weighted([['new', 6], ['verified', 3], ['in_progress', 1]] as const);
    } else if (overdueLeft.n > 0 && age > 3 * DAY && age < 20 * DAY && r.severity <= 2 && rng.next() < 0.08) {
      r.fate = 'overdue'; // nobody acted: the SLA job escalates it
      overdueLeft.n--;
    } else {
      r.fate = rng.weighted([['resolved', 45], ['in_progress', 25], ['rejected', 14]] as const);
      if (r.severity >= 3 && r.fate !== 'rejected') r.fate = rng.next() < 0.5 ? 'in_progress' : 'resolved';
    }
    r.escalate = r.fate !== 'rejected' && r.fate !== 'new' && r.fate !== 'overdue' && (r.severity >= 3 ? rng.next() < 0.5 : rng.next() < 0.06);
  }
  return out;
}

// ───────────────────────────── Writing ─────────────────────────────

export interface DemoReportsDeps {
  handle: ReportsDeps['handle'];
  regions: RegionStore;
  elections: ReportsDeps['elections'];
  reportWriter: ReportsDeps['writer'];
}

async function actorOf(deps: DemoReportsDeps, username: string): Promise<Actor> {
  const u = await findUserByUsername(deps.handle.db, username);
  if (!u) throw new Error(`demo: user ${username} missing (seed users first)`);
  return { id: u.id, username: u.username, fullName: u.fullName, role: u.role as TRole, scopes: u.scopes, pillarCode: u.pillarCode };
}

/**
 * Write the demo reports (idempotent: ids are fixed by the seed; those already stored are left
 * alone). Returns how many were written now.
 */
export async function seedDemoReports(
  deps: DemoReportsDeps,
  options: { now: Date; electionStart: Date; districtNames: { bayat: string } },
): Promise<{ written: number; incidents: number; escalatedBySla: number }> {
  const { regions } = deps;
  const now = options.now;
  const reportsDeps: ReportsDeps = { handle: deps.handle, regions, elections: deps.elections, writer: deps.reportWriter };
  const districts = regions.descendantsAt('33.10', 'district');
  const byName = (name: string) => districts.find((d) => (regions.nameOf(d) ?? '').toLowerCase() === name.toLowerCase())!;
  const usernames = ['bhabin.bayat', 'babinsa.bayat', 'bhabin.cawas'];
  const kades = (await deps.handle.query<{ username: string }>("SELECT username FROM users WHERE username LIKE 'kades.%' AND role = 'field_officer' ORDER BY username LIMIT 1"))[0];
  if (kades) usernames.push(kades.username);
  const officers = await Promise.all(usernames.map(async (u) => ({ username: u, villages: (await actorOf(deps, u)).scopes })));
  const bits: Bits = {
    districts,
    bayat: byName(options.districtNames.bayat),
    cluster: byName(DEMO_CLUSTER_DISTRICT_NAME),
    officers,
    regencyDesks: ['kesbangpol.klaten', 'polres.klaten', 'kodim.klaten', 'kpu.klaten', 'bawaslu.klaten'],
  };
  const plan = planReports(regions, bits, options.electionStart, now);
  const stored = new Set((await findReportsByIds(deps.handle.db, plan.map((p) => p.id))).map((r) => r.id));
  const todo = plan.filter((p) => !stored.has(p.id));

  const actors = new Map<string, Actor>();
  for (const name of new Set([...plan.map((p) => p.reporter).filter((x): x is string => !!x), 'camat.bayat', 'panwascam.bayat', 'kapolsek.bayat', ...bits.regencyDesks])) {
    actors.set(name, await actorOf(deps, name));
  }

  // 1. the reports, through the group-committed writer, many in flight at once
  await Promise.all(
    todo.map((p) => {
      const content = {
        id: p.id,
        category: p.category,
        subcategory: p.subcategory,
        severity: p.severity,
        regionCode: p.village,
        occurredAt: p.occurredAt.toISOString(),
        title: p.title,
        description: p.description,
        lat: p.lat,
        lon: p.lon,
      };
      if (p.source === 'public') return createPublicReport(reportsDeps, { ...content, ...(p.contact ? { contact: p.contact } : {}) }, { now: p.createdAt, ip: null });
      const ctx: RequestContext = { actor: actors.get(p.reporter!)!, ip: null, now: p.createdAt };
      return createReport(reportsDeps, ctx, { ...content, source: p.source, confidential: false });
    }),
  );

  // 2. the workflow. Resumable: only reports still untouched (version 1) move. Journeys 1–3 happen
  // in Bayat, so its reports and the duplicate clusters are walked through the real workflow
  // (applyReportAction, one by one, as savepoints of one transaction: a first start on PGlite pays
  // one commit, not hundreds); the rest get the same history written in bulk.
  const untouched = new Set((await findReportsByIds(deps.handle.db, plan.map((p) => p.id))).filter((r) => r.version === 1 && r.status === 'new').map((r) => r.id));
  const moving = plan.filter((p) => untouched.has(p.id)).map((p) => ({ p, steps: stepsOf(p, actors, bits.bayat, now) })).filter((x) => x.steps.length > 0);
  const isWalked = (p: PlannedReport) => p.district === bits.bayat || p.group !== null;
  const orgs = await findDemoOrganisations(deps.handle.db, '33.10');
  await deps.handle.db.transaction(async (tx) => {
    const txDeps: ReportsDeps = { ...reportsDeps, handle: { ...deps.handle, db: tx as unknown as Database } };
    for (const { p, steps } of moving.filter((x) => isWalked(x.p))) await walkReport(txDeps, p, steps);
    await settleInBulk(tx as unknown as Executor, moving.filter((x) => !isWalked(x.p)), orgs);
  });

  // 3. duplicates grouped into incidents by the desk that saw them
  let incidents = 0;
  for (let g = 0; g < INCIDENT_CLUSTERS; g++) {
    const members = plan.filter((p) => p.group === g);
    const rows = await findReportsByIds(deps.handle.db, members.map((m) => m.id));
    if (rows.length !== members.length || rows.some((r) => r.incidentId)) continue; // grouped already
    const first = members[0]!;
    const desk = actors.get(first.district === bits.bayat ? 'panwascam.bayat' : 'kesbangpol.klaten')!;
    const place = regions.nameOf(first.village) ?? first.village;
    const label = CATEGORIES[first.category].label.id;
    await createIncident(
      reportsDeps,
      { actor: desk, ip: null, now: new Date(Math.min(members.at(-1)!.createdAt.getTime() + 2 * HOUR, now.getTime() - 60_000)) },
      { id: prng(SEED + g).uuid(), title: `${label} di ${place} (${members.length} laporan)`, description: `Laporan petugas dan warga tentang kejadian yang sama digabung oleh desk. ${DEMO_REPORT_MARK}`, reportIds: members.map((m) => m.id) },
      'id',
    );
    incidents++;
  }

  // 4. drafts from the demo WhatsApp gateway, waiting to be structured
  const draftsWritten = await seedDemoDrafts(reportsDeps, now);

  // 5. the SLA job: reports nobody verified climb a level, saying why
  const escalated = await escalateOverdueReports(reportsDeps, now);
  return { written: todo.length + draftsWritten, incidents, escalatedBySla: escalated.length };
}

interface Step {
  actor: Actor;
  action: TReportAction;
  body: Record<string, string>;
  at: Date;
}

/** The steps a desk took on one report, by its planned fate, at plausible times inside the service levels. */
function stepsOf(p: PlannedReport, actors: Map<string, Actor>, bayat: string, now: Date): Step[] {
  if (p.fate === 'new' || p.fate === 'overdue') return [];
  // a generator per report, so one report's draws do not depend on another's
  const rng = prng(SEED ^ Number.parseInt(p.id.slice(0, 8), 16));
  const inBayat = p.district === bayat;
  const verifier = actors.get(inBayat ? rng.pick(['panwascam.bayat', 'camat.bayat']) : rng.pick(['kesbangpol.klaten', 'bawaslu.klaten']))!;
  const handler = actors.get(inBayat ? 'panwascam.bayat' : rng.pick(['kesbangpol.klaten', 'polres.klaten', 'bawaslu.klaten']))!;
  const left = now.getTime() - p.createdAt.getTime();
  let t = p.createdAt.getTime();
  const step = (limitMinutes: number) => {
    t = Math.min(t + Math.max(5 * 60_000, rng.next() * Math.min(limitMinutes * 60_000 * 0.8, left / 4)), now.getTime() - 60_000);
    return new Date(t);
  };
  const sla = DEFAULT_SLA[p.severity];
  const steps: Step[] = [];
  if (p.fate === 'rejected') {
    steps.push({ actor: verifier, action: 'reject', body: { reason: rng.pick(REJECT_REASONS) }, at: step(sla.verifyMinutes) });
    return steps;
  }
  steps.push({ actor: verifier, action: 'verify', body: { comment: inBayat ? 'Sudah dicek dengan PKD dan Bhabinkamtibmas.' : 'Dikonfirmasi melalui Kesbangpol dan Polsek setempat.' }, at: step(sla.verifyMinutes) });
  if (p.fate === 'verified') return steps;
  if (p.fate === 'resolved' && p.severity <= 2 && !p.escalate && rng.next() < 0.4) {
    // a note the verifying desk closes itself: nothing for a handler to do
    steps.push({ actor: verifier, action: 'resolve', body: { outcome: 'Dicatat untuk pemantauan; tidak memerlukan penanganan lanjutan.' }, at: step(sla.handleMinutes) });
    return steps;
  }
  steps.push({ actor: handler, action: 'assign', body: { orgCode: defaultHandlerOf(p.category), comment: 'Diteruskan ke penanganan sesuai kategori.' }, at: step(sla.handleMinutes) });
  if (p.escalate) steps.push({ actor: handler, action: 'escalate', body: { reason: rng.pick(ESCALATE_REASONS) }, at: step(sla.handleMinutes) });
  if (p.fate === 'resolved') steps.push({ actor: handler, action: 'resolve', body: { outcome: rng.pick(OUTCOMES[p.category] ?? [DEFAULT_OUTCOME]) }, at: step(sla.handleMinutes * 4) });
  return steps;
}

/** Walk one report through the real workflow (applyReportAction), step by step. */
async function walkReport(deps: ReportsDeps, p: PlannedReport, steps: Step[]): Promise<void> {
  let version = 1;
  for (const s of steps) {
    const r = await applyReportAction(deps, { actor: s.actor, ip: null, now: s.at }, p.id, s.action, { ...s.body, version } as TReportActionBody<TReportAction>, 'id');
    version = r.version;
  }
}

/**
 * Write the same history in bulk for the many reports nobody needs to watch being walked: the
 * domain's state machine decides each status, the events carry the same steps, and one audit
 * row per report says the demo wrote it. Three statements instead of thousands.
 */
async function settleInBulk(tx: Executor, items: { p: PlannedReport; steps: Step[] }[], orgs: Map<string, string>): Promise<void> {
  const settled: DemoSettledReport[] = [];
  const events: NewReportEventRow[] = [];
  const audits: AuditEntry[] = [];
  for (const { p, steps } of items) {
    let status: TReportStatus = 'new';
    let level: TEscalationLevel = p.severity >= 4 ? 'district' : 'village';
    const row: DemoSettledReport = { id: p.id, status, statusChangedAt: p.createdAt, updatedAt: p.createdAt, verifiedAt: null, verifiedBy: null, assignedOrgId: null, escalationLevel: level, escalatedAt: null, escalationReason: null, outcome: null, rejectReason: null, version: 1 };
    for (const s of steps) {
      const from: TReportStatus = status;
      const to: TReportStatus | null = nextStatus(from, s.action);
      if (to === null) throw new Error(`demo: ${s.action} not allowed from ${status}`);
      const details: Record<string, unknown> = {};
      let comment: string | null = s.body.comment ?? null;
      switch (s.action) {
        case 'verify':
          row.verifiedAt = s.at;
          row.verifiedBy = s.actor.id;
          break;
        case 'reject':
          row.rejectReason = comment = s.body.reason!;
          break;
        case 'assign': {
          // the pillar's desk at the report's level, or the nearest level above that has one
          let lvl: TEscalationLevel | null = level === 'village' ? 'district' : level;
          let org: string | null = null;
          while (lvl && !org) {
            const id = `${s.body.orgCode}:${regionCodeAtLevel(p.village, lvl)}`;
            if (orgs.has(id)) org = id;
            lvl = nextEscalationLevel(lvl);
          }
          if (!org) throw new Error(`demo: no desk for ${s.body.orgCode}`);
          row.assignedOrgId = org;
          details.org = { code: org, name: orgs.get(org) };
          details.defaultHandler = defaultHandlerOf(p.category);
          break;
        }
        case 'escalate': {
          const next: TEscalationLevel = nextEscalationLevel(level)!;
          details.fromLevel = level;
          details.toLevel = next;
          level = next;
          row.escalationLevel = next;
          row.escalatedAt = s.at;
          row.escalationReason = comment = s.body.reason!;
          break;
        }
        case 'resolve':
          row.outcome = comment = s.body.outcome!;
          break;
        default:
          throw new Error(`demo: ${s.action} is not a bulk step`);
      }
      if (to !== from) row.statusChangedAt = s.at;
      status = to;
      row.status = to;
      row.updatedAt = s.at;
      row.version++;
      events.push({ provinceCode: p.village.slice(0, 2), reportId: p.id, at: s.at, actorId: s.actor.id, actorName: s.actor.fullName, action: s.action, fromStatus: from, toStatus: to, comment, details });
    }
    settled.push(row);
    audits.push({ actorId: SYSTEM_ACTOR.id, actorName: 'demo', action: 'report.demo_history', entity: 'report', entityId: p.id, regionCode: p.village, after: { status: row.status, steps: steps.map((s) => s.action), demo: true } });
  }
  const updated = new Set(await settleDemoReports(tx, settled));
  await insertReportEvents(tx, events.filter((e) => updated.has(e.reportId)));
  await insertAudit(tx, audits.filter((a) => updated.has(a.entityId!)));
}

const DRAFT_TEXTS = [
  'Selamat malam, di dusun kami ada orang bagi-bagi uang 50 ribu atas nama salah satu calon. Mohon ditindaklanjuti.',
  'Info: baliho calon bupati di dekat pasar dirusak semalam, sudah difoto warga.',
  'Ada pesan berantai bilang TPS dipindah, benar tidak ya? Warga bingung.',
  'Pak, kepala dusun kami minta warga kumpul KTP untuk didata tim sukses.',
  'Jalan ke balai desa tergenang banjir, kalau hujan terus bisa ganggu persiapan TPS.',
  'Ada pengajian yang isinya ajakan memilih calon tertentu, mohon dicek Bawaslu.',
];

/** The demo's WhatsApp gateway and a few messages through it (the real webhook path, signed). */
async function seedDemoDrafts(deps: ReportsDeps, now: Date): Promise<number> {
  const rng = prng(SEED ^ 0xd4af);
  let channel = await findInboundChannel(deps.handle.db, DEMO_INBOUND_CHANNEL_ID);
  if (!channel) {
    const secret = Array.from({ length: 4 }, () => rng.uuid()).join('');
    await insertInboundChannel(deps.handle.db, { id: DEMO_INBOUND_CHANNEL_ID, name: 'WhatsApp Posko Pengaduan Klaten (demo)', kind: 'json', regionCode: '33.10', secret, verifyToken: null, createdAt: now });
    channel = (await findInboundChannel(deps.handle.db, DEMO_INBOUND_CHANNEL_ID))!;
  }
  const messages = DRAFT_TEXTS.slice(0, DRAFTS).map((text, i) => ({
    from: `+62 8${rng.int(11, 59)} 0000 ${String(1000 + i)}`.replace(/ /g, ''),
    text,
    receivedAt: new Date(now.getTime() - (i + 1) * 47 * 60_000).toISOString(),
    messageId: `demo-wa-${i + 1}`,
    channel: 'whatsapp' as const,
  }));
  const raw = Buffer.from(JSON.stringify(messages));
  const result = await receiveInbound(deps, {
    channelId: channel.id,
    kind: 'json',
    raw,
    signature: `sha256=${createHmac('sha256', channel.secret).update(raw).digest('hex')}`,
    now,
    ip: null,
  });
  return result.stored;
}
