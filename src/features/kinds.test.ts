import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarTable } from '../model/bar.js';
import { cyclePhase, utcMonth, yangZhangK } from './kinds.js';
import { createFeatureStream, generateFeatures } from './pipeline.js';
import { defineFeatureSet } from './schema.js';
import type { FeatureDefinition } from './types.js';

type Row = { time: number; open: number; high: number; low: number; close: number; volume: number };

const T0 = Date.UTC(2024, 0, 1); // a Monday

function table(rows: readonly Omit<Row, 'time'>[], stepMs = 60_000, timeframe = '1m'): BarTable {
  return BarTable.fromBars('TEST', timeframe, rows.map((r, i) => ({ time: T0 + i * stepMs, ...r })));
}

/** Batch columns by name, after checking the stream gives the same numbers bar by bar. */
function compute(bars: BarTable, features: Record<string, FeatureDefinition>): Record<string, Float64Array> {
  const set = defineFeatureSet('test', features);
  const frame = generateFeatures(bars, set);
  const stream = createFeatureStream(set, { timeframe: bars.timeframe });
  for (let i = 0; i < bars.length; i++) {
    const v = stream.update(bars.bar(i));
    frame.names.forEach((name, k) => {
      const a = frame.columns[k]![i]!;
      if (Number.isNaN(a)) expect(v[k], `${name} at ${i}`).toBeNaN();
      else expect(Math.abs(v[k]! - a), `${name} at ${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a)));
    });
  }
  return Object.fromEntries(frame.names.map((n, k) => [n, frame.columns[k]!]));
}

const flat = (close: number, volume = 1): Omit<Row, 'time'> => ({ open: close, high: close, low: close, close, volume });

// A small hand-made series with gaps and varied shapes, for the textbook comparisons.
const SMALL: Omit<Row, 'time'>[] = [
  { open: 100, high: 102, low: 99, close: 101, volume: 10 },
  { open: 101.5, high: 103, low: 100.5, close: 102, volume: 12 },
  { open: 101, high: 101.8, low: 98, close: 99, volume: 9 },
  { open: 99.2, high: 100, low: 97.5, close: 98, volume: 14 },
  { open: 98.5, high: 101, low: 98.2, close: 100.5, volume: 11 },
  { open: 100, high: 100.9, low: 99.1, close: 99.5, volume: 8 },
  { open: 99.8, high: 102.5, low: 99.6, close: 102.2, volume: 15 },
];

/** The estimators straight from their papers, two-pass, over the last n bars ending at row i. */
const textbook = {
  closeToClose(rows: Omit<Row, 'time'>[], i: number, n: number): number {
    const r = Array.from({ length: n }, (_, k) => Math.log(rows[i - k]!.close / rows[i - k - 1]!.close));
    const mean = r.reduce((s, x) => s + x, 0) / n;
    return Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  },
  parkinson(rows: Omit<Row, 'time'>[], i: number, n: number): number {
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.log(rows[i - k]!.high / rows[i - k]!.low) ** 2;
    return Math.sqrt(s / (4 * n * Math.log(2)));
  },
  garmanKlass(rows: Omit<Row, 'time'>[], i: number, n: number): number {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const b = rows[i - k]!;
      s += 0.5 * Math.log(b.high / b.low) ** 2 - (2 * Math.log(2) - 1) * Math.log(b.close / b.open) ** 2;
    }
    return Math.sqrt(s / n);
  },
  rogersSatchell(rows: Omit<Row, 'time'>[], i: number, n: number): number {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const b = rows[i - k]!;
      const u = Math.log(b.high / b.open);
      const d = Math.log(b.low / b.open);
      const c = Math.log(b.close / b.open);
      s += u * (u - c) + d * (d - c);
    }
    return Math.sqrt(s / n);
  },
  yangZhang(rows: Omit<Row, 'time'>[], i: number, n: number): number {
    const o = Array.from({ length: n }, (_, k) => Math.log(rows[i - k]!.open / rows[i - k - 1]!.close));
    const c = Array.from({ length: n }, (_, k) => Math.log(rows[i - k]!.close / rows[i - k]!.open));
    const sampleVar = (xs: number[]): number => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    };
    const k = 0.34 / (1.34 + (n + 1) / (n - 1));
    return Math.sqrt(sampleVar(o) + k * sampleVar(c) + (1 - k) * textbook.rogersSatchell(rows, i, n) ** 2);
  },
};

describe('volatility estimators', () => {
  it('Parkinson: bars whose high/low ratio is e^0.02 give 0.02/√(4 ln 2) = 0.0120112240878645', () => {
    const bars = table(Array.from({ length: 5 }, () => ({ open: 100, high: 100 * Math.exp(0.01), low: 100 * Math.exp(-0.01), close: 100, volume: 1 })));
    const { v } = compute(bars, { v: { kind: 'volatility', estimator: 'parkinson', window: 3 } });
    expect(v![1]).toBeNaN();
    expect(v![2]).toBeCloseTo(0.0120112240878645, 14);
    expect(v![4]).toBeCloseTo(0.0120112240878645, 14);
  });

  it('Garman–Klass: open = close and high/low = e^0.02 give √(0.5 · 0.02²) = 0.0141421356237310', () => {
    const bars = table(Array.from({ length: 4 }, () => ({ open: 50, high: 50 * Math.exp(0.01), low: 50 * Math.exp(-0.01), close: 50, volume: 1 })));
    const { v } = compute(bars, { v: { kind: 'volatility', estimator: 'garman_klass', window: 2 } });
    expect(v![3]).toBeCloseTo(0.014142135623731, 14);
  });

  it('Rogers–Satchell: zero for bars that open at the low and close at the high (pure drift); a√2 for symmetric bars', () => {
    const drift = table(Array.from({ length: 4 }, (_, i) => ({ open: 100 + i, high: 101 + i, low: 100 + i, close: 101 + i, volume: 1 })));
    expect(compute(drift, { v: { kind: 'volatility', estimator: 'rogers_satchell', window: 3 } }).v![3]).toBe(0);
    const a = 0.01;
    const symmetric = table(Array.from({ length: 4 }, () => ({ open: 100, high: 100 * Math.exp(a), low: 100 * Math.exp(-a), close: 100, volume: 1 })));
    expect(compute(symmetric, { v: { kind: 'volatility', estimator: 'rogers_satchell', window: 3 } }).v![3]).toBeCloseTo(a * Math.SQRT2, 14);
  });

  it('close-to-close: closes alternating 100/101 give ln(1.01)·2/√3 over 4 returns (sample std)', () => {
    const bars = table([100, 101, 100, 101, 100].map((c) => flat(c)));
    const { v } = compute(bars, { v: { kind: 'volatility', estimator: 'close_to_close', window: 4 } });
    expect(v![3]).toBeNaN();
    expect(v![4]).toBeCloseTo((Math.log(1.01) * 2) / Math.sqrt(3), 14);
  });

  it("Yang–Zhang's k for n = 3 is 0.34/(1.34 + 2) = 0.1017964...", () => {
    expect(yangZhangK(3)).toBeCloseTo(0.34 / 3.34, 15);
  });

  it('all five equal their textbook formulas on a small hand-made series', () => {
    const bars = table(SMALL);
    const n = 4;
    const out = compute(bars, {
      cc: { kind: 'volatility', estimator: 'close_to_close', window: n },
      park: { kind: 'volatility', estimator: 'parkinson', window: n },
      gk: { kind: 'volatility', estimator: 'garman_klass', window: n },
      rs: { kind: 'volatility', estimator: 'rogers_satchell', window: n },
      yz: { kind: 'volatility', estimator: 'yang_zhang', window: n },
    });
    for (let i = 0; i < SMALL.length; i++) {
      const needsPrev = i >= n; // estimators using the previous close need n + 1 bars
      const own = i >= n - 1;
      if (needsPrev) {
        expect(out.cc![i]).toBeCloseTo(textbook.closeToClose(SMALL, i, n), 13);
        expect(out.yz![i]).toBeCloseTo(textbook.yangZhang(SMALL, i, n), 13);
      } else {
        expect(out.cc![i]).toBeNaN();
        expect(out.yz![i]).toBeNaN();
      }
      if (own) {
        expect(out.park![i]).toBeCloseTo(textbook.parkinson(SMALL, i, n), 13);
        expect(out.gk![i]).toBeCloseTo(textbook.garmanKlass(SMALL, i, n), 13);
        expect(out.rs![i]).toBeCloseTo(textbook.rogersSatchell(SMALL, i, n), 13);
      } else {
        expect(out.park![i]).toBeNaN();
      }
    }
  });
});

describe('returns and rolling statistics', () => {
  it('simple and log returns over a lag', () => {
    const bars = table([100, 110, 121, 133.1].map((c) => flat(c)));
    const { r2, l1 } = compute(bars, { r2: { kind: 'return', lag: 2 }, l1: { kind: 'return', lag: 1, log: true } });
    expect(r2![1]).toBeNaN();
    expect(r2![2]).toBeCloseTo(0.21, 14);
    expect(r2![3]).toBeCloseTo(0.21, 14);
    expect(l1![0]).toBeNaN();
    expect(l1![1]).toBeCloseTo(Math.log(1.1), 14);
  });

  it('rolling mean and sample std of one-bar log returns', () => {
    const closes = [100, 102, 101, 104, 103];
    const bars = table(closes.map((c) => flat(c)));
    const { m, s } = compute(bars, { m: { kind: 'rolling', stat: 'mean', window: 3 }, s: { kind: 'rolling', stat: 'std', window: 3 } });
    const r = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    const mean = (r[1]! + r[2]! + r[3]!) / 3;
    expect(m![2]).toBeNaN(); // two returns so far
    expect(m![3]).toBeCloseTo((r[0]! + r[1]! + r[2]!) / 3, 14);
    expect(m![4]).toBeCloseTo(mean, 14);
    expect(s![4]).toBeCloseTo(Math.sqrt(((r[1]! - mean) ** 2 + (r[2]! - mean) ** 2 + (r[3]! - mean) ** 2) / 2), 14);
  });
});

describe('candle, volume and time features', () => {
  it('measures body, wicks, close location, range and gap of a bar', () => {
    const bars = table([flat(9.5), { open: 10, high: 12, low: 9, close: 11, volume: 1 }, flat(11)]);
    const shapes = ['body', 'upper_wick', 'lower_wick', 'close_location', 'range', 'gap'] as const;
    const out = compute(bars, Object.fromEntries(shapes.map((s) => [s, { kind: 'candle', shape: s }])));
    expect(out.body![1]).toBeCloseTo(1 / 3, 15);
    expect(out.upper_wick![1]).toBeCloseTo(1 / 3, 15);
    expect(out.lower_wick![1]).toBeCloseTo(1 / 3, 15);
    expect(out.close_location![1]).toBeCloseTo(2 / 3, 15);
    expect(out.range![1]).toBeCloseTo(3 / 11, 15);
    expect(out.gap![1]).toBeCloseTo(10 / 9.5 - 1, 15);
    expect(out.gap![0]).toBeNaN();
    // A flat bar has no body or wicks and closes mid-range.
    expect([out.body![2], out.upper_wick![2], out.close_location![2]]).toEqual([0, 0, 0.5]);
  });

  it('volume ratio, z-score, log change and signed ratio', () => {
    const bars = table([
      { ...flat(10), volume: 100 },
      { ...flat(11), volume: 300 },
      { ...flat(10.5), volume: 200 },
      { ...flat(10.5), volume: 0 },
    ]);
    const out = compute(bars, {
      ratio: { kind: 'volume', measure: 'ratio', window: 2 },
      z: { kind: 'volume', measure: 'zscore', window: 3 },
      change: { kind: 'volume', measure: 'log_change' },
      signed: { kind: 'volume', measure: 'signed_ratio', window: 2 },
    });
    expect(out.ratio![1]).toBeCloseTo(300 / 200, 15);
    expect(out.z![2]).toBeCloseTo(0, 15); // 200 is the mean of 100, 300, 200
    expect(out.change![1]).toBeCloseTo(Math.log(301 / 101), 15);
    // Bars 1 and 2: +300 (up) and −200 (down) over 500.
    expect(out.signed![2]).toBeCloseTo(100 / 500, 15);
    // Bar 3: unchanged close (0) and −200 over 200.
    expect(out.signed![3]).toBeCloseTo(-1, 15);
  });

  it('maps time to cycle phases in UTC: Monday 00:00 is 0, 06:00 is a quarter day, July is half a year', () => {
    expect(cyclePhase('day_of_week', T0)).toBe(0);
    expect(cyclePhase('hour_of_day', T0 + 6 * 3_600_000)).toBe(0.25);
    expect(cyclePhase('minute_of_hour', T0 + 15 * 60_000)).toBe(0.25);
    expect(cyclePhase('month_of_year', Date.UTC(2024, 6, 15))).toBe(0.5);
    expect(cyclePhase('day_of_week', Date.UTC(2024, 0, 4, 12))).toBeCloseTo(3.5 / 7, 15); // Thursday noon
    const bars = table([flat(1)], 60_000);
    const out = compute(bars, { s: { kind: 'time', unit: 'day_of_week', wave: 'sin' }, c: { kind: 'time', unit: 'day_of_week', wave: 'cos' } });
    expect(out.s![0]).toBeCloseTo(0, 15);
    expect(out.c![0]).toBe(1);
  });

  it('computes the UTC month without Date, for any time from 1900 to 2200 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (t) => {
        expect(utcMonth(t)).toBe(new Date(t).getUTCMonth());
      }),
    );
  });
});

describe('indicator-derived features', () => {
  it('distance, relative and raw transforms of an indicator line', () => {
    const closes = [10, 11, 12, 13, 14];
    const bars = table(closes.map((c) => flat(c)));
    const out = compute(bars, {
      dist: { kind: 'indicator', indicator: 'sma', params: { period: 3 }, transform: 'distance' },
      rel: { kind: 'indicator', indicator: 'mom', params: { period: 2 }, transform: 'relative' },
      raw: { kind: 'indicator', indicator: 'sma', params: { period: 3 }, scale: 0.5 },
    });
    expect(out.dist![2]).toBeCloseTo(12 / 11 - 1, 15);
    expect(out.rel![4]).toBeCloseTo(2 / 14, 15);
    expect(out.raw![4]).toBeCloseTo(6.5, 15);
  });

  it('channel position and width, and the ratio of two averages', () => {
    const bars = table([
      { open: 10, high: 12, low: 8, close: 10, volume: 1 },
      { open: 10, high: 11, low: 9, close: 11, volume: 1 },
      { open: 11, high: 13, low: 10, close: 12, volume: 1 },
    ]);
    const out = compute(bars, {
      pos: { kind: 'channel', indicator: 'donchian', params: { period: 2 }, measure: 'position' },
      width: { kind: 'channel', indicator: 'donchian', params: { period: 2 }, measure: 'width' },
      ratio: { kind: 'ratio', numerator: { indicator: 'sma', params: { period: 1 } }, denominator: { indicator: 'sma', params: { period: 2 } } },
    });
    // Bar 2: highest high 13, lowest low 9 over bars 1–2.
    expect(out.pos![2]).toBeCloseTo((12 - 9) / 4, 15);
    expect(out.width![2]).toBeCloseTo(4 / 12, 15);
    expect(out.ratio![2]).toBeCloseTo(12 / 11.5 - 1, 15);
  });

  it('turns an infinite ratio (zero denominator) into NaN in both forms', () => {
    const bars = table([{ ...flat(10), volume: 0 }, { ...flat(10), volume: 0 }, { ...flat(10), volume: 5 }]);
    const { ratio } = compute(bars, { ratio: { kind: 'volume', measure: 'ratio', window: 2 } });
    expect(ratio![1]).toBeNaN(); // 0 / 0
    expect(ratio![2]).toBeCloseTo(2, 15);
  });
});

describe('custom features', () => {
  it('runs a user-written incremental feature in both forms', () => {
    let created = 0;
    const bars = table([flat(10), flat(12), flat(9)]);
    const { up } = compute(bars, {
      up: {
        kind: 'custom',
        create: () => {
          created++;
          let prev = NaN;
          return {
            update: (bar) => {
              const v = bar.close > prev ? 1 : 0;
              prev = bar.close;
              return v;
            },
          };
        },
      },
    });
    expect(Array.from(up!)).toEqual([0, 1, 0]);
    expect(created).toBe(2); // one for the batch form, one for the stream
  });
});
