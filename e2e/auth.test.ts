import { describe, expect, it } from 'vitest';
import { newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();


describe('sign-in', () => {
  it('shows the Indonesian error for a wrong password and lands a desk in the situation room with the right one', async () => {
    const context = await newContext(env.browser, env.server.url);
    const page = await context.newPage();
    await page.goto('/');
    await expect.poll(() => page.locator('.demo-badge').textContent()).toBe('DATA DEMO');
    await page.getByLabel('Nama pengguna').fill('kesbangpol.klaten');
    await page.getByLabel('Kata sandi').fill('salah-sekali-123');
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Nama pengguna atau kata sandi salah.');
    await screenshot(page, 'login-error');

    await page.getByLabel('Kata sandi').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Ruang situasi' }).waitFor();
    await expect.poll(() => page.locator('.page-head .lead').textContent()).toContain('Kabupaten Klaten');
    // the region page carries the API's counts for Kabupaten Klaten, in Indonesian number format
    await page.goto('/wilayah/33.10');
    const card = page.locator('.region-head', { hasText: 'Kabupaten Klaten' });
    await card.waitFor();
    expect(await card.locator('.counts').innerText()).toMatch(/kecamatan\s+26\s+desa\/kelurahan\s+401/);
    expect(await page.locator('.demo-badge').first().textContent()).toBe('DATA DEMO');
    // a desk without users.manage does not see Pengguna
    const nav = page.getByRole('navigation', { name: 'Navigasi utama' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Beranda', 'Laporan', 'Kejadian', 'Peringatan', 'Lapsit', 'Peta', 'Wilayah']);
    await context.close();
  });

  it('switches to English before and after signing in', async () => {
    const context = await newContext(env.browser, env.server.url);
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // the API answers in the chosen language too
    await page.getByLabel('Username').fill('polres.klaten');
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password.');

    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Situation room' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Home', 'Reports', 'Incidents', 'Alerts', 'Sitrep', 'Map', 'Regions']);
    expect(await page.locator('.demo-badge').first().textContent()).toBe('DEMO DATA');

    // back to Indonesian from the account menu; the choice survives a reload
    await page.getByRole('button', { name: /Ruang Operasi Polres Klaten/ }).click();
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ruang situasi' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Ruang situasi' }).waitFor();
    await context.close();
  });

  it('signs out, and a deep link asks for sign-in then opens the page', async () => {
    const context = await newContext(env.browser, env.server.url);
    const page = await context.newPage();
    await signIn(page, 'bupati.klaten', DEMO_PASSWORD);
    await page.getByRole('button', { name: /Bupati Klaten/ }).click();
    const panel = page.locator('.account-panel');
    expect(await panel.innerText()).toContain('Pemantau (hanya baca)');
    // the scope's name arrives with the region lookup: wait for it
    await expect.poll(() => panel.innerText()).toContain('Kabupaten Klaten (33.10)');
    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.getByText('Anda sudah keluar.').waitFor();

    await page.goto('/wilayah/33.10.04');
    await page.getByLabel('Nama pengguna').fill('bupati.klaten');
    await page.getByLabel('Kata sandi').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Bayat' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/wilayah/33.10.04');
    // an observer has no user administration: no nav entry, and the URL is not a page
    await page.goto('/pengguna');
    await page.getByRole('heading', { name: 'Halaman tidak ditemukan' }).waitFor();
    await context.close();
  });
});
