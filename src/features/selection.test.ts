import { describe, expect, it } from 'vitest';
import { normalizeDataset } from './normalize.js';
import { correlationFilter, mutualInformation, pearson, rankByMutualInformation, ranks, spearman } from './selection.js';

/** Deterministic uniform numbers in [0, 1). */
function uniform(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  });
}

const N = 4000;
const x = uniform(N, 1);
const noise = uniform(N, 2);
/** A label decided by x: class −1, 0, +1 by terciles of x. */
const label = Float64Array.from(x, (v) => (v < 1 / 3 ? -1 : v < 2 / 3 ? 0 : 1));

describe('correlations', () => {
  it('pearson is ±1 for exact linear relations and ignores rows with NaN', () => {
    const a = Float64Array.from([1, 2, 3, NaN, 5]);
    expect(pearson(a, Float64Array.from([3, 5, 7, 100, 11]))).toBeCloseTo(1, 15);
    expect(pearson(a, Float64Array.from([-1, -2, -3, 0, -5]))).toBeCloseTo(-1, 15);
    expect(pearson(a, Float64Array.from([1, 1, 1, 1, 1]))).toBeNaN();
  });

  it('spearman is 1 for any increasing relation; ranks average ties', () => {
    expect(Array.from(ranks(Float64Array.from([10, 20, 10, NaN, 5])))).toEqual([2.5, 4, 2.5, NaN, 1]);
    expect(spearman(x, Float64Array.from(x, (v) => Math.exp(10 * v)))).toBeCloseTo(1, 12);
    expect(pearson(x, Float64Array.from(x, (v) => Math.exp(10 * v)))).toBeLessThan(0.9);
  });
});

describe('correlationFilter', () => {
  const data = {
    names: ['x', 'x_scaled', 'noise', 'x_negated', 'x_almost'],
    columns: [x, Float64Array.from(x, (v) => 2 * v + 1), noise, Float64Array.from(x, (v) => -v), Float64Array.from(x, (v, i) => v + 0.5 * noise[i]!)],
  };

  it('drops perfectly correlated duplicates (either sign) and keeps uncorrelated features', () => {
    const { kept, dropped } = correlationFilter(data, { threshold: 0.95 });
    expect(kept).toEqual(['x', 'noise', 'x_almost']);
    expect(dropped.map((d) => [d.name, d.correlatedWith])).toEqual([['x_scaled', 'x'], ['x_negated', 'x']]);
    expect(dropped[1]!.correlation).toBeCloseTo(-1, 12);
  });

  it('keeps the higher-priority feature of a correlated pair', () => {
    const { kept } = correlationFilter(data, { order: ['x_scaled'] });
    expect(kept[0]).toBe('x_scaled');
    expect(kept).not.toContain('x');
  });

  it('works with Spearman and a lower threshold', () => {
    const { kept } = correlationFilter(data, { method: 'spearman', threshold: 0.8 });
    expect(kept).toEqual(['x', 'noise']);
  });

  it('rejects bad options naming the key', () => {
    expect(() => correlationFilter(data, { threshold: 0 })).toThrow('threshold: must be in (0, 1]');
    expect(() => correlationFilter(data, { order: ['nope'] })).toThrow('order: "nope" is not a column');
    expect(() => correlationFilter({ names: ['a', 'b'], columns: [x, new Float64Array(3)] })).toThrow('dataset: column "b" has 3 rows');
  });
});

describe('mutual information', () => {
  it('is highest for a feature equal to the label, and equals the label entropy then', () => {
    const data = { names: ['noise', 'x', 'label_copy'], columns: [noise, x, label] };
    const ranked = rankByMutualInformation(data, label);
    expect(ranked.map((r) => r.name)).toEqual(['label_copy', 'x', 'noise']);
    const entropy = -[-1, 0, 1].map((c) => label.filter((v) => v === c).length / N).reduce((s, p) => s + p * Math.log(p), 0);
    expect(ranked[0]!.mi).toBeCloseTo(entropy, 12);
    // x decides the label through its terciles, which 16 quantile bins almost resolve.
    expect(ranked[1]!.mi).toBeGreaterThan(0.8 * entropy);
    // Independent noise: only the plug-in bias, about (16 − 1)(3 − 1)/(2N).
    expect(ranked[2]!.mi).toBeLessThan(0.02);
  });

  it('bins a continuous label and skips rows where either side is NaN', () => {
    const y = Float64Array.from(x, (v) => v * v);
    const withGaps = Float64Array.from(x, (v, i) => (i % 10 === 0 ? NaN : v));
    expect(mutualInformation(withGaps, y)).toBeGreaterThan(2); // a monotone relation: nearly log(16)
    expect(mutualInformation(noise, y)).toBeLessThan(0.05);
  });

  it('rejects mismatched lengths and bad bin counts', () => {
    expect(() => mutualInformation(x, new Float64Array(3))).toThrow('label: feature has 4000 rows, label 3');
    expect(() => mutualInformation(x, label, { bins: 1 })).toThrow('bins: must be an integer between 2 and 1024');
  });
});

describe('normalizeDataset', () => {
  it('normalises every column with past values only', () => {
    const data = { names: ['x'], columns: [Float64Array.from([1, 2, 3, 4, 5, 100])] };
    const ranked = normalizeDataset(data, { method: 'rank', window: 3 });
    expect(Array.from(ranked.columns[0]!)).toEqual([NaN, NaN, 1, 1, 1, 1]);
    const z = normalizeDataset(data, { method: 'zscore', window: 3 });
    expect(z.columns[0]![4]).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
  });
});
