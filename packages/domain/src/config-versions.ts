/* Versioned configuration (SLA times, the report taxonomy): which version is in force when, and the API envelope of a version. */
import { z } from 'zod';

/** One stored version of a configuration, as the API shows it. Version 1 is the built-in one. */
export function versionSchemaOf<C extends z.ZodType>(config: C) {
  return z.object({
    version: z.number().int().min(1),
    effectiveFrom: z.string(),
    config,
    note: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string().nullable(),
    isDefault: z.boolean(),
  });
}

/** The versions of a configuration and the one in force now. */
export function versionListSchemaOf<V extends z.ZodType>(version: V) {
  return z.object({ current: z.number().int(), items: z.array(version) });
}

/**
 * The version in force at `atMs` among versions of one configuration: the latest effective one,
 * the higher version winning a tie; `fallback` (the built-in version 1) when none is effective yet.
 */
export function selectVersionInForce<V extends { version: number; effectiveFrom: string }>(versions: readonly V[], atMs: number, fallback: V): V {
  let chosen = fallback;
  let chosenMs = -Infinity;
  for (const v of versions) {
    const ms = Date.parse(v.effectiveFrom);
    if (ms > atMs) continue;
    if (ms > chosenMs || (ms === chosenMs && v.version > chosen.version)) {
      chosen = v;
      chosenMs = ms;
    }
  }
  return chosen;
}
