import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESYNC_EVERY, RollingAutocorr, RollingHigherMoment, RollingRank, rollingAutocorr, rollingHigherMoment, rollingRank, rollingSkewKurt } from './rolling.js';
import { rollingZScore } from './normalize.js';

/** pandas' bias-corrected skewness of a sample (Series.skew). */
function skewOf(xs: number[]): number {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const m2 = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const m3 = xs.reduce((s, x) => s + (x - mean) ** 3, 0) / n;
  return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
}

/** pandas' bias-corrected excess kurtosis (Series.kurt), written as Excel's KURT formula. */
function kurtOf(xs: number[]): number {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const s2 = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const sum4 = xs.reduce((s, x) => s + ((x - mean) / Math.sqrt(s2)) ** 4, 0);
  return ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * sum4 - (3 * (n - 1) ** 2) / ((n - 2) * (n - 3));
}

function corrOf(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Deterministic pseudo-random returns (no Math.random in tests). */
function returns(n: number, seed = 1): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const u = s / 2 ** 31;
    out[i] = (u - 0.5) * 0.02 + (i % 7 === 0 ? 0.004 : 0);
  }
  return out;
}

const closeTo = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('RollingHigherMoment', () => {
  it('matches the hand-computed skewness of [1, 2, 3, 10] (pandas: 1.8382...)', () => {
    // mean 4, deviations −3 −2 −1 6: m2 = 12.5, m3 = 45 → √12/2 · 45/12.5^1.5 = 1.8387...
    const k = new RollingHigherMoment('skew', 4);
    const values = [1, 2, 3, 10].map((x) => k.update(x));
    expect(values.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(values[3]).toBeCloseTo((Math.sqrt(12) / 2) * (45 / 12.5 ** 1.5), 12);
    expect(values[3]).toBeCloseTo(skewOf([1, 2, 3, 10]), 12);
  });

  it('matches the hand-computed excess kurtosis of [1, 2, 3, 10] (Excel KURT: 3.3870...)', () => {
    // m4 = (81 + 16 + 1 + 1296)/4 = 348.5; (n−1)((n+1)·m4/m2² − 3(n−1))/((n−2)(n−3)) = 3((5·2.2304) − 9)/2
    const k = new RollingHigherMoment('kurt', 4);
    let v = NaN;
    for (const x of [1, 2, 3, 10]) v = k.update(x);
    expect(v).toBeCloseTo((3 * (5 * (348.5 / 12.5 ** 2) - 9)) / 2, 12);
    expect(v).toBeCloseTo(kurtOf([1, 2, 3, 10]), 12);
  });

  it('equals the direct two-pass formulas over every window of a long series (past several resyncs)', () => {
    const xs = returns(3 * RESYNC_EVERY + 77);
    for (const [stat, window, direct] of [['skew', 20, skewOf], ['kurt', 60, kurtOf]] as const) {
      const out = rollingHigherMoment(xs, stat, window);
      for (let i = 0; i < xs.length; i++) {
        if (i < window - 1) expect(out[i]).toBeNaN();
        else expect(closeTo(out[i]!, direct(Array.from(xs.subarray(i - window + 1, i + 1))), 1e-7), `${stat} at ${i}`).toBe(true);
      }
    }
  });

  it('is NaN on a constant window and recovers when values vary again', () => {
    const k = new RollingHigherMoment('skew', 5);
    const out = [0.01, -0.02, 0.03, 0, 0, 0, 0, 0, 0, 0.01, 0.02].map((x) => k.update(x));
    expect(out[4]).not.toBeNaN();
    expect(out[8]).toBeNaN(); // five zeros
    expect(out[10]).not.toBeNaN();
  });

  it('restarts its window after a NaN input', () => {
    const k = new RollingHigherMoment('skew', 3);
    expect([1, 2, 4, NaN, 1, 2, 4].map((x) => k.update(x)).map(Number.isNaN)).toEqual([true, true, false, true, true, true, false]);
  });

  it('rejects windows too short for the statistic, naming the key', () => {
    expect(() => new RollingHigherMoment('kurt', 3)).toThrow('kurt.window: must be an integer between 4');
  });
});

describe('RollingAutocorr', () => {
  it('is 1 on a series whose lagged copy is an exact linear function of it', () => {
    // x[t] = 2·x[t−1] for a geometric series: perfectly correlated with its lag.
    const k = new RollingAutocorr(1, 5);
    let v = NaN;
    for (let i = 0; i < 6; i++) v = k.update(2 ** i);
    expect(v).toBeCloseTo(1, 12);
  });

  it('is −1 on an alternating series at lag 1', () => {
    const k = new RollingAutocorr(1, 10);
    let v = NaN;
    for (let i = 0; i < 20; i++) v = k.update(i % 2 === 0 ? 1 : -1 + i * 1e-12);
    expect(v).toBeCloseTo(-1, 9);
  });

  it('equals the Pearson correlation of each window with its lagged copy', () => {
    const xs = returns(2 * RESYNC_EVERY + 33, 7);
    for (const [lag, window] of [[1, 20], [5, 60]] as const) {
      const out = rollingAutocorr(xs, lag, window);
      for (let i = 0; i < xs.length; i++) {
        if (i < window + lag - 1) {
          expect(out[i]).toBeNaN();
          continue;
        }
        const x = Array.from(xs.subarray(i - window + 1, i + 1));
        const y = Array.from(xs.subarray(i - window + 1 - lag, i + 1 - lag));
        expect(closeTo(out[i]!, corrOf(x, y), 1e-8), `lag ${lag} window ${window} at ${i}`).toBe(true);
      }
    }
  });

  it('is NaN when the window is constant (no correlation is defined)', () => {
    const k = new RollingAutocorr(1, 4);
    const out = [0.1, 0.2, 0, 0, 0, 0, 0, 0].map((x) => k.update(x));
    expect(out[7]).toBeNaN();
  });
});

describe('RollingRank', () => {
  it('gives the percentile of the newest value among the window, ties averaged', () => {
    const k = new RollingRank(5);
    const out = [3, 1, 4, 1, 5, 9, 2, 6, 5].map((x) => k.update(x));
    expect(out.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(out[4]).toBe(1); // 5 is the highest of [3 1 4 1 5]
    expect(out[6]).toBe(1 / 4); // 2 among [4 1 5 9 2]: one below
    expect(out[8]).toBe((1 + 0.5) / 4); // 5 among [5 9 2 6 5]: one below (2), one other 5
  });

  it('agrees with a direct count on random data (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 60 }), fc.integer({ min: 2, max: 8 }), (ints, window) => {
        const xs = Float64Array.from(ints);
        const out = rollingRank(xs, window);
        for (let i = window - 1; i < xs.length; i++) {
          const w = Array.from(xs.subarray(i - window + 1, i + 1));
          const below = w.filter((v) => v < xs[i]!).length;
          const equal = w.filter((v) => v === xs[i]!).length;
          expect(out[i]).toBeCloseTo((below + (equal - 1) / 2) / (window - 1), 12);
        }
      }),
    );
  });
});

