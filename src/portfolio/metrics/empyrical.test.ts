import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maxDrawdownOfReturns } from './drawdown.js';
import {
  alphaBeta,
  annualVolatility,
  calmarRatio,
  captureRatio,
  downAlphaBeta,
  downCaptureRatio,
  downsideRisk,
  excessSharpe,
  omegaRatio,
  rollingApply,
  rollingApplyPair,
  sharpeRatio,
  sortinoRatio,
  stabilityOfTimeseries,
  tailRatio,
  upAlphaBeta,
  upCaptureRatio,
  upDownCaptureRatio,
} from './ratios.js';
import { aggregateReturns, annualizedReturn, compoundReturn, cumulativeReturns, simpleReturns, type AggregationPeriod } from './returns.js';

/** A series reference of the fixture: `{series, slice, transform}`. */
interface SeriesRef {
  readonly series: string;
  readonly slice?: string;
  readonly transform?: string;
}
/** A parameter or expected value of a case, as the fixture writes it. */
type Arg = number | string | null | SeriesRef | { readonly expr: string } | { readonly 'pd.Series': unknown } | readonly unknown[];
type Case = Readonly<Record<string, Arg>>;
interface SeriesSpec {
  readonly dates?: string[];
  readonly values?: (number | null)[];
  readonly columns?: Record<string, number[]>;
  readonly generator?: { readonly value?: number; readonly n?: number; readonly linspace?: [number, number, number] };
}
interface Fixture {
  readonly series: Record<string, SeriesSpec>;
  readonly tests: { readonly test: string; readonly cases: Case[] }[];
}

// empyrical's deterministic regression cases (empyrical/tests/test_stats.py), see SOURCES.md.
const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/empyrical/empyrical_expected.json', import.meta.url), 'utf8')) as Fixture;
const DAY = 86_400_000;
const PERIODS: Record<string, number> = { daily: 252, weekly: 52, monthly: 12, quarterly: 4, yearly: 1 };

interface Named {
  readonly dates: number[];
  readonly values: number[];
}

function materialise(name: string): Named {
  const s = ref.series[name]!;
  if (s.generator) {
    const g = s.generator;
    const n = g.n ?? g.linspace![2];
    const dates = Array.from({ length: n }, (_, i) => Date.UTC(2000, 0, 30) + i * DAY);
    if (g.linspace) {
      const [a, b] = g.linspace;
      return { dates, values: Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1)) };
    }
    return { dates, values: new Array<number>(n).fill(g.value!) };
  }
  return { dates: s.dates!.map((d) => Date.parse(`${d}T00:00:00Z`)), values: s.values!.map((v) => (v === null ? NaN : v)) };
}

function isRef(arg: Arg | undefined): arg is SeriesRef {
  return typeof arg === 'object' && arg !== null && 'series' in arg;
}

/** A `{series, slice, transform}` argument as dated values. */
function seriesArg(arg: Arg | undefined): Named {
  if (!isRef(arg)) throw new Error(`not a series: ${JSON.stringify(arg)}`);
  let s = materialise(arg.series);
  if (arg.slice === '1:') s = { dates: s.dates.slice(1), values: s.values.slice(1) };
  if (arg.transform === 'negate') s = { dates: s.dates, values: s.values.map((v) => -v) };
  return s;
}

/** A rate argument: a number or a series aligned with the returns. */
function rateArg(arg: Arg | undefined): number | number[] {
  return typeof arg === 'number' ? arg : seriesArg(arg).values;
}

const num = (arg: Arg | undefined): number => arg as number;
const periods = (arg: Arg | undefined): number => PERIODS[arg as string]!;

/** pandas aligns two Series on their dates before a binary statistic. */
function align(a: Named, b: Named): [number[], number[]] {
  const index = new Map(b.dates.map((d, i) => [d, i]));
  const x: number[] = [];
  const y: number[] = [];
  a.dates.forEach((d, i) => {
    const j = index.get(d);
    if (j !== undefined) {
      x.push(a.values[i]!);
      y.push(b.values[j]!);
    }
  });
  return [x, y];
}

function decimalsOf(x: number): number {
  const s = String(Math.abs(x));
  const exp = /e-(\d+)$/.exec(s);
  const mantissa = s.replace(/e.*$/, '');
  const dot = mantissa.indexOf('.');
  return (dot < 0 ? 0 : mantissa.length - dot - 1) + (exp ? Number(exp[1]) : 0);
}

/**
 * numpy `assert_almost_equal` at 8 decimals, or at the precision the value was transcribed
 * with when that is coarser. empyrical's NaN is our null; its ±inf (a ratio over a zero
 * deviation) is also our null: JSON cannot carry it (docs/metrics.md).
 */
