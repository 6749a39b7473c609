import { describe, expect, it } from 'vitest';
import { fractionalKelly, kelly, winLossStats } from './kelly.js';

describe('kelly', () => {
  it('is (p·b − q)/b', () => {
    expect(kelly(0.6, 1)).toBeCloseTo(0.2, 15);
    expect(kelly(0.5, 2)).toBeCloseTo(0.25, 15);
    expect(kelly(0.4, 1)).toBeCloseTo(-0.2, 15);
    expect(kelly(1, 3)).toBe(1);
    expect(kelly(0.7, Infinity)).toBe(0.7);
  });

  it('is NaN for p outside [0, 1] or b ≤ 0', () => {
    expect(kelly(1.1, 1)).toBeNaN();
    expect(kelly(-0.1, 1)).toBeNaN();
    expect(kelly(0.6, 0)).toBeNaN();
    expect(kelly(0.6, -1)).toBeNaN();
    expect(kelly(Number.NaN, 1)).toBeNaN();
  });
});

describe('fractionalKelly', () => {
  it('bets a quarter of full Kelly by default', () => {
    const r = fractionalKelly({ p: 0.6, b: 1 });
    expect(r.fraction).toBeCloseTo(0.05, 15);
    expect(r.fullKelly).toBeCloseTo(0.2, 15);
    expect(r.capped).toBe(false);
  });

  it('gives 0 when p = 0', () => {
    expect(fractionalKelly({ p: 0, b: 5 }).fraction).toBe(0);
  });

  it('gives 0 when b = 0', () => {
    const r = fractionalKelly({ p: 0.9, b: 0 });
    expect(r.fraction).toBe(0);
    expect(r.reason).toContain('b = 0');
  });

  it('gives 0, never a negative bet, when the edge is negative', () => {
    const r = fractionalKelly({ p: 0.4, b: 1 });
    expect(r.fraction).toBe(0);
    expect(r.fullKelly).toBeCloseTo(-0.2, 15);
    expect(r.reason).toContain('no edge');
  });

  it('gives 0 at exactly zero edge (p = 0.5, b = 1)', () => {
    expect(fractionalKelly({ p: 0.5, b: 1 }).fraction).toBe(0);
  });

  it('caps at 20% of equity by default, and at a given cap', () => {
    const r = fractionalKelly({ p: 0.99, b: 10, fraction: 1 });
    expect(r.fraction).toBe(0.2);
    expect(r.capped).toBe(true);
    expect(fractionalKelly({ p: 0.99, b: 10, fraction: 1, cap: 0.5 }).fraction).toBe(0.5);
    expect(fractionalKelly({ p: 1, b: 1 }).fraction).toBe(0.2);
  });

  it('uses the given share of Kelly', () => {
    expect(fractionalKelly({ p: 0.6, b: 1, fraction: 0.5 }).fraction).toBeCloseTo(0.1, 15);
  });

  it('gives 0 for a share or cap that is not positive', () => {
    expect(fractionalKelly({ p: 0.9, b: 2, fraction: 0 }).fraction).toBe(0);
    expect(fractionalKelly({ p: 0.9, b: 2, cap: -1 }).fraction).toBe(0);
  });
});

describe('winLossStats', () => {
  it('computes the realised win rate and payoff ratio', () => {
    const s = winLossStats([{ pnl: 30 }, { pnl: -10 }, { pnl: 10 }, { pnl: -20 }, { pnl: 0 }]);
    expect(s).toEqual({ trades: 5, winRate: 0.4, averageWin: 20, averageLoss: 15, winLossRatio: 20 / 15 });
    expect(fractionalKelly({ p: s.winRate, b: s.winLossRatio }).fraction).toBe(0);
  });

  it('is NaN without trades or without a loss to compare with', () => {
    expect(winLossStats([]).winRate).toBeNaN();
    expect(winLossStats([{ pnl: 5 }]).winLossRatio).toBeNaN();
  });
});
