/**
 * Typed fetch client. Cookie session (same origin); every state-changing request carries the
 * anti-CSRF header the server demands. Errors become ApiError with both language messages.
 */
import type { ErrorResponse } from '@piaojue/shared';

/**
 * The server's error body; the code is widened to a string because the client makes up its own
 * (NETWORK, HTTP_502…) when no such body arrived.
 */
export type ApiErrorBody = Omit<ErrorResponse['error'], 'code'> & { code: string };

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly details: unknown;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.messageZh = body.messageZh;
    this.messageEn = body.messageEn;
    this.details = body.details;
  }

  /** Network failure or a 5xx/429: worth retrying. A 4xx is the server's definitive answer. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export const NETWORK_ERROR: ApiErrorBody = {
  code: 'NETWORK',
  message: 'Network error',
  messageZh: '网络连接失败，请检查网络后重试',
  messageEn: 'Network error: check the connection and retry',
};

function isErrorBody(v: unknown): v is { error: ApiErrorBody } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown, init?: { signal?: AbortSignal; headers?: Record<string, string> }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init?.headers };
  if (method !== 'GET') headers['x-piaojue-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: init?.signal,
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR);
  }
  const text = await res.text().catch(() => '');
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    if (isErrorBody(data)) throw new ApiError(res.status, data.error);
    throw new ApiError(res.status, {
      code: res.status >= 500 ? 'INTERNAL' : 'HTTP_' + res.status,
      message: `HTTP ${res.status}`,
      messageZh: res.status >= 500 ? '服务器暂时不可用，请稍后重试' : `请求失败（${res.status}）`,
      messageEn: res.status >= 500 ? 'The server is temporarily unavailable; please retry' : `Request failed (${res.status})`,
    });
  }
  return data as T;
}

export const http = {
  get: <T>(path: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => request<T>('GET', path, undefined, init),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
