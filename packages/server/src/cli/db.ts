import type { Command } from 'commander';
import { runMigrations } from '../db/client.js';
import { appliedMigrationCount, shippedMigrationCount } from '../services/backup.service.js';
import { say, withDatabase } from './shared.js';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Basis data / database');

  db.command('migrate')
    .description('Jalankan migrasi basis data yang tertunda / apply pending database migrations')
    .action(async () => {
      await withDatabase(async (handle) => {
        const before = await appliedMigrationCount(handle);
        await runMigrations(handle);
        const after = await appliedMigrationCount(handle);
        say(`migrasi / migrations: ${before} → ${after} (dari / of ${shippedMigrationCount()})`);
      });
    });
}
