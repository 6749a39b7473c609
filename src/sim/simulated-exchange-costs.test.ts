/**
 * The SimulatedExchange's money side: slippage models, fees, quote/fraction sizing, margin,
 * funding, liquidation, and the rules that order several fills inside one bar. Hand-computed
 * expectations on 3h bars (test/kit/sim-harness).
 */
import { describe, expect, it } from 'vitest';
import { START, simHarness, type SimHarness } from '../../test/kit/sim-harness.js';

const MIN = 60_000;

function openPosition(h: SimHarness, quantity: number, price = 100): void {
  h.submit({ side: quantity > 0 ? 'buy' : 'sell', type: 'market', size: { base: Math.abs(quantity) } });
  h.bar(price, price, price, price);
}

describe('slippage', () => {
  it('none: a market order fills at the open', () => {
    const h = simHarness({ sim: { slippage: { kind: 'none' } } });
    h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    h.bar(100, 110, 95, 105);
    expect(h.fills[0]!.price).toBe(100);
  });

  it('fixed bps moves the price against the order: buy 100 × 1.005, sell 100 × 0.995', () => {
    const h = simHarness({ sim: { slippage: { kind: 'fixed-bps', bps: 50 } } });
    h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    h.bar(100, 110, 95, 105);
    h.submit({ side: 'sell', type: 'market', size: { base: 1 } });
    h.bar(100, 110, 95, 105);
    expect(h.fills.map((f) => f.price)).toEqual([100 * 1.005, 100 * 0.995]);
  });

  it("is clamped to the bar's range", () => {
    const h = simHarness({ sim: { slippage: { kind: 'fixed-bps', bps: 50 } } });
    h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    h.bar(100, 100.2, 95, 99);
    h.submit({ side: 'sell', type: 'market', size: { base: 1 } });
    h.bar(100, 110, 99.8, 105);
    expect(h.fills.map((f) => f.price)).toEqual([100.2, 99.8]);
  });

  it('volume share: impact × (qty / volume)² = 0.1 × 0.1² → 100.1', () => {
    const h = simHarness({ sim: { slippage: { kind: 'volume-share', impact: 0.1 } }, account: { cash: 100_000 } });
    h.submit({ side: 'buy', type: 'market', size: { base: 100 } });
    h.bar(100, 110, 95, 105, 1000);
    expect(h.fills[0]!.price).toBeCloseTo(100.1, 10);
  });

  it('square-root impact: c × (high − low) / close × √(qty / volume) = 15/105 × 0.1 → 101.428…', () => {
    const h = simHarness({ sim: { slippage: { kind: 'sqrt-impact', coefficient: 1 } } });
    h.submit({ side: 'sell', type: 'market', size: { base: 10 } });
    h.bar(100, 110, 95, 105, 1000);
    expect(h.fills[0]!.price).toBeCloseTo(100 * (1 - (15 / 105) * 0.1), 10);
  });

  it('applies to stops but not to limits', () => {
    const h = simHarness({ sim: { slippage: { kind: 'fixed-bps', bps: 50 } } });
    openPosition(h, 2);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 } });
    const limit = h.submit({ side: 'sell', type: 'limit', price: 103, size: { base: 1 } });
    h.bar(100, 104, 90, 92);
    expect(h.fillsOf(limit)[0]!.price).toBe(103);
    expect(h.fillsOf(stop)[0]!.price).toBeCloseTo(95 * 0.995, 10);
  });
});

