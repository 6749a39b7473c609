/**
 * Volatility and channels: true range, ATR, NATR, Bollinger Bands, Keltner and Donchian channels.
 */
import type { OhlcvColumns } from '../model/bar.js';
import { HL, HLC, IndicatorBase } from './core/base.js';
import { enumOption, intOption, numOption } from './core/options.js';
import type { BarIndicator, BarInput, CommonOptions, PriceIndicator } from './core/types.js';
import { isStrict, momentsInto, rollingMaxInto, rollingMinInto, runSegments, validEnd1, validEnd2, validEnd3 } from './core/kernels.js';
import { RollingMax, RollingMin, RollingMoments, RollingWindow } from './core/windows.js';
import { EMA_SEEDS, MA_TYPES, createMovingAverage, movingAverageInto, type EmaSeed, type MaType } from './moving-averages.js';

type HLCBar = Pick<BarInput, 'high' | 'low' | 'close'>;

export interface TrueRangeOptions extends CommonOptions {
  /**
   * `false` (TA-Lib): the first bar has no previous close and gives no true range, so TRANGE starts
   * at index 1 and ATR(n) at index n. `true` (TradingView `ta.tr(true)`/`ta.atr`, talipp): the first
   * bar's true range is `high − low`, so ATR(n) starts at index n − 1.
   */
  readonly includeFirstBar?: boolean;
}

/** True range, `max(high, prevClose) − min(low, prevClose)`. */
export class TrueRange extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  private readonly includeFirst: boolean;
  private pc = 0;
  private v = NaN;

  constructor(options: TrueRangeOptions = {}) {
    const includeFirst = options.includeFirstBar === true;
    super('trange', includeFirst ? 0 : 1, options);
    this.includeFirst = includeFirst;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    const c = ++this.count;
    const pc = this.pc;
    this.pc = close;
    if (c === 1) return this.includeFirst ? (this.v = high - low) : NaN;
    return (this.v = trueRange(high, low, pc));
  }

  protected clear(): void {
    this.pc = 0;
    this.v = NaN;
  }
}

/** `max(high − low, |high − prevClose|, |low − prevClose|)`. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const a = high > prevClose ? high - prevClose : prevClose - high;
  const b = low > prevClose ? low - prevClose : prevClose - low;
  if (a > tr) tr = a;
  if (b > tr) tr = b;
  return tr;
}

export interface AtrOptions extends TrueRangeOptions {
  readonly period?: number;
  /** TA-Lib's unstable period (default 0). */
  readonly unstablePeriod?: number;
}

/**
 * Average true range with Wilder's smoothing, seeded by the SMA of the first `period` true ranges.
 * @example
 * const atr = new ATR({ period: 14 });
 * for (const bar of bars) atr.update(bar);
 * const stop = bar.close - 2 * atr.value;
 */
export class ATR extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  readonly period: number;
  /** TradingView's convention: the first bar's true range is high − low (see `includeFirstBar`). */
  readonly includeFirst: boolean;
  private pc = 0;
  private trCount = 0;
  private sum = 0;
  private atr = NaN;

  constructor(options: AtrOptions = {}, name = 'atr') {
    const period = intOption(name, 'period', options.period, 14, 1);
    const unstable = intOption(name, 'unstablePeriod', options.unstablePeriod, 0, 0);
    const includeFirst = options.includeFirstBar === true;
    super(`${name}(${period})`, (includeFirst ? period - 1 : period) + unstable, options);
    this.period = period;
    this.includeFirst = includeFirst;
  }

  get value(): number {
    return this.count > this.warmup ? this.atr : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    const c = ++this.count;
    const pc = this.pc;
    this.pc = close;
    let tr: number;
    if (c === 1) {
      if (!this.includeFirst) return NaN;
      tr = high - low;
    } else {
      tr = trueRange(high, low, pc);
    }
    const n = this.period;
    const k = ++this.trCount;
    if (k <= n) {
      this.sum += tr;
      if (k < n) return NaN;
      this.atr = this.sum / n;
    } else {
      this.atr = (this.atr * (n - 1) + tr) / n;
    }
    return c > this.warmup ? this.atr : NaN;
  }

  protected clear(): void {
    this.pc = 0;
    this.trCount = 0;
    this.sum = 0;
    this.atr = NaN;
  }
}

