/**
 * The SimulatedExchange, one behaviour per test, on hand-made 3h bars (see test/kit/sim-harness:
 * each leg of the intrabar path open → first extreme → second extreme → close lasts one hour).
 * Every expected price and time below is computed by hand in the comment next to it.
 */
import { describe, expect, it } from 'vitest';
import { simHarness, type SimHarness } from '../../test/kit/sim-harness.js';

const MIN = 60_000;

/** Opens a long (or short) position of `quantity` at the next bar's open with a flat bar. */
function openPosition(h: SimHarness, quantity: number, price = 100): void {
  h.submit({ side: quantity > 0 ? 'buy' : 'sell', type: 'market', size: { base: Math.abs(quantity) } });
  h.bar(price, price, price, price);
}

describe('market orders', () => {
  it('fill at the next bar open when sent between bars', () => {
    const h = simHarness();
    h.bar(90, 95, 85, 92);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 2 } });
    expect(order.status).toBe('accepted');
    h.bar(100, 110, 95, 105);
    expect(h.fillsOf(order)).toMatchObject([{ price: 100, quantity: 2, time: h.time(1), liquidity: 'taker' }]);
    expect(order.status).toBe('filled');
  });

  it('fill at the last close with marketFills "close" (cheat-on-close)', () => {
    const h = simHarness({ sim: { marketFills: 'close' } });
    h.bar(90, 95, 85, 92);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    expect(h.fillsOf(order)).toMatchObject([{ price: 92 }]);
  });

  it('fill at once at the last close with marketFills "close", whatever the latency', () => {
    const h = simHarness({ sim: { marketFills: 'close', latencyMs: 30 * MIN } });
    h.bar(90, 95, 85, 92);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    expect(h.fillsOf(order)).toMatchObject([{ price: 92, time: h.time(1) }]);
  });
});

describe('latency', () => {
  // Bar (100, 110, 95, 105): the low is nearer the open, so the path is 100 → 95 → 110 → 105.
  it('fills a market order where the path is when it arrives: 30 min = half the first leg → 97.5', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    expect(order.status).toBe('submitted');
    h.bar(100, 110, 95, 105);
    expect(h.fillsOf(order)).toMatchObject([{ price: 97.5, time: h.at(1, 30) }]);
    expect(h.eventsOf(order).find((e) => e.kind === 'order.accepted')!.time).toBe(h.at(1, 30));
  });

  it('90 min lands half-way up the second leg: 95 + (110 − 95) / 2 = 102.5', () => {
    const h = simHarness({ sim: { latencyMs: 90 * MIN } });
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    h.bar(100, 110, 95, 105);
    expect(h.fillsOf(order)).toMatchObject([{ price: 102.5, time: h.at(1, 90) }]);
  });

  it('a latency longer than a bar carries the order into a later bar', () => {
    const h = simHarness({ sim: { latencyMs: 4 * 60 * MIN } });
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    h.bar(100, 110, 95, 105);
    expect(order.status).toBe('submitted');
    // Bar 2: 100 → 98 → 104 → 103; 60 min in is the end of the first leg: 98.
    h.bar(100, 104, 98, 103);
    expect(h.fillsOf(order)).toMatchObject([{ price: 98, time: h.at(2, 60) }]);
  });

  it('an order fills before its cancel arrives', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 } });
    h.bar(100, 101, 99, 100);
    h.cancel(order);
    // Bar 1 opens at 89, through the resting limit: it fills at the open, 30 min before the cancel lands.
    h.bar(89, 95, 88, 94);
    expect(order.status).toBe('filled');
    expect(h.fillsOf(order)).toMatchObject([{ price: 89, time: h.time(1) }]);
    expect(h.kinds(order)).not.toContain('canceled');
  });

  it('a cancel that arrives first wins', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 } });
    h.bar(100, 101, 99, 100);
    h.cancel(order, 'changed my mind');
    // Bar 1: 100 → 101 → 85 → 90 reaches 90 at s = 1 + 11/16, long after the cancel at s = 0.5.
    h.bar(100, 101, 85, 90);
    expect(order.status).toBe('canceled');
    expect(order.reason).toBe('changed my mind');
    expect(h.eventsOf(order).at(-1)!.time).toBe(h.at(1, 30));
  });

  it('a modification arrives late too: the old price can fill first', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    const order = h.submit({ side: 'buy', type: 'limit', price: 99, size: { base: 1 } });
    h.bar(100, 101, 99.5, 100);
    h.modify(order, { price: 90 });
    h.bar(98.5, 99, 85, 86);
    expect(h.fillsOf(order)).toMatchObject([{ price: 98.5, time: h.time(1) }]);
    expect(h.kinds(order)).not.toContain('updated');
  });

  it('a modification takes effect when it arrives', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    const order = h.submit({ side: 'buy', type: 'limit', price: 80, size: { base: 1 } });
    h.bar(100, 101, 99, 100);
    h.modify(order, { price: 95 });
    // 100 → 101 → 85 → 90: 95 is reached at s = 1 + 6/16 = 1.375, after the change landed at s = 0.5.
    h.bar(100, 101, 85, 90);
    const updated = h.eventsOf(order).find((e) => e.kind === 'order.updated')!;
    expect(updated.time).toBe(h.at(1, 30));
    expect(h.fillsOf(order)).toMatchObject([{ price: 95, time: h.at(1, 82.5) }]);
  });
});

