/**
 * Bar oscillators: Stochastic (slow and fast), Williams %R, CCI, Ultimate Oscillator, Balance of
 * Power, Aroon and the Aroon oscillator.
 *
 * Bar indicators have `update(bar)` for objects and `step(...)` taking the fields as numbers (the
 * allocation-free form the batch functions use).
 */
import type { OhlcvColumns } from '../model/bar.js';
import { HL, HLC, IndicatorBase, OHLC } from './core/base.js';
import { enumOption, intOption } from './core/options.js';
import type { BarIndicator, BarInput, CommonOptions, PeriodOptions, PriceIndicator } from './core/types.js';
import { borrowScratch, fillNaN, isStrict, rawStochasticInto, releaseScratch, resyncInterval, rollingMaxInto, rollingMinInto, runSegments, smaInto, sumRange, validEnd2, validEnd3, validEnd4 } from './core/kernels.js';
import { RollingMax, RollingMin, RollingSum, RollingWindow } from './core/windows.js';
import { MA_TYPES, SMA, createMovingAverage, movingAverageInto, movingAverageWarmup, type MaType } from './moving-averages.js';

type HLCBar = Pick<BarInput, 'high' | 'low' | 'close'>;
type HLBar = Pick<BarInput, 'high' | 'low'>;

/** Engine of both stochastics: raw %K over `window`, %K = MA(raw), %D = MA(%K). */
abstract class StochasticEngine extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  private readonly hi: RollingMax;
  private readonly lo: RollingMin;
  private readonly window: number;
  private readonly kMa: PriceIndicator;
  private readonly dMa: PriceIndicator;
  private kv = NaN;
  private dv = NaN;
  /** The raw %K window and the two averages (read by the batch kernel). */
  readonly layout: { readonly window: number; readonly kType: MaType; readonly kPeriod: number; readonly dType: MaType; readonly dPeriod: number };

  protected constructor(label: string, window: number, k: [MaType, number], d: [MaType, number], options: CommonOptions) {
    const kMa = createMovingAverage(k[0], k[1]);
    const dMa = createMovingAverage(d[0], d[1]);
    super(label, window - 1 + kMa.warmup + dMa.warmup, options);
    this.hi = new RollingMax(window);
    this.lo = new RollingMin(window);
    this.window = window;
    this.kMa = kMa;
    this.dMa = dMa;
    this.layout = { window, kType: k[0], kPeriod: k[1], dType: d[0], dPeriod: d[1] };
  }

  get value(): number {
    return this.k;
  }

  /** %K line (0..100). */
  get k(): number {
    return this.count > this.warmup ? this.kv : NaN;
  }

  /** %D line. */
  get d(): number {
    return this.count > this.warmup ? this.dv : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    this.hi.push(high);
    this.lo.push(low);
    if (++this.count < this.window) return NaN;
    const lo = this.lo.value;
    const range = this.hi.value - lo;
    // A window without range gives 0, as TA-Lib.
    const raw = range > 0 ? (100 * (close - lo)) / range : 0;
    const k = this.kMa.update(raw);
    const d = this.dMa.update(k);
    if (d !== d) return NaN;
    this.kv = k;
    this.dv = d;
    return k;
  }

  protected clear(): void {
    this.hi.clear();
    this.lo.clear();
    this.kMa.reset();
    this.dMa.reset();
    this.kv = NaN;
    this.dv = NaN;
  }
}

export interface StochasticOptions extends CommonOptions {
  /** Window of the raw %K (default 14). */
  readonly fastKPeriod?: number;
  /** Smoothing of %K (default 3). */
  readonly slowKPeriod?: number;
  readonly slowKMaType?: MaType;
  /** %D = MA(%K) period (default 3). */
  readonly slowDPeriod?: number;
  readonly slowDMaType?: MaType;
}

/**
 * Slow stochastic (TA-Lib STOCH): `k` = MA(raw %K, slowKPeriod), `d` = MA(k, slowDPeriod).
 * @example
 * const st = new Stochastic({ fastKPeriod: 14, slowKPeriod: 3, slowDPeriod: 3 });
 * st.update(bar); st.k; st.d;
 */
