/**
 * The DataEngine: every piece of market data enters here, in every environment. For a bar it
 *  1. checks it (a bad bar is an error or is dropped, by policy — never passed on),
 *  2. publishes it on `market.bar` for execution simulators, which fill resting orders along the
 *     bar's path before anyone sees the bar close,
 *  3. appends it to the cache and publishes it on `bar` (strategies, heads, portfolio),
 *  4. feeds the candle builders that make higher timeframes, which are appended and published in
 *     turn when complete.
 */
import { DataError } from '../core/errors.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Timeframe } from '../core/time.js';
import type { Channel, MessageBus } from '../bus/message-bus.js';
import type { Bar } from '../model/bar.js';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.js';
import { CandleBuilder } from './candle-builder.js';
import type { MarketCache } from './market-cache.js';
import type { BarSeries } from './series.js';

declare module '../bus/topics.js' {
  interface Topics {
    /** A bar as the market produced it, before it is closed for readers (execution simulators only). */
    'market.bar': Bar;
  }
}

/** What to do with a bar that fails the checks: stop with an error, or drop it and mark the feed degraded. */
export type BadDataPolicy = 'throw' | 'drop';

export interface DataEngineOptions {
  readonly badData: BadDataPolicy;
  readonly lifecycle?: Lifecycle;
}

/**
 * The field that makes a bar impossible, or undefined when it is fine. Written as plain
 * comparisons: this runs for every bar, and V8 optimises it far better without message building
 * in the same function (see `describeBadBar`).
 */
export function badBarField(bar: Bar): string | undefined {
  const { open, high, low, close, volume } = bar;
  if (bar.time - bar.time !== 0) return 'time';
  if (!(open > 0) || open - open !== 0) return 'open';
  if (!(high > 0) || high - high !== 0) return 'high';
  if (!(low > 0) || low - low !== 0) return 'low';
  if (!(close > 0) || close - close !== 0) return 'close';
  if (!(volume >= 0) || volume - volume !== 0) return 'volume';
  if (high < low) return 'high';
  if (open > high || open < low) return 'open';
  if (close > high || close < low) return 'close';
  return undefined;
}

/** Why a bar is impossible, for the error message (the slow path of `badBarField`). */
export function describeBadBar(bar: Bar, field: string): string {
  const { open, high, low, close, volume } = bar;
  switch (field) {
    case 'time':
      return `time ${bar.time} is not a finite timestamp`;
    case 'volume':
      return `volume ${volume} is not a non-negative finite number`;
    default: {
      const value = bar[field as 'open' | 'high' | 'low' | 'close'];
      if (!(value > 0) || !Number.isFinite(value)) return `${field} ${value} is not a positive finite price`;
      if (high < low) return `high ${high} is below low ${low}`;
      return `${field} ${field === 'open' ? open : close} is outside [low ${low}, high ${high}]`;
    }
  }
}

/** Returns why the bar is impossible, or undefined when it is fine. */
export function checkBar(bar: Bar): { field: string; message: string } | undefined {
  const field = badBarField(bar);
  return field === undefined ? undefined : { field, message: describeBadBar(bar, field) };
}

/** Per symbol and timeframe: where its bars go and what is built from them. */
interface Feed {
  readonly series: BarSeries;
  /** The symbol's last-price cell in the cache. */
  readonly price: { value: number };
  builders: CandleBuilder[];
  lastTime: number;
}

export class DataEngine {
  private readonly feeds = new Map<string, Map<Timeframe, Feed>>();
  /** The feed looked up last: consecutive bars nearly always belong to it. */
  private lastFeed: Feed | undefined;
  private dropped = 0;
  private readonly emitHigher = (bar: Bar): void => this.close(this.feed(bar), bar);
  private readonly marketBars: Channel<Bar>;
  private readonly closedBars: Channel<Bar>;

  constructor(
    private readonly bus: MessageBus,
    private readonly cache: MarketCache,
    private readonly options: DataEngineOptions,
  ) {
    this.marketBars = bus.channel('market.bar');
    this.closedBars = bus.channel('bar');
  }

  /** Bars, trades and quotes dropped by the `drop` policy so far. */
  get droppedBars(): number {
    return this.dropped;
  }

