import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../../core/errors.js';
import type { ClosedTrade } from '../../model/trade.js';
import { resolveConvention } from './convention.js';
import { maxDrawdownOfReturns } from './drawdown.js';
import { annualVolatility, sharpeRatio, sortinoRatio } from './ratios.js';
import { computeMetrics, type MetricsInput } from './report.js';
import { annualizedReturn } from './returns.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

// Real SPY daily returns 1993–2025 (quantstats' benchmark fixture), compounded into an equity curve.
const spyLines = readFileSync(new URL('../../../test/fixtures/quantstats/spy_daily_returns_1993_2025.csv', import.meta.url), 'utf8').trim().split(/\r?\n/).slice(1);
const spyTime = Float64Array.from(spyLines, (l) => Date.parse(`${l.split(',')[0]!}T00:00:00Z`));
const spyReturns = Float64Array.from(spyLines.slice(1), (l) => Number(l.split(',')[1]));
const spyEquity = new Float64Array(spyTime.length);
spyEquity[0] = 10_000;
for (let i = 1; i < spyEquity.length; i++) spyEquity[i] = spyEquity[i - 1]! * (1 + spyReturns[i - 1]!);

function trade(pnl: number, returnPct: number, hours = 5): ClosedTrade {
  return {
    id: `T${pnl}`,
    symbol: 'X',
    side: 'long',
    entryTime: 0,
    entryPrice: 100,
    exitTime: hours * HOUR,
    exitPrice: 100,
    quantity: 1,
    pnl,
    grossPnl: pnl,
    fees: 0.5,
    carry: 0,
    returnPct,
    exitReason: 'exit_signal',
    bars: 2,
  };
}

describe('computeMetrics with the default convention', () => {
  it('annualises real business-day data with 252 and matches the return-series functions', () => {
    const m = computeMetrics({ time: spyTime, equity: spyEquity });
    expect(m.convention).toBe('arbiter');
    expect(m.periodsPerYear).toBe(252);
    expect(m.returnPeriods).toBe(spyReturns.length);
    expect(m.volatility).toBeCloseTo(annualVolatility(spyReturns, 252)!, 12);
    expect(m.sharpe).toBeCloseTo(sharpeRatio(spyReturns, { periodsPerYear: 252 })!, 12);
    expect(m.sortino).toBeCloseTo(sortinoRatio(spyReturns, { periodsPerYear: 252 })!, 12);
    expect(m.annualReturn! / annualizedReturn(spyReturns, 252)!).toBeCloseTo(1, 10);
    expect(m.maxDrawdown).toBeCloseTo(maxDrawdownOfReturns(spyReturns)!, 12);
    // SPY fell 55 % peak to trough in 2007–2009 (a sanity check on the real data).
    expect(m.maxDrawdown).toBeGreaterThan(0.5);
    expect(m.maxDrawdown).toBeLessThan(0.6);
    expect(m.calmar).toBeCloseTo(m.cagr! / m.maxDrawdown, 14);
  });

  it('resamples intraday equity to daily returns, the starting capital being the first base', () => {
    // 24/7 hourly bars over 4 days from Friday; equity ends each day 2 % higher than the day before.
    const time = Float64Array.from({ length: 96 }, (_, i) => Date.UTC(2024, 0, 5) + i * HOUR);
    const equity = Float64Array.from({ length: 96 }, (_, i) => 1000 * Math.pow(1.02, Math.floor(i / 24) + (i % 24 === 23 ? 1 : 0)));
    const m = computeMetrics({ time, equity });
    expect(m.periodsPerYear).toBe(365);
    expect(m.returnPeriods).toBe(4);
    expect(m.annualReturn! / (Math.pow(1.02, 365) - 1)).toBeCloseTo(1, 10);
    expect(m.volatility).toBe(0);
    expect(m.sharpe).toBeNull();
  });

  it('infers 52 and 12 periods a year for weekly and monthly bars', () => {
    const weekly = Float64Array.from({ length: 60 }, (_, i) => Date.UTC(2020, 0, 6) + i * 7 * DAY);
    const monthly = Float64Array.from({ length: 40 }, (_, i) => Date.UTC(2020, i, 1));
    const eq = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => 100 + (i % 3));
    expect(computeMetrics({ time: weekly, equity: eq(60) }).periodsPerYear).toBe(52);
    expect(computeMetrics({ time: monthly, equity: eq(40) }).periodsPerYear).toBe(12);
  });

  it('scales per-bar sampling of intraday 24/7 data to bars per year', () => {
    const time = Float64Array.from({ length: 24 * 10 }, (_, i) => Date.UTC(2024, 0, 1) + i * HOUR);
    const equity = Float64Array.from(time, (_, i) => 100 + Math.sin(i));
    const m = computeMetrics({ time, equity }, { sampling: 'bar' });
    expect(m.convention).toBe('custom');
    expect(m.periodsPerYear).toBe(365 * 24);
    expect(m.returnPeriods).toBe(time.length - 1);
  });

  it('applies the documented options: population deviation, a risk-free rate, log returns', () => {
    const base = computeMetrics({ time: spyTime, equity: spyEquity });
    const n = base.returnPeriods;
    const pop = computeMetrics({ time: spyTime, equity: spyEquity }, { ddof: 0 });
    expect(pop.volatility! / base.volatility!).toBeCloseTo(Math.sqrt((n - 1) / n), 12);
    const rf = computeMetrics({ time: spyTime, equity: spyEquity }, { riskFreeRate: 0.03 });
    const rfDaily = Math.pow(1.03, 1 / 252) - 1;
    expect(rf.sharpe).toBeCloseTo(sharpeRatio(spyReturns, { periodsPerYear: 252, riskFree: rfDaily })!, 12);
    const log = computeMetrics({ time: spyTime, equity: spyEquity }, { returns: 'log' });
    expect(log.volatility).toBeCloseTo(annualVolatility(spyReturns.map(Math.log1p), 252)!, 12);
    expect(log.annualReturn! / base.annualReturn!).toBeCloseTo(1, 10);
  });

  it('reports trade statistics, null where a statistic has no meaning', () => {
    const time = Float64Array.from([0, DAY, 2 * DAY]);
    const equity = Float64Array.from([100, 101, 103]);
    const winners = computeMetrics({ time, equity, trades: [trade(1, 0.01), trade(2, 0.02, 9)] });
    expect(winners.tradeCount).toBe(2);
    expect(winners.winRate).toBe(1);
    expect(winners.profitFactor).toBeNull();
    expect(winners.kelly).toBeNull();
    expect(winners.avgTrade).toBeCloseTo(0.015, 14);
    expect(winners.avgTradePnl).toBe(1.5);
    expect(winners.avgTradeDuration).toBe(7 * HOUR);
    expect(winners.maxTradeDuration).toBe(9 * HOUR);
    expect(winners.totalFees).toBe(1);
    const none = computeMetrics({ time, equity });
    expect(none.tradeCount).toBe(0);
    expect(none.winRate).toBeNull();
    expect(none.sqn).toBeNull();
    expect(none.exposure).toBeNull();
  });

  it('counts win and loss streaks and the profit factor in money', () => {
    const time = Float64Array.from([0, DAY]);
    const equity = Float64Array.from([100, 100]);
    const list = [trade(5, 0.05), trade(-1, -0.01), trade(-2, -0.02), trade(-1, -0.01), trade(3, 0.03)];
    const m = computeMetrics({ time, equity, trades: list });
    expect(m.maxConsecutiveLosses).toBe(3);
    expect(m.maxConsecutiveWins).toBe(1);
    expect(m.profitFactor).toBe(2);
    expect(m.payoffRatio).toBeCloseTo(4 / (4 / 3), 14);
  });

  it('produces JSON that survives a round trip unchanged (no NaN or Infinity)', () => {
    const m = computeMetrics({ time: spyTime, equity: spyEquity, trades: [trade(1, 0.01)], exposure: { barsInMarket: 10, totalBars: spyTime.length }, benchmark: { prices: spyEquity } });
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
    expect(m.beta).toBeCloseTo(1, 12);
    expect(m.alpha).toBeCloseTo(0, 12);
    expect(m.buyAndHoldReturn).toBeCloseTo(m.totalReturn, 12);
  });
});

