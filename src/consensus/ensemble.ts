/**
 * The ensemble: heads → votes → a decision, learning as it goes. At each closed bar of a symbol:
 *
 * 1. the panel updates the heads' inputs;
 * 2. signals whose horizon has passed are scored against the close: the Hedge weights and each
 *    head's calibration learn from them (only from prices known now);
 * 3. after the warm-up (and, in a walk-forward run, after the fit period) every head is asked;
 *    faulted heads are excluded and recorded;
 * 4. the votes (calibrated confidence, learned weight) are combined by the consensus mode;
 * 5. the consensus and the current position give the action; an opening action is sized by the
 *    Sizer (fractional Kelly on the calibrated confidence by default) times the size scale;
 * 6. the decision is stored (through the storage port, or in memory) and published on `decision`.
 *
 * The ensemble decides; it never places an order. Whoever runs it (the ensemble strategy, the
 * scalping service) acts on `decision.action` through the strategy host, so every order passes
 * the RiskEngine. The same object runs in a backtest, on paper and live.
 *
 * @example
 * const ensemble = new Ensemble({ name: 'ensemble', timeframe: '1h', heads: [technicalHead(), orderFlowHead()],
 *   consensus: { mode: 'weighted', minConfidence: 0.55 } });
 * const decision = ensemble.onBar(bar, ctx);   // ctx: a StrategyContext (or any PanelView)
 * if (decision?.action === 'buy') ensemble.executed(decision, ctx.enterLong({ size: { base: decision.size!.quantity }, tag: decision.id }));
 */
import type { MessageBus } from '../bus/message-bus.js';
import { ConfigurationError } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import { parseOptions } from '../heads/config.js';
import { HeadPanel, type HeadEvaluation, type PanelView } from '../heads/panel.js';
import type { SignalHead } from '../heads/signal.js';
import type { Bar } from '../model/bar.js';
import type { Instrument } from '../model/instrument.js';
import type { OrderBookSnapshot } from '../model/market.js';
import type { OrderView } from '../model/order.js';
import type { ClosedTrade } from '../model/trade.js';
import { winLossStats } from '../risk/sizing/kelly.js';
import { createSizer, type Sizer, type SizerConfigInput } from '../risk/sizing/sizer.js';
import { HeadCalibration, type CalibrationState } from './calibration.js';
import { consensusConfigSchema, learningConfigSchema, type ConsensusConfig, type ConsensusConfigInput, type LearningConfig, type LearningConfigInput } from './config.js';
import { toDecisionRecord, type Decision, type DecisionAction, type DecisionSize } from './decision.js';
import './events.js';
import { HedgeWeights, directionLoss } from './hedge.js';
import { OutcomeTracker, type ResolvedSignal } from './outcomes.js';
import { EnsembleRecorder, type EnsembleReportSections } from './report.js';
import { MemoryDecisionLog, WriteQueue, type EnsembleStorage } from './store.js';
import { combine, type Vote } from './vote.js';

export interface EnsembleOptions {
  /** Names the decisions' `strategy` and the scope of the learned weights in storage. */
  readonly name: string;
  readonly heads: readonly SignalHead[];
  /** Timeframe of the bars the ensemble decides on (other timeframes are ignored). */
  readonly timeframe: Timeframe;
  readonly consensus?: ConsensusConfigInput;
  readonly learning?: LearningConfigInput;
  /** A Sizer or its config (default: ¼ Kelly capped at 20% of equity). */
  readonly sizing?: Sizer | SizerConfigInput;
  /** Open short positions on a short consensus (default false: a short consensus only closes longs). */
  readonly allowShort?: boolean;
  /** Walk-forward: bars per symbol after the warm-up used only to learn before any trading. Default 0. */
  readonly fitBars?: number;
  /** A head's time budget per decision (ms). */
  readonly timeBudgetMs?: number;
  /** Timer for the budget (tests). */
  readonly now?: () => number;
  /** The latest order book of a symbol, when the environment has books. */
  readonly book?: (symbol: string) => OrderBookSnapshot | undefined;
  /** Instrument metadata for lot rounding in sizing. */
  readonly instrument?: (symbol: string) => Instrument | undefined;
  /** Publishes every decision on `decision`. */
  readonly bus?: MessageBus;
  /** Stores decisions, weights, calibrations and scored signals (a `Storage` fits). */
  readonly storage?: EnsembleStorage;
  /** Prefix of decision ids (use one per run when several runs share a database). */
  readonly idPrefix?: string;
  /** Store `hold` decisions too (default true: every decision is kept with its reasons). */
  readonly recordHolds?: boolean;
  /** Fee per unit of position change in the report's comparison. Default 0.001. */
  readonly comparisonFee?: number;
  readonly onStorageError?: (what: string, error: unknown) => void;
}

