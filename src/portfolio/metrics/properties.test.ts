import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClosedTrade } from '../../model/trade.js';
import { drawdownSeries, maxDrawdown, maxDrawdownOfReturns } from './drawdown.js';
import { rollingApply, sharpeRatio } from './ratios.js';
import { computeMetrics, type PerformanceMetrics } from './report.js';

const DAY = 86_400_000;
const SPACINGS = [60_000, 3_600_000, 4 * 3_600_000, DAY, 7 * DAY];

/**
 * A random equity curve: compounded random returns in [minReturn, 2] at a random bar spacing.
 * Returns below 1e-6 in size are set to 0: smaller ones are rounding noise of the equity values.
 */
function curveOf(minReturn: number) {
  return fc
    .record({
      returns: fc.array(fc.double({ min: minReturn, max: 2, noNaN: true }).map((r) => (Math.abs(r) < 1e-6 ? 0 : r)), { minLength: 0, maxLength: 300 }),
      start: fc.double({ min: 1e-3, max: 1e9, noNaN: true }),
      spacing: fc.constantFrom(...SPACINGS),
      origin: fc.integer({ min: 0, max: 2_000_000_000 }).map((s) => s * 1000),
    })
    .map(({ returns, start, spacing, origin }) => {
      const equity = new Float64Array(returns.length + 1);
      equity[0] = start;
      for (let i = 0; i < returns.length; i++) equity[i + 1] = equity[i]! * (1 + returns[i]!);
      const time = Float64Array.from(equity, (_, i) => origin + i * spacing);
      return { time, equity };
    });
}

/** Any curve, down to a total loss (equity 0) and subnormal equity. */
const curve = curveOf(-1);
/** Curves that stay far from underflow, so that rescaling them loses no bits. */
const moderateCurve = curveOf(-0.5);

const trades = fc.array(
  fc.record({
    pnl: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    returnPct: fc.double({ min: -1, max: 5, noNaN: true }),
    duration: fc.integer({ min: 0, max: 1e9 }),
    side: fc.constantFrom('long' as const, 'short' as const),
  }),
  { maxLength: 30 },
).map((list) =>
  list.map(
    (t, i): ClosedTrade => ({
      id: `T${i}`,
      symbol: 'X',
      side: t.side,
      entryTime: 0,
      entryPrice: 1,
      exitTime: t.duration,
      exitPrice: 1,
      quantity: 1,
      pnl: t.pnl,
      grossPnl: t.pnl,
      fees: 0,
      carry: 0,
      returnPct: t.returnPct,
      exitReason: 'exit_signal',
      bars: 1,
    }),
  ),
);

const conventions = ['arbiter', 'backtesting.py'] as const;

function expectJsonNumbers(m: PerformanceMetrics): void {
  for (const [key, value] of Object.entries(m)) {
    if (typeof value === 'number') expect(Number.isFinite(value), `${key} = ${value}`).toBe(true);
    else expect(value === null || typeof value === 'string', `${key}`).toBe(true);
  }
}

describe('metric properties', () => {
  it('keeps every drawdown within [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { maxLength: 200 }), (values) => {
        for (const dd of drawdownSeries(values)) {
          expect(dd).toBeGreaterThanOrEqual(0);
          expect(dd).toBeLessThanOrEqual(1);
        }
        const worst = maxDrawdown(values);
        expect(worst >= 0 && worst <= 1).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 10, noNaN: true }), { minLength: 1, maxLength: 200 }), (returns) => {
        const dd = maxDrawdownOfReturns(returns)!;
        expect(dd >= 0 && dd <= 1).toBe(true);
      }),
    );
  });

  it('gives a constant equity curve zero volatility and zero drawdown', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e9, noNaN: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(...SPACINGS),
        fc.constantFrom(...conventions),
        (level, n, spacing, convention) => {
          const time = Float64Array.from({ length: n }, (_, i) => i * spacing);
          const equity = new Float64Array(n).fill(level);
          const m = computeMetrics({ time, equity }, convention);
          expect(m.maxDrawdown).toBe(0);
          expect(m.totalReturn).toBe(0);
          if (m.volatility !== null) expect(m.volatility).toBe(0);
          expect(m.sharpe).toBeNull();
          expect(m.ulcerIndex).toBe(0);
        },
      ),
    );
  });

  it('never produces NaN or Infinity for a finite curve and any trades', () => {
    fc.assert(
      fc.property(curve, trades, fc.constantFrom(...conventions), ({ time, equity }, list, convention) => {
        expectJsonNumbers(computeMetrics({ time, equity, trades: list, benchmark: { prices: equity.map((e) => Math.max(e, 1e-9)) } }, convention));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves every ratio exactly unchanged when equity is scaled by a power of two', () => {
    // Multiplying by 2^j is exact in binary floating point, so every return is bit-identical and
    // any dependence on the level of equity (an absolute threshold, a stray constant) shows up.
    fc.assert(
      fc.property(moderateCurve, trades, fc.integer({ min: -30, max: 30 }), fc.constantFrom(...conventions), ({ time, equity }, list, j, convention) => {
        const k = 2 ** j;
        const a = computeMetrics({ time, equity, trades: list }, convention);
        const b = computeMetrics({ time, equity: equity.map((e) => e * k), trades: list }, convention);
        expect({ ...b, startEquity: a.startEquity, finalEquity: a.finalEquity, peakEquity: a.peakEquity }).toEqual(a);
        expect(b.finalEquity).toBe(a.finalEquity * k);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves return and drawdown measures unchanged when equity is scaled by any constant', () => {
    // Measures built from equity ratios are well conditioned; deviation-based ratios of curves
    // whose returns differ only in the last digits are not, so they are covered exactly above.
    const levelFree = ['totalReturn', 'cagr', 'annualReturn', 'maxDrawdown', 'avgDrawdown', 'maxDrawdownDuration', 'avgDrawdownDuration', 'ulcerIndex'] as const;
    fc.assert(
      fc.property(moderateCurve, fc.double({ min: 1e-4, max: 1e4, noNaN: true }), fc.constantFrom(...conventions), ({ time, equity }, k, convention) => {
        const a = computeMetrics({ time, equity }, convention);
        const b = computeMetrics({ time, equity: equity.map((e) => e * k) }, convention);
        for (const key of levelFree) {
          const x = a[key];
          const y = b[key];
          if (x === null || y === null) {
            expect(y, key).toBe(x);
            continue;
          }
          expect(Math.abs(x - y), `${key}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('computes a rolling statistic from past data only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 12, maxLength: 80 }),
        fc.integer({ min: 2, max: 10 }),
        fc.nat(),
        (returns, window, cutSeed) => {
          const cut = window + (cutSeed % (returns.length - window));
          const stat = (w: Float64Array): number | null => sharpeRatio(w, { periodsPerYear: 252 });
          const before = rollingApply(returns, window, stat);
          const changed = returns.slice();
          for (let i = cut; i < changed.length; i++) changed[i] = -changed[i]! * 3;
          const after = rollingApply(changed, window, stat);
          // Windows ending before `cut` saw none of the change.
          expect(after.slice(0, cut - window + 1)).toEqual(before.slice(0, cut - window + 1));
        },
      ),
    );
  });
});
