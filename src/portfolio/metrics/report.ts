/**
 * The performance report of a backtest or a live account: one call from an equity curve, the
 * closed trades and the exposure to every metric, under a named convention. The result is
 * plain JSON (numbers or null, never NaN or Infinity), camelCase, fractions rather than percent.
 */
import { DataError } from '../../core/errors.js';
import type { ClosedTrade } from '../../model/trade.js';
import {
  backtestingPySampling,
  ceilDuration,
  resolveConvention,
  standardSampling,
  type MetricsConvention,
  type Sampling,
} from './convention.js';
import { summarizeDrawdowns } from './drawdown.js';
import { alphaBeta, expectedShortfall, omegaRatio, stabilityOfTimeseries, tailRatio, valueAtRisk } from './ratios.js';
import { cagr, equityReturns } from './returns.js';
import { excessKurtosis, finiteOrNull, mean, ratio, skewness, stdev, variance, type Series } from './stats.js';
import { tradeStatistics, type TradeStats } from './trade-stats.js';

/** What {@link computeMetrics} needs. */
export interface MetricsInput {
  /** Bar times, UTC epoch ms, strictly ascending. */
  readonly time: Float64Array;
  /** Account equity at each bar (cash + marked positions); the first value is the starting capital. */
  readonly equity: Float64Array;
  /** Closed round trips (net PnL). */
  readonly trades?: readonly ClosedTrade[];
  /** Bars with an open position, and all bars, as the engine counts them. */
  readonly exposure?: { readonly barsInMarket: number; readonly totalBars: number };
  /** A buy-and-hold benchmark: prices aligned with `time`. */
  readonly benchmark?: {
    readonly prices: Float64Array;
    /**
     * First bar the strategy could trade (after its indicator warm-up); buy and hold is measured
     * from here, as backtesting.py does. Default 0.
     */
    readonly startIndex?: number;
  };
}

/**
 * Every metric of a run. Fractions, not percent (0.12 = 12 %); durations in ms; `null` where a
 * metric is undefined or unbounded — e.g. the profit factor without a losing trade, a Sharpe
 * ratio of a flat curve, the trade statistics without trades.
 */
export interface PerformanceMetrics extends TradeStats {
  /** The convention the numbers follow (`arbiter`, `backtesting.py`, or `custom`). */
  readonly convention: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly durationMs: number;
  readonly startEquity: number;
  readonly finalEquity: number;
  readonly peakEquity: number;
  /** finalEquity / startEquity − 1. */
  readonly totalReturn: number;
  /** (final/start)^(1/years) − 1 over calendar time, years of 365.25 days. */
  readonly cagr: number | null;
  /** Geometric annualisation of the periodic returns: (∏(1+r))^(P/n) − 1. */
  readonly annualReturn: number | null;
  /** Annualised standard deviation of periodic returns. */
  readonly volatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** cagr / maxDrawdown (backtesting.py: annualReturn / maxDrawdown). */
  readonly calmar: number | null;
  /** Deepest fall from a running peak, a positive fraction. */
  readonly maxDrawdown: number;
  /** Longest time from a peak until equity was back at it (or the end), ms. */
  readonly maxDrawdownDuration: number | null;
  readonly avgDrawdown: number | null;
  readonly avgDrawdownDuration: number | null;
  readonly ulcerIndex: number;
  /** Omega ratio at a zero threshold per period. */
  readonly omega: number | null;
  readonly tailRatio: number | null;
  /** One-period value at risk and expected shortfall, as returns (negative = loss). */
  readonly valueAtRisk: number | null;
  readonly expectedShortfall: number | null;
  readonly skew: number | null;
  /** Excess kurtosis. */
  readonly kurtosis: number | null;
  /** R² of the log-equity trend. */
  readonly stability: number | null;
  /** Share of bars with an open position. */
  readonly exposure: number | null;
  readonly buyAndHoldReturn: number | null;
  readonly alpha: number | null;
  readonly beta: number | null;
  /** Annualisation factor and number of periodic returns the ratios used. */
  readonly periodsPerYear: number;
  readonly returnPeriods: number;
}

/**
 * Throws the DataError for a bad point. Kept out of the loops below on purpose: V8 optimises a
 * loop that builds error messages (template literals with numbers) in its body far worse, even
 * when the branch never runs — measured 20–50× slower over a million points.
 */