export type EnsemblePhase = 'warmup' | 'fit' | 'trade';

/** The view the ensemble reads: a StrategyContext fits. */
export type EnsembleView = PanelView;

export class Ensemble {
  readonly name: string;
  readonly panel: HeadPanel;
  readonly consensus: ConsensusConfig;
  readonly learning: LearningConfig;
  readonly sizer: Sizer;
  readonly hedge: HedgeWeights;
  readonly calibrations: ReadonlyMap<string, HeadCalibration>;
  readonly log = new MemoryDecisionLog();
  readonly recorder: EnsembleRecorder;
  readonly writes: WriteQueue;
  private readonly tracker = new OutcomeTracker();
  private readonly fitBars: number;
  private readonly allowShort: boolean;
  private readonly evaluatedBars = new Map<string, number>();
  private fitted: boolean;
  private counter = 0;
  private tradesSeen = 0;
  private readonly pnls: number[] = [];

  /** @throws ConfigurationError for bad settings (keys `consensus.*`, `learning.*`, `sizing.*`, `heads`). */
  constructor(readonly options: EnsembleOptions) {
    this.name = options.name;
    this.consensus = parseOptions(consensusConfigSchema, options.consensus, 'consensus');
    this.learning = parseOptions(learningConfigSchema, options.learning, 'learning');
    this.panel = new HeadPanel(options.heads, {
      timeframe: options.timeframe,
      ...(options.timeBudgetMs !== undefined ? { timeBudgetMs: options.timeBudgetMs } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.book ? { book: options.book } : {}),
    });
    if (this.consensus.mode === 'quorum' && this.consensus.quorum > options.heads.length) {
      throw new ConfigurationError(`a quorum of ${this.consensus.quorum} needs at least that many heads; there are ${options.heads.length}`, 'consensus.quorum');
    }
    const sizing = options.sizing ?? { method: 'kelly' };
    this.sizer = 'size' in sizing ? sizing : createSizer(sizing, 'sizing');
    const ids = options.heads.map((h) => h.id);
    this.hedge = new HedgeWeights(ids, this.learning);
    this.calibrations = new Map(ids.map((id) => [id, new HeadCalibration(id, this.learning)]));
    this.fitBars = options.fitBars ?? 0;
    if (!Number.isInteger(this.fitBars) || this.fitBars < 0) throw new ConfigurationError(`must be a whole number ≥ 0, got ${this.fitBars}`, 'fitBars');
    this.fitted = this.fitBars === 0;
    this.allowShort = options.allowShort ?? false;
    this.writes = new WriteQueue(options.onStorageError);
    this.recorder = new EnsembleRecorder({
      heads: options.heads.map((h) => ({ id: h.id, kind: h.kind })), mode: this.consensus.mode, allowShort: this.allowShort,
      fee: options.comparisonFee ?? 0.001, fitBars: this.fitBars,
    });
  }

  /** Bars a symbol needs before the heads are asked. */
  get warmup(): number {
    return this.panel.warmup;
  }

