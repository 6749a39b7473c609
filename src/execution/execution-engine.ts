/**
 * The ExecutionEngine owns every order: it runs the pre-trade checks, sends orders to the venue's
 * client, applies the client's reports to the order state machine and publishes an event for each
 * transition on the `order` topic. Nothing else creates or changes an order.
 */
import type { Clock } from '../core/clock.js';
import { InvalidOrderError } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { MessageBus } from '../bus/message-bus.js';
import { orderEvent, type OrderEvent } from '../model/events.js';
import type { Fill } from '../model/fill.js';
import { Order, isOpen, isTerminal, type OrderRequest, type OrderView } from '../model/order.js';
import type { ExecutionClient, ExecutionReport, OrderChanges, PreTradeCheck } from './client.js';

/** Read access to orders for strategies, risk and the API. */
export interface OrdersView {
  get(orderId: string): OrderView | undefined;
  byClientId(clientOrderId: string): OrderView | undefined;
  /** Open orders, optionally for one symbol, in submission order. */
  open(symbol?: string): readonly OrderView[];
  /** Every order seen, in submission order. */
  all(): readonly OrderView[];
}

export class ExecutionEngine implements OrdersView {
  private readonly orders = new Map<string, Order>();
  private readonly byClient = new Map<string, Order>();
  private readonly openOrders = new Map<string, Order[]>();
  private readonly history: Order[] = [];
  private readonly keepHistory: boolean;

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly client: ExecutionClient,
    private readonly preTrade: PreTradeCheck,
    options: { keepHistory?: boolean } = {},
  ) {
    this.keepHistory = options.keepHistory ?? true;
    client.attach({ report: (r) => this.onReport(r), adoptVenueOrder: (request, time) => this.adopt(request, time) });
  }

  /**
   * Submits an order. Returns the order (a read-only view): `rejected` when a pre-trade check
   * refused it, otherwise `submitted` and on its way to the venue. Malformed requests throw
   * InvalidOrderError naming the field.
   */
  submit(request: OrderRequest): OrderView {
    const time = this.clock.now();
    if (request.clientOrderId !== undefined && this.byClient.has(request.clientOrderId)) {
      throw new InvalidOrderError(`clientOrderId ${request.clientOrderId} is already used`, 'clientOrderId');
    }
    const n = this.ids.increment('O');
    const id = this.ids.format('O', n);
    const clientOrderId = request.clientOrderId ?? this.freeClientId('C', n);
    const verdict = this.preTrade.check(request);
    const order = new Order(id, clientOrderId, verdict.ok ? verdict.request : request, time);
    this.orders.set(id, order);
    this.byClient.set(clientOrderId, order);
    if (this.keepHistory) this.history.push(order);
    this.publish(orderEvent('order.initialized', order, time, { order: order.snapshot() }));
    if (!verdict.ok) {
      order.transition('rejected', time, `${verdict.check}: ${verdict.reason}`);
      this.publish(orderEvent('order.rejected', order, time, { reason: order.reason!, source: 'risk' }));
      this.bus.publish('risk', { kind: 'risk.denied', time, symbol: request.symbol, check: verdict.check, reason: verdict.reason, clientOrderId });
      this.forgetIfDone(order);
      return order;
    }
    order.transition('submitted', time);
    this.addOpen(order);
    this.publish(orderEvent('order.submitted', order, time, {}));
    this.client.submit(order);
    return order;
  }

  /** Asks the venue to cancel an open order; the `order.canceled` event follows the venue's answer. */
  cancel(orderId: string, reason = 'canceled by request'): void {
    const order = this.require(orderId);
    if (!isOpen(order.status)) return;
    this.client.cancel(order, reason);
  }

  /** Cancels every open order (of a symbol, or of all symbols) matching an optional filter. */
  cancelAll(symbol?: string, filter: (order: OrderView) => boolean = () => true, reason = 'canceled by request'): number {
    const targets = this.open(symbol).filter(filter);
    for (const order of targets) this.client.cancel(order, reason);
    return targets.length;
  }

  modify(orderId: string, changes: OrderChanges): void {
    const order = this.require(orderId);
    if (!isOpen(order.status)) throw new InvalidOrderError(`order ${orderId} is ${order.status} and cannot be modified`, 'orderId');
    for (const [field, value] of Object.entries(changes)) {
      if (value !== undefined && !(Number.isFinite(value) && (value as number) > 0)) throw new InvalidOrderError(`${field} must be a positive finite number, got ${String(value)}`, field);
    }
    this.client.modify(order, changes);
  }

  private adopt(request: OrderRequest, time: number): OrderView {
    const n = this.ids.increment('O');
    const id = this.ids.format('O', n);
    const order = new Order(id, request.clientOrderId ?? this.freeClientId('V', n), { ...request, owner: request.owner ?? 'venue' }, time);
    this.orders.set(id, order);
    this.byClient.set(order.clientOrderId, order);
    if (this.keepHistory) this.history.push(order);
    this.publish(orderEvent('order.initialized', order, time, { order: order.snapshot() }));
    order.transition('submitted', time);
    this.addOpen(order);
    this.publish(orderEvent('order.submitted', order, time, {}));
    order.transition('accepted', time);
    this.publish(orderEvent('order.accepted', order, time, { venueOrderId: id }));
    return order;
  }

  /** A generated client order id that no caller-chosen id already took (`C-7`, else `C-7.1`, …). */
  private freeClientId(prefix: string, n: number): string {
    const base = this.ids.format(prefix, n);
    let candidate = base;
    for (let k = 1; this.byClient.has(candidate); k++) candidate = `${base}.${k}`;
    return candidate;
  }

  /**
   * Changes an open order's tag (the label its fills carry, e.g. the exit reason). Bookkeeping
   * only: nothing is sent to the venue; an `order.updated` event carries the new tag.
   */
  retag(orderId: string, tag: string): void {
    const order = this.require(orderId);
    if (!isOpen(order.status) || order.tag === tag) return;
    order.tag = tag;
    // Journaled like any change, so a replay of the events ends with the same tag.
    this.publish(orderEvent('order.updated', order, this.clock.now(), { tag }));
  }


  get(orderId: string): OrderView | undefined {
    return this.orders.get(orderId);
  }

  byClientId(clientOrderId: string): OrderView | undefined {
    return this.byClient.get(clientOrderId);
  }

  open(symbol?: string): readonly OrderView[] {
    if (symbol !== undefined) return this.openOrders.get(symbol) ?? [];
    return [...this.openOrders.values()].flat().sort((a, b) => seq(a.id) - seq(b.id));
  }

  all(): readonly OrderView[] {
    return this.history;
  }

  private require(orderId: string): Order {
    const order = this.orders.get(orderId) ?? this.byClient.get(orderId);
    if (!order) throw new InvalidOrderError(`unknown order ${orderId}`, 'orderId');
    return order;
  }

  private addOpen(order: Order): void {
    const list = this.openOrders.get(order.symbol);
    if (list) list.push(order);
    else this.openOrders.set(order.symbol, [order]);
  }

  private removeOpen(order: Order): void {
    const list = this.openOrders.get(order.symbol);
    if (!list) return;
    const index = list.indexOf(order);
    if (index >= 0) list.splice(index, 1);
  }

  /** Without history, a finished order is dropped — after its final event, whose listeners may look it up. */
  private forgetIfDone(order: Order): void {
    if (this.keepHistory || !isTerminal(order.status)) return;
    this.orders.delete(order.id);
    this.byClient.delete(order.clientOrderId);
  }

  private publish(event: OrderEvent): void {
    this.bus.publish('order', event);
  }

  private onReport(report: ExecutionReport): void {
    if (report.kind === 'funding') {
      this.bus.publish('funding', { kind: 'funding.paid', time: report.time, symbol: report.symbol, rate: report.rate, markPrice: report.markPrice, amount: report.amount });
      return;
    }
    if (report.kind === 'balance') {
      this.bus.publish('balance', { kind: 'balance.adjusted', time: report.time, amount: report.amount, reason: report.reason });
      return;
    }
    const order = this.orders.get(report.orderId);
    if (!order) throw new Error(`venue reported ${report.kind} for unknown order ${report.orderId}`);
    if (isTerminal(order.status)) return;
    switch (report.kind) {
      case 'accepted':
        order.transition('accepted', report.time);
        this.publish(orderEvent('order.accepted', order, report.time, { venueOrderId: report.venueOrderId }));
        break;
      case 'rejected':
        order.transition('rejected', report.time, report.reason);
        this.removeOpen(order);
        this.publish(orderEvent('order.rejected', order, report.time, { reason: report.reason, source: 'venue' }));
        break;
      case 'triggered':
        order.transition('triggered', report.time);
        this.publish(orderEvent('order.triggered', order, report.time, {}));
        break;
      case 'updated': {
        if (report.price !== undefined) order.price = report.price;
        if (report.triggerPrice !== undefined) order.triggerPrice = report.triggerPrice;
        if (report.quantity !== undefined) order.quantity = report.quantity;
        order.updatedAt = report.time;
        const changes: { price?: number; triggerPrice?: number; quantity?: number } = {};
        if (report.price !== undefined) changes.price = report.price;
        if (report.triggerPrice !== undefined) changes.triggerPrice = report.triggerPrice;
        if (report.quantity !== undefined) changes.quantity = report.quantity;
        this.publish(orderEvent('order.updated', order, report.time, changes));
        break;
      }
      case 'canceled':
        order.transition('canceled', report.time, report.reason);
        this.removeOpen(order);
        this.publish(orderEvent('order.canceled', order, report.time, { reason: report.reason }));
        break;
      case 'expired':
        order.transition('expired', report.time, report.reason);
        this.removeOpen(order);
        this.publish(orderEvent('order.expired', order, report.time, { reason: report.reason }));
        break;
      case 'filled': {
        if (report.resolvedQuantity !== undefined && report.resolvedQuantity !== order.quantity) {
          // A quote/fraction size became a quantity: journal it, so a replay knows the order's size.
          order.quantity = report.resolvedQuantity;
          order.updatedAt = report.time;
          this.publish(orderEvent('order.updated', order, report.time, { quantity: report.resolvedQuantity }));
        }
        order.applyFill(report.quantity, report.price, report.fee, report.time);
        const fill: Fill = {
          tradeId: report.tradeId, orderId: order.id, clientOrderId: order.clientOrderId, symbol: order.symbol,
          side: order.side, quantity: report.quantity, price: report.price, fee: report.fee, liquidity: report.liquidity,
          time: report.time, ...(order.tag !== undefined ? { tag: order.tag } : {}), ...(order.owner !== undefined ? { owner: order.owner } : {}),
        };
        if (order.status === 'filled') this.removeOpen(order);
        this.publish(orderEvent('order.filled', order, report.time, { fill, filledQuantity: order.filledQuantity, avgFillPrice: order.avgFillPrice }));
        break;
      }
    }
    this.forgetIfDone(order);
  }
}

function seq(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1));
}
