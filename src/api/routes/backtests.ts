/** Backtests as background jobs, jobs in general, strategies and data sets to pick from. */
import type { FastifyInstance } from 'fastify';
import { bundledDataSets } from '../../data/index.js';
import { errorMessage } from '../../core/errors.js';
import { builtinStrategyNames, describeParams, loadStrategy } from '../../strategy/loader.js';
import type { ApiContext } from '../context.js';
import { plain } from '../dto.js';
import { conflict, notFound } from '../errors.js';
import { checkBacktestRequest } from '../jobs/backtest.js';
import type { JobRecord } from '../jobs/types.js';
import { addRoute } from '../route.js';
import { backtestReportSchema, backtestRequest, backtestsQuery, backtestsResponse, dataSetsResponse, jobLogsResponse, jobSchema, strategiesResponse } from '../schemas/backtests.js';
import { idParams } from '../schemas/common.js';
import { actorOf, audit } from './helpers.js';

export function jobDto(j: JobRecord) {
  return {
    id: j.id, kind: j.kind, status: j.status, progress: j.progress, queue: j.queue, created_at: j.createdAt, started_at: j.startedAt,
    finished_at: j.finishedAt, error: j.error, request: j.request, summary: j.summary ? (plain(j.summary) as Record<string, unknown>) : null,
  };
}

/**
 * Every built-in strategy with its parameters; one that cannot be loaded is an entry with `error`
 * (and no parameters) rather than a failure of the whole list.
 */
export async function describeStrategies(names: readonly string[] = builtinStrategyNames(), load: typeof loadStrategy = loadStrategy) {
  const out = [];
  for (const name of names) {
    try {
      const { definition, file } = await load(name);
      out.push({
        name, description: definition.description ?? '', error: null,
        params: describeParams(definition, file).map((p) => ({ name: p.name, type: p.type, default: p.default ?? null, description: p.description ?? null })),
      });
    } catch (error) {
      out.push({ name, description: '', error: errorMessage(error), params: [] });
    }
  }
  return out;
}

