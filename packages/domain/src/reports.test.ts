import { describe, expect, it } from 'vitest';
import { can } from './auth.js';
import { FIELD_MESSAGES } from './errors.js';
import {
  ACTION_PERMISSIONS,
  REPORT_ACTIONS,
  REPORT_ACTION_BODIES,
  REPORT_STATUSES,
  REPORT_STATUS_LABELS,
  REPORT_TRANSITIONS,
  ZReport,
  ZReportListQuery,
  allowedActions,
  allowedActionsFor,
  formatReceiptCode,
  isOpenStatus,
  nextStatus,
  publicReportCreateSchema,
  reportCreateSchema,
  type TReportAction,
  type TReportStatus,
} from './reports.js';
import { DEFAULT_TAXONOMY_CONFIG } from './taxonomy-config.js';

/**
 * The expected state machine, written out by hand so the test does not derive it from the code.
 * Missing (status, action) pairs are forbidden.
 */
const EXPECTED: Record<TReportStatus, Partial<Record<TReportAction, TReportStatus>>> = {
  draft: { structure: 'new', reject: 'rejected', comment: 'draft' },
  new: { verify: 'verified', reject: 'rejected', escalate: 'new', comment: 'new' },
  verified: { assign: 'in_progress', resolve: 'resolved', escalate: 'verified', comment: 'verified' },
  in_progress: { assign: 'in_progress', escalate: 'in_progress', resolve: 'resolved', comment: 'in_progress' },
  rejected: { reopen: 'new', comment: 'rejected' },
  resolved: { reopen: 'verified', comment: 'resolved' },
};

describe('report state machine', () => {
  const matrix = REPORT_STATUSES.flatMap((status) => REPORT_ACTIONS.map((action) => [status, action] as const));

  it('covers all 48 (status, action) pairs', () => {
    expect(matrix).toHaveLength(48);
  });

  it.each(matrix)('%s + %s', (status, action) => {
    const expected = EXPECTED[status][action] ?? null;
    expect(nextStatus(status, action)).toBe(expected);
  });

  it('lists exactly the allowed transitions in the table, with their permissions', () => {
    const expected = Object.entries(EXPECTED).flatMap(([from, actions]) =>
      Object.entries(actions).map(([action, to]) => `${from}:${action}->${to}:${ACTION_PERMISSIONS[action as TReportAction]}`),
    );
    const actual = REPORT_TRANSITIONS.map((t) => `${t.from}:${t.action}->${t.to}:${t.permission}`);
    expect(actual.sort()).toEqual(expected.sort());
    expect(actual).toHaveLength(19);
  });

  it('keeps verification separate from handling', () => {
    expect(ACTION_PERMISSIONS.verify).toBe('reports.verify');
    expect(ACTION_PERMISSIONS.reject).toBe('reports.verify');
    expect(ACTION_PERMISSIONS.structure).toBe('reports.verify');
    expect(ACTION_PERMISSIONS.assign).toBe('reports.handle');
    expect(ACTION_PERMISSIONS.resolve).toBe('reports.handle');
    expect(ACTION_PERMISSIONS.escalate).toBe('reports.handle');
    expect(ACTION_PERMISSIONS.comment).toBe('records.read');
  });

  it('gives each role only actions its permissions allow', () => {
    expect(allowedActions('new')).toEqual(['verify', 'reject', 'escalate', 'comment']);
    expect(allowedActionsFor('field_officer', 'new')).toEqual(['comment']);
    expect(allowedActionsFor('observer', 'verified')).toEqual(['comment']);
    expect(allowedActionsFor('district_desk', 'verified')).toEqual(['assign', 'escalate', 'resolve', 'comment']);
    for (const t of REPORT_TRANSITIONS) {
      expect(allowedActionsFor('admin', t.from)).toContain(t.action);
      expect(allowedActionsFor('field_officer', t.from).includes(t.action)).toBe(can('field_officer', t.permission));
    }
  });

  it('labels statuses in Indonesian and tells open from closed', () => {
    expect(REPORT_STATUS_LABELS.in_progress.id).toBe('Ditangani');
    expect(REPORT_STATUSES.filter(isOpenStatus)).toEqual(['draft', 'new', 'verified', 'in_progress']);
  });
});

const NOW = new Date('2024-11-20T10:00:00+07:00');
const clock = () => NOW;
const valid = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  category: 'politik_uang',
  subcategory: 'uang',
  severity: 2,
  regionCode: '33.10.04.2001',
  occurredAt: '2024-11-20T09:00:00+07:00',
  title: 'Amplop di balai desa',
  description: 'Warga melihat amplop dibagikan dekat balai desa.',
};

