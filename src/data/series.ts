/**
 * Point-in-time bar series. The data engine appends each bar when it closes; readers see only
 * what has been appended, so reading the future is impossible rather than forbidden by
 * convention. A series keeps the last `capacity` bars (a ring buffer), which keeps memory flat
 * however long a backtest runs.
 */
import { DataError, LookAheadError } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import type { Bar } from '../model/bar.js';

/** Read-only access to a series, as strategies and heads receive it. `ago = 0` is the latest closed bar. */
export interface BarSeriesView {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Bars available to read (at most the series capacity). */
  readonly length: number;
  /** Bars seen since the start, including those no longer kept. */
  readonly count: number;
  time(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  /** The bar `ago` bars back as an object. */
  bar(ago?: number): Bar;
  /** The latest closed bar, or undefined before the first. */
  readonly last: Bar | undefined;
  /** Copy of the last `n` closes (default: all kept), oldest first. */
  closes(n?: number): Float64Array;
  highs(n?: number): Float64Array;
  lows(n?: number): Float64Array;
  opens(n?: number): Float64Array;
  volumes(n?: number): Float64Array;
  times(n?: number): Float64Array;
}

export class BarSeries implements BarSeriesView {
  readonly #time: Float64Array;
  readonly #open: Float64Array;
  readonly #high: Float64Array;
  readonly #low: Float64Array;
  readonly #close: Float64Array;
  readonly #volume: Float64Array;
  readonly #capacity: number;
  #count = 0;
  #last: Bar | undefined;

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
    capacity = 1000,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`series capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#time = new Float64Array(capacity);
    this.#open = new Float64Array(capacity);
    this.#high = new Float64Array(capacity);
    this.#low = new Float64Array(capacity);
    this.#close = new Float64Array(capacity);
    this.#volume = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  get length(): number {
    return this.#count < this.#capacity ? this.#count : this.#capacity;
  }

  get count(): number {
    return this.#count;
  }

  get last(): Bar | undefined {
    return this.#last;
  }

  /** Appends a closed bar. Only the data engine calls this. */
  append(bar: Bar): void {
    const slot = this.#count % this.#capacity;
    this.#time[slot] = bar.time;
    this.#open[slot] = bar.open;
    this.#high[slot] = bar.high;
    this.#low[slot] = bar.low;
    this.#close[slot] = bar.close;
    this.#volume[slot] = bar.volume;
    this.#count++;
    this.#last = bar;
  }

  #slot(ago: number): number {
    if (!(ago >= 0)) {
      throw new LookAheadError(
        `${this.symbol} ${this.timeframe}: bar ago=${ago} is in the future; only closed bars up to now can be read (ago ≥ 0)`,
      );
    }
    const length = this.length;
    if (ago >= length || !Number.isInteger(ago)) {
      if (!Number.isInteger(ago)) throw new DataError(`bar index ago=${ago} must be an integer`, { source: `${this.symbol} ${this.timeframe}` });
      throw new DataError(
        `asked for the bar ${ago} bars back but only ${length} ${length === 1 ? 'is' : 'are'} available` +
          (this.#count > this.#capacity ? ` (the series keeps the last ${this.#capacity}; raise the strategy's lookback)` : ''),
        { source: `${this.symbol} ${this.timeframe}` },
      );
    }
    return (this.#count - 1 - ago) % this.#capacity;
  }

  time(ago = 0): number {
    return this.#time[this.#slot(ago)]!;
  }
  open(ago = 0): number {
    return this.#open[this.#slot(ago)]!;
  }
  high(ago = 0): number {
    return this.#high[this.#slot(ago)]!;
  }
  low(ago = 0): number {
    return this.#low[this.#slot(ago)]!;
  }
  close(ago = 0): number {
    return this.#close[this.#slot(ago)]!;
  }
  volume(ago = 0): number {
    return this.#volume[this.#slot(ago)]!;
  }

  bar(ago = 0): Bar {
    const slot = this.#slot(ago);
    return {
      symbol: this.symbol, timeframe: this.timeframe, time: this.#time[slot]!, open: this.#open[slot]!,
      high: this.#high[slot]!, low: this.#low[slot]!, close: this.#close[slot]!, volume: this.#volume[slot]!,
    };
  }

  #copy(column: Float64Array, n: number | undefined): Float64Array {
    const length = this.length;
    const take = n === undefined ? length : Math.min(Math.max(0, Math.floor(n)), length);
    const out = new Float64Array(take);
    const first = this.#count - take;
    for (let i = 0; i < take; i++) out[i] = column[(first + i) % this.#capacity]!;
    return out;
  }

  closes(n?: number): Float64Array {
    return this.#copy(this.#close, n);
  }
  highs(n?: number): Float64Array {
    return this.#copy(this.#high, n);
  }
  lows(n?: number): Float64Array {
    return this.#copy(this.#low, n);
  }
  opens(n?: number): Float64Array {
    return this.#copy(this.#open, n);
  }
  volumes(n?: number): Float64Array {
    return this.#copy(this.#volume, n);
  }
  times(n?: number): Float64Array {
    return this.#copy(this.#time, n);
  }
}
