import { request as playwrightRequest } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { countColours, countPixelsNear } from './support/pixels';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

/** A level's fill (opacity 0.55) over the outline's #f3f1e6, as the canvas blends it. */
const blend = (hex: string): [number, number, number] => {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const under = [0xf3, 0xf1, 0xe6];
  return c.map((v, i) => Math.round(0.55 * v + 0.45 * under[i]!)) as [number, number, number];
};
const LEVEL_FILLS = ['#cfe8d6', '#f6d27a', '#b42318'].map(blend);

const square = (x: number, y: number, d = 0.06) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });

describe('map and region tiles', () => {
  it('draws the demo reports as clusters over the country outline, labels the synthetic coordinates, and shows the tile grid where no boundary exists', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Peta' }).click();
    await page.getByRole('heading', { level: 1, name: 'Peta' }).waitFor();
    await page.getByTestId('map-summary').waitFor();
    const api = (await page.evaluate(async () => (await fetch('/api/map/points')).json())) as { items: unknown[]; unlocated: number; demo: boolean };
    expect(api.items.length).toBeGreaterThan(0);
    expect(api.demo).toBe(true);
    expect(await page.getByTestId('map-summary').innerText()).toContain(`${api.items.length.toLocaleString('id-ID')} laporan berkoordinat`);
    expect(await page.getByRole('note').innerText()).toContain('koordinat laporan pada peta ini sintetis');
    // Leaflet draws on a canvas (no WebGL needed); the outline arrives from the bundled world-atlas
    const map = page.getByTestId('map');
    await map.locator('canvas').first().waitFor();
    await page.waitForFunction(() => document.querySelector('.leaflet-control-attribution')?.textContent?.includes('Natural Earth'));
    await page.waitForTimeout(500);
    const mapPng = await map.screenshot();
    expect(await countColours(page, mapPng, 2)).toBeGreaterThan(12);
    // no boundary imported yet: no region fills (the next test's check would see them)
    expect(await countPixelsNear(page, mapPng, LEVEL_FILLS)).toBeLessThan(100);

    // the tile grid: one tile per district of Klaten, most vulnerable first, coloured by level
    const tiles = page.getByTestId('region-tiles').getByRole('link');
    expect(await tiles.count()).toBe(26);
    const risk = (await page.evaluate(async () => (await fetch('/api/risk?parent=33.10')).json())) as { items: { regionName: string; score: number }[] };
    const top = [...risk.items].sort((a, b) => b.score - a.score)[0]!;
    expect(await tiles.first().innerText()).toContain(top.regionName);
    expect(await page.getByText('Belum ada batas wilayah yang diimpor').count()).toBe(1);
    const tilesPng = await page.getByTestId('region-tiles').screenshot();
    expect(await countColours(page, tilesPng, 2)).toBeGreaterThan(3);

    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'map');
    await context.close();
  });

  it('colours imported boundaries by vulnerability once the operator imports a GeoJSON file', async () => {
    // the administrator imports two districts' boundaries through the API (the CLI does the same)
    const admin = await playwrightRequest.newContext({ baseURL: env.server.url });
    const login = await admin.post('/api/auth/login', { data: { username: 'admin', password: env.server.adminPassword } });
    const csrf = ((await login.json()) as { user: { csrfToken: string } }).user.csrfToken;
    const file = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { kode: '33.10.04' }, geometry: square(110.66, -7.79) },
        { type: 'Feature', properties: { kode: '33.10.05' }, geometry: square(110.72, -7.79) },
      ],
    });
    const res = await admin.post('/api/boundaries', { headers: { 'x-csrf-token': csrf }, multipart: { file: { name: 'klaten.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(file) } } });
    expect(res.status(), await res.text()).toBe(201);
    await admin.dispose();

    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900 });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.goto('/peta?days=90');
    await page.getByTestId('map-summary').waitFor();
    await page.getByText('Warna menunjukkan tingkat kerawanan hari ini').waitFor();
    expect(await page.getByRole('group', { name: 'Keterangan peta' }).innerText()).toContain('Tinggi');
    await page.waitForTimeout(500);
    const png = await page.getByTestId('map').screenshot();
    expect(await countColours(page, png, 2)).toBeGreaterThan(12);
    // the two imported districts are drawn, filled with their level's colour, above the country outline
    expect(await countPixelsNear(page, png, LEVEL_FILLS)).toBeGreaterThan(400);
    await screenshot(page, 'map-boundaries');
    await context.close();
  });
});
