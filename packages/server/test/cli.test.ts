import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { ROOT, ensureCliBuilt, runSinergi, type CliResult } from './cli-support.js';

const dist = path.join(ROOT, 'packages/server/dist');

let dataDir: string;
let workDir: string;

/** `sinergi ARGS` on PGlite in the temporary SINERGI_DATA_DIR. */
function sinergi(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runSinergi(args, { cwd: workDir, env: { SINERGI_DATA_DIR: dataDir, ...extraEnv } });
}

/** Every file under the directory with its size and modification time. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(full);
    out[path.relative(dir, full)] = entry.isFile() ? `${stat.size}:${stat.mtimeMs}` : 'dir';
  }
  return out;
}

async function usernames(): Promise<string[]> {
  const handle = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
  try {
    return (await handle.query<{ username: string }>('SELECT username FROM users ORDER BY username')).map((r) => r.username);
  } finally {
    await handle.close();
  }
}

// each command starts Node and opens PGlite (a few seconds on a busy machine)
describe('sinergi command-line tool (PGlite)', { timeout: 180_000 }, () => {
  beforeAll(() => {
    expect(ensureCliBuilt()).toBe(true);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-cli-'));
    dataDir = path.join(workDir, 'data');
  });
  afterAll(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('--help lists every command, --version prints the version', async () => {
    const help = await sinergi(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'db migrate',
      'regions import',
      'users create',
      'users import <file>',
      'users reset-password <username>',
      'backup <file>',
      'restore <file>',
      'audit verify',
    ]) {
      expect(help.stdout).toContain(`sinergi ${command}`);
    }
    const version = await sinergi(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = await sinergi(['frobnicate']);
    expect(unknown.code).not.toBe(0);
  });

  it('refuses user commands on a database that is not migrated', async () => {
    const res = await sinergi(['users', 'create', '--username', 'dini', '--full-name', 'Dini', '--role', 'admin', '--scopes', '*']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('npx sinergi db migrate');
  });

  it('db migrate, then regions import with progress', async () => {
    const migrate = await sinergi(['db', 'migrate']);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stderr).toMatch(/migrasi \/ migrations: 0 → [1-9]/);
    const again = await sinergi(['db', 'migrate']);
    expect(again.code).toBe(0);
    const regions = await sinergi(['regions', 'import']);
    expect(regions.code, regions.stderr).toBe(0);
    expect(regions.stderr).toContain('91.599/91.599');
    const handle = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      const [row] = await handle.query<{ n: number }>("SELECT count(*)::int AS n FROM regions WHERE code LIKE '33.10.%' AND level = 4");
      expect(Number(row!.n)).toBe(401);
    } finally {
      await handle.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'sinergi.lock'))).toBe(false); // released on exit
  });

  it('users create prints a one-time code; bad input is named and changes nothing', async () => {
    const ok = await sinergi(['users', 'create', '--username', 'camat.bayat', '--full-name', 'Camat Bayat', '--role', 'district_desk', '--scopes', '33.10.04', '--pillar', 'pemda', '--position', 'Camat']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const bad = await sinergi(['users', 'create', '--username', 'admin.x', '--full-name', 'Admin X', '--role', 'admin', '--scopes', '99.99']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('scopes.0: Kode wilayah tidak dikenal. / Unknown region code.');
    const dup = await sinergi(['users', 'create', '--username', 'camat.bayat', '--full-name', 'Lagi', '--role', 'observer', '--scopes', '33.10']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Nama pengguna sudah dipakai');
    expect(await usernames()).toEqual(['camat.bayat']);
  });

  it('users import: one bad row prints its row error and creates nobody; a good file creates all', async () => {
    const bad = path.join(workDir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'username;nama;peran;scopes;pilar;jabatan\n' +
        'bhabin.gununggajah;Bhabin Gununggajah;field_officer;33.10.04.2001;polri;Bhabinkamtibmas\n' +
        'babinsa.bayat;Babinsa Bayat;jenderal;33.10.04;tni;Babinsa\n' +
        'pps.krakitan;PPS Krakitan;field_officer;33.10.04.2002;kpu;PPS\n',
    );
    const res = await sinergi(['users', 'import', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('row 3.role: Peran tidak dikenal.');
    expect(res.stderr).toContain('tidak ada pengguna yang dibuat');
    expect(res.stderr).not.toContain('row 2');
    expect(await usernames()).toEqual(['camat.bayat']);

    const outOfTree = path.join(workDir, 'unknown-region.csv');
    fs.writeFileSync(outOfTree, 'username,nama,peran,scopes\nx.satu,X Satu,observer,33.10\nx.dua,X Dua,observer,33.99\n');
    const res2 = await sinergi(['users', 'import', outOfTree]);
    expect(res2.code).toBe(1);
    expect(res2.stderr).toContain('row 3.scopes.0: Kode wilayah tidak dikenal.');
    expect(await usernames()).toEqual(['camat.bayat']);

    const good = path.join(workDir, 'good.csv');
    fs.writeFileSync(good, fs.readFileSync(bad, 'utf8').replace('jenderal', 'field_officer'));
    const created = await sinergi(['users', 'import', good]);
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines[0]).toBe('username,oneTimeCode');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['bhabin.gununggajah', 'babinsa.bayat', 'pps.krakitan']);
    expect(created.stderr).toContain('3/3');
    expect(await usernames()).toEqual(['babinsa.bayat', 'bhabin.gununggajah', 'camat.bayat', 'pps.krakitan']);
  });

  it('users reset-password prints a new one-time code; an unknown user is an error', async () => {
    const res = await sinergi(['users', 'reset-password', 'camat.bayat']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const missing = await sinergi(['users', 'reset-password', 'tidak.ada']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Pengguna tidak ditemukan');
  });

  it('audit verify seals and reports an intact chain', async () => {
    const res = await sinergi(['audit', 'verify', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout) as { ok: boolean; sealed: number; unsealed: number; newlySealed: number };
    // camat.bayat, 3 imported users, one reset
    expect(result).toMatchObject({ ok: true, sealed: 5, unsealed: 0, newlySealed: 5 });
    expect(res.stderr).toContain('Log audit utuh');
  });

  it('backup and restore through the command line', async () => {
    const file = path.join(workDir, 'cadangan.jsonl.gz');
    const backup = await sinergi(['backup', file]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    const again = await sinergi(['backup', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');

    const restoreDir = path.join(workDir, 'restored');
    const restored = await sinergi(['restore', file], { SINERGI_DATA_DIR: restoreDir });
    expect(restored.code, restored.stderr).toBe(0);
    const refused = await sinergi(['restore', file], { SINERGI_DATA_DIR: restoreDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('sudah berisi data');
    const verify = await sinergi(['audit', 'verify', '--json'], { SINERGI_DATA_DIR: restoreDir });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, sealed: 6, unsealed: 0 }); // + the restore itself
  });

  describe('while another process holds the data directory', () => {
    let holder: ChildProcess;
    beforeAll(async () => {
      const lockModule = path.join(dist, 'db/lock.js');
      holder = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { acquireDataDirLock, annotateDataDirLock } = await import(${JSON.stringify(lockModule)});
           const lock = acquireDataDirLock(${JSON.stringify(dataDir)}, 'node packages/server/dist/main.js');
           annotateDataDirLock(lock, { port: 45678, host: '127.0.0.1' });
           process.stdout.write('locked\\n');
           setInterval(() => {}, 1000);`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        holder.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
      });
    });
    afterAll(() => {
      holder?.kill();
    });

    it('every database command exits 2 with the clear message and leaves the directory untouched', async () => {
      const before = snapshot(dataDir);
      const create = await sinergi(['users', 'create', '--username', 'dini', '--full-name', 'Dini', '--role', 'observer', '--scopes', '33.10']);
      expect(create.code).toBe(2);
      expect(create.stderr).toContain(`sedang dipakai oleh proses lain (pid ${holder.pid}`);
      expect(create.stderr).toContain('server berjalan di http://127.0.0.1:45678');
      for (const args of [['db', 'migrate'], ['audit', 'verify'], ['backup', path.join(workDir, 'x.gz')], ['users', 'reset-password', 'camat.bayat']]) {
        const res = await sinergi(args);
        expect(res.code, args.join(' ')).toBe(2);
        expect(res.stderr).toContain('PGlite hanya boleh dibuka satu proses');
      }
      expect(snapshot(dataDir)).toEqual(before);
      expect(fs.existsSync(path.join(workDir, 'x.gz'))).toBe(false);
    });
  });

  it('takes over a stale lock left by a process that is gone', async () => {
    fs.writeFileSync(path.join(dataDir, 'sinergi.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'mati' }));
    const res = await sinergi(['audit', 'verify']);
    expect(res.code, res.stderr).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'sinergi.lock'))).toBe(false);
  });
});
