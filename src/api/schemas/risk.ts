/** Risk state, kill switch, breaker reset and threshold edits (docs/risk.md). */
import { z } from 'zod';
import { breakerNames } from '../../risk/events.js';
import { jsonObject, maybeNumber, timeMs } from './common.js';

export const tradingStateField = z.enum(['ACTIVE', 'REDUCING', 'HALTED']);
const reasonField = z.string().trim().min(1, 'say why (it goes to the audit log)').max(500);

export const riskResponse = z.object({
  time: timeMs,
  state: tradingStateField,
  manual_state: tradingStateField,
  holds: z.array(z.object({ source: z.string(), state: tradingStateField, reason: z.string(), since: timeMs })),
  last_change: z.object({ from: tradingStateField, to: tradingStateField, actor: z.string(), reason: z.string(), time: timeMs }).nullable(),
  breakers: z.array(z.object({
    name: z.string(), status: z.enum(['disabled', 'armed', 'tripped']), action: z.string().nullable(), value: maybeNumber, threshold: maybeNumber,
    unit: z.string(), tripped_at: timeMs.nullable(), resets_at: timeMs.nullable(), reason: z.string().nullable(), details: jsonObject,
  })),
  limits: jsonObject.describe('The limits section of the risk config (config-file key names)'),
  config: jsonObject.describe('The whole risk config (config-file key names, docs/risk.md)'),
  recent_denials: z.array(z.object({ time: timeMs, symbol: z.string(), check: z.string(), reason: z.string(), client_order_id: z.string().nullable() })),
  denial_counts: z.record(z.string(), z.number()),
  audit_failures: z.number().int(),
}).meta({ id: 'RiskState' });

export const tradingStateRequest = z.strictObject({
  state: tradingStateField,
  reason: reasonField,
  cancel_open_orders: z.boolean().default(false).describe('Also cancel every open order'),
});

export const tradingStateResponse = z.object({
  requested: tradingStateField,
  effective: tradingStateField,
  held_by: z.array(z.string()).describe('Breakers whose hold keeps a stricter state'),
  canceled_orders: z.number().int(),
  risk: riskResponse,
});

export const breakerParams = z.strictObject({ name: z.enum(breakerNames as unknown as [string, ...string[]]) });
export const breakerResetRequest = z.strictObject({ reason: reasonField });
export const breakerResetResponse = z.object({ reset: z.boolean(), risk: riskResponse });

export const riskConfigRequest = z.strictObject({
  patch: z.strictObject({ limits: jsonObject.optional(), breakers: jsonObject.optional(), recentDenials: z.number().int().optional() })
    .describe('Sections merged key by key into the current config; a breaker set to null is turned off'),
  reason: reasonField,
});
export const riskConfigResponse = z.object({ risk: riskResponse });
