/**
 * Labels for supervised learning. Row i of a label describes what happens AFTER bar i closes
 * (entry at close[i]); it is the target for the features of row i, which are known at that close.
 * Every label carries the span of bars it looks at — from bar i to `endIndex[i]` inclusive — which
 * is what purging needs: a training row whose span overlaps a test row's span leaks the test
 * outcome into training (López de Prado, Advances in Financial Machine Learning, ch. 7).
 * NaN (or −1 for indices) marks rows whose outcome the data does not contain yet.
 */
import { ConfigurationError } from '../core/errors.js';
import type { OhlcvColumns } from '../model/bar.js';

function checkHorizon(horizon: number, key = 'horizon'): void {
  if (!Number.isInteger(horizon) || horizon < 1) throw new ConfigurationError(`must be an integer >= 1, got ${String(horizon)}`, key);
}

/** A per-row threshold: one number for every row, or one per row. */
export type Threshold = number | Float64Array;

function thresholdAt(t: Threshold, i: number): number {
  return typeof t === 'number' ? t : t[i]!;
}

function checkThreshold(t: Threshold, n: number, key: string): void {
  if (typeof t === 'number') {
    if (!Number.isFinite(t) || t < 0) throw new ConfigurationError(`must be a finite number >= 0, got ${String(t)}`, key);
  } else if (t.length !== n) {
    throw new ConfigurationError(`has ${t.length} values for ${n} rows`, key);
  }
}

/**
 * `close[i + horizon] / close[i] − 1` (or its logarithm); NaN for the last `horizon` rows.
 * @example forwardReturns(table.close, 12, { log: true })
 */
export function forwardReturns(close: Float64Array, horizon: number, options: { readonly log?: boolean } = {}): Float64Array {
  checkHorizon(horizon);
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i + horizon < n; i++) {
    const r = close[i + horizon]! / close[i]!;
    out[i] = options.log ? Math.log(r) : r - 1;
  }
  return out;
}

export interface FixedHorizonOptions {
  readonly horizon: number;
  /** Class +1 when the forward return is above this (≥ 0; a number or one per row, e.g. k × volatility). */
  readonly upper: Threshold;
  /** Class −1 when the forward return is below −lower (≥ 0); default: `upper`. */
  readonly lower?: Threshold;
  /** Use log returns (default false). */
  readonly log?: boolean;
}

export interface FixedHorizonLabels {
  /** −1, 0, +1; NaN when the horizon runs past the data or the threshold is NaN. */
  readonly label: Float64Array;
  /** The forward return the class was decided on. */
  readonly ret: Float64Array;
  /** Last bar the label looks at (`i + horizon`), −1 when unavailable. */
  readonly endIndex: Int32Array;
}

/**
 * Fixed-horizon classes: +1 if the return over `horizon` bars exceeds `upper`, −1 if it is below
 * −`lower`, else 0.
 * @example fixedHorizonLabels(table.close, { horizon: 12, upper: 0.002 })
 */
export function fixedHorizonLabels(close: Float64Array, options: FixedHorizonOptions): FixedHorizonLabels {
  const { horizon } = options;
  checkHorizon(horizon, 'horizon');
  const n = close.length;
  const lower = options.lower ?? options.upper;
  checkThreshold(options.upper, n, 'upper');
  checkThreshold(lower, n, 'lower');
  const ret = forwardReturns(close, horizon, { log: options.log ?? false });
  const label = new Float64Array(n).fill(NaN);
  const endIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i + horizon < n; i++) {
    const up = thresholdAt(options.upper, i);
    const down = thresholdAt(lower, i);
    const r = ret[i]!;
    endIndex[i] = i + horizon;
    if (up - up !== 0 || down - down !== 0 || r - r !== 0) continue;
    label[i] = r > up ? 1 : r < -down ? -1 : 0;
  }
  return { label, ret, endIndex };
}

