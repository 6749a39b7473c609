import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { barTimeOf, chartable, drawdown, maxDrawdown, timeframeMs, toPoints } from './series.js';

describe('drawdown', () => {
  it('is zero at each new high and the fall from the running peak below it', () => {
    const dd = drawdown([{ time: 1, value: 100 }, { time: 2, value: 120 }, { time: 3, value: 90 }, { time: 4, value: 130 }]);
    expect(dd.map((p) => p.value)).toEqual([0, 0, 90 / 120 - 1, 0]);
  });

  it('never exceeds zero and never goes below -1 for positive equity', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 1, max: 1e9, noNaN: true }), { maxLength: 200 }), (values) => {
      const dd = drawdown(values.map((value, time) => ({ time, value })));
      return dd.every((p) => p.value <= 0 && p.value > -1);
    }));
  });

  it('reports the deepest fall as the max drawdown', () => {
    expect(maxDrawdown([{ time: 1, value: 100 }, { time: 2, value: 50 }, { time: 3, value: 200 }, { time: 4, value: 150 }])).toBe(-0.5);
  });
});

describe('chartable', () => {
  it('sorts by time, keeps the last point of a repeated time and drops invalid ones', () => {
    const rows = chartable([{ time: 3, v: 1 }, { time: 1, v: 2 }, { time: 3, v: 3 }, { time: Number.NaN, v: 4 }, { time: 2, v: Number.NaN }], (p) => Number.isFinite(p.v));
    expect(rows).toEqual([{ time: 1, v: 2 }, { time: 3, v: 3 }]);
  });

  it('always yields strictly increasing times (what lightweight-charts requires)', () => {
    fc.assert(fc.property(fc.array(fc.record({ time: fc.integer({ min: 0, max: 50 }) })), (points) => {
      const rows = chartable(points);
      return rows.every((p, i) => i === 0 || p.time > rows[i - 1]!.time);
    }));
  });
});

describe('barTimeOf', () => {
  const bars = [0, 3_600_000, 7_200_000];

  it('puts a time inside a bar on that bar and a time before the first bar nowhere', () => {
    expect(barTimeOf(3_600_000 + 37 * 60_000, bars)).toBe(3_600_000);
    expect(barTimeOf(0, bars)).toBe(0);
    expect(barTimeOf(-1, bars)).toBeUndefined();
  });

  it('drops a time past the end of the last bar when the bar length is known', () => {
    expect(barTimeOf(7_200_000 + 10, bars, 3_600_000)).toBe(7_200_000);
    expect(barTimeOf(10_800_000, bars, 3_600_000)).toBeUndefined();
  });
});

describe('timeframeMs', () => {
  it('reads the data timeframes and refuses others', () => {
    expect(timeframeMs('1m')).toBe(60_000);
    expect(timeframeMs('4h')).toBe(14_400_000);
    expect(timeframeMs('1d')).toBe(86_400_000);
    expect(timeframeMs('hourly')).toBeUndefined();
  });
});

describe('toPoints', () => {
  it('reads the report\'s [time, equity] pairs and the API\'s {time, equity} objects, skipping nulls', () => {
    expect(toPoints([[1, 100], [2, null], [3, 101]])).toEqual([{ time: 1, value: 100 }, { time: 3, value: 101 }]);
    expect(toPoints([{ time: 5, equity: 10, drawdown: 0 }])).toEqual([{ time: 5, value: 10 }]);
    expect(toPoints('not a list')).toEqual([]);
  });
});
