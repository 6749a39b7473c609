/**
 * Fixed-fraction and volatility-target sizing, and the conversion of a fraction of equity into an
 * order quantity the instrument accepts (lot rounding, minimum quantity and notional).
 */
import { roundQuantityDown, type Instrument } from '../../model/instrument.js';
import { DEFAULT_MAX_FRACTION } from './kelly.js';

/** A fraction of equity, clamped to [0, cap]; degenerate input gives 0. */
export function fixedFraction(fraction: number, cap = DEFAULT_MAX_FRACTION): number {
  if (!(fraction > 0) || !(cap > 0)) return 0;
  return Math.min(fraction, cap);
}

/**
 * Volatility targeting: the fraction of equity that makes the position's volatility the target,
 * `targetVol / realizedVol`, clamped to [0, cap]. Both volatilities annualised. A realised
 * volatility that is 0, negative or unknown gives 0: no measurement is no licence to lever up.
 * @example volatilityTarget(0.15, 0.60) // 0.2 (0.25 capped at the default 0.2)
 */
export function volatilityTarget(targetVol: number, realizedVol: number, cap = DEFAULT_MAX_FRACTION): number {
  if (!(targetVol > 0) || !(realizedVol > 0) || !(cap > 0) || realizedVol === Infinity) return 0;
  const fraction = targetVol / realizedVol;
  return fraction > cap ? cap : fraction;
}

/**
 * Annualised volatility of close-to-close log returns (sample standard deviation × √periods per
 * year). NaN with fewer than two returns; non-positive closes are skipped with their returns.
 * @example annualizedVolatility(dailyCloses, 365) // crypto trades every day
 */
export function annualizedVolatility(closes: ArrayLike<number>, periodsPerYear: number): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 1; i < closes.length; i++) {
    const a = closes[i - 1]!;
    const b = closes[i]!;
    if (!(a > 0 && b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    const r = Math.log(b / a);
    n++;
    const d = r - mean;
    mean += d / n;
    m2 += d * (r - mean);
  }
  if (n < 2 || !(periodsPerYear > 0)) return NaN;
  return Math.sqrt((m2 / (n - 1)) * periodsPerYear);
}

export interface OrderSizing {
  /** Base quantity, rounded down to the lot; 0 when the order cannot be placed. */
  readonly quantity: number;
  /** quantity × price × multiplier. */
  readonly notional: number;
  /** Why the quantity is 0, when it is. */
  readonly reason?: string;
}

/**
 * Turns a fraction of equity into a quantity at `price`: rounded down to the lot, 0 below the
 * instrument's minimum quantity or notional.
 * @example quantityForFraction(btc, { fraction: 0.05, equity: 10_000, price: 50_000 }) // { quantity: 0.01, notional: 500 }
 */
export function quantityForFraction(instrument: Instrument, input: { readonly fraction: number; readonly equity: number; readonly price: number }): OrderSizing {
  const { fraction, equity, price } = input;
  if (!(fraction > 0) || !Number.isFinite(fraction)) return { quantity: 0, notional: 0, reason: 'fraction is 0' };
  if (!(equity > 0) || !Number.isFinite(equity)) return { quantity: 0, notional: 0, reason: `equity ${equity} is not a positive number` };
  if (!(price > 0) || !Number.isFinite(price)) return { quantity: 0, notional: 0, reason: `price ${price} is not a positive number` };
  const unit = price * instrument.multiplier;
  const raw = (fraction * equity) / unit;
  const quantity = instrument.lotSize > 0 ? roundQuantityDown(instrument, raw) : raw;
  if (!(quantity > 0) || !Number.isFinite(quantity)) return { quantity: 0, notional: 0, reason: `the size rounds to 0 at lot size ${instrument.lotSize}` };
  if (quantity < instrument.minQuantity) return { quantity: 0, notional: 0, reason: `quantity ${quantity} is below the minimum ${instrument.minQuantity}` };
  // Never report more than the budget: quantity × unit can exceed it by rounding (badly so in subnormals).
  const notional = Math.min(quantity * unit, fraction * equity);
  if (notional < instrument.minNotional) return { quantity: 0, notional: 0, reason: `order value ${notional.toFixed(2)} is below the minimum notional ${instrument.minNotional}` };
  return { quantity, notional };
}
