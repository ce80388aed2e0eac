import {
  ZErrorResponse,
  ZRegionCode,
  ZSitrep,
  ZSitrepCreate,
  ZSitrepListQuery,
  ZSitrepSectionSubmit,
  ZSitrepSectionUpdate,
  ZSitrepStep,
  ZSitrepSummary,
  ZSitrepTemplate,
  ZSitrepTemplateInput,
  listOf,
} from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import { renderSitrepPdf } from '../services/sitrep-pdf.js';
import {
  approveSitrep,
  createSitrep,
  getSitrep,
  getSitrepTemplate,
  listSitreps,
  putSitrepTemplate,
  refreshSitrepNumbers,
  releaseSitrep,
  reviseSitrep,
  submitSitrepSection,
  updateSitrepSection,
  type SitrepDeps,
} from '../services/sitreps.service.js';
import { taxonomyInForce } from '../services/taxonomy.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZId = z.object({ id: z.uuid() });
const ZSectionParams = z.object({ id: z.uuid(), code: z.string().regex(/^[a-z0-9_]{2,40}$/) });

/** Daily situation reports (laporan situasi harian): sections per pillar, numbers, approval, release, PDF. */
export const sitrepRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): SitrepDeps => ({ handle: app.deps.handle, regions: app.deps.regions, elections: app.deps.elections, isDemo: app.deps.config.demo });

  app.get(
    '/api/sitreps',
    { schema: { tags: ['sitreps'], summary: 'Situation reports of regions in your scope, newest date first', querystring: ZSitrepListQuery, response: { 200: listOf(ZSitrepSummary), ...errors } } },
    async (request) => listSitreps(deps(), contextOf(request), request.query),
  );

  app.post(
    '/api/sitreps',
    {
      schema: {
        tags: ['sitreps'],
        summary: 'Open the situation report of a region (province, regency or district) and a local date: 201 when created (sections from the region’s template, the day’s numbers), 200 with the latest revision when it exists',
        body: ZSitrepCreate,
        response: { 200: ZSitrep, 201: ZSitrep, ...errors },
      },
    },
    async (request, reply) => {
      const { sitrep, created } = await createSitrep(deps(), contextOf(request), request.body);
      return reply.status(created ? 201 : 200).send(sitrep);
    },
  );

  app.get(
    '/api/sitreps/:id',
    { schema: { tags: ['sitreps'], summary: 'One situation report with its sections and numbers (404 outside your scope)', params: ZId, response: { 200: ZSitrep, ...errors } } },
    async (request) => getSitrep(deps(), contextOf(request), request.params.id),
  );

  app.get(
    '/api/sitreps/:id/pdf',
    {
      schema: {
        tags: ['sitreps'],
        summary: 'The situation report as a PDF (A4, Indonesian; DATA DEMO watermark on demo data)',
        params: ZId,
        produces: ['application/pdf'],
        response: { 200: z.any().describe('application/pdf'), ...errors },
      },
    },
    async (request, reply) => {
      const sitrep = await getSitrep(deps(), contextOf(request), request.params.id);
      const pdf = await renderSitrepPdf(sitrep, (await taxonomyInForce(app.deps.handle, app.deps.now())).config);
      const name = `lapsitharian-${sitrep.regionCode}-${sitrep.date}${sitrep.revision > 1 ? `-rev${sitrep.revision}` : ''}.pdf`;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.put(
    '/api/sitreps/:id/sections/:code',
    {
      schema: { tags: ['sitreps'], summary: 'Save a section’s text (its pillar’s desk; the section goes back to pending). 409 on a stale version', params: ZSectionParams, body: ZSitrepSectionUpdate, response: { 200: ZSitrep, ...errors } },
    },
    async (request) => updateSitrepSection(deps(), contextOf(request), request.params.id, request.params.code, request.body),
  );

  app.post(
    '/api/sitreps/:id/sections/:code/submit',
    {
      schema: { tags: ['sitreps'], summary: 'Fill (with body) or confirm (as it stands) a section. 409 on a stale version', params: ZSectionParams, body: ZSitrepSectionSubmit, response: { 200: ZSitrep, ...errors } },
    },
    async (request) => submitSitrepSection(deps(), contextOf(request), request.params.id, request.params.code, request.body),
  );

  for (const [step, summary, run] of [
    ['refresh', 'Re-assemble a draft’s numbers from the records now', refreshSitrepNumbers],
    ['approve', 'Approve (Kesbangpol desk): every section submitted; the numbers are frozen', approveSitrep],
    ['release', 'Release an approved report (Kesbangpol desk): immutable from now on, e-mailed to the distribution list through the outbox (topic sitrep.released)', releaseSitrep],
    ['revise', 'Correct a released report: a new draft revision of the same day (Kesbangpol desk)', reviseSitrep],
  ] as const) {
    app.post(
      `/api/sitreps/:id/${step}`,
      { schema: { tags: ['sitreps'], summary, params: ZId, body: ZSitrepStep, response: { 200: ZSitrep, 201: ZSitrep, ...errors } } },
      async (request, reply) => {
        const result = await run(deps(), contextOf(request), request.params.id, request.body);
        return reply.status(step === 'revise' ? 201 : 200).send(result);
      },
    );
  }

  app.get(
    '/api/sitrep-templates/:regionCode',
    { schema: { tags: ['sitreps'], summary: 'A region’s situation-report sections and distribution list (the defaults when it has none)', params: z.object({ regionCode: ZRegionCode }), response: { 200: ZSitrepTemplate, ...errors } } },
    async (request) => getSitrepTemplate(deps(), contextOf(request), request.params.regionCode),
  );

  app.put(
    '/api/sitrep-templates/:regionCode',
    {
      schema: { tags: ['sitreps'], summary: 'Change a region’s sections and distribution list (admin or the region’s Kesbangpol desk; recorded in the audit log)', params: z.object({ regionCode: ZRegionCode }), body: ZSitrepTemplateInput, response: { 200: ZSitrepTemplate, ...errors } },
    },
    async (request) => putSitrepTemplate(deps(), contextOf(request), request.params.regionCode, request.body),
  );
};
