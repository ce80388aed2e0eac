import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS, expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

describe('report taxonomy on /pengaturan', () => {
  it('an administrator adds a subcategory, retires one and relabels a category; the history shows it and /lapor offers it, offline too', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'admin', env.server.adminPassword);
    await page.getByRole('link', { name: 'Pengaturan' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Pengaturan' }).waitFor();
    const section = page.getByRole('region', { name: 'Taksonomi laporan' });
    await section.getByText('Versi 1 berlaku sejak bawaan sistem.').waitFor();

    // Politik uang: a new subcategory, and "Barang / sembako" retired
    const money = section.locator('details[data-category="politik_uang"]');
    await money.locator('summary').click();
    await money.getByRole('button', { name: 'Tambah subkategori — Politik uang' }).click();
    // saving with the new row still empty and its category folded: the browser refuses, the category unfolds
    await money.locator('summary').click();
    expect(await money.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await section.getByRole('button', { name: 'Simpan taksonomi sebagai versi baru' }).click();
    await expect.poll(() => money.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await section.getByText(/^Versi 1 berlaku/).count()).toBe(1);
    await money.getByLabel('Kode — Politik uang, Subkategori 6').fill('voucher_digital');
    await money.getByLabel('Label (Bahasa Indonesia) — Politik uang: voucher_digital').fill('Voucher / saldo digital');
    await money.getByLabel('Label (Inggris) — Politik uang: voucher_digital').fill('Digital voucher / e-wallet credit');
    await money.getByRole('button', { name: 'Nonaktifkan — barang' }).click();
    await money.getByRole('button', { name: 'Aktifkan lagi — barang' }).waitFor();

    // Hoaks: a new label
    const hoax = section.locator('details[data-category="hoaks"]');
    await hoax.locator('summary').click();
    const hoaxLabel = hoax.getByLabel('Label (Bahasa Indonesia)', { exact: true });
    expect(await hoaxLabel.inputValue()).toBe('Hoaks / disinformasi');
    await hoaxLabel.fill('Hoaks / berita bohong');

    await section.getByLabel('Catatan perubahan (opsional)').fill('Voucher digital marak menjelang pemungutan suara');
    await expectNoSeriousAxeViolations(page);
    await section.getByRole('button', { name: 'Simpan taksonomi sebagai versi baru' }).click();
    await section.getByText('Taksonomi tersimpan sebagai versi 2; formulir laporan memakainya sekarang.').waitFor();
    await section.getByText(/^Versi 2 berlaku sejak /).waitFor();

    const history = page.getByTestId('config-history');
    await expect.poll(() => history.innerText()).toContain('categories.hoaks.label.id: "Hoaks / disinformasi" → "Hoaks / berita bohong"');
    const text = await history.innerText();
    expect(text).toContain('Taksonomi laporan');
    expect(text).toContain('categories.politik_uang.subcategories.voucher_digital: – → {"code":"voucher_digital"');
    expect(text).toContain('categories.politik_uang.subcategories.barang.retired: false → true');

    // the editor now holds the saved version, both categories still unfolded
    const saved = money.getByLabel('Label (Bahasa Indonesia) — Politik uang: voucher_digital');
    await saved.waitFor({ state: 'visible' });
    expect(await saved.inputValue()).toBe('Voucher / saldo digital');
    expect(await money.getByLabel('Kode — Politik uang, Subkategori 6').count()).toBe(0);
    expect(await hoax.getByLabel('Label (Bahasa Indonesia)', { exact: true }).isVisible()).toBe(true);
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'config-taxonomy');
    // the section alone, at full resolution, to judge the editor's layout
    await money.scrollIntoViewIfNeeded();
    await money.screenshot({ path: path.join(SCREENSHOTS, 'config-taxonomy-category.png') });
    await context.close();

    // the field officer's form offers the new subcategory and hides the retired one
    const phone = await newContext(env.browser, env.server.url, { width: 360, height: 780 });
    const field = await phone.newPage();
    await signIn(field, 'bhabin.bayat', DEMO_PASSWORD);
    await field.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await field.goto('/lapor');
    await field.getByRole('heading', { level: 1, name: 'Lapor kejadian' }).waitFor();
    const offered = async () => {
      await field.getByRole('radio', { name: 'Hoaks / berita bohong' }).waitFor();
      await field.getByRole('radio', { name: 'Politik uang' }).check();
      return field.getByLabel('Subkategori').locator('option').allInnerTexts();
    };
    let options = await offered();
    expect(options).toContain('Voucher / saldo digital');
    expect(options).not.toContain('Barang / sembako');
    expect(options).toContain('Uang tunai / amplop');

    // no signal: the app shell and the last taxonomy the server gave still offer it
    await phone.setOffline(true);
    await field.goto('/lapor');
    await field.getByRole('heading', { level: 1, name: 'Lapor kejadian' }).waitFor();
    options = await offered();
    expect(options).toContain('Voucher / saldo digital');
    expect(options).not.toContain('Barang / sembako');
    await phone.setOffline(false);

    // and the server accepts a report with it
    await field.getByLabel('Subkategori').selectOption({ label: 'Voucher / saldo digital' });
    await field.getByRole('radio', { name: /^2 · Ringan/ }).check();
    await field.getByRole('group', { name: /Desa\/kelurahan/ }).getByRole('radio').first().check();
    await field.getByLabel('Judul singkat').fill('Saldo e-wallet dikirim ke warga');
    await field.getByRole('button', { name: 'Kirim laporan' }).click();
    await field.getByText('Laporan diterima. Kode tanda terima:').waitFor({ timeout: 30_000 });
    await phone.close();
  });
});
