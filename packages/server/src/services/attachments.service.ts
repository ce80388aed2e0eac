import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { can, isInScope, timeZoneOf, type TLang, type TReport } from '@sinergi/domain';
import exifr from 'exifr';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { ATTACHMENT_MAX_BYTES } from '../config.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findAttachment, type AttachmentRow } from '../db/repositories/attachments.js';
import {
  findAttachments,
  findOrganisationNames,
  findReportById,
  insertAttachment,
  insertReportEvents,
  updateReportVersioned,
  type NewReportRow,
  type ReportRow,
} from '../db/repositories/reports.js';
import { AppError } from '../errors.js';
import { presentReport } from '../presenters/reports.js';
import { AttachmentMissingError, type AttachmentStore } from '../storage/attachment-store.js';
import type { RequestContext } from './context.js';
import type { ReportsDeps } from './reports.service.js';
import { taxonomyInForce } from './taxonomy.service.js';

export interface AttachmentsDeps extends ReportsDeps {
  store: AttachmentStore;
}

/** Accepted types, by the bytes' magic numbers (file-type), never by the name or the declared type. */
const ALLOWED = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
} as const;
type TAllowedType = keyof typeof ALLOWED;

/**
 * A photo's capture time is copied only when it is earlier than the reported time by at most
 * this much: a desk or officer often files after the fact (the form defaults to "now"), but a
 * photo days older is more likely a gallery picture than the event itself.
 */
export const EXIF_TIME_WINDOW_MS = 72 * 3_600_000;

/** An attachment as the API presents it (who uploaded it is left out: it could reveal a confidential reporter). */
export interface TAttachment {
  id: string;
  reportId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
  url: string;
}

export interface TExifSummary {
  /** What the photo carried (before it was stripped). */
  found: { lat: number | null; lon: number | null; takenAt: string | null };
  /** Report fields filled from it. */
  applied: ('location' | 'occurredAt')[];
}

function presentAttachment(row: AttachmentRow): TAttachment {
  return {
    id: row.id,
    reportId: row.reportId,
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    createdAt: row.createdAt.toISOString(),
    url: `/api/reports/${row.reportId}/attachments/${row.id}`,
  };
}

async function loadVisibleReport(deps: AttachmentsDeps, ctx: RequestContext, id: string): Promise<ReportRow> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const row = await findReportById(deps.handle.db, id);
  if (!row || !isInScope(row.regionCode, ctx.actor.scopes)) throw new AppError('not_found', `report ${id}`);
  return row;
}

/** A safe display name: no path, no control characters, the extension of the detected type. */
export function safeFilename(name: string, ext: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}"<>|:*?]/gu, '')
    .replace(/\.[^.]*$/, '')
    .trim()
    .slice(0, 120);
  return `${base || 'lampiran'}.${ext}`;
}

/** EXIF "YYYY:MM:DD HH:MM:SS" with its offset, or in the village's zone when the camera gave none. */
function exifInstant(value: unknown, offset: unknown, fallbackOffsetHours: number): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const off = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : `${fallbackOffsetHours >= 0 ? '+' : '-'}${String(Math.abs(fallbackOffsetHours)).padStart(2, '0')}:00`;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${off}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

const ZONE_HOURS: Record<string, number> = { 'Asia/Jakarta': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 };

async function readExif(bytes: Buffer, regionCode: string): Promise<TExifSummary['found']> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(bytes, { gps: true, tiff: true, exif: true, reviveValues: false })) as Record<string, unknown> | undefined;
  } catch {
    tags = undefined; // unreadable metadata is no reason to refuse a photo
  }
  const lat = typeof tags?.latitude === 'number' && Number.isFinite(tags.latitude) ? tags.latitude : null;
  const lon = typeof tags?.longitude === 'number' && Number.isFinite(tags.longitude) ? tags.longitude : null;
  const takenAt = exifInstant(tags?.DateTimeOriginal, tags?.OffsetTimeOriginal, ZONE_HOURS[timeZoneOf(regionCode)] ?? 7);
  return { lat, lon, takenAt: takenAt?.toISOString() ?? null };
}

/** Inside Indonesia's bounding box, as the report schema requires of typed coordinates. */
function isInIndonesia(lat: number, lon: number): boolean {
  return lat >= -11 && lat <= 6 && lon >= 95 && lon <= 141;
}

