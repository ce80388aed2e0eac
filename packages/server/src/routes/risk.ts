import { ZErrorResponse, ZRegionCode, ZRiskList, ZRiskListQuery, ZRiskRegion, ZRiskRegionQuery, ZStructuralImportResult } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { contextOf } from '../plugins/auth.js';
import { getRiskRegion, importStructuralScores, listRisk, type RiskDeps } from '../services/risk.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };

/** The vulnerability index (indeks kerawanan): scores, components, history, structural import. */
export const riskRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): RiskDeps => ({ handle: app.deps.handle, regions: app.deps.regions, elections: app.deps.elections });

  app.get(
    '/api/risk',
    {
      schema: {
        tags: ['risk'],
        summary: 'Vulnerability scores of the children of a region (parent=CODE; omitted: the top of your scope) on a date (default today), with their components',
        querystring: ZRiskListQuery,
        response: { 200: ZRiskList, ...errors },
      },
    },
    async (request) => listRisk(deps(), contextOf(request), request.query),
  );

  app.get(
    '/api/risk/:code',
    {
      schema: {
        tags: ['risk'],
        summary: 'One region’s vulnerability score on a date: components, the reports that moved it most, 30 days of history',
        params: z.object({ code: ZRegionCode }),
        querystring: ZRiskRegionQuery,
        response: { 200: ZRiskRegion, ...errors },
      },
    },
    async (request) => getRiskRegion(deps(), contextOf(request), request.params.code, request.query),
  );

  app.post(
    '/api/risk/structural',
    {
      schema: {
        tags: ['risk'],
        summary: 'Import structural indicator scores (IKP sub-dimensions) from CSV or XLSX (multipart field "file"): regionCode, subdimension, score, sourceNote; all rows or none, with row-level errors',
        consumes: ['multipart/form-data'],
        response: { 201: ZStructuralImportResult, ...errors, 413: ZErrorResponse, 415: ZErrorResponse },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'structural import needs multipart/form-data');
      const file = await request.file();
      if (!file) throw new AppError('validation', 'no file', { fields: [{ path: 'file', message: request.lang === 'id' ? 'Lampirkan berkas CSV atau XLSX.' : 'Attach a CSV or XLSX file.' }] });
      const result = await importStructuralScores(deps(), ctx, { filename: file.filename, buffer: await file.toBuffer() });
      return reply.status(201).send(result);
    },
  );
};
