import { timingSafeEqual } from 'node:crypto';
import { pickLang } from '@sinergi/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { authenticate } from '../services/auth.service.js';
import type { RequestContext } from '../services/context.js';

export const SESSION_COOKIE = 'sinergi_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The use-case context of a signed-in request. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.actor) throw new AppError('unauthenticated');
  return { actor: request.actor, ip: request.ip, now: request.server.deps.now() };
}

/**
 * Resolves the session (cookie or Bearer token) of every /api request. Routes are private
 * unless marked `config: { public: true }`. Cookie-authenticated writes must carry the
 * session's CSRF token in the x-csrf-token header (a Bearer token needs none: browsers
 * never attach it by themselves).
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('lang', 'id');
    app.decorateRequest('actor', null);
    app.decorateRequest('sessionToken', null);
    app.decorateRequest('csrfToken', null);

    app.addHook('onRequest', async (request) => {
      request.lang = pickLang(request.headers['accept-language']);
      if (!request.url.startsWith('/api/')) return;
      const bearer = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
      const cookie = request.cookies[SESSION_COOKIE] ?? null;
      const token = bearer ?? cookie;
      if (token) {
        const found = await authenticate({ handle: app.deps.handle, sessionHours: app.deps.config.sessionHours }, token, app.deps.now());
        if (found) {
          request.actor = found.actor;
          request.sessionToken = token;
          request.csrfToken = found.session.csrfToken;
        }
      }
      if (request.routeOptions.config?.public) return;
      if (!request.actor) {
        // unknown routes fall through to the 404 handler rather than asking to sign in
        if (!request.routeOptions.url) return;
        throw new AppError('unauthenticated');
      }
      if (!bearer && !SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !request.csrfToken || !sameToken(sent, request.csrfToken)) throw new AppError('csrf');
      }
    });
  },
  { name: 'auth', dependencies: ['@fastify/cookie'] },
);
