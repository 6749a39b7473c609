import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMA, type EmaSeed } from './moving-averages.js';
import { MACD, RSI, ROC, macd, rsi } from './momentum.js';

const seriesArb = fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 150 });

/** MACD built from three EMA objects, following the documented composition. */
function composedMacd(values: number[], fast: number, slow: number, signal: number, seed: EmaSeed, signalSeed: EmaSeed, align: boolean): number[][] {
  const f = new EMA({ period: fast, seed });
  const s = new EMA({ period: slow, seed });
  const g = new EMA({ period: signal, seed: signalSeed });
  const skip = align && seed === 'sma' ? Math.max(0, s.warmup - f.warmup) : 0;
  return values.map((x, i) => {
    const slowV = s.update(x);
    const fastV = i + 1 > skip ? f.update(x) : NaN;
    const m = fastV - slowV;
    const sig = g.update(m);
    return Number.isNaN(sig) ? [NaN, NaN, NaN] : [m, sig, m - sig];
  });
}

describe('MACD', () => {
  it('equals the composition of three EMA objects for every seed and alignment', () => {
    const seeds: EmaSeed[] = ['sma', 'first', 'ewm'];
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom(...seeds), fc.constantFrom(...seeds), fc.boolean(), (values, fast, extra, signal, seed, signalSeed, align) => {
        const slow = fast + extra;
        const got = macd(Float64Array.from(values), { fastPeriod: fast, slowPeriod: slow, signalPeriod: signal, seed, signalSeed, alignSeeds: align });
        const want = composedMacd(values, fast, slow, signal, seed, signalSeed, align);
        want.forEach(([m, s, h], i) => {
          expect(Object.is(got.macd[i], m), `macd[${i}]`).toBe(true);
          expect(Object.is(got.signal[i], s), `signal[${i}]`).toBe(true);
          expect(Object.is(got.histogram[i], h), `histogram[${i}]`).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to generic averages for other MA types and reports all lines together', () => {
    const m = new MACD({ fastPeriod: 3, slowPeriod: 5, signalPeriod: 2, fastMaType: 'sma', slowMaType: 'sma', signalMaType: 'sma' });
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = values.map((x) => m.update(x));
    expect(m.warmup).toBe(5);
    expect(out.slice(0, 5).every(Number.isNaN)).toBe(true);
    // SMA(3) − SMA(5) of a straight line is a constant 1.
    expect(out.slice(5)).toEqual([1, 1, 1]);
    expect(m.signal).toBe(1);
    expect(m.histogram).toBe(0);
  });
});

describe('RSI and CMO', () => {
  it("sum smoothing is Cutler's RSI: gains and losses summed over the window", () => {
    const values = [10, 11, 10.5, 12, 11, 13, 12.5, 14];
    const out = rsi(Float64Array.from(values), { period: 3, smoothing: 'sum' });
    // The last three changes are +2, −0.5 and +1.5: gains 3.5 of a total movement of 4.
    expect(out[7]).toBeCloseTo((100 * 3.5) / 4, 12);
    expect(out.slice(0, 3).every(Number.isNaN)).toBe(true);
  });

  it('is 0 on a flat window and 100 without losses, as TA-Lib', () => {
    expect(rsi(new Float64Array(20).fill(5), { period: 5 })[10]).toBe(0);
    expect(rsi(Float64Array.from({ length: 20 }, (_, i) => i), { period: 5 })[10]).toBe(100);
  });

  it('metastock seeding adds one earlier value and agrees from index `period` on', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => 100 + 5 * Math.sin(i / 2));
    const classic = rsi(values, { period: 14 });
    const meta = rsi(values, { period: 14, seed: 'metastock' });
    expect(new RSI({ period: 14, seed: 'metastock' }).warmup).toBe(13);
    expect(Number.isNaN(meta[13])).toBe(false);
    expect(Array.from(meta.subarray(14))).toEqual(Array.from(classic.subarray(14)));
  });
});

describe('rate of change', () => {
  it('computes every TA-Lib variant against the value `period` bars back', () => {
    const values = [100, 110, 121];
    const at = (mode: 'roc' | 'rocp' | 'rocr' | 'rocr100') => {
      const r = new ROC({ period: 2, mode });
      return values.map((v) => r.update(v))[2];
    };
    expect(at('roc')).toBeCloseTo(21, 12);
    expect(at('rocp')).toBeCloseTo(0.21, 12);
    expect(at('rocr')).toBeCloseTo(1.21, 12);
    expect(at('rocr100')).toBeCloseTo(121, 12);
  });
});