function badPoint(message: string, row: number, field: string): never {
  throw new DataError(message, { source: 'metrics input', row, field });
}

function validate(input: MetricsInput): void {
  const { time, equity } = input;
  const source = 'metrics input';
  if (time.length === 0) throw new DataError('the equity curve is empty', { source, field: 'equity' });
  if (time.length !== equity.length) throw new DataError(`time has ${time.length} points but equity has ${equity.length}`, { source, field: 'equity' });
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    const e = equity[i]!;
    if (t - t !== 0 || !(t > previous) || e - e !== 0) {
      if (t - t !== 0) badPoint(`time is ${t}`, i + 1, 'time');
      if (!(t > previous)) badPoint(`time ${t} does not come after ${previous}`, i + 1, 'time');
      badPoint(`equity is ${e}`, i + 1, 'equity');
    }
    previous = t;
  }
  if (!(equity[0]! > 0)) throw new DataError(`the starting equity must be positive, got ${equity[0]!}`, { source, row: 1, field: 'equity' });
  const ex = input.exposure;
  if (ex && !(ex.totalBars > 0 && ex.barsInMarket >= 0 && ex.barsInMarket <= ex.totalBars)) {
    throw new DataError(`exposure needs 0 <= barsInMarket <= totalBars and totalBars > 0, got ${ex.barsInMarket}/${ex.totalBars}`, { source, field: 'exposure' });
  }
  const b = input.benchmark;
  if (b) {
    if (b.prices.length !== time.length) throw new DataError(`benchmark has ${b.prices.length} prices for ${time.length} bars`, { source, field: 'benchmark' });
    for (let i = 0; i < b.prices.length; i++) {
      const p = b.prices[i]!;
      if (!(p > 0) || p - p !== 0) badPoint(`benchmark price is ${p}`, i + 1, 'benchmark');
    }
    const s = b.startIndex ?? 0;
    if (!(Number.isInteger(s) && s >= 0 && s < time.length)) throw new DataError(`benchmark startIndex ${s} is outside 0..${time.length - 1}`, { source, field: 'benchmark.startIndex' });
  }
}

function sampledValues(values: Series, sampling: Sampling): Float64Array {
  const { indices, baseIsFirstBar } = sampling;
  const out = new Float64Array(indices.length + (baseIsFirstBar ? 1 : 0));
  let j = 0;
  if (baseIsFirstBar) out[j++] = values[0]!;
  for (let k = 0; k < indices.length; k++) out[j++] = values[indices[k]!]!;
  return out;
}

function maxOf(x: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! > m) m = x[i]!;
  return m;
}

function buyAndHold(input: MetricsInput): number | null {
  const b = input.benchmark;
  if (!b) return null;
  const first = b.prices[b.startIndex ?? 0]!;
  return b.prices[b.prices.length - 1]! / first - 1;
}

/**
 * Computes every metric of an equity curve and its trades under a convention (default
 * {@link ARBITER_CONVENTION}; pass `'backtesting.py'` to reproduce backtesting.py's stats).
 * Throws `DataError` naming the row and field for an empty, unordered or non-finite curve.
 * @example
 * const m = computeMetrics({ time, equity, trades, exposure: { barsInMarket: 812, totalBars: 2148 } });
 * m.sharpe; // 0.93
 * const bt = computeMetrics(input, 'backtesting.py');
 */
export function computeMetrics(input: MetricsInput, convention?: string | Partial<MetricsConvention>): PerformanceMetrics {
  validate(input);
  const c = resolveConvention(convention);
  const name = typeof convention === 'object' && convention.name === undefined ? 'custom' : c.name;
  return c.style === 'backtesting.py' ? backtestingPyMetrics(input, c, name) : standardMetrics(input, c, name);
}

function common(input: MetricsInput): Pick<PerformanceMetrics, 'startTime' | 'endTime' | 'durationMs' | 'startEquity' | 'finalEquity' | 'peakEquity' | 'totalReturn' | 'cagr' | 'exposure' | 'buyAndHoldReturn'> {
  const { time, equity } = input;
  const n = time.length;
  const startEquity = equity[0]!;
  const finalEquity = equity[n - 1]!;
  const ex = input.exposure;
  return {
    startTime: time[0]!,
    endTime: time[n - 1]!,
    durationMs: time[n - 1]! - time[0]!,
    startEquity,
    finalEquity,
    peakEquity: maxOf(equity),
    totalReturn: finalEquity / startEquity - 1,
    cagr: finiteOrNull(cagr(startEquity, finalEquity, time[0]!, time[n - 1]!)),
    exposure: ex ? ex.barsInMarket / ex.totalBars : null,
    buyAndHoldReturn: buyAndHold(input),
  };
}

