/** Every route of the API. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { registerArbitrageRoutes } from './arbitrage.js';
import { registerBacktestRoutes } from './backtests.js';
import { registerDecisionRoutes } from './decisions.js';
import { registerMarketRoutes } from './market.js';
import { registerMonitoringRoutes } from './monitoring.js';
import { registerPortfolioRoutes } from './portfolio.js';
import { registerRiskRoutes } from './risk.js';
import { registerSystemRoutes } from './system.js';
import { registerTradingViewRoutes } from './tradingview.js';

export function registerRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  registerSystemRoutes(app, ctx, () => ({ available: ctx.decisionCore !== undefined, detail: ctx.decisionCore?.detail ?? 'not running: heads and consensus are not wired into this server' }));
  registerArbitrageRoutes(app, ctx);
  registerMonitoringRoutes(app, ctx);
  registerDecisionRoutes(app, ctx);
  registerMarketRoutes(app, ctx);
  registerPortfolioRoutes(app, ctx);
  registerRiskRoutes(app, ctx);
  registerBacktestRoutes(app, ctx);
  registerTradingViewRoutes(app, ctx, () => ctx.decisionCore?.decideAlert);
  return Promise.resolve();
}
