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
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  customType,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** PostgreSQL full-text vector (Drizzle has no built-in column type for it). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** Raw bytes (the seal blocks' row hashes); the repositories read and write it as hex. */
const bytea = customType<{ data: string }>({ dataType: () => 'bytea' });

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
  (t) => [
    uniqueIndex('users_username_idx').on(t.username),
    index('users_role_idx').on(t.role),
    // notice recipients: `scopes && ARRAY[ancestors of the region]`
    index('users_scopes_idx').using('gin', t.scopes),
  ],
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
 * Append-only audit log. Writers insert rows with no hash; the sealer job later hashes them
 * into their province's chain in blocks (`audit_seals`), so hashing never serialises writers
 * and no audit row is ever written twice. `txid` orders sealing: the sealer takes only rows of
 * transactions older than the oldest one still in flight (ids commit out of order), in
 * (txid, id) order after the seal line (`audit_seal_cursor`). Triggers (migrations
 * 0001_audit_guard, 0013_audit_seal_blocks) reject every update, delete and TRUNCATE.
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
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    // the sealer's order: the rows after the seal line, oldest transaction first
    index('audit_txid_idx').on(t.txid, t.id),
    index('audit_entity_idx').on(t.entity, t.entityId),
  ],
);

/**
 * One sealing pass's rows of one province, hashed into the province's chain: row i of the
 * block (audit id `auditIds[i]`) sits at chain position `firstSeq + i`, and its hash is
 * sha256(its content, its position, the previous row's hash) (`auditHash`), kept as 32 raw
 * bytes at offset 32·i of `rowHashes`. `prevHash` is the hash before the block (the previous
 * block's `hash`, or 64 zeros), `hash` the block's last row's. Append-only, like the log.
 */
export const auditSeals = pgTable(
  'audit_seals',
  {
    provinceCode: text('province_code').notNull(),
    firstSeq: bigint('first_seq', { mode: 'number' }).notNull(),
    rowCount: integer('row_count').notNull(),
    auditIds: bigint('audit_ids', { mode: 'number' }).array().notNull(),
    rowHashes: bytea('row_hashes').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    sealedAt: tstz('sealed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.firstSeq] })],
);

/**
 * The seal line: every audit row at or before (txid, auditId) in (txid, id) order is in a
 * block of `audit_seals`, every row after it is not yet. One row (id 1), moved by each pass;
 * none until the first pass (the line before everything).
 */
export const auditSealCursor = pgTable('audit_seal_cursor', {
  id: integer('id').primaryKey(),
  txid: bigint('txid', { mode: 'number' }).notNull(),
  auditId: bigint('audit_id', { mode: 'number' }).notNull(),
});

/** Small key/value store for instance facts (first start done, demo loaded, seal positions). */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

// ───────────────────────────── Elections and stages (issue #3) ─────────────────────────────

/** An election: kind, name, and the region it covers ('*' national, a province or a regency code). */
export const elections = pgTable(
  'elections',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(), // 'pemilu' | 'pilkada'
    name: text('name').notNull(),
    regionScope: text('region_scope').notNull(),
    template: text('template'),
    simulated: boolean('simulated').notNull().default(false),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('elections_scope_idx').on(t.regionScope.op('text_pattern_ops'))],
);

/** Stages (tahapan) of an election: local dates, inclusive, and a risk weight. */
export const electionStages = pgTable(
  'election_stages',
  {
    electionId: uuid('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    startDate: text('start_date').notNull(), // YYYY-MM-DD, local date in the region's zone
    endDate: text('end_date').notNull(), // inclusive
    weight: doublePrecision('weight').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.electionId, t.code] })],
);

// ───────────────────────────── Handling organisations (issue #3) ─────────────────────────────

/**
 * Desks that reports are assigned to: the default desk of each pillar or agency per region
 * ("Bawaslu Kabupaten Klaten"). Plain records so the pillars registry can take them over.
 * id = `${pillarCode}:${regionCode}`.
 */
