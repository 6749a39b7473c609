/**
 * What the AI endpoints (MISSION §3 analyze/decision, §5 signal aggregation) make of the
 * session's decision core: the latest consensus decision of a symbol (its heads' votes, learned
 * weights, calibrated confidence), a market analysis of the latest bars, a risk assessment (the
 * risk engine's state and limits, a fractional-Kelly size, brackets) and the reasoning, in words
 * and in numbers. No LLM runs yet: the reasoning is the consensus's explanation and each head's
 * own reason. Nothing here trades or changes state.
 */
import { toDecisionRecord, type Decision } from '../../consensus/decision.js';
import { timeframeMs } from '../../core/time.js';
import { computeIndicator } from '../../indicators/registry.js';
import type { BarTable } from '../../model/bar.js';
import { createSizer } from '../../risk/sizing/sizer.js';
import type { DecisionRecord, HeadVote } from '../../storage/port.js';
import type { ApiContext } from '../context.js';
import { HttpError, unavailable } from '../errors.js';
import type { TradingSession } from '../session.js';
import { supportResistance } from '../tradingview/enrich.js';

/** Bars read for the market analysis (enough for EMA 50 to settle). */
const ANALYSIS_BARS = 500;
const CHANGE_BARS = 24;

export interface MarketAnalysis {
  readonly symbol: string;
  readonly timeframe: string;
  /** Open time of the last closed bar. */
  readonly barTime: number;
  readonly close: number;
  readonly changePct: number | null;
  readonly changeBars: number;
  readonly emaFast: number | null;
  readonly emaSlow: number | null;
  readonly trend: 'up' | 'down' | 'sideways' | 'unknown';
  readonly rsi: number | null;
  readonly atr: number | null;
  readonly atrPct: number | null;
  readonly volumeRatio: number | null;
  readonly support: readonly number[];
  readonly resistance: readonly number[];
  readonly text: string;
}

export interface SizeAdvice {
  /** Fraction of equity, 0 … cap. */
  readonly fraction: number;
  readonly quantity: number;
  readonly notional: number;
  /** The largest fraction allowed (the opportunity config's cap, or a tighter risk limit). */
  readonly cap: number;
  readonly reason: string;
}

export interface RiskAssessment {
  readonly tradingState: 'ACTIVE' | 'REDUCING' | 'HALTED';
  readonly trippedBreakers: readonly string[];
  readonly position: { readonly side: 'long' | 'short'; readonly quantity: number; readonly avgPrice: number | null; readonly unrealizedPnl: number | null } | null;
  readonly size: SizeAdvice;
  readonly entryPrice: number | null;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  /** Loss at the stop for the recommended size, in the account currency. */
  readonly riskAtStop: number | null;
  /** Why the action cannot be taken now (empty when it can). */
  readonly blockers: readonly string[];
  readonly text: string;
}

export interface Analysis {
  readonly symbol: string;
  readonly decision: Decision;
  readonly votes: readonly HeadVote[];
  readonly market: MarketAnalysis;
  readonly risk: RiskAssessment;
  readonly shouldTrade: boolean;
  readonly reasoning: string;
  readonly modelUsed: string;
  readonly equity: number;
}

/** A number for a sentence: grouped, at most `digits` decimals. */
export const fmt = (x: number, digits = 2): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const pct = (x: number, digits = 2): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;
const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** The primary line of an indicator at the last bar, or null while it warms up. */
function lastOf(name: string, table: BarTable, params: Record<string, number>): number | null {
  const { lines } = computeIndicator(name, table, params);
  const line = Object.values(lines)[0]!;
  return finite(line[line.length - 1]);
}

