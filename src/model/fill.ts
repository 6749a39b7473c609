/** A fill: one execution of (part of) an order. */
import type { Liquidity, OrderSide } from './order.js';

export interface Fill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  /** Fee paid in the quote currency (negative for a maker rebate). */
  readonly fee: number;
  readonly liquidity: Liquidity;
  readonly time: number;
  /** The order's tag (entry tag or exit reason). */
  readonly tag?: string;
  readonly owner?: string;
}

/** +1 for buys, −1 for sells. */
export function sideSign(side: OrderSide): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}
