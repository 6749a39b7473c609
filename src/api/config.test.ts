import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { loadServerConfig, secretsOf, substituteEnv } from './config.js';

function failure(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadServerConfig', () => {
  it('defaults to paper trading on 127.0.0.1:8080 with CORS closed and live off', () => {
    const c = loadServerConfig('', {});
    expect(c.mode).toBe('paper');
    expect(c.server).toMatchObject({ host: '127.0.0.1', port: 8080, cors: { origins: [] }, rateLimit: { max: 600 } });
    expect(c.live.enabled).toBe(false);
    expect(c.tradingview.passphrase).toBeUndefined();
  });

  it('substitutes ${ENV} and ${ENV:-default}, with whole-value references typed as YAML would type them', () => {
    const c = loadServerConfig(`
server:
  port: \${PORT}
  host: \${HOST:-0.0.0.0}
tradingview:
  passphrase: "\${TV_PASS}"
jobs:
  redisUrl: redis://\${REDIS_HOST:-127.0.0.1}:6379
`, { PORT: '9090', TV_PASS: 'a-long-passphrase' });
    expect(c.server.port).toBe(9090);
    expect(c.server.host).toBe('0.0.0.0');
    expect(c.tradingview.passphrase).toBe('a-long-passphrase');
    expect(c.jobs.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('names the key of an unset variable', () => {
    expect(failure(() => loadServerConfig('tradingview:\n  passphrase: ${TV_PASS}\n', {})).message).toBe('tradingview.passphrase: environment variable TV_PASS is not set (write ${TV_PASS:-default} for a default)');
  });

  it('treats an empty default as "not set"', () => {
    expect(loadServerConfig('jobs:\n  redisUrl: ${REDIS_URL:-}\n', {}).jobs.redisUrl).toBeUndefined();
  });

  it('refuses unknown keys and bad values, naming the path (shape stage)', () => {
    expect(failure(() => loadServerConfig('server:\n  prot: 80\n', {})).key).toBe('server.prot');
    expect(failure(() => loadServerConfig('server:\n  port: -1\n', {})).key).toBe('server.port');
    expect(failure(() => loadServerConfig('server:\n  cors:\n    origins: ["*"]\n', {})).key).toBe('server.cors.origins.0');
    expect(failure(() => loadServerConfig('risk:\n  limits:\n    maxPositionFraction: -2\n', {})).key).toBe('risk.limits.maxPositionFraction');
  });

  it('checks the rules across fields (second stage): live needs enabling, a venue and credentials', () => {
    expect(failure(() => loadServerConfig('mode: live\n', {})).key).toBe('live.enabled');
    expect(failure(() => loadServerConfig('mode: live\nlive:\n  enabled: true\n', {})).key).toBe('live.venue');
    expect(failure(() => loadServerConfig('mode: live\nlive:\n  enabled: true\n  venue: alpaca\n', {})).message).toMatch(/no live execution client for venue "alpaca"/);
    expect(failure(() => loadServerConfig('tradingview:\n  passphrase: short\n', {})).key).toBe('tradingview.passphrase');
    expect(failure(() => loadServerConfig('server:\n  host: 0.0.0.0\n  rateLimit:\n    max: 0\n', {})).key).toBe('server.rateLimit.max');
  });

  it('reports YAML syntax errors with the line', () => {
    expect(failure(() => loadServerConfig('server:\n  port: [1,\n', {}, 'arbiter.yaml')).message).toMatch(/arbiter\.yaml is not valid YAML at line \d/);
  });

  it('lists the secrets to keep out of logs and responses', () => {
    const c = loadServerConfig(`
tradingview: { passphrase: tv-passphrase-123 }
database: { url: "postgres://u:db-pass@host/db" }
notifications:
  telegram: { botToken: "123:telegram-token", chatId: 42 }
  webhook: { url: "https://example.com/h", secret: "webhook-secret-123456" }
`, {});
    expect(secretsOf(c).sort()).toEqual(['123:telegram-token', 'db-pass', 'tv-passphrase-123', 'webhook-secret-123456']);
    expect(c.notifications.telegram?.chatId).toBe('42');
  });
});

describe('substituteEnv', () => {
  it('leaves text without references alone and replaces references inside text', () => {
    expect(substituteEnv({ a: 'x', b: ['${A}-${B:-b}'] }, { A: 'a' })).toEqual({ a: 'x', b: ['a-b'] });
  });
});
