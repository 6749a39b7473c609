/**
 * Reproduces backtesting.py's published results (kernc/backtesting.py test suite): SmaCross(10, 30)
 * on GOOG daily, every statistic to rtol 1e-8, and its order-fill micro cases. Uses the
 * `backtesting.py` convention (see src/backtest/conventions.ts), which differs from Arbiter's
 * default in three documented ways.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/runner.js';
import { loadBars, bundledDataPath } from '../../src/data/index.js';
import smaCross from '../../strategies/sma-cross.js';
import { dailyTable, indexOfDate, scripted } from '../kit/scripted.js';

const expected = JSON.parse(readFileSync(new URL('../fixtures/backtesting.py/backtestingpy_expected.json', import.meta.url), 'utf8'));
const goog = (await loadBars(bundledDataPath('GOOG-1d.csv'))).table;
const googInstrument = [{ symbol: goog.symbol, lotSize: 1 }];

function close(actual: number, wanted: number, rtol = 1e-8): void {
  expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(rtol * Math.abs(wanted) + 1e-12);
}

describe('backtesting.py SmaCross(10, 30) on GOOG', () => {
  const { report } = runBacktest({
    data: [goog], strategy: smaCross, params: { fast: 10, slow: 30, allowShort: true }, cash: 10_000,
    convention: 'backtesting.py', instruments: googInstrument,
  });
  const m = report.metrics;
  const stats = expected.sma_cross_goog.expected_stats;
  const day = 86_400_000;

  it('makes the same 66 trades and ends with the same equity', () => {
    expect(report.trades).toHaveLength(stats['# Trades']);
    close(m.finalEquity, stats['Equity Final [$]']);
    close(m.peakEquity, stats['Equity Peak [$]']);
    close(m.totalReturn * 100, stats['Return [%]']);
  });

  it.each([
    ['annualReturn', 'Return (Ann.) [%]', 100],
    ['volatility', 'Volatility (Ann.) [%]', 100],
    ['cagr', 'CAGR [%]', 100],
    ['sharpe', 'Sharpe Ratio', 1],
    ['sortino', 'Sortino Ratio', 1],
    ['calmar', 'Calmar Ratio', 1],
    ['exposure', 'Exposure Time [%]', 100],
    ['winRate', 'Win Rate [%]', 100],
    ['bestTrade', 'Best Trade [%]', 100],
    ['worstTrade', 'Worst Trade [%]', 100],
    ['avgTrade', 'Avg. Trade [%]', 100],
    ['expectancy', 'Expectancy [%]', 100],
    ['profitFactor', 'Profit Factor', 1],
    ['sqn', 'SQN', 1],
    ['kelly', 'Kelly Criterion', 1],
    ['buyAndHoldReturn', 'Buy & Hold Return [%]', 100],
    ['alpha', 'Alpha [%]', 100],
    ['beta', 'Beta', 1],
  ] as const)('reports %s as backtesting.py does', (field, name, scale) => {
    close((m[field] as number) * scale, stats[name]);
  });

  it('reports drawdowns and durations as backtesting.py does', () => {
    close(-m.maxDrawdown * 100, stats['Max. Drawdown [%]']);
    close(-(m.avgDrawdown as number) * 100, stats['Avg. Drawdown [%]']);
    expect(m.maxDrawdownDuration).toBe(Number.parseInt(stats['Max. Drawdown Duration'], 10) * day);
    expect(m.avgDrawdownDuration).toBe(Number.parseInt(stats['Avg. Drawdown Duration'], 10) * day);
    expect(m.avgTradeDuration).toBe(Number.parseInt(stats['Avg. Trade Duration'], 10) * day);
    expect(m.maxTradeDuration).toBe(Number.parseInt(stats['Max. Trade Duration'], 10) * day);
    expect(m.durationMs).toBe(Number.parseInt(stats.Duration, 10) * day);
  });
});

describe('backtesting.py order-fill cases', () => {
  const run = (options: Parameters<typeof runBacktest>[0]) => runBacktest({ convention: 'backtesting.py', ...options }).report;

  it('charges fixed plus relative commission on both fills; a gap through the take-profit fills at the open', () => {
    const data = dailyTable('X', [1, 1, 1, 2, 4, 1, 2].map((p) => [p, p, p, p] as const));
    const report = run({
      data: [data], cash: 5000, sim: { fees: { fixedPerOrder: 10, maker: 0.01, taker: 0.01 } },
      strategy: scripted({ 1: (ctx) => ctx.enterLong({ size: { base: 100 }, takeProfit: 3 }) }),
    });
    const want = expected.micro_cases.find((c: { name: string }) => c.name === 'commissions').expected;
    expect(report.trades.reduce((s, t) => s + t.fees, 0)).toBeCloseTo(want['Commissions [$]'], 9);
    expect(report.metrics.finalEquity).toBeCloseTo(want['Equity Final [$]'], 9);
    expect(report.trades[0]!.exitPrice).toBe(4);
  });

  it('hits a stop-loss in the bar a market entry filled', () => {
    const i = indexOfDate(goog, '2012-10-17');
    const report = run({ data: [goog], instruments: googInstrument, strategy: scripted({ [i]: (ctx) => ctx.enterLong({ stopLoss: 720 }) }) });
    expect(report.trades[0]!.exitPrice).toBe(720);
  });

  it('defers the stop-loss of a stop entry filled inside a bar to the next bar (and then it gaps)', () => {
    const i = indexOfDate(goog, '2012-10-17');
    const report = run({ data: [goog], instruments: googInstrument, strategy: scripted({ [i]: (ctx) => ctx.enterLong({ stop: 758, stopLoss: 720 }) }) });
    expect(report.trades[0]!.exitPrice).toBe(705.58);
  });

  it('takes the stop-loss before the take-profit when one bar reaches both', () => {
    const short = goog.slice(0, 20);
    const report = run({
      data: [short], instruments: googInstrument,
      strategy: scripted({
        3: (ctx) => ctx.enterLong(),
        4: (ctx) => {
          const q = ctx.position().quantity;
          ctx.submitOrder({ symbol: 'GOOG', side: 'sell', type: 'stop-market', triggerPrice: 105, size: { base: q }, reduceOnly: true, tag: 'stop_loss' });
          ctx.submitOrder({ symbol: 'GOOG', side: 'sell', type: 'limit', price: 107.9, size: { base: q }, reduceOnly: true, tag: 'take_profit' });
        },
      }),
    });
    expect(report.trades[0]!.exitPrice).toBe(104.95);
    expect(report.trades[0]!.exitReason).toBe('stop_loss');
  });

  it('fills a take-profit in the bar a stop entry gapped into', () => {
    const short = goog.slice(0, 20);
    const report = run({
      data: [short], instruments: googInstrument,
      strategy: scripted({ 2: (ctx) => ctx.enterShort({ stop: 108, takeProfit: 105, stopLoss: 113 }) }),
    });
    const want = expected.micro_cases.find((c: { name: string }) => c.name === 'stop_entry_and_tp_in_same_bar').expected;
    const trade = report.trades[0]!;
    expect(trade.exitPrice).toBe(want.ExitPrice);
    // The exit happened inside bar ExitBar: its time floored to the day is that bar's open time.
    expect(short.time.indexOf(trade.exitTime - (trade.exitTime % 86_400_000))).toBe(want.ExitBar);
  });

  it('exits at the open when the next bar gaps through the stop-loss', () => {
    const short = goog.slice(0, 20);
    const report = run({ data: [short], instruments: googInstrument, strategy: scripted({ 8: (ctx) => ctx.enterLong({ size: { base: 1 }, stopLoss: 99.5 }) }) });
    expect(report.trades[0]!.exitPrice).toBe(99.19);
  });

  it('liquidates a 10x margin account whose short runs against it (equity ends at 0)', () => {
    const at = (date: string) => indexOfDate(goog, date);
    const report = run({
      data: [goog], instruments: googInstrument, account: { leverage: 10 },
      strategy: scripted({
        [at('2006-10-19')]: (ctx) => ctx.enterLong({ stop: 484, price: 466, size: { base: 100 } }),
        [at('2007-10-30')]: (ctx) => ctx.exitLong(),
        [at('2008-11-11')]: (ctx, bar) => ctx.enterShort({ stop: bar.low, price: 324.9, size: { base: 200 } }),
      }),
    });
    const want = expected.micro_cases.find((c: { name: string }) => c.name === 'wellknown_margin').expected;
    expect(report.trades).toHaveLength(want.n_trades);
    expect(report.metrics.peakEquity).toBeCloseTo(want['Equity Peak [$]'], 6);
    expect(report.metrics.finalEquity).toBe(want['Equity Final [$]']);
    expect(report.trades[1]!.exitReason).toBe('liquidation');
  });
});
