/**
 * The API's error answers. Every 4xx carries a stable `code`, a message a person can act on and,
 * for validation failures, the offending `field`; a 5xx never carries internals (the message is
 * logged, the client sees `internal_error`).
 */
import type { z } from 'zod';
import { ConfigurationError, DataError, InsufficientFundsError, InvalidOrderError, isUserFacing } from '../core/errors.js';

export type ErrorCode =
  | 'validation_failed' | 'malformed_json' | 'payload_too_large' | 'unsupported_media_type'
  | 'unauthorized' | 'forbidden' | 'rate_limited' | 'not_found' | 'unknown_symbol' | 'live_disabled'
  | 'conflict' | 'unavailable' | 'duplicate' | 'internal_error';

const reasons: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
}

/** An error with its HTTP answer; handlers throw it and the server's error handler renders it. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  body(): ErrorBody {
    return {
      statusCode: this.statusCode, error: reasons[this.statusCode] ?? 'Error', code: this.code, message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}

export const badRequest = (message: string, field?: string): HttpError => new HttpError(400, 'validation_failed', message, field);
export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);
export const unknownSymbol = (symbol: string, known: readonly string[], field = 'symbol'): HttpError =>
  new HttpError(404, 'unknown_symbol', `unknown symbol "${symbol}"; known: ${known.length > 0 ? known.join(', ') : 'none'}`, field);
export const unavailable = (message: string): HttpError => new HttpError(503, 'unavailable', message);
export const conflict = (message: string): HttpError => new HttpError(409, 'conflict', message);

/** The first zod issue as `part.field: message`, with the field's dotted path. */
export function validationError(part: string, error: z.ZodError): HttpError {
  const issue = error.issues[0]!;
  let path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path = [...path, ...issue.keys.slice(0, 1)];
  const field = path.join('.');
  const message = issue.code === 'unrecognized_keys'
    ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    : issue.message;
  return new HttpError(400, 'validation_failed', `${[part, field].filter(Boolean).join('.')}: ${message}`, field || undefined);
}

/**
 * Maps Arbiter's user-facing errors (ConfigurationError with its key, InvalidOrderError with its
 * field…) to a 400 naming the field; anything else is not the client's fault.
 */
export function fromDomainError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof ConfigurationError) return new HttpError(400, 'validation_failed', error.message, error.key);
  if (error instanceof InvalidOrderError) return new HttpError(400, 'validation_failed', error.message, error.field);
  if (error instanceof InsufficientFundsError) return new HttpError(400, 'validation_failed', error.message);
  if (error instanceof DataError) return new HttpError(400, 'validation_failed', error.message, error.location.field);
  if (isUserFacing(error)) return new HttpError(400, 'validation_failed', error.message);
  return undefined;
}