describe('computeMetrics input checks', () => {
  const time = Float64Array.from([0, DAY, 2 * DAY]);
  const equity = Float64Array.from([100, 101, 102]);
  const fails = (input: Partial<MetricsInput>): (() => unknown) => () => computeMetrics({ time, equity, ...input });

  it('names the row and field of a bad point', () => {
    expect(fails({ time: Float64Array.from([0, DAY, DAY]) })).toThrow(DataError);
    expect(fails({ time: Float64Array.from([0, DAY, DAY]) })).toThrow(/row 3, field "time"/);
    expect(fails({ equity: Float64Array.from([100, NaN, 102]) })).toThrow(/row 2, field "equity"/);
    expect(fails({ equity: Float64Array.from([0, 1, 2]) })).toThrow(/starting equity must be positive/);
    expect(fails({ time: new Float64Array(0), equity: new Float64Array(0) })).toThrow(/empty/);
    expect(fails({ equity: Float64Array.from([1, 2]) })).toThrow(/3 points but equity has 2/);
  });

  it('rejects inconsistent exposure and benchmark inputs', () => {
    expect(fails({ exposure: { barsInMarket: 4, totalBars: 3 } })).toThrow(/exposure/);
    expect(fails({ benchmark: { prices: Float64Array.from([1, 2]) } })).toThrow(/benchmark has 2 prices/);
    expect(fails({ benchmark: { prices: Float64Array.from([1, 2, 3]), startIndex: 5 } })).toThrow(/startIndex/);
  });

  it('rejects an unknown preset or an impossible option, naming the key', () => {
    expect(() => resolveConvention('quantstats')).toThrow(ConfigurationError);
    expect(() => resolveConvention('quantstats')).toThrow(/metrics\.convention.*arbiter, backtesting\.py/);
    expect(() => resolveConvention({ ddof: 2 as 0 })).toThrow(/metrics\.ddof/);
    expect(() => resolveConvention({ periodsPerYear: -5 })).toThrow(/metrics\.periodsPerYear/);
    expect(() => resolveConvention({ varConfidence: 1 })).toThrow(/metrics\.varConfidence/);
  });

  it('reports a wiped-out account as a 100 % drawdown without NaN', () => {
    const m = computeMetrics({ time, equity: Float64Array.from([100, -20, -20]) });
    expect(m.maxDrawdown).toBe(1);
    expect(m.totalReturn).toBe(-1.2);
    expect(m.cagr).toBe(-1);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});
