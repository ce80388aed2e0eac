import { ZDashboard, ZDashboardQuery, ZErrorResponse } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../plugins/auth.js';
import { getDashboard } from '../services/dashboard.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };

/** The situation-room dashboard: one scoped request for every number on the page. */
export const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/dashboard',
    {
      schema: {
        tags: ['dashboard'],
        summary:
          'Situation room for your scope (or region=CODE within it) and an election: stage and days to polling day, counts by category, ' +
          'severity and status against the previous range, a per-day trend (local days, WIB/WITA/WIT), the most vulnerable regions with their ' +
          '7-day change, overdue open reports and the newest reports. Filters: election, stage, days (7|14|30|90), category, severity, pillar, region',
        querystring: ZDashboardQuery,
        response: { 200: ZDashboard, ...errors },
      },
    },
    async (request) => getDashboard({ handle: app.deps.handle, regions: app.deps.regions, elections: app.deps.elections }, contextOf(request), request.query),
  );
};
