/**
 * Momentum indicators over one series: RSI, CMO, MOM, ROC/ROCP/ROCR/ROCR100, MACD, APO, PPO,
 * TRIX and Stochastic RSI.
 */
import { IndicatorBase } from './core/base.js';
import { enumOption, intOption, requireFasterThan } from './core/options.js';
import type { CommonOptions, PriceIndicator } from './core/types.js';
import { RollingMax, RollingMin, RollingSum, RollingWindow } from './core/windows.js';
import { EmaCore, emaWarmup } from './core/ema.js';
import { borrowScratch, emaChainStart, emaInto, fillNaN, isStrict, rawStochasticInto, releaseScratch, rollingMaxInto, rollingMinInto, rollingSumInto, runClass, runSegments, validEnd1 } from './core/kernels.js';
import { EMA, EMA_SEEDS, MA_TYPES, createMovingAverage, movingAverageInto, movingAverageWarmup, type EmaSeed, type MaType } from './moving-averages.js';

/**
 * How the average gain and loss of RSI/CMO are started.
 * - `sma` (TA-Lib default, Wilder, TradingView, StockCharts): the first average is the mean of the
 *   first `period` changes; the first value is at index `period`.
 * - `metastock` (TA-Lib's Metastock compatibility): one extra value at index `period − 1`, computed
 *   as if the first bar repeated the previous one (a zero change); from index `period` on it equals `sma`.
 * - `ewm` (pandas `ewm(alpha=1/period, adjust=False)`, as the `ta` Python package): Wilder
 *   smoothing from the very first bar, with a zero change for it; values from index `period`.
 */
export type GainLossSeed = 'sma' | 'metastock' | 'ewm';
export const GAIN_LOSS_SEEDS: readonly GainLossSeed[] = ['sma', 'metastock', 'ewm'];

/**
 * How gains and losses are averaged: `wilder` (Wilder's smoothing, TA-Lib for both RSI and CMO) or
 * `sum` (plain sums over the last `period` changes: Chande's original CMO, tulip's CMO, Cutler's RSI).
 */
export type GainLossSmoothing = 'wilder' | 'sum';
export const GAIN_LOSS_SMOOTHINGS: readonly GainLossSmoothing[] = ['wilder', 'sum'];

export interface GainLossOptions extends CommonOptions {
  readonly period?: number;
  /** See {@link GainLossSeed}; default `sma`. Only used with `wilder` smoothing. */
  readonly seed?: GainLossSeed;
  /** See {@link GainLossSmoothing}; default `wilder`. */
  readonly smoothing?: GainLossSmoothing;
  /** TA-Lib's unstable period: this many extra leading values are withheld (default 0). */
  readonly unstablePeriod?: number;
}

/** The shared engine of RSI and CMO: average gain and loss of the last `period` changes. */
abstract class GainLossOscillator extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  readonly seed: GainLossSeed;
  readonly smoothing: GainLossSmoothing;
  private readonly cmo: boolean;
  private readonly gains: RollingSum | undefined;
  private readonly losses: RollingSum | undefined;
  /** Count after which every update is a plain Wilder step (the hot path). */
  private readonly steady: number;
  private readonly decay: number;
  private readonly inv: number;
  private prev = 0;
  private gain = 0;
  private loss = 0;
  private v = NaN;

  protected constructor(name: string, cmo: boolean, options: GainLossOptions) {
    const period = intOption(name, 'period', options.period, 14, 2);
    const seed = enumOption(name, 'seed', options.seed, 'sma', GAIN_LOSS_SEEDS);
    const smoothing = enumOption(name, 'smoothing', options.smoothing, 'wilder', GAIN_LOSS_SMOOTHINGS);
    const unstable = intOption(name, 'unstablePeriod', options.unstablePeriod, 0, 0);
    const base = smoothing === 'wilder' && seed === 'metastock' ? period - 1 : period;
    super(`${name}(${period})`, base + unstable, options);
    this.period = period;
    this.seed = seed;
    this.smoothing = smoothing;
    this.cmo = cmo;
    this.decay = (period - 1) / period;
    this.inv = 1 / period;
    if (smoothing === 'sum') {
      this.gains = new RollingSum(period);
      this.losses = new RollingSum(period);
      this.steady = Infinity;
    } else {
      this.steady = seed === 'ewm' ? 1 : period + 1;
    }
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const c = ++this.count;
    const d = x - this.prev;
    this.prev = x;
    if (c > this.steady) {
      let gain = this.gain * this.decay;
      let loss = this.loss * this.decay;
      if (d > 0) gain += d * this.inv;
      else loss -= d * this.inv;
      this.gain = gain;
      this.loss = loss;
      return this.output(c);
    }
    return this.startUp(c, c === 1 ? 0 : d);
  }

  /** Everything before the steady state: the seed window, and every update in `sum` mode. */
  private startUp(c: number, d: number): number {
    const n = this.period;
    const g = d > 0 ? d : 0;
    const l = d < 0 ? -d : 0;
    if (this.gains) {
      if (c === 1) return NaN;
      this.gains.push(g);
      this.losses!.push(l);
      this.gain = this.gains.sum;
      this.loss = this.losses!.sum;
      return this.gains.full ? this.output(c) : NaN;
    }
    if (this.seed === 'ewm') {
      // c === 1: the first bar counts as a zero change.
      this.gain = 0;
      this.loss = 0;
      return NaN;
    }
    // Wilder's seed: the mean of the first `period` changes (inputs 2..period+1).
    this.gain += g;
    this.loss += l;
    if (c === n + 1) {
      this.gain /= n;
      this.loss /= n;
      return this.output(c);
    }
    // Metastock's extra first value: the sums so far divided by `period` give the same ratio.
    return c === n && this.seed === 'metastock' ? this.output(c) : NaN;
  }

  private output(c: number): number {
    const gain = this.gain;
    const loss = this.loss;
    const total = gain + loss;
    // A window without any change gives 0, as TA-Lib does.
    const v = total === 0 ? 0 : this.cmo ? (100 * (gain - loss)) / total : (100 * gain) / total;
    this.v = v;
    return c > this.warmup ? v : NaN;
  }

  protected clear(): void {
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
    this.v = NaN;
    this.gains?.clear();
    this.losses?.clear();
  }
}

