import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();


async function adminPage(): Promise<Page> {
  const context = await newContext(env.browser, env.server.url);
  const page = await context.newPage();
  await signIn(page, 'admin', env.server.adminPassword);
  return page;
}

async function searchUsers(page: Page, q: string): Promise<void> {
  await page.goto('/pengguna');
  await page.getByLabel('Cari', { exact: true }).fill(q);
  // the list reloads after the debounce; the status line names what is shown
  await page.waitForResponse((r) => r.url().includes('/api/users?') && r.url().includes(`q=${encodeURIComponent(q)}`));
  await page.locator('p[role=status]').first().waitFor();
}

const HEADER = 'username,fullName,role,pillarCode,position,phone,email,scopes';

describe('Pengguna (user administration)', () => {
  it('creates a user with a one-time code that the officer redeems to sign in', async () => {
    const page = await adminPage();
    await page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Pengguna' }).click();
    await page.getByRole('link', { name: 'Tambah pengguna' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tambah pengguna' }).waitFor();

    await page.getByLabel('Nama pengguna').fill('Bhabin Uji!');
    await page.getByLabel('Nama lengkap').fill('Bripka Uji Coba');
    await page.getByLabel('Peran').selectOption('field_officer');
    await page.getByLabel('Pilar/instansi').selectOption('polri');
    await page.getByLabel('Jabatan').fill('Bhabinkamtibmas');
    const picker = page.getByRole('combobox', { name: 'Wilayah cakupan' });
    await picker.fill('Bayat');
    await page.getByRole('option', { name: /^Bayat\s*Kecamatan · 33\.10\.04$/ }).click();
    expect(await page.locator('.chip').allInnerTexts()).toEqual([expect.stringContaining('33.10.04')]);

    // the server's field error appears next to the username field
    await page.getByRole('button', { name: 'Buat akun' }).click();
    const usernameField = page.locator('.field-invalid', { hasText: 'Nama pengguna' });
    await usernameField.waitFor();
    expect(await usernameField.locator('.field-error').innerText()).toContain('huruf kecil');
    expect(await page.getByLabel('Nama pengguna').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'user-create-errors');

    await page.getByLabel('Nama pengguna').fill('bhabin.uji');
    await page.getByRole('button', { name: 'Buat akun' }).click();
    await page.getByRole('heading', { level: 1, name: 'Akun dibuat' }).waitFor();
    const code = (await page.getByTestId('one-time-code').innerText()).trim();
    expect(code.length).toBeGreaterThanOrEqual(6);
    await screenshot(page, 'user-created-code');

    // the officer, on their own phone
    const officer = await (await newContext(env.browser, env.server.url, { width: 360, height: 740 })).newPage();
    await officer.goto('/');
    await officer.getByRole('button', { name: 'Masuk pertama kali dengan kode sekali pakai' }).click();
    await officer.getByLabel('Nama pengguna').fill('bhabin.uji');
    await officer.getByLabel('Kode sekali pakai').fill(code);
    await officer.getByLabel(/^Kata sandi baru/).fill('sandi-baru-bayat-1');
    await officer.getByLabel('Ulangi kata sandi baru').fill('sandi-baru-bayat-1');
    await officer.getByRole('button', { name: 'Simpan kata sandi dan masuk' }).click();
    await officer.getByRole('heading', { level: 1, name: 'Beranda' }).waitFor();
    await expect.poll(() => officer.getByText('Selamat datang, Bripka Uji Coba').count()).toBe(1);
    // the code is spent: the new password is what signs in now
    await officer.getByRole('button', { name: /Bripka Uji Coba/ }).click();
    await officer.getByRole('button', { name: 'Keluar' }).click();
    await signIn(officer, 'bhabin.uji', 'sandi-baru-bayat-1');
    await officer.context().close();
    await page.context().close();
  });

  it('imports a CSV: one bad row shows the row error and creates nothing; a good file creates all', async () => {
    const page = await adminPage();
    await page.goto('/pengguna/impor');
    const bad = [
      HEADER,
      'imp.satu,Petugas Impor Satu,field_officer,polri,Bhabinkamtibmas,,,33.10.04.2001',
      'imp.dua,Petugas Impor Dua,kapten,tni,Babinsa,,,33.10.04.2002',
      'imp.tiga,Petugas Impor Tiga,field_officer,pemda,Kepala Desa,,,33.10.04.2003;33.10.04.2004',
    ].join('\n');
    await page.getByLabel('Berkas CSV atau XLSX').setInputFiles({ name: 'pengguna.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Unggah dan impor' }).click();
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    const rows = await errors.locator('tbody tr').allInnerTexts();
    expect(rows).toEqual([expect.stringMatching(/^3\s+role\s+Peran tidak dikenal\./)]);
    expect(await page.getByRole('alert').innerText()).toContain('Tidak ada akun yang dibuat');
    await screenshot(page, 'user-import-errors');

    await searchUsers(page, 'imp.');
    await expect.poll(() => page.getByText('Tidak ada pengguna yang cocok.').count()).toBe(1);

    await page.goto('/pengguna/impor');
    const good = bad.replace(',kapten,', ',field_officer,');
    await page.getByLabel('Berkas CSV atau XLSX').setInputFiles({ name: 'pengguna.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Unggah dan impor' }).click();
    await page.getByText('3 akun dibuat.').waitFor();
    const created = await page.getByTestId('import-result').locator('tbody tr').allInnerTexts();
    expect(created.map((r) => r.split('\t')[0])).toEqual(['imp.satu', 'imp.dua', 'imp.tiga']);
    expect(created.every((r) => (r.split('\t')[1] ?? '').trim().length >= 6)).toBe(true);

    await searchUsers(page, 'imp.');
    await expect.poll(() => page.locator('table.table-users tbody tr').count()).toBe(3);
    await page.context().close();
  });

  it('edits a profile and moves the scope (mutasi)', async () => {
    const page = await adminPage();
    await searchUsers(page, 'babinsa.bayat');
    await page.getByRole('link', { name: 'Serda Wahyu (Babinsa)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Serda Wahyu (Babinsa)' }).waitFor();

    await page.getByLabel('Jabatan').fill('Babinsa Koramil Bayat');
    await page.getByRole('button', { name: 'Simpan', exact: true }).click();
    await page.getByText('Profil tersimpan.').waitFor();
    expect(await page.locator('header.card').innerText()).toContain('Babinsa Koramil Bayat');

    const scopes = page.locator('.region-picker', { hasText: 'Wilayah cakupan baru' });
    while ((await scopes.locator('.chip-remove').count()) > 0) await scopes.locator('.chip-remove').first().click();
    await page.getByRole('combobox', { name: 'Wilayah cakupan baru' }).fill('Cawas');
    await page.getByRole('option', { name: /^Cawas\s*Kecamatan/ }).click();
    await page.getByLabel('Alasan').first().fill('Sprin mutasi 12/2024');
    await page.getByRole('button', { name: 'Simpan mutasi' }).click();
    await page.getByText('Mutasi tersimpan. Petugas harus masuk lagi.').waitFor();
    await expect.poll(() => page.locator('header.card .facts-wide').innerText()).toContain('Cawas');
    await screenshot(page, 'user-detail');
    await page.context().close();
  });

  it('disables a user: their open session stops working at once', async () => {
    const officer = await (await newContext(env.browser, env.server.url)).newPage();
    await signIn(officer, 'bhabin.cawas', DEMO_PASSWORD);

    const page = await adminPage();
    await searchUsers(page, 'bhabin.cawas');
    await page.getByRole('link', { name: 'Brigpol Dimas (Bhabinkamtibmas)' }).click();
    await page.getByRole('heading', { level: 2, name: 'Nonaktifkan akun' }).waitFor();
    await page.getByRole('button', { name: 'Nonaktifkan' }).click();
    // a reason is required
    await page.locator('.field-invalid', { hasText: 'Alasan' }).waitFor();
    await page.locator('section', { hasText: 'Nonaktifkan akun' }).getByLabel('Alasan').fill('Ponsel hilang');
    await page.getByRole('button', { name: 'Nonaktifkan' }).click();
    await page.getByText('Akun dinonaktifkan; semua sesinya dihentikan.').waitFor();
    expect(await page.getByTestId('user-status').innerText()).toBe('Nonaktif');

    // the officer's next request is refused and the app returns to the sign-in page
    await officer.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Wilayah' }).click();
    await officer.getByText('Sesi Anda telah berakhir').waitFor();
    await officer.getByLabel('Nama pengguna').fill('bhabin.cawas');
    await officer.getByLabel('Kata sandi').fill(DEMO_PASSWORD);
    await officer.getByRole('button', { name: 'Masuk', exact: true }).click();
    await officer.getByRole('alert').waitFor();
    expect(await officer.getByRole('heading', { name: 'Beranda' }).count()).toBe(0);

    // enabling brings the account back
    await page.getByRole('button', { name: 'Aktifkan akun' }).click();
    await page.getByText('Akun aktif kembali.').waitFor();
    await signIn(officer, 'bhabin.cawas', DEMO_PASSWORD);
    await officer.context().close();
    await page.context().close();
  });

  it('resets a password: the officer gets a new one-time code', async () => {
    const page = await adminPage();
    await searchUsers(page, 'kapolsek.bayat');
    await page.getByRole('link', { name: 'Kapolsek Bayat' }).click();
    await page.getByRole('button', { name: 'Reset kata sandi' }).click();
    await page.getByRole('button', { name: 'Ya, reset' }).click();
    const code = (await page.getByTestId('one-time-code').innerText()).trim();

    const officer = await (await newContext(env.browser, env.server.url)).newPage();
    await officer.goto('/');
    await officer.getByLabel('Nama pengguna').fill('kapolsek.bayat');
    await officer.getByLabel('Kata sandi').fill(DEMO_PASSWORD);
    await officer.getByRole('button', { name: 'Masuk', exact: true }).click();
    await officer.getByRole('alert').waitFor();
    await officer.getByRole('button', { name: 'Masuk pertama kali dengan kode sekali pakai' }).click();
    await officer.getByLabel('Nama pengguna').fill('kapolsek.bayat');
    await officer.getByLabel('Kode sekali pakai').fill(code);
    await officer.getByLabel(/^Kata sandi baru/).fill('kapolsek-baru-2024');
    await officer.getByLabel('Ulangi kata sandi baru').fill('kapolsek-baru-2024');
    await officer.getByRole('button', { name: 'Simpan kata sandi dan masuk' }).click();
    // a district desk lands in the situation room
    await officer.getByRole('heading', { level: 1, name: 'Ruang situasi' }).waitFor();
    await officer.context().close();
    await page.context().close();
  });
});
