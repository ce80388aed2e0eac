import { z } from 'zod';
import { selectVersionInForce, versionListSchemaOf, versionSchemaOf } from './config-versions.js';
import { DEFAULT_PILLARS } from './pillars.js';
import {
  BAWASLU_REPORTING_WINDOW_DAYS,
  CATEGORIES,
  CATEGORY_CODES,
  REPORT_SOURCES,
  REPORT_SOURCE_LABELS,
  SEVERITIES,
  SEVERITY_LABELS,
  ZCategoryCode,
  ZLabel,
  ZReportSource,
  type TCategoryCode,
  type TLabel,
} from './taxonomy.js';

/*
 * The report taxonomy as run-time configuration. The category CODES are fixed (shared/domain.md
 * §4: the index weights, the CAP mapping and the alert rules key on them); an administrator
 * changes, per category, the labels, the default handling pillar/agency, whether it is offered
 * on intake forms, and its subcategories — adds, relabels, retires, never deletes, so an old
 * report keeps a subcategory the taxonomy still knows. Each change is a new version in force
 * from an instant, like the SLA times (config-api.ts); version 1 is the built-in taxonomy.
 */

/** Shape of a subcategory code, as the built-in ones (`serangan_fajar`, `kpu_adhoc`); at most 40 characters like a report's field. */
export const SUBCATEGORY_CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

const ZLabelText = z.string().trim().min(1, { message: 'label.empty' }).max(120, { message: 'label.too_long' });
/** A label an administrator writes: both languages, neither empty. */
export const ZTaxonomyLabel = z.strictObject({ id: ZLabelText, en: ZLabelText });

/** One subcategory in the configuration. A retired one is refused on new reports and still labels old ones. */
export const ZTaxonomySubcategoryConfig = z.strictObject({
  code: z.string().regex(SUBCATEGORY_CODE_PATTERN, { message: 'subcategory.code_invalid' }),
  label: ZTaxonomyLabel,
  retired: z.boolean().default(false),
});
/** One subcategory in the configuration. */
export type TTaxonomySubcategoryConfig = z.infer<typeof ZTaxonomySubcategoryConfig>;

/** One category in the configuration: its code is one of the fixed CATEGORY_CODES. */
export const ZTaxonomyCategoryConfig = z.strictObject({
  code: ZCategoryCode,
  label: ZTaxonomyLabel,
  defaultHandler: z.string().trim().min(2, { message: 'pillar.unknown' }).max(40, { message: 'pillar.unknown' }),
  /** Not offered on intake forms: refused on new reports; old reports stay valid and readable. */
  retired: z.boolean().default(false),
  subcategories: z.array(ZTaxonomySubcategoryConfig).max(60),
});
/** One category in the configuration. */
export type TTaxonomyCategoryConfig = z.infer<typeof ZTaxonomyCategoryConfig>;

/** Cross-field rules that need nothing outside the configuration itself. */
function checkTaxonomyShape(value: { categories: TTaxonomyCategoryConfig[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  value.categories.forEach((c, i) => {
    if (seen.has(c.code)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'code'], message: 'taxonomy.category_duplicate' });
    seen.add(c.code);
    const codes = new Set<string>();
    c.subcategories.forEach((s, j) => {
      if (codes.has(s.code)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'subcategories', j, 'code'], message: 'subcategory.duplicate' });
      codes.add(s.code);
    });
  });
  for (const code of CATEGORY_CODES) {
    if (!seen.has(code)) ctx.addIssue({ code: 'custom', path: ['categories'], message: `taxonomy.category_missing:${code}` });
  }
  if (value.categories.length > 0 && value.categories.every((c) => c.retired)) {
    ctx.addIssue({ code: 'custom', path: ['categories'], message: 'taxonomy.none_offered' });
  }
}

/**
 * The whole taxonomy configuration: every category code exactly once, subcategory codes unique
 * within their category, at least one category offered.
 */
export const ZTaxonomyConfig = z.strictObject({ categories: z.array(ZTaxonomyCategoryConfig).max(CATEGORY_CODES.length * 2) }).superRefine(checkTaxonomyShape);
/** The taxonomy configuration. */
export type TTaxonomyConfig = z.infer<typeof ZTaxonomyConfig>;

