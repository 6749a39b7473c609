/**
 * The strategy host runs one strategy inside a kernel: it feeds it closed bars of its symbols and
 * timeframes, gives it a point-in-time context, turns its intents into orders (through the
 * execution engine and so the pre-trade checks), keeps its exit rules in force, and wraps every
 * call into user code so that an exception becomes a StrategyError naming the strategy.
 */
import type { Clock } from '../core/clock.js';
import { ConfigurationError, StrategyError, errorMessage } from '../core/errors.js';
import { SymbolMap } from '../core/symbol-map.js';
import type { Logger } from '../core/logger.js';
import type { Timeframe } from '../core/time.js';
import type { MessageBus } from '../bus/message-bus.js';
import type { MarketCache } from '../data/market-cache.js';
import type { BarSeriesView } from '../data/series.js';
import type { OrderChanges } from '../execution/client.js';
import type { ExecutionEngine } from '../execution/execution-engine.js';
import type { Bar } from '../model/bar.js';
import type { OrderEvent } from '../model/events.js';
import { isOpen, type OrderRequest, type OrderView } from '../model/order.js';
import type { PositionView } from '../model/position.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import type { EntryOptions, ExitOptions, StrategyContext } from './context.js';
import { derive, exitRulesSchema, type ExitRules, type StrategyDefinition, type StrategyHandlers } from './define.js';
import { ExitManager, type Brackets, type FeeRates } from './exits.js';

export interface StrategyHostDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly market: MarketCache;
  readonly execution: ExecutionEngine;
  readonly portfolio: PortfolioView;
  readonly logger: Logger;
  /** Fee rates the venue charges on a symbol (for take-profit prices net of fees). */
  readonly feesOf: (symbol: string) => FeeRates;
  /** Builds a higher timeframe from the base one. */
  readonly addTimeframe: (symbol: string, base: Timeframe, target: Timeframe, capacity: number) => void;
}

export interface StrategyRunConfig {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** At most this many positions at once (Freqtrade's max_open_trades). Default: one per symbol. */
  readonly maxOpenTrades?: number;
  /** Id used as the owner of the strategy's orders. Default: the strategy name. */
  readonly id?: string;
}

/** Counts the host reports at the end of a run. */
export interface StrategyRunStats {
  readonly barsHandled: number;
  /** Intents made during the warm-up, which were ignored. */
  readonly intentsDuringWarmup: number;
  readonly ordersSubmitted: number;
  readonly ordersRejected: number;
}

interface EntryInfo {
  readonly leverage: number;
  readonly brackets: Brackets;
  /** Cancel the entry if still unfilled when a bar closes more than this long after it was sent. */
  readonly cancelAfter: number;
}

export class StrategyHost {
  readonly id: string;
  readonly params: unknown;
  readonly warmup: number;
  readonly exitRules: ExitRules;
  private handlers!: StrategyHandlers;
  private readonly exits: ExitManager;
  private readonly context: HostContext;
  private readonly timeframes: ReadonlySet<Timeframe>;
  private readonly symbols: ReadonlySet<string>;
  /** Per traded symbol: base-timeframe bars seen (absent for symbols the strategy does not trade). */
  private readonly barsSeen = new SymbolMap<{ count: number }>();
  private readonly entries = new Map<string, EntryInfo>();
  private stats = { barsHandled: 0, intentsDuringWarmup: 0, ordersSubmitted: 0, ordersRejected: 0 };

  constructor(
    private readonly deps: StrategyHostDeps,
    readonly definition: StrategyDefinition,
    rawParams: Record<string, unknown>,
    readonly config: StrategyRunConfig,
  ) {
    this.id = config.id ?? definition.name;
    this.params = parseParams(definition, rawParams);
    this.warmup = derive(definition.warmup, this.params, 0);
    if (!Number.isInteger(this.warmup) || this.warmup < 0) throw new ConfigurationError(`warm-up must be a non-negative integer, got ${this.warmup}`, `${definition.name}.warmup`);
    const exitsParsed = exitRulesSchema.safeParse(derive(definition.exits, this.params, {}));
    if (!exitsParsed.success) {
      const issue = exitsParsed.error.issues[0]!;
      throw new ConfigurationError(issue.message, [definition.name, 'exits', ...issue.path.map(String)].join('.'));
    }
    this.exitRules = exitsParsed.data;
    const extra = derive(definition.timeframes, this.params, []);
    const lookback = derive(definition.lookback, this.params, Math.max(this.warmup + 1, 500));
    this.timeframes = new Set([config.timeframe, ...extra]);
    this.symbols = new Set(config.symbols);
    for (const symbol of config.symbols) {
      this.barsSeen.set(symbol, { count: 0 });
      deps.market.ensureSeries(symbol, config.timeframe, lookback);
      for (const tf of extra) if (tf !== config.timeframe) deps.addTimeframe(symbol, config.timeframe, tf, lookback);
    }
    this.exits = new ExitManager(this.exitRules, deps.execution, deps.portfolio, this.id, deps.feesOf);
    this.context = new HostContext(this);
  }

