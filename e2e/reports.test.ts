import { request as playwrightRequest, type APIRequestContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, newContext, screenshot, signIn } from './support/browser';
import { DEMO_PASSWORD, useServerAndBrowser } from './support/server';

const env = useServerAndBrowser();
const TOKEN = `e2e${Date.now().toString(36)}`;
const TITLE = `Amplop dibagikan dekat balai desa ${TOKEN}`;
let reportId = '';


/** An API session of a demo user (cookie + CSRF), for checks from outside the env.browser. */
async function apiAs(username: string): Promise<{ api: APIRequestContext; csrf: string }> {
  const api = await playwrightRequest.newContext({ baseURL: env.server.url });
  const res = await api.post('/api/auth/login', { data: { username, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { user: { csrfToken: string } };
  return { api, csrf: body.user.csrfToken };
}

async function reportsMatching(q: string): Promise<{ id: string; status: string; title: string }[]> {
  const { api } = await apiAs('panwascam.bayat');
  const res = await api.get(`/api/reports?q=${encodeURIComponent(q)}`);
  expect(res.status()).toBe(200);
  const items = ((await res.json()) as { items: { id: string; status: string; title: string }[] }).items;
  await api.dispose();
  return items;
}

function timelineText(page: Page): Promise<string> {
  return page.getByRole('region', { name: 'Riwayat' }).innerText();
}

describe('field reporting, triage and the report page', () => {
  it('(a) files a report offline on a 360 px phone, sends it once when the signal returns, even when the first answer is lost', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 360, height: 780, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'bhabin.bayat', DEMO_PASSWORD);
    // the service worker must have precached the app shell before the signal goes: an install
    // cut off by going offline never activates, and the offline start below would wait forever
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const nav = page.getByRole('navigation', { name: 'Navigasi', exact: true });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Beranda', 'Lapor', 'Laporan saya', 'Wilayah']);
    await nav.getByRole('link', { name: 'Lapor', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Lapor kejadian' }).waitFor();
    await page.getByRole('radio', { name: 'Politik uang' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    // the answer to the first POST is lost on the way back: the phone must send the same id again
    const answers: number[] = [];
    let posts = 0;
    await page.route('**/api/reports', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts += 1;
      if (posts === 1) {
        const response = await route.fetch();
        answers.push(response.status());
        return route.abort('connectionreset');
      }
      const response = await route.fetch();
      answers.push(response.status());
      return route.fulfill({ response });
    });

    await context.setOffline(true);
    await page.getByText('Tidak ada sinyal').waitFor();
    await page.getByRole('radio', { name: 'Politik uang' }).check();
    await page.getByRole('radio', { name: /^2 · Ringan/ }).check();
    const villages = page.getByRole('group', { name: /Desa\/kelurahan/ }).getByRole('radio');
    expect(await villages.count()).toBe(3);
    await villages.first().check();
    await page.getByLabel('Judul singkat').fill(TITLE);
    await page.getByLabel('Keterangan').fill('Warga melihat amplop dibagikan <b>bukan HTML</b> setelah magrib.');
    await page.getByLabel('Rahasiakan identitas saya').check();
    await screenshot(page, 'lapor-phone', false);
    await page.getByRole('button', { name: 'Simpan dan kirim saat ada sinyal' }).click();
    await page.getByText('Laporan disimpan di HP. Akan dikirim otomatis saat sinyal kembali.').waitFor();

    const item = page.locator('.outbox-item', { hasText: TITLE });
    await item.getByText('Menunggu sinyal').waitFor();
    expect(posts).toBe(0);
    await screenshot(page, 'lapor-phone-queued');

    await context.setOffline(false);
    await item.getByText('Diterima').waitFor({ timeout: 30_000 });
    await page.getByText('Laporan diterima. Kode tanda terima:').waitFor();
    expect(await item.locator('.receipt').innerText()).toMatch(/^SNG-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // first answer 201 (lost), the resend of the same id 200 (already stored)
    expect(answers).toEqual([201, 200]);
    reportId = (await item.getAttribute('data-report-id'))!;
    expect(reportId).toMatch(/^[0-9a-f-]{36}$/);
    await page.unroute('**/api/reports');

    const found = await reportsMatching(TOKEN);
    expect(found.map((r) => r.id)).toEqual([reportId]);
    await screenshot(page, 'lapor-phone-sent');

    // Laporan saya: the server's status of the reporter's own report
    await page.getByRole('navigation', { name: 'Navigasi', exact: true }).getByRole('link', { name: 'Laporan saya' }).click();
    const mine = page.getByRole('region', { name: 'Status di server' });
    await mine.getByText(TITLE).waitFor();
    expect(await mine.locator('li', { hasText: TITLE }).innerText()).toContain('Baru');

    // the app shell is cached: /lapor opens again with no signal
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await context.setOffline(true);
    await page.goto('/lapor');
    await page.getByRole('heading', { level: 1, name: 'Lapor kejadian' }).waitFor();
    await page.getByRole('radio', { name: 'Politik uang' }).waitFor();
    await context.setOffline(false);
    await context.close();
  });

  it('(b) the Panwascam triages it with the keyboard: verify → assign Bawaslu → escalate → resolve, all on the timeline', async () => {
    expect(reportId).not.toBe('');
    const context = await newContext(env.browser, env.server.url, { width: 1366, height: 900, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, 'panwascam.bayat', DEMO_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Navigasi utama' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Beranda', 'Laporan', 'Kejadian', 'Peringatan', 'Lapsit', 'Peta', 'Wilayah']);

    // the whole board first (demo reports), for the screenshot and axe
    await nav.getByRole('link', { name: 'Laporan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Laporan masuk' }).waitFor();
    await page.locator('.col-new .card-report').first().waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'triage', false);

    // filters live in the URL
    await page.getByLabel('Cari (judul, keterangan)').fill(TOKEN);
    await page.waitForURL(`**/laporan?q=${TOKEN}`);
    const card = page.locator('.card-report', { hasText: TITLE });
    await page.locator('.col-new .card-report', { hasText: TITLE }).waitFor();
    await expect.poll(() => page.locator('.card-report').count()).toBe(1);
    expect(await card.innerText()).toContain('Politik uang');
    expect(await card.innerText()).toContain('2 · Ringan');

    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('v');
    await page.locator('.col-verified .card-report', { hasText: TITLE }).waitFor();

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('a');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Ditugaskan kepada').locator('option:checked').innerText()).toContain('Bawaslu');
    await dialog.getByRole('button', { name: 'Tugaskan' }).click();
    await page.locator('.col-in_progress .card-report', { hasText: TITLE }).waitFor();

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('e');
    await dialog.getByLabel(/Alasan/).fill('Amplop di tiga RT, perlu Sentra Gakkumdu kabupaten.');
    await dialog.getByRole('button', { name: 'Eskalasi' }).click();
    await page.getByText(/Eskalasi: .* tersimpan/).waitFor();

    await page.locator('.col-in_progress .card-report', { hasText: TITLE }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/laporan/${reportId}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    // text is rendered, never interpreted
    expect(await page.getByText('<b>bukan HTML</b>', { exact: false }).count()).toBe(1);
    await page.getByTestId('bawaslu-window').waitFor();
    expect(await page.getByTestId('bawaslu-window').innerText()).toMatch(/WIB[\s\S]*Sisa \d hari \d+ jam/);

    await page.getByRole('button', { name: 'Selesaikan' }).click();
    await dialog.getByLabel(/Hasil penanganan/).fill('Diteruskan ke Sentra Gakkumdu; klarifikasi saksi dijadwalkan.');
    await dialog.getByRole('button', { name: 'Selesaikan' }).click();
    await page.getByText('Selesaikan: tersimpan.').waitFor();
    const timeline = await timelineText(page);
    for (const line of ['Dilaporkan', 'Diverifikasi', 'Ditugaskan', 'Dieskalasi', 'Amplop di tiga RT', 'Diselesaikan', 'klarifikasi saksi dijadwalkan', 'Panwascam Bayat']) {
      expect(timeline).toContain(line);
    }
    // Bawaslu's desk at the report's level: in Bayat that is the Panwascam
    expect(timeline).toContain('Ditugaskan kepada Panwascam Bayat');
    expect(await page.getByRole('region', { name: 'Rincian' }).innerText()).toMatch(/Ditangani oleh\s+Panwascam Bayat/);
    expect(timeline).toMatch(/WIB/);
    expect(await page.locator('.report-page .badges').innerText()).toContain('Selesai');
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'report-page');
    await context.close();
  });

  it('(c) two desks act on the same report: the second is told who changed it and sees the current state', async () => {
    const { api, csrf } = await apiAs('bhabin.bayat');
    const id = crypto.randomUUID();
    const created = await api.post('/api/reports', {
      headers: { 'x-csrf-token': csrf },
      data: { id, category: 'perusakan_apk', severity: 2, regionCode: '33.10.04.2002', occurredAt: new Date().toISOString(), title: `Baliho dirusak ${TOKEN}`, description: 'Baliho calon disobek orang tak dikenal.' },
    });
    expect(created.status()).toBe(201);
    await api.dispose();

    const ctxA = await newContext(env.browser, env.server.url);
    const ctxB = await newContext(env.browser, env.server.url);
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    await Promise.all([signIn(a, 'panwascam.bayat', DEMO_PASSWORD), signIn(b, 'kapolsek.bayat', DEMO_PASSWORD)]);
    await Promise.all([a.goto(`/laporan/${id}`), b.goto(`/laporan/${id}`)]);
    await Promise.all([a.getByRole('button', { name: 'Verifikasi' }).waitFor(), b.getByRole('button', { name: 'Eskalasi' }).waitFor()]);

    await a.getByRole('button', { name: 'Verifikasi' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Verifikasi' }).click();
    await a.getByText('Verifikasi: tersimpan.').waitFor();

    // B still shows the old version and escalates it
    expect(await b.locator('.report-page .badges').innerText()).toContain('Baru');
    await b.getByRole('button', { name: 'Eskalasi' }).click();
    await b.getByRole('dialog').getByLabel(/Alasan/).fill('Massa mulai berkumpul.');
    await b.getByRole('dialog').getByRole('button', { name: 'Eskalasi' }).click();
    const conflict = b.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('Laporan ini telah diubah oleh Panwascam Bayat');
    await b.locator('.report-page .badges', { hasText: 'Diverifikasi' }).waitFor();
    expect(await b.locator('.report-page .badges').innerText()).toContain('Desa'); // not escalated: nothing overwritten
    await screenshot(b, 'report-conflict');
    await Promise.all([ctxA.close(), ctxB.close()]);
  });

  it('(d) a field officer of another district cannot open the report', async () => {
    const context = await newContext(env.browser, env.server.url, { width: 360, height: 780 });
    const page = await context.newPage();
    await signIn(page, 'bhabin.cawas', DEMO_PASSWORD);
    await page.goto(`/laporan/${reportId}`);
    await page.getByRole('heading', { level: 1, name: 'Laporan tidak ditemukan' }).waitFor();
    expect(await page.getByText(TITLE).count()).toBe(0);
    await context.close();
  });
});
