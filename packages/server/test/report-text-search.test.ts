import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReports, type NewReportRow, type ReportFilter } from '../src/db/repositories/reports.js';
import { BACKENDS, createTestApp, createTestUser, insertReportRows, reportRowFixture, type Agent, type TestApp } from './helpers.js';

// The list's text search walks the ordered list first and falls back to the full-text index
// (db/repositories/reports.ts findReports). Whatever path a page takes, the rows and their order
// must be exactly those of the plain query, and every page must continue where the last ended.
const KLATEN = '33.10';
const OUTSIDE = '33.11'; // Sukoharjo: the same words, never in a Klaten desk's list
const ROWS = 3000;
/** What the words of row i are: common, spread thin, and rare (only past the first walk of a page of 50). */
function wordsOf(i: number): string[] {
  const w: string[] = [];
  if (i % 3 === 0) w.push('amplop');
  if (i % 97 === 5) w.push('sembako');
  if (i % 500 === 7) w.push('ganda');
  if (i === 2500 || i === 2700 || i === ROWS - 1) w.push('langka');
  return w;
}

describe.each(BACKENDS)('report list text search on %s', (backend) => {
  let t: TestApp;
  let kesbang: Agent;

  function row(regionCode: string, i: number): NewReportRow {
    // three reports per minute share one created_at: the id breaks the tie
    const at = new Date(t.clock.now.getTime() - (Math.floor(i / 3) + 1) * 60_000);
    return reportRowFixture(regionCode, at, {
      category: i % 2 ? 'hoaks' : 'politik_uang',
      severity: 1 + (i % 4),
      title: `Laporan ${i} ${wordsOf(i).join(' ')}`,
      description: 'Uraian singkat dari lapangan',
    });
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    const klaten = t.regions.descendantsAt(KLATEN, 'village');
    const outside = t.regions.descendantsAt(OUTSIDE, 'village');
    const rows: NewReportRow[] = [];
    for (let i = 0; i < ROWS; i++) rows.push(row(klaten[(i * 7) % klaten.length]!, i));
    for (let i = 0; i < 600; i++) rows.push(row(outside[i % outside.length]!, i));
    for (let i = 0; i < rows.length; i += 500) await insertReportRows(t.handle, rows.slice(i, i + 500));
    await createTestUser(t.handle, { username: 'kesbang', role: 'regency_desk', scopes: [KLATEN], pillarCode: 'kesbangpol' });
    kesbang = await t.login('kesbang');
  });
  afterAll(async () => t?.dispose());

  /** The plain query's answer: every match in Klaten, newest first. */
  async function expected(q: string, extra = ''): Promise<string[]> {
    const terms = q.split(' ').map((w) => `${w}:*`).join(' & ');
    const rows = await t.handle.query<{ id: string }>(
      `SELECT id FROM reports WHERE regency_code = $1 AND search @@ to_tsquery('simple', $2) ${extra} ORDER BY created_at DESC, id DESC`,
      [KLATEN, terms],
    );
    return rows.map((r) => r.id);
  }

  /** Every page of the repository's list, following the keyset from each page's last row. */
  async function repositoryPages(q: string, limit: number, textWalkRows?: number, more: Partial<ReportFilter> = {}): Promise<string[][]> {
    const pages: string[][] = [];
    let before: ReportFilter['before'];
    for (let guard = 0; guard < 5000; guard++) {
      const rows = await findReports(t.handle.db, { scopes: [KLATEN], region: { code: KLATEN, level: 'regency' }, q, limit, before, textWalkRows, ...more });
      pages.push(rows.map((r) => r.id));
      if (rows.length < limit) return pages;
      const last = rows.at(-1)!;
      before = { createdAt: last.createdAt, id: last.id };
    }
    throw new Error('pagination did not end');
  }

  it('the full-text index keeps a small pending list (merged every ~100 reports), and rows in it are found', async () => {
    const [index] = await t.handle.query<{ options: string[] | null }>("SELECT reloptions AS options FROM pg_class WHERE relname = 'reports_search_idx'");
    expect(index!.options).toEqual(expect.arrayContaining(['fastupdate=on', 'gin_pending_list_limit=256']));
    const [merged] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM reports WHERE search @@ to_tsquery('simple', 'langka')");
    expect(merged!.n).toBe(3);
    // one report just written: its words sit in the pending list until the list fills
    await insertReportRows(t.handle, [reportRowFixture(t.regions.descendantsAt(OUTSIDE, 'village')[0]!, t.clock.now, { title: 'Laporan segar' })]);
    const [fresh] = await t.handle.query<{ n: number }>("SELECT count(*)::int AS n FROM reports WHERE search @@ to_tsquery('simple', 'segar')");
    expect(fresh!.n).toBe(1);
  });

  it('finds the same rows in the same order as the plain query, whichever way each page is found', async () => {
    const counts = { amplop: 1000, sembako: 31, ganda: 6, langka: 3 };
    for (const [q, n] of Object.entries(counts)) {
      const want = await expected(q);
      expect(want, q).toHaveLength(n);
      // walks of 3 / 30 rows: most pages need the second walk and the full-text index;
      // 40 / 400: some pages end within a walk; default: a walk of max(2,000, 40 × limit)
      for (const walk of [3, 40, undefined]) {
        for (const limit of [1, 7, 50]) {
          if (q === 'amplop' && limit === 1 && walk !== undefined) continue; // 1,000 pages: covered by the default walk
          const pages = await repositoryPages(q, limit, walk);
          expect(pages.flat(), `${q}, walk ${walk}, limit ${limit}`).toEqual(want);
          expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
        }
      }
    }
  });

  it('keeps the other filters and every word required on the walk and on the fallback', async () => {
    const want = await expected('amplop ganda');
    expect(want).toHaveLength(2); // i = 507 and 2007: both multiples of 3 among the 'ganda' rows
    for (const walk of [2, 50, undefined]) expect((await repositoryPages('amplop ganda', 1, walk)).flat()).toEqual(want);
    const hoaks = await expected('amplop', "AND category = 'hoaks' AND severity = ANY('{2,4}'::smallint[])");
    expect(hoaks.length).toBeGreaterThan(100);
    for (const walk of [5, undefined]) {
      const pages = await repositoryPages('amplop', 25, walk, { categories: ['hoaks'], severities: [2, 4] });
      expect(pages.flat()).toEqual(hoaks);
    }
  });

  it('serves the desk list through the API: page 2 continues exactly after page 1, rare words come from the index', async () => {
    for (const q of ['amplop', 'sembako', 'ganda', 'langka', 'amplop ganda']) {
      const want = await expected(q);
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await kesbang.get(`/api/reports?q=${encodeURIComponent(q)}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        const body = res.json() as { items: { id: string; regionCode: string }[]; nextCursor: string | null };
        expect(body.items.every((r) => r.regionCode.startsWith(`${KLATEN}.`))).toBe(true);
        got.push(...body.items.map((r) => r.id));
        cursor = body.nextCursor;
      } while (cursor && got.length <= want.length);
      expect(got, q).toEqual(want);
    }
    // 'langka' only lies beyond the newest 2,040 rows: the first walk finds nothing and the index answers
    const rare = (await kesbang.get('/api/reports?q=LANGKA')).json() as { items: { title: string }[]; nextCursor: string | null };
    expect(rare.items.map((r) => r.title.split(' ')[1])).toEqual(['2500', '2700', String(ROWS - 1)]);
    expect(rare.nextCursor).toBeNull();
  });
});
