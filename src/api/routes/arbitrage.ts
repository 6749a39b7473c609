/** MISSION §1: analyse, execute, flash-loan simulation, performance, monitor. */
import type { FastifyInstance } from 'fastify';
import { roundQuantityDown } from '../../model/instrument.js';
import type { OrderView } from '../../model/order.js';
import { analyzeOpportunity, toAnalyzeResponse } from '../../risk/sizing/opportunity.js';
import type { JsonObject } from '../../storage/port.js';
import type { ApiContext } from '../context.js';
import { num } from '../dto.js';
import { addRoute } from '../route.js';
import {
  analyzeRequestSchema, analyzeResponseSchema, executeRequestSchema, executeResponseSchema, flashLoanRequestSchema, flashLoanResponseSchema,
  monitorResponseSchema, performanceQuerySchema, performanceResponseSchema,
} from '../schemas/arbitrage.js';
import { audit, checkMode, requireSession, requireTradingSession, resolveSymbol } from './helpers.js';

/** Equity the analysis sizes against when no session runs. */
const DEFAULT_EQUITY = 10_000;

function sourceOf(order: OrderView): string {
  return order.owner ?? 'unknown';
}

export function registerArbitrageRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['arbitrage (MISSION §1)'];

  addRoute(app, {
    method: 'POST', url: '/api/ai/analyze', scope: 'read', tags,
    summary: 'Analyse an opportunity between two prices',
    description: 'Edge in bps, net profit after fees, slippage and buffered gas, confidence and a fractional-Kelly size (docs/risk.md, "Opportunity analysis"). Changes nothing. Any symbol is accepted (it labels the analysis); a symbol the session trades also gets lot rounding.',
    body: analyzeRequestSchema, response: { 200: analyzeResponseSchema },
    handler: async ({ body }) => {
      const session = ctx.session;
      const known = session?.symbols.includes(body.symbol) ?? false;
      const analysis = analyzeOpportunity(
        {
          symbol: body.symbol, cexPrice: body.cex_price, dexPrice: body.dex_price,
          ...(body.notional_quote !== undefined ? { notionalQuote: body.notional_quote } : {}),
          ...(body.gas_cost_quote !== undefined ? { gasCostQuote: body.gas_cost_quote } : {}),
          ...(body.confidence !== undefined ? { confidence: body.confidence } : {}),
        },
        {
          equity: session?.kernel.portfolio.equity ?? DEFAULT_EQUITY, config: ctx.config.opportunity,
          ...(known ? { instrument: session!.kernel.market.instrument(body.symbol) } : {}),
        },
      );
      return Promise.resolve(toAnalyzeResponse(analysis));
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/ai/execute', scope: 'trade', tags,
    summary: 'Place an order on the server\'s account (paper by default)',
    description: 'The order goes through the risk engine like any other; `success` is false with the reason when risk refuses it. `mode: live` is refused unless live trading is enabled.',
    body: executeRequestSchema, response: { 200: executeResponseSchema },
    handler: async ({ body, caller }) => {
      checkMode(ctx, body.mode);
      const session = requireTradingSession(ctx);
      const symbol = resolveSymbol(session, body.symbol);
      const order = session.kernel.execution.submit({
        symbol, side: body.direction, type: body.order_type, size: { base: body.quantity },
        ...(body.limit_price !== undefined ? { price: body.limit_price } : {}),
        owner: 'api', tag: typeof body.ai_metadata?.strategy === 'string' ? body.ai_metadata.strategy.slice(0, 64) : 'api',
      });
      await audit(ctx, caller, 'api.order.submitted', order.id, {
        symbol, side: body.direction, quantity: body.quantity, type: body.order_type, limit_price: body.limit_price ?? null, status: order.status,
        reason: order.reason ?? null, ai_metadata: (body.ai_metadata ?? null) as JsonObject | null,
      });
      return {
        success: order.status !== 'rejected', trade_id: order.id, symbol, direction: body.direction, quantity: num(order.quantity) ?? body.quantity,
        status: order.status, reason: order.reason ?? null,
      };
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/ai/flash-loan', scope: 'trade', tags,
    summary: 'Simulate a flash-loan arbitrage: buy, then an immediate closing sell',
    description: 'Analyses the prices as a flash-loan trade (minimum edge 50 bps by default); when it passes, buys the recommended notional (fractional Kelly, capped at 20 % of equity) at the symbol\'s market price and sells it straight back — one strategy execution with both legs, recorded as one decision.',
    body: flashLoanRequestSchema, response: { 200: flashLoanResponseSchema },
    handler: async ({ body, caller }) => {
      checkMode(ctx, body.mode);
      const session = requireTradingSession(ctx);
      const symbol = resolveSymbol(session, body.symbol);
      const kernel = session.kernel;
      const analysis = analyzeOpportunity(
        { symbol, cexPrice: body.cex_price, dexPrice: body.dex_price, confidence: body.confidence },
        { equity: kernel.portfolio.equity, config: { ...ctx.config.opportunity, kind: 'flash_loan', minEdgeBps: ctx.config.opportunity.minEdgeBps }, instrument: kernel.market.instrument(symbol) },
      );
      const base = { strategy: 'flash_loan_arbitrage' as const, symbol, estimated_profit_bps: Math.round(analysis.netEdgeBps * 100) / 100 };
      if (!analysis.shouldTrade || !(analysis.recommendedQuantity > 0)) {
        return { ...base, success: false, quantity: 0, buy_trade: null, sell_trade: null, reason: analysis.reason };
      }
      // The analysis sizes in quote currency; the legs trade at the symbol's market price.
      const instrument = kernel.market.instrument(symbol);
      const last = kernel.market.lastPrice(symbol);
      const marketPrice = Number.isFinite(last) && last > 0 ? last : analysis.buyPrice;
      const quantity = roundQuantityDown(instrument, analysis.recommendedNotional / marketPrice);
      if (!(quantity > 0)) return { ...base, success: false, quantity: 0, buy_trade: null, sell_trade: null, reason: `the recommended notional ${analysis.recommendedNotional.toFixed(2)} is below one lot at ${marketPrice}` };
      const buy = kernel.execution.submit({ symbol, side: 'buy', type: 'market', size: { base: quantity }, owner: 'flash-loan', tag: 'flash_loan_buy' });
      const sell = buy.status === 'rejected'
        ? undefined
        : kernel.execution.submit({ symbol, side: 'sell', type: 'market', size: { base: quantity }, owner: 'flash-loan', tag: 'flash_loan_sell' });
      const leg = (o: OrderView) => ({ trade_id: o.id, side: o.side, quantity: num(o.quantity) ?? quantity, status: o.status });
      const success = buy.status !== 'rejected' && sell !== undefined && sell.status !== 'rejected';
      const reason = success ? analysis.reason : `refused by risk: ${(buy.status === 'rejected' ? buy.reason : sell?.reason) ?? 'unknown'}`;
      const now = Date.now();
      if (ctx.storage) {
        await ctx.storage.decisions.record({
          id: `FL-${buy.id}`, symbol, strategy: 'flash_loan_arbitrage', action: 'flash_loan', side: 'buy', direction: 1, confidence: analysis.confidence,
          entryPrice: analysis.buyPrice, reasoning: `${reason}; legs ${buy.id}${sell ? ` + ${sell.id}` : ''}`, orderId: buy.id,
          outcome: 'pending', createdAt: now, votes: [], ...(success ? { executedAt: now } : {}),
        }).catch((error: unknown) => ctx.logger.error({ err: error }, 'could not record the flash-loan decision'));
      }
      await audit(ctx, caller, 'api.flash-loan', buy.id, {
        symbol, quantity, buy_order: buy.id, sell_order: sell?.id ?? null, success, net_edge_bps: base.estimated_profit_bps, confidence: body.confidence,
      });
      return { ...base, success, quantity, buy_trade: leg(buy), sell_trade: sell ? leg(sell) : null, reason };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/ai/performance', scope: 'read', tags,
    summary: 'Order executions of the session: totals, success rate, history',
    description: 'Every order of the session (strategy, API, flash loan, TradingView). Successful = filled; active = still open; `success_rate` = successful / total.',
    querystring: performanceQuerySchema, response: { 200: performanceResponseSchema },
    handler: async ({ query }) => {
      const session = requireSession(ctx);
      const orders = session.kernel.execution.all();
      let successful = 0;
      let active = 0;
      for (const o of orders) {
        if (o.status === 'filled') successful++;
        else if (o.status === 'submitted' || o.status === 'accepted' || o.status === 'triggered' || o.status === 'partially-filled') active++;
      }
      const history = orders.slice(-query.limit).reverse().map((o) => ({
        trade_id: o.id, symbol: o.symbol, direction: o.side, quantity: num(o.quantity), status: o.status, price: num(o.avgFillPrice), source: sourceOf(o), time: o.updatedAt,
      }));
      return Promise.resolve({
        total_trades: orders.length, successful_trades: successful, success_rate: orders.length > 0 ? successful / orders.length : 0, active_trades: active, trade_history: history,
      });
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/ai/monitor', scope: 'read', tags,
    summary: 'Open positions with exit signals',
    description: 'A position shows `status: exit` with the reason when its unrealised move from the entry price reaches the monitor\'s stop-loss or take-profit (config `monitor.stopLossPct`, `monitor.takeProfitPct`; 2 % and 4 % by default).',
    response: { 200: monitorResponseSchema },
    handler: async () => {
      const session = requireSession(ctx);
      const { stopLossPct, takeProfitPct } = ctx.config.monitor;
      const positions = session.kernel.portfolio.openPositions().map((p) => {
        const move = p.avgPrice > 0 && Number.isFinite(p.markPrice) ? ((p.markPrice - p.avgPrice) / p.avgPrice) * (p.quantity >= 0 ? 1 : -1) : Number.NaN;
        let exit: { reason: string } | null = null;
        if (move <= -stopLossPct) exit = { reason: `stop-loss: ${(move * 100).toFixed(2)}% against the position (limit ${(stopLossPct * 100).toFixed(2)}%)` };
        else if (move >= takeProfitPct) exit = { reason: `take-profit: ${(move * 100).toFixed(2)}% in favour (target ${(takeProfitPct * 100).toFixed(2)}%)` };
        return {
          symbol: p.symbol, quantity: p.quantity, status: exit ? 'exit' as const : 'open' as const, side: p.side, avg_price: num(p.avgPrice), mark_price: num(p.markPrice),
          unrealized_pnl: num(p.unrealizedPnl) ?? 0, unrealized_pnl_pct: num(move), exit_signal: exit,
        };
      });
      return Promise.resolve({ total_positions: positions.length, positions });
    },
  });
}
