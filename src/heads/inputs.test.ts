import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { createIndicator } from '../indicators/registry.js';
import { parseIndicatorName, planInputs, resolveVariable } from './inputs.js';

describe('variable names', () => {
  it.each([
    ['sma_200', { name: 'sma', params: { period: 200 } }],
    ['rsi_14', { name: 'rsi', params: { period: 14 } }],
    ['obv', { name: 'obv' }],
    ['macd_histogram', { name: 'macd', line: 'histogram' }],
    ['macd_12_26_9_histogram', { name: 'macd', params: { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 }, line: 'histogram' }],
    ['bbands_20_2_upper', { name: 'bbands', params: { period: 20, stdDev: 2 }, line: 'upper' }],
    ['adx_14_plusDI', { name: 'adx', params: { period: 14 }, line: 'plusDI' }],
    ['vwap_rolling_20', { name: 'vwap_rolling', params: { period: 20 } }],
    ['plus_di_14', { name: 'plus_di', params: { period: 14 } }],
  ])('%s is an indicator', (name, spec) => {
    expect(parseIndicatorName(name)).toEqual(spec);
    expect(resolveVariable(name, '1h')).toEqual({ kind: 'indicator', spec });
  });

  it('reads bar fields and default-set features', () => {
    expect(resolveVariable('close', '1h')).toEqual({ kind: 'bar', field: 'close' });
    expect(resolveVariable('volume_zscore_20', '1h')).toMatchObject({ kind: 'feature', name: 'volume_zscore_20', definition: { kind: 'volume', measure: 'zscore', window: 20 } });
    expect(resolveVariable('dist_sma_200', '1h')).toMatchObject({ kind: 'feature', definition: { kind: 'indicator', indicator: 'sma', transform: 'distance' } });
    expect(resolveVariable('mtf_4h_rsi_14', '1h')).toMatchObject({ kind: 'feature', definition: { kind: 'mtf', timeframe: '4h' } });
  });

  it('rejects numbers that do not fit the indicator, naming the variable', () => {
    expect(() => parseIndicatorName('rsi_1')).toThrow(ConfigurationError);
    expect(() => parseIndicatorName('rsi_1')).toThrow(/rsi_1.*period/);
    expect(() => parseIndicatorName('sma_20_30')).toThrow(/sma takes 1 number \(period\)/);
  });

  it('rejects unknown names with the conventions in the message', () => {
    expect(() => resolveVariable('foo_bar', '1h')).toThrow(/unknown variable "foo_bar".*sma_200/);
  });

  it('an indicator variable has the value the registry computes', () => {
    const spec = parseIndicatorName('ema_3')!;
    const a = createIndicator(spec.name, spec.params);
    const b = createIndicator('ema', { period: 3 });
    for (const close of [1, 2, 3, 4, 5]) {
      const bar = { time: 0, open: close, high: close, low: close, close, volume: 1 };
      expect(a.update(bar)).toBe(b.update(bar));
    }
  });
});

describe('planning inputs', () => {
  it('shares one instance between heads asking for the same indicator and reports the warm-up', () => {
    const plan = planInputs([
      { owner: 'a', requires: { indicators: { r: { name: 'rsi', params: { period: 14 } } } } },
      { owner: 'b', requires: { indicators: { rsi: { name: 'rsi', params: { period: 14 } } }, features: ['ret_1'] } },
    ], '1h');
    expect(plan.indicators.size).toBe(1);
    expect(plan.warmup).toBe(15);
    expect(Object.keys(plan.features)).toEqual(['ret_1']);
  });

  it('names the head and key of a bad requirement', () => {
    expect(() => planInputs([{ owner: 'mine', requires: { indicators: { x: { name: 'rsi', params: { period: 0 } } } } }], '1h')).toThrow(/mine\.requires\.indicators\.x/);
    expect(() => planInputs([{ owner: 'mine', requires: { indicators: { x: { name: 'macd', line: 'nope' } } } }], '1h')).toThrow(/mine\.requires\.indicators\.x\.line.*histogram/);
    expect(() => planInputs([{ owner: 'mine', requires: { features: ['not_a_feature'] } }], '1h')).toThrow(/mine\.requires\.features.*not_a_feature/);
  });
});
