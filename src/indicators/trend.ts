/** Trend-following overlays: Parabolic SAR, Supertrend and Ichimoku. */
import type { OhlcvColumns } from '../model/bar.js';
import { HL, HLC, IndicatorBase } from './core/base.js';
import { intOption, numOption } from './core/options.js';
import type { BarIndicator, BarInput, CommonOptions } from './core/types.js';
import { borrowScratch, isStrict, releaseScratch, rollingMaxInto, rollingMinInto, runSegments, validEnd2, validEnd3 } from './core/kernels.js';
import { RollingMax, RollingMin, RollingWindow } from './core/windows.js';
import { ATR, atrInto } from './volatility.js';

export interface PsarOptions extends CommonOptions {
  /** Acceleration factor step and start (default 0.02). */
  readonly acceleration?: number;
  /** Maximum acceleration factor (default 0.2). */
  readonly maximum?: number;
}

/**
 * Wilder's Parabolic SAR as TA-Lib bootstraps it: the direction for the second bar comes from the
 * directional movement of the first two bars (long on a tie), the first SAR is the first bar's
 * extreme, and a reversal places the SAR on the previous extreme point, kept outside the last two
 * bars' range. Lines `sar` and `direction` (+1 long, −1 short). The value at a bar is the stop
 * that applied during that bar.
 */
export class PSAR extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  /** Acceleration step (and start) and maximum, after TA-Lib's capping. */
  readonly step0: number;
  readonly max: number;
  private long = true;
  private af = 0;
  private ep = 0;
  private stop = 0;
  private ph = 0;
  private pl = 0;
  private out = NaN;
  private dir = NaN;

  constructor(options: PsarOptions = {}) {
    const max = numOption('psar', 'maximum', options.maximum, 0.2, 0);
    // TA-Lib lowers an acceleration above the maximum to the maximum.
    const acc = Math.min(numOption('psar', 'acceleration', options.acceleration, 0.02, 0), max);
    super(`psar(${acc},${max})`, 1, options);
    this.step0 = acc;
    this.max = max;
  }

  get value(): number {
    return this.count > 1 ? this.out : NaN;
  }

  /** The stop that applied during the current bar. */
  get sar(): number {
    return this.value;
  }

  /** +1 while long (SAR below price), −1 while short. */
  get direction(): number {
    return this.count > 1 ? this.dir : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low'>): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    const c = ++this.count;
    if (c === 1) {
      this.ph = high;
      this.pl = low;
      return NaN;
    }
    if (c === 2) {
      const up = high - this.ph;
      const down = this.pl - low;
      this.long = !(down > 0 && down > up);
      if (this.long) {
        this.ep = high;
        this.stop = this.pl;
      } else {
        this.ep = low;
        this.stop = this.ph;
      }
      this.af = this.step0;
      // As TA-Lib, the first iteration uses this bar as its own "previous" bar.
      this.ph = high;
      this.pl = low;
    }
    const ph = this.ph;
    const pl = this.pl;
    let sar = this.stop;
    let out: number;
    if (this.long) {
      if (low <= sar) {
        this.long = false;
        sar = this.ep;
        if (sar < ph) sar = ph;
        if (sar < high) sar = high;
        out = sar;
        this.af = this.step0;
        this.ep = low;
        sar += this.af * (this.ep - sar);
        if (sar < ph) sar = ph;
        if (sar < high) sar = high;
      } else {
        out = sar;
        if (high > this.ep) {
          this.ep = high;
          this.af = Math.min(this.af + this.step0, this.max);
        }
        sar += this.af * (this.ep - sar);
        if (sar > pl) sar = pl;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      this.long = true;
      sar = this.ep;
      if (sar > pl) sar = pl;
      if (sar > low) sar = low;
      out = sar;
      this.af = this.step0;
      this.ep = high;
      sar += this.af * (this.ep - sar);
      if (sar > pl) sar = pl;
      if (sar > low) sar = low;
    } else {
      out = sar;
      if (low < this.ep) {
        this.ep = low;
        this.af = Math.min(this.af + this.step0, this.max);
      }
      sar += this.af * (this.ep - sar);
      if (sar < ph) sar = ph;
      if (sar < high) sar = high;
    }
    this.stop = sar;
    this.ph = high;
    this.pl = low;
    this.dir = this.long ? 1 : -1;
    return (this.out = out);
  }

  protected clear(): void {
    this.long = true;
    this.af = 0;
    this.ep = 0;
    this.stop = 0;
    this.ph = 0;
    this.pl = 0;
    this.out = NaN;
    this.dir = NaN;
  }
}

