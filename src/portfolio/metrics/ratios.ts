/**
 * Risk and risk-adjusted return ratios over a series of periodic returns. The estimators follow
 * empyrical and R PerformanceAnalytics (arithmetic mean, sample standard deviation, downside
 * deviation over all periods); each function names the one it reproduces. NaN returns are
 * skipped like numpy's `nan*` functions skip them. A ratio that is undefined or unbounded
 * (division by zero) is `null`, never NaN or Infinity.
 */
import { annualizedReturn } from './returns.js';
import { maxDrawdownOfReturns } from './drawdown.js';
import { dropNaN, linearFitR2, mean, normalPdf, normalQuantile, quantile, quantileInPlace, ratio, stdev, type Series } from './stats.js';

/** A per-period rate: one number for every period, or one value per period. */
export type PerPeriod = number | Series;

function at(rate: PerPeriod, i: number): number {
  return typeof rate === 'number' ? rate : rate[i]!;
}

/** r − rate, element-wise (NaN stays NaN). */
export function excessReturns(returns: Series, rate: PerPeriod): Float64Array {
  const out = new Float64Array(returns.length);
  for (let i = 0; i < returns.length; i++) out[i] = returns[i]! - at(rate, i);
  return out;
}

/**
 * Annualised volatility: std(r, ddof)·√P (empyrical `annual_volatility`, PerformanceAnalytics
 * `StdDev.annualized`). `null` when there are too few values.
 * @example annualVolatility([0.01, -0.01, 0.02], 252) // 0.2424...
 */
export function annualVolatility(returns: Series, periodsPerYear: number, ddof: number = 1): number | null {
  const sd = stdev(returns, ddof);
  return sd === null ? null : sd * Math.sqrt(periodsPerYear);
}

/** Options of {@link sharpeRatio}. */
export interface SharpeOptions {
  readonly periodsPerYear: number;
  /** Risk-free return per period (not annual). Default 0. */
  readonly riskFree?: PerPeriod;
  /** Delta degrees of freedom of the standard deviation. Default 1 (sample). */
  readonly ddof?: number;
}

/**
 * Annualised Sharpe ratio: mean(r − rf) / std(r − rf)·√P (empyrical `sharpe_ratio`,
 * PerformanceAnalytics `SharpeRatio.annualized(geometric = FALSE)`). `null` for fewer than two
 * returns or zero volatility.
 */
export function sharpeRatio(returns: Series, options: SharpeOptions): number | null {
  if (returns.length < 2) return null;
  const adj = excessReturns(returns, options.riskFree ?? 0);
  const r = ratio(mean(adj), stdev(adj, options.ddof ?? 1));
  return r === null ? null : r * Math.sqrt(options.periodsPerYear);
}

/** Options of the downside measures. */
export interface DownsideOptions {
  readonly periodsPerYear: number;
  /** Minimum acceptable return per period. Default 0. */
  readonly requiredReturn?: PerPeriod;
}

/**
 * Annualised downside deviation: √(mean(min(r − mar, 0)²))·√P over all periods, not only the
 * losing ones (empyrical `downside_risk`). `null` for an empty series.
 */
export function downsideRisk(returns: Series, options: DownsideOptions): number | null {
  const mar = options.requiredReturn ?? 0;
  let ss = 0;
  let n = 0;
  for (let i = 0; i < returns.length; i++) {
    const d = returns[i]! - at(mar, i);
    if (Number.isNaN(d)) continue;
    if (d < 0) ss += d * d;
    n++;
  }
  if (n === 0) return null;
  return Math.sqrt(ss / n) * Math.sqrt(options.periodsPerYear);
}

/**
 * Annualised Sortino ratio: mean(r − mar)·P / downside deviation (empyrical `sortino_ratio`;
 * quantstats `sortino` with ddof 0). `null` for fewer than two returns or no downside.
 */
export function sortinoRatio(returns: Series, options: DownsideOptions): number | null {
  if (returns.length < 2) return null;
  const m = mean(excessReturns(returns, options.requiredReturn ?? 0));
  return ratio(m === null ? null : m * options.periodsPerYear, downsideRisk(returns, options));
}

/**
 * Calmar ratio over a return series: geometric annual return / max drawdown of the compounded
 * wealth (empyrical `calmar_ratio`, PerformanceAnalytics `CalmarRatio`). `null` without a
 * drawdown.
 */
export function calmarRatio(returns: Series, periodsPerYear: number): number | null {
  return ratio(annualizedReturn(returns, periodsPerYear), maxDrawdownOfReturns(returns));
}

/** Options of {@link omegaRatio}. */
export interface OmegaOptions {
  /** Risk-free return per period, subtracted first. Default 0. */
  readonly riskFree?: PerPeriod;
  /** Annual return threshold, de-annualised as (1+t)^(1/P) − 1. Default 0. */
  readonly requiredReturn?: number;
  /** Periods per year used to de-annualise the threshold. Default 252 (empyrical's). */
  readonly periodsPerYear?: number;
}

