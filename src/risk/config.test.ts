import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { conservativeRisk, mergeRiskConfig, parseRiskConfig } from './config.js';

function keyOf(input: unknown): string | undefined {
  try {
    parseRiskConfig(input);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.key;
    throw error;
  }
  return undefined;
}

describe('risk configuration', () => {
  it('turns every limit and breaker off by default', () => {
    const config = parseRiskConfig({});
    expect(config.limits).toEqual({
      maxPositionFraction: null, maxGrossExposureFraction: null, maxOpenPositions: null, minNotional: 0, maxOrderNotional: null,
      perSymbol: {}, orderRate: null, priceBand: null,
    });
    expect(Object.values(config.breakers).every((b) => b === null)).toBe(true);
    expect(config.recentDenials).toBe(50);
  });

  it('fills breaker defaults and accepts the conservative preset', () => {
    const config = parseRiskConfig(conservativeRisk);
    expect(config.breakers.dailyLoss).toEqual({ maxLossFraction: 0.03, maxLoss: null, action: 'REDUCING' });
    expect(config.breakers.maxDrawdown).toEqual({ maxDrawdownFraction: 0.2, action: 'HALTED' });
    expect(config.breakers.volatility).toMatchObject({ minHoldMs: 0, timeframe: null, action: 'REDUCING' });
  });

  it.each([
    [{ limits: { maxPositionFraction: -0.1 } }, 'risk.limits.maxPositionFraction'],
    [{ limits: { maxPosition: 0.2 } }, 'risk.limits.maxPosition'],
    [{ limits: { maxOpenPositions: 1.5 } }, 'risk.limits.maxOpenPositions'],
    [{ limits: { priceBand: 2 } }, 'risk.limits.priceBand'],
    [{ limits: { orderRate: { maxOrders: 0, windowMs: 1000 } } }, 'risk.limits.orderRate.maxOrders'],
    [{ limits: { perSymbol: { 'BTC/USDT': { maxPositionQuantity: 'lots' } } } }, 'risk.limits.perSymbol.BTC/USDT.maxPositionQuantity'],
    [{ breakers: { dailyLoss: {} } }, 'risk.breakers.dailyLoss.maxLossFraction'],
    [{ breakers: { dailyLoss: { maxLossFraction: 0.05, action: 'ACTIVE' } } }, 'risk.breakers.dailyLoss.action'],
    [{ breakers: { consecutiveLosses: { maxLosses: 3 } } }, 'risk.breakers.consecutiveLosses.cooldownMs'],
    [{ breakers: { volatility: { maxRatio: 2, resetRatio: 3 } } }, 'risk.breakers.volatility.resetRatio'],
    [{ breakers: { volatility: { measure: 'garch' } } }, 'risk.breakers.volatility.measure'],
    [{ breakers: { maxDrawdown: { maxDrawdownFraction: 1 } } }, 'risk.breakers.maxDrawdown.maxDrawdownFraction'],
    [{ breakers: { gasPrice: { maxGwei: 50, venues: [] } } }, 'risk.breakers.gasPrice.venues'],
    [{ breakers: { killSwitch: true } }, 'risk.breakers.killSwitch'],
    [{ recentDenials: -1 }, 'risk.recentDenials'],
  ])('rejects %j naming %s', (input, key) => {
    expect(keyOf(input)).toBe(key);
  });

  it('merges a patch section by section and validates the result', () => {
    const base = parseRiskConfig({ limits: { maxPositionFraction: 0.2, maxOpenPositions: 3 }, breakers: { dailyLoss: { maxLossFraction: 0.03 } } });
    const next = mergeRiskConfig(base, { limits: { maxOpenPositions: 5 }, breakers: { maxDrawdown: { maxDrawdownFraction: 0.1 } } });
    expect(next.limits.maxPositionFraction).toBe(0.2);
    expect(next.limits.maxOpenPositions).toBe(5);
    expect(next.breakers.dailyLoss?.maxLossFraction).toBe(0.03);
    expect(next.breakers.maxDrawdown?.maxDrawdownFraction).toBe(0.1);
    expect(() => mergeRiskConfig(base, { limits: { maxOpenPositions: 0 } })).toThrow(/^risk\.limits\.maxOpenPositions: /);
  });
});