/**
 * Wilder's Relative Strength Index, `100 · avgGain / (avgGain + avgLoss)`.
 * @example
 * const rsi = new RSI({ period: 14 });
 * for (const bar of bars) rsi.update(bar.close);
 * if (rsi.isReady && rsi.value > 70) console.log('overbought');
 */
export class RSI extends GainLossOscillator {
  constructor(options: GainLossOptions = {}) {
    super('rsi', false, options);
  }
}

/**
 * Chande Momentum Oscillator, `100 · (up − down) / (up + down)`. TA-Lib smooths up/down with
 * Wilder's average (default); `smoothing: 'sum'` gives Chande's original sums.
 */
export class CMO extends GainLossOscillator {
  constructor(options: GainLossOptions = {}) {
    super('cmo', true, options);
  }
}

export interface PeriodOnlyOptions extends CommonOptions {
  readonly period?: number;
}

/** Momentum: `x − x[period]`. */
export class MOM extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly window: RollingWindow;
  private v = NaN;

  constructor(options: PeriodOnlyOptions = {}) {
    const period = intOption('mom', 'period', options.period, 10, 1);
    super(`mom(${period})`, period, options);
    this.period = period;
    this.window = new RollingWindow(period);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const prev = this.window.push(x);
    if (prev !== prev) return NaN;
    return (this.v = x - prev);
  }

  protected clear(): void {
    this.window.clear();
    this.v = NaN;
  }
}

/**
 * Rate-of-change variants, all against `p = x[period]` (0 when `p` is 0, as TA-Lib):
 * `roc` `(x/p − 1)·100`, `rocp` `(x − p)/p`, `rocr` `x/p`, `rocr100` `x/p·100`.
 */
export type RocMode = 'roc' | 'rocp' | 'rocr' | 'rocr100';
export const ROC_MODES: readonly RocMode[] = ['roc', 'rocp', 'rocr', 'rocr100'];

export interface RocOptions extends PeriodOnlyOptions {
  /** See {@link RocMode}; default `roc`. */
  readonly mode?: RocMode;
}

/** Rate of change (see {@link RocMode}). */
export class ROC extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  readonly mode: RocMode;
  private readonly window: RollingWindow;
  private readonly scale: number;
  private readonly offset: number;
  private v = NaN;

  constructor(options: RocOptions = {}) {
    const mode = enumOption('roc', 'mode', options.mode, 'roc', ROC_MODES);
    const period = intOption(mode, 'period', options.period, 10, 1);
    super(`${mode}(${period})`, period, options);
    this.period = period;
    this.mode = mode;
    this.window = new RollingWindow(period);
    // Every mode is `(x/p − offset) · scale`.
    this.scale = mode === 'roc' || mode === 'rocr100' ? 100 : 1;
    this.offset = mode === 'roc' || mode === 'rocp' ? 1 : 0;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const prev = this.window.push(x);
    if (prev !== prev) return NaN;
    return (this.v = prev === 0 ? 0 : (x / prev - this.offset) * this.scale);
  }

  protected clear(): void {
    this.window.clear();
    this.v = NaN;
  }
}

export interface MacdOptions extends CommonOptions {
  readonly fastPeriod?: number;
  readonly slowPeriod?: number;
  readonly signalPeriod?: number;
  /** Average of the fast line (TA-Lib MACDEXT); default `ema`. */
  readonly fastMaType?: MaType;
  readonly slowMaType?: MaType;
  readonly signalMaType?: MaType;
  /** Seed of the fast and slow EMAs (see `EmaSeed`); default `sma`. */
  readonly seed?: EmaSeed;
  /**
   * Seed of the signal EMA; default: `seed`. tulip seeds the signal with the first MACD value and
   * reports it at once (`seed: 'first', signalSeed: 'ewm'`).
   */
  readonly signalSeed?: EmaSeed;
  /**
   * `true` (TA-Lib default): the fast average starts `slow − fast` inputs late, so that both
   * averages are seeded on windows ending on the same bar. `false`: both start on the first input
   * (TradingView, talipp); the two conventions converge after a few dozen bars. Only matters for
   * SMA seeds: first-value seeds always start on the first input (as TA-Lib's Metastock mode).
   */
  readonly alignSeeds?: boolean;
  /**
   * `true`: smoothing factors 0.15 and 0.075 instead of 2/(n+1) for the fast and slow EMAs — the
   * classic MetaStock MACD that TA-Lib's MACDFIX and tulip (for 12/26) compute. Default false.
   */
  readonly fixedAlphas?: boolean;
}

