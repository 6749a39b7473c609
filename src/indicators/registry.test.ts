import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import type { OhlcvColumns } from '../model/bar.js';
import type { BarInput } from './core/types.js';
import { computeIndicator, createIndicator, getIndicator, listIndicators, resolveParams } from './registry.js';
import { binanceBtc1h, talibReference } from './test-support.js';

const btc = binanceBtc1h();
const reference = talibReference();

function barAt(c: OhlcvColumns, i: number): BarInput {
  return { time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
}

/** Indicators whose value can be NaN after warm-up by definition ("no level" / "not yet a full period"). */
const DATA_DEPENDENT = new Set(['swing_levels', 'volume_profile', 'pivots_classic', 'pivots_fibonacci', 'pivots_camarilla']);

describe('indicator registry', () => {
  it('registers more than 60 indicators with unique names, lines and valid defaults', () => {
    const defs = listIndicators();
    expect(defs.length).toBeGreaterThan(60);
    expect(new Set(defs.map((d) => d.name)).size).toBe(defs.length);
    for (const d of defs) {
      expect(d.lines.length, d.name).toBeGreaterThan(0);
      expect(d.title.length, d.name).toBeGreaterThan(0);
      expect(d.verifiedAgainst.length, d.name).toBeGreaterThan(0);
      // Defaults must pass the indicator's own validation.
      expect(() => createIndicator(d.name), d.name).not.toThrow();
    }
  });

  const names = listIndicators().map((d) => d.name);

  it.each(names)('%s: the incremental instance and the batch result agree to 1e-9 on real BTCUSDT candles', (name) => {
    for (const data of [btc, reference]) {
      const inc = createIndicator(name);
      const { lines, warmup } = computeIndicator(name, data);
      expect(warmup).toBe(inc.warmup);
      const n = data.close.length;
      for (let i = 0; i < n; i++) {
        inc.update(barAt(data, i));
        for (const line of inc.definition.lines) {
          const a = inc.line(line);
          const b = lines[line]![i]!;
          if (Number.isNaN(a) || Number.isNaN(b)) expect([line, i, a], name).toEqual([line, i, b]);
          else expect(Math.abs(a - b), `${name}.${line}[${i}]`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        }
      }
    }
  });

  it.each(names.filter((n) => !DATA_DEPENDENT.has(n)))('%s: the first value appears at index `warmup` and no NaN follows', (name) => {
    const { lines, warmup } = computeIndicator(name, btc);
    for (const [line, values] of Object.entries(lines)) {
      const first = values.findIndex((v) => !Number.isNaN(v));
      expect(first, `${name}.${line}`).toBe(warmup);
      expect(values.subarray(first).every((v) => Number.isFinite(v)), `${name}.${line}`).toBe(true);
    }
  });

  it('rejects an unknown indicator, listing the available ones', () => {
    expect(() => getIndicator('rsx')).toThrow(ConfigurationError);
    expect(() => getIndicator('rsx')).toThrow(/unknown indicator "rsx"; available: .*\brsi\b/);
  });

  it('rejects an unknown parameter, naming it and listing the valid ones', () => {
    expect(() => createIndicator('rsi', { length: 14 })).toThrow(/rsi\.length: unknown parameter "length"; rsi takes period, seed/);
  });

  it('rejects a period below its minimum, naming the parameter', () => {
    expect(() => createIndicator('sma', { period: 0 })).toThrow(/sma\.period: must be an integer >= 1, got 0/);
    expect(() => createIndicator('rsi', { period: 1 })).toThrow(/rsi\.period/);
    expect(() => createIndicator('ema', { period: 2.5 })).toThrow(/ema\.period: must be an integer/);
  });

  it('rejects fastPeriod >= slowPeriod where it matters', () => {
    for (const name of ['macd', 'apo', 'ppo', 'adosc']) {
      expect(() => createIndicator(name, { fastPeriod: 30, slowPeriod: 10 }), name).toThrow(new RegExp(`${name}\\.fastPeriod: must be less than slowPeriod`));
      expect(() => computeIndicator(name, btc, { fastPeriod: 10, slowPeriod: 10 }), name).toThrow(ConfigurationError);
    }
  });

  it('rejects a value outside an enum, listing the allowed values', () => {
    expect(() => createIndicator('bbands', { maType: 'hull' })).toThrow(/bbands\.maType: must be one of sma, ema, wma/);
  });

  it('parses parameters given as text, as a command line passes them', () => {
    const p = resolveParams('macd', { fastPeriod: '5', slowPeriod: '35', signalPeriod: '5', signalMaType: '0', alignSeeds: 'false' });
    expect(p).toMatchObject({ fastPeriod: 5, slowPeriod: 35, signalPeriod: 5, signalMaType: 'sma', alignSeeds: false, fastMaType: 'ema' });
    expect(() => resolveParams('macd', { fastPeriod: 'twelve' })).toThrow(/macd\.fastPeriod: must be an integer, got "twelve"/);
  });

  it('fills defaults and keeps optional parameters unset', () => {
    expect(resolveParams('bbands')).toMatchObject({ period: 20, stdDev: 2, stdDevUp: undefined, maType: 'sma', source: 'close' });
  });

  it('feeds price indicators from the chosen source', () => {
    const byClose = computeIndicator('sma', btc, { period: 5 }).lines.sma!;
    const byHl2 = computeIndicator('sma', btc, { period: 5, source: 'hl2' }).lines.sma!;
    const expectedHl2 = (btc.high.subarray(0, 5).reduce((a, b) => a + b) + btc.low.subarray(0, 5).reduce((a, b) => a + b)) / 10;
    expect(byHl2[4]).toBeCloseTo(expectedHl2, 8);
    expect(byHl2[4]).not.toBeCloseTo(byClose[4]!, 2);
  });

  it('names a missing line of an instance', () => {
    expect(() => createIndicator('macd').line('hist')).toThrow(/macd has no line "hist"; lines: macd, signal, histogram/);
  });

  it('describes every parameter with a type, a description and a default or a documented fallback', () => {
    for (const d of listIndicators()) {
      for (const p of d.params) {
        expect(p.description.length, `${d.name}.${p.name}`).toBeGreaterThan(3);
        if (p.default === undefined) expect(p.description, `${d.name}.${p.name}`).toMatch(/default:/);
        if (p.type === 'enum' && p.default !== undefined) expect(p.values, `${d.name}.${p.name}`).toContain(p.default);
      }
    }
  });
});
