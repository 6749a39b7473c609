/** Every route of the API. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { registerAiRoutes } from './ai.js';
import { registerArbitrageRoutes } from './arbitrage.js';
import { registerBacktestRoutes } from './backtests.js';
import { registerDecisionRoutes } from './decisions.js';
import { registerHeadRoutes } from './heads.js';
import { registerMarketRoutes } from './market.js';
import { registerMlRoutes } from './ml.js';
import { registerMonitoringRoutes } from './monitoring.js';
import { registerPortfolioRoutes } from './portfolio.js';
import { registerRiskRoutes } from './risk.js';
import { registerSystemRoutes } from './system.js';
import { registerTradingViewRoutes } from './tradingview.js';

export function registerRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  // createApiApp binds a decision core whenever the session runs one (tradingview/decide.ts).
  registerSystemRoutes(app, ctx, () => (ctx.decisionCore
    ? { available: true, detail: ctx.decisionCore.detail }
    : { available: false, detail: 'not running: heads and consensus are not wired into this server' }));
  registerArbitrageRoutes(app, ctx);
  registerMonitoringRoutes(app, ctx);
  registerDecisionRoutes(app, ctx);
  registerHeadRoutes(app, ctx);
  registerMarketRoutes(app, ctx);
  registerPortfolioRoutes(app, ctx);
  registerRiskRoutes(app, ctx);
  registerBacktestRoutes(app, ctx);
  registerTradingViewRoutes(app, ctx, () => ctx.decisionCore?.decideAlert);
  registerAiRoutes(app, ctx);
  registerMlRoutes(app, ctx);
  return Promise.resolve();
}
