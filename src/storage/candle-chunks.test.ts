import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { allocateColumns, chunkSpanMs, chunkStartOf, countGaps, groupByChunk, lowerBound, mergeChunk, prepareCandles } from './candle-chunks.js';
import type { CandleColumns } from './codec.js';

function cols(rows: Array<[number, number]>): CandleColumns {
  const c = allocateColumns(rows.length);
  rows.forEach(([t, v], i) => {
    c.time[i] = t; c.open[i] = v; c.high[i] = v; c.low[i] = v; c.close[i] = v; c.volume[i] = v;
  });
  return c;
}

describe('chunk windows', () => {
  it('spans 1024 timeframes aligned to the epoch, also before 1970', () => {
    expect(chunkSpanMs('1m')).toBe(1024 * 60_000);
    const span = chunkSpanMs('1h');
    expect(chunkStartOf(span * 5 + 1, span)).toBe(span * 5);
    expect(chunkStartOf(-1, span)).toBe(-span);
  });

  it('groups sorted times into consecutive windows', () => {
    expect(groupByChunk(Float64Array.of(0, 5, 10, 11, 35), 10)).toEqual([
      { start: 0, from: 0, to: 2 }, { start: 10, from: 2, to: 4 }, { start: 30, from: 4, to: 5 },
    ]);
    expect(groupByChunk(new Float64Array(0), 10)).toEqual([]);
  });
});

describe('prepareCandles', () => {
  it('returns sorted copies and reports the row of a bad value', () => {
    const input = cols([[3, 3], [1, 1], [2, 2]]);
    expect(Array.from(prepareCandles(input).time)).toEqual([1, 2, 3]);
    input.high[1] = Number.POSITIVE_INFINITY;
    const error = (() => { try { prepareCandles(input, 'x.csv'); } catch (e) { return e as DataError; } return undefined; })();
    expect(error).toBeInstanceOf(DataError);
    expect(error?.message).toBe('x.csv, row 2, field "high": high must be a finite number, got Infinity');
  });

  it('refuses fractional times', () => {
    expect(() => prepareCandles(cols([[1.5, 1]]))).toThrow(/integer epoch-ms/);
  });
});

describe('mergeChunk', () => {
  it('inserts, replaces and keeps rows, counting each', () => {
    const stored = cols([[1, 10], [3, 30], [5, 50]]);
    const incoming = cols([[0, 0], [3, 31], [5, 50], [6, 60]]);
    const r = mergeChunk(stored, incoming);
    expect([r.inserted, r.updated, r.unchanged]).toEqual([2, 1, 1]);
    expect(Array.from(r.merged.time)).toEqual([0, 1, 3, 5, 6]);
    expect(Array.from(r.merged.close)).toEqual([0, 10, 31, 50, 60]);
  });

  it('equals a map merge for any inputs (property)', () => {
    const rows = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 3 })), { selector: (r) => r[0], maxLength: 60 });
    fc.assert(fc.property(rows, rows, (a, b) => {
      const sort = (x: Array<[number, number]>) => [...x].sort((p, q) => p[0] - q[0]);
      const r = mergeChunk(cols(sort(a)), cols(sort(b)));
      const map = new Map(a);
      let inserted = 0;
      let updated = 0;
      for (const [t, v] of b) {
        if (!map.has(t)) inserted++;
        else if (map.get(t) !== v) updated++;
        map.set(t, v);
      }
      const want = sort([...map.entries()]);
      expect(Array.from(r.merged.time)).toEqual(want.map((w) => w[0]));
      expect(Array.from(r.merged.open)).toEqual(want.map((w) => w[1]));
      expect([r.inserted, r.updated, r.unchanged]).toEqual([inserted, updated, b.length - inserted - updated]);
    }));
  });
});

describe('countGaps and lowerBound', () => {
  it('counts places where candles are more than one step apart', () => {
    expect(countGaps(Float64Array.of(0, 1, 2, 5, 6, 9), 1)).toBe(2);
    expect(countGaps(Float64Array.of(), 1)).toBe(0);
  });

  it('finds the first index at or after a value', () => {
    const t = Float64Array.of(1, 3, 3, 7);
    expect([0, 1, 2, 3, 7, 8, -Infinity, Infinity].map((v) => lowerBound(t, v))).toEqual([0, 0, 1, 1, 3, 4, 0, 4]);
  });
});
