/**
 * The RiskEngine: the pre-trade check every order passes (basic checks, limits, the gas-price
 * cap) and the circuit breakers that move the trading state.
 *
 * It reads only the clock, the portfolio, the market cache and bus events, so it behaves the same
 * in a backtest, paper and live. Breakers are fed from the bus (bars, fills) and re-evaluated
 * lazily from the clock at every check and read, so a daily limit resets at 00:00 UTC even when
 * no event arrives at midnight.
 *
 * What it publishes: denials on `risk` (by the ExecutionEngine, with the check's name and reason),
 * trading-state changes and breaker trips/resets on `risk-state`. What it records in the audit
 * log: every manual state request, every effective state change, every trip and reset, every
 * configuration change — each with actor and reason.
 */
import type { Clock } from '../core/clock.js';
import { ConfigurationError, DataError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Timeframe } from '../core/time.js';
import type { MessageBus } from '../bus/message-bus.js';
import type { MarketView } from '../data/market-cache.js';
import type { PreTradeCheck, PreTradeResult } from '../execution/client.js';
import type { Bar } from '../model/bar.js';
import type { OrderEvent, RiskDeniedEvent } from '../model/events.js';
import type { OrderRequest } from '../model/order.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import type { AuditRecord, AuditSink, AuditValue } from './audit.js';
import { ConsecutiveLossBreaker, DailyLossBreaker, DrawdownBreaker, GasPriceGuard, VolatilityBreaker, type Breaker, type BreakerReading, type Trip } from './breakers.js';
import { mergeRiskConfig, parseRiskConfig, type BreakersConfig, type RiskConfig, type RiskConfigInput, type RiskConfigPatch, type RiskLimits } from './config.js';
import { breakerNames, type BreakerName, type RiskStateEvent } from './events.js';
import { LimitChecker } from './limits.js';
import { PreTradeRisk } from './pre-trade.js';
import { TradingStateHolder, tradingStates, type TradingState, type TradingStateChange, type TradingStateHold, type TradingStateRequest } from './trading-state.js';

/** The actor name the engine uses for what it does by itself. */
export const RISK_ENGINE_ACTOR = 'risk-engine';

export interface RiskEngineDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly market: MarketView;
  readonly portfolio: PortfolioView;
  /** Shared with the kernel; a new one when omitted. */
  readonly tradingState?: TradingStateHolder;
  /** Timeframe the volatility breaker measures unless its config names one. */
  readonly baseTimeframe?: Timeframe;
  readonly audit?: AuditSink;
  readonly logger?: Logger;
}

/** One breaker in the read model. Numbers are finite or null, so the snapshot is plain JSON. */
export interface BreakerStatus {
  readonly name: BreakerName;
  readonly status: 'disabled' | 'armed' | 'tripped';
  /** The trading state it imposes while tripped; `deny-on-chain` for the gas-price cap; null when disabled. */
  readonly action: TradingState | 'deny-on-chain' | null;
  /** The watched quantity now (today's loss, losing streak, volatility ratio, drawdown, gas price). */
  readonly value: number | null;
  readonly threshold: number | null;
  readonly unit: BreakerReading['unit'];
  readonly trippedAt: number | null;
  /** When a trip ends by itself; null while tripped means an actor must reset it. */
  readonly resetsAt: number | null;
  readonly reason: string | null;
  readonly details: BreakerReading['details'];
}

/** The risk state for the API and the dashboard. */
export interface RiskSnapshot {
  readonly time: number;
  readonly state: TradingState;
  /** The state last set by hand; the effective `state` is the stricter of it and the holds. */
  readonly manualState: TradingState;
  readonly holds: readonly TradingStateHold[];
  readonly lastChange: TradingStateChange | null;
  readonly breakers: readonly BreakerStatus[];
  readonly limits: RiskLimits;
  readonly config: RiskConfig;
  /** Newest first. */
  readonly recentDenials: readonly RiskDeniedEvent[];
  /** Denials since start, by check name. */
  readonly denialCounts: Readonly<Record<string, number>>;
  /** Audit records the sink failed to store (each is also logged). */
  readonly auditFailures: number;
}