/**
 * Moving Average Convergence/Divergence: `macd = fast − slow`, `signal = MA(macd)`,
 * `histogram = macd − signal`. All three lines start together (when the signal is ready), as TA-Lib.
 * @example
 * const m = new MACD({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 });
 * for (const bar of bars) m.update(bar.close);
 * m.macd; m.signal; m.histogram;
 */
export class MACD extends IndicatorBase implements PriceIndicator {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  private readonly fast: PriceIndicator | undefined;
  private readonly slow: PriceIndicator | undefined;
  private readonly signalMa: PriceIndicator | undefined;
  /** The all-EMA case (the usual one) runs on bare EMA recursions: same numbers, less overhead. */
  private readonly allEma: boolean;
  private readonly fastCore: EmaCore;
  private readonly slowCore: EmaCore;
  private readonly signalCore: EmaCore;
  private readonly lineStart: number;
  private readonly signalWarmup: number;
  private readonly skip: number;
  /**
   * How the three averages are laid out (read by the batch kernel): the fast average skips the
   * first `skip` inputs (TA-Lib's seed alignment), the MACD line exists after `lineStart` inputs,
   * and the signal withholds its first `signalWarmup` values.
   */
  readonly layout: {
    readonly allEma: boolean;
    readonly skip: number;
    readonly lineStart: number;
    readonly signalWarmup: number;
    readonly fast: { readonly type: MaType; readonly alpha: number; readonly seedLength: number; readonly seed: EmaSeed };
    readonly slow: { readonly type: MaType; readonly alpha: number; readonly seedLength: number; readonly seed: EmaSeed };
    readonly signal: { readonly type: MaType; readonly alpha: number; readonly seedLength: number; readonly seed: EmaSeed };
  };
  private m = NaN;
  private s = NaN;

  constructor(options: MacdOptions = {}) {
    const fastPeriod = intOption('macd', 'fastPeriod', options.fastPeriod, 12, 1);
    const slowPeriod = intOption('macd', 'slowPeriod', options.slowPeriod, 26, 1);
    const signalPeriod = intOption('macd', 'signalPeriod', options.signalPeriod, 9, 1);
    requireFasterThan('macd', 'fastPeriod', fastPeriod, 'slowPeriod', slowPeriod);
    const seed = enumOption('macd', 'seed', options.seed, 'sma', EMA_SEEDS);
    const signalSeed = enumOption('macd', 'signalSeed', options.signalSeed, seed, EMA_SEEDS);
    const fixed = options.fixedAlphas === true;
    const fastType = fixed ? 'ema' : enumOption('macd', 'fastMaType', options.fastMaType, 'ema', MA_TYPES);
    const slowType = fixed ? 'ema' : enumOption('macd', 'slowMaType', options.slowMaType, 'ema', MA_TYPES);
    const signalType = enumOption('macd', 'signalMaType', options.signalMaType, 'ema', MA_TYPES);
    const allEma = fastType === 'ema' && slowType === 'ema' && signalType === 'ema';
    let fastWarmup: number;
    let slowWarmup: number;
    let signalWarmup: number;
    let averages: [PriceIndicator, PriceIndicator, PriceIndicator] | undefined;
    if (allEma) {
      fastWarmup = emaWarmup(fastPeriod, seed);
      slowWarmup = emaWarmup(slowPeriod, seed);
      signalWarmup = emaWarmup(signalPeriod, signalSeed);
    } else {
      averages = [createMovingAverage(fastType, fastPeriod, { seed }), createMovingAverage(slowType, slowPeriod, { seed }), createMovingAverage(signalType, signalPeriod, { seed: signalSeed })];
      fastWarmup = averages[0].warmup;
      slowWarmup = averages[1].warmup;
      signalWarmup = averages[2].warmup;
    }
    // First-value seeds start every average on the first input, so there is nothing to align.
    const skip = options.alignSeeds === false || seed !== 'sma' ? 0 : Math.max(0, slowWarmup - fastWarmup);
    const lineStart = Math.max(slowWarmup, fastWarmup + skip);
    super(`macd(${fastPeriod},${slowPeriod},${signalPeriod})`, lineStart + signalWarmup, options);
    this.fastPeriod = fastPeriod;
    this.slowPeriod = slowPeriod;
    this.signalPeriod = signalPeriod;
    this.skip = skip;
    this.allEma = allEma;
    this.lineStart = lineStart;
    this.signalWarmup = signalWarmup;
    if (averages) [this.fast, this.slow, this.signalMa] = averages;
    const seedLength = (period: number, s: EmaSeed) => (s === 'sma' ? period : 1);
    this.fastCore = new EmaCore(fixed ? 0.15 : 2 / (fastPeriod + 1), seedLength(fastPeriod, seed));
    this.slowCore = new EmaCore(fixed ? 0.075 : 2 / (slowPeriod + 1), seedLength(slowPeriod, seed));
    this.signalCore = new EmaCore(2 / (signalPeriod + 1), seedLength(signalPeriod, signalSeed));
    this.layout = {
      allEma,
      skip,
      lineStart,
      signalWarmup,
      fast: { type: fastType, alpha: this.fastCore.alpha, seedLength: seedLength(fastPeriod, seed), seed },
      slow: { type: slowType, alpha: this.slowCore.alpha, seedLength: seedLength(slowPeriod, seed), seed },
      signal: { type: signalType, alpha: this.signalCore.alpha, seedLength: seedLength(signalPeriod, signalSeed), seed: signalSeed },
    };
  }

