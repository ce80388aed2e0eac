import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { runMigrations } from '../db/client.js';
import { sealAuditLog } from '../db/repositories/audit.js';
import { appliedMigrationCount, readBackupHeader, restoreBackup, shippedMigrationCount, writeBackup } from '../services/backup.service.js';
import { CliError, assertReadableFile, createProgress, say, withDatabase } from './shared.js';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'berkas tujuan, mis. sinergi-2024-02-14.jsonl.gz / target file')
    .description('Cadangkan seluruh data (JSON-lines, gzip; bisa dipulihkan ke PGlite atau PostgreSQL) / back up all data, portable between PGlite and PostgreSQL')
    .option('--force', 'timpa berkas yang sudah ada / overwrite an existing file')
    .action(async (file: string, options: { force?: boolean }) => {
      const target = path.resolve(file);
      if (fs.existsSync(target) && !options.force) {
        throw new CliError(`Berkas sudah ada: ${target} (pakai --force untuk menimpa) / The file exists (use --force to overwrite).`);
      }
      const partial = `${target}.partial`;
      await withDatabase(async (handle) => {
        // seal first, so the copy carries as much of the hash chain as can be sealed now
        await sealAuditLog(handle);
        const bar = createProgress('cadangan / backup');
        let started = false;
        try {
          const header = await writeBackup(handle, fs.createWriteStream(partial, { mode: 0o600 }), (p) => {
            if (!started) {
              bar.start(p.overallTotal);
              started = true;
            }
            bar.update(p.overallDone, p.table);
          });
          bar.stop();
          fs.renameSync(partial, target); // never leave a half-written file under the real name
          const rows = header.tables.reduce((n, t) => n + t.rows, 0);
          say(`cadangan selesai / backup written: ${target}`);
          say(`  ${header.tables.length} tabel / tables, ${rows.toLocaleString('id-ID')} baris / rows, ${fs.statSync(target).size.toLocaleString('id-ID')} bytes`);
          for (const t of header.tables) say(`  ${t.name}: ${t.rows.toLocaleString('id-ID')}`);
        } catch (error) {
          bar.stop();
          fs.rmSync(partial, { force: true });
          throw error;
        }
      });
    });

  program
    .command('restore')
    .argument('<file>', 'berkas cadangan dari `sinergi backup` / a file written by `sinergi backup`')
    .description('Pulihkan cadangan ke basis data kosong (satu transaksi: gagal = tidak ada yang berubah) / restore a backup into an empty database (one transaction)')
    .option('--force', 'HAPUS semua data di basis data tujuan lebih dulu / ERASE all data in the target first')
    .action(async (file: string, options: { force?: boolean }) => {
      const full = assertReadableFile(file);
      // read the header before touching the database: a wrong file changes nothing
      const header = await readBackupHeader(fs.createReadStream(full));
      const shipped = shippedMigrationCount();
      if (header.migrations !== shipped) {
        throw new CliError(
          `Cadangan dibuat pada ${header.migrations} migrasi; program ini memiliki ${shipped}. Pulihkan dengan versi Sinergi pembuat cadangan, lalu perbarui. ` +
            `/ The backup is at migration ${header.migrations}, this program at ${shipped}: restore with the version that made it, then upgrade.`,
        );
      }
      await withDatabase(async (handle) => {
        if ((await appliedMigrationCount(handle)) < shipped) {
          say('migrasi basis data tujuan / migrating the target database');
          await runMigrations(handle);
        }
        const bar = createProgress('pemulihan / restore');
        bar.start(header.tables.reduce((n, t) => n + t.rows, 0));
        try {
          const result = await restoreBackup(handle, fs.createReadStream(full), {
            force: options.force,
            onProgress: (p) => bar.update(p.overallDone, p.table),
          });
          bar.stop();
          say(`dipulihkan / restored: ${result.rows.toLocaleString('id-ID')} baris / rows dari / from ${header.source} (${header.createdAt})`);
          for (const t of header.tables) say(`  ${t.name}: ${t.rows.toLocaleString('id-ID')}`);
        } catch (error) {
          bar.stop();
          throw error;
        }
      });
    });
}
