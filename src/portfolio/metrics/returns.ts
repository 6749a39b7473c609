/**
 * Returns: from prices or equity, compounded, annualised, grouped by calendar period, and the
 * calendar arithmetic (UTC) that resampling needs. Conventions are stated per function; the
 * library each one matches is named so that a reader can check it.
 */
import { DAY_MS } from '../../core/time.js';
import type { Series } from './stats.js';

/** A Julian year of 365.25 days in ms: the year of time-based CAGR (ffn, backtesting.py). */
export const YEAR_MS = 365.25 * DAY_MS;

/**
 * Simple returns p[i]/p[i−1] − 1, one shorter than `prices`. Pure arithmetic, like pandas'
 * `pct_change` (a zero price before a non-zero one gives Infinity).
 * @example simpleReturns([100, 110, 99]) // Float64Array [0.1, -0.1]
 */
export function simpleReturns(prices: Series): Float64Array {
  const n = Math.max(0, prices.length - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = prices[i + 1]! / prices[i]! - 1;
  return out;
}

/** Log returns ln(p[i]/p[i−1]), one shorter than `prices`. */
export function logReturns(prices: Series): Float64Array {
  const n = Math.max(0, prices.length - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(prices[i + 1]! / prices[i]!);
  return out;
}

/** The log return recorded for a step into equity ≤ 0, whose true value −∞ no metric survives. */
export const WIPEOUT_LOG_RETURN = Math.log(Number.EPSILON);

/**
 * Returns of an equity series that may reach zero or below (a blown-up leveraged account).
 * A step into equity ≤ 0 is a −100 % simple return (log: {@link WIPEOUT_LOG_RETURN}, about
 * −36), and once equity is ≤ 0 every later return is 0: nothing is left to compound.
 */
export function equityReturns(equity: Series, kind: 'simple' | 'log' = 'simple'): Float64Array {
  const n = Math.max(0, equity.length - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const prev = equity[i]!;
    const next = equity[i + 1]!;
    if (prev <= 0) out[i] = 0;
    else if (next <= 0) out[i] = kind === 'simple' ? -1 : WIPEOUT_LOG_RETURN;
    else out[i] = kind === 'simple' ? next / prev - 1 : Math.log(next / prev);
  }
  return out;
}

/**
 * Cumulative compounded returns. With `startingValue` 0 the result is the cumulative return
 * (∏(1+r) − 1); otherwise the wealth path `startingValue·∏(1+r)`. NaN returns count as 0
 * (empyrical `cum_returns`).
 * @example cumulativeReturns([0.1, -0.1]) // Float64Array [0.1, -0.01]
 */
export function cumulativeReturns(returns: Series, startingValue: number = 0): Float64Array {
  const out = new Float64Array(returns.length);
  let wealth = 1;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (!Number.isNaN(r)) wealth *= 1 + r;
    out[i] = startingValue === 0 ? wealth - 1 : startingValue * wealth;
  }
  return out;
}

/**
 * Total compounded return ∏(1+r) − 1 (NaN as 0); `null` for an empty series (empyrical
 * `cum_returns_final`).
 */
export function compoundReturn(returns: Series): number | null {
  if (returns.length === 0) return null;
  let wealth = 1;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (!Number.isNaN(r)) wealth *= 1 + r;
  }
  return wealth - 1;
}

/**
 * Geometric annualised return (∏(1+r))^(P/n) − 1 with n = number of periods including NaN ones
 * (empyrical `annual_return`/`cagr`, PerformanceAnalytics `Return.annualized(geometric = TRUE)`).
 * `null` for an empty series; −1 when the series is wiped out.
 * @example annualizedReturn([0.01], 252) // 11.274002099240244
 */
export function annualizedReturn(returns: Series, periodsPerYear: number): number | null {
  const total = compoundReturn(returns);
  if (total === null) return null;
  const wealth = 1 + total;
  if (wealth <= 0) return -1;
  return Math.pow(wealth, periodsPerYear / returns.length) - 1;
}

