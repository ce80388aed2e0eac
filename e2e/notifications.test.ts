import { randomUUID } from 'node:crypto';
import { request as playwrightRequest, type APIRequestContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

async function apiAs(username: string, password = DEMO_PASSWORD): Promise<{ api: APIRequestContext; csrf: string }> {
  const api = await playwrightRequest.newContext({ baseURL: env.server.url });
  const res = await api.post('/api/auth/login', { data: { username, password } });
  expect(res.status()).toBe(200);
  return { api, csrf: ((await res.json()) as { user: { csrfToken: string } }).user.csrfToken };
}

describe('notifications and live updates', () => {
  it('a report filed by a field officer appears in the district desk’s bell without a reload', async () => {
    // start from a clean bell: the demo's own reports notified the desk already
    const desk = await apiAs('panwascam.bayat');
    expect((await desk.api.post('/api/notifications/read', { data: { all: true }, headers: { 'x-csrf-token': desk.csrf } })).status()).toBe(200);

    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 800, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'panwascam.bayat', DEMO_PASSWORD);
    const bell = page.getByRole('button', { name: /^Notifikasi/ });
    await bell.waitFor();
    expect(await bell.getAttribute('aria-label')).toBe('Notifikasi');
    // the page holds its live stream open before the report is filed
    await expect.poll(async () => (await (await desk.api.get('/api/health')).json()).delivery.live).toBe(true);
    await page.waitForTimeout(500);

    const officer = await apiAs('bhabin.bayat');
    const me = (await (await officer.api.get('/api/auth/me')).json()) as { scopes: string[] };
    const title = `Baliho dirusak malam ini ${randomUUID().slice(0, 6)}`;
    const filed = await officer.api.post('/api/reports', {
      headers: { 'x-csrf-token': officer.csrf },
      data: {
        id: randomUUID(),
        category: 'politik_uang',
        severity: 3,
        regionCode: me.scopes[0],
        occurredAt: new Date(Date.now() - 1800_000).toISOString(),
        title,
        description: 'Diuji dari e2e: lonceng notifikasi diperbarui langsung.',
      },
    });
    expect(filed.status()).toBe(201);

    // no reload: the SSE notification event refreshes the count
    await page.getByTestId('bell-count').filter({ hasText: '1' }).waitFor({ timeout: 15_000 });
    expect(await bell.getAttribute('aria-label')).toBe('Notifikasi, 1 belum dibaca');
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifikasi' });
    const item = panel.getByRole('link', { name: new RegExp(`^Laporan baru \\(keparahan 3\\) di .*: ${title}$`) });
    await item.waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'notifications-bell', false);
    await item.click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await expect.poll(async () => page.getByTestId('bell-count').count()).toBe(0);

    await officer.api.dispose();
    await desk.api.dispose();
    await context.close();
  });

  it('an administrator subscribes a webhook (secret shown once) and refused input is explained', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'admin', env.server.adminPassword);
    await page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Webhook' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
    await page.getByRole('button', { name: 'Tambah webhook' }).click();
    await page.getByLabel('Nama penerima').fill('Gateway WhatsApp Klaten');
    await page.getByLabel('Alamat (URL) penerima').fill('ftp://salah.example');
    await page.getByRole('checkbox', { name: 'Laporan baru' }).check();
    await page.getByRole('checkbox', { name: 'Peringatan dini' }).check();
    const region = page.getByRole('combobox', { name: /Wilayah/ });
    await region.fill('Klaten');
    await page.getByRole('option', { name: /· 33\.10$/ }).click();
    await page.getByRole('button', { name: 'Simpan webhook' }).click();
    await page.getByText(/Alamat webhook harus URL http\(s\)/).waitFor();
    await page.getByLabel('Alamat (URL) penerima').fill('https://gateway.example.test/sinergi');
    await page.getByRole('button', { name: 'Simpan webhook' }).click();
    const secret = page.getByTestId('webhook-secret');
    await secret.waitFor();
    expect(await secret.innerText()).toMatch(/^whsec_/);
    const card = page.locator('.webhook-card', { hasText: 'Gateway WhatsApp Klaten' });
    await card.getByText('Peringatan dini, Laporan baru').waitFor();
    await card.getByText('(33.10)').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'webhooks-admin');
    await card.getByRole('button', { name: 'Nonaktifkan' }).click();
    await card.getByText('(nonaktif)').waitFor();
    await context.close();
  });
});
