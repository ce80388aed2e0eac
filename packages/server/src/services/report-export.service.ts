import { PassThrough, Readable, pipeline } from 'node:stream';
import { once } from 'node:events';
import { NATIONAL_SCOPE, REPORT_STATUS_LABELS, timeZoneOf, type TLang, type TReport, type TReportListQuery } from '@sinergi/domain';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { insertAudit } from '../db/repositories/audit.js';
import { findOrganisationNames } from '../db/repositories/reports.js';
import { presentReport } from '../presenters/reports.js';
import type { RequestContext } from './context.js';
import { iterateReports, toReportFilter, type ReportsDeps } from './reports.service.js';
import { taxonomyInForce } from './taxonomy.service.js';

/** The streamed formats of the report list. */
export type TExportFormat = 'csv' | 'xlsx' | 'geojson';

export interface ReportExport {
  stream: Readable;
  filename: string;
  contentType: string;
}

const CONTENT_TYPES: Record<TExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  geojson: 'application/geo+json; charset=utf-8',
};

type Cell = string | number | boolean | Date | null;

/** The columns of the CSV and XLSX exports: Indonesian headers first (the product's language), English on request. */
const COLUMNS: { key: string; id: string; en: string; width: number; value: (r: TReport, lang: TLang) => Cell }[] = [
  { key: 'id', id: 'ID laporan', en: 'Report ID', width: 38, value: (r) => r.id },
  { key: 'occurredAt', id: 'Waktu kejadian', en: 'Occurred at', width: 22, value: (r) => new Date(r.occurredAt) },
  { key: 'category', id: 'Kode kategori', en: 'Category code', width: 20, value: (r) => r.category },
  { key: 'categoryLabel', id: 'Kategori', en: 'Category', width: 28, value: (r, lang) => r.categoryLabel?.[lang] ?? null },
  { key: 'subcategory', id: 'Subkategori', en: 'Subcategory', width: 16, value: (r) => r.subcategory },
  { key: 'severity', id: 'Tingkat keparahan', en: 'Severity', width: 10, value: (r) => r.severity },
  { key: 'regionCode', id: 'Kode wilayah', en: 'Region code', width: 16, value: (r) => r.regionCode },
  { key: 'regionName', id: 'Desa/kelurahan', en: 'Village', width: 22, value: (r) => r.regionName ?? null },
  { key: 'title', id: 'Judul', en: 'Title', width: 40, value: (r) => r.title },
  { key: 'description', id: 'Uraian', en: 'Description', width: 60, value: (r) => r.description },
  { key: 'involved', id: 'Pihak terlibat', en: 'Involved', width: 30, value: (r) => r.involved },
  { key: 'source', id: 'Sumber', en: 'Source', width: 14, value: (r) => r.source },
  { key: 'status', id: 'Status', en: 'Status', width: 14, value: (r, lang) => REPORT_STATUS_LABELS[r.status][lang] },
  { key: 'stage', id: 'Tahapan', en: 'Stage', width: 20, value: (r) => r.stageName },
  { key: 'escalationLevel', id: 'Tingkat eskalasi', en: 'Escalation level', width: 14, value: (r) => r.escalationLevel },
  { key: 'assignedOrg', id: 'Ditugaskan ke', en: 'Assigned to', width: 28, value: (r) => r.assignedOrg?.name ?? null },
  { key: 'reporter', id: 'Pelapor', en: 'Reporter', width: 24, value: (r, lang) => r.reporter?.name ?? (r.confidential ? (lang === 'id' ? '(dirahasiakan)' : '(confidential)') : null) },
  { key: 'lat', id: 'Lintang', en: 'Latitude', width: 12, value: (r) => r.lat },
  { key: 'lon', id: 'Bujur', en: 'Longitude', width: 12, value: (r) => r.lon },
  { key: 'incidentId', id: 'ID kejadian', en: 'Incident ID', width: 38, value: (r) => r.incidentId },
  { key: 'outcome', id: 'Hasil penanganan', en: 'Outcome', width: 40, value: (r) => r.outcome ?? null },
  { key: 'rejectionReason', id: 'Alasan penolakan', en: 'Rejection reason', width: 30, value: (r) => r.rejectionReason ?? null },
  { key: 'createdAt', id: 'Diterima', en: 'Received at', width: 22, value: (r) => new Date(r.createdAt) },
];

