/**
 * The indicator registry: every indicator by name, with its metadata (description, parameters with
 * defaults and ranges, output lines, input kind, references it is verified against), and the two
 * ways to run one by name:
 * - {@link createIndicator}: an incremental instance fed with bars (`update(bar)`);
 * - {@link computeIndicator}: the batch result over `OhlcvColumns`, `{ lines: { name: Float64Array } }`.
 *
 * Parameters are validated here (unknown names, types, ranges; text values as a command line gives
 * them) and by the indicator constructors (cross-field rules such as fastPeriod < slowPeriod); every
 * failure is a ConfigurationError whose key is `<indicator>.<parameter>`.
 *
 * @example
 * const rsi = createIndicator('rsi', { period: 14 });
 * for (const bar of bars) rsi.update(bar);
 * const { lines } = computeIndicator('macd', table, { fastPeriod: '12', slowPeriod: '26' });
 * lines.histogram; // Float64Array, NaN during warm-up
 */
import { ConfigurationError } from '../core/errors.js';
import type { OhlcvColumns } from '../model/bar.js';
import { CANDLE_PATTERNS, CANDLE_PATTERN_NAMES, CandlePattern, candlePattern, type CandlePatternName } from './candles.js';
import type { BarField, BarInput, IncrementalIndicator, InvalidInputPolicy } from './core/types.js';
import { ANCHORS } from './core/sessions.js';
import { ADX, ADXR, DIRECTIONAL_SEEDS, DX, MinusDI, MinusDM, PlusDI, PlusDM, adx, adxr, dx, minusDI, minusDM, plusDI, plusDM } from './directional.js';
import { Fractals, PIVOT_METHODS, PivotPoints, SwingLevels, VolumeProfile, fractals, pivots, swingLevels, volumeProfile, type PivotMethod } from './levels.js';
import { APO, CMO, GAIN_LOSS_SEEDS, GAIN_LOSS_SMOOTHINGS, MACD, MOM, PPO, ROC, RSI, StochRSI, TRIX, apo, cmo, macd, mom, ppo, roc, rsi, stochRsi, trix, type RocMode } from './momentum.js';
import {
  DEMA,
  EMA,
  EMA_SEEDS,
  HMA,
  KAMA,
  MA_TYPES,
  RMA,
  SMA,
  T3,
  TALIB_MA_CODES,
  TEMA,
  TRIMA,
  WMA,
  ZLEMA,
  dema,
  ema,
  hma,
  kama,
  rma,
  sma,
  t3,
  tema,
  trima,
  wma,
  zlema,
} from './moving-averages.js';
import { AroonOscillator, Aroon, BOP, CCI, CCI_MEAN_DEVIATIONS, Stochastic, StochasticFast, ULTOSC, WILLR, aroon, aroonOsc, bop, cci, stoch, stochf, ultosc, willr } from './oscillators.js';
import { PRICE_SOURCES, PriceTransformIndicator, priceOf, priceTransform, sourceColumn, type PriceSource, type PriceTransform } from './price.js';
import { LinearRegression, StdDev, Variance, ZScore, linreg, stddev, variance, zscore } from './statistics.js';
import { Ichimoku, PSAR, Supertrend, ichimoku, psar, supertrend } from './trend.js';
import { ATR, BollingerBands, DonchianChannels, KeltnerChannels, NATR, TrueRange, atr, bbands, donchian, keltner, natr, trange } from './volatility.js';
import { AD, ADOSC, CMF, EMV, ForceIndex, MFI, OBV, RollingVWAP, VWAP, VWMA, ad, adosc, cmf, emv, forceIndex, mfi, obv, vwap, vwapRolling, vwma } from './volume.js';

export type ParamValue = number | string | boolean;

/** One parameter of an indicator. */
export interface ParamSpec {
  /** Name as TA-Lib names it (camel-cased): `period`, `fastPeriod`, `slowPeriod`, `signalPeriod`, `stdDev`, … */
  readonly name: string;
  readonly type: 'integer' | 'number' | 'enum' | 'boolean';
  /** Default value; absent for optional parameters that fall back to another one (documented). */
  readonly default?: ParamValue;
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
  readonly description: string;
}

export type IndicatorGroup = 'moving-average' | 'momentum' | 'oscillator' | 'trend' | 'volatility' | 'volume' | 'statistics' | 'price' | 'levels' | 'pattern';

/** What the registry knows about an indicator. */
export interface IndicatorDefinition {
  /** Registry key, e.g. `rsi`, `bbands`, `cdl_engulfing`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly group: IndicatorGroup;
  /**
   * `price`: one number per step, taken from the bar by the `source` parameter (default `close`);
   * the class form accepts any number, e.g. another indicator's value.
   * `bar`: reads the bar `fields`.
   */
  readonly input: 'price' | 'bar';
  /** Bar fields read (for price indicators: those of the default source). */
  readonly fields: readonly BarField[];
  readonly params: readonly ParamSpec[];
  /** Output lines; the first is the primary value. */
  readonly lines: readonly string[];
  /** Reference implementations whose values the test-suite checks this indicator against. */
  readonly verifiedAgainst: readonly string[];
}

/** Resolved parameters: every parameter of the definition, defaults filled in. */
export type IndicatorParams = Readonly<Record<string, ParamValue | undefined>>;

/** How an instance created by name runs (not indicator parameters). */
export interface RunSettings {
  /** What a NaN/infinite input does: `reset` (default) or `throw` a DataError (see `InvalidInputPolicy`). */
  readonly onInvalid?: InvalidInputPolicy;
}

/** An indicator created by name: fed with bars, lines read by name. */
export interface IndicatorInstance {
  readonly definition: IndicatorDefinition;
  readonly params: IndicatorParams;
  readonly warmup: number;
  readonly isReady: boolean;
  /** The primary line. */
  readonly value: number;
  /** The underlying class instance (e.g. a `MACD`), for typed access to its lines. */
  readonly indicator: IncrementalIndicator;
  /** Feeds one bar (a price indicator reads its `source`), returns the primary value. */
  update(bar: BarInput): number;
  /** Current value of a line (NaN during warm-up). */
  line(name: string): number;
  /** All lines' current values (allocates; use `line` in hot loops). */
  values(): Record<string, number>;
  reset(): void;
}

