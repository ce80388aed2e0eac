import { ZErrorResponse, ZReport } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ATTACHMENT_MAX_BYTES } from '../config.js';
import { AppError } from '../errors.js';
import { contextOf } from '../plugins/auth.js';
import { addAttachment, listAttachments, openAttachment, type AttachmentsDeps } from '../services/attachments.service.js';
import { reportsDeps } from './reports.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse, 413: ZErrorResponse, 415: ZErrorResponse };
const ZId = z.object({ id: z.uuid() });

/** An attachment as listed. */
export const ZAttachment = z.object({
  id: z.string(),
  reportId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  url: z.string().describe('download URL'),
});

/** The answer to an upload: the attachment, the report (changed when EXIF was used), and what the photo carried. */
export const ZAttachmentUpload = z.object({
  attachment: ZAttachment,
  report: ZReport,
  exif: z
    .object({
      found: z.object({ lat: z.number().nullable(), lon: z.number().nullable(), takenAt: z.string().nullable() }),
      applied: z.array(z.enum(['location', 'occurredAt'])),
    })
    .nullable()
    .describe('photos only: what the EXIF held before it was removed, and which report fields were filled from it'),
});

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback and the exact UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function fileError(code: 'validation' | 'payload_too_large' | 'unsupported_media_type', message: string): AppError {
  return new AppError(code, message, { fields: [{ path: code === 'validation' && message === 'attachment.use_exif' ? 'useExif' : 'file', message }] });
}

/** Photos and documents of a report: upload (multipart), list, download. */
export const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): AttachmentsDeps => ({ ...reportsDeps(app.deps), store: app.deps.attachments });

  app.post(
    '/api/reports/:id/attachments',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Attach a photo (JPEG, PNG, WebP) or a PDF, at most 10 MB, as multipart field `file`; the type is judged from the bytes. ' +
          'Photos are re-encoded without EXIF/GPS. With `useExif=true` (the reporter or a verifying desk) the photo’s GPS fills a report without a location, ' +
          'and its capture time replaces the reported time when it is earlier by at most 72 hours (the photo shows the event had begun); both are recorded on the timeline',
        params: ZId,
        consumes: ['multipart/form-data'],
        response: { 201: ZAttachmentUpload, ...errors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      if (!request.isMultipart()) throw fileError('unsupported_media_type', 'attachment.missing');
      let file: { bytes: Buffer; filename: string } | null = null;
      let useExif = false;
      try {
        for await (const part of request.parts({ limits: { fileSize: ATTACHMENT_MAX_BYTES, files: 2, fields: 5, fieldSize: 1000 } })) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || file) {
              await part.toBuffer().catch(() => undefined);
              throw fileError('validation', 'attachment.one_file');
            }
            file = { bytes: await part.toBuffer(), filename: part.filename };
          } else if (part.fieldname === 'useExif') {
            const value = String(part.value).trim().toLowerCase();
            if (value !== 'true' && value !== 'false') throw fileError('validation', 'attachment.use_exif');
            useExif = value === 'true';
          }
        }
      } catch (error) {
        if (error instanceof AppError) throw error;
        const code = (error as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') throw fileError('payload_too_large', 'attachment.too_large');
        if (code === 'FST_FILES_LIMIT') throw fileError('validation', 'attachment.one_file');
        throw error;
      }
      if (!file) throw fileError('validation', 'attachment.missing');
      const result = await addAttachment(deps(), ctx, request.params.id, { ...file, useExif }, request.lang);
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/reports/:id/attachments',
    {
      schema: { tags: ['reports'], summary: 'Attachments of a report in your scope', params: ZId, response: { 200: z.object({ items: z.array(ZAttachment) }), ...errors } },
    },
    async (request) => ({ items: await listAttachments(deps(), contextOf(request), request.params.id) }),
  );

  app.get(
    '/api/reports/:id/attachments/:attachmentId',
    {
      schema: {
        tags: ['reports'],
        summary: 'Download an attachment (scope-checked through its report; sent as a download, never sniffed or run)',
        params: z.object({ id: z.uuid(), attachmentId: z.uuid() }),
        response: { 404: ZErrorResponse, 403: ZErrorResponse, 400: ZErrorResponse },
      },
    },
    async (request, reply) => {
      const { attachment, stream } = await openAttachment(deps(), contextOf(request), request.params.id, request.params.attachmentId);
      return reply
        .header('content-type', attachment.contentType)
        .header('content-length', String(attachment.size))
        .header('content-disposition', contentDisposition(attachment.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(stream as never);
    },
  );
};
