/** MISSION §2 monitoring: model performance, recent predictions, execution matrix, RL agents. */
import type { FastifyInstance } from 'fastify';
import type { ModelPerformanceRecord } from '../../storage/port.js';
import type { ApiContext } from '../context.js';
import { num, plain } from '../dto.js';
import { addRoute } from '../route.js';
import { executionMatrixResponse, mlPerformanceResponse, predictionsQuery, predictionsResponse, rlAgentsResponse } from '../schemas/monitoring.js';
import { requireSession } from './helpers.js';

/** Model kinds that are reinforcement-learning agents. */
const RL_KINDS = new Set(['ppo', 'rl', 'dqn', 'a2c', 'sac']);

function evaluationDto(e: ModelPerformanceRecord) {
  return { split: e.split, evaluated_at: e.evaluatedAt, period_start: e.periodStart ?? null, period_end: e.periodEnd ?? null, metrics: plain(e.metrics) as Record<string, unknown> };
}

export function registerMonitoringRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['monitoring (MISSION §2)'];

  addRoute(app, {
    method: 'GET', url: '/api/ml/performance', scope: 'read', tags, summary: 'Registered models with their metrics and evaluations', response: { 200: mlPerformanceResponse },
    handler: async () => {
      if (!ctx.storage) return { models: [] };
      const models = await ctx.storage.models.list();
      const out = [];
      for (const m of models) {
        const evaluations = await ctx.storage.models.performance(m.name, m.version);
        out.push({
          name: m.name, version: m.version, kind: m.kind, stage: m.stage, metrics: plain(m.metrics) as Record<string, unknown>, created_at: m.createdAt,
          evaluations: evaluations.map(evaluationDto),
        });
      }
      return { models: out };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/ml/predictions/recent', scope: 'read', tags, summary: 'Recent model predictions with their outcomes', querystring: predictionsQuery, response: { 200: predictionsResponse },
    handler: async ({ query }) => {
      if (!ctx.storage) return { predictions: [] };
      const rows = await ctx.storage.predictions.list({ limit: query.limit, ...(query.model_name ? { modelName: query.model_name } : {}) });
      return {
        predictions: rows.map((p) => ({
          id: p.id, model_name: p.modelName, model_version: p.modelVersion, symbol: p.symbol, timeframe: p.timeframe ?? null, predicted_at: p.predictedAt,
          target_time: p.targetTime, prediction: p.prediction, confidence: num(p.confidence), actual: num(p.actual), correct: p.correct ?? null,
        })),
      };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/execution/matrix', scope: 'read', tags,
    summary: 'Success rate per execution path',
    description: 'A path is who sent the order (`api`, `flash-loan`, `tradingview`, a strategy id) and its type. `success_rate` = filled / finished orders (filled, rejected, canceled, expired); null before any finished.',
    response: { 200: executionMatrixResponse },
    handler: async () => {
      const session = requireSession(ctx);
      const rows = new Map<string, { source: string; type: string; c: Record<string, number> }>();
      for (const o of session.kernel.execution.all()) {
        const source = o.owner ?? 'unknown';
        const key = `${source}/${o.type}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { source, type: o.type, c: {} }));
        row.c[o.status] = (row.c[o.status] ?? 0) + 1;
      }
      const paths = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, { source, type, c }]) => {
        const filled = c.filled ?? 0;
        const rejected = c.rejected ?? 0;
        const canceled = c.canceled ?? 0;
        const expired = c.expired ?? 0;
        const partially = c['partially-filled'] ?? 0;
        const open = (c.submitted ?? 0) + (c.accepted ?? 0) + (c.triggered ?? 0) + partially + (c.initialized ?? 0);
        const finished = filled + rejected + canceled + expired;
        return {
          path, source, order_type: type, orders: finished + open, filled, partially_filled: partially, rejected, canceled, expired, open,
          success_rate: finished > 0 ? filled / finished : null,
        };
      });
      return Promise.resolve({ paths });
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/rl/agents/status', scope: 'read', tags,
    summary: 'Reinforcement-learning agents in the model registry',
    description: `Models of kind ${[...RL_KINDS].join(', ')} with their stage (research, paper, live) and last evaluation.`,
    response: { 200: rlAgentsResponse },
    handler: async () => {
      if (!ctx.storage) return { agents: [] };
      const models = (await ctx.storage.models.list()).filter((m) => RL_KINDS.has(m.kind.toLowerCase()));
      const agents = [];
      for (const m of models) {
        const evaluations = await ctx.storage.models.performance(m.name, m.version);
        const last = evaluations.reduce<ModelPerformanceRecord | undefined>((best, e) => (!best || e.evaluatedAt > best.evaluatedAt ? e : best), undefined);
        agents.push({
          name: m.name, version: m.version, kind: m.kind, stage: m.stage, metrics: plain(m.metrics) as Record<string, unknown>, updated_at: m.updatedAt ?? m.createdAt,
          last_evaluation: last ? evaluationDto(last) : null,
        });
      }
      return { agents };
    },
  });
}
