/**
 * The trading session the server shows and steers: a live node (paper: recorded bars replayed
 * through the same kernel and simulated exchange as a backtest) plus the read models the API
 * needs that the kernel does not keep — every base-timeframe candle delivered so far, every fill,
 * feed throughput. With storage, every order event is journaled (JournalWriter on the `order`
 * topic; order ids are namespaced per session because the journal needs them unique across
 * restarts) and the risk engine's trips and state changes reach the audit log.
 *
 * The session's decision core is the AI scalping service (src/live/scalping): attached to the
 * kernel beside the strategy, its heads vote and its consensus decides on every bar, so the API's
 * AI endpoints read the latest decision of each symbol (`latestDecision`). It is off until toggled
 * (or `scalping.enabled`): off, it decides and learns in memory but neither trades nor writes to
 * storage; on, it trades on the session's account and stores every decision with its votes and
 * what it learns. It manages only the positions it opened. `scalping: false` runs no decision core.
 *
 * @example
 * const session = createPaperSession({ tables, strategy, params: {}, speed: 10, storage });
 * await session.start();
 * session.candles('BTC/USDT').length; // bars replayed so far
 * session.latestDecision('BTC/USDT');  // the heads' votes and the consensus at the last bar
 */
import { randomBytes } from 'node:crypto';
import { SimulatedClock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import type { ComponentStatus } from '../core/lifecycle.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { timeframeMs, type Timeframe } from '../core/time.js';
import { ReplayDataClient } from '../adapters/replay/index.js';
import type { Decision } from '../consensus/decision.js';
import { OutcomeTracker } from '../consensus/outcomes.js';
import type { EnsembleStorage } from '../consensus/store.js';
import type { Vote } from '../consensus/vote.js';
import { LiveNode } from '../live/node.js';
import type { AccountType } from '../model/account.js';
import { ScalpingService, type ScalpingConfigInput, type ScalpingPreset } from '../live/scalping/index.js';
import { BarTable, type Bar } from '../model/bar.js';
import type { Fill } from '../model/fill.js';
import type { RiskConfigInput } from '../risk/config.js';
import type { RiskStateEvent } from '../risk/events.js';
import type { FundingSeries, SimulatedExchangeOptions } from '../sim/simulated-exchange.js';
import type { StrategyDefinition } from '../strategy/define.js';
import { JournalWriter } from '../storage/journal-writer.js';
import type { DecisionRecord, JsonValue, Storage } from '../storage/port.js';
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

  /**
   * The last `count` candles (all by default) as a BarTable over these columns, without copying;
   * candles pushed later are not in it.
   */
  last(count = this.length): BarTable {
    const end = this.length;
    const start = Math.max(0, end - count);
    return new BarTable(this.symbol, this.timeframe, this.time.subarray(start, end), this.open.subarray(start, end), this.high.subarray(start, end),
      this.low.subarray(start, end), this.close.subarray(start, end), this.volume.subarray(start, end));
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
  /**
   * The AI scalping service on this session (the decision core the AI endpoints read): a preset
   * with overrides or a full config (docs/decision-core.md), plus `enabled` (default false: it
   * decides but does not trade until toggled). Default `{ preset: 'conservative' }`; false: none.
   */
  readonly scalping?: SessionScalpingOptions | false;
}

/** The scalping service's config as a session takes it. */
export type SessionScalpingOptions = (ScalpingConfigInput | ({ readonly preset: ScalpingPreset } & Partial<ScalpingConfigInput>)) & {
  /** Trade from the start (default false). */
  readonly enabled?: boolean;
  /**
   * File every decision with its votes in storage even while switched off (default false), so
   * the dashboard shows what the decision core would do before it is allowed to trade.
   */
  readonly record?: boolean;
};

/**
 * What the scalper writes: only while it is on. Off, it still decides and learns in memory, but
 * files no decision and persists no learning (so an idle service costs the database nothing); only
 * decisions that were filed get their execution and outcome (the store refuses unknown ids).
 * Reading (restoring learned weights) always goes through. `recordWhileOff` files the decisions
 * (with their votes) while off too, for a dashboard that shows what the core would do.
 */
function gatedStorage(storage: Storage, isOn: () => boolean, recordWhileOff: boolean): EnsembleStorage {
  const filed = new Set<string>();
  const { decisions, learning, signalPerformance } = storage;
  const skip = (): Promise<void> => Promise.resolve();
  return {
    decisions: {
      record: (d: DecisionRecord) => {
        if (!isOn() && !recordWhileOff) return skip();
        if (d.action !== 'hold') filed.add(d.id);
        return decisions.record(d);
      },
      markExecuted: (id, executedAt, orderId) => (filed.has(id) ? decisions.markExecuted(id, executedAt, orderId) : skip()),
      setOutcome: (id, outcome, pnl) => (filed.delete(id) ? decisions.setOutcome(id, outcome, pnl) : skip()),
    },
    learning: {
      weights: (scope) => learning.weights(scope),
      events: (query) => learning.events(query),
      saveWeights: (scope, weights, reason) => (isOn() ? learning.saveWeights(scope, weights, reason) : skip()),
      record: (event) => (isOn() ? learning.record(event) : Promise.resolve(0)),
    },
    signalPerformance: { record: (rows) => (isOn() ? signalPerformance.record(rows) : skip()) },
  };
}

/** A head's latest vote as the session saw it. */
export interface HeadLastVote {
  readonly symbol: string;
  /** The decision time (a bar close, or when a webhook alert was decided). */
  readonly time: number;
  readonly status: Vote['status'];
  readonly direction: number;
  readonly confidence: number;
  readonly weight: number;
  readonly reason: string;
  readonly error: string | undefined;
}

/** What the session knows about one head from the decisions it voted in. */
export interface HeadActivity {
  readonly id: string;
  /** Decisions it took part in (every status). */
  readonly votes: number;
  /** Directional opinions (status ok, direction ≠ 0): the ones scored for the hit rate. */
  readonly signals: number;
  /** Votes in which it was faulted. */
  readonly faults: number;
  /** Signals whose horizon has passed, and how many of those were right (the direction matched the move). */
  readonly resolved: number;
  readonly hits: number;
  readonly last: HeadLastVote | undefined;
}

/**
 * Per-head counts since the session started, kept from the decisions published on the kernel's
 * `decision` topic (and the TradingView webhook's): votes, signals, faults, the last vote, and a
 * hit rate — each directional signal is scored at its horizon with the close of the first bar at
 * or after it (the consensus's own OutcomeTracker, so the same rule as its learning).
 */
export class HeadActivityBook {
  private readonly heads = new Map<string, { -readonly [K in keyof HeadActivity]: HeadActivity[K] }>();
  private readonly outcomes = new OutcomeTracker();

  /** Records the votes of one decision made at `time` with the symbol's price `price`. */
  observe(symbol: string, time: number, price: number, votes: readonly Vote[]): void {
    for (const v of votes) {
      let a = this.heads.get(v.head);
      if (!a) this.heads.set(v.head, (a = { id: v.head, votes: 0, signals: 0, faults: 0, resolved: 0, hits: 0, last: undefined }));
      a.votes++;
      if (v.status === 'faulted') a.faults++;
      if (v.status === 'ok' && v.direction !== 0) a.signals++;
      a.last = { symbol, time, status: v.status, direction: v.direction, confidence: v.confidence, weight: v.weight, reason: v.reason, error: v.error };
    }
    this.outcomes.add(symbol, time, price, votes.map((v) => ({
      head: v.head, status: v.status, elapsedMs: 0,
      ...(v.status === 'ok' ? { signal: { direction: v.direction, confidence: v.rawConfidence, horizonMs: v.horizonMs, reason: v.reason, inputs: {} } } : {}),
    })));
  }

  /** Scores the signals of `symbol` due by `time` (a bar close) against `price` (its close). */
  resolve(symbol: string, time: number, price: number): void {
    if (this.outcomes.size === 0) return;
    for (const r of this.outcomes.resolve(symbol, time, price)) {
      const a = this.heads.get(r.head);
      if (!a) continue;
      a.resolved++;
      if (r.hit) a.hits++;
    }
  }

  get(id: string): HeadActivity | undefined {
    return this.heads.get(id);
  }

  list(): HeadActivity[] {
    return [...this.heads.values()];
  }
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
  /** The AI scalping service (the session's decision core), unless the session runs without one. */
  readonly scalping: ScalpingService | undefined;
  /** Prefix of the scalper's decision ids (`<prefix>D-<n>`), which also tag its entries. */
  readonly scalpingIdPrefix: string;
  /** Wall-clock time the last base bar arrived. */
  lastBarAt: number | undefined;
  /** Each head's votes, signals, faults, hit rate and last vote so far (`GET /api/v1/heads`). */
  readonly headActivity = new HeadActivityBook();
  private readonly series = new Map<string, CandleColumns>();
  private readonly fillList: Fill[] = [];
  private readonly decisions = new Map<string, Decision>();
  private readonly scalpingOnAtStart: boolean;
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

    // The decision core: attached before the kernel starts (it is a strategy of the kernel).
    this.scalpingIdPrefix = `${this.idNamespace}-S-`;
    const scalping = options.scalping ?? { preset: 'conservative' };
    if (scalping === false) {
      this.scalping = undefined;
      this.scalpingOnAtStart = false;
    } else {
      const { enabled, record, ...config } = scalping;
      const unknown = config.symbols?.find((s) => !this.symbols.includes(s));
      if (unknown !== undefined) throw new ConfigurationError(`"${unknown}" is not a symbol of the session (${this.symbols.join(', ')})`, 'scalping.symbols');
      const storage = this.storage;
      const scalper: ScalpingService = new ScalpingService(config, {
        idPrefix: this.scalpingIdPrefix,
        ...(storage ? { storage: gatedStorage(storage, () => scalper.isEnabled, record === true) } : {}),
      });
      scalper.attach(this.node.kernel);
      this.scalping = scalper;
      this.scalpingOnAtStart = enabled === true;
    }

    const bus = this.node.kernel.bus;
    bus.subscribe('decision', (decision) => {
      this.decisions.set(decision.symbol, decision);
      this.headActivity.observe(decision.symbol, decision.time, decision.price, decision.votes);
    });
    const barMs = timeframeMs(this.timeframe);
    bus.subscribe('bar', (bar) => {
      if (bar.timeframe !== this.timeframe) return;
      this.headActivity.resolve(bar.symbol, bar.time + barMs, bar.close);
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
    if (this.scalping) {
      // Starting restores the weights and calibrations an earlier run learnt (once, before the
      // heads have voted); a service that is off until toggled is stopped again at once.
      await this.scalping.start();
      if (!this.scalpingOnAtStart) this.scalping.stop();
    }
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
    await this.scalping?.flush().catch(() => undefined);
    await Promise.allSettled([...this.pendingAudit]);
  }

  /** Candles delivered so far for a symbol (undefined for a symbol the session does not trade). */
  candles(symbol: string): CandleColumns | undefined {
    return this.series.get(symbol);
  }

  /** The last decision an ensemble of the session made for a symbol (the scalper's, at each bar close), if any yet. */
  latestDecision(symbol: string): Decision | undefined {
    return this.decisions.get(symbol);
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
