import { ZErrorResponse, ZRegionCode, ZRegionDetail, ZRegionList, ZRegionListQuery } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import { getRegion, listRegions } from '../services/regions.service.js';

export const regionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/regions',
    {
      schema: {
        tags: ['regions'],
        summary: 'Children of a region (parent=CODE), or a search by name/code (q=TEXT), within your scope',
        querystring: ZRegionListQuery,
        response: { 200: ZRegionList, 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse },
      },
    },
    async (request) => listRegions(app.deps.regions, contextOf(request), request.query),
  );

  app.get(
    '/api/regions/:code',
    {
      schema: {
        tags: ['regions'],
        summary: 'One region with its path and counts of children and descendants',
        params: z.object({ code: ZRegionCode }),
        response: { 200: ZRegionDetail, 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse },
      },
    },
    async (request) => getRegion(app.deps.regions, contextOf(request), request.params.code),
  );
};
