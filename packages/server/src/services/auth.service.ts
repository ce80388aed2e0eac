import { createHash, randomBytes } from 'node:crypto';
import type { TMe, TRole } from '@sinergi/domain';
import { permissionsOf } from '@sinergi/domain';
import type { DbHandle } from '../db/client.js';
import { insertAudit } from '../db/repositories/audit.js';
import { findLiveSession, insertSession, revokeSession, revokeUserSessions, touchSession } from '../db/repositories/sessions.js';
import { findUserByUsername, touchLastLogin, updateUser, type UserRow } from '../db/repositories/users.js';
import { AppError } from '../errors.js';
import type { Actor, RequestContext } from './context.js';
import { dummySecretHash, hashSecret, normaliseOneTimeCode, verifySecret } from './passwords.js';
import { cachedSession, forgetSession, forgetUserSessions, rememberSession, sessionCacheGeneration } from './session-cache.js';

export interface AuthDeps {
  handle: DbHandle;
  sessionHours: number;
}

export function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function actorOf(user: UserRow): Actor {
  return {
    id: user.id,
    username: user.username,
    fullName: user.fullName,
    role: user.role as TRole,
    scopes: user.scopes,
    pillarCode: user.pillarCode,
  };
}

export function presentMe(user: UserRow, csrfToken: string): TMe {
  return {
    id: user.id,
    username: user.username,
    fullName: user.fullName,
    role: user.role as TRole,
    pillarCode: user.pillarCode,
    position: user.position,
    scopes: user.scopes,
    permissions: permissionsOf(user.role as TRole, user.pillarCode),
    mustChangePassword: user.mustChangePassword,
    csrfToken,
  };
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  me: TMe;
}

async function openSession(deps: AuthDeps, user: UserRow, meta: { ip: string | null; userAgent: string | null }): Promise<LoginResult> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + deps.sessionHours * 3600_000);
  await deps.handle.db.transaction(async (tx) => {
    await insertSession(tx, { id: tokenId(token), userId: user.id, csrfToken, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
    await touchLastLogin(tx, user.id);
    await insertAudit(tx, { actorId: user.id, actorName: user.username, action: 'auth.login', entity: 'user', entityId: user.id, ip: meta.ip });
  });
  return { token, expiresAt, me: presentMe(user, csrfToken) };
}

/** Check a username and password and open a session. Unknown users cost the same time as wrong passwords. */
export async function login(
  deps: AuthDeps,
  input: { username: string; password: string; ip: string | null; userAgent: string | null },
): Promise<LoginResult> {
  const user = await findUserByUsername(deps.handle.db, input.username);
  if (!user || !user.passwordHash || user.disabledAt) {
    await verifySecret(await dummySecretHash(), input.password);
    throw new AppError('invalid_credentials', `login failed for ${input.username}`);
  }
  if (!(await verifySecret(user.passwordHash, input.password))) {
    throw new AppError('invalid_credentials', `wrong password for ${input.username}`);
  }
  return openSession(deps, user, input);
}

/** First login with the one-time code an admin gave: set a password and open a session. */
export async function redeemOneTimeCode(
  deps: AuthDeps,
  input: { username: string; code: string; newPassword: string; ip: string | null; userAgent: string | null },
): Promise<LoginResult> {
  const user = await findUserByUsername(deps.handle.db, input.username);
  const valid =
    user &&
    !user.disabledAt &&
    user.resetCodeHash &&
    user.resetExpiresAt &&
    user.resetExpiresAt > new Date() &&
    (await verifySecret(user.resetCodeHash, normaliseOneTimeCode(input.code)));
  if (!user || !valid) {
    if (!user) await verifySecret(await dummySecretHash(), input.code);
    throw new AppError('invalid_credentials', `bad one-time code for ${input.username}`, {
      userMessage: { id: 'Kode sekali pakai salah atau kedaluwarsa.', en: 'The one-time code is wrong or expired.' },
    });
  }
  const passwordHash = await hashSecret(input.newPassword);
  const updated = await deps.handle.db.transaction(async (tx) => {
    const row = await updateUser(tx, user.id, { passwordHash, resetCodeHash: null, resetExpiresAt: null, mustChangePassword: false });
    await revokeUserSessions(tx, user.id);
    await insertAudit(tx, { actorId: user.id, actorName: user.username, action: 'auth.redeem_code', entity: 'user', entityId: user.id, ip: input.ip });
    return row!;
  });
  forgetUserSessions(deps.handle, user.id);
  return openSession(deps, updated, input);
}

/**
 * The actor behind a session cookie, or null. A session resolved in the last few seconds is
 * served from memory (session-cache.ts), so reads do not query the database per request.
 */
export async function authenticate(deps: AuthDeps, token: string, now = new Date()) {
  const id = tokenId(token);
  const cached = cachedSession(deps.handle, id);
  if (cached) {
    if (cached.session.expiresAt <= now) return null;
    if (now.getTime() - cached.session.lastSeenAt.getTime() > 60_000) {
      await touchSession(deps.handle.db, id, now);
      cached.session.lastSeenAt = now;
    }
    return cached;
  }
  const generation = sessionCacheGeneration(deps.handle);
  const found = await findLiveSession(deps.handle.db, id, now);
  if (!found) return null;
  if (now.getTime() - found.session.lastSeenAt.getTime() > 60_000) {
    await touchSession(deps.handle.db, found.session.id, now);
  }
  const result = { actor: actorOf(found.user), user: found.user, session: found.session };
  rememberSession(deps.handle, id, result, generation);
  return result;
}

export async function logout(deps: AuthDeps, ctx: RequestContext, token: string): Promise<void> {
  await deps.handle.db.transaction(async (tx) => {
    await revokeSession(tx, tokenId(token));
    await insertAudit(tx, { actorId: ctx.actor.id, actorName: ctx.actor.username, action: 'auth.logout', entity: 'user', entityId: ctx.actor.id, ip: ctx.ip });
  });
  forgetSession(deps.handle, tokenId(token));
}

/** A signed-in user changes their own password; other sessions are revoked. */
export async function changeOwnPassword(
  deps: AuthDeps,
  ctx: RequestContext,
  input: { currentPassword: string; newPassword: string; currentToken: string },
): Promise<void> {
  const user = await findUserByUsername(deps.handle.db, ctx.actor.username);
  if (!user?.passwordHash || !(await verifySecret(user.passwordHash, input.currentPassword))) {
    throw new AppError('validation', 'wrong current password', {
      fields: [{ path: 'currentPassword', message: 'Kata sandi saat ini salah.' }],
      userMessage: { id: 'Kata sandi saat ini salah.', en: 'The current password is wrong.' },
    });
  }
  const passwordHash = await hashSecret(input.newPassword);
  await deps.handle.db.transaction(async (tx) => {
    await updateUser(tx, user.id, { passwordHash, mustChangePassword: false });
    // other devices are signed out; the session that made the change stays
    await revokeUserSessions(tx, user.id, tokenId(input.currentToken));
    await insertAudit(tx, { actorId: user.id, actorName: user.username, action: 'auth.change_password', entity: 'user', entityId: user.id, ip: ctx.ip });
  });
  forgetUserSessions(deps.handle, user.id);
}