/** A batch result by name. */
export interface IndicatorResult {
  readonly name: string;
  readonly params: IndicatorParams;
  readonly warmup: number;
  /** One array per line, of the input's length; NaN during warm-up. */
  readonly lines: Record<string, Float64Array>;
}

type Lines = Record<string, Float64Array>;
type Options = Record<string, unknown>;

interface Entry extends IndicatorDefinition {
  make(options: Options): IncrementalIndicator;
  batch(columns: OhlcvColumns, options: Options): Lines | Float64Array;
}

// ---- parameter specs ---------------------------------------------------------------------------

const int = (name: string, def: number, description: string, min = 1, max?: number): ParamSpec => ({ name, type: 'integer', default: def, min, ...(max === undefined ? {} : { max }), description });
const num = (name: string, def: number | undefined, description: string, min?: number, max?: number): ParamSpec => ({
  name,
  type: 'number',
  ...(def === undefined ? {} : { default: def }),
  ...(min === undefined ? {} : { min }),
  ...(max === undefined ? {} : { max }),
  description,
});
const oneOf = (name: string, def: string, values: readonly string[], description: string): ParamSpec => ({ name, type: 'enum', default: def, values, description });
const bool = (name: string, def: boolean, description: string): ParamSpec => ({ name, type: 'boolean', default: def, description });

const period = (def: number, min = 1, what = 'Look-back period in bars') => int('period', def, what, min);
const seed = oneOf('seed', 'sma', EMA_SEEDS, 'EMA seed: `sma` = SMA of the first inputs (TA-Lib, TradingView); `first` = the first input, early values withheld (TA-Lib Metastock mode); `ewm` = the first input, every value reported (tulip, pandas ewm)');
const unstable = int('unstablePeriod', 0, "TA-Lib's unstable period: extra leading values withheld", 0);
const maType = (name: string, def: string, what: string) => oneOf(name, def, MA_TYPES, `${what} (TA-Lib MA type; numeric TA-Lib codes accepted)`);
const alignSeeds = bool('alignSeeds', true, 'TA-Lib: start the fast average late so both SMA seeds end on the same bar; false = both start on the first bar (TradingView)');
const dmSeed = oneOf('seed', 'talib', DIRECTIONAL_SEEDS, 'Start of the smoothed sums: `talib` (period−1 movements then one smoothing step), `sum` (Wilder worksheet, StockCharts: the first period movements), `early` (tulip: period−1 movements, one bar earlier)');
const dmFirstBar = bool('includeFirstBar', false, 'The true-range average also counts the first bar (high − low), as talipp; changes only the DI lines');
const includeFirstBar = bool('includeFirstBar', false, "true: the first bar's true range is high − low, so ATR(n) starts at bar n − 1 (TradingView, talipp); false: TA-Lib");
const gainLossSeed = oneOf('seed', 'sma', GAIN_LOSS_SEEDS, 'Average gain/loss start: `sma` (Wilder, TA-Lib, TradingView), `metastock` (TA-Lib Metastock: one extra early value), `ewm` (pandas ewm from the first bar, the `ta` package)');
const smoothing = oneOf('smoothing', 'wilder', GAIN_LOSS_SMOOTHINGS, "`wilder` smoothing (TA-Lib) or plain `sum`s over the period (Chande's CMO, Cutler's RSI)");
const ddof = int('ddof', 0, 'Degrees of freedom removed from the variance: 0 population (TA-Lib), 1 sample (pandas)', 0, 1);
const candleParams: readonly ParamSpec[] = [
  period(10, 1, 'Bars averaged for the reference body and range'),
  num('bodyNone', 0.05, 'Doji body: under this × average range', 0),
  num('bodyShort', 0.5, 'Short body: under this × average body', 0),
  num('bodyLong', 1.4, 'Long body: over this × average body', 0),
  num('wickNone', 0.05, 'No wick: under this × average range', 0),
  num('wickLong', 0.6, 'Long wick: over this × average body', 0),
  num('near', 0.3, 'Near: within this × average range', 0),
];

// ---- definitions -------------------------------------------------------------------------------

const SOURCE = oneOf('source', 'close', PRICE_SOURCES, 'Bar value fed to the indicator: close, open, high, low, volume, hl2, hlc3, ohlc4, hlcc4');

interface Meta {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly group: IndicatorGroup;
  readonly params: readonly ParamSpec[];
  readonly lines?: readonly string[];
  readonly verifiedAgainst: readonly string[];
}

/** A one-series indicator: the registry adds the `source` parameter. */
function price(meta: Meta, make: (o: Options) => IncrementalIndicator, batch: (values: Float64Array, o: Options) => Lines | Float64Array): Entry {
  return {
    ...meta,
    input: 'price',
    fields: ['close'],
    params: [...meta.params, SOURCE],
    lines: meta.lines ?? [meta.name],
    make,
    batch: (c, o) => batch(sourceColumn(c, (o.source as PriceSource | undefined) ?? 'close'), o),
  };
}

function bar(meta: Meta, fields: readonly BarField[], make: (o: Options) => IncrementalIndicator, batch: (c: OhlcvColumns, o: Options) => Lines | Float64Array): Entry {
  return { ...meta, input: 'bar', fields, lines: meta.lines ?? [meta.name], make, batch };
}

const TA = 'TA-Lib';
const HLC: readonly BarField[] = ['high', 'low', 'close'];
const HLCV: readonly BarField[] = ['high', 'low', 'close', 'volume'];
const OHLC: readonly BarField[] = ['open', 'high', 'low', 'close'];

/** Options for a constructor: resolveParams has checked names and types, the constructor checks the rest. */
function o<T>(x: Options): T {
  return x as T;
}