export class Stochastic extends StochasticEngine {
  constructor(options: StochasticOptions = {}) {
    const fastK = intOption('stoch', 'fastKPeriod', options.fastKPeriod, 14, 1);
    const slowK = intOption('stoch', 'slowKPeriod', options.slowKPeriod, 3, 1);
    const slowD = intOption('stoch', 'slowDPeriod', options.slowDPeriod, 3, 1);
    const kType = enumOption('stoch', 'slowKMaType', options.slowKMaType, 'sma', MA_TYPES);
    const dType = enumOption('stoch', 'slowDMaType', options.slowDMaType, 'sma', MA_TYPES);
    super(`stoch(${fastK},${slowK},${slowD})`, fastK, [kType, slowK], [dType, slowD], options);
  }
}

export interface StochasticFastOptions extends CommonOptions {
  readonly fastKPeriod?: number;
  /** %D = MA(%K) period (default 3). */
  readonly fastDPeriod?: number;
  readonly fastDMaType?: MaType;
}

/** Fast stochastic (TA-Lib STOCHF): `k` = raw %K, `d` = MA(k, fastDPeriod). */
export class StochasticFast extends StochasticEngine {
  constructor(options: StochasticFastOptions = {}) {
    const fastK = intOption('stochf', 'fastKPeriod', options.fastKPeriod, 14, 1);
    const fastD = intOption('stochf', 'fastDPeriod', options.fastDPeriod, 3, 1);
    const dType = enumOption('stochf', 'fastDMaType', options.fastDMaType, 'sma', MA_TYPES);
    super(`stochf(${fastK},${fastD})`, fastK, ['sma', 1], [dType, fastD], options);
  }
}

/** Williams %R, `−100 · (highest − close) / (highest − lowest)`, in −100..0 (0 on a flat window). */
export class WILLR extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  readonly period: number;
  private readonly hi: RollingMax;
  private readonly lo: RollingMin;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('willr', 'period', options.period, 14, 1);
    super(`willr(${period})`, period - 1, options);
    this.period = period;
    this.hi = new RollingMax(period);
    this.lo = new RollingMin(period);
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
    this.hi.push(high);
    this.lo.push(low);
    if (++this.count < this.period) return NaN;
    const hh = this.hi.value;
    const range = hh - this.lo.value;
    return (this.v = range > 0 ? (-100 * (hh - close)) / range : 0);
  }

  protected clear(): void {
    this.hi.clear();
    this.lo.clear();
    this.v = NaN;
  }
}

/**
 * Mean deviation used by CCI.
 * - `window` (TA-Lib, StockCharts, TradingView): mean |tp − SMA| over the window, with the current SMA.
 * - `moving` (backtrader): an SMA of each bar's |tp − SMA at that bar|; its warm-up is `2·period − 2`.
 */
export type CciMeanDeviation = 'window' | 'moving';
export const CCI_MEAN_DEVIATIONS: readonly CciMeanDeviation[] = ['window', 'moving'];

export interface CciOptions extends PeriodOptions {
  readonly meanDeviation?: CciMeanDeviation;
}

/** Commodity Channel Index, `(tp − SMA(tp)) / (0.015 · meanDeviation)` with tp = (h + l + c)/3. */
export class CCI extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  readonly period: number;
  private readonly window: RollingWindow;
  private readonly moving: SMA | undefined;
  private v = NaN;

  constructor(options: CciOptions = {}) {
    const period = intOption('cci', 'period', options.period, 20, 1);
    const mode = enumOption('cci', 'meanDeviation', options.meanDeviation, 'window', CCI_MEAN_DEVIATIONS);
    super(`cci(${period})`, mode === 'moving' ? 2 * period - 2 : period - 1, options);
    this.period = period;
    this.window = new RollingWindow(period);
    this.moving = mode === 'moving' ? new SMA({ period }) : undefined;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const tp = (high + low + close) / 3;
    if (tp - tp !== 0) return this.rejectFields(HLC, high, low, close);
    this.count++;
    this.window.push(tp);
    if (!this.window.full) return NaN;
    const n = this.period;
    // The mean is re-summed from the window (as TA-Lib does) rather than taken from the running
    // sum: on a flat window tp − mean must be exactly 0, not ±1e−14 that would read as ±66.7.
    let total = 0;
    for (let ago = 0; ago < n; ago++) total += this.window.get(ago);
    const mean = total / n;
    let md: number;
    if (this.moving) {
      md = this.moving.update(Math.abs(tp - mean));
      if (md !== md) return NaN;
    } else {
      let dev = 0;
      for (let ago = 0; ago < n; ago++) dev += Math.abs(this.window.get(ago) - mean);
      md = dev / n;
    }
    const diff = tp - mean;
    return (this.v = diff !== 0 && md !== 0 ? diff / (0.015 * md) : 0);
  }

  protected clear(): void {
    this.window.clear();
    this.moving?.reset();
    this.v = NaN;
  }
}

