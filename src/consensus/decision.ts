/**
 * The Decision: what the ensemble concluded for one symbol at one bar close, with every head's
 * vote, weight and reason, the heads that were faulted, and the size the Sizer gave it. It is
 * published on the bus (`decision`) and stored in `ai_decisions` with its votes.
 */
import type { JsonObject, DecisionRecord, HeadVote } from '../storage/port.js';
import type { ConsensusMode } from './config.js';
import type { Vote } from './vote.js';

/**
 * `buy`: open or add long (reversing a short); `sell`: open short (reversing a long) — or, when
 * shorting is off, close a long; `close`: close the position; `hold`: nothing to do.
 */
export type DecisionAction = 'buy' | 'sell' | 'close' | 'hold';
export const DECISION_ACTIONS: readonly DecisionAction[] = ['buy', 'sell', 'close', 'hold'];

/** The size the Sizer gave a decision that opens a position. */
export interface DecisionSize {
  /** Fraction of equity after the size scale and lot rounding. */
  readonly fraction: number;
  readonly quantity: number;
  readonly notional: number;
  /** ½ … 1 from the decision's confidence (see `sizeScale`). */
  readonly scale: number;
  readonly reason: string;
}

export interface Decision {
  readonly id: string;
  /** The bar close it was made at (UTC epoch ms). */
  readonly time: number;
  readonly symbol: string;
  readonly strategy: string;
  readonly action: DecisionAction;
  /** The side of the order the action calls for (none for `hold`). */
  readonly side?: 'buy' | 'sell';
  /** The consensus direction: 1 long, −1 short, 0 none. */
  readonly direction: -1 | 0 | 1;
  /** The consensus confidence (calibrated), 0 … 1. */
  readonly confidence: number;
  /** Signed consensus score, −1 … 1 (per mode: docs/decision-core.md). */
  readonly score: number;
  readonly mode: ConsensusMode;
  /** The close the decision was made at. */
  readonly price: number;
  readonly size?: DecisionSize;
  /** Every head's vote, in panel order. */
  readonly votes: readonly Vote[];
  /** Heads that threw or overran their time budget, excluded from the vote. */
  readonly faulted: readonly string[];
  /** One line: how the consensus came about and what follows for the position. */
  readonly reasoning: string;
}

function voteRecord(v: Vote): HeadVote {
  const inputs: Record<string, JsonObject[string]> = { ...v.inputs };
  if (v.status === 'ok' && v.rawConfidence !== v.confidence) inputs.rawConfidence = v.rawConfidence;
  return {
    head: v.head,
    direction: Math.max(-1, Math.min(1, v.direction)),
    confidence: Math.max(0, Math.min(1, v.confidence)),
    weight: v.weight,
    status: v.status,
    ...(v.status === 'ok' ? { horizonMs: v.horizonMs } : {}),
    ...(v.reason !== '' ? { reason: v.reason } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(v.error !== undefined ? { error: v.error } : {}),
  };
}

/** The `ai_decisions` row with its votes. */
export function toDecisionRecord(d: Decision): DecisionRecord {
  return {
    id: d.id,
    symbol: d.symbol,
    strategy: d.strategy,
    action: d.action,
    direction: d.direction,
    confidence: d.confidence,
    consensusScore: d.score,
    entryPrice: d.price,
    reasoning: d.reasoning,
    modelUsed: `consensus:${d.mode}`,
    outcome: 'pending',
    createdAt: d.time,
    votes: d.votes.map(voteRecord),
    ...(d.side !== undefined ? { side: d.side } : {}),
    ...(d.size ? { sizePercent: d.size.fraction * 100, riskAssessment: d.size.reason } : {}),
  };
}
