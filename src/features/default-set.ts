/**
 * The built-in feature sets (see docs/features.md for the list with formulas):
 * - `default`: 140+ scale-free features covering every family, chosen so that the whole set over
 *   a million bars stays fast;
 * - `full`: `default` plus near-duplicates and rarer patterns (more averages and channels, every
 *   candlestick pattern of the indicator library).
 * Their multi-timeframe features use the next two timeframes of the ladder 1h, 4h, 1d, 1w that are
 * whole multiples of the series' timeframe and at least 4× longer, so a set depends on the
 * series' timeframe (a 5m series gets 1h and 4h features, a 1h series 4h and 1d).
 */
import { timeframeMs } from '../core/time.js';
import { defineFeatureSet } from './schema.js';
import type { FeatureDefinition, FeatureSet, IndicatorFeature, IndicatorTransform, VolatilityEstimator } from './types.js';

const LADDER = ['1h', '4h', '1d', '1w'] as const;

/** The higher timeframes the default set reads for a series of `timeframe` (at most two). */
export function defaultHigherTimeframes(timeframe: string): string[] {
  const base = timeframeMs(timeframe);
  return LADDER.filter((tf) => {
    const ms = timeframeMs(tf);
    return ms >= 4 * base && ms % base === 0;
  }).slice(0, 2);
}

type Params = Record<string, number | string | boolean>;

const ind = (indicator: string, params: Params = {}, line?: string, transform: IndicatorTransform = 'raw'): FeatureDefinition => ({
  kind: 'indicator',
  indicator,
  ...(Object.keys(params).length > 0 && { params }),
  ...(line !== undefined && { line }),
  ...(transform !== 'raw' && { transform }),
});

/** The features computed on each higher timeframe. */
function higherTimeframeFeatures(): Record<string, FeatureDefinition> {
  return {
    rsi_14: ind('rsi', { period: 14 }),
    logret_1: { kind: 'return', lag: 1, log: true },
    natr_14: ind('natr', { period: 14 }),
    bb_percent_b_20: ind('bbands', { period: 20 }, 'percentB'),
    dist_ema_20: ind('ema', { period: 20 }, undefined, 'distance'),
    adx_14: ind('adx', { period: 14 }),
  };
}

/**
 * Volume-profile levels over the last 100 bars of the first higher timeframe (the series' own when
 * there is none): a profile of days rather than of hours on intraday data, and 1/12 to 1/60 of
 * the cost (a profile is rebuilt from its whole window on every bar).
 */
function volumeProfileFeatures(timeframe: string): Record<string, FeatureDefinition> {
  const higher = defaultHigherTimeframes(timeframe)[0];
  const suffix = higher === undefined ? '' : `_${higher}`;
  const f: Record<string, FeatureDefinition> = {};
  for (const line of ['poc', 'vah', 'val', 'support', 'resistance']) {
    const def: IndicatorFeature = { kind: 'indicator', indicator: 'volume_profile', line, transform: 'distance', ...(higher !== undefined && { timeframe: higher }) };
    f[`dist_vp_${line}${suffix}`] = def;
  }
  return f;
}

/** The candlestick patterns of the default set: those the issue names; `full` has every pattern. */
const DEFAULT_PATTERNS = ['doji', 'hammer', 'hanging_man', 'shooting_star', 'engulfing', 'harami', 'morning_star', 'evening_star', 'three_white_soldiers', 'three_black_crows'];
const EXTRA_PATTERNS = ['dragonfly_doji', 'gravestone_doji', 'long_legged_doji', 'inverted_hammer', 'spinning_top', 'marubozu', 'morning_doji_star', 'evening_doji_star', 'abandoned_baby'];

