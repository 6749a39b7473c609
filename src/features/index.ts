/**
 * Arbiter's feature engineering. See docs/features.md.
 *
 * - Feature sets: `defaultFeatureSet(timeframe)`, `defineFeatureSet(name, {...})` in code,
 *   `loadFeatureSet(file)` / `parseFeatureSet(text)` from JSON or YAML.
 * - Two forms with identical numbers: `generateFeatures(table, set)` (columnar, research and the
 *   API) and `createFeatureStream(set, { timeframe })` (`update(bar)` per bar, backtests and live).
 * - Past-only normalisation, feature selection (correlation filter, mutual information) and labels
 *   (forward returns, fixed-horizon classes, triple barrier with purging spans).
 */
export type * from './types.js';
export { BUILT_IN_SETS, builtInFeatureSet, defaultFeatureSet, defaultHigherTimeframes, fullFeatureSet, type BuiltInSet } from './default-set.js';
export { FEATURE_NAME, defineFeatureSet, loadFeatureSet, parseFeatureSet, validateFeature, type FeatureSetSource } from './schema.js';
export { FeatureStream, createFeatureStream, featureColumn, generateFeatures, type FeatureFrame, type GenerateOptions } from './pipeline.js';
export { RollingAutocorr, RollingHigherMoment, RollingRank, rollingAutocorr, rollingHigherMoment, rollingRank } from './rolling.js';
export { normalizeDataset, rollingZScore } from './normalize.js';
export {
  correlationFilter, mutualInformation, pearson, rankByMutualInformation, ranks, spearman,
  type CorrelationFilterOptions, type CorrelationFilterResult, type FeatureDataset, type MutualInformationOptions,
} from './selection.js';
export {
  ewmVolatility, fixedHorizonLabels, forwardReturns, purgedTrainingMask, tripleBarrierLabels,
  type FixedHorizonLabels, type FixedHorizonOptions, type Threshold, type TripleBarrierLabels, type TripleBarrierOptions,
} from './labels.js';
export { featureFrameCsvChunks, featureFrameJsonChunks, featureFrameToCsv, featureFrameToJson, type FeatureFrameJson } from './frame.js';
