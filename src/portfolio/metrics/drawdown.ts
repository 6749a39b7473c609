/**
 * Drawdowns: the fall of equity from its running peak, as a positive fraction in [0, 1]
 * (0.25 = 25 % below the peak). Libraries report it with either sign; this module always
 * answers a positive depth.
 */
import type { Series } from './stats.js';

function depth(value: number, peak: number): number {
  if (!(peak > 0)) return 0;
  const dd = 1 - value / peak;
  // Equity at or below zero is a 100 % drawdown, not more.
  return dd <= 0 ? 0 : dd >= 1 ? 1 : dd;
}

/**
 * Drawdown at every point: 1 − value / running max, clamped to [0, 1] (ffn
 * `to_drawdown_series` up to sign).
 * @example drawdownSeries([100, 120, 90, 130]) // Float64Array [0, 0, 0.25, 0]
 */
export function drawdownSeries(values: Series): Float64Array {
  const out = new Float64Array(values.length);
  let peak = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > peak) peak = v;
    out[i] = depth(v, peak);
  }
  return out;
}

/**
 * Largest drawdown of a price or equity series (ffn `calc_max_drawdown` up to sign); 0 for a
 * series that never falls.
 */
export function maxDrawdown(values: Series): number {
  let peak = -Infinity;
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > peak) peak = v;
    const dd = depth(v, peak);
    if (dd > worst) worst = dd;
  }
  return worst;
}

/**
 * Largest drawdown of the wealth compounded from `returns`, the starting capital counting as a
 * peak (empyrical `max_drawdown`, PerformanceAnalytics `maxDrawdown(geometric = TRUE)`, up to
 * sign). NaN returns count as 0; `null` for an empty series.
 * @example maxDrawdownOfReturns([0.1, -0.1, 0.1]) // 0.1
 */
export function maxDrawdownOfReturns(returns: Series): number | null {
  if (returns.length === 0) return null;
  let wealth = 1;
  let peak = 1;
  let worst = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (!Number.isNaN(r)) wealth *= 1 + r;
    if (wealth > peak) peak = wealth;
    const dd = depth(wealth, peak);
    if (dd > worst) worst = dd;
  }
  return worst;
}

/** One drawdown: from a peak until equity is back at or above it, or until the series ends. */
export interface DrawdownEpisode {
  /** Index of the peak (the last point at the running maximum before the fall). */
  readonly peakIndex: number;
  /** Index of the deepest point. */
  readonly troughIndex: number;
  /** Index where equity regained the peak, or the last index when it never did. */
  readonly endIndex: number;
  /** Deepest fall, a fraction in (0, 1]. */
  readonly depth: number;
  /** time[endIndex] − time[peakIndex], ms. */
  readonly durationMs: number;
  readonly recovered: boolean;
}

/** Options of {@link drawdownEpisodes}. */
export interface DrawdownEpisodeOptions {
  /**
   * Drop an unrecovered drawdown that starts on the very last point, as backtesting.py's
   * `compute_drawdown_duration_peaks` does (its episodes need two points between peaks).
   * Default false.
   */
  readonly ignoreTrailingSinglePoint?: boolean;
}

/**
 * Walks the episodes without collecting them, so that a million-bar curve with many small
 * drawdowns allocates nothing per episode.
 */
function scanEpisodes(time: Series, values: Series, options: DrawdownEpisodeOptions, onEpisode: (e: DrawdownEpisode) => void): void {
  const n = values.length;
  let peak = -Infinity;
  let peakIndex = 0;
  let inEpisode = false;
  let worst = 0;
  let troughIndex = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const dd = v >= peak ? 0 : depth(v, peak);
    if (dd === 0) {
      if (inEpisode) {
        onEpisode({ peakIndex, troughIndex, endIndex: i, depth: worst, durationMs: time[i]! - time[peakIndex]!, recovered: true });
        inEpisode = false;
      }
      if (v > peak) peak = v;
      peakIndex = i;
    } else {
      if (!inEpisode) {
        inEpisode = true;
        worst = 0;
      }
      if (dd > worst) {
        worst = dd;
        troughIndex = i;
      }
    }
  }
  if (inEpisode) {
    const skip = options.ignoreTrailingSinglePoint === true && peakIndex === n - 2;
    if (!skip) onEpisode({ peakIndex, troughIndex, endIndex: n - 1, depth: worst, durationMs: time[n - 1]! - time[peakIndex]!, recovered: false });
  }
}

/**
 * Every drawdown episode of an equity curve, in time order (backtesting.py's definition: from
 * the last point at the running maximum to the next point back at it, or to the end).
 */
export function drawdownEpisodes(time: Series, values: Series, options: DrawdownEpisodeOptions = {}): DrawdownEpisode[] {
  const episodes: DrawdownEpisode[] = [];
  scanEpisodes(time, values, options, (e) => episodes.push(e));
  return episodes;
}

/** Drawdown statistics of an equity curve. */
export interface DrawdownSummary {
  /** Deepest drawdown, a fraction in [0, 1]. */
  readonly maxDrawdown: number;
  /** Longest episode, ms (0 when equity never fell). */
  readonly maxDrawdownDuration: number;
  /** Mean depth of the episodes (0 when there were none). */
  readonly avgDrawdown: number;
  /** Mean duration of the episodes, ms (0 when there were none). */
  readonly avgDrawdownDuration: number;
  readonly episodes: number;
  /** Ulcer index: √(mean of squared drawdowns) over every point, as a fraction. */
  readonly ulcerIndex: number;
}

/** Summary of {@link drawdownEpisodes} plus the max drawdown and the ulcer index, in one pass each. */
export function summarizeDrawdowns(time: Series, values: Series, options: DrawdownEpisodeOptions = {}): DrawdownSummary {
  let sumDepth = 0;
  let sumDuration = 0;
  let maxDuration = 0;
  let k = 0;
  scanEpisodes(time, values, options, (e) => {
    sumDepth += e.depth;
    sumDuration += e.durationMs;
    if (e.durationMs > maxDuration) maxDuration = e.durationMs;
    k++;
  });
  return {
    maxDrawdown: maxDrawdown(values),
    maxDrawdownDuration: maxDuration,
    avgDrawdown: k === 0 ? 0 : sumDepth / k,
    avgDrawdownDuration: k === 0 ? 0 : sumDuration / k,
    episodes: k,
    ulcerIndex: ulcerIndex(values),
  };
}

/**
 * Ulcer index (Peter Martin): root mean square of the drawdown at every point, as a fraction
 * (Martin quotes percent). 0 for an empty or never-falling series.
 */
export function ulcerIndex(values: Series): number {
  const n = values.length;
  if (n === 0) return 0;
  let peak = -Infinity;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v > peak) peak = v;
    const dd = depth(v, peak);
    ss += dd * dd;
  }
  return Math.sqrt(ss / n);
}
