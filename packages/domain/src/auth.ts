import { z } from 'zod';
import { NATIONAL_SCOPE, isRegionCodeShape, normaliseScopes } from './regions.js';

/** Roles, from the widest to the narrowest. Scope (which regions) is separate from role (which actions). */
export const ROLES = ['admin', 'province_desk', 'regency_desk', 'district_desk', 'field_officer', 'observer'] as const;
export type TRole = (typeof ROLES)[number];
export const ZRole = z.enum(ROLES, { message: 'role.unknown' });

/** Indonesian and English labels of each role, for the UI and the CLI. */
export const ROLE_LABELS: Record<TRole, { id: string; en: string }> = {
  admin: { id: 'Administrator', en: 'Administrator' },
  province_desk: { id: 'Desk provinsi', en: 'Provincial desk' },
  regency_desk: { id: 'Desk kabupaten/kota', en: 'Regency/city desk' },
  district_desk: { id: 'Desk kecamatan', en: 'District desk' },
  field_officer: { id: 'Petugas lapangan', en: 'Field officer' },
  observer: { id: 'Pemantau (hanya baca)', en: 'Observer (read-only)' },
};

/**
 * What a role may do. Verification is separate from handling and from anything made
 * public (issue #3), so they are separate permissions.
 */
export const PERMISSIONS = [
  'users.manage',
  'config.manage',
  'audit.read',
  'reports.create',
  'reports.verify',
  'reports.handle',
  'reports.publish',
  'reports.identity',
  'records.read',
  'sitreps.write',
  'sitreps.approve',
] as const;
export type TPermission = (typeof PERMISSIONS)[number];

const DESK: TPermission[] = ['records.read', 'reports.create', 'reports.verify', 'reports.handle', 'reports.identity', 'sitreps.write'];
const GRANTS: Record<TRole, readonly TPermission[]> = {
  admin: [...PERMISSIONS],
  province_desk: [...DESK, 'reports.publish'],
  regency_desk: [...DESK, 'reports.publish'],
  district_desk: DESK,
  field_officer: ['records.read', 'reports.create'],
  observer: ['records.read'],
};

/** True when the role carries the permission. */
export function can(role: TRole, permission: TPermission): boolean {
  return GRANTS[role].includes(permission);
}

/**
 * All permissions of a user (sent to the web app so it hides what the user cannot do). Approving
 * situation reports (`sitreps.approve`) is not a role grant: it belongs to the desks of the
 * Kesbangpol pillar (the early-warning secretariat) and to administrators.
 */
export function permissionsOf(role: TRole, pillarCode: string | null = null): TPermission[] {
  const out: TPermission[] = GRANTS[role].filter((p) => p !== 'sitreps.approve');
  if (role === 'admin' || (GRANTS[role].includes('sitreps.write') && pillarCode === SITREP_APPROVER_PILLAR)) out.push('sitreps.approve');
  return out;
}

/** The pillar whose desks approve and release situation reports. */
export const SITREP_APPROVER_PILLAR = 'kesbangpol';

/** True when a user may approve and release situation reports: a Kesbangpol desk, or an admin. */
export function canApproveSitrep(role: TRole, pillarCode: string | null): boolean {
  return permissionsOf(role, pillarCode).includes('sitreps.approve');
}

export const ZUsername = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,64}$/, { message: 'username.invalid' });
export const ZPassword = z.string().min(10, { message: 'password.too_short' }).max(200);

/** A scope list: region codes or `*`, normalised so nested entries collapse. */
export const ZScopes = z
  .array(z.string().trim().refine((s) => s === NATIONAL_SCOPE || isRegionCodeShape(s), { message: 'region.invalid_code' }))
  .min(1, { message: 'scope.required' })
  .max(500)
  .transform((scopes) => normaliseScopes(scopes));

export const ZLoginRequest = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(200),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

/** Redeem a one-time code given by an admin, setting a new password. */
export const ZRedeemResetRequest = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  code: z.string().trim().min(6).max(64),
  newPassword: ZPassword,
});

export const ZChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: ZPassword,
});

/** The signed-in user as the web app needs it. */
export const ZMe = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  role: ZRole,
  pillarCode: z.string().nullable(),
  position: z.string().nullable(),
  scopes: z.array(z.string()),
  permissions: z.array(z.string()),
  mustChangePassword: z.boolean(),
  csrfToken: z.string().describe('send back as the x-csrf-token header on every write'),
});
export type TMe = z.infer<typeof ZMe>;

/** A user account as administrators see it. */
export const ZUser = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  role: ZRole,
  pillarCode: z.string().nullable(),
  position: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  scopes: z.array(z.string()),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type TUser = z.infer<typeof ZUser>;

const userFields = {
  fullName: z.string().trim().min(2).max(200),
  role: ZRole,
  pillarCode: z.string().trim().min(2).max(40).nullable().optional(),
  position: z.string().trim().max(120).nullable().optional().describe('jabatan, e.g. Bhabinkamtibmas, Babinsa, Camat'),
  phone: z.string().trim().max(40).nullable().optional(),
  email: z.email().max(200).nullable().optional(),
  scopes: ZScopes,
};

export const ZUserCreate = z.strictObject({
  username: ZUsername,
  ...userFields,
  password: ZPassword.optional().describe('omit to get a one-time code the officer redeems at first login'),
});
export type TUserCreate = z.infer<typeof ZUserCreate>;

export const ZUserUpdate = z.strictObject({
  fullName: userFields.fullName.optional(),
  role: ZRole.optional(),
  pillarCode: userFields.pillarCode,
  position: userFields.position,
  phone: userFields.phone,
  email: userFields.email,
  version: z.number().int().min(1),
});
export type TUserUpdate = z.infer<typeof ZUserUpdate>;

/** Move an officer's scope (mutasi). */
export const ZUserScopeChange = z.strictObject({
  scopes: ZScopes,
  reason: z.string().trim().min(3).max(500),
  version: z.number().int().min(1),
});

export const ZUserDisable = z.strictObject({
  reason: z.string().trim().min(3).max(500),
  version: z.number().int().min(1),
});

export const ZOneTimeCode = z.object({
  code: z.string().describe('show once to the officer; valid for 72 hours'),
  expiresAt: z.string(),
});

export const ZUserListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  role: ZRole.optional(),
  region: z.string().trim().max(20).optional().describe('users whose scope lies in this region'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** One row of a bulk import, before validation. */
export const ZUserImportRow = ZUserCreate;

export const ZUserImportResult = z.object({
  created: z.number().int(),
  users: z.array(z.object({ username: z.string(), oneTimeCode: z.string().nullable() })),
});

export const ZPillar = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.enum(['pillar', 'agency']),
  description: z.string().nullable(),
});
export type TPillar = z.infer<typeof ZPillar>;