  private feed(bar: Pick<Bar, 'symbol' | 'timeframe'>): Feed {
    const last = this.lastFeed;
    if (last !== undefined && last.series.symbol === bar.symbol && last.series.timeframe === bar.timeframe) return last;
    let bySymbol = this.feeds.get(bar.symbol);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.feeds.set(bar.symbol, bySymbol);
    }
    let feed = bySymbol.get(bar.timeframe);
    if (feed === undefined) {
      feed = { series: this.cache.ensureSeries(bar.symbol, bar.timeframe), builders: [], lastTime: Number.NEGATIVE_INFINITY, price: this.cache.priceCell(bar.symbol) };
      bySymbol.set(bar.timeframe, feed);
    }
    this.lastFeed = feed;
    return feed;
  }

  /** Builds `target` bars from `base` bars of a symbol (multi-timeframe). */
  addTimeframe(symbol: string, base: Timeframe, target: Timeframe, capacity?: number): void {
    const feed = this.feed({ symbol, timeframe: base });
    if (feed.builders.some((b) => b.target === target)) return;
    const builder = new CandleBuilder(symbol, base, target);
    this.cache.ensureSeries(symbol, target, capacity);
    feed.builders = [...feed.builders, builder].sort((a, b) => a.targetMs - b.targetMs);
  }

  /**
   * Phase 1 of a bar: the market moved through it. Execution simulators fill resting orders.
   * Returns false when the bar was dropped.
   */
  marketBar(bar: Bar): boolean {
    const feed = this.feed(bar);
    const field = bar.time > feed.lastTime ? badBarField(bar) : 'time';
    if (field !== undefined) return this.reject(bar, feed, field);
    feed.lastTime = bar.time;
    this.marketBars.publish(bar);
    return true;
  }

  /** A bad bar: an error or, by policy, dropped with the feed marked degraded. */
  private reject(bar: Bar, feed: Feed, field: string): false {
    const message = field === 'time' && bar.time <= feed.lastTime
      ? `bar at ${new Date(bar.time).toISOString()} is not after the previous bar (${new Date(feed.lastTime).toISOString()})`
      : describeBadBar(bar, field);
    if (this.options.badData === 'throw') throw new DataError(message, { source: `${bar.symbol} ${bar.timeframe}`, field });
    this.dropped++;
    this.options.lifecycle?.transition('degraded', `dropped bad ${bar.symbol} bar: ${message}`);
    return false;
  }

  /** Phase 2 of a bar: it closed. Readers see it now; higher timeframes may complete. */
  closeBar(bar: Bar): void {
    const feed = this.feed(bar);
    this.close(feed, bar);
    const builders = feed.builders;
    for (let i = 0; i < builders.length; i++) builders[i]!.update(bar, this.emitHigher);
  }

  /** Both phases, for feeds that deliver closed bars one at a time. */
  onBar(bar: Bar): void {
    if (this.marketBar(bar)) this.closeBar(bar);
  }

  private close(feed: Feed, bar: Bar): void {
    feed.series.append(bar);
    feed.price.value = bar.close;
    this.closedBars.publish(bar);
  }
  onTrade(trade: TradeTick): void {
    if (!(trade.price > 0) || !(trade.size > 0)) {
      if (this.options.badData === 'throw') throw new DataError(`trade ${trade.tradeId} has price ${trade.price} and size ${trade.size}`, { source: trade.symbol });
      this.dropped++;
      this.options.lifecycle?.transition('degraded', `dropped bad ${trade.symbol} trade ${trade.tradeId}`);
      return;
    }
    this.cache.setLastPrice(trade.symbol, trade.price);
    this.bus.publish('trade', trade);
  }

  onQuote(quote: QuoteTick): void {
    if (!(quote.bid > 0 && quote.ask >= quote.bid)) {
      if (this.options.badData === 'throw') throw new DataError(`quote bid ${quote.bid} / ask ${quote.ask} is crossed or not positive`, { source: quote.symbol });
      this.dropped++;
      this.options.lifecycle?.transition('degraded', `dropped bad ${quote.symbol} quote (bid ${quote.bid}, ask ${quote.ask})`);
      return;
    }
    this.cache.setQuote(quote);
    this.bus.publish('quote', quote);
  }

  onBook(book: OrderBookSnapshot): void {
    this.cache.setBook(book);
    this.bus.publish('book', book);
  }
}
