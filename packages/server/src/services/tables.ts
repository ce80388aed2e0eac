import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../errors.js';

/**
 * Read the first sheet of an XLSX file or a CSV file (comma or semicolon, as Indonesian
 * Excel exports it) into objects keyed by the header row.
 */
export async function readTable(filename: string, buffer: Buffer): Promise<Record<string, unknown>[]> {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.xlsx')) return readXlsx(buffer);
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return readCsv(buffer);
  throw new AppError('unsupported_media_type', `unsupported table file ${filename}`, {
    userMessage: { id: 'Format berkas harus CSV atau XLSX.', en: 'The file must be CSV or XLSX.' },
  });
}

function readCsv(buffer: Buffer): Record<string, unknown>[] {
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(text, { columns: (h: string[]) => h.map((c) => c.trim()), skip_empty_lines: true, trim: true, delimiter, relax_column_count: true });
  } catch (error) {
    throw new AppError('validation', `csv: ${(error as Error).message}`, {
      fields: [{ path: 'file', message: `CSV: ${(error as Error).message}` }],
    });
  }
}

async function readXlsx(buffer: Buffer): Promise<Record<string, unknown>[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (error) {
    throw new AppError('validation', `xlsx: ${(error as Error).message}`, {
      fields: [{ path: 'file', message: 'XLSX tidak dapat dibaca / unreadable XLSX' }],
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const headers: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    headers[col] = String(cell.text ?? '').trim();
  });
  const rows: Record<string, unknown>[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const out: Record<string, unknown> = {};
    let any = false;
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const key = headers[col];
      if (!key) return;
      out[key] = cell.text;
      if (String(cell.text).trim() !== '') any = true;
    });
    if (any) rows.push(out);
  }
  return rows;
}
