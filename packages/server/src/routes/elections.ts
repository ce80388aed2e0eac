import {
  ZElection,
  ZElectionCreate,
  ZElectionUpdate,
  ZErrorResponse,
  ZInstant,
  ZRegionCode,
  ZStageAt,
  ZTaxonomy,
  daysToVoting,
} from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { contextOf } from '../plugins/auth.js';
import { createElection, getElection, listElections, updateElection } from '../services/elections.service.js';
import { presentTaxonomyInForce } from '../services/taxonomy.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };

export const electionRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ handle: app.deps.handle, regions: app.deps.regions, elections: app.deps.elections });
  app.get(
    '/api/taxonomy',
    {
      config: { public: true },
      schema: {
        tags: ['reports'],
        summary: 'The report taxonomy in force (its version): categories (codes, labels id/en, default handler), subcategories, severities, sources. Retired items stay listed, marked, so old reports keep their labels; forms offer only the others',
        response: { 200: ZTaxonomy },
      },
    },
    async () => presentTaxonomyInForce(app.deps.handle, app.deps.now()),
  );

  app.get(
    '/api/elections',
    {
      schema: {
        tags: ['elections'],
        summary: 'Elections overlapping your scope, with their stages (tahapan)',
        querystring: z.object({ region: ZRegionCode.optional() }),
        response: { 200: z.object({ items: z.array(ZElection.extend({ daysToVoting: z.number().nullable() })), nextCursor: z.null() }), ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      const items = listElections(app.deps.elections, ctx, request.query.region).map((e) => ({
        ...e,
        daysToVoting: daysToVoting(e, ctx.now, request.query.region ?? (e.regionScope === '*' ? undefined : e.regionScope)),
      }));
      return { items, nextCursor: null };
    },
  );

  app.get(
    '/api/elections/:id',
    { schema: { tags: ['elections'], params: z.object({ id: z.uuid() }), response: { 200: ZElection, ...errors } } },
    async (request) => getElection(app.deps.elections, contextOf(request), request.params.id),
  );

  app.post(
    '/api/elections',
    { schema: { tags: ['elections'], summary: 'Create an election (admin); copy a template calendar and edit it', body: ZElectionCreate, response: { 201: ZElection, ...errors } } },
    async (request, reply) => reply.status(201).send(await createElection(deps(), contextOf(request), request.body)),
  );

  app.patch(
    '/api/elections/:id',
    { schema: { tags: ['elections'], summary: 'Edit name, scope or calendar (admin; send version)', params: z.object({ id: z.uuid() }), body: ZElectionUpdate, response: { 200: ZElection, ...errors } } },
    async (request) => updateElection(deps(), contextOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/stage',
    {
      schema: {
        tags: ['elections'],
        summary: 'The stage (and risk weight) in force in a region at an instant (default now)',
        querystring: z.object({ region: ZRegionCode, at: ZInstant.optional() }),
        response: { 200: ZStageAt, ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      if (!app.deps.regions.has(request.query.region)) throw new AppError('not_found', 'region');
      if (!app.deps.regions.isVisible(request.query.region, ctx.actor.scopes)) throw new AppError('out_of_scope');
      return app.deps.elections.stageAt(request.query.at ? new Date(request.query.at) : ctx.now, request.query.region);
    },
  );
};
