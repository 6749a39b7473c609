/**
 * The signal-head port. A head is one independent opinion about a symbol: it reads a point-in-time
 * context (closed bars, incremental indicators and features, the portfolio, the latest order book
 * when there is one) and returns a {@link Signal} — or nothing when it has no opinion. Heads decide,
 * they never act: the consensus combines their signals and only the risk engine turns a decision
 * into orders. The same head object runs in a backtest, on paper and live.
 *
 * @example
 * const momentum: SignalHead = {
 *   id: 'momentum', kind: 'custom',
 *   requires: { indicators: { rsi: { name: 'rsi', params: { period: 14 } } } },
 *   evaluate(ctx) {
 *     const rsi = ctx.indicator('rsi');
 *     if (!(rsi < 30)) return undefined;
 *     return { direction: 1, confidence: 0.6, horizonMs: 4 * 3_600_000, reason: `RSI ${rsi.toFixed(1)} < 30`, inputs: { rsi } };
 *   },
 * };
 */
import type { Timeframe } from '../core/time.js';
import type { BarSeriesView } from '../data/series.js';
import type { FeatureDefinition } from '../features/types.js';
import type { Bar } from '../model/bar.js';
import type { OrderBookSnapshot } from '../model/market.js';
import type { PositionView } from '../model/position.js';
import type { PortfolioView } from '../portfolio/portfolio.js';

/** A value a head reports as one of the inputs it used. */
export type SignalInput = number | string | boolean | null;

/** One head's opinion about one symbol at one time. */
export interface Signal {
  /** −1 (fully short) … 1 (fully long); 0 is an opinion for flat. */
  readonly direction: number;
  /** How sure the head is that the direction is right, 0 … 1 (calibrated later by the consensus). */
  readonly confidence: number;
  /** How long the opinion is meant to hold (ms); the outcome is scored at time + horizon. */
  readonly horizonMs: number;
  /** One readable sentence: why. */
  readonly reason: string;
  /** The inputs it used, by name (indicator values, rule text, news ids, …). */
  readonly inputs: Readonly<Record<string, SignalInput>>;
}

/** An indicator of the registry a head reads (`docs/indicators.md`), one of its lines. */
export interface IndicatorSpec {
  /** Registry name: `rsi`, `ema`, `bbands`, … */
  readonly name: string;
  readonly params?: Readonly<Record<string, number | string | boolean>>;
  /** Output line; default the primary (first) line. */
  readonly line?: string;
}

/** What a head reads; the panel builds each input once per symbol and updates it once per bar. */
export interface HeadRequirements {
  /** Read with `ctx.indicator(key)`: key → indicator. */
  readonly indicators?: Readonly<Record<string, IndicatorSpec>>;
  /**
   * Read with `ctx.feature(name)`: names of the default feature set (`docs/features.md`), or
   * name → definition for features of one's own.
   */
  readonly features?: readonly string[] | Readonly<Record<string, FeatureDefinition>>;
}

/** What a head sees when asked for its opinion. Everything in it was known at `time`. */
export interface HeadContext {
  /** The close time of the bar just closed (UTC epoch ms): "now". */
  readonly time: number;
  readonly symbol: string;
  /** The timeframe of the bars the panel is fed. */
  readonly timeframe: Timeframe;
  /** The bar just closed. */
  readonly bar: Bar;
  /** Bars of the symbol fed so far (including this one). */
  readonly barsSeen: number;
  /** Closed bars of the symbol (default: the panel's timeframe), read-only and point-in-time. */
  series(timeframe?: Timeframe): BarSeriesView;
  /** Current value of a declared indicator (NaN while it warms up). */
  indicator(key: string): number;
  /** Current value of a declared feature (NaN when not available). */
  feature(name: string): number;
  readonly position: PositionView;
  readonly portfolio: PortfolioView;
  /** The latest order-book snapshot of the symbol, when the venue sends books. */
  readonly book: OrderBookSnapshot | undefined;
}

/** Outcome of a walk-forward fit (`SignalHead.fit`), for the report and the learning log. */
export interface HeadFitReport {
  readonly head: string;
  readonly fitted: boolean;
  readonly detail: Readonly<Record<string, SignalInput>>;
}

/** A signal head. Implementations live in `technical/`, `orderflow/`, `rules/`, `sentiment/`, `external/`, `ml/`. */
export interface SignalHead {
  /** Unique within an ensemble; names the head in votes, weights and reports. */
  readonly id: string;
  /** The family: `technical`, `orderflow`, `rules`, `sentiment`, `external`, `ml`, or your own. */
  readonly kind: string;
  readonly description?: string;
  readonly requires?: HeadRequirements;
  /** Bars of the symbol the head needs before it can speak (on top of its indicators' warm-up). */
  readonly warmup?: number;
  /**
   * The head's opinion now, or undefined for none. Called once per closed bar of each symbol,
   * in time order. It must not block: I/O (feeds, remote models) is done by the head's ports in
   * the background and read here from memory. A throw or an overrun of the panel's time budget
   * marks the head faulted for this decision.
   */
  evaluate(ctx: HeadContext): Signal | undefined;
  /**
   * Walk-forward: called once when the fit period ends, with the time it ended. A head that
   * learns from data (the ML head) trains here on what it has seen; others need not implement it.
   */
  fit?(time: number): HeadFitReport;
}

/** Why a signal is not acceptable, or undefined when it is. */
export function signalProblem(signal: Signal): string | undefined {
  if (typeof signal !== 'object' || signal === null) return `a signal must be an object, got ${String(signal)}`;
  const { direction, confidence, horizonMs } = signal;
  if (typeof direction !== 'number' || !(direction >= -1 && direction <= 1)) return `direction must be a number in [-1, 1], got ${String(direction)}`;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) return `confidence must be a number in [0, 1], got ${String(confidence)}`;
  if (typeof horizonMs !== 'number' || !(horizonMs > 0 && Number.isFinite(horizonMs))) return `horizonMs must be a positive finite number, got ${String(horizonMs)}`;
  if (typeof signal.reason !== 'string') return 'reason must be a string';
  if (typeof signal.inputs !== 'object' || signal.inputs === null) return 'inputs must be an object';
  return undefined;
}

/** The sign of a direction as −1, 0 or 1. */
export function sideOf(direction: number): -1 | 0 | 1 {
  return direction > 0 ? 1 : direction < 0 ? -1 : 0;
}

/** Rounds a number for a signal's `inputs` (readable reasons and stored votes; NaN becomes null). */
export function roundInput(x: number, digits = 6): number | null {
  if (x - x !== 0) return null; // NaN or ±Infinity
  const f = digits === 6 ? 1e6 : 10 ** digits;
  return Math.round(x * f) / f;
}
