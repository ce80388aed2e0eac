import type { TDelivery, TNotificationList, TWebhook, TWebhookCreate } from '@sinergi/domain';
import { request } from './client';
import type { Page } from './index';

const enc = encodeURIComponent;

/** Fields of a webhook subscription as the form sends them. */
export type WebhookInput = Omit<TWebhookCreate, 'active' | 'secret'> & { active?: boolean; secret?: string };
export interface WebhookPatch {
  version: number;
  name?: string;
  url?: string;
  topics?: string[];
  regionScope?: string;
  active?: boolean;
  rotateSecret?: boolean;
}

export const notificationsApi = {
  list: (query: { cursor?: string | null; limit?: number; unread?: 'true' }, signal?: AbortSignal) =>
    request<TNotificationList>('GET', '/api/notifications', { query, signal }),
  unreadCount: (signal?: AbortSignal) => request<{ unread: number }>('GET', '/api/notifications/unread-count', { signal }),
  markRead: (body: { ids: string[] } | { all: true }) => request<{ marked: number; unread: number }>('POST', '/api/notifications/read', { body }),

  webhooks: (signal?: AbortSignal) => request<{ items: TWebhook[]; topics: string[] }>('GET', '/api/webhooks', { signal }),
  createWebhook: (input: WebhookInput) => request<TWebhook>('POST', '/api/webhooks', { body: input }),
  updateWebhook: (id: string, patch: WebhookPatch) => request<TWebhook>('PATCH', `/api/webhooks/${enc(id)}`, { body: patch }),
  deleteWebhook: (id: string) => request<void>('DELETE', `/api/webhooks/${enc(id)}`),
  deliveries: (query: { status?: 'pending' | 'sent' | 'dead'; cursor?: string | null; limit?: number }, signal?: AbortSignal) =>
    request<Page<TDelivery>>('GET', '/api/deliveries', { query, signal }),
  retryDelivery: (key: string) => request<void>('POST', `/api/deliveries/${enc(key)}/retry`),
};
