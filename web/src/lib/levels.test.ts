import { describe, expect, it } from 'vitest';
import type { Decision, Order, Position } from '../api/types.js';
import { levelsFor } from './levels.js';

const position: Position = { symbol: 'BTC/USDT', side: 'long', quantity: 0.5, avg_price: 94_000, mark_price: 95_000, unrealized_pnl: 500, realized_pnl: 0, fees: 1, opened_at: 1 };
const order = (o: Partial<Order>): Order => ({
  id: 'o1', client_order_id: 'c1', symbol: 'BTC/USDT', side: 'sell', type: 'market', status: 'accepted', quantity: 0.5, price: null, trigger_price: null,
  filled_quantity: 0, avg_fill_price: null, fees: 0, tag: null, owner: null, reason: null, created_at: 1, updated_at: 1, ...o,
});
const decision = { symbol: 'BTC/USDT', stop_loss: 90_000, take_profit: 100_000 } as Decision;

describe('price lines on the live chart', () => {
  it('draws the entry, and the stop and target of resting exit orders', () => {
    const levels = levelsFor(position, [order({ type: 'stop-market', trigger_price: 91_000 }), order({ id: 'o2', type: 'limit', price: 99_000 })], decision);
    expect(levels.map((l) => [l.kind, l.price])).toEqual([['entry', 94_000], ['stop', 91_000], ['target', 99_000]]);
  });

  it('falls back to the decision\'s stop and target when no exit order rests', () => {
    const levels = levelsFor(position, [], decision);
    expect(levels.map((l) => [l.kind, l.price, l.label])).toEqual([['entry', 94_000, 'entry'], ['stop', 90_000, 'stop (decision)'], ['target', 100_000, 'target (decision)']]);
  });

  it('draws nothing from a decision while flat', () => {
    expect(levelsFor(undefined, [], decision)).toEqual([]);
  });
});
