/**
 * Orders and their state machine:
 *
 *   initialized → submitted → accepted → (triggered) → partially-filled → filled
 *        │             │          │            │               │
 *        └→ rejected   └→ rejected └→ canceled | expired ←─────┘
 *
 * `triggered` is the state of a stop-limit whose stop price was reached and that now rests as a
 * limit order. Every transition produces an event (see events.ts); an illegal transition is a bug
 * and throws.
 */
import { InvalidOrderError } from '../core/errors.js';

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop-market' | 'stop-limit';
/** GTC: until canceled (a market order limited by the volume cap keeps filling on later bars); IOC: fill what can be filled now, cancel the rest; FOK: all now or nothing; DAY: expires at the next 00:00 UTC (session-aware expiry for equities is not modelled yet). */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'DAY';
export type OrderStatus =
  | 'initialized' | 'submitted' | 'accepted' | 'triggered' | 'partially-filled'
  | 'filled' | 'canceled' | 'rejected' | 'expired';
export type Liquidity = 'maker' | 'taker';

/**
 * How much to trade. `base` is a quantity of the instrument; `quote` an amount of the quote
 * currency to spend including fees (Binance `quoteOrderQty`, Alpaca `notional`); `equityFraction`
 * a share of the account's buying power. Quote and fraction sizes are turned into a quantity by the
 * execution client: the simulated exchange at the fill price, a live client before sending.
 */
export type OrderSize =
  | { readonly base: number }
  | { readonly quote: number }
  | { readonly equityFraction: number };

/** What a caller asks for; the execution engine turns it into an Order. */
export interface OrderRequest {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly size: OrderSize;
  /** Limit price (limit and stop-limit orders). */
  readonly price?: number;
  /** Stop (trigger) price (stop-market and stop-limit orders). */
  readonly triggerPrice?: number;
  readonly timeInForce?: TimeInForce;
  /** Only reduces an existing position; never opens or flips one. */
  readonly reduceOnly?: boolean;
  /** Rejected instead of taking liquidity when it would fill immediately. */
  readonly postOnly?: boolean;
  readonly clientOrderId?: string;
  /** Free label: entry tag or exit reason (e.g. `stop_loss`, `roi`, `exit_signal`). */
  readonly tag?: string;
  /** Id of the strategy or component that asked for the order. */
  readonly owner?: string;
  /**
   * Makes a stop-market order trail the best price since it became active (Alpaca `trailing_stop`,
   * Binance `TRAILING_STOP_MARKET`): the stop follows at `offset` (a fraction of price) behind the
   * best price, never moving back. With `activationPrice` it starts trailing only once the price
   * reaches that level, and until then rests at `triggerPrice`.
   */
  readonly trailing?: TrailingSpec;
  /** The order expires at this time (UTC epoch ms) if not filled (good-till-date). */
  readonly expireTime?: number;
}

export interface TrailingSpec {
  /** Distance behind the best price as a fraction (0.02 = 2%). */
  readonly offset: number;
  /** Price at which trailing starts; before it, the order rests at its triggerPrice. */
  readonly activationPrice?: number;
}

const transitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  initialized: ['submitted', 'rejected'],
  submitted: ['accepted', 'rejected', 'canceled'],
  accepted: ['triggered', 'partially-filled', 'filled', 'canceled', 'expired'],
  triggered: ['partially-filled', 'filled', 'canceled', 'expired'],
  'partially-filled': ['partially-filled', 'filled', 'canceled', 'expired'],
  filled: [],
  canceled: [],
  rejected: [],
  expired: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return transitions[status].length === 0;
}

/** True while the order can still fill. */
export function isOpen(status: OrderStatus): boolean {
  return status === 'accepted' || status === 'triggered' || status === 'partially-filled' || status === 'submitted';
}

/** Read-only view of an order, as strategies, the API and reports see it. */
export interface OrderView extends OrderRequest {
  readonly id: string;
  readonly clientOrderId: string;
  readonly timeInForce: TimeInForce;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly status: OrderStatus;
  /** Resolved quantity in base units; undefined until a quote/fraction size is resolved. */
  readonly quantity: number | undefined;
  readonly filledQuantity: number;
  /** Volume-weighted average fill price; NaN before the first fill. */
  readonly avgFillPrice: number;
  readonly fees: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Why it was rejected, canceled or expired. */
  readonly reason?: string;
}

/** Mutable order owned by the execution engine; everyone else sees it as an OrderView. */
export class Order implements OrderView {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly size: OrderSize;
  price?: number;
  triggerPrice?: number;
  readonly timeInForce: TimeInForce;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  tag?: string;
  readonly owner?: string;
  readonly trailing?: TrailingSpec;
  readonly expireTime?: number;
  status: OrderStatus = 'initialized';
  quantity: number | undefined;
  filledQuantity = 0;
  avgFillPrice = Number.NaN;
  fees = 0;
  updatedAt: number;
  reason?: string;

