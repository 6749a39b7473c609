/**
 * The invalid-input policy, for every registered indicator: a NaN or infinite input never reaches a
 * value. With `reset` (default) the indicator starts over after the bad input, exactly as a fresh
 * one fed from the next bar; with `throw` a DataError names the indicator, the field and the index.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import type { OhlcvColumns } from '../model/bar.js';
import type { BarField } from './core/types.js';
import { EMA, RSI } from './index.js';
import { computeIndicator, createIndicator, listIndicators } from './registry.js';
import { binanceBtc1h, sliceColumns } from './test-support.js';

const data = sliceColumns(binanceBtc1h(), 0, 400);
const BAD_AT = 150;

function corrupt(c: OhlcvColumns, field: BarField, at: number, value: number): OhlcvColumns {
  const copy = Float64Array.from(c[field]);
  copy[at] = value;
  return { ...c, [field]: copy };
}

/** The field whose corruption must be noticed: the price source, or the first field read. */
function fieldOf(name: string): BarField {
  const def = listIndicators().find((d) => d.name === name)!;
  return def.input === 'price' ? 'close' : def.fields.find((f) => f !== 'time')!;
}

const names = listIndicators().map((d) => d.name);

describe('invalid input policy', () => {
  it.each(names)('%s: after a NaN the values are those of a fresh indicator started on the next bar', (name) => {
    const field = fieldOf(name);
    const broken = computeIndicator(name, corrupt(data, field, BAD_AT, NaN)).lines;
    const fresh = computeIndicator(name, sliceColumns(data, BAD_AT + 1, data.close.length)).lines;
    const clean = computeIndicator(name, data).lines;
    for (const [line, values] of Object.entries(broken)) {
      expect(values[BAD_AT], `${name}.${line} at the bad bar`).toBeNaN();
      // Before the bad bar nothing changes.
      for (let i = 0; i < BAD_AT; i++) expect(Object.is(values[i], clean[line]![i]) || Math.abs(values[i]! - clean[line]![i]!) === 0, `${name}.${line}[${i}]`).toBe(true);
      // After it, the indicator behaves as if it had just been created.
      for (let i = BAD_AT + 1; i < values.length; i++) {
        const a = values[i]!;
        const b = fresh[line]![i - BAD_AT - 1]!;
        expect(Number.isNaN(a) ? Number.isNaN(b) : a === b, `${name}.${line}[${i}] = ${a}, fresh ${b}`).toBe(true);
      }
    }
  });

  it.each(names)('%s: throws a DataError naming the field and the index under `throw`', (name) => {
    const field = fieldOf(name);
    const bad = corrupt(data, field, BAD_AT, Infinity);
    const def = listIndicators().find((d) => d.name === name)!;
    const expectedField = def.input === 'price' ? 'close' : field;
    let error: unknown;
    try {
      computeIndicator(name, bad, {}, { onInvalid: 'throw' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain(`${expectedField} at index ${BAD_AT} is Infinity`);
    expect((error as DataError).location.field).toBe(expectedField);
  });

  it('an incremental instance reports not-ready after a NaN, then recovers after its warm-up', () => {
    const rsi = createIndicator('rsi', { period: 14 });
    const bar = (close: number) => ({ time: 0, open: close, high: close, low: close, close, volume: 1 });
    for (let i = 0; i < 30; i++) rsi.update(bar(100 + Math.sin(i)));
    expect(rsi.isReady).toBe(true);
    expect(rsi.update(bar(NaN))).toBeNaN();
    expect(rsi.isReady).toBe(false);
    expect(rsi.value).toBeNaN();
    for (let i = 0; i < 14; i++) expect(rsi.update(bar(100 + i))).toBeNaN();
    expect(rsi.update(bar(120))).not.toBeNaN();
    expect(rsi.isReady).toBe(true);
  });

  it('composes: an EMA of an RSI starts warming up when the RSI is ready', () => {
    const rsi = new RSI({ period: 14 });
    const smooth = new EMA({ period: 5 });
    const out: number[] = [];
    for (let i = 0; i < 40; i++) out.push(smooth.update(rsi.update(100 + 10 * Math.sin(i / 3))));
    expect(out.findIndex((v) => !Number.isNaN(v))).toBe(rsi.warmup + smooth.warmup);
  });

  it('a throwing incremental instance names the update that failed', () => {
    const ema = new EMA({ period: 3, onInvalid: 'throw' });
    ema.update(1);
    ema.update(2);
    expect(() => ema.update(Number.NaN)).toThrow(/ema\(3\): value at index 2 is NaN/);
  });
});