/**
 * Compound annual growth rate by calendar time: (end/start)^(1/years) − 1, years of 365.25
 * days (ffn `calc_cagr`, backtesting.py `CAGR [%]`). `null` when no time has passed or the
 * start value is not positive; −1 when the end value is not positive.
 */
export function cagr(startValue: number, endValue: number, startTime: number, endTime: number): number | null {
  const years = (endTime - startTime) / YEAR_MS;
  if (!(years > 0) || !(startValue > 0)) return null;
  if (endValue <= 0) return -1;
  return Math.pow(endValue / startValue, 1 / years) - 1;
}

/** Fraction of a year between two times (ffn `year_frac`: days / 365.25). */
export function yearFraction(startTime: number, endTime: number): number {
  return (endTime - startTime) / YEAR_MS;
}

/** `values` rescaled so that the first one is `base` (ffn `rebase`). */
export function rebase(values: Series, base: number = 100): Float64Array {
  const out = new Float64Array(values.length);
  if (values.length === 0) return out;
  const first = values[0]!;
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! / first) * base;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calendar (UTC)

/** Days since 1970-01-01 (a Thursday). */
export function utcDayNumber(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** Day of week, 0 = Sunday … 6 = Saturday. */
export function utcWeekday(time: number): number {
  return (((utcDayNumber(time) + 4) % 7) + 7) % 7;
}

/** Monday-based week number since the epoch: every day from Monday to Sunday shares it. */
export function utcWeekNumber(time: number): number {
  return Math.floor((utcDayNumber(time) + 3) / 7);
}

/** ISO-8601 week of the year (1–53) of a UTC time. */
export function isoWeek(time: number): number {
  const d = new Date(utcDayNumber(time) * DAY_MS);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  // The ISO week's year is the year of its Thursday.
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday.getTime() - yearStart) / (7 * DAY_MS));
}

/** Calendar periods for grouping and resampling. */
export type CalendarPeriod = 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * A number that is equal for two times in the same calendar period (UTC) and increases with
 * time. Weeks run Monday to Sunday (pandas `W` bins; ISO weeks).
 */
export function periodKey(time: number, period: CalendarPeriod): number {
  switch (period) {
    case 'day':
      return utcDayNumber(time);
    case 'week':
      return utcWeekNumber(time);
    default: {
      const d = new Date(time);
      const year = d.getUTCFullYear();
      const month = d.getUTCMonth();
      if (period === 'month') return year * 12 + month;
      if (period === 'quarter') return year * 4 + Math.floor(month / 3);
      return year;
    }
  }
}

/**
 * Indices of the last observation of each calendar period (UTC), in time order — the rows
 * pandas `resample(freq).last().dropna()` keeps. `time` must be ascending.
 * @example lastOfPeriod([t('2024-01-01T10:00Z'), t('2024-01-01T20:00Z'), t('2024-01-02T00:00Z')], 'day') // Int32Array [1, 2]
 */
export function lastOfPeriod(time: Series, period: CalendarPeriod): Int32Array {
  const n = time.length;
  const idx = new Int32Array(n);
  let count = 0;
  if (n === 0) return idx.subarray(0, 0);
  // Date arithmetic only when the day changes: a 1-minute series has 1440 bars per day.
  let lastDay = utcDayNumber(time[0]!);
  let lastKey = periodKey(time[0]!, period);
  for (let i = 1; i < n; i++) {
    const t = time[i]!;
    const day = utcDayNumber(t);
    if (day === lastDay) continue;
    lastDay = day;
    const key = period === 'day' ? day : periodKey(t, period);
    if (key !== lastKey) {
      idx[count++] = i - 1;
      lastKey = key;
    }
  }
  idx[count++] = n - 1;
  return idx.subarray(0, count);
}

/** Grouping frequencies of {@link aggregateReturns} (empyrical's names). */
export type AggregationPeriod = 'weekly' | 'monthly' | 'quarterly' | 'yearly';

/** Returns compounded per calendar group. */
export interface AggregatedReturns {
  /** Group labels: `2000`, `2000-Q1`, `2000-01`, `2000-W05`. */
  readonly labels: readonly string[];
  readonly returns: Float64Array;
}

