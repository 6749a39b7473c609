/**
 * The order journal of a real backtest — market, limit, stop and stop-limit-like entries, brackets,
 * trailing stops, ROI take-profits, reversals, timeouts, latency and a volume cap on BTC/USDT 1h —
 * replayed event by event reproduces every order's final state as the report shows it.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import type { OrderEvent } from '../../src/model/events.js';
import { defineStrategy } from '../../src/strategy/index.js';
import { expectReplayed, replay } from '../kit/journal.js';
import { newLog, probeStrategy } from '../kit/engine.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;

describe('journal replay of a real backtest', () => {
  it('every order of the probe strategy is reproduced from its events', () => {
    const events: OrderEvent[] = [];
    const inner = probeStrategy(newLog(), { shorts: true });
    const recording = defineStrategy({
      name: 'recording-probe',
      params: z.strictObject({}),
      warmup: 20,
      lookback: 200,
      exits: { stoploss: -0.04, trailingStop: true, trailingStopPositive: 0.01, trailingStopPositiveOffset: 0.02, minimalRoi: { '0': 0.06, '600': 0.01 } },
      setup: (init) => {
        const handlers = inner.setup(init);
        return { ...handlers, onOrder: (event, ctx) => { events.push(event); handlers.onOrder?.(event, ctx); } };
      },
    });
    const { kernel, report } = runBacktest({
      data: [btc], strategy: recording,
      sim: { fees: { maker: 0.0002, taker: 0.001 }, latencyMs: 120_000, maxVolumeShare: 0.00005 },
    });
    const orders = kernel.execution.all();
    expect(orders.length).toBeGreaterThan(50);
    expect(new Set(orders.map((o) => o.status))).toContain('canceled');
    expect(orders.some((o) => o.filledQuantity > 0 && o.filledQuantity < o.quantity!)).toBe(true);
    expectReplayed(orders, replay(events));
    // The report's order rows are those orders.
    expect(report.orders.map((o) => [o.id, o.status, o.filledQuantity])).toEqual(orders.map((o) => [o.id, o.status, o.filledQuantity]));
  });
});
