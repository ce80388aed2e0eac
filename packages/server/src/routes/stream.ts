import { NATIONAL_SCOPE } from '@sinergi/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findOutboxAfter } from '../db/repositories/delivery.js';
import { contextOf } from '../plugins/auth.js';
import { authenticate } from '../services/auth.service.js';
import { formatChangeEvent, isEventVisible, streamEventOf } from '../services/live-events.js';

/** How far back a reconnecting stream is caught up (Last-Event-ID), and at most how many events. */
const RESUME_WINDOW_MS = 60 * 60_000;
const RESUME_LIMIT = 500;

/**
 * GET /api/stream: Server-Sent Events. `event: change` for every committed outbox row whose
 * region is in the user's scope (`id:` = outbox id), `event: notification` when the user has a
 * new in-app notification, and a heartbeat comment every 20 s. A reconnect with Last-Event-ID
 * first replays what was written since (within the last hour, up to 500 events).
 */
export const streamRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/stream',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Live updates (text/event-stream): `change` events in your scope, `notification` events for you; Last-Event-ID resumes',
        querystring: z.object({ lastEventId: z.string().regex(/^\d{1,18}$/).optional() }),
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const scopes = ctx.actor.scopes;
      const header = request.headers['last-event-id'];
      const lastId = (typeof header === 'string' && /^\d{1,18}$/.test(header) ? header : undefined) ?? request.query.lastEventId;
      const response = reply.raw;
      reply.hijack();
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.socket?.setNoDelay(true);
      // subscribe before catching up, so nothing announced meanwhile falls between the two. A row
      // is announced when a dispatcher claims it, which may be after the catch-up has read it:
      // live frames of rows already replayed are dropped, by id (ids are not in commit order).
      const pending: string[] = [];
      const replayed = new Set<number>();
      const unseen = (frame: string) => {
        const match = /^id: (\d+)\n/.exec(frame);
        return !match || !replayed.has(Number(match[1]));
      };
      let catchingUp = lastId !== undefined;
      const live = { write: (frame: string) => (unseen(frame) ? response.write(frame) : true), end: () => response.end() } as unknown as typeof response;
      const client = {
        userId: ctx.actor.id,
        scopes,
        response: catchingUp
          ? ({ write: (frame: string) => pending.push(frame), end: () => response.end() } as unknown as typeof response)
          : response,
      };
      const remove = app.live.add(client);
      // a stream outlives the request that opened it: end it when the session ends, follow scope changes
      const token = request.sessionToken;
      const recheck = setInterval(() => {
        if (!token) return;
        authenticate({ handle: app.deps.handle, sessionHours: app.deps.config.sessionHours }, token, app.deps.now()).then(
          (found) => {
            if (found) {
              client.scopes = found.actor.scopes;
              return;
            }
            remove();
            response.end('event: end\ndata: {"reason":"session"}\n\n');
          },
          () => undefined, // a database hiccup: check again next time
        );
      }, app.deps.config.delivery.streamSessionCheckMs ?? 60_000);
      recheck.unref();
      request.raw.on('close', () => {
        clearInterval(recheck);
        remove();
      });
      response.write(`retry: 3000\n: ${scopes.includes(NATIONAL_SCOPE) ? 'national' : scopes.length} scope\n\n`);
      if (catchingUp) {
        try {
          const rows = await findOutboxAfter(app.deps.handle.db, Number(lastId), new Date(ctx.now.getTime() - RESUME_WINDOW_MS), RESUME_LIMIT);
          for (const row of rows) {
            if (!isEventVisible(row.regionCode, scopes)) continue;
            response.write(formatChangeEvent(streamEventOf(row)));
            replayed.add(row.id);
          }
          // live frames that arrived while catching up, minus those already replayed
          for (const frame of pending) if (unseen(frame)) response.write(frame);
        } finally {
          catchingUp = false;
          client.response = replayed.size > 0 ? live : response;
        }
      }
    },
  );
};
