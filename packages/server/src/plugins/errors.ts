import { ERROR_CODES, translateFieldMessage, type TErrorCode, type TErrorResponse, type TFieldError } from '@sinergi/domain';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { AppError } from '../errors.js';

const zodLocales = { id: z.locales.id(), en: z.locales.en() };

interface ZodLikeIssue {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/** Re-render a zod issue in the caller's language; our own refinements carry message keys. */
function translateIssue(issue: ZodLikeIssue, lang: 'id' | 'en'): string {
  if (issue.keyword === 'custom' || issue.message.includes('.')) {
    const translated = translateFieldMessage(issue.message, lang);
    if (translated !== issue.message || issue.keyword === 'custom') return translated;
  }
  if (issue.keyword === 'unrecognized_keys') {
    const keys = (issue.params.keys as string[] | undefined) ?? [];
    return lang === 'id' ? `Kolom tidak dikenal: ${keys.join(', ')}` : `Unknown field(s): ${keys.join(', ')}`;
  }
  const localeError = zodLocales[lang].localeError as (i: unknown) => string | { message: string } | undefined;
  const out = localeError({ code: issue.keyword, ...issue.params, input: issue.params.input, path: [] });
  if (typeof out === 'string') return out;
  return out?.message ?? issue.message;
}

function body(code: TErrorCode, lang: 'id' | 'en', extra: { fields?: TFieldError[]; details?: Record<string, unknown>; message?: string } = {}): TErrorResponse {
  return {
    error: {
      code,
      message: extra.message ?? ERROR_CODES[code][lang],
      ...(extra.fields?.length ? { fields: extra.fields } : {}),
      ...(extra.details ? { details: extra.details } : {}),
    },
  };
}

function codeForStatus(status: number): TErrorCode {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal' : 'bad_request';
  }
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const lang = request.lang ?? 'id';
  const fields = error.options.fields?.map((f) => ({ path: f.path, message: translateFieldMessage(f.message, lang) }));
  return reply.status(error.status).send(
    body(error.code, lang, { fields, details: error.options.details, message: error.options.userMessage?.[lang] }),
  );
}

/**
 * One error shape for everything: {error: {code, message, fields}} in the caller's language.
 * Validation problems name the field; 5xx details stay in the log.
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = request.lang ?? 'id';
      if (error instanceof AppError) {
        if (error.status >= 500) request.log.error({ err: error }, error.internal ?? error.code);
        return sendError(reply, request, error);
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const where = error.validationContext;
        const fields = (error.validation as unknown as ZodLikeIssue[]).map((issue) => {
          const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
          const keys = issue.keyword === 'unrecognized_keys' ? ((issue.params.keys as string[]) ?? []) : [];
          return { path: keys.length === 1 ? (path ? `${path}.${keys[0]}` : keys[0]!) : path || (where ?? 'body'), message: translateIssue(issue, lang) };
        });
        return reply.status(400).send(body('validation', lang, { fields }));
      }
      if (isResponseSerializationError(error)) {
        request.log.error({ err: error, cause: error.cause }, 'response did not match its schema');
        return reply.status(500).send(body('internal', lang));
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'unhandled error');
        return reply.status(500).send(body('internal', lang));
      }
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
        const message = lang === 'id' ? 'JSON tidak valid: periksa tanda kutip, koma dan kurung.' : 'Malformed JSON: check quotes, commas and brackets.';
        return reply.status(400).send(body('validation', lang, { message, fields: [{ path: 'body', message }] }));
      }
      if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        const message = lang === 'id' ? 'Isi permintaan kosong; kirim data JSON.' : 'Empty request body; send JSON data.';
        return reply.status(400).send(body('validation', lang, { message, fields: [{ path: 'body', message }] }));
      }
      const code = codeForStatus(status);
      if (code === 'rate_limited') return reply.status(429).send(body(code, lang));
      return reply.status(status).send(body(code, lang));
    });

    app.setNotFoundHandler((request, reply) => {
      const lang = request.lang ?? 'id';
      return reply.status(404).send(body('not_found', lang));
    });
  },
  { name: 'errors' },
);
