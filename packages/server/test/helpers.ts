import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TRole } from '@sinergi/domain';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, type AppConfig } from '../src/config.js';
import { openDatabase, pgliteHandle, type DbHandle } from '../src/db/client.js';
import { insertByUnnest } from '../src/db/repositories/bulk.js';
import type { NewReportRow } from '../src/db/repositories/reports.js';
import { reports } from '../src/db/schema.js';
import { insertUsers } from '../src/db/repositories/users.js';
import type { RegionStore } from '../src/regions/region-store.js';
import { loadRegionStore } from '../src/services/bootstrap.service.js';
import { countUnsealed, sealAuditLog } from '../src/db/repositories/audit.js';
import { hashSecret } from '../src/services/passwords.js';
import { ElectionStore } from '../src/services/elections.service.js';
import { createReportWriter } from '../src/services/reports.service.js';
import { createDiskAttachmentStore, type AttachmentStore } from '../src/storage/index.js';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (always in CI). */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDb {
  handle: DbHandle;
  dispose(): Promise<void>;
}

/** A fresh migrated database with the full region tree: a PGlite load, or a PostgreSQL clone. */
export async function openTestDb(backend: Backend): Promise<TestDb> {
  if (backend === 'pglite') {
    const dump = fs.readFileSync(inject('pgliteTemplate'));
    const client = new PGlite({ loadDataDir: new Blob([dump]) });
    await client.waitReady;
    const handle = pgliteHandle(client);
    return { handle, dispose: () => client.close() };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const template = inject('pgTemplate');
  if (!template) throw new Error('PostgreSQL template was not prepared');
  const name = `sinergi_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: target.toString(), poolSize: 10 });
  return {
    handle,
    async dispose() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

export const TEST_PASSWORD = 'test-password-123';
let passwordHash: Promise<string> | null = null;

/** Insert a user straight into the database (factories build what a test needs). */
export async function createTestUser(
  handle: DbHandle,
  fields: { username?: string; role: TRole; scopes: string[]; pillarCode?: string | null; fullName?: string; position?: string },
) {
  passwordHash ??= hashSecret(TEST_PASSWORD);
  const [row] = await insertUsers(handle.db, [
    {
      id: randomUUID(),
      username: fields.username ?? `u${randomBytes(4).toString('hex')}`,
      fullName: fields.fullName ?? 'Petugas Uji',
      role: fields.role,
      scopes: fields.scopes,
      pillarCode: fields.pillarCode ?? null,
      position: fields.position ?? null,
      passwordHash: await passwordHash,
    },
  ]);
  return row!;
}

/** An empty database on the test PostgreSQL (no migrations): its URL, and drop() to remove it. */
export async function createEmptyPgDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL!;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const run = async (text: string) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(text);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A signed-in HTTP client over app.inject, carrying the cookie and the CSRF token. */
export interface Agent {
  csrf: string;
  cookie: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  app: FastifyInstance;
  handle: DbHandle;
  regions: RegionStore;
  elections: ElectionStore;
  reportWriter: ReturnType<typeof createReportWriter>;
  /** Attachments on disk in a temporary directory, removed by dispose(). */
  attachments: AttachmentStore;
  attachmentDir: string;
  config: AppConfig;
  clock: { now: Date };
  login(username: string, password?: string): Promise<Agent>;
  dispose(): Promise<void>;
}

/** The whole app on a fresh test database, with a controllable clock. */
export async function createTestApp(backend: Backend, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const db = await openTestDb(backend);
  const regions = await loadRegionStore(db.handle);
  const config = loadConfig({ SINERGI_DEMO: 'off', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, overrides);
  const clock = { now: new Date() };
  const elections = new ElectionStore(db.handle);
  await elections.reload();
  const reportWriter = createReportWriter(db.handle);
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-attachments-'));
  const attachments = createDiskAttachmentStore(attachmentDir);
  const app = await buildApp({ config, handle: db.handle, regions, elections, reportWriter, attachments, now: () => clock.now }, { logger: false });
  await app.ready();
  return {
    app,
    handle: db.handle,
    regions,
    elections,
    reportWriter,
    attachments,
    attachmentDir,
    config,
    clock,
    async login(username, password = TEST_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      const csrf = (res.json() as { user: { csrfToken: string } }).user.csrfToken;
      const request = (options: InjectOptions) =>
        app.inject({ ...options, headers: { cookie, 'x-csrf-token': csrf, ...(options.headers ?? {}) } });
      return {
        csrf,
        cookie,
        request,
        get: (url, headers) => request({ method: 'GET', url, headers }),
        post: (url, body, headers) => request({ method: 'POST', url, payload: body as InjectOptions['payload'], headers }),
        patch: (url, body) => request({ method: 'PATCH', url, payload: body as InjectOptions['payload'] }),
      };
    },
    async dispose() {
      await app.close();
      await db.dispose();
      fs.rmSync(attachmentDir, { recursive: true, force: true });
    },
  };
}

/**
 * Seal until nothing is left. Sealing waits for the oldest transaction in flight in the whole
 * PostgreSQL cluster (xids are cluster-wide), so test files running in parallel on other
 * databases can hold it back for a moment: retry rather than assume a quiet server.
 */
export async function sealAll(
  handle: Parameters<typeof sealAuditLog>[0],
  timeoutMs = 15_000,
  sizes: { batch?: number; slice?: number } = {},
): Promise<number> {
  let total = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    total += await sealAuditLog(handle, sizes.batch, sizes.slice);
    if ((await countUnsealed(handle)) === 0 || Date.now() > deadline) return total;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The body of a valid report: politik uang, severity 2, an hour before `now`, with a title and
 * description; `over` sets or replaces fields (a region code is the caller's to give).
 */
export function reportBody(now: Date, over: Record<string, unknown> = {}): { id: string } & Record<string, unknown> {
  return {
    id: randomUUID(),
    category: 'politik_uang',
    severity: 2,
    occurredAt: new Date(now.getTime() - 3600_000).toISOString(),
    title: 'Pembagian amplop dekat balai desa',
    description: 'Warga melaporkan amplop dibagikan oleh tim sukses.',
    ...over,
  };
}

/** POST /api/reports as `agent`, expecting it stored (201); returns the report's id. */
export async function fileReport(agent: Agent, body: { id: string } & Record<string, unknown>): Promise<string> {
  const res = await agent.post('/api/reports', body);
  expect(res.statusCode, res.body).toBe(201);
  return body.id;
}

/** A workflow action (verify, assign, handle, …) on a report at its current version, expecting 200. */
export async function actOnReport(agent: Agent, id: string, action: string, body: Record<string, unknown> = {}): Promise<void> {
  const current = (await agent.get(`/api/reports/${id}`)).json() as { version: number };
  const res = await agent.post(`/api/reports/${id}/${action}`, { version: current.version, ...body });
  expect(res.statusCode, res.body).toBe(200);
}

/** Report rows written straight to the table (no events, audit or outbox rows): fixtures. */
export async function insertReportRows(handle: DbHandle, rows: NewReportRow[]): Promise<void> {
  await insertByUnnest(handle.db, reports, rows);
}

/**
 * A report row written straight to the table (bulk fixtures for list, search and export tests):
 * a new field report in `regionCode`, made at `at`, with `over` on top.
 */
export function reportRowFixture(regionCode: string, at: Date, over: Partial<NewReportRow> = {}): NewReportRow {
  return {
    provinceCode: regionCode.slice(0, 2),
    id: randomUUID(),
    regencyCode: regionCode.split('.').slice(0, 2).join('.'),
    districtCode: regionCode.split('.').slice(0, 3).join('.'),
    regionCode,
    category: 'politik_uang',
    severity: 1,
    occurredAt: at,
    discoveredAt: at,
    title: 'Laporan',
    description: 'Uraian singkat',
    source: 'field_officer',
    status: 'new',
    statusChangedAt: at,
    escalationLevel: 'village',
    contentHash: 'factory',
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}
