import { ZConfigHistory, ZErrorResponse, ZIndexConfig, ZIndexConfigCreate, ZIndexConfigList, ZSlaConfigCreate, ZSlaConfigList, ZSlaVersion } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../plugins/auth.js';
import { addIndexConfig, addSlaConfigVersion, configHistory, listIndexConfigs, listSlaConfigs } from '../services/config.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };

/** Run-time configuration: index weights and thresholds, service-level times, and the change history. */
export const configRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ handle: app.deps.handle });

  app.get(
    '/api/config/index',
    { schema: { tags: ['config'], summary: 'Vulnerability index configuration versions (weights, half-life, thresholds) and the one in force', response: { 200: ZIndexConfigList, ...errors } } },
    async (request) => listIndexConfigs(deps(), contextOf(request)),
  );

  app.post(
    '/api/config/index',
    {
      schema: { tags: ['config'], summary: 'Add an index configuration version in force from effectiveFrom (config.manage; recorded old → new)', body: ZIndexConfigCreate, response: { 201: ZIndexConfig, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await addIndexConfig(deps(), contextOf(request), request.body)),
  );

  app.get(
    '/api/config/sla',
    { schema: { tags: ['config'], summary: 'Service-level times per severity (verify, handle) by version; version 1 is the built-in default', response: { 200: ZSlaConfigList, ...errors } } },
    async (request) => listSlaConfigs(deps(), contextOf(request)),
  );

  app.post(
    '/api/config/sla',
    {
      schema: { tags: ['config'], summary: 'Add a service-level version, in force from effectiveFrom (default now); the escalation job uses it (config.manage; recorded old → new)', body: ZSlaConfigCreate, response: { 201: ZSlaVersion, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await addSlaConfigVersion(deps(), contextOf(request), request.body)),
  );

  app.get(
    '/api/config/history',
    { schema: { tags: ['config'], summary: 'Recorded configuration changes, newest first: who, when, old → new (config.manage)', response: { 200: ZConfigHistory, ...errors } } },
    async (request) => ({ items: await configHistory(deps(), contextOf(request)) }),
  );
};
