import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type DbHandle } from '../src/db/client.js';
import { findAllDynamicStates } from '../src/db/repositories/risk.js';
import { DEFAULT_INDEX_CONFIG } from '@sinergi/domain';
import { BACKENDS, openTestDb, type TestDb } from './helpers.js';
import { ensureCliBuilt, runSinergi, type CliResult } from './cli-support.js';

/** `sinergi ARGS` with the test's database settings. */
function sinergi(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runSinergi(args, { env });
}

const AS_OF = Date.parse('2024-11-20T12:00:00Z');
const HOUR = 3_600_000;

async function insertReport(handle: DbHandle, f: { village: string; category: string; severity: number; status: string; source: string; hoursBefore: number }): Promise<void> {
  const [province, regency, district] = [f.village.slice(0, 2), f.village.split('.').slice(0, 2).join('.'), f.village.split('.').slice(0, 3).join('.')];
  await handle.query(
    `INSERT INTO reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at, title, description, source, reporter_id, status, status_changed_at, escalation_level, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'uji', 'uji', $9, $10, $11, $8, 'village', 'x')`,
    [province, randomUUID(), regency, district, f.village, f.category, f.severity, new Date(AS_OF - f.hoursBefore * HOUR), f.source, f.source === 'public' ? null : randomUUID(), f.status],
  );
}

describe.each(BACKENDS)('sinergi index rebuild on %s', { timeout: 180_000 }, (backend) => {
  let env: Record<string, string>;
  let workDir: string;
  let db: TestDb | null = null;
  let open: () => Promise<DbHandle>;

  beforeAll(async () => {
    expect(ensureCliBuilt()).toBe(true);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-risk-cli-'));
    if (backend === 'postgres') {
      db = await openTestDb('postgres');
      const url = (db.handle.pool as unknown as { options: { connectionString: string } }).options.connectionString;
      env = { DATABASE_URL: url };
      open = async () => db!.handle;
    } else {
      const dataDir = path.join(workDir, 'data');
      env = { SINERGI_DATA_DIR: dataDir };
      open = () => openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
      const h = await open();
      await runMigrations(h);
      await h.close();
    }
    const h = await open();
    try {
      await insertReport(h, { village: '33.10.04.2001', category: 'politik_uang', severity: 3, status: 'verified', source: 'field_officer', hoursBefore: 10 });
      await insertReport(h, { village: '33.10.04.2002', category: 'hoaks', severity: 2, status: 'new', source: 'field_officer', hoursBefore: 30 });
      await insertReport(h, { village: '33.10.05.2001', category: 'konflik_sosial', severity: 4, status: 'new', source: 'public', hoursBefore: 5 }); // counts 0
      await insertReport(h, { village: '33.10.05.2001', category: 'konflik_sosial', severity: 4, status: 'rejected', source: 'field_officer', hoursBefore: 5 }); // counts 0
    } finally {
      if (backend === 'pglite') await h.close();
    }
  });
  afterAll(async () => {
    await db?.dispose();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('recomputes every region from the reports for an as-of instant and clears the queue', async () => {
    const res = await sinergi(['index', 'rebuild', '--as-of', new Date(AS_OF).toISOString(), '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ reports: 4, configVersion: 1, asOf: new Date(AS_OF).toISOString(), anchoredAt: new Date(AS_OF).toISOString(), deltasCleared: 4 });
    expect(res.stderr).toContain('laporan / reports: 4');

    const h = await open();
    try {
      const states = new Map((await findAllDynamicStates(h.db)).map((s) => [s.regionCode, s]));
      const v1 = 1.2 * 4 * 2 ** (-10 / 168);
      const v2 = 0.8 * 2 * 0.3 * 2 ** (-30 / 168);
      expect([...states.keys()].sort()).toEqual(['33', '33.10', '33.10.04', '33.10.04.2001', '33.10.04.2002']);
      expect(states.get('33.10.04.2001')!.sum).toBeCloseTo(v1, 12);
      expect(states.get('33.10.04.2002')!.sum).toBeCloseTo(v2, 12);
      for (const code of ['33', '33.10', '33.10.04']) {
        expect(states.get(code)!.sum).toBeCloseTo(v1 + v2, 12);
        expect(states.get(code)!.atMs).toBe(AS_OF);
      }
      const [queued] = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM risk_deltas');
      expect(Number(queued!.n)).toBe(0);
    } finally {
      if (backend === 'pglite') await h.close();
    }
  });

  it('refuses an --as-of that is not an ISO instant', async () => {
    const res = await sinergi(['index', 'rebuild', '--as-of', 'kemarin'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('--as-of');
  });

  it('records a new configuration version and rebuilds with the version in force at the as-of instant', async () => {
    const file = path.join(workDir, 'config-v2.json');
    fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_INDEX_CONFIG, version: 99, effectiveFrom: '2024-11-20T00:00:00Z', halfLifeHours: 24, note: 'uji: paruh waktu 24 jam' }));
    const added = await sinergi(['index', 'config', 'add', file], env);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('configuration version 2');
    const bad = path.join(workDir, 'config-bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...DEFAULT_INDEX_CONFIG, halfLifeHours: -1 }));
    const refused = await sinergi(['index', 'config', 'add', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('halfLifeHours');

    const listed = await sinergi(['index', 'config', 'list'], env);
    expect(JSON.parse(listed.stdout).map((c: { version: number; halfLifeHours: number }) => [c.version, c.halfLifeHours])).toEqual([[1, 168], [2, 24]]);

    const now = JSON.parse((await sinergi(['index', 'rebuild', '--as-of', new Date(AS_OF).toISOString(), '--json'], env)).stdout.trim().split('\n').at(-1)!);
    expect(now.configVersion).toBe(2);
    const h = await open();
    try {
      const states = new Map((await findAllDynamicStates(h.db)).map((s) => [s.regionCode, s]));
      expect(states.get('33.10.04.2001')).toMatchObject({ configVersion: 2 });
      expect(states.get('33.10.04.2001')!.sum).toBeCloseTo(1.2 * 4 * 2 ** (-10 / 24), 12);
    } finally {
      if (backend === 'pglite') await h.close();
    }
    const before = JSON.parse((await sinergi(['index', 'rebuild', '--as-of', '2024-11-19T12:00:00Z', '--json'], env)).stdout.trim().split('\n').at(-1)!);
    expect(before.configVersion).toBe(1);
  });
});
