/** The session's account, positions, orders, fills, closed trades and equity curve. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { fillDto, orderDto, positionDto, tradeDto } from '../dto.js';
import { notFound } from '../errors.js';
import { addRoute } from '../route.js';
import { idParams } from '../schemas/common.js';
import {
  accountResponse, cancelOrderResponse, equityQuery, equityResponse, fillsQuery, fillsResponse, ordersQuery, ordersResponse, positionsResponse,
  tradesQuery, tradesResponse,
} from '../schemas/portfolio.js';
import { audit, requireSession, requireTradingSession, resolveSymbol } from './helpers.js';

const OPEN = new Set(['submitted', 'accepted', 'triggered', 'partially-filled']);

export function registerPortfolioRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['portfolio'];

  addRoute(app, {
    method: 'GET', url: '/api/v1/account', scope: 'read', tags, summary: 'Balance, equity and P&L of the session\'s account', response: { 200: accountResponse },
    handler: async () => {
      const session = requireSession(ctx);
      const p = session.kernel.portfolio;
      const realized = p.trades.reduce((sum, t) => sum + t.pnl, 0);
      const unrealized = Number.isFinite(p.unrealizedPnl) ? p.unrealizedPnl : 0;
      const start = session.node.cash;
      return Promise.resolve({
        mode: session.mode, currency: p.account.currency, starting_balance: start, balance: p.balance, equity: p.equity,
        realized_pnl: realized, unrealized_pnl: unrealized, total_pnl: p.equity - start, return_pct: start > 0 ? p.equity / start - 1 : 0,
        open_positions: p.openPositions().length, closed_trades: p.trades.length, time: session.kernel.clock.now(),
      });
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/positions', scope: 'read', tags, summary: 'Open positions', response: { 200: positionsResponse },
    handler: async () => Promise.resolve({ positions: requireSession(ctx).kernel.portfolio.openPositions().map(positionDto) }),
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/orders', scope: 'read', tags, summary: 'Orders of the session, newest first', querystring: ordersQuery, response: { 200: ordersResponse },
    handler: async ({ query }) => {
      const session = requireSession(ctx);
      const symbol = query.symbol === undefined ? undefined : resolveSymbol(session, query.symbol);
      const all = session.kernel.execution.all();
      const out = [];
      for (let i = all.length - 1; i >= 0 && out.length < query.limit; i--) {
        const o = all[i]!;
        if (symbol !== undefined && o.symbol !== symbol) continue;
        if (query.status === 'open' ? !OPEN.has(o.status) : query.status !== 'all' && o.status !== query.status) continue;
        out.push(orderDto(o));
      }
      return Promise.resolve({ orders: out });
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/v1/orders/:id/cancel', scope: 'trade', tags, summary: 'Ask the venue to cancel an open order',
    description: 'The answer is the order\'s status when asked; the `orders` stream shows the cancellation.', params: idParams, response: { 200: cancelOrderResponse },
    handler: async ({ params, caller }) => {
      const session = requireTradingSession(ctx);
      const order = session.kernel.execution.get(params.id) ?? session.kernel.execution.byClientId(params.id);
      if (!order) throw notFound(`no order ${params.id}`);
      if (OPEN.has(order.status)) session.kernel.execution.cancel(order.id, `canceled via the API by token ${caller?.id ?? '?'}`);
      await audit(ctx, caller, 'api.order.cancel', order.id, { status: order.status });
      return { id: order.id, status: order.status };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/fills', scope: 'read', tags, summary: 'Fills of the session, newest first', querystring: fillsQuery, response: { 200: fillsResponse },
    handler: async ({ query }) => {
      const session = requireSession(ctx);
      const symbol = query.symbol === undefined ? undefined : resolveSymbol(session, query.symbol);
      const fills = session.fills;
      const out = [];
      for (let i = fills.length - 1; i >= 0 && out.length < query.limit; i--) {
        if (symbol !== undefined && fills[i]!.symbol !== symbol) continue;
        out.push(fillDto(fills[i]!));
      }
      return Promise.resolve({ fills: out });
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/trades', scope: 'read', tags, summary: 'Closed trades (round trips), newest first', querystring: tradesQuery, response: { 200: tradesResponse },
    handler: async ({ query }) => {
      const trades = requireSession(ctx).kernel.portfolio.trades;
      return Promise.resolve({ trades: trades.slice(-query.limit).reverse().map(tradeDto) });
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/equity', scope: 'read', tags, summary: 'Equity after each bar, with drawdown from the running peak', querystring: equityQuery, response: { 200: equityResponse },
    handler: async ({ query }) => {
      const session = requireSession(ctx);
      const { time, equity } = session.node.equityCurve();
      const n = time.length;
      const start = query.limit === undefined ? 0 : Math.max(0, n - query.limit);
      let peak = -Infinity;
      let worst = 0;
      const points = [];
      for (let i = 0; i < n; i++) {
        const e = equity[i]!;
        if (e > peak) peak = e;
        const dd = peak > 0 ? e / peak - 1 : 0;
        if (dd < worst) worst = dd;
        if (i >= start) points.push({ time: time[i]!, equity: e, drawdown: dd });
      }
      return Promise.resolve({ starting_balance: session.node.cash, max_drawdown: worst, points });
    },
  });
}
