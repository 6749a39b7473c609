/**
 * Ports of the execution layer. An ExecutionClient talks to one venue (the SimulatedExchange,
 * CCXT, Alpaca, an EVM router); it reports what happened to orders through ExecutionReports. The
 * ExecutionEngine is the only caller of clients.
 */
import type { Liquidity, OrderRequest, OrderView } from '../model/order.js';

/** What a venue tells us about an order (or the account) — the engine turns it into events. */
export type ExecutionReport =
  | { readonly kind: 'accepted'; readonly orderId: string; readonly venueOrderId: string; readonly time: number }
  | { readonly kind: 'rejected'; readonly orderId: string; readonly reason: string; readonly time: number }
  | { readonly kind: 'triggered'; readonly orderId: string; readonly time: number }
  | { readonly kind: 'updated'; readonly orderId: string; readonly time: number; readonly price?: number; readonly triggerPrice?: number; readonly quantity?: number }
  | { readonly kind: 'canceled'; readonly orderId: string; readonly reason: string; readonly time: number }
  | { readonly kind: 'expired'; readonly orderId: string; readonly reason: string; readonly time: number }
  | {
      readonly kind: 'filled';
      readonly orderId: string;
      readonly tradeId: string;
      readonly quantity: number;
      readonly price: number;
      readonly fee: number;
      readonly liquidity: Liquidity;
      readonly time: number;
      /** The order's total quantity once a quote/fraction size has been turned into one. */
      readonly resolvedQuantity?: number;
    }
  | { readonly kind: 'funding'; readonly symbol: string; readonly rate: number; readonly markPrice: number; readonly amount: number; readonly time: number }
  /** A change of the account balance that is not a trade: deposit, withdrawal, insurance after liquidation. */
  | { readonly kind: 'balance'; readonly amount: number; readonly reason: string; readonly time: number };

/** The engine side of a client: where reports go. */
export interface ExecutionListener {
  report(report: ExecutionReport): void;
  /**
   * Registers an order the venue created itself (a liquidation, a forced exit, an order placed
   * outside Arbiter) so that its fills have an order like any other. Returns it as accepted.
   */
  adoptVenueOrder(request: OrderRequest, time: number): OrderView;
}

export interface OrderChanges {
  readonly price?: number;
  readonly triggerPrice?: number;
  readonly quantity?: number;
}

export interface ExecutionClient {
  readonly venue: string;
  /** The engine attaches itself here before the first order. */
  attach(listener: ExecutionListener): void;
  /** Sends an order. Never throws for venue problems: it reports `rejected` instead. */
  submit(order: OrderView): void;
  cancel(order: OrderView, reason: string): void;
  modify(order: OrderView, changes: OrderChanges): void;
}

/** A pre-trade check: passes the request on (possibly normalised, e.g. rounded) or refuses it. */
export type PreTradeResult =
  | { readonly ok: true; readonly request: OrderRequest }
  | { readonly ok: false; readonly check: string; readonly reason: string };

export interface PreTradeCheck {
  check(request: OrderRequest): PreTradeResult;
}
