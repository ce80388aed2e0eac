import {
  REPORT_ACTIONS,
  REPORT_ACTION_BODIES,
  ZErrorResponse,
  ZReport,
  ZReportEvent,
  ZReportListQuery,
  ZReportReceipt,
  listOf,
  reportCreateSchema,
  type TReportAction,
  type TReportActionBody,
} from '@sinergi/domain';
import fastJson from 'fast-json-stringify';
import { serializerCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import { exportReports } from '../services/report-export.service.js';
import { applyReportAction, createReport, getReport, listReports, type ReportsDeps } from '../services/reports.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZId = z.object({ id: z.uuid() });

/** Dependencies of the report use cases, from the app's decorations. */
export function reportsDeps(deps: { handle: ReportsDeps['handle']; regions: ReportsDeps['regions']; elections: ReportsDeps['elections']; reportWriter: ReportsDeps['writer'] }): ReportsDeps {
  return { handle: deps.handle, regions: deps.regions, elections: deps.elections, writer: deps.reportWriter };
}

const ZReportPage = listOf(ZReport);
/**
 * The desk list's 200 answer is written by a serializer compiled from the JSON Schema of its zod
 * schema (the same one the API documents): only the schema's properties are written, as with
 * every response. Checking a page of 50 reports against the zod schema and stringifying it took
 * about 0.3 ms of the server's CPU per request — the list is the desks' hottest read — against
 * about 0.1 ms for the compiled serializer. The page is built by presentReport, whose type is
 * the schema's.
 */
const serializeReportPage = fastJson(z.toJSONSchema(ZReportPage, { io: 'output', target: 'draft-07' }) as Parameters<typeof fastJson>[0]);

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => reportsDeps(app.deps);

  app.post(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'File a report (field officer or desk). Idempotent on the client UUID: 201 stored, 200 already stored with the same content, 409 different content',
        body: reportCreateSchema(() => app.deps.now()),
        response: { 200: ZReportReceipt, 201: ZReportReceipt, ...errors },
      },
    },
    async (request, reply) => {
      const receipt = await createReport(deps(), contextOf(request), request.body);
      return reply.status(receipt.duplicate ? 200 : 201).send(receipt);
    },
  );

  app.get(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Reports in your scope, newest first, filtered (region = this region and beneath), cursor-paginated. ' +
          'format=csv|xlsx|geojson streams the whole filtered set as a download (cursor and limit ignored): CSV in UTF-8 with BOM and ' +
          'formula-injection guard, XLSX, or a GeoJSON FeatureCollection of the located reports; confidential reporters stay hidden; each export is audited',
        querystring: ZReportListQuery,
        response: { 200: ZReportPage, ...errors },
      },
      serializerCompiler: (route) => (String(route.httpStatus) === '200' ? serializeReportPage : serializerCompiler(route as unknown as Parameters<typeof serializerCompiler>[0])),
    },
    async (request, reply) => {
      const format = request.query.format;
      if (format === undefined || format === 'json') return listReports(deps(), contextOf(request), request.query, request.lang);
      const file = await exportReports(deps(), contextOf(request), request.query, format, request.lang);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.stream as never);
    },
  );

  app.get(
    '/api/reports/:id',
    {
      schema: {
        tags: ['reports'],
        summary: 'One report with its timeline; a confidential reporter is shown only to identity-permitted desks (and the view is audited)',
        params: ZId,
        response: { 200: ZReport.extend({ timeline: z.array(ZReportEvent), publicContact: z.unknown().optional() }), ...errors },
      },
    },
    async (request) => getReport(deps(), contextOf(request), request.params.id, request.lang),
  );

  for (const action of REPORT_ACTIONS) {
    app.post(
      `/api/reports/:id/${action}`,
      {
        schema: {
          tags: ['reports'],
          summary: `Workflow action: ${action}. Send the report's version (except comment); a stale version answers 409 with the current report`,
          params: ZId,
          body: REPORT_ACTION_BODIES[action],
          response: { 200: ZReport, ...errors },
        },
      },
      async (request) =>
        applyReportAction(deps(), contextOf(request), request.params.id, action as TReportAction, request.body as TReportActionBody<TReportAction>, request.lang),
    );
  }
};