export interface SupertrendOptions extends CommonOptions {
  /** ATR period (default 10). */
  readonly period?: number;
  /** Band distance in ATRs (default 3). */
  readonly multiplier?: number;
  /** ATR convention (see `TrueRangeOptions.includeFirstBar`); default false (TA-Lib). */
  readonly includeFirstBar?: boolean;
}

/**
 * Supertrend (Seban), TradingView's `ta.supertrend`: bands at `hl2 ± multiplier · ATR` that only
 * tighten while the close stays inside them; the trend flips when the close crosses the active
 * band. Starts in a down-trend, as TradingView. Lines `supertrend` (the active band) and
 * `direction` (+1 up-trend, the line is support; −1 down-trend, the line is resistance).
 */
export class Supertrend extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  private readonly atr: ATR;
  private readonly k: number;
  /** Its ATR's settings and the band multiplier (read by the batch kernel). */
  readonly layout: { readonly atr: ATR; readonly multiplier: number };
  private lowerBand = NaN;
  private upperBand = NaN;
  private pc = NaN;
  private dir = 0;
  private line = NaN;

  constructor(options: SupertrendOptions = {}) {
    const period = intOption('supertrend', 'period', options.period, 10, 1);
    const k = numOption('supertrend', 'multiplier', options.multiplier, 3, 0);
    const atr = new ATR({ period, includeFirstBar: options.includeFirstBar });
    super(`supertrend(${period},${k})`, atr.warmup, options);
    this.atr = atr;
    this.k = k;
    // A separate ATR: the kernel reads its settings only, never its state.
    this.layout = { atr: new ATR({ period, includeFirstBar: options.includeFirstBar }), multiplier: k };
  }

  get value(): number {
    return this.supertrend;
  }

  get supertrend(): number {
    return this.count > this.warmup ? this.line : NaN;
  }

  get direction(): number {
    return this.count > this.warmup ? this.dir : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low' | 'close'>): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    this.count++;
    const a = this.atr.step(high, low, close);
    const pc = this.pc;
    this.pc = close;
    if (a !== a) return NaN;
    const mid = (high + low) / 2;
    let lower = mid - this.k * a;
    let upper = mid + this.k * a;
    const prevLower = this.lowerBand;
    const prevUpper = this.upperBand;
    const first = this.dir === 0;
    if (!first) {
      if (lower < prevLower && pc > prevLower) lower = prevLower;
      if (upper > prevUpper && pc < prevUpper) upper = prevUpper;
    }
    let dir: number;
    if (first) dir = -1;
    else if (this.dir === -1) dir = close > prevUpper ? 1 : -1;
    else dir = close < prevLower ? -1 : 1;
    this.lowerBand = lower;
    this.upperBand = upper;
    this.dir = dir;
    return (this.line = dir === 1 ? lower : upper);
  }

  protected clear(): void {
    this.atr.reset();
    this.lowerBand = NaN;
    this.upperBand = NaN;
    this.pc = NaN;
    this.dir = 0;
    this.line = NaN;
  }
}

export interface IchimokuOptions extends CommonOptions {
  readonly tenkanPeriod?: number;
  readonly kijunPeriod?: number;
  readonly senkouPeriod?: number;
  /** How far the cloud is projected forward (default 26). */
  readonly displacement?: number;
}

/**
 * Ichimoku Kinko Hyo, point-in-time: `tenkan` and `kijun` are midpoints of the last 9 / 26 bars;
 * `senkouA` and `senkouB` are the cloud values that apply to the current bar, i.e. computed
 * `displacement` bars earlier (charts draw them ahead). The chikou span (the close drawn 26 bars
 * back) is omitted: at the current bar it is just the close.
 */
