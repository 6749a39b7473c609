/**
 * bollinger-breakout enters after closes above the upper band and exits after closes below the
 * middle band, with the bands computed here independently (SMA ± k population standard
 * deviations, as TA-Lib and TradingView), on real BTC/USDT hourly and GOOG daily bars.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import type { BarTable } from '../src/model/bar.js';
import bollingerBreakout from './bollinger-breakout.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const goog = (await loadBars(bundledDataPath('GOOG-1d.csv'))).table;
const strategy = bollingerBreakout;

function referenceBands(close: Float64Array, period: number, k: number): { upper: number[]; middle: number[] } {
  const upper = new Array<number>(close.length).fill(Number.NaN);
  const middle = new Array<number>(close.length).fill(Number.NaN);
  for (let i = period - 1; i < close.length; i++) {
    const window = Array.from(close.subarray(i - period + 1, i + 1));
    const mean = window.reduce((a, b) => a + b, 0) / period;
    const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / period);
    middle[i] = mean;
    upper[i] = mean + k * sd;
  }
  return { upper, middle };
}

function expectedTrades(table: BarTable, period: number, k: number): Array<[number, number, string]> {
  const { upper, middle } = referenceBands(table.close, period, k);
  const out: Array<[number, number, string]> = [];
  let entry = -1;
  let pending: 'enter' | 'exit' | undefined;
  for (let i = 0; i < table.length; i++) {
    if (pending === 'enter') entry = i;
    if (pending === 'exit') {
      out.push([entry, i, 'exit_signal']);
      entry = -1;
    }
    pending = undefined;
    if (i + 1 >= table.length || Number.isNaN(middle[i]!)) continue;
    const close = table.close[i]!;
    if (entry < 0 && close > upper[i]!) pending = 'enter';
    else if (entry >= 0 && close < middle[i]!) pending = 'exit';
  }
  if (entry >= 0) out.push([entry, table.length - 1, 'force_exit']);
  return out;
}

describe('bollinger-breakout', () => {
  it.each([
    { name: 'BTC/USDT 1h', table: btc, period: 20, stdDev: 2 },
    { name: 'GOOG 1d', table: goog, period: 20, stdDev: 2 },
    { name: 'GOOG 1d', table: goog, period: 50, stdDev: 1.5 },
  ])('on $name with bands($period, $stdDev) enters above the upper band and exits below the middle one', ({ table, period, stdDev }) => {
    const { report } = runBacktest({ data: [table], strategy, params: { period, stdDev }, sim: { fees: { maker: 0.001, taker: 0.001 } } });
    const expected = expectedTrades(table, period, stdDev);
    expect(expected.length).toBeGreaterThan(5);
    // The bar during which a time falls (a settlement at the end happens at the last bar's close).
    const index = (t: number): number => {
      let i = table.length - 1;
      while (i > 0 && table.time[i]! > t) i--;
      return i;
    };
    expect(report.trades.map((t) => [index(t.entryTime), index(t.exitTime), t.exitReason])).toEqual(expected);
    const { upper, middle } = referenceBands(table.close, period, stdDev);
    for (const t of report.trades) {
      const signal = index(t.entryTime) - 1;
      expect(table.close[signal]).toBeGreaterThan(upper[signal]!);
      if (t.exitReason === 'exit_signal') expect(table.close[index(t.exitTime) - 1]).toBeLessThan(middle[index(t.exitTime) - 1]!);
    }
  });

  it('keeps separate bands per symbol: on two series each trades as it would alone', async () => {
    const spy = (await loadBars(bundledDataPath('SPY-1d.csv'))).table;
    const start = Date.parse('2005-01-03T00:00:00Z');
    const both = [spy, goog].map((t) => t.slice(t.time.indexOf(start), t.time.indexOf(start) + 500));
    const { report } = runBacktest({ data: both, strategy, params: { period: 20, stdDev: 2 } });
    for (const table of both) {
      const bar = (t: number): number => {
        let i = table.length - 1;
        while (i > 0 && table.time[i]! > t) i--;
        return i;
      };
      const trades = report.trades.filter((t) => t.symbol === table.symbol);
      const expected = expectedTrades(table, 20, 2);
      expect(expected.length, table.symbol).toBeGreaterThan(5);
      expect(trades.map((t) => [bar(t.entryTime), bar(t.exitTime), t.exitReason]), table.symbol).toEqual(expected);
    }
  });
});
