/**
 * Several symbols in one run, on real data: GOOG and SPY daily over the years both cover
 * (four years from 2004-08-19). The equity curve is the cash plus every position marked at its own
 * last close, recomputed here from the fills; the stake splits equally between free slots; and the
 * order of the `data` array does not change what is traded (see the last test for what it does
 * change).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import type { BarTable } from '../../src/model/bar.js';
import { defineStrategy } from '../../src/strategy/index.js';
import { newLog, probeStrategy, sliceTime, type ProbeLog } from '../kit/engine.js';
import { dailyTable } from '../kit/scripted.js';

const FROM = Date.UTC(2004, 7, 19);
const TO = Date.UTC(2008, 7, 19);
const goog = sliceTime((await loadBars(bundledDataPath('GOOG-1d.csv'))).table, FROM, TO);
const spy = sliceTime((await loadBars(bundledDataPath('SPY-1d.csv'))).table, FROM, TO);

/**
 * Independent equity curve: starting cash + fill cash flows + Σ position × that symbol's last
 * close, at each time step. A fill belongs to the steps after the one during which it happened,
 * which the probe's log tells: it was reported before that step's last bar closed.
 */
function equityFromFills(tables: readonly BarTable[], log: ProbeLog, cash: number): Map<number, number> {
  const times = [...new Set(tables.flatMap((t) => Array.from(t.time)))].sort((a, b) => a - b);
  const index = tables.map(() => 0);
  const last = new Map<string, number>();
  const quantity = new Map<string, number>();
  let flows = 0;
  let f = 0;
  const out = new Map<number, number>();
  for (const t of times) {
    const closedAt = log.afterBar.get(t)!;
    while (f < log.fills.length && log.fillAt[f]! < closedAt) {
      const fill = log.fills[f++]!;
      const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
      flows += -signed * fill.price - fill.fee;
      quantity.set(fill.symbol, (quantity.get(fill.symbol) ?? 0) + signed);
    }
    tables.forEach((table, k) => {
      if (table.time[index[k]!] === t) last.set(table.symbol, table.close[index[k]!++]!);
    });
    let held = 0;
    for (const [symbol, q] of quantity) if (q !== 0) held += q * last.get(symbol)!;
    out.set(t, cash + flows + held);
  }
  return out;
}

