/**
 * Tulip Indicators' test vectors (tests/atoz.txt from Achelis' "Technical Analysis from A to Z",
 * tests/extra.txt, tests/untest.txt), copied in test/fixtures/tulipindicators. Tulip aligns its
 * outputs to the END of the input (no warm-up padding); every value it gives is compared where
 * Arbiter has a value, with tulip's conventions selected through options.
 */
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../model/bar.js';
import { candlePattern, type CandlePatternName } from './candles.js';
import { adx, adxr, dx, minusDI, minusDM, plusDI, plusDM } from './directional.js';
import { dema, ema, hma, kama, rma, sma, tema, trima, wma, zlema } from './moving-averages.js';
import { apo, cmo, macd, mom, ppo, roc, rsi, stochRsi, trix } from './momentum.js';
import { aroon, aroonOsc, bop, cci, stoch, ultosc, willr } from './oscillators.js';
import { priceTransform } from './price.js';
import { linreg, stddev, variance } from './statistics.js';
import { psar } from './trend.js';
import { atr, bbands, natr, trange } from './volatility.js';
import { ad, adosc, cmf, emv, mfi, obv, vwma } from './volume.js';
import { columns, readFixture } from './test-support.js';

interface TulipCase {
  readonly file: string;
  readonly name: string;
  readonly options: number[];
  readonly arrays: Float64Array[];
}

/** Parses tulip's test format: `name opt...`, then `{...}` input arrays, then `{...}` outputs. */
function parse(file: string): TulipCase[] {
  const cases: TulipCase[] = [];
  let current: { name: string; options: number[]; arrays: Float64Array[] } | undefined;
  for (const raw of readFixture('tulipindicators', file).split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line === '') {
      if (current) cases.push({ file, ...current });
      current = undefined;
      continue;
    }
    if (line.startsWith('{')) {
      const body = line.slice(1, line.lastIndexOf('}')).trim();
      current?.arrays.push(Float64Array.from(body === '' ? [] : body.split(',').map((v) => Number(v.trim()))));
    } else {
      const [name, ...opts] = line.split(/\s+/);
      current = { name: name!, options: opts.map(Number), arrays: [] };
    }
  }
  if (current) cases.push({ file, ...current });
  return cases;
}

const all = ['atoz.txt', 'extra.txt', 'untest.txt'].flatMap(parse);

type Run = (inputs: Float64Array[], opts: number[]) => Float64Array[];

const hlc = (i: Float64Array[]): OhlcvColumns => columns({ high: i[0]!, low: i[1]!, close: i[2]! });
const hl = (i: Float64Array[]): OhlcvColumns => columns({ close: i[1]!, high: i[0]!, low: i[1]! });
const hlcv = (i: Float64Array[]): OhlcvColumns => columns({ high: i[0]!, low: i[1]!, close: i[2]!, volume: i[3]! });
const ohlc = (i: Float64Array[]): OhlcvColumns => columns({ open: i[0]!, high: i[1]!, low: i[2]!, close: i[3]! });
const scale = (a: Float64Array, k: number) => a.map((v) => v * k);

/**
 * Arbiter's computation of each tulip indicator, outputs in tulip's order. The options select
 * tulip's conventions:
 * - tulip's EMA starts at the first input and reports every value (`seed: 'ewm'`); DEMA/TEMA/TRIX
 *   seed their EMAs with the first input but report after the chained warm-up (`seed: 'first'`);
 * - tulip's MACD seeds the signal on the first MACD value and reports it at once (`signalSeed: 'ewm'`);
 * - tulip's ATR/NATR count the first bar's range (`includeFirstBar`), its CCI averages each bar's
 *   deviation (`meanDeviation: 'moving'`), its CMO sums (`smoothing: 'sum'`), its EMV is unsmoothed
 *   with a 10,000 volume scale, its stochrsi is unsmoothed and in 0..1.
 */
