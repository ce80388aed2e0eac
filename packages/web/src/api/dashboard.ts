import type { TDashboard, TRiskList, TRiskRegion } from '@sinergi/domain';
import { request } from './client';

/** Dashboard filters as they stand in the page's URL (all optional; the server fills defaults). */
export interface DashboardFilters {
  election?: string;
  stage?: string;
  days?: string;
  category?: string;
  severity?: string;
  pillar?: string;
  region?: string;
}

const enc = encodeURIComponent;

export const dashboardApi = {
  get: (filters: DashboardFilters, signal?: AbortSignal) => request<TDashboard>('GET', '/api/dashboard', { query: { ...filters }, signal }),
  risk: (parent: string | null, signal?: AbortSignal) => request<TRiskList>('GET', '/api/risk', { query: { parent }, signal }),
  riskRegion: (code: string, signal?: AbortSignal) => request<TRiskRegion>('GET', `/api/risk/${enc(code)}`, { signal }),
};