const defaultUnits: Record<BreakerName, BreakerReading['unit']> = {
  'daily-loss': 'fraction', 'consecutive-losses': 'losses', volatility: 'ratio', 'max-drawdown': 'fraction', 'gas-price': 'gwei',
};

/**
 * @example
 *   const risk = new RiskEngine({ bus, clock, market, portfolio }, {
 *     limits: { maxPositionFraction: 0.2 },
 *     breakers: { dailyLoss: { maxLossFraction: 0.03 }, maxDrawdown: { maxDrawdownFraction: 0.2 } },
 *   });
 *   const execution = new ExecutionEngine(bus, clock, ids, client, risk);
 *   risk.setTradingState('HALTED', 'alice', 'exchange incident');
 *   risk.snapshot().breakers; // [{ name: 'daily-loss', status: 'armed', value: 0.004, threshold: 0.03, … }, …]
 */
export class RiskEngine implements PreTradeCheck {
  readonly tradingState: TradingStateHolder;
  private readonly basic: PreTradeRisk;
  private readonly limits: LimitChecker;
  private readonly logger: Logger;
  private cfg: RiskConfig;
  private daily: DailyLossBreaker | undefined;
  private streak: ConsecutiveLossBreaker | undefined;
  private volatility: VolatilityBreaker | undefined;
  private volatilityTimeframe: Timeframe | undefined;
  private drawdown: DrawdownBreaker | undefined;
  private gas: GasPriceGuard | undefined;
  private lastGas: { readonly gwei: number; readonly time: number } | undefined;
  private seenTrades: number;
  private readonly denials: RiskDeniedEvent[] = [];
  private readonly denialCounts = new Map<string, number>();
  private lastRequest: TradingStateRequest | undefined;
  private auditTail: Promise<void> | undefined;
  private auditFailures = 0;

  constructor(
    private readonly deps: RiskEngineDeps,
    config: RiskConfigInput = {},
  ) {
    this.cfg = parseRiskConfig(config);
    this.logger = deps.logger ?? silentLogger();
    this.tradingState = deps.tradingState ?? new TradingStateHolder();
    this.basic = new PreTradeRisk(deps.market, deps.portfolio, this.tradingState);
    this.limits = new LimitChecker(deps.market, deps.portfolio, this.cfg.limits);
    this.seenTrades = deps.portfolio.trades.length;
    this.configureBreakers(this.cfg.breakers, undefined, RISK_ENGINE_ACTOR, deps.clock.now());
    deps.bus.subscribe('bar', (bar) => this.onBar(bar));
    deps.bus.subscribe('order', (event) => this.onOrder(event));
    deps.bus.subscribe('risk', (event) => this.onDenied(event));
    this.tradingState.onChange((change) => this.onStateChange(change));
    this.tradingState.onRequest((request) => {
      this.lastRequest = request;
      this.record({
        time: request.time, actor: request.actor, action: 'trading-state.set', subject: 'trading-state',
        details: { requested: request.requested, previous: request.previous, effective: request.effective, heldBy: request.heldBy, reason: request.reason },
      });
    });
  }

  get config(): RiskConfig {
    return this.cfg;
  }

  /** Runs every check on an order: passes it on (rounded to tick and lot) or denies it with the check's name and reason. */
  check(request: OrderRequest): PreTradeResult {
    const verdict = this.preview(request);
    if (verdict.ok) this.limits.accepted(this.deps.clock.now());
    return verdict;
  }

