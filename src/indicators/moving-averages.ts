/**
 * Moving averages: SMA, EMA, RMA (Wilder), WMA, DEMA, TEMA, TRIMA, KAMA, HMA, T3, ZLEMA, and the
 * TA-Lib MA-type factory used by indicators with a `maType` option.
 *
 * Defaults reproduce TA-Lib: EMAs are seeded with the SMA of their first `period` inputs, and
 * composite averages (DEMA, TEMA, T3) chain EMAs that are each seeded on the first `period` outputs
 * of the previous stage.
 */
import { IndicatorBase } from './core/base.js';
import { enumOption, intOption, numOption } from './core/options.js';
import type { CommonOptions, PeriodOptions, PriceIndicator } from './core/types.js';
import { EMA_SEEDS, EmaCore, emaWarmup, type EmaSeed } from './core/ema.js';
import { borrowScratch, emaChainStart, emaInto, fillNaN, firstInvalid, isStrict, releaseScratch, resyncInterval, runClass, runSegments, smaInto, validEnd1, wmaInto } from './core/kernels.js';
import { RollingSum, RollingWindow } from './core/windows.js';

export { EMA_SEEDS, type EmaSeed } from './core/ema.js';

export interface EmaOptions extends PeriodOptions {
  /** See {@link EmaSeed}; default `sma`. */
  readonly seed?: EmaSeed;
  /** TA-Lib's unstable period: this many extra leading values are withheld (default 0). */
  readonly unstablePeriod?: number;
  /** Smoothing factor overriding `2 / (period + 1)` (used by RMA and fixed-factor MACD). */
  readonly alpha?: number;
}

/**
 * Simple moving average.
 * @example
 * const sma = new SMA({ period: 3 });
 * [1, 2, 3, 4].map((x) => sma.update(x)); // [NaN, NaN, 2, 3]
 */
export class SMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly sum: RollingSum;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('sma', 'period', options.period, 20, 1);
    super(`sma(${period})`, period - 1, options);
    this.period = period;
    this.sum = new RollingSum(period);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    this.sum.push(x);
    if (!this.sum.full) return NaN;
    return (this.v = this.sum.sum / this.period);
  }

  protected clear(): void {
    this.sum.clear();
    this.v = NaN;
  }
}

/**
 * Exponential moving average, `alpha = 2 / (period + 1)`, seeded per {@link EmaSeed}.
 * @example
 * const ema = new EMA({ period: 3 });
 * [0, 1, 2, 3].map((x) => ema.update(x)); // [NaN, NaN, 1, 2]
 */
export class EMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  readonly alpha: number;
  private readonly core: EmaCore;

  constructor(options: EmaOptions = {}, name = 'ema') {
    const period = intOption(name, 'period', options.period, 20, 1);
    const unstable = intOption(name, 'unstablePeriod', options.unstablePeriod, 0, 0);
    const seed = enumOption(name, 'seed', options.seed, 'sma', EMA_SEEDS);
    super(`${name}(${period})`, emaWarmup(period, seed, unstable), options);
    this.period = period;
    this.alpha = options.alpha === undefined ? 2 / (period + 1) : numOption(name, 'alpha', options.alpha, 0, Number.MIN_VALUE, 1);
    this.core = new EmaCore(this.alpha, seed === 'sma' ? period : 1);
  }

  get value(): number {
    return this.count > this.warmup ? this.core.ema : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const v = this.core.step(x);
    return ++this.count > this.warmup ? v : NaN;
  }

  protected clear(): void {
    this.core.clear();
  }
}

/**
 * Wilder's smoothing (RMA, SMMA, "wilders"): an EMA with `alpha = 1 / period`, SMA-seeded. This is
 * the average inside Wilder's RSI, ATR and ADX and TradingView's `ta.rma`.
 */
export class RMA extends EMA {
  constructor(options: Omit<EmaOptions, 'alpha'> = {}) {
    const period = intOption('rma', 'period', options.period, 14, 1);
    super({ ...options, period, alpha: 1 / period }, 'rma');
  }
}