describe('fees', () => {
  const inst = [{ symbol: 'X', makerFee: 0.001, takerFee: 0.002 }];

  it("charge the instrument's taker rate on takers and maker rate on makers", () => {
    const h = simHarness({ instruments: inst });
    h.submit({ side: 'buy', type: 'market', size: { base: 2 } });
    h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 2 } });
    h.bar(100, 101, 90, 92);
    expect(h.fills.map((f) => [f.liquidity, f.fee])).toEqual([['taker', 2 * 100 * 0.002], ['maker', 2 * 95 * 0.001]]);
    expect(h.portfolio.account.feesPaid).toBeCloseTo(0.4 + 0.19, 12);
  });

  it('overrides replace the instrument rates', () => {
    const h = simHarness({ instruments: inst, sim: { fees: { taker: 0.005, maker: 0 } } });
    h.submit({ side: 'buy', type: 'market', size: { base: 2 } });
    h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 2 } });
    h.bar(100, 101, 90, 92);
    expect(h.fills.map((f) => f.fee)).toEqual([1, 0]);
  });

  it('a fixed fee per order is charged once, with its first fill', () => {
    const h = simHarness({ sim: { fees: { fixedPerOrder: 3 }, maxVolumeShare: 0.1 } });
    h.submit({ side: 'buy', type: 'market', size: { base: 15 } });
    h.bars([[100, 101, 99, 100, 100], [100, 101, 99, 100, 100]]);
    expect(h.fills.map((f) => [f.quantity, f.fee])).toEqual([[10, 3], [5, 0]]);
  });

  it('a fee per unit scales with the quantity', () => {
    const h = simHarness({ sim: { fees: { perUnit: 0.5, taker: 0.001 } } });
    h.submit({ side: 'buy', type: 'market', size: { base: 4 } });
    h.bar(100, 101, 99, 100);
    expect(h.fills[0]!.fee).toBeCloseTo(4 * 0.5 + 400 * 0.001, 12);
  });

  it('fees are paid out of the balance', () => {
    const h = simHarness({ instruments: inst, account: { cash: 1000 } });
    h.submit({ side: 'buy', type: 'market', size: { base: 2 } });
    h.bar(100, 101, 99, 100);
    expect(h.portfolio.balance).toBeCloseTo(1000 - 0.4, 12);
    expect(h.portfolio.equity).toBeCloseTo(1000 - 0.4, 12);
  });
});

describe('quote- and equity-sized orders', () => {
  it('a quote amount buys what it pays for including the fee, rounded down to the lot', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', takerFee: 0.001, lotSize: 0.01 }] });
    const order = h.submit({ side: 'buy', type: 'market', size: { quote: 1000 } });
    h.bar(100, 101, 99, 100);
    // 1000 / (100 × 1.001) = 9.99000999 → 9.99
    expect(h.fillsOf(order)).toMatchObject([{ quantity: 9.99, price: 100 }]);
    expect(order.quantity).toBe(9.99);
    expect(9.99 * 100 + h.fills[0]!.fee).toBeLessThanOrEqual(1000);
  });

  it('a quote amount is resolved at the slipped fill price', () => {
    const h = simHarness({ sim: { slippage: { kind: 'fixed-bps', bps: 100 } } });
    h.submit({ side: 'buy', type: 'market', size: { quote: 1010 } });
    h.bar(100, 110, 99, 100);
    expect(h.fills[0]!.price).toBeCloseTo(101, 10);
    expect(h.fills[0]!.quantity).toBeCloseTo(10, 10);
  });

  it('an equity fraction spends that share of the free margin, fee included', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', takerFee: 0.001, lotSize: 0.01 }], account: { cash: 10_000 } });
    h.submit({ side: 'buy', type: 'market', size: { equityFraction: 0.5 } });
    h.bar(100, 101, 99, 100);
    // 5000 / (100 + 0.1) = 49.95004995 → 49.95
    expect(h.fills[0]!.quantity).toBe(49.95);
  });

  it('an equity fraction on a 5x margin account buys five times the margin', () => {
    const h = simHarness({ account: { cash: 1000, leverage: 5 } });
    h.submit({ side: 'buy', type: 'market', size: { equityFraction: 1 } });
    h.bar(100, 101, 99, 100);
    expect(h.fills[0]!.quantity).toBeCloseTo(50, 10);
  });

  it('a size that resolves below the lot is refused at the venue without breaking the order state machine', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', lotSize: 1 }] });
    const order = h.submit({ side: 'buy', type: 'market', size: { quote: 50 } });
    expect(() => h.bar(100, 101, 99, 100)).not.toThrow();
    expect(h.fills).toEqual([]);
    expect(['canceled', 'rejected']).toContain(order.status);
    expect(order.reason).toMatch(/below the minimum/);
  });

  it('a size below the minimum notional at the fill price is refused', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', minNotional: 10, takerFee: 0.1 }] });
    // 10.5 / (100 × 1.1) = 0.0954 → notional 9.54 < 10.
    const order = h.submit({ side: 'buy', type: 'market', size: { quote: 10.5 } });
    expect(() => h.bar(100, 101, 99, 100)).not.toThrow();
    expect(h.fills).toEqual([]);
    expect(order.reason).toMatch(/notional 10/);
  });
});