const RUNNERS: Record<string, Run> = {
  ad: (i) => [ad(hlcv(i))],
  adosc: (i, [s, l]) => [adosc(hlcv(i), { fastPeriod: s, slowPeriod: l })],
  adx: (i, [p]) => [adx(hl(i), { period: p, seed: 'early' }).adx],
  adxr: (i, [p]) => [adxr(hl(i), { period: p, seed: 'early' }).adxr],
  apo: (i, [s, l]) => [apo(i[0]!, { fastPeriod: s, slowPeriod: l, seed: 'ewm' })],
  aroon: (i, [p]) => {
    const r = aroon(hl(i), { period: p });
    return [r.down, r.up];
  },
  aroonosc: (i, [p]) => [aroonOsc(hl(i), { period: p })],
  atr: (i, [p]) => [atr(hlc(i), { period: p, includeFirstBar: true })],
  avgprice: (i) => [priceTransform('avgprice', ohlc(i))],
  bbands: (i, [p, k]) => {
    const r = bbands(i[0]!, { period: p, stdDev: k });
    return [r.lower, r.middle, r.upper];
  },
  bop: (i) => [bop(ohlc(i))],
  cci: (i, [p]) => [cci(hlc(i), { period: p })],
  cmf: (i, [p]) => [cmf(hlcv(i), { period: p })],
  cmo: (i, [p]) => [cmo(i[0]!, { period: p, smoothing: 'sum' })],
  dema: (i, [p]) => [dema(i[0]!, { period: p, seed: 'first' })],
  di: (i, [p]) => [plusDI(hlc(i), { period: p }), minusDI(hlc(i), { period: p })],
  dm: (i, [p]) => [plusDM(hl(i), { period: p }), minusDM(hl(i), { period: p })],
  dx: (i, [p]) => [dx(hl(i), { period: p, seed: 'early' }).dx],
  ema: (i, [p]) => [ema(i[0]!, { period: p, seed: 'ewm' })],
  emv: (i) => [emv(columns({ close: i[1]!, high: i[0]!, low: i[1]!, volume: i[2]! }), { period: 1, volumeDivisor: 10_000 })],
  hma: (i, [p]) => [hma(i[0]!, { period: p })],
  kama: (i, [p]) => [kama(i[0]!, { period: p })],
  linreg: (i, [p]) => [linreg(i[0]!, { period: p }).linreg],
  linregintercept: (i, [p]) => [linreg(i[0]!, { period: p }).intercept],
  linregslope: (i, [p]) => [linreg(i[0]!, { period: p }).slope],
  macd: (i, [s, l, sig]) => {
    const r = macd(i[0]!, { fastPeriod: s, slowPeriod: l, signalPeriod: sig, seed: 'first', signalSeed: 'ewm', fixedAlphas: s === 12 && l === 26 });
    return [r.macd, r.signal, r.histogram];
  },
  medprice: (i) => [priceTransform('medprice', columns({ close: i[1]!, high: i[0]!, low: i[1]! }))],
  mfi: (i, [p]) => [mfi(hlcv(i), { period: p })],
  mom: (i, [p]) => [mom(i[0]!, { period: p })],
  natr: (i, [p]) => [natr(hlc(i), { period: p, includeFirstBar: true })],
  obv: (i) => [obv(columns({ close: i[0]!, volume: i[1]! }), { start: 'zero' })],
  ppo: (i, [s, l]) => [ppo(i[0]!, { fastPeriod: s, slowPeriod: l, seed: 'ewm' })],
  psar: (i, [a, m]) => [psar(hl(i), { acceleration: a, maximum: m }).sar],
  roc: (i, [p]) => [roc(i[0]!, { period: p, mode: 'rocp' })],
  rocr: (i, [p]) => [roc(i[0]!, { period: p, mode: 'rocr' })],
  rsi: (i, [p]) => [rsi(i[0]!, { period: p })],
  sma: (i, [p]) => [sma(i[0]!, { period: p })],
  stddev: (i, [p]) => [stddev(i[0]!, { period: p })],
  stoch: (i, [k, ks, d]) => {
    const r = stoch(hlc(i), { fastKPeriod: k, slowKPeriod: ks, slowDPeriod: d });
    return [r.k, r.d];
  },
  stochrsi: (i, [p]) => [scale(stochRsi(i[0]!, { period: p, fastKPeriod: p, slowKPeriod: 1, fastDPeriod: 1 }).k, 0.01)],
  tema: (i, [p]) => [tema(i[0]!, { period: p, seed: 'first' })],
  tr: (i) => [trange(hlc(i), { includeFirstBar: true })],
  trima: (i, [p]) => [trima(i[0]!, { period: p })],
  trix: (i, [p]) => [trix(i[0]!, { period: p, seed: 'first' })],
  tsf: (i, [p]) => [linreg(i[0]!, { period: p }).tsf],
  typprice: (i) => [priceTransform('typprice', hlc(i))],
  ultosc: (i, [a, b, c]) => [ultosc(hlc(i), { period1: a, period2: b, period3: c })],
  var: (i, [p]) => [variance(i[0]!, { period: p })],
  vwma: (i, [p]) => [vwma(columns({ close: i[0]!, volume: i[1]! }), { period: p })],
  wcprice: (i) => [priceTransform('wclprice', hlc(i))],
  wilders: (i, [p]) => [rma(i[0]!, { period: p })],
  willr: (i, [p]) => [willr(hlc(i), { period: p })],
  wma: (i, [p]) => [wma(i[0]!, { period: p })],
  zlema: (i, [p]) => [zlema(i[0]!, { period: p, seed: 'ewm' })],
};

