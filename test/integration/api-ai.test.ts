/**
 * The AI endpoints (MISSION §3 and §5) on a paper session replaying the bundled BTC/USDT 1h bars,
 * whose decision core is the scalping service's heads and consensus: analysis and filed decisions
 * match the core's own latest decision, market figures match the indicators computed here, sizes
 * match fractional Kelly; the scalping service reports and toggles (audited), manages only its own
 * positions; training jobs train and register the logistic model (logs through the API and `/ws`,
 * in-process and on BullMQ), predictions equal the model's on features computed here. Each
 * endpoint also: a validation failure naming the field, a missing token (401), a short scope (403).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BullJobQueue } from '../../src/api/jobs/bullmq.js';
import { trainProcessor } from '../../src/api/jobs/train.js';
import type { JobQueue, JobRecord } from '../../src/api/jobs/types.js';
import { aiAnalysisResponse, predictionResponse, scalpingStatusResponse, signalAggregateResponse, trainStartedResponse } from '../../src/api/schemas/ai.js';
import { jobLogsResponse, jobSchema } from '../../src/api/schemas/backtests.js';
import { errorSchema } from '../../src/api/schemas/common.js';
import { decisionSchema } from '../../src/api/schemas/decisions.js';
import { mlPerformanceResponse, predictionsResponse } from '../../src/api/schemas/monitoring.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { defaultFeatureSet } from '../../src/features/default-set.js';
import { generateFeatures } from '../../src/features/pipeline.js';
import { defineFeatureSet } from '../../src/features/schema.js';
import { predictProbability, trainDirectionModel } from '../../src/heads/ml/logistic.js';
import { loadModel } from '../../src/heads/ml/model-store.js';
import { computeIndicator } from '../../src/indicators/registry.js';
import { BarTable } from '../../src/model/bar.js';
import { openStorage } from '../../src/storage/open.js';
import { requireService } from '../kit/services.js';
import { apiHarness, type ApiHarness, type Json } from './api-kit.js';

let h: ApiHarness;
let trained: JobRecord;

async function waitFor(queue: JobQueue, id: string, ms = 30_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const job = await queue.get(id);
    if (job && (job.status === 'completed' || job.status === 'failed' || job.status === 'canceled')) return job;
    if (Date.now() > end) throw new Error(`job ${id} is still ${job?.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The session's candles as a table (what the server computes on). */
function sessionTable(): BarTable {
  const c = h.session.candles('BTC/USDT')!;
  const n = c.length;
  return new BarTable('BTC/USDT', '1h', c.time.slice(0, n), c.open.slice(0, n), c.high.slice(0, n), c.low.slice(0, n), c.close.slice(0, n), c.volume.slice(0, n));
}

/** ¼ Kelly with even odds, capped at 20% (the default opportunity config): max(0, 2p − 1) / 4. */
function quarterKelly(p: number): number {
  return Math.min(0.2, Math.max(0, 2 * p - 1) / 4);
}

async function tokenId(scope: 'trade' | 'admin'): Promise<string> {
  return (await h.request({ url: '/api/v1/auth/whoami', scope })).body.token_id;
}

async function lastAudit(action: string) {
  const entries = await h.storage.audit.list({ action });
  return entries.reduce((a, b) => (b.seq > a.seq ? b : a));
}

async function expectError(r: { status: number; body: Json }, status: number, code: string, field?: string): Promise<void> {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(errorSchema.parse(r.body).code).toBe(code);
  if (field !== undefined) expect(r.body.field).toBe(field);
  return Promise.resolve();
}

beforeAll(async () => {
  h = await apiHarness({ warmBars: 200 });
  const started = await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', horizon_bars: 4 } });
  expect(started.status, started.text).toBe(202);
  trained = await waitFor(h.api.context.jobs, started.body.job_id);
  expect(trained.status, trained.error ?? '').toBe('completed');
});
afterAll(async () => {
  await h?.close();
});

