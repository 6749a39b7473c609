/**
 * Security of the API: tokens made by the CLI work on a running server and stop working when
 * revoked; the audit log says who did what; rate limiting; CORS closed by default; bad input is
 * refused with a message, counted and changes nothing; and no configured secret or token ever
 * appears in a response or a log line.
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createNotifications } from '../../src/api/notify.js';
import { createLogger } from '../../src/core/logger.js';
import { openStorage } from '../../src/storage/open.js';
import { tempDir } from '../kit/tmp.js';
import { apiHarness } from './api-kit.js';

const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir('arbiter-api-security-');
afterAll(() => tmp.remove());

/** A pino logger whose lines the test can read. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
  return { lines, logger: createLogger('api-test', { level: 'debug', destination }) };
}

describe('tokens from the CLI', () => {
  it('`arbiter token create --scope trade --json` prints a token a running server accepts, until `token revoke`', async () => {
    const url = `sqlite:${tmp.file('tokens.db')}`;
    const storage = await openStorage(url);
    const h = await apiHarness({ storage });
    try {
      const run = (...args: string[]) => promisify(execFile)(process.execPath, [bin, 'token', ...args, '--database', url], { cwd: repo });
      const { stdout } = await run('create', '--scope', 'trade', '--label', 'ci', '--json');
      const created = JSON.parse(stdout) as { token: string; id: string; scopes: string[] };
      expect(Object.keys(created).sort()).toEqual(['id', 'scopes', 'token']);
      expect(created.scopes).toEqual(['trade']);
      const ok = await h.request({ url: '/api/v1/auth/whoami', token: created.token });
      expect(ok.body).toMatchObject({ token_id: created.id, scopes: ['trade'], label: 'ci', source: 'stored' });
      const listed = JSON.parse((await run('list', '--json')).stdout) as Array<{ id: string }>;
      expect(listed.map((t) => t.id)).toContain(created.id);
      expect((await run('list', '--json')).stdout).not.toContain(created.token);

      await run('revoke', created.id);
      // The server reloads at most once a second; the first request after that starts the reload.
      await new Promise((r) => setTimeout(r, 1100));
      await h.request({ url: '/api/v1/auth/whoami', token: created.token });
      await new Promise((r) => setTimeout(r, 50));
      expect((await h.request({ url: '/api/v1/auth/whoami', token: created.token })).status).toBe(401);
      await expect(run('create', '--scope', 'write')).rejects.toMatchObject({ stderr: 'error: --scope: unknown scope "write"; use read, trade, admin\n' });
    } finally {
      await h.close();
      await storage.close();
    }
  });
});

describe('the audit log', () => {
  it('records who placed an order, halted and resumed trading, and changed a limit — by token id, never the token', async () => {
    const h = await apiHarness({ session: { account: { type: 'margin', leverage: 3 } } });
    try {
      const trade = (await h.request({ url: '/api/v1/auth/whoami', scope: 'trade' })).body.token_id as string;
      const admin = (await h.request({ url: '/api/v1/auth/whoami', scope: 'admin' })).body.token_id as string;
      const order = await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001 } });
      await h.request({ method: 'POST', url: '/api/v1/risk/trading-state', scope: 'trade', body: { state: 'HALTED', reason: 'incident drill' } });
      await h.request({ method: 'POST', url: '/api/v1/risk/trading-state', scope: 'admin', body: { state: 'ACTIVE', reason: 'drill over' } });
      await h.request({ method: 'PATCH', url: '/api/v1/risk/config', scope: 'admin', body: { patch: { limits: { maxOpenPositions: 3 } }, reason: 'tighter' } });
      await h.session.flush();
      const entries = (await h.request({ url: '/api/v1/audit?limit=50', scope: 'admin' })).body.entries as Array<{ actor: string; action: string; subject: string | null; details: Record<string, unknown> }>;
      const find = (action: string, actor: string) => entries.find((e) => e.action === action && e.actor === actor);
      expect(find('api.order.submitted', `token:${trade}`)).toMatchObject({ subject: order.body.trade_id, details: { symbol: 'BTC/USDT', side: 'buy' } });
      expect(find('trading-state.set', `token:${trade}`)).toMatchObject({ details: { requested: 'HALTED', effective: 'HALTED', reason: 'incident drill' } });
      expect(find('trading-state.changed', `token:${trade}`)).toMatchObject({ details: { from: 'ACTIVE', to: 'HALTED' } });
      expect(find('trading-state.set', `token:${admin}`)).toMatchObject({ details: { requested: 'ACTIVE', effective: 'ACTIVE' } });
      expect(find('risk.config-changed', `token:${admin}`)).toMatchObject({ details: { reason: 'tighter', patch: { limits: { maxOpenPositions: 3 } } } });
      const text = JSON.stringify(entries);
      for (const token of Object.values(h.tokens)) expect(text).not.toContain(token);
      expect((await h.storage.audit.verify()).ok).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('rate limiting and CORS', () => {
  it('answers 429 with retry-after past the limit, per token, and counts it', async () => {
    const h = await apiHarness({ config: { server: { rateLimit: { max: 5, windowMs: 60_000 } } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await h.request({ url: '/api/v1/account' })).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await h.request({ url: '/api/v1/account' });
      expect(limited.body).toMatchObject({ code: 'rate_limited' });
      expect(limited.headers['retry-after']).toBeDefined();
      // Another token has its own budget.
      expect((await h.request({ url: '/api/v1/account', scope: 'admin' })).status).toBe(200);
      const status = await h.request({ url: '/api/v1/system/status', scope: 'trade' });
      expect(status.body.http.rejected.rate_limited).toBeGreaterThanOrEqual(3);
    } finally {
      await h.close();
    }
  });

  it('sends no CORS headers unless origins are configured, and then only to those', async () => {
    const closed = await apiHarness();
    try {
      const r = await closed.request({ url: '/api/v1/account', headers: { origin: 'https://evil.example' } });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
    const open = await apiHarness({ config: { server: { cors: { origins: ['https://dash.example.com'] } } } });
    try {
      const allowed = await open.request({ url: '/api/v1/account', headers: { origin: 'https://dash.example.com' } });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example.com');
      const other = await open.request({ url: '/api/v1/account', headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});

describe('bad input', () => {
  it('gets a clear 4xx, is counted by reason, and changes nothing', async () => {
    const h = await apiHarness({ config: { tradingview: { passphrase: 'correct-horse-battery' } } });
    try {
      const orders = () => h.session.kernel.execution.all().length;
      const audits = async () => (await h.storage.audit.list()).length;
      const [orders0, audits0] = [orders(), await audits()];
      const json = { 'content-type': 'application/json' };
      const answers = [
        await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', headers: json, payload: '{"symbol": "BTC/USDT", "direction": ' }),
        await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'up', quantity: '1' } }),
        await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', headers: json, payload: JSON.stringify({ symbol: 'BTC/USDT', direction: 'buy', quantity: 1, ai_metadata: { blob: 'x'.repeat(70_000) } }) }),
        await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'NOPE/USDT', direction: 'buy', quantity: 1 } }),
        await h.request({ method: 'POST', url: '/api/v1/ai/tradingview/webhook', scope: 'none', body: { passphrase: 'wrong-horse-battery', ticker: 'BTCUSDT', action: 'buy' } }),
        await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', headers: { 'content-type': 'application/xml' }, payload: '<order/>' }),
        await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', headers: json, payload: '{"__proto__": {"admin": true}, "symbol": "BTC/USDT"}' }),
      ];
      expect(answers.map((a) => [a.status, a.body?.code])).toEqual([
        [400, 'malformed_json'], [400, 'validation_failed'], [413, 'payload_too_large'], [404, 'unknown_symbol'], [401, 'unauthorized'],
        [415, 'unsupported_media_type'], [400, 'malformed_json'],
      ]);
      for (const a of answers) expect(a.body.message.length).toBeGreaterThan(10);
      expect(answers[1]!.body.field).toBe('direction');
      expect(orders()).toBe(orders0);
      expect(await audits()).toBe(audits0);
      const rejected = (await h.request({ url: '/api/v1/system/status' })).body.http.rejected;
      expect(rejected).toMatchObject({ malformed_json: 2, validation_failed: 1, payload_too_large: 1, unknown_symbol: 1, webhook_passphrase: 1, unsupported_media_type: 1 });
    } finally {
      await h.close();
    }
  });
});

describe('secrets', () => {
  it('never appear in a response or a log line', async () => {
    const secrets = {
      passphrase: 'tv-passphrase-0123456789', telegram: '123456:telegram-bot-token-abcdef', webhookSecret: 'webhook-hmac-secret-0123456789',
      dbPassword: 'database-password-0123',
    };
    const { lines, logger } = capturedLogger();
    const h = await apiHarness({
      logger,
      config: {
        tradingview: { passphrase: secrets.passphrase },
        database: { url: `postgres://arbiter:${secrets.dbPassword}@127.0.0.1:1/none` },
        notifications: {
          // Nothing listens on port 1: the bot's requests fail and are logged.
          telegram: { botToken: secrets.telegram, chatId: '42', apiBase: 'http://127.0.0.1:1', pollTimeoutSec: 0 },
          webhook: { url: 'http://127.0.0.1:1/hook', secret: secrets.webhookSecret, events: ['fills', 'orders', 'risk'] },
        },
      },
      app: { notifications: (ctx) => createNotifications(ctx, logger) },
      session: { account: { type: 'margin', leverage: 3 } },
    });
    const bodies: string[] = [];
    try {
      const urls = [
        '/api/v1/system/status', '/api/v1/risk', '/api/v1/account', '/api/v1/orders', '/api/v1/auth/whoami', '/api/v1/audit', '/docs/json', '/api/v1/nope',
        '/api/v1/ai/tradingview/signals', '/api/v1/data-sets',
      ];
      for (const url of urls) bodies.push((await h.request({ url, scope: 'admin' })).text);
      bodies.push((await h.request({ method: 'POST', url: '/api/ai/execute', scope: 'trade', body: { symbol: 'BTC/USDT', direction: 'buy', quantity: 0.001 } })).text);
      h.step(3);
      bodies.push((await h.request({ method: 'POST', url: '/api/v1/ai/tradingview/webhook', scope: 'none', body: { passphrase: `${secrets.passphrase}x`, ticker: 'BTCUSDT', action: 'buy' } })).text);
      bodies.push((await h.request({ method: 'POST', url: '/api/v1/ai/tradingview/webhook', scope: 'none', payload: `ticker=BTCUSDT action=buy passphrase=${secrets.passphrase}`, headers: { 'content-type': 'text/plain' } })).text);
      bodies.push((await h.request({ method: 'POST', url: '/api/v1/risk/trading-state', scope: 'admin', body: { state: 'HALTED', reason: `test ${secrets.passphrase.slice(0, 3)}` } })).text);
      bodies.push((await h.request({ url: '/api/v1/account', token: h.tokens.read.slice(0, -1) })).text);
      await new Promise((r) => setTimeout(r, 700)); // the bot polls and fails a few times
    } finally {
      await h.close();
    }
    const everything = [...bodies, ...lines].join('\n');
    expect(lines.some((l) => l.includes('telegram'))).toBe(true); // the failures were logged …
    expect(lines.some((l) => l.includes('passphrase refused'))).toBe(true);
    for (const secret of [...Object.values(secrets), ...Object.values(h.tokens)]) expect(everything, secret).not.toContain(secret); // … without the secrets
  });
});