/** Sends a buy stop at `trigger` and returns the minutes into the bar at which it filled. */
function buyStopMinutes(path: 'nearest' | 'high-first' | 'low-first' | 'candle-color', trigger: number, bar: readonly [number, number, number, number]): number {
  const h = simHarness({ sim: { path } });
  const order = h.submit({ side: 'buy', type: 'stop-market', triggerPrice: trigger, size: { base: 1 } });
  h.bar(...bar);
  const fill = h.fillsOf(order)[0]!;
  expect(fill.price).toBe(trigger);
  return (fill.time - h.time(0)) / MIN;
}

describe('intrabar path', () => {
  // A buy stop at 105 in a bar 100 / 110 / 90: high first → s = 0.5 (30 min); low first → s = 1 + 15/20 (105 min).
  it('nearest: the extreme nearer the open comes first', () => {
    expect(buyStopMinutes('nearest', 102, [100, 104, 90, 100])).toBe(30);
    expect(buyStopMinutes('nearest', 102, [100, 110, 98, 100])).toBeCloseTo(80, 9); // 100 → 98 → 110: s = 1 + 4/12
  });

  it('nearest: a tie goes low first', () => {
    expect(buyStopMinutes('nearest', 105, [100, 110, 90, 100])).toBe(105);
  });

  it('high-first and low-first ignore where the open is', () => {
    expect(buyStopMinutes('high-first', 105, [100, 110, 98, 100])).toBe(30);
    expect(buyStopMinutes('low-first', 102, [100, 104, 90, 100])).toBeCloseTo(60 + (12 / 14) * 60, 6);
  });

  it('candle-color: red goes high first, green low first, a doji falls back to nearest', () => {
    expect(buyStopMinutes('candle-color', 105, [100, 110, 90, 95])).toBe(30);
    expect(buyStopMinutes('candle-color', 105, [100, 110, 90, 105])).toBe(105);
    expect(buyStopMinutes('candle-color', 102, [100, 104, 90, 100])).toBe(30);
  });

  describe('freqtrade', () => {
    // Green bar 100 / 110 / 90 / 105 with a long open: high first → a take-profit at 108 at s = 0.8 (48 min);
    // low first → s = 1 + 18/20 (114 min).
    it('without a position follows the candle colour', () => {
      expect(
        (() => {
          const h = simHarness({ sim: { path: 'freqtrade' } });
          const order = h.submit({ side: 'buy', type: 'stop-market', triggerPrice: 105, size: { base: 1 } });
          h.bar(100, 110, 90, 105);
          return (h.fillsOf(order)[0]!.time - h.time(0)) / MIN;
        })(),
      ).toBe(105);
    });

    it('with a long and no stop in reach goes to the favourable extreme first', () => {
      const h = simHarness({ sim: { path: 'freqtrade' } });
      openPosition(h, 1);
      const tp = h.submit({ side: 'sell', type: 'limit', price: 108, size: { base: 1 }, reduceOnly: true });
      h.bar(100, 110, 90, 105);
      expect(h.fillsOf(tp)).toMatchObject([{ price: 108, time: h.at(1, 48) }]);
    });

    it('with a long whose stop is in reach goes to the adverse extreme first', () => {
      const h = simHarness({ sim: { path: 'freqtrade' } });
      openPosition(h, 1);
      const tp = h.submit({ side: 'sell', type: 'limit', price: 108, size: { base: 1 }, reduceOnly: true });
      const sl = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 }, reduceOnly: true });
      h.bar(100, 110, 90, 105);
      expect(h.fillsOf(sl)).toMatchObject([{ price: 95, time: h.at(1, 30) }]);
      expect(tp.status).toBe('canceled');
    });
  });
});