describe('POST /api/v1/ai/analyze', () => {
  it('answers with the decision core\'s latest decision, the market analysis of the latest bars and a Kelly-sized risk assessment', async () => {
    const decision = h.session.latestDecision('BTC/USDT')!;
    expect(decision).toBeDefined();
    const decisionsBefore = (await h.storage.decisions.list({ limit: 1000 })).length;
    const ordersBefore = h.session.kernel.execution.all().length;
    const r = await h.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', body: { symbol: 'BTC-USDT' } });
    expect(r.status, r.text).toBe(200);
    const body = aiAnalysisResponse.parse(r.body);
    expect(body).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1h', decision_id: decision.id, time: decision.time, action: decision.action, direction: decision.direction, tokens_used: 0 });
    expect(body.confidence).toBe(decision.confidence);
    expect(body.consensus_score).toBe(decision.score);
    expect(body.votes.map((v) => v.head)).toEqual(['technical', 'orderflow', 'rules']);
    expect(body.model_used).toBe(`consensus:quorum of technical+orderflow+rules (scalping-conservative)`);
    for (const v of decision.votes) if (v.status === 'ok') expect(body.reasoning).toContain(v.reason);

    const table = sessionTable();
    const last = table.length - 1;
    expect(body.market.close).toBe(table.close[last]);
    expect(body.market.bar_time).toBe(table.time[last]);
    expect(body.market.rsi_14).toBeCloseTo(computeIndicator('rsi', table, { period: 14 }).lines.rsi![last]!, 9);
    expect(body.market.ema_50).toBeCloseTo(computeIndicator('ema', table, { period: 50 }).lines.ema![last]!, 6);
    expect(body.market.change_pct).toBeCloseTo(table.close[last]! / table.close[last - 24]! - 1, 12);
    expect(body.market_analysis).toContain(`RSI 14 ${body.market.rsi_14!.toFixed(1)}`);

    const expected = decision.direction === 0 ? 0 : quarterKelly(decision.confidence);
    expect(body.recommended_size.fraction).toBeCloseTo(expected, 9);
    expect(body.recommended_size.cap).toBe(0.2);
    expect(body.risk.trading_state).toBe('ACTIVE');
    const opens = decision.action === 'buy' || decision.action === 'sell';
    expect(body.entry_price).toBe(opens ? table.close[last] : null);
    expect(body.stop_loss).toBe(opens ? table.close[last]! * (decision.action === 'buy' ? 0.98 : 1.02) : null);
    expect(body.should_trade).toBe(opens && body.recommended_size.quantity > 0);
    // Changes nothing.
    expect((await h.storage.decisions.list({ limit: 1000 })).length).toBe(decisionsBefore);
    expect(h.session.kernel.execution.all().length).toBe(ordersBefore);
  });

  it('names the field of a bad body, the unknown symbol, and refuses without a trade token', async () => {
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', body: {} }), 400, 'validation_failed', 'symbol');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', body: { symbol: 'BTC/USDT', extra: 1 } }), 400, 'validation_failed', 'extra');
    const unknown = await h.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', body: { symbol: 'DOGE/USDT' } });
    await expectError(unknown, 404, 'unknown_symbol', 'symbol');
    expect(unknown.body.message).toContain('DOGE/USDT');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'none', body: { symbol: 'BTC/USDT' } }), 401, 'unauthorized');
    const short = await h.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'read', body: { symbol: 'BTC/USDT' } });
    await expectError(short, 403, 'forbidden');
    expect(short.body.message).toContain('trade');
  });
});

