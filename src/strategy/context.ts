/**
 * The context a strategy receives. It exposes data up to the current bar only (series are
 * point-in-time: the future is not in them), read-only views of the portfolio and orders, and
 * intents in Freqtrade's vocabulary. Intents go through the pre-trade risk checks like any order.
 */
import type { Timeframe } from '../core/time.js';
import type { BarSeriesView } from '../data/series.js';
import type { OrderChanges } from '../execution/client.js';
import type { OrderRequest, OrderSize, OrderView } from '../model/order.js';
import type { PositionView } from '../model/position.js';
import type { PortfolioView } from '../portfolio/portfolio.js';

export interface EntryOptions {
  /** Defaults to the symbol of the bar being handled. */
  readonly symbol?: string;
  /** Defaults to the stake: an equal share of buying power per open-trade slot. */
  readonly size?: OrderSize;
  /** A limit price; without it (and without `stop`) the entry is a market order, filled at the next bar's open. */
  readonly price?: number;
  /** Enter only when the market reaches this price (a stop-market order; with `price`, a stop-limit). */
  readonly stop?: number;
  /** Stop-loss price placed when the entry fills (a bracket), in addition to the exit rules. */
  readonly stopLoss?: number;
  /** Take-profit price placed when the entry fills (a bracket), in addition to the exit rules. */
  readonly takeProfit?: number;
  /** Label carried by the trade (Freqtrade's `enter_tag`). */
  readonly tag?: string;
  /** Leverage for this trade: scales the stake and turns exit ratios into price moves. Default 1. */
  readonly leverage?: number;
  /** Cancel the entry if it is still unfilled at a bar close more than this long (ms) after it was sent. */
  readonly timeoutMs?: number;
  /** When a position on the other side is open, close it first (default true); false ignores the entry. */
  readonly reverse?: boolean;
}

export interface ExitOptions {
  readonly symbol?: string;
  /** A limit price; without it the exit is a market order. */
  readonly price?: number;
  /** Exit reason recorded on the trade; default `exit_signal`. */
  readonly reason?: string;
}

export interface StrategyContext {
  /** Current time (the close of the bar being handled), UTC epoch ms. */
  readonly time: number;
  /** The symbols this strategy trades. */
  readonly symbols: readonly string[];
  /** The base timeframe. */
  readonly timeframe: Timeframe;
  /** True while the current symbol has fewer bars than the warm-up; intents are then ignored. */
  readonly isWarmingUp: boolean;
  /** Closed bars of a symbol and timeframe (defaults: the current bar's symbol, the base timeframe). */
  series(symbol?: string, timeframe?: Timeframe): BarSeriesView;
  /** Position of a symbol (default: current). */
  position(symbol?: string): PositionView;
  readonly portfolio: PortfolioView;
  /** This strategy's open orders (of a symbol, or all). */
  openOrders(symbol?: string): readonly OrderView[];

  /** Go long (closing a short first unless `reverse: false`). Returns the entry order, or undefined when there was nothing to do. */
  enterLong(options?: EntryOptions): OrderView | undefined;
  /** Go short (closing a long first unless `reverse: false`). */
  enterShort(options?: EntryOptions): OrderView | undefined;
  /** Close the long position (and cancel an unfilled long entry). */
  exitLong(options?: ExitOptions): OrderView | undefined;
  /** Close the short position (and cancel an unfilled short entry). */
  exitShort(options?: ExitOptions): OrderView | undefined;

  /** Submits any order (owner and checks are added); undefined during the warm-up. */
  submitOrder(request: Omit<OrderRequest, 'owner'>): OrderView | undefined;
  cancelOrder(orderId: string): void;
  modifyOrder(orderId: string, changes: OrderChanges): void;
  /** Writes a line to the run's log (with the time and strategy name). */
  log(message: string): void;
}
