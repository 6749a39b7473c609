/**
 * Opportunity analysis for two prices of one asset (MISSION.md §1: a "CEX" and a "DEX" price, or
 * two venues): buy on the cheap side, sell on the dear side. It computes the edge in basis points,
 * the net profit after fees, slippage and gas (with a safety buffer), a confidence, a size by
 * fractional Kelly, and whether to trade — with the one reason that decided it.
 *
 * `analyzeOpportunity` works in camelCase with the full breakdown; `analyzeRequest` is the
 * `POST /api/ai/analyze` contract: it validates the snake_case request and returns exactly the
 * contract's response fields. The API reuses `analyzeRequestSchema` and `analyzeResponseSchema`.
 */
import { z } from 'zod';
import { ConfigurationError } from '../../core/errors.js';
import { roundQuantityDown, type Instrument } from '../../model/instrument.js';
import { parseWith } from '../config.js';
import { DEFAULT_KELLY_FRACTION, DEFAULT_MAX_FRACTION, fractionalKelly } from './kelly.js';

/** Minimum net edge by kind of trade when `minEdgeBps` is not set. */
export const DEFAULT_MIN_EDGE_BPS = { cex_arbitrage: 10, flash_loan: 50 } as const;

const feeRate = z.number().min(0).max(0.1);

export const opportunityConfigSchema = z.strictObject({
  /** Kind of trade: picks the default minimum edge (10 bps CEX arbitrage, 50 bps flash loan). */
  kind: z.enum(['cex_arbitrage', 'flash_loan']).default('cex_arbitrage'),
  /** Least confidence to trade (MISSION: 0.60–0.70). */
  minConfidence: z.number().min(0).max(1).default(0.65),
  /** Least net edge (after every cost) in bps; null: the default for `kind`. */
  minEdgeBps: z.number().nonnegative().finite().nullable().default(null),
  /** Largest position, fraction of equity. */
  maxPositionFraction: z.number().gt(0).lte(1).default(DEFAULT_MAX_FRACTION),
  /** Share of full Kelly. */
  kellyFraction: z.number().gt(0).lte(1).default(DEFAULT_KELLY_FRACTION),
  /** Multiplier on the gas estimate (1.5 = 50% safety margin). */
  gasBuffer: z.number().min(1).max(10).default(1.5),
  /** Gas cost in the quote currency when the request gives none. */
  gasCostQuote: z.number().nonnegative().finite().default(0),
  /** Fee rates (fraction of the leg's value) charged on the CEX leg and on the DEX leg. */
  fees: z.strictObject({ cex: feeRate.default(0.001), dex: feeRate.default(0.003) }).prefault({}),
  /** Expected slippage on each leg, in bps of the leg's value. */
  slippageBps: z.number().nonnegative().max(1000).default(5),
  /**
   * Spread (1σ, in bps) of the realised net edge around its estimate, for the confidence model
   * used when a request gives no confidence: confidence = Φ(net edge bps / this).
   */
  edgeUncertaintyBps: z.number().positive().finite().default(25),
  /**
   * Loss, in bps of the notional, when the trade fails (one leg misses). Null: the trade's own
   * costs — fees, slippage and buffered gas are paid and no spread is earned.
   */
  failureLossBps: z.number().positive().finite().nullable().default(null),
});

export type OpportunityConfig = z.infer<typeof opportunityConfigSchema>;
export type OpportunityConfigInput = z.input<typeof opportunityConfigSchema>;

/**
 * Validates analysis thresholds.
 * @throws ConfigurationError naming the key, e.g. `opportunity.minConfidence`.
 */
export function parseOpportunityConfig(input: unknown, prefix = 'opportunity'): OpportunityConfig {
  return parseWith(opportunityConfigSchema, input, prefix);
}

export const defaultOpportunityConfig: OpportunityConfig = parseOpportunityConfig({});

const price = z.number().positive().finite();

/** `POST /api/ai/analyze` request body. */
export const analyzeRequestSchema = z.strictObject({
  symbol: z.string().min(1),
  cex_price: price,
  dex_price: price,
  /** Trade size in the quote currency; default: the recommended size. */
  notional_quote: price.optional(),
  /** Gas estimate in the quote currency (before the buffer); default: the configured one. */
  gas_cost_quote: z.number().nonnegative().finite().optional(),
  /** Calibrated probability that the trade works; default: the cost-uncertainty model. */
  confidence: z.number().min(0).max(1).optional(),
});

