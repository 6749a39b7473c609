/**
 * A small venue on a test bench: the SimulatedExchange wired to a real ExecutionEngine, Portfolio
 * and DataEngine, driven bar by bar by the test. Orders are sent between bars (at the close of the
 * last bar, i.e. the open time of the next), so "fills at the next bar's open" reads literally.
 *
 * Bars default to the 3h timeframe: each of the three legs of the intrabar path lasts exactly one
 * hour, which keeps hand-computed latencies and path positions simple (30 min = half a leg).
 *
 * @example
 * const h = simHarness();
 * const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
 * h.bar(100, 110, 95, 105);
 * h.fills[0]!.price; // 100
 */
import { SimulatedClock } from '../../src/core/clock.js';
import { IdGenerator } from '../../src/core/ids.js';
import { Lifecycle } from '../../src/core/lifecycle.js';
import { timeframeMs } from '../../src/core/time.js';
import { MessageBus } from '../../src/bus/message-bus.js';
import { DataEngine, type BadDataPolicy } from '../../src/data/data-engine.js';
import { MarketCache } from '../../src/data/market-cache.js';
import type { OrderChanges, PreTradeCheck } from '../../src/execution/client.js';
import { ExecutionEngine } from '../../src/execution/execution-engine.js';
import type { AccountType } from '../../src/model/account.js';
import type { Bar } from '../../src/model/bar.js';
import type { BalanceEvent, FundingEvent, OrderEvent, RiskDeniedEvent } from '../../src/model/events.js';
import type { Fill } from '../../src/model/fill.js';
import { defineInstrument, type InstrumentInput } from '../../src/model/instrument.js';
import type { OrderRequest, OrderView } from '../../src/model/order.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { PreTradeRisk } from '../../src/risk/pre-trade.js';
import { TradingStateHolder } from '../../src/risk/trading-state.js';
import { defaultSimOptions, SimulatedExchange, type FundingSeries, type SimulatedExchangeOptions } from '../../src/sim/simulated-exchange.js';

/** Monday 2024-01-01 00:00 UTC. */
export const START = Date.UTC(2024, 0, 1);

export interface HarnessOptions {
  readonly sim?: Partial<Omit<SimulatedExchangeOptions, 'fundingRates'>>;
  readonly funding?: Readonly<Record<string, FundingSeries>>;
  readonly account?: { readonly type?: AccountType; readonly leverage?: number; readonly cash?: number };
  /** Instruments; default one permissive instrument `X`. */
  readonly instruments?: readonly InstrumentInput[];
  readonly timeframe?: string;
  readonly start?: number;
  /** `pass`: orders go straight to the venue (to test the venue's own checks); `pre-trade`: the kernel's checks. */
  readonly risk?: 'pass' | 'pre-trade';
  readonly badData?: BadDataPolicy;
  /** The execution engine's `keepHistory` (default true). */
  readonly keepOrderHistory?: boolean;
}

const passThrough: PreTradeCheck = { check: (request) => ({ ok: true, request }) };

export type Ohlcv = readonly [open: number, high: number, low: number, close: number, volume?: number];

export class SimHarness {
  readonly bus = new MessageBus();
  readonly clock: SimulatedClock;
  readonly market = new MarketCache(1000);
  readonly data: DataEngine;
  readonly portfolio: Portfolio;
  readonly exchange: SimulatedExchange;
  readonly execution: ExecutionEngine;
  readonly tradingState = new TradingStateHolder();
  readonly lifecycle: Lifecycle;
  readonly timeframe: string;
  readonly tf: number;
  readonly start: number;
  readonly events: OrderEvent[] = [];
  readonly funding: FundingEvent[] = [];
  readonly balance: BalanceEvent[] = [];
  readonly risk: RiskDeniedEvent[] = [];
  /** Bars fed so far per symbol. */
  private readonly counts = new Map<string, number>();

