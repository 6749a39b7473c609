/** Rolling statistics: standard deviation, variance, z-score and linear regression. */
import { IndicatorBase } from './core/base.js';
import { intOption, numOption } from './core/options.js';
import type { CommonOptions, PriceIndicator } from './core/types.js';
import { borrowScratch, isStrict, momentsInto, releaseScratch, runClass, runSegments, validEnd1 } from './core/kernels.js';
import { RollingMoments, RollingWindow } from './core/windows.js';

export interface DeviationOptions extends CommonOptions {
  readonly period?: number;
  /** Degrees of freedom removed: 0 = population (TA-Lib, default), 1 = sample (pandas, Excel STDEV). */
  readonly ddof?: number;
}

export interface StdDevOptions extends DeviationOptions {
  /** Multiplier of the deviation (TA-Lib `nbDev`, default 1). */
  readonly nbDev?: number;
}

/** Rolling variance. */
export class Variance extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly moments: RollingMoments;
  readonly ddof: number;
  private v = NaN;

  constructor(options: DeviationOptions = {}, name = 'var') {
    const period = intOption(name, 'period', options.period, 20, 1);
    const ddof = intOption(name, 'ddof', options.ddof, 0, 0, 1);
    if (ddof >= period) intOption(name, 'period', period, period, ddof + 1);
    super(`${name}(${period})`, period - 1, options);
    this.period = period;
    this.moments = new RollingMoments(period);
    this.ddof = ddof;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    this.moments.push(x);
    if (!this.moments.full) return NaN;
    return (this.v = this.moments.variance(this.ddof));
  }

  protected clear(): void {
    this.moments.clear();
    this.v = NaN;
  }
}

/** Rolling standard deviation times `nbDev`. */
export class StdDev extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly variance: Variance;
  /** The multiplier (`nbDev`). */
  readonly k: number;
  readonly ddof: number;
  private v = NaN;

  constructor(options: StdDevOptions = {}) {
    const variance = new Variance(options, 'stddev');
    super(variance.label, variance.warmup, options);
    this.period = variance.period;
    this.variance = variance;
    this.ddof = variance.ddof;
    this.k = numOption('stddev', 'nbDev', options.nbDev, 1, 0);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const v = this.variance.update(x);
    if (v !== v) return NaN;
    return (this.v = this.k * Math.sqrt(v));
  }

  protected clear(): void {
    this.variance.reset();
    this.v = NaN;
  }
}

/** Rolling z-score, `(x − mean) / stddev` over the last `period` inputs (0 when the window is flat). */
export class ZScore extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly moments: RollingMoments;
  readonly ddof: number;
  private v = NaN;

  constructor(options: DeviationOptions = {}) {
    const period = intOption('zscore', 'period', options.period, 20, 2);
    super(`zscore(${period})`, period - 1, options);
    this.period = period;
    this.moments = new RollingMoments(period);
    this.ddof = intOption('zscore', 'ddof', options.ddof, 0, 0, 1);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(x: number): number {
    this.seen++;
    if (x - x !== 0) return this.rejectInput(this.inputField, x);
    this.count++;
    const m = this.moments;
    m.push(x);
    if (!m.full) return NaN;
    const sd = Math.sqrt(m.variance(this.ddof));
    return (this.v = sd > 0 ? (x - m.mean) / sd : 0);
  }

  protected clear(): void {
    this.moments.clear();
    this.v = NaN;
  }
}

export interface LinearRegressionOptions extends CommonOptions {
  readonly period?: number;
}

/**
 * Least-squares line through the last `period` inputs, with x = 0 for the oldest and `period − 1`
 * for the newest (as TA-Lib). Lines:
 * - `linreg`: the fitted value at the newest input (TA-Lib LINEARREG; the primary value),
 * - `slope` (LINEARREG_SLOPE), `intercept` (fitted value at the oldest input, LINEARREG_INTERCEPT),
 * - `angle`: `atan(slope)` in degrees (LINEARREG_ANGLE),
 * - `r2`: coefficient of determination (0 on a flat window),
 * - `tsf`: time-series forecast, the line extended one step ahead (TSF).
 */
export class LinearRegression extends IndicatorBase implements PriceIndicator {
  readonly period: number;
  private readonly window: RollingWindow;
  private readonly moments: RollingMoments;
  private readonly sxx: number;
  private readonly xMean: number;
  private s = 0;
  private t = 0;
  private sinceSync = 0;
  private m = NaN;
  private b = NaN;
  private r = NaN;

