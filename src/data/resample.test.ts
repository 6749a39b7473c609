import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { HOUR_MS, MINUTE_MS, timeframeMs } from '../core/time.js';
import { BarTable } from '../model/bar.js';
import { loadBars } from './load.js';
import { resampleBars } from './resample.js';

const bundled = (file: string): string => fileURLToPath(new URL(`../../data/bundled/${file}`, import.meta.url));

/** A deliberately plain reference: group by bucket with a Map. */
function naiveResample(table: BarTable, timeframe: string, origin = 0): Array<[number, number, number, number, number, number]> {
  const step = timeframeMs(timeframe);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < table.length; i++) {
    const key = Math.floor((table.time[i]! - origin) / step) * step + origin;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups].map(([key, rows]) => [
    key,
    table.open[rows[0]!]!,
    Math.max(...rows.map((i) => table.high[i]!)),
    Math.min(...rows.map((i) => table.low[i]!)),
    table.close[rows[rows.length - 1]!]!,
    rows.reduce((s, i) => s + table.volume[i]!, 0),
  ]);
}

const rowsOf = (t: BarTable): Array<[number, number, number, number, number, number]> =>
  Array.from(t.time, (time, i) => [time, t.open[i]!, t.high[i]!, t.low[i]!, t.close[i]!, t.volume[i]!]);

describe('resampleBars', () => {
  it('aggregates a hand-made series: first open, max high, min low, last close, summed volume', () => {
    const t0 = Date.UTC(2024, 0, 1);
    const bars = BarTable.fromBars('X', '15m', [
      { time: t0, open: 10, high: 11, low: 9, close: 10.5, volume: 1 },
      { time: t0 + 15 * MINUTE_MS, open: 10.5, high: 12, low: 10, close: 11, volume: 2 },
      { time: t0 + 45 * MINUTE_MS, open: 11, high: 11.5, low: 8, close: 9, volume: 3 },
      { time: t0 + 60 * MINUTE_MS, open: 9, high: 9.5, low: 8.5, close: 9.2, volume: 4 },
    ]);
    const hourly = resampleBars(bars, '1h');
    expect(hourly.timeframe).toBe('1h');
    expect(rowsOf(hourly)).toEqual([[t0, 10, 12, 8, 9, 6], [t0 + HOUR_MS, 9, 9.5, 8.5, 9.2, 4]]);
    // The last hour holds one of four bars: kept by default, dropped on request.
    expect(resampleBars(bars, '1h', { dropPartialLast: true }).length).toBe(1);
  });

  it('matches a plain group-by on the bundled BTC 1m data, and conserves volume', async () => {
    const { table } = await loadBars(bundled('BTC_USD_USD-1m-futures.csv'));
    for (const timeframe of ['5m', '1h', '4h', '1d']) {
      const resampled = resampleBars(table, timeframe);
      const expected = naiveResample(table, timeframe);
      expect(resampled.length).toBe(expected.length);
      rowsOf(resampled).forEach((row, i) => {
        expect(row.slice(0, 5)).toEqual(expected[i]!.slice(0, 5));
        expect(row[5]).toBeCloseTo(expected[i]![5], 3);
      });
    }
    // Data starts 2021-12-31 23:01: the first hour holds 59 bars, later hours 60.
    const hourly = resampleBars(table, '1h');
    expect(new Date(hourly.time[0]!).toISOString()).toBe('2021-12-31T23:00:00.000Z');
  });

  it('starts weeks on Monday 00:00 UTC, like the candle builder', () => {
    const monday = Date.UTC(2024, 0, 1);
    const days = Array.from({ length: 14 }, (_, d) => ({ time: monday - 2 * 86_400_000 + d * 86_400_000, open: 1, high: 2, low: 1, close: 1, volume: 1 }));
    const weekly = resampleBars(BarTable.fromBars('X', '1d', days), '1w');
    expect(Array.from(weekly.time, (t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2023-12-25', '2024-01-01', '2024-01-08']);
    expect(Array.from(weekly.volume)).toEqual([2, 7, 5]);
  });

  it('agrees with a plain group-by on random series with gaps', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 1, max: 40 }), p: fc.double({ min: 1, max: 100, noNaN: true }), v: fc.integer({ min: 0, max: 1000 }) }), { minLength: 1, maxLength: 200 }),
      fc.constantFrom('5m', '15m', '1h', '1d'),
      (steps, timeframe) => {
        let t = Date.UTC(2024, 0, 1);
        const bars = steps.map((s) => {
          t += s.gap * MINUTE_MS;
          return { time: t, open: s.p, high: s.p * 1.01, low: s.p * 0.99, close: s.p, volume: s.v };
        });
        const table = BarTable.fromBars('X', '1m', bars);
        expect(rowsOf(resampleBars(table, timeframe))).toEqual(naiveResample(table, timeframe));
      },
    ));
  });

  it('refuses a target that is not a whole multiple of the source', () => {
    const table = BarTable.fromBars('X', '1h', [{ time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
    expect(() => resampleBars(table, '90m')).toThrow(ConfigurationError);
    expect(() => resampleBars(table, '30m')).toThrow(/cannot resample 1h bars to 30m/);
    expect(resampleBars(table, '1h')).toBe(table);
  });
});