describe('POST /api/v1/ai/decision', () => {
  it('files the analysis as an ai_decisions row with its votes and audits who filed it', async () => {
    const decision = h.session.latestDecision('BTC/USDT')!;
    const r = await h.request({ method: 'POST', url: '/api/v1/ai/decision', scope: 'trade', body: { symbol: 'btcusdt', strategy: 'swing-test' } });
    expect(r.status, r.text).toBe(201);
    const body = decisionSchema.parse(r.body);
    expect(body).toMatchObject({ symbol: 'BTC/USDT', strategy: 'swing-test', action: decision.action, confidence: decision.confidence, consensus_score: decision.score, outcome: 'pending', tokens_used: 0, executed_at: null });
    expect(body.votes.map((v) => v.head).sort()).toEqual(['orderflow', 'rules', 'technical']);
    expect(body.model_used).toMatch(/^consensus:quorum of technical\+orderflow\+rules/);
    expect(body.market_analysis).toMatch(/^BTC\/USDT 1h closed at /);
    expect(body.risk_assessment).toMatch(/^trading state ACTIVE; /);
    expect(body.reasoning).toContain(decision.reasoning);
    const stored = await h.request({ url: `/api/v1/decisions/${encodeURIComponent(body.id)}` });
    expect(stored.body).toEqual(body);
    const listed = await h.request({ url: '/api/v1/decisions?strategy=swing-test' });
    expect(listed.body.decisions.map((d: Json) => d.id)).toContain(body.id);
    const audit = await h.storage.audit.list({ action: 'ai.decision' });
    expect(audit.find((e) => e.subject === body.id)).toMatchObject({ actor: `token:${await tokenId('trade')}`, details: { symbol: 'BTC/USDT', strategy: 'swing-test', source: decision.id } });
  });

  it('names the field of a bad body, the unknown symbol, and refuses without a trade token', async () => {
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/decision', scope: 'trade', body: { symbol: 'BTC/USDT' } }), 400, 'validation_failed', 'strategy');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/decision', scope: 'trade', body: { symbol: 'BTC/USDT', strategy: 'two words' } }), 400, 'validation_failed', 'strategy');
    const unknown = await h.request({ method: 'POST', url: '/api/v1/ai/decision', scope: 'trade', body: { symbol: 'NOPE/USDT', strategy: 's' } });
    await expectError(unknown, 404, 'unknown_symbol', 'symbol');
    expect(unknown.body.message).toContain('"NOPE/USDT"');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/decision', scope: 'none', body: { symbol: 'BTC/USDT', strategy: 's' } }), 401, 'unauthorized');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/decision', scope: 'read', body: { symbol: 'BTC/USDT', strategy: 's' } }), 403, 'forbidden');
  });
});