export class Ichimoku extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  private readonly tHi: RollingMax;
  private readonly tLo: RollingMin;
  private readonly kHi: RollingMax;
  private readonly kLo: RollingMin;
  private readonly sHi: RollingMax;
  private readonly sLo: RollingMin;
  private readonly aLag: RollingWindow;
  private readonly bLag: RollingWindow;
  private readonly tp: number;
  private readonly kp: number;
  private readonly sp: number;
  /** Periods and displacement (read by the batch kernel). */
  readonly layout: { readonly tenkan: number; readonly kijun: number; readonly senkou: number; readonly displacement: number };
  private t = NaN;
  private k = NaN;
  private a = NaN;
  private b = NaN;

  constructor(options: IchimokuOptions = {}) {
    const tp = intOption('ichimoku', 'tenkanPeriod', options.tenkanPeriod, 9, 1);
    const kp = intOption('ichimoku', 'kijunPeriod', options.kijunPeriod, 26, 1);
    const sp = intOption('ichimoku', 'senkouPeriod', options.senkouPeriod, 52, 1);
    const d = intOption('ichimoku', 'displacement', options.displacement, 26, 0);
    super(`ichimoku(${tp},${kp},${sp},${d})`, Math.max(tp, kp, sp) - 1 + d, options);
    this.tHi = new RollingMax(tp);
    this.tLo = new RollingMin(tp);
    this.kHi = new RollingMax(kp);
    this.kLo = new RollingMin(kp);
    this.sHi = new RollingMax(sp);
    this.sLo = new RollingMin(sp);
    this.aLag = new RollingWindow(d + 1);
    this.bLag = new RollingWindow(d + 1);
    this.tp = tp;
    this.kp = kp;
    this.sp = sp;
    this.layout = { tenkan: tp, kijun: kp, senkou: sp, displacement: d };
  }

  get value(): number {
    return this.tenkan;
  }

  get tenkan(): number {
    return this.count > this.warmup ? this.t : NaN;
  }

  get kijun(): number {
    return this.count > this.warmup ? this.k : NaN;
  }

  get senkouA(): number {
    return this.count > this.warmup ? this.a : NaN;
  }

  get senkouB(): number {
    return this.count > this.warmup ? this.b : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low'>): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    const c = ++this.count;
    this.tHi.push(high);
    this.tLo.push(low);
    this.kHi.push(high);
    this.kLo.push(low);
    this.sHi.push(high);
    this.sLo.push(low);
    const t = c >= this.tp ? (this.tHi.value + this.tLo.value) / 2 : NaN;
    const k = c >= this.kp ? (this.kHi.value + this.kLo.value) / 2 : NaN;
    const b = c >= this.sp ? (this.sHi.value + this.sLo.value) / 2 : NaN;
    this.aLag.push((t + k) / 2);
    this.bLag.push(b);
    this.t = t;
    this.k = k;
    // With `displacement + 1` slots, the oldest is the value from `displacement` bars ago.
    this.a = this.aLag.full ? this.aLag.oldest() : NaN;
    this.b = this.bLag.full ? this.bLag.oldest() : NaN;
    return c > this.warmup ? t : NaN;
  }

  protected clear(): void {
    this.tHi.clear();
    this.tLo.clear();
    this.kHi.clear();
    this.kLo.clear();
    this.sHi.clear();
    this.sLo.clear();
    this.aLag.clear();
    this.bLag.clear();
    this.t = NaN;
    this.k = NaN;
    this.a = NaN;
    this.b = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input.

/** Parabolic SAR over `[from, to)`: the class's recursion on local variables. */
function psarInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, step0: number, max: number, sarOut: Float64Array, dirOut: Float64Array): void {
  const { high: hs, low: ls } = c;
  let long = true;
  let af = 0;
  let ep = 0;
  let stop = 0;
  let ph = 0;
  let pl = 0;
  if (from < to) {
    ph = hs[from]!;
    pl = ls[from]!;
    sarOut[from] = dirOut[from] = NaN;
  }
  for (let i = from + 1; i < to; i++) {
    const high = hs[i]!;
    const low = ls[i]!;
    if (i === from + 1) {
      const up = high - ph;
      const down = pl - low;
      long = !(down > 0 && down > up);
      if (long) {
        ep = high;
        stop = pl;
      } else {
        ep = low;
        stop = ph;
      }
      af = step0;
      // As TA-Lib, the first iteration uses this bar as its own "previous" bar.
      ph = high;
      pl = low;
    }
    let sar = stop;
    let out: number;
    if (long) {
      if (low <= sar) {
        long = false;
        sar = ep;
        if (sar < ph) sar = ph;
        if (sar < high) sar = high;
        out = sar;
        af = step0;
        ep = low;
        sar += af * (ep - sar);
        if (sar < ph) sar = ph;
        if (sar < high) sar = high;
      } else {
        out = sar;
        if (high > ep) {
          ep = high;
          af = Math.min(af + step0, max);
        }
        sar += af * (ep - sar);
        if (sar > pl) sar = pl;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      long = true;
      sar = ep;
      if (sar > pl) sar = pl;
      if (sar > low) sar = low;
      out = sar;
      af = step0;
      ep = high;
      sar += af * (ep - sar);
      if (sar > pl) sar = pl;
      if (sar > low) sar = low;
    } else {
      out = sar;
      if (low < ep) {
        ep = low;
        af = Math.min(af + step0, max);
      }
      sar += af * (ep - sar);
      if (sar < ph) sar = ph;
      if (sar < high) sar = high;
    }
    stop = sar;
    ph = high;
    pl = low;
    sarOut[i] = out;
    dirOut[i] = long ? 1 : -1;
  }
}

/** Batch Parabolic SAR. */
export function psar(c: Pick<OhlcvColumns, 'high' | 'low'>, options?: PsarOptions): { readonly sar: Float64Array; readonly direction: Float64Array } {
  const ind = new PSAR(options);
  const n = c.high.length;
  const sar = new Float64Array(n);
  const direction = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(c.high, c.low, f), (a, b) => (psarInto(c, a, b, ind.step0, ind.max, sar, direction), true), [sar, direction])) {
    for (let i = 0; i < n; i++) {
      sar[i] = ind.step(c.high[i]!, c.low[i]!);
      direction[i] = ind.direction;
    }
  }
  return { sar, direction };
}

