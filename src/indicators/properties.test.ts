/**
 * Property-based tests over every registered indicator, with random but valid bars (positive
 * prices, low ≤ open/close ≤ high, volume ≥ 0, including flat bars and zero volume):
 * - after warm-up every value is finite (no NaN leaks out of degenerate windows);
 * - point-in-time: changing any bar after t leaves every value at or before t unchanged;
 * - bounded oscillators stay in their range.
 * Plus the rolling windows against brute force.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../model/bar.js';
import { RESYNC_EVERY, RollingMax, RollingMin, RollingMoments, RollingSum } from './core/windows.js';
import { computeIndicator, listIndicators } from './registry.js';

const barsArb = (minLength: number, maxLength: number) =>
  fc
    .record({
      start: fc.double({ min: 0.01, max: 100_000, noNaN: true }),
      steps: fc.array(
        fc.record({
          ret: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
          up: fc.double({ min: 0, max: 0.05, noNaN: true }),
          down: fc.double({ min: 0, max: 0.05, noNaN: true }),
          openAt: fc.double({ min: 0, max: 1, noNaN: true }),
          flat: fc.boolean(),
          volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
        }),
        { minLength, maxLength },
      ),
    })
    .map(({ start, steps }): OhlcvColumns => {
      const n = steps.length;
      const c = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
      let prev = start;
      steps.forEach((s, i) => {
        const close = Math.max(1e-6, prev * (1 + s.ret));
        const open = s.flat ? close : prev + (close - prev) * s.openAt;
        const high = s.flat ? close : Math.max(open, close) * (1 + s.up);
        const low = s.flat ? close : Math.min(open, close) * (1 - s.down);
        c.time[i] = 1_700_000_000_000 + i * 3_600_000;
        c.open[i] = open;
        c.high[i] = high;
        c.low[i] = low;
        c.close[i] = close;
        c.volume[i] = s.volume;
        prev = close;
      });
      return c;
    });

/** Lines that may legitimately be NaN after warm-up ("no level", "no completed period yet"). */
const MAY_BE_NAN = new Set(['swing_levels', 'volume_profile.support', 'volume_profile.resistance', 'pivots_classic', 'pivots_fibonacci', 'pivots_camarilla']);

const BOUNDS: Record<string, [number, number]> = {
  rsi: [0, 100], cmo: [-100, 100], 'stochrsi.k': [0, 100], 'stochrsi.d': [0, 100], 'stoch.k': [0, 100], 'stoch.d': [0, 100], 'stochf.k': [0, 100], 'stochf.d': [0, 100],
  willr: [-100, 0], mfi: [0, 100], 'aroon.up': [0, 100], 'aroon.down': [0, 100], aroonosc: [-100, 100], ultosc: [0, 100], bop: [-1, 1], cmf: [-1, 1],
  'adx.adx': [0, 100], 'adx.plusDI': [0, 100], 'adx.minusDI': [0, 100], 'adx.dx': [0, 100], 'adxr.adxr': [0, 100], 'dx.dx': [0, 100], plus_di: [0, 100], minus_di: [0, 100],
  'linreg.r2': [0, 1], 'fractals.up': [0, 1], 'fractals.down': [0, 1], 'psar.direction': [-1, 1], 'supertrend.direction': [-1, 1],
};

const defs = listIndicators();
const small = (name: string): Record<string, unknown> => (name === 'volume_profile' ? { period: 20 } : {});

describe('indicator properties', () => {
  it.each(defs.map((d) => d.name))('%s: finite after warm-up, in range, and point-in-time', (name) => {
    fc.assert(
      fc.property(barsArb(1, 120), fc.nat(), barsArb(1, 40), (bars, cut, replacement) => {
        const { lines, warmup } = computeIndicator(name, bars, small(name));
        for (const [line, values] of Object.entries(lines)) {
          const key = `${name}.${line}`;
          const bounds = BOUNDS[key] ?? BOUNDS[name];
          for (let i = warmup; i < values.length; i++) {
            const v = values[i]!;
            if (!MAY_BE_NAN.has(name) && !MAY_BE_NAN.has(key)) expect(Number.isFinite(v), `${key}[${i}] = ${v}`).toBe(true);
            if (bounds && !Number.isNaN(v)) {
              expect(v, `${key}[${i}]`).toBeGreaterThanOrEqual(bounds[0] - 1e-9);
              expect(v, `${key}[${i}]`).toBeLessThanOrEqual(bounds[1] + 1e-9);
            }
            if (name.startsWith('cdl_')) expect([-1, 0, 1]).toContain(v);
          }
        }
        // Replace everything after bar t with other bars: nothing at or before t may change.
        const t = cut % bars.close.length;
        const n = t + 1 + replacement.close.length;
        const join = (a: Float64Array, b: Float64Array, shiftTime = 0) => {
          const out = new Float64Array(n);
          out.set(a.subarray(0, t + 1));
          out.set(b.map((x) => x + shiftTime), t + 1);
          return out;
        };
        const shift = bars.time[t]! + 3_600_000 - replacement.time[0]!;
        const changed: OhlcvColumns = {
          time: join(bars.time, replacement.time, shift),
          open: join(bars.open, replacement.open),
          high: join(bars.high, replacement.high),
          low: join(bars.low, replacement.low),
          close: join(bars.close, replacement.close),
          volume: join(bars.volume, replacement.volume),
        };
        const after = computeIndicator(name, changed, small(name)).lines;
        for (const [line, values] of Object.entries(lines)) {
          for (let i = 0; i <= t; i++) expect(Object.is(after[line]![i], values[i]), `${name}.${line}[${i}] changed`).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('rolling windows', () => {
  it('sum, mean/variance, max and min match brute force, also after re-synchronisation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (period, values) => {
        const sum = new RollingSum(period);
        const moments = new RollingMoments(period);
        const max = new RollingMax(period);
        const min = new RollingMin(period);
        // Repeat the values to cross the every-4096-updates re-synchronisation.
        const series = Array.from({ length: Math.ceil(5000 / values.length) }, () => values).flat();
        series.forEach((x, i) => {
          sum.push(x);
          moments.push(x);
          max.push(x);
          min.push(x);
          if (i % 97 !== 0 && i !== series.length - 1) return;
          const window = series.slice(Math.max(0, i - period + 1), i + 1);
          const mean = window.reduce((a, b) => a + b, 0) / window.length;
          const variance = window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length;
          const scale = Math.max(1, ...window.map(Math.abs));
          // Running sums are exact only up to the magnitudes that passed through them since the last
          // re-summation (at most RESYNC_EVERY + period values back): that is their documented bound.
          const recent = series.slice(Math.max(0, i - RESYNC_EVERY - period), i + 1);
          const history = Math.max(1, ...recent.map(Math.abs));
          expect(Math.abs(sum.sum - mean * window.length)).toBeLessThanOrEqual(1e-9 * history * (RESYNC_EVERY + period));
          expect(Math.abs(moments.mean - mean)).toBeLessThanOrEqual(1e-9 * history * (RESYNC_EVERY + period) / window.length + 1e-7 * scale);
          expect(Math.abs(moments.variance(0) - variance)).toBeLessThanOrEqual(1e-6 * scale * scale);
          expect(max.value).toBe(Math.max(...window));
          expect(min.value).toBe(Math.min(...window));
          // The newest extreme wins on ties (TA-Lib's AROON convention).
          expect(max.age).toBe(window.length - 1 - window.lastIndexOf(Math.max(...window)));
          expect(min.age).toBe(window.length - 1 - window.lastIndexOf(Math.min(...window)));
        });
      }),
      { numRuns: 40 },
    );
  });
});
