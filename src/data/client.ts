/**
 * The DataClient port: what a market-data feed implements — a venue's websocket, a broker's
 * stream, or a replay of recorded bars. A client connects, delivers bars, trades, quotes and book
 * snapshots to a {@link MarketDataSink} (the kernel's DataEngine), and reports its lifecycle
 * (ready → running → degraded → stopped | faulted) so that a dropped connection is visible as
 * `degraded`, never as silence.
 *
 * Clients own their connection and their timers; they never touch the portfolio, orders or
 * strategies. Errors thrown by the sink (a strategy's StrategyError, a bad bar under the `throw`
 * policy) stop the client, fault it and reject {@link DataClient.finished}, so the node that runs
 * it can report them.
 *
 * @example
 * const client: DataClient = new ReplayDataClient({ tables, clock, speed: 50 });
 * await client.start(kernel.data);
 * await client.finished; // the replay ran out (or stop() was called)
 */
import type { Lifecycle } from '../core/lifecycle.js';
import type { Timeframe } from '../core/time.js';
import type { Bar } from '../model/bar.js';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.js';

/** Where a client delivers market data. The DataEngine implements it. */
export interface MarketDataSink {
  /** A bar that has closed (what a live feed receives): both phases at once. */
  onBar(bar: Bar): void;
  /**
   * Phase 1 of a bar: the market traded through it (simulated venues fill resting orders along its
   * path). Replays of recorded bars use the two phases so that the clock can stand at the bar's
   * open during phase 1 and at its close during phase 2, exactly as in a backtest. Returns false
   * when the bar was refused.
   */
  marketBar(bar: Bar): boolean;
  /** Phase 2 of a bar: it closed; strategies see it. */
  closeBar(bar: Bar): void;
  onTrade(trade: TradeTick): void;
  onQuote(quote: QuoteTick): void;
  onBook(book: OrderBookSnapshot): void;
}

export interface DataClient {
  /** For logs and the lifecycle, e.g. `replay`, `binance-ws`. */
  readonly name: string;
  /** The symbols it delivers. */
  readonly symbols: readonly string[];
  /** The base timeframe of the bars it delivers. */
  readonly timeframe: Timeframe;
  /** ready → running → degraded (reconnecting, dropped data) → stopped, or faulted. */
  readonly lifecycle: Lifecycle;
  /** Connects and starts delivering to `sink`; resolves once running. Call once. */
  start(sink: MarketDataSink): Promise<void>;
  /** Stops delivering; resolves when no more data will arrive. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Settles when the feed ends: resolves when it ran out (a replay) or was stopped, rejects with
   * the error that faulted it.
   */
  readonly finished: Promise<void>;
}