export interface TripleBarrierOptions {
  /** Vertical (time) barrier: bars after the entry bar. */
  readonly horizon: number;
  /** Profit-take barrier at `profitTake × target` from the entry (0 = no profit-take barrier). */
  readonly profitTake: number;
  /** Stop barrier at `stopLoss × target` from the entry (0 = no stop barrier). */
  readonly stopLoss: number;
  /** Barrier width unit as a return: one number or one per row (e.g. `ewmVolatility(close, 100)`); default 1. */
  readonly target?: Threshold;
  /** Rows to label (entry bars, increasing); default every row. */
  readonly events?: ArrayLike<number>;
  /** +1 long (default), −1 short (profit below the entry), or one side per row. */
  readonly side?: 1 | -1 | Int8Array;
  /**
   * Which prices touch barriers: `high_low` (default: intrabar highs and lows; a bar that opens
   * beyond a barrier exits at its open) or `close` (closes only, as López de Prado's reference code).
   */
  readonly prices?: 'high_low' | 'close';
  /** When one bar touches both barriers (order unknowable from OHLC): `stop` (default, pessimistic) or `profit`. */
  readonly tieBreak?: 'stop' | 'profit';
  /** Label at the time barrier: `zero` (default) or the `sign` of the return then. */
  readonly verticalLabel?: 'zero' | 'sign';
}

export interface TripleBarrierLabels {
  /** Entry rows (the events). */
  readonly index: Int32Array;
  /** +1 profit-take first, −1 stop first, 0 (or the sign) at the time barrier; NaN when undecided within the data. */
  readonly label: Float64Array;
  /** Which barrier ended the event: 1 profit-take, −1 stop, 0 time; NaN when undecided. */
  readonly barrier: Float64Array;
  /** Return of the position (side applied) from the entry close to the exit price. */
  readonly ret: Float64Array;
  /** Last bar the label looks at (the exit bar), −1 when undecided. */
  readonly endIndex: Int32Array;
  /** Open time of the entry bar (the event start t0; the entry is at its close). */
  readonly startTime: Float64Array;
  /** Open time of the exit bar (the event end t1); NaN when undecided. */
  readonly endTime: Float64Array;
}

/**
 * Triple-barrier labels (López de Prado, AFML §3.4): from the close of each event bar, the first of
 * the profit-take barrier, the stop barrier and the time barrier (`horizon` bars later) decides
 * the label. With `prices: 'high_low'` barriers are touched intrabar; a bar that touches both
 * decides by `tieBreak`; a bar that opens beyond a barrier exits at the open.
 * @example
 * const vol = ewmVolatility(table.close, 100);
 * const { label, endIndex } = tripleBarrierLabels(table, { horizon: 60, profitTake: 2, stopLoss: 1, target: vol });
 */
