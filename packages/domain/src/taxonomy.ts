import { z } from 'zod';

/** A text in both product languages: Indonesian first, English second. */
export interface TLabel {
  id: string;
  en: string;
}
/** Schema of a label in both product languages. */
export const ZLabel = z.object({ id: z.string(), en: z.string() });

/** The 17 report category codes (shared/domain.md §4); these codes are the API's. */
export const CATEGORY_CODES = [
  'konflik_sosial',
  'provokasi_sara',
  'politik_uang',
  'politik_identitas',
  'hoaks',
  'kampanye_hitam',
  'netralitas_asn',
  'netralitas_tni_polri',
  'netralitas_kades',
  'netralitas_penyelenggara',
  'intimidasi_kekerasan',
  'perusakan_apk',
  'fasilitas_negara',
  'gangguan_tps',
  'logistik',
  'kerusuhan_hasil',
  'bencana_gangguan',
] as const;
/** A report category code. */
export type TCategoryCode = (typeof CATEGORY_CODES)[number];
/** A report category code, as a request field. */
export const ZCategoryCode = z.enum(CATEGORY_CODES, { message: 'category.unknown' });

/** One subcategory of a category. */
export interface SubcategoryDef {
  code: string;
  label: TLabel;
}

/** One report category with its default handling and whether it is an election violation. */
export interface CategoryDef {
  code: TCategoryCode;
  label: TLabel;
  /** Pillar/agency code (pillars.ts) that handles it by default: the organisation a report is assigned to first. */
  defaultHandler: string;
  /** Every organisation involved, default handler first (shown on the report, used for notifications). */
  handlers: readonly string[];
  /**
   * An election violation (pelanggaran pemilihan) that can be reported to Bawaslu: the page
   * shows the 7-day reporting window from discovery. Criminal matters for Polri alone
   * (violence, riots), logistics and disasters are not.
   */
  isElectionViolation: boolean;
  subcategories: readonly SubcategoryDef[];
}

const sub = (code: string, id: string, en: string): SubcategoryDef => ({ code, label: { id, en } });

