import { describe, expect, it } from 'vitest';
import { replayHeads } from '../replay.js';
import { barsFromCloses, randomWalk } from '../test-bars.js';
import { technicalHead } from './technical-head.js';

function sides(closes: number[]): { long: number; short: number } {
  const rows = replayHeads([technicalHead()], barsFromCloses(closes));
  let long = 0;
  let short = 0;
  for (const r of rows) {
    const s = r.evaluations[0]?.signal;
    if (s && s.direction > 0) long++;
    if (s && s.direction < 0) short++;
  }
  return { long, short };
}

describe('the technical head', () => {
  it('leans long in a steady uptrend and short in a steady downtrend', () => {
    const up = sides(randomWalk(400, 1, 0.004, 0.006));
    const down = sides(randomWalk(400, 1, -0.004, 0.006));
    expect(up.long).toBeGreaterThan(3 * up.short);
    expect(down.short).toBeGreaterThan(3 * down.long);
  });

  it('reports the indicator values and components it used, and a bounded raw confidence', () => {
    const rows = replayHeads([technicalHead()], barsFromCloses(randomWalk(300, 2, 0.002, 0.01)));
    const signals = rows.map((r) => r.evaluations[0]?.signal).filter((s) => s !== undefined);
    expect(signals.length).toBeGreaterThan(20);
    for (const s of signals) {
      expect(Object.keys(s.inputs)).toEqual(expect.arrayContaining(['emaFast', 'emaSlow', 'rsi', 'adx', 'macdHistogram', 'percentB', 'atr', 'trend', 'momentum', 'reversion', 'regime']));
      expect(s.confidence).toBeGreaterThanOrEqual(0.5);
      expect(s.confidence).toBeLessThanOrEqual(0.95);
      expect(Math.abs(s.direction)).toBeGreaterThanOrEqual(0.15);
      expect(s.reason).toMatch(/trend .* momentum .* mean reversion .* ADX/);
    }
  });

  it('rejects a fast period that is not below the slow one', () => {
    expect(() => technicalHead({ fastPeriod: 50, slowPeriod: 20 })).toThrow('heads.technical.fastPeriod: fastPeriod must be below slowPeriod');
  });
});
