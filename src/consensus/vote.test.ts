import { describe, expect, it } from 'vitest';
import { consensusConfigSchema, type ConsensusConfigInput } from './config.js';
import { combine, sizeScale, type Vote } from './vote.js';

const cfg = (c: ConsensusConfigInput = {}) => consensusConfigSchema.parse(c);

function vote(head: string, direction: number, confidence: number, weight = 0.25, status: Vote['status'] = 'ok'): Vote {
  return { head, status, direction: status === 'ok' ? direction : 0, confidence: status === 'ok' ? confidence : 0, rawConfidence: confidence, weight, horizonMs: 1, reason: '', inputs: {} };
}

describe('quorum (the seeds: 3 of 4, ≥ 0.70, full size at 0.85)', () => {
  it('decides long when 3 of 4 agree at ≥ 0.70; confidence is the weighted mean of those 3', () => {
    const r = combine([vote('a', 1, 0.8, 0.4), vote('b', 1, 0.7, 0.2), vote('c', 0.5, 0.9, 0.2), vote('d', -1, 0.95, 0.2)], cfg());
    expect(r.direction).toBe(1);
    expect(r.confidence).toBeCloseTo((0.4 * 0.8 + 0.2 * 0.7 + 0.2 * 0.9) / 0.8, 12);
    expect(r.score).toBeCloseTo((3 - 1) / 4, 12);
    expect(r.agreeing).toEqual(['a', 'b', 'c']);
    expect(r.against).toEqual(['d']);
    expect(r.sizeScale).toBeCloseTo(0.5 + (0.5 * (r.confidence - 0.7)) / 0.15, 12);
  });

  it('does not count a head below the minimum confidence', () => {
    const r = combine([vote('a', 1, 0.8), vote('b', 1, 0.69), vote('c', 1, 0.9), vote('d', 0, 0)], cfg());
    expect(r.direction).toBe(0);
    expect(r.explanation).toMatch(/no quorum: 2 long and 0 short of 4 heads/);
  });

  it('goes short symmetrically, and a faulted head still counts in n', () => {
    const r = combine([vote('a', -1, 0.75), vote('b', -1, 0.8), vote('c', -0.3, 0.72), vote('d', 0, 0, 0.25, 'faulted')], cfg());
    expect(r.direction).toBe(-1);
    expect(r.score).toBeCloseTo(-3 / 4, 12);
    expect(r.explanation).toContain('faulted (excluded): d');
    // With a faulted head, three of the remaining three must agree.
    const r2 = combine([vote('a', -1, 0.75), vote('b', -1, 0.8), vote('c', 1, 0.72), vote('d', 0, 0, 0.25, 'faulted')], cfg());
    expect(r2.direction).toBe(0);
  });

  it('needs more on one side than the other when k ≤ n/2', () => {
    expect(combine([vote('a', 1, 0.8), vote('b', 1, 0.8), vote('c', -1, 0.8), vote('d', -1, 0.8)], cfg({ quorum: 2 })).direction).toBe(0);
    expect(combine([vote('a', 1, 0.8), vote('b', 1, 0.8), vote('c', 1, 0.8), vote('d', -1, 0.8)], cfg({ quorum: 2 })).direction).toBe(1);
  });
});

describe('weighted (confidence × weight)', () => {
  it('scores Σ w·c·d / Σ w over the heads that are not faulted', () => {
    const votes = [vote('a', 1, 0.8, 0.5), vote('b', -1, 0.6, 0.3), vote('c', 0, 0, 0.2, 'abstained'), vote('d', 1, 0.9, 0.4, 'faulted')];
    const r = combine(votes, cfg({ mode: 'weighted', minConfidence: 0.6, minScore: 0.1 }));
    const score = (0.5 * 0.8 * 1 + 0.3 * 0.6 * -1) / (0.5 + 0.3 + 0.2);
    expect(r.score).toBeCloseTo(score, 12);
    expect(r.direction).toBe(1);
    expect(r.confidence).toBeCloseTo(0.8, 12);
    expect(r.agreeing).toEqual(['a']);
    expect(r.against).toEqual(['b']);
  });

  it('makes no decision inside ±minScore or below minConfidence', () => {
    expect(combine([vote('a', 1, 0.8, 0.5), vote('b', -1, 0.75, 0.5)], cfg({ mode: 'weighted' })).direction).toBe(0);
    const weak = combine([vote('a', 1, 0.6, 1)], cfg({ mode: 'weighted', minConfidence: 0.7, minScore: 0.1 }));
    expect(weak.direction).toBe(0);
    expect(weak.explanation).toMatch(/confidence 0\.600 is below 0\.70/);
  });

  it('moves with the weights: the heavier head wins a disagreement', () => {
    const votes = (wa: number) => [vote('a', 1, 0.8, wa), vote('b', -1, 0.8, 1 - wa)];
    expect(combine(votes(0.8), cfg({ mode: 'weighted', minScore: 0.2 })).direction).toBe(1);
    expect(combine(votes(0.2), cfg({ mode: 'weighted', minScore: 0.2 })).direction).toBe(-1);
  });
});

describe('unanimous', () => {
  it('needs every head that is not faulted on one side at ≥ minConfidence', () => {
    const c = cfg({ mode: 'unanimous' });
    expect(combine([vote('a', 1, 0.8), vote('b', 1, 0.75), vote('c', 0, 0, 0.25, 'faulted')], c)).toMatchObject({ direction: 1, score: 2 / 3 });
    expect(combine([vote('a', 1, 0.8), vote('b', 1, 0.75), vote('c', 0, 0, 0.25, 'abstained')], c).explanation).toMatch(/1 of 3 heads did not vote/);
    expect(combine([vote('a', 1, 0.8), vote('b', -1, 0.75)], c).explanation).toMatch(/heads disagree/);
    expect(combine([vote('a', 1, 0.8), vote('b', 1, 0.65)], c).explanation).toMatch(/below 0\.70: b 0\.65/);
    expect(combine([vote('a', 1, 0.8)], c).explanation).toMatch(/1 voters, 2 needed/);
  });
});

describe('size scale', () => {
  it('is ½ at the minimum, 1 at the target, linear between', () => {
    const c = { minConfidence: 0.7, targetConfidence: 0.85 };
    expect(sizeScale(0.7, c)).toBe(0.5);
    expect(sizeScale(0.775, c)).toBeCloseTo(0.75, 12);
    expect(sizeScale(0.85, c)).toBe(1);
    expect(sizeScale(0.99, c)).toBe(1);
  });

  it('the schema rejects a target below the minimum', () => {
    expect(() => consensusConfigSchema.parse({ minConfidence: 0.8, targetConfidence: 0.7 })).toThrow(/targetConfidence must be at least minConfidence/);
  });
});
