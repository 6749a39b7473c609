import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, fakeWebhookReceiver, type FakeWebhookReceiver } from '../../../test/kit/notify-fakes.js';
import { signBody, WebhookNotifier, type WebhookConfig } from './webhook.js';

const SECRET = 'webhook-hmac-secret-0123456789';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function harness(config: Partial<WebhookConfig> = {}, path?: string): Promise<{ hook: WebhookNotifier; receiver: FakeWebhookReceiver; errors: string[] }> {
  const receiver = await fakeWebhookReceiver(path);
  const errors: string[] = [];
  const hook = new WebhookNotifier({ url: receiver.url, secret: SECRET, retryDelayMs: 20, ...config }, (m) => errors.push(m));
  cleanups.push(async () => {
    await hook.close();
    await receiver.close();
  });
  return { hook, receiver, errors };
}

describe('WebhookNotifier', () => {
  it('posts each event as signed JSON {event, time, data}, in order', async () => {
    const { hook, receiver } = await harness();
    hook.send('fill', { trade_id: 'T-1', symbol: 'BTC/USDT', side: 'buy', quantity: 0.01, price: 98_000 }, 1_736_000_000_000);
    hook.send('risk', { kind: 'trading-state.changed', to: 'HALTED' }, 1_736_000_000_001);
    await hook.flush();

    const posts = await receiver.waitFor(2);
    expect(posts.map((p) => JSON.parse(p.body) as unknown)).toEqual([
      { event: 'fill', time: 1_736_000_000_000, data: { trade_id: 'T-1', symbol: 'BTC/USDT', side: 'buy', quantity: 0.01, price: 98_000 } },
      { event: 'risk', time: 1_736_000_000_001, data: { kind: 'trading-state.changed', to: 'HALTED' } },
    ]);
    for (const p of posts) {
      // What a receiver does: recompute the HMAC of the raw body with the shared secret.
      const expected = `sha256=${createHmac('sha256', SECRET).update(p.body).digest('hex')}`;
      expect(p.headers['x-arbiter-signature']).toBe(expected);
      expect(p.headers['content-type']).toBe('application/json');
    }
    expect(posts.map((p) => p.headers['x-arbiter-event'])).toEqual(['fill', 'risk']);
    expect(hook.sent).toBe(2);
  });

  it('sends no signature without a secret', async () => {
    const receiver = await fakeWebhookReceiver();
    const hook = new WebhookNotifier({ url: receiver.url });
    cleanups.push(async () => {
      await hook.close();
      await receiver.close();
    });
    hook.send('fill', { n: 1 });
    await hook.flush();
    expect((await receiver.waitFor(1))[0]!.headers['x-arbiter-signature']).toBeUndefined();
  });

  it('signBody is the hex HMAC-SHA256 of the body', () => {
    expect(signBody('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('retries a 5xx and a 429 (after its Retry-After) and delivers the event once', async () => {
    const { hook, receiver, errors } = await harness();
    receiver.answer({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 204 });
    const t0 = Date.now();
    hook.send('fill', { n: 1 });
    await hook.flush();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((p) => p.body)).size).toBe(1); // the same body each time
    expect(receiver.received[2]!.at - receiver.received[1]!.at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect({ sent: hook.sent, failed: hook.failed, errors }).toEqual({ sent: 1, failed: 0, errors: [] });
  });

  it('reports a 4xx and a redirect at once, without retrying or following them, and goes on', async () => {
    const { hook, receiver, errors } = await harness();
    receiver.answer({ status: 400 }, { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    hook.send('fill', { n: 1 });
    hook.send('fill', { n: 2 });
    hook.send('fill', { n: 3 });
    await hook.flush();
    expect(receiver.received.map((p) => (JSON.parse(p.body) as { data: { n: number } }).data.n)).toEqual([1, 2, 3]);
    expect(errors).toEqual(['webhook post of fill failed: HTTP 400', 'webhook post of fill failed: HTTP 302 (redirects are not followed)']);
    expect({ sent: hook.sent, failed: hook.failed }).toEqual({ sent: 1, failed: 2 });
  });

  it('gives up on an unreachable receiver after its attempts, reporting without the URL', async () => {
    const port = await closedPort();
    const errors: string[] = [];
    // Chat services put the webhook's secret in its path.
    const url = `http://127.0.0.1:${port}/services/T0001/B0002/secret-path-token`;
    const hook = new WebhookNotifier({ url, attempts: 3, retryDelayMs: 10 }, (m) => errors.push(m));
    hook.send('fill', { n: 1 });
    await hook.flush();
    expect(errors).toEqual(['webhook post of fill failed after 3 attempts: ECONNREFUSED']);
    expect(hook.failed).toBe(1);
    expect(errors.join('\n')).not.toContain('secret-path-token');
    await hook.close();
  });

  it('times out a receiver that never answers, and close() drops what is left within its timeout', async () => {
    const { hook, receiver, errors } = await harness({ timeoutMs: 200, attempts: 2, closeTimeoutMs: 300 });
    receiver.answer('hang', 'hang', 'hang', 'hang');
    for (let i = 0; i < 5; i++) hook.send('fill', { n: i });
    await receiver.waitFor(1);
    const t0 = Date.now();
    await hook.close();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(hook.sent + hook.failed + hook.dropped).toBe(5);
    expect(hook.dropped).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => /no answer within 200 ms|canceled at close/.test(e))).toBe(true);
    // Closed: a new event is refused outright, not queued and counted, and never posted.
    const counts = [hook.sent, hook.failed, hook.dropped];
    hook.send('fill', { n: 99 });
    await new Promise((r) => setTimeout(r, 100));
    expect([hook.sent, hook.failed, hook.dropped]).toEqual(counts);
    expect(receiver.received.some((p) => p.body.includes('"n":99'))).toBe(false);
  });

  it('keeps at most 1000 waiting posts, dropping the oldest', async () => {
    const { hook, receiver } = await harness({ closeTimeoutMs: 10_000 });
    for (let i = 0; i < 1005; i++) hook.send('tick', { n: i });
    await hook.flush();
    const ns = receiver.received.map((p) => (JSON.parse(p.body) as { data: { n: number } }).data.n);
    // The first was already on its way when the queue filled; of the 1004 that waited, the 4 oldest went.
    expect(hook.dropped).toBe(4);
    expect(ns).toEqual([0, ...Array.from({ length: 1000 }, (_, i) => i + 5)]);
  });
});
