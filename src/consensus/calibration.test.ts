import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeadCalibration, applyCalibration, fitIsotonic, fitPlatt, isotonicAt } from './calibration.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A head that states `stated(u)` but is right with probability `actual(u)`. */
function record(n: number, seed: number, stated: (u: number) => number, actual: (u: number) => number): { conf: number[]; hits: number[] } {
  const r = rng(seed);
  const conf: number[] = [];
  const hits: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    conf.push(stated(u));
    hits.push(r() < actual(u) ? 1 : 0);
  }
  return { conf, hits };
}

describe('confidence calibration', () => {
  it('maps an over-confident head down to its hit rate (isotonic)', () => {
    // States 0.9 and 0.8 but is right 60% and 55% of the time.
    const c = new HeadCalibration('h', { calibration: 'isotonic', minSamples: 50, refitEvery: 100, window: 5000 });
    const { conf, hits } = record(4000, 1, (u) => (u < 0.5 ? 0.9 : 0.8), (u) => (u < 0.5 ? 0.6 : 0.55));
    conf.forEach((x, i) => c.add(x, hits[i] === 1));
    c.fit();
    expect(c.active).toBe(true);
    expect(c.map(0.9)).toBeCloseTo(0.6, 1);
    expect(c.map(0.8)).toBeCloseTo(0.55, 1);
    expect(c.map(0.9)).toBeLessThan(0.9);
  });

  it('maps an over-confident head down (Platt)', () => {
    const c = new HeadCalibration('h', { calibration: 'platt', minSamples: 50, refitEvery: 100, window: 5000 });
    // Stated confidence c in [0.5, 1]; real hit rate 0.5 + (c − 0.5) / 3.
    const { conf, hits } = record(5000, 2, (u) => 0.5 + u / 2, (u) => 0.5 + u / 6);
    conf.forEach((x, i) => c.add(x, hits[i] === 1));
    c.fit();
    expect(c.map(0.95)).toBeLessThan(0.8);
    expect(c.map(0.95)).toBeGreaterThan(0.6);
    expect(c.map(0.6)).toBeLessThan(0.6);
  });

  it('leaves a calibrated head as it is', () => {
    const c = new HeadCalibration('h', { calibration: 'isotonic', minSamples: 50, refitEvery: 100, window: 20_000 });
    const { conf, hits } = record(20_000, 3, (u) => 0.5 + 0.4 * u, (u) => 0.5 + 0.4 * u);
    conf.forEach((x, i) => c.add(x, hits[i] === 1));
    c.fit();
    for (const x of [0.55, 0.65, 0.75, 0.85]) expect(Math.abs(c.map(x) - x)).toBeLessThan(0.05);
  });

  it('passes confidence through until there are enough outcomes', () => {
    const c = new HeadCalibration('h', { calibration: 'isotonic', minSamples: 50, refitEvery: 10, window: 100 });
    for (let i = 0; i < 49; i++) c.add(0.9, false);
    expect(c.active).toBe(false);
    expect(c.map(0.9)).toBe(0.9);
    c.add(0.9, false);
    expect(c.active).toBe(true);
    expect(c.map(0.9)).toBeCloseTo(1 / 52, 12); // 0 hits in 50, shrunk: (0 + 1) / (50 + 2)
  });

  it('isotonic fits are non-decreasing and inside (0, 1) for any record', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 300 }), (pairs) => {
      const { x, y } = fitIsotonic(pairs.map((p) => p[0]), pairs.map((p) => (p[1] ? 1 : 0)));
      for (let k = 1; k < y.length; k++) {
        expect(y[k]!).toBeGreaterThanOrEqual(y[k - 1]!);
        expect(x[k]!).toBeGreaterThan(x[k - 1]!);
      }
      for (const v of y) expect(v > 0 && v < 1).toBe(true);
      let prev = -Infinity;
      for (let c = 0; c <= 1; c += 0.05) {
        const v = isotonicAt(x, y, c);
        expect(v).toBeGreaterThanOrEqual(prev - 1e-12);
        prev = v;
      }
    }));
  });

  it('Platt with no evidence stays the identity', () => {
    const { a, b } = fitPlatt([], []);
    expect(a).toBe(1);
    expect(b).toBe(0);
    expect(applyCalibration({ method: 'platt', a, b, samples: 0 }, 0.73)).toBeCloseTo(0.73, 6);
  });
});
