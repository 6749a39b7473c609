/**
 * `POST /api/v1/ai/tradingview/webhook` on a paper session replaying the bundled BTC/USDT 1h bars
 * (src/api/routes/tradingview.ts, src/api/tradingview/decide.ts): JSON and TradingView's text
 * bodies; the passphrase (401, counted, nothing stored); duplicates (the same answer, stored
 * once); unknown tickers; the answer's shape with the market price and the support and resistance
 * of the replayed bars; the consensus of the alert's vote with the session heads' (their learned
 * weights); the risk engine (HALTED → no); the answer time; `tradingview.execute` placing a paper
 * order, and an exit closing it. The session's own strategy is idle so that only the webhook trades.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decisionSchema } from '../../src/api/schemas/decisions.js';
import { tradingViewResponse, tradingViewSignalsResponse } from '../../src/api/schemas/tradingview.js';
import { headsResponse } from '../../src/api/routes/heads.js';
import { defineStrategy } from '../../src/strategy/define.js';
import { apiHarness, type ApiHarness, type Json } from './api-kit.js';

const PASSPHRASE = 'tv-passphrase-0123456789';
const URL = '/api/v1/ai/tradingview/webhook';
/** The conservative preset's consensus: a quorum of 2 heads at calibrated confidence ≥ 0.55. */
const MIN_CONFIDENCE = 0.55;

const idle = defineStrategy({ name: 'idle', params: z.strictObject({}), setup: () => ({ onBar: () => undefined }) });

/**
 * Steps until the session heads lean long: in their latest decision a head votes long at ≥
 * MIN_CONFIDENCE and none short (so the alert's buy makes a quorum of 2, and a sell none).
 */
function stepToLongHead(h: ApiHarness, max = 300): void {
  const qualifies = (v: { status: string; confidence: number }) => v.status === 'ok' && v.confidence >= MIN_CONFIDENCE;
  for (let i = 0; i < max; i++) {
    h.step(1);
    const votes = h.session.latestDecision('BTC/USDT')?.votes ?? [];
    if (votes.some((v) => qualifies(v) && v.direction > 0) && !votes.some((v) => qualifies(v) && v.direction < 0)) return;
  }
  throw new Error('no bar with a head voting long');
}

/** Swing lows/highs confirmed by two bars on each side (strictly lower/higher), nearest first — computed here, not by the server's code. */
function levelsOf(h: ApiHarness, price: number): { support: number[]; resistance: number[] } {
  const c = h.session.candles('BTC/USDT')!;
  const n = c.length;
  const lows = new Set<number>();
  const highs = new Set<number>();
  for (let i = Math.max(2, n - 500 + 2); i <= n - 3; i++) {
    const around = [i - 2, i - 1, i + 1, i + 2];
    if (around.every((j) => c.low[j]! > c.low[i]!)) lows.add(c.low[i]!);
    if (around.every((j) => c.high[j]! < c.high[i]!)) highs.add(c.high[i]!);
  }
  return {
    support: [...lows].filter((x) => x < price).sort((a, b) => b - a).slice(0, 3),
    resistance: [...highs].filter((x) => x > price).sort((a, b) => a - b).slice(0, 3),
  };
}

async function post(h: ApiHarness, body: Record<string, unknown>): Promise<{ status: number; body: Json; headers: Record<string, unknown>; ms: number }> {
  const t0 = performance.now();
  const r = await h.request({ method: 'POST', url: URL, scope: 'none', body });
  return { ...r, ms: performance.now() - t0 };
}

const tvOrders = (h: ApiHarness) => h.session.kernel.execution.all().filter((o) => o.owner === 'tradingview');