/** Normalised ATR, `100 · ATR / close` (0 when the close is 0). */
export class NATR extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  readonly period: number;
  private readonly atr: ATR;
  private v = NaN;

  constructor(options: AtrOptions = {}) {
    const atr = new ATR(options, 'natr');
    super(atr.label, atr.warmup, options);
    this.period = atr.period;
    this.atr = atr;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    this.count++;
    const a = this.atr.step(high, low, close);
    if (a !== a) return NaN;
    return (this.v = close === 0 ? 0 : (100 * a) / close);
  }

  protected clear(): void {
    this.atr.reset();
    this.v = NaN;
  }
}

export interface BollingerOptions extends CommonOptions {
  readonly period?: number;
  /** Width of both bands in standard deviations (default 2). */
  readonly stdDev?: number;
  /** Width of the upper band, overriding `stdDev` (TA-Lib `nbDevUp`). */
  readonly stdDevUp?: number;
  /** Width of the lower band, overriding `stdDev` (TA-Lib `nbDevDn`). */
  readonly stdDevDown?: number;
  /** Middle band average (default `sma`); the deviation is always around the SMA, as TA-Lib. */
  readonly maType?: MaType;
  /** Degrees of freedom removed from the variance: 0 = population (TA-Lib, default), 1 = sample (pandas). */
  readonly ddof?: number;
  readonly seed?: EmaSeed;
}

/**
 * Bollinger Bands. Lines `upper`, `middle`, `lower`, `width` (`(upper − lower) / middle`) and
 * `percentB` (`(x − lower) / (upper − lower)`, 0.5 on a zero-width band).
 * @example
 * const bb = new BollingerBands({ period: 20, stdDev: 2 });
 * bb.update(close); bb.upper; bb.middle; bb.lower;
 */
export class BollingerBands extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly ma: PriceIndicator;
  private readonly moments: RollingMoments;
  private readonly up: number;
  private readonly down: number;
  private readonly ddof: number;
  /** Band widths, variance and average settings (read by the batch kernel). */
  readonly layout: { readonly up: number; readonly down: number; readonly ddof: number; readonly maType: MaType; readonly seed: EmaSeed };
  private mid = NaN;
  private sd = NaN;
  private last = NaN;

  constructor(options: BollingerOptions = {}) {
    const period = intOption('bbands', 'period', options.period, 20, 1);
    const k = numOption('bbands', 'stdDev', options.stdDev, 2, 0);
    const up = numOption('bbands', 'stdDevUp', options.stdDevUp, k, 0);
    const down = numOption('bbands', 'stdDevDown', options.stdDevDown, k, 0);
    const ddof = intOption('bbands', 'ddof', options.ddof, 0, 0, 1);
    const maType = enumOption('bbands', 'maType', options.maType, 'sma', MA_TYPES);
    const seed = enumOption('bbands', 'seed', options.seed, 'sma', EMA_SEEDS);
    const ma = createMovingAverage(maType, period, { seed });
    super(`bbands(${period},${k})`, Math.max(ma.warmup, period - 1), options);
    this.period = period;
    this.ma = ma;
    this.moments = new RollingMoments(period);
    this.up = up;
    this.down = down;
    this.ddof = ddof;
    this.layout = { up, down, ddof, maType, seed };
  }

  get value(): number {
    return this.middle;
  }

  get middle(): number {
    return this.count > this.warmup ? this.mid : NaN;
  }

  get upper(): number {
    return this.count > this.warmup ? this.mid + this.up * this.sd : NaN;
  }

  get lower(): number {
    return this.count > this.warmup ? this.mid - this.down * this.sd : NaN;
  }

  get width(): number {
    if (this.count <= this.warmup) return NaN;
    return this.mid === 0 ? 0 : ((this.up + this.down) * this.sd) / this.mid;
  }

  get percentB(): number {
    if (this.count <= this.warmup) return NaN;
    const span = (this.up + this.down) * this.sd;
    return span > 0 ? (this.last - (this.mid - this.down * this.sd)) / span : 0.5;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    const c = ++this.count;
    this.moments.push(x);
    const m = this.ma.update(x);
    if (c <= this.warmup) return NaN;
    this.mid = m;
    this.sd = Math.sqrt(this.moments.variance(this.ddof));
    this.last = x;
    return m;
  }

  protected clear(): void {
    this.ma.reset();
    this.moments.clear();
    this.mid = NaN;
    this.sd = NaN;
    this.last = NaN;
  }
}