describe('limit orders', () => {
  const fees = [{ symbol: 'X', makerFee: 0.001, takerFee: 0.002 }];

  it('fill at the limit as a maker when the path crosses it', () => {
    const h = simHarness({ instruments: fees });
    const order = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 2 } });
    // 100 → 101 → 90 → 92: 95 at s = 1 + 6/11.
    h.bar(100, 101, 90, 92);
    const fill = h.fillsOf(order)[0]!;
    expect(fill).toMatchObject({ price: 95, liquidity: 'maker' });
    expect(fill.fee).toBeCloseTo(95 * 2 * 0.001, 12);
    expect(fill.time).toBeCloseTo(h.at(0, 60 + (6 / 11) * 60), 0);
  });

  it('a sell limit fills at the limit as the path rises through it', () => {
    const h = simHarness({ instruments: fees });
    openPosition(h, 1);
    const order = h.submit({ side: 'sell', type: 'limit', price: 105, size: { base: 1 } });
    h.bar(100, 110, 99, 108);
    expect(h.fillsOf(order)).toMatchObject([{ price: 105, liquidity: 'maker' }]);
  });

  it('fill at the better open, as a taker, when the market opens through them on arrival', () => {
    const h = simHarness({ instruments: fees });
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 2 } });
    h.bar(93, 96, 90, 94);
    const fill = h.fillsOf(order)[0]!;
    expect(fill).toMatchObject({ price: 93, liquidity: 'taker' });
    expect(fill.fee).toBeCloseTo(93 * 2 * 0.002, 12);
  });

  it('a limit that rested through a bar fills at a gapped open as a maker', () => {
    const h = simHarness({ instruments: fees });
    const order = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 1 } });
    h.bar(100, 101, 99, 100);
    h.bar(93, 96, 90, 94);
    expect(h.fillsOf(order)).toMatchObject([{ price: 93, liquidity: 'maker' }]);
  });

  it("gapFills 'level' fills a gapped limit at its own price, clamped to the bar", () => {
    const h = simHarness({ sim: { gapFills: 'level' } });
    const a = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 1 } });
    h.bar(100, 101, 99, 100);
    h.bar(93, 96, 90, 94);
    expect(h.fillsOf(a)).toMatchObject([{ price: 95 }]);
    const b = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 1 } });
    h.bar(93, 94, 90, 92);
    expect(h.fillsOf(b)).toMatchObject([{ price: 94 }]);
  });

  it('never fill when the path does not reach them', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 1 } });
    h.bars([[100, 101, 95.01, 100], [100, 102, 96, 101]]);
    expect(h.fillsOf(order)).toEqual([]);
    expect(order.status).toBe('accepted');
  });
});

