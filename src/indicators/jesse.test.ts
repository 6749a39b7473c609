/**
 * Jesse's indicator tests (tests/test_indicators.py on real exchange candles; Jesse states its
 * values match TradingView). Each check rounds the value of the last candle to the given digits
 * (Python round-half-even). Computed through the registry by name, as the CLI will.
 *
 * Conventions selected: Jesse's DEMA/TRIX use EMAs started on the first price (`seed: 'ewm'`,
 * TradingView's `ta.ema`), its TRIX is TradingView's log form (`log: true`), its EMV is
 * TradingView's (SMA 14 of the raw value with a 10,000 volume scale) and its Keltner ATR has the
 * band's period.
 *
 * Not checked: test_ema/test_sma (their input arrays are not in the transcription), test_stoch,
 * test_srsi and test_rsmk (candle sets 3 and 4 are missing from it), test_dx and test_adxr (Jesse
 * now computes DI/ADX with Wilder averages started on the very first bar, a convention that on
 * its 30-bar test set gives DX 83.1 where TA-Lib's gives 67.1; Arbiter keeps TA-Lib's, verified in
 * talib.test.ts), and indicators Arbiter does not have.
 */
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../model/bar.js';
import { computeIndicator } from './registry.js';
import { readJsonFixture, roundHalfEven } from './test-support.js';

interface JesseCheck {
  target: string;
  round_digits: number | null;
  value: number;
}
interface JesseTest {
  test: string;
  calls: { args: ({ var: string; candles: string | null } | number)[] }[];
  checks: JesseCheck[];
}
const fixture = readJsonFixture<{ candles: Record<string, number[][]>; tests: JesseTest[] }>('jesse', 'jesse_indicator_vectors.json');

/** Jesse's candle columns are timestamp, open, close, high, low, volume. */
function candles(name: string): OhlcvColumns {
  const rows = fixture.candles[name]!;
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]!);
  return { time: col(0), open: col(1), close: col(2), high: col(3), low: col(4), volume: col(5) };
}

interface Case {
  readonly indicator: string;
  readonly params?: Record<string, unknown>;
  /** Check target → Arbiter line (`other:line` for another indicator with the same parameters; a scale for targets such as `single / 1000000`). */
  readonly lines: Record<string, string | [string, number]>;
}

