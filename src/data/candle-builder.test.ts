/**
 * Higher timeframes built bar by bar agree with `resampleBars` over the same real data (complete
 * buckets), are emitted only once complete, and weeks start on Monday 00:00 UTC.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { DAY_MS } from '../core/time.js';
import type { Bar, BarTable } from '../model/bar.js';
import { bundledDataPath } from './bundled.js';
import { bucketStart, CandleBuilder } from './candle-builder.js';
import { loadBars, resampleBars } from './load.js';

const btc1h = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const eth5m = (await loadBars(bundledDataPath('ETH_BTC-5m.feather'))).table;

function build(table: BarTable, target: string): Bar[] {
  const builder = new CandleBuilder(table.symbol, table.timeframe, target);
  const out: Bar[] = [];
  for (let i = 0; i < table.length; i++) builder.update(table.bar(i), (b) => out.push(b));
  return out;
}

function rows(table: BarTable): Bar[] {
  return Array.from({ length: table.length }, (_, i) => table.bar(i));
}

describe('CandleBuilder', () => {
  it.each([
    ['BTC/USDT 1h', '4h'], ['BTC/USDT 1h', '1d'], ['BTC/USDT 1h', '1w'], ['ETH/BTC 5m', '15m'], ['ETH/BTC 5m', '1h'], ['ETH/BTC 5m', '1d'],
  ])('%s → %s equals resampleBars on complete buckets', (name, target) => {
    const table = name.startsWith('BTC') ? btc1h : eth5m;
    const built = build(table, target);
    const resampled = rows(resampleBars(table, target, { dropPartialLast: true }));
    expect(built.length).toBeGreaterThan(3);
    expect(built).toEqual(resampled);
  });

  it('weekly buckets start on Monday 00:00 UTC', () => {
    const weeks = build(btc1h, '1w');
    for (const w of weeks) {
      expect(new Date(w.time).getUTCDay()).toBe(1);
      expect(w.time % DAY_MS).toBe(0);
    }
    // Sunday 2025-01-05 23:00 belongs to the week of Monday 2024-12-30; Monday 2025-01-06 starts the next.
    expect(bucketStart(Date.UTC(2025, 0, 5, 23), 7 * DAY_MS)).toBe(Date.UTC(2024, 11, 30));
    expect(bucketStart(Date.UTC(2025, 0, 6), 7 * DAY_MS)).toBe(Date.UTC(2025, 0, 6));
  });

  it('emits a bucket when its last base bar closes, not before', () => {
    const builder = new CandleBuilder('X', '1h', '4h');
    const out: Bar[] = [];
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 3; i++) builder.update({ symbol: 'X', timeframe: '1h', time: t0 + i * 3_600_000, open: 10 + i, high: 20 + i, low: 5 - i, close: 11 + i, volume: 1 }, (b) => out.push(b));
    expect(out).toEqual([]);
    builder.update({ symbol: 'X', timeframe: '1h', time: t0 + 3 * 3_600_000, open: 13, high: 30, low: 4, close: 14, volume: 2 }, (b) => out.push(b));
    expect(out).toEqual([{ symbol: 'X', timeframe: '4h', time: t0, open: 10, high: 30, low: 3, close: 14, volume: 5 }]);
  });

  it('closes a bucket whose last bar is missing when the next bucket starts', () => {
    const table = eth5m.slice(0, 60);
    const withGap = rows(table).filter((b) => new Date(b.time).getUTCMinutes() !== 55);
    const builder = new CandleBuilder(table.symbol, '5m', '1h');
    const out: Bar[] = [];
    for (const b of withGap) builder.update(b, (x) => out.push(x));
    const first = withGap.find((b) => b.time >= bucketStart(withGap[0]!.time, 3_600_000) + 3_600_000)!;
    expect(out.length).toBeGreaterThan(0);
    expect(out[0]!.time).toBe(bucketStart(withGap[0]!.time, 3_600_000));
    expect(out[0]!.close).toBe(withGap[withGap.indexOf(first) - 1]!.close);
  });

  it('refuses a target that is not a whole multiple of the base', () => {
    expect(() => new CandleBuilder('X', '1h', '90m')).toThrow(ConfigurationError);
    expect(() => new CandleBuilder('X', '1h', '30m')).toThrow(ConfigurationError);
  });
});
