/**
 * Metric conventions: the choices on which published performance numbers disagree (how returns
 * are sampled and annualised, sample or population deviation, risk-free rate…), made explicit
 * and named. `ARBITER_CONVENTION` is the default; `BACKTESTING_PY_CONVENTION` reproduces
 * backtesting.py's `_stats.py` so its published results can be checked number for number.
 */
import { ConfigurationError } from '../../core/errors.js';
import { DAY_MS } from '../../core/time.js';
import { distinctDays, lastOfPeriod, medianSpacing, tradesOnWeekends, type CalendarPeriod } from './returns.js';
import type { Series } from './stats.js';

/** How the equity curve is turned into the periodic returns that risk metrics use. */
export type ReturnSampling =
  /** Calendar days for bars of a day or shorter, the bars themselves for coarser ones. */
  | 'auto'
  /** Every bar. */
  | 'bar'
  /** The last equity of each UTC calendar day. */
  | 'day'
  | 'week'
  | 'month';

/** A complete set of metric conventions. */
export interface MetricsConvention {
  /** Name reported with the metrics. */
  readonly name: string;
  /**
   * Formula family. `standard`: arithmetic-mean Sharpe/Sortino on periodic returns
   * (empyrical, PerformanceAnalytics, quantstats). `backtesting.py`: backtesting.py's
   * geometric annualisation, its volatility formula and trade statistics.
   */
  readonly style: 'standard' | 'backtesting.py';
  /** Return sampling; `auto` by default. backtesting.py style resolves `auto` by its own rule. */
  readonly sampling: ReturnSampling;
  /**
   * Periods per year used to annualise; `auto` infers it from the sampled series (365 for data
   * with weekend bars, 252 without; 52, 12, 4, 1 for weekly, monthly, quarterly, yearly bars;
   * for intraday bars sampled per bar, the daily figure times the bars per day).
   */
  readonly periodsPerYear: number | 'auto';
  /** Annual risk-free rate as a fraction; de-annualised geometrically, (1+rf)^(1/P) − 1. */
  readonly riskFreeRate: number;
  /** Annual minimum acceptable return of the Sortino ratio, de-annualised like the risk-free rate. */
  readonly minimumAcceptableReturn: number;
  /** Delta degrees of freedom of standard deviations: 1 = sample (default), 0 = population. */
  readonly ddof: 0 | 1;
  /** Simple or log periodic returns for volatility, Sharpe, Sortino, skew and kurtosis. */
  readonly returns: 'simple' | 'log';
  /** Confidence of value at risk and expected shortfall. */
  readonly varConfidence: number;
  /** Gaussian (mean, sample std) or historical quantile. */
  readonly varMethod: 'gaussian' | 'historical';
}

/**
 * Arbiter's default: daily returns (resampled from intraday bars at UTC midnight, so a 1-minute
 * and a 1-hour backtest of the same strategy report comparable ratios), annualised with 365 for
 * 24/7 markets and 252 for markets closed at weekends, sample standard deviation, simple
 * returns, zero risk-free rate, CAGR over calendar time — the conventions of empyrical,
 * quantstats and PerformanceAnalytics.
 */
export const ARBITER_CONVENTION: MetricsConvention = Object.freeze({
  name: 'arbiter',
  style: 'standard',
  sampling: 'auto',
  periodsPerYear: 'auto',
  riskFreeRate: 0,
  minimumAcceptableReturn: 0,
  ddof: 1,
  returns: 'simple',
  varConfidence: 0.95,
  varMethod: 'gaussian',
} as const);

/**
 * backtesting.py (`backtesting/_stats.py`, kernc/backtesting.py): returns of equity resampled
 * per calendar day (week, month, year for coarser data) annualised geometrically; volatility
 * √((var + (1+g)²)^P − (1+g)^(2P)); Sharpe = annual return / that volatility; Sortino over the
 * root-mean-square of negative daily returns; Calmar on the annualised return; average trade as
 * a geometric mean; profit factor on trade returns; durations rounded up to the data's
 * resolution; alpha and beta from per-bar log returns against the benchmark.
 */
