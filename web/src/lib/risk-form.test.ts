import { describe, expect, it } from 'vitest';
import type { RiskConfig } from '../api/types.js';
import { buildPatch, formValues, FormProblem } from './risk-form.js';

const config: RiskConfig = {
  limits: { maxPositionFraction: 0.2, maxGrossExposureFraction: null, maxOpenPositions: 5, minNotional: 0, maxOrderNotional: null, perSymbol: {}, orderRate: { maxOrders: 60, windowMs: 60_000 }, priceBand: 0.1 },
  breakers: {
    dailyLoss: { maxLossFraction: 0.03, maxLoss: null, action: 'REDUCING' },
    consecutiveLosses: null,
    volatility: { measure: 'atr', period: 14, lookback: 100, maxRatio: 3, resetRatio: 2, minHoldMs: 0, timeframe: '1h', action: 'REDUCING' },
    maxDrawdown: { maxDrawdownFraction: 0.2, action: 'HALTED' },
    gasPrice: null,
  },
  recentDenials: 50,
};

describe('risk thresholds form', () => {
  it('sends nothing when nothing changed', () => {
    const values = formValues(config);
    expect(buildPatch(values, { ...values }, config)).toBeUndefined();
  });

  it('sends only the changed limits, an emptied limit as null (off)', () => {
    const values = formValues(config);
    const patch = buildPatch(values, { ...values, 'limits.maxPositionFraction': '0.1', 'limits.priceBand': '' }, config);
    expect(patch).toEqual({ limits: { maxPositionFraction: 0.1, priceBand: null } });
  });

  it('sends the order rate as one object, or null when both fields are emptied', () => {
    const values = formValues(config);
    expect(buildPatch(values, { ...values, 'limits.orderRate.maxOrders': '30' }, config)).toEqual({ limits: { orderRate: { maxOrders: 30, windowMs: 60_000 } } });
    expect(buildPatch(values, { ...values, 'limits.orderRate.maxOrders': '', 'limits.orderRate.windowMs': '' }, config)).toEqual({ limits: { orderRate: null } });
  });

  it('sends a changed breaker whole, keeping the settings the form does not show', () => {
    const values = formValues(config);
    const patch = buildPatch(values, { ...values, 'breakers.volatility.maxRatio': '4' }, config);
    expect(patch).toEqual({ breakers: { volatility: { measure: 'atr', period: 14, lookback: 100, maxRatio: 4, resetRatio: 2, minHoldMs: 0, timeframe: '1h', action: 'REDUCING' } } });
  });

  it('turns a breaker off with null and on with its typed settings', () => {
    const values = formValues(config);
    expect(buildPatch(values, { ...values, 'breakers.maxDrawdown': '' }, config)).toEqual({ breakers: { maxDrawdown: null } });
    const on = buildPatch(values, { ...values, 'breakers.consecutiveLosses': 'on', 'breakers.consecutiveLosses.maxLosses': '4', 'breakers.consecutiveLosses.cooldownMs': '3600000' }, config);
    expect(on).toEqual({ breakers: { consecutiveLosses: { maxLosses: 4, cooldownMs: 3_600_000 } } });
  });

  it('names the field when a value is not a number or not whole', () => {
    const values = formValues(config);
    expect(() => buildPatch(values, { ...values, 'limits.maxPositionFraction': '20%' }, config)).toThrow(FormProblem);
    expect(() => buildPatch(values, { ...values, 'limits.maxOpenPositions': '2.5' }, config)).toThrow(/Max open positions: must be a whole number/);
  });
});
