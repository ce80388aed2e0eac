import { randomUUID } from 'node:crypto';
import {
  NATIONAL_SCOPE,
  ZUserCreate,
  can,
  isInScope,
  translateFieldMessage,
  type TFieldError,
  type TUser,
  type TUserCreate,
  type TUserUpdate,
} from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findPillars } from '../db/repositories/pillars.js';
import { revokeUserSessions } from '../db/repositories/sessions.js';
import {
  findExistingUsernames,
  findUserById,
  findUsers,
  insertUsers,
  updateUserVersioned,
  type NewUserRow,
  type UserRow,
} from '../db/repositories/users.js';
import { AppError } from '../errors.js';
import { auditUser, presentUser } from '../presenters/users.js';
import type { RegionStore } from '../regions/region-store.js';
import type { RequestContext } from './context.js';
import { generateOneTimeCode, hashSecret } from './passwords.js';
import { forgetUserSessions } from './session-cache.js';

export interface UsersDeps {
  handle: DbHandle;
  regions: RegionStore;
}

const ONE_TIME_CODE_HOURS = 72;

function requireManager(ctx: RequestContext): void {
  if (!can(ctx.actor.role, 'users.manage')) throw new AppError('forbidden', `${ctx.actor.username} cannot manage users`);
}

/** An admin may only touch users whose every scope lies inside the admin's own scope. */
function assertManages(ctx: RequestContext, target: UserRow): void {
  if (!target.scopes.every((s) => (s === NATIONAL_SCOPE ? ctx.actor.scopes.includes(NATIONAL_SCOPE) : isInScope(s, ctx.actor.scopes)))) {
    throw new AppError('out_of_scope', `${ctx.actor.username} does not manage ${target.username}`);
  }
}

/** Check scopes and pillar of a create/update; collect field errors (path prefix for bulk rows). */
async function checkAssignments(
  deps: UsersDeps,
  ctx: RequestContext,
  input: { scopes?: string[]; pillarCode?: string | null },
  pillarCodes: Set<string>,
  prefix = '',
): Promise<TFieldError[]> {
  const errors: TFieldError[] = [];
  for (const [i, scope] of (input.scopes ?? []).entries()) {
    const path = `${prefix}scopes.${i}`;
    if (scope === NATIONAL_SCOPE) {
      if (!ctx.actor.scopes.includes(NATIONAL_SCOPE)) errors.push({ path, message: 'region.out_of_scope' });
    } else if (!deps.regions.has(scope)) {
      errors.push({ path, message: 'region.unknown' });
    } else if (!isInScope(scope, ctx.actor.scopes)) {
      errors.push({ path, message: 'region.out_of_scope' });
    }
  }
  if (input.pillarCode && !pillarCodes.has(input.pillarCode)) errors.push({ path: `${prefix}pillarCode`, message: 'pillar.unknown' });
  return errors;
}

async function pillarCodeSet(deps: UsersDeps): Promise<Set<string>> {
  return new Set((await findPillars(deps.handle.db)).map((p) => p.code));
}

async function toNewRow(input: TUserCreate): Promise<{ row: NewUserRow; oneTimeCode: string | null }> {
  const oneTimeCode = input.password ? null : generateOneTimeCode();
  return {
    oneTimeCode,
    row: {
      id: randomUUID(),
      username: input.username,
      fullName: input.fullName,
      role: input.role,
      pillarCode: input.pillarCode ?? null,
      position: input.position ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      scopes: input.scopes,
      passwordHash: input.password ? await hashSecret(input.password) : null,
      resetCodeHash: oneTimeCode ? await hashSecret(oneTimeCode) : null,
      resetExpiresAt: oneTimeCode ? new Date(Date.now() + ONE_TIME_CODE_HOURS * 3600_000) : null,
      mustChangePassword: false,
    },
  };
}

export interface CreatedUser {
  user: TUser;
  oneTimeCode: string | null;
}

/** Create one user. Without a password the answer carries a one-time code to hand over. */
export async function createUser(deps: UsersDeps, ctx: RequestContext, input: TUserCreate): Promise<CreatedUser> {
  const [created] = await createUsers(deps, ctx, [input]);
  return created!;
}

/**
 * Create many users at once (bulk onboarding of ~1,100 officers). All-or-nothing: any row
 * with a problem fails the whole batch with row-numbered field errors, nothing written.
 */