  constructor(options: LinearRegressionOptions = {}) {
    const period = intOption('linreg', 'period', options.period, 14, 2);
    super(`linreg(${period})`, period - 1, options);
    this.period = period;
    this.window = new RollingWindow(period);
    this.moments = new RollingMoments(period);
    this.sxx = (period * (period * period - 1)) / 12;
    this.xMean = (period - 1) / 2;
  }

  get value(): number {
    return this.linreg;
  }

  get linreg(): number {
    return this.count > this.warmup ? this.b + this.m * (this.period - 1) : NaN;
  }

  get slope(): number {
    return this.count > this.warmup ? this.m : NaN;
  }

  get intercept(): number {
    return this.count > this.warmup ? this.b : NaN;
  }

  get angle(): number {
    return this.count > this.warmup ? (Math.atan(this.m) * 180) / Math.PI : NaN;
  }

  get r2(): number {
    return this.count > this.warmup ? this.r : NaN;
  }

  get tsf(): number {
    return this.count > this.warmup ? this.b + this.m * this.period : NaN;
  }

  update(y: number): number {
    this.seen++;
    if (y - y !== 0) return this.rejectInput(this.inputField, y);
    const c = ++this.count;
    const n = this.period;
    const w = this.window;
    if (w.full) {
      const y0 = w.oldest();
      this.t += (n - 1) * y - (this.s - y0);
      this.s += y - y0;
      if (++this.sinceSync >= 4096) this.resync(y);
    } else {
      this.t += (c - 1) * y;
      this.s += y;
    }
    w.push(y);
    this.moments.push(y);
    if (!w.full) return NaN;
    const sxy = this.t - this.xMean * this.s;
    const slope = sxy / this.sxx;
    this.m = slope;
    this.b = this.s / n - slope * this.xMean;
    const syy = this.moments.variance(0) * n;
    this.r = syy > 0 ? Math.min(1, (sxy * sxy) / (this.sxx * syy)) : 0;
    return this.b + slope * (n - 1);
  }

  /** Exact sums over the window (the newest value `y` is pushed after this). */
  private resync(y: number): void {
    const n = this.period;
    let s = y;
    let t = (n - 1) * y;
    for (let ago = 0; ago < n - 1; ago++) {
      const v = this.window.get(ago);
      s += v;
      t += (n - 2 - ago) * v;
    }
    this.s = s;
    this.t = t;
    this.sinceSync = 0;
  }

