/**
 * Normalisation that uses only the past: each value is compared with the `window` values ending at
 * it (itself included), never with later ones, so a normalised column is as point-in-time as its
 * input. Both functions have an incremental twin (`ZScore` from the indicator library,
 * `RollingRank`) giving identical numbers; inside a feature set use the `normalize` kind.
 */
import { ConfigurationError } from '../core/errors.js';
import { zscore } from '../indicators/index.js';
import { rollingRank } from './rolling.js';
import type { FeatureDataset } from './selection.js';

export { RollingRank, rollingRank } from './rolling.js';

/**
 * Rolling z-score `(x − mean) / σ` over the last `window` values (population σ; 0 when σ is 0).
 * NaN until `window` finite values in a row have been seen; a NaN input restarts the window.
 * @example rollingZScore(featureColumn(frame, 'natr_14'), 500)
 */
export function rollingZScore(values: Float64Array, window: number): Float64Array {
  return zscore(values, { period: window });
}

/**
 * Every column of a dataset normalised with past values only.
 * @example normalizeDataset(frame, { method: 'rank', window: 250 })
 */
export function normalizeDataset<T extends FeatureDataset>(data: T, options: { readonly method: 'zscore' | 'rank'; readonly window: number }): FeatureDataset {
  if (options.method !== 'zscore' && options.method !== 'rank') throw new ConfigurationError(`must be zscore or rank, got ${String(options.method)}`, 'method');
  const f = options.method === 'zscore' ? rollingZScore : rollingRank;
  return { names: data.names, columns: data.columns.map((c) => f(c, options.window)) };
}