describe('margin', () => {
  it('cancels an order the account cannot afford at the fill', () => {
    const h = simHarness({ account: { cash: 1000 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 20 } });
    h.bar(100, 101, 99, 100);
    expect(order).toMatchObject({ status: 'canceled', reason: 'insufficient margin: needs 2000, 1000 free' });
  });

  it('checks margin at the fill price, not at the price when sent', () => {
    const h = simHarness({ account: { cash: 1000 } });
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 10 } });
    h.bar(101, 102, 100, 101);
    expect(order.status).toBe('canceled');
  });

  it('lets a margin account use its leverage', () => {
    const h = simHarness({ account: { cash: 1000, leverage: 5 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 40 } });
    h.bar(100, 101, 99, 100);
    expect(order.status).toBe('filled');
    expect(h.portfolio.account).toMatchObject({ marginUsed: 800, freeMargin: 200 });
  });

  it('a cash account cannot sell short, even when the order reaches the venue', () => {
    const h = simHarness({ account: { type: 'cash' } });
    const order = h.submit({ side: 'sell', type: 'market', size: { base: 1 } });
    h.bar(100, 101, 99, 100);
    expect(order).toMatchObject({ status: 'canceled', reason: 'a cash account cannot sell short; use a margin account' });
  });

  it('a cash account may sell what it holds', () => {
    const h = simHarness({ account: { type: 'cash' } });
    openPosition(h, 2);
    h.submit({ side: 'sell', type: 'market', size: { base: 2 } });
    h.bar(110, 111, 109, 110);
    expect(h.position()).toBe(0);
    expect(h.portfolio.balance).toBe(10_020);
  });

  it('closing part of a flip frees margin for the new side', () => {
    const h = simHarness({ account: { cash: 1000 } });
    openPosition(h, 9);
    const flip = h.submit({ side: 'sell', type: 'market', size: { base: 18 } });
    h.bar(100, 101, 99, 100);
    expect(flip.status).toBe('filled');
    expect(h.position()).toBe(-9);
  });
});