describe('rollingZScore', () => {
  it('uses only the window ending at each value', () => {
    const out = rollingZScore(Float64Array.from([1, 2, 3, 4, 100]), 3);
    // [2, 3, 4]: mean 3, population σ √(2/3)
    expect(out[3]).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
    expect(Number.isNaN(out[1]!)).toBe(true);
  });
});

describe('batch forms', () => {
  /** Returns with NaN gaps (restarts), runs of equal values and zeros, long enough to re-sum several times. */
  function gappy(n: number, seed: number): Float64Array {
    const xs = returns(n, seed);
    for (let i = 0; i < n; i++) {
      if (i % 997 === 996) xs[i] = NaN;
      else if (i % 1500 < 30) xs[i] = i % 1500 < 15 ? 0 : 0.001;
    }
    return xs;
  }

  it('give the classes\' values bit for bit, across NaN restarts and re-summations', () => {
    const xs = gappy(3 * RESYNC_EVERY + 501, 3);
    const same = (batch: Float64Array, feed: (x: number) => number, label: string): void => {
      for (let i = 0; i < xs.length; i++) {
        const v = feed(xs[i]!);
        if (!(Object.is(v, batch[i]) || (Number.isNaN(v) && Number.isNaN(batch[i]!)))) expect(batch[i], `${label} at ${i}`).toBe(v);
      }
    };
    for (const window of [4, 20, 61]) {
      const both = rollingSkewKurt(xs, window);
      const skew = new RollingHigherMoment('skew', window);
      const kurt = new RollingHigherMoment('kurt', window);
      same(both.skew, (x) => skew.update(x), `skew(${window}) with kurt`);
      same(both.kurt, (x) => kurt.update(x), `kurt(${window}) with skew`);
      const alone = new RollingHigherMoment('skew', window);
      same(rollingHigherMoment(xs, 'skew', window), (x) => alone.update(x), `skew(${window})`);
    }
    const skew3 = new RollingHigherMoment('skew', 3);
    same(rollingHigherMoment(xs, 'skew', 3), (x) => skew3.update(x), 'skew(3)');
    for (const [lag, window] of [[1, 3], [1, 20], [5, 60], [7, 4]] as const) {
      const ac = new RollingAutocorr(lag, window);
      same(rollingAutocorr(xs, lag, window), (x) => ac.update(x), `autocorr(${lag}, ${window})`);
    }
  });

  it('reject windows too short for kurtosis when both are asked for', () => {
    expect(() => rollingSkewKurt(Float64Array.from([1, 2, 3]), 3)).toThrow('kurt.window');
  });
});
