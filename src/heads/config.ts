/** Validation of head options: zod schemas, strict, every error a ConfigurationError naming the key. */
import type { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { timeframeMs, type Timeframe } from '../core/time.js';

/**
 * Parses `input` with `schema`; the first issue becomes a ConfigurationError keyed
 * `<prefix>.<path>` (unknown keys name the key).
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: readonly string[] }).keys ?? [];
    throw new ConfigurationError(`unknown key${keys.length > 1 ? `s ${keys.join(', ')}` : ''}`, [prefix, ...path, keys[0] ?? ''].filter(Boolean).join('.'));
  }
  throw new ConfigurationError(issue.message, [prefix, ...path].filter(Boolean).join('.'));
}

const timeframeCache = new Map<string, number>();

/** A horizon of `bars` bars of the context's timeframe, in ms. */
export function horizonOf(bars: number, timeframe: Timeframe): number {
  let ms = timeframeCache.get(timeframe);
  if (ms === undefined) timeframeCache.set(timeframe, (ms = timeframeMs(timeframe)));
  return bars * ms;
}

/** Clamps to [lo, hi]; NaN stays NaN. */
export function clamp(x: number, lo = -1, hi = 1): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Formats a signed number for reasons: `+0.42`, `-1.30`. */
export function signed(x: number, digits = 2): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
}
