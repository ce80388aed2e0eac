import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is one process's database: two processes opening the same directory silently lose
 * writes. The server and every CLI command take this lock file before opening it.
 */
export interface DataDirLock {
  path: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number,
    readonly ownerCommand: string,
  ) {
    super(
      `Direktori data ${path.dirname(lockPath)} sedang dipakai oleh proses lain (pid ${ownerPid}: ${ownerCommand}). ` +
        `PGlite hanya boleh dibuka satu proses. Hentikan proses itu dulu, atau jalankan server dengan DATABASE_URL (PostgreSQL). ` +
        `/ The data directory is in use by another process (pid ${ownerPid}: ${ownerCommand}); PGlite allows one process only. ` +
        `Stop that process first, or use PostgreSQL through DATABASE_URL.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Read who holds the lock, or null when nobody (alive) does. */
export function readDataDirLock(dataDir: string): { pid: number; command: string; port?: number } | null {
  const lockPath = path.join(dataDir, 'sinergi.lock');
  try {
    const info = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number; command: string; port?: number };
    return isAlive(info.pid) && info.pid !== process.pid ? info : null;
  } catch {
    return null;
  }
}

/**
 * Take the lock or throw DataDirLockedError. Creating the lock file is atomic (`wx`). A stale
 * lock (its process is gone) is taken over under a second, directory-based mutex (mkdir is
 * atomic too), re-checked inside it, so two processes racing for a stale lock cannot both win.
 */
export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'sinergi.lock');
  const takeoverPath = `${lockPath}.takeover`;
  const body = JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() });
  const readOwner = (): { pid: number; command: string } | null => {
    try {
      return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number; command: string };
    } catch {
      return null;
    }
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      fs.writeFileSync(lockPath, body, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readOwner()?.pid === process.pid) fs.rmSync(lockPath, { force: true });
      };
      process.once('exit', release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner();
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) throw new DataDirLockedError(lockPath, owner.pid, owner.command);
    // stale (or half-written): take it over under the takeover mutex
    try {
      fs.mkdirSync(takeoverPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // someone else is taking over; a mutex left by a crashed process expires after 10 s
      try {
        if (Date.now() - fs.statSync(takeoverPath).mtimeMs > 10_000) fs.rmSync(takeoverPath, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    try {
      const again = readOwner();
      if (!again || !isAlive(again.pid) || again.pid === process.pid) fs.rmSync(lockPath, { force: true });
    } finally {
      fs.rmSync(takeoverPath, { recursive: true, force: true });
    }
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

/** Record the port the lock holder listens on, so the CLI can point the user to it. */
export function annotateDataDirLock(lock: DataDirLock, extra: Record<string, unknown>): void {
  const current = JSON.parse(fs.readFileSync(lock.path, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(lock.path, JSON.stringify({ ...current, ...extra }));
}