  /**
   * The same checks as `check` for an order that is not being sent (a what-if, e.g. the answer to
   * a TradingView alert): nothing is counted toward the order-rate limit.
   */
  preview(request: OrderRequest): PreTradeResult {
    const now = this.deps.clock.now();
    this.refresh(now);
    const verdict = this.basic.check(request);
    if (!verdict.ok) {
      if (verdict.check === 'trading-state') return { ok: false, check: 'trading-state', reason: `${verdict.reason} (${this.stateCause()})` };
      return verdict;
    }
    const limit = this.limits.check(verdict.request, now);
    if (limit) return { ok: false, check: limit.check, reason: limit.reason };
    if (this.gas) {
      const why = this.gas.denial(now, this.deps.market.instrument(request.symbol).venue);
      if (why !== undefined) return { ok: false, check: 'gas-price', reason: why };
    }
    return verdict;
  }

  /**
   * Sets the trading state by hand (the API's kill switch and resume). Breaker holds still apply:
   * setting ACTIVE while a breaker is tripped leaves the stricter state, and the result names the
   * breakers that hold it (reset them with `resetBreaker`).
   * @throws ConfigurationError for an unknown state or an empty actor or reason.
   */
  setTradingState(to: TradingState, actor: string, reason: string): TradingStateRequest {
    if (!tradingStates.includes(to)) throw new ConfigurationError(`unknown trading state "${String(to)}"; use ${tradingStates.join(', ')}`, 'state');
    requireText(actor, 'actor');
    requireText(reason, 'reason');
    const now = this.deps.clock.now();
    this.refresh(now);
    return this.tradingState.set(to, reason, actor, now);
  }

  /**
   * Resets a tripped breaker (the drawdown kill switch can only be reset this way). Returns false
   * when the breaker was not tripped or is not configured.
   * @throws ConfigurationError for an unknown breaker name or an empty actor or reason.
   */
  resetBreaker(name: BreakerName, actor: string, reason: string): boolean {
    if (!breakerNames.includes(name)) throw new ConfigurationError(`unknown breaker "${String(name)}"; known: ${breakerNames.join(', ')}`, 'breaker');
    requireText(actor, 'actor');
    requireText(reason, 'reason');
    const now = this.deps.clock.now();
    this.refresh(now);
    const breaker = this.breaker(name);
    if (!breaker?.trip) return false;
    breaker.reset();
    this.released(name, reason, now, actor);
    return true;
  }

  /**
   * A gas price observation (from the EVM adapter's fee oracle), in gwei.
   * @throws DataError for a negative or non-finite price.
   */
  observeGasPrice(gwei: number, time = this.deps.clock.now()): void {
    if (!(gwei >= 0) || !Number.isFinite(gwei)) throw new DataError(`gas price must be a non-negative number of gwei, got ${gwei}`, { source: 'gas-price', field: 'gwei' });
    this.lastGas = { gwei, time };
    if (!this.gas) return;
    this.onTransition(this.gas, this.gas.observe(time, gwei), time);
  }

  /**
   * Changes limits and breaker thresholds at run time (the API's "edit thresholds"). The patch
   * is merged section by section and the whole result validated before anything changes.
   * A breaker whose settings change keeps its state; one turned off (`null`) is released.
   * @throws ConfigurationError naming the offending key; the configuration is then unchanged.
   */
  updateConfig(patch: RiskConfigPatch, actor: string, reason: string): RiskConfig {
    requireText(actor, 'actor');
    requireText(reason, 'reason');
    const next = mergeRiskConfig(this.cfg, patch);
    const now = this.deps.clock.now();
    this.checkVolatilityTimeframe(next.breakers);
    const before = this.cfg;
    this.cfg = next;
    this.limits.configure(next.limits);
    this.configureBreakers(next.breakers, before.breakers, actor, now);
    while (this.denials.length > next.recentDenials) this.denials.shift();
    this.record({ time: now, actor, action: 'risk.config-changed', subject: 'risk-config', details: { reason, patch: toAuditValue(patch) } });
    this.refresh(now);
    return next;
  }

