import { describe, expect, it } from 'vitest';
import type { ClosedTrade } from '../../model/trade.js';
import { computeMetrics } from './report.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * A hand-built daily curve on business days (Mon 2024-01-01 … Fri 2024-01-12, so backtesting.py
 * annualises with 252) and four trades.
 *
 * How the expected numbers were derived, independently of this code:
 * - Drawdown episodes by hand from the equity list: peak 10200 (Jan 2) → trough 9800 → back above
 *   on Jan 5 (3 days, depth 1 − 9800/10200); peak 10400 (Jan 5) → trough 9700 → back above on
 *   Jan 11 (6 days, depth 1 − 9700/10400); the dip on the last bar alone is ignored, as
 *   backtesting.py's `compute_drawdown_duration_peaks` ignores it. Average duration 4.5 days,
 *   rounded up to the data's resolution (1 day) = 5 days.
 * - Trade statistics by hand: win rate 2/4; profit factor on returns (0.039 + 0.072)/(0.042 +
 *   0.010); Kelly 0.5 − 0.5/(55.5/22.5); average trade duration 2.75 days → 3 days.
 * - The rest with a Python 3 script using only `math` and `statistics`, written from the formulas
 *   of backtesting.py's `_stats.py` (geometric mean of daily returns g, annual (1+g)^252 − 1,
 *   volatility √((var + (1+g)²)^252 − (1+g)^504) with the sample variance, Sortino over
 *   √mean(min(r, 0)²)·√252, CAGR over 11 days of 365.25-day years, beta = cov/var of per-bar
 *   log returns, alpha = return − β·buy & hold, SQN √n·mean/stdev of PnL).
 */
const time = Float64Array.from([0, 1, 2, 3, 4, 7, 8, 9, 10, 11], (d) => Date.UTC(2024, 0, 1) + d * DAY);
const equity = Float64Array.from([10000, 10200, 9800, 9900, 10400, 10100, 9700, 10300, 10600, 10500]);
const benchmark = Float64Array.from([50, 51, 49, 50, 53, 52, 50, 54, 55, 56]);

function trade(i: number, side: 'long' | 'short', entryDay: number, exitDay: number, pnl: number, returnPct: number): ClosedTrade {
  return {
    id: `T${i}`,
    symbol: 'X',
    side,
    entryTime: time[entryDay]!,
    entryPrice: 100,
    exitTime: time[exitDay]!,
    exitPrice: 100,
    quantity: 10,
    pnl,
    grossPnl: pnl,
    fees: 0,
    carry: 0,
    returnPct,
    exitReason: 'exit_signal',
    bars: exitDay - entryDay + 1,
  };
}

const trades: ClosedTrade[] = [
  trade(1, 'long', 0, 3, 39, 0.039), // Jan 1 → Jan 4: 3 days
  trade(2, 'short', 4, 6, -42, -0.042), // Jan 5 → Jan 9: 4 days
  trade(3, 'long', 6, 9, 72, 0.072), // Jan 9 → Jan 12: 3 days
  trade(4, 'long', 7, 8, -3, -0.01), // Jan 10 → Jan 11: 1 day
];

describe('backtesting.py convention', () => {
  const m = computeMetrics({ time, equity, trades, exposure: { barsInMarket: 9, totalBars: 10 }, benchmark: { prices: benchmark, startIndex: 2 } }, 'backtesting.py');

  it('reports the curve statistics of _stats.py', () => {
    expect(m.convention).toBe('backtesting.py');
    expect(m.periodsPerYear).toBe(252);
    expect(m.returnPeriods).toBe(9);
    expect(m.totalReturn).toBeCloseTo(0.05, 14);
    expect(m.peakEquity).toBe(10600);
    expect(m.exposure).toBeCloseTo(0.9, 14);
    expect(m.annualReturn).toBeCloseTo(2.9201291384585493, 10);
    expect(m.volatility).toBeCloseTo(2.562479486125954, 10);
    expect(m.cagr).toBeCloseTo(4.053369375616628, 10);
    expect(m.sharpe).toBeCloseTo(1.139571713361617, 10);
    expect(m.sortino).toBeCloseTo(8.69577489808436, 10);
    expect(m.calmar).toBeCloseTo(43.38477577138417, 10);
  });

  it('reports drawdown episodes with durations rounded up to whole days', () => {
    expect(m.maxDrawdown).toBeCloseTo(1 - 9700 / 10400, 14);
    expect(m.avgDrawdown).toBeCloseTo((1 - 9800 / 10200 + 1 - 9700 / 10400) / 2, 14);
    expect(m.maxDrawdownDuration).toBe(6 * DAY);
    expect(m.avgDrawdownDuration).toBe(5 * DAY);
  });

  it('reports trade statistics on trade returns, with a geometric average trade', () => {
    expect(m.tradeCount).toBe(4);
    expect(m.winRate).toBe(0.5);
    expect(m.bestTrade).toBe(0.072);
    expect(m.worstTrade).toBe(-0.042);
    expect(m.avgTrade).toBeCloseTo(0.013801102426101997, 12);
    expect(m.expectancy).toBeCloseTo(0.059 / 4, 14);
    expect(m.profitFactor).toBeCloseTo(0.111 / 0.052, 12);
    expect(m.sqn).toBeCloseTo(0.6649388897951432, 12);
    expect(m.kelly).toBeCloseTo(0.2972972972972973, 12);
    expect(m.avgTradeDuration).toBe(3 * DAY);
    expect(m.maxTradeDuration).toBe(4 * DAY);
  });

  it('measures buy and hold from the first trading bar and alpha/beta from per-bar log returns', () => {
    expect(m.buyAndHoldReturn).toBeCloseTo(56 / 49 - 1, 14);
    expect(m.beta).toBeCloseTo(0.9002191831498938, 10);
    expect(m.alpha).toBeCloseTo(-0.07860274044998472, 10);
  });

  it('annualises 24/7 data with 365 days and resamples intraday equity to the last value of each day', () => {
    // Hourly bars from Saturday 2024-01-06 00:00 for three full days; equity steps once a day.
    const t = Float64Array.from({ length: 72 }, (_, i) => Date.UTC(2024, 0, 6) + i * HOUR);
    const e = Float64Array.from({ length: 72 }, (_, i) => (i < 24 ? 1000 : i < 48 ? 1100 : 1210));
    const r = computeMetrics({ time: t, equity: e }, 'backtesting.py');
    expect(r.periodsPerYear).toBe(365);
    // Two daily returns of +10 %: g = 0.1.
    expect(r.returnPeriods).toBe(2);
    expect(r.annualReturn! / (Math.pow(1.1, 365) - 1)).toBeCloseTo(1, 12);
    // No losing day: the Sortino ratio is unbounded, reported as null.
    expect(r.sortino).toBeNull();
    expect(r.maxDrawdownDuration).toBeNull();
  });

  it('rounds trade durations up to the resolution of hourly data', () => {
    const t = Float64Array.from({ length: 48 }, (_, i) => Date.UTC(2024, 0, 1) + i * HOUR);
    const e = Float64Array.from({ length: 48 }, () => 1000);
    const tr: ClosedTrade = { ...trades[0]!, entryTime: t[0]!, exitTime: t[0]! + 90 * 60_000 };
    const r = computeMetrics({ time: t, equity: e, trades: [tr] }, 'backtesting.py');
    expect(r.avgTradeDuration).toBe(2 * HOUR);
  });
});