  get value(): number {
    return this.macd;
  }

  get macd(): number {
    return this.count > this.warmup ? this.m : NaN;
  }

  get signal(): number {
    return this.count > this.warmup ? this.s : NaN;
  }

  get histogram(): number {
    return this.count > this.warmup ? this.m - this.s : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const c = ++this.count;
    if (this.allEma) {
      const slow = this.slowCore.step(x);
      const fast = c > this.skip ? this.fastCore.step(x) : 0;
      if (c <= this.lineStart) return NaN;
      const m = fast - slow;
      const s = this.signalCore.step(m);
      if (this.signalCore.n <= this.signalWarmup) return NaN;
      this.m = m;
      this.s = s;
      return m;
    }
    const slow = this.slow!.update(x);
    const fast = c > this.skip ? this.fast!.update(x) : NaN;
    const m = fast - slow;
    const s = this.signalMa!.update(m);
    if (s !== s) return NaN;
    this.m = m;
    this.s = s;
    return m;
  }

  protected clear(): void {
    this.fast?.reset();
    this.slow?.reset();
    this.signalMa?.reset();
    this.fastCore.clear();
    this.slowCore.clear();
    this.signalCore.clear();
    this.m = NaN;
    this.s = NaN;
  }
}

export interface PriceOscillatorOptions extends CommonOptions {
  readonly fastPeriod?: number;
  readonly slowPeriod?: number;
  /** Average type (TA-Lib `optInMAType`); default `ema`. */
  readonly maType?: MaType;
  readonly seed?: EmaSeed;
  /** See {@link MacdOptions.alignSeeds}; default `true` (TA-Lib). */
  readonly alignSeeds?: boolean;
}

/** The engine of APO and PPO: a fast and a slow average of the same input. */
abstract class PriceOscillator extends IndicatorBase implements PriceIndicator {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  private readonly fast: PriceIndicator;
  private readonly slow: PriceIndicator;
  private readonly skip: number;
  private readonly percent: boolean;
  /** The average type, its seed, and the inputs the fast average skips (read by the batch kernel). */
  readonly layout: { readonly maType: MaType; readonly seed: EmaSeed; readonly skip: number };
  private v = NaN;

  protected constructor(name: string, percent: boolean, options: PriceOscillatorOptions) {
    const fastPeriod = intOption(name, 'fastPeriod', options.fastPeriod, 12, 1);
    const slowPeriod = intOption(name, 'slowPeriod', options.slowPeriod, 26, 1);
    requireFasterThan(name, 'fastPeriod', fastPeriod, 'slowPeriod', slowPeriod);
    const maType = enumOption(name, 'maType', options.maType, 'ema', MA_TYPES);
    const seed = enumOption(name, 'seed', options.seed, 'sma', EMA_SEEDS);
    const settings = { seed };
    const fast = createMovingAverage(maType, fastPeriod, settings);
    const slow = createMovingAverage(maType, slowPeriod, settings);
    const skip = options.alignSeeds === false || seed !== 'sma' ? 0 : Math.max(0, slow.warmup - fast.warmup);
    super(`${name}(${fastPeriod},${slowPeriod})`, Math.max(slow.warmup, fast.warmup + skip), options);
    this.fastPeriod = fastPeriod;
    this.slowPeriod = slowPeriod;
    this.fast = fast;
    this.slow = slow;
    this.skip = skip;
    this.percent = percent;
    this.layout = { maType, seed, skip };
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const c = ++this.count;
    const slow = this.slow.update(x);
    const fast = c > this.skip ? this.fast.update(x) : NaN;
    if (c <= this.warmup) return NaN;
    if (this.percent) return (this.v = slow === 0 ? 0 : ((fast - slow) / slow) * 100);
    return (this.v = fast - slow);
  }

  protected clear(): void {
    this.fast.reset();
    this.slow.reset();
    this.v = NaN;
  }
}

/** Absolute Price Oscillator: `fastMA − slowMA`. */
export class APO extends PriceOscillator {
  constructor(options: PriceOscillatorOptions = {}) {
    super('apo', false, options);
  }
}

/** Percentage Price Oscillator: `(fastMA − slowMA) / slowMA · 100` (TA-Lib's single-line PPO). */
export class PPO extends PriceOscillator {
  constructor(options: PriceOscillatorOptions = {}) {
    super('ppo', true, options);
  }
}

export interface TrixOptions extends CommonOptions {
  readonly period?: number;
  readonly seed?: EmaSeed;
  /**
   * `false` (TA-Lib, default): the one-bar rate of change of the triple EMA, in percent.
   * `true` (TradingView, Jesse): 10,000 × the one-bar change of the triple EMA of ln(price).
   */
  readonly log?: boolean;
}