describe('the scalping service', () => {
  it('reports its state: off, conservative, one scan per bar, the last decision and the heads\' weights', async () => {
    const r = await h.request({ url: '/api/v1/ai/scalping/status' });
    expect(r.status, r.text).toBe(200);
    const body = scalpingStatusResponse.parse(r.body);
    const decision = h.session.latestDecision('BTC/USDT')!;
    expect(body).toMatchObject({ preset: 'conservative', symbols: ['BTC/USDT'], last_scan_at: decision.time, config: { maxPositions: 2, maxDailyLoss: 0.01 } });
    expect(body.last_decision).toMatchObject({ id: decision.id, action: decision.action, confidence: decision.confidence });
    const { buy, sell, close, hold } = body.decisions;
    expect(buy + sell + close + hold).toBe(body.scans);
    expect(body.scans).toBeGreaterThan(100);
    expect(body.heads.map((x) => x.id)).toEqual(['technical', 'orderflow', 'rules']);
    expect(body.today.date).toBe(new Date(decision.time - 1).toISOString().slice(0, 10));
    const own = h.session.kernel.portfolio.openPositions().filter((p) => h.session.kernel.portfolio.openTrade(p.symbol)?.entryTag?.startsWith(`${h.session.scalpingIdPrefix}D-`));
    expect(body.open_positions.map((p) => p.symbol)).toEqual(own.map((p) => p.symbol));
    const system = (await h.request({ url: '/api/v1/system/status' })).body;
    expect(system.decision_core).toEqual({ available: true, detail: 'the session\'s scalping service (conservative, off): heads technical, orderflow, rules, consensus quorum; TradingView alerts are decided by these heads with the alert as one more vote' });
    await expectError(await h.request({ url: '/api/v1/ai/scalping/status', scope: 'none' }), 401, 'unauthorized');
    await expectError(await h.request({ url: '/api/v1/ai/scalping/status', token: 'arb_not-a-token' }), 401, 'unauthorized');
  });

  it('toggles on and off, audited; on, it files its decisions; off, it neither trades nor files and leaves the strategy\'s positions alone', async () => {
    const toggle = (enabled: boolean) => h.request({ method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'trade', body: { enabled } });
    try {
      // Off: bars go by, the scalper decides, but no decision of it is stored and no order is its.
      const prefix = `${h.session.scalpingIdPrefix}D-`;
      h.step(10);
      await h.session.flush();
      const filedOff = (await h.storage.decisions.list({ strategy: 'scalping-conservative', limit: 1000 })).length;
      expect(filedOff).toBe(0);
      expect(await h.storage.learning.events({ kind: 'weights.updated', subject: 'scalping-conservative' })).toEqual([]);
      expect(h.session.kernel.execution.all().filter((o) => o.owner === 'scalping')).toEqual([]);
      expect(h.session.latestDecision('BTC/USDT')!.id.startsWith(prefix)).toBe(true);

      const before = scalpingStatusResponse.parse((await h.request({ url: '/api/v1/ai/scalping/status' })).body);
      const on = await toggle(true);
      expect(on.status, on.text).toBe(200);
      expect(scalpingStatusResponse.parse(on.body).enabled).toBe(true);
      expect(on.body.heads).toEqual(before.heads); // turning on keeps what the heads' weights learnt while off
      expect((await h.request({ url: '/api/v1/ai/scalping/status' })).body.enabled).toBe(true);
      expect(await lastAudit('scalping.toggle')).toMatchObject({ actor: `token:${await tokenId('trade')}`, subject: 'scalping', details: { enabled: true, previous: false, preset: 'conservative' } });

      h.step(5);
      await h.session.flush();
      const filed = await h.storage.decisions.list({ strategy: 'scalping-conservative', limit: 1000 });
      expect(filed).toHaveLength(5);
      expect(filed.every((d) => d.id.startsWith(prefix) && d.votes.length === 3)).toBe(true);
      expect(filed[0]!.id).toBe(h.session.latestDecision('BTC/USDT')!.id);
      const saved = await h.storage.learning.weights('scalping-conservative');
      const now = scalpingStatusResponse.parse((await h.request({ url: '/api/v1/ai/scalping/status' })).body);
      expect(Object.fromEntries(saved.map((w) => [w.head, w.weight]))).toEqual(Object.fromEntries(now.heads.map((x) => [x.id, x.weight])));
    } finally {
      const off = await toggle(false);
      expect(off.status).toBe(200);
      expect(off.body.enabled).toBe(false);
    }
    expect(await lastAudit('scalping.toggle')).toMatchObject({ details: { enabled: false, previous: true } });
  });

  it('names the field of a bad toggle and refuses without a trade token', async () => {
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'trade', body: { enabled: 'yes' } }), 400, 'validation_failed', 'enabled');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'trade', body: {} }), 400, 'validation_failed', 'enabled');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'none', body: { enabled: true } }), 401, 'unauthorized');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/scalping/toggle', scope: 'read', body: { enabled: true } }), 403, 'forbidden');
    expect((await h.request({ url: '/api/v1/ai/scalping/status' })).body.enabled).toBe(false);
  });
});

