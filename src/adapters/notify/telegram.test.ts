import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, fakeTelegram, type FakeTelegram } from '../../../test/kit/notify-fakes.js';
import { TelegramBot, type TelegramCommands, type TelegramConfig } from './telegram.js';

const TOKEN = '123456789:AAH-fake_bot_token_for_tests_0123456789';
const CHAT = 4242;

interface Harness {
  readonly bot: TelegramBot;
  readonly api: FakeTelegram;
  readonly errors: string[];
  readonly stops: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function harness(config: Partial<TelegramConfig> = {}, commands: Partial<TelegramCommands> = {}, apiToken = TOKEN): Promise<Harness> {
  const api = await fakeTelegram(apiToken, { chats: [CHAT] });
  const errors: string[] = [];
  const stops: string[] = [];
  const bot = new TelegramBot(
    { botToken: TOKEN, chatId: String(CHAT), apiBase: api.apiBase, pollTimeoutSec: 5, minIntervalMs: 0, retryDelayMs: 20, ...config },
    {
      status: () => Promise.resolve('paper ema-cross: equity 10,250.00'),
      trades: () => Promise.resolve('no closed trades yet'),
      stop: (actor) => {
        stops.push(actor);
        return Promise.resolve('Trading is HALTED.');
      },
      ...commands,
    },
    (message) => errors.push(message),
  );
  cleanups.push(async () => {
    await bot.stop();
    await api.close();
  });
  return { bot, api, errors, stops };
}

describe('TelegramBot notifications', () => {
  it('sends each notification as a sendMessage to the configured chat, in order', async () => {
    const { bot, api } = await harness();
    bot.notify('BUY 0.01 BTC/USDT @ 98,000.00 (fee 0.98)');
    bot.notify('SELL 0.01 BTC/USDT @ 99,000.00 (fee 0.99)');
    await bot.flush();

    expect(api.sent.map((m) => m.text)).toEqual(['BUY 0.01 BTC/USDT @ 98,000.00 (fee 0.98)', 'SELL 0.01 BTC/USDT @ 99,000.00 (fee 0.99)']);
    expect(api.sent[0]!.body).toMatchObject({ chat_id: String(CHAT), link_preview_options: { is_disabled: true } });
    expect(api.calls.filter((c) => c.method === 'sendMessage').every((c) => c.tokenOk)).toBe(true);
    expect(bot.sent).toBe(2);
  });

  it('cuts a message to Telegram\'s length limit', async () => {
    const { bot, api } = await harness();
    bot.notify('x'.repeat(10_000));
    await bot.flush();
    expect(api.sent[0]!.text.length).toBeLessThanOrEqual(4096);
  });

  it('retries a message after a 5xx and after a 429 (waiting retry_after), then delivers it once', async () => {
    const { bot, api, errors } = await harness();
    api.failSends(1, { status: 502, description: 'Bad Gateway' });
    api.failSends(1, { status: 429, description: 'Too Many Requests: retry after 1', retryAfterSec: 1 });
    const t0 = Date.now();
    bot.notify('filled');
    await bot.flush();

    expect(api.sent.map((m) => m.text)).toEqual(['filled']);
    expect(api.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // Telegram asked for 1 s
    expect(bot.failures).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reports a message Telegram refuses (4xx) without retrying it, and goes on with the next', async () => {
    const { bot, api, errors } = await harness();
    api.failSends(1, { status: 400, description: 'Bad Request: chat not found' });
    bot.notify('first');
    bot.notify('second');
    await bot.flush();

    expect(api.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(2);
    expect(api.sent.map((m) => m.text)).toEqual(['second']);
    expect(bot.failures).toBe(1);
    expect(errors).toEqual(['Telegram sendMessage failed: HTTP 400 (Bad Request: chat not found)']);
  });

  it('gives up after the configured attempts when Telegram keeps failing', async () => {
    const { bot, api, errors } = await harness({ sendAttempts: 3 });
    api.failSends(5, { status: 500, description: 'Internal Server Error' });
    bot.notify('lost');
    await bot.flush();
    expect(api.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(3);
    expect(bot.failures).toBe(1);
    expect(errors[0]).toMatch(/sendMessage failed: HTTP 500 .*gave up after 3 attempts/);
  });
});

describe('TelegramBot commands', () => {
  it('answers /status and /trades in the configured chat', async () => {
    const { bot, api } = await harness();
    bot.start();
    api.userSends('/status', { chatId: CHAT });
    expect(await api.waitForSent((t) => t.startsWith('paper'))).toBe('paper ema-cross: equity 10,250.00');
    api.userSends('/trades@arbiter_bot', { chatId: CHAT });
    expect(await api.waitForSent((t) => t.includes('trades'))).toBe('no closed trades yet');
    // Long polling as the API documents it: a timeout, message updates only, the offset past the last update.
    const polls = api.calls.filter((c) => c.method === 'getUpdates');
    expect(polls[0]!.body).toMatchObject({ offset: 0, timeout: 5, allowed_updates: ['message'] });
    await until(() => api.calls.filter((c) => c.method === 'getUpdates').some((c) => (c.body.offset as number) > 500_001));
  });

  it('/stop asks for confirmation and halts only after /confirm from the configured chat', async () => {
    const { bot, api, stops } = await harness();
    bot.start();
    api.userSends('/stop', { chatId: CHAT });
    expect(await api.waitForSent((t) => t.startsWith('Halt all trading?'))).toMatch(/Send \/confirm within 60 s/);
    expect(stops).toEqual([]);

    api.userSends('/confirm', { chatId: CHAT, username: 'alice' });
    expect(await api.waitForSent((t) => t.includes('HALTED'))).toBe('Trading is HALTED.');
    expect(stops).toEqual(['telegram:alice']);

    // A second /confirm has nothing to confirm.
    api.userSends('/confirm', { chatId: CHAT });
    await api.waitForSent((t) => t.startsWith('Nothing to confirm'));
    expect(stops).toHaveLength(1);
  });

  it('ignores every message from another chat, including /stop and /confirm', async () => {
    const { bot, api, stops } = await harness();
    bot.start();
    api.userSends('/stop', { chatId: 999, username: 'mallory' });
    api.userSends('/confirm', { chatId: 999, username: 'mallory' });
    await until(() => bot.ignored === 2);
    // The owner's /stop is pending: a stranger's /confirm must not complete it.
    api.userSends('/stop', { chatId: CHAT });
    await api.waitForSent((t) => t.startsWith('Halt all trading?'));
    api.userSends('/confirm', { chatId: -100999, username: 'mallory' });
    await until(() => bot.ignored === 3);
    expect(stops).toEqual([]);
    expect(api.sent.every((m) => m.chat_id === String(CHAT))).toBe(true);
    expect(api.sent).toHaveLength(1); // only the owner's prompt: strangers get no answer
    api.userSends('/confirm', { chatId: CHAT });
    await until(() => stops.length === 1);
  });

  it('refuses /confirm without a /stop, and after the confirmation window', async () => {
    const { bot, api, stops } = await harness({ confirmWindowMs: 150 });
    bot.start();
    api.userSends('/confirm', { chatId: CHAT });
    await api.waitForSent((t) => t.startsWith('Nothing to confirm'));
    api.userSends('/stop', { chatId: CHAT });
    await api.waitForSent((t) => t.startsWith('Halt all trading?'));
    await new Promise((r) => setTimeout(r, 300));
    api.userSends('/stop confirm', { chatId: CHAT });
    await until(() => api.sent.filter((m) => m.text.startsWith('Nothing to confirm')).length === 2);
    expect(stops).toEqual([]);
  });

  it('does not act on commands sent before it started (a stale /stop + /confirm in Telegram\'s queue)', async () => {
    const { bot, api, stops } = await harness();
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    api.userSends('/stop', { chatId: CHAT, date: anHourAgo });
    api.userSends('/confirm', { chatId: CHAT, date: anHourAgo + 5 });
    bot.start();
    await until(() => bot.stale === 2);
    api.userSends('/status', { chatId: CHAT });
    await api.waitForSent((t) => t.startsWith('paper'));
    expect(stops).toEqual([]);
    expect(api.sent.map((m) => m.text)).toEqual(['paper ema-cross: equity 10,250.00']);
  });

  it('answers with the failure when a command throws, and keeps polling', async () => {
    const { bot, api } = await harness({}, { status: () => Promise.reject(new Error('no session')) });
    bot.start();
    api.userSends('/status', { chatId: CHAT });
    expect(await api.waitForSent((t) => t.startsWith('failed'))).toBe('failed: no session');
    api.userSends('/trades', { chatId: CHAT });
    await api.waitForSent((t) => t === 'no closed trades yet');
  });
});

describe('TelegramBot failures', () => {
  it('never puts the bot token in an error, a log line or its status', async () => {
    // The server knows another token (401 on every call) and echoes the request path in a refusal.
    const { bot, errors } = await harness({}, {}, 'another-token');
    bot.start();
    await until(() => errors.length >= 1);
    expect(bot.lifecycle.current.state).toBe('degraded');
    expect(bot.lifecycle.current.reason).toBe('Telegram getUpdates failed: HTTP 401 (Unauthorized)');
    await bot.stop();

    const echo = await fakeTelegram(TOKEN, { chats: [CHAT] });
    cleanups.push(() => echo.close());
    echo.failSends(1, { status: 400, description: `Bad Request: wrong path /bot${TOKEN}/sendMessage` });
    const port = await closedPort();
    const seen: string[] = [];
    const echoing = new TelegramBot({ botToken: TOKEN, chatId: String(CHAT), apiBase: echo.apiBase, minIntervalMs: 0 }, { status: () => Promise.resolve(''), trades: () => Promise.resolve(''), stop: () => Promise.resolve('') }, (m) => seen.push(m));
    echoing.notify('hello');
    await echoing.flush();
    const unreachable = new TelegramBot({ botToken: TOKEN, chatId: String(CHAT), apiBase: `http://127.0.0.1:${port}`, pollTimeoutSec: 0, minIntervalMs: 0, retryDelayMs: 10 }, { status: () => Promise.resolve(''), trades: () => Promise.resolve(''), stop: () => Promise.resolve('') }, (m) => seen.push(m));
    unreachable.start();
    unreachable.notify('hello');
    await unreachable.flush();
    await until(() => seen.length >= 3);
    await unreachable.stop();

    const everything = [...errors, ...seen, bot.lifecycle.current.reason ?? '', unreachable.lifecycle.current.reason ?? ''].join('\n');
    expect(seen[0]).toBe('Telegram sendMessage failed: HTTP 400 (Bad Request: wrong path /bot[redacted]/sendMessage)');
    expect(everything).toMatch(/ECONNREFUSED/);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.split(':')[1]);
  });

  it('reports an unreachable API and backs off instead of spinning', async () => {
    const port = await closedPort();
    const errors: string[] = [];
    const bot = new TelegramBot({ botToken: TOKEN, chatId: String(CHAT), apiBase: `http://127.0.0.1:${port}`, pollTimeoutSec: 0 }, { status: () => Promise.resolve('ok'), trades: () => Promise.resolve(''), stop: () => Promise.resolve('') }, (m) => errors.push(m));
    bot.start();
    await until(() => errors.length >= 2);
    expect(bot.lifecycle.current).toMatchObject({ state: 'degraded', reason: 'Telegram getUpdates failed: ECONNREFUSED' });
    // Backoff: 500 ms, then 1 s: not a tight loop.
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.length).toBeLessThanOrEqual(3);
    await bot.stop();
    expect(bot.lifecycle.current.state).toBe('stopped');
  });

  it('stops within its close timeout with a long queue, dropping and counting what is left', async () => {
    const { bot, api } = await harness({ closeTimeoutMs: 300, minIntervalMs: 1000 });
    api.failSends(1, { status: 500, description: 'Internal Server Error' });
    for (let i = 0; i < 10; i++) bot.notify(`message ${i}`);
    const t0 = Date.now();
    await bot.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(bot.dropped).toBeGreaterThan(0);
    expect(bot.sent + bot.dropped + bot.failures).toBe(10);
    // Stopped: a new message is refused outright, not queued and counted.
    const counts = [bot.sent, bot.dropped, bot.failures];
    bot.notify('after stop');
    await bot.flush();
    expect([bot.sent, bot.dropped, bot.failures]).toEqual(counts);
    expect(api.sent.map((m) => m.text)).not.toContain('after stop');
  });
});