export interface UltOscOptions extends CommonOptions {
  readonly period1?: number;
  readonly period2?: number;
  readonly period3?: number;
}

/**
 * Ultimate Oscillator (Williams): weighted average of buying pressure / true range over three
 * windows. As TA-Lib, the periods are sorted: the shortest gets weight 4, the middle 2, the longest 1.
 */
export class ULTOSC extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  /** The three periods, shortest first (weights 4, 2, 1). */
  readonly periods: readonly number[];
  private readonly bp: RollingSum[];
  private readonly tr: RollingSum[];
  private prevClose = 0;
  private v = NaN;

  constructor(options: UltOscOptions = {}) {
    const p1 = intOption('ultosc', 'period1', options.period1, 7, 1);
    const p2 = intOption('ultosc', 'period2', options.period2, 14, 1);
    const p3 = intOption('ultosc', 'period3', options.period3, 28, 1);
    const sorted = [p1, p2, p3].sort((a, b) => a - b);
    super(`ultosc(${p1},${p2},${p3})`, sorted[2]!, options);
    this.periods = sorted;
    this.bp = sorted.map((p) => new RollingSum(p));
    this.tr = sorted.map((p) => new RollingSum(p));
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
    const pc = this.prevClose;
    this.prevClose = close;
    if (c === 1) return NaN;
    const trueLow = low < pc ? low : pc;
    const trueHigh = high > pc ? high : pc;
    const bp = this.bp;
    const tr = this.tr;
    for (let i = 0; i < 3; i++) {
      bp[i]!.push(close - trueLow);
      tr[i]!.push(trueHigh - trueLow);
    }
    if (c <= this.warmup) return NaN;
    let total = 0;
    const t0 = tr[0]!.sum;
    const t1 = tr[1]!.sum;
    const t2 = tr[2]!.sum;
    if (t0 !== 0) total += (4 * bp[0]!.sum) / t0;
    if (t1 !== 0) total += (2 * bp[1]!.sum) / t1;
    if (t2 !== 0) total += bp[2]!.sum / t2;
    return (this.v = (100 * total) / 7);
  }

  protected clear(): void {
    for (const r of this.bp) r.clear();
    for (const r of this.tr) r.clear();
    this.prevClose = 0;
    this.v = NaN;
  }
}

/** Balance of Power, `(close − open) / (high − low)` (0 on a bar without range). */
export class BOP extends IndicatorBase implements BarIndicator<'open' | 'high' | 'low' | 'close'> {
  private v = NaN;

  constructor(options: CommonOptions = {}) {
    super('bop', 0, options);
  }

  get value(): number {
    return this.count > 0 ? this.v : NaN;
  }

  update(bar: Pick<BarInput, 'open' | 'high' | 'low' | 'close'>): number {
    return this.step(bar.open, bar.high, bar.low, bar.close);
  }

  step(open: number, high: number, low: number, close: number): number {
    this.seen++;
    const s = open + high + low + close;
    if (s - s !== 0) return this.rejectFields(OHLC, open, high, low, close);
    this.count++;
    const range = high - low;
    return (this.v = range > 0 ? (close - open) / range : 0);
  }

  protected clear(): void {
    this.v = NaN;
  }
}

/**
 * Aroon up/down over `period + 1` bars: `100 · (period − bars since the extreme) / period`.
 * On ties the most recent extreme counts, as TA-Lib.
 */
export class Aroon extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  readonly period: number;
  private readonly hi: RollingMax;
  private readonly lo: RollingMin;
  private upv = NaN;
  private downv = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('aroon', 'period', options.period, 14, 1);
    super(`aroon(${period})`, period, options);
    this.period = period;
    this.hi = new RollingMax(period + 1);
    this.lo = new RollingMin(period + 1);
  }

  get value(): number {
    return this.up;
  }

  /** Aroon up (0..100). */
  get up(): number {
    return this.count > this.warmup ? this.upv : NaN;
  }

  /** Aroon down (0..100). */
  get down(): number {
    return this.count > this.warmup ? this.downv : NaN;
  }

  update(bar: HLBar): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    this.hi.push(high);
    this.lo.push(low);
    if (++this.count <= this.period) return NaN;
    const n = this.period;
    this.downv = (100 * (n - this.lo.age)) / n;
    return (this.upv = (100 * (n - this.hi.age)) / n);
  }

  protected clear(): void {
    this.hi.clear();
    this.lo.clear();
    this.upv = NaN;
    this.downv = NaN;
  }
}

