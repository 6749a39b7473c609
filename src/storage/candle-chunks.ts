/**
 * Candles are stored in chunks: all candles of a series whose open time falls in one window of
 * `CHUNK_PERIODS` timeframes, packed as six float64 columns. A range read then moves a few
 * hundred blobs instead of a million rows, and a bulk import writes one row per window. This file
 * holds the database-independent part: validation, grouping and the merge that counts what an
 * upsert changed.
 */
import { DataError } from '../core/errors.js';
import { timeframeMs, type Timeframe } from '../core/time.js';
import type { OhlcvColumns } from '../model/bar.js';
import type { CandleColumns } from './codec.js';

/** Timeframes per chunk window: 1024 one-minute candles ≈ 17 hours, 48 KiB. */
export const CHUNK_PERIODS = 1024;

export function chunkSpanMs(timeframe: Timeframe): number {
  return timeframeMs(timeframe) * CHUNK_PERIODS;
}

export function chunkStartOf(time: number, spanMs: number): number {
  return Math.floor(time / spanMs) * spanMs;
}

export function allocateColumns(n: number): CandleColumns {
  return {
    time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n),
    low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n),
  };
}

export function sliceColumns(c: CandleColumns, start: number, end: number): CandleColumns {
  return {
    time: c.time.subarray(start, end), open: c.open.subarray(start, end), high: c.high.subarray(start, end),
    low: c.low.subarray(start, end), close: c.close.subarray(start, end), volume: c.volume.subarray(start, end),
  };
}

/**
 * Checks every row (finite integer time, finite prices, finite non-negative volume) and returns
 * the candles sorted by time. Two rows with the same time are an error: which one is right?
 */
export function prepareCandles(bars: OhlcvColumns, source = 'candles'): CandleColumns {
  const n = bars.time.length;
  const cols = [bars.open, bars.high, bars.low, bars.close, bars.volume];
  if (cols.some((c) => c.length !== n)) throw new DataError('columns differ in length', { source });
  const names = ['open', 'high', 'low', 'close', 'volume'] as const;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const t = bars.time[i]!;
    if (!Number.isInteger(t)) throw new DataError(`time must be an integer epoch-ms timestamp, got ${t}`, { source, row: i + 1, field: 'time' });
    for (let c = 0; c < 5; c++) {
      const v = cols[c]![i]!;
      if (!Number.isFinite(v)) throw new DataError(`${names[c]} must be a finite number, got ${v}`, { source, row: i + 1, field: names[c] });
    }
    if (bars.volume[i]! < 0) throw new DataError(`volume must not be negative, got ${bars.volume[i]}`, { source, row: i + 1, field: 'volume' });
    if (i > 0 && t <= bars.time[i - 1]!) sorted = false;
  }
  const out = allocateColumns(n);
  if (sorted) {
    out.time.set(bars.time); out.open.set(bars.open); out.high.set(bars.high);
    out.low.set(bars.low); out.close.set(bars.close); out.volume.set(bars.volume);
    return out;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => bars.time[a]! - bars.time[b]!);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out.time[k] = bars.time[i]!; out.open[k] = bars.open[i]!; out.high[k] = bars.high[i]!;
    out.low[k] = bars.low[i]!; out.close[k] = bars.close[i]!; out.volume[k] = bars.volume[i]!;
    if (k > 0 && out.time[k] === out.time[k - 1]) {
      throw new DataError(`two candles have open time ${out.time[k]} (${new Date(out.time[k]!).toISOString()})`, { source, row: i + 1, field: 'time' });
    }
  }
  return out;
}

/** A run of sorted input rows `[from, to)` that falls in the chunk starting at `start`. */
export interface ChunkGroup {
  readonly start: number;
  readonly from: number;
  readonly to: number;
}

export function groupByChunk(times: Float64Array, spanMs: number): ChunkGroup[] {
  const groups: ChunkGroup[] = [];
  let from = 0;
  while (from < times.length) {
    const start = chunkStartOf(times[from]!, spanMs);
    const end = start + spanMs;
    let to = from + 1;
    while (to < times.length && times[to]! < end) to++;
    groups.push({ start, from, to });
    from = to;
  }
  return groups;
}

export interface MergeResult {
  readonly merged: CandleColumns;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** Merges sorted incoming candles into a sorted chunk; incoming rows replace stored ones with the same time. */
export function mergeChunk(existing: CandleColumns | undefined, incoming: CandleColumns): MergeResult {
  if (existing === undefined || existing.time.length === 0) {
    return { merged: incoming, inserted: incoming.time.length, updated: 0, unchanged: 0 };
  }
  const a = existing;
  const b = incoming;
  const out = allocateColumns(a.time.length + b.time.length);
  let i = 0;
  let j = 0;
  let k = 0;
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  const take = (src: CandleColumns, s: number): void => {
    out.time[k] = src.time[s]!; out.open[k] = src.open[s]!; out.high[k] = src.high[s]!;
    out.low[k] = src.low[s]!; out.close[k] = src.close[s]!; out.volume[k] = src.volume[s]!;
    k++;
  };
  while (i < a.time.length || j < b.time.length) {
    if (j >= b.time.length || (i < a.time.length && a.time[i]! < b.time[j]!)) {
      take(a, i++);
    } else if (i >= a.time.length || b.time[j]! < a.time[i]!) {
      take(b, j++);
      inserted++;
    } else {
      const same = a.open[i] === b.open[j] && a.high[i] === b.high[j] && a.low[i] === b.low[j]
        && a.close[i] === b.close[j] && a.volume[i] === b.volume[j];
      if (same) unchanged++;
      else updated++;
      take(b, j++);
      i++;
    }
  }
  return { merged: sliceColumns(out, 0, k), inserted, updated, unchanged };
}

/** Places in `times[from, to)` where consecutive candles are more than one timeframe apart. */
export function countGaps(times: Float64Array, stepMs: number, from = 0, to = times.length): number {
  let gaps = 0;
  for (let i = from + 1; i < to; i++) if (times[i]! - times[i - 1]! > stepMs) gaps++;
  return gaps;
}

/** First index in sorted `times` with `times[i] >= value`. */
export function lowerBound(times: Float64Array, value: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
