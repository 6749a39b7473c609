/**
 * The order state machine as the ExecutionEngine drives it: one event per transition carrying the
 * status after it, the event sequence of each order type's life, unique client order ids, and a
 * journal of `order` events that replays to every order's final state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectReplayed, replay } from '../../test/kit/journal.js';
import { playScenario as play, scenarioArb } from '../../test/kit/random-orders.js';
import { simHarness } from '../../test/kit/sim-harness.js';
import { InvalidOrderError } from '../core/errors.js';
import type { OrderEvent } from '../model/events.js';
import { Order, canTransition, type OrderStatus } from '../model/order.js';

const mkt = { side: 'buy', type: 'market', size: { base: 1 } } as const;

describe('event sequences of an order life', () => {
  it('market: initialized → submitted → accepted → filled', () => {
    const h = simHarness();
    const order = h.submit(mkt);
    h.bar(100, 101, 99, 100);
    expect(h.eventsOf(order).map((e) => [e.kind, e.status])).toEqual([
      ['order.initialized', 'initialized'], ['order.submitted', 'submitted'], ['order.accepted', 'accepted'], ['order.filled', 'filled'],
    ]);
  });

  it('limit: rests (no event while it waits), then fills', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 } });
    h.bars([[100, 101, 99, 100], [100, 101, 95, 96], [95, 96, 89, 90]]);
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'accepted', 'filled']);
  });

  it('stop-limit: accepted → triggered → filled', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'stop-limit', triggerPrice: 105, price: 106, size: { base: 1 } });
    h.bar(100, 110, 99, 108);
    expect(h.eventsOf(order).map((e) => e.status)).toEqual(['initialized', 'submitted', 'accepted', 'triggered', 'filled']);
  });

  it('partial fills: partially-filled until the last fill', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.5 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 2.5 } });
    h.bars([[100, 101, 99, 100, 2], [100, 101, 99, 100, 2], [100, 101, 99, 100, 2]]);
    expect(h.eventsOf(order).map((e) => e.status)).toEqual(['initialized', 'submitted', 'accepted', 'partially-filled', 'partially-filled', 'filled']);
    const fills = h.eventsOf(order).filter((e): e is Extract<OrderEvent, { kind: 'order.filled' }> => e.kind === 'order.filled');
    expect(fills.map((e) => e.filledQuantity)).toEqual([1, 2, 2.5]);
  });

  it('canceled: one event, with the reason', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 } });
    h.cancel(order, 'no longer wanted');
    h.cancel(order, 'twice');
    expect(h.eventsOf(order).slice(-1)).toMatchObject([{ kind: 'order.canceled', status: 'canceled', reason: 'no longer wanted' }]);
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'accepted', 'canceled']);
  });

  it('expired: one event, at the expiry time', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 }, expireTime: h.at(0, 30) });
    h.bars([[100, 101, 99, 100], [100, 101, 99, 100]]);
    expect(h.eventsOf(order).slice(-1)).toMatchObject([{ kind: 'order.expired', status: 'expired', time: h.at(0, 30) }]);
  });

  it('rejected by the venue: initialized → submitted → rejected', () => {
    const h = simHarness();
    const order = h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true });
    expect(h.eventsOf(order).map((e) => [e.kind, e.status])).toEqual([
      ['order.initialized', 'initialized'], ['order.submitted', 'submitted'], ['order.rejected', 'rejected'],
    ]);
  });

  it('rejected by risk: initialized → rejected, and nothing reaches the venue', () => {
    const h = simHarness({ risk: 'pre-trade' });
    const order = h.submit({ symbol: 'NOPE', ...mkt });
    expect(h.eventsOf(order).map((e) => [e.kind, e.status])).toEqual([['order.initialized', 'initialized'], ['order.rejected', 'rejected']]);
    h.bar(100, 101, 99, 100);
    expect(h.fills).toEqual([]);
  });

  it('a modification emits order.updated without changing the status', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 } });
    h.modify(order, { price: 91 });
    expect(h.eventsOf(order).at(-1)).toMatchObject({ kind: 'order.updated', status: 'accepted', price: 91 });
    expect(order.price).toBe(91);
  });

  it('a venue-made order (liquidation) has the same life as any other', () => {
    const h = simHarness({ account: { cash: 100, leverage: 10 } });
    h.submit({ side: 'buy', type: 'market', size: { base: 10 } });
    h.bar(100, 100, 100, 100);
    h.bar(95, 96, 88, 89);
    const liquidation = h.execution.all().find((o) => o.tag === 'liquidation')!;
    expect(liquidation.owner).toBe('venue');
    expect(h.kinds(liquidation)).toEqual(['initialized', 'submitted', 'accepted', 'filled']);
  });
});

describe('the state machine', () => {
  const statuses: OrderStatus[] = ['initialized', 'submitted', 'accepted', 'triggered', 'partially-filled', 'filled', 'canceled', 'rejected', 'expired'];

  it('modifying a finished order is refused with InvalidOrderError', () => {
    const h = simHarness();
    const order = h.submit(mkt);
    h.bar(100, 101, 99, 100);
    expect(() => h.modify(order, { price: 1 })).toThrow(InvalidOrderError);
  });

  it('modifying with an impossible value names the field', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 } });
    expect(() => h.modify(order, { price: Number.NaN })).toThrow(/price must be a positive finite number/);
  });

  it('canceling a finished order does nothing', () => {
    const h = simHarness();
    const order = h.submit(mkt);
    h.bar(100, 101, 99, 100);
    h.cancel(order);
    expect(h.kinds(order).at(-1)).toBe('filled');
  });

  it('an unknown order id is an InvalidOrderError', () => {
    const h = simHarness();
    expect(() => h.cancel('O-99')).toThrow(InvalidOrderError);
  });

  it('every emitted event follows a legal transition or keeps the status (updates, further partial fills)', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const h = play(scenario);
        const last = new Map<string, OrderStatus>();
        for (const e of h.events) {
          const before = last.get(e.orderId);
          if (before === undefined) expect(e).toMatchObject({ kind: 'order.initialized', status: 'initialized' });
          else if (e.kind === 'order.updated' || (before === 'partially-filled' && e.status === 'partially-filled')) expect(e.status).toBe(before);
          else expect(canTransition(before, e.status)).toBe(true);
          last.set(e.orderId, e.status);
        }
        for (const order of h.execution.all()) expect(last.get(order.id)).toBe(order.status);
      }),
      { numRuns: 150 },
    );
  });

  it.each(statuses.flatMap((from) => statuses.map((to) => [from, to] as const)))('the table decides %s → %s', (from, to) => {
    const legal: Record<OrderStatus, readonly OrderStatus[]> = {
      initialized: ['submitted', 'rejected'],
      submitted: ['accepted', 'rejected', 'canceled'],
      accepted: ['triggered', 'partially-filled', 'filled', 'canceled', 'expired'],
      triggered: ['partially-filled', 'filled', 'canceled', 'expired'],
      'partially-filled': ['partially-filled', 'filled', 'canceled', 'expired'],
      filled: [], canceled: [], rejected: [], expired: [],
    };
    expect(canTransition(from, to)).toBe(legal[from].includes(to));
    // An order brought to `from` along legal transitions accepts `to` exactly when the table does.
    const pathTo: Record<OrderStatus, readonly OrderStatus[]> = {
      initialized: [], submitted: ['submitted'], accepted: ['submitted', 'accepted'], triggered: ['submitted', 'accepted', 'triggered'],
      'partially-filled': ['submitted', 'accepted', 'partially-filled'], filled: ['submitted', 'accepted', 'filled'],
      canceled: ['submitted', 'canceled'], rejected: ['rejected'], expired: ['submitted', 'accepted', 'expired'],
    };
    const order = new Order('O-1', 'C-1', { symbol: 'X', ...mkt }, 0);
    pathTo[from].forEach((status, i) => order.transition(status, i + 1));
    if (legal[from].includes(to)) expect(() => order.transition(to, 99)).not.toThrow();
    else expect(() => order.transition(to, 99)).toThrow(`order O-1: illegal transition ${from} → ${to}`);
  });
});

describe('without order history (keepHistory: false)', () => {
  it('listeners of a final event can still look the order up; afterwards it is forgotten', () => {
    const h = simHarness({ keepOrderHistory: false });
    const found: Array<[string, boolean]> = [];
    h.bus.subscribe('order', (e) => found.push([e.kind, h.execution.get(e.orderId) !== undefined]));
    const filled = h.submit(mkt);
    const canceled = h.submit({ side: 'buy', type: 'limit', price: 50, size: { base: 1 } });
    h.cancel(canceled);
    h.bar(100, 101, 99, 100);
    expect(found.filter(([kind]) => kind === 'order.filled' || kind === 'order.canceled')).toEqual([['order.canceled', true], ['order.filled', true]]);
    expect(h.execution.get(filled.id)).toBeUndefined();
    expect(h.execution.get(canceled.id)).toBeUndefined();
    expect(h.execution.byClientId(filled.clientOrderId)).toBeUndefined();
    expect(h.execution.all()).toEqual([]);
  });
});

describe('client order ids', () => {
  it('are unique across many orders', () => {
    const h = simHarness();
    const ids = Array.from({ length: 50 }, () => h.submit({ side: 'buy', type: 'limit', price: 50, size: { base: 1 } }).clientOrderId);
    expect(new Set(ids).size).toBe(50);
  });

  it('a clientOrderId already in use is refused', () => {
    const h = simHarness();
    h.submit({ ...mkt, clientOrderId: 'mine-1' });
    expect(() => h.submit({ ...mkt, clientOrderId: 'mine-1' })).toThrow(/clientOrderId mine-1 is already used/);
  });

  it('a generated id never collides with one the caller chose', () => {
    const h = simHarness();
    const chosen = h.submit({ ...mkt, clientOrderId: 'C-2' });
    const generated = h.submit(mkt);
    expect(generated.clientOrderId).not.toBe('C-2');
    expect(h.execution.byClientId('C-2')).toBe(chosen);
    expect(h.execution.byClientId(generated.clientOrderId)).toBe(generated);
  });

  it('orders can be found by either id', () => {
    const h = simHarness();
    const order = h.submit({ ...mkt, clientOrderId: 'abc' });
    expect(h.execution.get(order.id)).toBe(order);
    expect(h.execution.byClientId('abc')).toBe(order);
  });
});

// ---- the journal ------------------------------------------------------------------------------

describe('the order journal', () => {
  it('replayed, reproduces every order of random scenarios', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const h = play(scenario);
        expectReplayed(h.execution.all(), replay(h.events));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('replays a quote-sized order that was canceled after a partial fill, resolved quantity included', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.5 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { quote: 1000 } });
    h.bar(100, 101, 99, 100, 4);
    h.cancel(order);
    expect(order).toMatchObject({ status: 'canceled', quantity: 10, filledQuantity: 2 });
    expectReplayed(h.execution.all(), replay(h.events));
  });
});
