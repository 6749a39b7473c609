/**
 * MISSION §3 (AI analysis, decisions, scalping) and §5 (model training, prediction, signal
 * aggregation): requests and responses of the session's decision core and the ML registry.
 */
import { z } from 'zod';
import { jsonObject, maybeNumber, symbolField, timeMs } from './common.js';
import { voteSchema } from './decisions.js';

const actionField = z.enum(['buy', 'sell', 'close', 'hold']);

export const aiAnalyzeRequest = z.strictObject({ symbol: symbolField });

export const aiDecisionRequest = z.strictObject({
  symbol: symbolField,
  strategy: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .describe('The name the decision is filed under (`GET /api/v1/decisions?strategy=`)'),
});

export const sizeAdviceSchema = z.object({
  fraction: z.number().describe('Fraction of equity, 0 … cap'),
  quantity: z.number().describe('Base quantity at the last close (lot-rounded)'),
  notional: z.number(),
  cap: z.number().describe('Largest fraction: the opportunity config\'s maxPositionFraction, or a tighter risk limit'),
  reason: z.string(),
}).meta({ id: 'SizeAdvice' });

export const marketAnalysisSchema = z.object({
  bar_time: timeMs.describe('Open time of the last closed bar'),
  close: z.number(),
  change_pct: maybeNumber.describe('Fractional change over `change_bars` bars'),
  change_bars: z.number().int(),
  ema_20: maybeNumber,
  ema_50: maybeNumber,
  trend: z.enum(['up', 'down', 'sideways', 'unknown']),
  rsi_14: maybeNumber,
  atr_14: maybeNumber,
  atr_pct: maybeNumber.describe('ATR / close'),
  volume_ratio: maybeNumber.describe('Last volume / mean of the 20 before'),
  support: z.array(z.number()),
  resistance: z.array(z.number()),
});

export const riskAssessmentSchema = z.object({
  trading_state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
  tripped_breakers: z.array(z.string()),
  position: z.object({ side: z.enum(['long', 'short']), quantity: z.number(), avg_price: maybeNumber, unrealized_pnl: maybeNumber }).nullable(),
  risk_at_stop: maybeNumber.describe('Loss at the stop-loss for the recommended size'),
  blockers: z.array(z.string()).describe('Why the action cannot be taken now; empty when it can'),
});

export const aiAnalysisResponse = z.object({
  symbol: z.string(),
  timeframe: z.string(),
  time: timeMs.describe('The bar close the consensus decided at'),
  price: z.number().describe('The close it decided at'),
  action: actionField,
  side: z.enum(['buy', 'sell']).nullable(),
  direction: z.number().int().min(-1).max(1),
  confidence: z.number(),
  consensus_score: z.number(),
  should_trade: z.boolean(),
  reasoning: z.string(),
  market_analysis: z.string(),
  risk_assessment: z.string(),
  model_used: z.string(),
  tokens_used: z.number().int(),
  decision_id: z.string().describe('The decision core\'s own decision this analysis is about'),
  recommended_size: sizeAdviceSchema,
  entry_price: maybeNumber,
  stop_loss: maybeNumber,
  take_profit: maybeNumber,
  market: marketAnalysisSchema,
  risk: riskAssessmentSchema,
  votes: z.array(voteSchema),
}).meta({ id: 'AiAnalysis' });

export const scalpingToggleRequest = z.strictObject({ enabled: z.boolean() });

export const scalpingStatusResponse = z.object({
  enabled: z.boolean(),
  preset: z.enum(['conservative', 'aggressive', 'custom']),
  config: jsonObject.describe('The service\'s settings, with the configuration\'s key names (docs/decision-core.md)'),
  symbols: z.array(z.string()),
  time: timeMs.nullable().describe('Time of the last bar the service saw'),
  last_scan_at: timeMs.nullable(),
  scans: z.number().int(),
  open_positions: z.array(z.object({
    symbol: z.string(), side: z.enum(['long', 'short']), quantity: z.number(), entry_price: z.number(), opened_at: timeMs, held_ms: z.number(), unrealized_pnl: maybeNumber,
  })),
  today: z.object({
    date: z.string().nullable().describe('YYYY-MM-DD (UTC) of the session clock'),
    start_equity: maybeNumber,
    pnl: z.number().describe('Equity change since 00:00 UTC'),
    loss_limit: z.number().describe('maxDailyLoss, a fraction of the day\'s starting equity'),
    halted: z.boolean().describe('The daily loss limit was hit: no entries until 00:00 UTC'),
    trades: z.number().int().describe('The scalper\'s trades closed today'),
    realized_pnl: z.number().describe('Their net PnL'),
  }),
  trades: z.object({ total: z.number().int(), wins: z.number().int(), losses: z.number().int(), pnl: z.number() }),
  decisions: z.object({ buy: z.number().int(), sell: z.number().int(), close: z.number().int(), hold: z.number().int() }),
  skipped: z.record(z.string(), z.number().int()).describe('Entries the service\'s own rules skipped, by reason'),
  last_decision: z.object({ id: z.string(), time: timeMs, symbol: z.string(), action: actionField, confidence: z.number(), reasoning: z.string() }).nullable(),
  heads: z.array(z.object({ id: z.string(), weight: z.number() })),
}).meta({ id: 'ScalpingStatus' });