export async function createUsers(
  deps: UsersDeps,
  ctx: RequestContext,
  inputs: TUserCreate[],
  rowLabel: (index: number) => string = () => '',
): Promise<CreatedUser[]> {
  requireManager(ctx);
  const pillars = await pillarCodeSet(deps);
  const errors: TFieldError[] = [];
  const seen = new Map<string, number>();
  for (const [i, input] of inputs.entries()) {
    const prefix = rowLabel(i);
    errors.push(...(await checkAssignments(deps, ctx, input, pillars, prefix)));
    if (input.role === 'admin' && !ctx.actor.scopes.includes(NATIONAL_SCOPE) && input.scopes.includes(NATIONAL_SCOPE)) {
      errors.push({ path: `${prefix}role`, message: 'region.out_of_scope' });
    }
    const first = seen.get(input.username);
    if (first !== undefined) errors.push({ path: `${prefix}username`, message: `username.duplicate_in_file:${rowLabel(first)}` });
    else seen.set(input.username, i);
  }
  const taken = await findExistingUsernames(deps.handle.db, [...seen.keys()]);
  for (const [i, input] of inputs.entries()) {
    if (taken.has(input.username)) errors.push({ path: `${rowLabel(i)}username`, message: 'username.taken' });
  }
  if (errors.length > 0) throw new AppError('validation', `${errors.length} problems in user input`, { fields: errors });

  const prepared = await Promise.all(inputs.map(toNewRow));
  const rows = await deps.handle.db.transaction(async (tx) => {
    const inserted: UserRow[] = [];
    for (let i = 0; i < prepared.length; i += 500) {
      inserted.push(...(await insertUsers(tx, prepared.slice(i, i + 500).map((p) => p.row))));
    }
    await insertAudit(
      tx,
      inserted.map((row) => ({
        actorId: ctx.actor.id,
        actorName: ctx.actor.username,
        action: 'user.create',
        entity: 'user',
        entityId: row.id,
        regionCode: row.scopes.length === 1 ? row.scopes[0] : null,
        after: auditUser(row),
        ip: ctx.ip,
      })),
    );
    return inserted;
  });
  return rows.map((row, i) => ({ user: presentUser(row), oneTimeCode: prepared[i]!.oneTimeCode }));
}

async function loadManaged(deps: UsersDeps, ctx: RequestContext, id: string): Promise<UserRow> {
  requireManager(ctx);
  const target = await findUserById(deps.handle.db, id);
  if (!target) throw new AppError('not_found', `user ${id}`);
  assertManages(ctx, target);
  return target;
}

async function applyVersioned(
  deps: UsersDeps,
  ctx: RequestContext,
  target: UserRow,
  version: number,
  patch: Partial<NewUserRow>,
  action: string,
  extra: { revokeSessions?: boolean; reason?: string } = {},
): Promise<UserRow> {
  const result = await deps.handle.db.transaction(async (tx) => {
    const updated = await updateUserVersioned(tx, target.id, version, patch);
    if (!updated) {
      const current = await findUserById(tx, target.id);
      throw new AppError('conflict', `user ${target.id} version ${version} is stale`, {
        details: { current: current ? presentUser(current) : null },
      });
    }
    if (extra.revokeSessions) await revokeUserSessions(tx, target.id);
    await insertAudit(tx, {
      actorId: ctx.actor.id,
      actorName: ctx.actor.username,
      action,
      entity: 'user',
      entityId: target.id,
      regionCode: updated.scopes.length === 1 ? updated.scopes[0] : null,
      before: auditUser(target),
      after: { ...auditUser(updated), ...(extra.reason ? { reason: extra.reason } : {}) },
      ip: ctx.ip,
    });
    return updated;
  });
  // signed-in requests read the user from the session cache: drop it once the change is committed
  forgetUserSessions(deps.handle, target.id);
  return result;
}

export async function getUser(deps: UsersDeps, ctx: RequestContext, id: string): Promise<TUser> {
  return presentUser(await loadManaged(deps, ctx, id));
}

export async function updateUserProfile(deps: UsersDeps, ctx: RequestContext, id: string, input: TUserUpdate): Promise<TUser> {
  const target = await loadManaged(deps, ctx, id);
  const errors = await checkAssignments(deps, ctx, { pillarCode: input.pillarCode }, await pillarCodeSet(deps));
  if (errors.length) throw new AppError('validation', 'bad user update', { fields: errors });
  const { version, ...patch } = input;
  const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<NewUserRow>;
  return presentUser(await applyVersioned(deps, ctx, target, version, clean, 'user.update'));
}

