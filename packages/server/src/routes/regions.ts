import { ZErrorResponse, ZRegionCode, ZRegionDetail, ZRegionList, ZRegionListQuery } from '@sinergi/domain';
import { serializerCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import { getRegion, listRegions } from '../services/regions.service.js';

/** Distinct (scope, query) pages kept; the cache is emptied when it fills (searches can be many). */
const LIST_CACHE_MAX = 5_000;

export const regionRoutes: FastifyPluginAsyncZod = async (app) => {
  // The region tree is static for the life of the process, so a page of it depends only on the
  // actor's scopes and the query. It is presented, checked against ZRegionList and serialized
  // once (with the same serializer the app uses), then sent as the stored JSON text: response
  // validation and stringifying cost more than the lookup itself on this hot path.
  const serializeList = serializerCompiler({ schema: ZRegionList, method: 'GET', url: '/api/regions' });
  const listCache = new Map<string, string>();

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
    async (request, reply) => {
      const ctx = contextOf(request);
      const { parent, q, cursor, limit } = request.query;
      const key = JSON.stringify([ctx.actor.scopes, parent ?? null, q ?? null, cursor ?? null, limit]);
      let json = listCache.get(key);
      if (json === undefined) {
        // scope checks run here (404/403 are thrown, never cached); the result is a pure function of the key
        json = serializeList(listRegions(app.deps.regions, ctx, request.query));
        if (listCache.size >= LIST_CACHE_MAX) listCache.clear();
        listCache.set(key, json);
      }
      return reply.type('application/json; charset=utf-8').send(json as never); // JSON text: sent as is, not serialized again
    },
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
