import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './route.js';

describe('hash routes', () => {
  it('reads the page and the rest of the path, defaulting to the live chart', () => {
    expect(parseRoute('#/backtests/job%201')).toEqual({ page: 'backtests', rest: ['job 1'] });
    expect(parseRoute('')).toEqual({ page: 'live', rest: [] });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'live', rest: [] });
  });

  it('round-trips what href writes', () => {
    expect(parseRoute(href('backtests', 'a/b'))).toEqual({ page: 'backtests', rest: ['a/b'] });
  });
});
