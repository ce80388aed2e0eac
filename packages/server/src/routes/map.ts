import { ZBoundaries, ZBoundariesQuery, ZBoundaryImportResult, ZErrorResponse, ZMapPoints, ZMapPointsQuery } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import { contextOf } from '../plugins/auth.js';
import { getBoundaries, getMapPoints, importBoundaries, type MapDeps } from '../services/map.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };

/** The map page: located reports as compact points, and imported region boundaries. */
export const mapRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): MapDeps => ({ handle: app.deps.handle, regions: app.deps.regions, config: app.deps.config });

  app.get(
    '/api/map/points',
    {
      schema: {
        tags: ['map'],
        summary:
          'Located reports of your scope (or region=CODE) that occurred in the last days (7|14|30|90), newest first, as [id, lat, lon, severity, status] ' +
          '(at most 20,000; `truncated` says when more matched), how many have no coordinates, whether the coordinates are the demo’s synthetic ones, and the configured basemap',
        querystring: ZMapPointsQuery,
        response: { 200: ZMapPoints, ...errors },
      },
    },
    async (request) => getMapPoints(deps(), contextOf(request), request.query),
  );

  app.get(
    '/api/boundaries',
    {
      schema: {
        tags: ['map'],
        summary: 'Imported boundaries (GeoJSON) of the children of parent=CODE (omitted: the top of your scope); an empty collection where none was imported',
        querystring: ZBoundariesQuery,
        response: { 200: ZBoundaries, ...errors },
      },
    },
    async (request) => getBoundaries(deps(), contextOf(request), request.query),
  );

  app.post(
    '/api/boundaries',
    {
      schema: {
        tags: ['map'],
        summary:
          'Import region boundaries from a GeoJSON FeatureCollection (multipart field "file"; administrators): each feature a Polygon or MultiPolygon with a known Kemendagri code ' +
          '(property kode, code, kode_wilayah or KDEPUM) in your scope. All or nothing; row-level errors',
        consumes: ['multipart/form-data'],
        response: { 201: ZBoundaryImportResult, ...errors, 413: ZErrorResponse, 415: ZErrorResponse },
      },
      bodyLimit: 60 * 1024 * 1024,
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'boundary import needs multipart/form-data');
      const file = await request.file({ limits: { fileSize: 50 * 1024 * 1024 } });
      if (!file) throw new AppError('validation', 'no file', { fields: [{ path: 'file', message: request.lang === 'id' ? 'Lampirkan berkas GeoJSON.' : 'Attach a GeoJSON file.' }] });
      const buffer = await file.toBuffer();
      const result = await importBoundaries(deps(), ctx, { filename: file.filename, text: buffer.toString('utf8') }, request.lang);
      return reply.status(201).send(result);
    },
  );
};
