import { ZErrorResponse, ZPowChallenge, ZRegionList, ZRegionListQuery, ZReportReceipt, ZReportStatus, publicReportCreateSchema } from '@sinergi/domain';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import {
  RecentCounter,
  findPublicReportStatus,
  issueChallenge,
  powConfigFor,
  powKeyOf,
  submitPublicReport,
  type PublicReportsDeps,
} from '../services/public-reports.service.js';
import { listRegions } from '../services/regions.service.js';
import { SYSTEM_ACTOR } from '../services/context.js';
import { resolveServerSecret } from '../services/server-secret.js';
import { reportsDeps } from './reports.js';

const errors = { 400: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse, 429: ZErrorResponse };

/** What a receipt code tells a citizen: the status, nothing else about the report. */
export const ZPublicReportStatus = z.object({
  receiptCode: z.string(),
  status: ZReportStatus,
  statusLabel: z.string(),
  updatedAt: z.string().describe('when the status last changed'),
});

const DEVICE_ID = /^[A-Za-z0-9_-]{8,128}$/;

function tooMany(kind: 'ip' | 'device'): AppError {
  return new AppError('rate_limited', `public reports: ${kind} limit`, {
    userMessage:
      kind === 'ip'
        ? { id: 'Terlalu banyak laporan dari jaringan ini. Coba lagi nanti atau hubungi posko pengaduan.', en: 'Too many reports from this network. Try again later or call the complaints desk.' }
        : { id: 'Terlalu banyak laporan dari perangkat ini. Coba lagi nanti atau hubungi posko pengaduan.', en: 'Too many reports from this device. Try again later or call the complaints desk.' },
  });
}

/**
 * The public channel: no account. A signed proof-of-work challenge, a report rate-limited per IP
 * address and per device (the PWA's x-device-id), and a status lookup by receipt code.
 */
export const publicRoutes: FastifyPluginAsyncZod = async (app) => {
  const config = app.deps.config;
  const secret = await resolveServerSecret(app.deps.handle, config.secret);
  const recent = new RecentCounter();
  const pow = powConfigFor(config.powBits);
  const powKey = powKeyOf(secret);
  const deps = (): PublicReportsDeps => ({ ...reportsDeps(app.deps), powKey, pow, recent });

  // a second limiter keyed by device; route config carries the per-IP one
  const deviceLimit = app.createRateLimit({
    max: config.publicDeviceMaxPerHour,
    timeWindow: '1 hour',
    keyGenerator: (request: FastifyRequest) => `public-device:${String(request.headers['x-device-id'])}`,
  });

  app.get(
    '/api/public/challenge',
    {
      config: { public: true, rateLimit: { max: config.publicMaxPerHour * 10, timeWindow: '1 hour', errorResponseBuilder: () => tooMany('ip') } },
      schema: {
        tags: ['public'],
        summary: 'A proof-of-work challenge for the public report form: find a nonce so that SHA-256("challenge:nonce") starts with `difficulty` zero bits; valid 10 minutes, once',
        response: { 200: ZPowChallenge, 429: ZErrorResponse },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return issueChallenge(deps(), request.ip, app.deps.now());
    },
  );

  app.post(
    '/api/public/reports',
    {
      config: { public: true, rateLimit: { max: config.publicMaxPerHour, timeWindow: '1 hour', errorResponseBuilder: () => tooMany('ip') } },
      preHandler: async (request) => {
        const device = request.headers['x-device-id'];
        if (device === undefined) return;
        if (typeof device !== 'string' || !DEVICE_ID.test(device)) {
          throw new AppError('bad_request', 'bad x-device-id', { fields: [{ path: 'x-device-id', message: 'x-device-id: 8–128 huruf/angka / letters or digits' }] });
        }
        const result = await deviceLimit(request);
        if (!result.isAllowed && result.isExceeded) throw tooMany('device');
      },
      schema: {
        tags: ['public'],
        summary: 'Report as a citizen, without an account (anonymous or with contact). Needs a solved challenge; rate-limited per IP and per device (x-device-id). 201 stored, 200 already stored (resend)',
        headers: z.object({ 'x-device-id': z.string().optional().describe('a random id the app keeps per device') }),
        body: publicReportCreateSchema(() => app.deps.now()),
        response: { 200: ZReportReceipt, 201: ZReportReceipt, ...errors },
      },
    },
    async (request, reply) => {
      const receipt = await submitPublicReport(deps(), request.body, { now: app.deps.now(), ip: request.ip });
      return reply.status(receipt.duplicate ? 200 : 201).send(receipt);
    },
  );

  // Region names and codes are public master data (Kemendagri); a citizen picks the village
  // of the event without an account. Nothing else of a region (counts, scores) is exposed here.
  app.get(
    '/api/public/regions',
    {
      config: { public: true, rateLimit: { max: config.publicMaxPerHour * 60, timeWindow: '1 hour', errorResponseBuilder: () => tooMany('ip') } },
      schema: {
        tags: ['public'],
        summary: 'Region names and codes for the public form: children of a region (parent=CODE) or a search by name/code (q=TEXT), whole country',
        querystring: ZRegionListQuery,
        response: { 200: ZRegionList, 400: ZErrorResponse, 404: ZErrorResponse, 429: ZErrorResponse },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return listRegions(app.deps.regions, { actor: SYSTEM_ACTOR, ip: request.ip, now: app.deps.now() }, request.query);
    },
  );

  app.get(
    '/api/public/reports/:receipt',
    {
      config: { public: true, rateLimit: { max: config.publicMaxPerHour * 10, timeWindow: '1 hour', errorResponseBuilder: () => tooMany('ip') } },
      schema: {
        tags: ['public'],
        summary: 'Follow a public report by its receipt code: status and when it changed, nothing else',
        params: z.object({ receipt: z.string().max(40) }),
        response: { 200: ZPublicReportStatus, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return findPublicReportStatus(app.deps, request.params.receipt, request.lang);
    },
  );
};
