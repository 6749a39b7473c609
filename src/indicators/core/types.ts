/**
 * The shapes every indicator shares. See docs/indicators.md for the full contract.
 *
 * An indicator exists in two forms that give identical numbers:
 * - incremental: one object per series, `update(...)` once per input, `value` / `isReady` / `warmup`;
 *   the same object serves a backtest and a live feed and allocates nothing per update;
 * - batch: a function over `Float64Array`s returning arrays of the input's length, NaN during warm-up.
 */

/**
 * What an indicator does with a NaN or infinite input.
 * - `reset` (default): the input is refused, the indicator forgets its state and reports not-ready
 *   until it has warmed up again on the inputs that follow (batch output: NaN for those bars).
 *   This is also what makes composition work: an EMA fed with an RSI that is still warming up
 *   (NaN) simply starts warming up when the RSI becomes ready.
 * - `throw`: a `DataError` naming the indicator, the field and the input's index is raised.
 *
 * A non-finite value never enters a computed value under either policy.
 */
export type InvalidInputPolicy = 'reset' | 'throw';

/** Options accepted by every indicator. */
export interface CommonOptions {
  /** See {@link InvalidInputPolicy}; default `reset`. */
  readonly onInvalid?: InvalidInputPolicy;
  /** Name of a one-series indicator's input in error messages (default `value`; the registry passes the `source`). */
  readonly inputName?: string;
}

/** Options of indicators whose only parameter is a look-back period. */
export interface PeriodOptions extends CommonOptions {
  readonly period?: number;
}

/**
 * A bar as indicators read it: the subset of `model/bar.ts` `Bar` they need. Each bar indicator
 * declares the fields it reads (`Pick<BarInput, ...>`), so a full `Bar` or any object with those
 * fields can be passed.
 */
export interface BarInput {
  /** Open time, UTC epoch milliseconds (used by session-anchored indicators only). */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export type BarField = keyof BarInput;

/** Members shared by every incremental indicator. */
export interface IncrementalIndicator {
  /** Short label used in error messages, e.g. `rsi(14)`. */
  readonly label: string;
  /**
   * Inputs consumed before the one that produces the first value (TA-Lib's "lookback"): the first
   * value appears on input number `warmup + 1`, i.e. at index `warmup` of a batch result.
   * Includes any `unstablePeriod`. Data-dependent indicators (levels, patterns) may still report
   * a documented NaN after warm-up (e.g. "no swing low below the price yet").
   */
  readonly warmup: number;
  /** True once `warmup + 1` valid inputs have been seen since creation or the last reset. */
  readonly isReady: boolean;
  /** The primary line's current value; NaN until ready. */
  readonly value: number;
  /** Forgets all state; the indicator warms up again. */
  reset(): void;
}

/** An indicator over one number per step (a price, or another indicator's value). */
export interface PriceIndicator extends IncrementalIndicator {
  /** Feeds one value and returns the new `value` (NaN while warming up). */
  update(value: number): number;
}

/** An indicator over bars; `K` lists the fields it reads. */
export interface BarIndicator<K extends BarField = BarField> extends IncrementalIndicator {
  /** Feeds one bar and returns the new `value` (NaN while warming up). */
  update(bar: Pick<BarInput, K>): number;
}
