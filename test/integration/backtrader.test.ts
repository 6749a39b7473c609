/**
 * Reproduces backtrader's SMA crossover tests (tests/test_strategy_unoptimized.py and friends):
 * buy 1 unit at the next open when the close crosses above SMA(15), close the position at the
 * next open when it crosses below; the open position is left open at the end (the `backtrader`
 * convention). Every fill price, the final cash and value in stock-like and futures-like
 * (multiplier 10, 2.0 per contract per side, 1000 margin per contract) modes, the SQN and the
 * final values of the same strategy for SMA periods 5..44.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest } from '../../src/backtest/runner.js';
import { loadBars } from '../../src/data/index.js';
import { SMA, defineStrategy } from '../../src/strategy/index.js';

const expected = JSON.parse(readFileSync(new URL('../fixtures/backtrader/backtest_sma_crossover_expected.json', import.meta.url), 'utf8'));
const { table } = await loadBars(new URL('../fixtures/data/2006-day-001.txt', import.meta.url).pathname, { symbol: 'INDEX' });

/** backtrader's CrossOver(close, sma): the sign of close − sma against the last non-zero difference. */
const smaCrossover = defineStrategy({
  name: 'backtrader-sma-crossover',
  params: z.strictObject({
    period: z.number().int().min(1).default(15),
    /**
     * backtrader's optimized test keeps the id of its first order and never clears it (it has no
     * notify_order), so after the first buy no order is ever allowed again.
     */
    firstOrderOnly: z.boolean().default(false),
  }),
  warmup: (p) => p.period + 1,
  setup({ params }) {
    const sma = new SMA({ period: params.period });
    let lastNonZero = 0;
    let ordered = false;
    return {
      onBar(bar, ctx) {
        const average = sma.update(bar.close);
        if (Number.isNaN(average)) return;
        const diff = bar.close - average;
        const cross = lastNonZero < 0 && diff > 0 ? 1 : lastNonZero > 0 && diff < 0 ? -1 : 0;
        if (diff !== 0) lastNonZero = diff;
        if (ctx.openOrders().length > 0 || (params.firstOrderOnly && ordered)) return; // an order is pending: do nothing
        const position = ctx.position().quantity;
        if (position === 0 && cross > 0) ordered = ctx.enterLong({ size: { base: 1 } }) !== undefined;
        else if (position > 0 && cross < 0) ctx.exitLong();
      },
    };
  },
});

const futuresLike = {
  instruments: [{ symbol: 'INDEX', multiplier: 10 }],
  sim: { fees: { perUnit: 2 } },
  // 1000 of margin per contract on ~40,000 of notional is ~40x; give the account room for it.
  account: { leverage: 50 },
};

const fmt = (x: number) => x.toFixed(2);

describe('backtrader SMA(15) crossover', () => {
  it('fills every buy and sell at backtrader\'s prices (next open)', () => {
    const { report } = runBacktest({ data: [table], strategy: smaCrossover, params: { period: 15 }, convention: 'backtrader' });
    const fills = report.orders.filter((o) => o.status === 'filled');
    expect(fills.filter((o) => o.side === 'buy').map((o) => fmt(o.avgFillPrice!))).toEqual(expected.unoptimized_period15.fill_prices_buy);
    expect(fills.filter((o) => o.side === 'sell').map((o) => fmt(o.avgFillPrice!))).toEqual(expected.unoptimized_period15.fill_prices_sell);
    expect(report.trades).toHaveLength(expected.unoptimized_period15.closed_trades);
  });

  it('ends with backtrader\'s cash and value in stock-like mode', () => {
    const { report, kernel } = runBacktest({ data: [table], strategy: smaCrossover, params: { period: 15 }, convention: 'backtrader' });
    const position = kernel.portfolio.position('INDEX');
    expect(position.quantity).toBe(expected.unoptimized_period15.open_trades_at_end);
    // backtrader's stock-like cash is what is left after paying for the open position.
    const cash = kernel.portfolio.balance - position.quantity * position.avgPrice;
    expect(fmt(cash)).toBe(expected.unoptimized_period15.stocklike_final.cash);
    expect(fmt(report.metrics.finalEquity)).toBe(expected.unoptimized_period15.stocklike_final.value);
  });

  it('ends with backtrader\'s cash, value, SQN and yearly return in futures-like mode', () => {
    const { report, kernel } = runBacktest({ data: [table], strategy: smaCrossover, params: { period: 15 }, convention: 'backtrader', ...futuresLike });
    const want = expected.unoptimized_period15;
    // backtrader's futures-like cash is value minus the margin of the open position.
    const cash = report.metrics.finalEquity - 1000 * Math.abs(kernel.portfolio.position('INDEX').quantity);
    expect(fmt(report.metrics.finalEquity)).toBe(want.futureslike_final.value);
    expect(fmt(cash)).toBe(want.futureslike_final.cash);
    expect(report.metrics.sqn!.toPrecision(12)).toBe(want.analyzers_futureslike.SQN.sqn_prefix);
    expect(report.metrics.totalReturn).toBeCloseTo(want.analyzers_futureslike.TimeReturn_yearly_2006, 10);
  });

  it('reproduces the final value and cash for SMA periods 5 to 44 (first order only, as that test runs)', () => {
    const opt = expected.optimized_period_5_to_44_futureslike;
    const values: string[] = [];
    const cashes: string[] = [];
    for (const period of opt.periods as number[]) {
      const { report, kernel } = runBacktest({ data: [table], strategy: smaCrossover, params: { period, firstOrderOnly: true }, convention: 'backtrader', ...futuresLike });
      values.push(fmt(report.metrics.finalEquity));
      cashes.push(fmt(report.metrics.finalEquity - 1000 * Math.abs(kernel.portfolio.position('INDEX').quantity)));
    }
    expect(values).toEqual(opt.final_value);
    expect(cashes).toEqual(opt.final_cash);
  });
});
