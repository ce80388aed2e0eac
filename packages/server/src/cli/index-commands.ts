import fs from 'node:fs';
import type { Command } from 'commander';
import { alertHooks } from '../services/alerts.service.js';
import { loadRegionStore } from '../services/bootstrap.service.js';
import { systemContext } from '../services/context.js';
import { ElectionStore } from '../services/elections.service.js';
import { addIndexConfigVersion, loadIndexConfigs, rebuildRiskIndex } from '../services/risk.service.js';
import { CliError, assertReadableFile, say, withDatabase } from './shared.js';

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
          // changes committed while this runs stay queued; the server's index job applies them
          // (and rebuilds again if the configuration in force now differs from the as-of one).
          // Queued changes this rebuild drops still get their severity-4 alerts (alertHooks).
          const elections = new ElectionStore(handle);
          await elections.reload();
          const hooks = alertHooks({ regions: await loadRegionStore(handle), elections });
          return rebuildRiskIndex({ handle, hooks }, asOfMs, (n) => {
            if (n - last >= 100_000) {
              say(`laporan dibaca / reports read: ${n.toLocaleString('id-ID')}`);
              last = n;
            }
          });
        },
        { requireSchema: true },
      );
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      say(`laporan / reports: ${result.reports.toLocaleString('id-ID')}, wilayah / regions: ${result.regions.toLocaleString('id-ID')}, konfigurasi / configuration v${result.configVersion}, per / as of ${result.asOf}`);
    });

  const config = index.command('config').description('Versi konfigurasi indeks / index configuration versions');

  config
    .command('list')
    .description('Daftar versi konfigurasi (JSON) / list configuration versions (JSON)')
    .action(async () => {
      const configs = await withDatabase((handle) => loadIndexConfigs(handle.db), { requireSchema: true });
      process.stdout.write(`${JSON.stringify(configs, null, 2)}\n`);
    });

  config
    .command('add')
    .argument('<file>', 'berkas JSON konfigurasi (ZIndexConfig tanpa version) / a JSON configuration file (ZIndexConfig without version)')
    .description('Catat versi konfigurasi baru; indeks dihitung ulang saat berlaku / record a new configuration version; the index is rebuilt when it takes effect')
    .action(async (file: string) => {
      let input: unknown;
      try {
        input = JSON.parse(fs.readFileSync(assertReadableFile(file), 'utf8'));
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(`${file}: bukan JSON yang sah / not valid JSON: ${(error as Error).message}`);
      }
      if (input && typeof input === 'object') delete (input as { version?: unknown }).version;
      const added = await withDatabase((handle) => addIndexConfigVersion({ handle }, systemContext(), input), { requireSchema: true });
      say(`versi konfigurasi / configuration version ${added.version}, berlaku / in force from ${added.effectiveFrom}`);
    });
}
