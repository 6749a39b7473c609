/**
 * The declarative shapes of feature sets: a feature set maps names to definitions, a definition
 * names a feature `kind` and its parameters. See docs/features.md for every kind's formula.
 *
 * Every feature value at row i is computed from bars 0..i only (known at the close of bar i), is a
 * finite number or NaN ("not available": warm-up, an undefined ratio), and is the same number in
 * the batch form (`generateFeatures`) and the incremental form (`createFeatureStream`).
 */
import type { BarInput } from '../indicators/index.js';

/** A parameter value as files and command lines give them. */
export type FeatureParamValue = number | string | boolean;

/** An indicator of the registry (`listIndicators()`), one of its lines, with TA-Lib parameter names. */
export interface IndicatorRef {
  /** Registry name, e.g. `rsi`, `bbands`, `swing_levels`. */
  readonly indicator: string;
  /** Parameters by their registry names; defaults fill the rest. */
  readonly params?: Readonly<Record<string, FeatureParamValue>>;
  /** Output line; default: the indicator's primary (first) line. */
  readonly line?: string;
}

/** `close[i] / close[i − lag] − 1`, or its logarithm with `log: true`. */
export interface ReturnFeature {
  readonly kind: 'return';
  readonly lag: number;
  readonly log?: boolean;
}

export type RollingStat = 'mean' | 'std' | 'skew' | 'kurt';

/** Rolling mean, sample std, skewness or excess kurtosis (pandas' bias-corrected definitions) of one-bar log returns. */
export interface RollingFeature {
  readonly kind: 'rolling';
  readonly stat: RollingStat;
  readonly window: number;
}

/** Pearson autocorrelation of one-bar log returns at `lag`, over the last `window` pairs. */
export interface AutocorrFeature {
  readonly kind: 'autocorr';
  readonly lag: number;
  readonly window: number;
}

export type VolatilityEstimator = 'close_to_close' | 'parkinson' | 'garman_klass' | 'rogers_satchell' | 'yang_zhang';

/** A per-bar (not annualised) volatility estimate over `window` bars, in log-return units. */
export interface VolatilityFeature {
  readonly kind: 'volatility';
  readonly estimator: VolatilityEstimator;
  readonly window: number;
}

/**
 * How an indicator line becomes a scale-free feature:
 * - `raw`: the value itself (for bounded or already scale-free indicators: RSI, ADX, %B, NATR …);
 * - `distance`: `close / value − 1`, how far the close is above a price-level line (averages, bands, levels);
 * - `relative`: `value / close`, a price difference expressed as a fraction of the price (MACD, ATR, slope).
 */
export type IndicatorTransform = 'raw' | 'distance' | 'relative';

/**
 * An indicator line, made scale-free by `transform` (default `raw`) and multiplied by `scale`
 * (default 1). With `timeframe`, the indicator runs on that higher timeframe's CLOSED bars while
 * the transform uses the current bar's close: e.g. the distance of a 5m close to the point of
 * control of the 1h volume profile.
 */
export interface IndicatorFeature extends IndicatorRef {
  readonly kind: 'indicator';
  readonly transform?: IndicatorTransform;
  readonly scale?: number;
  readonly timeframe?: string;
}

/**
 * Where the close sits in a channel (`position`: `(close − lower) / (upper − lower)`, 0.5 on a
 * zero-width channel) or how wide it is (`width`: `(upper − lower) / close`).
 */
export interface ChannelFeature {
  readonly kind: 'channel';
  readonly indicator: string;
  readonly params?: Readonly<Record<string, FeatureParamValue>>;
  readonly measure: 'position' | 'width';
  /** Upper line name; default `upper`. */
  readonly upper?: string;
  /** Lower line name; default `lower`. */
  readonly lower?: string;
}

/** `numerator / denominator − 1` of two indicator lines (e.g. a fast over a slow average). */
export interface RatioFeature {
  readonly kind: 'ratio';
  readonly numerator: IndicatorRef;
  readonly denominator: IndicatorRef;
}

export type CandleShape = 'body' | 'upper_wick' | 'lower_wick' | 'range' | 'gap' | 'close_location';

/** The shape of the current bar (body, wicks, close location as fractions of its range; range and gap relative to the price). */
export interface CandleFeature {
  readonly kind: 'candle';
  readonly shape: CandleShape;
}

export type VolumeMeasure = 'ratio' | 'zscore' | 'log_change' | 'signed_ratio';

/**
 * Volume features: `ratio` volume / its mean over `window`; `zscore` over `window`; `log_change`
 * `ln((1 + v) / (1 + v_prev))`; `signed_ratio` Σ sign(Δclose)·volume / Σ volume over `window`
 * (the OBV change over the window per unit of volume, in [−1, 1]).
 */
export interface VolumeFeature {
  readonly kind: 'volume';
  readonly measure: VolumeMeasure;
  /** Required except for `log_change`. */
  readonly window?: number;
}

export type TimeUnit = 'minute_of_hour' | 'hour_of_day' | 'day_of_week' | 'month_of_year';

/** sin or cos of the bar's open time (UTC) as a fraction of a cycle. */
export interface TimeFeature {
  readonly kind: 'time';
  readonly unit: TimeUnit;
  readonly wave: 'sin' | 'cos';
}

/**
 * A feature computed on a higher timeframe (`1h` bars built from a `5m` series) and read at each
 * base bar from the last higher bar that has CLOSED by the base bar's close.
 */
export interface MultiTimeframeFeature {
  readonly kind: 'mtf';
  readonly timeframe: string;
  readonly feature: FeatureDefinition;
}

/** Another feature normalised with past values only: rolling z-score or rolling percentile rank over `window` values. */
export interface NormalizeFeature {
  readonly kind: 'normalize';
  readonly method: 'zscore' | 'rank';
  readonly window: number;
  readonly feature: FeatureDefinition;
}

/** A user-written incremental feature: one object per series, fed every bar. Code-only (not from files). */
export interface IncrementalFeature {
  /** Feeds one bar (bars arrive in time order), returns the feature's value (NaN when not available). */
  update(bar: BarInput): number;
}

/**
 * A feature written in code. It sees one bar at a time, so it cannot look ahead; its batch form is
 * derived by feeding the table's bars in order, so both forms agree by construction.
 * @example
 * const closeOverOpen: CustomFeature = { kind: 'custom', create: () => ({ update: (b) => b.close / b.open - 1 }) };
 */
export interface CustomFeature {
  readonly kind: 'custom';
  create(): IncrementalFeature;
  readonly description?: string;
}

export type FeatureDefinition =
  | ReturnFeature
  | RollingFeature
  | AutocorrFeature
  | VolatilityFeature
  | IndicatorFeature
  | ChannelFeature
  | RatioFeature
  | CandleFeature
  | VolumeFeature
  | TimeFeature
  | MultiTimeframeFeature
  | NormalizeFeature
  | CustomFeature;

export type FeatureKind = FeatureDefinition['kind'];

/** A named, ordered set of features (name → definition). Build one with `defineFeatureSet`. */
export interface FeatureSet {
  readonly name: string;
  readonly features: Readonly<Record<string, FeatureDefinition>>;
}
