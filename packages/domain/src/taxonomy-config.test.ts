import { describe, expect, it } from 'vitest';
import { FIELD_MESSAGES, translateFieldMessage } from './errors.js';
import { CATEGORIES, CATEGORY_CODES } from './taxonomy.js';
import {
  DEFAULT_HANDLER_CODES,
  DEFAULT_TAXONOMY_CONFIG,
  DEFAULT_TAXONOMY_VERSION,
  ZTaxonomy,
  ZTaxonomyConfig,
  buildTaxonomy,
  categoryLabelIn,
  defaultHandlerIn,
  intakeIssue,
  selectTaxonomyVersion,
  taxonomyConfigSchema,
  type TTaxonomyConfig,
  type TTaxonomyVersion,
} from './taxonomy-config.js';

const context = { handlerCodes: DEFAULT_HANDLER_CODES, previous: DEFAULT_TAXONOMY_CONFIG };

function edited(change: (config: TTaxonomyConfig) => void): TTaxonomyConfig {
  const config = structuredClone(DEFAULT_TAXONOMY_CONFIG);
  change(config);
  return config;
}

function issuesOf(config: unknown): { path: string; message: string }[] {
  const result = taxonomyConfigSchema(context).safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const cat = (config: TTaxonomyConfig, code: string) => config.categories.find((c) => c.code === code)!;

describe('taxonomy configuration', () => {
  it('takes the built-in taxonomy as version 1, every category and subcategory offered', () => {
    expect(ZTaxonomyConfig.parse(DEFAULT_TAXONOMY_CONFIG)).toEqual(DEFAULT_TAXONOMY_CONFIG);
    expect(DEFAULT_TAXONOMY_CONFIG.categories.map((c) => c.code)).toEqual([...CATEGORY_CODES]);
    expect(cat(DEFAULT_TAXONOMY_CONFIG, 'politik_uang').subcategories.map((s) => s.code)).toEqual(CATEGORIES.politik_uang.subcategories.map((s) => s.code));
    expect(issuesOf(DEFAULT_TAXONOMY_CONFIG)).toEqual([]);
    expect(DEFAULT_TAXONOMY_VERSION).toMatchObject({ version: 1, isDefault: true });
  });

  it('accepts new labels, a new handler, a new subcategory, retiring and restoring', () => {
    const config = edited((c) => {
      cat(c, 'hoaks').label = { id: 'Hoaks / berita bohong', en: 'Hoax / fake news' };
      cat(c, 'hoaks').defaultHandler = 'kesbangpol';
      cat(c, 'politik_uang').subcategories.push({ code: 'voucher_digital', label: { id: 'Voucher digital', en: 'Digital voucher' }, retired: false });
      cat(c, 'politik_uang').subcategories.find((s) => s.code === 'barang')!.retired = true;
      cat(c, 'logistik').retired = true;
    });
    expect(issuesOf(config)).toEqual([]);
    expect(defaultHandlerIn(config, 'hoaks')).toBe('kesbangpol');
    expect(categoryLabelIn(config, 'hoaks').id).toBe('Hoaks / berita bohong');
    // restoring: the retired flag goes back to false
    const restored = structuredClone(config);
    cat(restored, 'politik_uang').subcategories.find((s) => s.code === 'barang')!.retired = false;
    expect(taxonomyConfigSchema({ ...context, previous: config }).safeParse(restored).success).toBe(true);
  });

  it('names the field of each problem', () => {
    const logistikIndex = CATEGORY_CODES.indexOf('logistik');
    const moneyIndex = CATEGORY_CODES.indexOf('politik_uang');
    // empty label
    expect(issuesOf(edited((c) => (cat(c, 'logistik').label.id = '  ')))).toEqual([{ path: `categories.${logistikIndex}.label.id`, message: 'label.empty' }]);
    // unknown handler
    expect(issuesOf(edited((c) => (cat(c, 'logistik').defaultHandler = 'dukun')))).toEqual([{ path: `categories.${logistikIndex}.defaultHandler`, message: 'pillar.unknown' }]);
    // duplicate subcategory code
    expect(issuesOf(edited((c) => cat(c, 'politik_uang').subcategories.push({ code: 'uang', label: { id: 'Uang lagi', en: 'Money again' }, retired: false })))).toEqual([
      { path: `categories.${moneyIndex}.subcategories.5.code`, message: 'subcategory.duplicate' },
    ]);
    // code pattern
    expect(issuesOf(edited((c) => cat(c, 'politik_uang').subcategories.push({ code: 'Voucher Digital', label: { id: 'V', en: 'V' }, retired: false })))[0]?.message).toBe('subcategory.code_invalid');
    // removing instead of retiring
    expect(issuesOf(edited((c) => (cat(c, 'politik_uang').subcategories = cat(c, 'politik_uang').subcategories.filter((s) => s.code !== 'barang'))))).toEqual([
      { path: `categories.${moneyIndex}.subcategories`, message: 'subcategory.removed:barang' },
    ]);
    // a category left out, or an unknown one
    expect(issuesOf(edited((c) => (c.categories = c.categories.filter((x) => x.code !== 'hoaks'))))).toEqual([{ path: 'categories', message: 'taxonomy.category_missing:hoaks' }]);
    expect(issuesOf(edited((c) => (cat(c, 'hoaks').code = 'pencurian' as never))).map((i) => i.message)).toContain('category.unknown');
    expect(issuesOf(edited((c) => c.categories.push(structuredClone(cat(c, 'hoaks'))))).map((i) => i.message)).toEqual(['taxonomy.category_duplicate']);
    // nothing offered at all
    expect(issuesOf(edited((c) => c.categories.forEach((x) => (x.retired = true)))).map((i) => i.message)).toEqual(['taxonomy.none_offered']);
    // unknown fields
    expect(issuesOf({ ...DEFAULT_TAXONOMY_CONFIG, extra: 1 }).length).toBe(1);
  });

  it('has a message in both languages for every key it raises', () => {
    for (const key of ['label.empty', 'pillar.unknown', 'subcategory.duplicate', 'subcategory.code_invalid', 'subcategory.removed', 'taxonomy.category_missing', 'taxonomy.category_duplicate', 'taxonomy.none_offered', 'category.retired', 'subcategory.retired']) {
      expect(FIELD_MESSAGES[key], key).toBeDefined();
    }
    expect(translateFieldMessage('subcategory.removed:barang', 'en')).toContain('barang');
  });

  it('judges what a new report may carry under a configuration', () => {
    const config = edited((c) => {
      cat(c, 'politik_uang').subcategories.push({ code: 'voucher_digital', label: { id: 'Voucher digital', en: 'Digital voucher' }, retired: false });
      cat(c, 'politik_uang').subcategories.find((s) => s.code === 'barang')!.retired = true;
      cat(c, 'logistik').retired = true;
    });
    expect(intakeIssue(config, 'politik_uang', 'voucher_digital')).toBeNull();
    expect(intakeIssue(config, 'politik_uang', undefined)).toBeNull();
    expect(intakeIssue(config, 'politik_uang', 'barang')).toEqual({ path: ['subcategory'], message: 'subcategory.retired' });
    expect(intakeIssue(config, 'politik_uang', 'rusak')).toEqual({ path: ['subcategory'], message: 'subcategory.mismatch' });
    expect(intakeIssue(config, 'logistik', 'rusak')).toEqual({ path: ['category'], message: 'category.retired' });
    expect(intakeIssue(DEFAULT_TAXONOMY_CONFIG, 'politik_uang', 'voucher_digital')).toEqual({ path: ['subcategory'], message: 'subcategory.mismatch' });
  });

  it('selects the version in force at an instant', () => {
    const v = (version: number, effectiveFrom: string): TTaxonomyVersion => ({ ...DEFAULT_TAXONOMY_VERSION, version, effectiveFrom, isDefault: false });
    const v2 = v(2, '2024-11-01T00:00:00Z');
    const v3 = v(3, '2024-11-10T00:00:00Z');
    const v4 = v(4, '2024-11-10T00:00:00Z');
    const all = [DEFAULT_TAXONOMY_VERSION, v4, v3, v2];
    expect(selectTaxonomyVersion(all, Date.parse('2024-10-01T00:00:00Z')).version).toBe(1);
    expect(selectTaxonomyVersion(all, Date.parse('2024-11-01T00:00:00Z')).version).toBe(2);
    expect(selectTaxonomyVersion(all, Date.parse('2024-11-09T23:59:59Z')).version).toBe(2);
    // two versions effective at the same instant: the higher wins
    expect(selectTaxonomyVersion(all, Date.parse('2024-11-10T00:00:00Z')).version).toBe(4);
    expect(selectTaxonomyVersion([], Date.now()).version).toBe(1);
  });

  it('presents a version for GET /api/taxonomy with retired items marked and the default handler first', () => {
    const config = edited((c) => {
      cat(c, 'hoaks').defaultHandler = 'kesbangpol';
      cat(c, 'politik_uang').subcategories.find((s) => s.code === 'barang')!.retired = true;
      cat(c, 'logistik').retired = true;
    });
    const t = ZTaxonomy.parse(buildTaxonomy({ ...DEFAULT_TAXONOMY_VERSION, version: 2, config, isDefault: false }));
    expect(t.version).toBe(2);
    const hoaks = t.categories.find((c) => c.code === 'hoaks')!;
    expect(hoaks.handlers).toEqual(['kesbangpol', 'kominfo', 'polri']);
    expect(t.categories.find((c) => c.code === 'logistik')!.retired).toBe(true);
    expect(t.categories.find((c) => c.code === 'politik_uang')!.subcategories.find((s) => s.code === 'barang')).toMatchObject({ retired: true, label: { id: 'Barang / sembako' } });
  });
});