  phase(symbol: string): EnsemblePhase {
    if (!this.panel.isReady(symbol)) return 'warmup';
    return this.fitted ? 'trade' : 'fit';
  }

  /** Current weights by head. */
  weights(): Record<string, number> {
    return this.hedge.weights();
  }

  /**
   * Loads learned weights and calibrations from storage (call once before the first bar when the
   * ensemble should continue where an earlier run stopped).
   */
  async restore(): Promise<{ readonly weights: number; readonly calibrations: number }> {
    const learning = this.options.storage?.learning;
    if (!learning) return { weights: 0, calibrations: 0 };
    const saved = await learning.weights(this.name);
    this.hedge.restore(saved);
    let calibrations = 0;
    for (const [head, calibration] of this.calibrations) {
      const events = await learning.events({ kind: 'calibration.fitted', subject: `${this.name}/${head}` });
      const last = events[events.length - 1];
      if (last && typeof last.payload === 'object' && last.payload !== null) {
        calibration.restore(last.payload as unknown as CalibrationState);
        calibrations++;
      }
    }
    return { weights: saved.length, calibrations };
  }

  /** Waits until every storage write so far has finished. */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  /**
   * Handles one closed bar: learns from what is due, then (after the warm-up and the fit period)
   * decides. Returns the decision, or undefined when none was made (another timeframe, warm-up,
   * fit period, or `decide: false`). Call it for every closed bar of the timeframe, in time order.
   */
  onBar(bar: Bar, view: EnsembleView, options: { readonly decide?: boolean } = {}): Decision | undefined {
    if (bar.timeframe !== this.options.timeframe) return undefined;
    const symbol = bar.symbol;
    const time = view.time;
    this.panel.observe(bar);
    this.learn(this.tracker.resolve(symbol, time, bar.close), time);
    this.settleTrades(view.portfolio.trades);
    // Between scans (the scalping service's interval) inputs and learning stay current; no head is asked.
    if (options.decide === false || !this.panel.isReady(symbol)) return undefined;
    const seen = (this.evaluatedBars.get(symbol) ?? 0) + 1;
    this.evaluatedBars.set(symbol, seen);
    if (!this.fitted && seen > this.fitBars) this.endFit(time);
    const evaluations = this.panel.evaluate(bar, view);
    this.tracker.add(symbol, time, bar.close, evaluations);
    if (!this.fitted) return undefined;
    return this.decide(bar, view, evaluations);
  }

  /** Records that a decision was acted on (the order the strategy submitted). */
  executed(decision: Decision, order: OrderView | undefined): void {
    if (!order || order.status === 'rejected') return;
    this.log.executed(decision);
    const store = this.options.storage?.decisions;
    if (store) this.writes.push(`decision ${decision.id} executed`, () => store.markExecuted(decision.id, order.createdAt, order.id));
  }

  /** The report sections (heads, decisions by action, weights, attribution, comparison). */
  report(trades: readonly ClosedTrade[], endEquity: number): EnsembleReportSections {
    const calibration = [...this.calibrations.values()].map((c) => ({ head: c.head, method: c.method, active: c.active, samples: c.samples }));
    return this.recorder.finish(trades, (tag) => this.log.get(tag), this.hedge.weights(), this.log.countsByAction(), calibration, endEquity);
  }

  // ---- internals ------------------------------------------------------------------------------

  private endFit(time: number): void {
    this.fitted = true;
    const fits = this.panel.fit(time);
    const refits: string[] = [];
    for (const c of this.calibrations.values()) if (c.fit()) refits.push(c.head);
    this.recorder.fitEnded(time, fits);
    const learning = this.options.storage?.learning;
    if (learning) {
      for (const c of this.calibrations.values()) if (c.state) this.saveCalibration(c, time);
      for (const f of fits) this.writes.push(`fit ${f.head}`, () => learning.record({ time, kind: 'head.fitted', subject: `${this.name}/${f.head}`, payload: { fitted: f.fitted, ...f.detail } }));
    }
  }

