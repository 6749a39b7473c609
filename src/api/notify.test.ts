import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiHarness, type ApiHarness, type HarnessOptions, type Json } from '../../test/integration/api-kit.js';
import { closedPort, fakeTelegram, fakeWebhookReceiver, type FakeTelegram, type FakeWebhookReceiver } from '../../test/kit/notify-fakes.js';
import type { Decision } from '../consensus/decision.js';
import { createLogger } from '../core/logger.js';
import { signBody } from '../adapters/notify/webhook.js';
import { createNotifications } from './notify.js';

const TOKEN = '987654321:AAE-notify_wiring_bot_token_abcdef';
const CHAT = 31337;
const SECRET = 'webhook-hmac-secret-0123456789';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('notify-test', { level: 'debug', destination }) };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Wired {
  readonly h: ApiHarness;
  readonly tg: FakeTelegram;
  readonly hook: FakeWebhookReceiver;
  readonly lines: string[];
}

async function wired(events: Array<'fills' | 'orders' | 'risk' | 'decisions'> = ['fills', 'risk'], extra: HarnessOptions = {}): Promise<Wired> {
  const tg = await fakeTelegram(TOKEN, { chats: [CHAT] });
  const hook = await fakeWebhookReceiver();
  const { lines, logger } = capturedLogger();
  const h = await apiHarness({
    logger,
    config: {
      notifications: {
        telegram: { botToken: TOKEN, chatId: CHAT, apiBase: tg.apiBase, pollTimeoutSec: 2 },
        webhook: { url: hook.url, secret: SECRET, events },
      },
    },
    app: { notifications: (ctx) => createNotifications(ctx, logger) },
    ...extra,
  });
  cleanups.push(async () => {
    await h.close();
    await tg.close();
    await hook.close();
  });
  return { h, tg, hook, lines };
}

const money = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

