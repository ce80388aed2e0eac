import type { TIncident, TReport, TReportStatus } from '@sinergi/domain';
import { request } from './client';
import type { Page } from './index';
import type { ActionBodies } from './reports';

/** GET /api/incidents/:id: the incident with its reports. */
export type IncidentDetail = TIncident & { reports: TReport[] };

/** Report actions an incident carries to all its reports (server INCIDENT_ACTIONS). */
export type IncidentAction = 'verify' | 'reject' | 'assign' | 'escalate' | 'resolve' | 'reopen';

/** The answer to an incident-wide action: applied per report, the rest skipped with the reason. */
export interface IncidentActionResult {
  incident: IncidentDetail;
  applied: { reportId: string; status: TReportStatus }[];
  skipped: { reportId: string; status: TReportStatus; reason: string; message: string }[];
}

const enc = encodeURIComponent;

export const incidentsApi = {
  list: (query: { region?: string; status?: 'open' | 'closed' | ''; cursor?: string | null; limit?: number }, signal?: AbortSignal) =>
    request<Page<TIncident>>('GET', '/api/incidents', { query: { ...query }, signal }),
  get: (id: string, signal?: AbortSignal) => request<IncidentDetail>('GET', `/api/incidents/${enc(id)}`, { signal }),
  create: (input: { id: string; title: string; description?: string; reportIds: string[] }) => request<IncidentDetail>('POST', '/api/incidents', { body: input }),
  update: (id: string, input: { version: number; title?: string; description?: string | null; status?: 'open' | 'closed' }) =>
    request<IncidentDetail>('PATCH', `/api/incidents/${enc(id)}`, { body: input }),
  add: (id: string, version: number, reportIds: string[]) => request<IncidentDetail>('POST', `/api/incidents/${enc(id)}/reports`, { body: { version, reportIds } }),
  remove: (id: string, version: number, reportIds: string[]) =>
    request<IncidentDetail>('POST', `/api/incidents/${enc(id)}/reports/remove`, { body: { version, reportIds } }),
  split: (id: string, input: { version: number; reportIds: string[]; title: string; newId: string }) =>
    request<{ from: IncidentDetail; to: IncidentDetail }>('POST', `/api/incidents/${enc(id)}/split`, { body: input }),
  act: <A extends IncidentAction>(id: string, action: A, body: ActionBodies[A]) => request<IncidentActionResult>('POST', `/api/incidents/${enc(id)}/${action}`, { body }),
};
