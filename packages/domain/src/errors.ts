import { z } from 'zod';

/**
 * Every error the API can answer with. The code travels on the wire; the HTTP
 * status and the user-facing messages (Indonesian first, English second) are
 * derived from it, so a route never invents its own error shape.
 */
export const ERROR_CODES = {
  validation: { status: 400, id: 'Data yang dikirim tidak valid.', en: 'The submitted data is not valid.' },
  bad_request: { status: 400, id: 'Permintaan tidak dapat diproses.', en: 'The request cannot be processed.' },
  unauthenticated: { status: 401, id: 'Silakan masuk terlebih dahulu.', en: 'Please sign in first.' },
  invalid_credentials: { status: 401, id: 'Nama pengguna atau kata sandi salah.', en: 'Wrong username or password.' },
  csrf: { status: 403, id: 'Token keamanan (CSRF) tidak ada atau tidak cocok. Muat ulang halaman.', en: 'Missing or mismatched security (CSRF) token. Reload the page.' },
  forbidden: { status: 403, id: 'Anda tidak berwenang melakukan tindakan ini.', en: 'You are not allowed to do this.' },
  out_of_scope: { status: 403, id: 'Wilayah ini di luar cakupan akun Anda.', en: 'This region is outside your account scope.' },
  not_found: { status: 404, id: 'Data tidak ditemukan.', en: 'Not found.' },
  conflict: { status: 409, id: 'Data telah diubah oleh orang lain. Muat ulang dan coba lagi.', en: 'The data was changed by someone else. Reload and try again.' },
  duplicate: { status: 409, id: 'Data dengan kunci yang sama sudah ada.', en: 'A record with the same key already exists.' },
  payload_too_large: { status: 413, id: 'Data yang dikirim terlalu besar.', en: 'The submitted data is too large.' },
  unsupported_media_type: { status: 415, id: 'Jenis berkas atau konten tidak didukung.', en: 'Unsupported file or content type.' },
  rate_limited: { status: 429, id: 'Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.', en: 'Too many attempts. Wait a moment and try again.' },
  locked: { status: 423, id: 'Sumber daya sedang dikunci oleh proses lain.', en: 'The resource is locked by another process.' },
  internal: { status: 500, id: 'Terjadi kesalahan pada server. Kesalahan sudah dicatat.', en: 'Something went wrong on the server. The error was logged.' },
  unavailable: { status: 503, id: 'Layanan sedang tidak tersedia.', en: 'The service is unavailable.' },
} as const satisfies Record<string, { status: number; id: string; en: string }>;

/** Error codes of the API contract. */
export type TErrorCode = keyof typeof ERROR_CODES;
/** Languages the product speaks; Indonesian is the default. */
export type TLang = 'id' | 'en';

/** One field-level problem: the dotted path of the field and a readable message. */
export const ZFieldError = z.object({ path: z.string(), message: z.string() });
export type TFieldError = z.infer<typeof ZFieldError>;

/** The body of every error response. */
export const ZErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(ZFieldError).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type TErrorResponse = z.infer<typeof ZErrorResponse>;

/**
 * Messages for field-level problems raised by our own refinements. Schemas put the
 * key in the issue message; the server translates it for the caller's language.
 */
