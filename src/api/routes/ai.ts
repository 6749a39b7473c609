/**
 * MISSION §3 — the AI brain and the scalping service — and §5 signal aggregation, on the
 * session's decision core (the scalping service's heads and consensus, src/api/session.ts):
 * `POST /api/v1/ai/analyze` and `/decision`, `GET /api/v1/ai/scalping/status`,
 * `POST /api/v1/ai/scalping/toggle`, `GET /api/v1/ai/signal/aggregate/{ticker}`.
 */
import type { FastifyInstance } from 'fastify';
import { toDecisionRecord } from '../../consensus/decision.js';
import type { ScalpingService, ScalpingStatus } from '../../live/scalping/index.js';
import type { ApiContext } from '../context.js';
import { decisionDto, num, plain, voteDto } from '../dto.js';
import { unavailable } from '../errors.js';
import { addRoute } from '../route.js';
import {
  aiAnalysisResponse, aiAnalyzeRequest, aiDecisionRequest, scalpingStatusResponse, scalpingToggleRequest, signalAggregateResponse, tickerParams,
} from '../schemas/ai.js';
import { decisionSchema } from '../schemas/decisions.js';
import type { TradingSession } from '../session.js';
import { adviseSize, analysisRecord, analyze, latestDecision, modelOf, type Analysis, type SizeAdvice } from './ai-analysis.js';
import { audit, requireSession, resolveSymbol } from './helpers.js';

function sizeDto(s: SizeAdvice) {
  return { fraction: s.fraction, quantity: s.quantity, notional: s.notional, cap: s.cap, reason: s.reason };
}

function analysisDto(a: Analysis, timeframe: string) {
  const d = a.decision;
  const m = a.market;
  const r = a.risk;
  return {
    symbol: a.symbol, timeframe, time: d.time, price: d.price, action: d.action, side: d.side ?? null, direction: d.direction, confidence: d.confidence,
    consensus_score: d.score, should_trade: a.shouldTrade, reasoning: a.reasoning, market_analysis: m.text, risk_assessment: r.text, model_used: a.modelUsed,
    tokens_used: 0, decision_id: d.id, recommended_size: sizeDto(r.size), entry_price: r.entryPrice, stop_loss: r.stopLoss, take_profit: r.takeProfit,
    market: {
      bar_time: m.barTime, close: m.close, change_pct: m.changePct, change_bars: m.changeBars, ema_20: m.emaFast, ema_50: m.emaSlow, trend: m.trend,
      rsi_14: m.rsi, atr_14: m.atr, atr_pct: m.atrPct, volume_ratio: m.volumeRatio, support: [...m.support], resistance: [...m.resistance],
    },
    risk: {
      trading_state: r.tradingState, tripped_breakers: [...r.trippedBreakers],
      position: r.position ? { side: r.position.side, quantity: r.position.quantity, avg_price: r.position.avgPrice, unrealized_pnl: r.position.unrealizedPnl } : null,
      risk_at_stop: r.riskAtStop, blockers: [...r.blockers],
    },
    votes: a.votes.map(voteDto),
  };
}

function requireScalping(session: TradingSession): ScalpingService {
  if (!session.scalping) throw unavailable('the scalping service is not attached to this session (it was built with scalping: false)');
  return session.scalping;
}

/** The service's status in snake_case: its own open positions, and its trades closed today from the portfolio. */
function scalpingDto(session: TradingSession, s: ScalpingStatus) {
  const dayStart = s.today.date !== null ? Date.parse(`${s.today.date}T00:00:00Z`) : Number.NaN;
  const tag = `${session.scalpingIdPrefix}D-`;
  const today = session.kernel.portfolio.trades.filter((t) => t.entryTag?.startsWith(tag) && t.exitTime >= dayStart);
  return {
    enabled: s.enabled, preset: s.preset, config: plain(s.config) as Record<string, unknown>, symbols: [...s.symbols], time: s.time, last_scan_at: s.lastScanAt,
    scans: s.scans,
    // On an account shared with the session's strategy, only the positions the scalper opened.
    open_positions: s.openPositions.filter((p) => session.kernel.portfolio.openTrade(p.symbol)?.entryTag?.startsWith(tag)).map((p) => ({
      symbol: p.symbol, side: p.side, quantity: p.quantity, entry_price: p.entryPrice, opened_at: p.openedAt, held_ms: p.heldMs, unrealized_pnl: num(p.unrealizedPnl),
    })),
    today: {
      date: s.today.date, start_equity: num(s.today.startEquity), pnl: num(s.today.pnl) ?? 0, loss_limit: s.today.lossLimit, halted: s.today.halted,
      trades: today.length, realized_pnl: today.reduce((sum, t) => sum + t.pnl, 0),
    },
    trades: { ...s.trades },
    decisions: { ...s.decisions },
    skipped: { ...s.skipped },
    last_decision: s.lastDecision ? { ...s.lastDecision } : null,
    heads: s.heads.map((h) => ({ id: h.id, weight: h.weight })),
  };
}

