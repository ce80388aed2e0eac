import type { Command } from 'commander';
import { ensureRegions } from '../services/bootstrap.service.js';
import { createProgress, say, withDatabase } from './shared.js';

export function registerRegionsCommands(program: Command): void {
  const regions = program.command('regions').description('Wilayah Kemendagri / Kemendagri regions');

  regions
    .command('import')
    .description('Impor (ulang) pohon wilayah dari idn-area-data / (re)import the region tree from idn-area-data')
    .action(async () => {
      await withDatabase(
        async (handle) => {
          const bar = createProgress('wilayah / regions');
          let started = false;
          // ensureRegions reports "… done/total" with id-ID digit grouping
          const result = await ensureRegions(
            handle,
            (message) => {
              const match = /([\d.]+)\/([\d.]+)/.exec(message);
              if (!match) return say(message);
              const [done, total] = [match[1]!, match[2]!].map((n) => Number(n.replace(/\./g, '')));
              if (!started) {
                bar.start(total!);
                started = true;
              }
              bar.update(done!);
            },
            true,
          );
          if (started) bar.stop();
          say(`wilayah diimpor / regions imported: ${result.count.toLocaleString('id-ID')}`);
        },
        { requireSchema: true },
      );
    });
}
