import type { THealth, TMe, TPillar, TRegion, TRegionDetail, TRole, TUser } from '@sinergi/domain';
import { request } from './client';

export { ApiError, setApiLanguage, setCsrfToken, setSessionLostHandler } from './client';

/** A page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SignInResult {
  user: TMe;
  token: string;
}

/** Fields an administrator fills in to create an account (the API's TUserCreate, as sent). */
export interface UserCreateInput {
  username: string;
  fullName: string;
  role: TRole;
  pillarCode?: string | null;
  position?: string | null;
  phone?: string | null;
  email?: string | null;
  scopes: string[];
  password?: string;
}

export interface UserUpdateInput {
  fullName?: string;
  role?: TRole;
  pillarCode?: string | null;
  position?: string | null;
  phone?: string | null;
  email?: string | null;
  version: number;
}

export interface OneTimeCode {
  code: string;
  expiresAt: string;
}

export interface ImportResult {
  created: number;
  users: { username: string; oneTimeCode: string | null }[];
}

export interface UserListQuery {
  q?: string;
  role?: TRole | '';
  region?: string;
  cursor?: string | null;
  limit?: number;
}

const enc = encodeURIComponent;

export const api = {
  health: (signal?: AbortSignal) => request<THealth>('GET', '/api/health', { signal, isAuthProbe: true }),

  login: (username: string, password: string) =>
    request<SignInResult>('POST', '/api/auth/login', { body: { username, password }, isAuthProbe: true }),
  redeem: (username: string, code: string, newPassword: string) =>
    request<SignInResult>('POST', '/api/auth/redeem', { body: { username, code, newPassword }, isAuthProbe: true }),
  me: () => request<TMe>('GET', '/api/auth/me', { isAuthProbe: true }),
  logout: () => request<void>('POST', '/api/auth/logout', { isAuthProbe: true }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/api/auth/password', { body: { currentPassword, newPassword } }),

  regions: (query: { parent?: string; q?: string; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<TRegion>>('GET', '/api/regions', { query, signal }),
  region: (code: string, signal?: AbortSignal) => request<TRegionDetail>('GET', `/api/regions/${enc(code)}`, { signal }),

  pillars: () => request<{ items: TPillar[] }>('GET', '/api/pillars'),

  users: (query: UserListQuery, signal?: AbortSignal) => request<Page<TUser>>('GET', '/api/users', { query: { ...query }, signal }),
  user: (id: string, signal?: AbortSignal) => request<TUser>('GET', `/api/users/${enc(id)}`, { signal }),
  createUser: (input: UserCreateInput) => request<{ user: TUser; oneTimeCode: string | null }>('POST', '/api/users', { body: input }),
  importUsers: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<ImportResult>('POST', '/api/users/import', { body: form });
  },
  updateUser: (id: string, input: UserUpdateInput) => request<TUser>('PATCH', `/api/users/${enc(id)}`, { body: input }),
  changeScope: (id: string, input: { scopes: string[]; reason: string; version: number }) =>
    request<TUser>('POST', `/api/users/${enc(id)}/scope`, { body: input }),
  disableUser: (id: string, input: { reason: string; version: number }) => request<TUser>('POST', `/api/users/${enc(id)}/disable`, { body: input }),
  enableUser: (id: string, input: { version: number }) => request<TUser>('POST', `/api/users/${enc(id)}/enable`, { body: input }),
  resetPassword: (id: string) => request<OneTimeCode>('POST', `/api/users/${enc(id)}/reset-password`),
};
