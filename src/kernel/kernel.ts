/**
 * The kernel wires the engines together. Backtest, paper and live build the same kernel; the
 * environment supplies only the clock and the execution client (the SimulatedExchange for
 * backtest and paper, a venue adapter for live). No component branches on the environment.
 *
 * Subscription order on the bus is part of the design: the portfolio hears fills and bars before
 * strategies do, so a strategy always reads an up-to-date position.
 */
import type { Clock } from '../core/clock.js';
import { IdGenerator } from '../core/ids.js';
import { Lifecycle } from '../core/lifecycle.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Timeframe } from '../core/time.js';
import { MessageBus } from '../bus/message-bus.js';
import { DataEngine, type BadDataPolicy } from '../data/data-engine.js';
import { MarketCache } from '../data/market-cache.js';
import type { ExecutionClient } from '../execution/client.js';
import { ExecutionEngine } from '../execution/execution-engine.js';
import type { Instrument } from '../model/instrument.js';
import { Portfolio, type AccountConfig } from '../portfolio/portfolio.js';
import type { AuditSink } from '../risk/audit.js';
import type { RiskConfigInput } from '../risk/config.js';
import { RiskEngine } from '../risk/engine.js';
import { TradingStateHolder } from '../risk/trading-state.js';
import type { StrategyDefinition } from '../strategy/define.js';
import type { FeeRates } from '../strategy/exits.js';
import { StrategyHost, type StrategyRunConfig } from '../strategy/host.js';

export type EnvironmentName = 'backtest' | 'paper' | 'live';

/** What the kernel hands an environment so it can build its execution client. */
export interface ClientDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly market: MarketCache;
  readonly portfolio: Portfolio;
}

export interface Environment {
  /** For labels and logs only; components never branch on it. */
  readonly name: EnvironmentName;
  readonly clock: Clock;
  /** Builds the execution client once the kernel's market and portfolio exist. */
  createExecutionClient(deps: ClientDeps): ExecutionClient;
  /** Fee rates the venue charges per symbol (used for fee-aware take-profit prices). */
  feesOf?(symbol: string, instrument: Instrument): FeeRates;
}

export interface KernelConfig {
  readonly account: AccountConfig;
  readonly instruments: readonly Instrument[];
  /** Base timeframe per symbol (bars of other timeframes are built from it). */
  readonly baseTimeframe: Timeframe;
  readonly badData: BadDataPolicy;
  readonly logger?: Logger;
  /** Prefix for ids, so that runs stored side by side do not collide. */
  readonly idNamespace?: string;
  /** Default number of bars kept per series. */
  readonly seriesCapacity?: number;
  /** Keep every order in memory for reports (backtests); live nodes may turn this off. */
  readonly keepOrderHistory?: boolean;
  /** Limits and circuit breakers (docs/risk.md); all off by default. */
  readonly risk?: RiskConfigInput;
  /** Where the risk engine records state changes, trips and threshold edits (e.g. `storage.audit`). */
  readonly audit?: AuditSink;
}

export class Kernel {
  readonly bus = new MessageBus();
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly market: MarketCache;
  readonly data: DataEngine;
  readonly portfolio: Portfolio;
  readonly tradingState = new TradingStateHolder();
  readonly risk: RiskEngine;
  readonly client: ExecutionClient;
  readonly execution: ExecutionEngine;
  readonly logger: Logger;
  readonly feedLifecycle: Lifecycle;
  private readonly hosts: StrategyHost[] = [];
  private started = false;

  constructor(
    readonly config: KernelConfig,
    readonly environment: Environment,
  ) {
    this.clock = environment.clock;
    this.logger = config.logger ?? silentLogger();
    this.ids = new IdGenerator(config.idNamespace ?? '');
    this.market = new MarketCache(config.seriesCapacity ?? 1000);
    for (const instrument of config.instruments) this.market.addInstrument(instrument);
    this.feedLifecycle = new Lifecycle('data-feed', () => this.clock.now());
    this.feedLifecycle.onChange((status) => this.bus.publish('component', status));
    this.data = new DataEngine(this.bus, this.market, { badData: config.badData, lifecycle: this.feedLifecycle });
    // The portfolio subscribes first: it must see fills and bars before anyone reads it.
    this.portfolio = new Portfolio(this.bus, config.account, (symbol) => this.market.instrument(symbol).multiplier, config.baseTimeframe);
    this.client = environment.createExecutionClient({ bus: this.bus, clock: this.clock, market: this.market, portfolio: this.portfolio });
    this.risk = new RiskEngine(
      {
        bus: this.bus, clock: this.clock, market: this.market, portfolio: this.portfolio, tradingState: this.tradingState,
        baseTimeframe: config.baseTimeframe, logger: this.logger, ...(config.audit ? { audit: config.audit } : {}),
      },
      config.risk ?? {},
    );
    this.execution = new ExecutionEngine(this.bus, this.clock, this.ids, this.client, this.risk, { keepHistory: config.keepOrderHistory ?? true });
  }

  /** Adds a strategy; call before `start`. */
  addStrategy(definition: StrategyDefinition, params: Record<string, unknown>, run: Omit<StrategyRunConfig, 'timeframe'> & { timeframe?: Timeframe }): StrategyHost {
    if (this.started) throw new Error('strategies must be added before the kernel starts');
    const feesOf = (symbol: string): FeeRates => {
      const instrument = this.market.instrument(symbol);
      return this.environment.feesOf?.(symbol, instrument) ?? { maker: instrument.makerFee, taker: instrument.takerFee };
    };
    const host = new StrategyHost(
      {
        bus: this.bus, clock: this.clock, market: this.market, execution: this.execution, portfolio: this.portfolio, logger: this.logger, feesOf,
        addTimeframe: (symbol, base, target, capacity) => this.data.addTimeframe(symbol, base, target, capacity),
      },
      definition, params, { ...run, timeframe: run.timeframe ?? this.config.baseTimeframe },
    );
    this.hosts.push(host);
    return host;
  }

  get strategies(): readonly StrategyHost[] {
    return this.hosts;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const host of this.hosts) host.start();
    this.feedLifecycle.transition('running');
  }

  stop(): void {
    for (const host of this.hosts) host.stop();
    this.feedLifecycle.transition('stopped');
  }
}
