/**
 * Market context for an alert: the latest price and the nearest support and resistance levels
 * from confirmed swing points (Williams fractals, `src/indicators/levels.ts`), point-in-time:
 * only swings already confirmed by the bars received so far count.
 */
import type { OhlcvColumns } from '../../model/bar.js';
import { fractals } from '../../indicators/levels.js';

export interface Levels {
  /** Nearest first, below the price. */
  readonly support: number[];
  /** Nearest first, above the price. */
  readonly resistance: number[];
}

/**
 * Up to `count` swing lows below `price` and swing highs above it, from the last `lookback` bars.
 * @example supportResistance(table, 67_000) // { support: [66_120, 65_400], resistance: [67_850] }
 */
export function supportResistance(c: Pick<OhlcvColumns, 'high' | 'low'>, price: number, options: { lookback?: number; count?: number; right?: number } = {}): Levels {
  const n = c.high.length;
  const lookback = Math.min(n, options.lookback ?? 500);
  const count = options.count ?? 3;
  const right = options.right ?? 2;
  if (!(price > 0) || lookback < 2 * right + 1) return { support: [], resistance: [] };
  const start = n - lookback;
  const { up, down } = fractals({ high: c.high.subarray(start, n), low: c.low.subarray(start, n) }, { left: 2, right });
  const highs = new Set<number>();
  const lows = new Set<number>();
  for (let i = 0; i < up.length; i++) {
    if (up[i] === 1) highs.add(c.high[start + i - right]!);
    if (down[i] === 1) lows.add(c.low[start + i - right]!);
  }
  const support = [...lows].filter((x) => x < price).sort((a, b) => b - a).slice(0, count);
  const resistance = [...highs].filter((x) => x > price).sort((a, b) => a - b).slice(0, count);
  return { support, resistance };
}
