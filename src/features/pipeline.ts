/**
 * Running a feature set: {@link generateFeatures} over a whole table (research, training, the
 * API's `features/generate`) and {@link createFeatureStream} bar by bar (backtests, live heads).
 * Both give the same numbers (tested to 1e-9 on real data for every feature of the default set).
 */
import { ConfigurationError } from '../core/errors.js';
import type { BarInput } from '../indicators/index.js';
import { withCheckedColumns } from '../indicators/core/kernels.js';
import type { BarTable } from '../model/bar.js';
import { BatchContext, StreamContext, throwOutOfOrder } from './context.js';
import { announceIndicators, batchFeature, finiteOrNaN, streamFeature, type Reader } from './kinds.js';
import type { FeatureSet } from './types.js';

/** Features by column: `columns[k]` holds feature `names[k]` for every bar of the table. */
export interface FeatureFrame {
  readonly set: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** Bar open times (UTC epoch ms); the row of bar i is known at its close. */
  readonly time: Float64Array;
  readonly names: readonly string[];
  /**
   * One column per feature, NaN where a value is not available (warm-up, undefined ratio).
   * Read-only: features with the same values (two names for one definition, or an indicator line
   * also used inside another feature) may share one array.
   */
  readonly columns: readonly Float64Array[];
}

export interface GenerateOptions {
  /** Called after each feature column with the number done, the total and the feature's name. */
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

/**
 * Every feature of `set` over `table`, columnar. This is the function the CLI's `features` command
 * and the API's `features/generate` endpoint call. The table must not change during the call
 * (`onProgress` included): its columns are checked once, then read by every indicator.
 * @example
 * const { table } = await loadBars('data/bundled/BTC_USDT-1h.csv');
 * const frame = generateFeatures(table, defaultFeatureSet(table.timeframe));
 * frame.columns[frame.names.indexOf('rsi_14')];
 */
export function generateFeatures(table: BarTable, set: FeatureSet, options: GenerateOptions = {}): FeatureFrame {
  // The bars are checked once for all indicators (see `BatchContext`); they cannot change while
  // this synchronous call runs.
  return withCheckedColumns(() => {
    const ctx = new BatchContext(table);
    const names = Object.keys(set.features);
    const columns: Float64Array[] = [];
    for (const name of names) announceIndicators(ctx, set.features[name]!);
    for (const [k, name] of names.entries()) {
      const column = batchFeature(ctx, set.features[name]!, `features.${name}`);
      columns.push(ctx.isKnownFinite(column) ? column : ctx.markFinite(finiteOrNaN(column, ctx.isCached(column))));
      options.onProgress?.(k + 1, names.length, name);
    }
    return { set: set.name, symbol: table.symbol, timeframe: table.timeframe, time: table.time, names, columns };
  });
}

/** The column of feature `name` in a frame. */
export function featureColumn(frame: Pick<FeatureFrame, 'names' | 'columns'>, name: string): Float64Array {
  const k = frame.names.indexOf(name);
  if (k < 0) throw new ConfigurationError(`no feature "${name}" in this frame`, 'feature');
  return frame.columns[k]!;
}

/**
 * A feature set computed bar by bar: one object per series. `update(bar)` returns the current
 * feature vector (the same Float64Array every time, overwritten: copy it to keep it); it allocates
 * nothing per bar.
 * @example
 * const stream = createFeatureStream(defaultFeatureSet('5m'), { timeframe: '5m' });
 * for (const bar of bars) {
 *   const values = stream.update(bar);
 *   values[stream.indexOf('rsi_14')];
 * }
 */
export class FeatureStream {
  readonly names: readonly string[];
  /** The latest feature vector (NaN before the first bar). */
  readonly values: Float64Array;
  private readonly ctx: StreamContext;
  private readonly readers: Reader[];
  private lastTime = -Infinity;
  private count = 0;

  constructor(set: FeatureSet, options: { readonly timeframe: string }) {
    this.ctx = new StreamContext(options.timeframe);
    this.names = Object.keys(set.features);
    this.readers = this.names.map((name) => streamFeature(this.ctx, set.features[name]!, `features.${name}`));
    this.values = new Float64Array(this.names.length).fill(NaN);
  }

  /** Bars fed so far. */
  get bars(): number {
    return this.count;
  }

  /** Position of feature `name` in `values`; −1 when absent. */
  indexOf(name: string): number {
    return this.names.indexOf(name);
  }

  /** Feeds the next bar (strictly later than the previous one) and returns the feature vector. */
  update(bar: BarInput): Float64Array {
    if (!(bar.time > this.lastTime)) throwOutOfOrder(this.count, bar.time, this.lastTime);
    this.lastTime = bar.time;
    this.count++;
    this.ctx.step(bar);
    const readers = this.readers;
    const values = this.values;
    for (let k = 0; k < readers.length; k++) {
      const v = readers[k]!();
      values[k] = v - v === 0 ? v : NaN;
    }
    return values;
  }
}

/** A {@link FeatureStream} for bars of `timeframe` (needed for multi-timeframe features). */
export function createFeatureStream(set: FeatureSet, options: { readonly timeframe: string }): FeatureStream {
  return new FeatureStream(set, options);
}