/** `POST /api/ai/analyze` response body. */
export const analyzeResponseSchema = z.strictObject({
  should_trade: z.boolean(),
  symbol: z.string(),
  /** |dex − cex| / min(cex, dex) × 10,000, rounded to 0.01 bps. */
  edge_bps: z.number(),
  confidence: z.number(),
  /** Net profit in the quote currency at the evaluated notional, after fees, slippage and buffered gas. */
  net_profit_quote: z.number(),
  reason: z.string(),
  /** Base quantity to buy on the cheap side (0 when should_trade is false), rounded down to the lot. */
  recommended_size: z.number(),
});

export type AnalyzeRequest = z.infer<typeof analyzeRequestSchema>;
export type AnalyzeResponse = z.infer<typeof analyzeResponseSchema>;

export interface OpportunityInput {
  readonly symbol: string;
  readonly cexPrice: number;
  readonly dexPrice: number;
  readonly notionalQuote?: number;
  readonly gasCostQuote?: number;
  readonly confidence?: number;
}

export interface OpportunityContext {
  /** Account equity in the quote currency (sizes are fractions of it). */
  readonly equity: number;
  readonly config?: OpportunityConfig;
  /** Lot size and minimums for the recommended size. */
  readonly instrument?: Instrument;
}

/** The step that decided `shouldTrade`. */
export type OpportunityVerdict = 'no-spread' | 'no-size' | 'out-of-range' | 'costs-exceed-edge' | 'edge-below-minimum' | 'confidence-below-minimum' | 'no-kelly-edge' | 'below-instrument-minimum' | 'trade';

export interface OpportunityAnalysis {
  readonly symbol: string;
  readonly shouldTrade: boolean;
  readonly verdict: OpportunityVerdict;
  readonly reason: string;
  readonly buyVenue: 'cex' | 'dex';
  readonly buyPrice: number;
  readonly sellPrice: number;
  /** Gross edge, bps of the buy price. */
  readonly edgeBps: number;
  /** Net profit / notional, in bps. */
  readonly netEdgeBps: number;
  /** The notional the costs were computed at. */
  readonly notional: number;
  readonly grossProfit: number;
  readonly fees: number;
  readonly slippage: number;
  /** Gas as given (before the buffer). */
  readonly gas: number;
  /** Gas × buffer: what is charged. */
  readonly gasBuffered: number;
  readonly netProfit: number;
  readonly confidence: number;
  readonly confidenceSource: 'request' | 'model';
  readonly kelly: { readonly p: number; readonly b: number; readonly fullKelly: number; readonly fraction: number; readonly capped: boolean };
  readonly recommendedNotional: number;
  readonly recommendedQuantity: number;
  readonly minEdgeBps: number;
  readonly minConfidence: number;
}

interface Costs {
  readonly notional: number;
  readonly grossProfit: number;
  readonly fees: number;
  readonly slippage: number;
  readonly gasBuffered: number;
  readonly netProfit: number;
  readonly netEdgeBps: number;
  readonly confidence: number;
  readonly b: number;
  readonly kelly: ReturnType<typeof fractionalKelly>;
}

/**
 * Analyses an opportunity between two prices.
 *
 * Costs at notional N (bought at the low price P_b, sold at the high price P_s):
 *   quantity Q = N / P_b; gross = Q·(P_s − P_b);
 *   fees = N·fee(buy venue) + Q·P_s·fee(sell venue); slippage = (N + Q·P_s)·slippageBps/10⁴;
 *   net = gross − fees − slippage − gas·gasBuffer.
 * Kelly: p = confidence, b = net / loss-if-it-fails (the costs, or `failureLossBps`·N).
 * N is `notionalQuote` when given; otherwise the trade is sized by Kelly at the cap and evaluated
 * at that size.
 *
 * @example
 *   analyzeOpportunity({ symbol: 'ETH/USD', cexPrice: 450, dexPrice: 455, notionalQuote: 10_000, gasCostQuote: 12, confidence: 0.8 }, { equity: 100_000 })
 *   // edgeBps 111.11, netProfit 42.72, shouldTrade true
 */
