/**
 * The AI scalping service (MISSION.md §3), built on the decision core rather than beside it: the
 * technical, order-flow and rule heads vote through an Ensemble, the Kelly sizer sizes, and every
 * order goes through the strategy host and so through the RiskEngine. On top the service adds
 * the scalper's own discipline: a scan interval, a cap on open positions, a hold-time limit,
 * targets that must be worth the spread, ATR brackets, a position-size cap and a daily loss limit.
 *
 * Environments: `service.strategy` is a strategy definition, so a backtest (`runBacktest`) and the
 * live node run it unchanged; `attach(kernel)` adds it to a kernel that is not started yet and
 * gives it the kernel's bus (decisions are published) and books (the order-flow head reads them).
 * The API drives it with `status()` (`GET /api/v1/ai/scalping/status`) and `toggle(enabled)`
 * (`POST /api/v1/ai/scalping/toggle {enabled}`; validate the body with `scalpingToggleSchema`).
 *
 * @example
 * const service = new ScalpingService({ preset: 'conservative' }, { storage });
 * service.attach(node.kernel);           // before the kernel starts
 * await service.start();                // restores learned weights, then scans
 * service.status();                     // { enabled: true, preset: 'conservative', openPositions: [...], today: {...}, ... }
 */
import { z } from 'zod';
import type { MessageBus } from '../../bus/message-bus.js';
import { ConfigurationError } from '../../core/errors.js';
import { timeframeMs, utcDayStart } from '../../core/time.js';
import { Ensemble, type EnsembleStorage } from '../../consensus/index.js';
import type { Decision, DecisionAction } from '../../consensus/decision.js';
import { orderFlowHead } from '../../heads/orderflow/orderflow-head.js';
import { rulesHead } from '../../heads/rules/rules-head.js';
import type { SignalHead } from '../../heads/signal.js';
import { technicalHead } from '../../heads/technical/technical-head.js';
import { createIndicator, type IndicatorInstance } from '../../indicators/registry.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Bar } from '../../model/bar.js';
import type { OrderBookSnapshot, QuoteTick } from '../../model/market.js';
import type { StrategyContext } from '../../strategy/context.js';
import { defineStrategy, type StrategyDefinition } from '../../strategy/define.js';
import { scalpingConfig, type ScalpingConfig, type ScalpingConfigInput, type ScalpingPreset } from './config.js';

/** The body of `POST /api/v1/ai/scalping/toggle`. */
export const scalpingToggleSchema = z.strictObject({ enabled: z.boolean() });

/** Rules of the scalper's rule head: short-term exhaustion against the short trend. */
const SCALPING_RULES = [
  { name: 'dip-in-uptrend', when: 'close > ema_20 and rsi_7 < 35', direction: 'long' as const, confidence: 0.65 },
  { name: 'pop-in-downtrend', when: 'close < ema_20 and rsi_7 > 65', direction: 'short' as const, confidence: 0.65 },
];

/** What `GET /api/v1/ai/scalping/status` returns. Plain JSON: numbers are finite or null. */
export interface ScalpingStatus {
  readonly enabled: boolean;
  readonly preset: ScalpingPreset | 'custom';
  readonly config: ScalpingConfig;
  readonly symbols: readonly string[];
  /** Time of the last bar seen (UTC epoch ms), null before the first. */
  readonly time: number | null;
  readonly lastScanAt: number | null;
  readonly scans: number;
  readonly openPositions: ReadonlyArray<{
    readonly symbol: string; readonly side: 'long' | 'short'; readonly quantity: number; readonly entryPrice: number;
    readonly openedAt: number; readonly heldMs: number; readonly unrealizedPnl: number;
  }>;
  readonly today: {
    /** `YYYY-MM-DD` (UTC). */
    readonly date: string | null;
    readonly startEquity: number | null;
    readonly pnl: number;
    readonly lossLimit: number;
    /** True when the daily loss limit was hit: no entries until 00:00 UTC. */
    readonly halted: boolean;
  };
  readonly trades: { readonly total: number; readonly wins: number; readonly losses: number; readonly pnl: number };
  readonly decisions: Readonly<Record<DecisionAction, number>>;
  /** Entries the service's own rules skipped, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
  readonly lastDecision: { readonly id: string; readonly time: number; readonly symbol: string; readonly action: DecisionAction; readonly confidence: number; readonly reasoning: string } | null;
  readonly heads: ReadonlyArray<{ readonly id: string; readonly weight: number }>;
}

export interface ScalpingServiceOptions {
  /** Decisions, weights and calibrations are stored here and restored by `start()`. */
  readonly storage?: EnsembleStorage;
  /** Decision ids prefix (one per process when several share a database). */
  readonly idPrefix?: string;
  /** Timer for the heads' time budget (tests). */
  readonly now?: () => number;
}

