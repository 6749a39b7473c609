/**
 * `POST /api/v1/ai/tradingview/webhook` (MISSION §5). Steps: passphrase (header
 * `X-Arbiter-Passphrase`, or field `passphrase`/`secret`; compared in constant time; a wrong or
 * missing one is a 401 that is counted and changes nothing) → parse (JSON or text) → resolve the
 * ticker against the session's symbols → dedupe (the same alert within the window is answered from
 * the first answer and changes nothing) → enrich (latest price, support and resistance) → heads +
 * consensus + risk → store and answer. TradingView drops a request after 3 s; the answer comes well
 * within it (test: `test/integration/api-tradingview.test.ts`).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TradingState } from '../../risk/trading-state.js';
import type { JsonObject } from '../../storage/port.js';
import { safeEqual } from '../auth/tokens.js';
import type { ApiContext } from '../context.js';
import { num } from '../dto.js';
import { HttpError, unavailable } from '../errors.js';
import { addRoute } from '../route.js';
import { tradingViewResponse, tradingViewSignalsQuery, tradingViewSignalsResponse } from '../schemas/tradingview.js';
import { supportResistance } from '../tradingview/enrich.js';
import { AlertParseError, parseAlert, resolveTicker, type ParsedAlert } from '../tradingview/parse.js';
import { requireSession } from './helpers.js';

/** One vote behind a decision: the alert's own (`tradingview`) or a session head's. */
export interface AlertSource {
  readonly source: string;
  readonly direction: number;
  readonly confidence: number;
  readonly weight: number | null;
  readonly reason: string | null;
  readonly status: 'ok' | 'abstained' | 'faulted';
}

/** What the decision core makes of an enriched alert (src/api/tradingview/decide.ts, wired in app.ts when the core runs). */
export interface AlertDecision {
  readonly confidence: number;
  readonly shouldExecute: boolean;
  /** Fraction of equity, 0 … 0.2. */
  readonly recommendedPositionSize: number;
  readonly consensusScore: number;
  readonly aiConfidence: number;
  readonly sources: readonly AlertSource[];
  readonly decisionId?: string;
  /** Why it should (not) execute, in one line. */
  readonly reason: string;
  /** Everything that stops it now (empty when it should execute). */
  readonly blockers: readonly string[];
  /** How the consensus came about. */
  readonly explanation: string;
  readonly tradingState: TradingState;
  readonly trippedBreakers: readonly string[];
  /** `tradingview_signals.status`: executed (an order was placed), rejected (should not execute, or the order was refused), received (advice only: `tradingview.execute` is off). */
  readonly status: 'executed' | 'rejected' | 'received';
  /** The order placed, when `tradingview.execute` is on and the decision says to execute. */
  readonly order?: { readonly id: string; readonly status: string; readonly reason: string | null };
}

export interface AlertContext {
  readonly signalId: string;
  readonly symbol: string;
  readonly alert: ParsedAlert;
  readonly marketPrice: number | null;
  readonly support: readonly number[];
  readonly resistance: readonly number[];
  readonly receivedAt: number;
}

/** The decision step: heads + consensus + risk. */
export type AlertDecider = (context: AlertContext) => Promise<AlertDecision>;

type Answer = ReturnType<typeof tradingViewResponse.parse>;

/** The passphrase an alert carries, without parsing it fully (so a wrong one learns nothing about validation). */
function passphraseOf(body: unknown, header: string | string[] | undefined): string | undefined {
  if (typeof header === 'string' && header !== '') return header;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const r = body as Record<string, unknown>;
    const v = r.passphrase ?? r.secret;
    return typeof v === 'string' ? v : undefined;
  }
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.startsWith('{')) {
      try {
        return passphraseOf(JSON.parse(text) as unknown, undefined);
      } catch {
        // not JSON: try key=value below
      }
    }
    const m = /(?:^|[\s,;])(?:passphrase|secret)\s*[=:]\s*(?:"([^"]*)"|'([^']*)'|([^\s,;"']+))/i.exec(text);
    return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  }
  return undefined;
}

