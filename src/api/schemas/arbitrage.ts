/** MISSION.md §1: the AI arbitrage bridge — analyse, execute, flash-loan simulation, performance, monitor. */
import { z } from 'zod';
import { analyzeRequestSchema, analyzeResponseSchema } from '../../risk/sizing/opportunity.js';
import { jsonObject, maybeNumber, orderSideSchema, symbolField, timeMs } from './common.js';

export { analyzeRequestSchema, analyzeResponseSchema };

/** Which account an order goes to; `live` is refused unless the server runs with live trading enabled. */
export const tradingModeField = z.enum(['paper', 'live']).optional().describe('Default: the server\'s mode (paper unless the config enables live)');

const positiveQuantity = z.number().positive().finite().max(1e12);
const positivePrice = z.number().positive().finite().max(1e12);

export const executeRequestSchema = z.strictObject({
  symbol: symbolField,
  direction: orderSideSchema,
  quantity: positiveQuantity.describe('Base quantity'),
  order_type: z.enum(['market', 'limit']).default('market'),
  limit_price: positivePrice.optional().describe('Required for limit orders'),
  ai_metadata: jsonObject.optional().describe('Free metadata stored with the order (strategy, model, confidence…); at most 4 KiB'),
  mode: tradingModeField,
}).superRefine((body, ctx) => {
  if (body.order_type === 'limit' && body.limit_price === undefined) ctx.addIssue({ code: 'custom', path: ['limit_price'], message: 'required for a limit order' });
  if (body.order_type === 'market' && body.limit_price !== undefined) ctx.addIssue({ code: 'custom', path: ['limit_price'], message: 'only for limit orders' });
  if (body.ai_metadata !== undefined && JSON.stringify(body.ai_metadata).length > 4096) ctx.addIssue({ code: 'custom', path: ['ai_metadata'], message: 'at most 4096 bytes of JSON' });
});

export const executeResponseSchema = z.object({
  success: z.boolean(),
  trade_id: z.string().describe('The order id'),
  symbol: z.string(),
  direction: orderSideSchema,
  quantity: z.number(),
  status: z.string().describe('The order status right after submission (`submitted`, `rejected`, …)'),
  reason: z.string().nullable().describe('Why the order was refused, when it was'),
});

export const flashLoanRequestSchema = z.strictObject({
  symbol: symbolField,
  cex_price: positivePrice,
  dex_price: positivePrice,
  edge_bps: z.number().finite().min(-10_000).max(10_000).describe('The caller\'s edge estimate; the server recomputes it from the prices'),
  confidence: z.number().min(0).max(1),
  mode: tradingModeField,
});

export const legSchema = z.object({ trade_id: z.string(), side: orderSideSchema, quantity: z.number(), status: z.string() });

export const flashLoanResponseSchema = z.object({
  success: z.boolean(),
  strategy: z.literal('flash_loan_arbitrage'),
  symbol: z.string(),
  quantity: z.number(),
  buy_trade: legSchema.nullable(),
  sell_trade: legSchema.nullable(),
  estimated_profit_bps: z.number(),
  reason: z.string(),
});

export const performanceQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

export const tradeHistoryItem = z.object({
  trade_id: z.string(), symbol: z.string(), direction: orderSideSchema, quantity: maybeNumber, status: z.string(),
  price: maybeNumber.describe('Average fill price'), source: z.string().describe('Who sent the order: api, flash-loan, tradingview, a strategy id'), time: timeMs,
});

export const performanceResponseSchema = z.object({
  total_trades: z.number().int(),
  successful_trades: z.number().int(),
  success_rate: z.number(),
  active_trades: z.number().int(),
  trade_history: z.array(tradeHistoryItem),
});

export const monitorResponseSchema = z.object({
  total_positions: z.number().int(),
  positions: z.array(z.object({
    symbol: z.string(), quantity: z.number(), status: z.enum(['open', 'exit']), side: z.enum(['long', 'short', 'flat']),
    avg_price: maybeNumber, mark_price: maybeNumber, unrealized_pnl: z.number(), unrealized_pnl_pct: maybeNumber,
    exit_signal: z.object({ reason: z.string() }).nullable(),
  })),
});