export const tickerParams = z.strictObject({ ticker: z.string().min(1).max(64) });

export const signalAggregateResponse = z.object({
  ticker: z.string(),
  timeframe: z.string(),
  time: timeMs.describe('The bar close the heads voted at'),
  price: z.number(),
  mode: z.string().describe('Consensus rule: quorum, weighted, …'),
  direction: z.number().int().min(-1).max(1),
  action: actionField,
  consensus_score: z.number().describe('Signed, −1 … 1'),
  confidence: z.number().describe('Calibrated consensus confidence, 0 … 1'),
  votes: z.array(voteSchema),
  counts: z.object({ long: z.number().int(), short: z.number().int(), flat: z.number().int(), abstained: z.number().int(), faulted: z.number().int() }),
  recommended_position_size: z.number().describe('Fraction of equity (fractional Kelly on the confidence, capped)'),
  recommended_size: sizeAdviceSchema,
  reasoning: z.string(),
  model_used: z.string(),
}).meta({ id: 'SignalAggregate' });

const dateField = z.union([z.number().int(), z.string().min(4).max(40)]).describe('UTC epoch ms or an ISO-8601 date');

const modelName = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');

export const modelTrainRequest = z.strictObject({
  model_type: z.string().trim().min(1).max(100).describe('A trainable model type (`logistic`)'),
  model_name: modelName.optional().describe('Registry name; default `<symbol>-<timeframe>-direction` of the data set'),
  data: z.string().min(1).max(200).optional().describe('A bundled bar data set (GET /api/v1/data-sets); default BTC_USDT-1h.csv'),
  horizon_bars: z.number().int().min(1).max(500).optional().describe('Label: is the close higher this many bars later (default 4)'),
  validation_fraction: z.number().min(0.05).max(0.9).optional().describe('Share of the (time-ordered) rows held out (default 0.3)'),
  l2: z.number().min(0).max(1e6).optional().describe('L2 penalty (default 1)'),
  features: z.array(z.string().min(1).max(100)).min(1).max(100).optional().describe('Default-set feature names (docs/features.md)'),
  from: dateField.optional().describe('Train on bars from this time on'),
  to: dateField.optional().describe('Train on bars before this time (keep the period you will predict on out of the training data)'),
});
export type ModelTrainRequest = z.infer<typeof modelTrainRequest>;

export const trainStartedResponse = z.object({
  job_id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'canceled']),
  model_type: z.string(),
  queue: z.enum(['in-process', 'bullmq']),
});

export const predictQuery = z.strictObject({
  model_name: modelName.optional().describe('Default: the most recently registered logistic model'),
  model_version: z.string().min(1).max(100).optional().describe('Default: the newest version'),
});

export const predictionResponse = z.object({
  ticker: z.string(),
  timeframe: z.string(),
  model_name: z.string(),
  model_version: z.string(),
  model_kind: z.string(),
  probability_up: z.number().describe('P(close higher after horizon_bars)'),
  direction: z.enum(['up', 'down']),
  confidence: z.number().describe('max(p, 1 − p)'),
  horizon_bars: z.number().int(),
  features_time: timeMs.describe('Open time of the bar the features were computed at'),
  predicted_at: timeMs.describe('When the features were known (that bar\'s close)'),
  target_time: timeMs.describe('When the prediction can be scored'),
  features: z.record(z.string(), z.number()),
  prediction_id: z.string().describe('Logged in ai_predictions once per model version, symbol and bar'),
}).meta({ id: 'Prediction' });
