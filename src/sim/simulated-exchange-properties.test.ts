/**
 * What must hold at the SimulatedExchange whatever the orders, prices, latency and options
 * (random sessions from test/kit/random-orders): fills inside the bar that made them, the volume
 * cap, reduce-only never growing a position, a cash account never short nor overdrawn, and the
 * account equal to its cash flows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { playScenario, scenarioArb } from '../../test/kit/random-orders.js';
import type { Bar } from '../model/bar.js';

/** Raise with FC_RUNS=5000 for a deeper search. */
const RUNS = Number(process.env.FC_RUNS ?? 300);

describe('SimulatedExchange invariants on random sessions', () => {
  it('every fill price is finite and inside the range of the bar it happened in', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const bars: Bar[] = [];
        const h = playScenario(scenario, bars);
        for (const fill of h.fills) {
          expect(Number.isFinite(fill.price) && Number.isFinite(fill.fee) && fill.quantity > 0).toBe(true);
          const during = bars.filter((b) => b.time <= fill.time && fill.time <= b.time + h.tf);
          expect(during.length).toBeGreaterThan(0);
          expect(during.some((b) => fill.price >= b.low - 1e-9 && fill.price <= b.high + 1e-9)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('fills per bar never exceed the volume cap', () => {
    fc.assert(
      fc.property(scenarioArb.filter((s) => s.cap !== null), (scenario) => {
        const bars: Bar[] = [];
        const h = playScenario(scenario, bars);
        for (const bar of bars) {
          const traded = h.fills.filter((f) => f.time >= bar.time && f.time < bar.time + h.tf).reduce((n, f) => n + f.quantity, 0);
          expect(traded).toBeLessThanOrEqual(scenario.cap! * bar.volume * (1 + 1e-9));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reduce-only fills never grow or flip a position; a cash account is never short nor overdrawn', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const h = playScenario(scenario);
        let position = 0;
        let cash = 10_000;
        for (const fill of h.fills) {
          const order = h.execution.get(fill.orderId)!;
          const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
          const after = position + signed;
          if (order.reduceOnly) {
            expect(Math.abs(after)).toBeLessThanOrEqual(Math.abs(position) + 1e-9);
            expect(after === 0 || Math.sign(after) === Math.sign(position) || Math.abs(after) < 1e-9).toBe(true);
          }
          position = after;
          cash += -signed * fill.price - fill.fee;
          if (scenario.account === 'cash') {
            expect(position).toBeGreaterThanOrEqual(-1e-9);
            expect(cash).toBeGreaterThanOrEqual(-1e-6);
          }
        }
        expect(h.position()).toBeCloseTo(position, 9);
      }),
      { numRuns: RUNS },
    );
  });

  it('equity = starting cash + Σ fill cash flows + position × last close (no liquidation)', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const bars: Bar[] = [];
        const h = playScenario(scenario, bars);
        if (h.exchange.wasLiquidated) return;
        let flows = 0;
        let position = 0;
        for (const f of h.fills) {
          const signed = f.side === 'buy' ? f.quantity : -f.quantity;
          flows += -signed * f.price - f.fee;
          position += signed;
        }
        const mark = position === 0 ? 0 : h.portfolio.position('X').markPrice;
        if (bars.length > 0 && position !== 0 && h.fills.at(-1)!.time <= bars.at(-1)!.time) expect(mark).toBe(bars.at(-1)!.close);
        expect(h.portfolio.equity).toBeCloseTo(10_000 + flows + position * mark, 6);
      }),
      { numRuns: RUNS },
    );
  });
});