/** The report fields a photo may fill: a location when the report has none, an earlier capture time within the window. */
function exifPatch(deps: AttachmentsDeps, row: ReportRow, found: TExifSummary['found']): { patch: Partial<NewReportRow>; applied: TExifSummary['applied'] } {
  const patch: Partial<NewReportRow> = {};
  const applied: TExifSummary['applied'] = [];
  if (row.lat === null && row.lon === null && found.lat !== null && found.lon !== null && isInIndonesia(found.lat, found.lon)) {
    Object.assign(patch, { lat: found.lat, lon: found.lon });
    applied.push('location');
  }
  if (found.takenAt) {
    const taken = new Date(found.takenAt);
    const gap = row.occurredAt.getTime() - taken.getTime();
    if (gap > 0 && gap <= EXIF_TIME_WINDOW_MS) {
      const stage = deps.elections.stageAt(taken, row.regionCode);
      Object.assign(patch, { occurredAt: taken, electionId: stage.electionId, stageCode: stage.stageCode });
      applied.push('occurredAt');
    }
  }
  return { patch, applied };
}

/** Re-encode a photo: orientation applied, every metadata block (EXIF, GPS, XMP, IPTC, ICC comments) dropped. */
async function stripPhoto(bytes: Buffer, type: Exclude<TAllowedType, 'application/pdf'>): Promise<Buffer> {
  try {
    const image = sharp(bytes, { limitInputPixels: 100_000_000, failOn: 'error' }).rotate();
    switch (type) {
      case 'image/jpeg':
        return await image.jpeg({ quality: 88, mozjpeg: true }).toBuffer();
      case 'image/png':
        return await image.png({ compressionLevel: 8 }).toBuffer();
      case 'image/webp':
        return await image.webp({ quality: 88 }).toBuffer();
    }
  } catch (error) {
    throw new AppError('unsupported_media_type', `photo not decodable: ${(error as Error).message}`, { fields: [{ path: 'file', message: 'attachment.unreadable' }] });
  }
}

/**
 * Attach a photo or document to a report. The type is judged from the bytes; photos lose their
 * EXIF (UU 27/2022: a photo's GPS and time are personal data of whoever took it) after the
 * location and time are, when the uploader asks for it (`useExif`), copied into the report.
 * The report row, the attachment row, the timeline event and the audit row are written in one
 * transaction, and the bytes are stored before it commits: a failed store stores nothing.
 */