export function registerTradingViewRoutes(app: FastifyInstance, ctx: ApiContext, decider: () => AlertDecider | undefined): void {
  const tags = ['TradingView and research (MISSION §5)'];
  const answered = new Map<string, { at: number; answer: Answer }>();
  let counter = 0;

  const dedupeKey = (symbol: string, a: ParsedAlert): string =>
    createHash('sha256').update(JSON.stringify([symbol, a.action, a.price ?? null, a.strategy ?? null, a.timeframe ?? null, a.time ?? null, a.contracts ?? null])).digest('hex');

  const forgetOld = (now: number): void => {
    const window = ctx.config.tradingview.dedupeWindowMs;
    if (answered.size < 1000) return;
    for (const [k, v] of answered) if (now - v.at > window) answered.delete(k);
  };

  addRoute(app, {
    method: 'POST', url: '/api/v1/ai/tradingview/webhook', scope: 'public', tags,
    summary: 'Receive a TradingView alert (JSON or text) and answer with the decision',
    description: 'Authenticated by the configured passphrase (field `passphrase` or `secret`, or header X-Arbiter-Passphrase), not by a token. Text bodies: `key=value` pairs or a sentence such as `buy 0.5 BTCUSDT @ 67000` (docs/api.md). The same alert within the dedupe window gets the first answer again (header `x-arbiter-duplicate: 1`) and changes nothing.',
    consumes: ['text/plain'],
    response: { 200: tradingViewResponse },
    handler: async ({ body, raw }, reply) => {
      const expected = ctx.config.tradingview.passphrase;
      if (!expected) throw unavailable('the TradingView webhook is off: set tradingview.passphrase in the config');
      const given = passphraseOf(body, raw.headers['x-arbiter-passphrase']);
      if (given === undefined || !safeEqual(given, expected)) {
        ctx.metrics.reject('webhook_passphrase');
        raw.log.warn({ ip: raw.ip, reason: given === undefined ? 'missing' : 'wrong' }, 'TradingView webhook: passphrase refused');
        throw new HttpError(401, 'unauthorized', given === undefined ? 'missing passphrase (field "passphrase" or header X-Arbiter-Passphrase)' : 'wrong passphrase');
      }
      let alert: ParsedAlert;
      try {
        alert = parseAlert(body);
      } catch (error) {
        if (error instanceof AlertParseError) throw new HttpError(400, 'validation_failed', error.message, error.field);
        throw error;
      }
      const session = requireSession(ctx);
      const symbol = resolveTicker(alert.ticker, session.symbols);
      if (symbol === undefined) throw new HttpError(404, 'unknown_symbol', `unknown ticker "${alert.ticker}"; this server trades ${session.symbols.join(', ')}`, 'ticker');

      const receivedAt = Date.now();
      const key = dedupeKey(symbol, alert);
      const previous = answered.get(key);
      if (previous && receivedAt - previous.at <= ctx.config.tradingview.dedupeWindowMs) {
        ctx.metrics.reject('webhook_duplicate');
        void reply.header('x-arbiter-duplicate', '1');
        return previous.answer;
      }

      const last = session.kernel.market.lastPrice(symbol);
      const marketPrice = Number.isFinite(last) && last > 0 ? last : (alert.price ?? null);
      const candles = session.candles(symbol)!;
      const levels = marketPrice !== null
        ? supportResistance({ high: candles.high.subarray(0, candles.length), low: candles.low.subarray(0, candles.length) }, marketPrice)
        : { support: [], resistance: [] };
      const signalId = `TV-${receivedAt.toString(36)}-${++counter}`;
      const payload: JsonObject = JSON.parse(JSON.stringify(alert.fields)) as JsonObject;
      const record = {
        id: signalId, receivedAt, ticker: alert.ticker, action: alert.action, payload,
        ...(alert.price !== undefined ? { price: alert.price } : {}),
        ...(alert.strategy !== undefined ? { strategy: alert.strategy } : {}),
        ...(alert.timeframe !== undefined ? { timeframe: alert.timeframe } : {}),
        ...(Object.keys(alert.indicators).length > 0 ? { indicators: alert.indicators as JsonObject } : {}),
      };

      const decide = decider();
      if (!decide) {
        await ctx.storage?.tradingView.record({ ...record, status: 'received' }).catch((e: unknown) => ctx.logger.error({ err: e }, 'could not store the alert'));
        throw unavailable(`the decision core (heads and consensus) does not run on this server; alert ${signalId} was stored but not decided`);
      }
      const decision = await decide({ signalId, symbol, alert, marketPrice, support: levels.support, resistance: levels.resistance, receivedAt });
      const answer: Answer = {
        signal_id: signalId, ticker: symbol, action: alert.action, confidence: decision.confidence, should_execute: decision.shouldExecute,
        recommended_position_size: decision.recommendedPositionSize,
        reasoning: {
          sources: decision.sources.map((s) => ({ source: s.source, direction: s.direction, confidence: s.confidence, weight: num(s.weight), reason: s.reason, status: s.status })),
          consensus_score: decision.consensusScore, ai_confidence: decision.aiConfidence, market_price: marketPrice,
          support_levels: levels.support, resistance_levels: levels.resistance,
          explanation: decision.explanation, trading_state: decision.tradingState, tripped_breakers: [...decision.trippedBreakers], blockers: [...decision.blockers],
        },
        reason: decision.reason,
        decision_id: decision.decisionId ?? null,
        order: decision.order ? { order_id: decision.order.id, status: decision.order.status, reason: decision.order.reason } : null,
      };
      answered.set(key, { at: receivedAt, answer });
      forgetOld(receivedAt);
      await ctx.storage?.tradingView.record({
        ...record, status: decision.status, confidence: decision.confidence, shouldExecute: decision.shouldExecute,
        recommendedPositionSize: decision.recommendedPositionSize, reasoning: answer.reasoning,
        ...(decision.decisionId ? { decisionId: decision.decisionId } : {}),
      }).catch((e: unknown) => ctx.logger.error({ err: e }, 'could not store the alert'));
      ctx.hub.publish('tradingview', () => answer);
      return answer;
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/ai/tradingview/signals', scope: 'read', tags, summary: 'TradingView alerts received, newest first',
    querystring: tradingViewSignalsQuery, response: { 200: tradingViewSignalsResponse },
    handler: async ({ query }) => {
      const rows = ctx.storage ? await ctx.storage.tradingView.list({ limit: query.limit, ...(query.ticker ? { ticker: query.ticker } : {}) }) : [];
      return {
        signals: rows.map((s) => ({
          signal_id: s.id, received_at: s.receivedAt, ticker: s.ticker, action: s.action, price: num(s.price), strategy: s.strategy ?? null,
          timeframe: s.timeframe ?? null, confidence: num(s.confidence), should_execute: s.shouldExecute ?? null,
          recommended_position_size: num(s.recommendedPositionSize), status: s.status,
        })),
      };
    },
  });
}
