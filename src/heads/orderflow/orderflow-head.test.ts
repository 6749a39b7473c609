import { describe, expect, it } from 'vitest';
import type { OrderBookSnapshot } from '../../model/market.js';
import { replayHeads } from '../replay.js';
import { barsFromCloses, randomWalk } from '../test-bars.js';
import { orderFlowHead } from './orderflow-head.js';

const closes = randomWalk(120, 9, 0, 0.004);
const table = barsFromCloses(closes);

describe('the order-flow head', () => {
  it('uses book imbalance when a fresh book is there, and says so', () => {
    const bidHeavy = (i: number): OrderBookSnapshot => ({ symbol: table.symbol, time: table.time[i]! + 3_600_000, bids: [[closes[i]! - 0.01, 90], [closes[i]! - 0.02, 60]], asks: [[closes[i]! + 0.01, 5], [closes[i]! + 0.02, 5]] });
    const without = replayHeads([orderFlowHead({ minScore: 0 })], table);
    const withBook = replayHeads([orderFlowHead({ minScore: 0 })], table, { bookAt: bidHeavy });
    let compared = 0;
    for (let i = 0; i < table.length; i++) {
      const a = without[i]!.evaluations[0]?.signal;
      const b = withBook[i]!.evaluations[0]?.signal;
      if (!a || !b) continue;
      compared++;
      expect(b.inputs.bookImbalance).toBeCloseTo((150 - 10) / 160, 9);
      expect(b.reason).toContain('book imbalance +0.88');
      expect(a.reason).toContain('no book');
      // 0.3 of the score now comes from a strongly bid book.
      expect(b.direction).toBeGreaterThan(a.direction - 0.2);
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('ignores a stale book', () => {
    const stale = (i: number): OrderBookSnapshot => ({ symbol: table.symbol, time: table.time[i]! - 10 * 3_600_000, bids: [[1, 100]], asks: [[2, 1]] });
    const rows = replayHeads([orderFlowHead({ minScore: 0 })], table, { bookAt: stale });
    const signals = rows.map((r) => r.evaluations[0]?.signal).filter((s) => s !== undefined);
    expect(signals.length).toBeGreaterThan(0);
    for (const s of signals) expect(s.inputs.bookImbalance).toBeNull();
  });

  it('reads a volume spike on a green bar as buying pressure', () => {
    const flat = Array.from({ length: 60 }, (_, i) => 100 + (i % 2 === 0 ? 0.1 : -0.1));
    flat.push(101.5);
    const volumes = flat.map((_, i) => (i === flat.length - 1 ? 20_000 : 1000 + (i % 3) * 50));
    const rows = replayHeads([orderFlowHead()], barsFromCloses(flat, { volumes }));
    const last = rows[rows.length - 1]!.evaluations[0]!;
    expect(last.status).toBe('ok');
    expect(last.signal!.direction).toBeGreaterThan(0);
    expect(last.signal!.inputs.anomaly).toBeGreaterThan(0.5);
    expect(last.signal!.reason).toContain('volume spike');
  });
});