/**
 * Omega ratio: Σ max(x, 0) / Σ max(−x, 0) with x = r − rf − threshold (empyrical
 * `omega_ratio`; with the defaults, PerformanceAnalytics `Omega(L = 0, method = "simple")`).
 * `null` when nothing falls below the threshold or the threshold is ≤ −100 %.
 */
export function omegaRatio(returns: Series, options: OmegaOptions = {}): number | null {
  const required = options.requiredReturn ?? 0;
  const periods = options.periodsPerYear ?? 252;
  if (required <= -1) return null;
  const threshold = periods === 1 ? required : Math.pow(1 + required, 1 / periods) - 1;
  const rf = options.riskFree ?? 0;
  let up = 0;
  let down = 0;
  for (let i = 0; i < returns.length; i++) {
    const x = returns[i]! - at(rf, i) - threshold;
    if (x > 0) up += x;
    else if (x < 0) down -= x;
  }
  return ratio(up, down);
}

/**
 * Excess Sharpe (information ratio per period, not annualised): mean(r − f) / std(r − f)
 * (empyrical `excess_sharpe`). `null` for fewer than two returns.
 */
export function excessSharpe(returns: Series, factor: PerPeriod): number | null {
  if (returns.length < 2) return null;
  const active = excessReturns(returns, factor);
  return ratio(mean(active), stdev(active, 1));
}

/** CAPM alpha (annualised) and beta. */
export interface AlphaBeta {
  readonly alpha: number | null;
  readonly beta: number | null;
}

/** Options of {@link alphaBeta}. */
export interface AlphaBetaOptions {
  /** Risk-free return per period. Default 0. */
  readonly riskFree?: number;
  /** Periods per year to annualise alpha. Default 252. */
  readonly periodsPerYear?: number;
}

/**
 * Beta = cov(r, f) / var(f) (population moments over the periods where both are known) and
 * alpha = (1 + mean(r − β·f))^P − 1, both after subtracting the risk-free rate (empyrical
 * `alpha_beta`). Arrays must be aligned period by period. `null`s for fewer than two periods
 * or a flat benchmark.
 */
export function alphaBeta(returns: Series, factor: Series, options: AlphaBetaOptions = {}): AlphaBeta {
  const none = { alpha: null, beta: null };
  if (returns.length < 2 || factor.length < 2) return none;
  if (returns.length !== factor.length) throw new RangeError(`alphaBeta: returns (${returns.length}) and factor (${factor.length}) must be aligned`);
  const rf = options.riskFree ?? 0;
  const periods = options.periodsPerYear ?? 252;
  let n = 0;
  let sumF = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    const f = factor[i]!;
    if (Number.isNaN(r) || Number.isNaN(f)) continue;
    sumF += f - rf;
    n++;
  }
  if (n === 0) return none;
  const meanF = sumF / n;
  let cov = 0;
  let varF = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    const f = factor[i]!;
    if (Number.isNaN(r) || Number.isNaN(f)) continue;
    const d = f - rf - meanF;
    cov += d * (r - rf);
    varF += d * d;
  }
  cov /= n;
  varF /= n;
  if (varF < 1e-30) return none;
  const beta = cov / varF;
  let sumAlpha = 0;
  let k = 0;
  for (let i = 0; i < returns.length; i++) {
    const a = returns[i]! - rf - beta * (factor[i]! - rf);
    if (Number.isNaN(a)) continue;
    sumAlpha += a;
    k++;
  }
  const alpha = k === 0 ? null : Math.pow(1 + sumAlpha / k, periods) - 1;
  return { alpha: alpha === null || !Number.isFinite(alpha) ? null : alpha, beta };
}

function filterByFactor(returns: Series, factor: Series, keep: (f: number) => boolean): [Float64Array, Float64Array] {
  let n = 0;
  for (let i = 0; i < factor.length; i++) if (keep(factor[i]!)) n++;
  const r = new Float64Array(n);
  const f = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < factor.length; i++) {
    const fi = factor[i]!;
    if (!keep(fi)) continue;
    r[j] = returns[i]!;
    f[j++] = fi;
  }
  return [r, f];
}

const isUp = (f: number): boolean => f > 0;
const isDown = (f: number): boolean => f < 0;

/** {@link alphaBeta} over the periods where the benchmark rose (empyrical `up_alpha_beta`). */
export function upAlphaBeta(returns: Series, factor: Series, options: AlphaBetaOptions = {}): AlphaBeta {
  const [r, f] = filterByFactor(returns, factor, isUp);
  return alphaBeta(r, f, options);
}

/** {@link alphaBeta} over the periods where the benchmark fell (empyrical `down_alpha_beta`). */
export function downAlphaBeta(returns: Series, factor: Series, options: AlphaBetaOptions = {}): AlphaBeta {
  const [r, f] = filterByFactor(returns, factor, isDown);
  return alphaBeta(r, f, options);
}

/**
 * Capture ratio: annual return of the strategy / annual return of the benchmark (empyrical
 * `capture`). `null` when either is undefined or the benchmark's is 0.
 */
