/**
 * Events: frozen discriminated unions on `kind` (ARCHITECTURE.md, "Same messages everywhere").
 * Every order state transition has one, so the order journal can be replayed to its current
 * state.
 */
import type { AccountView } from './account.js';
import type { Fill } from './fill.js';
import type { OrderStatus, OrderView } from './order.js';
import type { PositionView } from './position.js';

interface OrderEventBase {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly time: number;
  /** The order's status after this event. */
  readonly status: OrderStatus;
}

export type OrderEvent =
  | (OrderEventBase & { readonly kind: 'order.initialized'; readonly order: OrderView })
  | (OrderEventBase & { readonly kind: 'order.submitted' })
  | (OrderEventBase & { readonly kind: 'order.accepted'; readonly venueOrderId: string })
  | (OrderEventBase & { readonly kind: 'order.rejected'; readonly reason: string; readonly source: 'risk' | 'venue' })
  | (OrderEventBase & { readonly kind: 'order.triggered' })
  | (OrderEventBase & { readonly kind: 'order.updated'; readonly price?: number; readonly triggerPrice?: number; readonly quantity?: number; readonly tag?: string })
  | (OrderEventBase & { readonly kind: 'order.canceled'; readonly reason: string })
  | (OrderEventBase & { readonly kind: 'order.expired'; readonly reason: string })
  | (OrderEventBase & { readonly kind: 'order.filled'; readonly fill: Fill; readonly filledQuantity: number; readonly avgFillPrice: number });

export type OrderEventKind = OrderEvent['kind'];

/** Builds a frozen order event from the order's current state. */
export function orderEvent<K extends OrderEventKind>(
  kind: K,
  order: Pick<OrderView, 'id' | 'clientOrderId' | 'symbol' | 'status'>,
  time: number,
  fields: Omit<Extract<OrderEvent, { kind: K }>, keyof OrderEventBase | 'kind'>,
): Extract<OrderEvent, { kind: K }> {
  return Object.freeze({
    kind, orderId: order.id, clientOrderId: order.clientOrderId, symbol: order.symbol, status: order.status, time, ...fields,
  }) as unknown as Extract<OrderEvent, { kind: K }>;
}

export type PositionEvent =
  | { readonly kind: 'position.opened'; readonly time: number; readonly position: PositionView }
  | { readonly kind: 'position.changed'; readonly time: number; readonly position: PositionView; readonly realizedPnl: number }
  | { readonly kind: 'position.closed'; readonly time: number; readonly position: PositionView; readonly realizedPnl: number };

export interface AccountStateEvent {
  readonly kind: 'account.state';
  readonly time: number;
  readonly account: AccountView;
}

/** A funding payment on a perpetual position: positive `amount` is paid by the account. */
export interface FundingEvent {
  readonly kind: 'funding.paid';
  readonly time: number;
  readonly symbol: string;
  readonly rate: number;
  readonly markPrice: number;
  readonly amount: number;
}

/** A pre-trade check refused an order or intent. */
export interface RiskDeniedEvent {
  readonly kind: 'risk.denied';
  readonly time: number;
  readonly symbol: string;
  readonly reason: string;
  readonly check: string;
  readonly clientOrderId?: string;
}

/** A balance change that is not a trade (deposit, withdrawal, insurance after a liquidation). */
export interface BalanceEvent {
  readonly kind: 'balance.adjusted';
  readonly time: number;
  readonly amount: number;
  readonly reason: string;
}
