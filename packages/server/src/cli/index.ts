import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AppError } from '../errors.js';
import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../db/lock.js';
import { BackupError } from '../services/backup.service.js';
import { ERROR_CODES } from '@sinergi/domain';
import { registerAuditCommands } from './audit.js';
import { registerBackupCommands } from './backup.js';
import { registerBoundariesCommands } from './boundaries.js';
import { registerDbCommands } from './db.js';
import { registerIndexCommands } from './index-commands.js';
import { registerRegionsCommands } from './regions.js';
import { registerUsersCommands } from './users.js';
import { CliError, EXIT_LOCKED, formatFieldErrors } from './shared.js';

/**
 * `sinergi`: operator commands over the same services as the server. A new command group
 * is one file exporting `register…Commands(program)`, added to this list.
 */
const GROUPS: ((program: Command) => void)[] = [
  registerDbCommands,
  registerRegionsCommands,
  registerUsersCommands,
  registerBackupCommands,
  registerAuditCommands,
  registerIndexCommands,
  registerBoundariesCommands,
];

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Every leaf command with its full name, so `sinergi --help` shows `users import <file>` and not just `users`. */
function commandList(program: Command): string {
  const rows: [string, string][] = [];
  const walk = (cmd: Command, prefix: string[]) => {
    for (const sub of cmd.commands) {
      const name = [...prefix, sub.name()];
      if (sub.commands.length > 0) walk(sub, name);
      else {
        const args = sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
        rows.push([[...name, ...args].join(' '), sub.description().split(' / ')[0] ?? '']);
      }
    }
  };
  walk(program, []);
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows.map(([n, d]) => `  sinergi ${n.padEnd(width)}  ${d}`).join('\n');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sinergi')
    .description(
      'Alat baris perintah Sinergi. Konfigurasi dari variabel lingkungan yang sama dengan server (DATABASE_URL, SINERGI_DATA_DIR, …).\n' +
        'Sinergi command-line tool; configured by the same environment variables as the server.',
    )
    .version(packageVersion(), '-V, --version', 'versi / version')
    .helpOption('-h, --help', 'bantuan / help')
    .helpCommand('help [command]', 'bantuan perintah / help for a command')
    .showHelpAfterError();
  for (const register of GROUPS) register(program);
  program.addHelpText(
    'after',
    `\nSemua perintah / all commands:\n${commandList(program)}\n\n` +
      'Kode keluar / exit codes: 0 berhasil / done, 1 gagal / failed, 2 konfigurasi atau direktori data terkunci / configuration or data directory locked.\n' +
      'Panduan / guide: docs/operations.md',
  );
  return program;
}

/** The message an operator needs, for every error a command can end with; returns the exit code. */
function report(error: unknown): number {
  const write = (text: string) => process.stderr.write(`[sinergi] ${text}\n`);
  if (error instanceof CliError) {
    write(error.message);
    return error.exitCode;
  }
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    write(error.message);
    return EXIT_LOCKED;
  }
  if (error instanceof BackupError) {
    write(`${error.message}\nTidak ada yang diubah. / Nothing was changed.`);
    return 1;
  }
  if (error instanceof AppError) {
    const generic = ERROR_CODES[error.code];
    const message = error.options.userMessage ?? { id: generic.id, en: generic.en };
    const fields = error.options.fields?.length ? `\n${formatFieldErrors(error.options.fields)}` : '';
    write(`${message.id} / ${message.en}${fields}`);
    return 1;
  }
  if (error instanceof CommanderError) return error.exitCode;
  write(`gagal / failed: ${(error as Error).stack ?? String(error)}`);
  return 1;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return report(error);
  }
}

// stdout/stderr are synchronous for files and pipes on Linux, so exiting here loses no output
process.exit(await run(process.argv));
