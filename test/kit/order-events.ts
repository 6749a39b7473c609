/**
 * Drives real `Order` objects through their state machine and returns the events the execution
 * engine would publish, so journal tests replay exactly what production appends.
 */
import { orderEvent, type OrderEvent } from '../../src/model/events.js';
import type { Fill } from '../../src/model/fill.js';
import { Order, type OrderRequest } from '../../src/model/order.js';

export class OrderScript {
  readonly order: Order;
  private fills = 0;

  constructor(id: string, request: Partial<OrderRequest> = {}, time = 1_700_000_000_000) {
    this.order = new Order(id, `c-${id}`, { symbol: 'BTC/USDT', side: 'buy', type: 'market', size: { base: 1 }, ...request }, time);
  }

  initialized(): OrderEvent {
    return orderEvent('order.initialized', this.order, this.order.createdAt, { order: this.order.snapshot() });
  }

  submitted(time: number): OrderEvent {
    this.order.transition('submitted', time);
    return orderEvent('order.submitted', this.order, time, {});
  }

  accepted(time: number, venueOrderId = `v-${this.order.id}`): OrderEvent {
    this.order.transition('accepted', time);
    return orderEvent('order.accepted', this.order, time, { venueOrderId });
  }

  triggered(time: number): OrderEvent {
    this.order.transition('triggered', time);
    return orderEvent('order.triggered', this.order, time, {});
  }

  rejected(time: number, reason = 'insufficient margin'): OrderEvent {
    this.order.transition('rejected', time, reason);
    return orderEvent('order.rejected', this.order, time, { reason, source: 'venue' });
  }

  canceled(time: number, reason = 'user'): OrderEvent {
    this.order.transition('canceled', time, reason);
    return orderEvent('order.canceled', this.order, time, { reason });
  }

  expired(time: number, reason = 'DAY order at session end'): OrderEvent {
    this.order.transition('expired', time, reason);
    return orderEvent('order.expired', this.order, time, { reason });
  }

  updated(time: number, price: number): OrderEvent {
    this.order.price = price;
    this.order.updatedAt = time;
    return orderEvent('order.updated', this.order, time, { price });
  }

  filled(time: number, quantity: number, price: number, fee = quantity * price * 0.001): OrderEvent {
    this.fills++;
    const fill: Fill = {
      tradeId: `${this.order.id}-T${this.fills}`, orderId: this.order.id, clientOrderId: this.order.clientOrderId, symbol: this.order.symbol,
      side: this.order.side, quantity, price, fee, liquidity: 'taker', time,
    };
    this.order.applyFill(quantity, price, fee, time);
    return orderEvent('order.filled', this.order, time, { fill, filledQuantity: this.order.filledQuantity, avgFillPrice: this.order.avgFillPrice });
  }
}
