import type { Command } from 'commander';
import { sealAuditLog, verifyAuditLog } from '../db/repositories/audit.js';
import { say, withDatabase } from './shared.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Log audit / audit log');

  audit
    .command('verify')
    .description('Segel entri yang siap lalu periksa rantai hash; kode keluar 1 bila rusak / seal what is ready, verify the hash chains; exit 1 if broken')
    .option('--json', 'hasil sebagai JSON di stdout / print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await withDatabase(
        async (handle) => {
          const sealed = await sealAuditLog(handle);
          return { newlySealed: sealed, ...(await verifyAuditLog(handle)) };
        },
        { requireSchema: true },
      );
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      say(`baru disegel / newly sealed: ${result.newlySealed}`);
      say(`rantai / chains: ${result.chains}, tersegel / sealed: ${result.sealed}, belum disegel / unsealed: ${result.unsealed}`);
      for (const p of result.problems) {
        say(`RUSAK / BROKEN: provinsi ${p.provinceCode}, posisi / position ${p.chainSeq} (id ${p.id}): ${p.problem}`);
      }
      if (!result.ok) {
        say('Log audit TIDAK utuh: ada entri yang diubah atau dihapus. / The audit log is NOT intact.');
        process.exitCode = 1;
      } else {
        say('Log audit utuh. / The audit log is intact.');
      }
    });
}
