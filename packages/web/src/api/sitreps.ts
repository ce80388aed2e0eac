import type { TConfigChange, TIndexConfig, TIndexConfigList, TSitrep, TSitrepSectionDef, TSitrepSummary, TSitrepTemplate, TSlaConfig, TSlaConfigList, TSlaVersion, TTaxonomyConfig, TTaxonomyConfigList, TTaxonomyVersion } from '@sinergi/domain';
import { request } from './client';
import type { Page } from './index';

const enc = encodeURIComponent;

/** Daily situation reports (laporan situasi harian). */
export const sitrepApi = {
  list: (query: { region?: string; date?: string; cursor?: string | null; limit?: number }, signal?: AbortSignal) =>
    request<Page<TSitrepSummary>>('GET', '/api/sitreps', { query, signal }),
  open: (regionCode: string, date: string) => request<TSitrep>('POST', '/api/sitreps', { body: { regionCode, date } }),
  get: (id: string, signal?: AbortSignal) => request<TSitrep>('GET', `/api/sitreps/${enc(id)}`, { signal }),
  saveSection: (id: string, code: string, body: string, version: number) =>
    request<TSitrep>('PUT', `/api/sitreps/${enc(id)}/sections/${enc(code)}`, { body: { body, version } }),
  submitSection: (id: string, code: string, body: string | undefined, version: number) =>
    request<TSitrep>('POST', `/api/sitreps/${enc(id)}/sections/${enc(code)}/submit`, { body: body === undefined ? { version } : { body, version } }),
  step: (id: string, step: 'refresh' | 'approve' | 'release' | 'revise', version: number) => request<TSitrep>('POST', `/api/sitreps/${enc(id)}/${step}`, { body: { version } }),
  pdfUrl: (id: string) => `/api/sitreps/${enc(id)}/pdf`,
  template: (regionCode: string, signal?: AbortSignal) => request<TSitrepTemplate>('GET', `/api/sitrep-templates/${enc(regionCode)}`, { signal }),
  saveTemplate: (regionCode: string, body: { sections: TSitrepSectionDef[]; distribution: string[]; version: number | undefined }) =>
    request<TSitrepTemplate>('PUT', `/api/sitrep-templates/${enc(regionCode)}`, { body }),
};

/** Run-time configuration (administrators). */
export const configApi = {
  sla: (signal?: AbortSignal) => request<TSlaConfigList>('GET', '/api/config/sla', { signal }),
  addSla: (config: TSlaConfig, note: string) => request<TSlaVersion>('POST', '/api/config/sla', { body: { config, note: note || undefined } }),
  index: (signal?: AbortSignal) => request<TIndexConfigList>('GET', '/api/config/index', { signal }),
  addIndex: (config: Omit<TIndexConfig, 'version'>) => request<TIndexConfig>('POST', '/api/config/index', { body: config }),
  taxonomy: (signal?: AbortSignal) => request<TTaxonomyConfigList>('GET', '/api/config/taxonomy', { signal }),
  addTaxonomy: (body: { baseVersion: number; config: TTaxonomyConfig; note?: string | undefined }) => request<TTaxonomyVersion>('POST', '/api/config/taxonomy', { body }),
  history: (signal?: AbortSignal) => request<{ items: TConfigChange[] }>('GET', '/api/config/history', { signal }),
};
