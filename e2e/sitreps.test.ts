import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { request as playwrightRequest, type APIRequestContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();

interface SitrepJson {
  id: string;
  date: string;
  status: string;
  regionCode: string;
  numbers: { received: number; resolved: number; overdue: number; openAtEnd: number };
}

/** The API's answer, fetched with the page's own session. */
function apiGet<T>(page: Page, url: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (u) => {
    const res = await fetch(u);
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : null };
  }, url) as Promise<{ status: number; body: T }>;
}

/** An API session of a demo user (cookie + CSRF), for setting up data from outside the browser. */
async function apiAs(username: string): Promise<{ api: APIRequestContext; headers: Record<string, string> }> {
  const api = await playwrightRequest.newContext({ baseURL: env.server.url });
  const res = await api.post('/api/auth/login', { data: { username, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { user: { csrfToken: string } };
  return { api, headers: { 'x-csrf-token': body.user.csrfToken } };
}

/** The Klaten desk that writes each pillar's section (demo accounts). */
const SECTION_DESKS: Record<string, string> = { polri: 'polres.klaten', tni: 'kodim.klaten', kesbangpol: 'kesbangpol.klaten', kpu: 'kpu.klaten', bawaslu: 'bawaslu.klaten' };

describe('daily situation report (lapsitharian)', () => {
  it('a desk opens the day’s situation report; the PDF downloads and contains the day’s numbers', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Lapsit' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Laporan situasi harian' }).waitFor();
    // the Kesbangpol desk sets the regency's distribution list
    await page.getByLabel('Wilayah').selectOption('33.10');
    await page.getByText('Atur bagian dan daftar distribusi wilayah ini').click();
    const editor = page.getByTestId('template-editor');
    await expect.poll(() => editor.getByLabel('Judul bagian 1').inputValue()).toBe('Situasi dari Polres');
    await editor.getByLabel('Daftar distribusi (alamat e-mail)').fill('bupati@klaten.example.id\nforkopimda@klaten.example.id');
    await editor.getByRole('button', { name: 'Simpan pengaturan' }).click();
    await editor.getByText('Tersimpan. Berlaku untuk laporan yang dibuka setelah ini.').waitFor();
    await screenshot(page, 'sitrep-list-template');
    // the demo's report of yesterday, approved by the Kesbangpol desk
    await page.getByRole('table').getByRole('link').first().click();
    await page.getByTestId('sitrep').waitFor();
    const id = page.url().split('/').pop()!;
    const { body: s } = await apiGet<SitrepJson>(page, `/api/sitreps/${id}`);
    expect(s.status).toBe('approved');
    expect(await page.locator('.sitrep-head').innerText()).toMatch(/WIB/);
    expect(await page.locator('.sitrep-head').innerText()).toContain('DATA DEMO');
    const stats = page.getByTestId('sitrep-stats');
    expect(await stats.locator('div', { hasText: 'Laporan masuk' }).locator('dd').innerText()).toBe(s.numbers.received.toLocaleString('id-ID'));
    expect(await page.getByTestId('section-polri').innerText()).toContain('Sudah dikirim');
    await expect.poll(() => page.getByRole('button', { name: 'Rilis' }).count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sitrep-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`lapsitharian-33.10-${s.date}.pdf`);
    const file = await download.path();
    const text = execFileSync('pdftotext', ['-layout', file!, '-'], { encoding: 'utf8' });
    expect(text).toContain('LAPORAN SITUASI HARIAN');
    expect(text).toContain('Kabupaten Klaten');
    expect(text).toContain('DATA DEMO');
    expect(text).toMatch(new RegExp(`Laporan masuk\\s+${s.numbers.received.toLocaleString('id-ID').replace('.', '\\.')}\\b`));
    expect(text).toMatch(new RegExp(`Laporan selesai ditangani\\s+${s.numbers.resolved}\\b`));
    expect(text).toMatch(new RegExp(`Melewati batas waktu layanan \\(SLA\\)\\s+${s.numbers.overdue}\\b`));

    await expectNoSeriousAxeViolations(page);
    const shot = await screenshot(page, 'sitrep-approved');
    expect(fs.statSync(shot).size).toBeGreaterThan(20_000);

    // release: the report becomes immutable
    await page.getByRole('button', { name: 'Rilis' }).click();
    await page.getByText('Laporan dirilis dan dikirim ke daftar distribusi.').waitFor();
    const released = (await apiGet<SitrepJson & { distribution: string[] }>(page, `/api/sitreps/${id}`)).body;
    expect(released.status).toBe('released');
    expect(released.distribution).toEqual(['bupati@klaten.example.id', 'forkopimda@klaten.example.id']);
    expect(await page.getByRole('button', { name: 'Buat revisi' }).count()).toBe(1);
    await context.close();
  });

  it('the Polres desk fills its own section of today’s report; other sections are not its to edit', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'polres.klaten', DEMO_PASSWORD);
    await page.goto('/lapsit');
    await page.getByLabel('Wilayah').selectOption('33.10');
    await page.getByRole('button', { name: 'Buka laporan' }).click();
    await page.getByTestId('sitrep').waitFor();
    const polri = page.getByTestId('section-polri');
    await polri.getByLabel('Isi bagian').fill('Situasi kamtibmas aman terkendali; patroli di 26 kecamatan.');
    await polri.getByRole('button', { name: 'Kirim bagian' }).click();
    await expect.poll(() => page.getByTestId('section-polri').innerText()).toContain('Dikirim oleh Ruang Operasi Polres Klaten');
    expect(await page.getByTestId('section-tni').getByLabel('Isi bagian').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Setujui' }).count()).toBe(0);
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'sitrep-draft-polres');
    await context.close();
  });

  it('a user of another district cannot open a district’s report, nor its PDF', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900 });
    const page = await context.newPage();
    await signIn(page, 'camat.bayat', DEMO_PASSWORD);
    await page.goto('/lapsit');
    await page.getByLabel('Wilayah').selectOption({ index: 0 });
    await page.getByRole('button', { name: 'Buka laporan' }).click();
    await page.getByTestId('sitrep').waitFor();
    const id = page.url().split('/').pop()!;
    expect(await page.locator('.sitrep-head').innerText()).toContain('Bayat');
    await context.close();

    const other = await newContext(env.browser, env.server.url, { width: 400, height: 800 });
    const page2 = await other.newPage();
    await signIn(page2, 'bhabin.cawas', DEMO_PASSWORD);
    await page2.goto(`/lapsit/${id}`);
    await page2.getByText('Data tidak ditemukan.').waitFor();
    expect((await apiGet(page2, `/api/sitreps/${id}`)).status).toBe(404);
    expect((await apiGet(page2, `/api/sitreps/${id}/pdf`)).status).toBe(404);
    await screenshot(page2, 'sitrep-other-district');
    await other.close();
  });

  it('the Kesbangpol desk approves and releases a ready report; another pillar desk sees no approve button and is refused', async () => {
    // a report of three days ago (today's and yesterday's belong to the other tests), every section sent by its own desk
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() - 3 * 86_400_000));
    const kesbang = await apiAs('kesbangpol.klaten');
    const opened = await kesbang.api.post('/api/sitreps', { data: { regionCode: '33.10', date }, headers: kesbang.headers });
    expect(opened.status(), await opened.text()).toBeLessThan(300);
    let s = (await opened.json()) as SitrepJson & { version: number; sections: { code: string; pillarCode: string; version: number; status: string }[] };
    expect(s.status).toBe('draft');
    expect(s.sections.length).toBeGreaterThan(0);
    for (const { code, pillarCode } of s.sections) {
      const desk = SECTION_DESKS[pillarCode];
      expect(desk, `a demo desk for the ${pillarCode} section`).toBeDefined();
      const session = await apiAs(desk!);
      const section = s.sections.find((x) => x.code === code)!;
      const res = await session.api.post(`/api/sitreps/${s.id}/sections/${code}/submit`, { data: { body: `Bagian ${code}: situasi kondusif (uji e2e).`, version: section.version }, headers: session.headers });
      expect(res.status(), await res.text()).toBe(200);
      s = await res.json();
      await session.api.dispose();
    }
    expect(s.sections.every((x) => x.status === 'submitted')).toBe(true);
    expect(s.status).toBe('draft');

    // the Polres desk sees the ready report without an approve button, and the API refuses it
    const other = await newContext(env.browser, env.server.url, { width: 1280, height: 900 });
    const polres = await other.newPage();
    await signIn(polres, 'polres.klaten', DEMO_PASSWORD);
    await polres.goto(`/lapsit/${s.id}`);
    await polres.getByText('Semua bagian sudah dikirim; menunggu persetujuan desk Kesbangpol.').waitFor();
    expect(await polres.getByRole('button', { name: 'Setujui' }).count()).toBe(0);
    expect(await polres.getByRole('button', { name: 'Rilis' }).count()).toBe(0);
    const refused = await polres.evaluate(
      async ({ id, version }) => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        const res = await fetch(`/api/sitreps/${id}/approve`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ version }) });
        return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
      },
      { id: s.id, version: s.version },
    );
    // refused for the role, not for a missing token
    expect(refused).toEqual({ status: 403, code: 'forbidden' });
    await other.close();
    expect((await (await kesbang.api.get(`/api/sitreps/${s.id}`)).json()).status).toBe('draft');

    // the Kesbangpol desk approves, then releases
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'kesbangpol.klaten', DEMO_PASSWORD);
    await page.goto(`/lapsit/${s.id}`);
    await page.getByTestId('sitrep').waitFor();
    await page.getByRole('button', { name: 'Setujui' }).click();
    await page.getByText('Laporan disetujui. Bagian tidak dapat diubah lagi.').waitFor();
    await page.getByText(/^Disetujui oleh Sekretariat Kesbangpol Klaten/).waitFor();
    expect((await apiGet<SitrepJson>(page, `/api/sitreps/${s.id}`)).body.status).toBe('approved');
    await page.getByRole('button', { name: 'Rilis' }).click();
    await page.getByText('Laporan dirilis dan dikirim ke daftar distribusi.').waitFor();
    await page.getByText('Laporan ini sudah dirilis dan tidak dapat diubah. Koreksi dibuat sebagai revisi baru.').waitFor();
    expect((await apiGet<SitrepJson>(page, `/api/sitreps/${s.id}`)).body.status).toBe('released');
    expect(await page.getByRole('button', { name: 'Setujui' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Buat revisi' }).count()).toBe(1);
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'sitrep-released');
    await context.close();
    await kesbang.api.dispose();
  });

  it('an administrator changes the service levels; the change is recorded old → new', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 1280, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'admin', env.server.adminPassword);
    await page.getByRole('link', { name: 'Pengaturan' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Pengaturan' }).waitFor();
    const field = page.getByLabel('Verifikasi (menit) — Keparahan 1');
    await expect.poll(() => field.inputValue()).toBe('4320');
    await field.fill('1440');
    await page.getByLabel('Catatan perubahan (opsional)').first().fill('Uji e2e');
    await page.getByRole('button', { name: 'Simpan sebagai versi baru' }).click();
    await page.getByText('Tersimpan sebagai versi 2; berlaku sekarang.').waitFor();
    await expect.poll(() => page.getByTestId('config-history').innerText()).toContain('1.verifyMinutes: 4320 → 1440');
    expect(await page.getByRole('heading', { name: 'Taksonomi laporan', exact: true }).count()).toBe(1);
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'config');
    await context.close();
  });
});
