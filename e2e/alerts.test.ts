import { randomUUID } from 'node:crypto';
import { request as playwrightRequest } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

describe('early-warning alerts in the web app', () => {
  it('lists the alerts (Peringatan), opens the one a critical officer report raised, acknowledges it; CAP says Exercise for the demo', async () => {
    // a Bhabinkamtibmas files a severity-4 report through the API; the index job raises the alert within a second or so
    const api = await playwrightRequest.newContext({ baseURL: env.server.url });
    const login = await api.post('/api/auth/login', { data: { username: 'bhabin.bayat', password: DEMO_PASSWORD } });
    expect(login.status()).toBe(200);
    const { user, token } = (await login.json()) as { user: { csrfToken: string; scopes: string[] }; token: string };
    const id = randomUUID();
    const filed = await api.post('/api/reports', {
      headers: { 'x-csrf-token': user.csrfToken },
      data: {
        id,
        category: 'intimidasi_kekerasan',
        severity: 4,
        regionCode: user.scopes[0],
        occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
        title: 'Saksi diancam sekelompok orang (uji e2e)',
        description: 'Saksi pasangan calon diancam agar tidak datang ke TPS.',
      },
    });
    expect(filed.status(), await filed.text()).toBe(201);
    let alertId = '';
    await expect
      .poll(
        async () => {
          const res = await api.get('/api/alerts?kind=severity4', { headers: { authorization: `Bearer ${token}` } });
          const items = ((await res.json()) as { items: { id: string; reportIds: string[] }[] }).items;
          alertId = items.find((a) => a.reportIds.includes(id))?.id ?? '';
          return alertId;
        },
        { timeout: 20_000, interval: 250 },
      )
      .not.toBe('');
    await api.dispose();

    const context = await newContext(env.browser, env.server.url, { width: 1366, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Peringatan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Peringatan dini' }).waitFor();
    const card = page.locator('.alert-card', { has: page.locator(`a[href="/peringatan/${alertId}"]`) });
    await card.waitFor();
    expect(await card.innerText()).toContain('Laporan kritis');
    expect(await card.innerText()).toContain('DEMO / LATIHAN'); // the demo's Pilkada is simulated
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'alerts-list');

    // filters live in the URL: the region filter keeps Bayat's alert and drops the demo's Cawas spike
    await page.getByRole('combobox', { name: 'Wilayah' }).fill('Bayat');
    await page.getByRole('option', { name: /^Bayat/ }).first().click();
    await page.waitForURL(/region=33\.10\.04/);
    await card.waitFor();
    await expect.poll(() => page.locator('.alert-card', { hasText: 'Cawas' }).count()).toBe(0);
    await page.reload();
    await card.waitFor();
    await page.goto('/peringatan');
    await card.waitFor();

    await card.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^Laporan kritis: / }).waitFor();
    // the report behind it is linked, and the CAP message is offered
    await page.getByRole('link', { name: 'Saksi diancam sekelompok orang (uji e2e)' }).waitFor();
    const capHref = await page.getByTestId('cap-link').getAttribute('href');
    expect(capHref).toBe(`/api/alerts/${alertId}/cap`);
    const cap = await page.request.get(`${env.server.url}${capHref}`);
    expect(cap.headers()['content-type']).toMatch(/^application\/cap\+xml/);
    expect(await cap.text()).toContain('<status>Exercise</status>');

    await page.getByRole('button', { name: 'Akui', exact: true }).click();
    await page.getByLabel('Catatan (opsional)').fill('Diterima oleh piket Kesbangpol.');
    await page.locator('form').getByRole('button', { name: 'Akui', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Tersimpan: Akui.' }).waitFor();
    expect(await page.locator('.page-head .badges').innerText()).toContain('Diakui');
    const timeline = page.getByRole('region', { name: 'Riwayat' });
    await expect.poll(() => timeline.innerText()).toContain('Diterima oleh piket Kesbangpol.');
    expect(await timeline.innerText()).toContain('Terbuka → Diakui');
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'alert-page');

    // another desk acts while this page is open: closing with the old version answers 409, the page says who changed it
    await page.getByRole('button', { name: 'Tutup', exact: true }).click();
    await page.getByLabel('Catatan (opsional)').fill('Selesai.');
    const other = await playwrightRequest.newContext({ baseURL: env.server.url });
    const otherLogin = await other.post('/api/auth/login', { data: { username: 'panwascam.bayat', password: DEMO_PASSWORD } });
    const otherCsrf = ((await otherLogin.json()) as { user: { csrfToken: string } }).user.csrfToken;
    const current = (await (await other.get(`/api/alerts/${alertId}`)).json()) as { version: number };
    const acted = await other.post(`/api/alerts/${alertId}/actions`, { headers: { 'x-csrf-token': otherCsrf }, data: { action: 'act', version: current.version, comment: 'Panwascam menemui saksi.' } });
    expect(acted.status()).toBe(200);
    await other.dispose();
    await page.locator('form').getByRole('button', { name: 'Tutup', exact: true }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('Panwascam Bayat');
    expect(await page.locator('.page-head .badges').innerText()).toContain('Diakui'); // not closed
    expect(await timeline.innerText()).toContain('Panwascam menemui saksi.');
    await screenshot(page, 'alert-conflict');
    await context.close();

    // on a phone the list and the bottom bar still fit (the desk's bar gains Peringatan)
    const phone = await newContext(env.browser, env.server.url, { width: 360, height: 780, bypassCSP: true });
    const small = await phone.newPage();
    await signIn(small, 'panwascam.bayat', DEMO_PASSWORD);
    await small.goto(`${env.server.url}/peringatan`);
    await small.locator('.alert-card').first().waitFor();
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(small, 'alerts-list-phone', false);
    await phone.close();
  });
});