/** Trend, momentum, volatility, volume and levels over the latest bars of a symbol. */
export function analyzeMarket(session: TradingSession, symbol: string): MarketAnalysis {
  const table = session.candles(symbol)!.last(ANALYSIS_BARS);
  const n = table.length;
  const close = table.close[n - 1]!;
  const changeBars = Math.min(CHANGE_BARS, n - 1);
  const changePct = changeBars > 0 ? close / table.close[n - 1 - changeBars]! - 1 : null;
  const emaFast = lastOf('ema', table, { period: 20 });
  const emaSlow = lastOf('ema', table, { period: 50 });
  const rsi = lastOf('rsi', table, { period: 14 });
  const atr = lastOf('atr', table, { period: 14 });
  let volumeRatio: number | null = null;
  if (n > 20) {
    let sum = 0;
    for (let i = n - 21; i < n - 1; i++) sum += table.volume[i]!;
    volumeRatio = sum > 0 ? table.volume[n - 1]! / (sum / 20) : null;
  }
  const levels = supportResistance(table, close);
  let trend: MarketAnalysis['trend'] = 'unknown';
  if (emaFast !== null && emaSlow !== null) {
    const gap = emaFast / emaSlow - 1;
    trend = Math.abs(gap) < 0.001 ? 'sideways' : gap > 0 && close > emaSlow ? 'up' : gap < 0 && close < emaSlow ? 'down' : 'sideways';
  }
  const atrPct = atr !== null && close > 0 ? atr / close : null;
  const parts = [`${symbol} ${session.timeframe} closed at ${fmt(close, 8)} (bar of ${new Date(table.time[n - 1]!).toISOString()})`];
  if (changePct !== null) parts.push(`${pct(changePct)} over ${changeBars} bars`);
  parts.push(emaFast !== null && emaSlow !== null
    ? `trend ${trend} (EMA 20 ${fmt(emaFast)} ${emaFast >= emaSlow ? '≥' : '<'} EMA 50 ${fmt(emaSlow)})`
    : `trend not known yet (${n} bars; EMA 50 needs 50)`);
  if (rsi !== null) parts.push(`RSI 14 ${rsi.toFixed(1)} (${rsi >= 70 ? 'overbought' : rsi <= 30 ? 'oversold' : 'neutral'})`);
  if (atr !== null && atrPct !== null) parts.push(`ATR 14 ${fmt(atr)} (${(atrPct * 100).toFixed(2)}% of the price)`);
  if (volumeRatio !== null) parts.push(`volume ${volumeRatio.toFixed(2)}× its 20-bar mean`);
  parts.push(`support ${levels.support.length > 0 ? levels.support.map((x) => fmt(x)).join(', ') : 'none found'}; resistance ${levels.resistance.length > 0 ? levels.resistance.map((x) => fmt(x)).join(', ') : 'none found'}`);
  return {
    symbol, timeframe: session.timeframe, barTime: table.time[n - 1]!, close, changePct, changeBars, emaFast, emaSlow, trend, rsi, atr, atrPct, volumeRatio,
    support: levels.support, resistance: levels.resistance, text: `${parts.join('; ')}.`,
  };
}

/**
 * Fractional Kelly on a consensus confidence with the server's opportunity settings (MISSION §1:
 * ¼ Kelly, at most 20% of equity), capped further by the risk engine's position limits.
 */
export function adviseSize(ctx: ApiContext, session: TradingSession, symbol: string, direction: number, confidence: number, price: number): SizeAdvice {
  const o = ctx.config.opportunity;
  const limits = session.kernel.risk.snapshot().limits;
  const riskCap = limits.perSymbol[symbol]?.maxPositionFraction ?? limits.maxPositionFraction;
  const cap = Math.min(o.maxPositionFraction, riskCap ?? Infinity);
  if (direction === 0) return { fraction: 0, quantity: 0, notional: 0, cap, reason: 'no consensus direction: nothing to size' };
  const sizer = createSizer({ method: 'kelly', fraction: o.kellyFraction, maxFraction: cap });
  const sized = sizer.size({ symbol, price, equity: session.kernel.portfolio.equity, confidence, instrument: session.kernel.market.instrument(symbol) });
  const capNote = riskCap !== null && riskCap < o.maxPositionFraction ? ` (risk limit ${riskCap})` : '';
  return { fraction: sized.fraction, quantity: sized.quantity, notional: sized.notional, cap, reason: `${sized.reason}; cap ${cap}${capNote}` };
}

