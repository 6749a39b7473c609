import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { replayHeads } from '../replay.js';
import { barsFromCloses } from '../test-bars.js';
import { rulesHead } from './rules-head.js';

const closes = [10, 11, 12, 13, 12, 11, 10, 9, 10, 11, 12, 13, 14];
const table = barsFromCloses(closes);

function sma(i: number, n: number): number {
  return closes.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n;
}

describe('the rule head', () => {
  it('fires exactly when the rule holds, with the values it read', () => {
    const head = rulesHead({ timeframe: '1h', rules: [{ name: 'above', when: 'close > sma_3', direction: 'long', confidence: 0.8 }] });
    const rows = replayHeads([head], table);
    for (const row of rows.slice(2)) {
      const i = row.index;
      const holds = closes[i]! > sma(i, 3);
      const e = row.evaluations[0]!;
      expect(e.status, `bar ${i}`).toBe(holds ? 'ok' : 'abstained');
      if (holds) {
        expect(e.signal).toMatchObject({ direction: 1, confidence: 0.8, horizonMs: 4 * 3_600_000, inputs: { rules: 'above', close: closes[i] } });
        expect(e.signal!.inputs.sma_3).toBeCloseTo(sma(i, 3), 6);
        expect(e.signal!.reason).toContain('above (close > sma_3) holds: close = ');
      }
    }
  });

  it('stays silent while a variable is still warming up (neither true nor false)', () => {
    // ret_5 (a feature) has no value before bar 5; `not (ret_5 > 1)` would be true if NaN counted as false.
    const head = rulesHead({ timeframe: '1h', rules: [{ when: 'not (ret_5 > 1)', direction: 'short' }, { when: 'close > 0', direction: 'long' }] });
    const rows = replayHeads([head], table);
    for (const row of rows.slice(0, 5)) expect(row.evaluations[0]!.signal).toMatchObject({ direction: 1, inputs: { rules: 'rule 2' } });
    for (const row of rows.slice(5)) expect(row.evaluations[0]!.status).toBe('abstained'); // both hold: they disagree
  });

  it('abstains when the rules that hold point both ways', () => {
    const head = rulesHead({ timeframe: '1h', rules: [{ when: 'close > 0', direction: 'long' }, { when: 'close > 1', direction: 'short' }] });
    expect(replayHeads([head], table).every((r) => r.evaluations[0]!.status === 'abstained')).toBe(true);
  });

  it('takes the highest confidence among the rules that agree', () => {
    const head = rulesHead({ timeframe: '1h', rules: [{ when: 'close > 0', direction: 'long', confidence: 0.6 }, { when: 'close > 1', direction: 0.5, confidence: 0.9 }] });
    expect(replayHeads([head], table)[0]!.evaluations[0]!.signal).toMatchObject({ direction: 1, confidence: 0.9 });
  });

  it('rejects a rule that does not parse at config load, with the rule key and column', () => {
    const build = (): unknown => rulesHead({ timeframe: '1h', rules: [{ when: 'close > 1' , direction: 'long' }, { when: 'close > sma_20 and', direction: 'long' }] });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow('heads.rules.rules.1.when: unexpected the end of the rule');
    expect(build).toThrow(/at column 19/);
  });

  it('rejects an unknown variable at config load with its column', () => {
    expect(() => rulesHead({ timeframe: '1h', rules: [{ when: 'close > foo_bar', direction: 'long' }] })).toThrow(/heads\.rules\.rules\.0\.when: unknown variable "foo_bar".* at column 9/);
    expect(() => rulesHead({ timeframe: '1h', rules: [{ when: 'rsi_1 < 30', direction: 'long' }] })).toThrow(/at column 1/);
  });
});