/** Mutasi: move an officer's scope. Their sessions are revoked so the new scope applies at once. */
export async function changeUserScope(
  deps: UsersDeps,
  ctx: RequestContext,
  id: string,
  input: { scopes: string[]; reason: string; version: number },
): Promise<TUser> {
  const target = await loadManaged(deps, ctx, id);
  const errors = await checkAssignments(deps, ctx, { scopes: input.scopes }, await pillarCodeSet(deps));
  if (errors.length) throw new AppError('validation', 'bad scope', { fields: errors });
  return presentUser(
    await applyVersioned(deps, ctx, target, input.version, { scopes: input.scopes }, 'user.change_scope', { revokeSessions: true, reason: input.reason }),
  );
}

/** Disable a user (a lost phone, a transfer out) and revoke all their sessions at once. */
export async function disableUser(deps: UsersDeps, ctx: RequestContext, id: string, input: { reason: string; version: number }): Promise<TUser> {
  const target = await loadManaged(deps, ctx, id);
  if (target.id === ctx.actor.id) {
    throw new AppError('bad_request', 'cannot disable yourself', {
      userMessage: { id: 'Anda tidak dapat menonaktifkan akun sendiri.', en: 'You cannot disable your own account.' },
    });
  }
  return presentUser(
    await applyVersioned(deps, ctx, target, input.version, { disabledAt: new Date(), disabledReason: input.reason }, 'user.disable', {
      revokeSessions: true,
      reason: input.reason,
    }),
  );
}

export async function enableUser(deps: UsersDeps, ctx: RequestContext, id: string, input: { version: number }): Promise<TUser> {
  const target = await loadManaged(deps, ctx, id);
  return presentUser(await applyVersioned(deps, ctx, target, input.version, { disabledAt: null, disabledReason: null }, 'user.enable'));
}

/** Reset without e-mail: a one-time code shown to the admin once; the old password and sessions stop working. */
export async function resetUserPassword(
  deps: UsersDeps,
  ctx: RequestContext,
  id: string,
): Promise<{ code: string; expiresAt: string }> {
  const target = await loadManaged(deps, ctx, id);
  const code = generateOneTimeCode();
  const expiresAt = new Date(Date.now() + ONE_TIME_CODE_HOURS * 3600_000);
  await applyVersioned(
    deps,
    ctx,
    target,
    target.version,
    { passwordHash: null, resetCodeHash: await hashSecret(code), resetExpiresAt: expiresAt },
    'user.reset_password',
    { revokeSessions: true },
  );
  return { code, expiresAt: expiresAt.toISOString() };
}

export async function listUsers(
  deps: UsersDeps,
  ctx: RequestContext,
  query: { q?: string; role?: string; region?: string; cursor?: string; limit: number },
): Promise<{ items: TUser[]; nextCursor: string | null }> {
  requireManager(ctx);
  const rows = await findUsers(deps.handle.db, {
    managerScopes: ctx.actor.scopes,
    q: query.q,
    role: query.role,
    region: query.region,
    after: query.cursor,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map(presentUser), nextCursor: rows.length > query.limit ? page.at(-1)!.username : null };
}

/** Parse loose rows (from CSV/XLSX) into validated creates, or row-numbered field errors. */
export function parseUserRows(rows: Record<string, unknown>[], lang: 'id' | 'en' = 'id'): { inputs: TUserCreate[]; errors: TFieldError[] } {
  const inputs: TUserCreate[] = [];
  const errors: TFieldError[] = [];
  rows.forEach((raw, index) => {
    const line = index + 2; // header is line 1
    const scopesRaw = String(raw.scopes ?? raw.scope ?? '').trim();
    const candidate = {
      username: raw.username,
      fullName: raw.fullName ?? raw.full_name ?? raw.nama,
      role: raw.role ?? raw.peran,
      pillarCode: blankToUndefined(raw.pillarCode ?? raw.pillar ?? raw.pilar),
      position: blankToUndefined(raw.position ?? raw.jabatan),
      phone: blankToUndefined(raw.phone ?? raw.telepon),
      email: blankToUndefined(raw.email),
      scopes: scopesRaw ? scopesRaw.split(/[\s;|,]+/).filter(Boolean) : [],
      password: blankToUndefined(raw.password),
    };
    const parsed = ZUserCreate.safeParse(candidate);
    if (parsed.success) inputs.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        errors.push({ path: `row ${line}.${issue.path.join('.')}`, message: translateFieldMessage(issue.message, lang) });
      }
    }
  });
  return { inputs, errors };
}

function blankToUndefined(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}
