import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maxDrawdownOfReturns } from './drawdown.js';
import { annualVolatility, calmarRatio, expectedShortfall, omegaRatio, sharpeRatio, sortinoRatio, valueAtRisk } from './ratios.js';
import { annualizedReturn } from './returns.js';
import { excessKurtosis, skewness } from './stats.js';

// quantstats' reference values, cross-checked against R PerformanceAnalytics 2.1.0 (see SOURCES.md).
interface Reference {
  readonly fixtures: Record<string, { readonly periods: number; readonly returns?: number[] }>;
  readonly metrics: Record<string, { readonly convention: string; readonly values: Record<string, number> }>;
}
const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/quantstats/reference_values_R_PerformanceAnalytics.json', import.meta.url), 'utf8')) as Reference;

type Metric = (r: number[], periods: number) => number | null;

/** Each reference metric through the function and option that match its stated convention. */
const metrics: Record<string, Metric> = {
  // "sample std (n-1) x sqrt(periods)"
  volatility_annual: (r, p) => annualVolatility(r, p, 1),
  // "prod(1+r)^(periods/n) - 1"
  return_annual: (r, p) => annualizedReturn(r, p),
  // "mean/std(n-1) x sqrt(periods)"
  sharpe_annual: (r, p) => sharpeRatio(r, { periodsPerYear: p, ddof: 1 }),
  // "mean / sqrt(sum(min(r,0)^2)/n) x sqrt(periods)"
  sortino_annual: (r, p) => sortinoRatio(r, { periodsPerYear: p }),
  // quantstats reports drawdowns negative; ours are positive depths
  max_drawdown: (r) => -maxDrawdownOfReturns(r)!,
  calmar: (r, p) => calmarRatio(r, p),
  var_95: (r) => valueAtRisk(r, { confidence: 0.95, method: 'gaussian' }),
  es_95: (r) => expectedShortfall(r, { confidence: 0.95, method: 'gaussian' }),
  omega_0: (r) => omegaRatio(r, { requiredReturn: 0 }),
  skewness: (r) => skewness(r),
  kurtosis: (r) => excessKurtosis(r),
};

const cases: { metric: string; fixture: string; expected: number }[] = [];
for (const [metric, spec] of Object.entries(ref.metrics)) {
  for (const [fixture, expected] of Object.entries(spec.values)) {
    // student_t3 and left_skewed were not transcribed (their returns are absent from the file).
    if (ref.fixtures[fixture]?.returns) cases.push({ metric, fixture, expected });
  }
}

describe('R PerformanceAnalytics / quantstats reference values', () => {
  it('covers every metric of the reference file', () => {
    expect(Object.keys(metrics).sort()).toEqual(Object.keys(ref.metrics).sort());
    expect(cases.length).toBe(33);
  });

  it.each(cases)('$metric of $fixture = $expected', ({ metric, fixture, expected }) => {
    const { returns, periods } = ref.fixtures[fixture]!;
    const actual = metrics[metric]!(returns!, periods);
    expect(actual).not.toBeNull();
    // The reference reproduces R to 1e-10; allow a relative 1e-9 for summation order.
    expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  });
});
