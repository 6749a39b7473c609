import { describe, expect, it } from 'vitest';
import { errorMessage, withQuery } from './client.js';
import { parseLiveFrame } from './live.js';

describe('API errors', () => {
  it('shows the API\'s own message with the status', () => {
    const body = { statusCode: 400, error: 'Bad Request', code: 'validation_failed', message: 'body.reason: say why (it goes to the audit log)', field: 'reason' };
    expect(errorMessage({ status: 400, statusText: 'Bad Request' }, body, JSON.stringify(body))).toBe('400: body.reason: say why (it goes to the audit log)');
  });

  it('falls back to a short text body, and never to an HTML page', () => {
    expect(errorMessage({ status: 502, statusText: 'Bad Gateway' }, 'upstream down', 'upstream down')).toBe('502: upstream down');
    expect(errorMessage({ status: 500, statusText: 'Internal Server Error' }, '<html>…</html>', '<html>…</html>')).toBe('500 Internal Server Error');
  });
});

describe('query strings', () => {
  it('leaves out undefined and empty values and encodes the rest', () => {
    expect(withQuery('/api/v1/candles', { symbol: 'BTC/USDT', limit: 500, before: undefined, timeframe: '' })).toBe('/api/v1/candles?symbol=BTC%2FUSDT&limit=500');
    expect(withQuery('/x', {})).toBe('/x');
  });
});

describe('live frames', () => {
  it('reads {topic, data} frames and ignores anything else', () => {
    expect(parseLiveFrame('{"topic":"candles","data":{"time":1}}')).toEqual({ topic: 'candles', data: { time: 1 } });
    expect(parseLiveFrame('{"topic":"pong"}')).toEqual({ topic: 'pong', data: { topic: 'pong' } });
    expect(parseLiveFrame('not json')).toBeUndefined();
    expect(parseLiveFrame('[1,2]')).toBeUndefined();
    expect(parseLiveFrame('{"data":1}')).toBeUndefined();
  });
});