export const organisations = pgTable(
  'organisations',
  {
    id: text('id').primaryKey(),
    pillarCode: text('pillar_code')
      .notNull()
      .references(() => pillars.code),
    regionCode: text('region_code').notNull(),
    level: smallint('level').notNull(),
    name: text('name').notNull(),
    provinceCode: text('province_code').notNull(),
  },
  (t) => [index('organisations_region_idx').on(t.regionCode.op('text_pattern_ops')), index('organisations_pillar_idx').on(t.pillarCode, t.regionCode)],
);

// ───────────────────────────── Reports (issue #3) ─────────────────────────────


/** Where a report's SLA clock started: the later of its last status change and its last escalation (greatest() skips a NULL). */
export const SLA_CLOCK = sql`greatest(status_changed_at, escalated_at)`;
/** The reports on an SLA clock: open (new or verified) and not yet escalated to the top level. */
export const SLA_OPEN = sql`status IN ('new', 'verified') AND escalation_level <> 'province'`;
/**
 * Early-detection reports (laporan deteksi dini). Sharded by province. The region chain is
 * denormalised (regency_code, district_code) so every list filter is an equality on an
 * indexed column ordered by (created_at, id) — keyset pages stay fast at millions of rows.
 */
export const reports = pgTable(
  'reports',
  {
    provinceCode: text('province_code').notNull(),
    id: uuid('id').notNull(),
    regencyCode: text('regency_code').notNull(),
    districtCode: text('district_code'),
    regionCode: text('region_code').notNull(), // a village; a regency for drafts from inbound messages
    electionId: uuid('election_id'),
    stageCode: text('stage_code'),
    category: text('category'), // null only for drafts
    subcategory: text('subcategory'),
    severity: smallint('severity').notNull(),
    occurredAt: tstz('occurred_at').notNull(),
    discoveredAt: tstz('discovered_at').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    involved: text('involved'),
    source: text('source').notNull(),
    tpsId: uuid('tps_id'),
    lat: doublePrecision('lat'),
    lon: doublePrecision('lon'),
    confidential: boolean('confidential').notNull().default(false),
    reporterId: uuid('reporter_id'),
    reporterName: text('reporter_name'),
    publicContact: jsonb('public_contact'),
    receiptCode: text('receipt_code'),
    status: text('status').notNull(),
    statusChangedAt: tstz('status_changed_at').notNull(),
    verifiedAt: tstz('verified_at'),
    verifiedBy: uuid('verified_by'),
    assignedOrgId: text('assigned_org_id'),
    escalationLevel: text('escalation_level').notNull(),
    escalatedAt: tstz('escalated_at'),
    escalationReason: text('escalation_reason'),
    incidentId: uuid('incident_id'),
    possibleDuplicateOf: uuid('possible_duplicate_of').array().notNull().default(sql`'{}'::uuid[]`),
    outcome: text('outcome'),
    rejectReason: text('reject_reason'),
    contentHash: text('content_hash').notNull(),
    search: tsvector('search').generatedAlwaysAs(
      sql`to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(involved, ''))`,
    ),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    index('reports_id_idx').on(t.id),
    index('reports_province_created_idx').on(t.provinceCode, t.createdAt.desc(), t.id.desc()),
    index('reports_regency_created_idx').on(t.regencyCode, t.createdAt.desc(), t.id.desc()),
    index('reports_district_created_idx').on(t.districtCode, t.createdAt.desc(), t.id.desc()),
    index('reports_village_created_idx').on(t.regionCode, t.createdAt.desc(), t.id.desc()),
    // the SLA job's due reports: one range per (status, severity), by the time their clock
    // started; findSlaDue writes the same predicate and expression (migration 0016)
    index('reports_sla_due_idx').on(t.status, t.severity, SLA_CLOCK).where(SLA_OPEN),
    index('reports_dedup_idx').on(t.regencyCode, t.category, t.occurredAt),
    // a regency desk's list filtered by one category, newest first: without it PostgreSQL reads all
    // of the regency's reports of that category through the dedup index and sorts them
    index('reports_regency_category_created_idx').on(t.regencyCode, t.category, t.createdAt.desc(), t.id.desc()),
    // partial: most reports belong to no incident, so an insert adds no entry (`incident_id = …`
    // lookups imply IS NOT NULL; migration 0016)
    index('reports_incident_idx').on(t.incidentId).where(sql`incident_id IS NOT NULL`),
    uniqueIndex('reports_receipt_idx').on(t.receiptCode),
    // a small pending list (256 kB): an insert appends its entries to the list, and the insert
    // that fills it merges the list into the index — one descent per word for ~100 reports
    // instead of one per word per report, a few milliseconds at a time. Off (0014) cost each
    // insert ~40 % more; the default 4 MB list made 50 ms merges (migration 0016)
    index('reports_search_idx').using('gin', t.search).with({ fastupdate: true, gin_pending_list_limit: 256 }),
  ],
);