/** TRIX: one-bar rate of change (in percent) of a triple-smoothed EMA. */
export class TRIX extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly e1: EMA;
  private readonly e2: EMA;
  private readonly e3: EMA;
  private readonly log: boolean;
  private prev = NaN;
  private v = NaN;

  constructor(options: TrixOptions = {}) {
    const period = intOption('trix', 'period', options.period, 15, 1);
    const seed = enumOption('trix', 'seed', options.seed, 'sma', EMA_SEEDS);
    const e1 = new EMA({ period, seed });
    const e2 = new EMA({ period, seed });
    const e3 = new EMA({ period, seed });
    super(`trix(${period})`, e1.warmup + e2.warmup + e3.warmup + 1, options);
    this.period = period;
    this.e1 = e1;
    this.e2 = e2;
    this.e3 = e3;
    this.log = options.log === true;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0 || (this.log && !(x > 0))) return this.rejectInput(this.inputField, x);
    this.count++;
    const e = this.e3.update(this.e2.update(this.e1.update(this.log ? Math.log(x) : x)));
    const prev = this.prev;
    this.prev = e;
    if (prev !== prev || e !== e) return NaN;
    if (this.log) return (this.v = (e - prev) * 10_000);
    return (this.v = prev === 0 ? 0 : ((e - prev) / prev) * 100);
  }

  protected clear(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.prev = NaN;
    this.v = NaN;
  }
}

export interface StochRsiOptions extends CommonOptions {
  /** RSI period (default 14). */
  readonly period?: number;
  /** Stochastic window over the RSI (default 14; TA-Lib's `fastk_period`). */
  readonly fastKPeriod?: number;
  /** Smoothing of %K (default 3, TradingView); 1 = TA-Lib's unsmoothed fast %K. */
  readonly slowKPeriod?: number;
  /** %D = MA(%K) period (default 3; TA-Lib's `fastd_period`). */
  readonly fastDPeriod?: number;
  /** Average used for both smoothings (default `sma`). */
  readonly maType?: MaType;
  /** RSI seeding (see `GainLossSeed`). */
  readonly seed?: GainLossSeed;
}

/**
 * Stochastic RSI: the stochastic oscillator applied to RSI values. Lines `k` and `d` in 0..100.
 * With `slowKPeriod: 1` it is TA-Lib's STOCHRSI (fastk, fastd); the defaults (14, 14, 3, 3) are
 * TradingView's. A flat RSI window gives 0, as TA-Lib.
 */
export class StochRSI extends IndicatorBase implements PriceIndicator {
  private readonly rsi: RSI;
  private readonly hi: RollingMax;
  private readonly lo: RollingMin;
  private readonly window: number;
  private readonly kMa: PriceIndicator;
  private readonly dMa: PriceIndicator;
  /** Its parts' settings (read by the batch kernel). */
  readonly layout: { readonly rsi: RSI; readonly window: number; readonly maType: MaType; readonly slowK: number; readonly fastD: number };
  private rsiCount = 0;
  private kv = NaN;
  private dv = NaN;

  constructor(options: StochRsiOptions = {}) {
    const period = intOption('stochrsi', 'period', options.period, 14, 2);
    const fastK = intOption('stochrsi', 'fastKPeriod', options.fastKPeriod, 14, 1);
    const slowK = intOption('stochrsi', 'slowKPeriod', options.slowKPeriod, 3, 1);
    const fastD = intOption('stochrsi', 'fastDPeriod', options.fastDPeriod, 3, 1);
    const maType = enumOption('stochrsi', 'maType', options.maType, 'sma', MA_TYPES);
    const rsi = new RSI({ period, seed: options.seed });
    const kMa = createMovingAverage(maType, slowK);
    const dMa = createMovingAverage(maType, fastD);
    super(`stochrsi(${period},${fastK},${slowK},${fastD})`, rsi.warmup + fastK - 1 + kMa.warmup + dMa.warmup, options);
    this.rsi = rsi;
    this.hi = new RollingMax(fastK);
    this.lo = new RollingMin(fastK);
    this.window = fastK;
    this.kMa = kMa;
    this.dMa = dMa;
    // A separate RSI: the kernel reads its settings only, never its state.
    this.layout = { rsi: new RSI({ period, seed: options.seed }), window: fastK, maType, slowK, fastD };
  }

  get value(): number {
    return this.k;
  }

  /** %K line (0..100). */
  get k(): number {
    return this.count > this.warmup ? this.kv : NaN;
  }

  /** %D line: the average of %K. */
  get d(): number {
    return this.count > this.warmup ? this.dv : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const r = this.rsi.update(x);
    if (r !== r) return NaN;
    this.hi.push(r);
    this.lo.push(r);
    if (++this.rsiCount < this.window) return NaN;
    const lo = this.lo.value;
    const range = this.hi.value - lo;
    const raw = range > 0 ? (100 * (r - lo)) / range : 0;
    const k = this.kMa.update(raw);
    const d = this.dMa.update(k);
    if (d !== d) return NaN;
    this.kv = k;
    this.dv = d;
    return k;
  }