export async function addAttachment(
  deps: AttachmentsDeps,
  ctx: RequestContext,
  reportId: string,
  input: { bytes: Buffer; filename: string; useExif: boolean },
  lang: TLang,
): Promise<{ attachment: TAttachment; report: TReport; exif: TExifSummary | null }> {
  if (!can(ctx.actor.role, 'reports.create')) throw new AppError('forbidden', `${ctx.actor.username} cannot attach files`);
  let row = await loadVisibleReport(deps, ctx, reportId);
  if (input.useExif && row.reporterId !== ctx.actor.id && !can(ctx.actor.role, 'reports.verify')) {
    throw new AppError('forbidden', 'useExif by a non-reporter', { fields: [{ path: 'useExif', message: 'attachment.exif_not_allowed' }] });
  }
  if (input.bytes.length === 0) throw new AppError('validation', 'empty file', { fields: [{ path: 'file', message: 'attachment.missing' }] });
  if (input.bytes.length > ATTACHMENT_MAX_BYTES) throw new AppError('payload_too_large', 'file too large', { fields: [{ path: 'file', message: 'attachment.too_large' }] });
  const detected = await fileTypeFromBuffer(input.bytes);
  const type = detected?.mime as TAllowedType | undefined;
  if (!type || !(type in ALLOWED)) {
    throw new AppError('unsupported_media_type', `detected ${detected?.mime ?? 'unknown'}`, { fields: [{ path: 'file', message: 'attachment.type' }] });
  }

  let stored = input.bytes;
  let found: TExifSummary['found'] | null = null;
  if (type !== 'application/pdf') {
    found = await readExif(input.bytes, row.regionCode); // read before stripping: afterwards there is nothing left
    stored = await stripPhoto(input.bytes, type);
  }
  const id = randomUUID();
  const key = `${row.provinceCode}/${row.id}/${id}`;
  const sha256 = createHash('sha256').update(stored).digest('hex');
  const filename = safeFilename(input.filename, ALLOWED[type]);
  let applied: TExifSummary['applied'] = [];

  let putDone = false;
  try {
    const result = await deps.handle.db.transaction(async (tx) => {
      let current = row;
      if (input.useExif && found) {
        // another desk may change the report meanwhile: re-read and re-judge, a few times
        for (let attempt = 0; ; attempt++) {
          const { patch, applied: fields } = exifPatch(deps, current, found);
          if (fields.length === 0) break;
          const next = await updateReportVersioned(tx, current, current.version, patch);
          if (next) {
            current = next;
            applied = fields;
            break;
          }
          const fresh = await findReportById(tx, row.id);
          if (!fresh || attempt >= 2) throw new AppError('conflict', 'report kept changing during upload');
          current = fresh;
        }
      }
      const attachment: AttachmentRow = {
        provinceCode: row.provinceCode,
        id,
        reportId: row.id,
        filename,
        contentType: type,
        size: stored.length,
        sha256,
        storageKey: key,
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
      };
      await insertAttachment(tx, attachment);
      const fromExif = applied.length
        ? {
            fromExif: {
              fields: applied,
              ...(applied.includes('location') ? { lat: current.lat, lon: current.lon } : {}),
              ...(applied.includes('occurredAt') ? { occurredAt: { from: row.occurredAt.toISOString(), to: current.occurredAt.toISOString() } } : {}),
            },
          }
        : {};
      await insertReportEvents(tx, [
        {
          provinceCode: row.provinceCode,
          reportId: row.id,
          at: ctx.now,
          actorId: ctx.actor.id,
          actorName: ctx.actor.fullName,
          action: 'update',
          fromStatus: current.status,
          toStatus: current.status,
          comment: null,
          details: { attachment: { id, filename, contentType: type, size: stored.length }, ...fromExif },
        },
      ]);
      await insertAudit(tx, {
        actorId: ctx.actor.id,
        actorName: ctx.actor.username,
        action: 'report.attachment_add',
        entity: 'report',
        entityId: row.id,
        regionCode: row.regionCode,
        before: applied.length ? { lat: row.lat, lon: row.lon, occurredAt: row.occurredAt.toISOString(), version: row.version } : null,
        after: { attachmentId: id, filename, contentType: type, size: stored.length, sha256, ...fromExif },
        ip: ctx.ip,
      });
      await deps.store.put(key, stored, type);
      putDone = true;
      return { attachment, report: current };
    });
    row = result.report;
    const orgNames = await findOrganisationNames(deps.handle.db, row.assignedOrgId ? [row.assignedOrgId] : []);
    return {
      attachment: presentAttachment(result.attachment),
      report: presentReport(row, { actor: ctx.actor, lang, regions: deps.regions, elections: deps.elections, orgNames, taxonomy: (await taxonomyInForce(deps.handle, ctx.now)).config }),
      exif: found ? { found, applied } : null,
    };
  } catch (error) {
    // stored but not committed: take the bytes back out
    if (putDone) await deps.store.delete(key).catch(() => undefined);
    throw error;
  }
}

/** The attachments of a report the actor can see. */
export async function listAttachments(deps: AttachmentsDeps, ctx: RequestContext, reportId: string): Promise<TAttachment[]> {
  const row = await loadVisibleReport(deps, ctx, reportId);
  return (await findAttachments(deps.handle.db, row)).map(presentAttachment);
}

/** The bytes of one attachment, scope-checked through its report. */
export async function openAttachment(deps: AttachmentsDeps, ctx: RequestContext, reportId: string, attachmentId: string): Promise<{ attachment: TAttachment; stream: Readable }> {
  const report = await loadVisibleReport(deps, ctx, reportId);
  const row = await findAttachment(deps.handle.db, { provinceCode: report.provinceCode, reportId: report.id, id: attachmentId });
  if (!row) throw new AppError('not_found', `attachment ${attachmentId}`);
  try {
    return { attachment: presentAttachment(row), stream: await deps.store.get(row.storageKey) };
  } catch (error) {
    if (error instanceof AttachmentMissingError) throw new AppError('not_found', error.message);
    throw error;
  }
}
