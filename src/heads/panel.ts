/**
 * The head panel runs a set of heads over closed bars: it builds each head's declared inputs once
 * per symbol, updates them once per bar, and asks every head for its opinion with the fault
 * isolation the consensus relies on — a head that throws, returns something that is not a signal,
 * or overruns its time budget is `faulted` for that decision (and says why); the others are
 * unaffected.
 *
 * @example
 * const panel = new HeadPanel([technicalHead(), orderFlowHead()], { timeframe: '1h' });
 * panel.observe(bar);                                     // every closed bar, warm-up included
 * const evaluations = panel.evaluate(bar, view);          // [{ head, status, signal?, error?, elapsedMs }]
 */
import { performance } from 'node:perf_hooks';
import { ConfigurationError, errorMessage } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import type { BarSeriesView } from '../data/series.js';
import type { Bar } from '../model/bar.js';
import type { OrderBookSnapshot } from '../model/market.js';
import type { PositionView } from '../model/position.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import { SymbolInputs, indicatorKey, planInputs, type InputPlan } from './inputs.js';
import { signalProblem, type HeadContext, type HeadFitReport, type Signal, type SignalHead } from './signal.js';

/** Default time budget of one head's `evaluate` call. */
export const DEFAULT_TIME_BUDGET_MS = 500;

/** What the panel reads from the environment at each evaluation (a StrategyContext fits). */
export interface PanelView {
  /** Now: the close time of the bar just closed. */
  readonly time: number;
  readonly portfolio: PortfolioView;
  position(symbol: string): PositionView;
  series(symbol: string, timeframe?: Timeframe): BarSeriesView;
}

export interface HeadPanelOptions {
  /** Timeframe of the bars fed to the panel. */
  readonly timeframe: Timeframe;
  /** Longest a head's `evaluate` may take (ms) before its signal is discarded and the head marked faulted. Default 500. */
  readonly timeBudgetMs?: number;
  /** Timer for the budget (default `performance.now`); tests pass a fake one. */
  readonly now?: () => number;
  /** The latest order book of a symbol, when the environment has books. */
  readonly book?: (symbol: string) => OrderBookSnapshot | undefined;
}

export type HeadStatus = 'ok' | 'abstained' | 'faulted';

/** One head's answer at one decision. */
export interface HeadEvaluation {
  readonly head: string;
  readonly status: HeadStatus;
  /** Present when `status` is `ok`. */
  readonly signal?: Signal;
  /** Why the head is faulted. */
  readonly error?: string;
  readonly elapsedMs: number;
}

/** Per-evaluation state shared by the heads' contexts (set before each call, read by the heads). */
interface Frame {
  time: number;
  symbol: string;
  bar: Bar | undefined;
  inputs: SymbolInputs | undefined;
  view: PanelView | undefined;
}

/** One head's context: reads the frame through the head's own indicator keys. */
class PanelContext implements HeadContext {
  constructor(
    private readonly frame: Frame,
    readonly timeframe: Timeframe,
    private readonly keys: ReadonlyMap<string, string>,
    private readonly features: ReadonlySet<string>,
    private readonly bookOf: ((symbol: string) => OrderBookSnapshot | undefined) | undefined,
    private readonly headId: string,
  ) {}

  get time(): number {
    return this.frame.time;
  }
  get symbol(): string {
    return this.frame.symbol;
  }
  get bar(): Bar {
    return this.frame.bar!;
  }
  get barsSeen(): number {
    return this.frame.inputs!.barsSeen;
  }
  series(timeframe: Timeframe = this.timeframe): BarSeriesView {
    return this.frame.view!.series(this.frame.symbol, timeframe);
  }
  indicator(key: string): number {
    const canonical = this.keys.get(key);
    if (canonical === undefined) throw new ConfigurationError(`indicator "${key}" is not declared in requires.indicators (declared: ${[...this.keys.keys()].join(', ') || 'none'})`, `${this.headId}.requires.indicators`);
    return this.frame.inputs!.indicator(canonical)!;
  }
  feature(name: string): number {
    if (!this.features.has(name)) throw new ConfigurationError(`feature "${name}" is not declared in requires.features (declared: ${[...this.features].join(', ') || 'none'})`, `${this.headId}.requires.features`);
    return this.frame.inputs!.feature(name)!;
  }
  get position(): PositionView {
    return this.frame.view!.position(this.frame.symbol);
  }
  get portfolio(): PortfolioView {
    return this.frame.view!.portfolio;
  }
  get book(): OrderBookSnapshot | undefined {
    return this.bookOf?.(this.frame.symbol);
  }
}

export class HeadPanel {
  readonly heads: readonly SignalHead[];
  readonly timeframe: Timeframe;
  readonly timeBudgetMs: number;
  /** Bars a symbol needs before the heads are asked: every declared indicator ready and every head's own warm-up. */
  readonly warmup: number;
  readonly plan: InputPlan;
  private readonly now: () => number;
  private readonly inputs = new Map<string, SymbolInputs>();
  private readonly contexts: PanelContext[];
  private readonly frame: Frame = { time: Number.NaN, symbol: '', bar: undefined, inputs: undefined, view: undefined };

