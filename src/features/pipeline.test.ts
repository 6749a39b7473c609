import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../core/errors.js';
import { BarTable } from '../model/bar.js';
import { defaultFeatureSet, defaultHigherTimeframes } from './default-set.js';
import { featureFrameJsonChunks, featureFrameToCsv, featureFrameToJson } from './frame.js';
import { BatchContext } from './context.js';
import { batchFeature, finiteOrNaN } from './kinds.js';
import { createFeatureStream, featureColumn, generateFeatures } from './pipeline.js';
import { defineFeatureSet } from './schema.js';
import type { FeatureDefinition } from './types.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN5 = 5 * 60_000;

/** 5m bars for `hours` hours; close = 100 + bar index, so each hour's close is easy to name. */
function fiveMinuteBars(hours: number, skip: readonly number[] = []): BarTable {
  const rows = [];
  for (let i = 0; i < hours * 12; i++) {
    if (skip.includes(i)) continue;
    const c = 100 + i;
    rows.push({ time: T0 + i * MIN5, open: c, high: c + 0.5, low: c - 0.5, close: c, volume: 1 });
  }
  return BarTable.fromBars('TEST', '5m', rows);
}

const hourlyReturn = defineFeatureSet('mtf', { h1: { kind: 'mtf', timeframe: '1h', feature: { kind: 'return', lag: 1 } } });

describe('multi-timeframe features', () => {
  it('read the last CLOSED higher bar: a 1h return appears at the 5m bar that closes the hour', () => {
    const bars = fiveMinuteBars(3);
    const h1 = featureColumn(generateFeatures(bars, hourlyReturn), 'h1');
    // Hour 0 closes with bar 11 (00:55–01:00), hour 1 with bar 23: the first return is close23/close11 − 1.
    expect(h1[22]).toBeNaN();
    expect(h1[23]).toBeCloseTo(123 / 111 - 1, 15);
    // Bars 24–34 (inside hour 2) still see hour 1: hour 2 is not closed yet.
    for (let i = 24; i < 35; i++) expect(h1[i]).toBe(h1[23]);
    expect(h1[35]).toBeCloseTo(135 / 123 - 1, 15);
  });

  it('close an hour whose last 5m bar is missing when the next hour starts', () => {
    const bars = fiveMinuteBars(3, [23]); // 01:55 missing
    const h1 = featureColumn(generateFeatures(bars, hourlyReturn), 'h1');
    // Row 22 is bar 22 (01:50): hour 1 not closed. Row 23 is bar 24 (02:00): hour 1 closed with close 122.
    expect(h1[22]).toBeNaN();
    expect(h1[23]).toBeCloseTo(122 / 111 - 1, 15);
    const stream = createFeatureStream(hourlyReturn, { timeframe: '5m' });
    const streamed = Array.from({ length: bars.length }, (_, i) => stream.update(bars.bar(i))[0]!);
    expect(streamed.slice(20, 30)).toEqual(Array.from(h1.subarray(20, 30)));
  });

  it('refuse a timeframe that is not a whole multiple above the series', () => {
    const bars = fiveMinuteBars(1);
    const bad = defineFeatureSet('bad', { x: { kind: 'mtf', timeframe: '7m', feature: { kind: 'return', lag: 1 } } });
    expect(() => generateFeatures(bars, bad)).toThrow(new ConfigurationError('7m is not a higher timeframe of the 5m series; use a whole multiple of 5m above it', 'features.x.timeframe'));
    expect(() => createFeatureStream(bad, { timeframe: '5m' })).toThrow('features.x.timeframe');
  });
});

describe('feature streams', () => {
  it('refuse bars out of time order with a DataError', () => {
    const bars = fiveMinuteBars(1);
    const stream = createFeatureStream(hourlyReturn, { timeframe: '5m' });
    stream.update(bars.bar(1));
    expect(() => stream.update(bars.bar(0))).toThrow(DataError);
  });

  it('return the same vector object every bar (no allocation per bar)', () => {
    const bars = fiveMinuteBars(1);
    const stream = createFeatureStream(hourlyReturn, { timeframe: '5m' });
    const first = stream.update(bars.bar(0));
    expect(stream.update(bars.bar(1))).toBe(first);
    expect(stream.bars).toBe(2);
    expect(stream.indexOf('h1')).toBe(0);
  });
});