/** Aroon oscillator, `up − down` (−100..100). */
export class AroonOscillator extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  private readonly aroon: Aroon;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const aroon = new Aroon({ period: options.period });
    super(`aroonosc(${aroon.period})`, aroon.warmup, options);
    this.aroon = aroon;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLBar): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    this.count++;
    const up = this.aroon.step(high, low);
    if (up !== up) return NaN;
    return (this.v = up - this.aroon.down);
  }

  protected clear(): void {
    this.aroon.reset();
    this.v = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input, or if a kernel gives up.

type HLCColumns = Pick<OhlcvColumns, 'high' | 'low' | 'close'>;

/** Both stochastics over `[from, to)`: raw %K from the window's extremes, then the two averages. */
function stochasticInto(c: HLCColumns, from: number, to: number, layout: StochasticEngine['layout'], k: Float64Array, d: Float64Array): boolean {
  const { window, kType, kPeriod, dType, dPeriod } = layout;
  const n = c.close.length;
  const hi = borrowScratch(n);
  const lo = borrowScratch(n);
  try {
    rollingMaxInto(c.high, from, to, window, hi);
    rollingMinInto(c.low, from, to, window, lo);
    const rawFrom = Math.min(to, from + window - 1);
    rawStochasticInto(c.close, hi, lo, rawFrom, to, hi);
    if (!movingAverageInto(kType, kPeriod, {}, hi, rawFrom, to, k)) return false;
    const kFrom = Math.min(to, rawFrom + movingAverageWarmup(kType, kPeriod));
    if (!movingAverageInto(dType, dPeriod, {}, k, kFrom, to, d)) return false;
    const ready = Math.min(to, kFrom + movingAverageWarmup(dType, dPeriod));
    fillNaN(k, from, ready);
    fillNaN(d, from, ready);
    return true;
  } finally {
    releaseScratch(hi, lo);
  }
}

function stochasticBatch(c: HLCColumns, ind: StochasticEngine, options: CommonOptions | undefined, fresh: () => StochasticEngine): { readonly k: Float64Array; readonly d: Float64Array } {
  const n = c.close.length;
  const k = new Float64Array(n);
  const d = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(c.high, c.low, c.close, f), (a, b) => stochasticInto(c, a, b, ind.layout, k, d), [k, d])) {
    const cls = fresh();
    for (let i = 0; i < n; i++) {
      k[i] = cls.step(c.high[i]!, c.low[i]!, c.close[i]!);
      d[i] = cls.d;
    }
  }
  return { k, d };
}

/** Batch slow stochastic. */
export function stoch(c: HLCColumns, options?: StochasticOptions): { readonly k: Float64Array; readonly d: Float64Array } {
  return stochasticBatch(c, new Stochastic(options), options, () => new Stochastic(options));
}

/** Batch fast stochastic. */
export function stochf(c: HLCColumns, options?: StochasticFastOptions): { readonly k: Float64Array; readonly d: Float64Array } {
  return stochasticBatch(c, new StochasticFast(options), options, () => new StochasticFast(options));
}

/** A one-line bar batch over high, low, close: the kernel per valid run, else the class. */
function batchHLC(c: HLCColumns, options: CommonOptions | undefined, kernel: (from: number, to: number, out: Float64Array) => boolean, cls: () => { step(h: number, l: number, c: number): number }): Float64Array {
  const n = c.close.length;
  const out = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(c.high, c.low, c.close, f), (a, b) => kernel(a, b, out), [out])) {
    const ind = cls();
    for (let i = 0; i < n; i++) out[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
  }
  return out;
}

/** Batch Williams %R. */
export function willr(c: HLCColumns, options?: PeriodOptions): Float64Array {
  const p = new WILLR(options).period;
  return batchHLC(c, options, (from, to, out) => (willrInto(c, from, to, p, out), true), () => new WILLR(options));
}

