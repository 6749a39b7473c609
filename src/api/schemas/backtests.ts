/** Backtests as background jobs, and the jobs themselves (backtests and model training). */
import { z } from 'zod';
import { jsonObject, limitQuery, maybeNumber, symbolField, timeMs } from './common.js';
import { timeframeField } from './market.js';

export const jobStatusField = z.enum(['queued', 'running', 'completed', 'failed', 'canceled']);

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(['backtest', 'train']),
  status: jobStatusField,
  progress: z.number().min(0).max(1),
  queue: z.enum(['in-process', 'bullmq']),
  created_at: timeMs,
  started_at: timeMs.nullable(),
  finished_at: timeMs.nullable(),
  error: z.string().nullable(),
  request: jsonObject,
  summary: jsonObject.nullable().describe('For a finished backtest: final_equity, total_return, sharpe, max_drawdown, trades, win_rate'),
}).meta({ id: 'Job' });

const dateField = z.union([z.number().int(), z.string().min(4).max(40)]).describe('UTC epoch ms or an ISO-8601 date');

export const backtestRequest = z.strictObject({
  strategy: z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9-]*$/, 'a built-in strategy name (see GET /api/v1/strategies)'),
  data: z.array(z.string().min(1).max(200)).min(1).max(20).optional().describe('Bundled data sets (see GET /api/v1/data-sets)'),
  series: z.array(z.strictObject({ symbol: symbolField, timeframe: timeframeField, venue: z.string().max(100).optional() })).min(1).max(20).optional()
    .describe('Candle series stored in the database'),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  cash: z.number().positive().finite().max(1e15).optional(),
  fee: z.number().min(0).max(0.5).optional(),
  slippage_bps: z.number().min(0).max(10_000).optional(),
  from: dateField.optional(),
  to: dateField.optional(),
  convention: z.enum(['arbiter', 'backtesting.py', 'freqtrade', 'backtrader']).optional(),
}).superRefine((body, ctx) => {
  if ((body.data === undefined) === (body.series === undefined)) ctx.addIssue({ code: 'custom', path: ['data'], message: 'give either data (bundled data sets) or series (stored candles)' });
});
export type BacktestRequest = z.infer<typeof backtestRequest>;

export const backtestsQuery = z.strictObject({ limit: limitQuery(50, 500) });
export const backtestsResponse = z.object({
  jobs: z.array(jobSchema),
  runs: z.array(z.object({ id: z.string(), strategy: z.string(), created_at: timeMs, metrics: jsonObject, period_start: timeMs.nullable(), period_end: timeMs.nullable(), trade_count: z.number().int() })),
});

export const jobLogsResponse = z.object({ lines: z.array(z.object({ time: timeMs, level: z.enum(['info', 'warn', 'error']), message: z.string() })) });

export const strategiesResponse = z.object({
  strategies: z.array(z.object({
    name: z.string(), description: z.string(),
    params: z.array(z.object({ name: z.string(), type: z.string(), default: z.unknown(), description: z.string().nullable() })),
    error: z.string().nullable().describe('Why the strategy could not be loaded (then `params` is empty); null when it loads'),
  })),
});

export const dataSetsResponse = z.object({
  bundled: z.array(z.object({ file: z.string(), symbol: z.string(), timeframe: z.string(), rows: z.number().int(), first: z.string(), last: z.string(), description: z.string() })),
  stored: z.array(z.object({ venue: z.string(), symbol: z.string(), timeframe: z.string(), first: timeMs, last: timeMs, count: z.number().int() })),
});

export const jobSummary = z.object({
  final_equity: z.number(), total_return: z.number(), sharpe: maybeNumber, max_drawdown: z.number(), trades: z.number().int(), win_rate: maybeNumber,
});

/** A backtest report (docs/backtesting.md; the JSON of `arbiter backtest --json`). */
export const backtestReportSchema = z.looseObject({
  version: z.number(),
  strategy: jsonObject,
  metrics: jsonObject,
  trades: z.array(jsonObject),
  orders: z.array(jsonObject),
  equity: z.array(z.tuple([z.number(), z.number()])).describe('[time, equity] per bar'),
  warnings: z.array(z.string()),
});
