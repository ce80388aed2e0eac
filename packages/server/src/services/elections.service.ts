import { randomUUID } from 'node:crypto';
import {
  VOTING_STAGE_CODE,
  can,
  isInScope,
  stageAt,
  type TElection,
  type TElectionCalendar,
  type TElectionCreate,
  type TElectionTemplateKey,
  type TElectionUpdate,
  type TStage,
  type TStageAt,
} from '@sinergi/domain';
import type { DbHandle, Executor } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findAllElections, insertElection, updateElectionVersioned, type ElectionRow, type StageRow } from '../db/repositories/elections.js';
import { AppError } from '../errors.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';

function toStage(row: StageRow): TStage {
  return {
    code: row.code,
    name: row.name,
    ...(row.nameEn ? { nameEn: row.nameEn } : {}),
    startDate: row.startDate,
    endDate: row.endDate,
    weight: row.weight,
  };
}

function present(election: ElectionRow, stages: TStage[]): TElection {
  return {
    id: election.id,
    kind: election.kind as TElection['kind'],
    name: election.name,
    regionScope: election.regionScope,
    stages,
    votingDate: stages.find((s) => s.code === VOTING_STAGE_CODE)?.startDate ?? null,
    template: (election.template as TElectionTemplateKey | null) ?? null,
    simulated: election.simulated,
    createdAt: election.createdAt.toISOString(),
    updatedAt: election.updatedAt.toISOString(),
    version: election.version,
  };
}

/**
 * Elections are few and read on every report: held in memory, reloaded after each change
 * (and periodically, so other instances' edits arrive; see docs/scaling.md).
 */
export class ElectionStore {
  private items: TElection[] = [];
  constructor(private readonly handle: DbHandle) {}

  async reload(ex: Executor = this.handle.db): Promise<void> {
    this.items = (await findAllElections(ex)).map(({ election, stages }) => present(election, stages.map(toStage)));
  }

  all(): TElection[] {
    return this.items;
  }

  get(id: string): TElection | null {
    return this.items.find((e) => e.id === id) ?? null;
  }

  calendars(): TElectionCalendar[] {
    return this.items;
  }

  /** The stage (and its weight) at an instant in a region. */
  stageAt(instant: Date, regionCode: string): TStageAt {
    return stageAt(this.items, instant, regionCode);
  }
}

/** Elections visible to a user: those whose scope overlaps the user's scope. */
export function listElections(store: ElectionStore, ctx: RequestContext, region?: string): TElection[] {
  return store.all().filter((e) => {
    const overlaps =
      e.regionScope === '*' || isInScope(e.regionScope, ctx.actor.scopes) || ctx.actor.scopes.some((s) => s !== '*' && isInScope(s, [e.regionScope]));
    if (!overlaps) return false;
    if (!region) return true;
    return e.regionScope === '*' || isInScope(region, [e.regionScope]) || isInScope(e.regionScope, [region]);
  });
}

export function getElection(store: ElectionStore, ctx: RequestContext, id: string): TElection {
  const found = listElections(store, ctx).find((e) => e.id === id);
  if (!found) throw new AppError('not_found', `election ${id}`);
  return found;
}

function requireConfig(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'config.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot edit elections`);
}

function checkScope(regions: RegionStore, ctx: RequestContext, scope: string): void {
  if (scope === '*') {
    if (!ctx.actor.scopes.includes('*')) throw new AppError('validation', 'national scope', { fields: [{ path: 'regionScope', message: 'region.out_of_scope' }] });
    return;
  }
  if (!regions.has(scope)) throw new AppError('validation', 'unknown scope', { fields: [{ path: 'regionScope', message: 'region.unknown' }] });
  if (!isInScope(scope, ctx.actor.scopes)) throw new AppError('validation', 'scope', { fields: [{ path: 'regionScope', message: 'region.out_of_scope' }] });
}

function stageRows(electionId: string, stages: TStage[]) {
  return stages.map((s, i) => ({ electionId, code: s.code, name: s.name, nameEn: s.nameEn ?? null, startDate: s.startDate, endDate: s.endDate, weight: s.weight, sortOrder: i + 1 }));
}

export async function createElection(
  deps: { handle: DbHandle; regions: RegionStore; elections: ElectionStore },
  ctx: RequestContext,
  input: TElectionCreate,
): Promise<TElection> {
  requireConfig(ctx);
  checkScope(deps.regions, ctx, input.regionScope);
  const id = input.id ?? randomUUID();
  if (deps.elections.get(id)) throw new AppError('duplicate', `election ${id} exists`);
  await deps.handle.db.transaction(async (tx) => {
    await insertElection(
      tx,
      { id, kind: input.kind, name: input.name, regionScope: input.regionScope, template: input.template ?? null, simulated: input.simulated },
      stageRows(id, input.stages),
    );
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'election.create', entity: 'election', entityId: id, regionCode: input.regionScope, after: input, ip: ctx.ip });
  });
  await deps.elections.reload();
  return deps.elections.get(id)!;
}

export async function updateElection(
  deps: { handle: DbHandle; regions: RegionStore; elections: ElectionStore },
  ctx: RequestContext,
  id: string,
  input: TElectionUpdate,
): Promise<TElection> {
  requireConfig(ctx);
  const before = getElection(deps.elections, ctx, id);
  if (input.regionScope) checkScope(deps.regions, ctx, input.regionScope);
  await deps.handle.db.transaction(async (tx) => {
    const row = await updateElectionVersioned(
      tx,
      id,
      input.version,
      { ...(input.name ? { name: input.name } : {}), ...(input.regionScope ? { regionScope: input.regionScope } : {}) },
      input.stages ? stageRows(id, input.stages) : null,
    );
    if (!row) throw new AppError('conflict', `election ${id} version ${input.version}`, { details: { current: before } });
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'election.update', entity: 'election', entityId: id, regionCode: before.regionScope, before, after: input, ip: ctx.ip });
  });
  await deps.elections.reload();
  return deps.elections.get(id)!;
}