/** `laporan-33.10-2026-11-23.csv`: the region asked for (or the caller's single scope) and the local date. */
export function exportFilename(ctx: RequestContext, query: TReportListQuery, format: TExportFormat): string {
  const scopes = ctx.actor.scopes;
  const region = query.region ?? (scopes.length === 1 ? scopes[0]! : 'cakupan');
  const place = region === NATIONAL_SCOPE ? 'nasional' : region;
  const zone = /^\d{2}/.test(place) ? timeZoneOf(place) : 'Asia/Jakarta';
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ctx.now);
  return `laporan-${place}-${date}.${format}`;
}

/** Presented reports of the whole filtered set, page by page (1000 rows at a time), never more in memory. */
async function* presentedPages(deps: ReportsDeps, ctx: RequestContext, query: TReportListQuery, lang: TLang): AsyncGenerator<TReport[]> {
  const { config: taxonomy } = await taxonomyInForce(deps.handle, ctx.now);
  for await (const rows of iterateReports(deps, ctx, query)) {
    const orgNames = await findOrganisationNames(deps.handle.db, [...new Set(rows.map((r) => r.assignedOrgId).filter((x): x is string => !!x))]);
    // presentReport hides a confidential reporter exactly as the list does
    yield rows.map((row) => presentReport(row, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames, taxonomy }));
  }
}

function csvStream(pages: AsyncGenerator<TReport[]>, lang: TLang): Readable {
  async function* records() {
    for await (const page of pages) {
      for (const r of page) yield Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(r, lang)]));
    }
  }
  const stringifier = stringify({
    bom: true, // Excel opens UTF-8 correctly only with a BOM
    header: true,
    columns: COLUMNS.map((c) => ({ key: c.key, header: c[lang] })),
    // OWASP CSV injection: a cell starting with = + - @ tab or CR gets a leading quote (negative numbers stay numbers)
    escape_formulas: true,
    cast: { date: (d) => d.toISOString(), boolean: (b) => (b ? 'ya' : 'tidak') },
  });
  return pipeline(Readable.from(records()), stringifier, () => {
    /* an error destroys the response stream; Fastify logs it */
  });
}

function xlsxStream(pages: AsyncGenerator<TReport[]>, lang: TLang): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(lang === 'id' ? 'Laporan' : 'Reports', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c[lang], key: c.key, width: c.width, ...(c.key === 'occurredAt' || c.key === 'createdAt' ? { style: { numFmt: 'yyyy-mm-dd hh:mm' } } : {}) }));
  (async () => {
    for await (const page of pages) {
      // cells are typed values (strings stay strings, never formulas), so no quote prefix is needed here
      for (const r of page) sheet.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(r, lang)]))).commit();
      // let a slow client drain what is written before reading the next page; stop if it went away
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      if (out.destroyed) return;
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

function geojsonStream(pages: AsyncGenerator<TReport[]>, lang: TLang): Readable {
  async function* chunks() {
    yield '{"type":"FeatureCollection","features":[';
    let first = true;
    for await (const page of pages) {
      const features = page
        .filter((r) => r.lat !== null && r.lon !== null)
        .map((r) =>
          JSON.stringify({
            type: 'Feature',
            id: r.id,
            geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
            properties: {
              title: r.title,
              category: r.category,
              categoryLabel: r.categoryLabel?.[lang] ?? null,
              severity: r.severity,
              status: r.status,
              regionCode: r.regionCode,
              regionName: r.regionName ?? null,
              occurredAt: r.occurredAt,
              incidentId: r.incidentId,
            },
          }),
        );
      if (features.length === 0) continue;
      yield (first ? '' : ',') + features.join(',');
      first = false;
    }
    yield ']}';
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * Export the whole filtered report list as CSV, XLSX or GeoJSON (located reports only). The same
 * filters and scope as the list; streamed page by page so memory stays flat at any size. Each
 * export is audited (what was taken out, by whom, with which filter).
 */
export async function exportReports(deps: ReportsDeps, ctx: RequestContext, query: TReportListQuery, format: TExportFormat, lang: TLang): Promise<ReportExport> {
  toReportFilter(deps, ctx, query); // validate scope and region before the first byte is sent
  const { cursor: _cursor, limit: _limit, ...filter } = query;
  await insertAudit(deps.handle.db, {
    actorId: ctx.actor.id,
    actorName: ctx.actor.username,
    action: 'report.export',
    entity: 'report',
    entityId: null,
    regionCode: query.region ?? null,
    after: { ...filter, format },
    ip: ctx.ip,
  });
  const pages = presentedPages(deps, ctx, query, lang);
  const stream = format === 'csv' ? csvStream(pages, lang) : format === 'xlsx' ? xlsxStream(pages, lang) : geojsonStream(pages, lang);
  return { stream, filename: exportFilename(ctx, query, format), contentType: CONTENT_TYPES[format] };
}
