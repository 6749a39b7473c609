/**
 * Every endpoint of the API, through `fastify.inject` on a paper session replaying the bundled
 * BTC/USDT 1h data: the happy path (status and the response checked against the endpoint's own
 * schema — the contract), a validation failure (400 naming the field), a missing token (401), a
 * token one scope short (403), live mode refused where an endpoint can trade live, and unknown
 * symbols (404, nothing changed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { analyzeResponseSchema, executeResponseSchema, flashLoanResponseSchema, monitorResponseSchema, performanceResponseSchema } from '../../src/api/schemas/arbitrage.js';
import { backtestReportSchema, backtestsResponse, dataSetsResponse, jobLogsResponse, jobSchema, strategiesResponse } from '../../src/api/schemas/backtests.js';
import { errorSchema, healthSchema } from '../../src/api/schemas/common.js';
import { decisionSchema, decisionsResponse, recentDecisionsResponse } from '../../src/api/schemas/decisions.js';
import { candlesResponse, chartResponse, featuresResponse, indicatorsResponse, symbolsResponse } from '../../src/api/schemas/market.js';
import { executionMatrixResponse, mlPerformanceResponse, predictionsResponse, rlAgentsResponse } from '../../src/api/schemas/monitoring.js';
import { accountResponse, cancelOrderResponse, equityResponse, fillsResponse, ordersResponse, positionsResponse, tradesResponse } from '../../src/api/schemas/portfolio.js';
import { breakerResetResponse, riskConfigResponse, riskResponse, tradingStateResponse } from '../../src/api/schemas/risk.js';
import { auditResponse, systemStatusResponse, whoamiResponse } from '../../src/api/schemas/system.js';
import { tradingViewSignalsResponse } from '../../src/api/schemas/tradingview.js';
import { describeStrategies } from '../../src/api/routes/backtests.js';
import { headsResponse } from '../../src/api/routes/heads.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { loadStrategy } from '../../src/strategy/loader.js';
import { apiHarness, type ApiHarness, type Json } from './api-kit.js';

type Scope = 'public' | 'read' | 'trade' | 'admin';

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string | (() => string);
  readonly scope: Scope;
  readonly body?: unknown;
  readonly status?: number;
  readonly response: z.ZodType;
  /** A request that fails validation, and the field the 400 must name. */
  readonly invalid?: { readonly url?: string; readonly body?: unknown; readonly field: string };
  /** The body accepts `mode`: `live` must be refused on this paper server. */
  readonly live?: boolean;
  /** A request naming a symbol the server does not know. */
  readonly unknownSymbol?: { readonly url?: string; readonly body?: unknown };
  /** Extra checks on the happy answer. */
  readonly check?: (body: Json) => void;
  /** Undoes what the happy request changed (tests run in random order). */
  readonly undo?: () => Promise<void>;
}

let h: ApiHarness;
let orderId = '';
let jobId = '';