export interface KeltnerOptions extends CommonOptions {
  /** Middle average period (default 20). */
  readonly period?: number;
  /** ATR period (default 10). */
  readonly atrPeriod?: number;
  /** Band width in ATRs (default 2). */
  readonly multiplier?: number;
  /** Middle average of the close (default `ema`). */
  readonly maType?: MaType;
  /** See `TrueRangeOptions.includeFirstBar` (default false, TA-Lib). */
  readonly includeFirstBar?: boolean;
  /** Seed of an EMA middle band (see `EmaSeed`); default `sma`. */
  readonly seed?: EmaSeed;
}

/** Keltner channels (StockCharts' modern form): `MA(close) ± multiplier · ATR`. */
export class KeltnerChannels extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  private readonly ma: PriceIndicator;
  private readonly atr: ATR;
  private readonly k: number;
  /** Its parts' settings (read by the batch kernel). */
  readonly layout: { readonly period: number; readonly maType: MaType; readonly seed: EmaSeed; readonly atr: ATR; readonly multiplier: number };
  private mid = NaN;
  private band = NaN;

  constructor(options: KeltnerOptions = {}) {
    const period = intOption('keltner', 'period', options.period, 20, 1);
    const atrPeriod = intOption('keltner', 'atrPeriod', options.atrPeriod, 10, 1);
    const k = numOption('keltner', 'multiplier', options.multiplier, 2, 0);
    const maType = enumOption('keltner', 'maType', options.maType, 'ema', MA_TYPES);
    const seed = enumOption('keltner', 'seed', options.seed, 'sma', EMA_SEEDS);
    const ma = createMovingAverage(maType, period, { seed });
    const atr = new ATR({ period: atrPeriod, includeFirstBar: options.includeFirstBar });
    super(`keltner(${period},${atrPeriod},${k})`, Math.max(ma.warmup, atr.warmup), options);
    this.ma = ma;
    this.atr = atr;
    this.k = k;
    // A separate ATR: the kernel reads its settings only, never its state.
    this.layout = { period, maType, seed, atr: new ATR({ period: atrPeriod, includeFirstBar: options.includeFirstBar }), multiplier: k };
  }

  get value(): number {
    return this.middle;
  }

  get middle(): number {
    return this.count > this.warmup ? this.mid : NaN;
  }

  get upper(): number {
    return this.count > this.warmup ? this.mid + this.band : NaN;
  }

  get lower(): number {
    return this.count > this.warmup ? this.mid - this.band : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    const c = ++this.count;
    const m = this.ma.update(close);
    const a = this.atr.step(high, low, close);
    if (c <= this.warmup) return NaN;
    this.mid = m;
    this.band = this.k * a;
    return m;
  }

  protected clear(): void {
    this.ma.reset();
    this.atr.reset();
    this.mid = NaN;
    this.band = NaN;
  }
}

export interface DonchianOptions extends CommonOptions {
  readonly period?: number;
  /**
   * Bars the channel is shifted back (default 0). 1 gives the channel of the `period` bars before
   * the current one, as breakout rules ("close above the prior 20-bar high") and `ta`'s offset use.
   */
  readonly offset?: number;
}

/** Donchian channels: highest high, lowest low and their midpoint over `period` bars. */
export class DonchianChannels extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  readonly period: number;
  readonly offset: number;
  private readonly hi: RollingMax;
  private readonly lo: RollingMin;
  private readonly upLag: RollingWindow;
  private readonly lowLag: RollingWindow;
  private u = NaN;
  private l = NaN;

  constructor(options: DonchianOptions = {}) {
    const period = intOption('donchian', 'period', options.period, 20, 1);
    const offset = intOption('donchian', 'offset', options.offset, 0, 0);
    super(`donchian(${period})`, period - 1 + offset, options);
    this.period = period;
    this.offset = offset;
    this.hi = new RollingMax(period);
    this.lo = new RollingMin(period);
    this.upLag = new RollingWindow(offset + 1);
    this.lowLag = new RollingWindow(offset + 1);
  }

  get value(): number {
    return this.middle;
  }

  get upper(): number {
    return this.count > this.warmup ? this.u : NaN;
  }

  get lower(): number {
    return this.count > this.warmup ? this.l : NaN;
  }

  get middle(): number {
    return this.count > this.warmup ? (this.u + this.l) / 2 : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low'>): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    this.hi.push(high);
    this.lo.push(low);
    const c = ++this.count;
    this.upLag.push(c < this.period ? NaN : this.hi.value);
    this.lowLag.push(c < this.period ? NaN : this.lo.value);
    if (c <= this.warmup) return NaN;
    this.u = this.upLag.oldest();
    this.l = this.lowLag.oldest();
    return (this.u + this.l) / 2;
  }

  protected clear(): void {
    this.hi.clear();
    this.lo.clear();
    this.upLag.clear();
    this.lowLag.clear();
    this.u = NaN;
    this.l = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input, or if a kernel gives up.

type HLCColumns = Pick<OhlcvColumns, 'high' | 'low' | 'close'>;

/** A one-line batch over high, low, close: the kernel per valid run, else the class. */
function batchHLC(c: HLCColumns, options: CommonOptions | undefined, kernel: (from: number, to: number, out: Float64Array) => boolean, cls: () => { step(h: number, l: number, c: number): number }): Float64Array {
  const n = c.close.length;
  const out = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(c.high, c.low, c.close, f), (a, b) => kernel(a, b, out), [out])) {
    const ind = cls();
    for (let i = 0; i < n; i++) out[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
  }
  return out;
}

