import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { defineInstrument } from '../../model/instrument.js';
import { createSizer } from './sizer.js';

const btc = defineInstrument({ symbol: 'BTC/USDT', lotSize: 0.0001 });

describe('createSizer', () => {
  it('kelly: sizes from the calibrated confidence and the realised payoff ratio', () => {
    const sizer = createSizer({ method: 'kelly' });
    // f* = 0.6 − 0.4/1.5 = 0.3333; ¼ → 0.08333 of 10,000 = 833.33 → 0.0166 BTC at 50,000.
    const r = sizer.size({ symbol: 'BTC/USDT', price: 50_000, equity: 10_000, confidence: 0.6, winLossRatio: 1.5, instrument: btc });
    expect(r.quantity).toBe(0.0166);
    expect(r.notional).toBeCloseTo(830, 9);
    expect(r.fraction).toBeCloseTo(0.083, 12);
    expect(r.reason).toContain('¼ Kelly');
  });

  it('kelly: falls back to the configured payoff ratio and gives 0 without a confidence', () => {
    const sizer = createSizer({ method: 'kelly', winLossRatio: 2 });
    expect(sizer.size({ symbol: 'ETH', price: 100, equity: 1_000, confidence: 0.5 }).notional).toBeCloseTo(62.5, 9);
    expect(sizer.size({ symbol: 'ETH', price: 100, equity: 1_000 })).toMatchObject({ quantity: 0, reason: 'no confidence given: Kelly needs p' });
  });

  it('fixed: commits the fraction, capped', () => {
    expect(createSizer({ method: 'fixed', fraction: 0.1 }).size({ symbol: 'ETH', price: 100, equity: 1_000 }).quantity).toBeCloseTo(1, 12);
    expect(createSizer({ method: 'fixed', fraction: 0.5 }).size({ symbol: 'ETH', price: 100, equity: 1_000 }).fraction).toBeCloseTo(0.2, 12);
  });

  it('volatility-target: target / realised volatility; 0 without a measurement', () => {
    const sizer = createSizer({ method: 'volatility-target', targetVolatility: 0.1, maxFraction: 1 });
    expect(sizer.size({ symbol: 'ETH', price: 100, equity: 1_000, realizedVolatility: 0.4 }).notional).toBeCloseTo(250, 9);
    expect(sizer.size({ symbol: 'ETH', price: 100, equity: 1_000 })).toMatchObject({ quantity: 0 });
  });

  it('gives 0 with the instrument\'s reason when the size is below its minimum', () => {
    const sizer = createSizer({ method: 'fixed', fraction: 0.01 });
    const r = sizer.size({ symbol: 'BTC/USDT', price: 50_000, equity: 100, instrument: btc });
    expect(r).toMatchObject({ quantity: 0, fraction: 0 });
    expect(r.reason).toContain('rounds to 0');
  });

  it('rejects a bad config naming the key', () => {
    expect(() => createSizer({ method: 'kelly', fraction: 2 })).toThrow(ConfigurationError);
    expect(() => createSizer({ method: 'kelly', fraction: 2 })).toThrow(/^sizing\.fraction: /);
    expect(() => createSizer({ method: 'fixed' } as never)).toThrow(/^sizing\.fraction: /);
    expect(() => createSizer({ method: 'martingale' } as never)).toThrow(/^sizing\.method: /);
    expect(() => createSizer({ method: 'fixed', fraction: 0.1, leverage: 3 } as never)).toThrow(/^sizing\.leverage: unknown key/);
  });
});