describe('stop-market orders', () => {
  it('fill at the stop when the path reaches it', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', makerFee: 0.001, takerFee: 0.002 }] });
    openPosition(h, 1);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 } });
    h.bar(100, 101, 90, 92);
    expect(h.fillsOf(stop)).toMatchObject([{ price: 95, liquidity: 'taker', fee: 95 * 0.002 }]);
  });

  it('a stop gapped through fills at the open, not at the stop', () => {
    const h = simHarness();
    openPosition(h, 1);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 } });
    h.bar(92, 93, 88, 90);
    expect(h.fillsOf(stop)).toMatchObject([{ price: 92, time: h.time(1) }]);
  });

  it('a buy stop gapped through fills at the (worse) higher open', () => {
    const h = simHarness();
    openPosition(h, -1);
    const stop = h.submit({ side: 'buy', type: 'stop-market', triggerPrice: 105, size: { base: 1 } });
    h.bar(108, 109, 107, 108);
    expect(h.fillsOf(stop)).toMatchObject([{ price: 108 }]);
  });

  it("gapFills 'level' fills at the stop when the bar's range contains it", () => {
    const h = simHarness({ sim: { gapFills: 'level' } });
    openPosition(h, 2);
    const inRange = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 } });
    h.bar(92, 96, 88, 90);
    expect(h.fillsOf(inRange)).toMatchObject([{ price: 95 }]);
    const outOfRange = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 } });
    h.bar(89, 90, 85, 86);
    expect(h.fillsOf(outOfRange)).toMatchObject([{ price: 89 }]);
  });
});

describe('stop-limit orders', () => {
  it('trigger and fill at the stop when the limit is marketable there', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'stop-limit', triggerPrice: 105, price: 106, size: { base: 1 } });
    h.bar(100, 110, 99, 108);
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'accepted', 'triggered', 'filled']);
    expect(h.fillsOf(order)).toMatchObject([{ price: 105, liquidity: 'taker' }]);
  });

  it('rest as a limit when triggered beyond the limit, then fill at the limit as a maker', () => {
    const h = simHarness({ instruments: [{ symbol: 'X', makerFee: 0.001, takerFee: 0.002 }] });
    const order = h.submit({ side: 'buy', type: 'stop-limit', triggerPrice: 105, price: 106, size: { base: 1 } });
    // Opens at 108 (stop reached at the open, limit not marketable), path 108 → 109 → 104: 106 at s = 1.6.
    h.bar(108, 109, 104, 107);
    const triggered = h.eventsOf(order).find((e) => e.kind === 'order.triggered')!;
    expect(triggered).toMatchObject({ time: h.time(0), status: 'triggered' });
    expect(h.fillsOf(order)).toMatchObject([{ price: 106, liquidity: 'maker', time: h.at(0, 96) }]);
  });

  it('stay triggered without filling while the limit is out of reach', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'stop-limit', triggerPrice: 105, price: 106, size: { base: 1 } });
    h.bar(108, 110, 107, 109);
    expect(order.status).toBe('triggered');
    expect(h.fills).toEqual([]);
    // 107.5 → 108 → 105 → 106: the limit at s = 1 + 2/3.
    h.bar(107.5, 108, 105, 106);
    expect(h.fillsOf(order)).toMatchObject([{ price: 106, time: h.at(1, 100) }]);
    expect(h.kinds(order).filter((k) => k === 'triggered')).toHaveLength(1);
  });
});

