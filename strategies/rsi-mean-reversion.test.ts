/**
 * rsi-mean-reversion buys only on bars whose RSI — computed here independently, from Wilder's
 * definition — is below `lower`, sells on bars where it is above `upper`, and with a stop-loss
 * leaves at the stop (or at the open when the market gaps through it). Real SPY and GOOG daily bars.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import type { BarTable } from '../src/model/bar.js';
import rsiMeanReversion from './rsi-mean-reversion.js';

const spy = (await loadBars(bundledDataPath('SPY-1d.csv'))).table;
const goog = (await loadBars(bundledDataPath('GOOG-1d.csv'))).table;
const strategy = rsiMeanReversion;
const fees = { maker: 0.001, taker: 0.001 };

/** Wilder's RSI: average gain and loss seeded with the mean of the first `period` changes. */
function referenceRsi(close: Float64Array, period: number): number[] {
  const out = new Array<number>(close.length).fill(Number.NaN);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < close.length; i++) {
    const change = close[i]! - close[i - 1]!;
    const g = Math.max(change, 0);
    const l = Math.max(-change, 0);
    if (i <= period) {
      gain += g / period;
      loss += l / period;
    } else {
      gain = (gain * (period - 1) + g) / period;
      loss = (loss * (period - 1) + l) / period;
    }
    if (i >= period) out[i] = gain + loss === 0 ? 0 : (100 * gain) / (gain + loss);
  }
  return out;
}

interface ExpectedTrade { entryBar: number; exitBar: number; exitReason: string; exitPrice: number }

/** The strategy's rules replayed on the reference RSI, with the simulated exchange's fill rules. */
function expectedTrades(table: BarTable, period: number, lower: number, upper: number, stoploss: number): ExpectedTrade[] {
  const rsi = referenceRsi(table.close, period);
  const trades: ExpectedTrade[] = [];
  let entryBar = -1;
  let stop = Number.NaN;
  let pendingEntry = false;
  let pendingExit = false;
  for (let i = 0; i < table.length; i++) {
    const open = table.open[i]!;
    if (pendingEntry) {
      entryBar = i;
      stop = stoploss < 0 ? open * (1 + stoploss) : Number.NaN;
      pendingEntry = false;
    } else if (pendingExit) {
      pendingExit = false;
      // The resting stop was sent first; at a gap through it, it fills at the open before the exit order.
      const stopFirst = open <= stop;
      trades.push({ entryBar, exitBar: i, exitReason: stopFirst ? 'stop_loss' : 'exit_signal', exitPrice: open });
      entryBar = -1;
    } else if (entryBar >= 0 && i > entryBar && open <= stop) {
      trades.push({ entryBar, exitBar: i, exitReason: 'stop_loss', exitPrice: open });
      entryBar = -1;
    }
    if (entryBar >= 0 && table.low[i]! <= stop) {
      trades.push({ entryBar, exitBar: i, exitReason: 'stop_loss', exitPrice: stop });
      entryBar = -1;
    }
    const value = rsi[i]!;
    if (i + 1 >= table.length || Number.isNaN(value)) continue;
    if (entryBar < 0 && value < lower) pendingEntry = true;
    else if (entryBar >= 0 && value > upper) pendingExit = true;
  }
  if (entryBar >= 0) trades.push({ entryBar, exitBar: table.length - 1, exitReason: 'force_exit', exitPrice: table.close[table.length - 1]! });
  return trades;
}

/** Index of the bar during which `time` falls. */
function barOf(table: BarTable, time: number): number {
  let i = table.length - 1;
  while (i > 0 && table.time[i]! > time) i--;
  return i;
}

describe('rsi-mean-reversion', () => {
  it.each([
    { name: 'SPY', table: spy, period: 14, lower: 30, upper: 70 },
    { name: 'GOOG', table: goog, period: 14, lower: 30, upper: 70 },
    { name: 'SPY', table: spy, period: 2, lower: 10, upper: 90 },
  ])('on $name with RSI($period) buys below $lower and sells above $upper, on the bars the reference RSI says', ({ table, period, lower, upper }) => {
    const { report } = runBacktest({ data: [table], strategy, params: { period, lower, upper }, sim: { fees } });
    const rsi = referenceRsi(table.close, period);
    const expected = expectedTrades(table, period, lower, upper, 0);
    expect(expected.length).toBeGreaterThan(5);
    expect(report.trades.map((t) => [barOf(table, t.entryTime), barOf(table, t.exitTime), t.exitReason])).toEqual(expected.map((t) => [t.entryBar, t.exitBar, t.exitReason]));
    for (const t of report.trades) {
      const signalBar = barOf(table, t.entryTime) - 1;
      expect(rsi[signalBar]).toBeLessThan(lower);
      if (t.exitReason === 'exit_signal') expect(rsi[barOf(table, t.exitTime) - 1]).toBeGreaterThan(upper);
      expect(t.entryTag).toBe('rsi_oversold');
    }
  });

  it('with a stop-loss leaves at the stop price, or at the open when the market gaps below it', () => {
    const stoploss = -0.04;
    const { report } = runBacktest({ data: [spy], strategy, params: { stoploss }, sim: { fees } });
    const expected = expectedTrades(spy, 14, 30, 70, stoploss);
    const stops = expected.filter((t) => t.exitReason === 'stop_loss');
    expect(stops.length).toBeGreaterThan(2);
    expect(report.trades.map((t) => [barOf(spy, t.entryTime), barOf(spy, t.exitTime), t.exitReason])).toEqual(expected.map((t) => [t.entryBar, t.exitBar, t.exitReason]));
    report.trades.forEach((t, k) => {
      expect(t.exitPrice / expected[k]!.exitPrice - 1).toBeCloseTo(0, 10);
      if (t.exitReason === 'stop_loss') expect(t.exitPrice).toBeLessThanOrEqual(t.entryPrice * (1 + stoploss) * (1 + 1e-12));
    });
  });

  it('names the parameter when lower is not below upper', () => {
    expect(() => runBacktest({ data: [spy], strategy, params: { lower: 80, upper: 70 } })).toThrow('rsi-mean-reversion.params.lower: lower must be below upper');
  });
});
