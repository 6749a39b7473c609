/** Bars (candles). `time` is the bar's OPEN time in UTC epoch ms; a bar is known at time + timeframe. */
import type { Timeframe } from '../core/time.js';

export interface Bar {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Open time, UTC epoch milliseconds. */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** OHLCV columns without identity, as loaders and indicators exchange them. */
export interface OhlcvColumns {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * A symbol's bars stored by column. Loaders fill it; the backtest replays it bar by bar, so that
 * nothing downstream ever holds data from after the current bar.
 */
export class BarTable implements OhlcvColumns {
  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
    readonly time: Float64Array,
    readonly open: Float64Array,
    readonly high: Float64Array,
    readonly low: Float64Array,
    readonly close: Float64Array,
    readonly volume: Float64Array,
  ) {
    const n = time.length;
    if (open.length !== n || high.length !== n || low.length !== n || close.length !== n || volume.length !== n) {
      throw new RangeError(`BarTable ${symbol} ${timeframe}: columns differ in length`);
    }
  }

  get length(): number {
    return this.time.length;
  }

  /** The bar at `index` as an object. */
  bar(index: number): Bar {
    return {
      symbol: this.symbol,
      timeframe: this.timeframe,
      time: this.time[index]!,
      open: this.open[index]!,
      high: this.high[index]!,
      low: this.low[index]!,
      close: this.close[index]!,
      volume: this.volume[index]!,
    };
  }

  /** A table over rows [start, end) sharing this table's memory. */
  slice(start: number, end = this.length): BarTable {
    return new BarTable(
      this.symbol, this.timeframe,
      this.time.subarray(start, end), this.open.subarray(start, end), this.high.subarray(start, end),
      this.low.subarray(start, end), this.close.subarray(start, end), this.volume.subarray(start, end),
    );
  }

  /** Builds a table from bar objects (tests, small inputs). */
  static fromBars(symbol: string, timeframe: Timeframe, bars: ReadonlyArray<Omit<Bar, 'symbol' | 'timeframe'>>): BarTable {
    const n = bars.length;
    const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    bars.forEach((b, i) => {
      cols[0][i] = b.time;
      cols[1][i] = b.open;
      cols[2][i] = b.high;
      cols[3][i] = b.low;
      cols[4][i] = b.close;
      cols[5][i] = b.volume;
    });
    return new BarTable(symbol, timeframe, ...cols);
  }
}