function assessRisk(ctx: ApiContext, session: TradingSession, decision: Decision, market: MarketAnalysis): RiskAssessment {
  const snapshot = session.kernel.risk.snapshot();
  const symbol = decision.symbol;
  const tripped = snapshot.breakers.filter((b) => b.status === 'tripped').map((b) => b.name);
  const p = session.kernel.portfolio.position(symbol);
  const position = p.quantity !== 0
    ? { side: p.quantity > 0 ? 'long' as const : 'short' as const, quantity: Math.abs(p.quantity), avgPrice: finite(p.avgPrice), unrealizedPnl: finite(p.unrealizedPnl) }
    : null;
  const price = market.close;
  const size = adviseSize(ctx, session, symbol, decision.direction, decision.confidence, price);
  const opens = decision.action === 'buy' || decision.action === 'sell';
  const { stopLossPct, takeProfitPct } = ctx.config.monitor;
  const long = decision.action === 'buy';
  const entryPrice = opens ? price : null;
  const stopLoss = opens ? price * (long ? 1 - stopLossPct : 1 + stopLossPct) : null;
  const takeProfit = opens ? price * (long ? 1 + takeProfitPct : 1 - takeProfitPct) : null;
  const riskAtStop = opens && size.quantity > 0 ? size.quantity * price * stopLossPct : null;
  const blockers: string[] = [];
  if (decision.action === 'hold') blockers.push('the consensus says hold');
  if (opens) {
    if (snapshot.state !== 'ACTIVE') blockers.push(`trading is ${snapshot.state}: no new positions`);
    if (snapshot.limits.perSymbol[symbol]?.allowed === false) blockers.push(`the risk limits do not allow ${symbol}`);
    if (size.quantity <= 0) blockers.push(`no size: ${size.reason}`);
  }
  if (decision.action === 'close' && snapshot.state === 'HALTED') blockers.push('trading is HALTED: not even exits');
  const equity = session.kernel.portfolio.equity;
  const parts = [`trading state ${snapshot.state}`, tripped.length > 0 ? `tripped breakers: ${tripped.join(', ')}` : 'no breaker tripped'];
  parts.push(position ? `${position.side} ${fmt(position.quantity, 8)} ${symbol} at ${position.avgPrice !== null ? fmt(position.avgPrice) : '?'} (unrealised ${position.unrealizedPnl !== null ? fmt(position.unrealizedPnl) : '?'})` : `flat in ${symbol}`);
  parts.push(size.quantity > 0
    ? `recommended size ${(size.fraction * 100).toFixed(2)}% of equity (${fmt(size.notional)} = ${fmt(size.quantity, 8)} ${symbol}): ${size.reason}`
    : `recommended size 0: ${size.reason}`);
  if (opens && stopLoss !== null && takeProfit !== null) {
    parts.push(`stop-loss ${fmt(stopLoss)} (${long ? '−' : '+'}${(stopLossPct * 100).toFixed(1)}%), take-profit ${fmt(takeProfit)} (${long ? '+' : '−'}${(takeProfitPct * 100).toFixed(1)}%)`);
    if (riskAtStop !== null) parts.push(`loss at the stop ${fmt(riskAtStop)} (${((riskAtStop / equity) * 100).toFixed(2)}% of equity)`);
  }
  parts.push(blockers.length > 0 ? `not actionable now: ${blockers.join('; ')}` : `${decision.action} is allowed now`);
  return { tradingState: snapshot.state, trippedBreakers: tripped, position, size, entryPrice, stopLoss, takeProfit, riskAtStop, blockers, text: `${parts.join('; ')}.` };
}