  private learn(resolved: readonly ResolvedSignal[], time: number): void {
    if (resolved.length === 0) return;
    const losses = new Map<string, number>();
    for (const r of resolved) {
      // Several signals of one head may resolve together (several symbols or a shorter horizon): average them.
      const loss = directionLoss(r.direction, r.move);
      const prev = losses.get(r.head);
      losses.set(r.head, prev === undefined ? loss : (prev + loss) / 2);
      const calibration = this.calibrations.get(r.head)!;
      if (calibration.add(r.rawConfidence, r.hit) && this.options.storage?.learning) this.saveCalibration(calibration, time);
    }
    this.hedge.update(losses, time);
    this.recorder.resolved(resolved);
    this.recorder.weightsUpdated(time, this.hedge.heads.map((h) => this.hedge.weight(h)));
    const storage = this.options.storage;
    if (storage?.learning) {
      const learning = storage.learning;
      const snapshot = this.hedge.snapshot(time);
      this.writes.push('weights', () => learning.saveWeights(this.name, snapshot, `${resolved.length} signal${resolved.length === 1 ? '' : 's'} scored`));
    }
    if (storage?.signalPerformance) {
      const perf = storage.signalPerformance;
      const rows = resolved.map((r) => ({
        source: r.head, symbol: r.symbol, signalTime: r.signalTime, direction: Math.max(-1, Math.min(1, r.direction)), confidence: r.rawConfidence,
        horizonMs: r.horizonMs, entryPrice: r.entryPrice, exitPrice: r.exitPrice, realizedReturn: r.realizedReturn, correct: r.hit, evaluatedAt: r.resolvedAt,
      }));
      this.writes.push('signal performance', () => perf.record(rows));
    }
  }

  private saveCalibration(c: HeadCalibration, time: number): void {
    const learning = this.options.storage!.learning!;
    const state = c.state!;
    this.writes.push(`calibration ${c.head}`, () => learning.record({ time, kind: 'calibration.fitted', subject: `${this.name}/${c.head}`, payload: state }));
  }

  /** Outcomes of decisions whose trades closed since the last bar. */
  private settleTrades(trades: readonly ClosedTrade[]): void {
    if (trades.length === this.tradesSeen) return;
    const store = this.options.storage?.decisions;
    for (let i = this.tradesSeen; i < trades.length; i++) {
      const t = trades[i]!;
      const d = t.entryTag !== undefined ? this.log.get(t.entryTag) : undefined;
      if (!d) continue;
      this.pnls.push(t.pnl);
      if (store) this.writes.push(`decision ${d.id} outcome`, () => store.setOutcome(d.id, t.pnl > 0 ? 'win' : 'loss', t.pnl));
    }
    this.tradesSeen = trades.length;
  }