beforeAll(async () => {
  // Leverage 3: the strategy's position leaves margin for the API's own orders.
  h = await apiHarness({ warmBars: 200, session: { account: { type: 'margin', leverage: 3 } } });
  // An order to list, cancel and count.
  const placed = await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001, order_type: 'limit', limit_price: 50_000 } });
  expect(placed.status).toBe(200);
  orderId = placed.body.trade_id;
  h.step(50);
  // A decision with votes, a model with an evaluation, a prediction: what the decision core and
  // the ML layer store, read back by the monitoring endpoints.
  const now = Date.UTC(2025, 0, 10);
  await h.storage.decisions.record({
    id: 'D-1', symbol: 'BTC/USDT', strategy: 'ensemble', action: 'buy', side: 'buy', direction: 0.8, confidence: 0.74, consensusScore: 0.66,
    reasoning: '3 of 4 heads long', outcome: 'pending', createdAt: now,
    votes: [
      { head: 'technical', direction: 1, confidence: 0.8, weight: 0.3, reason: 'EMA cross up', status: 'ok', inputs: { ema_fast: 1, ema_slow: 0.9 } },
      { head: 'sentiment', direction: 0, confidence: 0, weight: 0.2, status: 'abstained' },
    ],
  });
  await h.storage.models.register({ name: 'gbdt-direction', version: '1', kind: 'gbdt', parameters: { trees: 100 }, metrics: { auc: 0.55 }, artifactUri: 'file:models/x', stage: 'research', createdAt: now });
  await h.storage.models.register({ name: 'ppo-agent', version: '2', kind: 'ppo', parameters: {}, metrics: { sharpe: 0.4 }, artifactUri: 'file:models/y', stage: 'paper', createdAt: now });
  await h.storage.models.recordPerformance({ modelName: 'ppo-agent', modelVersion: '2', evaluatedAt: now + 1, split: 'test', metrics: { sharpe: 0.3 } });
  await h.storage.predictions.record({ id: 'P-1', modelName: 'gbdt-direction', modelVersion: '1', symbol: 'BTC/USDT', predictedAt: now, targetTime: now + 3_600_000, prediction: 0.6, confidence: 0.6 });
  // A finished backtest job for the report endpoints.
  const job = await h.request({ method: 'POST', url: '/api/v1/backtests', scope: 'trade', body: { strategy: 'ema-cross', data: ['BTC_USDT-1h.csv'], to: '2025-01-10' } });
  expect(job.status).toBe(202);
  jobId = job.body.id;
  for (let i = 0; i < 600; i++) {
    const j = await h.request({ url: `/api/v1/backtests/${jobId}` });
    if (j.body.status === 'completed' || j.body.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const done = await h.request({ url: `/api/v1/backtests/${jobId}` });
  expect(done.body.status, JSON.stringify(done.body)).toBe('completed');
});

afterAll(async () => {
  await h?.close();
});