/** What a new version is judged against besides its own shape. */
export interface TTaxonomyChangeContext {
  /** Pillar/agency codes a report can be assigned to (the pillars table; DEFAULT_PILLARS by default). */
  handlerCodes: readonly string[];
  /** The newest version so far: none of its subcategories may disappear (retire them instead). */
  previous?: TTaxonomyConfig | undefined;
}

/** One problem of a taxonomy change: where, and a FIELD_MESSAGES key. */
export interface TTaxonomyIssue {
  path: (string | number)[];
  message: string;
}

/** The rules that need the known handlers and the previous version: an unknown handler, a removed subcategory. */
export function checkTaxonomyChange(config: TTaxonomyConfig, context: TTaxonomyChangeContext): TTaxonomyIssue[] {
  const issues: TTaxonomyIssue[] = [];
  const handlers = new Set(context.handlerCodes);
  config.categories.forEach((c, i) => {
    if (!handlers.has(c.defaultHandler)) issues.push({ path: ['categories', i, 'defaultHandler'], message: 'pillar.unknown' });
    const before = context.previous?.categories.find((p) => p.code === c.code);
    if (!before) return;
    const now = new Set(c.subcategories.map((s) => s.code));
    for (const s of before.subcategories) {
      if (!now.has(s.code)) issues.push({ path: ['categories', i, 'subcategories'], message: `subcategory.removed:${s.code}` });
    }
  });
  return issues;
}

