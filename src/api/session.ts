/**
 * The trading session the server shows and steers: a live node (paper: recorded bars replayed
 * through the same kernel and simulated exchange as a backtest) plus the read models the API
 * needs that the kernel does not keep — every base-timeframe candle delivered so far, every fill,
 * feed throughput. With storage, every order event is journaled (JournalWriter on the `order`
 * topic; order ids are namespaced per session because the journal needs them unique across
 * restarts) and the risk engine's trips and state changes reach the audit log.
 *
 * @example
 * const session = createPaperSession({ tables, strategy, params: {}, speed: 10, storage });
 * await session.start();
 * session.candles('BTC/USDT').length; // bars replayed so far
 */
import { randomBytes } from 'node:crypto';
import { SimulatedClock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import type { ComponentStatus } from '../core/lifecycle.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Timeframe } from '../core/time.js';
import { ReplayDataClient } from '../adapters/replay/index.js';
import { LiveNode } from '../live/node.js';
import type { AccountType } from '../model/account.js';
import type { Bar, BarTable } from '../model/bar.js';
import type { Fill } from '../model/fill.js';
import type { RiskConfigInput } from '../risk/config.js';
import type { RiskStateEvent } from '../risk/events.js';
import type { FundingSeries, SimulatedExchangeOptions } from '../sim/simulated-exchange.js';
import type { StrategyDefinition } from '../strategy/define.js';
import { JournalWriter } from '../storage/journal-writer.js';
import type { JsonValue, Storage } from '../storage/port.js';
import { RateMeter } from './metrics.js';

/** Growable OHLCV columns of one series (the candles delivered so far). */
export class CandleColumns {
  time = new Float64Array(256);
  open = new Float64Array(256);
  high = new Float64Array(256);
  low = new Float64Array(256);
  close = new Float64Array(256);
  volume = new Float64Array(256);
  length = 0;

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
  ) {}

  push(bar: Bar): void {
    if (this.length > 0 && bar.time <= this.time[this.length - 1]!) return;
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = bar.time;
    this.open[i] = bar.open;
    this.high[i] = bar.high;
    this.low[i] = bar.low;
    this.close[i] = bar.close;
    this.volume[i] = bar.volume;
  }

  private grow(): void {
    const n = this.time.length * 2;
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      const next = new Float64Array(n);
      next.set(this[key]);
      this[key] = next;
    }
  }

  /** Index of the first candle with `time >= t` (binary search). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface PaperSessionOptions {
  readonly tables: readonly BarTable[];
  readonly strategy: StrategyDefinition;
  readonly params?: Record<string, unknown>;
  /** Time steps per second of wall time, or `max`. */
  readonly speed: number | 'max';
  readonly maxSteps?: number;
  readonly cash?: number;
  readonly account?: { readonly type?: AccountType; readonly leverage?: number };
  readonly sim?: Partial<Omit<SimulatedExchangeOptions, 'fundingRates'>>;
  readonly fundingRates?: Readonly<Record<string, FundingSeries>>;
  readonly maxOpenTrades?: number;
  /** Risk limits and breakers applied before the first bar (docs/risk.md). */
  readonly risk?: RiskConfigInput;
  /** Where orders are journaled and risk events audited; none keeps everything in memory. */
  readonly storage?: Storage;
  readonly logger?: Logger;
  /** Prefix of order ids; default a fresh `p<time><random>` per session. */
  readonly idNamespace?: string;
}

/** Most fills kept in memory for the API (older ones stay in the journal). */
const MAX_FILLS = 100_000;

export class TradingSession {
  readonly node: LiveNode;
  readonly feed: ReplayDataClient;
  readonly mode: 'paper' | 'live';
  readonly idNamespace: string;
  readonly strategyName: string;
  readonly params: Record<string, unknown>;
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  readonly journal: JournalWriter | undefined;
  readonly barRate = new RateMeter();
  /** Wall-clock time the last base bar arrived. */
  lastBarAt: number | undefined;
  private readonly series = new Map<string, CandleColumns>();
  private readonly fillList: Fill[] = [];
  private readonly logger: Logger;
  private readonly storage: Storage | undefined;
  private readonly pendingAudit = new Set<Promise<unknown>>();
  private readonly riskConfig: RiskConfigInput | undefined;
  private journalErrors = 0;
  private started = false;
  private failure: string | undefined;

