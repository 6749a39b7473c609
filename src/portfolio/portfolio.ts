/**
 * The Portfolio: the account, its positions and its closed trades, kept current from fills,
 * funding and balance events on the bus, and marked to market on every closed bar.
 *
 * One accounting rule for every account (see model/account.ts): balance changes by realised PnL,
 * fees, funding and adjustments; equity = balance + unrealised PnL; margin used =
 * Σ |notional| / leverage; buying power = (equity − margin used) × leverage.
 */
import { ConfigurationError } from '../core/errors.js';
import { SymbolMap } from '../core/symbol-map.js';
import type { MessageBus } from '../bus/message-bus.js';
import type { AccountType, AccountView } from '../model/account.js';
import type { Bar } from '../model/bar.js';
import type { FundingEvent, OrderEvent } from '../model/events.js';
import type { Fill } from '../model/fill.js';
import { Position, type PositionView } from '../model/position.js';
import type { ClosedTrade } from '../model/trade.js';
import { TradeTracker } from './trade-tracker.js';

export interface AccountConfig {
  readonly type: AccountType;
  readonly currency: string;
  readonly startingBalance: number;
  /** Maximum leverage; must be 1 for a cash account. */
  readonly leverage: number;
}

/** What engines and strategies may read. */
export interface PortfolioView {
  /** A full snapshot of the account (builds an object: avoid on per-bar paths). */
  readonly account: AccountView;
  readonly accountType: AccountType;
  readonly leverage: number;
  /** Σ |notional| of open positions at their marks. */
  readonly grossExposure: number;
  /** equity − margin used, never below 0 (as in `account`, without building a snapshot). */
  readonly freeMargin: number;
  readonly equity: number;
  readonly balance: number;
  /** The position of a symbol; a flat position when none was ever opened. */
  position(symbol: string): PositionView;
  /** Positions that are not flat. */
  openPositions(): readonly PositionView[];
  readonly trades: readonly ClosedTrade[];
  /** The open trade of a symbol (entry time, price and tag), if any. */
  openTrade(symbol: string): { readonly side: 'long' | 'short'; readonly entryTime: number; readonly entryPrice: number; readonly entryTag: string | undefined } | undefined;
  /** Equity if `symbol` were marked at `price` (other positions at their marks). */
  equityIfMarked(symbol: string, price: number): number;
}

/** What the portfolio keeps per symbol. */
interface SymbolState {
  readonly position: Position;
  /** Base-timeframe bars closed so far (trade durations are counted in them). */
  bars: number;
}

export class Portfolio implements PortfolioView {
  private readonly symbols = new SymbolMap<SymbolState>();
  private readonly open: Position[] = [];
  private readonly tracker: TradeTracker;
  private cash: number;
  private fees = 0;
  private fundingTotal = 0;

  constructor(
    bus: MessageBus,
    readonly config: AccountConfig,
    private readonly multiplierOf: (symbol: string) => number,
    /** Timeframe of the bars that count as "bars" for trade durations; undefined: every bar. */
    private readonly baseTimeframe?: string,
  ) {
    if (!(config.startingBalance >= 0) || !Number.isFinite(config.startingBalance)) {
      throw new ConfigurationError(`starting balance must be a non-negative number, got ${config.startingBalance}`, 'account.cash');
    }
    if (!(config.leverage >= 1)) throw new ConfigurationError(`leverage must be at least 1, got ${config.leverage}`, 'account.leverage');
    if (config.type === 'cash' && config.leverage !== 1) throw new ConfigurationError('a cash account cannot use leverage; use a margin account', 'account.leverage');
    this.cash = config.startingBalance;
    this.tracker = new TradeTracker(multiplierOf);
    bus.subscribe('order', (event) => this.onOrderEvent(event));
    bus.subscribe('funding', (event) => this.onFunding(event));
    bus.subscribe('balance', (event) => {
      this.cash += event.amount;
    });
    bus.subscribe('bar', (bar) => this.onBar(bar));
  }

  get balance(): number {
    return this.cash;
  }

  get accountType(): AccountType {
    return this.config.type;
  }

  get leverage(): number {
    return this.config.leverage;
  }

  get unrealizedPnl(): number {
    let sum = 0;
    for (let i = 0; i < this.open.length; i++) sum += this.open[i]!.unrealizedPnl;
    return sum;
  }

  get equity(): number {
    return this.cash + this.unrealizedPnl;
  }

  get grossExposure(): number {
    let sum = 0;
    for (let i = 0; i < this.open.length; i++) sum += Math.abs(this.open[i]!.notional);
    return sum;
  }

  get freeMargin(): number {
    return Math.max(0, this.equity - this.grossExposure / this.config.leverage);
  }

  get account(): AccountView {
    const unrealizedPnl = this.unrealizedPnl;
    const equity = this.cash + unrealizedPnl;
    const gross = this.grossExposure;
    const marginUsed = gross / this.config.leverage;
    const freeMargin = Math.max(0, equity - marginUsed);
    return {
      type: this.config.type, currency: this.config.currency, leverage: this.config.leverage, balance: this.cash,
      unrealizedPnl, equity, marginUsed, freeMargin, buyingPower: freeMargin * this.config.leverage,
      grossLeverage: equity > 0 ? gross / equity : gross > 0 ? Infinity : 0, feesPaid: this.fees, fundingPaid: this.fundingTotal,
    };
  }

  equityIfMarked(symbol: string, price: number): number {
    const position = this.symbols.get(symbol)?.position;
    if (!position || position.quantity === 0) return this.equity;
    return this.equity + (price - position.markPrice) * position.quantity * position.multiplier;
  }

  position(symbol: string): PositionView {
    return this.state(symbol).position;
  }

  openPositions(): readonly PositionView[] {
    return this.open;
  }

  get trades(): readonly ClosedTrade[] {
    return this.tracker.trades;
  }

  openTrade(symbol: string): ReturnType<PortfolioView['openTrade']> {
    return this.tracker.current(symbol);
  }

  private state(symbol: string): SymbolState {
    const state = this.symbols.get(symbol);
    if (state !== undefined) return state;
    const created: SymbolState = { position: new Position(symbol, this.multiplierOf(symbol)), bars: 0 };
    this.symbols.set(symbol, created);
    return created;
  }

  private onOrderEvent(event: OrderEvent): void {
    if (event.kind === 'order.filled') this.applyFill(event.fill);
  }

  private applyFill(fill: Fill): void {
    const state = this.state(fill.symbol);
    const position = state.position;
    const before = position.quantity;
    const realized = position.applyFill(fill);
    this.cash += realized - fill.fee;
    this.fees += fill.fee;
    if (before === 0 && position.quantity !== 0) this.open.push(position);
    else if (before !== 0 && position.quantity === 0) this.open.splice(this.open.indexOf(position), 1);
    this.tracker.onFill(fill, before, realized, state.bars);
  }

  private onFunding(event: FundingEvent): void {
    const position = this.state(event.symbol).position;
    position.funding += event.amount;
    this.cash -= event.amount;
    this.fundingTotal += event.amount;
    this.tracker.onCarry(event.symbol, event.amount);
  }

  private onBar(bar: Bar): void {
    const state = this.state(bar.symbol);
    if (this.baseTimeframe === undefined || this.baseTimeframe === bar.timeframe) state.bars++;
    state.position.markPrice = bar.close;
  }
}
