/**
 * Domain objects → the API's snake_case shapes (schemas in ./schemas). Numbers that are not
 * finite become null, so every response is plain JSON.
 */
import type { OrderEvent } from '../model/events.js';
import type { Fill } from '../model/fill.js';
import type { OrderView } from '../model/order.js';
import type { PositionView } from '../model/position.js';
import type { ClosedTrade } from '../model/trade.js';
import type { RiskSnapshot } from '../risk/engine.js';
import type { RiskStateEvent } from '../risk/events.js';
import type { DecisionRecord, HeadVote, JsonObject } from '../storage/port.js';

/** A finite number or null. */
export function num(x: number | undefined | null): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** Replaces non-finite numbers anywhere in a JSON-like value with null. */
export function plain(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

export function orderDto(o: OrderView) {
  return {
    id: o.id, client_order_id: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, status: o.status,
    quantity: num(o.quantity), price: num(o.price), trigger_price: num(o.triggerPrice), filled_quantity: o.filledQuantity,
    avg_fill_price: num(o.avgFillPrice), fees: o.fees, tag: o.tag ?? null, owner: o.owner ?? null, reason: o.reason ?? null,
    created_at: o.createdAt, updated_at: o.updatedAt,
  };
}

export function fillDto(f: Fill) {
  return {
    trade_id: f.tradeId, order_id: f.orderId, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee,
    liquidity: f.liquidity, tag: f.tag ?? null, time: f.time,
  };
}

export function positionDto(p: PositionView) {
  return {
    symbol: p.symbol, side: p.side, quantity: p.quantity, avg_price: num(p.avgPrice), mark_price: num(p.markPrice),
    unrealized_pnl: num(p.unrealizedPnl) ?? 0, realized_pnl: p.realizedPnl, fees: p.fees, opened_at: num(p.openedAt),
  };
}

export function tradeDto(t: ClosedTrade) {
  return {
    id: t.id, symbol: t.symbol, side: t.side, entry_time: t.entryTime, entry_price: t.entryPrice, exit_time: t.exitTime,
    exit_price: t.exitPrice, quantity: t.quantity, pnl: t.pnl, fees: t.fees, return_pct: t.returnPct, exit_reason: t.exitReason,
  };
}

/** An order event for the `orders` stream: the event's fields in snake_case (the fill in fillDto form). */
export function orderEventDto(e: OrderEvent) {
  const base = { kind: e.kind, order_id: e.orderId, client_order_id: e.clientOrderId, symbol: e.symbol, status: e.status, time: e.time };
  switch (e.kind) {
    case 'order.initialized': return { ...base, order: orderDto(e.order) };
    case 'order.accepted': return { ...base, venue_order_id: e.venueOrderId };
    case 'order.rejected': return { ...base, reason: e.reason, source: e.source };
    case 'order.updated': return { ...base, price: num(e.price), trigger_price: num(e.triggerPrice), quantity: num(e.quantity), tag: e.tag ?? null };
    case 'order.canceled':
    case 'order.expired': return { ...base, reason: e.reason };
    case 'order.filled': return { ...base, fill: fillDto(e.fill), filled_quantity: e.filledQuantity, avg_fill_price: num(e.avgFillPrice) };
    default: return base;
  }
}

export function riskEventDto(e: RiskStateEvent) {
  switch (e.kind) {
    case 'trading-state.changed': return { kind: e.kind, time: e.time, from: e.from, to: e.to, actor: e.actor, reason: e.reason };
    case 'breaker.tripped': return { kind: e.kind, time: e.time, breaker: e.breaker, value: num(e.value), threshold: num(e.threshold), reason: e.reason, resets_at: e.resetsAt };
    case 'breaker.reset': return { kind: e.kind, time: e.time, breaker: e.breaker, actor: e.actor, reason: e.reason };
  }
}

export function riskDto(s: RiskSnapshot) {
  return {
    time: s.time, state: s.state, manual_state: s.manualState,
    holds: s.holds.map((h) => ({ source: h.source, state: h.state, reason: h.reason, since: h.since })),
    last_change: s.lastChange ? { from: s.lastChange.from, to: s.lastChange.to, actor: s.lastChange.actor, reason: s.lastChange.reason, time: s.lastChange.time } : null,
    breakers: s.breakers.map((b) => ({
      name: b.name, status: b.status, action: b.action, value: num(b.value), threshold: num(b.threshold), unit: b.unit,
      tripped_at: b.trippedAt, resets_at: b.resetsAt, reason: b.reason, details: plain(b.details ?? {}) as Record<string, unknown>,
    })),
    limits: plain(s.limits) as Record<string, unknown>,
    config: plain(s.config) as Record<string, unknown>,
    recent_denials: s.recentDenials.map((d) => ({ time: d.time, symbol: d.symbol, check: d.check, reason: d.reason, client_order_id: d.clientOrderId ?? null })),
    denial_counts: { ...s.denialCounts },
    audit_failures: s.auditFailures,
  };
}

export function voteDto(v: HeadVote) {
  return {
    head: v.head, direction: v.direction, confidence: v.confidence, weight: v.weight, horizon_ms: num(v.horizonMs), reason: v.reason ?? null,
    status: v.status, error: v.error ?? null, inputs: v.inputs ? (plain(v.inputs) as JsonObject) : null,
  };
}

export function decisionDto(d: DecisionRecord) {
  return {
    id: d.id, symbol: d.symbol, strategy: d.strategy, action: d.action, side: d.side ?? null, direction: num(d.direction), confidence: d.confidence,
    consensus_score: num(d.consensusScore), size_percent: num(d.sizePercent), entry_price: num(d.entryPrice), stop_loss: num(d.stopLoss),
    take_profit: num(d.takeProfit), reasoning: d.reasoning ?? null, market_analysis: d.marketAnalysis ?? null, risk_assessment: d.riskAssessment ?? null,
    model_used: d.modelUsed ?? null, tokens_used: num(d.tokensUsed), outcome: d.outcome, pnl: num(d.pnl), order_id: d.orderId ?? null,
    executed_at: num(d.executedAt), created_at: d.createdAt, votes: d.votes.map(voteDto),
  };
}