function build(timeframe: string, full: boolean): Record<string, FeatureDefinition> {
  const f: Record<string, FeatureDefinition> = {};
  // Returns and log returns.
  for (const lag of [1, 2, 3, 5, 10, 20, 60]) f[`ret_${lag}`] = { kind: 'return', lag };
  for (const lag of [1, 2, 3, 5, 10, 20, 60]) f[`logret_${lag}`] = { kind: 'return', lag, log: true };
  // Rolling moments and autocorrelation of one-bar log returns.
  for (const window of [10, 20, 60]) f[`logret_mean_${window}`] = { kind: 'rolling', stat: 'mean', window };
  for (const window of [10, 20, 60]) f[`logret_std_${window}`] = { kind: 'rolling', stat: 'std', window };
  for (const window of [20, 60]) f[`logret_skew_${window}`] = { kind: 'rolling', stat: 'skew', window };
  for (const window of [20, 60]) f[`logret_kurt_${window}`] = { kind: 'rolling', stat: 'kurt', window };
  for (const [lag, window] of [[1, 20], [1, 60], [2, 60], [5, 60]] as const) f[`logret_autocorr_${lag}_${window}`] = { kind: 'autocorr', lag, window };
  // Volatility estimators.
  const estimators: [string, VolatilityEstimator][] = [['cc', 'close_to_close'], ['parkinson', 'parkinson'], ['gk', 'garman_klass'], ['rs', 'rogers_satchell'], ['yz', 'yang_zhang']];
  for (const [short, estimator] of estimators) for (const window of [20, 60]) f[`vol_${short}_${window}`] = { kind: 'volatility', estimator, window };
  // Bounded or already scale-free indicators.
  for (const period of [7, 14, 28]) f[`rsi_${period}`] = ind('rsi', { period });
  f.stochrsi_k = ind('stochrsi', {}, 'k');
  f.stochrsi_d = ind('stochrsi', {}, 'd');
  f.stoch_k = ind('stoch', {}, 'k');
  f.stoch_d = ind('stoch', {}, 'd');
  if (full) f.stochf_k = ind('stochf', {}, 'k');
  f.willr_14 = ind('willr', { period: 14 });
  f.cci_20 = ind('cci', { period: 20 });
  f.cmo_14 = ind('cmo', { period: 14 });
  f.mfi_14 = ind('mfi', { period: 14 });
  f.cmf_20 = ind('cmf', { period: 20 });
  f.ultosc = ind('ultosc');
  f.bop = ind('bop');
  f.aroon_up_14 = ind('aroon', { period: 14 }, 'up');
  f.aroon_down_14 = ind('aroon', { period: 14 }, 'down');
  if (full) f.aroonosc_14 = ind('aroonosc', { period: 14 });
  f.adx_14 = ind('adx', { period: 14 });
  f.plus_di_14 = ind('adx', { period: 14 }, 'plusDI');
  f.minus_di_14 = ind('adx', { period: 14 }, 'minusDI');
  f.roc_10 = ind('roc', { period: 10 });
  f.roc_20 = ind('roc', { period: 20 });
  f.trix_15 = ind('trix', { period: 15 });
  f.ppo = ind('ppo');
  f.natr_14 = ind('natr', { period: 14 });
  f.linreg_r2_14 = ind('linreg', { period: 14 }, 'r2');
  f.zscore_20 = ind('zscore', { period: 20 });
  f.zscore_50 = ind('zscore', { period: 50 });
  f.bb_percent_b_20 = ind('bbands', { period: 20 }, 'percentB');
  f.bb_width_20 = ind('bbands', { period: 20 }, 'width');
  f.psar_direction = ind('psar', {}, 'direction');
  f.supertrend_direction = ind('supertrend', {}, 'direction');
  // Price differences relative to the price.
  f.macd_rel = ind('macd', {}, 'macd', 'relative');
  f.macd_signal_rel = ind('macd', {}, 'signal', 'relative');
  f.macd_hist_rel = ind('macd', {}, 'histogram', 'relative');
  f.mom_10_rel = ind('mom', { period: 10 }, undefined, 'relative');
  f.linreg_slope_14_rel = ind('linreg', { period: 14 }, 'slope', 'relative');
  f.trange_rel = ind('trange', {}, undefined, 'relative');
  // Distance of the close to averages.
  for (const period of [10, 20, 50, 200]) f[`dist_sma_${period}`] = ind('sma', { period }, undefined, 'distance');
  for (const period of [10, 20, 50, 200]) f[`dist_ema_${period}`] = ind('ema', { period }, undefined, 'distance');
  f.dist_wma_20 = ind('wma', { period: 20 }, undefined, 'distance');
  f.dist_dema_20 = ind('dema', { period: 20 }, undefined, 'distance');
  f.dist_tema_20 = ind('tema', { period: 20 }, undefined, 'distance');
  f.dist_kama_10 = ind('kama', { period: 10 }, undefined, 'distance');
  f.dist_hma_9 = ind('hma', { period: 9 }, undefined, 'distance');
  if (full) {
    f.dist_trima_20 = ind('trima', { period: 20 }, undefined, 'distance');
    f.dist_t3_5 = ind('t3', { period: 5 }, undefined, 'distance');
    f.dist_zlema_20 = ind('zlema', { period: 20 }, undefined, 'distance');
  }
  f.dist_vwma_20 = ind('vwma', { period: 20 }, undefined, 'distance');
  f.dist_vwap = ind('vwap', {}, undefined, 'distance');
  f.dist_vwap_rolling_20 = ind('vwap_rolling', { period: 20 }, undefined, 'distance');
  f.ema_10_50_ratio = { kind: 'ratio', numerator: { indicator: 'ema', params: { period: 10 } }, denominator: { indicator: 'ema', params: { period: 50 } } };
  f.sma_20_200_ratio = { kind: 'ratio', numerator: { indicator: 'sma', params: { period: 20 } }, denominator: { indicator: 'sma', params: { period: 200 } } };
  // Channels and trend followers.
  f.keltner_position_20 = { kind: 'channel', indicator: 'keltner', params: { period: 20 }, measure: 'position' };
  f.keltner_width_20 = { kind: 'channel', indicator: 'keltner', params: { period: 20 }, measure: 'width' };
  f.donchian_position_20 = { kind: 'channel', indicator: 'donchian', params: { period: 20 }, measure: 'position' };
  f.donchian_width_20 = { kind: 'channel', indicator: 'donchian', params: { period: 20 }, measure: 'width' };
  if (full) f.donchian_position_55 = { kind: 'channel', indicator: 'donchian', params: { period: 55 }, measure: 'position' };
  f.dist_psar = ind('psar', {}, 'sar', 'distance');
  f.dist_supertrend = ind('supertrend', {}, 'supertrend', 'distance');
  f.dist_ichimoku_tenkan = ind('ichimoku', {}, 'tenkan', 'distance');
  f.dist_ichimoku_kijun = ind('ichimoku', {}, 'kijun', 'distance');
  f.dist_ichimoku_senkou_a = ind('ichimoku', {}, 'senkouA', 'distance');
  f.dist_ichimoku_senkou_b = ind('ichimoku', {}, 'senkouB', 'distance');
  // Support and resistance.
  f.dist_swing_support = ind('swing_levels', {}, 'support', 'distance');
  f.dist_swing_resistance = ind('swing_levels', {}, 'resistance', 'distance');
  Object.assign(f, volumeProfileFeatures(timeframe));
  f.dist_pivot_pp = ind('pivots_classic', {}, 'pp', 'distance');
  f.dist_pivot_r1 = ind('pivots_classic', {}, 'r1', 'distance');
  f.dist_pivot_s1 = ind('pivots_classic', {}, 's1', 'distance');
  f.fractal_up = ind('fractals', {}, 'up');
  f.fractal_down = ind('fractals', {}, 'down');
  // Volume.
  f.volume_ratio_20 = { kind: 'volume', measure: 'ratio', window: 20 };
  f.volume_zscore_20 = { kind: 'volume', measure: 'zscore', window: 20 };
  f.volume_log_change = { kind: 'volume', measure: 'log_change' };
  f.signed_volume_ratio_20 = { kind: 'volume', measure: 'signed_ratio', window: 20 };
  if (full) f.volume_rank_100 = { kind: 'normalize', method: 'rank', window: 100, feature: { kind: 'volume', measure: 'ratio', window: 20 } };
  // Candle shape and patterns.
  for (const shape of ['body', 'upper_wick', 'lower_wick', 'range', 'gap', 'close_location'] as const) f[`candle_${shape}`] = { kind: 'candle', shape };
  for (const pattern of full ? [...DEFAULT_PATTERNS, ...EXTRA_PATTERNS] : DEFAULT_PATTERNS) f[`cdl_${pattern}`] = ind(`cdl_${pattern}`);
  // Past-only normalisation of a few raw features.
  f.logret_1_zscore_100 = { kind: 'normalize', method: 'zscore', window: 100, feature: { kind: 'return', lag: 1, log: true } };
  f.natr_14_zscore_100 = { kind: 'normalize', method: 'zscore', window: 100, feature: ind('natr', { period: 14 }) };
  if (full) f.natr_14_rank_100 = { kind: 'normalize', method: 'rank', window: 100, feature: ind('natr', { period: 14 }) };
  // Cyclical time.
  for (const unit of ['hour_of_day', 'day_of_week', 'month_of_year'] as const) {
    f[`${unit}_sin`] = { kind: 'time', unit, wave: 'sin' };
    f[`${unit}_cos`] = { kind: 'time', unit, wave: 'cos' };
  }
  return f;
}

