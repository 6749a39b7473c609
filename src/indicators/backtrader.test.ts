/**
 * backtrader's indicator tests (tests/test_ind_*.py): expected values printed with 6 decimals at
 * three bars of datas/2006-day-001.txt (the last, the first full-period one and a middle one). The
 * harness compares the values rounded to 6 decimals, as backtrader does.
 *
 * backtrader's conventions, selected through options: its EMAs start independently
 * (`alignSeeds: false`), its DM/ADX average from Wilder's worksheet start (`seed: 'sum'`) and its
 * ADXR looks `period` bars back (`lag`), its CCI averages each bar's own deviation
 * (`meanDeviation: 'moving'`), its KAMA starts from the SMA of the window (`seed: 'sma'`) and its
 * ROC/PctChange are fractions (`mode: 'rocp'`). Highest/Lowest run on the close.
 * Not Arbiter indicators: AccDecOsc, AO, DMA, DPO, DV2, envelopes, *Osc, HeikinAshi, KST, LRSI,
 * MomentumOscillator, PercentRank, PGO, RMI, SumN, TSI, Up/DownMove, Vortex, WilliamsAD.
 */
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../model/bar.js';
import { adxr } from './directional.js';
import { dema, ema, hma, kama, rma, sma, tema, wma, zlema } from './moving-averages.js';
import { apo, macd, mom, ppo, roc, rsi, trix } from './momentum.js';
import { aroon, aroonOsc, cci, stoch, stochf, ultosc, willr } from './oscillators.js';
import { ichimoku } from './trend.js';
import { atr, bbands, donchian } from './volatility.js';
import { column, readCsvFixture, readJsonFixture } from './test-support.js';

interface BtIndicator {
  indicator: string;
  first_valid_index: number;
  lines: { line: string; values: Record<string, number> }[];
}

const expected = readJsonFixture<{ indicators: BtIndicator[] }>('backtrader-indicators', 'indicator_expected_values.json');
const csv = readCsvFixture('backtrader-indicators', 'datas', '2006-day-001.txt');
const data: OhlcvColumns = {
  time: new Float64Array(csv.rows.length),
  open: column(csv, 'Open'),
  high: column(csv, 'High'),
  low: column(csv, 'Low'),
  close: column(csv, 'Close'),
  volume: column(csv, 'Volume'),
};
const x = data.close;

type Lines = Record<string, Float64Array>;
const COMPUTE: Record<string, () => Lines> = {
  AroonOscillator: () => ({ aroonosc: aroonOsc(data, { period: 14 }) }),
  AroonUpDown: () => {
    const r = aroon(data, { period: 14 });
    return { aroonup: r.up, aroondown: r.down };
  },
  ATR: () => ({ atr: atr(data, { period: 14 }) }),
  BBands: () => {
    const r = bbands(x, { period: 20, stdDev: 2 });
    return { mid: r.middle, top: r.upper, bot: r.lower };
  },
  CCI: () => ({ cci: cci(data, { period: 20, meanDeviation: 'moving' }) }),
  DEMA: () => ({ dema: dema(x, { period: 30 }) }),
  DM: () => {
    const r = adxr(data, { period: 14, seed: 'sum', lag: 14 });
    return { adx: r.adx, adxr: r.adxr, plusDI: r.plusDI, minusDI: r.minusDI };
  },
  EMA: () => ({ ema: ema(x, { period: 30 }) }),
  Highest: () => ({ highest: donchian({ high: x, low: x }, { period: 14 }).upper }),
  Lowest: () => ({ lowest: donchian({ high: x, low: x }, { period: 14 }).lower }),
  HMA: () => ({ hma: hma(x, { period: 30 }) }),
  Ichimoku: () => {
    const r = ichimoku(data);
    return { tenkan_sen: r.tenkan, kijun_sen: r.kijun, senkou_span_a: r.senkouA, senkou_span_b: r.senkouB };
  },
  KAMA: () => ({ kama: kama(x, { period: 30, fastPeriod: 2, slowPeriod: 30, seed: 'sma' }) }),
  MACDHisto: () => {
    const r = macd(x, { alignSeeds: false });
    return { macd: r.macd, signal: r.signal, histo: r.histogram };
  },
  Momentum: () => ({ momentum: mom(x, { period: 12 }) }),
  PctChange: () => ({ pctchange: roc(x, { period: 30, mode: 'rocp' }) }),
  PPO: () => {
    const p = ppo(x, { alignSeeds: false });
    const signal = ema(p, { period: 9 });
    return { ppo: p, signal, histo: p.map((v, i) => v - signal[i]!) };
  },
  PriceOsc: () => ({ po: apo(x, { alignSeeds: false }) }),
  ROC: () => ({ roc: roc(x, { period: 12, mode: 'rocp' }) }),
  RSI: () => ({ rsi: rsi(x, { period: 14 }) }),
  RSI_Safe: () => ({ rsi: rsi(x, { period: 14 }) }),
  SMA: () => ({ sma: sma(x, { period: 30 }) }),
  SMMA: () => ({ smma: rma(x, { period: 30 }) }),
  Stochastic: () => {
    const r = stoch(data, { fastKPeriod: 14, slowKPeriod: 3, slowDPeriod: 3 });
    return { percK: r.k, percD: r.d };
  },
  StochasticFull: () => {
    const fast = stochf(data, { fastKPeriod: 14, fastDPeriod: 3 });
    return { percK: fast.k, percD: fast.d, percDSlow: stoch(data, { fastKPeriod: 14, slowKPeriod: 3, slowDPeriod: 3 }).d };
  },
  TEMA: () => ({ tema: tema(x, { period: 30 }) }),
  Trix: () => ({ trix: trix(x, { period: 15 }) }),
  UltimateOscillator: () => ({ uo: ultosc(data) }),
  WilliamsR: () => ({ percR: willr(data, { period: 14 }) }),
  WMA: () => ({ wma: wma(x, { period: 30 }) }),
  ZLEMA: () => ({ zlema: zlema(x, { period: 30 }) }),
};

/** Lines Arbiter leaves out on purpose. */
const OMITTED_LINES: Record<string, string> = {
  'Ichimoku.chikou_span': "the chikou span is the close drawn 26 bars back: a look-ahead on a chart, just the close at the current bar",
};

const covered = expected.indicators.filter((i) => COMPUTE[i.indicator]);

describe('backtrader indicator expectations (2006-day-001)', () => {
  it('covers the backtrader indicators Arbiter implements', () => {
    expect(covered.length).toBe(Object.keys(COMPUTE).length);
  });

  it.each(covered.map((i) => [i.indicator, i] as const))('%s matches at the checked bars (6 decimals)', (_name, ind) => {
    const out = COMPUTE[ind.indicator]!();
    let firstValid = -1;
    for (const line of ind.lines) {
      const values = out[line.line];
      if (OMITTED_LINES[`${ind.indicator}.${line.line}`]) {
        expect(values).toBeUndefined();
        continue;
      }
      expect(values, `${ind.indicator}.${line.line}`).toBeDefined();
      firstValid = Math.max(firstValid, values!.findIndex((v) => !Number.isNaN(v)));
      for (const [bar, want] of Object.entries(line.values)) {
        const got = values![Number(bar)]!;
        expect(Math.abs(Number(got.toFixed(6)) - want), `${ind.indicator}.${line.line}[${bar}] = ${got}, backtrader ${want}`).toBeLessThan(1.5e-6);
      }
    }
    // backtrader's minimum period is the bar where every line has a value.
    expect(firstValid).toBe(ind.first_valid_index);
  });
});