describe('the default set', () => {
  it('has more than 100 features, with 1h and 4h multi-timeframe features on a 5m series', () => {
    const set = defaultFeatureSet('5m');
    const names = Object.keys(set.features);
    expect(names.length).toBeGreaterThan(150);
    expect(names).toContain('mtf_1h_rsi_14');
    expect(names).toContain('mtf_4h_rsi_14');
    expect(defaultHigherTimeframes('1m')).toEqual(['1h', '4h']);
    expect(defaultHigherTimeframes('1h')).toEqual(['4h', '1d']);
    expect(defaultHigherTimeframes('1d')).toEqual(['1w']);
    expect(defaultHigherTimeframes('1w')).toEqual([]);
  });

  it('covers every family the issue lists', () => {
    const kinds = new Set(Object.values(defaultFeatureSet('5m').features).map((f) => f.kind));
    for (const k of ['return', 'rolling', 'autocorr', 'volatility', 'indicator', 'channel', 'ratio', 'candle', 'volume', 'time', 'mtf', 'normalize']) expect(kinds).toContain(k);
    const estimators = new Set(Object.values(defaultFeatureSet('5m').features).flatMap((f) => (f.kind === 'volatility' ? [f.estimator] : [])));
    expect([...estimators].sort()).toEqual(['close_to_close', 'garman_klass', 'parkinson', 'rogers_satchell', 'yang_zhang']);
  });
});

describe('feature frames', () => {
  const bars = fiveMinuteBars(2);
  const set = defineFeatureSet('s', { r: { kind: 'return', lag: 1 }, h1: { kind: 'mtf', timeframe: '1h', feature: { kind: 'return', lag: 1, log: true } } });
  const frame = generateFeatures(bars, set);

  it('serialise to CSV with empty cells for NaN', () => {
    const lines = featureFrameToCsv(frame, { time: 'ms' }).trimEnd().split('\n');
    expect(lines[0]).toBe('time,r,h1');
    expect(lines[1]).toBe(`${T0},,`);
    expect(lines[2]).toBe(`${T0 + MIN5},${101 / 100 - 1},`);
    expect(featureFrameToCsv(frame).split('\n')[1]).toBe('2024-01-01T00:00:00.000Z,,');
  });

  it('serialise to JSON with null for NaN, the same text in chunks as in one piece', () => {
    const json = featureFrameToJson(frame);
    expect(json.values.r![0]).toBeNull();
    expect(json.values.r![1]).toBeCloseTo(0.01, 15);
    expect(json.time[1]).toBe(T0 + MIN5);
    expect([...featureFrameJsonChunks(frame, 7)].join('')).toBe(`${JSON.stringify(json)}\n`);
  });

  it('report progress once per feature', () => {
    const seen: string[] = [];
    generateFeatures(bars, set, { onProgress: (done, total, name) => seen.push(`${done}/${total} ${name}`) });
    expect(seen).toEqual(['1/2 r', '2/2 h1']);
  });

  it('share a cached column between identical features, and clean a copy when it holds an infinity', () => {
    const twice = defineFeatureSet('t', { a: { kind: 'return', lag: 1 }, b: { kind: 'return', lag: 1 } });
    const f = generateFeatures(bars, twice);
    expect(f.columns[0]).toBe(f.columns[1]);
    // A shared column holding an infinity is copied before cleaning; the cached original is untouched.
    const cached = Float64Array.from([1, Infinity, -Infinity, NaN]);
    const cleaned = finiteOrNaN(cached, true);
    expect(cleaned).not.toBe(cached);
    expect(Array.from(cleaned)).toEqual([1, NaN, NaN, NaN]);
    expect(cached[1]).toBe(Infinity);
    const clean = Float64Array.from([1, 2]);
    expect(finiteOrNaN(clean, true)).toBe(clean);
    const own = Float64Array.from([Infinity]);
    expect(finiteOrNaN(own)).toBe(own);
    expect(own[0]).toBeNaN();
  });
});

