import { ZChangePasswordRequest, ZErrorResponse, ZLoginRequest, ZMe, ZRedeemResetRequest } from '@sinergi/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { SESSION_COOKIE, contextOf } from '../plugins/auth.js';
import { changeOwnPassword, login, logout, presentMe, redeemOneTimeCode, type LoginResult } from '../services/auth.service.js';
import { findUserById } from '../db/repositories/users.js';

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 429: ZErrorResponse };

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ handle: app.deps.handle, sessionHours: app.deps.config.sessionHours });
  const loginLimit = { max: app.deps.config.loginMaxPerMinute, timeWindow: '1 minute' };

  function setSessionCookie(request: FastifyRequest, reply: FastifyReply, result: LoginResult) {
    const secure = app.deps.config.cookieSecure === 'auto' ? request.protocol === 'https' : app.deps.config.cookieSecure;
    reply.setCookie(SESSION_COOKIE, result.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: result.expiresAt });
  }

  app.post(
    '/api/auth/login',
    {
      config: {
        public: true,
        rateLimit: {
          ...loginLimit,
          // per address and per account, so one office behind NAT does not lock everyone out
          keyGenerator: (request: FastifyRequest) => {
            const username = (request.body as { username?: unknown } | undefined)?.username;
            return `${request.ip}|${typeof username === 'string' ? username.toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the httpOnly session cookie and returns the user with its CSRF token',
        body: ZLoginRequest,
        response: { 200: z.object({ user: ZMe, token: z.string().describe('the same session token, for non-browser clients (Bearer)') }), ...errors },
      },
    },
    async (request, reply) => {
      const result = await login(deps(), { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      setSessionCookie(request, reply, result);
      return { user: result.me, token: result.token };
    },
  );

  app.post(
    '/api/auth/redeem',
    {
      config: { public: true, rateLimit: loginLimit },
      schema: {
        tags: ['auth'],
        summary: 'First sign-in with a one-time code from an administrator; sets a new password',
        body: ZRedeemResetRequest,
        response: { 200: z.object({ user: ZMe, token: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const result = await redeemOneTimeCode(deps(), { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      setSessionCookie(request, reply, result);
      return { user: result.me, token: result.token };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Sign out this session', response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await logout(deps(), contextOf(request), request.sessionToken!);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user, permissions and CSRF token', response: { 200: ZMe, 401: ZErrorResponse } } },
    async (request) => {
      const user = await findUserById(app.deps.handle.db, request.actor!.id);
      if (!user) throw new AppError('unauthenticated');
      return presentMe(user, request.csrfToken!);
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { rateLimit: loginLimit },
      schema: { tags: ['auth'], summary: 'Change your own password; other sessions are signed out', body: ZChangePasswordRequest, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await changeOwnPassword(deps(), contextOf(request), { ...request.body, currentToken: request.sessionToken! });
      return reply.status(204).send(null);
    },
  );
};