/** The timeline of a report: every change, who, when, what, and the comment. */
export const reportEvents = pgTable(
  'report_events',
  {
    provinceCode: text('province_code').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    reportId: uuid('report_id').notNull(),
    at: tstz('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    comment: text('comment'),
    details: jsonb('details'),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.id] }), index('report_events_report_idx').on(t.reportId, t.id)],
);

export const reportAttachments = pgTable(
  'report_attachments',
  {
    provinceCode: text('province_code').notNull(),
    id: uuid('id').notNull(),
    reportId: uuid('report_id').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    createdBy: uuid('created_by'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.id] }), index('report_attachments_report_idx').on(t.reportId)],
);

/** An incident (kejadian) groups reports of one event and carries the workflow. */
export const incidents = pgTable(
  'incidents',
  {
    provinceCode: text('province_code').notNull(),
    id: uuid('id').notNull(),
    regencyCode: text('regency_code').notNull(),
    regionCode: text('region_code').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status').notNull(),
    createdBy: uuid('created_by'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.id] }), index('incidents_id_idx').on(t.id), index('incidents_regency_idx').on(t.regencyCode, t.createdAt.desc())],
);

/**
 * Transactional outbox: written in the same transaction as the change, delivered after
 * commit (web, e-mail, webhooks — the alerts capability), so nothing is lost or doubled.
 * A row waiting to be fanned out has a row in `outbox_pending` (queued by the outbox trigger,
 * migration 0015); the outbox row itself is never written again.
 */
export const outbox = pgTable(
  'outbox',
  {
    provinceCode: text('province_code').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    topic: text('topic').notNull(),
    regionCode: text('region_code'),
    payload: jsonb('payload').notNull(),
    /** Who must be told: desk levels and region codes (`district:33.10.04`, `regency:33.10`). */
    recipients: text('recipients').array().notNull().default(sql`'{}'::text[]`),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    // SSE resume (Last-Event-ID): the rows after an id
    index('outbox_id_idx').on(t.id),
  ],
);

/**
 * The outbox rows not fanned out yet: a small queue the dispatcher claims from by deleting
 * (`FOR UPDATE SKIP LOCKED`, so instances split it), instead of writing a second version of
 * every outbox row to mark it done. A row whose fan-out failed comes back with its attempts,
 * error and the time it is due again.
 */
export const outboxPending = pgTable(
  'outbox_pending',
  {
    provinceCode: text('province_code').notNull(),
    id: bigint('id', { mode: 'number' }).notNull(),
    availableAt: tstz('available_at').notNull().defaultNow(),
    /** Failed fan-outs so far. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.id] }), index('outbox_pending_due_idx').on(t.availableAt, t.id)],
);

/**
 * Delivery of one outbox row to one external target (an e-mail address or a webhook
 * subscription): the dispatcher fans a row out into these, so a failing webhook is retried
 * alone and never re-sends the e-mail of the others. The idempotency key is stable per
 * (row, channel, target) and sent to the receiver, so a re-send after a crash is recognisable.
 */
export const outboxDeliveries = pgTable(
  'outbox_deliveries',
  {
    provinceCode: text('province_code').notNull(),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(), // 'email' | 'webhook'
    target: text('target').notNull(), // e-mail address, or webhook subscription id
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status').notNull().default('pending'), // 'pending' | 'sent' | 'dead'
    attempts: integer('attempts').notNull().default(0),
    availableAt: tstz('available_at').notNull(),
    lastError: text('last_error'),
    sentAt: tstz('sent_at'),
    createdAt: tstz('created_at').notNull(),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.outboxId, t.channel, t.target] }),
    index('outbox_deliveries_due_idx').on(t.availableAt).where(sql`status = 'pending'`),
    index('outbox_deliveries_status_idx').on(t.status, t.updatedAt.desc()),
  ],
);