/** Supertrend over `[from, to)`: the ATR into `line`, then the bands' recursion. */
function supertrendInto(c: Pick<OhlcvColumns, 'high' | 'low' | 'close'>, from: number, to: number, ind: Supertrend, line: Float64Array, direction: Float64Array): void {
  const { atr: atrShape, multiplier } = ind.layout;
  atrInto(c, from, to, atrShape, line);
  bandsInto(c.high, c.low, c.close, from, to, Math.min(to, from + ind.warmup), multiplier, line, direction);
}

/**
 * The Supertrend bands' recursion over `[ready, to)` with the ATR in `line` (replaced by the
 * line). Its own function with plain arguments: V8 keeps its loop optimised from call to call.
 */
function bandsInto(high: Float64Array, low: Float64Array, close: Float64Array, from: number, to: number, ready: number, k: number, line: Float64Array, direction: Float64Array): void {
  for (let i = from; i < ready; i++) line[i] = direction[i] = NaN;
  let lowerBand = NaN;
  let upperBand = NaN;
  let dir = 0;
  for (let i = ready; i < to; i++) {
    const a = line[i]!;
    const pc = i > from ? close[i - 1]! : NaN;
    const cl = close[i]!;
    const mid = (high[i]! + low[i]!) / 2;
    let lower = mid - k * a;
    let upper = mid + k * a;
    const first = dir === 0;
    if (!first) {
      if (lower < lowerBand && pc > lowerBand) lower = lowerBand;
      if (upper > upperBand && pc < upperBand) upper = upperBand;
    }
    let d: number;
    if (first) d = -1;
    else if (dir === -1) d = cl > upperBand ? 1 : -1;
    else d = cl < lowerBand ? -1 : 1;
    lowerBand = lower;
    upperBand = upper;
    dir = d;
    line[i] = d === 1 ? lower : upper;
    direction[i] = d;
  }
}

/** Batch Supertrend. */
export function supertrend(c: Pick<OhlcvColumns, 'high' | 'low' | 'close'>, options?: SupertrendOptions): { readonly supertrend: Float64Array; readonly direction: Float64Array } {
  const ind = new Supertrend(options);
  const n = c.close.length;
  const line = new Float64Array(n);
  const direction = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(c.high, c.low, c.close, f), (a, b) => (supertrendInto(c, a, b, ind, line, direction), true), [line, direction])) {
    for (let i = 0; i < n; i++) {
      line[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
      direction[i] = ind.direction;
    }
  }
  return { supertrend: line, direction };
}