function builtIn(name: 'default' | 'full', timeframe: string): FeatureSet {
  const features = build(timeframe, name === 'full');
  for (const tf of defaultHigherTimeframes(timeframe)) {
    for (const [feature, definition] of Object.entries(higherTimeframeFeatures())) features[`mtf_${tf}_${feature}`] = { kind: 'mtf', timeframe: tf, feature: definition };
  }
  return defineFeatureSet(name, features);
}

/**
 * The default feature set for a series of `timeframe`.
 * @example
 * const set = defaultFeatureSet('5m');
 * Object.keys(set.features).length; // 140+, including mtf_1h_rsi_14 and mtf_4h_rsi_14
 */
export function defaultFeatureSet(timeframe: string): FeatureSet {
  return builtIn('default', timeframe);
}

/** The default set plus near-duplicates and every candlestick pattern (`--set full`). */
export function fullFeatureSet(timeframe: string): FeatureSet {
  return builtIn('full', timeframe);
}

/** The built-in sets by name. */
export const BUILT_IN_SETS = ['default', 'full'] as const;
export type BuiltInSet = (typeof BUILT_IN_SETS)[number];

/** A built-in set by name for a series of `timeframe`. */
export function builtInFeatureSet(name: BuiltInSet, timeframe: string): FeatureSet {
  return builtIn(name, timeframe);
}
