import {
  DEFAULT_SLA_VERSION,
  ZSlaConfigCreate,
  can,
  selectIndexConfig,
  selectSlaVersion,
  type TConfigChange,
  type TIndexConfigList,
  type TSlaConfig,
  type TSlaConfigList,
  type TSlaVersion,
} from '@sinergi/domain';
import { and, desc, inArray } from 'drizzle-orm';
import type { DbHandle, Executor } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findSlaConfigs, insertSlaConfig } from '../db/repositories/sitreps.js';
import { auditLog } from '../db/schema.js';
import { AppError } from '../errors.js';
import { SYSTEM_ACTOR, type RequestContext } from './context.js';
import { addIndexConfigVersion, loadIndexConfigs } from './risk.service.js';

/*
 * Configuration an administrator changes at run time: service-level times (versioned here),
 * the vulnerability index (versioned in risk.service.ts), the report taxonomy (versioned in
 * taxonomy.service.ts), and the record of every change.
 */

function requireConfig(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot manage configuration`);
}

/** Every SLA version: the built-in default (1) and the stored ones. */
export async function loadSlaVersions(ex: Executor): Promise<TSlaVersion[]> {
  const stored = await findSlaConfigs(ex);
  return [DEFAULT_SLA_VERSION, ...stored.map((s) => ({ ...s, isDefault: false }))];
}

/** The SLA times in force at an instant (the escalation job and the situation report's overdue count use it). */
export async function slaInForce(ex: Executor, at: Date): Promise<TSlaConfig> {
  return selectSlaVersion(await loadSlaVersions(ex), at.getTime()).config;
}

export async function listSlaConfigs(deps: { handle: DbHandle }, ctx: RequestContext): Promise<TSlaConfigList> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const items = await loadSlaVersions(deps.handle.db);
  return { current: selectSlaVersion(items, ctx.now.getTime()).version, items };
}

/**
 * Record a new SLA version, in force from `effectiveFrom` (default now). The audit entry holds
 * who, when, and the times before (the version in force then) and after.
 */
export async function addSlaConfigVersion(deps: { handle: DbHandle }, ctx: RequestContext, input: unknown): Promise<TSlaVersion> {
  requireConfig(ctx);
  const parsed = ZSlaConfigCreate.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation', 'sla configuration', { fields: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message })) });
  }
  const effectiveFrom = parsed.data.effectiveFrom ? new Date(parsed.data.effectiveFrom) : ctx.now;
  const config = parsed.data.config as TSlaConfig;
  const createdBy = ctx.actor.id === SYSTEM_ACTOR.id ? null : ctx.actor.id;
  return deps.handle.db.transaction(async (tx) => {
    const previous = selectSlaVersion(await loadSlaVersions(tx), effectiveFrom.getTime());
    const version = await insertSlaConfig(tx, { config, effectiveFrom, note: parsed.data.note ?? null, createdBy });
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action: 'sla.config_version',
      entity: 'sla_config',
      entityId: String(version),
      before: { version: previous.version, config: previous.config },
      after: { version, config, effectiveFrom: effectiveFrom.toISOString(), note: parsed.data.note ?? null },
      ip: ctx.ip,
    });
    return { version, effectiveFrom: effectiveFrom.toISOString(), config, note: parsed.data.note ?? null, createdBy, createdAt: ctx.now.toISOString(), isDefault: false };
  });
}

export async function listIndexConfigs(deps: { handle: DbHandle }, ctx: RequestContext): Promise<TIndexConfigList> {
  if (!can(ctx.actor.role, 'records.read')) throw new AppError('forbidden');
  const items = await loadIndexConfigs(deps.handle.db);
  return { current: selectIndexConfig(items, ctx.now.getTime()).version, items };
}

/** A new index configuration version through the HTTP API (same rules as the CLI). */
export async function addIndexConfig(deps: { handle: DbHandle }, ctx: RequestContext, input: unknown) {
  return addIndexConfigVersion(deps, ctx, input);
}

const CONFIG_ENTITIES = ['sla_config', 'risk_index_config', 'taxonomy_config', 'sitrep_template'];

/** The recorded configuration changes, newest first: who, when, old → new. */
export async function configHistory(deps: { handle: DbHandle }, ctx: RequestContext, limit = 100): Promise<TConfigChange[]> {
  requireConfig(ctx);
  const rows = await deps.handle.db
    .select({ at: auditLog.at, actorName: auditLog.actorName, action: auditLog.action, entity: auditLog.entity, entityId: auditLog.entityId, before: auditLog.before, after: auditLog.after })
    .from(auditLog)
    .where(and(inArray(auditLog.entity, CONFIG_ENTITIES)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