  protected clear(): void {
    this.rsi.reset();
    this.hi.clear();
    this.lo.clear();
    this.kMa.reset();
    this.dMa.reset();
    this.rsiCount = 0;
    this.kv = NaN;
    this.dv = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input, or if a kernel gives up.

/**
 * RSI / CMO (`GainLossOscillator`) over `src[from..to)`: Wilder smoothing with its seeds, or plain
 * rolling sums (`smoothing: 'sum'`).
 */
function gainLossInto(src: Float64Array, from: number, to: number, ind: RSI | CMO, cmo: boolean, out: Float64Array): void {
  // Plain values for the kernel: V8 then keeps one optimised version for RSI and CMO alike.
  gainLossKernel(src, from, to, ind.period, ind.warmup, ind.smoothing === 'sum', ind.seed, cmo, out);
}

function gainLossKernel(src: Float64Array, from: number, to: number, n: number, warmup: number, sum: boolean, seed: GainLossSeed, cmo: boolean, out: Float64Array): void {
  const decay = (n - 1) / n;
  const inv = 1 / n;
  const ready = from + warmup;
  if (sum) {
    // Changes from the second input on, summed over the last `period` of them.
    const g = borrowScratch(src.length);
    const l = borrowScratch(src.length);
    for (let i = from + 1; i < to; i++) {
      const d = src[i]! - src[i - 1]!;
      g[i] = d > 0 ? d : 0;
      l[i] = d < 0 ? -d : 0;
    }
    const gs = borrowScratch(src.length);
    const ls = borrowScratch(src.length);
    rollingSumInto(g, from + 1, to, n, gs);
    rollingSumInto(l, from + 1, to, n, ls);
    for (let i = from; i < to; i++) {
      if (i < from + n || i < ready) {
        out[i] = NaN;
        continue;
      }
      const gain = gs[i]!;
      const loss = ls[i]!;
      const total = gain + loss;
      out[i] = total === 0 ? 0 : cmo ? (100 * (gain - loss)) / total : (100 * gain) / total;
    }
    releaseScratch(g, l, gs, ls);
    return;
  }
  const steady = seed === 'ewm' ? 1 : n + 1;
  let prev = 0;
  let gain = 0;
  let loss = 0;
  const startEnd = Math.min(to, from + steady);
  for (let i = from; i < startEnd; i++) {
    const x = src[i]!;
    const c = i - from + 1;
    const d = c === 1 ? 0 : x - prev;
    prev = x;
    let value = NaN;
    if (seed === 'ewm') {
      gain = 0;
      loss = 0;
    } else {
      gain += d > 0 ? d : 0;
      loss += d < 0 ? -d : 0;
      if (c === n + 1) {
        gain /= n;
        loss /= n;
        value = gainLossValue(gain, loss, cmo);
      } else if (c === n && seed === 'metastock') {
        value = gainLossValue(gain, loss, cmo);
      }
    }
    out[i] = i >= ready ? value : NaN;
  }
  const quiet = Math.min(to, Math.max(startEnd, ready));
  for (let i = startEnd; i < quiet; i++) {
    const x = src[i]!;
    const d = x - prev;
    prev = x;
    gain *= decay;
    loss *= decay;
    if (d > 0) gain += d * inv;
    else loss -= d * inv;
    out[i] = NaN;
  }
  if (cmo) {
    for (let i = quiet; i < to; i++) {
      const x = src[i]!;
      const d = x - prev;
      prev = x;
      gain *= decay;
      loss *= decay;
      if (d > 0) gain += d * inv;
      else loss -= d * inv;
      const total = gain + loss;
      out[i] = total === 0 ? 0 : (100 * (gain - loss)) / total;
    }
  } else {
    for (let i = quiet; i < to; i++) {
      const x = src[i]!;
      const d = x - prev;
      prev = x;
      gain *= decay;
      loss *= decay;
      if (d > 0) gain += d * inv;
      else loss -= d * inv;
      const total = gain + loss;
      out[i] = total === 0 ? 0 : (100 * gain) / total;
    }
  }
}

function gainLossValue(gain: number, loss: number, cmo: boolean): number {
  const total = gain + loss;
  return total === 0 ? 0 : cmo ? (100 * (gain - loss)) / total : (100 * gain) / total;
}

/** Batch RSI. */
export function rsi(values: Float64Array, options?: GainLossOptions): Float64Array {
  const ind = new RSI(options);
  const out = new Float64Array(values.length);
  if (!runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), (a, b) => (gainLossInto(values, a, b, ind, false, out), true), [out])) runClass(ind, values, out);
  return out;
}

/** Batch CMO. */
export function cmo(values: Float64Array, options?: GainLossOptions): Float64Array {
  const ind = new CMO(options);
  const out = new Float64Array(values.length);
  if (!runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), (a, b) => (gainLossInto(values, a, b, ind, true, out), true), [out])) runClass(ind, values, out);
  return out;
}

/** Batch MOM. */
export function mom(values: Float64Array, options?: PeriodOnlyOptions): Float64Array {
  const ind = new MOM(options);
  const p = ind.period;
  const out = new Float64Array(values.length);
  const kernel = (a: number, b: number): boolean => (momInto(values, a, b, p, out), true);
  if (!runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), kernel, [out])) runClass(ind, values, out);
  return out;
}

/** MOM over `[from, to)`. */
function momInto(values: Float64Array, from: number, to: number, p: number, out: Float64Array): void {
  const start = Math.min(to, from + p);
  fillNaN(out, from, start);
  for (let i = start; i < to; i++) out[i] = values[i]! - values[i - p]!;
}

/** Batch ROC (any {@link RocMode}). */
export function roc(values: Float64Array, options?: RocOptions): Float64Array {
  const ind = new ROC(options);
  const p = ind.period;
  const scale = ind.mode === 'roc' || ind.mode === 'rocr100' ? 100 : 1;
  const offset = ind.mode === 'roc' || ind.mode === 'rocp' ? 1 : 0;
  const out = new Float64Array(values.length);
  const kernel = (a: number, b: number): boolean => (rocInto(values, a, b, p, offset, scale, out), true);
  if (!runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), kernel, [out])) runClass(ind, values, out);
  return out;
}