  protected clear(): void {
    this.window.clear();
    this.moments.clear();
    this.s = 0;
    this.t = 0;
    this.sinceSync = 0;
    this.m = NaN;
    this.b = NaN;
    this.r = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input.

function batch1(values: Float64Array, options: CommonOptions | undefined, ind: PriceIndicator, kernel: (from: number, to: number, out: Float64Array) => void): Float64Array {
  const out = new Float64Array(values.length);
  const ok = runSegments(values.length, isStrict(options), (f) => validEnd1(values, f), (a, b) => (kernel(a, b, out), true), [out]);
  return ok ? out : runClass(ind, values, out);
}

/** Batch variance. */
export function variance(values: Float64Array, options?: DeviationOptions): Float64Array {
  const ind = new Variance(options);
  return batch1(values, options, ind, (a, b, out) => momentsInto(values, a, b, ind.period, ind.ddof, out));
}

/** Batch standard deviation. */
export function stddev(values: Float64Array, options?: StdDevOptions): Float64Array {
  const ind = new StdDev(options);
  return batch1(values, options, ind, (a, b, out) => stddevInto(values, a, b, ind.period, ind.ddof, ind.k, out));
}

// The loops live in module-level functions, not in the closures handed to `batch1`: a closure
// is created per call, and V8 keeps a closure's optimised code only weakly, so after the garbage
// collections between two calls its loop would start again in the interpreter.

/** `k` standard deviations over `[from, to)`. */
function stddevInto(values: Float64Array, from: number, to: number, period: number, ddof: number, k: number, out: Float64Array): void {
  momentsInto(values, from, to, period, ddof, out);
  for (let i = Math.min(to, from + period - 1); i < to; i++) out[i] = k * Math.sqrt(out[i]!);
}

/** Batch z-score. */
export function zscore(values: Float64Array, options?: DeviationOptions): Float64Array {
  const ind = new ZScore(options);
  return batch1(values, options, ind, (a, b, out) => zscoreInto(values, a, b, ind.period, ind.ddof, out));
}

/** Z-score over `[from, to)`. */
function zscoreInto(values: Float64Array, from: number, to: number, period: number, ddof: number, out: Float64Array): void {
  const mean = borrowScratch(values.length);
  momentsInto(values, from, to, period, ddof, out, mean);
  for (let i = Math.min(to, from + period - 1); i < to; i++) {
    const sd = Math.sqrt(out[i]!);
    out[i] = sd > 0 ? (values[i]! - mean[i]!) / sd : 0;
  }
  releaseScratch(mean);
}

export interface LinearRegressionLines {
  readonly linreg: Float64Array;
  readonly slope: Float64Array;
  readonly intercept: Float64Array;
  readonly angle: Float64Array;
  readonly r2: Float64Array;
  readonly tsf: Float64Array;
}

/** Linear regression over `[from, to)`; `r2` holds the window variance until it is used. */
function linregInto(values: Float64Array, from: number, to: number, n: number, out: LinearRegressionLines): void {
  const { linreg: line, slope: slopeOut, intercept, angle, r2, tsf } = out;
  momentsInto(values, from, to, n, 0, r2);
  let s = 0;
  let t = 0;
  const fillEnd = Math.min(to, from + n);
  for (let i = from; i < fillEnd; i++) {
    const y = values[i]!;
    t += (i - from) * y;
    s += y;
    if (i < fillEnd - 1 || i - from + 1 < n) line[i] = slopeOut[i] = intercept[i] = angle[i] = r2[i] = tsf[i] = NaN;
    else emitLinreg(out, i, n, s, t);
  }
  // The class re-sums after every 4,096 updates of a full window.
  let sync = fillEnd + 4095;
  let i = fillEnd;
  while (i < to) {
    const stop = Math.min(to, sync);
    for (; i < stop; i++) {
      const y = values[i]!;
      const y0 = values[i - n]!;
      t += (n - 1) * y - (s - y0);
      s += y - y0;
      emitLinreg(out, i, n, s, t);
    }
    if (i === to) break;
    const y = values[i]!;
    s = y;
    t = (n - 1) * y;
    for (let ago = 0; ago < n - 1; ago++) {
      const v = values[i - 1 - ago]!;
      s += v;
      t += (n - 2 - ago) * v;
    }
    emitLinreg(out, i, n, s, t);
    sync += 4096;
    i++;
  }
}

/**
 * Every line at row k from the window sums `s` = Σy and `t` = Σx·y (x = 0 … n−1) and the window
 * variance held in `r2[k]`. A module-level function taking the sums as arguments: as a closure
 * over the loop's variables it would force them out of registers.
 */
function emitLinreg(out: LinearRegressionLines, k: number, n: number, s: number, t: number): void {
  const sxx = (n * (n * n - 1)) / 12;
  const xMean = (n - 1) / 2;
  const sxy = t - xMean * s;
  const m = sxy / sxx;
  const b = s / n - m * xMean;
  const syy = out.r2[k]! * n;
  out.r2[k] = syy > 0 ? Math.min(1, (sxy * sxy) / (sxx * syy)) : 0;
  out.slope[k] = m;
  out.intercept[k] = b;
  out.linreg[k] = b + m * (n - 1);
  out.angle[k] = (Math.atan(m) * 180) / Math.PI;
  out.tsf[k] = b + m * n;
}

/** Batch linear regression (all lines). */
export function linreg(values: Float64Array, options?: LinearRegressionOptions): LinearRegressionLines {
  const ind = new LinearRegression(options);
  const n = values.length;
  const out = {
    linreg: new Float64Array(n),
    slope: new Float64Array(n),
    intercept: new Float64Array(n),
    angle: new Float64Array(n),
    r2: new Float64Array(n),
    tsf: new Float64Array(n),
  };
  if (!runSegments(n, isStrict(options), (f) => validEnd1(values, f), (a, b) => (linregInto(values, a, b, ind.period, out), true), Object.values(out))) {
    for (let i = 0; i < n; i++) {
      out.linreg[i] = ind.update(values[i]!);
      out.slope[i] = ind.slope;
      out.intercept[i] = ind.intercept;
      out.angle[i] = ind.angle;
      out.r2[i] = ind.r2;
      out.tsf[i] = ind.tsf;
    }
  }
  return out;
}