interface SymbolState {
  lastScan: number;
  readonly atr: IndicatorInstance;
}

export class ScalpingService {
  readonly config: ScalpingConfig;
  readonly preset: ScalpingPreset | 'custom';
  readonly strategy: StrategyDefinition<Record<string, never>>;
  private enabled = false;
  private ensemble: Ensemble | undefined;
  private bus: MessageBus | undefined;
  private bookOf: ((symbol: string) => OrderBookSnapshot | undefined) | undefined;
  private quoteOf: ((symbol: string) => QuoteTick | undefined) | undefined;
  private ctx: StrategyContext | undefined;
  private symbols: readonly string[] = [];
  private readonly state = new Map<string, SymbolState>();
  private readonly skipped: Record<string, number> = {};
  private scans = 0;
  private lastScanAt: number | null = null;
  private lastDecision: Decision | undefined;
  private dayStart = Number.NaN;
  private dayStartEquity = Number.NaN;
  private halted = false;
  private restored = false;

  /** @throws ConfigurationError naming the key (`scalping.<key>`). */
  constructor(
    config: ScalpingConfigInput | ({ readonly preset: ScalpingPreset } & Partial<ScalpingConfigInput>),
    private readonly options: ScalpingServiceOptions = {},
  ) {
    const resolved = scalpingConfig(config);
    this.config = resolved.config;
    this.preset = resolved.preset;
    this.strategy = this.definition();
  }

  /** Adds the service to a kernel that has not started: decisions go to its bus, books come from its market. */
  attach(kernel: Kernel): void {
    this.bus = kernel.bus;
    this.bookOf = (symbol) => kernel.market.book(symbol);
    this.quoteOf = (symbol) => kernel.market.quote(symbol);
    kernel.addStrategy(this.strategy, {}, { symbols: this.config.symbols ?? kernel.market.symbols, id: 'scalping', maxOpenTrades: this.config.maxPositions });
  }

  /** Starts scanning (restoring learned weights and calibrations from storage once). */
  async start(): Promise<ScalpingStatus> {
    if (!this.restored && this.ensemble && this.options.storage) {
      await this.ensemble.restore();
      this.restored = true;
    }
    this.enabled = true;
    return this.status();
  }

  /** Whether the service enters positions (between `start` and `stop`). */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Stops entering new positions; open positions are still managed (hold time, brackets, daily limit). */
  stop(): ScalpingStatus {
    this.enabled = false;
    return this.status();
  }

  /** `POST /api/v1/ai/scalping/toggle {enabled}`. */
  async toggle(enabled: boolean): Promise<ScalpingStatus> {
    if (typeof enabled !== 'boolean') throw new ConfigurationError(`must be true or false, got ${JSON.stringify(enabled)}`, 'enabled');
    return enabled ? this.start() : this.stop();
  }

  /** Waits until every storage write so far has finished. */
  async flush(): Promise<void> {
    await this.ensemble?.flush();
  }

  /**
   * The service's ensemble (its heads, consensus settings, learned weights and calibrations) once a
   * kernel or a backtest has set the service up; for readers such as the API, never to drive it.
   */
  get core(): Ensemble | undefined {
    return this.ensemble;
  }