export const BACKTESTING_PY_CONVENTION: MetricsConvention = Object.freeze({
  ...ARBITER_CONVENTION,
  name: 'backtesting.py',
  style: 'backtesting.py',
} as const);

/**
 * backtrader's analyzers (SQN, SharpeRatio) use the population standard deviation
 * (`standarddev(..., bessel=False)`); otherwise Arbiter's default.
 */
export const BACKTRADER_CONVENTION: MetricsConvention = Object.freeze({
  ...ARBITER_CONVENTION,
  name: 'backtrader',
  ddof: 0,
} as const);

/** The named presets. */
export const METRICS_CONVENTIONS: Readonly<Record<string, MetricsConvention>> = Object.freeze({
  arbiter: ARBITER_CONVENTION,
  'backtesting.py': BACKTESTING_PY_CONVENTION,
  backtrader: BACKTRADER_CONVENTION,
});

/**
 * A full convention from a preset name or partial overrides of the default, validated.
 * @example resolveConvention({ riskFreeRate: 0.04, ddof: 0 })
 * @example resolveConvention('backtesting.py')
 */
export function resolveConvention(input?: string | Partial<MetricsConvention>): MetricsConvention {
  if (input === undefined) return ARBITER_CONVENTION;
  if (typeof input === 'string') {
    const preset = METRICS_CONVENTIONS[input];
    if (!preset) throw new ConfigurationError(`unknown metrics convention "${input}"; use one of ${Object.keys(METRICS_CONVENTIONS).join(', ')}`, 'metrics.convention');
    return preset;
  }
  const base = input.style === 'backtesting.py' ? BACKTESTING_PY_CONVENTION : ARBITER_CONVENTION;
  const c: MetricsConvention = { ...base, ...input };
  if (c.periodsPerYear !== 'auto' && !(Number.isFinite(c.periodsPerYear) && c.periodsPerYear > 0)) {
    throw new ConfigurationError(`must be "auto" or a positive number, got ${String(c.periodsPerYear)}`, 'metrics.periodsPerYear');
  }
  if (!(Number.isFinite(c.riskFreeRate) && c.riskFreeRate > -1)) throw new ConfigurationError(`must be a fraction above -1, got ${c.riskFreeRate}`, 'metrics.riskFreeRate');
  if (!(Number.isFinite(c.minimumAcceptableReturn) && c.minimumAcceptableReturn > -1)) {
    throw new ConfigurationError(`must be a fraction above -1, got ${c.minimumAcceptableReturn}`, 'metrics.minimumAcceptableReturn');
  }
  if (c.ddof !== 0 && c.ddof !== 1) throw new ConfigurationError(`must be 0 or 1, got ${String(c.ddof)}`, 'metrics.ddof');
  if (c.returns !== 'simple' && c.returns !== 'log') throw new ConfigurationError(`must be "simple" or "log", got ${String(c.returns)}`, 'metrics.returns');
  if (!(c.varConfidence > 0 && c.varConfidence < 1)) throw new ConfigurationError(`must be between 0 and 1, got ${c.varConfidence}`, 'metrics.varConfidence');
  if (c.varMethod !== 'gaussian' && c.varMethod !== 'historical') throw new ConfigurationError(`must be "gaussian" or "historical", got ${String(c.varMethod)}`, 'metrics.varMethod');
  if (!['auto', 'bar', 'day', 'week', 'month'].includes(c.sampling)) throw new ConfigurationError(`must be auto, bar, day, week or month, got ${String(c.sampling)}`, 'metrics.sampling');
  if (c.style !== 'standard' && c.style !== 'backtesting.py') throw new ConfigurationError(`must be "standard" or "backtesting.py", got ${String(c.style)}`, 'metrics.style');
  return Object.freeze(c);
}

/** The periodic sampling of an equity curve that a convention chose. */
export interface Sampling {
  /** Indices into the bar arrays of the sampled points, ascending. */
  readonly indices: Int32Array;
  /**
   * True when the first bar's equity is the base of the first return even though it is not the
   * last bar of its period (the starting capital is the true base of a backtest's first day).
   */
  readonly baseIsFirstBar: boolean;
  readonly periodsPerYear: number;
  /** Median bar spacing, ms (null for a single bar). */
  readonly barSpacingMs: number | null;
}

