import { describe, expect, it } from 'vitest';
import { newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();


describe('Wilayah (region browser)', () => {
  it('drills down 33 → 33.10 → Bayat with breadcrumbs, counts and time zone, and finds "bayat"', async () => {
    const context = await newContext(env.browser, env.server.url);
    const page = await context.newPage();
    await signIn(page, 'desk.jateng', DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Wilayah' }).click();
    await page.getByRole('link', { name: 'Jawa Tengah' }).click();
    await page.waitForURL('**/wilayah/33');
    await page.getByRole('heading', { level: 2, name: 'Jawa Tengah' }).waitFor();
    expect(await page.locator('.region-head .counts').innerText()).toMatch(/kabupaten\/kota\s+35\s+kecamatan\s+576\s+desa\/kelurahan\s+8\.563/);

    await page.getByRole('link', { name: 'Kabupaten Klaten' }).click();
    await page.waitForURL('**/wilayah/33.10');
    await page.getByRole('heading', { level: 2, name: 'Kabupaten Klaten' }).waitFor();
    await expect.poll(() => page.locator('table.table-regions tbody tr').count(), { timeout: 15_000 }).toBe(26);

    await page.locator('table.table-regions').getByRole('link', { name: 'Bayat', exact: true }).click();
    await page.waitForURL('**/wilayah/33.10.04');
    await page.getByRole('heading', { level: 2, name: 'Bayat' }).waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Jejak lokasi' });
    expect(await crumbs.getByRole('listitem').allInnerTexts()).toEqual(['Indonesia', 'Jawa Tengah', 'Kabupaten Klaten', 'Bayat']);
    expect(await page.locator('.region-tz').innerText()).toContain('WIB');
    await expect.poll(() => page.locator('table.table-regions tbody tr').count(), { timeout: 15_000 }).toBe(18);
    await screenshot(page, 'region-browser');

    // the breadcrumb leads back up
    await crumbs.getByRole('link', { name: 'Kabupaten Klaten' }).click();
    await page.waitForURL('**/wilayah/33.10');

    // search by name (debounced), then open the hit
    await page.getByLabel('Cari wilayah (nama atau kode)').fill('bayat');
    await page.getByRole('heading', { name: 'Hasil pencarian "bayat"' }).waitFor();
    const hit = page.locator('.result-link', { hasText: '33.10.04' });
    await hit.waitFor();
    expect(await hit.innerText()).toContain('Bayat');
    await hit.click();
    await page.waitForURL('**/wilayah/33.10.04');
    // and by code
    await page.getByLabel('Cari wilayah (nama atau kode)').fill('33.10.04.20');
    await page.getByRole('heading', { name: 'Hasil pencarian "33.10.04.20"' }).waitFor();
    await expect.poll(() => page.locator('.result-link').count()).toBeGreaterThan(5);
    await context.close();
  });

  it('keeps a district user (camat.bayat) inside Bayat', async () => {
    const context = await newContext(env.browser, env.server.url);
    const page = await context.newPage();
    await signIn(page, 'camat.bayat', DEMO_PASSWORD);
    await page.goto('/wilayah/33.10.05');
    const message = page.getByTestId('out-of-scope');
    await message.waitFor();
    expect(await message.innerText()).toContain('Wilayah ini di luar cakupan akun Anda.');

    // the regency is shown for navigation only, with Bayat as its one visible child
    await page.goto('/wilayah/33.10');
    await page.getByRole('heading', { level: 2, name: 'Kabupaten Klaten' }).waitFor();
    expect(await page.locator('.region-head').innerText()).toContain('hanya untuk navigasi');
    expect(await page.locator('table.table-regions tbody tr').allInnerTexts()).toEqual([expect.stringContaining('Bayat')]);

    // search does not leak other districts
    await page.getByLabel('Cari wilayah (nama atau kode)').fill('cawas');
    await page.getByText('Tidak ada wilayah yang cocok.').waitFor();
    await context.close();
  });
});