describe('funding', () => {
  const series = (time: number, rate: number) => ({ X: { time: Float64Array.of(time), rate: Float64Array.of(rate) } });

  it('a long pays rate × quantity × mark at the funding time (mark on the path)', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', assetClass: 'crypto-perp' }], funding: series(START_PLUS(1, 90), 0.001) });
    openPosition(h, 10);
    // Bar 1: 100 → 90 → 110 → 105 (tie: low first); 90 min in: 100.
    h.bar(100, 110, 90, 105);
    expect(h.funding).toMatchObject([{ symbol: 'X', rate: 0.001, markPrice: 100, amount: 1, time: h.at(1, 90) }]);
    expect(h.portfolio.balance).toBeCloseTo(10_000 - 1, 12);
    expect(h.portfolio.position('X').funding).toBeCloseTo(1, 12);
  });

  it('a short receives a positive rate', () => {
    const h = simHarness({ funding: series(START_PLUS(1, 90), 0.001) });
    openPosition(h, -10);
    h.bar(100, 110, 90, 105);
    expect(h.funding[0]!.amount).toBeCloseTo(-1, 12);
    expect(h.portfolio.balance).toBeCloseTo(10_001, 12);
  });

  it('a flat account pays nothing', () => {
    const h = simHarness({ funding: series(START_PLUS(1, 90), 0.001) });
    h.bars([[100, 101, 99, 100], [100, 110, 90, 105]]);
    expect(h.funding).toEqual([]);
  });

  it('funding that falls in a gap of the data is still paid, at the next bar', () => {
    const h = simHarness({ funding: series(START_PLUS(2, 90), 0.001) });
    openPosition(h, 10);
    // Bar 2 (which holds the funding time) is missing; bar 3 opens at 100.
    h.feed({ symbol: 'X', timeframe: '3h', time: h.time(3), open: 100, high: 101, low: 99, close: 100, volume: 1000 });
    expect(h.funding).toMatchObject([{ amount: 1, markPrice: 100, time: h.time(3) }]);
  });

  it('funding before the first bar of the data is skipped', () => {
    const h = simHarness({ funding: { X: { time: Float64Array.of(START - 1000, START_PLUS(1, 30)), rate: Float64Array.of(0.5, 0.001) } } });
    openPosition(h, 10);
    h.bar(100, 100, 100, 100);
    expect(h.funding.map((f) => f.rate)).toEqual([0.001]);
  });

  it('funding is carried by the trade', () => {
    const h = simHarness({ funding: series(START_PLUS(1, 90), -0.002) });
    openPosition(h, 10);
    h.bar(100, 110, 90, 105);
    h.submit({ side: 'sell', type: 'market', size: { base: 10 } });
    h.bar(105, 106, 104, 105);
    const trade = h.portfolio.trades[0]!;
    expect(trade.carry).toBeCloseTo(-2, 12);
    expect(trade.pnl).toBeCloseTo(50 + 2, 12);
  });
});

/** `minutes` after the open of 3h bar `bar`. */
function START_PLUS(bar: number, minutes: number): number {
  return START + bar * 180 * MIN + minutes * MIN;
}

describe('liquidation', () => {
  it('closes every position at the close when equity falls to zero, and the venue absorbs the loss', () => {
    const h = simHarness({ account: { cash: 1000, leverage: 10 } });
    openPosition(h, 100);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 50, size: { base: 100 }, reduceOnly: true });
    h.bar(95, 96, 88, 89);
    expect(h.position()).toBe(0);
    const liquidation = h.fills.at(-1)!;
    expect(liquidation).toMatchObject({ price: 89, quantity: 100, tag: 'liquidation', side: 'sell', time: h.time(2) });
    expect(h.balance).toMatchObject([{ amount: 100 }]);
    expect(h.portfolio.balance).toBeCloseTo(0, 9);
    expect(h.exchange.wasLiquidated).toBe(true);
    expect(stop.status).toBe('canceled');
  });

  it('liquidates at the maintenance margin: equity ≤ gross × rate', () => {
    const keep = simHarness({ account: { cash: 1000, leverage: 10 }, sim: { maintenanceMargin: 0.05 } });
    openPosition(keep, 100);
    keep.bar(95, 96, 94, 95); // equity 500 > 9500 × 0.05 = 475
    expect(keep.position()).toBe(100);
    const liquidate = simHarness({ account: { cash: 1000, leverage: 10 }, sim: { maintenanceMargin: 0.05 } });
    openPosition(liquidate, 100);
    liquidate.bar(95, 96, 94, 94.5); // equity 450 ≤ 9450 × 0.05 = 472.5
    expect(liquidate.position()).toBe(0);
    expect(liquidate.portfolio.balance).toBeCloseTo(450, 9);
  });

  it('an account that trades again after a liquidation can be liquidated again', () => {
    const h = simHarness({ account: { cash: 1000, leverage: 10 }, sim: { maintenanceMargin: 0.05 } });
    openPosition(h, 100);
    h.bar(95, 96, 94, 94.5); // liquidated, 450 left
    expect(h.position()).toBe(0);
    h.submit({ side: 'buy', type: 'market', size: { base: 40 } });
    h.bar(100, 100, 100, 100); // 40 at 100 on 450 of equity
    h.bar(95, 95, 88, 89); // equity 450 − 440 = 10 ≤ 3560 × 0.05
    expect(h.position()).toBe(0);
    expect(h.fills.filter((f) => f.tag === 'liquidation')).toHaveLength(2);
    expect(h.portfolio.balance).toBeCloseTo(10, 9);
  });

  it('a cash account is never liquidated', () => {
    const h = simHarness({ account: { type: 'cash', cash: 1000 } });
    openPosition(h, 10);
    h.bar(50, 51, 1, 1);
    expect(h.position()).toBe(10);
    expect(h.exchange.wasLiquidated).toBe(false);
  });
});