  /** The risk state now: trading state, each breaker, limits, recent denials. */
  snapshot(): RiskSnapshot {
    const now = this.deps.clock.now();
    this.refresh(now);
    const history = this.tradingState.history;
    return {
      time: now,
      state: this.tradingState.state,
      manualState: this.tradingState.manualState,
      holds: this.tradingState.holds,
      lastChange: history[history.length - 1] ?? null,
      breakers: breakerNames.map((name) => this.status(name, now)),
      limits: this.cfg.limits,
      config: this.cfg,
      recentDenials: [...this.denials].reverse(),
      denialCounts: Object.fromEntries(this.denialCounts),
      auditFailures: this.auditFailures,
    };
  }

  /** Resolves once every audit record handed to an asynchronous sink has been stored (or has failed). */
  async flushAudit(): Promise<void> {
    while (this.auditTail) await this.auditTail;
  }

  private refresh(now: number): void {
    if (this.daily || this.drawdown) this.observeEquity(now);
    if (this.streak) {
      const reset = this.streak.roll(now);
      if (reset !== undefined) this.released('consecutive-losses', reset, now);
    }
  }

  private observeEquity(now: number): void {
    const equity = this.deps.portfolio.equity;
    if (this.daily) {
      const reset = this.daily.roll(now);
      if (reset !== undefined) this.released('daily-loss', reset, now);
      this.onTransition(this.daily, this.daily.observe(now, equity), now);
    }
    if (this.drawdown) this.onTransition(this.drawdown, this.drawdown.observe(now, equity), now);
  }

  private onBar(bar: Bar): void {
    if (this.volatility && bar.timeframe === this.volatilityTimeframe) {
      const now = this.deps.clock.now();
      this.onTransition(this.volatility, this.volatility.onBar(now, bar), now);
    }
    if (this.daily || this.drawdown) this.observeEquity(this.deps.clock.now());
  }

  private onOrder(event: OrderEvent): void {
    switch (event.kind) {
      case 'order.initialized':
        if (!event.order.reduceOnly) this.limits.trackEntry(event.orderId, event.symbol);
        return;
      case 'order.rejected':
      case 'order.canceled':
      case 'order.expired':
        this.limits.orderClosed(event.orderId);
        return;
      case 'order.filled': {
        if (event.status === 'filled') this.limits.orderClosed(event.orderId);
        const trades = this.deps.portfolio.trades;
        if (this.seenTrades === trades.length && !this.daily && !this.drawdown) return;
        const now = this.deps.clock.now();
        if (this.streak) {
          const reset = this.streak.roll(now);
          if (reset !== undefined) this.released('consecutive-losses', reset, now);
        }
        while (this.seenTrades < trades.length) {
          const trade = trades[this.seenTrades++]!;
          if (this.streak) this.onTransition(this.streak, this.streak.onTrade(now, trade.pnl), now);
        }
        if (this.daily || this.drawdown) this.observeEquity(now);
        return;
      }
      default:
        return;
    }
  }

  private onDenied(event: RiskDeniedEvent): void {
    this.denialCounts.set(event.check, (this.denialCounts.get(event.check) ?? 0) + 1);
    if (this.cfg.recentDenials === 0) return;
    this.denials.push(event);
    if (this.denials.length > this.cfg.recentDenials) this.denials.shift();
  }

  private onStateChange(change: TradingStateChange): void {
    const event: RiskStateEvent = { kind: 'trading-state.changed', time: change.time, from: change.from, to: change.to, actor: change.actor, reason: change.reason };
    this.deps.bus.publish('risk-state', event);
    this.logger.info({ from: change.from, to: change.to, actor: change.actor }, `trading state ${change.from} → ${change.to}: ${change.reason}`);
    this.record({ time: change.time, actor: change.actor, action: 'trading-state.changed', subject: 'trading-state', details: { from: change.from, to: change.to, reason: change.reason } });
  }

  /** Handles what a breaker reported: a trip, a reset reason, or nothing. */
  private onTransition(breaker: Breaker, outcome: Trip | string | undefined, now: number): void {
    if (outcome === undefined) return;
    if (typeof outcome === 'string') this.released(breaker.name, outcome, now);
    else this.tripped(breaker.name, outcome);
  }

