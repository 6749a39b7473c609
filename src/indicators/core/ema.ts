/** The EMA recursion shared by the EMA class and MACD's all-EMA fast path (internal). */

/**
 * How an EMA gets its first value.
 * - `sma` (TA-Lib default, TradingView, most references): the SMA of the first `period` inputs.
 * - `first` (TA-Lib's Metastock compatibility, pandas `ewm(adjust=False, min_periods=period)`): the
 *   first input, then smoothed from the second input on; the first `period − 1` values are withheld.
 * - `ewm` (tulip, pandas `ewm(adjust=False)` without `min_periods`): the same recursion, with every
 *   value reported from the first input on (no warm-up).
 */
export type EmaSeed = 'sma' | 'first' | 'ewm';
export const EMA_SEEDS: readonly EmaSeed[] = ['sma', 'first', 'ewm'];

/**
 * The EMA recursion without validation or bookkeeping, shared by the `EMA` class and MACD's fast path
 * so that both compute exactly the same numbers. `seedLength` is `period` for an SMA seed and 1 for
 * a first-value seed.
 */
export class EmaCore {
  /** Inputs seen. */
  n = 0;
  ema = 0;
  private seedSum = 0;

  constructor(
    readonly alpha: number,
    private readonly seedLength: number,
  ) {}

  /** Feeds `x` and returns the average (meaningful once `n >= seedLength`). */
  step(x: number): number {
    const c = ++this.n;
    if (c > this.seedLength) return (this.ema += this.alpha * (x - this.ema));
    if (this.seedLength === 1) return (this.ema = x);
    this.seedSum += x;
    if (c === this.seedLength) this.ema = this.seedSum / this.seedLength;
    return this.ema;
  }

  clear(): void {
    this.n = 0;
    this.ema = 0;
    this.seedSum = 0;
  }
}

/** Inputs an EMA withholds: `period − 1` for `sma`/`first` seeds, none for `ewm`, plus the unstable period. */
export function emaWarmup(period: number, seed: EmaSeed, unstablePeriod = 0): number {
  return (seed === 'ewm' ? 0 : period - 1) + unstablePeriod;
}
