import { request as playwrightRequest } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();
const TOKEN = `pub${Date.now().toString(36)}`;
const TITLE = `Ada bagi-bagi sembako atas nama calon ${TOKEN}`;

describe('the public channel: a citizen reports without an account and follows the receipt code', () => {
  let receipt = '';

  it('(a) reports on a 360 px phone: village search, proof of work, receipt code; the desk sees it as a new public report', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 360, height: 780, bypassCSP: true });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Warga? Lapor tanpa akun' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lapor gangguan pemilu' }).waitFor();
    await page.getByRole('radio', { name: 'Politik uang' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    // nothing filled in: the form says what is missing and sends nothing
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/public/reports')) posts += 1;
    });
    await page.getByRole('button', { name: 'Kirim laporan' }).click();
    await page.getByText('Pilih kategori.').waitFor();
    await page.getByText('Pilih desa/kelurahan.').waitFor();
    expect(posts).toBe(0);

    await page.getByRole('radio', { name: 'Politik uang' }).check();
    await page.getByRole('combobox', { name: 'Desa/kelurahan' }).fill('Jambakan');
    await page.getByRole('option', { name: /Jambakan/ }).click();
    await page.getByLabel('Judul singkat').fill(TITLE);
    await page.getByLabel('Keterangan').fill('Sore tadi di depan masjid, dibagikan oleh tim sukses.');
    await page.getByLabel('Nomor HP').fill('0812 3456 7890');
    await page.getByRole('button', { name: 'Kirim laporan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Laporan diterima' }).waitFor({ timeout: 60_000 });
    receipt = (await page.locator('.receipt-big').innerText()).trim();
    expect(receipt).toMatch(/^SNG-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(posts).toBe(1);
    await screenshot(page, 'public-receipt', false);

    await page.getByRole('main').getByRole('link', { name: 'Cek status' }).click();
    await page.getByRole('region', { name: 'Status laporan' }).getByText('Baru').waitFor();
    await screenshot(page, 'public-status', false);
    await context.close();

    // the Panwascam of Bayat sees it as a new public report in the village; the citizen's number stays hidden from readers
    const api = await playwrightRequest.newContext({ baseURL: env.server.url });
    expect((await api.post('/api/auth/login', { data: { username: 'panwascam.bayat', password: DEMO_PASSWORD } })).status()).toBe(200);
    const list = (await (await api.get(`/api/reports?q=${encodeURIComponent(TOKEN)}`)).json()) as {
      items: { id: string; status: string; source: string; regionCode: string; category: string }[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ status: 'new', source: 'public', regionCode: '33.10.04.2002', category: 'politik_uang' });
    // the verifying desk may call the citizen back; a reader without that permission (the Bupati's observer account) may not
    const id = list.items[0]!.id;
    expect(((await (await api.get(`/api/reports/${id}`)).json()) as { publicContact?: { phone?: string } }).publicContact?.phone).toBe('0812 3456 7890');
    await api.dispose();
    const observer = await playwrightRequest.newContext({ baseURL: env.server.url });
    expect((await observer.post('/api/auth/login', { data: { username: 'bupati.klaten', password: DEMO_PASSWORD } })).status()).toBe(200);
    const seen = await observer.get(`/api/reports/${id}`);
    expect(seen.status()).toBe(200);
    expect(await seen.text()).not.toContain('3456');
    await observer.dispose();
  });

  it('(b) the status page answers an unknown code with a clear message, and the English page reads in English', async () => {
    expect(receipt).not.toBe('');
    const context = await newContext(env.browser, env.server.url, { width: 360, height: 780, bypassCSP: true });
    const page = await context.newPage();
    await page.goto('/publik/status');
    await page.getByLabel('Kode tanda terima').fill('SNG-0000-0000');
    await page.getByRole('button', { name: 'Cek status' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/tidak ditemukan|tidak ada/i);
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Receipt code').fill(receipt.toLowerCase());
    await page.getByRole('button', { name: 'Check status' }).click();
    await page.getByRole('region', { name: 'Report status' }).getByText('Waiting for an officer to verify it', { exact: false }).waitFor();
    await context.close();
  });
});