/** Linearly weighted moving average (weights 1..period, newest heaviest). */
export class WMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly window: RollingWindow;
  private readonly divisor: number;
  private sum = 0;
  private wsum = 0;
  private sinceSync = 0;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('wma', 'period', options.period, 20, 1);
    super(`wma(${period})`, period - 1, options);
    this.period = period;
    this.window = new RollingWindow(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const c = ++this.count;
    const n = this.period;
    if (c <= n) {
      this.wsum += c * x;
      this.sum += x;
      this.window.push(x);
      if (c < n) return NaN;
    } else {
      this.wsum += n * x - this.sum;
      this.sum += x - this.window.push(x);
      if (++this.sinceSync >= 4096) this.resync();
    }
    return (this.v = this.wsum / this.divisor);
  }

  /** Exact re-computation so that running-sum drift cannot build up over long runs. */
  private resync(): void {
    let s = 0;
    let w = 0;
    const n = this.period;
    for (let ago = 0; ago < n; ago++) {
      const x = this.window.get(ago);
      s += x;
      w += (n - ago) * x;
    }
    this.sum = s;
    this.wsum = w;
    this.sinceSync = 0;
  }

  protected clear(): void {
    this.window.clear();
    this.sum = 0;
    this.wsum = 0;
    this.sinceSync = 0;
    this.v = NaN;
  }
}

/** Options shared by EMA chains (DEMA, TEMA, T3, TRIX). */
export interface EmaChainOptions extends PeriodOptions {
  readonly seed?: EmaSeed;
  readonly unstablePeriod?: number;
}

function innerEma(options: EmaChainOptions, period: number): EMA {
  return new EMA({ period, seed: options.seed, unstablePeriod: options.unstablePeriod });
}

/** Double EMA: `2·EMA(x) − EMA(EMA(x))` (Mulloy). */
export class DEMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly e1: EMA;
  private readonly e2: EMA;
  private v = NaN;

  constructor(options: EmaChainOptions = {}) {
    const period = intOption('dema', 'period', options.period, 20, 1);
    const e1 = innerEma(options, period);
    const e2 = innerEma(options, period);
    super(`dema(${period})`, e1.warmup + e2.warmup, options);
    this.period = period;
    this.e1 = e1;
    this.e2 = e2;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const a = this.e1.update(x);
    const b = this.e2.update(a);
    if (b !== b) return NaN;
    return (this.v = 2 * a - b);
  }

  protected clear(): void {
    this.e1.reset();
    this.e2.reset();
    this.v = NaN;
  }
}

/** Triple EMA: `3·E1 − 3·E2 + E3` (Mulloy). */
export class TEMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly e1: EMA;
  private readonly e2: EMA;
  private readonly e3: EMA;
  private v = NaN;

  constructor(options: EmaChainOptions = {}) {
    const period = intOption('tema', 'period', options.period, 20, 1);
    const e1 = innerEma(options, period);
    const e2 = innerEma(options, period);
    const e3 = innerEma(options, period);
    super(`tema(${period})`, e1.warmup + e2.warmup + e3.warmup, options);
    this.period = period;
    this.e1 = e1;
    this.e2 = e2;
    this.e3 = e3;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const a = this.e1.update(x);
    const b = this.e2.update(a);
    const c = this.e3.update(b);
    if (c !== c) return NaN;
    return (this.v = 3 * a - 3 * b + c);
  }

  protected clear(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.v = NaN;
  }
}

/**
 * Triangular moving average: an SMA of an SMA whose lengths add up to `period + 1`
 * (`(p+1)/2` twice for odd `p`; `p/2` and `p/2 + 1` for even `p`), as TA-Lib computes it.
 */
export class TRIMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly s1: SMA;
  private readonly s2: SMA;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('trima', 'period', options.period, 20, 1);
    const first = period % 2 === 1 ? (period + 1) / 2 : period / 2 + 1;
    const second = period + 1 - first;
    super(`trima(${period})`, period - 1, options);
    this.period = period;
    this.s1 = new SMA({ period: first });
    this.s2 = new SMA({ period: second });
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const r = this.s2.update(this.s1.update(x));
    if (r !== r) return NaN;
    return (this.v = r);
  }

  protected clear(): void {
    this.s1.reset();
    this.s2.reset();
    this.v = NaN;
  }
}

export interface KamaOptions extends PeriodOptions {
  /** Period of the fastest smoothing constant, `2 / (fastPeriod + 1)` (default 2). */
  readonly fastPeriod?: number;
  /** Period of the slowest smoothing constant (default 30). */
  readonly slowPeriod?: number;
  readonly unstablePeriod?: number;
  /**
   * The first KAMA (at index `period`): the `previous` input smoothed towards the current one
   * (TA-Lib, default), or the `sma` of the last `period` inputs, smoothing from the next bar on
   * (backtrader).
   */
  readonly seed?: 'previous' | 'sma';
}