/** Williams %R over `[from, to)`. */
function willrInto(c: HLCColumns, from: number, to: number, p: number, out: Float64Array): void {
  const hi = borrowScratch(out.length);
  rollingMaxInto(c.high, from, to, p, hi);
  rollingMinInto(c.low, from, to, p, out);
  const start = Math.min(to, from + p - 1);
  fillNaN(out, from, start);
  const close = c.close;
  for (let i = start; i < to; i++) {
    const hh = hi[i]!;
    const range = hh - out[i]!;
    out[i] = range > 0 ? (-100 * (hh - close[i]!)) / range : 0;
  }
  releaseScratch(hi);
}

/** Batch CCI. */
export function cci(c: HLCColumns, options: CciOptions = {}): Float64Array {
  const ind = new CCI(options);
  const n = ind.period;
  const moving = (options.meanDeviation ?? 'window') === 'moving';
  return batchHLC(c, options, (from, to, out) => (cciInto(c, from, to, n, moving, out), true), () => new CCI(options));
}

/** CCI over `[from, to)` (`moving`: backtrader's moving mean deviation). */
function cciInto(c: HLCColumns, from: number, to: number, n: number, moving: boolean, out: Float64Array): void {
  const tp = borrowScratch(out.length);
  const { high, low, close } = c;
  for (let i = from; i < to; i++) tp[i] = (high[i]! + low[i]! + close[i]!) / 3;
  const start = Math.min(to, from + n - 1);
  fillNaN(out, from, start);
  if (!moving) {
    cciWindowInto(tp, start, to, n, out);
    releaseScratch(tp);
    return;
  }
  const dev = borrowScratch(out.length);
  for (let i = start; i < to; i++) {
    // The mean is re-summed from the window, newest first, as the class does (on a flat window
    // tp − mean must be exactly 0).
    let total = 0;
    for (let j = i; j > i - n; j--) total += tp[j]!;
    const mean = total / n;
    dev[i] = Math.abs(tp[i]! - mean);
    out[i] = tp[i]! - mean;
  }
  // backtrader: an SMA of each bar's own deviation; `out` holds tp − mean meanwhile.
  smaInto(dev, start, to, n, tp);
  const ready = Math.min(to, start + n - 1);
  fillNaN(out, start, ready);
  for (let i = ready; i < to; i++) {
    const md = tp[i]!;
    const diff = out[i]!;
    out[i] = diff !== 0 && md !== 0 ? diff / (0.015 * md) : 0;
  }
  releaseScratch(dev, tp);
}

/** CCI from the typical prices' window mean deviation, `diff / (0.015 · md)` (0 when either is 0). */
function cciValue(tp: number, mean: number, md: number): number {
  const diff = tp - mean;
  return diff !== 0 && md !== 0 ? diff / (0.015 * md) : 0;
}

/**
 * CCI (`meanDeviation: 'window'`) at the rows `[start, to)` of `tp`, each window re-summed newest
 * first as the class does (the sum of the window, then of the absolute deviations from its mean).
 * Those sums are chains of dependent additions, so four rows are summed side by side: their
 * chains overlap in the processor, and each sum still adds the same values in the same order.
 */
