import {
  ZConfigHistory,
  ZErrorResponse,
  ZIndexConfig,
  ZIndexConfigCreate,
  ZIndexConfigList,
  ZSlaConfigCreate,
  ZSlaConfigList,
  ZSlaVersion,
  ZTaxonomyConfigCreate,
  ZTaxonomyConfigList,
  ZTaxonomyVersion,
} from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../plugins/auth.js';
import { addIndexConfig, addSlaConfigVersion, configHistory, listIndexConfigs, listSlaConfigs } from '../services/config.service.js';
import { addTaxonomyConfigVersion, listTaxonomyConfigs } from '../services/taxonomy.service.js';

const errors = { 400: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };

/** Run-time configuration: index weights and thresholds, service-level times, the report taxonomy, and the change history. */
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
    '/api/config/taxonomy',
    {
      schema: {
        tags: ['config'],
        summary: 'Report taxonomy versions (labels, default handler, offered or retired, subcategories) and the one in force; version 1 is the built-in taxonomy',
        response: { 200: ZTaxonomyConfigList, ...errors },
      },
    },
    async (request) => listTaxonomyConfigs(deps(), contextOf(request)),
  );

  app.post(
    '/api/config/taxonomy',
    {
      schema: {
        tags: ['config'],
        summary:
          'Add a taxonomy version in force from effectiveFrom (default now). Category codes are fixed; subcategories are added or retired, never removed. ' +
          'baseVersion must be the newest version (else 409). config.manage; recorded old → new',
        body: ZTaxonomyConfigCreate,
        response: { 201: ZTaxonomyVersion, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await addTaxonomyConfigVersion(deps(), contextOf(request), request.body)),
  );

  app.get(
    '/api/config/history',
    { schema: { tags: ['config'], summary: 'Recorded configuration changes, newest first: who, when, old → new (config.manage)', response: { 200: ZConfigHistory, ...errors } } },
    async (request) => ({ items: await configHistory(deps(), contextOf(request)) }),
  );
};
