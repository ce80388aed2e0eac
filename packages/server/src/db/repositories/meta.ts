import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { appMeta } from '../schema.js';

export async function getMeta<T>(ex: Executor, key: string): Promise<T | null> {
  const [row] = await ex.select().from(appMeta).where(eq(appMeta.key, key)).limit(1);
  return (row?.value as T | undefined) ?? null;
}

export async function setMeta(ex: Executor, key: string, value: unknown): Promise<void> {
  await ex
    .insert(appMeta)
    .values({ key, value })
    .onConflictDoUpdate({ target: appMeta.key, set: { value: sql`excluded.value`, updatedAt: new Date() } });
}
