/**
 * Freqtrade's hand-computed backtest scenarios (tests/optimize/test_backtest_detail.py): all 54
 * reproduce the expected trades (entry and exit candle, side, exit reason, entry tag) and the
 * total profit ratio to 3 decimals, under the `freqtrade` convention. The scenario's signals are
 * columns of the candles, evaluated at each candle's close as in Freqtrade.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest } from '../../src/backtest/runner.js';
import { BarTable } from '../../src/model/bar.js';
import { defineStrategy } from '../../src/strategy/index.js';

interface Candle {
  offset: number; open: number; high: number; low: number; close: number; volume: number;
  enter_long: number; exit_long: number; enter_short: number; exit_short: number; enter_tag: string | null;
}
interface Scenario {
  name: string; description: string; stop_loss: number; roi: Record<string, number>; leverage: number;
  trailing_stop: boolean; trailing_only_offset_is_reached: boolean; trailing_stop_positive: number | null; trailing_stop_positive_offset: number;
  use_exit_signal: boolean; use_custom_stoploss: boolean; custom_entry_price: number | null; custom_exit_price: number | null;
  timeout: number | null; adjust_entry_price: number | null; candles: Candle[];
  expected_total_profit_ratio: number;
  expected_trades: Array<{ exit_reason: string; open_tick: number; close_tick: number; enter_tag: string | null; is_short: boolean }>;
}

const file = JSON.parse(readFileSync(new URL('../fixtures/freqtrade/backtest_detail_scenarios.json', import.meta.url), 'utf8')) as { cases: Scenario[] };
const HOUR = 3_600_000;
const START = Date.parse('2018-10-03T00:00:00Z');

function strategyFor(c: Scenario) {
  const byTime = new Map(c.candles.map((k) => [START + k.offset * HOUR, k]));
  return defineStrategy({
    name: `freqtrade-${c.name}`,
    params: z.strictObject({}),
    exits: {
      minimalRoi: c.roi,
      stoploss: c.stop_loss,
      // Freqtrade's default custom_stoploss returns the configured stop-loss relative to the
      // current rate, which makes it trail at that distance and take precedence over
      // trailing_stop_positive.
      trailingStop: c.trailing_stop || c.use_custom_stoploss,
      ...(c.trailing_stop_positive !== null && !c.use_custom_stoploss ? { trailingStopPositive: c.trailing_stop_positive } : {}),
      trailingStopPositiveOffset: c.trailing_stop_positive_offset,
      trailingOnlyOffsetIsReached: c.trailing_only_offset_is_reached,
      useExitSignal: c.use_exit_signal,
    },
    setup: () => ({
      onBar(bar, ctx) {
        const row = byTime.get(bar.time)!;
        // Freqtrade re-prices unfilled entries at each candle (adjust_entry_price).
        if (c.adjust_entry_price !== null) {
          for (const order of ctx.openOrders()) {
            if (!order.reduceOnly && order.filledQuantity === 0 && order.price !== c.adjust_entry_price) ctx.modifyOrder(order.id, { price: c.adjust_entry_price });
          }
        }
        const position = ctx.position().quantity;
        const entering = ctx.openOrders().some((o) => !o.reduceOnly);
        if (position === 0 && !entering && !(row.enter_long && row.enter_short)) {
          const options = {
            leverage: c.leverage, reverse: false,
            ...(c.custom_entry_price !== null ? { price: c.custom_entry_price } : {}),
            ...(c.timeout !== null ? { timeoutMs: c.timeout * 60_000 } : {}),
            ...(row.enter_tag ? { tag: row.enter_tag } : {}),
          };
          if (row.enter_long) ctx.enterLong(options);
          else if (row.enter_short) ctx.enterShort(options);
        }
        const exit = c.custom_exit_price !== null ? { price: c.custom_exit_price } : {};
        if (position > 0 && row.exit_long) ctx.exitLong(exit);
        if (position < 0 && row.exit_short) ctx.exitShort(exit);
      },
    }),
  });
}

function run(c: Scenario) {
  const table = BarTable.fromBars('UNITTEST/BTC', '1h', c.candles.map((k) => ({ time: START + k.offset * HOUR, open: k.open, high: k.high, low: k.low, close: k.close, volume: k.volume })));
  return runBacktest({ data: [table], strategy: strategyFor(c), cash: 1000, convention: 'freqtrade', account: { leverage: 100 } }).report;
}

/** The candle an order or fill time falls in. */
const tick = (time: number) => Math.floor((time - START) / HOUR);

describe('Freqtrade backtest scenarios', () => {
  it('covers all 54 scenarios', () => {
    expect(file.cases).toHaveLength(54);
  });

  it.each(file.cases.map((c) => [c.name, c] as const))('%s reproduces Freqtrade', (_name, c) => {
    const report = run(c);
    const entries = report.orders.filter((o) => o.tag === 'enter_long' || o.tag === 'enter_short' || (o.tag !== null && !o.tag.startsWith('exit') && o.filledQuantity > 0 && report.trades.some((t) => t.entryTag === o.tag)));
    const actual = report.trades.map((t) => {
      // Freqtrade dates a trade from the candle its entry order was placed in.
      const entry = entries.filter((o) => o.createdAt <= t.entryTime && o.filledQuantity > 0).at(-1)!;
      return { exit_reason: t.exitReason, open_tick: tick(entry.createdAt), close_tick: tick(t.exitTime), enter_tag: t.entryTag?.startsWith('enter_') ? null : t.entryTag, is_short: t.side === 'short' };
    });
    expect(actual, c.description).toEqual(c.expected_trades);
    const totalProfit = report.trades.reduce((sum, t) => sum + t.returnPct * c.leverage, 0);
    expect(Number(totalProfit.toFixed(3)), c.description).toBe(Number(c.expected_total_profit_ratio.toFixed(3)));
  });
});
