import type { TElection, TReport, TReportAction, TReportEvent, TReportReceipt, TTaxonomy } from '@sinergi/domain';
import { request } from './client';
import type { Page } from './index';

/** POST /api/reports body as the field form sends it (the domain's TReportCreate, as sent). */
export interface ReportCreateInput {
  id: string;
  category: string;
  subcategory?: string;
  severity: number;
  regionCode: string;
  occurredAt: string;
  title: string;
  description: string;
  involved?: string;
  lat?: number;
  lon?: number;
  confidential: boolean;
}

/** GET /api/reports/:id: the report, its timeline, what the caller may do, and its version. */
export type ReportDetail = TReport & { timeline: TReportEvent[]; publicContact?: { name?: string; phone?: string } };

export interface ReportListQuery {
  region?: string;
  category?: string;
  severity?: string;
  status?: string;
  escalationLevel?: string;
  /** occurredAt ≥ from, < to (ISO 8601) */
  from?: string;
  to?: string;
  q?: string;
  cursor?: string | null;
  limit?: number;
}

/** Bodies of the workflow actions (the domain's TReportActionBody, as sent). */
export interface ActionBodies {
  verify: { version: number; comment?: string };
  reject: { version: number; reason: string };
  assign: { version: number; orgCode: string; comment?: string };
  escalate: { version: number; reason: string };
  resolve: { version: number; outcome: string };
  reopen: { version: number; reason: string };
  comment: { text: string };
}
export type DeskAction = keyof ActionBodies & TReportAction;

/** POST /api/reports/:id/structure: a desk completes a draft from an inbound message. */
export interface StructureBody {
  version: number;
  category: string;
  subcategory?: string;
  severity: number;
  regionCode: string;
  title?: string;
  description?: string;
  involved?: string;
  comment?: string;
}

/** Download formats of the report list (GET /api/reports?format=…). */
export type ExportFormat = 'csv' | 'xlsx' | 'geojson';

export interface Attachment {
  id: string;
  reportId: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: string;
  url: string;
}

const enc = encodeURIComponent;

export const reportsApi = {
  taxonomy: (signal?: AbortSignal) => request<TTaxonomy>('GET', '/api/taxonomy', { signal }),
  elections: (signal?: AbortSignal) => request<{ items: (TElection & { daysToVoting?: number | null })[] }>('GET', '/api/elections', { signal }),
  create: (input: ReportCreateInput) => request<TReportReceipt>('POST', '/api/reports', { body: input }),
  list: (query: ReportListQuery, signal?: AbortSignal) => request<Page<TReport>>('GET', '/api/reports', { query: { ...query }, signal }),
  get: (id: string, signal?: AbortSignal) => request<ReportDetail>('GET', `/api/reports/${enc(id)}`, { signal }),
  act: <A extends DeskAction>(id: string, action: A, body: ActionBodies[A]) => request<TReport>('POST', `/api/reports/${enc(id)}/${action}`, { body }),
  structure: (id: string, body: StructureBody) => request<TReport>('POST', `/api/reports/${enc(id)}/structure`, { body }),
  /** The URL that downloads the filtered list (the browser sends the session cookie). */
  exportUrl: (query: Omit<ReportListQuery, 'cursor' | 'limit'>, format: ExportFormat) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, String(value));
    params.set('format', format);
    return `/api/reports?${params.toString()}`;
  },
  attachments: (id: string, signal?: AbortSignal) => request<{ items: Attachment[] }>('GET', `/api/reports/${enc(id)}/attachments`, { signal }),
  attach: (id: string, file: Blob, filename: string) => {
    const form = new FormData();
    form.append('file', file, filename);
    return request<unknown>('POST', `/api/reports/${enc(id)}/attachments`, { body: form });
  },
};