/** The `ATR` class over `[from, to)`. */
export function atrInto(c: HLCColumns, from: number, to: number, atr: ATR, out: Float64Array): void {
  const { high, low, close } = c;
  const n = atr.period;
  const ready = from + atr.warmup;
  let sum = 0;
  let value = NaN;
  // The first bar gives a true range only with `includeFirstBar`.
  let start = from;
  if (from < to) {
    if (atr.includeFirst) {
      const tr = high[from]! - low[from]!;
      sum += tr;
      if (n === 1) value = sum / n;
    }
    out[from] = from >= ready ? value : NaN;
    start = from + 1;
  }
  let count = atr.includeFirst ? 1 : 0;
  const seedEnd = Math.min(to, start + n - count);
  for (let i = start; i < seedEnd; i++) {
    sum += trueRange(high[i]!, low[i]!, close[i - 1]!);
    if (++count === n) value = sum / n;
    out[i] = i >= ready ? value : NaN;
  }
  for (let i = seedEnd; i < to; i++) {
    value = (value * (n - 1) + trueRange(high[i]!, low[i]!, close[i - 1]!)) / n;
    out[i] = i >= ready ? value : NaN;
  }
}

/** Batch true range. */
export function trange(c: HLCColumns, options: TrueRangeOptions = {}): Float64Array {
  new TrueRange(options);
  const includeFirst = options.includeFirstBar === true;
  return batchHLC(c, options, (from, to, out) => (trangeInto(c, from, to, includeFirst, out), true), () => new TrueRange(options));
}

// The loops live in module-level functions, not in the closures handed to `runSegments`: a
// closure is created per call, and V8 keeps a closure's optimised code only weakly, so after the
// garbage collections between two calls its loop would start again in the interpreter.

/** True range over `[from, to)`. */
function trangeInto(c: HLCColumns, from: number, to: number, includeFirst: boolean, out: Float64Array): void {
  const { high, low, close } = c;
  out[from] = includeFirst ? high[from]! - low[from]! : NaN;
  for (let i = from + 1; i < to; i++) out[i] = trueRange(high[i]!, low[i]!, close[i - 1]!);
}

/** Batch ATR. */
export function atr(c: HLCColumns, options?: AtrOptions): Float64Array {
  const ind = new ATR(options);
  return batchHLC(c, options, (from, to, out) => (atrInto(c, from, to, ind, out), true), () => new ATR(options));
}

/** Batch NATR. */
export function natr(c: HLCColumns, options?: AtrOptions): Float64Array {
  const ind = new ATR(options, 'natr');
  new NATR(options);
  return batchHLC(c, options, (from, to, out) => (natrInto(c, from, to, ind, out), true), () => new NATR(options));
}

/** NATR over `[from, to)`: the ATR as a percentage of the close. */
function natrInto(c: HLCColumns, from: number, to: number, ind: ATR, out: Float64Array): void {
  atrInto(c, from, to, ind, out);
  const close = c.close;
  for (let i = Math.min(to, from + ind.warmup); i < to; i++) {
    const cl = close[i]!;
    out[i] = cl === 0 ? 0 : (100 * out[i]!) / cl;
  }
}

