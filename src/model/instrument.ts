/**
 * Instruments with venue precision. Prices and quantities are rounded to the instrument's tick
 * and lot at the order boundary (ARCHITECTURE.md, convention 13).
 */
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';

export const assetClasses = ['crypto-spot', 'crypto-perp', 'us-equity'] as const;
export type AssetClass = (typeof assetClasses)[number];

export const instrumentSchema = z.strictObject({
  /** Symbol as the venue's unified name: `BTC/USDT`, `BTC/USDT:USDT` (perpetual), `AAPL`. */
  symbol: z.string().min(1),
  venue: z.string().min(1).default('sim'),
  assetClass: z.enum(assetClasses).default('crypto-spot'),
  base: z.string().default(''),
  quote: z.string().default(''),
  /** Smallest price increment; 0 means prices are not rounded. */
  tickSize: z.number().nonnegative().default(0),
  /** Smallest quantity increment; 0 means fractional quantities are allowed. */
  lotSize: z.number().nonnegative().default(0),
  minQuantity: z.number().nonnegative().default(0),
  /** Smallest order value in the quote currency. */
  minNotional: z.number().nonnegative().default(0),
  /** Fee rate (fraction of notional) for orders that rest on the book. */
  makerFee: z.number().min(-0.01).max(0.1).default(0),
  /** Fee rate (fraction of notional) for orders that take liquidity. */
  takerFee: z.number().min(0).max(0.1).default(0),
  /** Contract multiplier: PnL per unit of price per unit of quantity (1 for spot and stocks). */
  multiplier: z.number().positive().default(1),
  maxLeverage: z.number().min(1).default(1),
});

export type Instrument = Readonly<z.infer<typeof instrumentSchema>>;
export type InstrumentInput = z.input<typeof instrumentSchema>;

/**
 * Validates and completes an instrument definition.
 * @example defineInstrument({ symbol: 'BTC/USDT', tickSize: 0.01, lotSize: 0.00001, takerFee: 0.001 })
 */
export function defineInstrument(input: InstrumentInput): Instrument {
  const parsed = instrumentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(issue.message, ['instrument', ...issue.path.map(String)].join('.'));
  }
  const inst = parsed.data;
  if (!inst.base || !inst.quote) {
    const [pair = inst.symbol, settle] = inst.symbol.split(':');
    const [base, quote] = pair.split('/');
    return Object.freeze({ ...inst, base: inst.base || base || inst.symbol, quote: inst.quote || quote || settle || 'USD' });
  }
  return Object.freeze(inst);
}

/** Number of decimals needed to print a step exactly (0.001 → 3). */
export function stepDecimals(step: number): number {
  if (step <= 0) return 0;
  const text = step.toExponential();
  const [mantissa, exp] = text.split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exp));
}

function roundToStep(value: number, step: number, mode: 'nearest' | 'down' | 'up'): number {
  if (step <= 0) return value;
  const units = value / step;
  // Tolerate binary noise: 0.3 / 0.1 is 2.9999999999999996, which must count as 3 steps.
  const nudged = mode === 'down' ? Math.floor(units + 1e-9) : mode === 'up' ? Math.ceil(units - 1e-9) : Math.round(units);
  return Number((nudged * step).toFixed(stepDecimals(step)));
}

/** Price rounded to the nearest tick. */
export function roundPrice(inst: Instrument, price: number): number {
  return roundToStep(price, inst.tickSize, 'nearest');
}

/** Quantity rounded down to the lot size (never buys more than was asked or affordable). */
export function roundQuantityDown(inst: Instrument, quantity: number): number {
  return roundToStep(quantity, inst.lotSize, 'down');
}

/** A permissive instrument for data that carries no venue metadata: fractional, no fees. */
export function genericInstrument(symbol: string, overrides: Partial<InstrumentInput> = {}): Instrument {
  return defineInstrument({ symbol, ...overrides });
}
