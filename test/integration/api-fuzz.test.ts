/**
 * Property-based fuzzing of request bodies and query strings across the endpoints (fast-check,
 * thousands of cases): whatever arrives — valid bodies with one field mutated, arbitrary JSON,
 * broken JSON, arbitrary query values — the server never answers 5xx, and a request the endpoint's
 * schema refuses never creates an order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { aiAnalyzeRequest, aiDecisionRequest, modelTrainRequest, scalpingToggleRequest } from '../../src/api/schemas/ai.js';
import { executeRequestSchema, flashLoanRequestSchema } from '../../src/api/schemas/arbitrage.js';
import { backtestRequest } from '../../src/api/schemas/backtests.js';
import { featuresRequest } from '../../src/api/schemas/market.js';
import { riskConfigRequest, tradingStateRequest } from '../../src/api/schemas/risk.js';
import { analyzeRequestSchema } from '../../src/risk/sizing/opportunity.js';
import { apiHarness, type ApiHarness } from './api-kit.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ config: { tradingview: { passphrase: 'fuzz-passphrase-123' } }, session: { account: { type: 'margin', leverage: 3 } } });
});
afterAll(async () => {
  await h?.close();
});

interface Target {
  readonly method: 'POST' | 'PATCH';
  readonly url: string;
  readonly scope: 'read' | 'trade' | 'admin' | 'none';
  readonly valid: Record<string, unknown>;
  readonly schema?: z.ZodType;
}

const targets: Target[] = [
  { method: 'POST', url: '/api/ai/analyze', scope: 'read', valid: { symbol: 'ETH/USD', cex_price: 450, dex_price: 455, notional_quote: 1000, gas_cost_quote: 2, confidence: 0.7 }, schema: analyzeRequestSchema },
  { method: 'POST', url: '/api/ai/execute', scope: 'trade', valid: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001, order_type: 'limit', limit_price: 30_000 }, schema: executeRequestSchema },
  { method: 'POST', url: '/api/ai/flash-loan', scope: 'trade', valid: { symbol: 'BTC/USDT', cex_price: 1, dex_price: 1, edge_bps: 0, confidence: 0.1 }, schema: flashLoanRequestSchema },
  { method: 'POST', url: '/api/v1/ai/features/generate', scope: 'read', valid: { ticker: 'BTC/USDT', limit: 5 }, schema: featuresRequest },
  { method: 'POST', url: '/api/v1/risk/trading-state', scope: 'admin', valid: { state: 'ACTIVE', reason: 'fuzz' }, schema: tradingStateRequest },
  { method: 'PATCH', url: '/api/v1/risk/config', scope: 'admin', valid: { patch: { limits: { maxOpenPositions: 5 } }, reason: 'fuzz' }, schema: riskConfigRequest },
  { method: 'POST', url: '/api/v1/backtests', scope: 'trade', valid: { strategy: 'ema-cross', data: ['BTC_USDT-1h.csv'] }, schema: backtestRequest },
  { method: 'POST', url: '/api/v1/ai/tradingview/webhook', scope: 'none', valid: { passphrase: 'fuzz-passphrase-123', ticker: 'NOPEUSDT', action: 'buy', price: 1 } },
  { method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', valid: { symbol: 'BTC/USDT' }, schema: aiAnalyzeRequest },
  { method: 'POST', url: '/api/v1/ai/decision', scope: 'trade', valid: { symbol: 'BTC/USDT', strategy: 'fuzz' }, schema: aiDecisionRequest },
  { method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'trade', valid: { enabled: false }, schema: scalpingToggleRequest },
  { method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', valid: { model_type: 'logistic', horizon_bars: 4, validation_fraction: 0.3, l2: 1, features: ['rsi_14', 'ret_1'] }, schema: modelTrainRequest },
];

/** A valid body with one field replaced, removed or added. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), fc.anything({ withNullPrototype: false })).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k))),
    fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue()).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.double(), fc.integer(), fc.constant(-0), fc.constant(1e308), fc.string(), fc.constant(null))).map(([k, v]) => ({ ...valid, [k]: v })),
  );
}

const payloads = (t: Target): fc.Arbitrary<{ payload: string; body: unknown }> => fc.oneof(
  mutated(t.valid).map((body) => ({ payload: JSON.stringify(body) ?? 'null', body })),
  fc.jsonValue().map((body) => ({ payload: JSON.stringify(body), body })),
  fc.string({ maxLength: 200 }).map((payload) => ({ payload, body: undefined })),
);

describe('fuzzed request bodies', () => {
  it.each(targets)('$method $url never answers 5xx and never orders from an invalid body', async (t) => {
    await fc.assert(fc.asyncProperty(payloads(t), async ({ payload, body }) => {
      const before = h.session.kernel.execution.all().length;
      const r = await h.request({ method: t.method, url: t.url, scope: t.scope, payload, headers: { 'content-type': 'application/json' } });
      expect(r.status, `${payload.slice(0, 200)} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
      expect(r.body?.message ?? r.body?.code ?? r.body, r.text).toBeDefined();
      const invalid = body === undefined || (t.schema !== undefined && !t.schema.safeParse(body).success);
      if (invalid || r.status !== 200) expect(h.session.kernel.execution.all().length).toBe(before);
      if (invalid && t.schema) expect(r.status).toBeGreaterThanOrEqual(400);
    }), { numRuns: 600 });
  });

  it('query strings of the read endpoints never cause a 5xx', async () => {
    const urls = [
      '/api/v1/candles', '/api/v1/ai/chart/ohlcv', '/api/v1/orders', '/api/v1/fills', '/api/v1/equity', '/api/ai/decisions/recent', '/api/ai/performance', '/api/v1/decisions',
      '/api/ml/predictions/recent', '/api/v1/audit', '/api/v1/ai/model/predict/BTC-USDT', '/api/v1/ai/signal/aggregate/BTC%2FUSDT', '/api/v1/ai/scalping/status',
    ];
    const param = fc.tuple(fc.constantFrom('symbol', 'ticker', 'timeframe', 'limit', 'before', 'indicators', 'status', 'model_name', 'model_version', 'action', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('BTC/USDT', '1h', 'rsi(period=14)', 'macd(fastPeriod=30,slowPeriod=2)', 'bbands(', 'open', '0', '-1', '1e9')));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...urls), fc.array(param, { maxLength: 4 }), async (url, params) => {
      const query = new URLSearchParams(params).toString();
      const r = await h.request({ url: `${url}?${query}`, scope: 'admin' });
      expect(r.status, `${url}?${query} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
    }), { numRuns: 2000 });
  });

  it('query strings of POST /api/ml/train never cause a 5xx', async () => {
    const param = fc.tuple(fc.constantFrom('model_type', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('logistic', '', 'xgboost', '%00')));
    await fc.assert(fc.asyncProperty(fc.array(param, { maxLength: 3 }), async (params) => {
      const query = new URLSearchParams(params).toString();
      const r = await h.request({ method: 'POST', url: `/api/ml/train?${query}`, scope: 'admin' });
      expect(r.status, `?${query} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
    }), { numRuns: 300 });
  });
});