describe('two symbols', () => {
  it('both calendars overlap almost entirely (a meaningful multi-symbol run)', () => {
    expect(goog.length).toBeGreaterThan(1000);
    expect(Math.abs(goog.length - spy.length)).toBeLessThan(5);
  });

  it('equity at every step = cash + Σ positions at their own closes', () => {
    const log = newLog();
    const { report } = runBacktest({
      data: [goog, spy], strategy: probeStrategy(log, { shorts: true }), sim: { fees: { maker: 0.0005, taker: 0.001 } }, closeAtEnd: false,
    });
    expect(new Set(log.fills.map((f) => f.symbol))).toEqual(new Set(['GOOG', 'SPY']));
    const expected = equityFromFills([goog, spy], log, 10_000);
    expect(report.equity.length).toBe(expected.size);
    for (const [time, equity] of report.equity) expect(equity).toBeCloseTo(expected.get(time)!, 6);
    expect(report.metrics.finalEquity).toBeCloseTo(report.equity.at(-1)![1], 9);
  });

  it('with positions closed at the end, final equity = cash + Σ trade PnL', () => {
    const log = newLog();
    const { report, kernel } = runBacktest({ data: [goog, spy], strategy: probeStrategy(log, { shorts: true }), sim: { fees: { maker: 0.0005, taker: 0.001 } } });
    expect(kernel.portfolio.openPositions()).toEqual([]);
    const pnl = report.trades.reduce((n, t) => n + t.pnl, 0);
    expect(report.metrics.finalEquity).toBeCloseTo(10_000 + pnl, 6);
    expect(report.equity.at(-1)![1]).toBeCloseTo(kernel.portfolio.equity, 9);
  });

  it('the stake splits the buying power equally between free slots', () => {
    const entries = defineStrategy({
      name: 'both',
      params: z.strictObject({}),
      setup: () => ({
        onBar(_bar, ctx) {
          if (ctx.position().quantity === 0 && ctx.openOrders(_bar.symbol).length === 0 && ctx.portfolio.trades.length === 0) ctx.enterLong();
        },
      }),
    });
    const { report } = runBacktest({ data: [goog.slice(0, 30), spy.slice(0, 30)], strategy: entries, sim: { fees: { taker: 0.001 } }, closeAtEnd: false });
    const [a, b] = report.orders.filter((o) => o.tag === 'enter_long');
    const notional = (o: typeof a) => o!.filledQuantity * o!.avgFillPrice! + o!.fees;
    expect(notional(a)).toBeCloseTo(5000, 6);
    // The second slot gets what the first left: 10,000 − 5,000 (fees included).
    expect(notional(b)).toBeCloseTo(5000, 6);
  });

  it('with three slots and two symbols, each entry takes a third', () => {
    const entries = defineStrategy({
      name: 'both',
      params: z.strictObject({}),
      setup: () => ({ onBar: (_bar, ctx) => void (ctx.portfolio.trades.length === 0 && ctx.position().quantity === 0 && ctx.openOrders(_bar.symbol).length === 0 && ctx.enterLong()) }),
    });
    const { report } = runBacktest({ data: [goog.slice(0, 5), spy.slice(0, 5)], strategy: entries, maxOpenTrades: 3, closeAtEnd: false });
    const entered = report.orders.filter((o) => o.tag === 'enter_long').map((o) => o.filledQuantity * o.avgFillPrice!);
    expect(entered[0]).toBeCloseTo(10_000 / 3, 6);
    expect(entered[1]).toBeCloseTo(10_000 / 3, 6);
  });

  // What the data order changes. Within a time step the symbols' bars are walked one after the
  // other in data order, so fills of different symbols at the same instant (say, both at the open)
  // happen in data order. Ids and report rows follow it; and an entry sized as a fraction of the
  // buying power, which resolves at its fill, sees the margin of the other symbol's fill at the same
  // instant released or not depending on that order (the last test shows it on hand-made bars).
  // Entries of fixed size do not depend on the data order at all (this test caught orders sent in
  // reaction to a fill reaching the venue at the time of the previous symbol's latest event).
  const key = (t: { symbol: string; entryTime: number; exitTime: number; side: string; exitReason: string; entryPrice: number; exitPrice: number; quantity: number; pnl: number }) =>
    `${t.symbol} ${t.entryTime} ${t.exitTime} ${t.side} ${t.exitReason} ${t.entryPrice.toPrecision(12)} ${t.exitPrice.toPrecision(12)} ${t.quantity.toPrecision(12)} ${t.pnl.toFixed(6)}`;

  it('with fixed-size entries, the data order changes only ids and row order', () => {
    const run = (data: BarTable[]) =>
      runBacktest({ data, strategy: probeStrategy(newLog(), { shorts: true, size: { quote: 3000 } }), sim: { fees: { maker: 0.0005, taker: 0.001 } } }).report;
    const ab = run([goog, spy]);
    const ba = run([spy, goog]);
    expect(ab.trades.length).toBeGreaterThan(100);
    expect(ab.trades.map(key).sort()).toEqual(ba.trades.map(key).sort());
    expect(ab.equity.length).toBe(ba.equity.length);
    for (let i = 0; i < ab.equity.length; i++) expect(ab.equity[i]![1]).toBeCloseTo(ba.equity[i]![1], 6);
    // Not `createdAt`: an order sent from a fill callback is stamped with the shared clock, which
    // stands at the latest event of the bars of that time step walked before (see the report).
    const orderKey = (o: (typeof ab.orders)[number]) => `${o.symbol} ${o.type} ${o.tag} ${o.status} ${o.filledQuantity.toPrecision(12)} ${o.avgFillPrice === null ? '-' : o.avgFillPrice.toPrecision(12)} ${o.updatedAt}`;
    expect(ab.orders.map(orderKey).sort()).toEqual(ba.orders.map(orderKey).sort());
  });

  it('with the default stake, an entry and another symbol\'s exit at the same open depend on the data order', () => {
    // Day 0: B enters. Day 1: B exits and A enters; both fill at day 2's open.
    const flat = (p: number) => [p, p, p, p] as const;
    const a = dailyTable('A', [flat(100), flat(100), flat(100), flat(100)]);
    const b = dailyTable('B', [flat(50), flat(50), flat(50), flat(50)]);
    const script = defineStrategy({
      name: 'swap',
      params: z.strictObject({}),
      setup: () => ({
        onBar(bar, ctx) {
          const day = ctx.series().count - 1;
          if (bar.symbol === 'B' && day === 0) ctx.enterLong();
          if (bar.symbol === 'B' && day === 1) ctx.exitLong();
          if (bar.symbol === 'A' && day === 1) ctx.enterLong();
        },
      }),
    });
    const entryA = (data: BarTable[]) => runBacktest({ data, strategy: script, closeAtEnd: false }).report.orders.find((o) => o.symbol === 'A')!;
    // B's margin (half the account) is still held when A fills first; released when B goes first.
    expect(entryA([a, b]).filledQuantity).toBeCloseTo(50, 9);
    expect(entryA([b, a]).filledQuantity).toBeCloseTo(100, 9);
  });
});