const cases: Case[] = [
  { name: 'health', method: 'GET', url: '/api/health', scope: 'public', response: healthSchema },
  {
    name: 'analyze (MISSION §1)', method: 'POST', url: '/api/ai/analyze', scope: 'read', body: { symbol: 'ETH/USD', cex_price: 450, dex_price: 455 }, response: analyzeResponseSchema,
    invalid: { body: { symbol: 'ETH/USD', cex_price: -1, dex_price: 455 }, field: 'cex_price' },
    check: (b) => expect(b.edge_bps).toBe(111.11),
  },
  {
    name: 'execute', method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001, order_type: 'limit', limit_price: 40_000 }, response: executeResponseSchema,
    invalid: { body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001, order_type: 'limit' }, field: 'limit_price' }, live: true,
    unknownSymbol: { body: { symbol: 'DOGE/USDT', direction: 'buy', quantity: 1 } },
    check: (b) => expect(b.success, b.reason).toBe(true),
  },
  {
    name: 'flash-loan', method: 'POST', url: '/api/ai/flash-loan', scope: 'trade', body: { symbol: 'BTC/USDT', cex_price: 94_000, dex_price: 95_000, edge_bps: 106.38, confidence: 0.9 }, response: flashLoanResponseSchema,
    invalid: { body: { symbol: 'BTC/USDT', cex_price: 450, dex_price: 455, edge_bps: 111.11, confidence: 2 }, field: 'confidence' }, live: true,
    unknownSymbol: { body: { symbol: 'XYZ', cex_price: 450, dex_price: 455, edge_bps: 111.11, confidence: 0.9 } },
    check: (b) => {
      expect(b.strategy).toBe('flash_loan_arbitrage');
      expect(b.success, b.reason).toBe(true);
      expect(b.buy_trade.side).toBe('buy');
      expect(b.sell_trade.side).toBe('sell');
    },
  },
  { name: 'performance', method: 'GET', url: '/api/ai/performance?limit=5', scope: 'read', response: performanceResponseSchema, invalid: { url: '/api/ai/performance?limit=0', field: 'limit' }, check: (b) => expect(b.total_trades).toBeGreaterThan(0) },
  { name: 'monitor', method: 'GET', url: '/api/ai/monitor', scope: 'read', response: monitorResponseSchema },
  { name: 'decisions/recent (MISSION §2)', method: 'GET', url: '/api/ai/decisions/recent?limit=5', scope: 'read', response: recentDecisionsResponse, invalid: { url: '/api/ai/decisions/recent?limit=abc', field: 'limit' }, check: (b) => expect(b.decisions.some((d: Json) => d.id === 'D-1' && d.votes.length === 2)).toBe(true) },
  { name: 'ml/performance', method: 'GET', url: '/api/ml/performance', scope: 'read', response: mlPerformanceResponse, check: (b) => expect(b.models.map((m: Json) => m.name).sort()).toEqual(['gbdt-direction', 'ppo-agent']) },
  { name: 'ml/predictions/recent', method: 'GET', url: '/api/ml/predictions/recent?limit=5', scope: 'read', response: predictionsResponse, invalid: { url: '/api/ml/predictions/recent?limit=-3', field: 'limit' }, check: (b) => expect(b.predictions[0].id).toBe('P-1') },
  { name: 'execution/matrix', method: 'GET', url: '/api/execution/matrix', scope: 'read', response: executionMatrixResponse, check: (b) => expect(b.paths.some((p: Json) => p.source === 'api')).toBe(true) },
  { name: 'rl/agents/status', method: 'GET', url: '/api/rl/agents/status', scope: 'read', response: rlAgentsResponse, check: (b) => expect(b.agents).toMatchObject([{ name: 'ppo-agent', last_evaluation: { split: 'test' } }]) },
  {
    name: 'chart/ohlcv (MISSION §5)', method: 'GET', url: '/api/v1/ai/chart/ohlcv?ticker=BTCUSDT&limit=50&indicators=rsi(period=14),macd', scope: 'read', response: chartResponse,
    invalid: { url: '/api/v1/ai/chart/ohlcv?ticker=BTCUSDT&indicators=rsi(period=zero)', field: 'indicators' }, unknownSymbol: { url: '/api/v1/ai/chart/ohlcv?ticker=NOPE' },
    check: (b) => {
      expect(b.candles).toHaveLength(50);
      expect(b.indicators['rsi(period=14)'].lines.rsi).toHaveLength(50);
      expect(Object.keys(b.indicators['macd'].lines).sort()).toEqual(['histogram', 'macd', 'signal']);
    },
  },
  {
    name: 'features/generate', method: 'POST', url: '/api/v1/ai/features/generate', scope: 'read', body: { ticker: 'BTC/USDT', limit: 20 }, response: featuresResponse,
    invalid: { body: { ticker: 'BTC/USDT', limit: 0 }, field: 'limit' }, unknownSymbol: { body: { ticker: 'NOPE/USDT' } },
    check: (b) => {
      expect(b.count).toBe(20);
      expect(b.names.length).toBeGreaterThan(50);
    },
  },
  { name: 'tradingview signals', method: 'GET', url: '/api/v1/ai/tradingview/signals', scope: 'read', response: tradingViewSignalsResponse, invalid: { url: '/api/v1/ai/tradingview/signals?limit=100000', field: 'limit' } },
  { name: 'symbols', method: 'GET', url: '/api/v1/symbols', scope: 'read', response: symbolsResponse, check: (b) => expect(b.symbols[0].symbol).toBe('BTC/USDT') },
  {
    name: 'candles', method: 'GET', url: '/api/v1/candles?symbol=BTC%2FUSDT&limit=10', scope: 'read', response: candlesResponse,
    invalid: { url: '/api/v1/candles?symbol=BTC%2FUSDT&timeframe=hourly', field: 'timeframe' }, unknownSymbol: { url: '/api/v1/candles?symbol=NOPE' },
    check: (b) => {
      expect(b.candles).toHaveLength(10);
      expect(b.source).toBe('session');
    },
  },
  { name: 'candles (resampled to 4h)', method: 'GET', url: '/api/v1/candles?symbol=BTC-USDT&timeframe=4h&limit=5', scope: 'read', response: candlesResponse, check: (b) => expect(b.timeframe).toBe('4h') },
  { name: 'indicators', method: 'GET', url: '/api/v1/indicators', scope: 'read', response: indicatorsResponse, check: (b) => expect(b.indicators.length).toBeGreaterThanOrEqual(50) },
  { name: 'account', method: 'GET', url: '/api/v1/account', scope: 'read', response: accountResponse },
  { name: 'positions', method: 'GET', url: '/api/v1/positions', scope: 'read', response: positionsResponse },
  { name: 'orders', method: 'GET', url: '/api/v1/orders?status=all&limit=50', scope: 'read', response: ordersResponse, invalid: { url: '/api/v1/orders?status=done', field: 'status' }, unknownSymbol: { url: '/api/v1/orders?symbol=NOPE' } },
  { name: 'cancel order', method: 'POST', url: () => `/api/v1/orders/${orderId}/cancel`, scope: 'trade', response: cancelOrderResponse },
  { name: 'fills', method: 'GET', url: '/api/v1/fills?limit=5', scope: 'read', response: fillsResponse, invalid: { url: '/api/v1/fills?limit=1.5', field: 'limit' } },
  { name: 'trades', method: 'GET', url: '/api/v1/trades', scope: 'read', response: tradesResponse },
  { name: 'equity', method: 'GET', url: '/api/v1/equity?limit=20', scope: 'read', response: equityResponse, invalid: { url: '/api/v1/equity?limit=x', field: 'limit' }, check: (b) => expect(b.points).toHaveLength(20) },
  { name: 'decisions', method: 'GET', url: '/api/v1/decisions?symbol=BTC/USDT', scope: 'read', response: decisionsResponse, invalid: { url: '/api/v1/decisions?limit=0', field: 'limit' } },
  { name: 'decision by id', method: 'GET', url: '/api/v1/decisions/D-1', scope: 'read', response: decisionSchema, check: (b) => expect(b.votes[0]).toMatchObject({ head: 'sentiment', status: 'abstained' }) },
  { name: 'risk', method: 'GET', url: '/api/v1/risk', scope: 'read', response: riskResponse },
  {
    name: 'kill switch (HALTED needs trade)', method: 'POST', url: '/api/v1/risk/trading-state', scope: 'trade', body: { state: 'HALTED', reason: 'endpoint test' }, response: tradingStateResponse,
    invalid: { body: { state: 'STOPPED', reason: 'x' }, field: 'state' },
    check: (b) => expect(b.effective).toBe('HALTED'),
    undo: async () => {
      expect((await h.request({ method: 'POST', url: '/api/v1/risk/trading-state', scope: 'admin', body: { state: 'ACTIVE', reason: 'endpoint test done' } })).body.effective).toBe('ACTIVE');
    },
  },
  {
    name: 'breaker reset', method: 'POST', url: '/api/v1/risk/breakers/daily-loss/reset', scope: 'admin', body: { reason: 'endpoint test' }, response: breakerResetResponse,
    invalid: { url: '/api/v1/risk/breakers/nope/reset', body: { reason: 'x' }, field: 'name' }, check: (b) => expect(b.reset).toBe(false),
  },
  {
    name: 'risk config', method: 'PATCH', url: '/api/v1/risk/config', scope: 'admin', body: { patch: { limits: { maxOrderNotional: 1_000_000 } }, reason: 'endpoint test' }, response: riskConfigResponse,
    invalid: { body: { patch: { limits: { maxPositionFraction: -1 } }, reason: 'x' }, field: 'risk.limits.maxPositionFraction' },
  },
  {
    name: 'start backtest', method: 'POST', url: '/api/v1/backtests', scope: 'trade', status: 202, body: { strategy: 'sma-cross', data: ['BTC_USDT-1h.csv'], to: '2025-01-05' }, response: jobSchema,
    invalid: { body: { strategy: '../../etc/passwd', data: ['BTC_USDT-1h.csv'] }, field: 'strategy' },
  },
  { name: 'list backtests', method: 'GET', url: '/api/v1/backtests', scope: 'read', response: backtestsResponse, check: (b) => expect(b.runs.some((r: Json) => r.id === jobId)).toBe(true) },
  { name: 'backtest job', method: 'GET', url: () => `/api/v1/backtests/${jobId}`, scope: 'read', response: jobSchema, check: (b) => expect(b.summary.trades).toBeGreaterThan(0) },
  { name: 'backtest report', method: 'GET', url: () => `/api/v1/backtests/${jobId}/report`, scope: 'read', response: backtestReportSchema, check: (b) => expect(b.equity.length).toBeGreaterThan(100) },
  { name: 'job', method: 'GET', url: () => `/api/v1/jobs/${jobId}`, scope: 'read', response: jobSchema },
  { name: 'job logs', method: 'GET', url: () => `/api/v1/jobs/${jobId}/logs`, scope: 'read', response: jobLogsResponse, check: (b) => expect(b.lines.length).toBeGreaterThan(0) },
  {
    name: 'strategies', method: 'GET', url: '/api/v1/strategies', scope: 'read', response: strategiesResponse,
    check: (b) => {
      expect(b.strategies.map((s: Json) => s.name)).toContain('ema-cross');
      for (const s of b.strategies) expect(s.error, s.name).toBeNull();
      expect(b.strategies.find((s: Json) => s.name === 'ema-cross').params.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'heads', method: 'GET', url: '/api/v1/heads', scope: 'read', response: headsResponse,
    check: (b) => {
      // The session's decision core: the scalping service's three heads, 250 bars in.
      expect(b).toMatchObject({ ensemble: 'scalping-conservative', mode: 'quorum' });
      expect(b.heads.map((x: Json) => x.id)).toEqual(['technical', 'orderflow', 'rules']);
      const weights = h.session.scalping!.status().heads;
      for (const x of b.heads) {
        expect(x.kind).toBe(x.id);
        expect(x.description.length).toBeGreaterThan(10);
        expect(x.weight).toBe(weights.find((w) => w.id === x.id)!.weight);
        expect(x.votes).toBeGreaterThan(100);
        expect(x.signals).toBeLessThanOrEqual(x.votes);
        expect(x.resolved).toBeLessThanOrEqual(x.signals);
        expect(x.last_signal).toMatchObject({ symbol: 'BTC/USDT', time: h.session.latestDecision('BTC/USDT')!.time });
        if (x.resolved > 0) expect(x.hit_rate).toBeGreaterThanOrEqual(0);
        if (x.resolved > 0) expect(x.hit_rate).toBeLessThanOrEqual(1);
      }
      expect(b.heads.reduce((sum: number, x: Json) => sum + x.weight, 0)).toBeCloseTo(1, 9);
      // The technical head speaks on most bars; its signals 3 bars old are scored.
      const technical = b.heads[0];
      expect(technical.signals).toBeGreaterThan(10);
      expect(technical.resolved).toBeGreaterThan(0);
      expect(technical.hit_rate).not.toBeNull();
    },
  },
  { name: 'data sets', method: 'GET', url: '/api/v1/data-sets', scope: 'read', response: dataSetsResponse },
  { name: 'system status', method: 'GET', url: '/api/v1/system/status', scope: 'read', response: systemStatusResponse },
  { name: 'whoami', method: 'GET', url: '/api/v1/auth/whoami', scope: 'read', response: whoamiResponse },
  { name: 'audit log', method: 'GET', url: '/api/v1/audit?limit=20', scope: 'admin', response: auditResponse, invalid: { url: '/api/v1/audit?limit=0', field: 'limit' } },
];

const below: Record<Scope, 'read' | 'trade' | undefined> = { public: undefined, read: undefined, trade: 'read', admin: 'trade' };

describe.each(cases)('$method $name', (c) => {
  const url = (): string => (typeof c.url === 'function' ? c.url() : c.url);
  const scope = c.scope === 'public' ? 'none' : c.scope;

  it('answers with the documented shape', async () => {
    const r = await h.request({ method: c.method, url: url(), scope, ...(c.body !== undefined ? { body: c.body } : {}) });
    expect(r.status, r.text).toBe(c.status ?? 200);
    const parsed = c.response.safeParse(r.body);
    expect(parsed.success, `${r.text.slice(0, 500)}\n${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
    c.check?.(r.body);
    await c.undo?.();
  });

  if (c.invalid) {
    it('refuses an invalid request with a 400 naming the field', async () => {
      const inv = c.invalid!;
      const r = await h.request({ method: c.method, url: inv.url ?? url(), scope, ...(inv.body !== undefined ? { body: inv.body } : c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status, r.text).toBe(400);
      expect(errorSchema.parse(r.body)).toMatchObject({ code: 'validation_failed', field: inv.field });
      expect(r.body.message).toContain(inv.field);
    });
  }

  if (c.scope !== 'public') {
    it('refuses a request without a token (401)', async () => {
      const r = await h.request({ method: c.method, url: url(), scope: 'none', ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unauthorized');
    });

    it('refuses an unknown token (401)', async () => {
      const r = await h.request({ method: c.method, url: url(), token: 'arb_not-a-real-token-0000000000000000000000000', ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status).toBe(401);
    });
  }

  const lower = below[c.scope];
  if (lower) {
    it(`refuses a ${lower} token (403, names the scope)`, async () => {
      const r = await h.request({ method: c.method, url: url(), scope: lower, ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status).toBe(403);
      expect(r.body.message).toContain(c.scope);
    });
  }

  if (c.live) {
    it('refuses live mode on a paper server (403 live_disabled) and places nothing', async () => {
      const before = h.session.kernel.execution.all().length;
      const r = await h.request({ method: c.method, url: url(), scope, body: { ...(c.body as object), mode: 'live' } });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('live_disabled');
      expect(h.session.kernel.execution.all().length).toBe(before);
    });
  }

  if (c.unknownSymbol) {
    it('answers 404 unknown_symbol for a symbol the server does not know, and changes nothing', async () => {
      const before = h.session.kernel.execution.all().length;
      const u = c.unknownSymbol!;
      const r = await h.request({ method: c.method, url: u.url ?? url(), scope, ...(u.body !== undefined ? { body: u.body } : {}) });
      expect(r.status, r.text).toBe(404);
      expect(r.body.code).toBe('unknown_symbol');
      expect(h.session.kernel.execution.all().length).toBe(before);
    });
  }
});

describe('the strategies list', () => {
  it('lists the strategies that load and reports one that does not as an entry with `error`', async () => {
    const load: typeof loadStrategy = (name) => (name === 'broken' ? Promise.reject(new ConfigurationError('cannot load broken: SyntaxError: Unexpected token', 'strategy')) : loadStrategy(name));
    const list = await describeStrategies(['ema-cross', 'broken', 'sma-cross'], load);
    expect(strategiesResponse.parse({ strategies: list }).strategies.map((s) => [s.name, s.error])).toEqual([
      ['ema-cross', null], ['broken', 'strategy: cannot load broken: SyntaxError: Unexpected token'], ['sma-cross', null],
    ]);
    expect(list[1]).toMatchObject({ description: '', params: [] });
    expect(list[0]!.params.length).toBeGreaterThan(0);
  });
});

describe('the OpenAPI document', () => {
  it('is served at /docs/json and lists every endpoint above with its schemas', async () => {
    const r = await h.request({ url: '/docs/json', scope: 'none' });
    expect(r.status).toBe(200);
    const paths = Object.keys(r.body.paths);
    for (const c of cases) {
      const template = (typeof c.url === 'function' ? c.url() : c.url).split('?')[0]!
        .replace(orderId, '{id}').replace(jobId, '{id}').replace('D-1', '{id}').replace('daily-loss', '{name}');
      expect(paths, template).toContain(template);
    }
    expect(r.body.paths['/api/ai/analyze'].post.requestBody.content['application/json'].schema.required).toEqual(['symbol', 'cex_price', 'dex_price']);
    expect(r.body.paths['/api/ai/analyze'].post.security).toEqual([{ bearer: [] }]);
    expect(r.body.paths['/api/ai/analyze'].post.responses['200'].content['application/json'].schema.properties.edge_bps.type).toBe('number');
  });

  it('serves the docs UI at /docs', async () => {
    const r = await h.request({ url: '/docs/', scope: 'none' });
    expect(r.status).toBe(200);
    expect(r.text).toContain('swagger');
  });
});
