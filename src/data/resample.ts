/**
 * Resampling a bar table to a higher timeframe. Buckets are those of the candle builder
 * (`bucketStart`): aligned to the UTC epoch, weeks on Monday 00:00 UTC, so a resampled history and
 * candles built live from the same bars agree.
 */
import { ConfigurationError } from '../core/errors.js';
import { timeframeMs } from '../core/time.js';
import { BarTable } from '../model/bar.js';
import { bucketStart } from './candle-builder.js';

export interface ResampleOptions {
  /**
   * Drop the last bucket when the data ends before that bucket does (its last source bar closes
   * before the bucket's end). Default false: the last bucket is kept, partial or not.
   */
  readonly dropPartialLast?: boolean;
}

/**
 * Aggregates bars into `timeframe` buckets: open of the first bar, highest high, lowest low,
 * close of the last bar, summed volume; `time` is the bucket's start.
 *
 * Policy: every bucket holding at least one source bar becomes one bar. Buckets are built from
 * the bars present, so a gap in the source gives a bucket from fewer bars (and a bucket with no
 * bars is absent, not invented). The first bucket covers only the bars from the start of the data;
 * the last bucket is kept even if the data ends inside it, unless `dropPartialLast` is set.
 * @example
 * const daily = resampleBars(hourly, '1d'); // hourly.timeframe === '1h'
 */
export function resampleBars(table: BarTable, timeframe: string, options: ResampleOptions = {}): BarTable {
  const sourceMs = timeframeMs(table.timeframe);
  const targetMs = timeframeMs(timeframe);
  if (targetMs < sourceMs || targetMs % sourceMs !== 0) {
    throw new ConfigurationError(`cannot resample ${table.timeframe} bars to ${timeframe}; the target must be a whole multiple of ${table.timeframe}`, 'timeframe');
  }
  if (targetMs === sourceMs) return table;
  const n = table.length;
  const { time, open, high, low, close, volume } = table;
  // Upper bound on the bucket count, for preallocation.
  const capacity = n === 0 ? 0 : Math.min(n, Math.floor((time[n - 1]! - time[0]!) / targetMs) + 2);
  const T = new Float64Array(capacity);
  const O = new Float64Array(capacity);
  const H = new Float64Array(capacity);
  const L = new Float64Array(capacity);
  const C = new Float64Array(capacity);
  const V = new Float64Array(capacity);
  let w = -1;
  let current = Number.NaN;
  for (let i = 0; i < n; i++) {
    const start = bucketStart(time[i]!, targetMs);
    if (start !== current) {
      current = start;
      w++;
      T[w] = start;
      O[w] = open[i]!;
      H[w] = high[i]!;
      L[w] = low[i]!;
      V[w] = 0;
    } else {
      if (high[i]! > H[w]!) H[w] = high[i]!;
      if (low[i]! < L[w]!) L[w] = low[i]!;
    }
    C[w] = close[i]!;
    V[w] = V[w]! + volume[i]!;
  }
  let count = w + 1;
  if (options.dropPartialLast && count > 0 && time[n - 1]! + sourceMs < T[count - 1]! + targetMs) count--;
  return new BarTable(
    table.symbol, timeframe, T.slice(0, count), O.slice(0, count), H.slice(0, count), L.slice(0, count), C.slice(0, count), V.slice(0, count),
  );
}