  private tripped(name: BreakerName, trip: Trip): void {
    const action = this.actionOf(name);
    this.deps.bus.publish('risk-state', { kind: 'breaker.tripped', time: trip.at, breaker: name, value: trip.value, threshold: trip.threshold, reason: trip.reason, resetsAt: trip.resetsAt });
    this.logger.warn({ breaker: name, value: trip.value, threshold: trip.threshold }, `breaker ${name} tripped: ${trip.reason}`);
    this.record({
      time: trip.at, actor: RISK_ENGINE_ACTOR, action: 'breaker.tripped', subject: name,
      details: { value: finiteOr(trip.value), threshold: trip.threshold, reason: trip.reason, resetsAt: trip.resetsAt, action: action ?? 'deny-on-chain' },
    });
    if (action !== undefined) this.tradingState.hold(name, action, `${name}: ${trip.reason}`, trip.at, RISK_ENGINE_ACTOR);
  }

  private released(name: BreakerName, reason: string, now: number, actor = RISK_ENGINE_ACTOR): void {
    this.deps.bus.publish('risk-state', { kind: 'breaker.reset', time: now, breaker: name, actor, reason });
    this.logger.info({ breaker: name, actor }, `breaker ${name} reset: ${reason}`);
    this.record({ time: now, actor, action: 'breaker.reset', subject: name, details: { reason } });
    this.tradingState.release(name, `${name} reset: ${reason}`, now, actor);
  }

  private actionOf(name: BreakerName): TradingState | undefined {
    const b = this.cfg.breakers;
    switch (name) {
      case 'daily-loss': return b.dailyLoss?.action;
      case 'consecutive-losses': return b.consecutiveLosses?.action;
      case 'volatility': return b.volatility?.action;
      case 'max-drawdown': return b.maxDrawdown?.action;
      case 'gas-price': return undefined;
    }
  }

  private breaker(name: BreakerName): Breaker & { reset(): void } | undefined {
    switch (name) {
      case 'daily-loss': return this.daily;
      case 'consecutive-losses': return this.streak;
      case 'volatility': return this.volatility;
      case 'max-drawdown': return this.drawdown;
      case 'gas-price': return this.gas;
    }
  }

  private status(name: BreakerName, now: number): BreakerStatus {
    const breaker = this.breaker(name);
    if (!breaker) {
      return { name, status: 'disabled', action: null, value: null, threshold: null, unit: defaultUnits[name], trippedAt: null, resetsAt: null, reason: null, details: {} };
    }
    const reading = breaker.reading(now);
    const trip = breaker.trip;
    return {
      name, status: trip ? 'tripped' : 'armed', action: this.actionOf(name) ?? 'deny-on-chain',
      value: reading.value, threshold: reading.threshold, unit: reading.unit,
      trippedAt: trip?.at ?? null, resetsAt: trip?.resetsAt ?? null, reason: trip?.reason ?? null, details: reading.details,
    };
  }

  /** Why the trading state is not ACTIVE, for denial messages. */
  private stateCause(): string {
    const parts = this.tradingState.holds.map((h) => `held by ${h.reason}`);
    if (this.tradingState.manualState !== 'ACTIVE' && this.lastRequest) parts.push(`set to ${this.lastRequest.requested} by ${this.lastRequest.actor}: ${this.lastRequest.reason}`);
    else if (this.tradingState.manualState !== 'ACTIVE') parts.push(`set to ${this.tradingState.manualState}`);
    return parts.join('; ');
  }

  private checkVolatilityTimeframe(breakers: BreakersConfig): void {
    if (breakers.volatility && breakers.volatility.timeframe === null && this.deps.baseTimeframe === undefined) {
      throw new ConfigurationError('no base timeframe is known here: name the timeframe to measure', 'risk.breakers.volatility.timeframe');
    }
  }