function expectClose(actual: unknown, expected: unknown, decimals = 8): void {
  if (expected === null || expected === 'nan' || expected === 'inf' || expected === '-inf') {
    expect(actual).toBeNull();
    return;
  }
  if (Array.isArray(expected)) {
    const a = Array.from(actual as ArrayLike<unknown>);
    expect(a).toHaveLength(expected.length);
    expected.forEach((e, i) => expectClose(a[i], e, decimals));
    return;
  }
  const e = expected as number;
  expect(actual).not.toBeNull();
  const d = Math.min(decimals, decimalsOf(e));
  expect(Math.abs((actual as number) - e)).toBeLessThan(1.5 * 10 ** -d);
}

type Runner = (c: Case) => unknown;

/** Where the upstream test asserts at fewer than 8 decimals. */
const UPSTREAM_DECIMALS: Record<string, number> = { test_cum_returns: 4, test_tail_ratio: 1 };

const cumFinal = (values: number[], start: number): number | null => {
  const r = compoundReturn(values);
  return r === null ? null : start === 0 ? r : start * (1 + r);
};

const pair = (ab: { alpha: number | null; beta: number | null }): (number | null)[] => [ab.alpha, ab.beta];

/** The function under test for each empyrical test, fed the way the upstream test feeds it. */
const runners: Record<string, Runner> = {
  test_cum_returns: (c) => cumulativeReturns(seriesArg(c.returns).values, num(c.starting_value)),
  test_cum_returns_final: (c) => cumFinal(seriesArg(c.returns).values, num(c.starting_value)),
  test_aggregate_returns: (c) => {
    const s = seriesArg(c.returns);
    return aggregateReturns(s.dates, s.values, c.convert_to as AggregationPeriod).returns;
  },
  test_max_drawdown: (c) => {
    const values = isRef(c.returns) ? seriesArg(c.returns).values : [0.1, -0.1, 0.1];
    const dd = maxDrawdownOfReturns(values);
    return dd === null ? null : -dd;
  },
  test_annual_ret: (c) => annualizedReturn(seriesArg(c.returns).values, periods(c.period)),
  test_annual_volatility: (c) => annualVolatility(seriesArg(c.returns).values, periods(c.period)),
  test_calmar: (c) => calmarRatio(seriesArg(c.returns).values, periods(c.period)),
  test_omega: (c) => omegaRatio(seriesArg(c.returns).values, { riskFree: rateArg(c.risk_free), requiredReturn: num(c.required_return) }),
  test_sharpe_ratio: (c) => sharpeRatio(seriesArg(c.returns).values, { periodsPerYear: 252, riskFree: rateArg(c.risk_free) }),
  test_downside_risk: (c) => downsideRisk(seriesArg(c.returns).values, { periodsPerYear: periods(c.period), requiredReturn: rateArg(c.required_return) }),
  test_sortino: (c) => sortinoRatio(seriesArg(c.returns).values, { periodsPerYear: periods(c.period), requiredReturn: rateArg(c.required_return) }),
  test_excess_sharpe: (c) => excessSharpe(seriesArg(c.returns).values, rateArg(c.factor_returns)),
  test_alpha_beta: (c) => pair(alphaBeta(...align(seriesArg(c.returns), seriesArg(c.benchmark)))),
  test_alpha: (c) => alphaBeta(...align(seriesArg(c.returns), seriesArg(c.benchmark))).alpha,
  test_beta: (c) => alphaBeta(...align(seriesArg(c.returns), seriesArg(c.benchmark))).beta,
  test_up_alpha_beta: (c) => pair(upAlphaBeta(...align(seriesArg(c.returns), seriesArg(c.benchmark)))),
  test_down_alpha_beta: (c) => pair(downAlphaBeta(...align(seriesArg(c.returns), seriesArg(c.benchmark)))),
  test_stability_of_timeseries: (c) => stabilityOfTimeseries(seriesArg(c.returns).values),
  test_tail_ratio: (c) => tailRatio(seriesArg(c.returns).values),
  test_cagr: (c) => annualizedReturn(isRef(c.returns) ? seriesArg(c.returns).values : [0.03, 0.03, 0.03], periods(c.period)),
  test_capture_ratio: (c) => captureRatio(...align(seriesArg(c.returns), seriesArg(c.factor_returns))),
  test_up_capture: (c) => upCaptureRatio(...align(seriesArg(c.returns), seriesArg(c.factor_returns))),
  test_down_capture: (c) => downCaptureRatio(...align(seriesArg(c.returns), seriesArg(c.factor_returns))),
  test_up_down_capture: (c) => upDownCaptureRatio(...align(seriesArg(c.returns), seriesArg(c.factor_returns))),
  test_roll_max_drawdown: (c) => rollingApply(seriesArg(c.returns).values, num(c.window), (w) => -maxDrawdownOfReturns(w)!),
  test_roll_sharpe_ratio: (c) => rollingApply(seriesArg(c.returns).values, num(c.window), (w) => sharpeRatio(w, { periodsPerYear: 252 })),
  test_roll_alpha_beta: (c) => rollingApplyPair(...align(seriesArg(c.returns), seriesArg(c.benchmark)), num(c.window), (a, b) => pair(alphaBeta(a, b))),
  test_roll_up_capture: (c) => rollingApplyPair(...align(seriesArg(c.returns), seriesArg(c.factor_returns)), num(c.window), (a, b) => upCaptureRatio(a, b)),
  test_roll_down_capture: (c) => rollingApplyPair(...align(seriesArg(c.returns), seriesArg(c.factor_returns)), num(c.window), (a, b) => downCaptureRatio(a, b)),
  test_roll_up_down_capture: (c) => rollingApplyPair(...align(seriesArg(c.returns), seriesArg(c.factor_returns)), num(c.window), (a, b) => upDownCaptureRatio(a, b)),
};