describe('which fill comes first within a bar', () => {
  // Long 1; take-profit at 110, stop at 95; bar 100 → 111 → 88 → 100 (high nearer): the path reaches
  // the take-profit at s = 10/11 and the stop at s = 1 + 16/23.
  function bracket(fillPriority: 'path' | 'stops-first' | 'freqtrade'): { tp: string; sl: string; h: SimHarness } {
    const h = simHarness({ sim: { fillPriority, path: 'nearest' } });
    openPosition(h, 1);
    const tp = h.submit({ side: 'sell', type: 'limit', price: 110, size: { base: 1 }, reduceOnly: true });
    const sl = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 }, reduceOnly: true });
    h.bar(100, 111, 88, 100);
    return { tp: tp.status, sl: sl.status, h };
  }

  it("'path': whichever the path reaches first", () => {
    expect(bracket('path')).toMatchObject({ tp: 'filled', sl: 'canceled' });
  });

  it("'stops-first': the stop, wherever the path goes (backtesting.py)", () => {
    const { sl, tp, h } = bracket('stops-first');
    expect({ sl, tp }).toEqual({ sl: 'filled', tp: 'canceled' });
    expect(h.fills.at(-1)!.price).toBe(95);
  });

  it("'freqtrade': a stop that has not trailed before a limit", () => {
    expect(bracket('freqtrade')).toMatchObject({ sl: 'filled', tp: 'canceled' });
  });

  it("'freqtrade': a limit before a stop that has trailed", () => {
    const h = simHarness({ sim: { fillPriority: 'freqtrade', path: 'low-first' } });
    openPosition(h, 1);
    const trailing = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 80, size: { base: 1 }, reduceOnly: true, trailing: { offset: 0.05 } });
    h.bar(100, 104, 99, 104); // best 104 → stop 98.8
    const tp = h.submit({ side: 'sell', type: 'limit', price: 106, size: { base: 1 }, reduceOnly: true });
    // Low first: 103 → 90 → 107 → 100: the trailed stop (98.8) is reached first, the limit later.
    h.bar(103, 107, 90, 100);
    expect(tp.status).toBe('filled');
    expect(trailing.status).toBe('canceled');
  });

  it("'freqtrade': a market exit before a stop the open gapped through", () => {
    const h = simHarness({ sim: { fillPriority: 'freqtrade' } });
    openPosition(h, 1);
    const sl = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 }, reduceOnly: true });
    const exit = h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true, tag: 'exit_signal' });
    h.bar(94, 96, 93, 95);
    expect(exit.status).toBe('filled');
    expect(sl.status).toBe('canceled');
  });
});

