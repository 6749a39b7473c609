/**
 * buy-and-hold buys once at the second bar's open (the first moment an order sent at a close can
 * fill) and holds to the end, on real data; with two symbols it buys each once with half the cash.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import buyAndHold from './buy-and-hold.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const spy = (await loadBars(bundledDataPath('SPY-1d.csv'))).table;
const goog = (await loadBars(bundledDataPath('GOOG-1d.csv'))).table;
const strategy = buyAndHold;

describe('buy-and-hold', () => {
  it('makes one trade from the second open to the last close, paying the fee on both fills', () => {
    const fee = 0.001;
    const { report } = runBacktest({ data: [btc], strategy, cash: 10_000, sim: { fees: { maker: fee, taker: fee } } });
    expect(report.trades).toHaveLength(1);
    const [t] = report.trades;
    const last = btc.length - 1;
    expect(t!.entryTime).toBe(btc.time[1]);
    expect(t!.entryPrice / btc.open[1]! - 1).toBeCloseTo(0, 12);
    expect(t!.exitReason).toBe('force_exit');
    expect(t!.exitPrice / btc.close[last]! - 1).toBeCloseTo(0, 12);
    expect(t!.fees).toBeCloseTo(fee * t!.quantity * (t!.entryPrice + t!.exitPrice), 8);
    expect(t!.pnl).toBeCloseTo(t!.quantity * (t!.exitPrice - t!.entryPrice) - t!.fees, 8);
    // All the cash went in: quantity × price + fee = cash.
    expect(t!.quantity * t!.entryPrice * (1 + fee)).toBeCloseTo(10_000, 6);
    expect(report.metrics.finalEquity).toBeCloseTo(10_000 + t!.pnl, 8);
    expect(report.metrics.exposure).toBeGreaterThan(0.99);
  });

  it('holds every symbol once, with an equal share of the cash each', () => {
    const common = spy.time.filter((t) => goog.time.includes(t));
    const from = common[0]!;
    const to = common[common.length - 1]!;
    const slice = (table: typeof spy) => table.slice(table.time.indexOf(from), table.time.indexOf(to) + 1);
    const { report } = runBacktest({ data: [slice(spy), slice(goog)], strategy, cash: 20_000 });
    expect(report.trades.map((t) => t.symbol).sort()).toEqual(['GOOG', 'SPY']);
    const notional = report.trades.map((t) => t.quantity * t.entryPrice);
    // The first entry gets half of the buying power; the second all that is left, i.e. the other half.
    expect(notional[0]! + notional[1]!).toBeCloseTo(20_000, 6);
    for (const n of notional) expect(n).toBeCloseTo(10_000, 0);
  });
});
