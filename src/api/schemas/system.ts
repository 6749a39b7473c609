/** System status, identity and audit log. */
import { z } from 'zod';
import { jsonObject, limitQuery, maybeNumber, timeMs } from './common.js';

const componentSchema = z.object({ name: z.string(), state: z.enum(['ready', 'running', 'degraded', 'faulted', 'stopped']), reason: z.string().nullable(), since: timeMs });

export const systemStatusResponse = z.object({
  mode: z.enum(['paper', 'live']),
  live_enabled: z.boolean(),
  started_at: timeMs,
  uptime_ms: z.number(),
  session: z.object({
    state: z.string(), strategy: z.string(), params: jsonObject, symbols: z.array(z.string()), timeframe: z.string(),
    replay: z.object({ delivered: z.number().int(), total: z.number().int(), speed: z.union([z.number(), z.literal('max')]), time: timeMs.nullable() }),
    fault: z.string().nullable(),
  }).nullable(),
  components: z.array(componentSchema),
  feed: z.object({
    state: z.string(), bars_received: z.number().int(), bars_per_second: z.number(), last_bar_time: timeMs.nullable(), last_bar_received_at: timeMs.nullable(),
  }).nullable(),
  http: z.object({
    requests: z.number().int(), requests_per_second: z.number(),
    responses: z.object({ '2xx': z.number().int(), '3xx': z.number().int(), '4xx': z.number().int(), '5xx': z.number().int() }),
    rejected: z.record(z.string(), z.number().int()).describe('Turned-away requests by reason'),
    latency_ms: z.object({ p50: maybeNumber, p95: maybeNumber, p99: maybeNumber, max: maybeNumber, samples: z.number().int() }),
  }),
  ws: z.object({ clients: z.number().int(), messages_sent: z.number().int(), messages_dropped: z.number().int() }),
  events: z.object({ total: z.number().int(), per_second: z.number() }),
  jobs: z.object({ queue: z.enum(['in-process', 'bullmq']), queued: z.number().int(), running: z.number().int() }),
  storage: z.object({ dialect: z.string(), url: z.string(), journal_failures: z.number().int() }).nullable(),
  decision_core: z.object({ available: z.boolean(), detail: z.string().nullable() }),
  notifications: z.object({ telegram: z.boolean(), webhook: z.boolean() }),
});

export const whoamiResponse = z.object({ token_id: z.string(), scopes: z.array(z.enum(['read', 'trade', 'admin'])), label: z.string().nullable(), source: z.enum(['stored', 'session']) });

export const auditQuery = z.strictObject({ limit: limitQuery(100, 5000), action: z.string().max(100).optional() });
export const auditResponse = z.object({
  entries: z.array(z.object({ seq: z.number().int(), time: timeMs, actor: z.string(), action: z.string(), subject: z.string().nullable(), details: z.unknown() })),
});