function standardMetrics(input: MetricsInput, c: MetricsConvention, name: string): PerformanceMetrics {
  const { time, equity } = input;
  const sampling = standardSampling(time, c);
  const P = sampling.periodsPerYear;
  const points = sampledValues(equity, sampling);
  const simple = equityReturns(points, 'simple');
  const returns = c.returns === 'log' ? equityReturns(points, 'log') : simple;
  const rf = Math.pow(1 + c.riskFreeRate, 1 / P) - 1;
  const mar = Math.pow(1 + c.minimumAcceptableReturn, 1 / P) - 1;
  const n = returns.length;

  let wealth = 1;
  for (let i = 0; i < simple.length; i++) wealth *= 1 + simple[i]!;
  const annualReturn = n === 0 ? null : wealth <= 0 ? -1 : finiteOrNull(Math.pow(wealth, P / n) - 1);

  const sd = stdev(returns, c.ddof);
  const volatility = sd === null ? null : sd * Math.sqrt(P);
  let excessMean: number | null = null;
  let downside = 0;
  let belowMar = 0;
  const m = mean(returns);
  if (m !== null) {
    excessMean = m - rf;
    for (let i = 0; i < n; i++) {
      const d = returns[i]! - mar;
      if (d < 0) downside += d * d;
    }
    belowMar = Math.sqrt(downside / n);
  }
  // Sharpe's deviation is of r − rf; with a constant rf that is the deviation of r.
  const sharpeRaw = n < 2 || excessMean === null ? null : ratio(excessMean, sd);
  const sortinoRaw = n < 2 || m === null ? null : ratio(m - mar, belowMar);

  const dd = summarizeDrawdowns(time, equity);
  const base = common(input);

  let alpha: number | null = null;
  let beta: number | null = null;
  if (input.benchmark) {
    const benchReturns = equityReturns(sampledValues(input.benchmark.prices, sampling), c.returns);
    const ab = alphaBeta(returns, benchReturns, { riskFree: rf, periodsPerYear: P });
    alpha = ab.alpha;
    beta = ab.beta;
  }

  const trades = tradeStatistics(input.trades ?? [], { ddof: c.ddof });
  return {
    convention: name,
    ...base,
    annualReturn,
    volatility: finiteOrNull(volatility),
    sharpe: sharpeRaw === null ? null : finiteOrNull(sharpeRaw * Math.sqrt(P)),
    sortino: sortinoRaw === null ? null : finiteOrNull(sortinoRaw * Math.sqrt(P)),
    calmar: ratio(base.cagr, dd.maxDrawdown),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDuration: dd.maxDrawdownDuration,
    avgDrawdown: dd.avgDrawdown,
    avgDrawdownDuration: dd.avgDrawdownDuration,
    ulcerIndex: dd.ulcerIndex,
    omega: omegaRatio(returns, { riskFree: rf }),
    tailRatio: tailRatio(returns),
    valueAtRisk: finiteOrNull(valueAtRisk(returns, { confidence: c.varConfidence, method: c.varMethod })),
    expectedShortfall: finiteOrNull(expectedShortfall(returns, { confidence: c.varConfidence, method: c.varMethod })),
    skew: skewness(returns),
    kurtosis: excessKurtosis(returns),
    stability: stabilityOfTimeseries(simple),
    alpha,
    beta,
    periodsPerYear: P,
    returnPeriods: n,
    ...trades,
  };
}

/**
 * backtesting.py's `compute_stats` (kernc/backtesting.py, `backtesting/_stats.py`), formula for
 * formula. Comments name the upstream statistic each line reproduces.
 */