  /** Creates, reconfigures or removes breakers to match `next`; `previous` is undefined at start. */
  private configureBreakers(next: BreakersConfig, previous: BreakersConfig | undefined, actor: string, now: number): void {
    this.checkVolatilityTimeframe(next);
    const changed = (key: keyof BreakersConfig): boolean => previous === undefined || JSON.stringify(previous[key]) !== JSON.stringify(next[key]);

    if (changed('dailyLoss')) this.daily = this.swap('daily-loss', this.daily, next.dailyLoss, (c) => new DailyLossBreaker(c), actor, now);
    if (changed('consecutiveLosses')) this.streak = this.swap('consecutive-losses', this.streak, next.consecutiveLosses, (c) => new ConsecutiveLossBreaker(c), actor, now);
    if (changed('maxDrawdown')) this.drawdown = this.swap('max-drawdown', this.drawdown, next.maxDrawdown, (c) => new DrawdownBreaker(c), actor, now);
    if (changed('gasPrice')) {
      const hadGuard = this.gas !== undefined;
      this.gas = this.swap('gas-price', this.gas, next.gasPrice, (c) => new GasPriceGuard(c), actor, now);
      if (this.gas && !hadGuard && this.lastGas) this.onTransition(this.gas, this.gas.observe(this.lastGas.time, this.lastGas.gwei), now);
    }
    if (changed('volatility')) {
      const v = next.volatility;
      const old = previous?.volatility;
      // The measure's history is only comparable when what is measured stays the same.
      const sameMeasure = v && old && v.measure === old.measure && v.period === old.period && v.lookback === old.lookback && v.timeframe === old.timeframe;
      if (this.volatility && !sameMeasure) {
        if (this.volatility.trip) this.released('volatility', v ? 'the measure changed' : 'breaker turned off', now, actor);
        this.volatility = undefined;
      }
      this.volatility = this.swap('volatility', this.volatility, v, (c) => new VolatilityBreaker(c), actor, now);
      this.volatilityTimeframe = v ? (v.timeframe ?? this.deps.baseTimeframe) : undefined;
    }
  }

  private swap<C, B extends Breaker & { config: C }>(name: BreakerName, current: B | undefined, config: C | null, create: (config: C) => B, actor: string, now: number): B | undefined {
    if (config === null) {
      if (current?.trip) this.released(name, 'breaker turned off', now, actor);
      return undefined;
    }
    if (!current) return create(config);
    current.config = config;
    const action = this.actionOf(name);
    // A changed action applies to a standing trip at once.
    if (current.trip && action !== undefined) this.tradingState.hold(name, action, `${name}: ${current.trip.reason}`, current.trip.at, actor);
    return current;
  }

  /** Hands a record to the audit sink, keeping records in order when the sink is asynchronous. */
  private record(entry: AuditRecord): void {
    const sink = this.deps.audit;
    if (!sink) return;
    if (this.auditTail === undefined) {
      let result: unknown;
      try {
        result = sink.append(entry);
      } catch (error) {
        this.auditFailed(error, entry);
        return;
      }
      if (isThenable(result)) this.track(Promise.resolve(result), entry);
      return;
    }
    this.track(this.auditTail.then(() => sink.append(entry)), entry);
  }

  private track(pending: Promise<unknown>, entry: AuditRecord): void {
    const tail: Promise<void> = pending.then(
      () => undefined,
      (error: unknown) => this.auditFailed(error, entry),
    ).then(() => {
      if (this.auditTail === tail) this.auditTail = undefined;
    });
    this.auditTail = tail;
  }

  private auditFailed(error: unknown, entry: AuditRecord): void {
    this.auditFailures++;
    this.logger.error({ action: entry.action, actor: entry.actor }, `audit record could not be stored: ${errorMessage(error)}`);
  }
}

function requireText(value: unknown, key: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigurationError('must be a non-empty string', key);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function finiteOr(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function toAuditValue(value: unknown): AuditValue {
  return JSON.parse(JSON.stringify(value ?? null)) as AuditValue;
}
