import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();


async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('.loading'));
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
}

describe('accessibility (axe-core) and layout', () => {
  it('has no serious or critical axe violations on login, home, region browser and users pages', async () => {
    const context = await newContext(env.browser, env.server.url, { bypassCSP: true });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    await settle(page);
    await screenshot(page, 'login', false);
    await expectNoSeriousAxeViolations(page);

    await signIn(page, 'admin', env.server.adminPassword);
    await settle(page);
    await screenshot(page, 'home-admin');
    await expectNoSeriousAxeViolations(page);

    await page.goto('/wilayah/33.10');
    await page.getByRole('heading', { level: 2, name: 'Kabupaten Klaten' }).waitFor();
    await settle(page);
    await expectNoSeriousAxeViolations(page);

    await page.goto('/pengguna');
    await page.locator('table.table-users').waitFor();
    await settle(page);
    await screenshot(page, 'users-admin');
    await expectNoSeriousAxeViolations(page);

    await page.goto('/pengguna/baru');
    await page.getByRole('heading', { level: 1, name: 'Tambah pengguna' }).waitFor();
    await page.getByRole('combobox', { name: 'Wilayah cakupan' }).fill('Klaten');
    await page.locator('.combo-list [role=option]').first().waitFor();
    await expectNoSeriousAxeViolations(page);

    // the account menu, open
    await page.goto('/');
    await page.getByRole('button', { name: /Menu akun/ }).click();
    await page.locator('.account-panel').waitFor();
    await expectNoSeriousAxeViolations(page);
    await context.close();
  });

  it('works at 360 px for a field officer: bottom navigation, no sideways scrolling', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 360, height: 740, bypassCSP: true });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, 'phone-login', false);

    await signIn(page, 'bhabin.bayat', DEMO_PASSWORD);
    await settle(page);
    await expect.poll(() => page.locator('.scope-card').count()).toBe(3);
    // the top navigation gives way to a bottom bar on phones
    expect(await page.getByRole('navigation', { name: 'Navigasi utama' }).isVisible()).toBe(false);
    const bottom = page.getByRole('navigation', { name: 'Navigasi', exact: true });
    expect(await bottom.isVisible()).toBe(true);
    await noHorizontalScroll(page);
    await screenshot(page, 'phone-home', false);
    await expectNoSeriousAxeViolations(page);

    await bottom.getByRole('link', { name: 'Wilayah' }).click();
    await page.getByRole('link', { name: 'Jawa Tengah' }).click();
    await page.getByRole('link', { name: 'Kabupaten Klaten' }).click();
    await page.getByRole('link', { name: 'Bayat', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Bayat' }).waitFor();
    await settle(page);
    await noHorizontalScroll(page);
    await screenshot(page, 'phone-region');
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('button', { name: /Menu akun/ }).click();
    await page.locator('.account-panel').waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, 'phone-account', false);
    await context.close();
  });
});
