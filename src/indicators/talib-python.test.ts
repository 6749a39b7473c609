/**
 * ta-lib-python's own expectations (tests/test_func.py), transcribed in test/fixtures/ta-lib-python.
 * MAVP and MAXINDEX are not Arbiter indicators; MIN/MAX are checked through Donchian channels and
 * CDL3BLACKCROWS through Arbiter's (Tulip-defined) three black crows; every other case is checked.
 */
import { describe, expect, it } from 'vitest';
import { EMA, ema, dema } from './moving-averages.js';
import { mom, rsi } from './momentum.js';
import { aroon } from './oscillators.js';
import { candlePattern } from './candles.js';
import { bbands, donchian } from './volatility.js';
import { columns, firstValid, readJsonFixture } from './test-support.js';

interface PyCase {
  func: string;
  input: string | (number | null)[] | Record<string, (number | null)[]>;
  params?: Record<string, unknown>;
  params_variants?: Record<string, (number | null)[]>;
  first_valid?: number;
  expect_at_offset_from_first_valid?: Record<string, number | Record<string, number>>;
  expected?: (number | null)[] | Record<string, (number | null)[]>;
  tolerance?: number | string;
}

const fixture = readJsonFixture<{ series_252: { values: number[] }; cases: PyCase[] }>('ta-lib-python', 'talib_python_expected.json');
const series = Float64Array.from(fixture.series_252.values);
const cases = fixture.cases;
const find = (func: string, pred: (c: PyCase) => boolean = () => true) => cases.find((c) => c.func === func && pred(c))!;
const arr = (xs: (number | null)[]) => Float64Array.from(xs, (x) => (x === null ? NaN : x));
const F = (xs: number[]) => Float64Array.from(xs);
const nanAsNull = (xs: Float64Array) => Array.from(xs, (x) => (Number.isNaN(x) ? null : x));

describe('ta-lib-python expectations', () => {
  it('MIN and MAX over 4 bars match (through Donchian channels)', () => {
    const min = find('MIN', (c) => c.input === 'series_252');
    const max = find('MAX');
    const d = donchian(columns({ close: series }), { period: 4 });
    expect(firstValid(d.lower)).toBe(min.first_valid);
    for (const [off, v] of Object.entries(min.expect_at_offset_from_first_valid!)) expect(d.lower[3 + Number(off)]).toBe(v);
    for (const [off, v] of Object.entries(max.expect_at_offset_from_first_valid!)) expect(d.upper[3 + Number(off)]).toBe(v);
  });

  it('a NaN input keeps the window not-ready until it has left it (MIN with a leading NaN)', () => {
    const c = find('MIN', (k) => Array.isArray(k.input));
    const d = donchian(columns({ close: arr(c.input as (number | null)[]) }), { period: 2 });
    expect(nanAsNull(d.lower)).toEqual(c.expected);
  });

  it('MOM over 3 values for periods 1..4', () => {
    const c = find('MOM');
    const input = arr(c.input as number[]);
    for (const [p, expected] of Object.entries(c.params_variants!)) {
      expect(nanAsNull(mom(input, { period: Number(p) }))).toEqual(expected);
    }
  });

  it('BBANDS with an EMA middle band', () => {
    const c = find('BBANDS');
    const out = bbands(series, { period: 20, stdDev: 2, maType: 'ema' });
    expect(firstValid(out.middle)).toBe(c.first_valid);
    for (const [off, v] of Object.entries(c.expect_at_offset_from_first_valid!)) {
      const at = 19 + Number(off);
      const want = v as Record<string, number>;
      expect(Math.abs(out.middle[at]! - want.middle!)).toBeLessThan(c.tolerance as number);
      expect(Math.abs(out.lower[at]! - want.lower!)).toBeLessThan(c.tolerance as number);
      // ta-lib-python comments the upper band out: its value (98.0734) is TA-Lib's on the unrounded
      // series, while this series is rounded to cents; here the band is 98.0705 (0.003 away). The
      // unrounded case is checked by talib.test.ts (BBANDS upper 98.0734 passes there).
      expect(Math.abs(out.upper[at]! - want['upper(commented out in test)']!)).toBeLessThan(0.005);
    }
  });

  it('DEMA(30)', () => {
    const c = find('DEMA');
    const out = dema(series, { period: 30 });
    const first = firstValid(out);
    expect(first).toBe(58);
    for (const [off, v] of Object.entries(c.expect_at_offset_from_first_valid!)) expect(Math.abs(out[first + Number(off)]! - (v as number))).toBeLessThan(0.001);
  });

  it('EMA(EMA(x, 2), 2) starts at index 2', () => {
    expect(firstValid(ema(ema(series, { period: 2 }), { period: 2 }))).toBe(find('EMA(EMA(x,2),2)').first_valid);
  });

  it('RSI is exact on tiny prices and scale-invariant', () => {
    const c = find('RSI');
    const input = arr(c.input as number[]);
    for (const scale of [1, 100_000]) {
      const out = rsi(input.map((x) => x * scale), { period: 10 });
      (c.expected as (number | null)[]).forEach((want, i) => {
        if (want === null) expect(out[i]).toBeNaN();
        else expect(out[i]).toBeCloseTo(want, 6);
      });
    }
  });

  it('EMA seeding variants: SMA seed, unstable period and Metastock (first value)', () => {
    const input = Float64Array.from({ length: 10 }, (_, i) => i);
    const variants = cases.filter((c) => c.func === 'EMA');
    const [plain, unstable, metastock] = variants;
    expect(nanAsNull(ema(input, { period: 3 }))).toEqual(plain!.expected);
    expect(nanAsNull(ema(input, { period: 3, unstablePeriod: 5 }))).toEqual(unstable!.expected);
    expect(nanAsNull(ema(input, { period: 3, seed: 'first' }))).toEqual(metastock!.expected);
    expect(new EMA({ period: 3, unstablePeriod: 5 }).warmup).toBe(7);
  });

  it('AROON with NaN lows: not ready until the NaN has left the window', () => {
    const c = find('AROON');
    const input = c.input as Record<string, (number | null)[]>;
    const expected = c.expected as Record<string, (number | null)[]>;
    const out = aroon(columns({ close: arr(input.high!), high: arr(input.high!), low: arr(input.low!) }), { period: 2 });
    expect(nanAsNull(out.up)).toEqual(expected.aroonup);
    expect(nanAsNull(out.down)).toEqual(expected.aroondown);
    // "also identical with high/low swapped"
    const swapped = aroon(columns({ close: arr(input.low!), high: arr(input.low!), low: arr(input.high!) }), { period: 2 });
    expect(nanAsNull(swapped.up)).toEqual(expected.aroonup);
  });

  it('CDL3BLACKCROWS: the same single hit at bar 17 (after the 10-bar averaging warm-up)', () => {
    const c = find('CDL3BLACKCROWS');
    const i = c.input as Record<string, number[]>;
    const out = candlePattern(columns({ open: F(i.open!), high: F(i.high!), low: F(i.low!), close: F(i.close!) }), { pattern: 'three_black_crows' });
    (c.expected as number[]).forEach((want, k) => {
      if (k < 10) expect(out[k]).toBeNaN();
      else expect(out[k]).toBe(want / 100);
    });
  });
});
