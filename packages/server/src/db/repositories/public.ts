import { lt, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { appMeta, powRedeemed } from '../schema.js';

/**
 * Redeem a proof-of-work challenge: true the first time, false when it was already redeemed
 * (the primary key makes this one atomic statement, also across instances).
 */
export async function redeemPowChallenge(ex: Executor, challenge: string, at: Date): Promise<boolean> {
  const rows = await ex.insert(powRedeemed).values({ challenge, redeemedAt: at }).onConflictDoNothing().returning({ challenge: powRedeemed.challenge });
  return rows.length === 1;
}

/** Give a challenge back when the report it paid for could not be stored (the citizen may retry). */
export async function releasePowChallenge(ex: Executor, challenge: string): Promise<void> {
  await ex.delete(powRedeemed).where(sql`${powRedeemed.challenge} = ${challenge}`);
}

/** Forget redeemed challenges older than `before`: they have expired and cannot be replayed anyway. */
export async function prunePowRedeemed(ex: Executor, before: Date): Promise<void> {
  await ex.delete(powRedeemed).where(lt(powRedeemed.redeemedAt, before));
}

/** Store a meta value only when the key is absent; returns the value that is stored afterwards. */
export async function insertMetaIfAbsent<T>(ex: Executor, key: string, value: T): Promise<T> {
  await ex.insert(appMeta).values({ key, value }).onConflictDoNothing();
  const [row] = await ex.select({ value: appMeta.value }).from(appMeta).where(sql`${appMeta.key} = ${key}`).limit(1);
  return row!.value as T;
}
