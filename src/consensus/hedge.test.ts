import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HedgeWeights, directionLoss } from './hedge.js';

/** mulberry32 */
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

const config = { eta: 0.1, decay: 0.99, share: 0.01 };

describe('Hedge weights', () => {
  it('move toward the head that is right 70% of the time, away from a coin flip', () => {
    const hedge = new HedgeWeights(['good', 'coin'], config);
    const r = rng(42);
    const trace: number[] = [];
    for (let t = 0; t < 2000; t++) {
      const up = r() < 0.5 ? 1 : -1;
      const good = r() < 0.7 ? up : -up;
      const coin = r() < 0.5 ? 1 : -1;
      hedge.update(new Map([['good', directionLoss(good, up)], ['coin', directionLoss(coin, up)]]), t);
      if (t % 200 === 199) trace.push(hedge.weight('good'));
    }
    expect(hedge.weight('good')).toBeGreaterThan(0.75);
    expect(hedge.weight('good') + hedge.weight('coin')).toBeCloseTo(1, 12);
    // It gets there early and stays there.
    expect(trace.every((w) => w > 0.6)).toBe(true);
    expect(hedge.sampleCount('good')).toBe(2000);
  });

  it('a head that stops being right loses its weight again (forgetting)', () => {
    const hedge = new HedgeWeights(['a', 'b'], config);
    for (let t = 0; t < 500; t++) hedge.update(new Map([['a', 0], ['b', 1]]), t);
    expect(hedge.weight('a')).toBeGreaterThan(0.9);
    for (let t = 500; t < 1000; t++) hedge.update(new Map([['a', 1], ['b', 0]]), t);
    expect(hedge.weight('b')).toBeGreaterThan(0.9);
  });

  it('never lets a weight reach 0 (fixed share)', () => {
    const hedge = new HedgeWeights(['a', 'b', 'c'], { eta: 5, decay: 1, share: 0.03 });
    for (let t = 0; t < 200; t++) hedge.update(new Map([['a', 0], ['b', 1], ['c', 1]]), t);
    expect(hedge.weight('b')).toBeGreaterThanOrEqual(0.01 - 1e-12);
  });

  it('leaves a head that did not speak where it was (sleeping experts)', () => {
    const hedge = new HedgeWeights(['a', 'b', 'quiet'], { eta: 0.5, decay: 1, share: 0 });
    hedge.update(new Map([['a', 0], ['b', 1]]), 1);
    expect(hedge.weight('quiet')).toBeCloseTo(1 / 3, 12);
    expect(hedge.weight('a')).toBeGreaterThan(hedge.weight('b'));
    expect(hedge.weight('a') + hedge.weight('b')).toBeCloseTo(2 / 3, 12);
  });

  it('restores persisted weights exactly, and gives a new head the mean weight', () => {
    const a = new HedgeWeights(['x', 'y'], config);
    for (let t = 0; t < 50; t++) a.update(new Map([['x', 0.2], ['y', 0.8]]), t);
    const saved = a.snapshot(50);
    const b = new HedgeWeights(['x', 'y'], config);
    b.restore(saved);
    expect(b.weights()).toEqual(a.weights());
    a.update(new Map([['x', 1], ['y', 0]]), 51);
    b.update(new Map([['x', 1], ['y', 0]]), 51);
    expect(b.weights()).toEqual(a.weights());
    const c = new HedgeWeights(['x', 'y', 'new'], config);
    c.restore(saved);
    expect(c.weight('new')).toBeCloseTo((a.snapshot(0)[0]!.weight + a.snapshot(0)[1]!.weight) / 2 / (1 + 0.5), 1);
    expect(Object.values(c.weights()).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
  });

  it('keeps weights a probability vector whatever the losses', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { maxLength: 200 }), (rounds) => {
      const hedge = new HedgeWeights(['a', 'b', 'c'], config);
      for (const [la, lb, cSpeaks] of rounds) hedge.update(new Map([['a', la], ['b', lb], ...(cSpeaks ? [['c', 0.5] as [string, number]] : [])]), 0);
      const w = Object.values(hedge.weights());
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
      for (const x of w) expect(x).toBeGreaterThan(0);
    }));
  });

  it('scores a direction against a move: 0 right, 1 wrong, ½ for no move or no view', () => {
    expect(directionLoss(1, 0.02)).toBe(0);
    expect(directionLoss(-1, 0.02)).toBe(1);
    expect(directionLoss(0.5, -0.01)).toBe(0.75);
    expect(directionLoss(1, 0)).toBe(0.5);
  });
});
