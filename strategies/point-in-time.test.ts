/**
 * Point in time, proven on the example strategies: nothing a strategy decides at a bar's close
 * changes when the bars after it change, and the context it reads only ever holds closed bars
 * (asking for a later one throws). Real BTC/USDT hourly bars.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/runner.js';
import { LookAheadError } from '../src/core/errors.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import { BarTable } from '../src/model/bar.js';
import { builtinStrategyNames, loadStrategy } from '../src/strategy/loader.js';
import { defineStrategy, z } from '../src/strategy/index.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const HOUR = 3_600_000;

/** A copy of the table whose bars after index k are scaled by `factor` (a different future). */
function newFuture(table: BarTable, k: number, factor: number, wiggle: number): BarTable {
  const scale = (col: Float64Array): Float64Array => col.map((x, i) => (i > k ? x * factor * (1 + wiggle * Math.sin(i)) : x));
  const open = scale(table.open);
  const close = scale(table.close);
  const high = scale(table.high).map((h, i) => Math.max(h, open[i]!, close[i]!));
  const low = scale(table.low).map((l, i) => Math.min(l, open[i]!, close[i]!));
  return new BarTable(table.symbol, table.timeframe, table.time, open, high, low, close, table.volume);
}

describe('decisions do not depend on later bars', () => {
  it.each(builtinStrategyNames())('%s: orders sent and fills made up to bar k are the same whatever happens after k', async (name) => {
    const { definition } = await loadStrategy(name);
    const params = name === 'rsi-mean-reversion' ? { stoploss: -0.02 } : {};
    const base = runBacktest({ data: [btc], strategy: definition, params, sim: { fees: { maker: 0.001, taker: 0.001 } }, closeAtEnd: false });
    fc.assert(
      fc.property(fc.integer({ min: 60, max: btc.length - 20 }), fc.double({ min: 0.7, max: 1.3, noNaN: true }), fc.double({ min: 0, max: 0.05, noNaN: true }), (k, factor, wiggle) => {
        const other = runBacktest({ data: [newFuture(btc, k, factor, wiggle)], strategy: definition, params, sim: { fees: { maker: 0.001, taker: 0.001 } }, closeAtEnd: false });
        const closeOfK = btc.time[k]! + HOUR;
        const sent = (r: typeof base) => r.kernel.execution.all().filter((o) => o.createdAt <= closeOfK).map((o) => [o.clientOrderId, o.side, o.type, o.tag, o.createdAt, o.price, o.triggerPrice]);
        expect(sent(other)).toEqual(sent(base));
        // Fills before the next bar opens happened in the same market.
        const filled = (r: typeof base) => r.kernel.portfolio.trades.filter((t) => t.exitTime < btc.time[k + 1]!);
        expect(filled(other)).toEqual(filled(base));
      }),
      { numRuns: 8, seed: 42 },
    );
  });
});

describe('what a strategy can read', () => {
  it('holds only closed bars, the current one last, and refuses to read ahead', () => {
    const seen: Array<{ time: number; barTime: number; last: number; length: number; close0: number; hourly: number; fourHourlyEnd: number }> = [];
    const errors: unknown[] = [];
    const probe = defineStrategy({
      name: 'probe',
      params: z.object({}),
      timeframes: ['4h'],
      lookback: 2000,
      setup: () => ({
        onBar(bar, ctx) {
          if (bar.timeframe !== '1h') return;
          const series = ctx.series();
          const four = ctx.series(undefined, '4h');
          seen.push({
            time: ctx.time, barTime: bar.time, last: series.last!.time, length: series.length, close0: series.close(0), hourly: bar.close,
            fourHourlyEnd: four.length > 0 ? four.time(0) + 4 * HOUR : Number.NaN,
          });
          try {
            series.close(-1);
          } catch (error) {
            errors.push(error);
          }
        },
      }),
    });
    runBacktest({ data: [btc], strategy: probe });
    expect(seen).toHaveLength(btc.length);
    seen.forEach((s, i) => {
      expect(s.barTime).toBe(btc.time[i]);
      expect(s.time).toBe(btc.time[i]! + HOUR); // handled at the bar's close
      expect(s.last).toBe(s.barTime);
      expect(s.length).toBe(i + 1);
      expect(s.close0).toBe(s.hourly);
      // The 4h bar in the series ended at or before now: none is visible before its last hour closed.
      if (!Number.isNaN(s.fourHourlyEnd)) expect(s.fourHourlyEnd).toBeLessThanOrEqual(s.time);
    });
    expect(seen.filter((s) => !Number.isNaN(s.fourHourlyEnd)).length).toBeGreaterThan(btc.length - 5);
    expect(errors).toHaveLength(btc.length);
    for (const e of errors) expect(e).toBeInstanceOf(LookAheadError);
  });
});