describe('trailing stops', () => {
  it('ratchet along the path and fill where the path comes back to them', () => {
    const h = simHarness();
    openPosition(h, 1);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, trailing: { offset: 0.1 } });
    // 100 → 99 → 120 → 119: best 120, stop 108.
    h.bar(100, 120, 99, 119);
    expect(stop.triggerPrice).toBeCloseTo(108, 9);
    expect(h.kinds(stop)).toContain('updated');
    // 115 → 116 → 105: 108 at s = 1 + 8/11.
    h.bar(115, 116, 105, 106);
    const fill = h.fillsOf(stop)[0]!;
    expect(fill.price).toBeCloseTo(108, 9);
    expect(fill.time).toBeCloseTo(h.at(2, 60 + (8 / 11) * 60), 0);
  });

  it('follow a gap up at the open before the first leg falls', () => {
    const h = simHarness({ sim: { path: 'low-first' } });
    openPosition(h, 1);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, trailing: { offset: 0.1 } });
    // Opens at 110 (best → stop 99), then 110 → 98: crosses 99 at s = 11/12 (55 min).
    h.bar(110, 110, 98, 99);
    const fill = h.fillsOf(stop)[0]!;
    expect(fill.price).toBeCloseTo(99, 9);
    expect(fill.time).toBeCloseTo(h.at(1, 55), 0);
  });

  it('never move back when the price falls', () => {
    const h = simHarness();
    openPosition(h, 1);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, trailing: { offset: 0.1 } });
    h.bar(100, 120, 99, 119);
    const levels = [stop.triggerPrice];
    for (const [o, hi, lo, c] of [[118, 119, 109, 110], [110, 111, 108.5, 109], [109, 115, 108.2, 114]]) {
      h.bar(o!, hi!, lo!, c!);
      levels.push(stop.triggerPrice);
    }
    expect(levels.every((l) => Math.abs(l! - 108) < 1e-9)).toBe(true);
    expect(stop.status).toBe('accepted');
  });

  it('rest at their trigger until the activation price is reached', () => {
    const h = simHarness();
    openPosition(h, 1);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, trailing: { offset: 0.1, activationPrice: 125 } });
    h.bar(100, 120, 99, 119);
    expect(stop.triggerPrice).toBe(90);
    expect(h.kinds(stop)).not.toContain('updated');
    // 119 → 118 → 130 → 129: active at 125, best 130 → 117.
    h.bar(119, 130, 118, 129);
    expect(stop.triggerPrice).toBeCloseTo(117, 9);
  });

  it('a short trailing buy stop follows the lows', () => {
    const h = simHarness();
    openPosition(h, -1);
    const stop = h.submit({ side: 'buy', type: 'stop-market', triggerPrice: 110, size: { base: 1 }, trailing: { offset: 0.1 } });
    // 100 → 101 → 80 → 81: best 80 → 88; leg 3 never reaches 88.
    h.bar(100, 101, 80, 81);
    expect(stop.triggerPrice).toBeCloseTo(88, 9);
    h.bar(85, 90, 84, 89);
    expect(h.fillsOf(stop)[0]!.price).toBeCloseTo(88, 9);
  });

  it("trailingFirstBar 'path' fills where the path took the stop in its first bar", () => {
    const h = simHarness();
    h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, trailing: { offset: 0.1 } });
    // 100 → 99 → 120 → 101: stop 108, hit on the last leg.
    h.bar(100, 120, 99, 101);
    expect(h.fillsOf(stop)[0]!.price).toBeCloseTo(108, 9);
  });

  it("trailingFirstBar 'activation' fills as if the market turned where the stop arrived", () => {
    const h = simHarness({ sim: { trailingFirstBar: 'activation' } });
    h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, trailing: { offset: 0.1 } });
    // Arrived at 100: level 100 × 0.9 = 90 (= the initial stop), kept inside the bar: 99.
    h.bar(100, 120, 99, 101);
    expect(h.fillsOf(stop)[0]!.price).toBe(99);
  });
});

