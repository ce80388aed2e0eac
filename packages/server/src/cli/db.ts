import type { Command } from 'commander';
import { runMigrations } from '../db/client.js';
import { ensurePillars } from '../services/bootstrap.service.js';
import { appliedMigrationCount, shippedMigrationCount } from '../services/backup.service.js';
import { say, withDatabase } from './shared.js';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Basis data / database');

  db.command('migrate')
    .description('Jalankan migrasi basis data yang tertunda (dan data rujukan pilar) / apply pending database migrations (and the pillar reference data)')
    .action(async () => {
      await withDatabase(async (handle) => {
        const before = await appliedMigrationCount(handle);
        await runMigrations(handle);
        // reference data the schema is not usable without (the server seeds it at start too)
        await ensurePillars(handle);
        const after = await appliedMigrationCount(handle);
        say(`migrasi / migrations: ${before} → ${after} (dari / of ${shippedMigrationCount()})`);
      });
    });
}