  /** Calls the strategy's setup and subscribes to the bus. Call once, before data flows. */
  start(): void {
    this.handlers = this.call('setup', () =>
      this.definition.setup({ params: this.params, symbols: this.config.symbols, timeframe: this.config.timeframe }),
    );
    if (typeof this.handlers?.onBar !== 'function') {
      throw new StrategyError('setup() must return an object with an onBar(bar, ctx) function', this.definition.name, 'setup');
    }
    this.deps.bus.subscribe('bar', (bar) => this.onBar(bar));
    this.deps.bus.subscribe('order', (event) => this.onOrderEvent(event));
  }

  /** Ends the run: lets the strategy clean up. */
  stop(): void {
    if (this.handlers.onStop) this.call('onStop', () => this.handlers.onStop!(this.context));
  }

  get runStats(): StrategyRunStats {
    return { ...this.stats };
  }

  // ---- event handling -----------------------------------------------------------------------

  private onBar(bar: Bar): void {
    const seen = this.barsSeen.get(bar.symbol);
    if (seen === undefined) return;
    const base = bar.timeframe === this.config.timeframe;
    if (!base && !this.timeframes.has(bar.timeframe)) return;
    if (base) {
      const now = this.deps.clock.now();
      seen.count++;
      this.exits.onBarClose(bar.symbol, now);
      if (this.entries.size > 0) this.cancelStaleEntries(bar.symbol, now);
    }
    this.stats.barsHandled++;
    this.context.currentSymbol = bar.symbol;
    try {
      this.handlers.onBar(bar, this.context);
    } catch (error) {
      throw this.wrap(error, 'onBar');
    }
  }

  private onOrderEvent(event: OrderEvent): void {
    const order = this.deps.execution.get(event.orderId);
    if (!order || order.owner !== this.id) return;
    this.exits.onOrderEvent(event);
    if (event.kind === 'order.filled') {
      const entry = this.entries.get(event.orderId);
      if (entry) this.exits.onEntryFilled(event.symbol, entry.leverage, entry.brackets, event.time);
      if (entry && event.status === 'filled') this.entries.delete(event.orderId);
      if (this.handlers.onFill) {
        this.context.currentSymbol = event.symbol;
        this.call('onFill', () => this.handlers.onFill!(event.fill, this.context));
      }
    }
    if (event.kind === 'order.rejected') this.stats.ordersRejected++;
    if (event.kind !== 'order.filled' && event.kind !== 'order.initialized' && event.kind !== 'order.submitted' && event.kind !== 'order.accepted' && event.kind !== 'order.updated' && event.kind !== 'order.triggered') {
      this.entries.delete(event.orderId);
    }
    if (this.handlers.onOrder) this.call('onOrder', () => this.handlers.onOrder!(event, this.context));
  }

  /** Entries with a timeout are canceled at the first bar close after it passed (Freqtrade's unfilledtimeout). */
  private cancelStaleEntries(symbol: string, now: number): void {
    for (const order of this.openOrders(symbol)) {
      const entry = this.entries.get(order.id);
      if (entry && now > entry.cancelAfter && order.filledQuantity === 0) this.deps.execution.cancel(order.id, 'entry timed out unfilled');
    }
  }

  private call<T>(callback: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.wrap(error, callback);
    }
  }

  private wrap(error: unknown, callback: string): Error {
    if (error instanceof StrategyError) return error;
    return new StrategyError(errorMessage(error), this.definition.name, callback, { cause: error });
  }

  // ---- what the context does -----------------------------------------------------------------

