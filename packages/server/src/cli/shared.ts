import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { translateFieldMessage, type TFieldError } from '@sinergi/domain';
import { loadConfig, type AppConfig } from '../config.js';
import { openDatabase, type DbHandle } from '../db/client.js';
import { DataDirLockedError, readDataDirLock } from '../db/lock.js';
import { appliedMigrationCount, shippedMigrationCount } from '../services/backup.service.js';

/** An expected failure: the message is for the operator, the exit code for scripts. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes: 0 done, 1 the work failed (bad input, broken chain), 2 cannot start (config, lock). */
export const EXIT_LOCKED = 2;

export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Where the process holding the lock listens, when it recorded it (the server does). */
function serverUrlOf(info: { port?: number; host?: unknown }): string | null {
  if (!info.port) return null;
  const raw = typeof info.host === 'string' ? info.host : '127.0.0.1';
  const host = raw === '0.0.0.0' ? '127.0.0.1' : raw === '::' ? '::1' : raw;
  return `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
}

/** The lock error plus where the running server is: the operator can use it instead. */
function lockedError(dataDir: string, error?: DataDirLockedError): CliError {
  const info = readDataDirLock(dataDir);
  const base = error ?? (info ? new DataDirLockedError(path.join(dataDir, 'sinergi.lock'), info.pid, info.command) : null);
  const url = info ? serverUrlOf(info) : null;
  const lines = [base?.message ?? `Direktori data ${dataDir} sedang dipakai. / The data directory is in use.`];
  if (url) {
    lines.push(
      `server berjalan di ${url} — lakukan lewat aplikasi web/API di sana, atau hentikan server lalu ulangi perintah ini. ` +
        `/ the server is running at ${url}: use the web app/API there, or stop the server and run this command again.`,
    );
  }
  return new CliError(lines.join('\n'), EXIT_LOCKED);
}

/**
 * Open the configured database for one command and close it afterwards. On PGlite the
 * lock is checked before anything touches the directory: a held lock means another
 * process (usually the server) has it open, and a second opener would silently lose writes.
 */
export async function withDatabase<T>(
  fn: (handle: DbHandle, config: AppConfig) => Promise<T>,
  options: { requireSchema?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  let handle: DbHandle;
  if (config.database.kind === 'pglite') {
    if (readDataDirLock(config.dataDir)) throw lockedError(config.dataDir);
    try {
      handle = await openDatabase({ kind: 'pglite', dataDir: config.database.dataDir });
    } catch (error) {
      // another process took it between the check and the open
      if (error instanceof DataDirLockedError) throw lockedError(config.dataDir, error);
      throw error;
    }
  } else {
    handle = await openDatabase({ kind: 'postgres', url: config.database.url, poolSize: 4 });
  }
  try {
    if (options.requireSchema) await assertMigrated(handle);
    return await fn(handle, config);
  } finally {
    await handle.close();
  }
}

async function assertMigrated(handle: DbHandle): Promise<void> {
  const applied = await appliedMigrationCount(handle);
  const shipped = shippedMigrationCount();
  if (applied < shipped) {
    throw new CliError(
      `Basis data belum dimigrasi (${applied}/${shipped}). Jalankan dulu: npx sinergi db migrate ` +
        `/ The database is not migrated (${applied}/${shipped}); run: npx sinergi db migrate`,
    );
  }
  if (applied > shipped) {
    throw new CliError(
      `Basis data lebih baru (${applied} migrasi) daripada program ini (${shipped}). Perbarui Sinergi. ` +
        `/ The database (${applied} migrations) is newer than this program (${shipped}); upgrade Sinergi.`,
    );
  }
}

/** Field problems, one a line: Indonesian first, English after (keys are translated, text is kept). */
export function formatFieldErrors(fields: readonly TFieldError[]): string {
  return fields
    .map((f) => {
      const id = translateFieldMessage(f.message, 'id');
      const en = translateFieldMessage(f.message, 'en');
      return `  ${f.path}: ${id === en ? id : `${id} / ${en}`}`;
    })
    .join('\n');
}

export interface Progress {
  start(total: number): void;
  update(done: number, detail?: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr. Without a terminal (logs, CI, pipes) it prints a line at each
 * tenth instead, so long work still shows it is moving and stdout stays clean for data.
 */
export function createProgress(label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {detail}`, hideCursor: true, clearOnComplete: false, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0, { detail: '' }),
      update: (done, detail = '') => bar.update(done, { detail }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let shown = -1;
  return {
    start(t) {
      total = t;
    },
    update(done, detail = '') {
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (tenth > shown) {
        shown = tenth;
        say(`${label} ${done.toLocaleString('id-ID')}/${total.toLocaleString('id-ID')} ${detail}`.trimEnd());
      }
    },
    stop() {},
  };
}

export function assertReadableFile(file: string): string {
  const full = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new CliError(`Berkas tidak ditemukan: ${full} / File not found.`);
  }
  if (!stat.isFile()) throw new CliError(`Bukan berkas: ${full} / Not a file.`);
  return full;
}