/** ROC over `[from, to)`: `(value / value p back − offset) × scale` (0 after a zero). */
function rocInto(values: Float64Array, from: number, to: number, p: number, offset: number, scale: number, out: Float64Array): void {
  const start = Math.min(to, from + p);
  fillNaN(out, from, start);
  for (let i = start; i < to; i++) {
    const prev = values[i - p]!;
    out[i] = prev === 0 ? 0 : (values[i]! / prev - offset) * scale;
  }
}

export interface MacdLines {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

/** MACD over `src[from..to)`: the line into `m`, the signal into `s`, the histogram into `h`. */
function macdInto(src: Float64Array, from: number, to: number, ind: MACD, m: Float64Array, s: Float64Array, h: Float64Array): boolean {
  const { allEma, skip, lineStart, fast, slow, signal } = ind.layout;
  if (allEma) {
    macdEmaInto(src, from, to, ind.layout, m, s, h);
    return true;
  }
  const lineFrom = Math.min(to, from + lineStart);
  if (!movingAverageInto(slow.type, ind.slowPeriod, { seed: slow.seed }, src, from, to, s)) return false;
  if (!movingAverageInto(fast.type, ind.fastPeriod, { seed: fast.seed }, src, Math.min(to, from + skip), to, h)) return false;
  for (let i = lineFrom; i < to; i++) m[i] = h[i]! - s[i]!;
  if (!movingAverageInto(signal.type, ind.signalPeriod, { seed: signal.seed }, m, lineFrom, to, s)) return false;
  const valueFrom = Math.min(to, lineFrom + movingAverageWarmup(signal.type, ind.signalPeriod, { seed: signal.seed }));
  for (let i = from; i < valueFrom; i++) m[i] = s[i] = h[i] = NaN;
  for (let i = valueFrom; i < to; i++) {
    const v = m[i]!;
    const sig = s[i]!;
    h[i] = v - sig;
  }
  return true;
}

/**
 * All-EMA MACD over `src[from..to)`: the bare recursions (EmaCore) as the class's fast path runs
 * them (no warm-up of their own). Up to the signal's first value they run one after the other;
 * from the next bar on all three are steady and run in one loop, where their dependency chains
 * overlap (the same operations on the same values, so the same numbers).
 */
function macdEmaInto(src: Float64Array, from: number, to: number, layout: MACD['layout'], m: Float64Array, s: Float64Array, h: Float64Array): void {
  const { skip, lineStart, signalWarmup, fast, slow, signal } = layout;
  const lineFrom = Math.min(to, from + lineStart);
  const valueFrom = Math.min(to, lineFrom + signalWarmup);
  const end = Math.min(to, valueFrom + 1);
  const slowEma = borrowScratch(src.length);
  const fastEma = borrowScratch(src.length);
  emaInto(src, from, end, slow.alpha, slow.seedLength, 0, slowEma);
  emaInto(src, Math.min(end, from + skip), end, fast.alpha, fast.seedLength, 0, fastEma);
  for (let i = lineFrom; i < end; i++) m[i] = fastEma[i]! - slowEma[i]!;
  emaInto(m, lineFrom, end, signal.alpha, signal.seedLength, signalWarmup, s);
  let es = slowEma[end - 1]!;
  let ef = fastEma[end - 1]!;
  let eg = s[end - 1]!;
  releaseScratch(slowEma, fastEma);
  for (let i = from; i < valueFrom; i++) m[i] = s[i] = h[i] = NaN;
  if (valueFrom < end) h[valueFrom] = m[valueFrom]! - s[valueFrom]!;
  for (let i = end; i < to; i++) {
    const x = src[i]!;
    es += slow.alpha * (x - es);
    ef += fast.alpha * (x - ef);
    const line = ef - es;
    eg += signal.alpha * (line - eg);
    m[i] = line;
    s[i] = eg;
    h[i] = line - eg;
  }
}

/** Batch MACD. */
export function macd(values: Float64Array, options?: MacdOptions): MacdLines {
  const ind = new MACD(options);
  const n = values.length;
  const m = new Float64Array(n);
  const s = new Float64Array(n);
  const h = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd1(values, f), (a, b) => macdInto(values, a, b, ind, m, s, h), [m, s, h])) {
    const fresh = new MACD(options);
    for (let i = 0; i < n; i++) {
      const v = fresh.update(values[i]!);
      if (v !== v) {
        m[i] = s[i] = h[i] = NaN;
      } else {
        const sig = fresh.signal;
        m[i] = v;
        s[i] = sig;
        h[i] = v - sig;
      }
    }
  }
  return { macd: m, signal: s, histogram: h };
}

/** APO / PPO over `src[from..to)`. */
function priceOscillatorInto(src: Float64Array, from: number, to: number, ind: APO | PPO, percent: boolean, out: Float64Array): boolean {
  const { maType, seed, skip } = ind.layout;
  const fast = borrowScratch(src.length);
  try {
    if (!movingAverageInto(maType, ind.slowPeriod, { seed }, src, from, to, out)) return false;
    if (!movingAverageInto(maType, ind.fastPeriod, { seed }, src, Math.min(to, from + skip), to, fast)) return false;
    const ready = Math.min(to, from + ind.warmup);
    fillNaN(out, from, ready);
    if (percent) {
      for (let i = ready; i < to; i++) {
        const slow = out[i]!;
        out[i] = slow === 0 ? 0 : ((fast[i]! - slow) / slow) * 100;
      }
    } else {
      for (let i = ready; i < to; i++) out[i] = fast[i]! - out[i]!;
    }
    return true;
  } finally {
    releaseScratch(fast);
  }
}