  constructor(
    readonly id: string,
    readonly clientOrderId: string,
    request: OrderRequest,
    readonly createdAt: number,
  ) {
    validateOrderRequest(request);
    this.symbol = request.symbol;
    this.side = request.side;
    this.type = request.type;
    this.size = request.size;
    if (request.price !== undefined) this.price = request.price;
    if (request.triggerPrice !== undefined) this.triggerPrice = request.triggerPrice;
    this.timeInForce = request.timeInForce ?? 'GTC';
    this.reduceOnly = request.reduceOnly ?? false;
    this.postOnly = request.postOnly ?? false;
    if (request.tag !== undefined) this.tag = request.tag;
    if (request.owner !== undefined) this.owner = request.owner;
    if (request.trailing !== undefined) this.trailing = request.trailing;
    if (request.expireTime !== undefined) this.expireTime = request.expireTime;
    this.quantity = 'base' in request.size ? request.size.base : undefined;
    this.updatedAt = createdAt;
  }

  /** Quantity still to fill; Infinity while a quote/fraction size is unresolved. */
  get remaining(): number {
    return this.quantity === undefined ? Infinity : this.quantity - this.filledQuantity;
  }

  /** Applies a state transition; throws on an illegal one (a bug, not a user error). */
  transition(to: OrderStatus, time: number, reason?: string): void {
    if (!canTransition(this.status, to)) {
      throw new Error(`order ${this.id}: illegal transition ${this.status} → ${to}`);
    }
    this.status = to;
    this.updatedAt = time;
    if (reason !== undefined) this.reason = reason;
  }

  /** Records a fill and moves to partially-filled or filled. */
  applyFill(quantity: number, price: number, fee: number, time: number): void {
    const total = this.filledQuantity + quantity;
    this.avgFillPrice = this.filledQuantity === 0 ? price : (this.avgFillPrice * this.filledQuantity + price * quantity) / total;
    this.filledQuantity = total;
    this.fees += fee;
    const done = this.quantity !== undefined && this.quantity - total <= this.quantity * 1e-12;
    this.transition(done ? 'filled' : 'partially-filled', time);
  }

  /** A frozen copy for events and reports (spelled out: spreading a class instance is slow). */
  snapshot(): OrderView {
    return Object.freeze({
      id: this.id, clientOrderId: this.clientOrderId, symbol: this.symbol, side: this.side, type: this.type, size: this.size,
      price: this.price, triggerPrice: this.triggerPrice, timeInForce: this.timeInForce, reduceOnly: this.reduceOnly,
      postOnly: this.postOnly, tag: this.tag, owner: this.owner, trailing: this.trailing, expireTime: this.expireTime,
      status: this.status, quantity: this.quantity, filledQuantity: this.filledQuantity, avgFillPrice: this.avgFillPrice,
      fees: this.fees, createdAt: this.createdAt, updatedAt: this.updatedAt, reason: this.reason,
    });
  }
}

function positive(value: number | undefined, field: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidOrderError(`${field} must be a positive finite number, got ${value}`, field);
  }
}

/** Structural checks that hold on every venue; venue rules (tick, lot, notional) come later. */
export function validateOrderRequest(request: OrderRequest): void {
  if (!request.symbol) throw new InvalidOrderError('symbol is required', 'symbol');
  if (request.side !== 'buy' && request.side !== 'sell') throw new InvalidOrderError(`side must be buy or sell, got ${String(request.side)}`, 'side');
  const size = request.size;
  if ('base' in size) positive(size.base, 'size.base');
  else if ('quote' in size) positive(size.quote, 'size.quote');
  else if ('equityFraction' in size) {
    if (!(size.equityFraction > 0 && size.equityFraction <= 1)) throw new InvalidOrderError(`size.equityFraction must be in (0, 1], got ${size.equityFraction}`, 'size.equityFraction');
  } else throw new InvalidOrderError('size needs one of base, quote or equityFraction', 'size');
  const needsPrice = request.type === 'limit' || request.type === 'stop-limit';
  const needsTrigger = request.type === 'stop-market' || request.type === 'stop-limit';
  if (needsPrice && request.price === undefined) throw new InvalidOrderError(`${request.type} order needs a price`, 'price');
  if (needsTrigger && request.triggerPrice === undefined) throw new InvalidOrderError(`${request.type} order needs a triggerPrice`, 'triggerPrice');
  if (!needsPrice && request.price !== undefined) throw new InvalidOrderError(`${request.type} order takes no price`, 'price');
  if (!needsTrigger && request.triggerPrice !== undefined) throw new InvalidOrderError(`${request.type} order takes no triggerPrice`, 'triggerPrice');
  positive(request.price, 'price');
  positive(request.triggerPrice, 'triggerPrice');
  if (request.trailing) {
    if (request.type !== 'stop-market') throw new InvalidOrderError('trailing applies to stop-market orders only', 'trailing');
    if (!(request.trailing.offset > 0 && request.trailing.offset < 1)) throw new InvalidOrderError(`trailing.offset must be in (0, 1), got ${request.trailing.offset}`, 'trailing.offset');
    positive(request.trailing.activationPrice, 'trailing.activationPrice');
  }
  if (request.expireTime !== undefined && !Number.isFinite(request.expireTime)) throw new InvalidOrderError('expireTime must be a UTC epoch-ms timestamp', 'expireTime');
  if (request.postOnly && request.type !== 'limit') throw new InvalidOrderError('postOnly applies to limit orders only', 'postOnly');
  const tif = request.timeInForce;
  if (tif !== undefined && tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'DAY') {
    throw new InvalidOrderError(`timeInForce must be GTC, IOC, FOK or DAY, got ${String(tif)}`, 'timeInForce');
  }
}
