/**
 * Schema as code. Migrations under ../../drizzle are generated from this file by
 * `npm run db:generate` (drizzle-kit) and reviewed; the same set runs on PGlite and PostgreSQL.
 *
 * Sharding rule (Citus, by province): every large table carries `province_code`, the first
 * two digits of its region code, and includes it in its primary key. Small tables
 * (regions, pillars, users, sessions) become Citus reference tables.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Kemendagri regions from idn-area-data; the hierarchy key is the dotted code. */
export const regions = pgTable(
  'regions',
  {
    code: text('code').primaryKey(),
    parentCode: text('parent_code'),
    level: smallint('level').notNull(),
    name: text('name').notNull(),
    provinceCode: text('province_code').notNull(),
  },
  (t) => [
    index('regions_parent_idx').on(t.parentCode),
    // A plain btree under a non-C collation does not serve LIKE '33.10.%': use pattern ops.
    index('regions_code_pattern_idx').on(t.code.op('text_pattern_ops')),
  ],
);

/** Pillars (6 pilar) and other handling agencies: seeded reference data, not an enum. */
export const pillars = pgTable('pillars', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  kind: text('kind').notNull(), // 'pillar' | 'agency'
  description: text('description'),
  sortOrder: integer('sort_order').notNull().default(0),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    username: text('username').notNull(),
    fullName: text('full_name').notNull(),
    passwordHash: text('password_hash'),
    role: text('role').notNull(),
    pillarCode: text('pillar_code').references(() => pillars.code),
    position: text('position'),
    phone: text('phone'),
    email: text('email'),
    scopes: text('scopes').array().notNull(),
    disabledAt: tstz('disabled_at'),
    disabledReason: text('disabled_reason'),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    resetCodeHash: text('reset_code_hash'),
    resetExpiresAt: tstz('reset_expires_at'),
    lastLoginAt: tstz('last_login_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('users_username_idx').on(t.username), index('users_role_idx').on(t.role)],
);

/** Server-side sessions: the cookie carries a random token, the table its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    revokedAt: tstz('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Append-only audit log. Writers insert rows with no hash; the sealer job later assigns
 * each row its place in its province's chain (`chain_seq`) and its hash, so hashing never
 * serialises writers. `txid` lets the sealer seal only rows of transactions older than
 * the oldest one still in flight (ids commit out of order). Triggers (migration
 * 0001_audit_guard) reject deletes and any change but the one-time seal.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    provinceCode: text('province_code').notNull(), // '00' for national / not regional
    id: bigserial('id', { mode: 'number' }).notNull(),
    at: tstz('at').notNull().defaultNow(),
    txid: bigint('txid', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    chainSeq: bigint('chain_seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    uniqueIndex('audit_chain_idx').on(t.provinceCode, t.chainSeq),
    index('audit_unsealed_idx').on(t.txid, t.id).where(sql`chain_seq IS NULL`),
    index('audit_entity_idx').on(t.entity, t.entityId),
  ],
);

/** Small key/value store for instance facts (first start done, demo loaded, seal positions). */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
