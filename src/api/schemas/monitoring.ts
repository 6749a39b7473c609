/** MISSION §2 monitoring endpoints: models, predictions, execution matrix, RL agents, training. */
import { z } from 'zod';
import { jsonObject, limitQuery, maybeNumber, timeMs } from './common.js';

export const evaluationSchema = z.object({
  split: z.string(), evaluated_at: timeMs, period_start: timeMs.nullable(), period_end: timeMs.nullable(), metrics: jsonObject,
});

export const mlPerformanceResponse = z.object({
  models: z.array(z.object({
    name: z.string(), version: z.string(), kind: z.string(), stage: z.enum(['research', 'paper', 'live']), metrics: jsonObject,
    created_at: timeMs, evaluations: z.array(evaluationSchema),
  })),
});

export const predictionsQuery = z.strictObject({ limit: limitQuery(50, 1000), model_name: z.string().max(200).optional() });
export const predictionsResponse = z.object({
  predictions: z.array(z.object({
    id: z.string(), model_name: z.string(), model_version: z.string(), symbol: z.string(), timeframe: z.string().nullable(),
    predicted_at: timeMs, target_time: timeMs, prediction: z.number(), confidence: maybeNumber, actual: maybeNumber, correct: z.boolean().nullable(),
  })),
});

export const executionMatrixResponse = z.object({
  paths: z.array(z.object({
    path: z.string().describe('`<source>/<order type>`: who sent the order and how'),
    source: z.string(),
    order_type: z.string(),
    orders: z.number().int(),
    filled: z.number().int(),
    partially_filled: z.number().int(),
    rejected: z.number().int(),
    canceled: z.number().int(),
    expired: z.number().int(),
    open: z.number().int(),
    success_rate: maybeNumber.describe('filled / finished orders'),
  })),
});

export const rlAgentsResponse = z.object({
  agents: z.array(z.object({
    name: z.string(), version: z.string(), kind: z.string(), stage: z.enum(['research', 'paper', 'live']), metrics: jsonObject,
    updated_at: timeMs, last_evaluation: evaluationSchema.nullable(),
  })),
});

export const trainQuery = z.strictObject({ model_type: z.string().min(1).max(100) });