describe('orders sent in reaction to a fill inside a bar', () => {
  // A buy stop entry at 105 fills on 100 → 99 → 110 → 102 at s = 1 + 6/11; its stop-loss at 103 is
  // sent from the fill callback. The rest of the path (110 → 102) crosses 103.
  function run(reactWithinBar: 'anywhere' | 'unambiguous'): SimHarness {
    const h = simHarness({ sim: { reactWithinBar } });
    h.onFill((fill) => {
      if (fill.tag === 'entry') h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 103, size: { base: 1 }, reduceOnly: true, tag: 'stop_loss' });
    });
    h.submit({ side: 'buy', type: 'stop-market', triggerPrice: 105, size: { base: 1 }, tag: 'entry' });
    h.bar(100, 110, 99, 102);
    return h;
  }

  it("'anywhere': work for the rest of the bar", () => {
    const h = run('anywhere');
    expect(h.fills.map((f) => [f.tag, f.price])).toEqual([['entry', 105], ['stop_loss', 103]]);
    expect(h.fills[1]!.time).toBeCloseTo(h.at(0, 120 + (7 / 8) * 60), 0);
  });

  it("'unambiguous': wait for the next bar when their stop lies inside this bar's range", () => {
    const h = run('unambiguous');
    expect(h.fills.map((f) => f.tag)).toEqual(['entry']);
    expect(h.position()).toBe(1);
    h.bar(104, 105, 103.5, 104);
    expect(h.position()).toBe(1);
    h.bar(102.5, 103, 101, 102);
    expect(h.fills.at(-1)).toMatchObject({ tag: 'stop_loss', price: 102.5, time: h.time(2) });
  });

  it("'unambiguous': work in the same bar when their stop is outside the bar's range", () => {
    const h = simHarness({ sim: { reactWithinBar: 'unambiguous' } });
    h.onFill((fill) => {
      if (fill.tag === 'entry') {
        h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, reduceOnly: true, tag: 'stop_loss' });
        h.submit({ side: 'sell', type: 'limit', price: 108, size: { base: 1 }, reduceOnly: true, tag: 'take_profit' });
      }
    });
    h.submit({ side: 'buy', type: 'stop-market', triggerPrice: 105, size: { base: 1 }, tag: 'entry' });
    h.bar(100, 110, 99, 102);
    expect(h.fills.map((f) => [f.tag, f.price])).toEqual([['entry', 105], ['take_profit', 108]]);
  });
});

describe('latency of reactions', () => {
  it('an order sent from a fill callback arrives latency later on the path', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    h.onFill((fill) => {
      if (fill.tag === 'entry') h.submit({ side: 'sell', type: 'market', size: { base: 1 }, tag: 'exit' });
    });
    h.bar(100, 100, 100, 100);
    h.submit({ side: 'buy', type: 'market', size: { base: 1 }, tag: 'entry' });
    // Path 100 → 95 → 110 → 105: the entry at s = 0.5 (97.5), the exit 30 min later at s = 1 (95).
    h.bar(100, 110, 95, 105);
    expect(h.fills.map((f) => [f.tag, f.price, (f.time - h.time(1)) / MIN])).toEqual([['entry', 97.5, 30], ['exit', 95, 60]]);
  });
});

describe('several symbols in one time step', () => {
  it('an order sent in reaction to a fill reaches the venue at that fill, whatever the bars walked before', () => {
    const h = simHarness({ instruments: [{ symbol: 'X' }, { symbol: 'Y' }] });
    h.onFill((fill) => {
      if (fill.tag === 'entry') h.submit({ symbol: 'Y', side: 'sell', type: 'stop-market', triggerPrice: 103, size: { base: 1 }, reduceOnly: true, tag: 'stop_loss' });
    });
    // X's bar is walked first; its last event (an expiry) is at 174 min and moves the shared clock there.
    h.submit({ symbol: 'X', side: 'buy', type: 'limit', price: 50, size: { base: 1 }, expireTime: h.at(0, 174) });
    h.submit({ symbol: 'Y', side: 'buy', type: 'stop-market', triggerPrice: 105, size: { base: 1 }, tag: 'entry' });
    // Y: 100 → 99 → 110 → 102; entry at s = 1 + 6/11, its stop crossed on the last leg at s = 2 + 7/8 (172.5 min).
    h.step({ X: [100, 101, 99, 100], Y: [100, 110, 99, 102] });
    const stop = h.fills.find((f) => f.tag === 'stop_loss')!;
    expect(stop).toMatchObject({ price: 103, time: h.at(0, 172.5) });
  });
});
