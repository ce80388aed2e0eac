import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { countColours } from './support/pixels';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

interface Dashboard {
  totals: { reports: number; open: number; critical: number; overdue: number };
  election: { daysToVoting: number | null; stage: { name: string } | null } | null;
  topRegions: { name: string }[];
}

/** The API's answer for the query the page shows, fetched from the page's own session. */
function apiDashboard(page: Page, query: string): Promise<Dashboard> {
  return page.evaluate(async (q) => (await fetch(`/api/dashboard${q}`)).json(), query) as Promise<Dashboard>;
}

const id = (n: number) => n.toLocaleString('id-ID');

async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.locator('[data-testid=kpi-reports] .kpi-value').waitFor();
  await page.waitForFunction(() => !document.querySelector('.is-stale') && !document.querySelector('.loading'));
}

async function kpi(page: Page, name: string): Promise<string> {
  return (await page.locator(`[data-testid=kpi-${name}] .kpi-value`).innerText()).trim();
}

describe('situation-room dashboard', () => {
  it('lands the Kesbangpol desk on the dashboard with the demo’s numbers, stage and vulnerable regions', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Ruang situasi' }).waitFor();
    await settled(page);
    const api = await apiDashboard(page, '');
    expect(api.totals.reports).toBeGreaterThan(0);
    expect(await kpi(page, 'reports')).toBe(id(api.totals.reports));
    expect(await kpi(page, 'open')).toBe(id(api.totals.open));
    expect(await kpi(page, 'overdue')).toBe(id(api.totals.overdue));
    expect(await page.getByTestId('current-stage').innerText()).toBe(api.election!.stage!.name);
    expect(await page.getByTestId('days-to-voting').innerText()).toBe(`${api.election!.daysToVoting} hari lagi`);
    await expect.poll(() => page.locator('.election-banner').innerText()).toContain('WIB');
    const rows = page.getByTestId('top-regions').locator('tbody tr');
    expect(await rows.count()).toBe(api.topRegions.length);
    expect(await rows.first().locator('a').innerText()).toBe(api.topRegions[0]!.name);
    // the trend chart and the feed are there, with text equivalents
    expect(await page.getByRole('img', { name: /Laporan per hari, 14 hari terakhir/ }).count()).toBe(1);
    expect(await page.getByTestId('feed').locator('li').count()).toBeGreaterThan(0);

    await expectNoSeriousAxeViolations(page);
    const file = await screenshot(page, 'dashboard');
    expect(await countColours(page, fs.readFileSync(file))).toBeGreaterThan(30);
    await context.close();
  });

  it('keeps its filters in the URL: choosing them changes the numbers, and the link opens the same view', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900 });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await settled(page);
    const filters = page.getByRole('form', { name: 'Saringan dasbor' });
    await filters.getByLabel('Kategori').selectOption('politik_uang');
    await expect.poll(() => new URL(page.url()).searchParams.get('category')).toBe('politik_uang');
    await filters.getByLabel('Rentang waktu').selectOption('30');
    await filters.getByLabel('Wilayah').selectOption('33.10.04');
    await expect.poll(() => new URL(page.url()).search).toBe('?category=politik_uang&days=30&region=33.10.04');
    await settled(page);
    const filtered = await apiDashboard(page, '?category=politik_uang&days=30&region=33.10.04');
    expect(await kpi(page, 'reports')).toBe(id(filtered.totals.reports));
    expect(await page.locator('.page-head .lead').innerText()).toContain('Bayat');

    // the shared link, opened by another desk of the regency, shows the same view
    const shared = page.url();
    const other = await context.browser()!.newContext({ baseURL: env.server.url, locale: 'id-ID' });
    const page2 = await other.newPage();
    await signIn(page2, 'polres.klaten', DEMO_PASSWORD);
    await page2.goto(new URL(shared).pathname + new URL(shared).search);
    await settled(page2);
    const filters2 = page2.getByRole('form', { name: 'Saringan dasbor' });
    expect(await filters2.getByLabel('Kategori').inputValue()).toBe('politik_uang');
    expect(await filters2.getByLabel('Rentang waktu').inputValue()).toBe('30');
    expect(await filters2.getByLabel('Wilayah').inputValue()).toBe('33.10.04');
    expect(await kpi(page2, 'reports')).toBe(id(filtered.totals.reports));
    await other.close();

    // back and forward follow the URL
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('region')).toBe(null);
    await context.close();
  });

  it('shows a desk of another district only its own district', async () => {
    const context = await newContext(env.browser, env.server.url);
    const page = await context.newPage();
    await signIn(page, 'camat.bayat', DEMO_PASSWORD);
    await settled(page);
    expect(await page.locator('.page-head .lead').innerText()).toContain('Bayat');
    const api = await apiDashboard(page, '');
    expect(await kpi(page, 'reports')).toBe(id(api.totals.reports));
    await page.goto('/?region=33.10.05');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('cakupan');
    await context.close();
  });
});