/** Expected values given as Python expressions, evaluated by hand. */
function expectedOf(test: string, c: Case): unknown {
  const e = c.expected;
  if (e && typeof e === 'object' && !Array.isArray(e)) {
    if (isRef(e)) return seriesArg(e).values[0]; // {'series': 'one_return', 'slice': '0'}
    if ('expr' in e && e.expr.startsWith('empyrical.cum_returns_final(')) {
      const name = /\((\w+)\)/.exec(e.expr)![1]!;
      return compoundReturn(materialise(name).values);
    }
    if ('expr' in e && e.expr === '[(np.nan, np.nan)] * len(simple_benchmark)') return 'skip';
    if ('pd.Series' in e) return e['pd.Series'];
    throw new Error(`${test}: unhandled expected ${JSON.stringify(e)}`);
  }
  return e;
}

// Each DataFrame column becomes a series of its own, e.g. `df_simple.one`.
for (const [name, spec] of Object.entries(ref.series)) {
  for (const [col, values] of Object.entries(spec.columns ?? {})) ref.series[`${name}.${col}`] = { dates: spec.dates!, values };
}

const cases: { test: string; label: string; run: () => void }[] = [];
for (const t of ref.tests) {
  const runner = runners[t.test];
  if (!runner) continue;
  t.cases.forEach((c, i) => {
    const expected = expectedOf(t.test, c);
    // empyrical aligns an empty series to the benchmark's dates here (9 NaN pairs); an empty
    // strategy has no windows at all in ours.
    if (expected === 'skip') return;
    const label = `${t.test} #${i + 1}`;
    const returnsRef = c.returns;
    if (isRef(returnsRef) && ref.series[returnsRef.series]!.columns) {
      // A DataFrame case: the statistic per column.
      Object.keys(ref.series[returnsRef.series]!.columns!).forEach((col, k) => {
        cases.push({
          label: `${label} column ${col}`,
          test: t.test,
          run: () => expectClose(runner({ ...c, returns: { series: `${returnsRef.series}.${col}` } }), (expected as number[])[k], UPSTREAM_DECIMALS[t.test]),
        });
      });
      return;
    }
    // roll_up_down_capture(one_return, window 1): empyrical answers a bare NaN for the single window.
    const wanted = t.test.startsWith('test_roll_') && expected === null ? [null] : expected;
    cases.push({ label, test: t.test, run: () => expectClose(runner(c), wanted, UPSTREAM_DECIMALS[t.test]) });
  });
}

describe('empyrical regression cases', () => {
  it('runs the cases of every implemented statistic', () => {
    const covered = new Set(cases.map((c) => c.test));
    expect(covered.size).toBe(Object.keys(runners).length);
    expect(cases.length).toBe(168);
  });

  it.each(cases)('$label', ({ run }) => run());

  it('drops NaN before the tail percentiles, as empyrical does (its test checks one decimal)', () => {
    // 8 returns left: |p95| = 0.0755, |p5| = 0.079 with numpy's linear interpolation.
    expect(tailRatio(materialise('mixed_returns').values)).toBeCloseTo(0.0755 / 0.079, 14);
  });

  it('computes simple returns as pandas pct_change, a zero base giving Infinity', () => {
    expect(Array.from(simpleReturns(materialise('flat_line_1').values))).toEqual(new Array(8).fill(0));
    const line = simpleReturns(materialise('pos_line').values);
    expect(line[0]).toBe(Infinity);
    for (let n = 1; n < 999; n++) expect(line[n]).toBeCloseTo(1 / n, 12);
  });
});