export const FIELD_MESSAGES: Record<string, { id: string; en: string }> = {
  'region.invalid_code': { id: 'Kode wilayah tidak valid (contoh: 33.10.04.2001).', en: 'Invalid region code (e.g. 33.10.04.2001).' },
  'region.unknown': { id: 'Kode wilayah tidak dikenal.', en: 'Unknown region code.' },
  'region.not_village': { id: 'Harus kode desa/kelurahan (contoh: 33.10.04.2001).', en: 'Must be a village code (e.g. 33.10.04.2001).' },
  'password.too_short': { id: 'Kata sandi minimal 10 karakter.', en: 'The password needs at least 10 characters.' },
  'username.invalid': { id: 'Nama pengguna hanya huruf kecil, angka, titik, garis bawah atau tanda hubung (3–64 karakter).', en: 'Username: lowercase letters, digits, dot, underscore or hyphen (3–64 characters).' },
  'scope.required': { id: 'Isi minimal satu wilayah cakupan, atau "*" untuk seluruh Indonesia.', en: 'Give at least one scope region, or "*" for the whole country.' },
  'comment.required': { id: 'Tuliskan keterangan (apa yang dilakukan atau dicatat).', en: 'Write a note (what was done or observed).' },
  'role.unknown': { id: 'Peran tidak dikenal.', en: 'Unknown role.' },
  'pillar.unknown': { id: 'Pilar/instansi tidak dikenal.', en: 'Unknown pillar or agency.' },
  'time.future': { id: 'Waktu tidak boleh lebih dari 10 menit di masa depan.', en: 'The time cannot be more than 10 minutes in the future.' },
  'body.unknown_field': { id: 'Kolom tidak dikenal.', en: 'Unknown field.' },
  'region.out_of_scope': { id: 'Wilayah di luar cakupan akun Anda.', en: 'Region outside your account scope.' },
  'username.taken': { id: 'Nama pengguna sudah dipakai.', en: 'Username already taken.' },
  'username.duplicate_in_file': { id: 'Nama pengguna sama dengan baris {0}.', en: 'Same username as row {0}.' },
  'category.unknown': { id: 'Kategori tidak dikenal.', en: 'Unknown category.' },
  'subcategory.mismatch': { id: 'Subkategori tidak termasuk kategori ini.', en: 'The subcategory does not belong to this category.' },
  'category.retired': { id: 'Kategori ini tidak lagi dipakai untuk laporan baru. Pilih kategori lain.', en: 'This category is no longer offered for new reports. Choose another one.' },
  'subcategory.retired': { id: 'Subkategori ini tidak lagi dipakai untuk laporan baru. Pilih subkategori lain atau kosongkan.', en: 'This subcategory is no longer offered for new reports. Choose another one or leave it empty.' },
  'subcategory.code_invalid': { id: 'Kode subkategori: huruf kecil, angka atau garis bawah, diawali huruf (2–40 karakter).', en: 'Subcategory code: lowercase letters, digits or underscores, starting with a letter (2–40 characters).' },
  'subcategory.duplicate': { id: 'Kode subkategori sudah dipakai dalam kategori ini.', en: 'This subcategory code is already used in this category.' },
  'subcategory.removed': { id: 'Subkategori {0} tidak boleh dihapus karena laporan lama memakainya; nonaktifkan saja.', en: 'Subcategory {0} cannot be deleted because old reports use it; retire it instead.' },
  'label.empty': { id: 'Label tidak boleh kosong (Bahasa Indonesia dan Inggris).', en: 'The label cannot be empty (Indonesian and English).' },
  'label.too_long': { id: 'Label paling panjang 120 karakter.', en: 'A label has at most 120 characters.' },
  'taxonomy.category_duplicate': { id: 'Kategori ini muncul lebih dari sekali.', en: 'This category appears more than once.' },
  'taxonomy.category_missing': { id: 'Kategori {0} tidak ada; kode kategori tetap dan tidak dapat dihapus (nonaktifkan saja).', en: 'Category {0} is missing; category codes are fixed and cannot be deleted (retire it instead).' },
  'taxonomy.none_offered': { id: 'Minimal satu kategori harus tetap ditawarkan pada formulir laporan.', en: 'At least one category must stay offered on report forms.' },
  'taxonomy.effective_before_latest': { id: 'Versi baru tidak boleh berlaku sebelum versi terakhir.', en: 'A new version cannot take effect before the latest one.' },
  'subcategory.without_category': { id: 'Pilih kategori sebelum subkategori.', en: 'Choose a category before a subcategory.' },
  'severity.invalid': { id: 'Tingkat keparahan harus 1, 2, 3 atau 4.', en: 'Severity must be 1, 2, 3 or 4.' },
  'source.unknown': { id: 'Sumber laporan tidak dikenal.', en: 'Unknown report source.' },
  'status.unknown': { id: 'Status laporan tidak dikenal.', en: 'Unknown report status.' },
  'action.unknown': { id: 'Tindakan tidak dikenal.', en: 'Unknown action.' },
  'action.not_allowed': { id: 'Tindakan ini tidak dapat dilakukan pada status laporan saat ini.', en: 'This action is not possible in the report’s current status.' },
  'time.iso_offset': { id: 'Waktu harus ISO 8601 dengan zona waktu (contoh: 2024-11-27T10:00:00+07:00).', en: 'The time must be ISO 8601 with an offset (e.g. 2024-11-27T10:00:00+07:00).' },
  'location.outside_indonesia': { id: 'Koordinat berada di luar wilayah Indonesia.', en: 'The coordinates lie outside Indonesia.' },
  'location.incomplete': { id: 'Isi lintang dan bujur bersama-sama.', en: 'Give latitude and longitude together.' },
  'phone.invalid': { id: 'Nomor telepon tidak valid.', en: 'Invalid phone number.' },
  'pow.invalid': { id: 'Bukti kerja (anti-spam) tidak valid. Muat ulang formulir.', en: 'Invalid anti-spam proof of work. Reload the form.' },
  'pow.expired': { id: 'Tantangan anti-spam sudah kedaluwarsa. Kirim ulang.', en: 'The anti-spam challenge has expired. Submit again.' },
  'election.kind_unknown': { id: 'Jenis pemilihan tidak dikenal (pemilu atau pilkada).', en: 'Unknown election kind (pemilu or pilkada).' },
  'election.scope_level': { id: 'Cakupan pemilihan harus "*" (nasional), provinsi, atau kabupaten/kota.', en: 'Election scope must be "*" (national), a province or a regency/city.' },
  'date.invalid': { id: 'Tanggal harus berformat TTTT-BB-HH.', en: 'The date must be YYYY-MM-DD.' },
  'stage.invalid_code': { id: 'Kode tahapan: huruf kecil, angka dan garis bawah (2–50 karakter).', en: 'Stage code: lowercase letters, digits and underscores (2–50 characters).' },
  'stage.end_before_start': { id: 'Tanggal selesai tahapan sebelum tanggal mulai.', en: 'The stage ends before it starts.' },
  'stage.duplicate_code': { id: 'Kode tahapan dipakai lebih dari sekali.', en: 'The stage code is used more than once.' },
  'inbound.channel_unknown': { id: 'Kanal pesan tidak dikenal (sms, telegram, whatsapp).', en: 'Unknown message channel (sms, telegram, whatsapp).' },
  'reporter.only_me': { id: 'Filter pelapor hanya menerima "me".', en: 'The reporter filter only accepts "me".' },
  'tps.unknown': { id: 'TPS tidak dikenal di desa ini (data TPS belum terdaftar).', en: 'Unknown TPS for this village (no TPS registered yet).' },
  'source.reserved': { id: 'Sumber ini hanya untuk kanal publik atau pesan masuk.', en: 'This source is reserved for the public channel and inbound messages.' },
  'org.unknown': { id: 'Tidak ada meja penanganan pilar/instansi ini untuk wilayah laporan.', en: 'No handling desk of this pillar or agency for the report’s region.' },
  'cursor.invalid': { id: 'Kursor halaman tidak valid; mulai lagi dari halaman pertama.', en: 'Invalid page cursor; start again from the first page.' },
  'region.other_province': { id: 'Desa harus berada di provinsi yang sama dengan draf.', en: 'The village must be in the same province as the draft.' },
  'incident.report_unknown': { id: 'Sebagian laporan tidak ditemukan atau di luar cakupan akun Anda.', en: 'Some reports were not found or lie outside your account scope.' },
  'incident.other_province': { id: 'Laporan satu kejadian harus berada di provinsi yang sama.', en: 'The reports of one incident must be in the same province.' },
  'incident.region_out_of_scope': { id: 'Laporan-laporan ini bersama-sama mencakup wilayah di luar cakupan akun Anda.', en: 'Together these reports span a region outside your account scope.' },
  'incident.report_taken': { id: 'Laporan sudah termasuk kejadian lain; keluarkan dulu dari kejadian itu.', en: 'The report already belongs to another incident; remove it from that one first.' },
  'incident.not_member': { id: 'Laporan ini bukan bagian dari kejadian ini.', en: 'This report is not part of this incident.' },
  'incident.would_be_empty': { id: 'Kejadian harus tetap memiliki minimal satu laporan; tutup kejadian bila sudah selesai.', en: 'An incident keeps at least one report; close the incident instead.' },
  'incident.id_taken': { id: 'Id kejadian ini sudah dipakai.', en: 'This incident id is already taken.' },
  'attachment.missing': { id: 'Kirim berkas pada kolom "file".', en: 'Send the file in the "file" field.' },
  'attachment.one_file': { id: 'Kirim satu berkas per unggahan.', en: 'Send one file per upload.' },
  'attachment.type': { id: 'Jenis berkas tidak didukung: hanya foto JPEG, PNG, WebP, atau dokumen PDF.', en: 'Unsupported file type: only JPEG, PNG or WebP photos, or PDF documents.' },
  'attachment.too_large': { id: 'Berkas lebih besar dari 10 MB.', en: 'The file is larger than 10 MB.' },
  'attachment.unreadable': { id: 'Foto tidak dapat dibaca (rusak atau terpotong).', en: 'The photo cannot be read (damaged or truncated).' },
  'attachment.exif_not_allowed': { id: 'Hanya pelapor atau meja verifikasi yang dapat menyalin lokasi/waktu foto ke laporan.', en: 'Only the reporter or a verifying desk may copy the photo’s location/time into the report.' },
  'attachment.use_exif': { id: 'Nilai useExif harus "true" atau "false".', en: 'useExif must be "true" or "false".' },
  'pow.reused': { id: 'Tantangan anti-spam ini sudah dipakai. Muat ulang formulir lalu kirim lagi.', en: 'This anti-spam challenge was already used. Reload the form and submit again.' },
  'pow.too_easy': { id: 'Tingkat kesulitan anti-spam tidak mencukupi. Muat ulang formulir.', en: 'The anti-spam difficulty is too low. Reload the form.' },
  'receipt.invalid': { id: 'Kode tanda terima tidak valid (contoh: SNG-7K3Q-9XPM).', en: 'Invalid receipt code (e.g. SNG-7K3Q-9XPM).' },
  'channel.id_invalid': { id: 'Id kanal: huruf kecil, angka, garis bawah atau tanda hubung (3–64 karakter).', en: 'Channel id: lowercase letters, digits, underscores or hyphens (3–64 characters).' },
  'channel.region_level': { id: 'Wilayah kanal harus kabupaten/kota (contoh: 33.10).', en: 'The channel region must be a regency or city (e.g. 33.10).' },
  'channel.secret_short': { id: 'Rahasia kanal minimal 16 karakter.', en: 'The channel secret needs at least 16 characters.' },
  'webhook.url_invalid': { id: 'Alamat webhook harus URL http(s) tanpa nama pengguna/kata sandi.', en: 'The webhook address must be an http(s) URL without user name or password.' },
  'webhook.topics_required': { id: 'Pilih minimal satu topik.', en: 'Choose at least one topic.' },
  'webhook.topic_unknown': { id: 'Topik tidak dikenal: {0}.', en: 'Unknown topic: {0}.' },
  'webhook.secret_short': { id: 'Rahasia webhook minimal 16 karakter.', en: 'The webhook secret needs at least 16 characters.' },
  'notification.id_invalid': { id: 'Id notifikasi tidak valid.', en: 'Invalid notification id.' },
  'range.invalid': { id: 'Rentang waktu harus 7, 14, 30 atau 90 hari.', en: 'The range must be 7, 14, 30 or 90 days.' },
  'election.invalid': { id: 'Id pemilihan tidak valid.', en: 'Invalid election id.' },
  'election.unknown': { id: 'Pemilihan tidak dikenal atau di luar cakupan akun Anda.', en: 'Unknown election, or outside your account scope.' },
  'stage.unknown': { id: 'Tahapan tidak ada pada pemilihan ini.', en: 'This election has no such stage.' },
  'inbound.empty': { id: 'Tidak ada pesan dalam kiriman.', en: 'The request holds no message.' },
  'sitrep.region_level': { id: 'Laporan situasi dibuat untuk provinsi, kabupaten/kota, atau kecamatan.', en: 'A situation report is made for a province, regency/city or district.' },
  'sitrep.section_code': { id: 'Kode bagian: huruf kecil, angka atau garis bawah (2–40).', en: 'Section code: lowercase letters, digits or underscore (2–40).' },
  'sitrep.section_duplicate': { id: 'Kode bagian tidak boleh ganda.', en: 'Section codes must be unique.' },
  'sitrep.body_required': { id: 'Isi bagian ini sebelum dikirim.', en: 'Fill in this section before submitting.' },
  'sitrep.sections_pending': { id: 'Semua bagian harus dikirim sebelum disetujui.', en: 'Every section must be submitted before approval.' },
  'sitrep.not_draft': { id: 'Laporan ini sudah disetujui atau dirilis; tidak dapat diubah.', en: 'This report is already approved or released; it cannot change.' },
  'sitrep.not_approved': { id: 'Laporan harus disetujui sebelum dirilis.', en: 'The report must be approved before release.' },
  'sitrep.not_released': { id: 'Hanya laporan yang sudah dirilis dapat direvisi.', en: 'Only a released report can be revised.' },
  'sitrep.already_revised': { id: 'Laporan ini sudah memiliki revisi yang lebih baru.', en: 'This report already has a newer revision.' },
  'sitrep.section_unknown': { id: 'Bagian tidak dikenal.', en: 'Unknown section.' },
  'date.future': { id: 'Tanggal tidak boleh di masa depan.', en: 'The date cannot be in the future.' },
};

/** Translate a field message key, or return the text unchanged when it is not a key. */
export function translateFieldMessage(message: string, lang: TLang): string {
  const [key = '', ...args] = message.split(':');
  const entry = FIELD_MESSAGES[key];
  if (!entry) return message;
  return entry[lang].replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

/** Pick the product language from an Accept-Language header: Indonesian unless English is preferred over it. */
export function pickLang(acceptLanguage: string | undefined | null): TLang {
  if (!acceptLanguage) return 'id';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag, q: q ? Number(q.trim().slice(2)) || 0 : 1, index };
    })
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('id') || tag.startsWith('in')) return 'id';
    if (tag.startsWith('en')) return 'en';
  }
  return 'id';
}