function cciWindowInto(tp: Float64Array, start: number, to: number, n: number, out: Float64Array): void {
  let i = start;
  if (n >= 4) {
    for (; i + 3 < to; i += 4) {
      // Rows i..i+3 (sums s0..s3). Their windows end at i+q and start at i+q−n+1: the values
      // i+1..i+3 belong only to the later rows, i+4−n..i to all four, i+1−n..i+3−n to the earlier.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      s3 += tp[i + 3]!;
      s3 += tp[i + 2]!;
      s2 += tp[i + 2]!;
      s3 += tp[i + 1]!;
      s2 += tp[i + 1]!;
      s1 += tp[i + 1]!;
      for (let j = i; j > i + 3 - n; j--) {
        const v = tp[j]!;
        s0 += v;
        s1 += v;
        s2 += v;
        s3 += v;
      }
      s0 += tp[i + 3 - n]!;
      s1 += tp[i + 3 - n]!;
      s2 += tp[i + 3 - n]!;
      s0 += tp[i + 2 - n]!;
      s1 += tp[i + 2 - n]!;
      s0 += tp[i + 1 - n]!;
      const m0 = s0 / n;
      const m1 = s1 / n;
      const m2 = s2 / n;
      const m3 = s3 / n;
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      d3 += Math.abs(tp[i + 3]! - m3);
      d3 += Math.abs(tp[i + 2]! - m3);
      d2 += Math.abs(tp[i + 2]! - m2);
      d3 += Math.abs(tp[i + 1]! - m3);
      d2 += Math.abs(tp[i + 1]! - m2);
      d1 += Math.abs(tp[i + 1]! - m1);
      for (let j = i; j > i + 3 - n; j--) {
        const v = tp[j]!;
        d0 += Math.abs(v - m0);
        d1 += Math.abs(v - m1);
        d2 += Math.abs(v - m2);
        d3 += Math.abs(v - m3);
      }
      d0 += Math.abs(tp[i + 3 - n]! - m0);
      d1 += Math.abs(tp[i + 3 - n]! - m1);
      d2 += Math.abs(tp[i + 3 - n]! - m2);
      d0 += Math.abs(tp[i + 2 - n]! - m0);
      d1 += Math.abs(tp[i + 2 - n]! - m1);
      d0 += Math.abs(tp[i + 1 - n]! - m0);
      out[i] = cciValue(tp[i]!, m0, d0 / n);
      out[i + 1] = cciValue(tp[i + 1]!, m1, d1 / n);
      out[i + 2] = cciValue(tp[i + 2]!, m2, d2 / n);
      out[i + 3] = cciValue(tp[i + 3]!, m3, d3 / n);
    }
  }
  for (; i < to; i++) {
    let total = 0;
    for (let j = i; j > i - n; j--) total += tp[j]!;
    const mean = total / n;
    let sum = 0;
    for (let j = i; j > i - n; j--) sum += Math.abs(tp[j]! - mean);
    out[i] = cciValue(tp[i]!, mean, sum / n);
  }
}

/** Batch Ultimate Oscillator. */
export function ultosc(c: HLCColumns, options: UltOscOptions = {}): Float64Array {
  const ind = new ULTOSC(options);
  return batchHLC(c, options, (from, to, out) => (ultoscInto(c, from, to, ind.periods, ind.warmup, out), true), () => new ULTOSC(options));
}

/**
 * The Ultimate Oscillator over `[from, to)` in one pass over the buying pressure and true range:
 * six window sums (two per period) kept as `rollingSumInto` keeps them (the same additions, the
 * same exact re-summations), combined as the class does (total += 4·bp₀/tr₀, 2·bp₁/tr₁, bp₂/tr₂).
 */
function ultoscInto(c: HLCColumns, from: number, to: number, periods: readonly number[], warmup: number, out: Float64Array): void {
  const len = out.length;
  const bp = borrowScratch(len);
  const tr = borrowScratch(len);
  const { high, low, close } = c;
  for (let i = from + 1; i < to; i++) {
    const pc = close[i - 1]!;
    const l = low[i]!;
    const h = high[i]!;
    const trueLow = l < pc ? l : pc;
    const trueHigh = h > pc ? h : pc;
    bp[i] = close[i]! - trueLow;
    tr[i] = trueHigh - trueLow;
  }
  const ready = Math.min(to, from + warmup);
  fillNaN(out, from, ready);
  const first = from + 1; // the first bar has no true range
  const [p0, p1, p2] = periods as [number, number, number];
  const [e0, e1, e2] = [resyncInterval(p0), resyncInterval(p1), resyncInterval(p2)];
  // The next exact re-summation of each period's sums (as `rollingSumInto` schedules them).
  let r0 = first + e0 - 1;
  let r1 = first + e1 - 1;
  let r2 = first + e2 - 1;
  let b0 = 0;
  let t0 = 0;
  let b1 = 0;
  let t1 = 0;
  let b2 = 0;
  let t2 = 0;
  for (let i = first; i < to; i++) {
    const b = bp[i]!;
    const t = tr[i]!;
    if (i === r0) {
      b0 = sumRange(bp, i - p0 + 1, i + 1);
      t0 = sumRange(tr, i - p0 + 1, i + 1);
      r0 += e0;
    } else if (i < first + p0) {
      b0 += b;
      t0 += t;
    } else {
      b0 += b - bp[i - p0]!;
      t0 += t - tr[i - p0]!;
    }
    if (i === r1) {
      b1 = sumRange(bp, i - p1 + 1, i + 1);
      t1 = sumRange(tr, i - p1 + 1, i + 1);
      r1 += e1;
    } else if (i < first + p1) {
      b1 += b;
      t1 += t;
    } else {
      b1 += b - bp[i - p1]!;
      t1 += t - tr[i - p1]!;
    }
    if (i === r2) {
      b2 = sumRange(bp, i - p2 + 1, i + 1);
      t2 = sumRange(tr, i - p2 + 1, i + 1);
      r2 += e2;
    } else if (i < first + p2) {
      b2 += b;
      t2 += t;
    } else {
      b2 += b - bp[i - p2]!;
      t2 += t - tr[i - p2]!;
    }
    if (i < ready) continue;
    let total = 0;
    if (t0 !== 0) total += (4 * b0) / t0;
    if (t1 !== 0) total += (2 * b1) / t1;
    if (t2 !== 0) total += b2 / t2;
    out[i] = (100 * total) / 7;
  }
  releaseScratch(bp, tr);
}

