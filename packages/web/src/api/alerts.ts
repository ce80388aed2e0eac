import type { TAlertActionKind, TAlertDetail, TAlertItem } from '@sinergi/domain';
import { request } from './client';
import type { Page } from './index';

export interface AlertListQuery {
  status?: string;
  kind?: string;
  region?: string;
  election?: string;
  cursor?: string | null;
  limit?: number;
}

const enc = encodeURIComponent;

/** Early-warning alerts (GET/POST /api/alerts). */
export const alertsApi = {
  list: (query: AlertListQuery, signal?: AbortSignal) => request<Page<TAlertItem>>('GET', '/api/alerts', { query: { ...query }, signal }),
  get: (id: string, signal?: AbortSignal) => request<TAlertDetail>('GET', `/api/alerts/${enc(id)}`, { signal }),
  act: (id: string, body: { action: TAlertActionKind; version: number; comment?: string }) => request<TAlertDetail>('POST', `/api/alerts/${enc(id)}/actions`, { body }),
  capUrl: (id: string) => `/api/alerts/${enc(id)}/cap`,
};
