import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../../model/instrument.js';
import { annualizedVolatility, fixedFraction, quantityForFraction, volatilityTarget } from './fractions.js';

describe('fixedFraction', () => {
  it('returns the fraction, capped, and 0 for degenerate input', () => {
    expect(fixedFraction(0.05)).toBe(0.05);
    expect(fixedFraction(0.5)).toBe(0.2);
    expect(fixedFraction(0.5, 1)).toBe(0.5);
    expect(fixedFraction(-0.1)).toBe(0);
    expect(fixedFraction(Number.NaN)).toBe(0);
  });
});

describe('volatilityTarget', () => {
  it('scales by target / realised volatility up to the cap', () => {
    expect(volatilityTarget(0.1, 0.8)).toBeCloseTo(0.125, 15);
    expect(volatilityTarget(0.15, 0.6)).toBe(0.2);
    expect(volatilityTarget(0.15, 0.6, 1)).toBeCloseTo(0.25, 15);
  });

  it('gives 0 without a usable realised volatility', () => {
    expect(volatilityTarget(0.1, 0)).toBe(0);
    expect(volatilityTarget(0.1, Number.NaN)).toBe(0);
    expect(volatilityTarget(0.1, Infinity)).toBe(0);
  });
});

describe('annualizedVolatility', () => {
  it('is the sample σ of log returns × √periods per year', () => {
    // Returns ln(1.1), ln(1/1.1), ln(1.1): mean m = ln(1.1)/3; sample variance by hand.
    const r = Math.log(1.1);
    const m = r / 3;
    const variance = ((r - m) ** 2 * 2 + (-r - m) ** 2) / 2;
    expect(annualizedVolatility([100, 110, 100, 110], 252)).toBeCloseTo(Math.sqrt(variance * 252), 12);
  });

  it('is NaN with fewer than two returns', () => {
    expect(annualizedVolatility([100, 101], 365)).toBeNaN();
    expect(annualizedVolatility([], 365)).toBeNaN();
  });
});

describe('quantityForFraction', () => {
  const btc = defineInstrument({ symbol: 'BTC/USDT', lotSize: 0.001, minQuantity: 0.001, minNotional: 10 });

  it('rounds down to the lot', () => {
    const r = quantityForFraction(btc, { fraction: 0.05, equity: 10_000, price: 30_000 });
    expect(r.quantity).toBe(0.016);
    expect(r.notional).toBeCloseTo(480, 9);
  });

  it('gives 0 with a reason below the minimum quantity or notional', () => {
    expect(quantityForFraction(btc, { fraction: 0.001, equity: 10_000, price: 30_000 })).toMatchObject({ quantity: 0, reason: expect.stringContaining('rounds to 0') });
    const dust = defineInstrument({ symbol: 'X/USDT', minNotional: 100 });
    expect(quantityForFraction(dust, { fraction: 0.005, equity: 10_000, price: 1 })).toMatchObject({ quantity: 0, reason: expect.stringContaining('minimum notional 100') });
  });

  it('accounts for the contract multiplier', () => {
    const future = defineInstrument({ symbol: 'ES', multiplier: 50, lotSize: 1 });
    expect(quantityForFraction(future, { fraction: 0.2, equity: 1_000_000, price: 5_000 }).quantity).toBe(0);
    expect(quantityForFraction(future, { fraction: 0.2, equity: 5_000_000, price: 5_000 }).quantity).toBe(4);
  });
});
