import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import { utcMonthIndex, sessionKey } from './core/sessions.js';
import { Fractals, PivotPoints, SwingLevels, VolumeProfile, fractals, pivots, swingLevels, volumeProfile } from './levels.js';
import { CandlePattern, candlePattern } from './candles.js';
import { columns } from './test-support.js';

const DAY0 = Date.UTC(2024, 0, 1); // a Monday

/** Hourly bars over two UTC days: day 1 ranges 100..110 and closes at 105, day 2 starts at 106. */
function twoDays() {
  const time = [DAY0, DAY0 + HOUR_MS, DAY0 + 2 * HOUR_MS, DAY0 + DAY_MS, DAY0 + DAY_MS + HOUR_MS];
  return columns({
    time: Float64Array.from(time),
    open: Float64Array.from([102, 104, 108, 106, 107]),
    high: Float64Array.from([104, 110, 109, 108, 109]),
    low: Float64Array.from([100, 103, 104, 105, 106]),
    close: Float64Array.from([103, 108, 105, 107, 108]),
  });
}

describe('pivot points', () => {
  it('computes classic levels from the previous UTC day, ready from the first bar of the next day', () => {
    const r = pivots(twoDays(), { method: 'classic', anchor: 'day' });
    expect(r.pp.subarray(0, 3).every(Number.isNaN)).toBe(true);
    const [h, l, c] = [110, 100, 105];
    const pp = (h + l + c) / 3;
    for (const i of [3, 4]) {
      expect(r.pp[i]).toBeCloseTo(pp, 12);
      expect(r.r1[i]).toBeCloseTo(2 * pp - l, 12);
      expect(r.s1[i]).toBeCloseTo(2 * pp - h, 12);
      expect(r.r2[i]).toBeCloseTo(pp + (h - l), 12);
      expect(r.s2[i]).toBeCloseTo(pp - (h - l), 12);
      expect(r.r3[i]).toBeCloseTo(h + 2 * (pp - l), 12);
      expect(r.s3[i]).toBeCloseTo(l - 2 * (h - pp), 12);
      expect(r.r4[i]).toBeNaN();
    }
  });

  it('computes Fibonacci and Camarilla levels', () => {
    const fib = pivots(twoDays(), { method: 'fibonacci' });
    const pp = 105;
    expect(fib.r1[3]).toBeCloseTo(pp + 0.382 * 10, 12);
    expect(fib.s2[3]).toBeCloseTo(pp - 0.618 * 10, 12);
    expect(fib.r3[3]).toBeCloseTo(pp + 10, 12);
    const cam = pivots(twoDays(), { method: 'camarilla' });
    expect(cam.r1[3]).toBeCloseTo(105 + (1.1 * 10) / 12, 12);
    expect(cam.s3[3]).toBeCloseTo(105 - (1.1 * 10) / 4, 12);
    expect(cam.r4[3]).toBeCloseTo(105 + (1.1 * 10) / 2, 12);
    expect(cam.s4[3]).toBeCloseTo(105 - (1.1 * 10) / 2, 12);
  });

  it('with anchor "bar" uses the previous bar, and reports readiness only once a period completed', () => {
    const p = new PivotPoints({ anchor: 'bar' });
    expect(p.isReady).toBe(false);
    p.update({ time: 0, high: 12, low: 9, close: 10 });
    expect(p.isReady).toBe(false);
    p.update({ time: 1, high: 13, low: 10, close: 12 });
    expect(p.isReady).toBe(true);
    expect(p.pp).toBeCloseTo((12 + 9 + 10) / 3, 12);
  });

  it('splits weeks on Monday and months on the calendar, in UTC', () => {
    const sunday = Date.UTC(2024, 0, 7, 23);
    const monday = Date.UTC(2024, 0, 8, 1);
    expect(sessionKey('week', monday)).toBe(sessionKey('week', sunday) + 1);
    expect(sessionKey('week', DAY0)).toBe(sessionKey('week', sunday));
    expect(utcMonthIndex(Date.UTC(2024, 1, 29, 23, 59))).toBe(2024 * 12 + 1);
    expect(utcMonthIndex(Date.UTC(2024, 2, 1))).toBe(2024 * 12 + 2);
    expect(utcMonthIndex(Date.UTC(1969, 11, 31))).toBe(1969 * 12 + 11);
  });
});