  status(): ScalpingStatus {
    const ctx = this.ctx;
    const now = ctx?.time ?? null;
    const mine = ctx ? ctx.portfolio.trades.filter((t) => t.entryTag?.startsWith(`${this.options.idPrefix ?? 'S-'}D-`)) : [];
    const equity = ctx?.portfolio.equity ?? Number.NaN;
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      enabled: this.enabled,
      preset: this.preset,
      config: this.config,
      symbols: this.symbols,
      time: now,
      lastScanAt: this.lastScanAt,
      scans: this.scans,
      openPositions: ctx
        ? ctx.portfolio.openPositions().filter((p) => this.symbols.includes(p.symbol)).map((p) => ({
          symbol: p.symbol, side: p.quantity > 0 ? 'long' as const : 'short' as const, quantity: Math.abs(p.quantity), entryPrice: p.avgPrice,
          openedAt: p.openedAt, heldMs: now !== null ? now - p.openedAt : 0, unrealizedPnl: p.unrealizedPnl,
        }))
        : [],
      today: {
        date: Number.isFinite(this.dayStart) ? new Date(this.dayStart).toISOString().slice(0, 10) : null,
        startEquity: finite(this.dayStartEquity),
        pnl: Number.isFinite(equity - this.dayStartEquity) ? equity - this.dayStartEquity : 0,
        lossLimit: this.config.maxDailyLoss,
        halted: this.halted,
      },
      trades: {
        total: mine.length, wins: mine.filter((t) => t.pnl > 0).length, losses: mine.filter((t) => t.pnl < 0).length,
        pnl: mine.reduce((s, t) => s + t.pnl, 0),
      },
      decisions: this.ensemble?.log.countsByAction() ?? { buy: 0, sell: 0, close: 0, hold: 0 },
      skipped: { ...this.skipped },
      lastDecision: this.lastDecision
        ? { id: this.lastDecision.id, time: this.lastDecision.time, symbol: this.lastDecision.symbol, action: this.lastDecision.action, confidence: this.lastDecision.confidence, reasoning: this.lastDecision.reasoning }
        : null,
      heads: this.ensemble ? Object.entries(this.ensemble.weights()).map(([id, weight]) => ({ id, weight })) : [],
    };
  }

  // ---- the strategy ---------------------------------------------------------------------------

  private heads(timeframe: string): SignalHead[] {
    const h = this.config.horizonBars;
    return this.config.heads.map((kind) => {
      switch (kind) {
        case 'technical':
          return technicalHead({ fastPeriod: 9, slowPeriod: 21, rsiPeriod: 7, horizonBars: h });
        case 'orderflow':
          return orderFlowHead({ horizonBars: h });
        case 'rules':
          return rulesHead({ timeframe, rules: SCALPING_RULES, horizonBars: h });
      }
    });
  }

  private definition(): StrategyDefinition<Record<string, never>> {
    return defineStrategy({
      name: 'scalping',
      description: `AI scalping service (${this.preset})`,
      params: z.strictObject({}),
      setup: ({ symbols, timeframe }) => {
        this.symbols = this.config.symbols ? symbols.filter((s) => this.config.symbols!.includes(s)) : symbols;
        const c = this.config;
        this.ensemble = new Ensemble({
          name: `scalping-${this.preset}`,
          heads: this.heads(timeframe),
          timeframe,
          consensus: { ...c.consensus, ...(c.consensus?.mode === 'quorum' || c.consensus === undefined ? { quorum: Math.min(c.consensus?.quorum ?? 2, c.heads.length) } : {}) },
          sizing: { method: 'kelly', fraction: c.kellyFraction, maxFraction: c.maxPositionSize },
          allowShort: c.allowShort,
          idPrefix: this.options.idPrefix ?? 'S-',
          ...(this.options.storage ? { storage: this.options.storage } : {}),
          ...(this.bus ? { bus: this.bus } : {}),
          ...(this.bookOf ? { book: this.bookOf } : {}),
          ...(this.options.now ? { now: this.options.now } : {}),
        });
        for (const s of this.symbols) this.state.set(s, { lastScan: -Infinity, atr: createIndicator('atr', { period: c.atrPeriod }) });
        const barMs = timeframeMs(timeframe);
        return { onBar: (bar, ctx) => this.onBar(bar, ctx, barMs, timeframe) };
      },
    });
  }

  private skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  private onBar(bar: Bar, ctx: StrategyContext, barMs: number, timeframe: string): void {
    if (bar.timeframe !== timeframe) return;
    const state = this.state.get(bar.symbol);
    if (!state) return;
    this.ctx = ctx;
    const now = ctx.time;
    state.atr.update(bar);
    this.dailyLimit(now, ctx);
    this.manageOpen(bar.symbol, now, ctx);
    const scan = now - state.lastScan >= this.config.scanIntervalMs - barMs / 2;
    const decision = this.ensemble!.onBar(bar, ctx, { decide: scan });
    if (!decision) return;
    state.lastScan = now;
    this.scans++;
    this.lastScanAt = now;
    this.lastDecision = decision;
    this.act(decision, bar, ctx, state);
  }

  /** Day change: new start equity, limit lifted. Loss beyond the limit: close out and halt. */
  private dailyLimit(now: number, ctx: StrategyContext): void {
    const day = utcDayStart(now - 1); // a bar closing at 00:00 belongs to the day before
    if (day !== this.dayStart) {
      this.dayStart = day;
      this.dayStartEquity = ctx.portfolio.equity;
      this.halted = false;
    }
    if (!this.halted && this.dayStartEquity > 0 && (this.dayStartEquity - ctx.portfolio.equity) / this.dayStartEquity >= this.config.maxDailyLoss) {
      this.halted = true;
      for (const symbol of this.symbols) if (this.owns(symbol, ctx)) this.closeNow(symbol, 'daily_loss', ctx);
    }
  }

  /**
   * True when the symbol's open trade is the scalper's (its entries are tagged with its decision
   * ids). On an account shared with another strategy the scalper manages only its own positions.
   */
  private owns(symbol: string, ctx: StrategyContext): boolean {
    return ctx.portfolio.openTrade(symbol)?.entryTag?.startsWith(`${this.options.idPrefix ?? 'S-'}D-`) === true;
  }

  private manageOpen(symbol: string, now: number, ctx: StrategyContext): void {
    const open = ctx.portfolio.openTrade(symbol);
    if (open && now - open.entryTime >= this.config.holdTimeMs && this.owns(symbol, ctx)) this.closeNow(symbol, 'hold_time', ctx);
  }

  /**
   * Closes a position at market. The resting take-profit is canceled first: the host does not send
   * an exit while a reduce-only limit on that side is working (the stop-loss is left; the venue
   * cancels it when the position is flat).
   */
  private closeNow(symbol: string, reason: string, ctx: StrategyContext): ReturnType<StrategyContext['exitLong']> {
    const q = ctx.position(symbol).quantity;
    if (q === 0) return undefined;
    for (const order of ctx.openOrders(symbol)) if (order.tag === 'take_profit') ctx.cancelOrder(order.id);
    return q > 0 ? ctx.exitLong({ symbol, reason }) : ctx.exitShort({ symbol, reason });
  }

  private act(decision: Decision, bar: Bar, ctx: StrategyContext, state: SymbolState): void {
    const ensemble = this.ensemble!;
    if (decision.action === 'close') {
      if (this.owns(bar.symbol, ctx)) ensemble.executed(decision, this.closeNow(bar.symbol, 'consensus', ctx));
      return;
    }
    if (decision.action !== 'buy' && decision.action !== 'sell') return;
    const reverses = ctx.position(bar.symbol).quantity !== 0;
    if (!this.enabled) return this.skip('disabled');
    if (this.halted) return this.skip('daily loss limit');
    if (reverses && !this.owns(bar.symbol, ctx)) return this.skip('position of another strategy');
    const open = this.symbols.filter((s) => ctx.position(s).quantity !== 0).length;
    if (!reverses && open >= this.config.maxPositions) return this.skip('max positions');
    const atr = state.atr.value;
    if (!(atr > 0)) return this.skip('no ATR yet');
    const price = bar.close;
    const targetBps = ((this.config.takeProfitAtr * atr) / price) * 10_000;
    if (targetBps < this.config.minSpreadBps) return this.skip('target below min spread');
    const quote = this.quoteOf?.(bar.symbol);
    if (quote && quote.ask > quote.bid && ((quote.ask - quote.bid) / ((quote.ask + quote.bid) / 2)) * 10_000 > targetBps / 4) return this.skip('quoted spread too wide');
    const cap = (this.config.maxPositionSize * ctx.portfolio.equity) / price;
    const quantity = Math.min(decision.size!.quantity, cap);
    if (!(quantity > 0)) return this.skip('no size');
    const long = decision.action === 'buy';
    const tp = long ? price + this.config.takeProfitAtr * atr : price - this.config.takeProfitAtr * atr;
    const sl = long ? price - this.config.stopLossAtr * atr : price + this.config.stopLossAtr * atr;
    const options = { size: { base: quantity }, tag: decision.id, takeProfit: tp, stopLoss: sl };
    ensemble.executed(decision, long ? ctx.enterLong(options) : ctx.enterShort(options));
  }
}