export function analyzeOpportunity(input: OpportunityInput, context: OpportunityContext): OpportunityAnalysis {
  const config = context.config ?? defaultOpportunityConfig;
  const { cexPrice, dexPrice } = input;
  if (!(cexPrice > 0) || !(dexPrice > 0) || !Number.isFinite(cexPrice) || !Number.isFinite(dexPrice)) {
    throw new ConfigurationError(`prices must be positive finite numbers, got cex ${cexPrice} and dex ${dexPrice}`, !(cexPrice > 0) || !Number.isFinite(cexPrice) ? 'cex_price' : 'dex_price');
  }
  const buyVenue = cexPrice <= dexPrice ? 'cex' : 'dex';
  const buyPrice = Math.min(cexPrice, dexPrice);
  const sellPrice = Math.max(cexPrice, dexPrice);
  const edgeBps = ((sellPrice - buyPrice) / buyPrice) * 10_000;
  const buyFee = buyVenue === 'cex' ? config.fees.cex : config.fees.dex;
  const sellFee = buyVenue === 'cex' ? config.fees.dex : config.fees.cex;
  const gas = input.gasCostQuote ?? config.gasCostQuote;
  const minEdgeBps = config.minEdgeBps ?? DEFAULT_MIN_EDGE_BPS[config.kind];
  const equity = Number.isFinite(context.equity) && context.equity > 0 ? context.equity : 0;
  const cap = config.maxPositionFraction;

  const evaluate = (notional: number): Costs => {
    const quantity = notional / buyPrice;
    const sellValue = quantity * sellPrice;
    const grossProfit = sellValue - notional;
    const fees = notional * buyFee + sellValue * sellFee;
    const slippage = ((notional + sellValue) * config.slippageBps) / 10_000;
    const gasBuffered = gas * config.gasBuffer;
    const costs = fees + slippage + gasBuffered;
    const netProfit = grossProfit - costs;
    const netEdgeBps = notional > 0 ? (netProfit / notional) * 10_000 : -Infinity;
    const confidence = input.confidence ?? normalCdf(netEdgeBps / config.edgeUncertaintyBps);
    const failureLoss = config.failureLossBps !== null ? (config.failureLossBps * notional) / 10_000 : costs;
    const b = netProfit > 0 ? (failureLoss > 0 ? netProfit / failureLoss : Infinity) : 0;
    const kelly = fractionalKelly({ p: confidence, b, fraction: config.kellyFraction, cap });
    return { notional, grossProfit, fees, slippage, gasBuffered, netProfit, netEdgeBps, confidence, b, kelly };
  };

  let costs = evaluate(input.notionalQuote ?? cap * equity);
  let recommendedNotional = Math.min(costs.kelly.fraction * equity, input.notionalQuote ?? Infinity);
  if (input.notionalQuote === undefined && recommendedNotional > 0) {
    costs = evaluate(recommendedNotional);
    recommendedNotional = Math.min(recommendedNotional, costs.kelly.fraction * equity);
  }
  let recommendedQuantity = recommendedNotional > 0 ? recommendedNotional / buyPrice : 0;
  if (context.instrument && context.instrument.lotSize > 0) recommendedQuantity = roundQuantityDown(context.instrument, recommendedQuantity);

  const bps = (x: number): string => `${x.toFixed(2)} bps`;
  const money = (x: number): string => x.toFixed(2);
  const costText = `gross ${money(costs.grossProfit)}, fees ${money(costs.fees)}, slippage ${money(costs.slippage)}, gas ${money(gas)} × ${config.gasBuffer}`;
  let verdict: OpportunityVerdict;
  let reason: string;
  if (!(edgeBps > 0)) {
    verdict = 'no-spread';
    reason = `no price difference: cex ${cexPrice} = dex ${dexPrice}`;
  } else if (!(costs.notional > 0)) {
    verdict = 'no-size';
    reason = 'no notional_quote given and no equity to size against';
  } else if (![costs.grossProfit, costs.fees, costs.slippage, costs.netProfit, costs.confidence].every(Number.isFinite)) {
    verdict = 'out-of-range';
    reason = `amounts too large to compute: notional ${costs.notional} at prices ${buyPrice} and ${sellPrice}`;
  } else if (!(costs.netProfit > 0)) {
    verdict = 'costs-exceed-edge';
    reason = `costs exceed the edge of ${bps(edgeBps)} on ${money(costs.notional)}: ${costText} → net ${money(costs.netProfit)}`;
  } else if (costs.netEdgeBps < minEdgeBps) {
    verdict = 'edge-below-minimum';
    reason = `net edge ${bps(costs.netEdgeBps)} (gross ${bps(edgeBps)}) is below the ${bps(minEdgeBps)} minimum for ${config.kind}`;
  } else if (costs.confidence < config.minConfidence) {
    verdict = 'confidence-below-minimum';
    reason = `confidence ${costs.confidence.toFixed(4)} is below the minimum ${config.minConfidence}`;
  } else if (!(costs.kelly.fraction > 0) || !(recommendedNotional > 0)) {
    verdict = 'no-kelly-edge';
    reason = `Kelly gives no size: ${costs.kelly.reason}${equity > 0 ? '' : '; equity is 0'}`;
  } else if (context.instrument && (recommendedQuantity <= 0 || recommendedQuantity < context.instrument.minQuantity || recommendedQuantity * buyPrice * context.instrument.multiplier < context.instrument.minNotional)) {
    verdict = 'below-instrument-minimum';
    reason = `recommended size ${recommendedQuantity} is below ${context.instrument.symbol}'s minimum (quantity ${context.instrument.minQuantity}, notional ${context.instrument.minNotional})`;
  } else {
    verdict = 'trade';
    reason = `buy on ${buyVenue} at ${buyPrice}, sell at ${sellPrice}: net edge ${bps(costs.netEdgeBps)} ≥ ${bps(minEdgeBps)} after costs (${costText}); `
      + `confidence ${costs.confidence.toFixed(4)} ≥ ${config.minConfidence}; size ${money(recommendedNotional)} = ${(recommendedNotional / equity * 100).toFixed(2)}% of equity by ${costs.kelly.reason}`;
  }
  const shouldTrade = verdict === 'trade';
  return {
    symbol: input.symbol, shouldTrade, verdict, reason, buyVenue, buyPrice, sellPrice, edgeBps,
    netEdgeBps: finite(costs.netEdgeBps),
    notional: finite(costs.notional), grossProfit: finite(costs.grossProfit), fees: finite(costs.fees), slippage: finite(costs.slippage), gas, gasBuffered: costs.gasBuffered,
    netProfit: finite(costs.netProfit), confidence: finite(costs.confidence), confidenceSource: input.confidence === undefined ? 'model' : 'request',
    kelly: { p: finite(costs.confidence), b: Number.isNaN(costs.b) ? 0 : costs.b, fullKelly: finite(costs.kelly.fullKelly), fraction: costs.kelly.fraction, capped: costs.kelly.capped },
    recommendedNotional: shouldTrade ? recommendedNotional : 0,
    recommendedQuantity: shouldTrade ? recommendedQuantity : 0,
    minEdgeBps, minConfidence: config.minConfidence,
  };
}