describe('fractals and swing levels', () => {
  // Highs with a peak at bar 3 and a trough in lows at bar 6.
  const high = Float64Array.from([10, 11, 12, 15, 12, 11, 10, 11, 12, 13, 14]);
  const low = Float64Array.from([9, 10, 11, 13, 11, 9, 7, 9, 10, 11, 12]);
  const close = Float64Array.from([9.5, 10.5, 11.5, 14, 11.5, 10, 8, 10, 11, 12, 13]);

  it('flags a fractal on the bar that confirms it, `right` bars after the pivot', () => {
    const r = fractals(columns({ close, high, low }), { left: 2, right: 2 });
    expect(Array.from(r.up)).toEqual([NaN, NaN, NaN, NaN, 0, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(r.down)).toEqual([NaN, NaN, NaN, NaN, 0, 0, 0, 0, 1, 0, 0]);
    expect(new Fractals().warmup).toBe(4);
  });

  it('requires the pivot to be strictly above its neighbours', () => {
    const flat = fractals(columns({ close: Float64Array.from([1, 2, 3, 3, 2, 1]), high: Float64Array.from([1, 2, 3, 3, 2, 1]), low: Float64Array.from([0, 1, 2, 2, 1, 0]) }), { left: 1, right: 1 });
    expect(Array.from(flat.up).slice(2)).toEqual([0, 0, 0, 0]);
  });

  it('reports the nearest remembered swing high above and swing low below the close', () => {
    const r = swingLevels(columns({ close, high, low }), { left: 2, right: 2, count: 5 });
    // Bar 5 confirms the swing high 15; bar 8 confirms the swing low 7.
    expect(r.resistance[4]).toBeNaN();
    expect(r.resistance[5]).toBe(15);
    expect(r.support[7]).toBeNaN();
    expect(r.support[8]).toBe(7);
    expect(r.resistance[10]).toBe(15);
    expect(new SwingLevels({ left: 2, right: 2 }).warmup).toBe(4);
  });
});

describe('volume profile', () => {
  it('finds the point of control, the value area and the heaviest rows around the close', () => {
    // Ten one-price bars: 1000 volume at 100, 500 at 104, 100 at 108, 50 at 102.
    const price = [100, 100, 104, 100, 104, 108, 102, 100, 100, 108];
    const vol = [200, 200, 250, 200, 250, 50, 50, 200, 200, 50];
    const c = columns({ close: Float64Array.from(price), high: Float64Array.from(price), low: Float64Array.from(price), volume: Float64Array.from(vol) });
    const r = volumeProfile(c, { period: 10, bins: 4, valueArea: 0.7 });
    // Rows of width 2 over [100, 108]: [100,102) 1000, [102,104) 50, [104,106) 500, [106,108] 100.
    expect(r.poc[9]).toBe(101);
    expect(r.val[9]).toBe(100);
    expect(r.vah[9]).toBe(106);
    // The close (108) is in the top row: the heaviest row below it is the POC; nothing above.
    expect(r.support[9]).toBe(101);
    expect(r.resistance[9]).toBeNaN();
    expect(r.poc[8]).toBeNaN();
  });

  it('spreads a bar over the rows its range covers', () => {
    const p = new VolumeProfile({ period: 2, bins: 2 });
    p.update({ high: 10, low: 0, close: 5, volume: 100 });
    p.update({ high: 10, low: 5, close: 6, volume: 100 });
    // Rows [0,5) and [5,10]: 50 and 50 + 100.
    expect(p.poc).toBe(7.5);
    expect(p.support).toBe(2.5);
  });
});

describe('candlestick patterns', () => {
  /** Ten ordinary bars (body 1, range 2) to set the averages, then the pattern bars. */
  function withHistory(bars: [number, number, number, number][]) {
    const base: [number, number, number, number][] = Array.from({ length: 10 }, (_, i) => (i % 2 ? [10, 11, 9, 11] : [11, 11.5, 9.5, 10]));
    const all = [...base, ...bars];
    return columns({
      open: Float64Array.from(all, (b) => b[0]),
      high: Float64Array.from(all, (b) => b[1]),
      low: Float64Array.from(all, (b) => b[2]),
      close: Float64Array.from(all, (b) => b[3]),
    });
  }

  it('detects a bullish harami after a long black candle, and a bearish one after a long white candle', () => {
    const bull = candlePattern(withHistory([[14, 14.2, 9.8, 10], [11.5, 12, 11, 11.8]]), { pattern: 'harami' });
    expect(bull[11]).toBe(1);
    const bear = candlePattern(withHistory([[10, 14.2, 9.8, 14], [12.5, 13, 12, 12.2]]), { pattern: 'harami' });
    expect(bear[11]).toBe(-1);
    const none = candlePattern(withHistory([[10, 14.2, 9.8, 14], [12.5, 15, 12, 14.5]]), { pattern: 'harami' });
    expect(none[11]).toBe(0);
  });

  it('detects a shooting star: short body at the top of the previous body with a long upper wick', () => {
    // Previous bar white 10→11; then open 11.2, close 11.1, high 13, low 11.08.
    const star = candlePattern(withHistory([[10, 11.2, 9.9, 11], [11.2, 13, 11.08, 11.1]]), { pattern: 'shooting_star' });
    expect(star[11]).toBe(-1);
    const belowTop = candlePattern(withHistory([[10, 11.2, 9.9, 11], [10.6, 13, 10.48, 10.5]]), { pattern: 'shooting_star' });
    expect(belowTop[11]).toBe(0);
  });

  it('reports NaN during the averaging warm-up, then 0 or ±1', () => {
    const out = candlePattern(withHistory([[10, 11, 9, 10.01]]), { pattern: 'doji' });
    expect(Array.from(out.subarray(0, 10)).every(Number.isNaN)).toBe(true);
    expect(out[10]).toBe(1);
    expect(new CandlePattern({ pattern: 'morning_star', period: 1 }).warmup).toBe(2);
  });
});
