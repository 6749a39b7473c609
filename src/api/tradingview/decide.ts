/**
 * What the decision core makes of a TradingView alert (MISSION §5): the alert becomes the external
 * head's vote, the session's own heads (the scalping service's ensemble — technical, order flow,
 * rules) add their latest votes for the symbol with their learned weights, the consensus engine
 * combines them in the ensemble's configured mode, fractional Kelly sizes the result and the risk
 * engine checks the order it would place (trading state, breakers, pre-trade limits) without
 * sending it. The decision is filed in `ai_decisions` with every vote and sent on `/ws` topic
 * `decisions`; with `tradingview.execute: true` an order that should execute is submitted to the
 * session's account (paper; live only when live trading is enabled).
 *
 * The rules (docs/api.md, "TradingView webhook"):
 * - the alert's vote: buy +1, sell −1, close 0; its confidence, or the external head's default
 *   (0.65); it gets an equal share of the weight, 1/(n + 1) beside n session heads, whose learned
 *   weights are scaled by n/(n + 1);
 * - an entry (buy or sell while flat or already holding that side) needs the consensus to point
 *   the alert's way; it is sized by ¼ Kelly on the consensus confidence (`adviseSize`) and tops the
 *   position up to that size;
 * - an exit (close, or an alert against a position TradingView opened) closes that position with a
 *   reduce-only order; it needs no consensus, only the risk engine's consent;
 * - a position another strategy opened is never added to, reversed or closed by an alert.
 *
 * @example
 * const core = sessionDecisionCore(session, () => context); // wired by createApiApp
 * const decision = await core!.decideAlert!({ signalId, symbol: 'BTC/USDT', alert, marketPrice, support, resistance, receivedAt });
 */
import { toDecisionRecord, type Decision, type DecisionAction } from '../../consensus/decision.js';
import { consensusConfigSchema, type ConsensusConfig } from '../../consensus/config.js';
import { combine, type ConsensusResult, type Vote } from '../../consensus/vote.js';
import { horizonOf } from '../../heads/config.js';
import { externalHeadSchema } from '../../heads/external/external-head.js';
import type { OrderRequest } from '../../model/order.js';
import type { DecisionRecord } from '../../storage/port.js';
import type { ApiContext, DecisionCoreBinding } from '../context.js';
import { decisionDto } from '../dto.js';
import { adviseSize, fmt } from '../routes/ai-analysis.js';
import type { AlertContext, AlertDecider, AlertDecision, AlertSource } from '../routes/tradingview.js';
import type { TradingSession } from '../session.js';

/** Entry tags (and signal ids) of TradingView's orders start with this; a position whose entry carries it is TradingView's. */
export const TRADINGVIEW_TAG_PREFIX = 'TV-';
/** `owner` of the orders the webhook places. */
export const TRADINGVIEW_OWNER = 'tradingview';

const EXTERNAL = externalHeadSchema.parse({});

function sideWord(d: number): string {
  return d > 0 ? 'long' : d < 0 ? 'short' : 'flat';
}

/** The alert as the external head would vote it (`src/heads/external/external-head.ts`). */
export function alertVote(c: AlertContext, timeframe: TradingSession['timeframe'], weight: number): Vote {
  const a = c.alert;
  const direction = a.action === 'buy' ? 1 : a.action === 'sell' ? -1 : 0;
  const confidence = a.confidence ?? EXTERNAL.confidence;
  const reason = `TradingView ${a.actionText}${a.strategy ? ` from ${a.strategy}` : ''}${a.timeframe ? ` on ${a.timeframe}` : ''}${a.price !== undefined ? ` at ${a.price}` : ''}`
    + (a.confidence === undefined ? ` (no confidence given: the external head's default ${EXTERNAL.confidence})` : '');
  const inputs: Record<string, string | number | boolean | null> = { alertId: c.signalId, action: a.action, receivedAt: c.receivedAt };
  if (a.price !== undefined) inputs.price = a.price;
  if (a.strategy !== undefined) inputs.strategy = a.strategy;
  if (a.timeframe !== undefined) inputs.timeframe = a.timeframe;
  for (const [k, v] of Object.entries(a.indicators)) inputs[`indicator.${k}`] = v;
  return {
    head: EXTERNAL.id, status: 'ok', direction, confidence, rawConfidence: confidence, weight, horizonMs: horizonOf(EXTERNAL.horizonBars, timeframe), reason, inputs,
  };
}