describe('GET /api/v1/ai/signal/aggregate/{ticker}', () => {
  it('gives every head\'s vote and weight, the consensus and a ¼-Kelly size on its confidence', async () => {
    const decision = h.session.latestDecision('BTC/USDT')!;
    const r = await h.request({ url: '/api/v1/ai/signal/aggregate/BTC%2FUSDT' });
    expect(r.status, r.text).toBe(200);
    const body = signalAggregateResponse.parse(r.body);
    expect(body).toMatchObject({ ticker: 'BTC/USDT', time: decision.time, price: decision.price, mode: 'quorum', direction: decision.direction, action: decision.action, consensus_score: decision.score, confidence: decision.confidence });
    expect(body.votes.map((v) => [v.head, v.status, v.weight])).toEqual(decision.votes.map((v) => [v.head, v.status, v.weight]));
    for (const v of decision.votes.filter((x) => x.status === 'ok')) {
      expect(body.votes.find((x) => x.head === v.head)).toMatchObject({ direction: v.direction, confidence: v.confidence, reason: v.reason });
    }
    const c = body.counts;
    expect(c.long + c.short + c.flat + c.abstained + c.faulted).toBe(3);
    expect(c.long).toBe(decision.votes.filter((v) => v.status === 'ok' && v.direction > 0).length);
    expect(body.recommended_position_size).toBeCloseTo(decision.direction === 0 ? 0 : quarterKelly(decision.confidence), 9);
    expect(body.recommended_size.notional).toBeCloseTo(body.recommended_position_size * h.session.kernel.portfolio.equity, 6);
  });

  it('caps the size at a tighter risk limit', async () => {
    await h.request({ method: 'PATCH', url: '/api/v1/risk/config', scope: 'admin', body: { patch: { limits: { maxPositionFraction: 0.01 } }, reason: 'test cap' } });
    try {
      const body = (await h.request({ url: '/api/v1/ai/signal/aggregate/BTC-USDT' })).body;
      expect(body.recommended_size.cap).toBe(0.01);
      expect(body.recommended_position_size).toBeLessThanOrEqual(0.01);
    } finally {
      await h.request({ method: 'PATCH', url: '/api/v1/risk/config', scope: 'admin', body: { patch: { limits: { maxPositionFraction: null } }, reason: 'undo' } });
    }
  });

  it('names a bad ticker and refuses without a token', async () => {
    await expectError(await h.request({ url: `/api/v1/ai/signal/aggregate/${'X'.repeat(65)}` }), 400, 'validation_failed', 'ticker');
    await expectError(await h.request({ url: '/api/v1/ai/signal/aggregate/ETH-USDT' }), 404, 'unknown_symbol', 'ticker');
    await expectError(await h.request({ url: '/api/v1/ai/signal/aggregate/BTC-USDT', scope: 'none' }), 401, 'unauthorized');
  });
});

