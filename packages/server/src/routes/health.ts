import { ZHealth } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/health',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness, database kind and version', response: { 200: ZHealth } } },
    async () => {
      await app.deps.handle.query('SELECT 1');
      return {
        status: 'ok' as const,
        database: app.deps.handle.kind,
        version: app.deps.config.version,
        regions: app.deps.regions.size,
        demo: app.deps.config.demo,
        time: app.deps.now().toISOString(),
        delivery: { email: app.deps.config.delivery.smtpUrl !== null, live: app.live.listening },
      };
    },
  );
};