/**
 * Kaufman's adaptive moving average. As TA-Lib: the efficiency ratio looks `period` changes back,
 * the first value (at index `period`) smooths from the previous input, and a window without any
 * movement has an efficiency ratio of 1.
 */
export class KAMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly window: RollingWindow;
  private readonly noise: RollingSum;
  /** Smoothing constants and seed (read by the batch kernel). */
  readonly smoothing: { readonly fastSc: number; readonly slowSc: number; readonly seedSma: boolean };
  private readonly fastSc: number;
  private readonly slowSc: number;
  private readonly seedSma: boolean;
  private prev = 0;
  private sum = 0;
  private kama = 0;

  constructor(options: KamaOptions = {}) {
    const period = intOption('kama', 'period', options.period, 10, 1);
    const fast = intOption('kama', 'fastPeriod', options.fastPeriod, 2, 1);
    const slow = intOption('kama', 'slowPeriod', options.slowPeriod, 30, 1);
    const unstable = intOption('kama', 'unstablePeriod', options.unstablePeriod, 0, 0);
    super(`kama(${period})`, period + unstable, options);
    this.period = period;
    this.window = new RollingWindow(period);
    this.noise = new RollingSum(period);
    this.fastSc = 2 / (fast + 1);
    this.slowSc = 2 / (slow + 1);
    this.seedSma = enumOption('kama', 'seed', options.seed, 'previous', ['previous', 'sma']) === 'sma';
    this.smoothing = { fastSc: this.fastSc, slowSc: this.slowSc, seedSma: this.seedSma };
  }

  get value(): number {
    return this.count > this.warmup ? this.kama : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const c = ++this.count;
    if (c > 1) this.noise.push(Math.abs(x - this.prev));
    if (c <= this.period) this.sum += x;
    if (c > this.period) {
      const direction = Math.abs(x - this.window.oldest());
      const noise = this.noise.sum;
      const er = noise > 0 && direction < noise ? direction / noise : 1;
      const sc = er * (this.fastSc - this.slowSc) + this.slowSc;
      if (c === this.period + 1 && this.seedSma) {
        this.kama = (this.sum - this.window.oldest() + x) / this.period;
      } else {
        if (c === this.period + 1) this.kama = this.prev;
        this.kama += sc * sc * (x - this.kama);
      }
    }
    this.window.push(x);
    this.prev = x;
    return c > this.warmup ? this.kama : NaN;
  }

  protected clear(): void {
    this.window.clear();
    this.noise.clear();
    this.prev = 0;
    this.sum = 0;
    this.kama = 0;
  }
}

/** Hull moving average: `WMA(2·WMA(x, ⌊p/2⌋) − WMA(x, p), ⌊√p⌋)`. */
export class HMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly half: WMA;
  private readonly full: WMA;
  private readonly smooth: WMA;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('hma', 'period', options.period, 9, 2);
    const half = new WMA({ period: Math.floor(period / 2) });
    const full = new WMA({ period });
    const smooth = new WMA({ period: Math.max(1, Math.floor(Math.sqrt(period))) });
    super(`hma(${period})`, full.warmup + smooth.warmup, options);
    this.period = period;
    this.half = half;
    this.full = full;
    this.smooth = smooth;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const raw = 2 * this.half.update(x) - this.full.update(x);
    const r = this.smooth.update(raw);
    if (r !== r) return NaN;
    return (this.v = r);
  }

  protected clear(): void {
    this.half.reset();
    this.full.reset();
    this.smooth.reset();
    this.v = NaN;
  }
}

export interface T3Options extends EmaChainOptions {
  /** Volume factor `a` of Tillson's generalised DEMA (default 0.7). */
  readonly vFactor?: number;
}