describe('model training jobs', () => {
  it('trains the logistic model on the bundled data, logs each step and registers it with the metrics of the same training run here', async () => {
    const summary = jobSchema.parse((await h.request({ url: `/api/v1/jobs/${trained.id}` })).body).summary!;
    expect(summary).toMatchObject({ model_type: 'logistic', model_name: 'btc-usdt-1h-direction', data: 'BTC_USDT-1h.csv' });
    const table = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
    const here = trainDirectionModel(table, { horizonBars: 4 });
    expect(summary.validation_accuracy).toBe(here.validation.accuracy);
    expect(summary.train_rows).toBe(here.split.trainRows);
    const record = await h.storage.models.get('btc-usdt-1h-direction', summary.model_version as string);
    expect(record).toMatchObject({ kind: 'logistic', stage: 'research', metrics: { validation: { accuracy: here.validation.accuracy, rows: here.validation.rows } } });
    const { model } = await loadModel(h.storage.models, 'btc-usdt-1h-direction', summary.model_version as string);
    expect(model).toEqual(JSON.parse(JSON.stringify(here.model)));

    const logs = jobLogsResponse.parse((await h.request({ url: `/api/v1/jobs/${trained.id}/logs` })).body).lines.map((l) => l.message);
    expect(logs[0]).toBe('training a logistic model on BTC_USDT-1h.csv');
    expect(logs.join('\n')).toContain(`BTC/USDT 1h: 744 bars`);
    expect(logs.join('\n')).toContain(`${here.split.trainRows} training rows (${here.split.purgedRows} purged)`);
    expect(logs.at(-1)).toMatch(new RegExp(`^registered btc-usdt-1h-direction version ${summary.model_version as string} `));
    const perf = mlPerformanceResponse.parse((await h.request({ url: '/api/ml/performance' })).body);
    const listed = perf.models.find((m) => m.name === 'btc-usdt-1h-direction' && m.version === summary.model_version);
    expect(listed?.evaluations.map((e) => e.split).sort()).toEqual(['train', 'validation']);
    const audit = await h.storage.audit.list({ action: 'model.train' });
    expect(audit.find((e) => e.subject === trained.id)).toMatchObject({ actor: `token:${await tokenId('admin')}`, details: { model_type: 'logistic', horizon_bars: 4 } });
  });

  it('POST /api/ml/train?model_type= trains with the defaults and streams its log lines on /ws topic jobs', async () => {
    const base = (await h.api.listen('127.0.0.1', 0)).replace(/^http/, 'ws');
    const ws = new WebSocket(`${base}/ws?token=${h.tokens.read}&topics=jobs`);
    const frames: Array<{ topic: string; data: Json }> = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as { topic: string; data: Json }));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      const r = await h.request({ method: 'POST', url: '/api/ml/train?model_type=logistic', scope: 'admin' });
      expect(r.status, r.text).toBe(202);
      const body = trainStartedResponse.parse(r.body);
      expect(body).toMatchObject({ model_type: 'logistic', queue: 'in-process' });
      const job = await waitFor(h.api.context.jobs, body.job_id);
      expect(job.status, job.error ?? '').toBe('completed');
      const end = Date.now() + 5000;
      while (!frames.some((f) => f.data.id === body.job_id && f.data.status === 'completed') && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
      const logged = frames.filter((f) => f.topic === 'jobs' && f.data.id === body.job_id && f.data.log).map((f) => f.data.log.message as string);
      expect(logged).toEqual((await h.api.context.jobs.logs(body.job_id)).map((l) => l.message));
      expect(logged.at(-1)).toMatch(/^registered btc-usdt-1h-direction version \d+ /);
    } finally {
      ws.close();
    }
  });

  it('trains on the requested period only (to keep the replayed period out of the training data)', async () => {
    const started = await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', to: '2025-01-20', model_name: 'btc-until-20th' } });
    expect(started.status, started.text).toBe(202);
    const job = await waitFor(h.api.context.jobs, started.body.job_id);
    expect(job.status, job.error ?? '').toBe('completed');
    const full = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
    let end = full.length;
    while (full.time[end - 1]! >= Date.UTC(2025, 0, 20)) end--;
    const here = trainDirectionModel(full.slice(0, end), { horizonBars: 4 });
    expect(job.summary).toMatchObject({ model_name: 'btc-until-20th', model_version: '1', train_rows: here.split.trainRows, validation_accuracy: here.validation.accuracy });
    const record = await h.storage.models.get('btc-until-20th');
    expect(record?.parameters).toMatchObject({ periodStart: full.time[0], periodEnd: Date.UTC(2025, 0, 19, 23) });
  });

  it('refuses an unknown model type naming the supported ones, bad options by field, and tokens below admin', async () => {
    const unknown = await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'xgboost' } });
    await expectError(unknown, 400, 'validation_failed', 'model_type');
    expect(unknown.body.message).toBe('model_type: "xgboost" is not a model type this server trains; supported: logistic');
    await expectError(await h.request({ method: 'POST', url: '/api/ml/train?model_type=transformer', scope: 'admin' }), 400, 'validation_failed', 'model_type');
    await expectError(await h.request({ method: 'POST', url: '/api/ml/train', scope: 'admin' }), 400, 'validation_failed', 'model_type');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: {} }), 400, 'validation_failed', 'model_type');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', horizon_bars: 0 } }), 400, 'validation_failed', 'horizon_bars');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', features: ['rsi_14', 'nope'] } }), 400, 'validation_failed', 'features.1');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', data: '../etc/passwd' } }), 400, 'validation_failed', 'data');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', to: 'yesterday' } }), 400, 'validation_failed', 'to');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', from: '2025-01-20', to: '2025-01-10' } }), 400, 'validation_failed', 'to');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'none', body: { model_type: 'logistic' } }), 401, 'unauthorized');
    await expectError(await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'trade', body: { model_type: 'logistic' } }), 403, 'forbidden');
    await expectError(await h.request({ method: 'POST', url: '/api/ml/train?model_type=logistic', scope: 'trade' }), 403, 'forbidden');
  });
});

