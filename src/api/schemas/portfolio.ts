/** Account, positions, orders, fills, closed trades and the equity curve of the session. */
import { z } from 'zod';
import { limitQuery, maybeNumber, orderSideSchema, symbolField, timeMs } from './common.js';

export const accountResponse = z.object({
  mode: z.enum(['paper', 'live']), currency: z.string(), starting_balance: z.number(), balance: z.number(), equity: z.number(),
  realized_pnl: z.number(), unrealized_pnl: z.number(), total_pnl: z.number(), return_pct: z.number(), open_positions: z.number().int(),
  closed_trades: z.number().int(), time: timeMs,
});

export const positionSchema = z.object({
  symbol: z.string(), side: z.enum(['long', 'short', 'flat']), quantity: z.number(), avg_price: maybeNumber, mark_price: maybeNumber,
  unrealized_pnl: z.number(), realized_pnl: z.number(), fees: z.number(), opened_at: timeMs.nullable(),
}).meta({ id: 'Position' });
export const positionsResponse = z.object({ positions: z.array(positionSchema) });

export const orderSchema = z.object({
  id: z.string(), client_order_id: z.string(), symbol: z.string(), side: orderSideSchema, type: z.string(), status: z.string(),
  quantity: maybeNumber, price: maybeNumber, trigger_price: maybeNumber, filled_quantity: z.number(), avg_fill_price: maybeNumber,
  fees: z.number(), tag: z.string().nullable(), owner: z.string().nullable(), reason: z.string().nullable(), created_at: timeMs, updated_at: timeMs,
}).meta({ id: 'Order' });

const orderStatusFilter = z.enum(['open', 'all', 'initialized', 'submitted', 'accepted', 'triggered', 'partially-filled', 'filled', 'canceled', 'rejected', 'expired']);
export const ordersQuery = z.strictObject({ status: orderStatusFilter.default('all'), symbol: symbolField.optional(), limit: limitQuery(200, 10_000) });
export const ordersResponse = z.object({ orders: z.array(orderSchema) });
export const cancelOrderResponse = z.object({ id: z.string(), status: z.string() });

export const fillSchema = z.object({
  trade_id: z.string(), order_id: z.string(), symbol: z.string(), side: orderSideSchema, quantity: z.number(), price: z.number(),
  fee: z.number(), liquidity: z.enum(['maker', 'taker']), tag: z.string().nullable(), time: timeMs,
}).meta({ id: 'Fill' });
export const fillsQuery = z.strictObject({ symbol: symbolField.optional(), limit: limitQuery(200, 10_000) });
export const fillsResponse = z.object({ fills: z.array(fillSchema) });

export const closedTradeSchema = z.object({
  id: z.string(), symbol: z.string(), side: z.enum(['long', 'short']), entry_time: timeMs, entry_price: z.number(), exit_time: timeMs,
  exit_price: z.number(), quantity: z.number(), pnl: z.number(), fees: z.number(), return_pct: z.number(), exit_reason: z.string(),
});
export const tradesQuery = z.strictObject({ limit: limitQuery(200, 10_000) });
export const tradesResponse = z.object({ trades: z.array(closedTradeSchema) });

export const equityQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1_000_000).optional().describe('The last N points (default: all)') });
export const equityResponse = z.object({
  starting_balance: z.number(),
  max_drawdown: z.number().describe('Worst drawdown so far, a fraction ≤ 0'),
  points: z.array(z.object({ time: timeMs, equity: z.number(), drawdown: z.number() })),
});