/** The taxonomy configuration with every rule: its shape, known handlers, nothing removed since `previous`. */
export function taxonomyConfigSchema(context: TTaxonomyChangeContext) {
  return ZTaxonomyConfig.superRefine((value, ctx) => {
    for (const issue of checkTaxonomyChange(value, context)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
}

/** The built-in taxonomy (taxonomy.ts CATEGORIES) as a configuration: version 1. */
export const DEFAULT_TAXONOMY_CONFIG: TTaxonomyConfig = {
  categories: CATEGORY_CODES.map((code) => {
    const c = CATEGORIES[code];
    return {
      code,
      label: { ...c.label },
      defaultHandler: c.defaultHandler,
      retired: false,
      subcategories: c.subcategories.map((s) => ({ code: s.code, label: { ...s.label }, retired: false })),
    };
  }),
};

/** One version of the taxonomy. Version 1 is the built-in one. */
export const ZTaxonomyVersion = versionSchemaOf(ZTaxonomyConfig);
/** One taxonomy version. */
export type TTaxonomyVersion = z.infer<typeof ZTaxonomyVersion>;

/** The taxonomy versions and the one in force now. */
export const ZTaxonomyConfigList = versionListSchemaOf(ZTaxonomyVersion);
/** The taxonomy versions. */
export type TTaxonomyConfigList = z.infer<typeof ZTaxonomyConfigList>;

/**
 * A new taxonomy version. `baseVersion` is the newest version the edit started from: when
 * someone saved another version meanwhile the save is refused (409) rather than undoing theirs.
 */
export const ZTaxonomyConfigCreate = z.strictObject({
  baseVersion: z.number().int().min(1),
  config: ZTaxonomyConfig,
  effectiveFrom: z.iso.datetime({ offset: true, message: 'time.iso_offset' }).optional(),
  note: z.string().trim().max(2000).optional(),
});
/** A new taxonomy version. */
export type TTaxonomyConfigCreate = z.infer<typeof ZTaxonomyConfigCreate>;

/** The built-in taxonomy as version 1. */
export const DEFAULT_TAXONOMY_VERSION: TTaxonomyVersion = {
  version: 1,
  effectiveFrom: '2000-01-01T00:00:00.000Z',
  config: DEFAULT_TAXONOMY_CONFIG,
  note: 'Bawaan / default (packages/domain taxonomy.ts)',
  createdBy: null,
  createdAt: null,
  isDefault: true,
};

/** The taxonomy version in force at `atMs`: the latest effective one, the higher version winning a tie. */
export function selectTaxonomyVersion(versions: readonly TTaxonomyVersion[], atMs: number): TTaxonomyVersion {
  return selectVersionInForce(versions, atMs, DEFAULT_TAXONOMY_VERSION);
}

/** A category of the configuration (every code is in a valid one). */
export function categoryConfigOf(config: TTaxonomyConfig, category: TCategoryCode): TTaxonomyCategoryConfig | undefined {
  return config.categories.find((c) => c.code === category);
}

/** The organisation a report of this category is assigned to by default under this configuration. */
export function defaultHandlerIn(config: TTaxonomyConfig, category: TCategoryCode): string {
  return categoryConfigOf(config, category)?.defaultHandler ?? CATEGORIES[category].defaultHandler;
}

/** The category's label under this configuration. */
export function categoryLabelIn(config: TTaxonomyConfig, category: TCategoryCode): TLabel {
  return categoryConfigOf(config, category)?.label ?? CATEGORIES[category].label;
}

/**
 * Why a NEW report may not carry this category and subcategory under this configuration, as
 * {path, FIELD_MESSAGES key}, or null when it may: the category or the subcategory is retired, or
 * the subcategory is not one of the category's. Old reports are never judged by this.
 */
export function intakeIssue(config: TTaxonomyConfig, category: TCategoryCode, subcategory: string | null | undefined): TTaxonomyIssue | null {
  const c = categoryConfigOf(config, category);
  if (!c) return { path: ['category'], message: 'category.unknown' };
  if (c.retired) return { path: ['category'], message: 'category.retired' };
  if (subcategory === undefined || subcategory === null) return null;
  const s = c.subcategories.find((x) => x.code === subcategory);
  if (!s) return { path: ['subcategory'], message: 'subcategory.mismatch' };
  if (s.retired) return { path: ['subcategory'], message: 'subcategory.retired' };
  return null;
}

/** Every pillar/agency code of the default pillars: the handlers a configuration may name when no pillars table is at hand. */
export const DEFAULT_HANDLER_CODES: readonly string[] = DEFAULT_PILLARS.map((p) => p.code);

/** GET /api/taxonomy: the taxonomy in force, everything a form needs to offer categories, severities and sources. */
export const ZTaxonomy = z.object({
  version: z.number().int().describe('the taxonomy version in force'),
  effectiveFrom: z.string(),
  categories: z.array(
    z.object({
      code: ZCategoryCode,
      label: ZLabel,
      defaultHandler: z.string(),
      handlers: z.array(z.string()).describe('every organisation involved, the default handler first'),
      isElectionViolation: z.boolean(),
      retired: z.boolean().describe('not offered on intake forms; old reports keep it'),
      subcategories: z.array(z.object({ code: z.string(), label: ZLabel, retired: z.boolean() })).describe('retired ones are still listed so old reports can be labelled'),
    }),
  ),
  severities: z.array(z.object({ level: z.number().int(), label: ZLabel, meaning: ZLabel })),
  sources: z.array(z.object({ code: ZReportSource, label: ZLabel })),
  bawasluReportingWindowDays: z.number().int(),
});
/** GET /api/taxonomy response. */
export type TTaxonomy = z.infer<typeof ZTaxonomy>;

/** A taxonomy version as GET /api/taxonomy presents it (default: the built-in one). */
export function buildTaxonomy(version: TTaxonomyVersion = DEFAULT_TAXONOMY_VERSION): TTaxonomy {
  const configured = new Map(version.config.categories.map((c) => [c.code, c]));
  return {
    version: version.version,
    effectiveFrom: version.effectiveFrom,
    categories: CATEGORY_CODES.map((code) => {
      const builtIn = CATEGORIES[code];
      const c = configured.get(code) ?? DEFAULT_TAXONOMY_CONFIG.categories.find((d) => d.code === code)!;
      return {
        code,
        label: c.label,
        defaultHandler: c.defaultHandler,
        handlers: [c.defaultHandler, ...builtIn.handlers.filter((h) => h !== c.defaultHandler)],
        isElectionViolation: builtIn.isElectionViolation,
        retired: c.retired,
        subcategories: c.subcategories.map((s) => ({ code: s.code, label: s.label, retired: s.retired })),
      };
    }),
    severities: SEVERITIES.map((level) => ({ level, ...SEVERITY_LABELS[level] })),
    sources: REPORT_SOURCES.map((code) => ({ code, label: REPORT_SOURCE_LABELS[code] })),
    bawasluReportingWindowDays: BAWASLU_REPORTING_WINDOW_DAYS,
  };
}