/** Tillson's T3: six chained EMAs combined with the coefficients of the volume factor. */
export class T3 extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly e: EMA[];
  private readonly c1: number;
  private readonly c2: number;
  private readonly c3: number;
  private readonly c4: number;
  /** The weights of e6, e5, e4 and e3 (read by the batch kernel). */
  readonly coefficients: readonly [number, number, number, number];
  private v = NaN;

  constructor(options: T3Options = {}) {
    const period = intOption('t3', 'period', options.period, 5, 1);
    const a = numOption('t3', 'vFactor', options.vFactor, 0.7, 0, 1);
    const e = Array.from({ length: 6 }, () => innerEma(options, period));
    super(`t3(${period})`, e.reduce((s, x) => s + x.warmup, 0), options);
    this.period = period;
    this.e = e;
    const a2 = a * a;
    const a3 = a2 * a;
    this.c1 = -a3;
    this.c2 = 3 * a2 + 3 * a3;
    this.c3 = -6 * a2 - 3 * a - 3 * a3;
    this.c4 = 1 + 3 * a + a3 + 3 * a2;
    this.coefficients = [this.c1, this.c2, this.c3, this.c4];
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const e = this.e;
    const e1 = e[0]!.update(x);
    const e2 = e[1]!.update(e1);
    const e3 = e[2]!.update(e2);
    const e4 = e[3]!.update(e3);
    const e5 = e[4]!.update(e4);
    const e6 = e[5]!.update(e5);
    if (e6 !== e6) return NaN;
    return (this.v = this.c1 * e6 + this.c2 * e5 + this.c3 * e4 + this.c4 * e3);
  }

  protected clear(): void {
    for (const e of this.e) e.reset();
    this.v = NaN;
  }
}

/** Zero-lag EMA (Ehlers/Way): an EMA of `x + (x − x[lag])` with `lag = ⌊(period − 1) / 2⌋`. */
export class ZLEMA extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly lagged: RollingWindow;
  private readonly ema: EMA;
  private v = NaN;

  constructor(options: EmaChainOptions = {}) {
    const period = intOption('zlema', 'period', options.period, 20, 1);
    const lag = Math.floor((period - 1) / 2);
    const ema = innerEma(options, period);
    super(`zlema(${period})`, lag + ema.warmup, options);
    this.period = period;
    this.lagged = new RollingWindow(lag + 1);
    this.ema = ema;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    this.lagged.push(x);
    if (!this.lagged.full) return NaN;
    const r = this.ema.update(2 * x - this.lagged.oldest());
    if (r !== r) return NaN;
    return (this.v = r);
  }

  protected clear(): void {
    this.lagged.clear();
    this.ema.reset();
    this.v = NaN;
  }
}

/** TA-Lib's moving-average types (`maType` options); MAMA is not provided. */
export type MaType = 'sma' | 'ema' | 'wma' | 'dema' | 'tema' | 'trima' | 'kama' | 't3' | 'rma';
export const MA_TYPES: readonly MaType[] = ['sma', 'ema', 'wma', 'dema', 'tema', 'trima', 'kama', 't3', 'rma'];

/** TA-Lib's numeric MA codes (`TA_MAType_*`), accepted wherever an `maType` is parsed from text. */
export const TALIB_MA_CODES: Readonly<Record<number, MaType>> = { 0: 'sma', 1: 'ema', 2: 'wma', 3: 'dema', 4: 'tema', 5: 'trima', 6: 'kama', 8: 't3' };

/** Options passed through to EMA-based averages created by {@link createMovingAverage}. */
export interface MaSettings {
  readonly seed?: EmaSeed;
  readonly unstablePeriod?: number;
}

/**
 * A moving average by TA-Lib type name.
 * @example
 * const ma = createMovingAverage('wma', 10);
 */
