import { describe, expect, it } from 'vitest';
import { FIELD_MESSAGES } from './errors.js';
import { DEFAULT_PILLARS } from './pillars.js';
import {
  CATEGORIES,
  CATEGORY_CODES,
  SEVERITIES,
  SEVERITY_LABELS,
  ZSeverity,
  bawasluDeadline,
  defaultHandlerOf,
} from './taxonomy.js';
import { DEFAULT_TAXONOMY_CONFIG, ZTaxonomy, buildTaxonomy, intakeIssue } from './taxonomy-config.js';

const pillarCodes = new Set(DEFAULT_PILLARS.map((p) => p.code));

describe('taxonomy', () => {
  it('has the 17 categories of shared/domain.md §4, each with labels, handlers and subcategories', () => {
    expect(CATEGORY_CODES).toHaveLength(17);
    for (const code of CATEGORY_CODES) {
      const c = CATEGORIES[code];
      expect(c.code).toBe(code);
      expect(c.label.id.length).toBeGreaterThan(3);
      expect(c.label.en.length).toBeGreaterThan(3);
      expect(c.handlers[0]).toBe(c.defaultHandler);
      for (const h of c.handlers) expect(pillarCodes.has(h), `${code}: ${h}`).toBe(true);
      expect(c.subcategories.length).toBeGreaterThanOrEqual(2);
      expect(new Set(c.subcategories.map((s) => s.code)).size).toBe(c.subcategories.length);
      for (const s of c.subcategories) expect(s.label.id && s.label.en).toBeTruthy();
    }
  });

  it('routes categories to their default handlers', () => {
    expect(defaultHandlerOf('politik_uang')).toBe('bawaslu');
    expect(defaultHandlerOf('netralitas_asn')).toBe('bawaslu');
    expect(defaultHandlerOf('hoaks')).toBe('kominfo');
    expect(defaultHandlerOf('konflik_sosial')).toBe('polri');
    expect(defaultHandlerOf('logistik')).toBe('kpu');
    expect(defaultHandlerOf('bencana_gangguan')).toBe('bpbd');
    expect(CATEGORIES.netralitas_asn.handlers).toContain('bkn');
    expect(CATEGORIES.netralitas_penyelenggara.handlers).toContain('dkpp');
  });

  it('names the subcategories the issue lists', () => {
    expect(CATEGORIES.konflik_sosial.subcategories.map((s) => s.code)).toEqual(['komunal', 'horizontal', 'antarkelompok', 'bentrok_pendukung']);
    expect(CATEGORIES.logistik.subcategories.map((s) => s.code)).toEqual(['rusak', 'kurang', 'tertukar', 'terlambat']);
    expect(intakeIssue(DEFAULT_TAXONOMY_CONFIG, 'politik_uang', 'barang')).toBeNull();
    expect(intakeIssue(DEFAULT_TAXONOMY_CONFIG, 'politik_uang', 'rusak')).toEqual({ path: ['subcategory'], message: 'subcategory.mismatch' });
  });

  it('marks election violations and computes the 7-day Bawaslu window', () => {
    const violations = CATEGORY_CODES.filter((c) => CATEGORIES[c].isElectionViolation);
    expect(violations).toContain('politik_uang');
    expect(violations).toContain('netralitas_kades');
    expect(violations).not.toContain('bencana_gangguan');
    expect(violations).not.toContain('logistik');
    const found = new Date('2024-11-20T19:00:00+07:00');
    expect(bawasluDeadline('politik_uang', found)).toEqual(new Date('2024-11-27T19:00:00+07:00'));
    expect(bawasluDeadline('bencana_gangguan', found)).toBeNull();
  });

  it('explains the four severities in both languages', () => {
    expect(SEVERITIES).toEqual([1, 2, 3, 4]);
    expect(SEVERITY_LABELS[4].label).toEqual({ id: 'Kritis', en: 'Critical' });
    expect(SEVERITY_LABELS[3].meaning.en).toContain('crime');
    expect(ZSeverity.safeParse(0).success).toBe(false);
    expect(ZSeverity.safeParse('3').success).toBe(false);
    expect(ZSeverity.safeParse(2.5).success).toBe(false);
  });

  it('builds the GET /api/taxonomy response', () => {
    const t = ZTaxonomy.parse(buildTaxonomy());
    expect(t.categories).toHaveLength(17);
    expect(t.version).toBe(1);
    expect(t.categories.every((c) => !c.retired && c.subcategories.every((s) => !s.retired))).toBe(true);
    expect(t.severities.map((s) => s.level)).toEqual([1, 2, 3, 4]);
    expect(t.sources.map((s) => s.code)).toContain('inbound_message');
    expect(t.bawasluReportingWindowDays).toBe(7);
  });

  it('translates its refinement keys', () => {
    for (const key of ['category.unknown', 'severity.invalid', 'source.unknown', 'subcategory.mismatch']) expect(FIELD_MESSAGES[key], key).toBeDefined();
  });
});
