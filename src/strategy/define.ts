/**
 * What a strategy author writes: one file exporting `defineStrategy({...})` with a zod schema for
 * its parameters (defaults and a doc comment per field), a name, a warm-up length, optional exit
 * rules in Freqtrade's vocabulary, and `setup`, which returns the callbacks.
 *
 * @example
 * export default defineStrategy({
 *   name: 'buy-and-hold',
 *   params: z.object({}),
 *   setup: () => ({ onBar: (_bar, ctx) => { if (ctx.position().side === 'flat') ctx.enterLong(); } }),
 * });
 */
import { z } from 'zod';
import type { Bar } from '../model/bar.js';
import type { OrderEvent } from '../model/events.js';
import type { Fill } from '../model/fill.js';
import type { StrategyContext } from './context.js';

/**
 * Exit rules in Freqtrade's vocabulary. Ratios are profit ratios of the position, in leveraged
 * terms as in Freqtrade (a stop-loss of −0.1 at 5x leverage is a 2% price move).
 */
export const exitRulesSchema = z.strictObject({
  /**
   * Minutes since entry → minimum profit ratio at which to take profit, e.g.
   * `{ "0": 0.10, "30": 0.05, "60": 0 }`. A value of −1 exits at that minute whatever the price.
   */
  minimalRoi: z.record(z.string().regex(/^\d+$/, 'ROI keys are whole minutes since entry'), z.number()).default({}),
  /** Stop-loss as a (negative) profit ratio, e.g. −0.10. */
  stoploss: z.number().max(0).min(-1).optional(),
  /** Let the stop follow the price (at |stoploss| behind the best price, or see the next fields). */
  trailingStop: z.boolean().default(false),
  /** Once profit exceeds `trailingStopPositiveOffset`, trail at this ratio instead. */
  trailingStopPositive: z.number().positive().max(1).optional(),
  /** Profit ratio at which `trailingStopPositive` takes over. */
  trailingStopPositiveOffset: z.number().min(0).default(0),
  /** Do not trail at all until the offset is reached (the initial stop-loss stays put). */
  trailingOnlyOffsetIsReached: z.boolean().default(false),
  /** Act on the strategy's exit signals (`exitLong`/`exitShort`); false ignores them. */
  useExitSignal: z.boolean().default(true),
});

export type ExitRules = z.output<typeof exitRulesSchema>;
export type ExitRulesInput = z.input<typeof exitRulesSchema>;

/** The callbacks a strategy provides. Only `onBar` is required. */
export interface StrategyHandlers {
  /** A bar closed (base timeframe and each declared extra timeframe). */
  onBar(bar: Bar, ctx: StrategyContext): void;
  /** One of the strategy's orders filled (fully or partly). */
  onFill?(fill: Fill, ctx: StrategyContext): void;
  /** Any event of one of the strategy's orders. */
  onOrder?(event: OrderEvent, ctx: StrategyContext): void;
  /** The run ends. */
  onStop?(ctx: StrategyContext): void;
}

export interface StrategySetup<P> {
  readonly params: P;
  /** The symbols the strategy trades in this run. */
  readonly symbols: readonly string[];
  /** The base timeframe of the data. */
  readonly timeframe: string;
}

/**
 * A value, or a function of the params. Declared through a method so that parameters are checked
 * bivariantly: a strategy with specific params is still a `StrategyDefinition` for the runner.
 */
type Derived<P, T> = T | { bivariant(params: P): T }['bivariant'];

export interface StrategyDefinition<P = unknown> {
  readonly name: string;
  readonly description?: string;
  readonly params: z.ZodType<P>;
  /** Bars of the base timeframe to see before trading (indicator warm-up). Default 0. */
  readonly warmup?: Derived<P, number>;
  /** Extra timeframes built from the base data (e.g. `['1h', '4h']` on 5m data). */
  readonly timeframes?: Derived<P, readonly string[]>;
  /** Bars kept per series for `ctx.series(...)` look-backs. Default: max(warm-up + 1, 500). */
  readonly lookback?: Derived<P, number>;
  readonly exits?: Derived<P, ExitRulesInput>;
  setup(init: StrategySetup<P>): StrategyHandlers;
}

/** Declares a strategy; gives the author type inference for `params` everywhere. */
export function defineStrategy<S extends z.ZodType>(definition: Omit<StrategyDefinition<z.output<S>>, 'params'> & { readonly params: S }): StrategyDefinition<z.output<S>> {
  return definition as unknown as StrategyDefinition<z.output<S>>;
}

/** Resolves a field that is either a value or a function of the params. */
export function derive<P, T>(value: Derived<P, T> | undefined, params: P, fallback: T): T {
  if (value === undefined) return fallback;
  return typeof value === 'function' ? (value as (p: P) => T)(params) : value;
}
