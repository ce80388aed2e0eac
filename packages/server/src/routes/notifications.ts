import {
  ZDeliveryList,
  ZDeliveryQuery,
  ZErrorResponse,
  ZNotificationList,
  ZNotificationMarkRead,
  ZNotificationQuery,
  ZUnreadCount,
  ZWebhook,
  ZWebhookCreate,
  ZWebhookList,
  ZWebhookUpdate,
} from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../plugins/auth.js';
import { listNotifications, markRead, unreadCount } from '../services/notifications.service.js';
import { createWebhook, getWebhook, listDeliveries, listWebhooks, removeWebhook, retryDelivery, updateWebhook } from '../services/webhooks.service.js';

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse };
const ZId = z.object({ id: z.uuid() });

/** In-app notifications (the bell), webhook subscriptions and the delivery log. */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ handle: app.deps.handle, regions: app.deps.regions });

  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first (cursor list), with the unread count',
        querystring: ZNotificationQuery,
        response: { 200: ZNotificationList, ...errors },
      },
    },
    async (request) => listNotifications(deps(), contextOf(request), request.lang, request.query),
  );

  app.get(
    '/api/notifications/unread-count',
    { schema: { tags: ['notifications'], summary: 'How many of your notifications are unread', response: { 200: ZUnreadCount, ...errors } } },
    async (request) => unreadCount(deps(), contextOf(request)),
  );

  app.post(
    '/api/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark your notifications read: {ids: [...]} or {all: true}',
        body: ZNotificationMarkRead,
        response: { 200: z.object({ marked: z.number().int(), unread: z.number().int() }), ...errors },
      },
    },
    async (request) => markRead(deps(), contextOf(request), request.body),
  );

  app.get(
    '/api/webhooks',
    { schema: { tags: ['webhooks'], summary: 'Webhook subscriptions in your scope (config.manage), with delivery counts and the topics one may name', response: { 200: ZWebhookList, ...errors } } },
    async (request) => listWebhooks(deps(), contextOf(request)),
  );

  app.post(
    '/api/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a receiver to topics in a region (config.manage). Bodies are signed: X-Sinergi-Signature t=<unix>,v1=<hex HMAC-SHA256 of "t.body">; the secret is shown once',
        body: ZWebhookCreate,
        response: { 201: ZWebhook, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhook(deps(), contextOf(request), request.body)),
  );

  app.get(
    '/api/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'One webhook subscription', params: ZId, response: { 200: ZWebhook, ...errors } } },
    async (request) => getWebhook(deps(), contextOf(request), request.params.id),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      schema: { tags: ['webhooks'], summary: 'Change a subscription (version for optimistic locking); rotateSecret: true shows a new secret once', params: ZId, body: ZWebhookUpdate, response: { 200: ZWebhook, ...errors } },
    },
    async (request) => updateWebhook(deps(), contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Remove a subscription; its pending deliveries end as dead', params: ZId, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await removeWebhook(deps(), contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'E-mail and webhook deliveries about regions in your scope (config.manage), newest change first; status=dead lists those that gave up',
        querystring: ZDeliveryQuery,
        response: { 200: ZDeliveryList, ...errors },
      },
    },
    async (request) => listDeliveries(deps(), contextOf(request), request.query),
  );

  app.post(
    '/api/deliveries/:key/retry',
    {
      schema: { tags: ['webhooks'], summary: 'Queue a dead delivery again (same idempotency key)', params: z.object({ key: z.string().regex(/^sng_[0-9a-f]{40}$/) }), response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await retryDelivery(deps(), contextOf(request), request.params.key);
      return reply.status(204).send(null);
    },
  );
};
