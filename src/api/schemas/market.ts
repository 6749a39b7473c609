/** Market data for charts: symbols, candles, indicators, chart OHLCV (MISSION §5), features. */
import { z } from 'zod';
import { candleSchema, limitQuery, maybeNumber, symbolField, timeMs } from './common.js';

export const timeframeField = z.string().regex(/^\d+(s|m|h|d|w|M)$/, 'a timeframe such as 1m, 5m, 1h, 1d');

export const symbolsResponse = z.object({
  symbols: z.array(z.object({
    symbol: z.string(), timeframe: z.string(), venue: z.string(), base: z.string(), quote: z.string(),
    first: timeMs.nullable(), last: timeMs.nullable(), count: z.number().int(), last_price: maybeNumber,
  })),
});

export const candlesQuery = z.strictObject({
  symbol: symbolField,
  timeframe: timeframeField.optional().describe('Default: the session\'s base timeframe'),
  limit: limitQuery(500, 10_000),
  before: z.coerce.number().int().optional().describe('Only candles opening before this time'),
});

export const candlesResponse = z.object({
  symbol: z.string(), timeframe: z.string(), source: z.enum(['session', 'storage']), candles: z.array(candleSchema),
});

export const indicatorsResponse = z.object({
  indicators: z.array(z.object({
    name: z.string(), title: z.string(), group: z.string(), description: z.string(), input: z.string(), lines: z.array(z.string()),
    params: z.array(z.object({
      name: z.string(), type: z.string(), default: z.unknown(), description: z.string().nullable(), min: maybeNumber, max: maybeNumber, choices: z.array(z.string()).nullable(),
    })),
  })),
});

export const chartQuery = z.strictObject({
  ticker: symbolField,
  timeframe: timeframeField.optional(),
  limit: limitQuery(500, 10_000),
  before: z.coerce.number().int().optional(),
  indicators: z.string().max(1000).optional().describe('Comma-separated `name` or `name(key=value,…)`, e.g. `rsi(period=14),ema(period=50),macd`'),
});

export const indicatorSeriesSchema = z.object({
  name: z.string(),
  params: z.record(z.string(), z.unknown()),
  warmup: z.number().int(),
  lines: z.record(z.string(), z.array(maybeNumber)),
});

export const chartResponse = z.object({
  ticker: z.string(), timeframe: z.string(), source: z.enum(['session', 'storage']), candles: z.array(candleSchema),
  indicators: z.record(z.string(), indicatorSeriesSchema),
});

export const featuresRequest = z.strictObject({
  ticker: symbolField,
  timeframe: timeframeField.optional(),
  feature_set: z.string().min(1).max(100).default('default').describe('A built-in feature set'),
  limit: z.number().int().min(1).max(5000).default(500).describe('Rows returned (the last ones)'),
});

export const featuresResponse = z.object({
  ticker: z.string(), timeframe: z.string(), feature_set: z.string(), count: z.number().int(), names: z.array(z.string()),
  time: z.array(timeMs), features: z.record(z.string(), z.array(maybeNumber)),
});