function messagesOf(result: { success: boolean; error?: { issues: { message: string }[] } }): string[] {
  return result.error?.issues.map((i) => i.message) ?? [];
}

describe('ZReportCreate', () => {
  const schema = reportCreateSchema(clock, DEFAULT_TAXONOMY_CONFIG);

  it('accepts a valid report and defaults confidential to false', () => {
    const parsed = schema.parse(valid);
    expect(parsed.confidential).toBe(false);
    expect(parsed.regionCode).toBe('33.10.04.2001');
  });

  it('accepts a time days in the past and up to 10 minutes ahead, but not more', () => {
    expect(schema.safeParse({ ...valid, occurredAt: '2024-11-01T08:00:00+07:00' }).success).toBe(true);
    expect(schema.safeParse({ ...valid, occurredAt: '2024-11-20T03:09:59Z' }).success).toBe(true);
    const late = schema.safeParse({ ...valid, occurredAt: '2024-11-20T10:10:01+07:00' });
    expect(messagesOf(late)).toEqual(['time.future']);
  });

  it('requires an offset on the time', () => {
    expect(messagesOf(schema.safeParse({ ...valid, occurredAt: '2024-11-20T09:00:00' }))).toEqual(['time.iso_offset']);
  });

  it('rejects unknown fields, categories and a subcategory from another category', () => {
    expect(schema.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(messagesOf(schema.safeParse({ ...valid, category: 'pencurian' }))).toContain('category.unknown');
    expect(messagesOf(schema.safeParse({ ...valid, subcategory: 'rusak' }))).toEqual(['subcategory.mismatch']);
  });

  it('judges category and subcategory against the taxonomy it is given: added ones pass, retired ones do not', () => {
    const config = structuredClone(DEFAULT_TAXONOMY_CONFIG);
    const money = config.categories.find((c) => c.code === 'politik_uang')!;
    money.subcategories.push({ code: 'voucher_digital', label: { id: 'Voucher digital', en: 'Digital voucher' }, retired: false });
    money.subcategories.find((s) => s.code === 'barang')!.retired = true;
    config.categories.find((c) => c.code === 'hoaks')!.retired = true;
    const withConfig = reportCreateSchema(clock, config);
    expect(withConfig.safeParse({ ...valid, subcategory: 'voucher_digital' }).success).toBe(true);
    expect(messagesOf(schema.safeParse({ ...valid, subcategory: 'voucher_digital' }))).toEqual(['subcategory.mismatch']);
    expect(messagesOf(withConfig.safeParse({ ...valid, subcategory: 'barang' }))).toEqual(['subcategory.retired']);
    expect(messagesOf(withConfig.safeParse({ ...valid, category: 'hoaks', subcategory: undefined }))).toEqual(['category.retired']);
    // the route schema (no taxonomy) leaves membership to the server's taxonomy in force
    expect(reportCreateSchema(clock).safeParse({ ...valid, subcategory: 'voucher_digital' }).success).toBe(true);
  });

  it('checks severity, village code, lengths, coordinates and tps id', () => {
    expect(messagesOf(schema.safeParse({ ...valid, severity: 5 }))).toEqual(['severity.invalid']);
    expect(messagesOf(schema.safeParse({ ...valid, regionCode: '33.10.04' }))).toEqual(['region.not_village']);
    expect(schema.safeParse({ ...valid, title: 'ab' }).success).toBe(false);
    expect(schema.safeParse({ ...valid, title: 'x'.repeat(201) }).success).toBe(false);
    expect(schema.safeParse({ ...valid, description: 'x'.repeat(5001) }).success).toBe(false);
    expect(schema.safeParse({ ...valid, involved: 'x'.repeat(2001) }).success).toBe(false);
    expect(schema.safeParse({ ...valid, lat: -7.7, lon: 110.6 }).success).toBe(true);
    expect(messagesOf(schema.safeParse({ ...valid, lat: -7.7 }))).toEqual(['location.incomplete']);
    expect(messagesOf(schema.safeParse({ ...valid, lat: 52.5, lon: 13.4 }))).toEqual(['location.outside_indonesia', 'location.outside_indonesia']);
    expect(schema.safeParse({ ...valid, tpsId: 'TPS 01' }).success).toBe(false);
    expect(schema.safeParse({ ...valid, id: 'not-a-uuid' }).success).toBe(false);
    expect(schema.safeParse({ ...valid, source: 'rumor' }).success).toBe(false);
  });
});

describe('ZPublicReportCreate', () => {
  const schema = publicReportCreateSchema(clock);
  const pow = { challenge: 'abcdefgh.123', nonce: '1z' };

  it('needs a proof of work and accepts an optional contact; severity defaults to 2', () => {
    const { severity: _s, ...noSeverity } = valid;
    const parsed = schema.parse({ ...noSeverity, pow, contact: { phone: '+62 812-3456-7890' } });
    expect(parsed.severity).toBe(2);
    expect(schema.safeParse({ ...valid }).success).toBe(false);
    expect(messagesOf(schema.safeParse({ ...valid, pow, contact: { phone: 'call me' } }))).toEqual(['phone.invalid']);
    expect(schema.safeParse({ ...valid, pow, confidential: true }).success).toBe(false);
  });
});

describe('action bodies', () => {
  it('require a version and the reason or outcome where one is needed', () => {
    expect(REPORT_ACTION_BODIES.verify.safeParse({ version: 3 }).success).toBe(true);
    expect(REPORT_ACTION_BODIES.reject.safeParse({ version: 3 }).success).toBe(false);
    expect(REPORT_ACTION_BODIES.reject.safeParse({ version: 3, reason: 'Tidak terbukti' }).success).toBe(true);
    expect(REPORT_ACTION_BODIES.assign.safeParse({ version: 1, orgCode: 'bawaslu' }).success).toBe(true);
    expect(REPORT_ACTION_BODIES.resolve.safeParse({ version: 1 }).success).toBe(false);
    expect(REPORT_ACTION_BODIES.reopen.safeParse({ version: 0, reason: 'Muncul lagi' }).success).toBe(false);
    expect(REPORT_ACTION_BODIES.comment.safeParse({ text: '' }).success).toBe(false);
    expect(REPORT_ACTION_BODIES.escalate.safeParse({ version: 1, reason: 'Massa berkumpul', extra: true }).success).toBe(false);
    expect(
      REPORT_ACTION_BODIES.structure.safeParse({ version: 1, category: 'logistik', subcategory: 'rusak', severity: 2, regionCode: '33.10.04.2001' }).success,
    ).toBe(true);
  });
});

describe('ZReportListQuery', () => {
  it('splits comma-separated and repeated list filters and coerces severity', () => {
    const q = ZReportListQuery.parse({ category: 'hoaks,politik_uang', severity: ['3', '4'], status: 'new', limit: '20' });
    expect(q.category).toEqual(['hoaks', 'politik_uang']);
    expect(q.severity).toEqual([3, 4]);
    expect(q.status).toEqual(['new']);
    expect(q.limit).toBe(20);
    expect(ZReportListQuery.safeParse({ severity: '7' }).success).toBe(false);
    expect(ZReportListQuery.safeParse({ status: 'open' }).success).toBe(false);
    expect(ZReportListQuery.safeParse({ from: '2024-11-01' }).success).toBe(false);
    expect(ZReportListQuery.safeParse({ format: 'geojson' }).success).toBe(true);
  });
});

describe('ZReport', () => {
  it('presents a report with a hidden reporter', () => {
    const report = {
      ...valid,
      subcategory: 'uang',
      involved: null,
      source: 'public',
      tpsId: null,
      lat: null,
      lon: null,
      confidential: true,
      status: 'new',
      electionId: null,
      stageCode: null,
      stageName: null,
      escalationLevel: 'village',
      assignedOrg: null,
      reporter: null,
      possibleDuplicateOf: [],
      incidentId: null,
      version: 1,
      createdAt: '2024-11-20T02:00:00.000Z',
      updatedAt: '2024-11-20T02:00:00.000Z',
    };
    expect(ZReport.parse(report).reporter).toBeNull();
    expect(ZReport.safeParse({ ...report, escalationLevel: 'nation' }).success).toBe(false);
  });
});

describe('formatReceiptCode', () => {
  it('encodes 40 bits as Crockford base32 in two groups', () => {
    expect(formatReceiptCode(new Uint8Array([0, 0, 0, 0, 0]))).toBe('SNG-0000-0000');
    expect(formatReceiptCode(new Uint8Array([255, 255, 255, 255, 255, 9]))).toBe('SNG-ZZZZ-ZZZZ');
    expect(formatReceiptCode(new Uint8Array([0, 0, 0, 0, 33]))).toBe('SNG-0000-0011');
    expect(() => formatReceiptCode(new Uint8Array(4))).toThrow();
  });
});

describe('field messages', () => {
  it('has a translation for every refinement key the report schemas use', () => {
    for (const key of ['time.future', 'time.iso_offset', 'subcategory.mismatch', 'location.incomplete', 'location.outside_indonesia', 'severity.invalid', 'category.unknown', 'phone.invalid']) {
      expect(FIELD_MESSAGES[key], key).toBeDefined();
    }
  });
});