/** The consensus settings of the session's ensemble, with a quorum no larger than the heads that vote. */
function consensusOf(session: TradingSession, voters: number): ConsensusConfig {
  const base = session.scalping?.core?.consensus ?? consensusConfigSchema.parse({});
  return base.mode === 'quorum' && base.quorum > voters ? { ...base, quorum: voters } : base;
}

/** Σ wᵢcᵢ of the heads voting `direction`'s way ÷ Σ wᵢ of the heads not faulted: how much of the panel backs that side. */
function support(votes: readonly Vote[], direction: number): number {
  if (direction === 0) return 0;
  let num = 0;
  let den = 0;
  for (const v of votes) {
    if (v.status === 'faulted') continue;
    den += v.weight;
    if (v.status === 'ok' && Math.sign(v.direction) === Math.sign(direction)) num += v.weight * v.confidence;
  }
  return den > 0 ? num / den : 0;
}

function baseQuantity(request: OrderRequest): number {
  return 'base' in request.size ? request.size.base : Number.NaN;
}

interface Plan {
  /** What the alert would do now. */
  readonly kind: 'enter' | 'exit' | 'none';
  readonly action: DecisionAction;
  readonly request: OrderRequest | undefined;
  readonly fraction: number;
  readonly sizeReason: string;
}

/**
 * Builds the decider for a session's decision core. `context` is read at decision time (the API
 * context is built after the decider).
 */
