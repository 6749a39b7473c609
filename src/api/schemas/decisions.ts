/** Decisions with every head's vote (MISSION §§2–4) and the heads' status. */
import { z } from 'zod';
import { jsonObject, limitQuery, maybeNumber, symbolField, timeMs } from './common.js';

export const voteSchema = z.object({
  head: z.string(),
  direction: z.number().describe('−1 (short) … 1 (long); 0 is flat'),
  confidence: z.number(),
  weight: z.number().describe('The head\'s weight in the consensus when it voted'),
  horizon_ms: maybeNumber,
  reason: z.string().nullable(),
  status: z.enum(['ok', 'abstained', 'faulted']),
  error: z.string().nullable(),
  inputs: jsonObject.nullable().describe('The features the head used'),
}).meta({ id: 'Vote' });

export const decisionSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  strategy: z.string(),
  action: z.string().describe('buy, sell, hold, close…'),
  side: z.enum(['buy', 'sell']).nullable(),
  direction: maybeNumber,
  confidence: z.number(),
  consensus_score: maybeNumber,
  size_percent: maybeNumber,
  entry_price: maybeNumber,
  stop_loss: maybeNumber,
  take_profit: maybeNumber,
  reasoning: z.string().nullable(),
  market_analysis: z.string().nullable(),
  risk_assessment: z.string().nullable(),
  model_used: z.string().nullable(),
  tokens_used: maybeNumber,
  outcome: z.enum(['win', 'loss', 'pending']),
  pnl: maybeNumber,
  order_id: z.string().nullable(),
  executed_at: timeMs.nullable(),
  created_at: timeMs,
  votes: z.array(voteSchema),
}).meta({ id: 'Decision' });

export const recentDecisionsQuery = z.strictObject({ limit: limitQuery(20, 500), symbol: symbolField.optional() });
export const decisionsQuery = z.strictObject({ limit: limitQuery(50, 1000), symbol: symbolField.optional(), strategy: z.string().max(100).optional() });
export const recentDecisionsResponse = z.object({ count: z.number().int(), decisions: z.array(decisionSchema) });
export const decisionsResponse = z.object({ decisions: z.array(decisionSchema) });

export const headStatusSchema = z.object({
  name: z.string(),
  kind: z.string(),
  state: z.string(),
  weight: maybeNumber,
  signals: z.number().int(),
  errors: z.number().int(),
  last_signal_at: timeMs.nullable(),
  last_signal: jsonObject.nullable(),
});
export const headsResponse = z.object({ heads: z.array(headStatusSchema) });