describe('GET /api/v1/ai/model/predict/{ticker}', () => {
  it('predicts with the registered model on the latest bar, as the model does on features computed here, and logs it once', async () => {
    const version = trained.summary!.model_version as string;
    const url = `/api/v1/ai/model/predict/BTC-USDT?model_name=btc-usdt-1h-direction&model_version=${version}`;
    const r = await h.request({ url });
    expect(r.status, r.text).toBe(200);
    const body = predictionResponse.parse(r.body);
    const { model } = await loadModel(h.storage.models, 'btc-usdt-1h-direction', version);
    const table = sessionTable();
    const all = defaultFeatureSet('1h').features;
    const frame = generateFeatures(table, defineFeatureSet('m', Object.fromEntries(model.features.map((f) => [f, all[f]!]))));
    const last = table.length - 1;
    const p = predictProbability(model, frame.columns.map((c) => c[last]!));
    expect(body).toMatchObject({ ticker: 'BTC/USDT', timeframe: '1h', model_name: 'btc-usdt-1h-direction', model_version: version, model_kind: 'logistic', horizon_bars: 4 });
    expect(body.probability_up).toBeCloseTo(p, 12);
    expect(body.direction).toBe(p > 0.5 ? 'up' : 'down');
    expect(body.confidence).toBeCloseTo(Math.max(p, 1 - p), 12);
    expect(body.features_time).toBe(table.time[last]);
    expect(body.predicted_at).toBe(table.time[last]! + 3_600_000);
    expect(body.target_time).toBe(body.predicted_at + 4 * 3_600_000);
    expect(Object.keys(body.features)).toEqual(model.features);

    expect((await h.request({ url })).body).toEqual(r.body);
    const logged = predictionsResponse.parse((await h.request({ url: '/api/ml/predictions/recent?model_name=btc-usdt-1h-direction' })).body).predictions.filter((x) => x.id === body.prediction_id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ symbol: 'BTC/USDT', model_version: version, target_time: body.target_time });
    expect(logged[0]!.prediction).toBeCloseTo(p, 12);
  });

  it('is 404 for a model that does not exist, 400 for a model it cannot serve, and names bad parameters', async () => {
    const missing = await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT?model_name=nope' });
    await expectError(missing, 404, 'not_found');
    expect(missing.body.message).toMatch(/^no model "nope" in the registry; registered: .*btc-usdt-1h-direction/);
    await expectError(await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT?model_name=btc-usdt-1h-direction&model_version=999' }), 404, 'not_found');
    await h.storage.models.register({ name: 'gbdt-test', version: '1', kind: 'gbdt', parameters: {}, metrics: {}, artifactUri: 'file:models/none', stage: 'research', createdAt: 1 });
    const gbdt = await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT?model_name=gbdt-test' });
    await expectError(gbdt, 400, 'validation_failed', 'model_name');
    expect(gbdt.body.message).toContain('is a gbdt model');
    await expectError(await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT?model_name=two%20words' }), 400, 'validation_failed', 'model_name');
    await expectError(await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT?model=x' }), 400, 'validation_failed', 'model');
    await expectError(await h.request({ url: '/api/v1/ai/model/predict/ETH-USDT' }), 404, 'unknown_symbol', 'ticker');
    await expectError(await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT', scope: 'none' }), 401, 'unauthorized');
  });

  it('refuses a model trained on another timeframe', async () => {
    const started = await h.request({ method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', body: { model_type: 'logistic', data: 'SPY-1d.csv', model_name: 'spy-daily' } });
    expect(started.status).toBe(202);
    expect((await waitFor(h.api.context.jobs, started.body.job_id)).status).toBe('completed');
    const r = await h.request({ url: '/api/v1/ai/model/predict/BTC-USDT?model_name=spy-daily' });
    await expectError(r, 400, 'validation_failed', 'model_name');
    expect(r.body.message).toBe('model "spy-daily" was trained on 1d bars; BTC/USDT here has 1h bars');
  });
});

describe('the decision core across restarts', () => {
  it('restores the weights a previous session learnt when the next one starts', async () => {
    const storage = await openStorage('sqlite::memory:');
    try {
      const first = await apiHarness({ storage, warmBars: 150, session: { scalping: { preset: 'conservative', enabled: true } } });
      const learnt = scalpingStatusResponse.parse((await first.request({ url: '/api/v1/ai/scalping/status' })).body).heads;
      await first.close();
      expect(learnt.some((x) => Math.abs(x.weight - 1 / 3) > 1e-6)).toBe(true);
      const second = await apiHarness({ storage, warmBars: 1 });
      try {
        const status = scalpingStatusResponse.parse((await second.request({ url: '/api/v1/ai/scalping/status' })).body);
        expect(status.enabled).toBe(false);
        expect(status.heads).toEqual(learnt);
      } finally {
        await second.close();
      }
    } finally {
      await storage.close();
    }
  });
});

describe('a session without a decision core, and one still warming up', () => {
  it('answers 503 without a decision core and 409 while the heads warm up', async () => {
    const none = await apiHarness({ warmBars: 50, session: { scalping: false } });
    try {
      await expectError(await none.request({ url: '/api/v1/ai/scalping/status' }), 503, 'unavailable');
      expect((await none.request({ url: '/api/v1/system/status' })).body.decision_core.available).toBe(false);
      await expectError(await none.request({ method: 'POST', url: '/api/v1/ai/analyze', scope: 'trade', body: { symbol: 'BTC/USDT' } }), 503, 'unavailable');
    } finally {
      await none.close();
    }
    const cold = await apiHarness({ warmBars: 3 });
    try {
      const r = await cold.request({ url: '/api/v1/ai/signal/aggregate/BTC-USDT' });
      await expectError(r, 409, 'conflict');
      expect(r.body.message).toBe('no decision for BTC/USDT yet: the heads are warming up (3 bars seen so far); try again after more bars');
    } finally {
      await cold.close();
    }
  });
});

const redisUrl = await requireService({ name: 'Redis', url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', defaultPort: 6379, enableHint: 'start redis-server on 127.0.0.1:6379 or set TEST_REDIS_URL' });

describe.skipIf(!redisUrl)('model training on BullMQ (Redis)', () => {
  it('runs the training job from the shared queue, with its log lines in Redis, and registers the model', async () => {
    const storage = await openStorage('sqlite::memory:');
    const queue = new BullJobQueue(redisUrl!, { train: trainProcessor(storage) }, { name: `arbiter-test-train-${randomBytes(4).toString('hex')}` });
    try {
      await queue.ready();
      const job = await queue.enqueue('train', { model_type: 'logistic', data: 'ETH_BTC-5m.feather', horizon_bars: 6 }, 'test');
      const done = await waitFor(queue, job.id, 60_000);
      expect(done.status, done.error ?? '').toBe('completed');
      expect(done.summary).toMatchObject({ model_name: 'eth-btc-5m-direction', model_version: '1', symbol: 'ETH/BTC', timeframe: '5m' });
      const logs = (await queue.logs(job.id)).map((l) => l.message);
      expect(logs.join('\n')).toContain('ETH/BTC 5m: 5760 bars');
      const { record } = await loadModel(storage.models, 'eth-btc-5m-direction');
      expect(record.parameters).toMatchObject({ horizonBars: 6, data: 'ETH_BTC-5m.feather', job: job.id });
    } finally {
      await queue.obliterate().catch(() => undefined);
      await queue.close();
      await storage.close();
    }
  });
});