/** Input arrays per indicator (the rest of the arrays are expected outputs). */
const INPUTS: Record<string, number> = {
  ad: 4, adosc: 4, adx: 2, adxr: 2, apo: 1, aroon: 2, aroonosc: 2, atr: 3, avgprice: 4, bbands: 1, bop: 4, cci: 3, cmf: 4, cmo: 1, dema: 1, di: 3, dm: 2, dx: 2, ema: 1, emv: 3, hma: 1, kama: 1,
  linreg: 1, linregintercept: 1, linregslope: 1, macd: 1, medprice: 2, mfi: 4, mom: 1, natr: 3, obv: 2, ppo: 1, psar: 2, roc: 1, rocr: 1, rsi: 1, sma: 1, stddev: 1, stoch: 3, stochrsi: 1, tema: 1,
  tr: 3, trima: 1, trix: 1, tsf: 1, typprice: 3, ultosc: 3, var: 1, vwma: 2, wcprice: 3, wilders: 1, willr: 3, wma: 1, zlema: 1,
};

/**
 * Vectors Arbiter does not reproduce, with the reason (each is asserted to differ, so that a change
 * of behaviour shows up here).
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'atoz.txt:psar 0.02 0.2':
    "tulip bootstraps the SAR differently (direction from the two first bars' midpoints, extreme point = the first bar's) and its value at a bar is the stop for the NEXT bar; Arbiter follows TA-Lib (checked on Wilder's own example in talib.test.ts): the stop in effect during the bar. The untest.txt psar vector agrees.",
  'untest.txt:trix 5': "tulip divides the triple EMA's one-bar change by the new value, TA-Lib and Arbiter by the previous one (0.4948 vs 0.492); the book vector atoz trix 3 agrees within its rounding.",
  'extra.txt:zlema 6': 'tulip starts its EMA on the raw price input[lag − 1] and only then feeds de-lagged values (2x − x[lag]); Arbiter applies a plain EMA to the de-lagged series, as backtrader does (backtrader.test.ts checks it).',
  'untest.txt:zlema 5': 'same ZLEMA seeding difference as extra.txt zlema 6.',
};

const supported = all.filter((c) => RUNNERS[c.name] !== undefined);

describe('tulip indicators test vectors', () => {
  it('covers the tulip indicators Arbiter implements', () => {
    expect(supported.length).toBe(109);
  });

  it.each(supported.map((c, n) => [`${c.file}: ${c.name} ${c.options.join(' ')} #${n}`, c] as const))('%s', (_label, c) => {
    const inputs = c.arrays.slice(0, INPUTS[c.name]);
    const expected = c.arrays.slice(INPUTS[c.name]);
    const got = RUNNERS[c.name]!(inputs, c.options);
    const n = inputs[0]!.length;
    let compared = 0;
    const mismatches: string[] = [];
    expected.forEach((want, k) => {
      const offset = n - want.length;
      want.forEach((w, j) => {
        const g = got[k]![offset + j]!;
        if (Number.isNaN(g)) return;
        compared++;
        const tol = Math.max(1e-3, Math.abs(w) * 1e-5);
        if (!(Math.abs(g - w) <= tol)) mismatches.push(`out${k}[${offset + j}] ${g} vs tulip ${w}`);
      });
    });
    const key = `${c.file}:${c.name} ${c.options.join(' ')}`.trim();
    if (KNOWN_DIFFERENCES[key]) {
      expect(mismatches.length, KNOWN_DIFFERENCES[key]).toBeGreaterThan(0);
      return;
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    // Arbiter's values must cover tulip's except for a warm-up that may be longer by convention.
    expect(compared).toBeGreaterThan(0);
  });
});

// ---- candlestick patterns (tests/candles.txt) ------------------------------------------------------

interface CandleCase {
  readonly ohlc: Float64Array[];
  readonly expect: { pattern: string; negate: boolean; indices: number[] }[];
}

function parseCandles(): CandleCase[] {
  const out: CandleCase[] = [];
  let cur: { ohlc: Float64Array[]; expect: CandleCase['expect'] } | undefined;
  for (const raw of readFixture('tulipindicators', 'candles.txt').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === 'candle') {
      if (cur) out.push(cur);
      cur = { ohlc: [], expect: [] };
    } else if (line.startsWith('{') && cur) {
      cur.ohlc.push(Float64Array.from(line.slice(1, line.lastIndexOf('}')).split(',').map((v) => Number(v.trim()))));
    } else if (/^!?[a-z_]+( \d+)+$/.test(line) && cur) {
      const [name, ...idx] = line.split(' ');
      cur.expect.push({ pattern: name!.replace(/^!/, ''), negate: name!.startsWith('!'), indices: idx.map(Number) });
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Tulip pattern → Arbiter pattern and the sign Arbiter reports for it. */
const CANDLE_MAP: Record<string, [CandlePatternName, number]> = {
  doji: ['doji', 1],
  dragonfly_doji: ['dragonfly_doji', 1],
  gravestone_doji: ['gravestone_doji', 1],
  long_legged_doji: ['long_legged_doji', 1],
  hammer: ['hammer', 1],
  inverted_hammer: ['inverted_hammer', 1],
  hanging_man: ['hanging_man', -1],
  shooting_star: ['shooting_star', -1],
  spinning_top: ['spinning_top', 0],
  marubozu: ['marubozu', 0],
  white_marubozu: ['marubozu', 1],
  black_marubozu: ['marubozu', -1],
  engulfing_bull: ['engulfing', 1],
  engulfing_bear: ['engulfing', -1],
  morning_star: ['morning_star', 1],
  evening_star: ['evening_star', -1],
  morning_doji_star: ['morning_doji_star', 1],
  evening_doji_star: ['evening_doji_star', -1],
  abandoned_baby_bull: ['abandoned_baby', 1],
  abandoned_baby_bear: ['abandoned_baby', -1],
  three_white_soldiers: ['three_white_soldiers', 1],
  three_black_crows: ['three_black_crows', -1],
};

describe('tulip candles test vectors', () => {
  const cases = parseCandles();
  const checks = cases.flatMap((c, n) => c.expect.filter((e) => CANDLE_MAP[e.pattern]).map((e) => [`case ${n}: ${e.negate ? 'not ' : ''}${e.pattern} at ${e.indices.join(',')}`, c, e] as const));

  it('covers the patterns Arbiter implements', () => {
    expect(checks.length).toBeGreaterThan(25);
  });

  it.each(checks)('%s', (_label, c, e) => {
    const [pattern, sign] = CANDLE_MAP[e.pattern]!;
    const out = candlePattern(columns({ open: c.ohlc[0]!, high: c.ohlc[1]!, low: c.ohlc[2]!, close: c.ohlc[3]! }), { pattern });
    for (const i of e.indices) {
      const v = out[i]!;
      const hit = sign === 0 ? v !== 0 : v === sign;
      expect(hit, `${pattern}[${i}] = ${v}`).toBe(!e.negate);
    }
  });
});