/**
 * Compounds returns within calendar groups (empyrical `aggregate_returns`): weekly groups by
 * (calendar year, ISO week) exactly as empyrical does, monthly by (year, month), quarterly by
 * (year, quarter), yearly by year; groups in ascending key order. NaN returns count as 0.
 */
export function aggregateReturns(time: Series, returns: Series, period: AggregationPeriod): AggregatedReturns {
  const groups = new Map<number, { label: string; wealth: number }>();
  for (let i = 0; i < returns.length; i++) {
    const t = time[i]!;
    const d = new Date(t);
    const year = d.getUTCFullYear();
    let key: number;
    let label: string;
    if (period === 'yearly') {
      key = year;
      label = String(year);
    } else if (period === 'quarterly') {
      const q = Math.floor(d.getUTCMonth() / 3) + 1;
      key = year * 10 + q;
      label = `${year}-Q${q}`;
    } else if (period === 'monthly') {
      const m = d.getUTCMonth() + 1;
      key = year * 100 + m;
      label = `${year}-${String(m).padStart(2, '0')}`;
    } else {
      const w = isoWeek(t);
      key = year * 100 + w;
      label = `${year}-W${String(w).padStart(2, '0')}`;
    }
    let g = groups.get(key);
    if (!g) {
      g = { label, wealth: 1 };
      groups.set(key, g);
    }
    const r = returns[i]!;
    if (!Number.isNaN(r)) g.wealth *= 1 + r;
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  return {
    labels: keys.map((k) => groups.get(k)!.label),
    returns: Float64Array.from(keys, (k) => groups.get(k)!.wealth - 1),
  };
}

/**
 * Period-to-date return of a price or equity series (ffn `calc_mtd`/`calc_ytd`): the last value
 * over the last value of the previous month (year) in the series, or over the first value when
 * the series lies within one month (year). `null` for an empty series.
 */
export function periodToDate(time: Series, values: Series, period: 'month' | 'year'): number | null {
  const n = values.length;
  if (n === 0) return null;
  const ends = lastOfPeriod(time, period);
  const last = values[n - 1]!;
  if (ends.length < 2) return last / values[0]! - 1;
  return last / values[ends[ends.length - 2]!]! - 1;
}

// ---------------------------------------------------------------------------------------------
// Spacing and trading calendar

/**
 * Median spacing of consecutive times in ms over the last `maxSamples` gaps (backtesting.py
 * looks at the last 100 bars; a few hundred are plenty to tell 1m from 1d). `null` for fewer
 * than two times.
 */
export function medianSpacing(time: Series, maxSamples: number = 100): number | null {
  const n = time.length;
  if (n < 2) return null;
  const count = Math.min(n - 1, maxSamples);
  const diffs = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const i = n - count + k;
    diffs[k] = time[i]! - time[i - 1]!;
  }
  diffs.sort();
  const mid = count >> 1;
  return count % 2 === 1 ? diffs[mid]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
}

/** Share of timestamps that fall on a Saturday or Sunday (UTC). */
export function weekendShare(time: Series): number {
  if (time.length === 0) return 0;
  let weekend = 0;
  for (let i = 0; i < time.length; i++) {
    const w = utcWeekday(time[i]!);
    if (w === 0 || w === 6) weekend++;
  }
  return weekend / time.length;
}

/**
 * True when the series trades on weekends (24/7 crypto) rather than on business days only:
 * more than 60 % of the 2/7 a full calendar would have (backtesting.py's rule).
 */
export function tradesOnWeekends(time: Series): boolean {
  return weekendShare(time) > (2 / 7) * 0.6;
}

/** Number of distinct UTC days the series touches. */
export function distinctDays(time: Series): number {
  let count = 0;
  let last = NaN;
  for (let i = 0; i < time.length; i++) {
    const d = utcDayNumber(time[i]!);
    if (d !== last) {
      count++;
      last = d;
    }
  }
  return count;
}
