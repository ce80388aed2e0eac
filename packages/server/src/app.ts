import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authPlugin } from './plugins/auth.js';
import { errorsPlugin } from './plugins/errors.js';
import { alertRoutes } from './routes/alerts.js';
import { attachmentRoutes } from './routes/attachments.js';
import { authRoutes } from './routes/auth.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { mapRoutes } from './routes/map.js';
import { healthRoutes } from './routes/health.js';
import { inboundRoutes } from './routes/inbound.js';
import { publicRoutes } from './routes/public.js';
import { electionRoutes } from './routes/elections.js';
import { incidentRoutes } from './routes/incidents.js';
import { regionRoutes } from './routes/regions.js';
import { reportRoutes } from './routes/reports.js';
import { notificationRoutes } from './routes/notifications.js';
import { riskRoutes } from './routes/risk.js';
import { streamRoutes } from './routes/stream.js';
import { configRoutes } from './routes/config.js';
import { sitrepRoutes } from './routes/sitreps.js';
import { userRoutes } from './routes/users.js';
import { LiveEvents } from './services/live-events.js';
import type { AppDeps } from './types.js';
import './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built web app (npm run build), served by the same server. */
export const WEB_DIST = path.resolve(here, '../../web/dist');

/** The CSP source of a tile URL template: its origin, `{s}` subdomains as a wildcard. */
function tileOrigin(template: string): string {
  return new URL(template.replace('{s}', 'tilesub').replace(/\{[a-z]\}/g, '0')).origin.replace('tilesub', '*');
}

export interface BuildOptions {
  logger?: boolean | { level: string };
}

/**
 * Build the Fastify app. Plugins load in order: infrastructure (errors, security headers,
 * cookies, rate limits, OpenAPI, auth), then the API routes, then the web app.
 */
export async function buildApp(deps: AppDeps, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: deps.config.logLevel },
    bodyLimit: deps.config.bodyLimit,
    trustProxy: deps.config.trustProxy,
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('deps', deps);
  // live updates: this instance's LISTEN on the database, fanned out to its SSE streams
  const live = new LiveEvents(deps.handle, app.log);
  await live.start();
  app.decorate('live', live);
  // open streams would keep the HTTP server from closing: end them first
  app.addHook('preClose', async () => live.close());

  await app.register(errorsPlugin);
  // helmet's middleware is built once here; @fastify/helmet rebuilt it (parsing the CSP) on
  // every request, which cost about a third of a GET /api/regions. Same headers, same options.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // an operator-configured basemap (SINERGI_MAP_TILE_URL) is the only other image origin
        imgSrc: ["'self'", 'data:', 'blob:', ...(deps.config.map.tileUrl ? [tileOrigin(deps.config.map.tileUrl)] : [])],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        manifestSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false, // set by the TLS-terminating proxy (docs/operations.md)
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 5, fields: 20 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Sinergi API', version: deps.config.version, description: 'Koordinasi dan peringatan dini keamanan pemilu. Errors: {error: {code, message, fields}}; lists: {items, nextCursor}.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sinergi_session' }, bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(authPlugin);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(regionRoutes);
  await app.register(userRoutes);
  await app.register(electionRoutes);
  await app.register(reportRoutes);
  await app.register(incidentRoutes);
  await app.register(attachmentRoutes);
  await app.register(publicRoutes);
  await app.register(inboundRoutes);
  await app.register(riskRoutes);
  await app.register(alertRoutes);
  await app.register(notificationRoutes);
  await app.register(streamRoutes);
  await app.register(dashboardRoutes);
  await app.register(sitrepRoutes);
  await app.register(configRoutes);
  await app.register(mapRoutes);

  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: false });
    // the SPA's routes: any GET outside /api and /docs that is not a file gets index.html
    app.get('/*', { schema: { hide: true }, config: { public: true } }, (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/') || url.startsWith('/docs')) return reply.callNotFound();
      const file = path.join(WEB_DIST, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
      if (url !== '/' && fs.existsSync(file) && fs.statSync(file).isFile()) return reply.sendFile(path.relative(WEB_DIST, file));
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
  return app;
}