/** In-app notifications, one row per (user, outbox row): the bell and GET /api/notifications. */
export const notifications = pgTable(
  'notifications',
  {
    provinceCode: text('province_code').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    userId: uuid('user_id').notNull(),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    topic: text('topic').notNull(),
    regionCode: text('region_code'),
    payload: jsonb('payload').notNull(),
    createdAt: tstz('created_at').notNull(),
    readAt: tstz('read_at'),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    uniqueIndex('notifications_user_outbox_idx').on(t.userId, t.provinceCode, t.outboxId),
    index('notifications_user_idx').on(t.userId, t.id.desc()),
    index('notifications_unread_idx').on(t.userId).where(sql`read_at IS NULL`),
  ],
);

/** Signed webhook receivers (a WhatsApp/Telegram gateway, another agency): topics and a region scope. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  /** HMAC-SHA256 key of the X-Sinergi-Signature header; shown once, at creation. */
  secret: text('secret').notNull(),
  topics: text('topics').array().notNull(),
  /** A region code or `*`: only notices about regions inside it are sent. */
  regionScope: text('region_scope').notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: tstz('created_at').notNull(),
  updatedAt: tstz('updated_at').notNull(),
  version: integer('version').notNull().default(1),
});

/** Inbound messages (WhatsApp Business Cloud API, SMS/Telegram gateways), one row per external message id. */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid('id').primaryKey(),
    channelId: text('channel_id').notNull(),
    externalId: text('external_id').notNull(),
    sender: text('sender').notNull(),
    text: text('text').notNull(),
    receivedAt: tstz('received_at').notNull(),
    reportId: uuid('report_id'),
    provinceCode: text('province_code').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('inbound_external_idx').on(t.channelId, t.externalId)],
);

/** Gateways allowed to post inbound messages: each bound to a region and a shared secret. */
export const inboundChannels = pgTable('inbound_channels', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(), // 'whatsapp' | 'json'
  regionCode: text('region_code').notNull(),
  secret: text('secret').notNull(),
  verifyToken: text('verify_token'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** Proof-of-work challenges already redeemed by the public channel (replay guard). */
export const powRedeemed = pgTable('pow_redeemed', {
  challenge: text('challenge').primaryKey(),
  redeemedAt: tstz('redeemed_at').notNull().defaultNow(),
});

// ───────────────────────────── Vulnerability index (issue #5) ─────────────────────────────

/**
 * The columns of an append-only configuration table: a version number, the instant it takes
 * effect, the configuration (JSON), a note and who added it when. Fresh builders per table.
 */
const configVersionColumns = () => ({
  version: integer('version').primaryKey(),
  effectiveFrom: tstz('effective_from').notNull(),
  config: jsonb('config').notNull(),
  note: text('note'),
  createdBy: uuid('created_by'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/**
 * Versions of the index configuration (weights, half-life, thresholds: ZIndexConfig). Append-only:
 * a change is a new version with the instant it takes effect, so an old score is recomputed with
 * the version in force then (`selectIndexConfig`). Version 1 (the defaults) is inserted at start.
 */
export const riskIndexConfigs = pgTable('risk_index_configs', configVersionColumns());

/**
 * Structural part: one IKP sub-dimension score (0–100) per region, entered or imported.
 * A region without rows of its own rolls its children's scores up (voter-weighted).
 */
export const riskStructuralScores = pgTable(
  'risk_structural_scores',
  {
    provinceCode: text('province_code').notNull(),
    regionCode: text('region_code').notNull(),
    subdimension: text('subdimension').notNull(),
    score: doublePrecision('score').notNull(),
    source: text('source'),
    updatedBy: uuid('updated_by'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.regionCode, t.subdimension] }),
    index('risk_structural_region_idx').on(t.regionCode.op('text_pattern_ops')),
  ],
);

/**
 * Incremental dynamic state of one region (village, district, regency, province): `raw_sum` is
 * the exact decayed sum of report contributions at `ref_time` under `config_version`
 * (docs/vulnerability-index.md §4). Written only by the index job and by `index rebuild`.
 */
export const riskDynamicStates = pgTable(
  'risk_dynamic_states',
  {
    provinceCode: text('province_code').notNull(),
    regionCode: text('region_code').notNull(),
    level: text('level').notNull(),
    configVersion: integer('config_version').notNull(),
    refTime: tstz('ref_time').notNull(),
    rawSum: doublePrecision('raw_sum').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.regionCode] })],
);

