import { z } from 'zod';
import { DEFAULT_SLA, ZSlaConfig, type TSlaConfig } from './escalation.js';
import { ZIndexConfig } from './vulnerability.js';
import { selectVersionInForce, versionListSchemaOf, versionSchemaOf } from './config-versions.js';

/*
 * Administration of configuration: service-level times per severity (versioned), the index
 * weights and thresholds (versioned, vulnerability.ts), and the history of every change.
 */

/** One version of the service-level times. Version 1 is the built-in default (DEFAULT_SLA). */
export const ZSlaVersion = versionSchemaOf(ZSlaConfig);
/** One SLA version. */
export type TSlaVersion = z.infer<typeof ZSlaVersion>;

/** The SLA versions and the one in force now. */
export const ZSlaConfigList = versionListSchemaOf(ZSlaVersion);
/** The SLA versions. */
export type TSlaConfigList = z.infer<typeof ZSlaConfigList>;

/** A new SLA version: in force from `effectiveFrom` (default: now). */
export const ZSlaConfigCreate = z.strictObject({
  config: ZSlaConfig,
  effectiveFrom: z.iso.datetime({ offset: true, message: 'time.iso_offset' }).optional(),
  note: z.string().trim().max(2000).optional(),
});
/** A new SLA version. */
export type TSlaConfigCreate = z.infer<typeof ZSlaConfigCreate>;

/** The built-in SLA as version 1. */
export const DEFAULT_SLA_VERSION: TSlaVersion = {
  version: 1,
  effectiveFrom: '2000-01-01T00:00:00.000Z',
  config: DEFAULT_SLA as TSlaConfig,
  note: 'Bawaan / default (packages/domain escalation.ts)',
  createdBy: null,
  createdAt: null,
  isDefault: true,
};

/** The SLA version in force at `atMs`: the latest effective one, the higher version winning a tie. */
export function selectSlaVersion(versions: readonly TSlaVersion[], atMs: number): TSlaVersion {
  return selectVersionInForce(versions, atMs, DEFAULT_SLA_VERSION);
}

/** The index configuration versions and the one in force now. */
export const ZIndexConfigList = z.object({ current: z.number().int(), items: z.array(ZIndexConfig) });
/** The index configuration versions. */
export type TIndexConfigList = z.infer<typeof ZIndexConfigList>;

/** A new index configuration version (everything but the version number). */
export const ZIndexConfigCreate = ZIndexConfig.omit({ version: true });

/** One recorded configuration change: who, when, what, old → new. */
export const ZConfigChange = z.object({
  at: z.string(),
  actorName: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
/** One recorded configuration change. */
export type TConfigChange = z.infer<typeof ZConfigChange>;
/** The configuration change history, newest first. */
export const ZConfigHistory = z.object({ items: z.array(ZConfigChange) });
