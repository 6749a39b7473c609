/**
 * The live node: a long-running kernel fed by a DataClient. It builds the same Kernel as the
 * backtest runner; only the environment differs — `paper` uses the SimulatedExchange the backtest
 * uses, `live` a venue's execution client — and the data arrives from a client instead of a loop.
 * With a ReplayDataClient and a SimulatedClock it is paper trading on recorded data (what
 * `npm start` runs), and its trades are the backtest's trades for the same bars.
 *
 * The node is reusable by servers and dashboards: `start()`/`stop()`, a `status()` snapshot,
 * and everything it does on its bus — order and position events, `component` lifecycle changes of
 * the node and its data client, and `node.status` after each bar of the base timeframe.
 *
 * @example
 * const clock = new SimulatedClock();
 * const feed = new ReplayDataClient([table], clock, { speed: 50 });
 * const node = new LiveNode({ strategy, clock, dataClient: feed, cash: 10_000 });
 * node.kernel.bus.subscribe('order', (e) => { if (e.kind === 'order.filled') console.log(e.fill); });
 * await node.run(); // until the feed ends
 */
import { SimulatedClock, type Clock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import { Lifecycle, type ComponentStatus } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { DataClient } from '../data/client.js';
import type { BadDataPolicy } from '../data/data-engine.js';
import type { ExecutionClient } from '../execution/client.js';
import type { AccountType } from '../model/account.js';
import type { Bar } from '../model/bar.js';
import { defineInstrument, type InstrumentInput } from '../model/instrument.js';
import type { PositionView } from '../model/position.js';
import { Kernel, type ClientDeps, type EnvironmentName } from '../kernel/kernel.js';
import { defaultSimOptions, SimulatedExchange, type FundingSeries, type SimulatedExchangeOptions } from '../sim/simulated-exchange.js';
import type { StrategyDefinition } from '../strategy/define.js';
import type { StrategyHost } from '../strategy/host.js';

/** A snapshot of the node after a time step (or on demand). */
export interface NodeStatus {
  readonly kind: 'node.status';
  /** Simulated or wall time, UTC epoch ms. */
  readonly time: number;
  /** Open time of the last base bar handled (NaN before the first). */
  readonly lastBarTime: number;
  readonly equity: number;
  readonly balance: number;
  readonly positions: readonly PositionView[];
  readonly closedTrades: number;
  /** Time steps of the base timeframe handled. */
  readonly steps: number;
  readonly state: ComponentStatus['state'];
}

declare module '../bus/topics.js' {
  interface Topics {
    /** The live node's status after each bar of the base timeframe (one per symbol and time step). */
    'node.status': NodeStatus;
  }
}

export interface LiveNodeOptions {
  readonly strategy: StrategyDefinition;
  readonly params?: Record<string, unknown>;
  readonly dataClient: DataClient;
  /** A SimulatedClock for replays (the data client advances it), a LiveClock for real feeds. */
  readonly clock: Clock;
  /** Venue metadata per symbol; symbols without it trade fractionally. */
  readonly instruments?: readonly InstrumentInput[];
  /** Starting cash (paper). Default 10,000. */
  readonly cash?: number;
  readonly account?: { readonly type?: AccountType; readonly leverage?: number; readonly currency?: string };
  /** SimulatedExchange options for paper trading (ignored when `createExecutionClient` is given). */
  readonly sim?: Partial<Omit<SimulatedExchangeOptions, 'fundingRates'>>;
  readonly fundingRates?: Readonly<Record<string, FundingSeries>>;
  /** A venue's execution client (live trading); default: the SimulatedExchange (paper). */
  readonly createExecutionClient?: (deps: ClientDeps) => ExecutionClient;
  readonly maxOpenTrades?: number;
  /** A bad bar stops the node (`throw`, default: recorded data should be clean) or is dropped and the feed marked degraded (`drop`). */
  readonly badData?: BadDataPolicy;
  readonly logger?: Logger;
  /** Prefix for order ids so that several nodes can share storage. */
  readonly idNamespace?: string;
}

/** Growable (time, equity) columns; one point per time step. */
class EquityCurve {
  time = new Float64Array(1024);
  equity = new Float64Array(1024);
  length = 0;

  push(time: number, equity: number): void {
    if (this.length === this.time.length) {
      const t = new Float64Array(this.length * 2);
      const e = new Float64Array(this.length * 2);
      t.set(this.time);
      e.set(this.equity);
      this.time = t;
      this.equity = e;
    }
    this.time[this.length] = time;
    this.equity[this.length] = equity;
    this.length++;
  }
}

export class LiveNode {
  readonly kernel: Kernel;
  readonly host: StrategyHost;
  /** The simulated venue in paper mode; undefined with a venue's execution client. */
  readonly exchange: SimulatedExchange | undefined;
  readonly lifecycle: Lifecycle;
  readonly environment: EnvironmentName;
  readonly simOptions: SimulatedExchangeOptions | undefined;
  readonly cash: number;
  private readonly curve = new EquityCurve();
  private inMarket = 0;
  private stepInMarket = false;
  private lastBarTime = Number.NaN;
  private started = false;
  private stopped = false;

  constructor(private readonly options: LiveNodeOptions) {
    const client = options.dataClient;
    const symbols = client.symbols;
    if (symbols.length === 0) throw new ConfigurationError('the data client delivers no symbols', 'dataClient');
    this.cash = options.cash ?? 10_000;
    if (!(this.cash > 0)) throw new ConfigurationError(`must be positive, got ${this.cash}`, 'cash');
    const clock = options.clock;
    const instruments = symbols.map((symbol) => defineInstrument(options.instruments?.find((i) => i.symbol === symbol) ?? { symbol }));
    const simOptions: SimulatedExchangeOptions | undefined = options.createExecutionClient
      ? undefined
      : { ...defaultSimOptions, ...options.sim, fundingRates: new Map(Object.entries(options.fundingRates ?? {})) };
    this.simOptions = simOptions;
    this.environment = simOptions ? 'paper' : 'live';
    // A replay's clock stands at a bar's open while the venue walks it; the venue moves it along
    // the bar's path as events happen, as in a backtest. A wall clock moves by itself.
    const advance = clock instanceof SimulatedClock ? (t: number): void => clock.advanceTo(t) : (): void => {};
    let exchange: SimulatedExchange | undefined;
    this.kernel = new Kernel(
      {
        account: {
          type: options.account?.type ?? 'margin',
          currency: options.account?.currency ?? (instruments[0]!.quote || 'USD'),
          startingBalance: this.cash,
          leverage: options.account?.leverage ?? 1,
        },
        instruments,
        baseTimeframe: client.timeframe,
        badData: options.badData ?? 'throw',
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.idNamespace ? { idNamespace: options.idNamespace } : {}),
      },
      {
        name: this.environment,
        clock,
        createExecutionClient: (deps) => {
          if (options.createExecutionClient) return options.createExecutionClient(deps);
          exchange = new SimulatedExchange(deps.bus, clock, deps.market, deps.portfolio, simOptions, advance);
          return exchange;
        },
        ...(simOptions ? { feesOf: (_symbol: string, instrument: { makerFee: number; takerFee: number }) => ({ maker: simOptions.fees.maker ?? instrument.makerFee, taker: simOptions.fees.taker ?? instrument.takerFee }) } : {}),
      },
    );
    this.exchange = exchange;
    this.host = this.kernel.addStrategy(options.strategy, options.params ?? {}, {
      symbols,
      ...(options.maxOpenTrades !== undefined ? { maxOpenTrades: options.maxOpenTrades } : {}),
    });
    this.lifecycle = new Lifecycle('node', () => clock.now());
    const bus = this.kernel.bus;
    this.lifecycle.onChange((s) => bus.publish('component', s));
    client.lifecycle.onChange((s) => {
      bus.publish('component', s);
      if (s.state === 'degraded') this.lifecycle.transition('degraded', `${client.name}: ${s.reason ?? 'degraded'}`);
      else if (s.state === 'running' && this.lifecycle.current.state === 'degraded') this.lifecycle.transition('running');
    });
  }

  /** Starts the kernel and the feed; resolves once data is flowing. */
  async start(): Promise<void> {
    if (this.started) throw new Error('the node was already started');
    this.started = true;
    const kernel = this.kernel;
    kernel.start();
    // Subscribed after the strategy, so that a step's equity includes what the strategy did with it.
    kernel.bus.subscribe('bar', (bar) => this.onBar(bar));
    this.lifecycle.transition('running');
    await this.options.dataClient.start(kernel.data);
  }

  /** Stops the feed, then the strategy (its onStop runs). Positions stay open, as on a real account. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.options.dataClient.stop();
    if (this.started) this.kernel.stop();
    this.lifecycle.transition('stopped');
  }

  /**
   * Starts, waits for the feed to end, stops. Rejects with the error that faulted the feed or the
   * strategy (the node is then `faulted`).
   */
  async run(): Promise<void> {
    await this.start();
    try {
      await this.options.dataClient.finished;
    } catch (error) {
      this.lifecycle.transition('faulted', error instanceof Error ? error.message : String(error));
      this.stopped = true;
      await this.options.dataClient.stop();
      throw error;
    }
    await this.stop();
  }

  /** Resolves or rejects when the feed ends (see DataClient.finished). */
  get finished(): Promise<void> {
    return this.options.dataClient.finished;
  }

  private onBar(bar: Bar): void {
    if (bar.timeframe !== this.options.dataClient.timeframe) return;
    const portfolio = this.kernel.portfolio;
    const inMarket = portfolio.openPositions().length > 0;
    if (bar.time !== this.lastBarTime) {
      this.lastBarTime = bar.time;
      this.curve.push(bar.time, portfolio.equity);
      this.stepInMarket = inMarket;
      if (inMarket) this.inMarket++;
    } else {
      // Another symbol's bar of the same step: the step's values are the ones after the last bar.
      this.curve.equity[this.curve.length - 1] = portfolio.equity;
      this.inMarket += Number(inMarket) - Number(this.stepInMarket);
      this.stepInMarket = inMarket;
    }
    if (this.kernel.bus.hasSubscribers('node.status')) this.kernel.bus.publish('node.status', this.status());
  }

  /** The node's state now. */
  status(): NodeStatus {
    const portfolio = this.kernel.portfolio;
    return {
      kind: 'node.status', time: this.kernel.clock.now(), lastBarTime: this.lastBarTime, equity: portfolio.equity, balance: portfolio.balance,
      positions: portfolio.openPositions().map(snapshotPosition), closedTrades: portfolio.trades.length, steps: this.curve.length,
      state: this.lifecycle.current.state,
    };
  }

  /** Equity after each time step so far (views of the node's buffers; copy to keep them). */
  equityCurve(): { readonly time: Float64Array; readonly equity: Float64Array } {
    return { time: this.curve.time.subarray(0, this.curve.length), equity: this.curve.equity.subarray(0, this.curve.length) };
  }

  /** Time steps with an open position. */
  get stepsInMarket(): number {
    return this.inMarket;
  }
}

/** A plain, frozen copy (positions are live objects with getters). */
function snapshotPosition(p: PositionView): PositionView {
  return Object.freeze({
    symbol: p.symbol, quantity: p.quantity, side: p.side, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl, fees: p.fees, funding: p.funding,
    openedAt: p.openedAt, multiplier: p.multiplier, markPrice: p.markPrice, unrealizedPnl: p.unrealizedPnl,
  });
}