/**
 * Queue of report changes for the index job. A trigger on `reports` (migration risk_index)
 * appends one row per insert, delete or index-relevant update, in the writer's own transaction,
 * with the report's facts before and after (`{regionCode, category, severity, status, source,
 * anonymous, occurredAt}` or null). Appending takes no lock any other writer waits on; the job
 * applies the rows to the region chains after commit and deletes them.
 */
export const riskDeltas = pgTable(
  'risk_deltas',
  {
    provinceCode: text('province_code').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    reportId: uuid('report_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.id] }), index('risk_deltas_id_idx').on(t.id)],
);

// ───────────────────────────── Early-warning alerts (issue #5) ─────────────────────────────

/**
 * Early-warning alerts and per-desk summary notices (docs/vulnerability-index.md §7). The id is
 * deterministic (`alertIdOf`: kind, region or desk, instant). `dedupe_key` names the cause
 * (`severity4:<report>`, `level_rise:<region>:<level>`, `spike:<region>`, `stage_summary:<desk>:<boundary>`)
 * and is unique per province, so the same cause never raises twice; for level rises and spikes
 * it is cleared when the alert is closed, so a later episode of the same cause can alert again.
 * Written in the same transaction as its `outbox` row (topic alert.raised).
 */
export const alerts = pgTable(
  'alerts',
  {
    provinceCode: text('province_code').notNull(),
    id: text('id').notNull(),
    kind: text('kind').notNull(), // ALERT_KINDS
    status: text('status').notNull(), // ALERT_STATUSES
    regionCode: text('region_code').notNull(),
    electionId: uuid('election_id'),
    stageCode: text('stage_code'),
    level: text('level'),
    previousLevel: text('previous_level'),
    score: doublePrecision('score'),
    severity: smallint('severity'),
    category: text('category'),
    cause: jsonb('cause').notNull(), // {id, en}
    reportIds: uuid('report_ids').array().notNull().default(sql`'{}'::uuid[]`),
    channels: text('channels').array().notNull(),
    isProvisional: boolean('is_provisional').notNull(),
    isDemo: boolean('is_demo').notNull().default(false),
    deskId: text('desk_id'),
    changes: jsonb('changes'),
    spike: jsonb('spike'),
    dedupeKey: text('dedupe_key'),
    createdAt: tstz('created_at').notNull(),
    updatedAt: tstz('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    uniqueIndex('alerts_dedupe_idx').on(t.provinceCode, t.dedupeKey),
    index('alerts_id_idx').on(t.id),
    index('alerts_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('alerts_region_idx').on(t.regionCode.op('text_pattern_ops')),
  ],
);

/** The timeline of an alert: raised, upgraded (verified), and every desk action with its comment. */
export const alertEvents = pgTable(
  'alert_events',
  {
    provinceCode: text('province_code').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    alertId: text('alert_id').notNull(),
    at: tstz('at').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(), // raise | upgrade | acknowledge | act | close | reopen | comment
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    comment: text('comment'),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.id] }), index('alert_events_alert_idx').on(t.alertId, t.id)],
);

// ───────────────────────────── Daily situation reports (issue #4) ─────────────────────────────

/**
 * A daily situation report (laporan situasi harian) of a region (province, regency or district)
 * for a local date. Revisions of the same day share (region, date); a released one is immutable
 * (trigger in migration sitreps), and a correction is the next revision. `numbers` holds the
 * day's figures as last assembled, frozen at approval.
 */
export const sitreps = pgTable(
  'sitreps',
  {
    provinceCode: text('province_code').notNull(),
    id: uuid('id').notNull(),
    regionCode: text('region_code').notNull(),
    date: text('date').notNull(), // YYYY-MM-DD, local date in the region's zone
    revision: integer('revision').notNull().default(1),
    status: text('status').notNull(), // 'draft' | 'approved' | 'released'
    isDemo: boolean('is_demo').notNull().default(false),
    numbers: jsonb('numbers').notNull(),
    numbersAt: tstz('numbers_at').notNull(),
    distribution: text('distribution').array().notNull().default(sql`'{}'::text[]`),
    supersedes: uuid('supersedes'),
    supersededBy: uuid('superseded_by'),
    createdBy: uuid('created_by'),
    approvedBy: uuid('approved_by'),
    approvedByName: text('approved_by_name'),
    approverPosition: text('approver_position'),
    approvedAt: tstz('approved_at'),
    releasedBy: uuid('released_by'),
    releasedAt: tstz('released_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.provinceCode, t.id] }),
    index('sitreps_id_idx').on(t.id),
    uniqueIndex('sitreps_region_date_rev_idx').on(t.provinceCode, t.regionCode, t.date, t.revision),
    index('sitreps_region_pattern_idx').on(t.regionCode.op('text_pattern_ops'), t.date),
    index('sitreps_date_idx').on(t.provinceCode, t.date),
  ],
);

/** The sections of a situation report, each filled or confirmed by its pillar's desk. */
export const sitrepSections = pgTable(
  'sitrep_sections',
  {
    provinceCode: text('province_code').notNull(),
    sitrepId: uuid('sitrep_id').notNull(),
    code: text('code').notNull(),
    pillarCode: text('pillar_code').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    status: text('status').notNull(), // 'pending' | 'submitted'
    sortOrder: integer('sort_order').notNull().default(0),
    submittedBy: uuid('submitted_by'),
    submittedByName: text('submitted_by_name'),
    submittedAt: tstz('submitted_at'),
    updatedBy: uuid('updated_by'),
    updatedByName: text('updated_by_name'),
    updatedAt: tstz('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.sitrepId, t.code] })],
);

/** Per-region situation-report configuration: its sections and its distribution list. */
export const sitrepTemplates = pgTable('sitrep_templates', {
  regionCode: text('region_code').primaryKey(),
  sections: jsonb('sections').notNull(),
  distribution: text('distribution').array().notNull().default(sql`'{}'::text[]`),
  updatedBy: uuid('updated_by'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/**
 * Versions of the service-level times per severity (ZSlaConfig), append-only like the index
 * configuration: a change is a new version in force from `effective_from`. With no row the
 * defaults (DEFAULT_SLA) apply.
 */
export const slaConfigs = pgTable('sla_configs', configVersionColumns());

/**
 * Versions of the report taxonomy (ZTaxonomyConfig: labels, default handler, offered or retired,
 * subcategories), append-only: a change is a new version in force from `effective_from`, and no
 * version removes a subcategory an earlier one had. With no row the built-in taxonomy (version 1) applies.
 */
export const taxonomyConfigs = pgTable('taxonomy_configs', configVersionColumns());

// ───────────────────────────── Map (issue #4) ─────────────────────────────

/**
 * Region boundaries imported by the operator (`sinergi boundaries import FILE`): one GeoJSON
 * geometry (Polygon or MultiPolygon, WGS 84) per Kemendagri region code. idn-area-data has no
 * geometry, so the map draws regions only where a file was imported. Sharded by province.
 */
export const regionBoundaries = pgTable(
  'region_boundaries',
  {
    provinceCode: text('province_code').notNull(),
    regionCode: text('region_code').notNull(),
    parentCode: text('parent_code'),
    geometry: jsonb('geometry').notNull(),
    source: text('source'),
    importedBy: uuid('imported_by'),
    importedAt: tstz('imported_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.regionCode] }), index('region_boundaries_parent_idx').on(t.parentCode)],
);
