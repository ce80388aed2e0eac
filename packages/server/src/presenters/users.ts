import type { TRole, TUser } from '@sinergi/domain';
import type { UserRow } from '../db/repositories/users.js';

/** A user as administrators see it: never the password or reset-code hashes. */
export function presentUser(row: UserRow): TUser {
  return {
    id: row.id,
    username: row.username,
    fullName: row.fullName,
    role: row.role as TRole,
    pillarCode: row.pillarCode,
    position: row.position,
    phone: row.phone,
    email: row.email,
    scopes: row.scopes,
    disabled: row.disabledAt !== null,
    mustChangePassword: row.mustChangePassword,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

/** The audit view of a user: the same minus volatile fields. */
export function auditUser(row: UserRow): Record<string, unknown> {
  const { passwordHash: _p, resetCodeHash: _r, lastLoginAt: _l, updatedAt: _u, ...rest } = row;
  return rest;
}