export function createMovingAverage(type: MaType, period: number, settings: MaSettings = {}): PriceIndicator {
  switch (type) {
    case 'sma':
      return new SMA({ period });
    case 'ema':
      return new EMA({ period, ...settings });
    case 'rma':
      return new RMA({ period, ...settings });
    case 'wma':
      return new WMA({ period });
    case 'dema':
      return new DEMA({ period, ...settings });
    case 'tema':
      return new TEMA({ period, ...settings });
    case 'trima':
      return new TRIMA({ period });
    case 'kama':
      return new KAMA({ period, unstablePeriod: settings.unstablePeriod });
    case 't3':
      return new T3({ period, ...settings });
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input, or if a kernel gives up.

/** Alpha, seed length and warm-up of an EMA built from `options` (validated by the class). */
function emaShape(options: EmaOptions | undefined, name?: string): { alpha: number; seedLength: number; warmup: number; period: number } {
  const e = new EMA(options, name);
  return { alpha: e.alpha, seedLength: (options?.seed ?? 'sma') === 'sma' ? e.period : 1, warmup: e.warmup, period: e.period };
}

/** The EMAs of a chain (DEMA, TEMA, T3, TRIX…): each stage as `innerEma` builds it. */
function chainShape(options: EmaChainOptions, period: number): { alpha: number; seedLength: number; warmup: number } {
  return emaShape({ period, seed: options.seed, unstablePeriod: options.unstablePeriod });
}

/**
 * One EMA stage of a chain over `src[from..to)`, where `from` is the first finite value of the
 * stage before it. Returns the index of its first value (or `to`).
 */
function emaStage(src: Float64Array, from: number, to: number, shape: { alpha: number; seedLength: number; warmup: number }, out: Float64Array): number {
  emaInto(src, from, to, shape.alpha, shape.seedLength, shape.warmup, out);
  return Math.min(to, from + shape.warmup);
}

/** DEMA over `src[from..to)` into `out` (one scratch array): `2·e1 − e2`, both stages in one loop once steady. */
function demaInto(src: Float64Array, from: number, to: number, options: EmaChainOptions, period: number, out: Float64Array): void {
  const { alpha, seedLength, warmup } = chainShape(options, period);
  const b = borrowScratch(src.length);
  const end = emaChainStart(src, from, to, alpha, seedLength, warmup, [out, b]);
  // The stages' states, before `out` (stage 1 so far) is overwritten with the result.
  let e1 = out[end - 1]!;
  let e2 = b[end - 1]!;
  const first = Math.min(to, from + 2 * warmup); // the first DEMA value (end − 1 when there is one)
  fillNaN(out, from, first);
  if (first < end) out[first] = 2 * e1 - e2;
  for (let i = end; i < to; i++) {
    e1 += alpha * (src[i]! - e1);
    e2 += alpha * (e1 - e2);
    out[i] = 2 * e1 - e2;
  }
  releaseScratch(b);
}

/** TEMA over `src[from..to)` into `out` (two scratch arrays): `3·e1 − 3·e2 + e3`, the stages in one loop once steady. */
function temaInto(src: Float64Array, from: number, to: number, options: EmaChainOptions, period: number, out: Float64Array): void {
  const { alpha, seedLength, warmup } = chainShape(options, period);
  const b = borrowScratch(src.length);
  const c = borrowScratch(src.length);
  const end = emaChainStart(src, from, to, alpha, seedLength, warmup, [out, b, c]);
  let e1 = out[end - 1]!;
  let e2 = b[end - 1]!;
  let e3 = c[end - 1]!;
  const first = Math.min(to, from + 3 * warmup);
  fillNaN(out, from, first);
  if (first < end) out[first] = 3 * e1 - 3 * e2 + e3;
  for (let i = end; i < to; i++) {
    e1 += alpha * (src[i]! - e1);
    e2 += alpha * (e1 - e2);
    e3 += alpha * (e2 - e3);
    out[i] = 3 * e1 - 3 * e2 + e3;
  }
  releaseScratch(b, c);
}

/** T3 over `src[from..to)` into `out`. */
function t3Into(src: Float64Array, from: number, to: number, options: T3Options, period: number, coefficients: readonly [number, number, number, number], out: Float64Array): void {
  const shape = chainShape(options, period);
  const e = [borrowScratch(src.length), borrowScratch(src.length), borrowScratch(src.length), borrowScratch(src.length), borrowScratch(src.length), borrowScratch(src.length)] as const;
  let start = from;
  let input = src;
  for (const stage of e) {
    start = emaStage(input, start, to, shape, stage);
    input = stage;
  }
  const [c1, c2, c3, c4] = coefficients;
  const [, , e3, e4, e5, e6] = e;
  fillNaN(out, from, start);
  for (let i = start; i < to; i++) out[i] = c1 * e6[i]! + c2 * e5[i]! + c3 * e4[i]! + c4 * e3[i]!;
  releaseScratch(...e);
}

/** TRIMA over `src[from..to)` into `out`. */
function trimaInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  const first = period % 2 === 1 ? (period + 1) / 2 : period / 2 + 1;
  const second = period + 1 - first;
  const a = borrowScratch(src.length);
  smaInto(src, from, to, first, a);
  const start = Math.min(to, from + first - 1);
  fillNaN(out, from, start);
  smaInto(a, start, to, second, out);
  releaseScratch(a);
}

/** KAMA over `src[from..to)` into `out` (the class's noise sum, re-summed on the same updates). */
function kamaInto(src: Float64Array, from: number, to: number, period: number, fastSc: number, slowSc: number, seedSma: boolean, warmup: number, out: Float64Array): void {
  let prev = 0;
  let sum = 0;
  let kama = 0;
  let noise = 0;
  // The noise window's update number c − 1 happens at index from + c − 1; it re-sums after every
  // multiple of resyncInterval(period) updates, as the class's RollingSum.
  const every = resyncInterval(period);
  let sync = from + every;
  for (let i = from; i < to; i++) {
    const x = src[i]!;
    const c = i - from + 1;
    if (c > 1) {
      // |x − prev| enters the noise window; the change `period` updates back leaves it.
      const d = Math.abs(x - prev);
      if (c - 1 > period) noise += d - Math.abs(src[i - period]! - src[i - period - 1]!);
      else noise += d;
      if (i === sync) {
        let s = 0;
        for (let j = i - period + 1; j <= i; j++) s += Math.abs(src[j]! - src[j - 1]!);
        noise = s;
        sync += every;
      }
    }
    if (c <= period) sum += x;
    if (c > period) {
      const oldest = src[i - period]!;
      const direction = Math.abs(x - oldest);
      const er = noise > 0 && direction < noise ? direction / noise : 1;
      const sc = er * (fastSc - slowSc) + slowSc;
      if (c === period + 1 && seedSma) {
        kama = (sum - oldest + x) / period;
      } else {
        if (c === period + 1) kama = prev;
        kama += sc * sc * (x - kama);
      }
    }
    prev = x;
    out[i] = c > warmup ? kama : NaN;
  }
}

/** HMA over `src[from..to)` into `out` (one scratch array). */
function hmaInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  const halfPeriod = Math.floor(period / 2);
  const smoothPeriod = Math.max(1, Math.floor(Math.sqrt(period)));
  const half = borrowScratch(src.length);
  const full = borrowScratch(src.length);
  wmaInto(src, from, to, halfPeriod, half);
  wmaInto(src, from, to, period, full);
  const start = Math.min(to, from + period - 1);
  for (let i = start; i < to; i++) half[i] = 2 * half[i]! - full[i]!;
  fillNaN(out, from, start);
  wmaInto(half, start, to, smoothPeriod, out);
  releaseScratch(half, full);
}

