import { describe, expect, it } from 'vitest';
import { orderEvent } from '../model/events.js';
import { OrderScript } from '../../test/kit/order-events.js';
import { JournalError } from './errors.js';
import { applyOrderEvent, orderEventKey } from './journal.js';
import type { JournaledOrder } from './port.js';

const T = 1_700_000_000_000;

function fold(events: ReturnType<OrderScript['initialized']>[]): JournaledOrder | undefined {
  return events.reduce<JournaledOrder | undefined>((order, e) => applyOrderEvent(order, e), undefined);
}

describe('orderEventKey', () => {
  it('identifies lifecycle events by kind, fills by trade id and updates by time and content', () => {
    const s = new OrderScript('O-1', { type: 'limit', price: 100 });
    expect(orderEventKey(s.initialized())).toBe('initialized');
    expect(orderEventKey(s.submitted(T))).toBe('submitted');
    s.accepted(T + 1);
    expect(orderEventKey(s.filled(T + 2, 0.5, 100))).toBe('filled:O-1-T1');
    const a = orderEventKey(s.updated(T + 3, 101));
    const b = orderEventKey(s.updated(T + 3, 102));
    expect(a).toMatch(/^updated:/);
    expect(a).not.toBe(b);
  });
});

describe('applyOrderEvent', () => {
  it('folds a stop-limit lifecycle to the order\'s own final state', () => {
    const s = new OrderScript('O-2', { type: 'stop-limit', price: 99, triggerPrice: 100, size: { base: 2 } });
    const events = [s.initialized(), s.submitted(T), s.accepted(T + 1, 'venue-9'), s.triggered(T + 2), s.filled(T + 3, 1, 99), s.filled(T + 4, 1, 98.5)];
    expect(fold(events)).toEqual({ ...s.order.snapshot(), venueOrderId: 'venue-9' });
  });

  it('records the reason of a rejection, cancel or expiry', () => {
    const r = new OrderScript('R');
    expect(fold([r.initialized(), r.submitted(T), r.rejected(T + 1, 'price band')])?.reason).toBe('price band');
    const c = new OrderScript('C');
    expect(fold([c.initialized(), c.submitted(T), c.accepted(T + 1), c.canceled(T + 2, 'user')])).toMatchObject({ status: 'canceled', reason: 'user', updatedAt: T + 2 });
  });

  it('refuses an event before order.initialized, and a second initialization', () => {
    const s = new OrderScript('O-3');
    const init = s.initialized();
    expect(() => applyOrderEvent(undefined, s.submitted(T))).toThrow(JournalError);
    expect(() => applyOrderEvent(applyOrderEvent(undefined, init), init)).toThrow(/already exists/);
  });

  it('refuses a transition the state machine forbids and a status that does not match the kind', () => {
    const s = new OrderScript('O-4');
    const init = applyOrderEvent(undefined, s.initialized());
    const skip = orderEvent('order.accepted', { ...s.order, status: 'accepted' }, T, { venueOrderId: 'v' });
    expect(() => applyOrderEvent(init, skip)).toThrow(/illegal transition initialized → accepted/);
    const lying = orderEvent('order.submitted', { ...s.order, status: 'accepted' }, T, {});
    expect(() => applyOrderEvent(init, lying)).toThrow(/order.submitted with status accepted/);
  });

  it('refuses a fill of another order and a fill with a non-positive quantity', () => {
    const s = new OrderScript('O-5');
    const events = [s.initialized(), s.submitted(T), s.accepted(T + 1)];
    const state = fold(events)!;
    const fill = { tradeId: 't', orderId: 'other', clientOrderId: 'c', symbol: 'BTC/USDT', side: 'buy' as const, quantity: 1, price: 1, fee: 0, liquidity: 'taker' as const, time: T };
    const wrong = orderEvent('order.filled', { ...s.order, status: 'filled' }, T + 2, { fill, filledQuantity: 1, avgFillPrice: 1 });
    expect(() => applyOrderEvent(state, wrong)).toThrow(/belongs to order other/);
    const zero = orderEvent('order.filled', { ...s.order, status: 'filled' }, T + 2, { fill: { ...fill, orderId: 'O-5', quantity: 0 }, filledQuantity: 1, avgFillPrice: 1 });
    expect(() => applyOrderEvent(state, zero)).toThrow(/quantity must be positive/);
  });

  it('refuses an update that changes the status', () => {
    const s = new OrderScript('O-6', { type: 'limit', price: 10 });
    const state = fold([s.initialized(), s.submitted(T)])!;
    const update = orderEvent('order.updated', { ...s.order, status: 'accepted' }, T + 1, { price: 11 });
    expect(() => applyOrderEvent(state, update)).toThrow(/changes status/);
  });
});
