import { createRequire } from 'node:module';
import path from 'node:path';
import {
  CATEGORIES,
  DEFAULT_TAXONOMY_CONFIG,
  ESCALATION_LEVEL_LABELS,
  REPORT_STATUS_LABELS,
  SEVERITY_LABELS,
  categoryLabelIn,
  type TCategoryCode,
  type TEscalationLevel,
  type TReportStatus,
  type TSeverity,
  type TSitrep,
  type TTaxonomyConfig,
} from '@sinergi/domain';

/*
 * The situation report as a PDF, built on the server with pdfmake (pure JavaScript, no browser):
 * Indonesian, A4, with the region, date and zone in the header, the numbers as tables, the
 * sections, the approver, and a DATA DEMO watermark on demo data.
 */

const require = createRequire(import.meta.url);
interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}
let engine: PdfMake | null = null;

function pdfmake(): PdfMake {
  if (engine) return engine;
  const pm = require('pdfmake') as PdfMake;
  const fontDir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  pm.setFonts({
    Roboto: {
      normal: path.join(fontDir, 'Roboto-Regular.ttf'),
      bold: path.join(fontDir, 'Roboto-Medium.ttf'),
      italics: path.join(fontDir, 'Roboto-Italic.ttf'),
      bolditalics: path.join(fontDir, 'Roboto-MediumItalic.ttf'),
    },
  });
  // the document holds only our own text: no remote resource, no file but the fonts
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy((p) => path.resolve(p).startsWith(fontDir));
  engine = pm;
  return pm;
}

