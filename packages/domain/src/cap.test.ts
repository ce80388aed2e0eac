import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLevelRiseAlert, buildSeverity4Alert, buildSpikeAlert, detectSpike, splitLevelChanges, type TAlert } from './alerts.js';
import { capGradingOf, capIdentifierOf, escapeXml, formatCapDateTime, toCapAtomFeed, toCapXml } from './cap.js';
import { DEFAULT_INDEX_CONFIG } from './vulnerability.js';

// shared/ sits beside the project root (../shared), in CI too
const XSD = new URL('../../../../shared/cap/cap-1.2.xsd', import.meta.url).pathname;
const H = 3_600_000;
const NOW = Date.parse('2024-11-27T10:00:00+07:00');
const dir = mkdtempSync(path.join(tmpdir(), 'sinergi-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function xmllint(xml: string, args: string[]): { ok: boolean; out: string } {
  const file = path.join(dir, `m${fileNo++}.xml`);
  writeFileSync(file, xml, 'utf8');
  const r = spawnSync('xmllint', [...args, file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
const validateCap = (xml: string) => xmllint(xml, ['--noout', '--schema', XSD]);
const xpath = (xml: string, expr: string) => xmllint(xml, ['--xpath', expr]).out.trim();

const base = { regionCode: '33.10.04', regionName: 'Bayat', stage: 'pemungutan_suara', nowMs: NOW };
const officer = [{ id: 'r-1', source: 'officer' as const, status: 'verified' as const }];
const rise = buildLevelRiseAlert({ ...base, from: 'sedang', to: 'tinggi', score: 71.2, topCategories: ['politik_uang'], reports: officer });
const spike = buildSpikeAlert({ ...base, spike: detectSpike([NOW - 3 * H, NOW - 2 * H, NOW - H], NOW, DEFAULT_INDEX_CONFIG.spike), level: 'sedang', score: 30, reports: officer });
const sev4 = buildSeverity4Alert({ ...base, regionCode: '73.71.01.1001', regionName: 'Makassar', report: { id: 'r-2', severity: 4, category: 'kerusuhan_hasil', source: 'officer', status: 'new' } }) as TAlert;
const summary = splitLevelChanges(
  [{ regionCode: '94.71.01', regionName: 'Jayapura Utara', from: 'rendah', to: 'sedang', score: 20, cause: 'stage_boundary', stage: 'pemungutan_suara' }],
  [{ id: 'desk-papua', regionCode: '94', regionName: 'Papua' }],
  NOW,
).summaries[0] as TAlert;

describe('CAP grading', () => {
  it('follows the documented table', () => {
    expect(capGradingOf(sev4)).toEqual({ urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' });
    expect(capGradingOf({ ...sev4, isProvisional: true }).certainty).toBe('Possible');
    expect(capGradingOf(rise)).toEqual({ urgency: 'Expected', severity: 'Severe', certainty: 'Likely' });
    expect(capGradingOf({ ...rise, level: 'sedang' })).toEqual({ urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' });
    expect(capGradingOf(spike)).toEqual({ urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' });
    expect(capGradingOf({ ...spike, level: 'tinggi' })).toEqual({ urgency: 'Immediate', severity: 'Severe', certainty: 'Likely' });
    expect(capGradingOf(summary)).toEqual({ urgency: 'Future', severity: 'Minor', certainty: 'Possible' });
  });
});

describe('CAP dates and escaping', () => {
  it('formats with the region offset, seconds and no fraction', () => {
    expect(formatCapDateTime(NOW + 999, '33.10')).toBe('2024-11-27T10:00:00+07:00');
    expect(formatCapDateTime(NOW, '73.71')).toBe('2024-11-27T11:00:00+08:00');
    expect(formatCapDateTime(NOW, '94')).toBe('2024-11-27T12:00:00+09:00');
    expect(formatCapDateTime(Date.parse('2024-12-31T20:30:00Z'), '33')).toBe('2025-01-01T03:30:00+07:00');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`a & b <c> "d" 'e'`)).toBe('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;');
    expect(escapeXml('x\u0000\u0007y\uD800z\t\n😀')).toBe('xyz\t\n😀');
  });
});

describe('toCapXml', () => {
  it.each([
    ['level_rise', rise],
    ['spike', spike],
    ['severity4 (WITA)', sev4],
    ['stage_summary (WIT)', summary],
  ])('emits a %s message that validates against the CAP 1.2 schema', (_name, alert) => {
    for (const isDemo of [false, true]) {
      const xml = toCapXml(alert, { sender: 'sinergi@kesbangpol.jatengprov.go.id', senderName: 'Kesbangpol Jawa Tengah', isDemo, nowMs: NOW, web: 'https://sinergi.example.id/alerts/1' });
      const result = validateCap(xml);
      expect(result.out).toContain('validates');
      expect(result.ok).toBe(true);
    }
  });

  it('carries the required fields and the mapping', () => {
    const xml = toCapXml(rise, { sender: 'sinergi@klaten', isDemo: false, nowMs: NOW, web: 'https://sinergi.example.id/a?x=1&y=2' });
    const ns = "*[local-name()='alert']";
    expect(xpath(xml, `string(/${ns}/*[local-name()='identifier'])`)).toBe(capIdentifierOf(rise, 'sinergi@klaten'));
    expect(xpath(xml, `string(/${ns}/*[local-name()='sent'])`)).toBe('2024-11-27T10:00:00+07:00');
    expect(xpath(xml, `string(/${ns}/*[local-name()='status'])`)).toBe('Actual');
    expect(xpath(xml, `string(/${ns}/*[local-name()='msgType'])`)).toBe('Alert');
    expect(xpath(xml, `string(/${ns}/*[local-name()='scope'])`)).toBe('Restricted');
    expect(xpath(xml, `string(/${ns}/*[local-name()='incidents'])`)).toBe('r-1');
    const info = `/${ns}/*[local-name()='info'][1]`;
    expect(xpath(xml, `string(${info}/*[local-name()='language'])`)).toBe('id-ID');
    expect(xpath(xml, `string(/${ns}/*[local-name()='info'][2]/*[local-name()='language'])`)).toBe('en-US');
    expect(xpath(xml, `string(${info}/*[local-name()='category'])`)).toBe('Security');
    expect(xpath(xml, `string(${info}/*[local-name()='severity'])`)).toBe('Severe');
    expect(xpath(xml, `string(${info}/*[local-name()='web'])`)).toBe('https://sinergi.example.id/a?x=1&y=2');
    expect(xpath(xml, `string(${info}/*[local-name()='area']/*[local-name()='areaDesc'])`)).toBe('Bayat');
    expect(xpath(xml, `string(${info}/*[local-name()='area']/*[local-name()='geocode']/*[local-name()='valueName'])`)).toBe('KEMENDAGRI');
    expect(xpath(xml, `string(${info}/*[local-name()='area']/*[local-name()='geocode']/*[local-name()='value'])`)).toBe('33.10.04');
    expect(xpath(xml, `string(${info}/*[local-name()='description'])`)).toBe(rise.cause.id);
  });

  it('marks demo data as Exercise and survives hostile text', () => {
    const nasty: TAlert = {
      ...rise,
      id: 'a b,c<d>&e',
      regionName: 'Desa "A&B" <script>alert(1)</script> \u0001ujung',
      cause: { id: "Isi ']]> & <b>tebal</b> \u0000 😀", en: 'x & y' },
      reportIds: ['r 1', 'r,2', 'r&3'],
    };
    const xml = toCapXml(nasty, { sender: 'sinergi demo,1', isDemo: true, nowMs: NOW, web: 'javascript:alert(1)', contact: 'Desk <piket>' });
    const result = validateCap(xml);
    expect(result.ok).toBe(true);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<web>');
    expect(xpath(xml, "string(/*[local-name()='alert']/*[local-name()='status'])")).toBe('Exercise');
    expect(xpath(xml, "string(/*[local-name()='alert']/*[local-name()='identifier'])")).toBe('sinergi_demo_1.a_b_c_d_e');
    expect(xpath(xml, "string(/*[local-name()='alert']/*[local-name()='incidents'])")).toBe('r_1 r_2 r_3');
    expect(xpath(xml, "string(/*[local-name()='alert']/*[local-name()='info'][1]/*[local-name()='area']/*[local-name()='areaDesc'])")).toBe(
      'Desa "A&B" <script>alert(1)</script> ujung',
    );
  });

  it('the schema check can fail: a UTC "Z" time or a wrong element order is rejected', () => {
    const xml = toCapXml(rise, { sender: 's', isDemo: false, nowMs: NOW });
    expect(validateCap(xml.replace('2024-11-27T10:00:00+07:00', '2024-11-27T03:00:00Z')).ok).toBe(false);
    expect(validateCap(xml.replace('<msgType>Alert</msgType>', '<msgType>Alarm</msgType>')).ok).toBe(false);
    expect(validateCap(xml.replace(/<scope>Restricted<\/scope>\n/, '')).ok).toBe(false);
  });
});

describe('toCapAtomFeed', () => {
  const options = {
    feedId: 'https://sinergi.example.id/api/cap/feed.atom',
    title: 'Sinergi — peringatan dini (CAP)',
    selfUrl: 'https://sinergi.example.id/api/cap/feed.atom',
    capUrlOf: (a: TAlert) => `https://sinergi.example.id/api/cap/${encodeURIComponent(a.id)}.xml`,
    pageUrlOf: (a: TAlert) => `https://sinergi.example.id/alerts/${encodeURIComponent(a.id)}?tab=cap&x=1`,
    authorName: 'Kesbangpol <Jateng> & mitra',
    nowMs: NOW,
  };

  it('is well-formed Atom with one entry per alert linking to its CAP message, newest first', () => {
    const older = { ...spike, updatedAt: new Date(NOW - H).toISOString() };
    const xml = toCapAtomFeed([older, rise, sev4], options);
    expect(xmllint(xml, ['--noout']).ok).toBe(true);
    const feed = "/*[local-name()='feed' and namespace-uri()='http://www.w3.org/2005/Atom']";
    expect(xpath(xml, `count(${feed}/*[local-name()='entry'])`)).toBe('3');
    for (const required of ['id', 'title', 'updated']) {
      expect(xpath(xml, `count(${feed}/*[local-name()='${required}'])`)).toBe('1');
      expect(xpath(xml, `count(${feed}/*[local-name()='entry']/*[local-name()='${required}'])`)).toBe('3');
    }
    expect(xpath(xml, `string(${feed}/*[local-name()='author']/*[local-name()='name'])`)).toBe('Kesbangpol <Jateng> & mitra');
    expect(xpath(xml, `string(${feed}/*[local-name()='updated'])`)).toBe('2024-11-27T03:00:00Z');
    expect(xpath(xml, `count(${feed}/*[local-name()='entry']/*[local-name()='link'][@rel='alternate' and @type='application/cap+xml'])`)).toBe('3');
    expect(xpath(xml, `string(${feed}/*[local-name()='entry'][3]/*[local-name()='link'][@rel='alternate']/@href)`)).toBe(options.capUrlOf(older));
    expect(xpath(xml, `string(${feed}/*[local-name()='entry'][1]/*[local-name()='link'][@rel='related']/@href)`)).toBe(options.pageUrlOf(rise));
  });

  it('is valid when empty and uses now for updated', () => {
    const xml = toCapAtomFeed([], options);
    expect(xmllint(xml, ['--noout']).ok).toBe(true);
    expect(xpath(xml, "string(/*[local-name()='feed']/*[local-name()='updated'])")).toBe('2024-11-27T03:00:00Z');
    expect(xpath(xml, "count(/*[local-name()='feed']/*[local-name()='entry'])")).toBe('0');
  });
});
