/**
 * The TradingView webhook (MISSION §5). TradingView posts the alert's message as it is: JSON when
 * the message is valid JSON, otherwise text (src/api/tradingview/parse.ts reads both). The JSON
 * form is loose on purpose — alert templates name fields in many ways — and is normalised by the
 * parser, not rejected for extra keys.
 */
import { z } from 'zod';
import { limitQuery, maybeNumber, symbolField, timeMs } from './common.js';

/** The documented JSON fields (others are accepted and kept with the signal). */
export const tradingViewAlertSchema = z.looseObject({
  passphrase: z.string().optional().describe('Shared secret (also accepted as `secret` or the X-Arbiter-Passphrase header)'),
  ticker: z.string().optional().describe('`{{ticker}}`, e.g. BTCUSDT, BINANCE:BTCUSDT, BTCUSDT.P (also `symbol`)'),
  action: z.string().optional().describe('buy | sell | close (also long/short/exit, `{{strategy.order.action}}`; also `side`, `signal`, `event`)'),
  price: z.union([z.number(), z.string()]).optional().describe('`{{close}}` or `{{strategy.order.price}}`'),
  strategy: z.string().optional(),
  timeframe: z.union([z.string(), z.number()]).optional().describe('`{{interval}}`: 1, 5, 60, 1D, 1h… (also `interval`)'),
  indicators: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
  contracts: z.union([z.number(), z.string()]).optional(),
  time: z.union([z.string(), z.number()]).optional(),
}).meta({ id: 'TradingViewAlert' });

export const tradingViewResponse = z.object({
  signal_id: z.string(),
  ticker: z.string(),
  action: z.string(),
  confidence: z.number(),
  should_execute: z.boolean(),
  recommended_position_size: z.number().describe('Fraction of equity (0 … 0.2)'),
  reasoning: z.object({
    sources: z.array(z.object({
      source: z.string().describe('`tradingview` (the alert) or a session head'), direction: z.number(), confidence: z.number(), weight: maybeNumber, reason: z.string().nullable(),
      status: z.enum(['ok', 'abstained', 'faulted']),
    })),
    consensus_score: z.number(),
    ai_confidence: z.number().describe('Support of the session heads for the alert\'s side: Σ w·c of the heads on that side ÷ Σ w of the heads not faulted'),
    market_price: maybeNumber,
    support_levels: z.array(z.number()),
    resistance_levels: z.array(z.number()),
    explanation: z.string().describe('How the consensus came about'),
    trading_state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
    tripped_breakers: z.array(z.string()),
    blockers: z.array(z.string()).describe('What stops execution now (empty when should_execute)'),
  }),
  reason: z.string().describe('Why it should or should not execute, in one line'),
  decision_id: z.string().nullable().describe('The ai_decisions row (GET /api/v1/decisions/{id})'),
  order: z.object({ order_id: z.string(), status: z.string(), reason: z.string().nullable() }).nullable().describe('The paper order placed (tradingview.execute: true), else null'),
}).meta({ id: 'TradingViewDecision' });

export const tradingViewSignalsQuery = z.strictObject({ limit: limitQuery(50, 1000), ticker: symbolField.optional() });
export const tradingViewSignalsResponse = z.object({
  signals: z.array(z.object({
    signal_id: z.string(), received_at: timeMs, ticker: z.string(), action: z.string(), price: maybeNumber, strategy: z.string().nullable(),
    timeframe: z.string().nullable(), confidence: maybeNumber, should_execute: z.boolean().nullable(), recommended_position_size: maybeNumber,
    status: z.enum(['received', 'executed', 'rejected', 'ignored']),
  })),
});
