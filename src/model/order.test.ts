import { describe, expect, it } from 'vitest';
import { InvalidOrderError } from '../core/errors.js';
import { Order, canTransition, isTerminal } from './order.js';

const buy = { symbol: 'BTC/USDT', side: 'buy', type: 'market', size: { base: 1 } } as const;

describe('order state machine', () => {
  it('follows initialized → submitted → accepted → partially-filled → filled', () => {
    const order = new Order('O-1', 'C-1', { ...buy, size: { base: 2 } }, 0);
    order.transition('submitted', 1);
    order.transition('accepted', 2);
    order.applyFill(0.5, 100, 0.05, 3);
    expect(order.status).toBe('partially-filled');
    order.applyFill(1.5, 104, 0.15, 4);
    expect(order.status).toBe('filled');
    expect(order.avgFillPrice).toBeCloseTo(103, 12);
    expect(order.fees).toBeCloseTo(0.2, 12);
  });

  it('refuses transitions out of a terminal state', () => {
    const order = new Order('O-1', 'C-1', buy, 0);
    order.transition('rejected', 1, 'no funds');
    expect(isTerminal(order.status)).toBe(true);
    expect(() => order.transition('accepted', 2)).toThrow(/illegal transition rejected → accepted/);
  });

  it('allows cancel and expiry only while the order is working', () => {
    expect(canTransition('accepted', 'canceled')).toBe(true);
    expect(canTransition('partially-filled', 'expired')).toBe(true);
    expect(canTransition('initialized', 'canceled')).toBe(false);
    expect(canTransition('filled', 'canceled')).toBe(false);
  });
});

describe('order request validation', () => {
  it.each([
    [{ ...buy, size: { base: 0 } }, 'size.base'],
    [{ ...buy, size: { base: Number.NaN } }, 'size.base'],
    [{ ...buy, type: 'limit' }, 'price'],
    [{ ...buy, type: 'stop-market' }, 'triggerPrice'],
    [{ ...buy, price: 10 }, 'price'],
    [{ ...buy, type: 'limit', price: -1 }, 'price'],
    [{ ...buy, size: { equityFraction: 1.5 } }, 'size.equityFraction'],
    [{ ...buy, type: 'market', postOnly: true }, 'postOnly'],
  ])('names the faulty field %#', (request, field) => {
    try {
      new Order('O-1', 'C-1', request as never, 0);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOrderError);
      expect((error as InvalidOrderError).field).toBe(field);
    }
  });
});
