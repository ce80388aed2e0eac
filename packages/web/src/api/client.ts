import type { TFieldError } from '@sinergi/domain';

/**
 * The one way the web app talks to the API: sends the session cookie, the CSRF token on
 * writes, and the chosen language; turns `{error:{code,message,fields}}` into an ApiError.
 */

/** An error answer of the API (or a network failure, code `network`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: TFieldError[];
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, fields: TFieldError[] = [], details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }

  /**
   * Field messages keyed by the field's top-level name (`scopes.0` → `scopes`), so a form
   * can show each next to its input. The first message for a field wins.
   */
  fieldMap(): Record<string, string> {
    const map: Record<string, string> = {};
    for (const f of this.fields) {
      const key = f.path.split('.')[0] ?? f.path;
      map[key] ??= f.message;
    }
    return map;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

let csrfToken: string | null = null;
let language = 'id';
let onSessionLost: (() => void) | null = null;

/** Remember the session's CSRF token (from login, redeem or GET /api/auth/me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The language the API answers error messages in. */
export function setApiLanguage(lang: string): void {
  language = lang;
}

/** Called when a signed-in request answers 401: the session ended (sign-out elsewhere, disabled account). */
export function setSessionLostHandler(handler: (() => void) | null): void {
  onSessionLost = handler;
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as a lost session (sign-in forms, the first /me). */
  isAuthProbe?: boolean;
  /** Extra request headers (e.g. the public form's x-device-id). */
  headers?: Record<string, string>;
}

function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Send one request and return the parsed JSON (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json', 'accept-language': language };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body; // the browser sets the multipart boundary
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (!SAFE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', '');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; fields?: TFieldError[]; details?: Record<string, unknown> } } | undefined)?.error;
    const apiError = new ApiError(response.status, error?.code ?? 'http_' + response.status, error?.message ?? response.statusText, error?.fields ?? [], error?.details);
    if (response.status === 401 && !options.isAuthProbe) onSessionLost?.();
    throw apiError;
  }
  return data as T;
}