describe('time in force', () => {
  it('IOC cancels an order that cannot fill on arrival', () => {
    const h = simHarness();
    const order = h.submit({ side: 'buy', type: 'limit', price: 90, size: { base: 1 }, timeInForce: 'IOC' });
    h.bar(100, 101, 85, 95);
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'accepted', 'canceled']);
    expect(order.reason).toBe('IOC order found nothing to fill');
  });

  it('IOC fills what the volume cap allows and cancels the rest', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.1 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 25 }, timeInForce: 'IOC' });
    h.bar(100, 101, 99, 100, 100);
    expect(h.fillsOf(order)).toMatchObject([{ quantity: 10, price: 100 }]);
    expect(order).toMatchObject({ status: 'canceled', filledQuantity: 10 });
  });

  it('FOK fills nothing when it cannot fill everything', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.1 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 25 }, timeInForce: 'FOK' });
    h.bar(100, 101, 99, 100, 100);
    expect(h.fills).toEqual([]);
    expect(order.status).toBe('canceled');
    expect(order.reason).toMatch(/FOK/);
  });

  it('FOK fills completely when it can', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.1 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 5 }, timeInForce: 'FOK' });
    h.bar(100, 101, 99, 100, 100);
    expect(order.status).toBe('filled');
  });

  it('GTC keeps a capped market order filling at later opens', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.25 } });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 12 } });
    h.bars([[100, 101, 99, 100, 20], [102, 103, 101, 102, 20], [104, 105, 103, 104, 20]]);
    expect(h.fillsOf(order).map((f) => [f.quantity, f.price])).toEqual([[5, 100], [5, 102], [2, 104]]);
    expect(h.eventsOf(order).map((e) => e.status)).toEqual(['initialized', 'submitted', 'accepted', 'partially-filled', 'partially-filled', 'filled']);
    expect(order.avgFillPrice).toBeCloseTo((500 + 510 + 208) / 12, 12);
  });

  it('DAY orders expire at the next 00:00 UTC', () => {
    const h = simHarness();
    h.bars([[100, 101, 99, 100], [100, 101, 99, 100]]);
    // Sent at 06:00 on Monday.
    const order = h.submit({ side: 'buy', type: 'limit', price: 50, size: { base: 1 }, timeInForce: 'DAY' });
    for (let i = 2; i < 8; i++) h.bar(100, 101, 99, 100);
    expect(order.status).toBe('accepted');
    h.bar(100, 101, 99, 100);
    expect(order).toMatchObject({ status: 'expired', reason: 'day order expired at 00:00 UTC', updatedAt: h.time(8) });
  });

  it('a DAY order that reaches the venue after midnight is refused on arrival', () => {
    const h = simHarness({ sim: { latencyMs: 200 * MIN } });
    for (let i = 0; i < 7; i++) h.bar(100, 101, 99, 100);
    // Sent at 21:00, arrives at 00:20 the next day, after its 00:00 expiry.
    const order = h.submit({ side: 'buy', type: 'limit', price: 100, size: { base: 1 }, timeInForce: 'DAY' });
    expect(() => h.bars([[100, 101, 99, 100], [100, 101, 99, 100]])).not.toThrow();
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'rejected']);
    expect(order).toMatchObject({ reason: 'the order expired before it reached the venue', updatedAt: h.at(8, 20) });
  });

  it('expireTime ends an order at that time unless it filled before', () => {
    const h = simHarness();
    const late = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 1 }, expireTime: h.at(0, 90) });
    const early = h.submit({ side: 'buy', type: 'limit', price: 99, size: { base: 1 }, expireTime: h.at(0, 90) });
    // 100 → 101 → 90: 99 at s = 1 + 2/11 (before 90 min), 95 at s = 1 + 6/11 (after).
    h.bar(100, 101, 90, 92);
    expect(early.status).toBe('filled');
    expect(late).toMatchObject({ status: 'expired', reason: 'good-till time reached', updatedAt: h.at(0, 90) });
  });
});

