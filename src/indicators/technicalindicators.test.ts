/**
 * The `technicalindicators` npm package's own test vectors (test/**\/*.js literals). Outputs are
 * aligned to the end of the input (no warm-up padding); each value is compared where Arbiter has
 * one. Where technicalindicators reports a line before the others are ready (MACD line before its
 * signal, %K before %D, the SAR on the very first bar), Arbiter's "all lines ready together" /
 * TA-Lib warm-up starts later and those first values are not compared.
 *
 * Conventions selected: ADX from Wilder's worksheet sums (`seed: 'sum'`), independent MACD EMAs
 * (`alignSeeds: false`), OBV from zero, Ichimoku spans at the bar they are computed
 * (`displacement: 0`: technicalindicators leaves the forward shift to the chart). Its
 * WilderSmoothing is Wilder's running sum, i.e. `period × RMA`.
 * Not compared: KST, AwesomeOscillator, HeikinAshi, Renko, the candlestick patterns (single-bar
 * rules with fixed thresholds, where Arbiter follows Tulip's average-relative definitions), and the
 * volume profile's per-bin volumes (it counts a bar's whole volume in every row it touches; Arbiter
 * spreads it; the point of control is compared).
 */
import { describe, expect, it } from 'vitest';
import { adx, minusDM, plusDM } from './directional.js';
import { ema, rma, sma, wma } from './moving-averages.js';
import { macd, roc, rsi, trix } from './momentum.js';
import { cci, stochf, willr } from './oscillators.js';
import { ichimoku, psar } from './trend.js';
import { atr, bbands, keltner } from './volatility.js';
import { ad, forceIndex, mfi, obv, vwap } from './volume.js';
import { volumeProfile } from './levels.js';
import { readJsonFixture } from './test-support.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- literal test data of another library */
const T = readJsonFixture<{ tests: Record<string, any> }>('technicalindicators', 'technicalindicators_test_vectors.json').tests;
const F = (a: number[]): Float64Array => Float64Array.from(a);
const pick = (rows: any[], key: string): (number | null)[] => rows.map((r) => r[key] as number | null);

/** Compares the expected tail with Arbiter's values where both exist. */
function expectTail(mine: Float64Array, expected: (number | null)[], tolerance: number, minCompared: number): void {
  const offset = mine.length - expected.length;
  let compared = 0;
  expected.forEach((want, j) => {
    const got = mine[offset + j]!;
    if (want === null || Number.isNaN(got)) return;
    compared++;
    expect(Math.abs(got - want), `bar ${offset + j}: ${got} vs ${want}`).toBeLessThanOrEqual(tolerance);
  });
  expect(compared).toBeGreaterThanOrEqual(minCompared);
}

