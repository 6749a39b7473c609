/**
 * The batch kernels that do not follow their class step by step (they reorder work for speed:
 * several windows side by side, one pass for several patterns, sorted copies, widened windows)
 * against the classes, bit for bit, on data made to hit their edge cases: prices on a coarse tick
 * (ties everywhere, flat bars), zero volume, NaN fields that restart the indicators, and settings
 * that change the kernels' paths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../model/bar.js';
import { CANDLE_PATTERN_NAMES, CandlePattern, candlePatterns } from './candles.js';
import { Fractals, SwingLevels, fractals, swingLevels } from './levels.js';
import { MACD, TRIX, macd, trix } from './momentum.js';
import { DEMA, TEMA, dema, tema } from './moving-averages.js';
import { CCI, ULTOSC, cci, ultosc } from './oscillators.js';
import { LinearRegression, linreg } from './statistics.js';
import { Ichimoku, Supertrend, ichimoku, supertrend } from './trend.js';

/** A random walk on a 0.5 tick with a NaN field every `nanEvery` bars (0: none), from a seed. */
function bars(n: number, seed: number, nanEvery: number): OhlcvColumns {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  const tick = (x: number): number => Math.round(x * 2) / 2;
  const c = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100;
  for (let i = 0; i < n; i++) {
    const open = tick(p);
    const close = tick(p + (rand() - 0.5) * 3);
    c.time[i] = 1_700_000_000_000 + i * 60_000;
    c.open[i] = open;
    c.close[i] = close;
    c.high[i] = Math.max(open, close) + (rand() < 0.3 ? 0 : tick(rand() * 2));
    c.low[i] = Math.min(open, close) - (rand() < 0.3 ? 0 : tick(rand() * 2));
    c.volume[i] = rand() < 0.1 ? 0 : Math.round(rand() * 100);
    if (nanEvery > 0 && i % nanEvery === nanEvery - 1) c[(['open', 'high', 'low', 'close'] as const)[Math.floor(rand() * 4)]!][i] = NaN;
    p = close < 20 ? 100 : close;
  }
  return c;
}

const bar = (c: OhlcvColumns, i: number) => ({ time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! });

/** Asserts `batch[i]` is the class's value at every bar (NaN matching NaN). */
function expectSame(label: string, batch: Float64Array, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const a = batch[i]!;
    const b = values[i]!;
    if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) expect(a, `${label} at bar ${i}`).toBe(b);
  }
}

const data = fc.record({ seed: fc.integer({ min: 1, max: 2 ** 31 }), nanEvery: fc.constantFrom(0, 0, 5, 37, 211), n: fc.integer({ min: 1, max: 700 }) });

