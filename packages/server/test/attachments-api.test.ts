import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../src/demo/index.js';
import { BACKENDS, createTestApp, createTestUser, type Agent, type TestApp } from './helpers.js';

const BAYAT = '33.10.04';

/** A multipart/form-data body, built by hand so the test controls every byte (declared types included). */
function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer; field?: string }) {
  const boundary = `----sinergi${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    chunks.push(file.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** "YYYY:MM:DD HH:MM:SS" in WIB, as a camera in Klaten writes it. */
function exifTime(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
}

async function photoWithGps(takenAt: Date, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const image = sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 180, g: 40, b: 40 } } }).withExif({
    IFD0: { Make: 'Sinergi', Model: 'Kamera Uji', Artist: 'Bripka Agus' },
    IFD2: { DateTimeOriginal: exifTime(takenAt), OffsetTimeOriginal: '+07:00' },
    IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '7/1 42/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '110/1 36/1 0/1' },
  });
  return format === 'jpeg' ? image.jpeg().toBuffer() : image.png().toBuffer();
}

function storedFiles(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
}

describe.each(BACKENDS)('report attachments on %s', (backend) => {
  let t: TestApp;
  let bhabin: Agent;
  let panwascam: Agent;
  let villages: string[];

  async function report(over: Record<string, unknown> = {}): Promise<string> {
    const id = randomUUID();
    const res = await bhabin.post('/api/reports', {
      id,
      category: 'politik_uang',
      severity: 2,
      regionCode: villages[0],
      occurredAt: new Date(t.clock.now.getTime() - 3600_000).toISOString(),
      title: 'Pembagian amplop dekat balai desa',
      description: 'Foto terlampir.',
      ...over,
    });
    expect(res.statusCode, res.body).toBe(201);
    return id;
  }
  const upload = (agent: Agent, reportId: string, body: ReturnType<typeof multipart>) =>
    agent.request({ method: 'POST', url: `/api/reports/${reportId}/attachments`, payload: body.payload, headers: body.headers });
  const attachmentRows = async (reportId: string) =>
    Number((await t.handle.query<{ n: number }>('SELECT count(*)::int AS n FROM report_attachments WHERE report_id = $1', [reportId]))[0]!.n);

  beforeAll(async () => {
    t = await createTestApp(backend);
    villages = t.regions.descendantsAt(BAYAT, 'village');
    await seedDemoElection({ handle: t.handle, regions: t.regions, elections: t.elections, reportWriter: t.reportWriter }, t.clock.now);
    await createTestUser(t.handle, { username: 'bhabin', role: 'field_officer', scopes: villages.slice(0, 3), pillarCode: 'polri', fullName: 'Bripka Agus' });
    await createTestUser(t.handle, { username: 'bhabin.lain', role: 'field_officer', scopes: villages.slice(0, 3), pillarCode: 'polri' });
    await createTestUser(t.handle, { username: 'panwascam', role: 'district_desk', scopes: [BAYAT], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'panwascam.cawas', role: 'district_desk', scopes: ['33.10.05'], pillarCode: 'bawaslu' });
    await createTestUser(t.handle, { username: 'pemantau', role: 'observer', scopes: ['33.10'] });
    bhabin = await t.login('bhabin');
    panwascam = await t.login('panwascam');
  });
  afterAll(async () => t?.dispose());

  it('strips EXIF from a photo after copying its GPS and earlier capture time into the report (useExif=true)', async () => {
    const id = await report();
    const takenAt = new Date(t.clock.now.getTime() - 3 * 3600_000); // two hours before the reported time
    const original = await photoWithGps(takenAt);
    expect((await exifr.parse(original, { gps: true }))?.latitude).toBeCloseTo(-7.7083, 3); // the fixture really carries GPS
    const res = await upload(bhabin, id, multipart({ useExif: 'true' }, { name: 'C:\\DCIM\\IMG_0001.jpg', type: 'image/jpeg', bytes: original }));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.attachment).toMatchObject({ reportId: id, contentType: 'image/jpeg', filename: 'IMG_0001.jpg' });
    expect(body.exif.applied).toEqual(['location', 'occurredAt']);
    expect(body.report).toMatchObject({ version: 2 });
    expect(body.report.lat).toBeCloseTo(-7.7083, 3);
    expect(body.report.lon).toBeCloseTo(110.6, 3);
    expect(new Date(body.report.occurredAt).getTime()).toBe(Math.floor(takenAt.getTime() / 1000) * 1000);

    const full = (await panwascam.get(`/api/reports/${id}`)).json();
    expect(full.timeline.at(-1)).toMatchObject({ action: 'update', details: { attachment: { id: body.attachment.id }, fromExif: { fields: ['location', 'occurredAt'] } } });

    const download = await panwascam.get(body.attachment.url);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="IMG_0001.jpg"; filename*=UTF-8''IMG_0001.jpg`);
    const bytes = download.rawPayload;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(body.attachment.sha256);
    expect(await exifr.parse(bytes, { gps: true, tiff: true, exif: true, xmp: true, iptc: true })).toBeUndefined();
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('Bripka Agus'))).toBe(false);
    // the file on disk is the stripped one as well
    const onDisk = storedFiles(t.attachmentDir).find((f) => f.includes(body.attachment.id))!;
    expect(fs.readFileSync(path.join(t.attachmentDir, onDisk)).equals(bytes)).toBe(true);
  });

  it('leaves the report alone without useExif, but still strips the photo', async () => {
    const id = await report();
    const png = await photoWithGps(new Date(t.clock.now.getTime() - 3 * 3600_000), 'png');
    // declared as JPEG and named .jpg: the bytes say PNG, and PNG it is
    const res = await upload(bhabin, id, multipart({}, { name: 'foto.jpg', type: 'image/jpeg', bytes: png }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ attachment: { contentType: 'image/png', filename: 'foto.png' }, exif: { applied: [] }, report: { version: 1, lat: null, lon: null } });
    expect(res.json().exif.found.lat).toBeCloseTo(-7.7083, 3);
    const stored = (await panwascam.get(res.json().attachment.url)).rawPayload;
    // exifr reports a PNG's header chunk; nothing of the camera, the time or the place is left
    const left = await exifr.parse(stored, { gps: true, tiff: true, exif: true, xmp: true });
    expect(Object.keys(left ?? {}).filter((k) => !['ImageWidth', 'ImageHeight', 'BitDepth', 'ColorType', 'Compression', 'Filter', 'Interlace'].includes(k))).toEqual([]);
    expect(await exifr.gps(stored)).toBeUndefined();
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes(Buffer.from('Kamera Uji'))).toBe(false);
    const list = (await panwascam.get(`/api/reports/${id}/attachments`)).json();
    expect(list.items).toHaveLength(1);
  });

  it('keeps an existing location and ignores a capture time older than 72 hours', async () => {
    const id = await report({ lat: -7.6, lon: 110.5 });
    const old = await photoWithGps(new Date(t.clock.now.getTime() - 5 * 24 * 3600_000));
    const res = await upload(bhabin, id, multipart({ useExif: 'true' }, { name: 'lama.jpg', type: 'image/jpeg', bytes: old }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().exif.applied).toEqual([]);
    expect(res.json().report).toMatchObject({ lat: -7.6, lon: 110.5, version: 1 });
    // only the reporter or a verifying desk may let a photo change the report
    const other = await t.login('bhabin.lain');
    const denied = await upload(other, id, multipart({ useExif: 'true' }, { name: 'x.jpg', type: 'image/jpeg', bytes: old }));
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.fields[0].path).toBe('useExif');
  });

  it('stores a PDF as it is', async () => {
    const id = await report();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
    const res = await upload(bhabin, id, multipart({}, { name: 'berita acara – final.pdf', type: 'application/octet-stream', bytes: pdf }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ attachment: { contentType: 'application/pdf', size: pdf.length }, exif: null });
    const download = await panwascam.get(res.json().attachment.url);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="berita acara _ final.pdf"; filename*=UTF-8''berita%20acara%20%E2%80%93%20final.pdf`);
  });

  it('refuses bad files with a clear 4xx and stores nothing', async () => {
    const id = await report();
    const before = storedFiles(t.attachmentDir).length;
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), randomBytes(2000)]);
    exe.writeUInt32LE(64, 0x3c);
    const jpeg = await photoWithGps(t.clock.now);
    const huge = Buffer.concat([jpeg.subarray(0, 4), randomBytes(11 * 1024 * 1024)]);
    const cases: [ReturnType<typeof multipart>, number, string][] = [
      [multipart({}, { name: 'foto.jpg', type: 'image/jpeg', bytes: exe }), 415, 'file'],
      [multipart({}, { name: 'catatan.txt', type: 'text/plain', bytes: Buffer.from('bukan foto sama sekali') }), 415, 'file'],
      [multipart({}, { name: 'rusak.jpg', type: 'image/jpeg', bytes: jpeg.subarray(0, 200) }), 415, 'file'],
      [multipart({}, { name: 'besar.jpg', type: 'image/jpeg', bytes: huge }), 413, 'file'],
      [multipart({}, { name: 'kosong.jpg', type: 'image/jpeg', bytes: Buffer.alloc(0) }), 400, 'file'],
      [multipart({ useExif: 'true' }), 400, 'file'],
      [multipart({ useExif: 'mungkin' }, { name: 'foto.jpg', type: 'image/jpeg', bytes: jpeg }), 400, 'useExif'],
      [multipart({}, { name: 'foto.jpg', type: 'image/jpeg', bytes: jpeg, field: 'foto' }), 400, 'file'],
    ];
    for (const [body, status, field] of cases) {
      const res = await upload(bhabin, id, body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.fields[0].path).toBe(field);
      expect(res.json().error.message.length).toBeGreaterThan(5);
    }
    const json = await bhabin.post(`/api/reports/${id}/attachments`, { file: 'foto.jpg' });
    expect(json.statusCode).toBe(415);
    expect(await attachmentRows(id)).toBe(0);
    expect(storedFiles(t.attachmentDir).length).toBe(before);
    const r = (await bhabin.get(`/api/reports/${id}`)).json();
    expect(r.version).toBe(1);
    expect(r.timeline).toHaveLength(1);
  });

  it('keeps attachments to the report’s area and to roles that may file', async () => {
    const id = await report();
    const res = await upload(bhabin, id, multipart({}, { name: 'foto.jpg', type: 'image/jpeg', bytes: await photoWithGps(t.clock.now) }));
    const url = res.json().attachment.url;
    const cawas = await t.login('panwascam.cawas');
    expect((await cawas.get(`/api/reports/${id}/attachments`)).statusCode).toBe(404);
    expect((await cawas.get(url)).statusCode).toBe(404);
    expect((await upload(cawas, id, multipart({}, { name: 'foto.jpg', type: 'image/jpeg', bytes: await photoWithGps(t.clock.now) }))).statusCode).toBe(404);
    const observer = await t.login('pemantau');
    expect((await observer.get(url)).statusCode).toBe(200);
    const denied = await upload(observer, id, multipart({}, { name: 'foto.jpg', type: 'image/jpeg', bytes: await photoWithGps(t.clock.now) }));
    expect(denied.statusCode).toBe(403);
    expect(await attachmentRows(id)).toBe(1);
    // an attachment id under another report is not found, even in scope
    const other = await report();
    expect((await panwascam.get(`/api/reports/${other}/attachments/${res.json().attachment.id}`)).statusCode).toBe(404);
    expect((await panwascam.get(`/api/reports/${id}/attachments/${randomUUID()}`)).statusCode).toBe(404);
    expect((await panwascam.get(`/api/reports/${id}/attachments/bukan-uuid`)).statusCode).toBe(400);
  });
});
