import type { TRegion, TRegionDetail, TRegionListQuery } from '@sinergi/domain';
import { AppError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';

/** Children of a region or a search, limited to what the actor's scope lets them see. */
export function listRegions(store: RegionStore, ctx: RequestContext, query: TRegionListQuery): { items: TRegion[]; nextCursor: string | null } {
  let all: TRegion[];
  if (query.q) {
    // search results are ranked, not ordered by code: the cursor is the offset
    const offset = query.cursor ? Number.parseInt(query.cursor, 10) || 0 : 0;
    all = store.search(query.q, ctx.actor.scopes, offset + query.limit + 1).slice(offset);
    const more = all.length > query.limit;
    return { items: all.slice(0, query.limit), nextCursor: more ? String(offset + query.limit) : null };
  }
  if (query.parent) {
    if (!store.has(query.parent)) throw new AppError('not_found', `region ${query.parent}`);
    if (!store.isVisible(query.parent, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${query.parent}`);
  }
  all = store.children(query.parent ?? null, ctx.actor.scopes);
  const cursor = query.cursor;
  const start = cursor ? all.findIndex((r) => r.code > cursor) : 0;
  const page = start < 0 ? [] : all.slice(start, start + query.limit);
  const more = start >= 0 && start + query.limit < all.length;
  return { items: page, nextCursor: more ? page.at(-1)!.code : null };
}

export function getRegion(store: RegionStore, ctx: RequestContext, code: string): TRegionDetail {
  const detail = store.detail(code, ctx.actor.scopes);
  if (!detail) throw new AppError('not_found', `region ${code}`);
  if (!store.isVisible(code, ctx.actor.scopes)) throw new AppError('out_of_scope', `region ${code}`);
  return detail;
}