  isWarmingUp(symbol: string): boolean {
    return (this.barsSeen.get(symbol)?.count ?? 0) < this.warmup;
  }

  series(symbol: string, timeframe: Timeframe): BarSeriesView {
    if (!this.symbols.has(symbol)) throw new ConfigurationError(`${symbol} is not traded by this strategy (symbols: ${[...this.symbols].join(', ')})`, 'symbol');
    if (!this.timeframes.has(timeframe)) throw new ConfigurationError(`timeframe ${timeframe} is not declared; add it to the strategy's timeframes (declared: ${[...this.timeframes].join(', ')})`, 'timeframe');
    return this.deps.market.series(symbol, timeframe);
  }

  position(symbol: string): PositionView {
    return this.deps.portfolio.position(symbol);
  }

  get portfolio(): PortfolioView {
    return this.deps.portfolio;
  }

  openOrders(symbol?: string): readonly OrderView[] {
    return this.deps.execution.open(symbol).filter((o) => o.owner === this.id);
  }

  submit(request: OrderRequest, symbol: string): OrderView | undefined {
    if (this.isWarmingUp(symbol)) {
      this.stats.intentsDuringWarmup++;
      return undefined;
    }
    const order = this.deps.execution.submit(request.owner === this.id ? request : { ...request, owner: this.id });
    this.stats.ordersSubmitted++;
    return order;
  }

  enter(side: 'long' | 'short', options: EntryOptions, symbol: string): OrderView | undefined {
    if (this.isWarmingUp(symbol)) {
      this.stats.intentsDuringWarmup++;
      return undefined;
    }
    const buy = side === 'long';
    const open = this.openOrders(symbol);
    if (open.some((o) => this.entries.has(o.id))) return undefined; // an entry is already working
    const quantity = this.position(symbol).quantity;
    if (buy ? quantity > 0 : quantity < 0) return undefined; // already in; no pyramiding
    if (quantity !== 0) {
      if (options.reverse === false) return undefined;
      this.exit(buy ? 'short' : 'long', { reason: 'reverse' }, symbol);
    }
    const leverage = options.leverage ?? 1;
    if (!(leverage >= 1)) throw new ConfigurationError(`leverage must be at least 1, got ${leverage}`, 'leverage');
    const size = options.size ?? this.stake(leverage);
    const type = options.stop !== undefined ? (options.price !== undefined ? 'stop-limit' : 'stop-market') : options.price !== undefined ? 'limit' : 'market';
    const request: OrderRequest = {
      symbol, side: buy ? 'buy' : 'sell', size, tag: options.tag ?? (buy ? 'enter_long' : 'enter_short'), type, owner: this.id,
      ...(options.price !== undefined ? { price: options.price } : {}),
      ...(options.stop !== undefined ? { triggerPrice: options.stop } : {}),
    };
    const order = this.submit(request, symbol);
    const brackets: Brackets = {
      ...(options.stopLoss !== undefined ? { stopLoss: options.stopLoss } : {}),
      ...(options.takeProfit !== undefined ? { takeProfit: options.takeProfit } : {}),
    };
    const cancelAfter = options.timeoutMs === undefined ? Infinity : this.deps.clock.now() + options.timeoutMs;
    if (order && order.status !== 'rejected') this.entries.set(order.id, { leverage, brackets, cancelAfter });
    return order;
  }

  exit(side: 'long' | 'short', options: ExitOptions, symbol: string): OrderView | undefined {
    const reason = options.reason ?? 'exit_signal';
    if (reason === 'exit_signal' && !this.exitRules.useExitSignal) return undefined;
    // An unfilled entry on that side is withdrawn.
    for (const order of this.openOrders(symbol)) {
      if (this.entries.has(order.id) && order.side === (side === 'long' ? 'buy' : 'sell')) this.deps.execution.cancel(order.id, `exit (${reason}) before the entry filled`);
    }
    const quantity = this.position(symbol).quantity;
    if (side === 'long' ? quantity <= 0 : quantity >= 0) return undefined;
    const exitSide = side === 'long' ? 'sell' : 'buy';
    const pending = this.openOrders(symbol).find((o) => o.reduceOnly && o.side === exitSide && (o.type === 'market' || o.type === 'limit') && o.tag !== 'roi');
    if (pending) return undefined; // an exit is already on its way
    if (this.isWarmingUp(symbol)) {
      this.stats.intentsDuringWarmup++;
      return undefined;
    }
    const request: OrderRequest = {
      symbol, side: exitSide, size: { base: Math.abs(quantity) }, reduceOnly: true, tag: reason, owner: this.id,
      ...(options.price !== undefined ? { type: 'limit' as const, price: options.price } : { type: 'market' as const }),
    };
    return this.submit(request, symbol);
  }