/** Default taxonomy. Handler codes follow shared/domain.md §4 and DEFAULT_PILLARS. */
export const CATEGORIES: Readonly<Record<TCategoryCode, CategoryDef>> = {
  konflik_sosial: {
    code: 'konflik_sosial',
    label: { id: 'Konflik sosial', en: 'Social conflict' },
    defaultHandler: 'polri',
    handlers: ['polri', 'tni', 'pemda'],
    isElectionViolation: false,
    subcategories: [
      sub('komunal', 'Konflik komunal', 'Communal conflict'),
      sub('horizontal', 'Konflik horizontal antarwarga', 'Horizontal conflict between residents'),
      sub('antarkelompok', 'Konflik antarkelompok/ormas', 'Conflict between groups or ormas'),
      sub('bentrok_pendukung', 'Bentrok antarpendukung', 'Clash between supporters'),
    ],
  },
  provokasi_sara: {
    code: 'provokasi_sara',
    label: { id: 'Provokasi SARA / ujaran kebencian', en: 'SARA provocation / hate speech' },
    defaultHandler: 'polri',
    handlers: ['polri', 'bawaslu'],
    isElectionViolation: true,
    subcategories: [
      sub('ujaran_kebencian', 'Ujaran kebencian', 'Hate speech'),
      sub('hasutan', 'Hasutan / provokasi', 'Incitement'),
      sub('penistaan', 'Penistaan agama/suku', 'Insulting a religion or ethnic group'),
      sub('media_sosial', 'Konten media sosial', 'Social media content'),
    ],
  },
  politik_uang: {
    code: 'politik_uang',
    label: { id: 'Politik uang', en: 'Money politics' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu', 'polri', 'kejaksaan'],
    isElectionViolation: true,
    subcategories: [
      sub('uang', 'Uang tunai / amplop', 'Cash / envelopes'),
      sub('barang', 'Barang / sembako', 'Goods / staple food'),
      sub('jasa', 'Jasa atau janji fasilitas', 'Services or promised benefits'),
      sub('serangan_fajar', 'Serangan fajar', 'Dawn attack (vote buying before polling)'),
      sub('mahar_politik', 'Mahar politik', 'Candidacy buying (mahar politik)'),
    ],
  },
  politik_identitas: {
    code: 'politik_identitas',
    label: { id: 'Politik identitas', en: 'Identity politics' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu', 'kesbangpol'],
    isElectionViolation: true,
    subcategories: [
      sub('agama', 'Agama', 'Religion'),
      sub('suku', 'Suku / etnis', 'Ethnicity'),
      sub('rumah_ibadah', 'Kampanye di rumah ibadah', 'Campaigning in places of worship'),
      sub('kedaerahan', 'Putra daerah / kedaerahan', 'Regional origin'),
    ],
  },
  hoaks: {
    code: 'hoaks',
    label: { id: 'Hoaks / disinformasi', en: 'Hoax / disinformation' },
    defaultHandler: 'kominfo',
    handlers: ['kominfo', 'polri'],
    isElectionViolation: false,
    subcategories: [
      sub('penyelenggara', 'Tentang penyelenggara/proses pemilu', 'About election bodies or process'),
      sub('peserta', 'Tentang peserta/calon', 'About candidates or parties'),
      sub('hasil', 'Tentang hasil pemungutan suara', 'About results'),
      sub('keamanan', 'Tentang situasi keamanan', 'About the security situation'),
      sub('deepfake', 'Konten rekayasa (deepfake)', 'Manipulated media (deepfake)'),
    ],
  },
  kampanye_hitam: {
    code: 'kampanye_hitam',
    label: { id: 'Kampanye hitam', en: 'Black campaign' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu'],
    isElectionViolation: true,
    subcategories: [
      sub('fitnah', 'Fitnah', 'Slander'),
      sub('selebaran', 'Selebaran / pamflet', 'Leaflets / pamphlets'),
      sub('media_sosial', 'Media sosial', 'Social media'),
    ],
  },
  netralitas_asn: {
    code: 'netralitas_asn',
    label: { id: 'Netralitas ASN', en: 'Civil servant neutrality' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu', 'bkn'],
    isElectionViolation: true,
    subcategories: [
      sub('kampanye', 'Ikut kampanye', 'Taking part in a campaign'),
      sub('media_sosial', 'Dukungan di media sosial', 'Support on social media'),
      sub('fasilitas', 'Penggunaan fasilitas jabatan', 'Use of office facilities'),
      sub('mobilisasi', 'Mobilisasi bawahan/pegawai', 'Mobilising staff'),
    ],
  },
  netralitas_tni_polri: {
    code: 'netralitas_tni_polri',
    label: { id: 'Netralitas TNI/Polri', en: 'TNI/Polri neutrality' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu', 'tni', 'polri'],
    isElectionViolation: true,
    subcategories: [
      sub('tni', 'Anggota TNI', 'TNI member'),
      sub('polri', 'Anggota Polri', 'Polri member'),
      sub('fasilitas', 'Penggunaan fasilitas dinas', 'Use of service facilities'),
    ],
  },
  netralitas_kades: {
    code: 'netralitas_kades',
    label: { id: 'Netralitas kepala desa / perangkat desa', en: 'Village head / village staff neutrality' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu', 'pemda'],
    isElectionViolation: true,
    subcategories: [
      sub('kepala_desa', 'Kepala desa', 'Village head'),
      sub('perangkat_desa', 'Perangkat desa / BPD', 'Village staff / BPD'),
      sub('dana_desa', 'Penyalahgunaan dana/program desa', 'Misuse of village funds or programmes'),
    ],
  },
  netralitas_penyelenggara: {
    code: 'netralitas_penyelenggara',
    label: { id: 'Netralitas penyelenggara', en: 'Election organiser neutrality' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu', 'dkpp'],
    isElectionViolation: true,
    subcategories: [
      sub('kpu_adhoc', 'KPU / PPK / PPS / KPPS', 'KPU / PPK / PPS / KPPS'),
      sub('bawaslu_adhoc', 'Bawaslu / Panwascam / PKD / Pengawas TPS', 'Bawaslu / Panwascam / PKD / TPS supervisor'),
    ],
  },
  intimidasi_kekerasan: {
    code: 'intimidasi_kekerasan',
    label: { id: 'Intimidasi / kekerasan / ancaman', en: 'Intimidation / violence / threats' },
    defaultHandler: 'polri',
    handlers: ['polri'],
    isElectionViolation: false,
    subcategories: [
      sub('ancaman', 'Ancaman', 'Threat'),
      sub('intimidasi_pemilih', 'Intimidasi pemilih', 'Voter intimidation'),
      sub('intimidasi_penyelenggara', 'Intimidasi penyelenggara', 'Intimidation of election officials'),
      sub('kekerasan_fisik', 'Kekerasan fisik', 'Physical violence'),
      sub('teror', 'Teror / perusakan rumah', 'Terror / damage to homes'),
    ],
  },
  perusakan_apk: {
    code: 'perusakan_apk',
    label: { id: 'Perusakan APK / fasilitas penyelenggara', en: 'Damage to campaign props / election facilities' },
    defaultHandler: 'polri',
    handlers: ['polri', 'bawaslu'],
    isElectionViolation: true,
    subcategories: [
      sub('apk', 'Alat peraga kampanye', 'Campaign props'),
      sub('kantor_penyelenggara', 'Kantor/fasilitas penyelenggara', 'Election body offices or facilities'),
      sub('posko', 'Posko pemenangan', 'Campaign post'),
    ],
  },
  fasilitas_negara: {
    code: 'fasilitas_negara',
    label: { id: 'Kampanye di fasilitas negara/ibadah/pendidikan', en: 'Campaigning in state, worship or education facilities' },
    defaultHandler: 'bawaslu',
    handlers: ['bawaslu'],
    isElectionViolation: true,
    subcategories: [
      sub('fasilitas_pemerintah', 'Fasilitas pemerintah', 'Government facilities'),
      sub('tempat_ibadah', 'Tempat ibadah', 'Places of worship'),
      sub('tempat_pendidikan', 'Tempat pendidikan', 'Schools and campuses'),
      sub('kendaraan_dinas', 'Kendaraan dinas', 'Official vehicles'),
    ],
  },
  gangguan_tps: {
    code: 'gangguan_tps',
    label: { id: 'Gangguan di TPS', en: 'Disruption at a polling station' },
    defaultHandler: 'kpu',
    handlers: ['kpu', 'bawaslu', 'polri'],
    isElectionViolation: true,
    subcategories: [
      sub('dpt', 'Masalah DPT / hak pilih', 'Voter list / right to vote'),
      sub('intimidasi', 'Intimidasi di TPS', 'Intimidation at the polling station'),
      sub('penolakan', 'Penolakan pemungutan suara', 'Refusal to hold voting'),
      sub('prosedur', 'Pelanggaran prosedur pungut-hitung', 'Voting or counting procedure breach'),
      sub('keberatan_saksi', 'Keberatan saksi tidak ditindaklanjuti', 'Witness objection not followed up'),
    ],
  },
  logistik: {
    code: 'logistik',
    label: { id: 'Logistik pemilu', en: 'Election logistics' },
    defaultHandler: 'kpu',
    handlers: ['kpu'],
    isElectionViolation: false,
    subcategories: [
      sub('rusak', 'Rusak', 'Damaged'),
      sub('kurang', 'Kurang', 'Short'),
      sub('tertukar', 'Tertukar', 'Swapped'),
      sub('terlambat', 'Terlambat', 'Late'),
    ],
  },
  kerusuhan_hasil: {
    code: 'kerusuhan_hasil',
    label: { id: 'Unjuk rasa / kerusuhan hasil', en: 'Protest / riot over results' },
    defaultHandler: 'polri',
    handlers: ['polri', 'tni'],
    isElectionViolation: false,
    subcategories: [
      sub('unjuk_rasa', 'Unjuk rasa', 'Demonstration'),
      sub('pengepungan', 'Pengepungan kantor penyelenggara', 'Siege of an election office'),
      sub('kerusuhan', 'Kerusuhan', 'Riot'),
    ],
  },
  bencana_gangguan: {
    code: 'bencana_gangguan',
    label: { id: 'Bencana / listrik / internet / akses', en: 'Disaster / power / internet / access' },
    defaultHandler: 'bpbd',
    handlers: ['bpbd', 'pemda', 'kpu'],
    isElectionViolation: false,
    subcategories: [
      sub('bencana', 'Bencana alam', 'Natural disaster'),
      sub('listrik', 'Listrik padam', 'Power cut'),
      sub('internet', 'Internet / sinyal', 'Internet / signal'),
      sub('akses', 'Akses jalan terputus', 'Road access cut'),
    ],
  },
};

/** Days a citizen has to report an election violation to Bawaslu, counted from discovery. */
export const BAWASLU_REPORTING_WINDOW_DAYS = 7;

/**
 * The end of the Bawaslu reporting window for a violation discovered at `discoveredAt`, or null
 * when the category is not an election violation.
 */
export function bawasluDeadline(category: TCategoryCode, discoveredAt: Date): Date | null {
  if (!CATEGORIES[category].isElectionViolation) return null;
  return new Date(discoveredAt.getTime() + BAWASLU_REPORTING_WINDOW_DAYS * 86_400_000);
}

/** Severity levels, 1 (note) to 4 (critical). */
export const SEVERITIES = [1, 2, 3, 4] as const;
/** A severity level. */
export type TSeverity = (typeof SEVERITIES)[number];
/** A severity in a JSON body: the integer 1, 2, 3 or 4. */
export const ZSeverity = z.literal(SEVERITIES, { message: 'severity.invalid' });
/** A severity in a query string or form field: "1"–"4" coerced to a number. */
export const ZSeverityQuery = z.coerce.number().pipe(ZSeverity);

/** What each severity means, in both languages (shared/domain.md §4). */
export const SEVERITY_LABELS: Readonly<Record<TSeverity, { label: TLabel; meaning: TLabel }>> = {
  1: {
    label: { id: 'Catatan', en: 'Note' },
    meaning: { id: 'Tidak ada kerugian; cukup dipantau.', en: 'No harm; monitoring only.' },
  },
  2: {
    label: { id: 'Ringan', en: 'Minor' },
    meaning: { id: 'Bersifat lokal dan terkendali.', en: 'Local and contained.' },
  },
  3: {
    label: { id: 'Serius', en: 'Serious' },
    meaning: {
      id: 'Ada ancaman kekerasan atau massa mulai berkumpul, atau terjadi tindak pidana.',
      en: 'Violence threatened or crowds forming, or a crime.',
    },
  },
  4: {
    label: { id: 'Kritis', en: 'Critical' },
    meaning: {
      id: 'Terjadi kekerasan, korban luka, kerusuhan, atau ancaman terhadap pemungutan suara.',
      en: 'Violence, injury, riot, or a threat to voting.',
    },
  },
};

/** Where a report came from. */
export const REPORT_SOURCES = ['field_officer', 'public', 'media_monitoring', 'rakor', 'hotline', 'desk', 'inbound_message'] as const;
/** A report source. */
export type TReportSource = (typeof REPORT_SOURCES)[number];
/** A report source, as a request field. */
export const ZReportSource = z.enum(REPORT_SOURCES, { message: 'source.unknown' });

/** Labels of report sources. */
export const REPORT_SOURCE_LABELS: Readonly<Record<TReportSource, TLabel>> = {
  field_officer: { id: 'Petugas lapangan', en: 'Field officer' },
  public: { id: 'Masyarakat', en: 'Public' },
  media_monitoring: { id: 'Pemantauan media', en: 'Media monitoring' },
  rakor: { id: 'Rapat koordinasi', en: 'Coordination meeting' },
  hotline: { id: 'Hotline', en: 'Hotline' },
  desk: { id: 'Desk', en: 'Desk' },
  inbound_message: { id: 'Pesan masuk (WhatsApp/SMS)', en: 'Inbound message (WhatsApp/SMS)' },
};

/**
 * The organisation a report of this category is assigned to by default in the BUILT-IN taxonomy
 * (version 1). An administrator may change it: the server uses the taxonomy in force
 * (`defaultHandlerIn`, taxonomy-config.ts); this is for the demo seed and tests.
 */
export function defaultHandlerOf(category: TCategoryCode): string {
  return CATEGORIES[category].defaultHandler;
}
