import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewReportRow } from '../src/db/repositories/reports.js';
import { BACKENDS, createTestApp, createTestUser, insertReportRows, reportRowFixture, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';
const CAWAS = '33.10.05';
const TRICKY_TITLE = 'Amplop, "serangan fajar"\nbaris kedua';
const FORMULA = '=HYPERLINK("http://contoh.invalid","klik")';

describe.each(BACKENDS)('report exports on %s', (backend) => {
  let t: TestApp;
  let kesbang: Agent;
  let cawasDesk: Agent;
  let bayatVillages: string[];
  let cawasVillages: string[];
  const BAYAT_ROWS = 2500;
  const CAWAS_ROWS = 300;
  let trickyId: string;
  let secretId: string;

  /** A report row straight into the table (factory: thousands of rows without going through HTTP). */
  function row(regionCode: string, i: number, over: Partial<NewReportRow> = {}): NewReportRow {
    const at = new Date(t.clock.now.getTime() - (i + 1) * 60_000);
    return reportRowFixture(regionCode, at, {
      category: i % 2 ? 'hoaks' : 'politik_uang',
      severity: 1 + (i % 4),
      title: `Laporan nomor ${i}`,
      lat: i % 3 === 0 ? -7.7 - i / 100_000 : null,
      lon: i % 3 === 0 ? 110.6 : null,
      reporterName: 'Bripka Agus',
      reporterId: randomUUID(),
      ...over,
    });
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    bayatVillages = t.regions.descendantsAt(BAYAT, 'village');
    cawasVillages = t.regions.descendantsAt(CAWAS, 'village');
    const rows: NewReportRow[] = [];
    for (let i = 0; i < BAYAT_ROWS - 2; i++) rows.push(row(bayatVillages[i % bayatVillages.length]!, i));
    const tricky = row(bayatVillages[0]!, BAYAT_ROWS, { title: TRICKY_TITLE, description: FORMULA, involved: '+62 812 0000; -kelompok A; @admin', lat: -7.75, lon: 110.62 });
    const secret = row(bayatVillages[1]!, BAYAT_ROWS + 1, { confidential: true, reporterName: 'Nama Rahasia' });
    trickyId = tricky.id!;
    secretId = secret.id!;
    rows.push(tricky, secret);
    for (let i = 0; i < CAWAS_ROWS; i++) rows.push(row(cawasVillages[i % cawasVillages.length]!, i, { title: `Laporan Cawas ${i}` }));
    for (let i = 0; i < rows.length; i += 500) await insertReportRows(t.handle, rows.slice(i, i + 500));
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: ['33.10'], pillarCode: 'kesbangpol' });
    await createTestUser(t.handle, { username: 'panwascam.cawas', role: 'district_desk', scopes: [CAWAS], pillarCode: 'bawaslu' });
    kesbang = await t.login('kesbang');
    cawasDesk = await t.login('panwascam.cawas');
  });
  afterAll(async () => t?.dispose());

  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(t.clock.now);

  it('streams the whole filtered set as CSV with a BOM, Indonesian headers, escaping and the formula guard', async () => {
    const res = await kesbang.get(`/api/reports?region=${BAYAT}&format=csv&limit=5`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="laporan-${BAYAT}-${today()}.csv"`);
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes.subarray(3), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(BAYAT_ROWS); // limit=5 does not cut an export
    expect(Object.keys(records[0]!)).toEqual(expect.arrayContaining(['ID laporan', 'Waktu kejadian', 'Kategori', 'Judul', 'Uraian', 'Pelapor', 'Lintang', 'Bujur']));
    expect(new Set(records.map((r) => r['ID laporan'])).size).toBe(BAYAT_ROWS);
    expect(records.every((r) => r['Kode wilayah']!.startsWith(`${BAYAT}.`))).toBe(true);
    const tricky = records.find((r) => r['ID laporan'] === trickyId)!;
    expect(tricky.Judul).toBe(TRICKY_TITLE);
    expect(tricky.Uraian).toBe(`'${FORMULA}`);
    expect(tricky['Pihak terlibat']).toBe("'+62 812 0000; -kelompok A; @admin");
    expect(tricky.Lintang).toBe('-7.75'); // a negative number is a number, not a formula
    expect(tricky.Kategori).toBe('Politik uang');
    const secret = records.find((r) => r['ID laporan'] === secretId)!;
    expect(secret.Pelapor).toBe('(dirahasiakan)');
    expect(bytes.includes(Buffer.from('Nama Rahasia'))).toBe(false);
    expect(records.find((r) => r['ID laporan'] !== secretId)!.Pelapor).toBe('Bripka Agus');
    const [audit] = await t.handle.query<{ after: { format: string; region: string } }>("SELECT after FROM audit_log WHERE action = 'report.export' ORDER BY id DESC LIMIT 1");
    expect(audit!.after).toMatchObject({ format: 'csv', region: BAYAT });
  });

  it('applies the same filters as the list, and gives a desk of another district none of this one', async () => {
    const filtered = parse((await kesbang.get(`/api/reports?region=${BAYAT}&category=hoaks&severity=2&format=csv`)).rawPayload, { columns: true, bom: true }) as Record<string, string>[];
    const [expected] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM reports WHERE district_code = $1 AND category = 'hoaks' AND severity = 2", [BAYAT]);
    expect(filtered).toHaveLength(Number(expected!.n));
    expect(filtered.length).toBeGreaterThan(100);
    expect(filtered.every((r) => r['Kode kategori'] === 'hoaks' && r['Tingkat keparahan'] === '2')).toBe(true);

    const res = await cawasDesk.get('/api/reports?format=csv');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="laporan-${CAWAS}-${today()}.csv"`);
    const theirs = parse(res.rawPayload, { columns: true, bom: true }) as Record<string, string>[];
    expect(theirs).toHaveLength(CAWAS_ROWS);
    expect(theirs.every((r) => r['Kode wilayah']!.startsWith(`${CAWAS}.`))).toBe(true);
    expect((await cawasDesk.get(`/api/reports?region=${BAYAT}&format=csv`)).statusCode).toBe(403);
    expect((await cawasDesk.get(`/api/reports?region=${BAYAT}&format=xlsx`)).statusCode).toBe(403);
    expect((await cawasDesk.get('/api/reports?format=pdf')).statusCode).toBe(400);
    expect((await cawasDesk.get('/api/reports?format=csv&severity=9')).statusCode).toBe(400);
  });

  it('streams XLSX with the same rows', async () => {
    const res = await kesbang.get(`/api/reports?region=${BAYAT}&format=xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="laporan-${BAYAT}-${today()}.xlsx"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Laporan')!;
    expect(sheet.rowCount).toBe(BAYAT_ROWS + 1);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header[0]).toBe('ID laporan');
    const titleCol = header.indexOf('Judul') + 1;
    const descCol = header.indexOf('Uraian') + 1;
    let found = false;
    sheet.eachRow((r) => {
      if (r.getCell(1).value === trickyId) {
        found = true;
        expect(r.getCell(titleCol).value).toBe(TRICKY_TITLE);
        // a typed string cell: shown as text, never evaluated, so kept as written
        expect(r.getCell(descCol).type).toBe(ExcelJS.ValueType.String);
        expect(r.getCell(descCol).value).toBe(FORMULA);
      }
    });
    expect(found).toBe(true);
  });

  it('streams the located reports as a GeoJSON FeatureCollection', async () => {
    const res = await kesbang.get(`/api/reports?region=${BAYAT}&format=geojson`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    const fc = res.json();
    const [located] = await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM reports WHERE district_code = $1 AND lat IS NOT NULL', [BAYAT]);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(Number(located!.n));
    const tricky = fc.features.find((f: { id: string }) => f.id === trickyId);
    expect(tricky).toMatchObject({ type: 'Feature', geometry: { type: 'Point', coordinates: [110.62, -7.75] }, properties: { title: TRICKY_TITLE } });
    const empty = (await cawasDesk.get('/api/reports?format=geojson&category=konflik_sosial')).json();
    expect(empty).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