  constructor(options: HarnessOptions = {}) {
    this.timeframe = options.timeframe ?? '3h';
    this.tf = timeframeMs(this.timeframe);
    this.start = options.start ?? START;
    this.clock = new SimulatedClock(this.start);
    for (const input of options.instruments ?? [{ symbol: 'X' }]) this.market.addInstrument(defineInstrument(input));
    this.lifecycle = new Lifecycle('data-feed', () => this.clock.now());
    this.data = new DataEngine(this.bus, this.market, { badData: options.badData ?? 'throw', lifecycle: this.lifecycle });
    const leverage = options.account?.leverage ?? 1;
    this.portfolio = new Portfolio(
      this.bus,
      { type: options.account?.type ?? 'margin', currency: 'USD', startingBalance: options.account?.cash ?? 10_000, leverage },
      (symbol) => this.market.instrument(symbol).multiplier,
      this.timeframe,
    );
    const sim: SimulatedExchangeOptions = { ...defaultSimOptions, ...options.sim, fundingRates: new Map(Object.entries(options.funding ?? {})) };
    this.exchange = new SimulatedExchange(this.bus, this.clock, this.market, this.portfolio, sim, (t) => this.clock.advanceTo(t));
    const check = options.risk === 'pre-trade' ? new PreTradeRisk(this.market, this.portfolio, this.tradingState) : passThrough;
    this.execution = new ExecutionEngine(this.bus, this.clock, new IdGenerator(), this.exchange, check, { keepHistory: options.keepOrderHistory ?? true });
    this.bus.subscribe('order', (e) => this.events.push(e));
    this.bus.subscribe('funding', (e) => this.funding.push(e));
    this.bus.subscribe('balance', (e) => this.balance.push(e));
    this.bus.subscribe('risk', (e) => this.risk.push(e));
    this.lifecycle.transition('running');
  }

  /** Open time of the i-th bar. */
  time(i: number): number {
    return this.start + i * this.tf;
  }

  /** Time `minutes` after the open of bar i. */
  at(i: number, minutes: number): number {
    return this.time(i) + minutes * 60_000;
  }

  /** Feeds the next bar of a symbol: the market trades through it, then it closes. */
  bar(open: number, high: number, low: number, close: number, volume = 1000, symbol = 'X'): Bar {
    const i = this.counts.get(symbol) ?? 0;
    this.counts.set(symbol, i + 1);
    const bar: Bar = { symbol, timeframe: this.timeframe, time: this.time(i), open, high, low, close, volume };
    this.feed(bar);
    return bar;
  }

  /**
   * One time step of several symbols, as the backtest runner plays it: every bar trades (in the
   * given order) before any closes.
   */
  step(rows: Readonly<Record<string, Ohlcv>>): void {
    const bars: Bar[] = Object.entries(rows).map(([symbol, [open, high, low, close, volume]]) => {
      const i = this.counts.get(symbol) ?? 0;
      this.counts.set(symbol, i + 1);
      return { symbol, timeframe: this.timeframe, time: this.time(i), open, high, low, close, volume: volume ?? 1000 };
    });
    this.clock.advanceTo(bars[0]!.time);
    const traded = bars.filter((bar) => this.data.marketBar(bar));
    this.clock.advanceTo(bars[0]!.time + this.tf);
    for (const bar of traded) this.data.closeBar(bar);
  }

  bars(rows: readonly Ohlcv[], symbol = 'X'): void {
    for (const [o, hi, lo, c, v] of rows) this.bar(o, hi, lo, c, v ?? 1000, symbol);
  }

  /** Feeds a bar as given (for bad-data tests). */
  feed(bar: Bar): void {
    this.clock.advanceTo(bar.time);
    if (this.data.marketBar(bar)) {
      this.clock.advanceTo(bar.time + this.tf);
      this.data.closeBar(bar);
    }
  }

  submit(request: Omit<OrderRequest, 'symbol'> & { symbol?: string }): OrderView {
    return this.execution.submit({ symbol: 'X', ...request });
  }

  cancel(order: OrderView | string, reason?: string): void {
    this.execution.cancel(typeof order === 'string' ? order : order.id, reason);
  }

  modify(order: OrderView | string, changes: OrderChanges): void {
    this.execution.modify(typeof order === 'string' ? order : order.id, changes);
  }

  /** Runs `fn` on every fill (after the portfolio has applied it): orders sent there react within the bar. */
  onFill(fn: (fill: Fill, order: OrderView) => void): void {
    this.bus.subscribe('order', (e) => {
      if (e.kind === 'order.filled') fn(e.fill, this.execution.get(e.orderId)!);
    });
  }

  get fills(): Fill[] {
    return this.events.flatMap((e) => (e.kind === 'order.filled' ? [e.fill] : []));
  }

  fillsOf(order: OrderView): Fill[] {
    return this.fills.filter((f) => f.orderId === order.id);
  }

  /** Event kinds of one order, in order, without the `order.` prefix. */
  kinds(order: OrderView): string[] {
    return this.events.filter((e) => e.orderId === order.id).map((e) => e.kind.slice('order.'.length));
  }

  eventsOf(order: OrderView): OrderEvent[] {
    return this.events.filter((e) => e.orderId === order.id);
  }

  position(symbol = 'X'): number {
    return this.portfolio.position(symbol).quantity;
  }
}

export function simHarness(options: HarnessOptions = {}): SimHarness {
  return new SimHarness(options);
}
