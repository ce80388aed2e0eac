import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { request as playwrightRequest, type APIRequestContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();
const TOKEN = `inc${Date.now().toString(36)}`;

async function apiAs(username: string): Promise<{ api: APIRequestContext; csrf: string }> {
  const api = await playwrightRequest.newContext({ baseURL: env.server.url });
  const res = await api.post('/api/auth/login', { data: { username, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  return { api, csrf: ((await res.json()) as { user: { csrfToken: string } }).user.csrfToken };
}

describe('drafts, incidents and downloads on the desk', () => {
  it('(a) the Kesbangpol desk structures a WhatsApp draft from the board into a new report', async () => {
    const context = await newContext(env.browser, env.server.url, { bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.goto('/laporan');
    const drafts = page.getByRole('region', { name: /Draf \(WhatsApp\/SMS\)/ });
    const card = drafts.getByRole('link', { name: /baliho calon bupati/ });
    await card.waitFor();
    await screenshot(page, 'triage-drafts', false);
    await card.focus();
    await page.keyboard.press('s');
    const dialog = page.getByRole('dialog', { name: 'Rapikan draf' });
    await dialog.waitFor();
    await expect.poll(() => dialog.innerText()).toContain('dirusak semalam');
    // saving without the required facts is refused on the spot, nothing sent
    await dialog.getByRole('button', { name: 'Simpan sebagai laporan' }).click();
    await dialog.getByText('Pilih kategori.').waitFor();
    await dialog.getByLabel('Kategori').selectOption('perusakan_apk');
    await dialog.getByLabel('Tingkat keparahan').selectOption('2');
    await dialog.getByRole('combobox', { name: 'Desa/kelurahan' }).fill('Jambakan');
    await dialog.getByRole('option', { name: /Jambakan/ }).click();
    await dialog.getByLabel('Judul singkat').fill(`Baliho dirusak dekat pasar ${TOKEN}`);
    await dialog.getByRole('button', { name: 'Simpan sebagai laporan' }).click();
    await page.getByText(`"Baliho dirusak dekat pasar ${TOKEN}" tersimpan`, { exact: false }).waitFor();
    await page.getByRole('region', { name: /^Baru/ }).getByRole('link', { name: new RegExp(TOKEN) }).waitFor();
    await expect.poll(async () => drafts.getByRole('link', { name: /baliho calon bupati/ }).count()).toBe(0);

    const { api } = await apiAs('kesbangpol.klaten');
    const found = (await (await api.get(`/api/reports?q=${TOKEN}`)).json()) as { items: { status: string; category: string; regionCode: string; source: string }[] };
    expect(found.items).toEqual([expect.objectContaining({ status: 'new', category: 'perusakan_apk', regionCode: '33.10.04.2002' })]);
    await api.dispose();
    await context.close();
  });

  it('(b) two reports of one event become one incident; actions reach both; one is split off; the list downloads as CSV', async () => {
    // two officers' reports of the same envelopes in the same village, minutes apart
    const { api, csrf } = await apiAs('bhabin.bayat');
    const me = (await (await api.get('/api/auth/me')).json()) as { scopes: string[] };
    const village = me.scopes.find((s) => s.split('.').length === 4)!;
    const ids = [randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries()) {
      const res = await api.post('/api/reports', {
        headers: { 'x-csrf-token': csrf },
        data: {
          id,
          category: 'politik_uang',
          severity: 3,
          regionCode: village,
          occurredAt: new Date(Date.now() - (30 - i * 10) * 60_000).toISOString(),
          title: `Amplop di pos ronda ${TOKEN} #${i + 1}`,
          description: 'Amplop berisi uang dibagikan ke warga.',
          confidential: false,
        },
      });
      expect(res.status()).toBe(201);
    }
    await api.dispose();

    const context = await newContext(env.browser, env.server.url, { bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'panwascam.bayat', DEMO_PASSWORD);
    await page.goto(`/laporan/${ids[1]}`);
    const box = page.getByRole('region', { name: 'Gabungkan jadi satu kejadian' });
    await box.waitFor();
    const first = box.getByRole('checkbox', { name: new RegExp(`${TOKEN} #1`) });
    await expect.poll(() => first.isChecked()).toBe(true);
    await box.getByLabel('Nama kejadian').fill(`Politik uang di pos ronda ${TOKEN}`);
    await box.getByRole('button', { name: 'Buat kejadian' }).click();
    await page.getByRole('heading', { level: 1, name: `Politik uang di pos ronda ${TOKEN}` }).waitFor();
    const incidentUrl = page.url();
    const members = page.getByRole('region', { name: 'Laporan dalam kejadian' });
    expect(await members.getByRole('row').count()).toBe(3); // header + 2 reports
    await expectNoSeriousAxeViolations(page);

    // verify carried to both reports
    await page.getByRole('button', { name: 'Verifikasi', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Verifikasi' }).click();
    await page.getByText('Diterapkan pada 2 laporan.').waitFor();
    await expect.poll(async () => members.getByText('Diverifikasi').count()).toBe(2);
    await screenshot(page, 'incident-page');

    // the second turns out to be another event: split it off
    await members.getByRole('checkbox', { name: new RegExp(`${TOKEN} #2`) }).check();
    await members.getByLabel('Nama kejadian baru untuk laporan yang dipilih').fill(`Amplop kedua ${TOKEN}`);
    await members.getByRole('button', { name: 'Pisahkan jadi kejadian baru' }).click();
    await page.getByRole('heading', { level: 1, name: `Amplop kedua ${TOKEN}` }).waitFor();
    await page.goto(incidentUrl);
    await page.getByRole('heading', { level: 1, name: `Politik uang di pos ronda ${TOKEN}` }).waitFor();
    expect(await page.getByRole('region', { name: 'Laporan dalam kejadian' }).getByRole('row').count()).toBe(2);
    await page.getByRole('button', { name: 'Tutup kejadian' }).click();
    await page.getByText('Kejadian ditutup.').waitFor();

    // both incidents in the list (closed one under "Ditutup")
    await page.goto('/kejadian?status=');
    await page.getByRole('link', { name: `Amplop kedua ${TOKEN}` }).waitFor();
    await page.getByRole('link', { name: `Politik uang di pos ronda ${TOKEN}` }).waitFor();

    // the board's download carries the filter
    await page.goto(`/laporan?q=${TOKEN}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/).filter((l) => l.includes(`pos ronda ${TOKEN}`))).toHaveLength(2);
    await context.close();

    // a field officer of another district cannot open the incident
    const other = await newContext(env.browser, env.server.url);
    const otherPage = await other.newPage();
    await signIn(otherPage, 'bhabin.cawas', DEMO_PASSWORD);
    await otherPage.goto(new URL(incidentUrl).pathname);
    await otherPage.getByRole('heading', { level: 1, name: 'Kejadian tidak ditemukan' }).waitFor();
    await other.close();
  });
});
