/**
 * Pre-trade checks as orders meet them: through the ExecutionEngine, so each denial is seen the
 * way the rest of the system sees it — an `order.rejected` event (source `risk`) and a `risk`
 * event with the check and its reason.
 */
import { describe, expect, it } from 'vitest';
import { simHarness, type SimHarness } from '../../test/kit/sim-harness.js';
import type { OrderView } from '../model/order.js';

function harness(options: Parameters<typeof simHarness>[0] = {}): SimHarness {
  const h = simHarness({ risk: 'pre-trade', ...options });
  h.bar(100, 101, 99, 100);
  return h;
}

function expectDenied(h: SimHarness, order: OrderView, check: string, reason: RegExp): void {
  expect(order.status).toBe('rejected');
  expect(h.kinds(order)).toEqual(['initialized', 'rejected']);
  const rejected = h.eventsOf(order).at(-1)!;
  expect(rejected).toMatchObject({ kind: 'order.rejected', source: 'risk' });
  expect(order.reason).toMatch(reason);
  const risk = h.risk.filter((e) => e.clientOrderId === order.clientOrderId);
  expect(risk).toHaveLength(1);
  expect(risk[0]).toMatchObject({ kind: 'risk.denied', check, symbol: order.symbol, time: h.clock.now() });
  expect(risk[0]!.reason).toMatch(reason);
}

describe('trading state', () => {
  it('ACTIVE lets orders through', () => {
    const h = harness();
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    expect(order.status).toBe('accepted');
    expect(h.risk).toEqual([]);
  });

  it('REDUCING refuses orders that open or grow a position', () => {
    const h = harness();
    h.tradingState.set('REDUCING', 'drawdown breaker', 'test', h.clock.now());
    expectDenied(h, h.submit({ side: 'buy', type: 'market', size: { base: 1 } }), 'trading-state', /reducing/);
  });

  it('REDUCING lets reduce-only orders that shrink a position through', () => {
    const h = harness();
    h.submit({ side: 'buy', type: 'market', size: { base: 2 } });
    h.bar(100, 101, 99, 100);
    h.tradingState.set('REDUCING', 'drawdown breaker', 'test', h.clock.now());
    expectDenied(h, h.submit({ side: 'sell', type: 'market', size: { base: 1 } }), 'trading-state', /reduce-only/);
    expect(h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true }).status).toBe('accepted');
  });

  it('HALTED refuses everything, reducing orders included', () => {
    const h = harness();
    h.submit({ side: 'buy', type: 'market', size: { base: 2 } });
    h.bar(100, 101, 99, 100);
    h.tradingState.set('HALTED', 'kill switch', 'test', h.clock.now());
    expectDenied(h, h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true }), 'trading-state', /halted/);
  });
});

describe('instrument precision', () => {
  const inst = [{ symbol: 'X', tickSize: 0.5, lotSize: 0.1, minQuantity: 0.2, minNotional: 30 }];

  it('rounds prices to the nearest tick and quantities down to the lot', () => {
    const h = harness({ instruments: inst });
    const order = h.submit({ side: 'buy', type: 'stop-limit', price: 100.3, triggerPrice: 99.74, size: { base: 1.27 } });
    expect(order).toMatchObject({ status: 'accepted', price: 100.5, triggerPrice: 99.5, quantity: 1.2 });
  });

  it('rounds 0.3 / 0.1 as three lots despite binary noise', () => {
    const h = harness({ instruments: inst });
    expect(h.submit({ side: 'buy', type: 'market', size: { base: 0.3 } }).quantity).toBe(0.3);
  });

  it('refuses a quantity that rounds to zero lots', () => {
    const h = harness({ instruments: inst });
    expectDenied(h, h.submit({ side: 'buy', type: 'market', size: { base: 0.05 } }), 'lot-size', /rounds to 0/);
  });

  it('refuses a quantity below the minimum', () => {
    const h = harness({ instruments: inst });
    expectDenied(h, h.submit({ side: 'buy', type: 'market', size: { base: 0.1 } }), 'min-quantity', /below the minimum 0.2/);
  });

  it('refuses an order worth less than the minimum notional at its price', () => {
    const h = harness({ instruments: inst });
    expectDenied(h, h.submit({ side: 'buy', type: 'limit', price: 100, size: { base: 0.2 } }), 'min-notional', /20.00 is below the minimum notional 30/);
  });

  it('refuses a market order worth less than the minimum notional at the last price', () => {
    const h = harness({ instruments: inst });
    expectDenied(h, h.submit({ side: 'buy', type: 'market', size: { base: 0.2 } }), 'min-notional', /minimum notional/);
  });

  it('refuses a quote amount below the minimum notional', () => {
    const h = harness({ instruments: inst });
    expectDenied(h, h.submit({ side: 'buy', type: 'market', size: { quote: 20 } }), 'min-notional', /20 is below the minimum notional 30/);
  });
});

describe('other checks', () => {
  it('refuses an unknown symbol, listing the known ones', () => {
    const h = harness();
    expectDenied(h, h.submit({ symbol: 'NOPE', side: 'buy', type: 'market', size: { base: 1 } }), 'instrument', /unknown symbol NOPE; known: X/);
  });

  it('refuses a reduce-only order that would not reduce', () => {
    const h = harness();
    expectDenied(h, h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true }), 'reduce-only', /flat position/);
  });

  it('refuses a short on a cash account', () => {
    const h = harness({ account: { type: 'cash' } });
    expectDenied(h, h.submit({ side: 'sell', type: 'market', size: { base: 1 } }), 'short-selling', /cash account/);
  });

  it('refuses a fraction-sized short on a cash account', () => {
    const h = harness({ account: { type: 'cash' } });
    expectDenied(h, h.submit({ side: 'sell', type: 'market', size: { equityFraction: 1 } }), 'short-selling', /cash account/);
  });

  it('lets a cash account send a reduce-only order larger than its long (the venue caps it)', () => {
    const h = harness({ account: { type: 'cash' } });
    h.submit({ side: 'buy', type: 'market', size: { base: 3 } });
    h.bar(100, 101, 99, 100);
    const order = h.submit({ side: 'sell', type: 'market', size: { base: 5 }, reduceOnly: true });
    expect(order.status).toBe('accepted');
    h.bar(100, 101, 99, 100);
    expect(h.position()).toBe(0);
    expect(order.filledQuantity).toBe(3);
  });

  it('refuses an order beyond the buying power', () => {
    const h = harness({ account: { cash: 1000, leverage: 2 } });
    expectDenied(h, h.submit({ side: 'buy', type: 'limit', price: 100, size: { base: 21 } }), 'buying-power', /needs 1050.00 of margin, 1000.00 free/);
    expect(h.submit({ side: 'buy', type: 'limit', price: 100, size: { base: 20 } }).status).toBe('accepted');
  });

  it('counts only the part of a flip that opens the new side against buying power', () => {
    const h = harness({ account: { cash: 1000 } });
    h.submit({ side: 'buy', type: 'market', size: { base: 9 } });
    h.bar(100, 101, 99, 100);
    expect(h.submit({ side: 'sell', type: 'market', size: { base: 18 } }).status).toBe('accepted');
  });
});
