/**
 * `/ws` on a real server listening on 127.0.0.1: a client receives candles, order events, fills
 * and P&L as the paper run progresses; authentication by header, `?token=` and first frame;
 * subscriptions; refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decisionSchema } from '../../src/api/schemas/decisions.js';
import { apiHarness, type ApiHarness } from './api-kit.js';

let h: ApiHarness;
let base = '';

beforeAll(async () => {
  h = await apiHarness({ session: { account: { type: 'margin', leverage: 3 } } });
  base = (await h.api.listen('127.0.0.1', 0)).replace(/^http/, 'ws');
});
afterAll(async () => {
  await h?.close();
});

interface Frame {
  readonly topic: string;
  readonly data: Record<string, unknown>;
}

/** A client that records frames and can wait for one matching a predicate. */
async function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: Frame[]; next(pred: (f: Frame) => boolean, ms?: number): Promise<Frame>; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters: Array<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.pred(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws, frames, closed,
    next: (pred, ms = 5000) => {
      const seen = frames.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise<Frame>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame within ${ms} ms; got ${frames.map((f) => f.topic).join(',')}`)), ms);
        waiters.push({ pred, resolve: (f) => { clearTimeout(timer); resolve(f); } });
      });
    },
  };
}

describe('/ws', () => {
  it('streams candles, orders, fills and P&L as the paper run progresses', async () => {
    const c = await connect(`${base}/ws?token=${h.tokens.read}`);
    try {
      const hello = await c.next((f) => f.topic === 'hello');
      expect(hello.data.topics).toContain('candles');
      const delivered = h.session.feed.progress.delivered;
      h.step(1);
      const candle = await c.next((f) => f.topic === 'candles');
      expect(candle.data).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1h' });
      expect(candle.data.time).toBe(h.session.candles('BTC/USDT')!.time[delivered]);
      await c.next((f) => f.topic === 'pnl');

      const placed = await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.002 } });
      expect(placed.body.success).toBe(true);
      await c.next((f) => f.topic === 'orders' && f.data.order_id === placed.body.trade_id && f.data.kind === 'order.submitted');
      h.step(1); // the market order fills at the next bar
      const fill = await c.next((f) => f.topic === 'fills' && f.data.order_id === placed.body.trade_id);
      expect(fill.data).toMatchObject({ symbol: 'BTC/USDT', side: 'buy', quantity: 0.002 });
      expect(fill.data.price).toBe(h.session.candles('BTC/USDT')!.open[delivered + 1]);
      await c.next((f) => f.topic === 'orders' && f.data.kind === 'order.filled' && f.data.order_id === placed.body.trade_id);
      await c.next((f) => f.topic === 'positions');
    } finally {
      c.ws.close();
    }
  });

  it('authenticates with the Authorization header or a first auth frame, and honours subscriptions', async () => {
    const byHeader = await connect(`${base}/ws?topics=candles`, { authorization: `Bearer ${h.tokens.trade}` });
    const byFrame = await connect(`${base}/ws`);
    try {
      await byHeader.next((f) => f.topic === 'hello');
      byFrame.ws.send(JSON.stringify({ op: 'subscribe', topics: ['candles'] }));
      await byFrame.next((f) => f.topic === 'error' && String(f.data.message).includes('authenticate first'));
      byFrame.ws.send(JSON.stringify({ op: 'auth', token: h.tokens.read }));
      await byFrame.next((f) => f.topic === 'hello');
      byFrame.ws.send(JSON.stringify({ op: 'unsubscribe', topics: ['candles', 'pnl'] }));
      const sub = await byFrame.next((f) => f.topic === 'subscribed');
      expect(sub.data.topics).not.toContain('candles');
      byFrame.ws.send(JSON.stringify({ op: 'ping' }));
      await byFrame.next((f) => f.topic === 'pong');
      h.step(1);
      await byHeader.next((f) => f.topic === 'candles');
      // byHeader chose only candles; byFrame dropped candles and pnl.
      await new Promise((r) => setTimeout(r, 50));
      expect(byHeader.frames.every((f) => f.topic === 'hello' || f.topic === 'candles')).toBe(true);
      expect(byFrame.frames.some((f) => f.topic === 'candles' || f.topic === 'pnl')).toBe(false);
      byFrame.ws.send('not json');
      await byFrame.next((f) => f.topic === 'error' && String(f.data.message).includes('JSON'));
    } finally {
      byHeader.ws.close();
      byFrame.ws.close();
    }
  });

  it('closes connections with a bad token or an unknown topic (1008), with the reason', async () => {
    const bad = await connect(`${base}/ws?token=arb_wrong`);
    expect(await bad.closed).toMatchObject({ code: 1008, reason: 'unknown or revoked token' });
    const topic = await connect(`${base}/ws?token=${h.tokens.read}&topics=candles,secrets`);
    expect((await topic.closed).code).toBe(1008);
    expect(topic.frames[0]!.data.message).toContain('unknown topic "secrets"');
  });

  it('forwards the decisions the scalping service makes on its own to `decisions`, and their votes to `signals`', async () => {
    const c = await connect(`${base}/ws?token=${h.tokens.read}&topics=decisions,signals`);
    try {
      await c.next((f) => f.topic === 'hello');
      h.step(1);
      const made = h.session.latestDecision('BTC/USDT')!;
      expect(made.time).toBe(h.session.kernel.clock.now());
      const frame = await c.next((f) => f.topic === 'decisions' && f.data.id === made.id);
      const d = decisionSchema.parse(frame.data);
      expect(d).toMatchObject({ symbol: 'BTC/USDT', strategy: 'scalping-conservative', action: made.action, confidence: made.confidence, consensus_score: made.score, created_at: made.time });
      expect(d.votes.map((v) => v.head)).toEqual(['technical', 'orderflow', 'rules']);
      made.votes.forEach((v, i) => expect(d.votes[i]).toMatchObject({ head: v.head, status: v.status, weight: v.weight }));
      for (const v of made.votes) {
        const signal = await c.next((f) => f.topic === 'signals' && f.data.decision_id === made.id && f.data.head === v.head);
        expect(signal.data).toMatchObject({ symbol: 'BTC/USDT', time: made.time, status: v.status, direction: v.direction, confidence: v.confidence, weight: v.weight });
      }
    } finally {
      c.ws.close();
    }
  });

  it('counts its clients in the system status', async () => {
    const c = await connect(`${base}/ws?token=${h.tokens.read}`);
    try {
      await c.next((f) => f.topic === 'hello');
      const status = await h.request({ url: '/api/v1/system/status' });
      expect(status.body.ws.clients).toBeGreaterThanOrEqual(1);
      expect(status.body.ws.messages_sent).toBeGreaterThan(0);
    } finally {
      c.ws.close();
    }
  });
});