describe('technicalindicators test vectors', () => {
  it('ADX(14) with its DI lines', () => {
    const t = T['directionalmovement/ADX.js'];
    const r = adx({ high: F(t.input.high), low: F(t.input.low), close: F(t.input.close) }, { period: 14, seed: 'sum' });
    expectTail(r.adx, pick(t.expectResult, 'adx'), 1e-9, 20);
    expectTail(r.plusDI, pick(t.expectResult, 'pdi'), 1e-9, 20);
    expectTail(r.minusDI, pick(t.expectResult, 'mdi'), 1e-9, 20);
  });

  it('ATR(14)', () => {
    const t = T['directionalmovement/ATR.js'];
    expectTail(atr({ high: F(t.input.high), low: F(t.input.low), close: F(t.input.close) }, { period: 14 }), t.expectResult, 1e-9, 16);
  });

  it('one-bar +DM and −DM', () => {
    const p = T['directionalmovement/PlusDM.js'];
    expectTail(plusDM({ high: F(p.input.high), low: F(p.input.low) }, { period: 1 }), p.expectResult, 1e-12, 37);
    const m = T['directionalmovement/MinusDM.js'];
    expectTail(minusDM({ high: F(m.input.high), low: F(m.input.low) }, { period: 1 }), m.expectResult, 1e-12, 37);
  });

  it('Ichimoku lines and unshifted spans', () => {
    const t = T['ichimoku/IchimokuCloud.js'];
    const i = t.ichimokuInput;
    const r = ichimoku({ high: F(i.high), low: F(i.low) }, { tenkanPeriod: i.conversionPeriod, kijunPeriod: i.basePeriod, senkouPeriod: i.spanPeriod, displacement: 0 });
    expectTail(r.tenkan, pick(t.expectedOutput, 'conversion'), 1e-9, 115);
    expectTail(r.kijun, pick(t.expectedOutput, 'base'), 1e-9, 115);
    expectTail(r.senkouA, pick(t.expectedOutput, 'spanA'), 1e-9, 115);
    expectTail(r.senkouB, pick(t.expectedOutput, 'spanB'), 1e-9, 115);
  });

  it('Parabolic SAR from the second bar', () => {
    const t = T['momentum/PSAR.js'];
    expectTail(psar({ high: F(t.high), low: F(t.low) }, { acceleration: t.step, maximum: t.max }).sar, t.expectResult, 1e-9, 14);
  });

  it('ROC(12)', () => {
    const t = T['momentum/ROC.js'];
    expectTail(roc(F(t.data), { period: 12 }), t.expectResult, 1e-9, 8);
  });

  it('fast stochastic (14, 3)', () => {
    const t = T['momentum/Stochastic.js'];
    const r = stochf({ high: F(t.high), low: F(t.low), close: F(t.close) }, { fastKPeriod: t.period, fastDPeriod: t.signalPeriod });
    expectTail(r.k, pick(t.expectResult, 'k'), 1e-9, 15);
    expectTail(r.d, pick(t.expectResult, 'd'), 1e-9, 15);
  });

  it('TRIX(18)', () => {
    const t = T['momentum/TRIX.js'];
    expectTail(trix(F(t.close), { period: t.input.period }), t.expectResult, 1e-9, 11);
  });

  it('Williams %R(14)', () => {
    const t = T['momentum/WilliamsR.js'];
    expectTail(willr({ high: F(t.high), low: F(t.low), close: F(t.close) }, { period: t.period }), t.expectResult, 1e-9, 17);
  });

  it('EMA(9), SMA(10), WMA(9) and Wilder smoothing(14)', () => {
    expectTail(ema(F(T['moving_averages/EMA.js'].prices), { period: 9 }), T['moving_averages/EMA.js'].expectedOutput, 1e-9, 10);
    expectTail(sma(F(T['moving_averages/SMA.js'].prices), { period: 10 }), T['moving_averages/SMA.js'].expectResult, 1e-9, 9);
    expectTail(wma(F(T['moving_averages/WMA.js'].prices), { period: 9 }), T['moving_averages/WMA.js'].expectedResult, 1e-9, 10);
    const w = T['moving_averages/WilderSmoothing.js'];
    expectTail(rma(F(w.prices), { period: w.period }).map((v) => v * w.period), w.expectedResult, 1e-9, 6);
  });

  it('MACD(5, 8, 3)', () => {
    const t = T['moving_averages/MACD.js'];
    const i = t.macdInput;
    const r = macd(F(i.values), { fastPeriod: i.fastPeriod, slowPeriod: i.slowPeriod, signalPeriod: i.signalPeriod, alignSeeds: false });
    expectTail(r.macd, pick(t.expectedOutput, 'MACD'), 1e-9, 9);
    expectTail(r.signal, pick(t.expectedOutput, 'signal'), 1e-9, 9);
    expectTail(r.histogram, pick(t.expectedOutput, 'histogram'), 1e-9, 9);
  });

  it('CCI(20)', () => {
    const t = T['oscillators/CCI.js'];
    const i = t.inputCCI;
    expectTail(cci({ high: F(i.high), low: F(i.low), close: F(i.close) }, { period: i.period }), t.expectedResult, 1e-9, 11);
  });

  it('RSI(14), also without gains (values to 2 decimals)', () => {
    const t = T['oscillators/RSI.js'];
    expectTail(rsi(F(t.inputRSI.values), { period: 14 }), t.expectedResult, 0.005, 19);
    expectTail(rsi(F(t.noGainsInput.values), { period: 14 }), t.noGainsExpectedResult, 0.005, 7);
  });

  it('Bollinger Bands(10, 2) and %B', () => {
    const t = T['volatility/BollingerBands.js'];
    const r = bbands(F(t.prices), { period: t.period, stdDev: t.stdDev });
    expectTail(r.upper, pick(t.expectResult, 'upper'), 1e-9, 9);
    expectTail(r.middle, pick(t.expectResult, 'middle'), 1e-9, 9);
    expectTail(r.lower, pick(t.expectResult, 'lower'), 1e-9, 9);
    expectTail(r.percentB, pick(t.expectResult, 'pb'), 1e-9, 9);
  });

  it('Keltner channels EMA(20) ± ATR(10)', () => {
    const t = T['volatility/KeltnerChannels.js'];
    const i = t.input;
    const r = keltner({ high: F(i.high), low: F(i.low), close: F(i.close) }, { period: i.maPeriod, atrPeriod: i.atrPeriod, multiplier: i.multiplier });
    expectTail(r.middle, pick(t.expectResult, 'middle'), 1e-9, 84);
    expectTail(r.upper, pick(t.expectResult, 'upper'), 1e-9, 84);
    expectTail(r.lower, pick(t.expectResult, 'lower'), 1e-9, 84);
  });

  it('A/D line, Force Index, MFI, OBV and VWAP (rounded expectations)', () => {
    const a = T['volume/ADL.js'].input;
    expectTail(ad({ high: F(a.high), low: F(a.low), close: F(a.close), volume: F(a.volume) }), T['volume/ADL.js'].expectResult, 0.5, 30);
    const f = T['volume/ForceIndex.js'].inputForceIndex;
    expectTail(forceIndex({ close: F(f.close), volume: F(f.volume) }, { period: 1 }), T['volume/ForceIndex.js'].expectedResult, 0.5, 15);
    const m = T['volume/MFI.js'].input;
    expectTail(mfi({ high: F(m.high), low: F(m.low), close: F(m.close), volume: F(m.volume) }, { period: 14 }), T['volume/MFI.js'].expectResult, 0.005, 6);
    const o = T['volume/OBV.js'].input;
    expectTail(obv({ close: F(o.close), volume: F(o.volume) }, { start: 'zero' }), T['volume/OBV.js'].expectResult, 0, 15);
    const v = T['volume/VWAP.js'].inputVWAP;
    const n = v.close.length;
    // One session (no times given): the cumulative VWAP over the whole input.
    expectTail(vwap({ time: new Float64Array(n), open: F(v.close), high: F(v.high), low: F(v.low), close: F(v.close), volume: F(v.volume) }), T['volume/VWAP.js'].expectedResult, 0.005, 15);
  });

  it('volume profile: the same point of control over the whole input', () => {
    const t = T['volume/VolumeProfile.js'];
    const i = t.input;
    const n = i.close.length;
    const rows = t.expectResult as { rangeStart: number; rangeEnd: number; totalVolume: number }[];
    const poc = rows.reduce((best, r) => (r.totalVolume > best.totalVolume ? r : best));
    const r = volumeProfile({ high: F(i.high), low: F(i.low), close: F(i.close), volume: F(i.volume) }, { period: n, bins: t.input.noOfBars });
    expect(r.poc[n - 1]).toBeCloseTo((poc.rangeStart + poc.rangeEnd) / 2, 9);
  });
});
/* eslint-enable @typescript-eslint/no-explicit-any */