export function registerBacktestRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['backtests and jobs'];
  let strategiesCache: Awaited<ReturnType<typeof describeStrategies>> | undefined;

  addRoute(app, {
    method: 'POST', url: '/api/v1/backtests', scope: 'trade', tags,
    summary: 'Start a backtest as a background job',
    description: 'Built-in strategies and bundled data sets (or stored candle series) only: the API never loads a file or code a client names. Follow it with GET /api/v1/backtests/{id} or the `jobs` stream.',
    body: backtestRequest, response: { 202: jobSchema },
    handler: async ({ body, caller }, reply) => {
      checkBacktestRequest(body);
      const job = await ctx.jobs.enqueue('backtest', JSON.parse(JSON.stringify(body)) as Record<string, unknown>, actorOf(caller));
      await audit(ctx, caller, 'backtest.started', job.id, JSON.parse(JSON.stringify(body)) as Record<string, string>);
      void reply.status(202);
      return jobDto(job);
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/backtests', scope: 'read', tags, summary: 'Backtest jobs and stored runs, newest first', querystring: backtestsQuery, response: { 200: backtestsResponse },
    handler: async ({ query }) => {
      const jobs = (await ctx.jobs.list(query.limit)).filter((j) => j.kind === 'backtest');
      const runs = ctx.storage ? await ctx.storage.backtests.list({ limit: query.limit }) : [];
      return {
        jobs: jobs.map(jobDto),
        runs: runs.map((r) => ({
          id: r.id, strategy: r.strategy, created_at: r.createdAt, metrics: plain(r.metrics) as Record<string, unknown>, period_start: r.periodStart ?? null,
          period_end: r.periodEnd ?? null, trade_count: r.tradeCount,
        })),
      };
    },
  });

  const getJob = async (id: string): Promise<JobRecord> => {
    const job = await ctx.jobs.get(id);
    if (!job) throw notFound(`no job ${id}`);
    return job;
  };

  addRoute(app, {
    method: 'GET', url: '/api/v1/backtests/:id', scope: 'read', tags, summary: 'A backtest job: status and progress', params: idParams, response: { 200: jobSchema },
    handler: async ({ params }) => jobDto(await getJob(params.id)),
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/backtests/:id/report', scope: 'read', tags,
    summary: 'The report of a finished backtest (as `arbiter backtest --json`)',
    description: 'Runs finished before the server restarted come from the database, without orders and equity curve (only metrics and trades are stored).',
    params: idParams, response: { 200: backtestReportSchema },
    handler: async ({ params }, reply) => {
      const job = await ctx.jobs.get(params.id);
      if (job) {
        if (job.status !== 'completed') throw conflict(`the job is ${job.status}${job.error ? `: ${job.error}` : ''}; the report exists once it has completed`);
        const json = await ctx.jobs.result(params.id);
        if (json !== undefined) {
          // Sent as stored: the report is already JSON text.
          return reply.type('application/json; charset=utf-8').send(json);
        }
      }
      const stored = ctx.storage ? await ctx.storage.backtests.get(params.id) : undefined;
      if (!stored) throw notFound(`no backtest ${params.id}`);
      const config = stored.config as { data?: unknown; config?: unknown } | null;
      return plain({
        version: 1, strategy: { name: stored.strategy }, data: config?.data ?? null, config: config?.config ?? null, metrics: stored.metrics,
        trades: stored.trades.map((t) => ({ ...t, entryTag: t.entryTag ?? null })), orders: [], equity: [],
        warnings: ['stored run: the orders and the equity curve are kept only by the server that ran the job, until it restarts'],
      });
    },
  });

  addRoute(app, {
    method: 'DELETE', url: '/api/v1/backtests/:id', scope: 'trade', tags, summary: 'Cancel a queued or running backtest', params: idParams, response: { 200: jobSchema },
    handler: async ({ params, caller }) => {
      let job: JobRecord | undefined;
      try {
        job = await ctx.jobs.cancel(params.id);
      } catch (error) {
        throw conflict(error instanceof Error ? error.message : String(error));
      }
      if (!job) throw notFound(`no job ${params.id}`);
      await audit(ctx, caller, 'job.cancel', params.id, { status: job.status });
      return jobDto(job);
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/jobs/:id', scope: 'read', tags, summary: 'Any job (backtest or training): status and progress', params: idParams, response: { 200: jobSchema },
    handler: async ({ params }) => jobDto(await getJob(params.id)),
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/jobs/:id/logs', scope: 'read', tags, summary: 'A job\'s log lines (also streamed on /ws topic `jobs`)', params: idParams, response: { 200: jobLogsResponse },
    handler: async ({ params }) => {
      await getJob(params.id);
      return { lines: await ctx.jobs.logs(params.id) };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/strategies', scope: 'read', tags, summary: 'Built-in strategies and their parameters',
    description: 'A strategy that fails to load is listed with `error` (and no parameters) instead of failing the whole list.',
    response: { 200: strategiesResponse },
    handler: async () => {
      const list = strategiesCache ?? (await describeStrategies());
      // Kept once every strategy loaded; a failure is tried again on the next request.
      if (list.every((s) => s.error === null)) strategiesCache = list;
      return { strategies: list };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/data-sets', scope: 'read', tags, summary: 'Bundled data sets and candle series stored in the database', response: { 200: dataSetsResponse },
    handler: async () => ({
      bundled: bundledDataSets.filter((d) => d.kind === 'bars').map((d) => ({ file: d.file, symbol: d.symbol, timeframe: d.timeframe, rows: d.rows, first: d.first, last: d.last, description: d.description })),
      stored: ctx.storage ? (await ctx.storage.candles.list()).map((s) => ({ venue: s.venue, symbol: s.symbol, timeframe: s.timeframe, first: s.first, last: s.last, count: s.count })) : [],
    }),
  });
}