describe('live dashboard', () => {
  it('shows a report filed offline in /lapor on the open dashboard exactly once, pushed over the live stream when the phone is back online', async () => {
    const token = `live${Date.now().toString(36)}`;
    const title = `Amplop dibagikan di pos ronda ${token}`;
    // the Kesbangpol desk watches its dashboard
    const deskContext = await newContext(env.browser, env.server.url, { width: 1280, height: 900 });
    const desk = await deskContext.newPage();
    await signIn(desk, 'kesbangpol.klaten', DEMO_PASSWORD);
    await settled(desk);
    const before = Number((await kpi(desk, 'reports')).replace(/\./g, ''));
    const dashboardCalls: number[] = [];
    desk.on('request', (r) => {
      if (r.url().includes('/api/dashboard')) dashboardCalls.push(Date.now());
    });

    // a Bhabinkamtibmas files a report with no signal; it waits on the phone
    const phoneContext = await newContext(env.browser, env.server.url, { width: 360, height: 780 });
    const phone = await phoneContext.newPage();
    await signIn(phone, 'bhabin.bayat', DEMO_PASSWORD);
    await phone.getByRole('navigation', { name: 'Navigasi', exact: true }).getByRole('link', { name: 'Lapor', exact: true }).click();
    await phone.getByRole('radio', { name: 'Politik uang' }).waitFor();
    await phoneContext.setOffline(true);
    await phone.getByText('Tidak ada sinyal').waitFor();
    await phone.getByRole('radio', { name: 'Politik uang' }).check();
    await phone.getByRole('radio', { name: /^2 · Ringan/ }).check();
    await phone.getByRole('group', { name: /Desa\/kelurahan/ }).getByRole('radio').first().check();
    await phone.getByLabel('Judul singkat').fill(title);
    await phone.getByLabel('Keterangan').fill('Warga melihat amplop dibagikan setelah magrib.');
    await phone.getByRole('button', { name: 'Simpan dan kirim saat ada sinyal' }).click();
    const item = phone.locator('.outbox-item', { hasText: title });
    await item.getByText('Menunggu sinyal').waitFor();
    await desk.waitForTimeout(1500);
    expect(await desk.getByTestId('feed').getByText(title).count()).toBe(0);

    // signal back: the phone sends it, the server pushes the change, the dashboard refreshes by itself
    const sentAt = Date.now();
    await phoneContext.setOffline(false);
    await item.getByText('Diterima').waitFor({ timeout: 30_000 });
    await desk.getByTestId('feed').getByText(title).waitFor({ timeout: 20_000 });
    // well before the one-minute fallback refresh: the stream brought it
    expect(Date.now() - sentAt).toBeLessThan(25_000);
    expect(dashboardCalls.length).toBeGreaterThan(0);
    expect(await desk.getByTestId('feed').getByText(title).count()).toBe(1);
    await expect.poll(async () => Number((await kpi(desk, 'reports')).replace(/\./g, ''))).toBe(before + 1);
    const stored = (await desk.evaluate(async (q) => (await fetch(`/api/reports?q=${encodeURIComponent(q)}`)).json(), token)) as { items: unknown[] };
    expect(stored.items).toHaveLength(1);
    await phoneContext.close();
    await deskContext.close();
  });
});
