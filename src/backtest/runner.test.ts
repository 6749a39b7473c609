/**
 * The backtest runner's own duties: refusing unusable data, settling open positions at the end
 * (whatever the latency), the equity curve's shape, and progress reporting.
 */
import { describe, expect, it } from 'vitest';
import { dailyTable, scripted } from '../../test/kit/scripted.js';
import { ConfigurationError } from '../core/errors.js';
import { BarTable } from '../model/bar.js';
import { runBacktest } from './runner.js';

const data = dailyTable('X', [[100, 100, 100, 100], [100, 102, 99, 101], [101, 103, 100, 102], [104, 105, 103, 104.5]]);
const buyFirst = scripted({ 0: (ctx) => ctx.enterLong({ size: { base: 10 } }) });

describe('data checks', () => {
  it('refuses no data, an empty series, mixed timeframes and a repeated symbol, naming the key', () => {
    const hourly = BarTable.fromBars('Y', '1h', [{ time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
    for (const bad of [[], [data.slice(0, 0)], [data, hourly], [data, data]]) {
      expect(() => runBacktest({ data: bad, strategy: buyFirst })).toThrow(ConfigurationError);
    }
    expect(() => runBacktest({ data: [data, hourly], strategy: buyFirst })).toThrow(/data: all series must share one timeframe/);
  });
});

describe('the end of the data', () => {
  it('closes open positions at the last close as force_exit trades, fees and slippage included', () => {
    const { report } = runBacktest({ data: [data], strategy: buyFirst, sim: { fees: { taker: 0.001 }, slippage: { kind: 'fixed-bps', bps: 10 } } });
    expect(report.trades).toHaveLength(1);
    const trade = report.trades[0]!;
    expect(trade).toMatchObject({ exitReason: 'force_exit', exitTime: data.time[3]! + 86_400_000 });
    expect(trade.exitPrice).toBeCloseTo(104.5 * 0.999, 9);
    expect(report.metrics.finalEquity).toBeCloseTo(report.equity.at(-1)![1], 9);
  });

  it('closes them even with a latency (the settlement fills at once)', () => {
    const { report, kernel } = runBacktest({ data: [data], strategy: buyFirst, sim: { latencyMs: 60_000 } });
    expect(kernel.portfolio.openPositions()).toEqual([]);
    expect(report.trades).toMatchObject([{ exitReason: 'force_exit', exitPrice: 104.5 }]);
    expect(report.orders.every((o) => o.status === 'filled')).toBe(true);
  });

  it('the backtesting.py convention settles at the last bar open', () => {
    const { report } = runBacktest({ data: [data], strategy: buyFirst, convention: 'backtesting.py' });
    expect(report.trades).toMatchObject([{ exitReason: 'force_exit', exitPrice: 104, exitTime: data.time[3] }]);
  });

  it('closeAtEnd false leaves them open and marks them in the equity curve', () => {
    const { report, kernel } = runBacktest({ data: [data], strategy: buyFirst, closeAtEnd: false });
    expect(report.trades).toEqual([]);
    expect(kernel.portfolio.position('X').quantity).toBe(10);
    // Bought 10 at bar 1's open (100), marked at the last close 104.5.
    expect(report.equity.at(-1)![1]).toBeCloseTo(10_000 + 45, 9);
  });
});

describe('the equity curve and progress', () => {
  it('has one point per bar, at the bar open time, valued at its close', () => {
    const { report } = runBacktest({ data: [data], strategy: buyFirst, closeAtEnd: false });
    expect(report.equity.map(([t]) => t)).toEqual(Array.from(data.time));
    expect(report.equity.map(([, e]) => e)).toEqual([10_000, 10_010, 10_020, 10_045]);
  });

  it('reports progress monotonically up to the total', () => {
    const calls: Array<[number, number]> = [];
    runBacktest({ data: [data], strategy: buyFirst, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([4, 4]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
  });
});
