import type { Command } from 'commander';
import { applyPendingRiskDeltas, rebuildRiskIndex } from '../services/risk.service.js';
import { CliError, say, withDatabase } from './shared.js';

/** `sinergi index …`: the vulnerability index (docs/vulnerability-index.md). */
export function registerIndexCommands(program: Command): void {
  const index = program.command('index').description('Indeks kerawanan / vulnerability index');

  index
    .command('rebuild')
    .description('Hitung ulang seluruh indeks dari laporan / recompute every region’s index from the reports')
    .option('--as-of <ISO>', 'saat acuan (ISO 8601), bawaan sekarang / the as-of instant (ISO 8601), default now')
    .option('--json', 'hasil sebagai JSON di stdout / print the result as JSON')
    .action(async (options: { asOf?: string; json?: boolean }) => {
      const asOfMs = options.asOf === undefined ? Date.now() : Date.parse(options.asOf);
      if (!Number.isFinite(asOfMs) || (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(options.asOf))) {
        throw new CliError(`--as-of harus berupa waktu ISO 8601, mis. 2024-11-27T10:00:00+07:00 / --as-of must be an ISO 8601 instant: ${options.asOf}`);
      }
      const result = await withDatabase(
        async (handle) => {
          let last = 0;
          const rebuilt = await rebuildRiskIndex({ handle }, asOfMs, (n) => {
            if (n - last >= 100_000) {
              say(`laporan dibaca / reports read: ${n.toLocaleString('id-ID')}`);
              last = n;
            }
          });
          // changes committed while the rebuild ran are still queued: apply them now
          const after = await applyPendingRiskDeltas({ handle }, Math.max(asOfMs, Date.now()));
          return { ...rebuilt, appliedAfter: after.applied };
        },
        { requireSchema: true },
      );
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      say(`laporan / reports: ${result.reports.toLocaleString('id-ID')}, wilayah / regions: ${result.regions.toLocaleString('id-ID')}, konfigurasi / configuration v${result.configVersion}, per / as of ${result.asOf}`);
    });
}
