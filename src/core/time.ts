/** Time helpers. All timestamps are UTC epoch milliseconds (ARCHITECTURE.md, convention 13). */
import { ConfigurationError } from './errors.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: WEEK_MS };

/** A bar timeframe such as `1m`, `5m`, `1h`, `4h`, `1d`, `1w`. */
export type Timeframe = string;

/**
 * Duration of a timeframe in milliseconds.
 * @example timeframeMs('15m') // 900000
 */
export function timeframeMs(timeframe: Timeframe): number {
  const match = /^(\d+)([smhdw])$/.exec(timeframe);
  if (!match) {
    throw new ConfigurationError(`"${timeframe}" is not a timeframe; use a number and one of s, m, h, d, w (e.g. 5m, 1h, 1d)`, 'timeframe');
  }
  const count = Number(match[1]);
  if (count < 1) throw new ConfigurationError(`"${timeframe}" must be at least 1 unit long`, 'timeframe');
  return count * UNIT_MS[match[2]!]!;
}

/** The shortest timeframe string for a duration, e.g. 3_600_000 → `1h`; undefined when none fits. */
export function timeframeOf(durationMs: number): Timeframe | undefined {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (durationMs >= size && durationMs % size === 0) return `${durationMs / size}${unit}`;
  }
  return undefined;
}

/** Start of the bucket of `timeframeMs` containing `time` (buckets aligned to the epoch, UTC). */
export function floorTime(time: number, stepMs: number): number {
  return Math.floor(time / stepMs) * stepMs;
}

/** ISO-8601 UTC string of an epoch-ms timestamp. */
export function isoTime(time: number): string {
  return new Date(time).toISOString();
}

/** Start of the UTC day containing `time`. */
export function utcDayStart(time: number): number {
  return floorTime(time, DAY_MS);
}
