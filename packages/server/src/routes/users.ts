import {
  ZErrorResponse,
  ZOneTimeCode,
  ZPillar,
  ZUser,
  ZUserCreate,
  ZUserDisable,
  ZUserImportResult,
  ZUserListQuery,
  ZUserScopeChange,
  ZUserUpdate,
  listOf,
} from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findPillars } from '../db/repositories/pillars.js';
import { AppError } from '../errors.js';
import { contextOf } from '../plugins/auth.js';
import { readTable } from '../services/tables.js';
import {
  changeUserScope,
  createUser,
  createUsers,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  parseUserRows,
  resetUserPassword,
  updateUserProfile,
} from '../services/users.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZId = z.object({ id: z.uuid() });

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ handle: app.deps.handle, regions: app.deps.regions });

  app.get(
    '/api/pillars',
    { schema: { tags: ['users'], summary: 'Pillars and handling agencies (reference data)', response: { 200: z.object({ items: z.array(ZPillar) }) } } },
    async () => {
      const rows = await findPillars(app.deps.handle.db);
      return { items: rows.map((r) => ({ code: r.code, name: r.name, nameEn: r.nameEn, kind: r.kind as 'pillar' | 'agency', description: r.description })) };
    },
  );

  app.get(
    '/api/users',
    { schema: { tags: ['users'], summary: 'Users you administer (admin)', querystring: ZUserListQuery, response: { 200: listOf(ZUser), ...errors } } },
    async (request) => listUsers(deps(), contextOf(request), request.query),
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user; without a password the answer has a one-time code to hand over',
        body: ZUserCreate,
        response: { 201: z.object({ user: ZUser, oneTimeCode: z.string().nullable() }), ...errors },
      },
    },
    async (request, reply) => {
      const created = await createUser(deps(), contextOf(request), request.body);
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/users/import',
    {
      schema: {
        tags: ['users'],
        summary: 'Bulk create from a CSV or XLSX file (multipart field "file"); all rows or none, with row-level errors',
        consumes: ['multipart/form-data'],
        response: { 201: ZUserImportResult, ...errors, 413: ZErrorResponse, 415: ZErrorResponse },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'users import needs multipart/form-data');
      const file = await request.file();
      if (!file) throw new AppError('validation', 'no file', { fields: [{ path: 'file', message: request.lang === 'id' ? 'Lampirkan berkas CSV atau XLSX.' : 'Attach a CSV or XLSX file.' }] });
      const buffer = await file.toBuffer();
      const rows = await readTable(file.filename, buffer);
      if (rows.length === 0) throw new AppError('validation', 'empty file', { fields: [{ path: 'file', message: request.lang === 'id' ? 'Berkas tidak berisi baris data.' : 'The file has no data rows.' }] });
      const { inputs, errors: rowErrors } = parseUserRows(rows, request.lang);
      if (rowErrors.length) throw new AppError('validation', `${rowErrors.length} row problems`, { fields: rowErrors });
      const created = await createUsers(deps(), ctx, inputs, (i) => `row ${i + 2}.`);
      return reply.status(201).send({ created: created.length, users: created.map((c) => ({ username: c.user.username, oneTimeCode: c.oneTimeCode })) });
    },
  );

  app.get(
    '/api/users/:id',
    { schema: { tags: ['users'], params: ZId, response: { 200: ZUser, ...errors } } },
    async (request) => getUser(deps(), contextOf(request), request.params.id),
  );

  app.patch(
    '/api/users/:id',
    { schema: { tags: ['users'], summary: 'Edit profile, role or pillar (send version)', params: ZId, body: ZUserUpdate, response: { 200: ZUser, ...errors } } },
    async (request) => updateUserProfile(deps(), contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/scope',
    { schema: { tags: ['users'], summary: 'Move the scope (mutasi); signs the user out everywhere', params: ZId, body: ZUserScopeChange, response: { 200: ZUser, ...errors } } },
    async (request) => changeUserScope(deps(), contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/disable',
    { schema: { tags: ['users'], summary: 'Disable and revoke all sessions (lost phone)', params: ZId, body: ZUserDisable, response: { 200: ZUser, ...errors } } },
    async (request) => disableUser(deps(), contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/enable',
    { schema: { tags: ['users'], params: ZId, body: z.strictObject({ version: z.number().int().min(1) }), response: { 200: ZUser, ...errors } } },
    async (request) => enableUser(deps(), contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/reset-password',
    { schema: { tags: ['users'], summary: 'Password reset without e-mail: a one-time code shown once', params: ZId, response: { 200: ZOneTimeCode, ...errors } } },
    async (request) => resetUserPassword(deps(), contextOf(request), request.params.id),
  );
};