export function registerAiRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const brain = ['AI brain and scalping (MISSION §3)'];
  let decisionCounter = 0;

  addRoute(app, {
    method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', tags: brain,
    summary: 'Analyse a symbol: the heads\' votes and the consensus at the last bar, market analysis, risk assessment',
    description: 'The session\'s decision core (the scalping service\'s heads and consensus) decides at every bar close; this returns its latest decision for the symbol with the reasoning (the consensus\'s explanation and each head\'s reason), a market analysis of the latest bars, a risk assessment (trading state, position, fractional-Kelly size, stop-loss and take-profit) and whether it could be acted on now. No LLM runs yet (`tokens_used` 0). Trades nothing and stores nothing. 409 while the heads warm up.',
    body: aiAnalyzeRequest, response: { 200: aiAnalysisResponse },
    handler: async ({ body }) => {
      const session = requireSession(ctx);
      const symbol = resolveSymbol(session, body.symbol);
      return Promise.resolve(analysisDto(analyze(ctx, session, symbol), session.timeframe));
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/v1/ai/decision', scope: 'trade', tags: brain,
    summary: 'Analyse a symbol and file the decision (ai_decisions, with every vote)',
    description: 'The same analysis as `POST /api/v1/ai/analyze`, stored as an `ai_decisions` row under `strategy` with the heads\' votes (outcome `pending`), audited and streamed on `/ws` topic `decisions`. Places no order.',
    body: aiDecisionRequest, response: { 201: decisionSchema },
    handler: async ({ body, caller }, reply) => {
      const session = requireSession(ctx);
      const symbol = resolveSymbol(session, body.symbol);
      const analysis = analyze(ctx, session, symbol);
      if (!ctx.storage) throw unavailable('no database on this server: decisions are stored in ai_decisions');
      const id = `${session.idNamespace}-AI-${++decisionCounter}`;
      const record = analysisRecord(analysis, id, body.strategy, Math.max(session.kernel.clock.now(), analysis.decision.time));
      await ctx.storage.decisions.record(record);
      const dto = decisionDto((await ctx.storage.decisions.get(id)) ?? record);
      await audit(ctx, caller, 'ai.decision', id, { symbol, strategy: body.strategy, action: record.action, confidence: record.confidence, source: analysis.decision.id });
      ctx.hub.publish('decisions', () => dto);
      void reply.status(201);
      return dto;
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/ai/scalping/status', scope: 'read', tags: brain,
    summary: 'The scalping service: on/off, preset, settings, open positions, today\'s PnL and trades, last scan',
    response: { 200: scalpingStatusResponse },
    handler: async () => {
      const session = requireSession(ctx);
      return Promise.resolve(scalpingDto(session, requireScalping(session).status()));
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'trade', tags: brain,
    summary: 'Turn the scalping service on or off',
    description: 'On: it enters positions on its decisions (every order passes the risk engine). Off: no new entries; the positions it opened are still managed (hold time, brackets, daily loss limit). Audited as `scalping.toggle`.',
    body: scalpingToggleRequest, response: { 200: scalpingStatusResponse },
    handler: async ({ body, caller }) => {
      const session = requireSession(ctx);
      const service = requireScalping(session);
      const previous = service.isEnabled;
      const status = await service.toggle(body.enabled);
      await audit(ctx, caller, 'scalping.toggle', 'scalping', { enabled: body.enabled, previous, preset: service.preset });
      return scalpingDto(session, status);
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/ai/signal/aggregate/:ticker', scope: 'read', tags: ['TradingView and research (MISSION §5)'],
    summary: 'The aggregated signal of a symbol: every head\'s vote and weight, the consensus, a recommended position size',
    description: 'The votes of the session\'s heads at the last bar close (direction, calibrated confidence, learned weight, reason), the consensus score and confidence, and a fractional-Kelly size on that confidence (the opportunity config\'s Kelly fraction and cap, tightened by the risk limits). 409 while the heads warm up.',
    params: tickerParams, response: { 200: signalAggregateResponse },
    handler: async ({ params }) => {
      const session = requireSession(ctx);
      const symbol = resolveSymbol(session, params.ticker, 'ticker');
      const decision = latestDecision(session, symbol);
      const votes = toDecisionRecord(decision).votes;
      const counts = { long: 0, short: 0, flat: 0, abstained: 0, faulted: 0 };
      for (const v of votes) {
        if (v.status === 'abstained') counts.abstained++;
        else if (v.status === 'faulted') counts.faulted++;
        else if (v.direction > 0) counts.long++;
        else if (v.direction < 0) counts.short++;
        else counts.flat++;
      }
      const size = adviseSize(ctx, session, symbol, decision.direction, decision.confidence, decision.price);
      return Promise.resolve({
        ticker: symbol, timeframe: session.timeframe, time: decision.time, price: decision.price, mode: decision.mode, direction: decision.direction,
        action: decision.action, consensus_score: decision.score, confidence: decision.confidence, votes: votes.map(voteDto), counts,
        recommended_position_size: size.fraction, recommended_size: sizeDto(size), reasoning: decision.reasoning, model_used: modelOf(decision),
      });
    },
  });
}
