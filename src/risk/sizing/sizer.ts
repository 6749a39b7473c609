/**
 * The Sizer port: the consensus (or any component that has decided to trade) asks it how much.
 * Three implementations — fractional Kelly, fixed fraction, volatility target — chosen by a
 * validated config. Every result is a fraction of equity in [0, maxFraction] and a quantity the
 * instrument accepts; nothing is ever NaN or negative.
 */
import { z } from 'zod';
import { genericInstrument, type Instrument } from '../../model/instrument.js';
import { parseWith } from '../config.js';
import { fixedFraction, quantityForFraction, volatilityTarget } from './fractions.js';
import { DEFAULT_KELLY_FRACTION, DEFAULT_MAX_FRACTION, fractionalKelly } from './kelly.js';

export interface SizingInput {
  readonly symbol: string;
  /** Reference price (last price, or the limit price of the order to be placed). */
  readonly price: number;
  readonly equity: number;
  /** Calibrated probability that the trade is right (Kelly's p). */
  readonly confidence?: number;
  /** Realised average win / average loss of this signal source (Kelly's b). */
  readonly winLossRatio?: number;
  /** Annualised realised volatility of the instrument (for volatility targeting). */
  readonly realizedVolatility?: number;
  /** Lot, minimum quantity and notional; a fractional instrument without minimums when omitted. */
  readonly instrument?: Instrument;
}

export interface SizingResult {
  readonly method: SizerConfig['method'];
  /** Fraction of equity committed, in [0, maxFraction], after lot rounding. */
  readonly fraction: number;
  readonly notional: number;
  readonly quantity: number;
  readonly reason: string;
}

export interface Sizer {
  readonly config: SizerConfig;
  size(input: SizingInput): SizingResult;
}

const share = z.number().gt(0).lte(1);

export const sizerConfigSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('kelly'),
    /** Share of full Kelly (¼ by default). */
    fraction: share.default(DEFAULT_KELLY_FRACTION),
    /** Largest position as a fraction of equity. */
    maxFraction: share.default(DEFAULT_MAX_FRACTION),
    /** Payoff ratio used when the input carries no realised one (1 = even-money bets). */
    winLossRatio: z.number().positive().finite().default(1),
  }),
  z.strictObject({
    method: z.literal('fixed'),
    /** Fraction of equity per position. */
    fraction: share,
    maxFraction: share.default(DEFAULT_MAX_FRACTION),
  }),
  z.strictObject({
    method: z.literal('volatility-target'),
    /** Annualised volatility the position should have (0.15 = 15%). */
    targetVolatility: z.number().positive().finite(),
    maxFraction: share.default(DEFAULT_MAX_FRACTION),
  }),
]);

export type SizerConfig = z.infer<typeof sizerConfigSchema>;
export type SizerConfigInput = z.input<typeof sizerConfigSchema>;

/**
 * Builds a sizer from its config.
 * @throws ConfigurationError naming the key (`sizing.fraction`, …).
 * @example
 *   const sizer = createSizer({ method: 'kelly' });
 *   sizer.size({ symbol: 'BTC/USDT', price: 50_000, equity: 10_000, confidence: 0.62, winLossRatio: 1.4 });
 */
export function createSizer(config: SizerConfigInput, prefix = 'sizing'): Sizer {
  const parsed = parseWith(sizerConfigSchema, config, prefix);
  return { config: parsed, size: (input) => size(parsed, input) };
}

function size(config: SizerConfig, input: SizingInput): SizingResult {
  let fraction: number;
  let reason: string;
  switch (config.method) {
    case 'kelly': {
      if (input.confidence === undefined) return none(config, 'no confidence given: Kelly needs p');
      const b = input.winLossRatio !== undefined && input.winLossRatio > 0 ? input.winLossRatio : config.winLossRatio;
      const k = fractionalKelly({ p: input.confidence, b, fraction: config.fraction, cap: config.maxFraction });
      fraction = k.fraction;
      reason = k.reason;
      break;
    }
    case 'fixed':
      fraction = fixedFraction(config.fraction, config.maxFraction);
      reason = `fixed ${config.fraction} of equity${config.fraction > config.maxFraction ? `, capped at ${config.maxFraction}` : ''}`;
      break;
    case 'volatility-target': {
      const vol = input.realizedVolatility;
      fraction = volatilityTarget(config.targetVolatility, vol ?? NaN, config.maxFraction);
      reason = fraction > 0
        ? `target volatility ${config.targetVolatility} / realised ${vol!.toFixed(4)}${fraction >= config.maxFraction ? `, capped at ${config.maxFraction}` : ''}`
        : `no usable realised volatility (${String(vol)})`;
      break;
    }
  }
  if (!(fraction > 0)) return none(config, reason);
  const instrument = input.instrument ?? genericInstrument(input.symbol || 'UNKNOWN');
  const order = quantityForFraction(instrument, { fraction, equity: input.equity, price: input.price });
  if (order.quantity === 0) return none(config, `${reason}; ${order.reason ?? 'size is 0'}`);
  return { method: config.method, fraction: Math.min(fraction, order.notional / input.equity), notional: order.notional, quantity: order.quantity, reason };
}

function none(config: SizerConfig, reason: string): SizingResult {
  return { method: config.method, fraction: 0, notional: 0, quantity: 0, reason };
}
