/**
 * The dashboard's only way to the server: `fetch` with the bearer token, JSON in and out, and
 * errors that carry the API's own message so a panel can show it as it is.
 */
import { tokenStore } from './token.js';

/** A failed API call: the HTTP status (0 when the server could not be reached) and its message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** A 401: no token or a wrong one. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

const listeners = new Set<(error: ApiError) => void>();

/** Called on every 401 so the app can ask for a token once, wherever the call came from. */
export function onUnauthorized(listener: (error: ApiError) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/**
 * Calls the API and returns the parsed JSON body.
 *
 * @example
 *   const state = await api<RiskSnapshot>('/api/v1/risk');
 *   await api('/api/v1/risk/trading-state', { method: 'POST', body: { state: 'HALTED', reason: 'kill switch' } });
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const url = withQuery(path, options.query);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, `cannot reach the server (${cause instanceof Error ? cause.message : String(cause)})`, path);
  }
  const text = await response.text();
  const body = parseBody(text);
  if (!response.ok) {
    const error = new ApiError(response.status, errorMessage(response, body, text), path, body);
    if (error.unauthorized) for (const listener of listeners) listener(error);
    throw error;
  }
  return body as T;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The API's own message: `{message}`, `{error: {message}}`, `{error: "…"}` or a text body. */
export function errorMessage(response: { status: number; statusText: string }, body: unknown, text: string): string {
  const found = pickMessage(body);
  if (found) return `${response.status}: ${found}`;
  const plain = text.trim().slice(0, 300);
  return plain && !plain.startsWith('<') ? `${response.status}: ${plain}` : `${response.status} ${response.statusText || 'error'}`;
}

function pickMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() && !body.trim().startsWith('<') ? body.trim().slice(0, 300) : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string' && record.message) return record.message;
  if (typeof record.error === 'string' && record.error) return record.error;
  if (typeof record.error === 'object' && record.error !== null) return pickMessage(record.error);
  if (typeof record.detail === 'string') return record.detail;
  return undefined;
}

/** A human line for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