  constructor(options: PaperSessionOptions) {
    if (options.tables.length === 0) throw new ConfigurationError('give at least one bar series', 'paper.data');
    this.logger = options.logger ?? silentLogger();
    this.storage = options.storage;
    this.riskConfig = options.risk;
    this.idNamespace = options.idNamespace ?? `p${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const first = Math.min(...options.tables.map((t) => t.time[0] ?? Infinity));
    const clock = new SimulatedClock(first);
    this.feed = new ReplayDataClient(options.tables, clock, { speed: options.speed, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
    this.node = new LiveNode({
      strategy: options.strategy, params: options.params ?? {}, dataClient: this.feed, clock, logger: this.logger, idNamespace: this.idNamespace,
      ...(options.cash !== undefined ? { cash: options.cash } : {}),
      ...(options.account ? { account: options.account } : {}),
      ...(options.sim ? { sim: options.sim } : {}),
      ...(options.fundingRates ? { fundingRates: options.fundingRates } : {}),
      ...(options.maxOpenTrades !== undefined ? { maxOpenTrades: options.maxOpenTrades } : {}),
    });
    this.mode = this.node.environment === 'live' ? 'live' : 'paper';
    this.strategyName = options.strategy.name;
    this.params = { ...(this.node.host.params as Record<string, unknown>) };
    this.timeframe = this.feed.timeframe;
    this.symbols = this.feed.symbols;
    for (const symbol of this.symbols) this.series.set(symbol, new CandleColumns(symbol, this.timeframe));

    const bus = this.node.kernel.bus;
    bus.subscribe('bar', (bar) => {
      if (bar.timeframe !== this.timeframe) return;
      this.series.get(bar.symbol)?.push(bar);
      this.barRate.mark();
      this.lastBarAt = Date.now();
    });
    bus.subscribe('order', (event) => {
      if (event.kind !== 'order.filled') return;
      this.fillList.push(event.fill);
      if (this.fillList.length > MAX_FILLS) this.fillList.splice(0, this.fillList.length - MAX_FILLS);
    });
    if (this.storage) {
      this.journal = new JournalWriter(this.storage.orders, {
        onError: (error) => {
          this.journalErrors++;
          this.logger.error({ err: error }, 'order journal write failed');
        },
      });
      bus.subscribe('order', this.journal.append);
      // The live node builds its kernel without an audit sink; the risk engine's own records of
      // trips, resets and state changes reach the audit log through its bus events instead.
      bus.subscribe('risk-state', (event) => this.auditRiskEvent(event));
    } else {
      this.journal = undefined;
    }
  }

  get kernel(): LiveNode['kernel'] {
    return this.node.kernel;
  }

  /** Applies the configured risk limits, then starts the feed. */
  async start(): Promise<void> {
    if (this.started) throw new Error('the session was already started');
    this.started = true;
    if (this.riskConfig && Object.keys(this.riskConfig).length > 0) {
      this.kernel.risk.updateConfig(this.riskConfig, 'config', 'configuration at start');
      this.audit({ time: Date.now(), actor: 'config', action: 'risk.config-changed', subject: 'risk-config', details: { reason: 'configuration at start', patch: JSON.parse(JSON.stringify(this.riskConfig)) as JsonValue } });
    }
    await this.node.start();
    this.node.finished.catch((error: unknown) => {
      this.failure = error instanceof Error ? error.message : String(error);
      this.node.lifecycle.transition('faulted', this.failure);
      this.logger.error({ err: error }, 'paper session faulted');
    });
  }

  /** Stops the feed and the strategy, then waits until the journal and the audit log are written. */
  async stop(): Promise<void> {
    await this.node.stop();
    await this.flush();
  }

  async flush(): Promise<void> {
    await this.journal?.flush().catch(() => undefined);
    await Promise.allSettled([...this.pendingAudit]);
  }

  /** Candles delivered so far for a symbol (undefined for a symbol the session does not trade). */
  candles(symbol: string): CandleColumns | undefined {
    return this.series.get(symbol);
  }

  /** Fills so far, oldest first. */
  get fills(): readonly Fill[] {
    return this.fillList;
  }

  get journalFailures(): number {
    return this.journalErrors;
  }

  /** Lifecycles of the node and its feed. */
  components(): ComponentStatus[] {
    return [this.node.lifecycle.current, this.feed.lifecycle.current, this.kernel.feedLifecycle.current];
  }

  get faultReason(): string | undefined {
    return this.failure;
  }

  private auditRiskEvent(event: RiskStateEvent): void {
    const { kind, time, ...details } = event;
    const actor = 'actor' in event ? event.actor : 'risk-engine';
    const subject = kind === 'trading-state.changed' ? 'trading-state' : event.breaker;
    this.audit({ time, actor, action: kind, subject, details: JSON.parse(JSON.stringify(details)) as JsonValue });
  }

  /** Appends to the audit log without blocking the caller; failures are logged. */
  audit(entry: { time: number; actor: string; action: string; subject?: string; details?: JsonValue }): void {
    if (!this.storage) return;
    const pending = this.storage.audit.append(entry).catch((error: unknown) => this.logger.error({ err: error }, 'audit write failed'));
    this.pendingAudit.add(pending);
    void pending.finally(() => this.pendingAudit.delete(pending));
  }
}

/** Builds a paper-trading session on recorded bars. */
export function createPaperSession(options: PaperSessionOptions): TradingSession {
  return new TradingSession(options);
}
