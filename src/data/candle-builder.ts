/**
 * Builds higher-timeframe bars from lower-timeframe bars as they close (multi-timeframe). A
 * higher bar is emitted only once complete: when the base bar that ends its bucket arrives, or —
 * if that one is missing from the data — when the first bar of a later bucket arrives. Buckets are
 * aligned to UTC: days at 00:00, weeks on Monday 00:00 (as Binance and TradingView do).
 */
import { ConfigurationError } from '../core/errors.js';
import { DAY_MS, WEEK_MS, timeframeMs, type Timeframe } from '../core/time.js';
import type { Bar } from '../model/bar.js';

/** The epoch (Thursday) is 4 days after a Monday. */
const WEEK_OFFSET_MS = 4 * DAY_MS;

/** Start of the bucket of length `stepMs` that contains `time`. */
export function bucketStart(time: number, stepMs: number): number {
  if (stepMs % WEEK_MS === 0) return Math.floor((time - WEEK_OFFSET_MS) / stepMs) * stepMs + WEEK_OFFSET_MS;
  return Math.floor(time / stepMs) * stepMs;
}

export class CandleBuilder {
  readonly targetMs: number;
  private readonly baseMs: number;
  private start = Number.NaN;
  private open = 0;
  private high = 0;
  private low = 0;
  private close = 0;
  private volume = 0;

  constructor(
    readonly symbol: string,
    readonly base: Timeframe,
    readonly target: Timeframe,
  ) {
    this.baseMs = timeframeMs(base);
    this.targetMs = timeframeMs(target);
    if (this.targetMs <= this.baseMs || this.targetMs % this.baseMs !== 0) {
      throw new ConfigurationError(`timeframe ${target} cannot be built from ${base} bars; it must be a whole multiple of ${base}`, 'timeframes');
    }
  }

  /**
   * Adds a closed base bar. Calls `emit` with each higher bar that this bar completes (at most
   * two: the previous bucket, closed late because its last bar was missing, and this one).
   */
  update(bar: Bar, emit: (bar: Bar) => void): void {
    const start = bucketStart(bar.time, this.targetMs);
    if (start !== this.start) {
      if (!Number.isNaN(this.start)) emit(this.flush());
      this.start = start;
      this.open = bar.open;
      this.high = bar.high;
      this.low = bar.low;
      this.volume = 0;
    } else {
      if (bar.high > this.high) this.high = bar.high;
      if (bar.low < this.low) this.low = bar.low;
    }
    this.close = bar.close;
    this.volume += bar.volume;
    if (bar.time + this.baseMs >= start + this.targetMs) {
      emit(this.flush());
    }
  }

  private flush(): Bar {
    const bar: Bar = {
      symbol: this.symbol, timeframe: this.target, time: this.start, open: this.open, high: this.high,
      low: this.low, close: this.close, volume: this.volume,
    };
    this.start = Number.NaN;
    return bar;
  }
}