describe('notifications wired to the session', () => {
  it('sends a fill to the Telegram chat and to the webhook, with the fill the API shows', async () => {
    const { h, tg, hook } = await wired();
    expect((await h.request({ url: '/api/v1/system/status' })).body.notifications).toEqual({ telegram: true, webhook: true });

    const placed = await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001 } });
    expect(placed.status).toBe(200);
    h.step(1);
    const fills = (await h.request({ url: '/api/v1/fills' })).body.fills as Json[];
    expect(fills).toHaveLength(1);
    const fill = fills[0];

    const text = await tg.waitForSent((t) => t.startsWith('BUY'));
    expect(text).toBe(`BUY 0.001 BTC/USDT @ ${money(fill.price)} (fee ${money(fill.fee)}) api`);
    const [post] = await hook.waitFor(1);
    expect(JSON.parse(post!.body)).toEqual({ event: 'fill', time: fill.time, data: fill });
    expect(post!.headers['x-arbiter-event']).toBe('fill');
    expect(post!.headers['x-arbiter-signature']).toBe(signBody(SECRET, post!.body));
  });

  it('halts trading on a confirmed /stop from the configured chat only, and tells both channels', async () => {
    const { h, tg, hook } = await wired();
    const state = async (): Promise<string> => (await h.request({ url: '/api/v1/risk' })).body.state as string;
    expect(await state()).toBe('ACTIVE');

    tg.userSends('/stop', { chatId: 555, username: 'mallory' });
    tg.userSends('/confirm', { chatId: 555, username: 'mallory' });
    tg.userSends('/stop', { chatId: CHAT, username: 'alice' });
    await tg.waitForSent((t) => t.startsWith('Halt all trading?'));
    expect(await state()).toBe('ACTIVE'); // asked, not done; the stranger was ignored

    tg.userSends('/confirm', { chatId: CHAT, username: 'alice' });
    await tg.waitForSent((t) => t.startsWith('Trading is HALTED'), 8000);
    expect(await state()).toBe('HALTED');
    const audit = (await h.request({ url: '/api/v1/audit?action=trading-state.set', scope: 'admin' })).body.entries as Json[];
    expect(audit[0]).toMatchObject({ actor: 'telegram:alice', details: { requested: 'HALTED', effective: 'HALTED' } });
    expect(await tg.waitForSent((t) => t.startsWith('Trading ACTIVE'), 8000)).toBe('Trading ACTIVE → HALTED by telegram:alice: stop confirmed in Telegram');
    const [post] = await hook.waitFor(1);
    expect(JSON.parse(post!.body)).toMatchObject({ event: 'risk', data: { kind: 'trading-state.changed', from: 'ACTIVE', to: 'HALTED' } });
    expect(tg.sent.every((m) => m.chat_id === String(CHAT))).toBe(true);
  });

  it('posts no decision while the session\'s decision core is switched off', async () => {
    const { h, hook } = await wired(['decisions', 'fills']);
    expect(h.session.scalping?.status().enabled).toBe(false);
    h.step(50);
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.received.filter((p) => p.headers['x-arbiter-event'] === 'decision')).toEqual([]);
  });

  it('posts trade decisions (not holds) when the webhook asks for decisions', async () => {
    const { h, hook } = await wired(['decisions'], { session: { scalping: false } });
    const decision = (id: string, action: 'buy' | 'hold'): Decision => ({
      id, time: Date.UTC(2025, 0, 5), symbol: 'BTC/USDT', strategy: 'scalping', action, direction: action === 'buy' ? 1 : 0,
      confidence: 0.71, score: 0.42, mode: 'weighted', price: 97_000, reasoning: 'trend and momentum agree', faulted: [],
      ...(action === 'buy' ? { side: 'buy' as const } : {}),
      votes: [{ head: 'ema-trend', status: 'ok', direction: 1, confidence: 0.8, rawConfidence: 0.8, weight: 1, horizonMs: 3_600_000, reason: 'fast above slow', inputs: { ema_fast: 97_100 } }],
    });
    h.session.kernel.bus.publish('decision', decision('D-hold', 'hold'));
    h.session.kernel.bus.publish('decision', decision('D-buy', 'buy'));
    const [post] = await hook.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(post!.body)).toMatchObject({
      event: 'decision', time: Date.UTC(2025, 0, 5),
      data: { id: 'D-buy', symbol: 'BTC/USDT', action: 'buy', side: 'buy', confidence: 0.71, consensus_score: 0.42, entry_price: 97_000, votes: [{ head: 'ema-trend', direction: 1, reason: 'fast above slow', inputs: { ema_fast: 97_100 } }] },
    });
  });

  it('does nothing at all unless configured', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { logger } = capturedLogger();
    const h = await apiHarness({ logger, app: { notifications: (ctx) => createNotifications(ctx, logger) } });
    cleanups.push(() => h.close());
    expect((await h.request({ url: '/api/v1/system/status' })).body.notifications).toEqual({ telegram: false, webhook: false });
    await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001 } });
    h.step(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('keeps serving when both endpoints fail, logs the failures without secrets, and closes promptly', async () => {
    const port = await closedPort();
    const hook = await fakeWebhookReceiver('/services/T0/B0/secret-in-the-path');
    hook.answer(...Array.from({ length: 20 }, () => ({ status: 500 })));
    const { lines, logger } = capturedLogger();
    const h = await apiHarness({
      logger,
      config: {
        notifications: {
          telegram: { botToken: TOKEN, chatId: CHAT, apiBase: `http://127.0.0.1:${port}`, pollTimeoutSec: 0 },
          webhook: { url: hook.url, secret: SECRET, events: ['fills', 'orders', 'risk'] },
        },
      },
      app: { notifications: (ctx) => createNotifications(ctx, logger) },
    });
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await h.close();
      await hook.close();
    });

    await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001 } });
    h.step(2);
    await until(() => lines.some((l) => l.includes('outgoing webhook')) && lines.some((l) => l.includes('telegram')));
    expect((await h.request({ url: '/api/v1/account' })).status).toBe(200);
    expect(hook.received.length).toBeGreaterThanOrEqual(3); // retried

    const t0 = Date.now();
    await h.close();
    closed = true;
    expect(Date.now() - t0).toBeLessThan(8000);
    const log = lines.join('\n');
    expect(log).toMatch(/Telegram (getUpdates|sendMessage) failed: ECONNREFUSED/);
    expect(log).toMatch(/webhook post of (fill|order) failed after 3 attempts: HTTP 500/);
    for (const secret of [TOKEN, TOKEN.split(':')[1]!, SECRET, 'secret-in-the-path']) expect(log).not.toContain(secret);
  });
});