/** Batch APO. */
export function apo(values: Float64Array, options?: PriceOscillatorOptions): Float64Array {
  const ind = new APO(options);
  const out = new Float64Array(values.length);
  if (!runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), (a, b) => priceOscillatorInto(values, a, b, ind, false, out), [out])) runClass(new APO(options), values, out);
  return out;
}

/** Batch PPO. */
export function ppo(values: Float64Array, options?: PriceOscillatorOptions): Float64Array {
  const ind = new PPO(options);
  const out = new Float64Array(values.length);
  if (!runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), (a, b) => priceOscillatorInto(values, a, b, ind, true, out), [out])) runClass(new PPO(options), values, out);
  return out;
}

/**
 * TRIX over `src[from..to)` (inputs already checked, positive in `log` mode): the one-bar change
 * of a triple EMA, the three stages in one loop once they are steady (see `emaChainStart`).
 */
function trixInto(src: Float64Array, from: number, to: number, period: number, seed: EmaSeed, log: boolean, out: Float64Array): void {
  const shape = new EMA({ period, seed });
  const alpha = shape.alpha;
  const seedLength = seed === 'sma' ? period : 1;
  const w = shape.warmup;
  const n = src.length;
  const a = borrowScratch(n);
  const b = borrowScratch(n);
  const c = borrowScratch(n);
  // ln(price) for the stages' start; the loop below takes the logarithm itself.
  const logs = log ? borrowScratch(n) : undefined;
  if (logs) for (let i = from, prefixEnd = Math.min(to, from + 3 * w + 1); i < prefixEnd; i++) logs[i] = Math.log(src[i]!);
  // The first value is one bar after the triple EMA's first value: where the chain is steady.
  const start = emaChainStart(logs ?? src, from, to, alpha, seedLength, w, [a, b, c]);
  let e1 = a[start - 1]!;
  let e2 = b[start - 1]!;
  let e3 = c[start - 1]!;
  releaseScratch(a, b, c);
  if (logs) releaseScratch(logs);
  fillNaN(out, from, start);
  for (let i = start; i < to; i++) {
    const x = log ? Math.log(src[i]!) : src[i]!;
    e1 += alpha * (x - e1);
    e2 += alpha * (e1 - e2);
    const prev = e3;
    e3 += alpha * (e2 - e3);
    out[i] = log ? (e3 - prev) * 10_000 : prev === 0 ? 0 : ((e3 - prev) / prev) * 100;
  }
}

/** Batch TRIX. */
export function trix(values: Float64Array, options: TrixOptions = {}): Float64Array {
  const ind = new TRIX(options);
  const log = options.log === true;
  const seed = options.seed ?? 'sma';
  const out = new Float64Array(values.length);
  const end = (from: number): number => {
    if (!log) return validEnd1(values, from);
    const n = values.length;
    for (let i = from; i < n; i++) {
      const x = values[i]!;
      if (x - x !== 0 || !(x > 0)) return i;
    }
    return n;
  };
  if (!runSegments(values.length, isStrict(options), end, (a, b) => (trixInto(values, a, b, ind.period, seed, log, out), true), [out])) runClass(new TRIX(options), values, out);
  return out;
}

/** Stochastic RSI over `src[from..to)` into `k` and `d`. */
function stochRsiInto(src: Float64Array, from: number, to: number, ind: StochRSI, k: Float64Array, d: Float64Array): boolean {
  const { rsi: r, window, maType, slowK, fastD } = ind.layout;
  const n = src.length;
  const rs = borrowScratch(n);
  const hi = borrowScratch(n);
  const lo = borrowScratch(n);
  try {
    gainLossInto(src, from, to, r, false, rs);
    const rsiFrom = Math.min(to, from + r.warmup);
    rollingMaxInto(rs, rsiFrom, to, window, hi);
    rollingMinInto(rs, rsiFrom, to, window, lo);
    const rawFrom = Math.min(to, rsiFrom + window - 1);
    rawStochasticInto(rs, hi, lo, rawFrom, to, hi);
    if (!movingAverageInto(maType, slowK, {}, hi, rawFrom, to, k)) return false;
    const kFrom = Math.min(to, rawFrom + movingAverageWarmup(maType, slowK));
    if (!movingAverageInto(maType, fastD, {}, k, kFrom, to, d)) return false;
    const ready = Math.min(to, kFrom + movingAverageWarmup(maType, fastD));
    fillNaN(k, from, ready);
    fillNaN(d, from, ready);
    return true;
  } finally {
    releaseScratch(rs, hi, lo);
  }
}

/** Batch Stochastic RSI. */
export function stochRsi(values: Float64Array, options?: StochRsiOptions): { readonly k: Float64Array; readonly d: Float64Array } {
  const ind = new StochRSI(options);
  const n = values.length;
  const k = new Float64Array(n);
  const d = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd1(values, f), (a, b) => stochRsiInto(values, a, b, ind, k, d), [k, d])) {
    const fresh = new StochRSI(options);
    for (let i = 0; i < n; i++) {
      k[i] = fresh.update(values[i]!);
      d[i] = fresh.d;
    }
  }
  return { k, d };
}
