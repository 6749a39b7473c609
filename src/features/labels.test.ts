import { describe, expect, it } from 'vitest';
import { ewmVolatility, fixedHorizonLabels, forwardReturns, purgedTrainingMask, tripleBarrierLabels } from './labels.js';

/** Bars from [open, high, low, close] rows, one minute apart. */
function path(rows: readonly (readonly [number, number, number, number])[]) {
  return {
    time: Float64Array.from(rows, (_, i) => 1_000 + i * 60_000),
    open: Float64Array.from(rows, (r) => r[0]),
    high: Float64Array.from(rows, (r) => r[1]),
    low: Float64Array.from(rows, (r) => r[2]),
    close: Float64Array.from(rows, (r) => r[3]),
  };
}

describe('forward returns and fixed-horizon classes', () => {
  it('forward returns look horizon bars ahead; the last rows have none', () => {
    const r = forwardReturns(Float64Array.from([100, 110, 99, 120]), 2);
    expect(r[0]).toBeCloseTo(-0.01, 15);
    expect(r[1]).toBeCloseTo(120 / 110 - 1, 15);
    expect([r[2], r[3]]).toEqual([NaN, NaN]);
    expect(forwardReturns(Float64Array.from([1, Math.E]), 1, { log: true })[0]).toBeCloseTo(1, 15);
  });

  it('classes by thresholds, with the end index purging needs', () => {
    const close = Float64Array.from([100, 103, 100.5, 99, 100]);
    const { label, endIndex } = fixedHorizonLabels(close, { horizon: 1, upper: 0.02, lower: 0.01 });
    // +3% > 2% → 1; −2.43% < −1% → −1; −1.49% < −1% → −1; +1.01% inside → 0; last: unknown.
    expect(Array.from(label)).toEqual([1, -1, -1, 0, NaN]);
    expect(Array.from(endIndex)).toEqual([1, 2, 3, 4, -1]);
  });

  it('takes per-row thresholds (e.g. volatility-scaled) and leaves rows with a NaN threshold unlabelled', () => {
    const close = Float64Array.from([100, 101, 102, 103]);
    const upper = Float64Array.from([0.005, 0.02, NaN, 0]);
    const { label } = fixedHorizonLabels(close, { horizon: 1, upper });
    expect(Array.from(label)).toEqual([1, 0, NaN, NaN]);
  });

  it('rejects bad options naming the key', () => {
    expect(() => fixedHorizonLabels(new Float64Array(3), { horizon: 0, upper: 0.01 })).toThrow('horizon: must be an integer >= 1');
    expect(() => fixedHorizonLabels(new Float64Array(3), { horizon: 1, upper: -1 })).toThrow('upper: must be a finite number >= 0');
    expect(() => fixedHorizonLabels(new Float64Array(3), { horizon: 1, upper: new Float64Array(2) })).toThrow('upper: has 2 values for 3 rows');
  });
});

