import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, excessKurtosis, linearFitR2, mean, normalCdf, normalQuantile, quantile, ratio, skewness, stdev, variance } from './stats.js';

describe('numeric helpers', () => {
  it('matches Python math.erfc to near double precision on both branches', () => {
    // Values printed by CPython's math.erfc.
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(-1.2)).toBeCloseTo(1.9103139782296354, 15);
    expect(erfc(3) / 2.2090496998585438e-5).toBeCloseTo(1, 13);
    expect(erfc(6) / 2.1519736712498916e-17).toBeCloseTo(1, 12);
  });

  it('inverts the normal CDF like statistics.NormalDist().inv_cdf', () => {
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514726, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845400536, 14);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 11);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
  });

  it('round-trips the normal quantile through the CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-8, max: 1 - 1e-8, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
      }),
    );
  });

  it('skips NaN in moments and answers null when a statistic is undefined', () => {
    expect(mean([1, NaN, 3])).toBe(2);
    expect(mean([])).toBeNull();
    expect(variance([1, NaN, 3], 1)).toBe(2);
    expect(variance([1], 1)).toBeNull();
    expect(variance([0.01, 0.01, 0.01], 1)).toBe(0);
    expect(stdev([2, 4, 4, 4, 5, 5, 7, 9], 0)).toBe(2);
    expect(skewness([1, 1, 1, 1])).toBeNull();
    expect(excessKurtosis([1, 2, 3])).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
  });

  it('interpolates quantiles linearly between order statistics (numpy default)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8, 14);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('gives R² 1 for a straight line and 0 for a constant (scipy linregress)', () => {
    expect(linearFitR2([1, 3, 5, 7])).toBeCloseTo(1, 14);
    expect(linearFitR2([2, 2, 2])).toBe(0);
    expect(linearFitR2([1])).toBeNull();
  });

  it('computes the same variance whatever constant is added (a stable two-pass sum)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2, maxLength: 50 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (xs, shift) => {
        const v = variance(xs, 1)!;
        const shifted = variance(xs.map((x) => x + shift), 1)!;
        // Each shifted value carries a rounding error of about |shift|·2^-52.
        expect(Math.abs(shifted - v)).toBeLessThanOrEqual(1e-8);
      }),
    );
  });
});