const SPACING_SAMPLES = 1000;

function annualPeriodsOfSpacing(spacing: number, weekends: boolean): number {
  if (spacing >= 360 * DAY_MS) return 1;
  if (spacing >= 85 * DAY_MS) return 4;
  if (spacing >= 27 * DAY_MS) return 12;
  if (spacing >= 6 * DAY_MS) return 52;
  return weekends ? 365 : 252;
}

function allIndices(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/**
 * Chooses the sample points and the annualisation of the standard style: see
 * {@link MetricsConvention.sampling} and {@link MetricsConvention.periodsPerYear}.
 */
export function standardSampling(time: Series, convention: MetricsConvention): Sampling {
  const n = time.length;
  const spacing = medianSpacing(time, SPACING_SAMPLES);
  const weekends = tradesOnWeekends(time);
  let mode = convention.sampling;
  if (mode === 'auto') mode = spacing !== null && spacing < 6 * DAY_MS ? 'day' : 'bar';
  let indices: Int32Array;
  let baseIsFirstBar = false;
  if (mode === 'bar') {
    indices = allIndices(n);
  } else {
    indices = lastOfPeriod(time, mode);
    baseIsFirstBar = indices.length > 0 && indices[0]! !== 0;
  }
  let periodsPerYear: number;
  if (convention.periodsPerYear !== 'auto') {
    periodsPerYear = convention.periodsPerYear;
  } else if (mode === 'day') {
    periodsPerYear = weekends ? 365 : 252;
  } else if (mode === 'week') {
    periodsPerYear = 52;
  } else if (mode === 'month') {
    periodsPerYear = 12;
  } else if (spacing === null) {
    periodsPerYear = weekends ? 365 : 252;
  } else if (spacing >= DAY_MS * 0.999) {
    periodsPerYear = annualPeriodsOfSpacing(spacing, weekends);
  } else {
    // Intraday bars sampled per bar: the trading days' count times the bars seen per day.
    periodsPerYear = (weekends ? 365 : 252) * (n / Math.max(1, distinctDays(time)));
  }
  return { indices, baseIsFirstBar, periodsPerYear, barSpacingMs: spacing };
}

/** backtesting.py's reading of the data period: `_data_period` (median of the last 100 gaps). */
export function backtestingPySampling(time: Series, convention: MetricsConvention): Sampling & { readonly resolutionMs: number | null } {
  const spacing = medianSpacing(time, 100);
  const weekends = tradesOnWeekends(time);
  const freqDays = spacing === null ? 0 : Math.floor(spacing / DAY_MS);
  const period: CalendarPeriod = freqDays === 7 ? 'week' : freqDays === 31 ? 'month' : freqDays === 365 ? 'year' : 'day';
  const periods = freqDays === 7 ? 52 : freqDays === 31 ? 12 : freqDays === 365 ? 1 : weekends ? 365 : 252;
  const sampling = convention.sampling;
  const indices = sampling === 'auto' ? lastOfPeriod(time, period) : sampling === 'bar' ? allIndices(time.length) : lastOfPeriod(time, sampling);
  return {
    indices,
    baseIsFirstBar: false,
    periodsPerYear: convention.periodsPerYear === 'auto' ? periods : convention.periodsPerYear,
    barSpacingMs: spacing,
    resolutionMs: spacing === null ? null : timedeltaResolution(spacing),
  };
}

const RESOLUTION_UNITS = [DAY_MS, 3_600_000, 60_000, 1000, 1];

/**
 * The unit of the finest non-zero component of a duration (pandas `Timedelta.resolution_string`):
 * 1 day → 1 day, 1 h 30 min → 1 min.
 */
export function timedeltaResolution(durationMs: number): number {
  for (const unit of RESOLUTION_UNITS) if (durationMs % unit === 0) return unit;
  return 1;
}

/** `durationMs` rounded up to a multiple of `unitMs` (pandas `Timedelta.ceil`). */
export function ceilDuration(durationMs: number, unitMs: number): number {
  return Math.ceil(durationMs / unitMs) * unitMs;
}
