/**
 * The DataEngine's gate: an impossible bar is a DataError naming symbol, timeframe and field
 * (`badData: 'throw'`), or is dropped, counted and marks the feed degraded (`drop`) — and in both
 * cases it never reaches the venue, the cache or a strategy.
 */
import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/kit/sim-harness.js';
import { DataError } from '../core/errors.js';
import type { Bar } from '../model/bar.js';

const T0 = Date.UTC(2024, 0, 1);
const H3 = 3 * 3_600_000;

function bar(overrides: Partial<Bar>, i = 1): Bar {
  return { symbol: 'X', timeframe: '3h', time: T0 + i * H3, open: 100, high: 110, low: 90, close: 105, volume: 10, ...overrides };
}

const bad: ReadonlyArray<readonly [string, Partial<Bar>, string, RegExp]> = [
  ['NaN open', { open: Number.NaN }, 'open', /open NaN is not a positive finite price/],
  ['infinite high', { high: Infinity }, 'high', /high Infinity is not a positive finite price/],
  ['zero low', { low: 0 }, 'low', /low 0 is not a positive finite price/],
  ['negative close', { close: -5 }, 'close', /close -5 is not a positive finite price/],
  ['NaN volume', { volume: Number.NaN }, 'volume', /volume NaN is not a non-negative finite number/],
  ['negative volume', { volume: -1 }, 'volume', /volume -1/],
  ['high below low', { high: 89 }, 'high', /high 89 is below low 90/],
  ['open above the high', { open: 111 }, 'open', /open 111 is outside \[low 90, high 110\]/],
  ['close below the low', { close: 80 }, 'close', /close 80 is outside \[low 90, high 110\]/],
  ['NaN time', { time: Number.NaN }, 'time', /time/],
];

describe("badData 'throw'", () => {
  it.each(bad)('%s is a DataError naming symbol, timeframe and field', (_name, overrides, field, message) => {
    const h = simHarness();
    h.feed(bar({}, 0));
    let error: unknown;
    try {
      h.feed(bar(overrides));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toMatchObject({ source: 'X 3h', field });
    expect((error as DataError).message).toMatch(/^X 3h, field "\w+": /);
    expect((error as DataError).message).toMatch(message);
  });

  it('a bar at or before the previous one is a DataError on time', () => {
    const h = simHarness();
    h.feed(bar({}, 1));
    for (const i of [1, 0]) {
      expect(() => h.feed(bar({}, i))).toThrow(DataError);
      try {
        h.feed(bar({}, i));
      } catch (e) {
        expect((e as DataError).location.field).toBe('time');
        expect((e as DataError).message).toMatch(/is not after the previous bar/);
      }
    }
  });

  it('orders are checked per feed: another symbol may be at an earlier time', () => {
    const h = simHarness({ instruments: [{ symbol: 'X' }, { symbol: 'Y' }] });
    h.feed(bar({}, 2));
    expect(() => h.feed(bar({ symbol: 'Y' }, 1))).not.toThrow();
  });

  it('an accepted bar reaches the cache; a refused one does not', () => {
    const h = simHarness();
    h.feed(bar({}, 0));
    expect(() => h.feed(bar({ high: 80 }))).toThrow(DataError);
    expect(h.market.series('X', '3h').length).toBe(1);
    expect(h.market.lastPrice('X')).toBe(105);
  });
});

describe("badData 'drop'", () => {
  it('drops and counts bad bars, marks the feed degraded, and goes on with good ones', () => {
    const h = simHarness({ badData: 'drop' });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    const seen: Bar[] = [];
    h.bus.subscribe('bar', (b) => seen.push(b));
    h.feed(bar({ open: Number.NaN }, 0));
    expect(h.data.droppedBars).toBe(1);
    expect(h.lifecycle.current).toMatchObject({ state: 'degraded' });
    expect(h.lifecycle.current.reason).toMatch(/dropped bad X bar: open NaN/);
    // The venue never traded on it, nobody saw it close.
    expect(order.status).toBe('accepted');
    expect(seen).toEqual([]);
    h.feed(bar({}, 1));
    h.feed(bar({}, 1)); // duplicate
    h.feed(bar({ low: 120 }, 2));
    h.feed(bar({}, 3));
    expect(h.data.droppedBars).toBe(3);
    expect(seen.map((b) => b.time)).toEqual([T0 + H3, T0 + 3 * H3]);
    expect(h.fillsOf(order)).toMatchObject([{ price: 100, time: T0 + H3 }]);
  });

  it('bad trades and quotes are dropped and counted too', () => {
    const h = simHarness({ badData: 'drop' });
    h.data.onTrade({ symbol: 'X', time: T0, price: -1, size: 1, tradeId: 't1', aggressor: 'buy' });
    h.data.onQuote({ symbol: 'X', time: T0, bid: 101, ask: 100, bidSize: 1, askSize: 1 });
    expect(h.data.droppedBars).toBe(2);
    expect(Number.isNaN(h.market.lastPrice('X'))).toBe(true);
  });
});
