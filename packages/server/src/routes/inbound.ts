import { ZErrorResponse, listOf } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import {
  ZInboundChannel,
  ZInboundChannelCreate,
  ZInboundResult,
  createInboundChannel,
  listInboundChannels,
  receiveInbound,
  verifyWhatsAppSubscription,
  type InboundDeps,
} from '../services/inbound.service.js';
import { reportsDeps } from './reports.js';

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZChannelId = z.object({ channelId: z.string().max(64) });

/**
 * The gateways' webhooks. Their signatures cover the exact bytes sent, so this encapsulated
 * plugin replaces the JSON parser with one that keeps the raw body; the service verifies the
 * HMAC over it before parsing anything.
 */
const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): InboundDeps => reportsDeps(app.deps);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const raw = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : ''));
  const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

  app.post(
    '/api/inbound/:channelId',
    {
      config: { public: true },
      schema: {
        tags: ['inbound'],
        summary:
          'Plain JSON gateway (SMS, Telegram): one message {from, text, receivedAt, messageId, channel} or an array of them. Header x-sinergi-signature: sha256=<hex HMAC-SHA256 of the raw body with the channel secret>. Each new message becomes a draft report',
        params: ZChannelId,
        response: { 200: ZInboundResult, ...errors },
      },
    },
    async (request) =>
      receiveInbound(deps(), {
        channelId: request.params.channelId,
        kind: 'json',
        raw: raw(request.body),
        signature: header(request.headers['x-sinergi-signature']),
        now: app.deps.now(),
        ip: request.ip,
      }),
  );

  app.get(
    '/api/inbound/:channelId/whatsapp',
    {
      config: { public: true },
      schema: {
        tags: ['inbound'],
        summary: "WhatsApp Cloud API webhook verification (Meta's handshake): echoes hub.challenge as text/plain when hub.verify_token matches",
        params: ZChannelId,
        querystring: z.object({
          'hub.mode': z.string().max(40).optional(),
          'hub.verify_token': z.string().max(512).optional(),
          'hub.challenge': z.string().max(512).optional(),
        }),
        // no response schema: the challenge goes back verbatim as text/plain, not as a JSON string
      },
    },
    async (request, reply) => {
      const challenge = await verifyWhatsAppSubscription(deps(), request.params.channelId, {
        mode: request.query['hub.mode'],
        verifyToken: request.query['hub.verify_token'],
        challenge: request.query['hub.challenge'],
      });
      return reply.type('text/plain; charset=utf-8').send(challenge);
    },
  );

  app.post(
    '/api/inbound/:channelId/whatsapp',
    {
      config: { public: true },
      schema: {
        tags: ['inbound'],
        summary:
          'WhatsApp Business Cloud API webhook. Header x-hub-signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret (= channel secret)>. Text messages become draft reports; status callbacks are counted as skipped',
        params: ZChannelId,
        response: { 200: ZInboundResult, ...errors },
      },
    },
    async (request) =>
      receiveInbound(deps(), {
        channelId: request.params.channelId,
        kind: 'whatsapp',
        raw: raw(request.body),
        signature: header(request.headers['x-hub-signature-256']),
        now: app.deps.now(),
        ip: request.ip,
      }),
  );
};

/** Inbound messages: channel administration (signed in) and the gateways' webhooks (signed bodies). */
export const inboundRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): InboundDeps => reportsDeps(app.deps);

  app.post(
    '/api/inbound-channels',
    {
      schema: {
        tags: ['inbound'],
        summary: 'Register a gateway (WhatsApp Cloud API or plain JSON) for a regency/city in your scope; needs config.manage',
        body: ZInboundChannelCreate,
        response: { 201: ZInboundChannel, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await createInboundChannel(deps(), contextOf(request), request.body)),
  );

  app.get(
    '/api/inbound-channels',
    {
      schema: {
        tags: ['inbound'],
        summary: 'Gateways in your scope (secrets are never shown)',
        response: { 200: listOf(ZInboundChannel), ...errors },
      },
    },
    async (request) => ({ items: await listInboundChannels(deps(), contextOf(request)), nextCursor: null }),
  );

  await app.register(webhookRoutes);
};