  /**
   * @throws ConfigurationError for no heads, two heads with one id, or a requirement that does not
   *   resolve (unknown indicator, parameter, line or feature).
   */
  constructor(heads: readonly SignalHead[], options: HeadPanelOptions) {
    if (heads.length === 0) throw new ConfigurationError('give at least one head', 'heads');
    const ids = new Set<string>();
    for (const head of heads) {
      if (typeof head.id !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(head.id)) throw new ConfigurationError(`head id must be letters, digits, _ . : -, got ${JSON.stringify(head.id)}`, 'heads');
      if (ids.has(head.id)) throw new ConfigurationError(`two heads share the id "${head.id}"`, 'heads');
      ids.add(head.id);
    }
    this.heads = heads;
    this.timeframe = options.timeframe;
    this.timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    if (!(this.timeBudgetMs > 0)) throw new ConfigurationError(`must be positive, got ${this.timeBudgetMs}`, 'timeBudgetMs');
    this.now = options.now ?? (() => performance.now());
    this.plan = planInputs(heads.map((h) => ({ owner: h.id, ...(h.requires ? { requires: h.requires } : {}) })), options.timeframe);
    this.warmup = Math.max(this.plan.warmup, ...heads.map((h) => h.warmup ?? 0));
    this.contexts = heads.map((head) => {
      const keys = new Map(Object.entries(head.requires?.indicators ?? {}).map(([key, spec]) => [key, indicatorKey(spec)]));
      const features = head.requires?.features;
      const names = new Set(features === undefined ? [] : Array.isArray(features) ? (features as readonly string[]) : Object.keys(features));
      return new PanelContext(this.frame, options.timeframe, keys, names, options.book, head.id);
    });
  }

  /** Feeds a closed bar of the panel's timeframe to the symbol's inputs (call for every bar, warm-up included). */
  observe(bar: Bar): SymbolInputs {
    let inputs = this.inputs.get(bar.symbol);
    if (!inputs) {
      inputs = new SymbolInputs(this.plan, this.timeframe);
      this.inputs.set(bar.symbol, inputs);
    }
    inputs.update(bar);
    return inputs;
  }

  /** Bars of a symbol observed so far. */
  barsSeen(symbol: string): number {
    return this.inputs.get(symbol)?.barsSeen ?? 0;
  }

  /** True once the symbol has seen the panel's warm-up. */
  isReady(symbol: string): boolean {
    return this.barsSeen(symbol) >= this.warmup;
  }

  /** Asks every head about the bar's symbol (after `observe(bar)`). */
  evaluate(bar: Bar, view: PanelView): HeadEvaluation[] {
    const inputs = this.inputs.get(bar.symbol);
    if (!inputs) throw new Error(`observe(bar) must be called before evaluate(bar) for ${bar.symbol}`);
    const frame = this.frame;
    frame.time = view.time;
    frame.symbol = bar.symbol;
    frame.bar = bar;
    frame.inputs = inputs;
    frame.view = view;
    const out: HeadEvaluation[] = [];
    for (let i = 0; i < this.heads.length; i++) out.push(this.ask(this.heads[i]!, this.contexts[i]!));
    frame.view = undefined; // a head keeping the context must not read a stale view later
    return out;
  }

  /** Ends a walk-forward fit period: heads that learn from data fit now. */
  fit(time: number): HeadFitReport[] {
    const out: HeadFitReport[] = [];
    for (const head of this.heads) {
      if (!head.fit) continue;
      try {
        out.push(head.fit(time));
      } catch (error) {
        out.push({ head: head.id, fitted: false, detail: { error: errorMessage(error) } });
      }
    }
    return out;
  }

  private ask(head: SignalHead, ctx: PanelContext): HeadEvaluation {
    const start = this.now();
    let result: Signal | undefined;
    try {
      result = head.evaluate(ctx);
    } catch (error) {
      return { head: head.id, status: 'faulted', error: `threw: ${errorMessage(error)}`, elapsedMs: this.now() - start };
    }
    const elapsedMs = this.now() - start;
    if (elapsedMs > this.timeBudgetMs) {
      return { head: head.id, status: 'faulted', error: `took ${elapsedMs.toFixed(1)} ms, over the ${this.timeBudgetMs} ms budget`, elapsedMs };
    }
    if (result === undefined || result === null) return { head: head.id, status: 'abstained', elapsedMs };
    const problem = signalProblem(result);
    if (problem !== undefined) return { head: head.id, status: 'faulted', error: `invalid signal: ${problem}`, elapsedMs };
    return { head: head.id, status: 'ok', signal: result, elapsedMs };
  }
}
