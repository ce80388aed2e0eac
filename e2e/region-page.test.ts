import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

describe('region page: the situation of one region', () => {
  it('explains the vulnerability, draws its 30 days, ranks the districts and lists the reports and alerts of the region', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.goto('/wilayah/33.10');
    await page.getByTestId('risk-score').waitFor();
    const risk = (await page.evaluate(async () => (await fetch('/api/risk/33.10')).json())) as { score: number; level: string; history: unknown[] };
    expect(await page.getByTestId('risk-score').innerText()).toContain((Math.round(risk.score * 10) / 10).toLocaleString('id-ID'));
    expect(risk.history).toHaveLength(30);
    expect(await page.getByRole('img', { name: /Skor 30 hari terakhir/ }).count()).toBe(1);
    expect(await page.getByText('Bagian dinamis (laporan)').count()).toBe(1);

    const ranked = page.getByTestId('children-ranked').locator('tbody tr');
    await ranked.first().waitFor();
    expect(await ranked.count()).toBe(26);
    const children = (await page.evaluate(async () => (await fetch('/api/risk?parent=33.10')).json())) as { items: { regionName: string; score: number }[] };
    const top = [...children.items].sort((a, b) => b.score - a.score)[0]!;
    expect(await ranked.first().innerText()).toContain(top.regionName);

    const reports = page.getByTestId('region-reports').getByRole('link');
    await reports.first().waitFor();
    expect(await reports.count()).toBe(10);
    await page.getByRole('heading', { name: 'Peringatan terbuka di wilayah ini' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'region-page');

    // a report opens its page; a district drills down to its own situation
    const title = await reports.first().innerText();
    await reports.first().click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.goto('/wilayah/33.10.04');
    await page.getByTestId('risk-score').waitFor();
    expect(await page.getByTestId('children-ranked').locator('tbody tr').count()).toBeGreaterThan(5);
    await context.close();
  });
});
