/**
 * Shapes shared by many endpoints. Every request and response schema of the API lives in this
 * folder; the OpenAPI document (`/docs/json`) is generated from them, so they are the contract.
 */
import { z } from 'zod';

/** Every error answer. */
export const errorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  code: z.enum([
    'validation_failed', 'malformed_json', 'payload_too_large', 'unsupported_media_type', 'unauthorized', 'forbidden', 'rate_limited',
    'not_found', 'unknown_symbol', 'live_disabled', 'conflict', 'unavailable', 'duplicate', 'internal_error',
  ]),
  message: z.string(),
  field: z.string().optional().describe('The request field at fault (dotted path), for validation failures'),
}).meta({ id: 'Error' });

/** UTC epoch milliseconds. */
export const timeMs = z.number().describe('UTC epoch milliseconds');
/** A number that may be unavailable (warm-up, no data): null, never NaN. */
export const maybeNumber = z.number().nullable();

/** A symbol as the data writes it (`BTC/USDT`, `SPY`). */
export const symbolField = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9./:_\-]+$/, 'letters, digits and . / : _ - only');

/** `?limit=` with a default and a maximum. */
export function limitQuery(defaultValue: number, max: number) {
  return z.coerce.number().int().min(1).max(max).default(defaultValue).describe(`How many (default ${defaultValue}, at most ${max})`);
}

export const candleSchema = z.object({
  time: timeMs, open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number(),
}).meta({ id: 'Candle' });

export const orderSideSchema = z.enum(['buy', 'sell']);

/** What `GET /api/health` answers. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** `{id}` path parameter. */
export const idParams = z.strictObject({ id: z.string().min(1).max(200) });

/** Any JSON object (metadata, config documents). */
export const jsonObject = z.record(z.string(), z.unknown());
