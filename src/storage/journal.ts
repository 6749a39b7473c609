/**
 * The order journal's rules, independent of any database: the identity of an event (so a retried
 * append is recognised as the same event) and the fold that turns events into order state. The
 * fold is the replay; the append path runs the same fold to refuse an event that does not follow.
 */
import type { OrderEvent } from '../model/events.js';
import { canTransition, type OrderStatus } from '../model/order.js';
import { encodeJson } from './codec.js';
import { JournalError } from './errors.js';
import type { JournaledOrder } from './port.js';

const statusOfKind: Partial<Record<OrderEvent['kind'], readonly OrderStatus[]>> = {
  'order.initialized': ['initialized'],
  'order.submitted': ['submitted'],
  'order.accepted': ['accepted'],
  'order.rejected': ['rejected'],
  'order.triggered': ['triggered'],
  'order.canceled': ['canceled'],
  'order.expired': ['expired'],
  'order.filled': ['partially-filled', 'filled'],
};

/**
 * The identity of an event within its order. Lifecycle events happen at most once per order;
 * a fill is identified by its trade id; an update by its time and content.
 */
export function orderEventKey(event: OrderEvent): string {
  switch (event.kind) {
    case 'order.filled':
      return `filled:${event.fill.tradeId}`;
    case 'order.updated':
      return `updated:${event.time}:${encodeJson({ price: event.price, quantity: event.quantity, triggerPrice: event.triggerPrice })}`;
    default:
      return event.kind.slice('order.'.length);
  }
}

/**
 * The order after `event`, given the order before it (undefined for a new order). Throws
 * `JournalError` when the event cannot follow: the journal never stores a state the order state
 * machine forbids.
 */
export function applyOrderEvent(previous: JournaledOrder | undefined, event: OrderEvent): JournaledOrder {
  const id = event.orderId;
  if (!id) throw new JournalError('event has no orderId', String(id));
  if (!Number.isFinite(event.time)) throw new JournalError(`${event.kind}: time must be a finite epoch-ms number, got ${event.time}`, id);
  if (event.kind === 'order.initialized') {
    if (previous !== undefined) throw new JournalError('order.initialized for an order that already exists (order ids must be unique across restarts)', id);
    if (event.order.id !== id) throw new JournalError(`order.initialized carries order ${event.order.id}`, id);
    if (event.status !== 'initialized') throw new JournalError(`order.initialized with status ${event.status}`, id);
    return { ...event.order, status: 'initialized' };
  }
  if (previous === undefined) throw new JournalError(`${event.kind} for an order the journal has never seen (order.initialized must come first)`, id);
  if (event.kind === 'order.updated') {
    if (event.status !== previous.status) throw new JournalError(`order.updated changes status ${previous.status} → ${event.status}`, id);
  } else {
    const allowed = statusOfKind[event.kind]!;
    if (!allowed.includes(event.status)) throw new JournalError(`${event.kind} with status ${event.status}`, id);
    if (!canTransition(previous.status, event.status)) throw new JournalError(`illegal transition ${previous.status} → ${event.status} (${event.kind})`, id);
  }
  const next: { -readonly [K in keyof JournaledOrder]: JournaledOrder[K] } = { ...previous, status: event.status, updatedAt: event.time };
  switch (event.kind) {
    case 'order.accepted':
      next.venueOrderId = event.venueOrderId;
      break;
    case 'order.rejected':
    case 'order.canceled':
    case 'order.expired':
      next.reason = event.reason;
      break;
    case 'order.updated':
      if (event.price !== undefined) next.price = event.price;
      if (event.triggerPrice !== undefined) next.triggerPrice = event.triggerPrice;
      if (event.quantity !== undefined) next.quantity = event.quantity;
      break;
    case 'order.filled': {
      const fill = event.fill;
      if (fill.orderId !== id) throw new JournalError(`fill ${fill.tradeId} belongs to order ${fill.orderId}`, id);
      if (!(fill.quantity > 0 && Number.isFinite(fill.quantity))) throw new JournalError(`fill ${fill.tradeId} quantity must be positive, got ${fill.quantity}`, id);
      if (!(fill.price > 0 && Number.isFinite(fill.price))) throw new JournalError(`fill ${fill.tradeId} price must be positive, got ${fill.price}`, id);
      if (!Number.isFinite(fill.fee)) throw new JournalError(`fill ${fill.tradeId} fee must be finite, got ${fill.fee}`, id);
      next.filledQuantity = event.filledQuantity;
      next.avgFillPrice = event.avgFillPrice;
      next.fees = previous.fees + fill.fee;
      break;
    }
    default:
      break;
  }
  return next;
}
