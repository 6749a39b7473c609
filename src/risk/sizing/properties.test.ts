/**
 * Sizing invariants for any input, including degenerate ones (NaN, ±∞, 0, negative, huge):
 * a size is never NaN, never negative, never above its cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../../model/instrument.js';
import { fixedFraction, quantityForFraction, volatilityTarget } from './fractions.js';
import { fractionalKelly } from './kelly.js';
import { analyzeOpportunity, parseOpportunityConfig } from './opportunity.js';
import { createSizer } from './sizer.js';

const anyDouble = fc.double();
const anyOptional = fc.option(fc.double(), { nil: undefined });
const share = fc.double({ min: 1e-6, max: 1, noNaN: true });

/** What a cap argument means: a positive cap, or no room at all. */
const capOf = (cap: number): number => (cap > 0 ? cap : 0);

function isValidSize(x: number): boolean {
  return Number.isFinite(x) && x >= 0;
}

describe('sizing properties', () => {
  it('fractional Kelly is in [0, cap] and never NaN', () => {
    fc.assert(fc.property(anyDouble, anyDouble, anyOptional, anyOptional, (p, b, fraction, cap) => {
      const r = fractionalKelly({ p, b, ...(fraction !== undefined ? { fraction } : {}), ...(cap !== undefined ? { cap } : {}) });
      expect(r.fraction).not.toBeNaN();
      expect(r.fraction).toBeGreaterThanOrEqual(0);
      expect(r.fraction).toBeLessThanOrEqual(cap === undefined ? 0.2 : capOf(cap));
    }), { numRuns: 2000 });
  });

  it('fixed fraction and volatility target are in [0, cap] and never NaN', () => {
    fc.assert(fc.property(anyDouble, anyDouble, anyDouble, (a, b, cap) => {
      for (const x of [fixedFraction(a, cap), volatilityTarget(a, b, cap), fixedFraction(a), volatilityTarget(a, b)]) {
        expect(x).not.toBeNaN();
        expect(x).toBeGreaterThanOrEqual(0);
      }
      expect(fixedFraction(a, cap)).toBeLessThanOrEqual(capOf(cap));
      expect(volatilityTarget(a, b, cap)).toBeLessThanOrEqual(capOf(cap));
      expect(volatilityTarget(a, b)).toBeLessThanOrEqual(0.2);
    }), { numRuns: 2000 });
  });

  const sizerConfig = fc.oneof(
    fc.record({ method: fc.constant('kelly' as const), fraction: share, maxFraction: share, winLossRatio: fc.double({ min: 1e-6, max: 1e6, noNaN: true }) }),
    fc.record({ method: fc.constant('fixed' as const), fraction: share, maxFraction: share }),
    fc.record({ method: fc.constant('volatility-target' as const), targetVolatility: fc.double({ min: 1e-6, max: 10, noNaN: true }), maxFraction: share }),
  );
  const instrument = fc.option(fc.record({
    lotSize: fc.oneof(fc.constant(0), fc.double({ min: 1e-8, max: 100, noNaN: true })),
    minQuantity: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10, noNaN: true })),
    minNotional: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1000, noNaN: true })),
    multiplier: fc.double({ min: 1e-3, max: 1000, noNaN: true }),
  }), { nil: undefined });

  it('a sizer never exceeds its cap, never returns NaN or a negative size', () => {
    fc.assert(fc.property(sizerConfig, instrument, anyDouble, anyDouble, anyOptional, anyOptional, anyOptional, (config, inst, price, equity, confidence, winLossRatio, realizedVolatility) => {
      const sizer = createSizer(config);
      const r = sizer.size({
        symbol: 'X/USD', price, equity,
        ...(confidence !== undefined ? { confidence } : {}),
        ...(winLossRatio !== undefined ? { winLossRatio } : {}),
        ...(realizedVolatility !== undefined ? { realizedVolatility } : {}),
        ...(inst ? { instrument: defineInstrument({ symbol: 'X/USD', ...inst }) } : {}),
      });
      expect(isValidSize(r.quantity)).toBe(true);
      expect(isValidSize(r.notional)).toBe(true);
      expect(isValidSize(r.fraction)).toBe(true);
      expect(r.fraction).toBeLessThanOrEqual(config.maxFraction);
      if (r.quantity > 0) expect(r.notional).toBeLessThanOrEqual(config.maxFraction * equity * (1 + 1e-9));
      else expect(r.notional).toBe(0);
    }), { numRuns: 3000 });
  });

  it('an instrument-rounded quantity is a whole number of lots, at least the minimum, or 0', () => {
    fc.assert(fc.property(fc.double({ min: 1e-4, max: 10, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), anyDouble, anyDouble, anyDouble, (lotSize, minQuantity, fraction, equity, price) => {
      const inst = defineInstrument({ symbol: 'X/USD', lotSize, minQuantity });
      const r = quantityForFraction(inst, { fraction, equity, price });
      expect(isValidSize(r.quantity)).toBe(true);
      if (r.quantity > 0) {
        expect(r.quantity).toBeGreaterThanOrEqual(minQuantity);
        const lots = r.quantity / lotSize;
        expect(Math.abs(lots - Math.round(lots))).toBeLessThan(1e-6 * Math.max(1, lots));
        expect(r.notional).toBeLessThanOrEqual(fraction * equity * (1 + 1e-9));
      }
    }), { numRuns: 2000 });
  });

  it('opportunity analysis never recommends more than the max position, nor NaN', () => {
    const price = fc.double({ min: 1e-6, max: 1e9, noNaN: true });
    fc.assert(fc.property(price, price, anyDouble, fc.option(price, { nil: undefined }), fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: undefined }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), share,
      (cexPrice, dexPrice, equity, notionalQuote, gasCostQuote, confidence, maxPositionFraction) => {
        const a = analyzeOpportunity(
          { symbol: 'X', cexPrice, dexPrice, ...(notionalQuote !== undefined ? { notionalQuote } : {}), ...(gasCostQuote !== undefined ? { gasCostQuote } : {}), ...(confidence !== undefined ? { confidence } : {}) },
          { equity, config: parseOpportunityConfig({ maxPositionFraction }) },
        );
        expect(isValidSize(a.recommendedNotional)).toBe(true);
        expect(isValidSize(a.recommendedQuantity)).toBe(true);
        expect(a.edgeBps).toBeGreaterThanOrEqual(0);
        for (const x of [a.confidence, a.netProfit, a.netEdgeBps, a.fees, a.slippage, a.grossProfit, a.kelly.b, a.kelly.fullKelly]) expect(x).not.toBeNaN();
        expect(a.kelly.fraction).toBeLessThanOrEqual(maxPositionFraction);
        if (a.shouldTrade) {
          expect(a.recommendedNotional).toBeLessThanOrEqual(maxPositionFraction * equity * (1 + 1e-9));
          expect(a.netProfit).toBeGreaterThan(0);
        } else {
          expect(a.recommendedQuantity).toBe(0);
        }
      }), { numRuns: 2000 });
  });
});
