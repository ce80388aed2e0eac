import { ZAlertActionBody, ZAlertDetail, ZAlertItem, ZAlertListQuery, ZErrorResponse, listOf } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import { applyAlertAction, getAlert, getAlertAtomFeed, getAlertCap, listAlerts, type AlertsDeps, type CapSite } from '../services/alerts.service.js';

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZId = z.object({ id: z.string().min(1).max(300) });

/** This server as the caller reached it: links in CAP and Atom point back here; the CAP sender names its host. */
function siteOf(request: FastifyRequest): CapSite {
  return { baseUrl: `${request.protocol}://${request.host}`, sender: `sinergi@${request.hostname}` };
}

/** Early-warning alerts: list, detail, desk actions, CAP 1.2 messages and their Atom feed. */
export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): AlertsDeps => ({ handle: app.deps.handle, regions: app.deps.regions, elections: app.deps.elections });

  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Early-warning alerts in your scope, newest first (filters: status, kind, region = this region and beneath, election), cursor-paginated',
        querystring: ZAlertListQuery,
        response: { 200: listOf(ZAlertItem), ...errors },
      },
    },
    async (request) => listAlerts(deps(), contextOf(request), request.query),
  );

  app.get(
    '/api/alerts/cap.atom',
    {
      schema: {
        tags: ['alerts'],
        summary:
          'Atom feed (application/atom+xml) of the current alerts cleared for CAP in your scope, newest first; each entry links to its CAP 1.2 message. ' +
          'Other warning systems pull it with a Bearer token (POST /api/auth/login returns one)',
        produces: ['application/atom+xml'],
        response: errors,
      },
    },
    async (request, reply) => {
      const feed = await getAlertAtomFeed(deps(), contextOf(request), siteOf(request));
      return reply.header('content-type', feed.contentType).header('cache-control', 'no-store').send(feed.body as never);
    },
  );

  app.get(
    '/api/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'One alert: cause, region, stage, its timeline and the reports behind it (those in your scope)',
        params: ZId,
        response: { 200: ZAlertDetail, ...errors },
      },
    },
    async (request) => getAlert(deps(), contextOf(request), request.params.id),
  );

  app.post(
    '/api/alerts/:id/actions',
    {
      schema: {
        tags: ['alerts'],
        summary: "Desk action on an alert: acknowledge, act (what was done, in comment), close, reopen, comment. Send the alert's version; a stale one answers 409 with the current alert",
        params: ZId,
        body: ZAlertActionBody,
        response: { 200: ZAlertDetail, ...errors },
      },
    },
    async (request) => applyAlertAction(deps(), contextOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/alerts/:id/cap',
    {
      schema: {
        tags: ['alerts'],
        summary:
          'The alert as a Common Alerting Protocol 1.2 message (application/cap+xml): scope Restricted, status Exercise for demo data, ' +
          'info in id-ID and en-US with category Security and the region as area (geocode KEMENDAGRI). 409 for provisional alerts and stage summaries',
        params: ZId,
        produces: ['application/cap+xml'],
        response: errors,
      },
    },
    async (request, reply) => {
      const cap = await getAlertCap(deps(), contextOf(request), request.params.id, siteOf(request));
      return reply.header('content-type', cap.contentType).header('cache-control', 'no-store').send(cap.body as never);
    },
  );
};
