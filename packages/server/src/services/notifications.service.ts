import { decodeCursor, encodeCursor, type TLang, type TNotification, type TNotificationList, type TNotificationMarkRead } from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import { countUnread, findNotifications, markNotificationsRead, type NotificationRow } from '../db/repositories/delivery.js';
import { AppError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';
import { describeNotice, noticeTopic } from './notice-topics.js';

export interface NotificationsDeps {
  handle: DbHandle;
  regions: RegionStore;
}

function present(deps: NotificationsDeps, row: NotificationRow, lang: TLang): TNotification {
  const payload = (row.payload ?? {}) as Record<string, unknown>;
  const regionName = row.regionCode ? deps.regions.nameOf(row.regionCode) : null;
  return {
    id: String(row.id),
    topic: row.topic,
    regionCode: row.regionCode,
    regionName,
    message: describeNotice(row.topic, payload, { regionName, lang }),
    link: noticeTopic(row.topic)?.link?.(payload) ?? null,
    payload,
    createdAt: row.createdAt.toISOString(),
    read: row.readAt !== null,
  };
}

/** The signed-in user's own notifications, newest first, with the unread count. */
export async function listNotifications(
  deps: NotificationsDeps,
  ctx: RequestContext,
  lang: TLang,
  query: { cursor?: string; limit: number; unread?: 'true' | 'false' },
): Promise<TNotificationList> {
  let beforeId: number | undefined;
  if (query.cursor) {
    const position = decodeCursor(query.cursor);
    if (!position || position.length !== 1 || typeof position[0] !== 'number') throw new AppError('validation', 'bad cursor', { fields: [{ path: 'cursor', message: 'cursor.invalid' }] });
    beforeId = position[0];
  }
  const rows = await findNotifications(deps.handle.db, ctx.actor.id, { beforeId, unreadOnly: query.unread === 'true', limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => present(deps, r, lang)),
    nextCursor: rows.length > query.limit ? encodeCursor([page.at(-1)!.id]) : null,
    unread: await countUnread(deps.handle.db, ctx.actor.id),
  };
}

export async function unreadCount(deps: NotificationsDeps, ctx: RequestContext): Promise<{ unread: number }> {
  return { unread: await countUnread(deps.handle.db, ctx.actor.id) };
}

/** Mark notifications read; only the caller's own rows change. */
export async function markRead(deps: NotificationsDeps, ctx: RequestContext, input: TNotificationMarkRead): Promise<{ marked: number; unread: number }> {
  let ids: number[] | 'all' = 'all';
  if ('ids' in input) {
    const bad = input.ids.findIndex((id) => !/^\d{1,18}$/.test(id));
    if (bad >= 0) throw new AppError('validation', 'bad id', { fields: [{ path: `ids.${bad}`, message: 'notification.id_invalid' }] });
    ids = input.ids.map(Number);
  }
  const marked = await markNotificationsRead(deps.handle.db, ctx.actor.id, ids, ctx.now);
  return { marked, unread: await countUnread(deps.handle.db, ctx.actor.id) };
}
