import { describe, expect, it } from 'vitest';
import { replayHeads } from '../replay.js';
import { barsFromCloses, randomWalk } from '../test-bars.js';
import { classificationMetrics, fitLogistic, predictProbability, trainDirectionModel, trainOnRows, type LabelledRowSource } from './logistic.js';
import { mlHead } from './ml-head.js';

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

describe('logistic regression', () => {
  it('recovers the weights of the model that generated the data', () => {
    const r = rng(1);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = r() * 4 - 2;
      const b = r() * 4 - 2;
      x.push([a, b]);
      y.push(r() < 1 / (1 + Math.exp(-(0.3 + 1.5 * a - 2 * b))) ? 1 : 0);
    }
    const fit = fitLogistic(x, y, 0);
    expect(fit.bias).toBeCloseTo(0.3, 1);
    expect(fit.weights[0]).toBeCloseTo(1.5, 1);
    expect(fit.weights[1]).toBeCloseTo(-2, 1);
  });

  it('computes AUC, accuracy and log loss as defined', () => {
    // scikit-learn's roc_auc_score example: 0.75.
    const m = classificationMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(m.auc).toBeCloseTo(0.75, 12);
    expect(m.accuracy).toBe(0.75);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, 12);
    expect(m.baseRate).toBe(0.5);
    expect(classificationMetrics([0.5, 0.5], [1, 1]).auc).toBeNaN();
  });
});

function rowsOf(closes: readonly number[], start = 0): LabelledRowSource[] {
  return closes.map((close, i) => ({ time: start + i * 3_600_000, x: [i > 0 ? close / closes[i - 1]! - 1 : Number.NaN, (i % 24) / 24], close }));
}

describe('training without leakage', () => {
  const closes = randomWalk(1200, 4, 0, 0.01);

  it('splits by time, purges training rows whose label reaches into validation, and standardises on training rows only', () => {
    const result = trainOnRows([rowsOf(closes)], ['ret', 'hour'], '1h', { horizonBars: 5, validationFraction: 0.25 });
    const { split } = result;
    expect(split.trainEnd).toBeLessThan(split.validationStart);
    // The last training row's label (5 bars on) is known before validation starts.
    expect(split.trainEnd + 5 * 3_600_000).toBeLessThan(split.validationStart);
    expect(split.purgedRows).toBe(5);
    expect(split.trainRows + split.purgedRows + split.validationRows).toBe(1200 - 5 - 1);
    const train = rowsOf(closes).slice(1, 1 + split.trainRows);
    const meanRet = train.reduce((a, r) => a + (r.x as number[])[0]!, 0) / train.length;
    expect(result.model.mean[0]).toBeCloseTo(meanRet, 12);
  });

  it('a different future (validation period) leaves the trained model unchanged', () => {
    const a = trainOnRows([rowsOf(closes)], ['ret', 'hour'], '1h', { horizonBars: 5 });
    const cut = a.split.validationStart;
    const other = rowsOf(closes).map((r) => (r.time >= cut ? { ...r, close: r.close * 3, x: [0.5, 0.5] } : r));
    const b = trainOnRows([other], ['ret', 'hour'], '1h', { horizonBars: 5 });
    expect(b.model).toEqual(a.model);
    expect(b.validation).not.toEqual(a.validation);
  });

  it('finds a real pattern: returns that continue', () => {
    // Momentum: each bar's return carries 60% of the previous one.
    const r = rng(2);
    const series = [100];
    let ret = 0;
    for (let i = 1; i < 3000; i++) {
      ret = 0.6 * ret + 0.01 * (r() - 0.5);
      series.push(series[i - 1]! * (1 + ret));
    }
    const trained = trainDirectionModel(barsFromCloses(series), { features: ['ret_1', 'ret_2'], horizonBars: 1 });
    expect(trained.validation.accuracy).toBeGreaterThan(0.65);
    expect(trained.validation.auc).toBeGreaterThan(0.7);
    expect(trained.model.weights[0]).toBeGreaterThan(0);
    expect(predictProbability(trained.model, [Number.NaN, 0])).toBeNaN();
  });

  it('refuses to train on too little data', () => {
    expect(() => trainOnRows([rowsOf(closes.slice(0, 50))], ['ret', 'hour'], '1h')).toThrow(/usable training rows, fewer than the 100 needed/);
  });
});

describe('the ML head, walk-forward', () => {
  it('stays silent until it is fitted, then speaks with P(up) as its confidence', () => {
    const table = barsFromCloses(randomWalk(600, 5, 0.0005, 0.01));
    const head = mlHead({ train: { horizonBars: 4, minRows: 50 } });
    let fitted: unknown;
    const rows = replayHeads([{ ...head, id: head.id, kind: head.kind, requires: head.requires, evaluate: (ctx) => {
      if (ctx.barsSeen === 400) fitted = head.fit(ctx.time);
      return head.evaluate(ctx);
    } }], table);
    expect(rows.slice(0, 399).every((r) => r.evaluations.length === 0 || r.evaluations[0]!.status === 'abstained')).toBe(true);
    expect(fitted).toMatchObject({ head: 'ml', fitted: true, detail: { validationRows: expect.any(Number) } });
    const after = rows.slice(400).map((r) => r.evaluations[0]!.signal).filter((s) => s !== undefined);
    expect(after.length).toBeGreaterThan(50);
    for (const s of after) {
      const p = s.inputs.probabilityUp as number;
      expect(s.direction).toBe(p > 0.5 ? 1 : -1);
      expect(s.confidence).toBeCloseTo(Math.max(p, 1 - p), 5);
    }
  });

  it('reports an unfitted head when there is too little to train on, and stays silent', () => {
    const head = mlHead({ train: { minRows: 1000 } });
    expect(head.fit(0)).toMatchObject({ fitted: false, detail: { reason: expect.stringMatching(/fewer than the 1000 needed/) } });
    expect(head.trained).toBe(false);
  });
});