export function createAlertDecider(context: () => ApiContext): AlertDecider {
  return async (c: AlertContext): Promise<AlertDecision> => {
    const ctx = context();
    const session = ctx.session;
    if (!session) throw new Error('the TradingView decider needs a session');
    const { symbol, alert } = c;
    const kernel = session.kernel;
    const now = kernel.clock.now();

    // 1. Votes: the session heads' latest, the alert's.
    const latest = session.latestDecision(symbol);
    const heads = latest?.votes ?? [];
    const n = heads.length;
    const scale = n / (n + 1);
    const tv = alertVote(c, session.timeframe, 1 / (n + 1));
    const votes: Vote[] = [tv, ...heads.map((v) => ({ ...v, weight: v.weight * scale }))];
    const config = consensusOf(session, votes.length);
    const consensus: ConsensusResult = n > 0
      ? combine(votes, config)
      : { direction: 0, confidence: 0, score: 0, agreeing: [], against: [], sizeScale: 0, explanation: 'no head of the session has voted yet' };
    const direction = tv.direction;
    const aiConfidence = support(heads, direction);

    // 2. What the alert would do, and its size.
    const blockers: string[] = [];
    const price = c.marketPrice ?? Number.NaN;
    const position = kernel.portfolio.position(symbol).quantity;
    const open = kernel.portfolio.openTrade(symbol);
    const ours = position !== 0 && open?.entryTag?.startsWith(TRADINGVIEW_TAG_PREFIX) === true;
    const reduceSide = position > 0 ? 'sell' as const : 'buy' as const;
    const entry = (fraction: number, sizeReason: string, request?: OrderRequest): Plan => ({ kind: 'enter', action: direction > 0 ? 'buy' : 'sell', request, fraction, sizeReason });
    let plan: Plan;
    if (position !== 0 && !ours) {
      blockers.push(`${symbol} holds a ${sideWord(position)} position opened by another strategy (${open?.entryTag ?? 'untagged'}): alerts do not add to, reverse or close it`);
      plan = { kind: 'none', action: 'hold', request: undefined, fraction: 0, sizeReason: 'not TradingView\'s position' };
    } else if (ours && (direction === 0 || Math.sign(direction) !== Math.sign(position))) {
      plan = {
        kind: 'exit', action: 'close', fraction: 0, sizeReason: `exit: close the ${sideWord(position)} ${fmt(Math.abs(position), 8)} TradingView opened`,
        request: { symbol, side: reduceSide, type: 'market', size: { base: Math.abs(position) }, reduceOnly: true, owner: TRADINGVIEW_OWNER, tag: c.signalId },
      };
    } else if (direction === 0) {
      blockers.push(`no position of TradingView's in ${symbol} to close`);
      plan = { kind: 'none', action: 'hold', request: undefined, fraction: 0, sizeReason: 'nothing to close' };
    } else {
      if (n === 0) {
        const seen = session.candles(symbol)?.length ?? 0;
        blockers.push(session.scalping
          ? `the session's heads have not voted on ${symbol} yet (warming up: ${seen} bar${seen === 1 ? '' : 's'} seen)`
          : 'the session runs no heads to confirm the alert');
      } else if (consensus.direction !== direction) {
        blockers.push(`the consensus does not confirm a ${direction > 0 ? 'buy' : 'sell'}: ${consensus.explanation}`);
      }
      if (blockers.length > 0) {
        plan = { kind: 'enter', action: 'hold', request: undefined, fraction: 0, sizeReason: 'no consensus for the alert: nothing to size' };
      } else if (!(price > 0)) {
        blockers.push(`no market price for ${symbol} yet`);
        plan = entry(0, 'no price');
      } else {
        const advice = adviseSize(ctx, session, symbol, direction, consensus.confidence, price);
        const held = Math.abs(position);
        const quantity = advice.quantity - held;
        if (advice.quantity <= 0) blockers.push(`no size: ${advice.reason}`);
        else if (quantity <= 0) blockers.push(`TradingView's ${sideWord(position)} ${fmt(held, 8)} ${symbol} already reaches the recommended ${fmt(advice.quantity, 8)}`);
        plan = entry(advice.fraction, advice.reason,
          quantity > 0 ? { symbol, side: direction > 0 ? 'buy' : 'sell', type: 'market', size: { base: quantity }, owner: TRADINGVIEW_OWNER, tag: c.signalId } : undefined);
      }
    }

    // 3. Risk: the order it would place, checked but not sent; the trading state in any case.
    const risk = kernel.risk.snapshot();
    const tripped = risk.breakers.filter((b) => b.status === 'tripped').map((b) => b.name);
    if (plan.request && blockers.length === 0) {
      const verdict = kernel.risk.preview(plan.request);
      if (!verdict.ok) blockers.push(`risk (${verdict.check}): ${verdict.reason}`);
    } else if (risk.state === 'HALTED' || (risk.state === 'REDUCING' && plan.kind !== 'exit')) {
      blockers.push(`trading is ${risk.state}${risk.lastChange ? ` (${risk.lastChange.reason})` : ''}`);
    }
    const state = session.node.lifecycle.current.state;
    if (state !== 'running' && state !== 'degraded') blockers.push(`the ${session.mode} session is ${state}: it takes no orders`);
    if (session.mode === 'live' && !(ctx.config.mode === 'live' && ctx.config.live.enabled)) blockers.push('live trading is not enabled on this server');
    const shouldExecute = blockers.length === 0 && plan.request !== undefined;
    const confidence = plan.kind === 'exit' ? tv.confidence : consensus.direction === direction && direction !== 0 ? consensus.confidence : 0;

    // 4. Execute (when configured), file, publish.
    let order: AlertDecision['order'];
    if (shouldExecute && ctx.config.tradingview.execute) {
      const placed = kernel.execution.submit(plan.request!);
      order = { id: placed.id, status: placed.status, reason: placed.reason ?? null };
    }
    const action: DecisionAction = shouldExecute ? plan.action : 'hold';
    const status = !shouldExecute || order?.status === 'rejected' ? 'rejected' : order ? 'executed' : 'received';
    const reason = shouldExecute
      ? `${plan.kind === 'exit' ? 'exit' : `the consensus confirms the ${alert.action}`}: ${plan.request!.side} ${fmt(baseQuantity(plan.request!), 8)} ${symbol}`
        + (order ? `; order ${order.id} ${order.status}${order.reason ? ` (${order.reason})` : ''}` : ctx.config.tradingview.execute ? '' : '; not placed: tradingview.execute is off')
      : blockers.join('; ');

    const sources: AlertSource[] = votes.map((v) => ({ source: v.head, direction: v.direction, confidence: v.confidence, weight: v.weight, reason: v.status === 'faulted' ? (v.error ?? null) : v.reason || null, status: v.status }));
    session.headActivity.observe(symbol, now, price > 0 ? price : 0, [tv]);
    const voteText = votes.map((v) => v.status === 'ok' ? `${v.head} ${sideWord(v.direction)} ${v.confidence.toFixed(2)} × weight ${v.weight.toFixed(3)}` : `${v.head} ${v.status}`).join('; ');
    const reasoning = `TradingView ${alert.action} ${symbol}: ${shouldExecute ? 'EXECUTE' : 'DO NOT EXECUTE'} — ${reason}. Consensus (${config.mode}): ${consensus.explanation}; score ${consensus.score.toFixed(3)}`
      + `${latest ? `; session heads as of ${new Date(latest.time).toISOString()}` : ''}. Votes — ${voteText}.`;
    const marketAnalysis = `${symbol} at ${c.marketPrice !== null ? fmt(c.marketPrice, 8) : 'no price'}; support ${c.support.length > 0 ? c.support.map((x) => fmt(x)).join(', ') : 'none found'}; resistance ${c.resistance.length > 0 ? c.resistance.map((x) => fmt(x)).join(', ') : 'none found'}.`;
    const riskAssessment = `trading state ${risk.state}; ${tripped.length > 0 ? `tripped breakers: ${tripped.join(', ')}` : 'no breaker tripped'}; size ${(plan.fraction * 100).toFixed(2)}% of equity: ${plan.sizeReason}${blockers.length > 0 ? `; blocked: ${blockers.join('; ')}` : ''}.`;

    const id = c.signalId;
    const decision: Decision = {
      id, time: now, symbol, strategy: TRADINGVIEW_OWNER, action, direction: consensus.direction, confidence, score: consensus.score, mode: config.mode,
      price: price > 0 ? price : 0, votes, faulted: votes.filter((v) => v.status === 'faulted').map((v) => v.head), reasoning,
      ...(action === 'hold' ? {} : { side: plan.request!.side }),
    };
    const record: DecisionRecord = {
      ...toDecisionRecord(decision), reasoning, marketAnalysis, riskAssessment, modelUsed: `consensus:${config.mode} of ${votes.map((v) => v.head).join('+')}${session.scalping?.core ? ` (${session.scalping.core.name} + tradingview)` : ''}`,
      tokensUsed: 0,
      ...(plan.kind === 'enter' && plan.fraction > 0 ? { sizePercent: plan.fraction * 100 } : {}),
      ...(price > 0 ? { entryPrice: price } : {}),
      ...(order && order.status !== 'rejected' ? { orderId: order.id, executedAt: now } : {}),
    };
    if (ctx.storage) await ctx.storage.decisions.record(record).catch((error: unknown) => ctx.logger.error({ err: error, decision: id }, 'could not store the TradingView decision'));
    ctx.hub.publish('decisions', () => decisionDto(record));
    if (order) {
      ctx.logger.info({ signal: id, order: order.id, status: order.status, symbol }, 'TradingView alert executed');
      session.audit({ time: Date.now(), actor: 'tradingview-webhook', action: 'tradingview.order.submitted', subject: order.id, details: { signal_id: id, symbol, side: plan.request!.side, status: order.status, reason: order.reason } });
    }

    return {
      confidence, shouldExecute, recommendedPositionSize: plan.fraction, consensusScore: consensus.score, aiConfidence, sources, decisionId: id,
      reason, blockers, explanation: consensus.explanation, tradingState: risk.state, trippedBreakers: tripped, status, order,
    };
  };
}

/**
 * The decision core the API uses when the session runs the scalping service: TradingView alerts
 * are decided with its heads. Undefined for a session without one (the webhook then answers 503).
 */
export function sessionDecisionCore(session: TradingSession | undefined, context: () => ApiContext): DecisionCoreBinding | undefined {
  const scalping = session?.scalping;
  if (!scalping) return undefined;
  return {
    decideAlert: createAlertDecider(context),
    get detail(): string {
      const c = scalping.config;
      return `the session's scalping service (${scalping.preset}, ${scalping.isEnabled ? 'on' : 'off'}): heads ${c.heads.join(', ')}, consensus ${scalping.core?.consensus.mode ?? c.consensus?.mode ?? 'quorum'}; TradingView alerts are decided by these heads with the alert as one more vote`;
    },
  };
}