const entries: Entry[] = [
  // moving averages
  price({ name: 'sma', title: 'Simple Moving Average', description: 'Arithmetic mean of the last `period` values.', group: 'moving-average', params: [period(20)], verifiedAgainst: [TA, 'tulip', 'backtrader', 'talipp', 'technicalindicators'] }, (x) => new SMA(o(x)), (v, x) => sma(v, o(x))),
  price({ name: 'ema', title: 'Exponential Moving Average', description: 'EMA with alpha 2/(period+1), SMA-seeded by default.', group: 'moving-average', params: [period(20), seed, unstable], verifiedAgainst: [TA, 'ta-lib-python', 'tulip', 'backtrader', 'talipp', 'technicalindicators'] }, (x) => new EMA(o(x)), (v, x) => ema(v, o(x))),
  price({ name: 'rma', title: "Wilder's Moving Average (RMA, SMMA)", description: 'EMA with alpha 1/period, SMA-seeded: the smoothing inside RSI, ATR and ADX.', group: 'moving-average', params: [period(14), oneOf('seed', 'sma', EMA_SEEDS, seed.description), unstable], verifiedAgainst: ['tulip', 'backtrader', 'jesse', 'technicalindicators'] }, (x) => new RMA(o(x)), (v, x) => rma(v, o(x))),
  price({ name: 'wma', title: 'Weighted Moving Average', description: 'Linearly weighted mean, newest heaviest.', group: 'moving-average', params: [period(20)], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse', 'technicalindicators'] }, (x) => new WMA(o(x)), (v, x) => wma(v, o(x))),
  price({ name: 'dema', title: 'Double Exponential Moving Average', description: '2·EMA − EMA(EMA).', group: 'moving-average', params: [period(20), seed, unstable], verifiedAgainst: [TA, 'ta-lib-python', 'tulip', 'backtrader', 'jesse'] }, (x) => new DEMA(o(x)), (v, x) => dema(v, o(x))),
  price({ name: 'tema', title: 'Triple Exponential Moving Average', description: '3·E1 − 3·E2 + E3.', group: 'moving-average', params: [period(20), seed, unstable], verifiedAgainst: [TA, 'tulip', 'backtrader', 'jesse'] }, (x) => new TEMA(o(x)), (v, x) => tema(v, o(x))),
  price({ name: 'trima', title: 'Triangular Moving Average', description: 'SMA of an SMA (triangular weights).', group: 'moving-average', params: [period(20)], verifiedAgainst: [TA, 'tulip', 'jesse'] }, (x) => new TRIMA(o(x)), (v, x) => trima(v, o(x))),
  price({ name: 'kama', title: "Kaufman's Adaptive Moving Average", description: 'EMA whose smoothing follows the efficiency ratio.', group: 'moving-average', params: [period(10), int('fastPeriod', 2, 'Period of the fastest smoothing constant'), int('slowPeriod', 30, 'Period of the slowest smoothing constant'), oneOf('seed', 'previous', ['previous', 'sma'], 'First value: `previous` input smoothed (TA-Lib) or the `sma` of the window (backtrader)'), unstable], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse'] }, (x) => new KAMA(o(x)), (v, x) => kama(v, o(x))),
  price({ name: 'hma', title: 'Hull Moving Average', description: 'WMA(2·WMA(p/2) − WMA(p), √p).', group: 'moving-average', params: [period(9, 2)], verifiedAgainst: ['tulip', 'backtrader', 'jesse'] }, (x) => new HMA(o(x)), (v, x) => hma(v, o(x))),
  price({ name: 't3', title: 'Tillson T3', description: 'Six chained EMAs combined by the volume factor.', group: 'moving-average', params: [period(5), num('vFactor', 0.7, 'Volume factor', 0, 1), seed, unstable], verifiedAgainst: [TA, 'jesse'] }, (x) => new T3(o(x)), (v, x) => t3(v, o(x))),
  price({ name: 'zlema', title: 'Zero-Lag EMA', description: 'EMA of x + (x − x[(period−1)/2]).', group: 'moving-average', params: [period(20), seed], verifiedAgainst: ['backtrader', 'jesse'] }, (x) => new ZLEMA(o(x)), (v, x) => zlema(v, o(x))),
  bar({ name: 'vwma', title: 'Volume-Weighted Moving Average', description: 'Σ price·volume / Σ volume over `period` bars.', group: 'moving-average', params: [period(20), oneOf('source', 'close', PRICE_SOURCES.filter((s) => s !== 'volume'), 'Price weighted by volume')], verifiedAgainst: ['tulip', 'jesse'] }, ['close', 'volume'], (x) => new VWMA(o(x)), (c, x) => vwma(c, o(x))),

  // momentum
  price({ name: 'rsi', title: 'Relative Strength Index', description: "Wilder's RSI, 0..100.", group: 'momentum', params: [period(14, 2), gainLossSeed, smoothing, unstable], verifiedAgainst: [TA, 'ta-lib-python', 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, (x) => new RSI(o(x)), (v, x) => rsi(v, o(x))),
  price({ name: 'cmo', title: 'Chande Momentum Oscillator', description: '100·(up − down)/(up + down), −100..100.', group: 'momentum', params: [period(14, 2), gainLossSeed, smoothing, unstable], verifiedAgainst: [TA, 'tulip', 'jesse'] }, (x) => new CMO(o(x)), (v, x) => cmo(v, o(x))),
  price({ name: 'mom', title: 'Momentum', description: 'x − x[period].', group: 'momentum', params: [period(10)], verifiedAgainst: [TA, 'ta-lib-python', 'tulip', 'backtrader', 'jesse'] }, (x) => new MOM(o(x)), (v, x) => mom(v, o(x))),
  ...(['roc', 'rocp', 'rocr', 'rocr100'] as RocMode[]).map((mode) =>
    price(
      { name: mode, title: { roc: 'Rate of Change (%)', rocp: 'Rate of Change (fraction)', rocr: 'Rate of Change Ratio', rocr100: 'Rate of Change Ratio ×100' }[mode], description: { roc: '(x/x[period] − 1)·100.', rocp: '(x − x[period])/x[period].', rocr: 'x/x[period].', rocr100: 'x/x[period]·100.' }[mode], group: 'momentum', params: [period(10)], verifiedAgainst: { roc: [TA, 'StockCharts', 'jesse', 'technicalindicators'], rocp: ['tulip', 'backtrader', 'jesse'], rocr: [TA, 'tulip', 'jesse'], rocr100: [TA, 'jesse'] }[mode] },
      (x) => new ROC({ ...o(x), mode }),
      (v, x) => roc(v, { ...o(x), mode }),
    ),
  ),
  price({ name: 'macd', title: 'MACD', description: 'fast MA − slow MA, its signal MA and the histogram.', group: 'momentum', lines: ['macd', 'signal', 'histogram'], params: [int('fastPeriod', 12, 'Fast average period'), int('slowPeriod', 26, 'Slow average period'), int('signalPeriod', 9, 'Signal average period'), maType('fastMaType', 'ema', 'Fast average'), maType('slowMaType', 'ema', 'Slow average'), maType('signalMaType', 'ema', 'Signal average'), seed, { ...seed, name: 'signalSeed', description: 'Seed of the signal EMA (default: seed; tulip: ewm)', default: undefined }, alignSeeds, bool('fixedAlphas', false, 'Smoothing factors 0.15/0.075 (MetaStock classic MACD, TA-Lib MACDFIX, tulip 12/26)')], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, (x) => new MACD(o(x)), (v, x) => ({ ...macd(v, o(x)) })),
  price({ name: 'apo', title: 'Absolute Price Oscillator', description: 'fast MA − slow MA.', group: 'momentum', params: [int('fastPeriod', 12, 'Fast average period'), int('slowPeriod', 26, 'Slow average period'), maType('maType', 'ema', 'Average'), seed, alignSeeds], verifiedAgainst: [TA, 'tulip', 'backtrader', 'jesse'] }, (x) => new APO(o(x)), (v, x) => apo(v, o(x))),
  price({ name: 'ppo', title: 'Percentage Price Oscillator', description: '(fast MA − slow MA)/slow MA·100.', group: 'momentum', params: [int('fastPeriod', 12, 'Fast average period'), int('slowPeriod', 26, 'Slow average period'), maType('maType', 'ema', 'Average'), seed, alignSeeds], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse'] }, (x) => new PPO(o(x)), (v, x) => ppo(v, o(x))),
  price({ name: 'trix', title: 'TRIX', description: '1-bar rate of change (%) of a triple EMA.', group: 'momentum', params: [period(15), seed, bool('log', false, 'TradingView/Jesse form: 10,000 × the one-bar change of the triple EMA of ln(price)')], verifiedAgainst: [TA, 'tulip', 'backtrader', 'jesse', 'technicalindicators'] }, (x) => new TRIX(o(x)), (v, x) => trix(v, o(x))),
  price({ name: 'stochrsi', title: 'Stochastic RSI', description: 'Stochastic oscillator of RSI values; slowKPeriod 1 = TA-Lib STOCHRSI.', group: 'momentum', lines: ['k', 'd'], params: [period(14, 2, 'RSI period'), int('fastKPeriod', 14, 'Stochastic window over the RSI'), int('slowKPeriod', 3, '%K smoothing (1 = none, TA-Lib)'), int('fastDPeriod', 3, '%D period'), maType('maType', 'sma', 'Smoothing average'), gainLossSeed], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'talipp'] }, (x) => new StochRSI(o(x)), (v, x) => ({ ...stochRsi(v, o(x)) })),

  // oscillators over bars
  bar({ name: 'stoch', title: 'Stochastic (slow)', description: '%K = MA(raw %K), %D = MA(%K).', group: 'oscillator', lines: ['k', 'd'], params: [int('fastKPeriod', 14, 'Raw %K window'), int('slowKPeriod', 3, '%K smoothing'), maType('slowKMaType', 'sma', '%K smoothing average'), int('slowDPeriod', 3, '%D period'), maType('slowDMaType', 'sma', '%D average')], verifiedAgainst: [TA, 'tulip', 'backtrader', 'talipp'] }, HLC, (x) => new Stochastic(o(x)), (c, x) => ({ ...stoch(c, o(x)) })),
  bar({ name: 'stochf', title: 'Stochastic (fast)', description: '%K = raw %K, %D = MA(%K).', group: 'oscillator', lines: ['k', 'd'], params: [int('fastKPeriod', 14, 'Raw %K window'), int('fastDPeriod', 3, '%D period'), maType('fastDMaType', 'sma', '%D average')], verifiedAgainst: ['StockCharts', 'backtrader', 'jesse', 'technicalindicators'] }, HLC, (x) => new StochasticFast(o(x)), (c, x) => ({ ...stochf(c, o(x)) })),
  bar({ name: 'willr', title: 'Williams %R', description: '−100·(highest − close)/(highest − lowest), −100..0.', group: 'oscillator', params: [period(14)], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, HLC, (x) => new WILLR(o(x)), (c, x) => willr(c, o(x))),
  bar({ name: 'cci', title: 'Commodity Channel Index', description: '(tp − SMA(tp))/(0.015·mean deviation).', group: 'oscillator', params: [period(20), oneOf('meanDeviation', 'window', CCI_MEAN_DEVIATIONS, '`window` (TA-Lib, StockCharts) or `moving` (backtrader)')], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, HLC, (x) => new CCI(o(x)), (c, x) => cci(c, o(x))),
  bar({ name: 'ultosc', title: 'Ultimate Oscillator', description: 'Weighted buying pressure / true range over three windows.', group: 'oscillator', params: [int('period1', 7, 'Shortest window (weight 4)'), int('period2', 14, 'Middle window (weight 2)'), int('period3', 28, 'Longest window (weight 1)')], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse'] }, HLC, (x) => new ULTOSC(o(x)), (c, x) => ultosc(c, o(x))),
  bar({ name: 'bop', title: 'Balance of Power', description: '(close − open)/(high − low).', group: 'oscillator', params: [], verifiedAgainst: [TA, 'tulip', 'jesse'] }, OHLC, (x) => new BOP(o(x)), (c, x) => bop(c, o(x))),
  bar({ name: 'aroon', title: 'Aroon', description: 'Bars since the highest high / lowest low, scaled 0..100.', group: 'oscillator', lines: ['up', 'down'], params: [period(14)], verifiedAgainst: [TA, 'ta-lib-python', 'tulip', 'backtrader', 'jesse'] }, ['high', 'low'], (x) => new Aroon(o(x)), (c, x) => ({ ...aroon(c, o(x)) })),
  bar({ name: 'aroonosc', title: 'Aroon Oscillator', description: 'Aroon up − Aroon down.', group: 'oscillator', params: [period(14)], verifiedAgainst: [TA, 'tulip', 'backtrader', 'jesse'] }, ['high', 'low'], (x) => new AroonOscillator(o(x)), (c, x) => aroonOsc(c, o(x))),

  // directional movement
  bar({ name: 'adx', title: 'Average Directional Index', description: "Wilder's ADX with its DI and DX lines.", group: 'trend', lines: ['adx', 'plusDI', 'minusDI', 'dx'], params: [period(14, 2), dmSeed, unstable, dmFirstBar], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, HLC, (x) => new ADX(o(x)), (c, x) => ({ ...adx(c, o(x)) })),
  bar({ name: 'adxr', title: 'ADX Rating', description: '(ADX + ADX period−1 bars ago)/2.', group: 'trend', lines: ['adxr', 'adx', 'plusDI', 'minusDI', 'dx'], params: [period(14, 2), dmSeed, unstable, dmFirstBar, { name: 'lag', type: 'integer', min: 1, description: 'Bars between the two ADX values (default: period − 1, TA-Lib; backtrader: period)' }], verifiedAgainst: [TA, 'tulip', 'backtrader'] }, HLC, (x) => new ADXR(o(x)), (c, x) => ({ ...adxr(c, o(x)) })),
  bar({ name: 'dx', title: 'Directional Movement Index', description: '100·|+DI − −DI|/(+DI + −DI).', group: 'trend', lines: ['dx', 'plusDI', 'minusDI'], params: [period(14, 2), dmSeed, unstable, dmFirstBar], verifiedAgainst: [TA, 'tulip', 'StockCharts'] }, HLC, (x) => new DX(o(x)), (c, x) => ({ ...dx(c, o(x)) })),
  bar({ name: 'plus_di', title: 'Plus Directional Indicator', description: '100·(+DM)/TR, Wilder-smoothed.', group: 'trend', params: [period(14), dmSeed, unstable, dmFirstBar], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'jesse'] }, HLC, (x) => new PlusDI(o(x)), (c, x) => plusDI(c, o(x))),
  bar({ name: 'minus_di', title: 'Minus Directional Indicator', description: '100·(−DM)/TR, Wilder-smoothed.', group: 'trend', params: [period(14), dmSeed, unstable, dmFirstBar], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'jesse'] }, HLC, (x) => new MinusDI(o(x)), (c, x) => minusDI(c, o(x))),
  bar({ name: 'plus_dm', title: 'Plus Directional Movement', description: 'Wilder-smoothed upward movement.', group: 'trend', params: [period(14), dmSeed, unstable], verifiedAgainst: [TA, 'tulip', 'jesse', 'technicalindicators'] }, ['high', 'low'], (x) => new PlusDM(o(x)), (c, x) => plusDM(c, o(x))),
  bar({ name: 'minus_dm', title: 'Minus Directional Movement', description: 'Wilder-smoothed downward movement.', group: 'trend', params: [period(14), dmSeed, unstable], verifiedAgainst: [TA, 'tulip', 'jesse', 'technicalindicators'] }, ['high', 'low'], (x) => new MinusDM(o(x)), (c, x) => minusDM(c, o(x))),

  // volatility
  bar({ name: 'trange', title: 'True Range', description: 'max(high, prevClose) − min(low, prevClose).', group: 'volatility', params: [includeFirstBar], verifiedAgainst: [TA, 'tulip', 'jesse'] }, HLC, (x) => new TrueRange(o(x)), (c, x) => trange(c, o(x))),
  bar({ name: 'atr', title: 'Average True Range', description: "Wilder's average of the true range.", group: 'volatility', params: [period(14), includeFirstBar, unstable], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, HLC, (x) => new ATR(o(x)), (c, x) => atr(c, o(x))),
  bar({ name: 'natr', title: 'Normalized ATR', description: '100·ATR/close.', group: 'volatility', params: [period(14), includeFirstBar, unstable], verifiedAgainst: [TA, 'tulip', 'jesse'] }, HLC, (x) => new NATR(o(x)), (c, x) => natr(c, o(x))),
  price({ name: 'bbands', title: 'Bollinger Bands', description: 'MA ± stdDev·σ, with band width and %B.', group: 'volatility', lines: ['middle', 'upper', 'lower', 'width', 'percentB'], params: [period(20), num('stdDev', 2, 'Band width in standard deviations', 0), num('stdDevUp', undefined, 'Upper band width (TA-Lib nbDevUp); default: stdDev', 0), num('stdDevDown', undefined, 'Lower band width (TA-Lib nbDevDn); default: stdDev', 0), maType('maType', 'sma', 'Middle band average'), ddof, seed], verifiedAgainst: [TA, 'ta-lib-python', 'tulip', 'StockCharts', 'backtrader', 'jesse', 'talipp', 'technicalindicators'] }, (x) => new BollingerBands(o(x)), (v, x) => ({ ...bbands(v, o(x)) })),
  bar({ name: 'keltner', title: 'Keltner Channels', description: 'MA(close) ± multiplier·ATR.', group: 'volatility', lines: ['middle', 'upper', 'lower'], params: [period(20, 1, 'Middle average period'), int('atrPeriod', 10, 'ATR period'), num('multiplier', 2, 'Band width in ATRs', 0), maType('maType', 'ema', 'Middle average'), includeFirstBar, seed], verifiedAgainst: ['StockCharts', 'jesse', 'talipp', 'technicalindicators'] }, HLC, (x) => new KeltnerChannels(o(x)), (c, x) => ({ ...keltner(c, o(x)) })),
  bar({ name: 'donchian', title: 'Donchian Channels', description: 'Highest high, lowest low and their midpoint.', group: 'volatility', lines: ['middle', 'upper', 'lower'], params: [period(20), int('offset', 0, 'Bars the channel is shifted back (1 = the channel of the previous bars)', 0)], verifiedAgainst: ['StockCharts', 'ta-lib-python (MIN/MAX)', 'backtrader (Highest/Lowest)', 'jesse', 'talipp'] }, ['high', 'low'], (x) => new DonchianChannels(o(x)), (c, x) => ({ ...donchian(c, o(x)) })),

  // trend
  bar({ name: 'psar', title: 'Parabolic SAR', description: "Wilder's stop-and-reverse (TA-Lib bootstrap).", group: 'trend', lines: ['sar', 'direction'], params: [num('acceleration', 0.02, 'Acceleration factor step', 0), num('maximum', 0.2, 'Maximum acceleration factor', 0)], verifiedAgainst: [TA, 'tulip', 'jesse', 'talipp', 'technicalindicators'] }, ['high', 'low'], (x) => new PSAR(o(x)), (c, x) => ({ ...psar(c, o(x)) })),
  bar({ name: 'supertrend', title: 'Supertrend', description: 'ATR trailing band that flips with the close (TradingView ta.supertrend).', group: 'trend', lines: ['supertrend', 'direction'], params: [period(10, 1, 'ATR period'), num('multiplier', 3, 'Band distance in ATRs', 0), includeFirstBar], verifiedAgainst: ['jesse', 'talipp'] }, HLC, (x) => new Supertrend(o(x)), (c, x) => ({ ...supertrend(c, o(x)) })),
  bar({ name: 'ichimoku', title: 'Ichimoku Kinko Hyo', description: 'Tenkan, kijun and the cloud (senkou A/B) in effect at each bar.', group: 'trend', lines: ['tenkan', 'kijun', 'senkouA', 'senkouB'], params: [int('tenkanPeriod', 9, 'Conversion line period'), int('kijunPeriod', 26, 'Base line period'), int('senkouPeriod', 52, 'Leading span B period'), int('displacement', 26, 'Cloud projection in bars', 0)], verifiedAgainst: ['backtrader', 'talipp', 'technicalindicators'] }, ['high', 'low'], (x) => new Ichimoku(o(x)), (c, x) => ({ ...ichimoku(c, o(x)) })),

  // volume
  bar({ name: 'obv', title: 'On-Balance Volume', description: 'Cumulative volume signed by the close change.', group: 'volume', params: [oneOf('start', 'volume', ['volume', 'zero'], '`volume`: start at the first bar volume (TA-Lib); `zero`')], verifiedAgainst: ['tulip', 'StockCharts', 'jesse', 'talipp', 'technicalindicators'] }, ['close', 'volume'], (x) => new OBV(o(x)), (c, x) => obv(c, o(x))),
  bar({ name: 'ad', title: 'Accumulation/Distribution Line', description: 'Cumulative close-location value × volume.', group: 'volume', params: [], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'jesse', 'technicalindicators'] }, HLCV, (x) => new AD(o(x)), (c, x) => ad(c, o(x))),
  bar({ name: 'adosc', title: 'Chaikin A/D Oscillator', description: 'EMA(AD, fast) − EMA(AD, slow).', group: 'volume', params: [int('fastPeriod', 3, 'Fast EMA period'), int('slowPeriod', 10, 'Slow EMA period'), oneOf('seed', 'first', EMA_SEEDS, 'EMA seed (TA-Lib: `first`)')], verifiedAgainst: [TA, 'tulip', 'jesse'] }, HLCV, (x) => new ADOSC(o(x)), (c, x) => adosc(c, o(x))),
  bar({ name: 'mfi', title: 'Money Flow Index', description: 'Volume-weighted RSI of the typical price.', group: 'volume', params: [period(14)], verifiedAgainst: [TA, 'tulip', 'StockCharts', 'jesse', 'technicalindicators'] }, HLCV, (x) => new MFI(o(x)), (c, x) => mfi(c, o(x))),
  bar({ name: 'cmf', title: 'Chaikin Money Flow', description: 'Σ(clv·volume)/Σ volume.', group: 'volume', params: [period(20)], verifiedAgainst: ['tulip'] }, HLCV, (x) => new CMF(o(x)), (c, x) => cmf(c, o(x))),
  bar({ name: 'vwap', title: 'VWAP (session)', description: 'Volume-weighted average price since the start of the UTC session.', group: 'volume', params: [oneOf('anchor', 'day', ANCHORS, 'Session: day, week (ISO, Monday), month (UTC), or bar'), oneOf('source', 'hlc3', PRICE_SOURCES.filter((s) => s !== 'volume'), 'Price weighted by volume')], verifiedAgainst: ['pandas-ta (via quantedge-ta)', 'jesse', 'technicalindicators'] }, ['time', 'high', 'low', 'close', 'volume'], (x) => new VWAP(o(x)), (c, x) => vwap(c, o(x))),
  bar({ name: 'vwap_rolling', title: 'VWAP (rolling)', description: 'Volume-weighted average price over the last `period` bars.', group: 'volume', params: [period(20), oneOf('source', 'hlc3', PRICE_SOURCES.filter((s) => s !== 'volume'), 'Price weighted by volume')], verifiedAgainst: ['StockCharts'] }, HLCV, (x) => new RollingVWAP(o(x)), (c, x) => vwapRolling(c, o(x))),
  bar({ name: 'force_index', title: 'Force Index', description: 'EMA of (close − prevClose)·volume.', group: 'volume', params: [period(13), seed], verifiedAgainst: ['StockCharts', 'jesse', 'technicalindicators'] }, ['close', 'volume'], (x) => new ForceIndex(o(x)), (c, x) => forceIndex(c, o(x))),
  bar({ name: 'emv', title: 'Ease of Movement', description: 'SMA of the midpoint move per unit of volume-over-range.', group: 'volume', params: [period(14, 1, 'Smoothing period (1 = raw)'), num('volumeDivisor', 100_000_000, 'Volume scale (StockCharts 1e8, tulip 1e4)', Number.MIN_VALUE)], verifiedAgainst: ['tulip', 'StockCharts', 'jesse'] }, ['high', 'low', 'volume'], (x) => new EMV(o(x)), (c, x) => emv(c, o(x))),

  // statistics
  price({ name: 'stddev', title: 'Standard Deviation', description: 'Rolling standard deviation × nbDev.', group: 'statistics', params: [period(20), num('nbDev', 1, 'Multiplier', 0), ddof], verifiedAgainst: [TA, 'tulip', 'jesse'] }, (x) => new StdDev(o(x)), (v, x) => stddev(v, o(x))),
  price({ name: 'var', title: 'Variance', description: 'Rolling variance.', group: 'statistics', params: [period(20), ddof], verifiedAgainst: ['tulip', 'jesse'] }, (x) => new Variance(o(x)), (v, x) => variance(v, o(x))),
  price({ name: 'zscore', title: 'Z-Score', description: '(x − mean)/σ over the window.', group: 'statistics', params: [period(20, 2), ddof], verifiedAgainst: ['jesse'] }, (x) => new ZScore(o(x)), (v, x) => zscore(v, o(x))),
  price({ name: 'linreg', title: 'Linear Regression', description: 'Least-squares line over the window: end value, slope, intercept, angle, r², one-step forecast.', group: 'statistics', lines: ['linreg', 'slope', 'intercept', 'angle', 'r2', 'tsf'], params: [period(14, 2)], verifiedAgainst: ['tulip', 'jesse'] }, (x) => new LinearRegression(o(x)), (v, x) => ({ ...linreg(v, o(x)) })),

  // price transforms
  ...(['medprice', 'typprice', 'avgprice', 'wclprice'] as PriceTransform[]).map((kind) =>
    bar(
      { name: kind, title: { medprice: 'Median Price', typprice: 'Typical Price', avgprice: 'Average Price', wclprice: 'Weighted Close Price' }[kind], description: { medprice: '(high + low)/2.', typprice: '(high + low + close)/3.', avgprice: '(open + high + low + close)/4.', wclprice: '(high + low + 2·close)/4.' }[kind], group: 'price', params: [], verifiedAgainst: kind === 'avgprice' ? [TA, 'tulip', 'jesse'] : ['tulip', 'jesse'] },
      kind === 'avgprice' ? OHLC : kind === 'medprice' ? ['high', 'low'] : HLC,
      (x) => new PriceTransformIndicator(kind, o(x)),
      (c, x) => priceTransform(kind, c, o(x)),
    ),
  ),

  // levels
  ...PIVOT_METHODS.map((method: PivotMethod) =>
    bar(
      { name: `pivots_${method}`, title: `Pivot Points (${method})`, description: `${method[0]!.toUpperCase()}${method.slice(1)} pivot levels from the previous period's high, low and close.`, group: 'levels', lines: method === 'camarilla' ? ['pp', 'r1', 'r2', 'r3', 'r4', 's1', 's2', 's3', 's4'] : ['pp', 'r1', 'r2', 'r3', 's1', 's2', 's3'], params: [oneOf('anchor', 'day', ANCHORS, 'Period: day, week, month (UTC) or bar (previous bar)')], verifiedAgainst: ['hand-computed examples'] },
      ['time', 'high', 'low', 'close'],
      (x) => new PivotPoints({ ...o(x), method }),
      (c, x) => ({ ...pivots(c, { ...o(x), method }) }),
    ),
  ),
  bar({ name: 'fractals', title: 'Williams Fractals', description: 'Up/down fractal flags, on the bar that confirms them.', group: 'levels', lines: ['up', 'down'], params: [int('left', 2, 'Bars before the pivot'), int('right', 2, 'Bars after the pivot (confirmation delay)')], verifiedAgainst: ['hand-computed examples'] }, ['high', 'low'], (x) => new Fractals(o(x)), (c, x) => ({ ...fractals(c, o(x)) })),
  bar({ name: 'swing_levels', title: 'Swing Support/Resistance', description: 'Nearest remembered swing low below / swing high above the close.', group: 'levels', lines: ['support', 'resistance'], params: [int('left', 5, 'Bars before a swing'), int('right', 5, 'Bars after a swing (confirmation delay)'), int('count', 10, 'Swings remembered on each side')], verifiedAgainst: ['hand-computed examples'] }, HLC, (x) => new SwingLevels(o(x)), (c, x) => ({ ...swingLevels(c, o(x)) })),
  bar({ name: 'volume_profile', title: 'Volume Profile Levels', description: 'Point of control, value area and the heaviest volume rows below/above the close.', group: 'levels', lines: ['poc', 'vah', 'val', 'support', 'resistance'], params: [period(100, 1, 'Bars in the profile'), int('bins', 24, 'Price rows', 2, 10_000), num('valueArea', 0.7, 'Share of volume in the value area', 0, 1)], verifiedAgainst: ['hand-computed examples', 'technicalindicators (point of control)'] }, HLCV, (x) => new VolumeProfile(o(x)), (c, x) => ({ ...volumeProfile(c, o(x)) })),

  // candlestick patterns
  ...CANDLE_PATTERN_NAMES.map((pattern: CandlePatternName) =>
    bar(
      { name: `cdl_${pattern}`, title: `Candle: ${pattern.replace(/_/g, ' ')}`, description: CANDLE_PATTERNS[pattern].description, group: 'pattern', params: candleParams, verifiedAgainst: pattern === 'harami' || pattern === 'shooting_star' ? ['hand-computed examples'] : pattern === 'three_black_crows' ? ['tulip candles', 'ta-lib-python'] : ['tulip candles'] },
      OHLC,
      (x) => new CandlePattern({ ...o(x), pattern }),
      (c, x) => candlePattern(c, { ...o(x), pattern }),
    ),
  ),
];

const byName = new Map(entries.map((e) => [e.name, e]));

// ---- public API --------------------------------------------------------------------------------

/** Every registered indicator, in registry order. */
export function listIndicators(): readonly IndicatorDefinition[] {
  return entries;
}

/** The definition of `name`; a ConfigurationError lists the available names when unknown. */
export function getIndicator(name: string): IndicatorDefinition {
  return entry(name);
}

function entry(name: string): Entry {
  const e = byName.get(name);
  if (!e) {
    throw new ConfigurationError(`unknown indicator "${name}"; available: ${[...byName.keys()].sort().join(', ')}`, 'indicator');
  }
  return e;
}

/**
 * Validates and completes parameters for `name`. Values may be typed or text (`'14'`, `'true'`,
 * `'ema'`, TA-Lib's numeric MA codes such as `'1'`). Unknown names, wrong types and out-of-range
 * values are ConfigurationErrors keyed `<indicator>.<parameter>`.
 */
export function resolveParams(name: string, raw: Readonly<Record<string, unknown>> = {}): IndicatorParams {
  const def = entry(name);
  const known = new Map(def.params.map((p) => [p.name, p]));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      const list = def.params.length ? def.params.map((p) => p.name).join(', ') : 'no parameters';
      throw new ConfigurationError(`unknown parameter "${key}"; ${name} takes ${list}`, `${name}.${key}`);
    }
  }
  const out: Record<string, ParamValue | undefined> = {};
  for (const spec of def.params) {
    const given = raw[spec.name];
    out[spec.name] = given === undefined || given === '' ? spec.default : parseValue(name, spec, given);
  }
  return Object.freeze(out);
}

function parseValue(indicator: string, spec: ParamSpec, value: unknown): ParamValue {
  const key = `${indicator}.${spec.name}`;
  const fail = (expected: string): never => {
    throw new ConfigurationError(`must be ${expected}, got ${JSON.stringify(value)}`, key);
  };
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      const what = spec.type === 'integer' ? 'an integer' : 'a finite number';
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) fail(what);
      if (spec.min !== undefined && n < spec.min) fail(`${what} >= ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) fail(`${what} <= ${spec.max}`);
      return n;
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1 || value === '1') return true;
      if (value === false || value === 'false' || value === 0 || value === '0') return false;
      return fail('true or false');
    case 'enum': {
      const values = spec.values ?? [];
      if (typeof value === 'string' && values.includes(value)) return value;
      // TA-Lib numeric MA codes (0 = SMA, 1 = EMA, ...) for MA-type parameters.
      if (values === MA_TYPES && (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value)))) {
        const code = TALIB_MA_CODES[Number(value)];
        if (code) return code;
      }
      return fail(`one of ${values.join(', ')}`);
    }
  }
}

function optionsOf(params: IndicatorParams, settings: RunSettings): Options {
  const options: Options = { onInvalid: settings.onInvalid };
  for (const [k, v] of Object.entries(params)) if (v !== undefined && k !== 'source') options[k] = v;
  if (params.source !== undefined) options.source = params.source;
  return options;
}

class RegisteredIndicator implements IndicatorInstance {
  readonly definition: IndicatorDefinition;
  readonly params: IndicatorParams;
  readonly indicator: IncrementalIndicator;
  private readonly source: PriceSource | undefined;
  private readonly target: { update(input: unknown): number };
  private readonly extraLines: ReadonlySet<string>;

  constructor(def: Entry, params: IndicatorParams, options: Options) {
    this.definition = def;
    this.params = params;
    this.indicator = def.make(def.input === 'price' ? { ...options, source: undefined, inputName: params.source } : options);
    this.target = this.indicator as unknown as { update(input: unknown): number };
    this.source = def.input === 'price' ? (params.source as PriceSource) : undefined;
    this.extraLines = new Set(def.lines.slice(1));
  }

  get warmup(): number {
    return this.indicator.warmup;
  }

  get isReady(): boolean {
    return this.indicator.isReady;
  }

  get value(): number {
    return this.indicator.value;
  }

  update(bar: BarInput): number {
    return this.target.update(this.source === undefined ? bar : priceOf(this.source, bar));
  }

  line(name: string): number {
    if (name === this.definition.lines[0]) return this.indicator.value;
    if (!this.extraLines.has(name)) {
      throw new ConfigurationError(`${this.definition.name} has no line "${name}"; lines: ${this.definition.lines.join(', ')}`, `${this.definition.name}.line`);
    }
    return (this.indicator as unknown as Record<string, number>)[name]!;
  }

  values(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const l of this.definition.lines) out[l] = this.line(l);
    return out;
  }

  reset(): void {
    this.indicator.reset();
  }
}

/**
 * An incremental indicator by name, fed with bars.
 * @example
 * const bb = createIndicator('bbands', { period: 20, stdDev: 2 });
 * for (const bar of bars) bb.update(bar);
 * bb.line('upper');
 */
export function createIndicator(name: string, params: Readonly<Record<string, unknown>> = {}, settings: RunSettings = {}): IndicatorInstance {
  const def = entry(name);
  const resolved = resolveParams(name, params);
  return new RegisteredIndicator(def, resolved, optionsOf(resolved, settings));
}

/**
 * The batch result of `name` over a table: one Float64Array per line, NaN during warm-up.
 * Identical to feeding every bar to {@link createIndicator}'s instance.
 * @example
 * const { lines } = computeIndicator('rsi', table, { period: 14 });
 * lines.rsi[lines.rsi.length - 1];
 */
export function computeIndicator(name: string, columns: OhlcvColumns, params: Readonly<Record<string, unknown>> = {}, settings: RunSettings = {}): IndicatorResult {
  const def = entry(name);
  const resolved = resolveParams(name, params);
  const options = optionsOf(resolved, settings);
  const warmup = def.make(def.input === 'price' ? { ...options, source: undefined } : options).warmup;
  const result = def.batch(columns, def.input === 'price' ? { ...options, inputName: options.source } : options);
  const lines: Lines = {};
  if (result instanceof Float64Array) {
    lines[def.lines[0]!] = result;
  } else {
    for (const l of def.lines) {
      const arr = result[l];
      if (!arr) throw new Error(`indicator ${name}: batch result lacks line ${l}`);
      lines[l] = arr;
    }
  }
  return { name, params: resolved, warmup, lines };
}
