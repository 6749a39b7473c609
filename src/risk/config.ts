/**
 * Risk-engine configuration: pre-trade limits and circuit breakers. Every limit and breaker is
 * off (`null`) unless configured, so a plain backtest reproduces the reference engines exactly;
 * `conservativeRisk` is a starting point for paper and live trading.
 *
 * Fractions are fractions (0.05 = 5%), money is in the account currency, times in milliseconds.
 * Validation is strict (an unknown key is an error) and every error names the key.
 */
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { tradingStates } from './trading-state.js';

const fraction = z.number().gt(0).lte(1);
const positive = z.number().positive().finite();
const positiveInt = z.number().int().positive();
const breakerAction = z.enum(tradingStates.filter((s) => s !== 'ACTIVE') as ['REDUCING', 'HALTED']);

const symbolLimitsSchema = z.strictObject({
  /** False refuses every order that opens or grows a position in this symbol. */
  allowed: z.boolean().default(true),
  /** Largest absolute position, in base units. */
  maxPositionQuantity: positive.nullable().default(null),
  /** Largest absolute position value, in the account currency. */
  maxPositionNotional: positive.nullable().default(null),
  /** Largest position value as a fraction of equity (overrides the global `maxPositionFraction`). */
  maxPositionFraction: positive.nullable().default(null),
  /** Largest single order value, in the account currency. */
  maxOrderNotional: positive.nullable().default(null),
});

export const riskLimitsSchema = z.strictObject({
  /** Largest position value in one symbol after the order, as a fraction of equity (0.2 = 20%). */
  maxPositionFraction: positive.nullable().default(null),
  /** Largest sum of |position value| over all symbols after the order, as a fraction of equity. */
  maxGrossExposureFraction: positive.nullable().default(null),
  /** Most symbols with an open position at once; an order that would open one more is denied. */
  maxOpenPositions: positiveInt.nullable().default(null),
  /** Smallest order value in the account currency, on top of each instrument's own minimum. */
  minNotional: z.number().nonnegative().finite().default(0),
  /** Largest single order value in the account currency. */
  maxOrderNotional: positive.nullable().default(null),
  /** Limits for particular symbols. */
  perSymbol: z.record(z.string().min(1), symbolLimitsSchema).default({}),
  /** At most `maxOrders` orders pass the checks in any window of `windowMs`. */
  orderRate: z.strictObject({ maxOrders: positiveInt, windowMs: positiveInt }).nullable().default(null),
  /**
   * Limit and stop prices must lie within this fraction of the last price (0.1 = ±10%): a sanity
   * band against fat-fingered prices. Orders are not checked before a symbol has a last price.
   */
  priceBand: fraction.nullable().default(null),
});

const dailyLossSchema = z.strictObject({
  /** Trip when the day's loss reaches this fraction of the equity at the start of the UTC day. */
  maxLossFraction: fraction.nullable().default(null),
  /** Trip when the day's loss reaches this amount of the account currency. */
  maxLoss: positive.nullable().default(null),
  /** State while tripped; the breaker resets at the next 00:00 UTC. */
  action: breakerAction.default('REDUCING'),
}).refine((c) => c.maxLossFraction !== null || c.maxLoss !== null, { message: 'set maxLossFraction or maxLoss (or turn the breaker off with null)', path: ['maxLossFraction'] });

const consecutiveLossesSchema = z.strictObject({
  /** Trip after this many losing trades in a row (a trade with net PnL < 0). */
  maxLosses: positiveInt,
  /** How long the breaker stays tripped; the loss count starts again afterwards. */
  cooldownMs: positiveInt,
  action: breakerAction.default('REDUCING'),
});

const volatilitySchema = z.strictObject({
  /** `atr`: Wilder's average true range; `stdev`: standard deviation of close-to-close log returns. */
  measure: z.enum(['atr', 'stdev']).default('atr'),
  /** Bars in the measure. */
  period: positiveInt.min(2).default(14),
  /** Past values of the measure the current one is compared with (their mean). */
  lookback: positiveInt.min(2).default(100),
  /** Trip when measure / mean of its own lookback ≥ this ratio. */
  maxRatio: z.number().gt(1).finite().default(3),
  /** Reset when the ratio falls back below this (hysteresis), and not before `minHoldMs`. */
  resetRatio: z.number().gt(0).finite().default(2),
  /** Shortest time the breaker stays tripped. */
  minHoldMs: z.number().int().nonnegative().default(0),
  /** Timeframe of the bars measured; default: the kernel's base timeframe. */
  timeframe: z.string().min(1).nullable().default(null),
  action: breakerAction.default('REDUCING'),
}).refine((c) => c.resetRatio <= c.maxRatio, { message: 'resetRatio must not exceed maxRatio', path: ['resetRatio'] });

const maxDrawdownSchema = z.strictObject({
  /** Trip when equity falls this fraction below its high-water mark; stays until reset by an actor. */
  maxDrawdownFraction: z.number().gt(0).lt(1),
  action: breakerAction.default('HALTED'),
});

