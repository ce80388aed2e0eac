import type { TPowChallenge, TRegion, TReportReceipt, TReportStatus } from '@sinergi/domain';
import { request } from './client';
import type { Page } from './index';

/** POST /api/public/reports body (the domain's TPublicReportCreate, as sent). */
export interface PublicReportInput {
  id: string;
  category: string;
  subcategory?: string;
  regionCode: string;
  occurredAt: string;
  title: string;
  description: string;
  involved?: string;
  contact?: { name?: string; phone?: string };
  pow: { challenge: string; nonce: string };
}

/** GET /api/public/reports/:receipt: the status of a public report, nothing else. */
export interface PublicReportStatus {
  receiptCode: string;
  status: TReportStatus;
  statusLabel: string;
  updatedAt: string;
}

const enc = encodeURIComponent;

/** The public channel: no account, no session (none of these can answer 401). */
export const publicApi = {
  regions: (query: { q?: string; parent?: string; limit?: number }, signal?: AbortSignal) =>
    request<Page<TRegion>>('GET', '/api/public/regions', { query, signal, isAuthProbe: true }),
  challenge: (signal?: AbortSignal) => request<TPowChallenge>('GET', '/api/public/challenge', { signal, isAuthProbe: true }),
  submit: (input: PublicReportInput, deviceId: string) =>
    request<TReportReceipt>('POST', '/api/public/reports', { body: input, headers: { 'x-device-id': deviceId }, isAuthProbe: true }),
  status: (receipt: string, signal?: AbortSignal) =>
    request<PublicReportStatus>('GET', `/api/public/reports/${enc(receipt)}`, { signal, isAuthProbe: true }),
};