describe('indicator lines shared between features', () => {
  /** 600 5m bars with some movement, so that every indicator below has values. */
  function wavyBars(): BarTable {
    const rows = [];
    for (let i = 0; i < 600; i++) {
      const c = 100 + 5 * Math.sin(i / 17) + (i % 7) * 0.3;
      rows.push({ time: T0 + i * MIN5, open: c - 0.2, high: c + 0.6 + (i % 3) * 0.1, low: c - 0.7, close: c, volume: 10 + (i % 11) });
    }
    return BarTable.fromBars('TEST', '5m', rows);
  }

  const sma20 = { kind: 'indicator', indicator: 'sma', params: { period: 20 } } as const;
  // The same lines read raw, transformed (a line given to its last reader to overwrite), in
  // ratios and channels, in both orders; bbands and keltner lines that nobody reads are reused.
  const features: Record<string, FeatureDefinition> = {
    dist_first: { ...sma20, transform: 'distance' },
    raw_after: sma20,
    ratio_last: { kind: 'ratio', numerator: { indicator: 'sma', params: { period: 20 } }, denominator: { indicator: 'ema', params: { period: 30 } } },
    ema_raw: { kind: 'indicator', indicator: 'ema', params: { period: 30 } },
    ema_rel: { kind: 'indicator', indicator: 'ema', params: { period: 30 }, transform: 'relative', scale: 100 },
    kc_pos: { kind: 'channel', indicator: 'keltner', params: { period: 20 }, measure: 'position' },
    kc_width: { kind: 'channel', indicator: 'keltner', params: { period: 20 }, measure: 'width' },
    kc_upper: { kind: 'indicator', indicator: 'keltner', params: { period: 20 }, line: 'upper', transform: 'distance' },
    bb_b: { kind: 'indicator', indicator: 'bbands', params: { period: 20 }, line: 'percentB' },
    candle: { kind: 'candle', shape: 'upper_wick' },
    hour: { kind: 'time', unit: 'hour_of_day', wave: 'sin' },
    dojis: { kind: 'indicator', indicator: 'cdl_doji' },
    hammers: { kind: 'indicator', indicator: 'cdl_hammer' },
  };

  it('give every feature the value the stream gives, whatever the order of its readers', () => {
    const bars = wavyBars();
    for (const names of [Object.keys(features), Object.keys(features).reverse()]) {
      const set = defineFeatureSet('shared', Object.fromEntries(names.map((n) => [n, features[n]!])));
      const frame = generateFeatures(bars, set);
      const stream = createFeatureStream(set, { timeframe: '5m' });
      for (let i = 0; i < bars.length; i++) {
        const row = stream.update(bars.bar(i));
        frame.names.forEach((name, k) => {
          const a = frame.columns[k]![i]!;
          const b = row[k]!;
          if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) expect(a, `${name} at ${i}`).toBe(b);
        });
      }
      // Columns are distinct arrays unless the features are the same definition.
      expect(new Set(frame.columns).size).toBe(frame.columns.length);
    }
  });

  it('compute a line again when a read was not announced after the line was given away', () => {
    const bars = wavyBars();
    const ctx = new BatchContext(bars);
    // No announcements: the distance feature may overwrite the line it reads...
    const distance = batchFeature(ctx, { ...sma20, transform: 'distance' }, 'd');
    // ...so a later raw read must not see the overwritten values.
    const raw = batchFeature(ctx, sma20, 'r');
    const fresh = generateFeatures(bars, defineFeatureSet('r', { r: sma20 })).columns[0]!;
    expect(Array.from(raw)).toEqual(Array.from(fresh));
    expect(distance).not.toBe(raw);
  });
});
