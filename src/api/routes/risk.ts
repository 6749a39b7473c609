/**
 * Risk state, the kill switch, breaker resets and threshold edits. Halting or reducing needs
 * `trade` (stopping must be easy); resuming (`ACTIVE`), resetting a breaker and editing limits
 * need `admin` (starting again must be deliberate).
 */
import type { FastifyInstance } from 'fastify';
import type { BreakerName } from '../../risk/events.js';
import type { JsonValue } from '../../storage/port.js';
import { grants } from '../auth/tokens.js';
import type { ApiContext } from '../context.js';
import { plain, riskDto } from '../dto.js';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import {
  breakerParams, breakerResetRequest, breakerResetResponse, riskConfigRequest, riskConfigResponse, riskResponse, tradingStateRequest, tradingStateResponse,
} from '../schemas/risk.js';
import { actorOf, audit, requireSession } from './helpers.js';

export function registerRiskRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['risk'];

  addRoute(app, {
    method: 'GET', url: '/api/v1/risk', scope: 'read', tags, summary: 'Trading state, breakers, limits and recent denials', response: { 200: riskResponse },
    handler: async () => Promise.resolve(riskDto(requireSession(ctx).kernel.risk.snapshot())),
  });

  addRoute(app, {
    method: 'POST', url: '/api/v1/risk/trading-state', scope: 'trade', tags,
    summary: 'Kill switch: set the trading state (HALTED, REDUCING; ACTIVE needs admin)',
    description: 'Breaker holds still apply: asking for ACTIVE while a breaker holds a stricter state leaves that state and names the breaker in `held_by`. With `cancel_open_orders` every open order is canceled too.',
    body: tradingStateRequest, response: { 200: tradingStateResponse },
    handler: async ({ body, caller }) => {
      const session = requireSession(ctx);
      if (body.state === 'ACTIVE' && !grants(caller!.scopes, 'admin')) {
        throw new HttpError(403, 'forbidden', 'resuming trading (ACTIVE) needs a token with the admin scope; halting and reducing need trade');
      }
      const risk = session.kernel.risk;
      const result = risk.setTradingState(body.state, actorOf(caller), body.reason);
      const canceled = body.cancel_open_orders ? session.kernel.execution.cancelAll(undefined, () => true, `canceled with the trading state ${body.state}: ${body.reason}`) : 0;
      await audit(ctx, caller, 'trading-state.set', 'trading-state', plain({ ...result, reason: body.reason, canceled_orders: canceled }) as JsonValue);
      return { requested: body.state, effective: result.effective, held_by: [...result.heldBy], canceled_orders: canceled, risk: riskDto(risk.snapshot()) };
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/v1/risk/breakers/:name/reset', scope: 'admin', tags, summary: 'Reset a tripped circuit breaker',
    params: breakerParams, body: breakerResetRequest, response: { 200: breakerResetResponse },
    handler: async ({ params, body, caller }) => {
      const risk = requireSession(ctx).kernel.risk;
      const reset = risk.resetBreaker(params.name as BreakerName, actorOf(caller), body.reason);
      await audit(ctx, caller, 'breaker.reset.requested', params.name, { reason: body.reason, reset });
      return { reset, risk: riskDto(risk.snapshot()) };
    },
  });

  addRoute(app, {
    method: 'PATCH', url: '/api/v1/risk/config', scope: 'admin', tags, summary: 'Edit risk limits and breaker thresholds',
    description: 'Sections are merged key by key into the current config and the result validated as a whole before anything changes; a bad key is a 400 naming it (`risk.limits.maxPositionFraction`). Keys are the config file\'s (docs/risk.md).',
    body: riskConfigRequest, response: { 200: riskConfigResponse },
    handler: async ({ body, caller }) => {
      const risk = requireSession(ctx).kernel.risk;
      risk.updateConfig(body.patch, actorOf(caller), body.reason);
      await audit(ctx, caller, 'risk.config-changed', 'risk-config', plain({ reason: body.reason, patch: body.patch }) as JsonValue);
      return { risk: riskDto(risk.snapshot()) };
    },
  });
}