export function tripleBarrierLabels(bars: Pick<OhlcvColumns, 'time' | 'open' | 'high' | 'low' | 'close'>, options: TripleBarrierOptions): TripleBarrierLabels {
  const { horizon, profitTake, stopLoss } = options;
  const n = bars.close.length;
  checkHorizon(horizon);
  for (const [key, v] of [['profitTake', profitTake], ['stopLoss', stopLoss]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new ConfigurationError(`must be a finite number >= 0, got ${String(v)}`, key);
  }
  const target = options.target ?? 1;
  checkThreshold(target, n, 'target');
  const side = options.side ?? 1;
  if (typeof side !== 'number' && side.length !== n) throw new ConfigurationError(`has ${side.length} values for ${n} rows`, 'side');
  const useHighLow = (options.prices ?? 'high_low') === 'high_low';
  const stopFirst = (options.tieBreak ?? 'stop') === 'stop';
  const signAtVertical = options.verticalLabel === 'sign';
  const events = options.events ?? Int32Array.from({ length: n }, (_, i) => i);
  const m = events.length;
  const index = new Int32Array(m);
  const label = new Float64Array(m).fill(NaN);
  const barrier = new Float64Array(m).fill(NaN);
  const ret = new Float64Array(m).fill(NaN);
  const endIndex = new Int32Array(m).fill(-1);
  const startTime = new Float64Array(m);
  const endTime = new Float64Array(m).fill(NaN);
  const { time, open, high, low, close } = bars;
  let previous = -1;
  for (let e = 0; e < m; e++) {
    const i = events[e]!;
    if (!Number.isInteger(i) || i < 0 || i >= n || i <= previous) {
      throw new ConfigurationError(`event ${e} is ${String(i)}; events must be increasing row indices in [0, ${n - 1}]`, 'events');
    }
    previous = i;
    index[e] = i;
    startTime[e] = time[i]!;
    const s = typeof side === 'number' ? side : side[i]!;
    const width = thresholdAt(target, i);
    if (!(width >= 0) || (s !== 1 && s !== -1)) continue;
    const entry = close[i]!;
    // Barriers as prices: `up` above the entry, `down` below; which one is the profit depends on the side.
    const upReturn = (s === 1 ? profitTake : stopLoss) * width;
    const downReturn = (s === 1 ? stopLoss : profitTake) * width;
    const up = upReturn > 0 ? entry * (1 + upReturn) : Infinity;
    const down = downReturn > 0 ? entry * (1 - downReturn) : -Infinity;
    const last = Math.min(n - 1, i + horizon);
    let hit = 0; // +1 up barrier, −1 down barrier
    let exitPrice = NaN;
    let j = i + 1;
    for (; j <= last; j++) {
      if (useHighLow) {
        const o = open[j]!;
        if (o >= up) { hit = 1; exitPrice = o; break; }
        if (o <= down) { hit = -1; exitPrice = o; break; }
        const touchUp = high[j]! >= up;
        const touchDown = low[j]! <= down;
        if (touchUp && touchDown) {
          // The stop is the barrier on the losing side: below the entry for a long, above for a short.
          const stopIsDown = s === 1;
          hit = stopFirst === stopIsDown ? -1 : 1;
          exitPrice = hit === 1 ? up : down;
          break;
        }
        if (touchUp) { hit = 1; exitPrice = up; break; }
        if (touchDown) { hit = -1; exitPrice = down; break; }
      } else {
        const c = close[j]!;
        if (c >= up) { hit = 1; exitPrice = c; break; }
        if (c <= down) { hit = -1; exitPrice = c; break; }
      }
    }
    if (hit !== 0) {
      const profit = hit === s;
      label[e] = profit ? 1 : -1;
      barrier[e] = profit ? 1 : -1;
      ret[e] = s * (exitPrice / entry - 1);
      endIndex[e] = j;
      endTime[e] = time[j]!;
    } else if (i + horizon < n) {
      const r = s * (close[i + horizon]! / entry - 1);
      label[e] = signAtVertical ? Math.sign(r) : 0;
      barrier[e] = 0;
      ret[e] = r;
      endIndex[e] = i + horizon;
      endTime[e] = time[i + horizon]!;
    }
  }
  return { index, label, barrier, ret, endIndex, startTime, endTime };
}

/**
 * Exponentially weighted standard deviation of one-bar returns (span `span`, α = 2/(span+1)),
 * using only past and current bars: the usual barrier width for triple-barrier labels.
 * NaN for the first bar (no return yet).
 */
export function ewmVolatility(close: Float64Array, span: number): Float64Array {
  if (!Number.isFinite(span) || span < 1) throw new ConfigurationError(`must be a number >= 1, got ${String(span)}`, 'span');
  const alpha = 2 / (span + 1);
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  let mean = 0;
  let variance = 0;
  let started = false;
  for (let i = 1; i < n; i++) {
    const r = close[i]! / close[i - 1]! - 1;
    if (r - r !== 0) continue;
    if (!started) {
      mean = r;
      variance = 0;
      started = true;
    } else {
      const d = r - mean;
      mean += alpha * d;
      variance = (1 - alpha) * (variance + alpha * d * d);
    }
    out[i] = Math.sqrt(variance);
  }
  return out;
}

/**
 * Which rows may be used for training when rows `testStart..testEnd` (inclusive) are the test set:
 * rows whose label span [i, endIndex[i]] overlaps the test rows' spans are purged, and `embargo`
 * rows after the test spans' end are dropped too (AFML §7.4). Rows without a label (endIndex −1)
 * are excluded. Returns 1 for a usable row, 0 otherwise.
 * @example
 * const usable = purgedTrainingMask(labels.endIndex, 800, 899, 10);
 */
export function purgedTrainingMask(endIndex: Int32Array, testStart: number, testEnd: number, embargo = 0): Uint8Array {
  const n = endIndex.length;
  if (!Number.isInteger(testStart) || !Number.isInteger(testEnd) || testStart < 0 || testEnd >= n || testEnd < testStart) {
    throw new ConfigurationError(`test rows ${testStart}..${testEnd} are not a range within 0..${n - 1}`, 'test');
  }
  if (!Number.isInteger(embargo) || embargo < 0) throw new ConfigurationError(`must be an integer >= 0, got ${String(embargo)}`, 'embargo');
  let testSpanEnd = testEnd;
  for (let i = testStart; i <= testEnd; i++) if (endIndex[i]! > testSpanEnd) testSpanEnd = endIndex[i]!;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const end = endIndex[i]!;
    if (end < 0) continue;
    const overlaps = i <= testSpanEnd && end >= testStart;
    const embargoed = i > testSpanEnd && i <= testSpanEnd + embargo;
    mask[i] = overlaps || embargoed ? 0 : 1;
  }
  return mask;
}