export interface BandLines {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

/** Bollinger Bands over `[from, to)`; `upper` holds the variance until the last loop. */
function bbandsInto(values: Float64Array, from: number, to: number, ind: BollingerBands, out: BandLines & { readonly width: Float64Array; readonly percentB: Float64Array }): boolean {
  const { up, down, ddof, maType, seed } = ind.layout;
  const { upper, middle, lower, width, percentB } = out;
  if (!movingAverageInto(maType, ind.period, { seed }, values, from, to, middle)) return false;
  momentsInto(values, from, to, ind.period, ddof, upper);
  const ready = Math.min(to, from + ind.warmup);
  for (let i = from; i < ready; i++) upper[i] = middle[i] = lower[i] = width[i] = percentB[i] = NaN;
  const both = up + down;
  for (let i = ready; i < to; i++) {
    const mid = middle[i]!;
    const sd = Math.sqrt(upper[i]!);
    upper[i] = mid + up * sd;
    lower[i] = mid - down * sd;
    width[i] = mid === 0 ? 0 : (both * sd) / mid;
    const span = both * sd;
    percentB[i] = span > 0 ? (values[i]! - (mid - down * sd)) / span : 0.5;
  }
  return true;
}

/** Batch Bollinger Bands. */
export function bbands(values: Float64Array, options?: BollingerOptions): BandLines & { readonly width: Float64Array; readonly percentB: Float64Array } {
  const ind = new BollingerBands(options);
  const n = values.length;
  const out = { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n), width: new Float64Array(n), percentB: new Float64Array(n) };
  if (!runSegments(n, isStrict(options), (f) => validEnd1(values, f), (a, b) => bbandsInto(values, a, b, ind, out), Object.values(out))) {
    for (let i = 0; i < n; i++) {
      out.middle[i] = ind.update(values[i]!);
      out.upper[i] = ind.upper;
      out.lower[i] = ind.lower;
      out.width[i] = ind.width;
      out.percentB[i] = ind.percentB;
    }
  }
  return out;
}

/** Batch Keltner channels. */
export function keltner(c: HLCColumns, options?: KeltnerOptions): BandLines {
  const ind = new KeltnerChannels(options);
  const n = c.close.length;
  const out = { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n) };
  const kernel = (from: number, to: number): boolean => keltnerInto(c, from, to, ind, out);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(c.high, c.low, c.close, f), kernel, Object.values(out))) {
    for (let i = 0; i < n; i++) {
      out.middle[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
      out.upper[i] = ind.upper;
      out.lower[i] = ind.lower;
    }
  }
  return out;
}

/** Batch Donchian channels. */
export function donchian(c: Pick<OhlcvColumns, 'high' | 'low'>, options?: DonchianOptions): BandLines {
  const ind = new DonchianChannels(options);
  const { period, offset } = ind;
  const n = c.high.length;
  const out = { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n) };
  const kernel = (from: number, to: number): boolean => (donchianInto(c, from, to, period, offset, ind.warmup, out), true);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(c.high, c.low, f), kernel, Object.values(out))) {
    for (let i = 0; i < n; i++) {
      out.middle[i] = ind.step(c.high[i]!, c.low[i]!);
      out.upper[i] = ind.upper;
      out.lower[i] = ind.lower;
    }
  }
  return out;
}

/** Keltner channels over `[from, to)`; `upper` holds the ATR until the last loop. */
function keltnerInto(c: HLCColumns, from: number, to: number, ind: KeltnerChannels, out: BandLines): boolean {
  const { period, maType, seed, atr: atrShape, multiplier } = ind.layout;
  const { upper, middle, lower } = out;
  if (!movingAverageInto(maType, period, { seed }, c.close, from, to, middle)) return false;
  atrInto(c, from, to, atrShape, upper);
  const ready = Math.min(to, from + ind.warmup);
  for (let i = from; i < ready; i++) upper[i] = middle[i] = lower[i] = NaN;
  for (let i = ready; i < to; i++) {
    const mid = middle[i]!;
    const band = multiplier * upper[i]!;
    upper[i] = mid + band;
    lower[i] = mid - band;
  }
  return true;
}

/** Donchian channels over `[from, to)`, `offset` bars back. */
function donchianInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, period: number, offset: number, warmup: number, out: BandLines): void {
  const { upper, middle, lower } = out;
  rollingMaxInto(c.high, from, to, period, upper);
  rollingMinInto(c.low, from, to, period, lower);
  const ready = Math.min(to, from + warmup);
  // The channel `offset` bars back: shift in place, from the end.
  if (offset > 0) {
    for (let i = to - 1; i >= ready; i--) {
      upper[i] = upper[i - offset]!;
      lower[i] = lower[i - offset]!;
    }
  }
  for (let i = from; i < ready; i++) upper[i] = middle[i] = lower[i] = NaN;
  for (let i = ready; i < to; i++) middle[i] = (upper[i]! + lower[i]!) / 2;
}
