/**
 * The intrabar price path: a bar is assumed to trade open → first extreme → second extreme →
 * close along straight legs of equal duration. Which extreme comes first is a modelling choice:
 * - `nearest` (default): the extreme nearer the open comes first (ties: low first, the
 *   pessimistic choice for the more common long position);
 * - `high-first`: open → high → low → close;
 * - `low-first`: open → low → high → close;
 * - `candle-color`: a red candle (close < open) high first, a green one low first (MetaTrader's
 *   rule: the body is the last leg);
 * - `freqtrade`: Freqtrade's backtest assumptions. With a position, the extreme against it comes
 *   first only if it reaches one of the position's resting stops (which then fills at its old
 *   level); otherwise the extreme in its favour comes first, so a trailing stop ratchets on the
 *   candle's best price before its worst price is checked. Without a position, `candle-color`.
 * Positions along the path are numbers s in [0, 3]: leg k runs from point k to point k + 1.
 */
export type IntrabarPath = 'nearest' | 'high-first' | 'low-first' | 'candle-color' | 'freqtrade';

export const intrabarPaths: readonly IntrabarPath[] = ['nearest', 'high-first', 'low-first', 'candle-color', 'freqtrade'];

/**
 * Fills `out` with the four path points of a bar. For `freqtrade` only: `positionSign` (+1 long,
 * −1 short, 0 flat) and whether the extreme against the position reaches one of its stops.
 */
export function pathPoints(mode: IntrabarPath, open: number, high: number, low: number, close: number, out: Float64Array, positionSign = 0, adverseHitsStop = false): void {
  const nearestHigh = high - open < open - low;
  // Red: high first; green: low first; a doji falls back to the nearest extreme.
  const colorHigh = close < open || (close === open && nearestHigh);
  const highFirst =
    mode === 'high-first' ||
    (mode === 'nearest' && nearestHigh) ||
    (mode === 'candle-color' && colorHigh) ||
    (mode === 'freqtrade' && (positionSign === 0 ? colorHigh : positionSign > 0 !== adverseHitsStop));
  out[0] = open;
  out[1] = highFirst ? high : low;
  out[2] = highFirst ? low : high;
  out[3] = close;
}

/** Price at position s on the path. */
export function priceAt(points: Float64Array, s: number): number {
  if (s <= 0) return points[0]!;
  if (s >= 3) return points[3]!;
  const k = Math.floor(s);
  const a = points[k]!;
  return a + (points[k + 1]! - a) * (s - k);
}

/**
 * First position s ≥ from at which the path reaches `level` coming from the given direction:
 * `up` means price ≥ level, `down` means price ≤ level. Returns -1 if it never does.
 * If the condition already holds at `from`, returns `from`.
 */
export function firstReach(points: Float64Array, from: number, level: number, direction: 'up' | 'down'): number {
  const start = priceAt(points, from);
  if (direction === 'up' ? start >= level : start <= level) return from;
  for (let k = Math.max(0, Math.floor(from)); k < 3; k++) {
    const a = k < from ? start : points[k]!;
    const b = points[k + 1]!;
    const reaches = direction === 'up' ? b >= level && a < level : b <= level && a > level;
    if (reaches) {
      const legStart = k < from ? from : k;
      // Linear interpolation within the remaining part of leg k.
      return legStart + ((level - a) / (b - a)) * (k + 1 - legStart);
    }
  }
  return -1;
}

/** Highest and lowest prices on the path between positions a ≤ b. */
export function extremesBetween(points: Float64Array, a: number, b: number): { max: number; min: number } {
  let max = Math.max(priceAt(points, a), priceAt(points, b));
  let min = Math.min(priceAt(points, a), priceAt(points, b));
  for (let k = Math.ceil(a); k <= Math.floor(b) && k <= 3; k++) {
    const p = points[k]!;
    if (p > max) max = p;
    if (p < min) min = p;
  }
  return { max, min };
}