/**
 * The `POST /api/ai/analyze` contract: validates the body (snake_case) and answers with exactly
 * the contract's fields.
 * @throws ConfigurationError naming the offending request field (e.g. `cex_price`).
 * @example analyzeRequest({ symbol: 'ETH/USD', cex_price: 450, dex_price: 455 }, { equity: 100_000 }).edge_bps // 111.11
 */
export function analyzeRequest(body: unknown, context: OpportunityContext): AnalyzeResponse {
  const request = parseWith(analyzeRequestSchema, body, '');
  const analysis = analyzeOpportunity({
    symbol: request.symbol, cexPrice: request.cex_price, dexPrice: request.dex_price,
    ...(request.notional_quote !== undefined ? { notionalQuote: request.notional_quote } : {}),
    ...(request.gas_cost_quote !== undefined ? { gasCostQuote: request.gas_cost_quote } : {}),
    ...(request.confidence !== undefined ? { confidence: request.confidence } : {}),
  }, context);
  return toAnalyzeResponse(analysis);
}

/** The contract's response fields from a full analysis. */
export function toAnalyzeResponse(a: OpportunityAnalysis): AnalyzeResponse {
  return {
    should_trade: a.shouldTrade,
    symbol: a.symbol,
    edge_bps: Math.round(a.edgeBps * 100) / 100,
    confidence: a.confidence,
    net_profit_quote: a.netProfit,
    reason: a.reason,
    recommended_size: a.recommendedQuantity,
  };
}

/** Non-finite numbers (overflow at absurd magnitudes) reported as 0 so the result stays plain JSON. */
function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26; absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  if (x !== x) return NaN;
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