describe('advice only (tradingview.execute off)', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await apiHarness({ config: { tradingview: { passphrase: PASSPHRASE } }, session: { strategy: idle }, warmBars: 60 });
    stepToLongHead(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('combines the alert with the session heads: the documented shape, real levels and price, stored with its votes, well within 3 s', async () => {
    const latest = h.session.latestDecision('BTC/USDT')!;
    const r = await post(h, { passphrase: PASSPHRASE, ticker: 'BINANCE:BTCUSDT', action: 'buy', price: 95_000, strategy: 'shape', timeframe: '60', indicators: { rsi: 41.5 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    const a = tradingViewResponse.parse(r.body);
    expect(a).toMatchObject({ ticker: 'BTC/USDT', action: 'buy', should_execute: true, order: null, decision_id: a.signal_id });
    expect(a.reason).toContain('tradingview.execute is off');

    // The alert is one more head beside the session's, with an equal share of the weight.
    const sources = a.reasoning.sources;
    const n = latest.votes.length;
    expect(sources.map((s) => s.source)).toEqual(['tradingview', ...latest.votes.map((v) => v.head)]);
    expect(sources[0]).toMatchObject({ direction: 1, confidence: 0.65, weight: 1 / (n + 1), status: 'ok' });
    latest.votes.forEach((v, i) => {
      expect(sources[i + 1]).toMatchObject({ direction: v.direction, confidence: v.confidence, status: v.status });
      expect(sources[i + 1]!.weight).toBeCloseTo((v.weight * n) / (n + 1), 12);
    });
    expect(sources.reduce((s, x) => s + x.weight!, 0)).toBeCloseTo(1, 12);

    // Quorum: the heads voting long at ≥ 0.55; confidence Σ w·c / Σ w over them; score (#long − #short)/n.
    const longs = sources.filter((s) => s.status === 'ok' && s.direction > 0 && s.confidence >= MIN_CONFIDENCE);
    const shorts = sources.filter((s) => s.status === 'ok' && s.direction < 0 && s.confidence >= MIN_CONFIDENCE);
    expect(longs.length).toBeGreaterThanOrEqual(2);
    expect(a.confidence).toBeCloseTo(longs.reduce((s, x) => s + x.weight! * x.confidence, 0) / longs.reduce((s, x) => s + x.weight!, 0), 12);
    expect(a.reasoning.consensus_score).toBeCloseTo((longs.length - shorts.length) / sources.length, 12);
    // ai_confidence: the session heads' own support for the buy.
    const heads = sources.slice(1).filter((s) => s.status !== 'faulted');
    expect(a.reasoning.ai_confidence).toBeCloseTo(heads.filter((s) => s.status === 'ok' && s.direction > 0).reduce((s, x) => s + x.weight! * x.confidence, 0) / heads.reduce((s, x) => s + x.weight!, 0), 12);
    // ¼ Kelly at even odds on the consensus confidence, under the 20% cap.
    expect(a.recommended_position_size).toBeGreaterThan(0);
    expect(a.recommended_position_size).toBeCloseTo(Math.min(0.2, 0.25 * (2 * a.confidence - 1)), 3);

    // Market context from the replayed bars.
    const c = h.session.candles('BTC/USDT')!;
    const close = c.close[c.length - 1]!;
    expect(a.reasoning.market_price).toBe(close);
    const levels = levelsOf(h, close);
    expect(levels.support.length + levels.resistance.length).toBeGreaterThan(0);
    expect(a.reasoning.support_levels).toEqual(levels.support);
    expect(a.reasoning.resistance_levels).toEqual(levels.resistance);
    expect(a.reasoning).toMatchObject({ trading_state: 'ACTIVE', blockers: [] });

    // Stored: the alert (advice only: status received) and the decision with every vote.
    const signal = await h.storage.tradingView.get(a.signal_id);
    expect(signal).toMatchObject({ ticker: 'BINANCE:BTCUSDT', action: 'buy', price: 95_000, strategy: 'shape', timeframe: '1h', status: 'received', shouldExecute: true, decisionId: a.signal_id });
    expect(signal!.confidence).toBe(a.confidence);
    const decision = await h.request({ url: `/api/v1/decisions/${a.signal_id}` });
    const d = decisionSchema.parse(decision.body);
    expect(d).toMatchObject({ strategy: 'tradingview', action: 'buy', side: 'buy', direction: 1, confidence: a.confidence, order_id: null });
    expect(d.votes.map((v) => v.head).sort()).toEqual(sources.map((s) => s.source).sort());
    expect(d.votes.find((v) => v.head === 'tradingview')).toMatchObject({ direction: 1, confidence: 0.65, inputs: { 'indicator.rsi': 41.5, strategy: 'shape' } });
    expect(tvOrders(h)).toEqual([]);

    // The heads endpoint counts the alert's vote.
    const list = headsResponse.parse((await h.request({ url: '/api/v1/heads' })).body).heads;
    const tv = list.find((x) => x.id === 'tradingview')!;
    expect(tv).toMatchObject({ kind: 'external', state: 'running', status: 'ok', last_signal: { symbol: 'BTC/USDT', direction: 1, confidence: 0.65 } });
    expect(tv.votes).toBeGreaterThanOrEqual(1);
  });

  it('reads TradingView\'s text bodies (key=value pairs and a sentence)', async () => {
    const text = async (payload: string) => h.request({ method: 'POST', url: URL, scope: 'none', payload, headers: { 'content-type': 'text/plain' } });
    const pairs = await text(`ticker=BTCUSDT action=sell price=94000.5 strategy=text-pairs confidence=70 passphrase=${PASSPHRASE}`);
    expect(pairs.status, pairs.text).toBe(200);
    const a = tradingViewResponse.parse(pairs.body);
    expect(a).toMatchObject({ ticker: 'BTC/USDT', action: 'sell' });
    expect(a.reasoning.sources[0]).toMatchObject({ source: 'tradingview', direction: -1, confidence: 0.7 });
    // The heads lean long here: a sell is not confirmed.
    expect(a.should_execute).toBe(false);
    expect(a.reason).toContain('the consensus does not confirm a sell');
    expect(a.recommended_position_size).toBe(0);
    expect(await h.storage.tradingView.get(a.signal_id)).toMatchObject({ status: 'rejected', shouldExecute: false, price: 94000.5 });

    const sentence = await text(`buy 0.5 BTCUSDT @ 94500 passphrase=${PASSPHRASE}`);
    expect(sentence.status, sentence.text).toBe(200);
    expect(tradingViewResponse.parse(sentence.body)).toMatchObject({ ticker: 'BTC/USDT', action: 'buy', should_execute: true });
  });

  it('refuses a wrong or missing passphrase with 401, counts it and stores nothing', async () => {
    const count = async () => (await h.request({ url: '/api/v1/system/status' })).body.http.rejected.webhook_passphrase ?? 0;
    const [before, stored, decisions] = [await count(), (await h.storage.tradingView.list()).length, (await h.storage.decisions.list()).length];
    const wrong = await post(h, { passphrase: `${PASSPHRASE}x`, ticker: 'BTCUSDT', action: 'buy' });
    const missing = await post(h, { ticker: 'BTCUSDT', action: 'buy' });
    const wrongText = await h.request({ method: 'POST', url: URL, scope: 'none', payload: 'buy BTCUSDT passphrase=nope-nope-nope', headers: { 'content-type': 'text/plain' } });
    for (const r of [wrong, missing, wrongText]) expect([r.status, r.body.code]).toEqual([401, 'unauthorized']);
    expect(missing.body.message).toContain('missing passphrase');
    expect(await count()).toBe(before + 3);
    expect((await h.storage.tradingView.list()).length).toBe(stored);
    expect((await h.storage.decisions.list()).length).toBe(decisions);
  });

  it('answers a duplicate alert with the first answer (x-arbiter-duplicate: 1) and stores it once', async () => {
    const body = { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'buy', price: 96_100, strategy: 'duplicate-test', time: '2025-01-03T10:00:00Z' };
    const stored = (await h.storage.tradingView.list({ limit: 1000 })).length;
    const first = await post(h, body);
    const second = await post(h, body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.headers['x-arbiter-duplicate']).toBeUndefined();
    expect(second.headers['x-arbiter-duplicate']).toBe('1');
    expect(second.body).toEqual(first.body);
    const rows = await h.storage.tradingView.list({ limit: 1000 });
    expect(rows.length).toBe(stored + 1);
    expect(rows.filter((s) => s.strategy === 'duplicate-test')).toHaveLength(1);
    // Another alert (a different price) is a new signal.
    const other = await post(h, { ...body, price: 96_200 });
    expect(other.body.signal_id).not.toBe(first.body.signal_id);
  });

  it('answers 404 naming an unknown ticker, and stores nothing', async () => {
    const stored = (await h.storage.tradingView.list({ limit: 1000 })).length;
    const r = await post(h, { passphrase: PASSPHRASE, ticker: 'NASDAQ:AAPL', action: 'buy' });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 'unknown_symbol', field: 'ticker' });
    expect(r.body.message).toContain('NASDAQ:AAPL');
    expect((await h.storage.tradingView.list({ limit: 1000 })).length).toBe(stored);
  });

  it('does not execute while trading is HALTED, and says why', async () => {
    const halt = await h.request({ method: 'POST', url: '/api/v1/risk/trading-state', scope: 'trade', body: { state: 'HALTED', reason: 'webhook test halt' } });
    expect(halt.status).toBe(200);
    try {
      const r = await post(h, { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'buy', strategy: 'halted-test' });
      expect(r.status).toBe(200);
      const a = tradingViewResponse.parse(r.body);
      expect(a.should_execute).toBe(false);
      expect(a.reasoning.trading_state).toBe('HALTED');
      // The heads still confirm the buy: the risk engine alone refuses it.
      expect(a.reasoning.blockers).toHaveLength(1);
      expect(a.reason).toMatch(/^risk \(trading-state\): trading is halted/);
      expect(a.reason).toContain('webhook test halt');
      expect(await h.storage.tradingView.get(a.signal_id)).toMatchObject({ status: 'rejected', shouldExecute: false });
      expect((await h.storage.decisions.get(a.signal_id))?.action).toBe('hold');
    } finally {
      const resume = await h.request({ method: 'POST', url: '/api/v1/risk/trading-state', scope: 'admin', body: { state: 'ACTIVE', reason: 'webhook test resume' } });
      expect(resume.status).toBe(200);
    }
  });

  it('lists the decided alerts', async () => {
    await post(h, { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'buy', strategy: 'list-test' });
    const r = await h.request({ url: '/api/v1/ai/tradingview/signals?limit=1000' });
    const list = tradingViewSignalsResponse.parse(r.body).signals;
    expect(list.find((s) => s.strategy === 'list-test')).toMatchObject({ ticker: 'BTCUSDT', action: 'buy', status: 'received', should_execute: true });
  });
});

describe('with tradingview.execute: true', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await apiHarness({ config: { tradingview: { passphrase: PASSPHRASE, execute: true } }, session: { strategy: idle }, warmBars: 60 });
    stepToLongHead(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('places a paper order when the decision says to execute, and an exit closes the position', async () => {
    const r = await post(h, { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'buy', strategy: 'execute-test' });
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    const a = tradingViewResponse.parse(r.body);
    expect(a.should_execute).toBe(true);
    expect(a.order).not.toBeNull();
    const orders = tvOrders(h);
    expect(orders).toHaveLength(1);
    const order = orders[0]!;
    expect(order).toMatchObject({ id: a.order!.order_id, symbol: 'BTC/USDT', side: 'buy', type: 'market', tag: a.signal_id });
    const equity = h.session.kernel.portfolio.equity;
    // The quantity is the recommended fraction of equity at the market price (lot-rounded).
    expect(order.quantity! * a.reasoning.market_price!).toBeCloseTo(a.recommended_position_size * equity, -1);
    expect(await h.storage.tradingView.get(a.signal_id)).toMatchObject({ status: 'executed', shouldExecute: true });
    expect(await h.storage.decisions.get(a.signal_id)).toMatchObject({ orderId: order.id, action: 'buy' });

    h.step(1); // the market order fills at the next bar's open
    expect(h.session.kernel.portfolio.position('BTC/USDT').quantity).toBeCloseTo(order.quantity!, 12);
    expect(h.session.kernel.portfolio.openTrade('BTC/USDT')?.entryTag).toBe(a.signal_id);

    const exit = tradingViewResponse.parse((await post(h, { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'close', strategy: 'execute-test' })).body);
    expect(exit).toMatchObject({ action: 'close', should_execute: true, recommended_position_size: 0 });
    expect(tvOrders(h)).toHaveLength(2);
    expect(tvOrders(h)[1]).toMatchObject({ id: exit.order!.order_id, side: 'sell', reduceOnly: true });
    h.step(1);
    expect(h.session.kernel.portfolio.position('BTC/USDT').quantity).toBe(0);

    // Nothing left to close.
    const again = tradingViewResponse.parse((await post(h, { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'close', strategy: 'execute-again' })).body);
    expect(again.should_execute).toBe(false);
    expect(again.reason).toContain('no position');
    expect(tvOrders(h)).toHaveLength(2);
  });

  it('places nothing when the decision says not to execute', async () => {
    stepToLongHead(h); // a sell is then not confirmed
    const before = tvOrders(h).length;
    const a = tradingViewResponse.parse((await post(h, { passphrase: PASSPHRASE, ticker: 'BTCUSDT', action: 'sell', strategy: 'execute-no' })).body);
    expect(a.should_execute).toBe(false);
    expect(a.reason).toContain('the consensus does not confirm a sell');
    expect(a.order).toBeNull();
    expect(tvOrders(h)).toHaveLength(before);
  });
});