  private decide(bar: Bar, view: EnsembleView, evaluations: readonly HeadEvaluation[]): Decision {
    const symbol = bar.symbol;
    const calibrated = new Map<string, number>();
    const votes: Vote[] = evaluations.map((e) => {
      const weight = this.hedge.weight(e.head);
      if (e.status !== 'ok' || !e.signal) {
        return { head: e.head, status: e.status, direction: 0, confidence: 0, rawConfidence: 0, weight, horizonMs: 0, reason: e.status === 'abstained' ? 'no opinion' : '', inputs: {}, ...(e.error !== undefined ? { error: e.error } : {}) };
      }
      const s = e.signal;
      const confidence = this.calibrations.get(e.head)!.map(s.confidence);
      calibrated.set(e.head, confidence);
      return { head: e.head, status: 'ok', direction: s.direction, confidence, rawConfidence: s.confidence, weight, horizonMs: s.horizonMs, reason: s.reason, inputs: s.inputs };
    });
    const result = combine(votes, this.consensus);
    const position = view.position(symbol).quantity;
    const held = position > 0 ? 1 : position < 0 ? -1 : 0;
    let action: DecisionAction = 'hold';
    let side: 'buy' | 'sell' | undefined;
    let after = held;
    let note = '';
    if (result.direction === 1 && held <= 0) {
      action = 'buy';
      side = 'buy';
      after = 1;
      note = held < 0 ? 'close the short and go long' : 'open long';
    } else if (result.direction === -1 && held >= 0) {
      if (this.allowShort) {
        action = 'sell';
        side = 'sell';
        after = -1;
        note = held > 0 ? 'close the long and go short' : 'open short';
      } else if (held > 0) {
        action = 'close';
        side = 'sell';
        after = 0;
        note = 'close the long (shorting is off)';
      } else {
        note = 'short consensus, but shorting is off';
      }
    } else if (result.direction !== 0) {
      note = `already ${held > 0 ? 'long' : 'short'}`;
    }
    let size: DecisionSize | undefined;
    if (after !== 0 && after !== held) {
      size = this.size(symbol, bar.close, view, result.confidence, result.sizeScale);
      if (size.quantity <= 0) {
        // Nothing to buy: the edge is too small for the Sizer (or below the lot): no trade.
        note = `${note}; no size: ${size.reason}`;
        if (held === 0) {
          action = 'hold';
          side = undefined;
          after = held;
        } else {
          // A reversal without size still closes the position it reverses.
          action = 'close';
          after = 0;
        }
        size = undefined;
      }
    }
    const faulted = votes.filter((v) => v.status === 'faulted').map((v) => v.head);
    const decision: Decision = {
      id: `${this.options.idPrefix ?? ''}D-${++this.counter}`,
      time: view.time, symbol, strategy: this.name, action, direction: result.direction, confidence: result.confidence, score: result.score,
      mode: this.consensus.mode, price: bar.close, votes, faulted,
      reasoning: `${result.explanation}${note ? ` → ${note}` : ''}`,
      ...(side !== undefined ? { side } : {}),
      ...(size ? { size } : {}),
    };
    this.log.add(decision);
    this.recorder.evaluated(symbol, view.time, bar.close, evaluations, calibrated, after, view.portfolio.equity);
    const store = this.options.storage?.decisions;
    if (store && (action !== 'hold' || this.options.recordHolds !== false)) {
      const record = toDecisionRecord(decision);
      this.writes.push(`decision ${decision.id}`, () => store.record(record));
    }
    this.options.bus?.publish('decision', decision);
    return decision;
  }

  private size(symbol: string, price: number, view: EnsembleView, confidence: number, scale: number): DecisionSize {
    const stats = this.pnls.length >= 10 ? winLossStats(this.pnls.map((pnl) => ({ pnl }))) : undefined;
    const b = stats && Number.isFinite(stats.winLossRatio) && stats.winLossRatio > 0 ? stats.winLossRatio : undefined;
    const instrument = this.options.instrument?.(symbol);
    const base = this.sizer.size({
      symbol, price, equity: view.portfolio.equity, confidence,
      ...(b !== undefined ? { winLossRatio: b } : {}),
      ...(instrument ? { instrument } : {}),
    });
    if (base.quantity <= 0) return { fraction: 0, quantity: 0, notional: 0, scale, reason: base.reason };
    const scaled = this.sizer.size({
      symbol, price, equity: view.portfolio.equity * scale, confidence,
      ...(b !== undefined ? { winLossRatio: b } : {}),
      ...(instrument ? { instrument } : {}),
    });
    const equity = view.portfolio.equity;
    return {
      fraction: equity > 0 ? scaled.notional / equity : 0, quantity: scaled.quantity, notional: scaled.notional, scale,
      reason: `${base.reason}${scale < 1 ? `; × ${scale.toFixed(2)} (confidence below the target)` : ''}${b !== undefined ? `; b from ${this.pnls.length} closed trades` : ''}`,
    };
  }
}
