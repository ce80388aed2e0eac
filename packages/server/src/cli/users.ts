import fs from 'node:fs';
import path from 'node:path';
import { ROLES, ZUserCreate } from '@sinergi/domain';
import type { Command } from 'commander';
import type { DbHandle } from '../db/client.js';
import { findUserByUsername } from '../db/repositories/users.js';
import type { RegionStore } from '../regions/region-store.js';
import { loadRegionStore } from '../services/bootstrap.service.js';
import { systemContext } from '../services/context.js';
import { readTable } from '../services/tables.js';
import { createUser, createUsers, parseUserRows, resetUserPassword } from '../services/users.service.js';
import { CliError, assertReadableFile, createProgress, formatFieldErrors, say, withDatabase } from './shared.js';

/** Scopes are checked against the region tree: without it every scope would be "unknown". */
async function loadRegionsOrFail(handle: DbHandle): Promise<RegionStore> {
  const regions = await loadRegionStore(handle);
  if (regions.countByLevel().province === 0) {
    throw new CliError('Wilayah belum diimpor. Jalankan dulu: npx sinergi regions import / Regions are not imported yet; run: npx sinergi regions import');
  }
  return regions;
}

interface CreateOptions {
  username: string;
  fullName: string;
  role: string;
  scopes: string;
  pillar?: string;
  position?: string;
  phone?: string;
  email?: string;
  password?: string;
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('Pengguna / user accounts');

  users
    .command('create')
    .description('Buat satu pengguna; tanpa --password keluar kode sekali pakai / create one user; without --password prints a one-time code')
    .requiredOption('--username <username>', 'nama pengguna / username (huruf kecil, angka, . _ -)')
    .requiredOption('--full-name <name>', 'nama lengkap / full name')
    .requiredOption('--role <role>', `peran / role: ${ROLES.join(', ')}`)
    .requiredOption('--scopes <codes>', 'kode wilayah cakupan, dipisah koma, "*" = nasional / scope region codes, comma-separated (e.g. 33.10,33.10.04)')
    .option('--pillar <code>', 'pilar/instansi / pillar or agency (e.g. polri)')
    .option('--position <text>', 'jabatan / position (e.g. Bhabinkamtibmas)')
    .option('--phone <text>', 'telepon / phone')
    .option('--email <address>', 'surel / e-mail')
    .option('--password <password>', 'kata sandi (≥10); lebih aman tanpa ini: kode sekali pakai / password (≥10); safer without: one-time code')
    .action(async (options: CreateOptions) => {
      const parsed = ZUserCreate.safeParse({
        username: options.username,
        fullName: options.fullName,
        role: options.role,
        scopes: options.scopes.split(/[\s,;]+/).filter(Boolean),
        pillarCode: options.pillar,
        position: options.position,
        phone: options.phone,
        email: options.email,
        password: options.password,
      });
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'input', message: i.message }));
        throw new CliError(`Data pengguna tidak valid / invalid user:\n${formatFieldErrors(fields)}`);
      }
      await withDatabase(
        async (handle) => {
          const regions = await loadRegionsOrFail(handle);
          const { user, oneTimeCode } = await createUser({ handle, regions }, systemContext(), parsed.data);
          say(`pengguna dibuat / user created: ${user.username} (${user.role}, ${user.scopes.join(', ')})`);
          if (oneTimeCode) {
            say('Kode sekali pakai (berlaku 72 jam; berikan kepada petugas, dipakai saat masuk pertama): / One-time code (72 h; for the first sign-in):');
            process.stdout.write(`${oneTimeCode}\n`);
          }
        },
        { requireSchema: true },
      );
    });

  users
    .command('import')
    .argument('<file>', 'berkas CSV atau XLSX / CSV or XLSX file')
    .description('Buat banyak pengguna dari CSV/XLSX; semua atau tidak sama sekali / bulk-create users from CSV/XLSX, all rows or none')
    .option('--codes <file>', 'tulis kode sekali pakai ke berkas CSV ini (bukan ke layar) / write the one-time codes to this CSV file instead of stdout')
    .addHelpText(
      'after',
      '\nKolom / columns: username, fullName (atau nama), role (atau peran), scopes (dipisah ; atau spasi), pillar, position (jabatan), phone, email, password',
    )
    .action(async (file: string, options: { codes?: string }) => {
      const full = assertReadableFile(file);
      if (options.codes && fs.existsSync(options.codes)) {
        throw new CliError(`Berkas kode sudah ada, tidak ditimpa: ${path.resolve(options.codes)} / The codes file exists; not overwritten.`);
      }
      const steps = createProgress('impor pengguna / user import');
      steps.start(3);
      const rows = await readTable(full, fs.readFileSync(full));
      if (rows.length === 0) throw new CliError('Berkas tidak berisi baris data. / The file has no data rows.');
      steps.update(1, `${rows.length} baris dibaca / rows read`);
      const { inputs, errors } = parseUserRows(rows, 'id');
      if (errors.length > 0) {
        steps.stop();
        throw new CliError(`${errors.length} masalah; tidak ada pengguna yang dibuat / ${errors.length} problems; nobody was created:\n${formatFieldErrors(errors)}`);
      }
      await withDatabase(
        async (handle) => {
          const regions = await loadRegionsOrFail(handle);
          steps.update(2, `membuat ${inputs.length} pengguna / creating users`);
          const created = await createUsers({ handle, regions }, systemContext(), inputs, (i) => `row ${i + 2}.`);
          steps.update(3, 'selesai / done');
          steps.stop();
          const csv = ['username,oneTimeCode', ...created.map((c) => `${c.user.username},${c.oneTimeCode ?? ''}`)].join('\n') + '\n';
          if (options.codes) {
            fs.writeFileSync(options.codes, csv, { mode: 0o600, flag: 'wx' });
            say(`kode sekali pakai ditulis ke / one-time codes written to ${path.resolve(options.codes)}`);
          } else {
            process.stdout.write(csv);
          }
          say(`${created.length} pengguna dibuat / users created`);
        },
        { requireSchema: true },
      );
    });

  users
    .command('reset-password')
    .argument('<username>', 'nama pengguna / username')
    .description('Atur ulang kata sandi: keluar kode sekali pakai, sesi lama dicabut / reset a password: prints a one-time code, signs the user out')
    .action(async (username: string) => {
      await withDatabase(
        async (handle) => {
          const user = await findUserByUsername(handle.db, username);
          if (!user) throw new CliError(`Pengguna tidak ditemukan: ${username} / No such user.`);
          const regions = await loadRegionsOrFail(handle);
          const { code, expiresAt } = await resetUserPassword({ handle, regions }, systemContext(), user.id);
          say(`Kata sandi ${username} diatur ulang. Masuk dengan kode sekali pakai ini (berlaku sampai ${expiresAt}) lalu buat kata sandi baru:`);
          say(`Password of ${username} reset. Sign in with this one-time code (valid until ${expiresAt}) and choose a new password:`);
          process.stdout.write(`${code}\n`);
        },
        { requireSchema: true },
      );
    });
}