const ZONES = { WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' } as const;
const num = new Intl.NumberFormat('id-ID');

/** "Senin, 23 November 2026" for a local date. */
export function formatLongDate(date: string): string {
  return new Intl.DateTimeFormat('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** "23/11/2026 17.05 WIB" for an instant in the report's zone. */
function formatInstant(iso: string | null, zone: keyof typeof ZONES): string {
  if (!iso) return '–';
  const text = new Intl.DateTimeFormat('id-ID', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: ZONES[zone] }).format(new Date(iso));
  return `${text} ${zone}`;
}

const LEVEL_NAMES: Record<string, string> = { province: 'Provinsi', regency: 'Kabupaten/Kota', district: 'Kecamatan' };
const ALERT_STATUS: Record<string, string> = { open: 'Terbuka', acknowledged: 'Diterima', closed: 'Ditutup' };
const VULN: Record<string, string> = { rendah: 'Rendah', sedang: 'Sedang', tinggi: 'Tinggi' };

/** "Kabupaten Klaten" as it is named; "Kecamatan Bayat" where the name lacks the level. */
function regionTitle(s: Pick<TSitrep, 'level' | 'regionName'>): string {
  if (/^(provinsi|kabupaten|kota|kecamatan|daerah)\b/i.test(s.regionName)) return s.regionName;
  return `${LEVEL_NAMES[s.level] ?? ''} ${s.regionName}`.trim();
}

function categoryLabel(code: string, taxonomy: TTaxonomyConfig): string {
  return code in CATEGORIES ? categoryLabelIn(taxonomy, code as TCategoryCode).id : code === 'draft' ? 'Belum dikategorikan (draf)' : code;
}

function table(headers: string[], rows: (string | number)[][], widths: (string | number)[]) {
  return {
    table: {
      headerRows: 1,
      widths,
      body: [headers.map((h) => ({ text: h, style: 'th' })), ...rows.map((r) => r.map((c, i) => ({ text: typeof c === 'number' ? num.format(c) : c, alignment: typeof c === 'number' || i > 0 && /^[\d.,–]+$/.test(String(c)) ? 'right' : 'left' })))],
    },
    layout: 'lightHorizontalLines',
    margin: [0, 2, 0, 10],
  };
}

const empty = (text: string) => ({ text, italics: true, color: '#555', margin: [0, 0, 0, 10] });

/** Render a situation report (as the API presents it) to PDF bytes; categories named as `taxonomy` (the one in force) labels them. */
export async function renderSitrepPdf(s: TSitrep, taxonomy: TTaxonomyConfig = DEFAULT_TAXONOMY_CONFIG): Promise<Buffer> {
  const n = s.numbers;
  const zone = s.timeZone;
  const statusText = s.status === 'released' ? 'DIRILIS' : s.status === 'approved' ? 'DISETUJUI — BELUM DIRILIS' : 'DRAF — BELUM DISETUJUI';
  const title = `LAPORAN SITUASI HARIAN${s.revision > 1 ? ` (REVISI ${s.revision})` : ''}`;
  const content: unknown[] = [
    { text: title, style: 'title' },
    { text: `${regionTitle(s)} (${s.regionCode})`, style: 'subtitle' },
    { text: `${formatLongDate(s.date)} · zona waktu ${zone}`, style: 'subtitle' },
    {
      columns: [
        { text: `Periode data: ${formatInstant(n.from, zone)} s.d. ${formatInstant(n.to, zone)}`, fontSize: 8 },
        { text: `Status: ${statusText}`, fontSize: 8, alignment: 'right', bold: true },
      ],
      margin: [0, 4, 0, 10],
    },
  ];
  if (s.isDemo) content.push({ text: 'DATA DEMO — bukan data sebenarnya. Laporan ini dibuat dari data simulasi untuk pelatihan dan peragaan.', style: 'demo' });

  content.push({ text: '1. Ringkasan angka hari ini', style: 'h2' });
  content.push(
    table(
      ['Uraian', 'Jumlah'],
      [
        ['Laporan masuk', n.received],
        ['Laporan selesai ditangani', n.resolved],
        ['Laporan dieskalasi', n.escalated],
        ['Laporan masih terbuka (akhir periode)', n.openAtEnd],
        ['Melewati batas waktu layanan (SLA)', n.overdue],
      ],
      ['*', 80],
    ),
  );
  content.push({ text: 'Laporan masuk menurut kategori', style: 'h3' });
  content.push(n.byCategory.length ? table(['Kategori', 'Jumlah'], n.byCategory.map((c) => [categoryLabel(c.category, taxonomy), c.count]), ['*', 80]) : empty('Tidak ada laporan masuk.'));
  content.push({
    columns: [
      [{ text: 'Menurut tingkat keparahan', style: 'h3' }, n.bySeverity.length ? table(['Keparahan', 'Jumlah'], n.bySeverity.map((r) => [`${r.severity} – ${SEVERITY_LABELS[r.severity as TSeverity]?.label.id ?? ''}`, r.count]), ['*', 50]) : empty('–')],
      [{ text: 'Menurut status saat ini', style: 'h3' }, n.byStatus.length ? table(['Status', 'Jumlah'], n.byStatus.map((r) => [REPORT_STATUS_LABELS[r.status as TReportStatus]?.id ?? r.status, r.count]), ['*', 50]) : empty('–')],
    ],
    columnGap: 16,
  });

  content.push({ text: '2. Wilayah paling rawan', style: 'h2' });
  content.push(
    n.topRegions.length
      ? table(['Wilayah', 'Skor', 'Tingkat'], n.topRegions.map((r) => [`${r.regionName} (${r.regionCode})`, r.score === null ? '–' : r.score.toLocaleString('id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 }), r.level ? (VULN[r.level] ?? r.level) : '–']), ['*', 60, 70])
      : empty('Belum ada skor kerawanan untuk wilayah di bawahnya.'),
  );

  content.push({ text: '3. Eskalasi yang masih terbuka', style: 'h2' });
  content.push(
    n.escalations.length
      ? table(
          ['Laporan', 'Wilayah', 'Kep.', 'Tingkat', 'Status'],
          n.escalations.map((e) => [`${e.title}${e.category ? ` (${categoryLabel(e.category, taxonomy)})` : ''}`, e.regionName, String(e.severity), ESCALATION_LEVEL_LABELS[e.escalationLevel as TEscalationLevel]?.label.id ?? e.escalationLevel, REPORT_STATUS_LABELS[e.status as TReportStatus]?.id ?? e.status]),
          ['*', 80, 28, 60, 60],
        )
      : empty('Tidak ada eskalasi terbuka pada tingkat ini.'),
  );

  content.push({ text: '4. Peringatan dini hari ini', style: 'h2' });
  content.push(
    n.alerts.length
      ? table(
          ['Waktu', 'Wilayah', 'Peringatan', 'Status'],
          n.alerts.map((a) => [formatInstant(a.createdAt, zone).replace(/^\S+\s/, ''), a.regionName, `${a.cause.id}${a.isProvisional ? ' (sementara)' : ''}`, ALERT_STATUS[a.status] ?? a.status]),
          [60, 80, '*', 60],
        )
      : empty('Tidak ada peringatan dini pada hari ini.'),
  );

  content.push({ text: '5. Laporan per pilar', style: 'h2' });
  s.sections.forEach((sec, i) => {
    content.push({ text: `5.${i + 1} ${sec.title} — ${sec.pillarName}`, style: 'h3' });
    content.push({ text: sec.body.trim() || '(belum diisi)', margin: [0, 0, 0, 2], italics: !sec.body.trim() });
    content.push({ text: sec.status === 'submitted' ? `Dikirim oleh ${sec.submittedBy ?? '–'}, ${formatInstant(sec.submittedAt, zone)}` : 'Belum dikirim', fontSize: 8, color: '#555', margin: [0, 0, 0, 8] });
  });

  content.push({
    margin: [0, 16, 0, 0],
    columns: [
      { width: '*', text: '' },
      {
        width: 220,
        stack: s.approvedBy
          ? [
              { text: 'Disetujui oleh', fontSize: 9 },
              { text: s.approvedBy, bold: true, margin: [0, 18, 0, 0] },
              { text: s.approverPosition ?? 'Desk Kesbangpol', fontSize: 9 },
              { text: formatInstant(s.approvedAt, zone), fontSize: 8, color: '#555' },
              s.releasedAt ? { text: `Dirilis ${formatInstant(s.releasedAt, zone)}`, fontSize: 8, color: '#555' } : { text: '' },
            ]
          : [{ text: 'Belum disetujui desk Kesbangpol', italics: true }],
      },
    ],
  });

  const doc = {
    pageSize: 'A4',
    pageMargins: [40, 56, 40, 48],
    info: { title: `Laporan Situasi Harian ${s.regionName} ${s.date}`, author: 'Sinergi', subject: 'Laporan situasi harian (lapsitharian)' },
    header: () => ({
      columns: [
        { text: `SINERGI · Lapsitharian ${s.regionName} · ${s.date} (${zone})`, fontSize: 8, color: '#444' },
        { text: s.isDemo ? 'DATA DEMO' : 'TERBATAS', fontSize: 8, bold: true, alignment: 'right', color: s.isDemo ? '#b00020' : '#444' },
      ],
      margin: [40, 24, 40, 0],
    }),
    footer: (page: number, pages: number) => ({ text: `Halaman ${page} dari ${pages}`, alignment: 'center', fontSize: 8, color: '#444', margin: [0, 16, 0, 0] }),
    ...(s.isDemo ? { watermark: { text: 'DATA DEMO', color: '#b00020', opacity: 0.12, bold: true } } : {}),
    content,
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2 },
    styles: {
      title: { fontSize: 16, bold: true, alignment: 'center' },
      subtitle: { fontSize: 11, alignment: 'center' },
      h2: { fontSize: 12, bold: true, margin: [0, 8, 0, 4] },
      h3: { fontSize: 10, bold: true, margin: [0, 4, 0, 2] },
      th: { bold: true, fillColor: '#eeeeee' },
      demo: { fontSize: 9, bold: true, color: '#b00020', margin: [0, 0, 0, 8] },
    },
  };
  return pdfmake().createPdf(doc).getBuffer();
}