const S = 'single';
const CASES: Record<string, Case> = {
  test_ad: { indicator: 'ad', lines: { [S]: 'ad' } },
  test_adosc: { indicator: 'adosc', params: { fastPeriod: 3, slowPeriod: 10 }, lines: { 'single / 1000000': ['adosc', 1e-6] } },
  test_adx: { indicator: 'adx', lines: { [S]: 'adx' } },
  test_aroon: { indicator: 'aroon', params: { period: 14 }, lines: { 'aroon.down': 'down', 'aroon.up': 'up' } },
  test_aroon_osc: { indicator: 'aroonosc', params: { period: 14 }, lines: { [S]: 'aroonosc' } },
  test_atr: { indicator: 'atr', lines: { [S]: 'atr' } },
  test_avgprice: { indicator: 'avgprice', lines: { [S]: 'avgprice' } },
  test_bollinger_bands: { indicator: 'bbands', lines: { u: 'upper', m: 'middle', l: 'lower' } },
  test_bollinger_bands_width: { indicator: 'bbands', lines: { [S]: 'width' } },
  test_bop: { indicator: 'bop', lines: { [S]: 'bop' } },
  test_cci: { indicator: 'cci', params: { period: 14 }, lines: { [S]: 'cci' } },
  test_cmo: { indicator: 'cmo', params: { period: 9 }, lines: { [S]: 'cmo' } },
  test_dema: { indicator: 'dema', params: { period: 9, seed: 'ewm' }, lines: { [S]: 'dema' } },
  test_di: { indicator: 'adx', params: { period: 14 }, lines: { 'single.plus': 'plusDI', 'single.minus': 'minusDI' } },
  test_dm: { indicator: 'plus_dm', params: { period: 14 }, lines: { 'single.plus': 'plus_dm', 'single.minus': 'minus_dm:minus_dm' } },
  test_donchian: { indicator: 'donchian', params: { period: 20 }, lines: { 'single.upperband': 'upper', 'single.middleband': 'middle', 'single.lowerband': 'lower' } },
  test_efi: { indicator: 'force_index', lines: { [S]: 'force_index' } },
  test_emv: { indicator: 'emv', params: { period: 14, volumeDivisor: 10_000 }, lines: { [S]: 'emv' } },
  test_hma: { indicator: 'hma', params: { period: 5 }, lines: { [S]: 'hma' } },
  test_kama: { indicator: 'kama', params: { period: 10 }, lines: { [S]: 'kama' } },
  test_kelner_channels: { indicator: 'keltner', params: { period: 20, atrPeriod: 20, multiplier: 2 }, lines: { u: 'upper', m: 'middle', l: 'lower' } },
  test_linearreg: { indicator: 'linreg', lines: { [S]: 'linreg' } },
  test_linearreg_angle: { indicator: 'linreg', lines: { [S]: 'angle' } },
  test_linearreg_intercept: { indicator: 'linreg', lines: { [S]: 'intercept' } },
  test_linearreg_slope: { indicator: 'linreg', lines: { [S]: 'slope' } },
  test_macd: { indicator: 'macd', params: { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 }, lines: { 'single.macd': 'macd', 'single.signal': 'signal', 'single.hist': 'histogram' } },
  test_medprice: { indicator: 'medprice', lines: { [S]: 'medprice' } },
  test_mfi: { indicator: 'mfi', params: { period: 9 }, lines: { [S]: 'mfi' } },
  test_mom: { indicator: 'mom', params: { period: 9 }, lines: { [S]: 'mom' } },
  test_natr: { indicator: 'natr', params: { period: 14 }, lines: { [S]: 'natr' } },
  test_obv: { indicator: 'obv', lines: { 'single / 1000000': ['obv', 1e-6] } },
  test_ppo: { indicator: 'ppo', params: { fastPeriod: 12, slowPeriod: 26, maType: '1' }, lines: { [S]: 'ppo' } },
  test_apo: { indicator: 'apo', params: { fastPeriod: 12, slowPeriod: 26, maType: '1' }, lines: { [S]: 'apo' } },
  test_roc: { indicator: 'roc', params: { period: 14 }, lines: { [S]: 'roc' } },
  test_rocp: { indicator: 'rocp', params: { period: 14 }, lines: { [S]: 'rocp' } },
  test_rocr: { indicator: 'rocr', params: { period: 14 }, lines: { [S]: 'rocr' } },
  test_rocr100: { indicator: 'rocr100', params: { period: 14 }, lines: { [S]: 'rocr100' } },
  test_rsi: { indicator: 'rsi', lines: { [S]: 'rsi' } },
  test_sar: { indicator: 'psar', params: { acceleration: 0.02, maximum: 0.2 }, lines: { [S]: 'sar' } },
  test_smma: { indicator: 'rma', params: { period: 5 }, lines: { [S]: 'rma' } },
  test_stddev: { indicator: 'stddev', params: { period: 5 }, lines: { [S]: 'stddev' } },
  test_stochf: { indicator: 'stochf', params: { fastKPeriod: 5, fastDPeriod: 3, fastDMaType: '0' }, lines: { 'single.k': 'k', 'single.d': 'd' } },
  test_supertrend: { indicator: 'supertrend', params: { period: 10, multiplier: 3 }, lines: { 'single.trend': 'supertrend' } },
  test_t3: { indicator: 't3', params: { period: 5, vFactor: 0.7 }, lines: { [S]: 't3' } },
  test_tema: { indicator: 'tema', params: { period: 9 }, lines: { [S]: 'tema' } },
  test_trange: { indicator: 'trange', lines: { [S]: 'trange' } },
  test_trima: { indicator: 'trima', params: { period: 9 }, lines: { [S]: 'trima' } },
  test_trix: { indicator: 'trix', params: { period: 18, seed: 'ewm', log: true }, lines: { [S]: 'trix' } },
  test_tsf: { indicator: 'linreg', lines: { [S]: 'tsf' } },
  test_typprice: { indicator: 'typprice', lines: { [S]: 'typprice' } },
  test_ultosc: { indicator: 'ultosc', params: { period1: 7, period2: 14, period3: 28 }, lines: { [S]: 'ultosc' } },
  test_var: { indicator: 'var', params: { period: 14 }, lines: { [S]: 'var' } },
  test_vwap: { indicator: 'vwap', lines: { [S]: 'vwap' } },
  test_vwma: { indicator: 'vwma', params: { period: 20 }, lines: { [S]: 'vwma' } },
  test_wclprice: { indicator: 'wclprice', lines: { [S]: 'wclprice' } },
  test_wilders: { indicator: 'rma', params: { period: 5 }, lines: { [S]: 'rma' } },
  test_willr: { indicator: 'willr', params: { period: 9 }, lines: { [S]: 'willr' } },
  test_wma: { indicator: 'wma', params: { period: 9 }, lines: { [S]: 'wma' } },
  test_zlema: { indicator: 'zlema', params: { period: 20 }, lines: { [S]: 'zlema' } },
  test_zscore: { indicator: 'zscore', params: { period: 14 }, lines: { [S]: 'zscore' } },
};

const tests = fixture.tests.filter((t) => CASES[t.test]);

describe("Jesse's TradingView-matching indicator values", () => {
  it('covers every Jesse test of an Arbiter indicator listed above', () => {
    expect(tests.map((t) => t.test).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(tests.map((t) => [t.test, t] as const))('%s', (_name, t) => {
    const spec = CASES[t.test]!;
    const arg = t.calls[0]!.args[0] as { candles: string };
    const data = candles(arg.candles);
    const { lines } = computeIndicator(spec.indicator, data, spec.params);
    const last = data.close.length - 1;
    const checks = t.checks.filter((c) => spec.lines[c.target]);
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) {
      const target = spec.lines[c.target]!;
      const [ref, scale] = typeof target === 'string' ? [target, 1] : target;
      const [other, line] = ref.includes(':') ? ref.split(':') : [undefined, ref];
      const values = other ? computeIndicator(other, data, spec.params).lines[line]! : lines[line]!;
      const v = values[last]! * scale;
      const got = c.round_digits === null ? v : roundHalfEven(v, c.round_digits);
      expect(got, `${c.target} = ${v}`).toBeCloseTo(c.value, 9);
    }
  });
});
