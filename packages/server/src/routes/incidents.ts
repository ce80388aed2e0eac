import {
  INCIDENT_STATUSES,
  REPORT_ACTION_BODIES,
  ZErrorResponse,
  ZIncident,
  ZIncidentAddReports,
  ZIncidentCreate,
  ZIncidentRemoveReports,
  ZIncidentSplit,
  ZIncidentUpdate,
  ZPageQuery,
  ZRegionCode,
  ZReport,
  ZReportStatus,
  listOf,
  type TReportActionBody,
} from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import {
  INCIDENT_ACTIONS,
  addIncidentReports,
  applyIncidentAction,
  createIncident,
  getIncident,
  listIncidents,
  removeIncidentReports,
  splitIncident,
  updateIncident,
  type TIncidentAction,
} from '../services/incidents.service.js';
import { reportsDeps } from './reports.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZId = z.object({ id: z.uuid() });

/** An incident with its reports (oldest event first). */
export const ZIncidentDetail = ZIncident.extend({ reports: z.array(ZReport) });

/** GET /api/incidents query. */
export const ZIncidentListQuery = ZPageQuery.extend({
  region: ZRegionCode.optional().describe('incidents whose reports all lie in this region'),
  status: z.enum(INCIDENT_STATUSES).optional(),
});

/** The answer to an incident-wide workflow action: what was applied to which report, and what was skipped and why. */
export const ZIncidentActionResult = z.object({
  incident: ZIncidentDetail,
  applied: z.array(z.object({ reportId: z.string(), status: ZReportStatus })),
  skipped: z.array(
    z.object({
      reportId: z.string(),
      status: ZReportStatus,
      reason: z.enum(['status', 'conflict', 'invalid', 'forbidden', 'out_of_scope']),
      message: z.string(),
    }),
  ),
});

/**
 * Incidents (kejadian): a desk groups reports of one event. Every route is one use case of
 * services/incidents.service.ts; scope, versions and the membership rules live there.
 */
export const incidentRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => reportsDeps(app.deps);

  app.post(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary:
          'Group reports into a new incident (desks that verify or handle). All reports in your scope, in one province, in no other incident. Idempotent on the optional client id: 201 created, 200 already stored',
        body: ZIncidentCreate,
        response: { 200: ZIncidentDetail, 201: ZIncidentDetail, ...errors },
      },
    },
    async (request, reply) => {
      const { incident, created } = await createIncident(deps(), contextOf(request), request.body, request.lang);
      return reply.status(created ? 201 : 200).send(incident);
    },
  );

  app.get(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents in your scope, newest first, cursor-paginated; each with its category, highest severity and report ids',
        querystring: ZIncidentListQuery,
        response: { 200: listOf(ZIncident), ...errors },
      },
    },
    async (request) => listIncidents(deps(), contextOf(request), request.query),
  );

  app.get(
    '/api/incidents/:id',
    {
      schema: { tags: ['incidents'], summary: 'One incident with its reports (a confidential reporter stays hidden as in the report list)', params: ZId, response: { 200: ZIncidentDetail, ...errors } },
    },
    async (request) => getIncident(deps(), contextOf(request), request.params.id, request.lang),
  );

  app.patch(
    '/api/incidents/:id',
    {
      schema: { tags: ['incidents'], summary: 'Change title, description or status (open/closed). Send the version; a stale one answers 409 with the current incident', params: ZId, body: ZIncidentUpdate, response: { 200: ZIncidentDetail, ...errors } },
    },
    async (request) => updateIncident(deps(), contextOf(request), request.params.id, request.body, request.lang),
  );

  app.post(
    '/api/incidents/:id/reports',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Add reports (each gets an incident_add event). Reports already in this incident are left as they are; in another incident → 409',
        params: ZId,
        body: ZIncidentAddReports,
        response: { 200: ZIncidentDetail, ...errors },
      },
    },
    async (request) => addIncidentReports(deps(), contextOf(request), request.params.id, request.body, request.lang),
  );

  app.post(
    '/api/incidents/:id/reports/remove',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Take reports out (each gets an incident_remove event and keeps its own workflow). At least one report stays: close the incident instead',
        params: ZId,
        body: ZIncidentRemoveReports,
        response: { 200: ZIncidentDetail, ...errors },
      },
    },
    async (request) => removeIncidentReports(deps(), contextOf(request), request.params.id, request.body, request.lang),
  );

  app.post(
    '/api/incidents/:id/split',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Move some reports into a new incident (they turned out to be another event). Answers both incidents',
        params: ZId,
        body: ZIncidentSplit,
        response: { 201: z.object({ from: ZIncidentDetail, to: ZIncidentDetail }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await splitIncident(deps(), contextOf(request), request.params.id, request.body, request.lang)),
  );

  for (const action of INCIDENT_ACTIONS) {
    app.post(
      `/api/incidents/:id/${action}`,
      {
        schema: {
          tags: ['incidents'],
          summary:
            `Carry "${action}" to the incident's reports: the body is the report action's, with the incident's version. ` +
            'Applied report by report, oldest event first, through the single-report action (same permissions, events and audit); ' +
            'reports whose status does not allow it, or that fail on their own, are skipped and listed with the reason. ' +
            'Not all-or-nothing: what was applied stays applied. A closed incident refuses (409)',
          params: ZId,
          body: REPORT_ACTION_BODIES[action],
          response: { 200: ZIncidentActionResult, ...errors },
        },
      },
      async (request) =>
        applyIncidentAction(deps(), contextOf(request), request.params.id, action as TIncidentAction, request.body as TReportActionBody<TIncidentAction>, request.lang),
    );
  }
};
