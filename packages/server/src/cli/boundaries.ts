import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { loadRegionStore } from '../services/bootstrap.service.js';
import { systemContext } from '../services/context.js';
import { importBoundaries } from '../services/map.service.js';
import { CliError, assertReadableFile, say, withDatabase } from './shared.js';

/** `sinergi boundaries …`: region polygons for the map (idn-area-data has none). */
export function registerBoundariesCommands(program: Command): void {
  const boundaries = program.command('boundaries').description('Batas wilayah untuk peta / region boundaries for the map');

  boundaries
    .command('import')
    .argument('<file>', 'GeoJSON FeatureCollection; tiap fitur membawa kode Kemendagri (properti kode/code/kode_wilayah/KDEPUM) / each feature carries a Kemendagri code')
    .description('Impor batas wilayah dari GeoJSON (semua atau tidak sama sekali) / import region boundaries from GeoJSON (all or nothing)')
    .action(async (file: string) => {
      const text = fs.readFileSync(assertReadableFile(file), 'utf8');
      try {
        const result = await withDatabase(
          async (handle) => {
            const regions = await loadRegionStore(handle);
            return importBoundaries({ handle, regions }, systemContext(), { filename: path.basename(file), text });
          },
          { requireSchema: true },
        );
        say(`batas wilayah diimpor / boundaries imported: ${result.imported.toLocaleString('id-ID')}`);
      } catch (error) {
        if (error instanceof AppError && error.code === 'validation') {
          const rows = (error.options.details?.errors as { row: number; path: string; message: string }[] | undefined) ?? [];
          const lines = rows.map((e) => (e.row === 0 ? `  ${e.message}` : `  fitur / feature ${e.row} ${e.path}: ${e.message}`));
          throw new CliError(`${file}: tidak ada yang diimpor / nothing imported (${rows.length} masalah / problems)\n${lines.join('\n')}`);
        }
        throw error;
      }
    });
}