function backtestingPyMetrics(input: MetricsInput, c: MetricsConvention, name: string): PerformanceMetrics {
  const { time, equity } = input;
  const sampling = backtestingPySampling(time, c);
  const P = sampling.periodsPerYear;
  // day_returns = equity.resample(freq).last().dropna().pct_change(), first NaN dropped
  const dayReturns = equityReturns(sampledValues(equity, sampling), 'simple');
  const n = dayReturns.length;
  // geometric_mean: 0 when any 1 + r <= 0
  let g: number | null = null;
  if (n > 0) {
    let sumLog = 0;
    let wiped = false;
    for (let i = 0; i < n; i++) {
      const x = 1 + dayReturns[i]!;
      if (x <= 0) wiped = true;
      else sumLog += Math.log(x);
    }
    g = wiped ? 0 : Math.expm1(sumLog / n);
  }
  const rf = c.riskFreeRate;
  // Return (Ann.) = (1 + g)^P − 1
  const annualReturn = g === null ? null : finiteOrNull(Math.pow(1 + g, P) - 1);
  // Volatility (Ann.) = √((var(ddof=1) + (1+g)²)^P − (1+g)^(2P))
  const v = variance(dayReturns, 1);
  const volatility = g === null || v === null ? null : finiteOrNull(Math.sqrt(Math.pow(v + (1 + g) * (1 + g), P) - Math.pow(1 + g, 2 * P)));
  // Sharpe = (Return (Ann.) − rf) / Volatility (Ann.)
  const sharpe = annualReturn === null ? null : ratio(annualReturn - rf, volatility);
  // Sortino = (ann − rf) / (√mean(min(r, 0)²)·√P)
  let sortino: number | null = null;
  if (annualReturn !== null && n > 0) {
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const r = dayReturns[i]!;
      if (r < 0) ss += r * r;
    }
    sortino = ratio(annualReturn - rf, Math.sqrt(ss / n) * Math.sqrt(P));
  }
  const base = common(input);
  const dd = summarizeDrawdowns(time, equity, { ignoreTrailingSinglePoint: true });
  const resolution = sampling.resolutionMs ?? 1;
  const roundUp = (ms: number | null): number | null => (ms === null ? null : ceilDuration(ms, resolution));
  const k = dd.episodes;

  // Beta = cov(log equity returns, log Close returns) / var(log Close returns), per bar
  let alpha: number | null = null;
  let beta: number | null = null;
  const bh = base.buyAndHoldReturn;
  if (input.benchmark && time.length > 2) {
    const er = equityReturns(equity, 'log');
    const mr = equityReturns(input.benchmark.prices, 'log');
    const me = mean(er)!;
    const mm = mean(mr)!;
    let cov = 0;
    let varM = 0;
    for (let i = 0; i < er.length; i++) {
      const dm = mr[i]! - mm;
      cov += (er[i]! - me) * dm;
      varM += dm * dm;
    }
    beta = ratio(cov, varM);
    // Alpha = Return − rf − β·(Buy & Hold − rf)
    if (beta !== null && bh !== null) alpha = base.totalReturn - rf - beta * (bh - rf);
  }

  const trades = tradeStatistics(input.trades ?? [], { averageTrade: 'geometric', profitFactorBasis: 'returns' });
  return {
    convention: name,
    ...base,
    annualReturn,
    volatility,
    sharpe,
    sortino,
    // Calmar = Return (Ann.) / max drawdown
    calmar: ratio(annualReturn, dd.maxDrawdown),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDuration: k === 0 ? null : roundUp(dd.maxDrawdownDuration),
    avgDrawdown: k === 0 ? null : dd.avgDrawdown,
    avgDrawdownDuration: k === 0 ? null : roundUp(dd.avgDrawdownDuration),
    ulcerIndex: dd.ulcerIndex,
    omega: omegaRatio(dayReturns),
    tailRatio: tailRatio(dayReturns),
    valueAtRisk: finiteOrNull(valueAtRisk(dayReturns, { confidence: c.varConfidence, method: c.varMethod })),
    expectedShortfall: finiteOrNull(expectedShortfall(dayReturns, { confidence: c.varConfidence, method: c.varMethod })),
    skew: skewness(dayReturns),
    kurtosis: excessKurtosis(dayReturns),
    stability: stabilityOfTimeseries(dayReturns),
    alpha: finiteOrNull(alpha),
    beta,
    periodsPerYear: P,
    returnPeriods: n,
    ...trades,
    avgTradeDuration: roundUp(trades.avgTradeDuration),
    maxTradeDuration: roundUp(trades.maxTradeDuration),
  };
}