/** Batch Balance of Power. */
export function bop(c: Pick<OhlcvColumns, 'open' | 'high' | 'low' | 'close'>, options?: CommonOptions): Float64Array {
  const n = c.close.length;
  const out = new Float64Array(n);
  const { open, high, low, close } = c;
  const kernel = (from: number, to: number): boolean => (bopInto(c, from, to, out), true);
  if (!runSegments(n, isStrict(options), (f) => validEnd4(open, high, low, close, f), kernel, [out])) {
    const ind = new BOP(options);
    for (let i = 0; i < n; i++) out[i] = ind.step(open[i]!, high[i]!, low[i]!, close[i]!);
  }
  return out;
}

/** Balance of power over `[from, to)`. */
function bopInto(c: Pick<OhlcvColumns, 'open' | 'high' | 'low' | 'close'>, from: number, to: number, out: Float64Array): void {
  const { open, high, low, close } = c;
  for (let i = from; i < to; i++) {
    const range = high[i]! - low[i]!;
    out[i] = range > 0 ? (close[i]! - open[i]!) / range : 0;
  }
}

/** Aroon over `[from, to)` (`up` and `down` hold the ages of the extremes meanwhile). */
function aroonInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, period: number, up: Float64Array, down: Float64Array): void {
  const scratch = borrowScratch(up.length);
  rollingMaxInto(c.high, from, to, period + 1, scratch, up);
  rollingMinInto(c.low, from, to, period + 1, scratch, down);
  releaseScratch(scratch);
  const start = Math.min(to, from + period);
  fillNaN(up, from, start);
  fillNaN(down, from, start);
  const n = period;
  for (let i = start; i < to; i++) {
    down[i] = (100 * (n - down[i]!)) / n;
    up[i] = (100 * (n - up[i]!)) / n;
  }
}

/** Batch Aroon. */
export function aroon(c: Pick<OhlcvColumns, 'high' | 'low'>, options?: PeriodOptions): { readonly up: Float64Array; readonly down: Float64Array } {
  const p = new Aroon(options).period;
  const n = c.high.length;
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(c.high, c.low, f), (a, b) => (aroonInto(c, a, b, p, up, down), true), [up, down])) {
    const ind = new Aroon(options);
    for (let i = 0; i < n; i++) {
      up[i] = ind.step(c.high[i]!, c.low[i]!);
      down[i] = ind.down;
    }
  }
  return { up, down };
}

/** Batch Aroon oscillator. */
export function aroonOsc(c: Pick<OhlcvColumns, 'high' | 'low'>, options?: PeriodOptions): Float64Array {
  new AroonOscillator(options);
  const p = new Aroon({ period: options?.period }).period;
  const n = c.high.length;
  const out = new Float64Array(n);
  const kernel = (a: number, b: number): boolean => (aroonOscInto(c, a, b, p, out), true);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(c.high, c.low, f), kernel, [out])) {
    const ind = new AroonOscillator(options);
    for (let i = 0; i < n; i++) out[i] = ind.step(c.high[i]!, c.low[i]!);
  }
  return out;
}

/** The Aroon oscillator over `[from, to)`: up − down. */
function aroonOscInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, p: number, out: Float64Array): void {
  const down = borrowScratch(out.length);
  aroonInto(c, from, to, p, out, down);
  for (let i = from; i < to; i++) out[i] = out[i]! - down[i]!;
  releaseScratch(down);
}