describe('triple-barrier labels', () => {
  // Entry close 100; barriers at ±2% (profitTake = stopLoss = 2, target 1%): 102 and 98.
  const options = { horizon: 4, profitTake: 2, stopLoss: 2, target: 0.01 } as const;

  it('the profit-take barrier hit first wins', () => {
    const bars = path([[100, 100, 100, 100], [100, 101, 99, 100.5], [100.5, 102.5, 100, 102], [102, 102, 97, 97]]);
    const l = tripleBarrierLabels(bars, { ...options, events: [0] });
    expect(l.label[0]).toBe(1);
    expect(l.barrier[0]).toBe(1);
    expect(l.ret[0]).toBeCloseTo(0.02, 15); // exit at the barrier price
    expect(l.endIndex[0]).toBe(2);
    expect(l.startTime[0]).toBe(bars.time[0]);
    expect(l.endTime[0]).toBe(bars.time[2]);
  });

  it('the stop barrier hit first wins even if the profit level is reached later', () => {
    const bars = path([[100, 100, 100, 100], [100, 100.5, 97.5, 98.5], [98.5, 103, 98.5, 103]]);
    const l = tripleBarrierLabels(bars, { ...options, events: [0] });
    expect([l.label[0], l.barrier[0], l.endIndex[0]]).toEqual([-1, -1, 1]);
    expect(l.ret[0]).toBeCloseTo(-0.02, 15);
  });

  it('the time barrier ends an event that touches neither: label 0, or the sign of the return', () => {
    const bars = path([[100, 100, 100, 100], [100, 101, 99, 100.5], [100.5, 101.5, 99.5, 101], [101, 101.5, 100, 100.2], [100.2, 101, 99, 100.8], [100.8, 101, 100, 100.9]]);
    const zero = tripleBarrierLabels(bars, { ...options, events: [0] });
    expect([zero.label[0], zero.barrier[0], zero.endIndex[0]]).toEqual([0, 0, 4]);
    expect(zero.ret[0]).toBeCloseTo(0.008, 15);
    expect(tripleBarrierLabels(bars, { ...options, events: [0], verticalLabel: 'sign' }).label[0]).toBe(1);
  });

  it('a bar touching both barriers counts as a stop by default, as a profit with tieBreak "profit"', () => {
    const bars = path([[100, 100, 100, 100], [100, 103, 97, 100]]);
    expect(tripleBarrierLabels(bars, { ...options, events: [0] }).label[0]).toBe(-1);
    expect(tripleBarrierLabels(bars, { ...options, events: [0], tieBreak: 'profit' }).label[0]).toBe(1);
  });

  it('a bar opening beyond a barrier exits at its open', () => {
    const bars = path([[100, 100, 100, 100], [95, 96, 94, 95.5]]);
    const l = tripleBarrierLabels(bars, { ...options, events: [0] });
    expect(l.label[0]).toBe(-1);
    expect(l.ret[0]).toBeCloseTo(-0.05, 15);
  });

  it('with closes only, intrabar touches do not count', () => {
    const bars = path([[100, 100, 100, 100], [100, 103, 97, 100], [100, 101, 99, 102.5]]);
    const l = tripleBarrierLabels(bars, { ...options, events: [0], prices: 'close' });
    expect([l.label[0], l.endIndex[0]]).toEqual([1, 2]);
    expect(l.ret[0]).toBeCloseTo(0.025, 15);
  });

  it('a short position profits from the lower barrier', () => {
    const bars = path([[100, 100, 100, 100], [100, 100.5, 97.5, 98]]);
    const l = tripleBarrierLabels(bars, { ...options, events: [0], side: -1 });
    expect(l.label[0]).toBe(1);
    expect(l.ret[0]).toBeCloseTo(0.02, 15);
  });

  it('a zero multiplier removes that barrier', () => {
    const bars = path([[100, 100, 100, 100], [100, 100, 90, 91], [91, 104, 91, 103]]);
    const l = tripleBarrierLabels(bars, { ...options, stopLoss: 0, events: [0] });
    expect([l.label[0], l.endIndex[0]]).toEqual([1, 2]);
  });

  it('leaves an event undecided when the data ends before any barrier', () => {
    const bars = path([[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 99, 100]]);
    const l = tripleBarrierLabels(bars, options);
    expect(Array.from(l.label)).toEqual([NaN, NaN, NaN]);
    expect(Array.from(l.endIndex)).toEqual([-1, -1, -1]);
    expect(Array.from(l.index)).toEqual([0, 1, 2]);
  });

  it('rejects events that are not increasing row indices', () => {
    const bars = path([[100, 100, 100, 100], [100, 101, 99, 100]]);
    expect(() => tripleBarrierLabels(bars, { ...options, events: [1, 1] })).toThrow('events: event 1 is 1');
    expect(() => tripleBarrierLabels(bars, { ...options, events: [5] })).toThrow('events');
    expect(() => tripleBarrierLabels(bars, { ...options, profitTake: -1 })).toThrow('profitTake: must be a finite number >= 0');
  });
});

describe('purging and volatility', () => {
  it('purges training rows whose label span overlaps the test spans, then embargoes rows after them', () => {
    // Each row looks 2 bars ahead.
    const endIndex = Int32Array.from({ length: 12 }, (_, i) => (i + 2 < 12 ? i + 2 : -1));
    const mask = purgedTrainingMask(endIndex, 5, 6, 1);
    // Test rows 5–6 span bars 5–8. Rows 3–4 end at 5–6 (overlap), rows 7–8 start inside; row 9 is embargoed.
    expect(Array.from(mask)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const noEmbargo = purgedTrainingMask(endIndex, 5, 6);
    expect(noEmbargo[9]).toBe(1);
    expect(noEmbargo[10]).toBe(0); // no label
    expect(() => purgedTrainingMask(endIndex, 6, 5)).toThrow('test: test rows 6..5');
  });

  it('ewmVolatility is zero on constant returns and uses only past returns', () => {
    const close = Float64Array.from([100, 101, 102.01, 103.0301]);
    const v = ewmVolatility(close, 10);
    expect(v[0]).toBeNaN();
    expect(v[3]).toBeCloseTo(0, 12);
    const longer = ewmVolatility(Float64Array.from([...close, 50]), 10);
    expect(Array.from(longer.subarray(0, 4))).toEqual(Array.from(v));
  });
});
