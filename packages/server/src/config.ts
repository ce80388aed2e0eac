import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads process.env. Validated once at start: a wrong value stops
 * the server with a message that names the variable, instead of failing later.
 */
const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SINERGI_DATA_DIR: z.string().min(1).default('./data'),
  SINERGI_ADMIN_PASSWORD: z.string().min(10, 'needs at least 10 characters').optional(),
  SINERGI_DEMO: z.enum(['on', 'off']).default('on'),
  SINERGI_DEMO_PASSWORD: z.string().min(8).default('demo-sinergi'),
  SINERGI_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  SINERGI_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  SINERGI_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  SINERGI_BODY_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
  SINERGI_LOGIN_MAX_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  SINERGI_PG_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  SINERGI_SECRET: z.string().min(32, 'needs at least 32 characters').optional(),
  SINERGI_POW_BITS: z.coerce.number().int().min(0).max(32).default(16),
  SINERGI_PUBLIC_MAX_PER_HOUR: z.coerce.number().int().min(1).default(30),
  SINERGI_PUBLIC_DEVICE_MAX_PER_HOUR: z.coerce.number().int().min(1).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  // Attachments go to an S3-compatible store when these are set (all but the region), else to ${dataDir}/attachments.
  SINERGI_MAP_TILE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$/, 'must be an http(s) tile URL template with {z}, {x} and {y}')
    .optional(),
  SINERGI_MAP_TILE_ATTRIBUTION: z.string().max(300).optional(),
  SINERGI_S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  SINERGI_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)')
    .optional(),
  SINERGI_S3_ACCESS_KEY: z.string().min(1).optional(),
  SINERGI_S3_SECRET_KEY: z.string().min(1).optional(),
  // Notices by e-mail go through this SMTP server; unset = e-mail channel off (said at start and in /api/health).
  SINERGI_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.go.id:587')
    .optional(),
  SINERGI_SMTP_FROM: z.string().min(3).default('Sinergi <no-reply@sinergi.local>'),
  SINERGI_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SINERGI_DELIVERY_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SINERGI_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SINERGI_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  SINERGI_S3_REGION: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region name such as us-east-1').default('us-east-1'),
});

/** Largest attachment accepted (photos and documents), in bytes. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

const S3_VARS = ['SINERGI_S3_ENDPOINT', 'SINERGI_S3_BUCKET', 'SINERGI_S3_ACCESS_KEY', 'SINERGI_S3_SECRET_KEY'] as const;

export interface AppConfig {
  port: number;
  host: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
  dataDir: string;
  adminPassword: string | undefined;
  demo: boolean;
  demoPassword: string;
  cookieSecure: 'auto' | boolean;
  sessionHours: number;
  trustProxy: boolean;
  bodyLimit: number;
  loginMaxPerMinute: number;
  logLevel: z.infer<typeof ZEnv>['LOG_LEVEL'];
  version: string;
  /** Where attachment bytes are kept: a directory, or an S3-compatible bucket. */
  attachments: { kind: 'disk'; dir: string } | { kind: 's3'; endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };
  /** Server secret (HMAC keys); when unset, one is generated at first start and kept in app_meta. */
  secret: string | undefined;
  /** Proof-of-work base difficulty (leading zero bits) of the public channel. */
  powBits: number;
  /** Public reports per hour from one IP address, and from one device (x-device-id). */
  publicMaxPerHour: number;
  publicDeviceMaxPerHour: number;
  /** Outbox delivery: SMTP (null = e-mail off), retries and back-off, webhook timeout. */
  delivery: {
    smtpUrl: string | null;
    smtpFrom: string;
    maxAttempts: number;
    backoffSeconds: number;
    webhookTimeoutMs: number;
    /** Base address for links in e-mails (e.g. https://sinergi.example.go.id); null: no links. */
    publicUrl: string | null;
    /** How often an open GET /api/stream re-checks its session (ends it when signed out; follows scope changes). */
    streamSessionCheckMs?: number;
  };
  /** Optional basemap tiles for the map ({z}/{x}/{y} template) and their attribution; none by default (works offline). */
  map: { tileUrl: string | null; tileAttribution: string | null };
}

export class ConfigError extends Error {}

/** Read and validate the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Konfigurasi tidak valid / invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.SINERGI_DATA_DIR);
  const s3Set = S3_VARS.filter((name) => e[name] !== undefined);
  if (s3Set.length > 0 && s3Set.length < S3_VARS.length) {
    const missing = S3_VARS.filter((name) => e[name] === undefined);
    throw new ConfigError(`Konfigurasi tidak valid / invalid configuration:\n${missing.map((m) => `  ${m}: required when ${s3Set.join(', ')} ${s3Set.length > 1 ? 'are' : 'is'} set`).join('\n')}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.SINERGI_PG_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    adminPassword: e.SINERGI_ADMIN_PASSWORD,
    demo: e.SINERGI_DEMO === 'on',
    demoPassword: e.SINERGI_DEMO_PASSWORD,
    cookieSecure: e.SINERGI_COOKIE_SECURE === 'auto' ? 'auto' : e.SINERGI_COOKIE_SECURE === 'true',
    sessionHours: e.SINERGI_SESSION_HOURS,
    trustProxy: e.SINERGI_TRUST_PROXY === 'true',
    bodyLimit: e.SINERGI_BODY_LIMIT,
    loginMaxPerMinute: e.SINERGI_LOGIN_MAX_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    version: '0.1.0',
    attachments:
      s3Set.length > 0
        ? { kind: 's3', endpoint: e.SINERGI_S3_ENDPOINT!, bucket: e.SINERGI_S3_BUCKET!, accessKeyId: e.SINERGI_S3_ACCESS_KEY!, secretAccessKey: e.SINERGI_S3_SECRET_KEY!, region: e.SINERGI_S3_REGION }
        : { kind: 'disk', dir: path.join(dataDir, 'attachments') },
    secret: e.SINERGI_SECRET,
    powBits: e.SINERGI_POW_BITS,
    publicMaxPerHour: e.SINERGI_PUBLIC_MAX_PER_HOUR,
    publicDeviceMaxPerHour: e.SINERGI_PUBLIC_DEVICE_MAX_PER_HOUR,
    delivery: {
      smtpUrl: e.SINERGI_SMTP_URL ?? null,
      smtpFrom: e.SINERGI_SMTP_FROM,
      maxAttempts: e.SINERGI_DELIVERY_MAX_ATTEMPTS,
      backoffSeconds: e.SINERGI_DELIVERY_BACKOFF_SECONDS,
      webhookTimeoutMs: e.SINERGI_WEBHOOK_TIMEOUT_MS,
      publicUrl: e.SINERGI_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
      streamSessionCheckMs: 60_000,
    },
    map: { tileUrl: e.SINERGI_MAP_TILE_URL ?? null, tileAttribution: e.SINERGI_MAP_TILE_ATTRIBUTION ?? null },
    ...overrides,
  };
}