function voteLine(v: HeadVote): string {
  if (v.status === 'faulted') return `${v.head} faulted (${v.error ?? 'no reason'})`;
  if (v.status === 'abstained') return `${v.head} no opinion`;
  const side = v.direction > 0 ? 'long' : v.direction < 0 ? 'short' : 'flat';
  return `${v.head} ${side} ${v.confidence.toFixed(2)} × weight ${v.weight.toFixed(2)}: ${v.reason ?? ''}`.trim();
}

/** The heads and the consensus rule a decision came from, for `model_used`. */
export function modelOf(decision: Decision): string {
  return `consensus:${decision.mode} of ${decision.votes.map((v) => v.head).join('+')} (${decision.strategy})`;
}

/**
 * The session's decision core, or 503: the AI endpoints read the decisions of the session's
 * ensemble (the scalping service).
 */
export function latestDecision(session: TradingSession, symbol: string): Decision {
  const decision = session.latestDecision(symbol);
  if (decision) return decision;
  if (!session.scalping) throw unavailable('no decision core runs on this session (it was built with scalping: false): there are no head votes to analyse');
  const followed = session.scalping.config.symbols;
  if (followed && !followed.includes(symbol)) throw new HttpError(409, 'conflict', `the decision core does not follow ${symbol} (scalping.symbols: ${followed.join(', ')})`);
  const seen = session.candles(symbol)?.length ?? 0;
  throw new HttpError(409, 'conflict', `no decision for ${symbol} yet: the heads are warming up (${seen} bar${seen === 1 ? '' : 's'} seen so far); try again after more bars`);
}

/** Market analysis, risk assessment and reasoning around the latest decision of a symbol. */
export function analyze(ctx: ApiContext, session: TradingSession, symbol: string): Analysis {
  const decision = latestDecision(session, symbol);
  const market = analyzeMarket(session, symbol);
  const risk = assessRisk(ctx, session, decision, market);
  const votes = toDecisionRecord(decision).votes;
  const barsSince = Math.round((market.barTime + timeframeMs(session.timeframe) - decision.time) / timeframeMs(session.timeframe));
  const when = barsSince > 0 ? ` (decided ${barsSince} bar${barsSince === 1 ? '' : 's'} before the last close)` : '';
  const reasoning = `${decision.action.toUpperCase()} ${decision.symbol} at confidence ${decision.confidence.toFixed(2)}, consensus score ${decision.score.toFixed(2)}${when}: ${decision.reasoning}. Heads — ${votes.map(voteLine).join('; ')}.`;
  return {
    symbol, decision, votes, market, risk, shouldTrade: risk.blockers.length === 0 && decision.action !== 'hold', reasoning, modelUsed: modelOf(decision),
    equity: session.kernel.portfolio.equity,
  };
}

/** The `ai_decisions` row of an analysis filed under a strategy name. */
export function analysisRecord(a: Analysis, id: string, strategy: string, createdAt: number): DecisionRecord {
  const d = a.decision;
  const opens = d.action === 'buy' || d.action === 'sell';
  return {
    id, symbol: a.symbol, strategy, action: d.action, direction: d.direction, confidence: d.confidence, consensusScore: d.score,
    reasoning: a.reasoning, marketAnalysis: a.market.text, riskAssessment: a.risk.text, modelUsed: a.modelUsed, tokensUsed: 0,
    outcome: 'pending', createdAt, votes: a.votes,
    ...(d.side !== undefined ? { side: d.side } : {}),
    ...(opens ? { sizePercent: a.risk.size.fraction * 100 } : {}),
    ...(a.risk.entryPrice !== null ? { entryPrice: a.risk.entryPrice } : {}),
    ...(a.risk.stopLoss !== null ? { stopLoss: a.risk.stopLoss } : {}),
    ...(a.risk.takeProfit !== null ? { takeProfit: a.risk.takeProfit } : {}),
  };
}