export interface IchimokuLines {
  readonly tenkan: Float64Array;
  readonly kijun: Float64Array;
  readonly senkouA: Float64Array;
  readonly senkouB: Float64Array;
}

/**
 * `out[i]` = the midpoint of the highest high and lowest low of the last `period` bars; `hi` and
 * `lo` keep those extremes (scratch for the caller).
 */
function midpointInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, period: number, out: Float64Array, hi: Float64Array, lo: Float64Array): void {
  rollingMaxInto(c.high, from, to, period, hi);
  rollingMinInto(c.low, from, to, period, lo);
  for (let i = from; i < to; i++) out[i] = (hi[i]! + lo[i]!) / 2;
}

/**
 * The midpoint over a window of `period` bars from the extremes `hi`/`lo` of a shorter window of
 * `base` bars (base < period ≤ 2·base): the window ending at i is the union of the base windows
 * ending at i and at i − (period − base), so its extremes are theirs (exact: no rounding in a
 * maximum). Ichimoku's 52 = 2 × 26 saves two rolling passes.
 */
function widenedMidpointInto(hi: Float64Array, lo: Float64Array, from: number, to: number, base: number, period: number, out: Float64Array): void {
  const shift = period - base;
  // Before from + shift the earlier base window does not exist, and the base window alone
  // already reaches back to `from`.
  const split = Math.min(to, from + shift);
  for (let i = from; i < split; i++) out[i] = (hi[i]! + lo[i]!) / 2;
  for (let i = split; i < to; i++) {
    const h0 = hi[i]!;
    const h1 = hi[i - shift]!;
    const l0 = lo[i]!;
    const l1 = lo[i - shift]!;
    out[i] = ((h1 > h0 ? h1 : h0) + (l1 < l0 ? l1 : l0)) / 2;
  }
}

/** Ichimoku over `[from, to)`. */
function ichimokuInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, ind: Ichimoku, out: IchimokuLines): void {
  const { tenkan: tp, kijun: kp, senkou: sp, displacement: d } = ind.layout;
  const { tenkan, kijun, senkouA, senkouB } = out;
  const hi = borrowScratch(tenkan.length);
  const lo = borrowScratch(tenkan.length);
  midpointInto(c, from, to, tp, tenkan, hi, lo);
  midpointInto(c, from, to, kp, kijun, hi, lo);
  if (kp < sp && sp <= 2 * kp) widenedMidpointInto(hi, lo, from, to, kp, sp, senkouB);
  else midpointInto(c, from, to, sp, senkouB, hi, lo);
  releaseScratch(hi, lo);
  const ready = Math.min(to, from + ind.warmup);
  // The cloud that applies now was computed `d` bars ago: shift from the end.
  for (let i = to - 1; i >= ready; i--) {
    senkouA[i] = (tenkan[i - d]! + kijun[i - d]!) / 2;
    senkouB[i] = senkouB[i - d]!;
  }
  for (let i = from; i < ready; i++) tenkan[i] = kijun[i] = senkouA[i] = senkouB[i] = NaN;
}

/** Batch Ichimoku. */
export function ichimoku(c: Pick<OhlcvColumns, 'high' | 'low'>, options?: IchimokuOptions): IchimokuLines {
  const ind = new Ichimoku(options);
  const n = c.high.length;
  const out = { tenkan: new Float64Array(n), kijun: new Float64Array(n), senkouA: new Float64Array(n), senkouB: new Float64Array(n) };
  if (!runSegments(n, isStrict(options), (f) => validEnd2(c.high, c.low, f), (a, b) => (ichimokuInto(c, a, b, ind, out), true), Object.values(out))) {
    for (let i = 0; i < n; i++) {
      out.tenkan[i] = ind.step(c.high[i]!, c.low[i]!);
      out.kijun[i] = ind.kijun;
      out.senkouA[i] = ind.senkouA;
      out.senkouB[i] = ind.senkouB;
    }
  }
  return out;
}