/** ZLEMA over `src[from..to)` into `out` (one scratch array). */
function zlemaInto(src: Float64Array, from: number, to: number, options: EmaChainOptions, period: number, out: Float64Array): void {
  const lag = Math.floor((period - 1) / 2);
  const shape = chainShape(options, period);
  const t = borrowScratch(src.length);
  const start = Math.min(to, from + lag);
  for (let i = start; i < to; i++) t[i] = 2 * src[i]! - src[i - lag]!;
  fillNaN(out, from, start);
  emaInto(t, start, to, shape.alpha, shape.seedLength, shape.warmup, out);
  releaseScratch(t);
}

/**
 * A moving average of `type` (as {@link createMovingAverage} builds it) over `src[from..to)` into
 * `out`, for indicators that smooth an inner series: `from` is where the inner series becomes
 * finite (the class's average, fed NaN before, starts there too). False if a value in the range
 * is not finite (the class would restart there): the caller then runs its class.
 */
export function movingAverageInto(type: MaType, period: number, settings: MaSettings, src: Float64Array, from: number, to: number, out: Float64Array): boolean {
  if (firstInvalid(src, from, to) < to) return false;
  switch (type) {
    case 'sma':
      smaInto(src, from, to, period, out);
      return true;
    case 'wma':
      wmaInto(src, from, to, period, out);
      return true;
    case 'ema':
    case 'rma': {
      const shape = emaShape({ period, ...settings, ...(type === 'rma' && { alpha: 1 / period }) }, type);
      emaInto(src, from, to, shape.alpha, shape.seedLength, shape.warmup, out);
      return true;
    }
    case 'dema':
      demaInto(src, from, to, settings, period, out);
      return true;
    case 'tema':
      temaInto(src, from, to, settings, period, out);
      return true;
    case 'trima':
      trimaInto(src, from, to, period, out);
      return true;
    case 'kama': {
      const k = new KAMA({ period, unstablePeriod: settings.unstablePeriod });
      kamaInto(src, from, to, period, k.smoothing.fastSc, k.smoothing.slowSc, k.smoothing.seedSma, k.warmup, out);
      return true;
    }
    case 't3': {
      const t = new T3({ period, ...settings });
      t3Into(src, from, to, settings, period, t.coefficients, out);
      return true;
    }
  }
}