describe('reduce-only orders', () => {
  it('are rejected by the venue when they would not reduce', () => {
    const h = simHarness();
    const order = h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true });
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'rejected']);
    expect(h.eventsOf(order).at(-1)).toMatchObject({ source: 'venue', reason: 'reduce-only order would not reduce a position' });
  });

  it('fill no more than the position and are canceled when it is gone', () => {
    const h = simHarness();
    openPosition(h, 3);
    const order = h.submit({ side: 'sell', type: 'market', size: { base: 5 }, reduceOnly: true });
    h.bar(101, 102, 100, 101);
    expect(h.fillsOf(order)).toMatchObject([{ quantity: 3 }]);
    expect(h.position()).toBe(0);
    expect(order).toMatchObject({ status: 'canceled', filledQuantity: 3 });
  });

  it('the other bracket leg is canceled when one closes the position', () => {
    const h = simHarness();
    openPosition(h, 1);
    const tp = h.submit({ side: 'sell', type: 'limit', price: 110, size: { base: 1 }, reduceOnly: true });
    const sl = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 90, size: { base: 1 }, reduceOnly: true });
    h.bar(100, 111, 99, 110);
    expect(tp.status).toBe('filled');
    expect(sl).toMatchObject({ status: 'canceled', reason: 'position closed; reduce-only order no longer needed' });
    expect(sl.updatedAt).toBe(h.fillsOf(tp)[0]!.time);
  });

  it('are canceled when the position closed before they arrive', () => {
    const h = simHarness({ sim: { latencyMs: 30 * MIN } });
    h.submit({ side: 'buy', type: 'market', size: { base: 1 } });
    h.bar(100, 100, 100, 100);
    const stop = h.submit({ side: 'sell', type: 'stop-market', triggerPrice: 95, size: { base: 1 }, reduceOnly: true });
    const exit = h.submit({ side: 'sell', type: 'market', size: { base: 1 }, reduceOnly: true });
    h.bar(94, 95, 90, 92);
    expect(h.fillsOf(stop).length + h.fillsOf(exit).length).toBe(1);
    expect(h.position()).toBe(0);
  });
});

describe('post-only orders', () => {
  it('are canceled when they would take liquidity on arrival', () => {
    const h = simHarness();
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'limit', price: 101, size: { base: 1 }, postOnly: true });
    expect(h.kinds(order)).toEqual(['initialized', 'submitted', 'accepted', 'canceled']);
    expect(order.reason).toBe('post-only order would have taken liquidity');
  });

  it('rest and fill as makers', () => {
    const h = simHarness();
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 1 }, postOnly: true });
    h.bar(100, 101, 90, 92);
    expect(h.fillsOf(order)).toMatchObject([{ price: 95, liquidity: 'maker' }]);
  });

  it('never fill as takers, even when the next open is through them', () => {
    const h = simHarness();
    h.bar(100, 100, 100, 100);
    const order = h.submit({ side: 'buy', type: 'limit', price: 99, size: { base: 1 }, postOnly: true });
    h.bar(98, 99, 97, 98);
    expect(h.fills.filter((f) => f.liquidity === 'taker')).toEqual([]);
    expect(order.status).toBe('canceled');
  });
});

describe('partial fills', () => {
  it('cap fills at maxVolumeShare of each bar, per symbol, across orders', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.1 } });
    const a = h.submit({ side: 'buy', type: 'market', size: { base: 6 } });
    const b = h.submit({ side: 'buy', type: 'market', size: { base: 6 } });
    h.bar(100, 101, 99, 100, 100);
    expect(h.fillsOf(a)).toMatchObject([{ quantity: 6 }]);
    expect(h.fillsOf(b)).toMatchObject([{ quantity: 4 }]);
    h.bar(100, 101, 99, 100, 100);
    expect(h.fillsOf(b).map((f) => f.quantity)).toEqual([4, 2]);
  });

  it('round a capped quantity down to the lot size', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.25 }, instruments: [{ symbol: 'X', lotSize: 1 }] });
    const order = h.submit({ side: 'buy', type: 'market', size: { base: 4 } });
    h.bar(100, 101, 99, 100, 10);
    expect(h.fillsOf(order)).toMatchObject([{ quantity: 2 }]);
  });

  it('a resting limit fills its remainder on later bars at its price', () => {
    const h = simHarness({ sim: { maxVolumeShare: 0.5 } });
    const order = h.submit({ side: 'buy', type: 'limit', price: 95, size: { base: 8 } });
    h.bar(100, 101, 90, 92, 10);
    h.bar(96, 97, 94, 95, 10);
    expect(h.fillsOf(order).map((f) => [f.quantity, f.price])).toEqual([[5, 95], [3, 95]]);
  });
});
