import type { TBoundaries, TMapPoints } from '@sinergi/domain';
import { request } from './client';

export const mapApi = {
  points: (query: { region?: string; days?: string; severity?: string; category?: string }, signal?: AbortSignal) =>
    request<TMapPoints>('GET', '/api/map/points', { query: { ...query }, signal }),
  boundaries: (parent: string | null, signal?: AbortSignal) => request<TBoundaries>('GET', '/api/boundaries', { query: { parent }, signal }),
};