/** The warm-up of a moving average of `type` (inputs before its first value). */
export function movingAverageWarmup(type: MaType, period: number, settings: MaSettings = {}): number {
  return createMovingAverage(type, period, settings).warmup;
}

/** A one-series batch: the kernel over each valid run, or the class when it must run. */
function batch1(values: Float64Array, options: CommonOptions | undefined, ind: PriceIndicator, kernel: (from: number, to: number, out: Float64Array) => void): Float64Array {
  const out = new Float64Array(values.length);
  const ok = runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), (a, b) => {
    kernel(a, b, out);
    return true;
  }, [out]);
  return ok ? out : runClass(ind, values, out);
}

/** Batch SMA; NaN during warm-up. */
export function sma(values: Float64Array, options?: PeriodOptions): Float64Array {
  const ind = new SMA(options);
  const p = ind.period;
  return batch1(values, options, ind, (a, b, out) => smaInto(values, a, b, p, out));
}

/** Batch EMA; NaN during warm-up. */
export function ema(values: Float64Array, options?: EmaOptions): Float64Array {
  const ind = new EMA(options);
  const shape = emaShape(options);
  return batch1(values, options, ind, (a, b, out) => emaInto(values, a, b, shape.alpha, shape.seedLength, shape.warmup, out));
}

/** Batch RMA (Wilder's smoothing). */
export function rma(values: Float64Array, options?: Omit<EmaOptions, 'alpha'>): Float64Array {
  const ind = new RMA(options);
  const shape = { alpha: ind.alpha, seedLength: (options?.seed ?? 'sma') === 'sma' ? ind.period : 1, warmup: ind.warmup };
  return batch1(values, options, ind, (a, b, out) => emaInto(values, a, b, shape.alpha, shape.seedLength, shape.warmup, out));
}

/** Batch WMA. */
export function wma(values: Float64Array, options?: PeriodOptions): Float64Array {
  const ind = new WMA(options);
  const p = ind.period;
  return batch1(values, options, ind, (a, b, out) => wmaInto(values, a, b, p, out));
}

/** Batch DEMA. */
export function dema(values: Float64Array, options: EmaChainOptions = {}): Float64Array {
  const ind = new DEMA(options);
  return batch1(values, options, ind, (a, b, out) => demaInto(values, a, b, options, ind.period, out));
}

/** Batch TEMA. */
export function tema(values: Float64Array, options: EmaChainOptions = {}): Float64Array {
  const ind = new TEMA(options);
  return batch1(values, options, ind, (a, b, out) => temaInto(values, a, b, options, ind.period, out));
}

/** Batch TRIMA. */
export function trima(values: Float64Array, options?: PeriodOptions): Float64Array {
  const ind = new TRIMA(options);
  return batch1(values, options, ind, (a, b, out) => trimaInto(values, a, b, ind.period, out));
}

/** Batch KAMA. */
export function kama(values: Float64Array, options: KamaOptions = {}): Float64Array {
  const ind = new KAMA(options);
  const { fastSc, slowSc, seedSma } = ind.smoothing;
  return batch1(values, options, ind, (a, b, out) => kamaInto(values, a, b, ind.period, fastSc, slowSc, seedSma, ind.warmup, out));
}

/** Batch HMA. */
export function hma(values: Float64Array, options?: PeriodOptions): Float64Array {
  const ind = new HMA(options);
  return batch1(values, options, ind, (a, b, out) => hmaInto(values, a, b, ind.period, out));
}

/** Batch T3. */
export function t3(values: Float64Array, options: T3Options = {}): Float64Array {
  const ind = new T3(options);
  return batch1(values, options, ind, (a, b, out) => t3Into(values, a, b, options, ind.period, ind.coefficients, out));
}

/** Batch ZLEMA. */
export function zlema(values: Float64Array, options: EmaChainOptions = {}): Float64Array {
  const ind = new ZLEMA(options);
  return batch1(values, options, ind, (a, b, out) => zlemaInto(values, a, b, options, ind.period, out));
}
