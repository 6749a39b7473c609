/**
 * The strategy host (src/strategy/host.ts; here because it needs the backtest runner, a higher
 * layer): what an author's intents turn into (entries, exits, brackets, reversals,
 * timeouts, the warm-up), and how user code failures surface (StrategyError naming the strategy
 * and the callback). Driven through `runBacktest` on hand-made daily bars.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest, type BacktestOptions } from '../../src/backtest/runner.js';
import { ConfigurationError, StrategyError } from '../../src/core/errors.js';
import { defineStrategy, type ExitRulesInput } from '../../src/strategy/index.js';
import { dailyTable, scripted } from '../kit/scripted.js';

const flat = (p: number, n: number) => Array.from({ length: n }, () => [p, p, p, p] as const);

function run(options: Partial<BacktestOptions> & Pick<BacktestOptions, 'strategy'>) {
  return runBacktest({ data: [dailyTable('X', flat(100, 6))], closeAtEnd: false, ...options });
}

function failure(fn: () => unknown): StrategyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyError);
    return error as StrategyError;
  }
  throw new Error('expected a StrategyError');
}

describe('user code failures', () => {
  it('an exception in onBar becomes a StrategyError naming the strategy and callback, with the cause', () => {
    const cause = new RangeError('boom');
    const error = failure(() => run({ strategy: scripted({ 2: () => { throw cause; } }, { name: 'faulty' }) }));
    expect(error).toMatchObject({ strategy: 'faulty', callback: 'onBar', cause });
    expect(error.message).toBe('strategy "faulty" failed in onBar: boom');
  });

  it('an exception in onFill is reported as onFill', () => {
    const strategy = defineStrategy({
      name: 'bad-fill',
      params: z.strictObject({}),
      setup: () => ({
        onBar: (_bar, ctx) => void (ctx.position().quantity === 0 && ctx.enterLong()),
        onFill: () => {
          throw new Error('cannot handle fills');
        },
      }),
    });
    expect(failure(() => run({ strategy }))).toMatchObject({ callback: 'onFill' });
  });

  it('setup must return onBar', () => {
    const strategy = defineStrategy({ name: 'no-bar', params: z.strictObject({}), setup: () => ({}) as never });
    expect(failure(() => run({ strategy }))).toMatchObject({ callback: 'setup', message: expect.stringMatching(/must return an object with an onBar/) });
  });

  it('reading an undeclared timeframe names the declared ones', () => {
    const error = failure(() => run({ strategy: scripted({ 0: (ctx) => ctx.series(undefined, '4h') }) }));
    expect(error.cause).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/timeframe 4h is not declared; .*\(declared: 1d\)/);
  });

  it('bad parameters are a ConfigurationError naming the key', () => {
    const strategy = defineStrategy({ name: 'p', params: z.strictObject({ n: z.number().int().min(1) }), setup: () => ({ onBar() {} }) });
    expect(() => run({ strategy, params: { n: 0 } })).toThrow(ConfigurationError);
    expect(() => run({ strategy, params: { n: 0 } })).toThrow(/p\.params\.n/);
    expect(() => run({ strategy, params: { m: 1 } })).toThrow(/p\.params/);
  });
});

describe('what a strategy reads', () => {
  it('onFill sees the position and account already updated by the fill', () => {
    const seen: Array<[number, number, number]> = [];
    const strategy = defineStrategy({
      name: 'reader',
      params: z.strictObject({}),
      setup: () => ({
        onBar: (_bar, ctx) => void (ctx.position().quantity === 0 && ctx.openOrders().length === 0 && ctx.enterLong({ size: { base: 3 } })),
        onFill: (fill, ctx) => void seen.push([ctx.position().quantity, ctx.portfolio.balance, fill.fee]),
      }),
    });
    run({ strategy, sim: { fees: { taker: 0.01 } } });
    const [quantity, balance, fee] = seen[0]!;
    expect(quantity).toBe(3);
    expect(fee).toBeCloseTo(3 * 100 * 0.01, 12);
    expect(balance).toBeCloseTo(10_000 - fee, 9);
  });
});

describe('warm-up', () => {
  it('intents during the warm-up are ignored, counted and reported', () => {
    const strategy = defineStrategy({
      name: 'eager',
      params: z.strictObject({}),
      warmup: 3,
      setup: () => ({ onBar: (_bar, ctx) => void (ctx.position().quantity === 0 && ctx.enterLong()) }),
    });
    const { report, kernel } = run({ strategy });
    // Bars 0 and 1 are warm-up; the entry sent at the close of bar 2 fills at bar 3's open.
    expect(kernel.strategies[0]!.runStats.intentsDuringWarmup).toBe(2);
    expect(report.warnings).toContain('2 intents during the 3-bar warm-up were ignored');
    expect(report.orders[0]!.createdAt).toBe(Date.UTC(2020, 0, 4));
  });
});

describe('entries and exits', () => {
  const rising = dailyTable('X', [[100, 101, 99, 100], [100, 101, 99, 100], [100, 106, 99, 105], [105, 112, 104, 111], [111, 112, 93, 95], [95, 96, 94, 95]]);

  it('no pyramiding: a second enterLong while long does nothing', () => {
    const orders: unknown[] = [];
    const { report } = run({ strategy: scripted({ 0: (ctx) => ctx.enterLong(), 2: (ctx) => orders.push(ctx.enterLong()) }) });
    expect(orders).toEqual([undefined]);
    expect(report.orders).toHaveLength(1);
  });

  it('an entry is refused while another is still working', () => {
    const orders: unknown[] = [];
    run({ strategy: scripted({ 0: (ctx) => ctx.enterLong({ price: 50 }), 1: (ctx) => orders.push(ctx.enterLong()) }) });
    expect(orders).toEqual([undefined]);
  });

  it('enterShort while long closes the long first (exit reason "reverse")', () => {
    const { report } = run({ data: [rising], strategy: scripted({ 0: (ctx) => ctx.enterLong(), 2: (ctx) => ctx.enterShort() }) });
    expect(report.trades[0]).toMatchObject({ side: 'long', exitReason: 'reverse', entryPrice: 100, exitPrice: 105 });
    expect(report.orders.map((o) => [o.tag, o.status])).toEqual([['enter_long', 'filled'], ['reverse', 'filled'], ['enter_short', 'filled']]);
  });

  it('reverse: false ignores an entry on the other side', () => {
    const { report } = run({ strategy: scripted({ 0: (ctx) => ctx.enterLong(), 2: (ctx) => ctx.enterShort({ reverse: false }) }) });
    expect(report.orders).toHaveLength(1);
  });

  it('exitLong withdraws an unfilled long entry', () => {
    const { report } = run({ strategy: scripted({ 0: (ctx) => ctx.enterLong({ price: 50 }), 2: (ctx) => ctx.exitLong() }) });
    expect(report.orders[0]).toMatchObject({ status: 'canceled', reason: 'exit (exit_signal) before the entry filled' });
  });

  it('an entry with a timeout is canceled at the first close after it, if still unfilled', () => {
    const day = 86_400_000;
    const { report } = run({ strategy: scripted({ 0: (ctx) => ctx.enterLong({ price: 50, timeoutMs: 1.5 * day }) }) });
    // Sent at the close of bar 0 (Jan 2); 1.5 days later is inside bar 2, whose close (Jan 4) cancels it.
    expect(report.orders[0]).toMatchObject({ status: 'canceled', reason: 'entry timed out unfilled', updatedAt: Date.UTC(2020, 0, 4) });
  });

  it('brackets: a stop-loss and a take-profit placed when the entry fills; the first to fill wins', () => {
    const { report } = run({ data: [rising], strategy: scripted({ 0: (ctx) => ctx.enterLong({ stopLoss: 94, takeProfit: 110 }) }) });
    expect(report.trades).toMatchObject([{ exitReason: 'take_profit', exitPrice: 110 }]);
    expect(report.orders.find((o) => o.tag === 'stop_loss')).toMatchObject({ status: 'canceled' });
  });

  it('exit signals are ignored when useExitSignal is false', () => {
    const strategy = defineStrategy({
      name: 'no-exit-signal',
      params: z.strictObject({}),
      exits: { useExitSignal: false },
      setup: () => ({ onBar: (_bar, ctx) => void (ctx.position().quantity === 0 ? ctx.enterLong() : ctx.exitLong()) }),
    });
    const { report } = run({ strategy });
    expect(report.orders).toHaveLength(1);
  });
});

describe('exit rules', () => {
  function withExits(exits: ExitRulesInput, data = dailyTable('X', [[100, 100, 100, 100], [100, 104, 99, 103], [103, 104, 90, 91], [91, 92, 90, 91]])) {
    const strategy = defineStrategy({
      name: 'rules',
      params: z.strictObject({}),
      exits,
      setup: () => ({ onBar: (_bar, ctx) => void (ctx.portfolio.trades.length === 0 && ctx.position().quantity === 0 && ctx.openOrders().length === 0 && ctx.enterLong()) }),
    });
    return runBacktest({ data: [data], strategy, closeAtEnd: false }).report;
  }

  it('a stop-loss ratio places a stop at entry × (1 + ratio)', () => {
    const report = withExits({ stoploss: -0.05 });
    // Entry at bar 1's open (100); stop 95; bar 2 opens at 103 and falls to 90: filled at 95.
    expect(report.trades).toMatchObject([{ exitReason: 'stop_loss', exitPrice: 95 }]);
  });

  it('the minimal-ROI table takes profit once the ratio is exceeded', () => {
    const report = withExits({ minimalRoi: { '0': 0.02 } });
    expect(report.trades[0]!.exitReason).toBe('roi');
    expect(report.trades[0]!.exitPrice).toBeCloseTo(102, 6);
  });

  it('a trailing stop follows the best price and is reported as trailing_stop_loss', () => {
    const report = withExits({ stoploss: -0.05, trailingStop: true });
    // Best 104 in bar 1 → stop 98.8; bar 2 falls through it.
    expect(report.trades[0]!.exitReason).toBe('trailing_stop_loss');
    expect(report.trades[0]!.exitPrice).toBeCloseTo(98.8, 9);
  });

  it('an exit rule ratio is in leveraged terms', () => {
    const strategy = defineStrategy({
      name: 'lev',
      params: z.strictObject({}),
      exits: { stoploss: -0.1 },
      setup: () => ({ onBar: (_bar, ctx) => void (ctx.portfolio.trades.length === 0 && ctx.position().quantity === 0 && ctx.openOrders().length === 0 && ctx.enterLong({ leverage: 5 })) }),
    });
    const { report } = runBacktest({
      data: [dailyTable('X', [[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 97, 98], [98, 99, 97, 98]])], strategy, closeAtEnd: false, account: { leverage: 5 },
    });
    // −10 % at 5x is a 2 % price move: stop at 98.
    expect(report.trades).toMatchObject([{ exitReason: 'stop_loss', exitPrice: 98 }]);
  });
});