  /** Freqtrade's "unlimited" stake: an equal share of buying power per free trade slot. */
  private stake(leverage: number): { equityFraction: number } {
    const slots = this.config.maxOpenTrades ?? this.config.symbols.length;
    // Entries still on their way hold a slot too: a fraction resolves at the fill against what
    // is free then, so two entries sent together must not both ask for 1/slots of it.
    let used = this.deps.portfolio.openPositions().length;
    for (const id of this.entries.keys()) {
      const order = this.deps.execution.get(id);
      if (order !== undefined && isOpen(order.status) && order.filledQuantity === 0 && this.deps.portfolio.position(order.symbol).quantity === 0) used++;
    }
    const free = Math.max(1, slots - used);
    // With leverage L a position may be L times the margin; buying power already includes the
    // account's leverage, so a per-trade leverage below it scales the stake down.
    const fraction = Math.min(1, leverage / this.deps.portfolio.leverage) / free;
    return { equityFraction: Math.max(Number.MIN_VALUE, Math.min(1, fraction)) };
  }

  cancel(orderId: string): void {
    this.deps.execution.cancel(orderId, 'canceled by strategy');
  }

  modify(orderId: string, changes: OrderChanges): void {
    this.deps.execution.modify(orderId, changes);
  }

  log(message: string): void {
    this.deps.logger.info({ strategy: this.id, time: new Date(this.deps.clock.now()).toISOString() }, message);
  }

  get clock(): Clock {
    return this.deps.clock;
  }
}

/** The context object handed to user code; one per host, reused for every call. */
class HostContext implements StrategyContext {
  currentSymbol: string;

  constructor(private readonly host: StrategyHost) {
    this.currentSymbol = host.config.symbols[0]!;
  }

  get time(): number {
    return this.host.clock.now();
  }
  get symbols(): readonly string[] {
    return this.host.config.symbols;
  }
  get timeframe(): Timeframe {
    return this.host.config.timeframe;
  }
  get isWarmingUp(): boolean {
    return this.host.isWarmingUp(this.currentSymbol);
  }
  series(symbol = this.currentSymbol, timeframe = this.host.config.timeframe): BarSeriesView {
    return this.host.series(symbol, timeframe);
  }
  position(symbol = this.currentSymbol): PositionView {
    return this.host.position(symbol);
  }
  get portfolio(): PortfolioView {
    return this.host.portfolio;
  }
  openOrders(symbol?: string): readonly OrderView[] {
    return this.host.openOrders(symbol);
  }
  enterLong(options: EntryOptions = {}): OrderView | undefined {
    return this.host.enter('long', options, options.symbol ?? this.currentSymbol);
  }
  enterShort(options: EntryOptions = {}): OrderView | undefined {
    return this.host.enter('short', options, options.symbol ?? this.currentSymbol);
  }
  exitLong(options: ExitOptions = {}): OrderView | undefined {
    return this.host.exit('long', options, options.symbol ?? this.currentSymbol);
  }
  exitShort(options: ExitOptions = {}): OrderView | undefined {
    return this.host.exit('short', options, options.symbol ?? this.currentSymbol);
  }
  submitOrder(request: Omit<OrderRequest, 'owner'>): OrderView | undefined {
    return this.host.submit(request, request.symbol);
  }
  cancelOrder(orderId: string): void {
    this.host.cancel(orderId);
  }
  modifyOrder(orderId: string, changes: OrderChanges): void {
    this.host.modify(orderId, changes);
  }
  log(message: string): void {
    this.host.log(message);
  }
}

/** Parses raw parameters (strings from the command line are converted) against the schema. */
export function parseParams(definition: StrategyDefinition, raw: Record<string, unknown>): unknown {
  const result = definition.params.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.join(', ') : undefined;
    throw new ConfigurationError(issue.message, `${definition.name}.params${key ? `.${key}` : ''}`);
  }
  return result.data;
}