describe('batch kernels equal their classes bit for bit', () => {
  it('CCI, four windows summed side by side (both mean deviations, periods 1 to 30)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 30 }), fc.constantFrom('window', 'moving' as const), ({ seed, nanEvery, n }, period, meanDeviation) => {
        const c = bars(n, seed, nanEvery);
        const cls = new CCI({ period, meanDeviation });
        expectSame(`cci(${period}, ${meanDeviation})`, cci(c, { period, meanDeviation }), Array.from({ length: n }, (_, i) => cls.update(bar(c, i))));
      }),
      { numRuns: 150 },
    );
  });

  it('the Ultimate Oscillator in one pass (any order of periods, a period past the re-summation interval)', () => {
    const long = bars(12_000, 7, 5_003);
    for (const [period1, period2, period3] of [[7, 14, 28], [28, 7, 14], [1, 1, 2], [300, 4_097, 5]]) {
      const cls = new ULTOSC({ period1, period2, period3 });
      expectSame(`ultosc(${period1},${period2},${period3})`, ultosc(long, { period1, period2, period3 }), Array.from({ length: long.close.length }, (_, i) => cls.update(bar(long, i))));
    }
  });

  it('Ichimoku, including the senkou window widened from the kijun one', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 26 }), fc.integer({ min: 0, max: 8 }), ({ seed, nanEvery, n }, tenkanPeriod, kijunPeriod, senkouPeriod, displacement) => {
        const c = bars(n, seed, nanEvery);
        const options = { tenkanPeriod, kijunPeriod, senkouPeriod, displacement };
        const cls = new Ichimoku(options);
        const out = ichimoku(c, options);
        const rows = Array.from({ length: n }, (_, i) => {
          cls.update(bar(c, i));
          return { tenkan: cls.tenkan, kijun: cls.kijun, senkouA: cls.senkouA, senkouB: cls.senkouB };
        });
        for (const line of ['tenkan', 'kijun', 'senkouA', 'senkouB'] as const) expectSame(`ichimoku.${line}`, out[line], rows.map((r) => r[line]));
      }),
      { numRuns: 150 },
    );
  });

  it('swing levels (sorted rings) and fractals (early exits)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }), ({ seed, nanEvery, n }, left, right, count) => {
        const c = bars(n, seed, nanEvery);
        const swing = new SwingLevels({ left, right, count });
        const fractal = new Fractals({ left, right });
        const levels = swingLevels(c, { left, right, count });
        const flags = fractals(c, { left, right });
        const rows = Array.from({ length: n }, (_, i) => {
          const support = swing.update(bar(c, i));
          const up = fractal.update(bar(c, i));
          return { support, resistance: swing.resistance, up, down: fractal.down };
        });
        expectSame('swing_levels.support', levels.support, rows.map((r) => r.support));
        expectSame('swing_levels.resistance', levels.resistance, rows.map((r) => r.resistance));
        expectSame('fractals.up', flags.up, rows.map((r) => r.up));
        expectSame('fractals.down', flags.down, rows.map((r) => r.down));
      }),
      { numRuns: 150 },
    );
  });

  it('candlestick patterns computed together (every pattern, short periods included)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 12 }), fc.subarray([...CANDLE_PATTERN_NAMES], { minLength: 1 }), ({ seed, nanEvery, n }, period, patterns) => {
        const c = bars(n, seed, nanEvery);
        const together = candlePatterns(c, patterns, { period });
        for (const pattern of patterns) {
          const cls = new CandlePattern({ pattern, period });
          expectSame(`cdl_${pattern}(${period})`, together[pattern], Array.from({ length: n }, (_, i) => cls.update(bar(c, i))));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('DEMA, TEMA and TRIX, their EMA stages run in one loop once steady (every seed, unstable periods)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 12 }), fc.constantFrom('sma', 'first', 'ewm' as const), fc.integer({ min: 0, max: 4 }), fc.boolean(), ({ seed, nanEvery, n }, period, emaSeed, unstablePeriod, log) => {
        const c = bars(n, seed, nanEvery);
        const chain = { period, seed: emaSeed, unstablePeriod };
        const d = new DEMA(chain);
        const t = new TEMA(chain);
        const x = new TRIX({ period, seed: emaSeed, log });
        expectSame(`dema(${period}, ${emaSeed}, ${unstablePeriod})`, dema(c.close, chain), Array.from(c.close, (v) => d.update(v)));
        expectSame(`tema(${period}, ${emaSeed}, ${unstablePeriod})`, tema(c.close, chain), Array.from(c.close, (v) => t.update(v)));
        expectSame(`trix(${period}, ${emaSeed}, log ${log})`, trix(c.close, { period, seed: emaSeed, log }), Array.from(c.close, (v) => x.update(v)));
      }),
      { numRuns: 200 },
    );
  });

  it('all-EMA MACD, its three recursions in one loop once steady (seeds, seed alignment, fixed alphas)', () => {
    fc.assert(
      fc.property(
        data,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('sma', 'first', 'ewm' as const),
        fc.constantFrom('sma', 'first', 'ewm' as const),
        fc.boolean(),
        fc.boolean(),
        ({ seed, nanEvery, n }, fastPeriod, extra, signalPeriod, emaSeed, signalSeed, alignSeeds, fixedAlphas) => {
          const c = bars(n, seed, nanEvery);
          const options = { fastPeriod, slowPeriod: fastPeriod + extra, signalPeriod, seed: emaSeed, signalSeed, alignSeeds, fixedAlphas };
          const cls = new MACD(options);
          const out = macd(c.close, options);
          const rows = Array.from(c.close, (v) => {
            cls.update(v);
            return { macd: cls.macd, signal: cls.signal, histogram: cls.histogram };
          });
          for (const line of ['macd', 'signal', 'histogram'] as const) expectSame(`macd.${line}`, out[line], rows.map((r) => r[line]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('Supertrend (its band recursion in a function of its own)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 15 }), fc.double({ min: 0, max: 5, noNaN: true }), fc.boolean(), ({ seed, nanEvery, n }, period, multiplier, includeFirstBar) => {
        const c = bars(n, seed, nanEvery);
        const cls = new Supertrend({ period, multiplier, includeFirstBar });
        const out = supertrend(c, { period, multiplier, includeFirstBar });
        const rows = Array.from({ length: n }, (_, i) => {
          const line = cls.update(bar(c, i));
          return { line, direction: cls.direction };
        });
        expectSame('supertrend', out.supertrend, rows.map((r) => r.line));
        expectSame('supertrend.direction', out.direction, rows.map((r) => r.direction));
      }),
      { numRuns: 100 },
    );
  });

  it('linear regression (every line)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 2, max: 30 }), ({ seed, nanEvery, n }, period) => {
        const c = bars(n, seed, nanEvery);
        const cls = new LinearRegression({ period });
        const out = linreg(c.close, { period });
        const rows = Array.from({ length: n }, (_, i) => {
          cls.update(c.close[i]!);
          return { linreg: cls.value, slope: cls.slope, intercept: cls.intercept, angle: cls.angle, r2: cls.r2, tsf: cls.tsf };
        });
        for (const line of ['linreg', 'slope', 'intercept', 'angle', 'r2', 'tsf'] as const) expectSame(`linreg.${line}`, out[line], rows.map((r) => r[line]));
      }),
      { numRuns: 100 },
    );
  });
});