export function captureRatio(returns: Series, factor: Series, periodsPerYear: number = 252): number | null {
  return ratio(annualizedReturn(returns, periodsPerYear), annualizedReturn(factor, periodsPerYear));
}

/** {@link captureRatio} over the periods where the benchmark rose (empyrical `up_capture`). */
export function upCaptureRatio(returns: Series, factor: Series, periodsPerYear: number = 252): number | null {
  const [r, f] = filterByFactor(returns, factor, isUp);
  return captureRatio(r, f, periodsPerYear);
}

/** {@link captureRatio} over the periods where the benchmark fell (empyrical `down_capture`). */
export function downCaptureRatio(returns: Series, factor: Series, periodsPerYear: number = 252): number | null {
  const [r, f] = filterByFactor(returns, factor, isDown);
  return captureRatio(r, f, periodsPerYear);
}

/** Up capture / down capture (empyrical `up_down_capture`). */
export function upDownCaptureRatio(returns: Series, factor: Series, periodsPerYear: number = 252): number | null {
  return ratio(upCaptureRatio(returns, factor, periodsPerYear), downCaptureRatio(returns, factor, periodsPerYear));
}

/**
 * Stability: R² of a straight line fitted to the cumulative log returns (empyrical
 * `stability_of_timeseries`); 1 for steady compounding. `null` for fewer than two returns or
 * a −100 % period.
 */
export function stabilityOfTimeseries(returns: Series): number | null {
  const r = dropNaN(returns);
  if (r.length < 2) return null;
  const cum = new Float64Array(r.length);
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    // A −100 % period sends log wealth to −∞: no line fits that.
    if (r[i]! <= -1) return null;
    s += Math.log1p(r[i]!);
    cum[i] = s;
  }
  return linearFitR2(cum);
}

/**
 * Tail ratio: |95th percentile| / |5th percentile| of returns (empyrical `tail_ratio`); above
 * 1 when the right tail is fatter. `null` for an empty series or a zero 5th percentile.
 */
export function tailRatio(returns: Series): number | null {
  const scratch = dropNaN(returns);
  const p95 = quantileInPlace(scratch, 0.95);
  const p5 = quantileInPlace(scratch, 0.05);
  return p95 === null || p5 === null ? null : ratio(Math.abs(p95), Math.abs(p5));
}

/** Options of {@link valueAtRisk} and {@link expectedShortfall}. */
export interface TailRiskOptions {
  /** Confidence level; the tail is 1 − confidence. Default 0.95. */
  readonly confidence?: number;
  /**
   * `gaussian`: from the mean and sample standard deviation (quantstats' `value_at_risk`,
   * the default); `historical`: the empirical quantile and the mean beyond it.
   */
  readonly method?: 'gaussian' | 'historical';
}

/**
 * Value at risk of one period, as a return (negative = loss): gaussian mean + z(1−c)·std.
 * `null` for fewer than two returns.
 */
export function valueAtRisk(returns: Series, options: TailRiskOptions = {}): number | null {
  const tail = 1 - (options.confidence ?? 0.95);
  if (options.method === 'historical') return quantile(returns, tail);
  const m = mean(returns);
  const sd = stdev(returns, 1);
  if (m === null || sd === null) return null;
  return m + normalQuantile(tail) * sd;
}

/**
 * Expected shortfall (conditional VaR) of one period, as a return: gaussian
 * mean − std·φ(z)/(1−c); historical: mean of the returns at or below the VaR.
 */
export function expectedShortfall(returns: Series, options: TailRiskOptions = {}): number | null {
  const tail = 1 - (options.confidence ?? 0.95);
  if (options.method === 'historical') {
    const v = quantile(returns, tail);
    if (v === null) return null;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < returns.length; i++) {
      const r = returns[i]!;
      if (r <= v) {
        sum += r;
        n++;
      }
    }
    return n === 0 ? v : sum / n;
  }
  const m = mean(returns);
  const sd = stdev(returns, 1);
  if (m === null || sd === null) return null;
  return m - (sd * normalPdf(normalQuantile(tail))) / tail;
}

function asFloat64(x: Series): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * A statistic over a trailing window, one value per full window (the first at index
 * `window − 1`), each computed only from data up to its own period — no look-ahead.
 * @example rollingApply(returns, 6, (w) => sharpeRatio(w, { periodsPerYear: 252 }))
 */
export function rollingApply<T>(x: Series, window: number, fn: (w: Float64Array) => T): T[] {
  const a = asFloat64(x);
  const out: T[] = [];
  for (let end = window; end <= a.length; end++) out.push(fn(a.subarray(end - window, end)));
  return out;
}

/** {@link rollingApply} over two aligned series. */
export function rollingApplyPair<T>(x: Series, y: Series, window: number, fn: (wx: Float64Array, wy: Float64Array) => T): T[] {
  const a = asFloat64(x);
  const b = asFloat64(y);
  const out: T[] = [];
  for (let end = window; end <= Math.min(a.length, b.length); end++) out.push(fn(a.subarray(end - window, end), b.subarray(end - window, end)));
  return out;
}
