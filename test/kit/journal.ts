/**
 * An order journal's replay, written independently of the engine: the fold of `order` events into
 * each order's state, and the comparison with the orders the engine holds.
 */
import { expect } from 'vitest';
import type { OrderEvent } from '../../src/model/events.js';
import type { OrderStatus, OrderView } from '../../src/model/order.js';

/** What the journal knows of an order: the fold of its events (independent of the engine's code). */
export interface Replayed {
  status: OrderStatus;
  quantity: number | undefined;
  price: number | undefined;
  triggerPrice: number | undefined;
  filledQuantity: number;
  avgFillPrice: number;
  fees: number;
  updatedAt: number;
  reason: string | undefined;
}

export function replay(events: readonly OrderEvent[]): Map<string, Replayed> {
  const orders = new Map<string, Replayed>();
  for (const e of events) {
    if (e.kind === 'order.initialized') {
      orders.set(e.orderId, {
        status: e.status, quantity: e.order.quantity, price: e.order.price, triggerPrice: e.order.triggerPrice,
        filledQuantity: 0, avgFillPrice: Number.NaN, fees: 0, updatedAt: e.time, reason: undefined,
      });
      continue;
    }
    const o = orders.get(e.orderId)!;
    o.status = e.status;
    o.updatedAt = e.time;
    switch (e.kind) {
      case 'order.updated':
        if (e.price !== undefined) o.price = e.price;
        if (e.triggerPrice !== undefined) o.triggerPrice = e.triggerPrice;
        if (e.quantity !== undefined) o.quantity = e.quantity;
        break;
      case 'order.filled': {
        const total = o.filledQuantity + e.fill.quantity;
        o.avgFillPrice = o.filledQuantity === 0 ? e.fill.price : (o.avgFillPrice * o.filledQuantity + e.fill.price * e.fill.quantity) / total;
        o.filledQuantity = total;
        o.fees += e.fill.fee;
        expect(e.filledQuantity).toBeCloseTo(total, 9);
        break;
      }
      case 'order.rejected':
      case 'order.canceled':
      case 'order.expired':
        o.reason = e.reason;
        break;
      default:
        break;
    }
  }
  return orders;
}

export function expectReplayed(orders: readonly OrderView[], replayed: Map<string, Replayed>): void {
  expect(replayed.size).toBe(orders.length);
  for (const order of orders) {
    const r = replayed.get(order.id)!;
    expect({ id: order.id, status: r.status, quantity: r.quantity, price: r.price, triggerPrice: r.triggerPrice, updatedAt: r.updatedAt, reason: r.reason })
      .toEqual({ id: order.id, status: order.status, quantity: order.quantity, price: order.price, triggerPrice: order.triggerPrice, updatedAt: order.updatedAt, reason: order.reason });
    expect(r.filledQuantity).toBeCloseTo(order.filledQuantity, 9);
    expect(r.fees).toBeCloseTo(order.fees, 9);
    if (order.filledQuantity > 0) expect(r.avgFillPrice).toBeCloseTo(order.avgFillPrice, 9);
  }
}

