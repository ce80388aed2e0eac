import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { inboundChannels, inboundMessages } from '../schema.js';
import { inScope } from './scope.js';

export type InboundChannelRow = typeof inboundChannels.$inferSelect;
export type NewInboundChannelRow = typeof inboundChannels.$inferInsert;
export type NewInboundMessageRow = typeof inboundMessages.$inferInsert;

export async function findInboundChannel(ex: Executor, id: string): Promise<InboundChannelRow | null> {
  const [row] = await ex.select().from(inboundChannels).where(eq(inboundChannels.id, id)).limit(1);
  return row ?? null;
}

/** Channels whose region lies in the scopes, by id. */
export async function findInboundChannels(ex: Executor, scopes: readonly string[]): Promise<InboundChannelRow[]> {
  return ex.select().from(inboundChannels).where(inScope(inboundChannels.regionCode, scopes)).orderBy(asc(inboundChannels.id));
}

/** Insert a channel; false when the id is taken. */
export async function insertInboundChannel(ex: Executor, row: NewInboundChannelRow): Promise<boolean> {
  const rows = await ex.insert(inboundChannels).values(row).onConflictDoNothing().returning({ id: inboundChannels.id });
  return rows.length === 1;
}

/** The external ids of a channel already stored (a gateway retry). */
export async function findStoredExternalIds(ex: Executor, channelId: string, externalIds: string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows = await ex
    .select({ externalId: inboundMessages.externalId })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.channelId, channelId), inArray(inboundMessages.externalId, externalIds)));
  return new Set(rows.map((r) => r.externalId));
}

/** Insert messages, skipping those already stored; returns the external ids actually inserted. */
export async function insertInboundMessages(ex: Executor, rows: NewInboundMessageRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await ex
    .insert(inboundMessages)
    .values(rows)
    .onConflictDoNothing()
    .returning({ externalId: inboundMessages.externalId });
  return inserted.map((r) => r.externalId);
}