const gasPriceSchema = z.strictObject({
  /** Deny on-chain orders while the last observed gas price is above this (gwei). */
  maxGwei: positive,
  /** Instrument venues that settle on chain (orders on other venues are not affected). */
  venues: z.array(z.string().min(1)).min(1),
  /** A gas price older than this is not trusted: on-chain orders are denied until a fresh one arrives. */
  maxAgeMs: positiveInt.default(60_000),
});

export const breakersSchema = z.strictObject({
  dailyLoss: dailyLossSchema.nullable().default(null),
  consecutiveLosses: consecutiveLossesSchema.nullable().default(null),
  volatility: volatilitySchema.nullable().default(null),
  maxDrawdown: maxDrawdownSchema.nullable().default(null),
  gasPrice: gasPriceSchema.nullable().default(null),
});

export const riskConfigSchema = z.strictObject({
  limits: riskLimitsSchema.prefault({}),
  breakers: breakersSchema.prefault({}),
  /** How many recent denials the read model keeps. */
  recentDenials: z.number().int().min(0).max(10_000).default(50),
});

export type RiskConfig = z.infer<typeof riskConfigSchema>;
export type RiskConfigInput = z.input<typeof riskConfigSchema>;
export type RiskLimits = RiskConfig['limits'];
export type SymbolLimits = z.infer<typeof symbolLimitsSchema>;
export type BreakersConfig = RiskConfig['breakers'];
export type DailyLossConfig = z.infer<typeof dailyLossSchema>;
export type ConsecutiveLossesConfig = z.infer<typeof consecutiveLossesSchema>;
export type VolatilityConfig = z.infer<typeof volatilitySchema>;
export type MaxDrawdownConfig = z.infer<typeof maxDrawdownSchema>;
export type GasPriceConfig = z.infer<typeof gasPriceSchema>;

/**
 * A change to the configuration (what the API's "edit thresholds" sends): each section given
 * replaces the same section of the current config key by key; a breaker set to `null` is turned
 * off, a breaker object replaces that breaker's settings.
 */
export interface RiskConfigPatch {
  readonly limits?: Partial<z.input<typeof riskLimitsSchema>>;
  readonly breakers?: Partial<z.input<typeof breakersSchema>>;
  readonly recentDenials?: number;
}

/**
 * Validates a risk configuration (shape, ranges, cross-field rules).
 * @throws ConfigurationError naming the key, e.g. `risk.breakers.dailyLoss.maxLossFraction`.
 * @example parseRiskConfig({ limits: { maxPositionFraction: 0.2 }, breakers: { dailyLoss: { maxLossFraction: 0.03 } } })
 */
export function parseRiskConfig(input: unknown, prefix = 'risk'): RiskConfig {
  return parseWith(riskConfigSchema, input, prefix);
}

/** Applies a patch to a configuration and validates the result. */
export function mergeRiskConfig(current: RiskConfig, patch: RiskConfigPatch, prefix = 'risk'): RiskConfig {
  if (typeof patch !== 'object' || patch === null) throw new ConfigurationError('a config patch must be an object', prefix);
  const unknown = Object.keys(patch).filter((k) => !['limits', 'breakers', 'recentDenials'].includes(k));
  if (unknown.length > 0) throw new ConfigurationError('unknown key', `${prefix}.${unknown[0]}`);
  return parseRiskConfig({
    limits: { ...current.limits, ...patch.limits },
    breakers: { ...current.breakers, ...patch.breakers },
    recentDenials: patch.recentDenials ?? current.recentDenials,
  }, prefix);
}

/**
 * A cautious starting point for paper and live accounts: 20% per position, 100% gross, 5 open
 * positions, ±10% price band, 3% daily loss, 4 losses in a row pause for an hour, ATR spikes at 3×
 * their norm, and a 20% drawdown kill switch.
 */
export const conservativeRisk: RiskConfigInput = {
  limits: { maxPositionFraction: 0.2, maxGrossExposureFraction: 1, maxOpenPositions: 5, priceBand: 0.1, orderRate: { maxOrders: 60, windowMs: 60_000 } },
  breakers: {
    dailyLoss: { maxLossFraction: 0.03 },
    consecutiveLosses: { maxLosses: 4, cooldownMs: 3_600_000 },
    volatility: { measure: 'atr', period: 14, lookback: 100, maxRatio: 3, resetRatio: 2 },
    maxDrawdown: { maxDrawdownFraction: 0.2 },
  },
};

/** Parses with a zod schema, turning the first issue into a ConfigurationError naming the key. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: readonly string[] }).keys ?? [];
    throw new ConfigurationError(`unknown key${keys.length > 1 ? `s ${keys.join(', ')}` : ''}`, [prefix, ...path, keys[0] ?? ''].filter(Boolean).join('.') || undefined);
  }
  throw new ConfigurationError(issue.message, [prefix, ...path].filter(Boolean).join('.') || undefined);
}
