import { describe, expect, it } from 'vitest';
import type { ChartOhlcv } from '../api/types.js';
import { drawsOnPrice, overlaysFrom, specName, specProblem } from './indicators.js';

const candles = [0, 1, 2, 3].map((i) => ({ time: i * 3_600_000, open: 100 + i, high: 102 + i, low: 99 + i, close: 101 + i, volume: 10 }));

describe('indicator specs', () => {
  it('accepts a bare name or name(key=value, …) and explains anything else', () => {
    expect(specProblem('macd')).toBeUndefined();
    expect(specProblem('ema(period=50)')).toBeUndefined();
    expect(specProblem('macd(fastPeriod=12, slowPeriod=26)')).toBeUndefined();
    expect(specProblem('ema(50)')).toMatch(/not name\(key=value/);
    expect(specProblem('')).toMatch(/type an indicator/);
    expect(specName('EMA(period=5)')).toBe('ema');
  });
});

describe('where an indicator is drawn', () => {
  it('puts moving averages on the price and oscillators below it by their group', () => {
    expect(drawsOnPrice('moving-average', [1, 2], 100, 110)).toBe(true);
    expect(drawsOnPrice('momentum', [105, 106], 100, 110)).toBe(false);
  });

  it('decides by the value range when the group does not tell', () => {
    expect(drawsOnPrice('volatility', [99, 104, 108], 100, 110)).toBe(true); // Bollinger bands
    expect(drawsOnPrice('volatility', [1.2, 1.5, 1.1], 60_000, 61_000)).toBe(false); // ATR of BTC
  });
});

describe('overlaysFrom', () => {
  it('turns aligned indicator lines into chart series: nulls skipped, one pane per lower indicator', () => {
    const chart: ChartOhlcv = {
      ticker: 'BTC/USDT', timeframe: '1h', candles,
      indicators: {
        'ema(period=2)': { name: 'ema', lines: { ema: [null, 100.5, 101.5, 102.5] } },
        'rsi(period=2)': { name: 'rsi', lines: { rsi: [null, null, 60, 70] } },
        macd: { name: 'macd', lines: { macd: [null, 1, 2, 3], signal: [null, null, 1, 2] } },
      },
    };
    const overlays = overlaysFrom(chart, [{ name: 'ema', group: 'moving-average' }, { name: 'rsi', group: 'momentum' }, { name: 'macd', group: 'momentum' }]);
    expect(overlays.map((o) => [o.label, o.pane, o.points.length])).toEqual([
      ['ema(period=2)', 0, 3],
      ['rsi(period=2)', 1, 2],
      ['macd macd', 2, 3],
      ['macd signal', 2, 2],
    ]);
    expect(overlays[1]!.points[0]).toEqual({ time: candles[2]!.time, value: 60 });
    expect(new Set(overlays.map((o) => o.color)).size).toBe(4);
  });
});
