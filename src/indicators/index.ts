/**
 * Arbiter's indicator library. See docs/indicators.md.
 *
 * Three ways in:
 * - classes (`new RSI({ period: 14 })`): incremental, one object per series, `update()` per input;
 * - batch functions (`rsi(closes, { period: 14 })`): Float64Array in, Float64Array(s) out, NaN
 *   during warm-up, the same numbers as the class;
 * - the registry (`createIndicator('rsi', …)`, `computeIndicator('rsi', table, …)`,
 *   `listIndicators()`): by name, with parameter metadata, for the CLI, the API and feature sets.
 */
export type { BarField, BarIndicator, BarInput, CommonOptions, IncrementalIndicator, InvalidInputPolicy, PeriodOptions, PriceIndicator } from './core/types.js';
export { ANCHORS, sessionKey, type Anchor } from './core/sessions.js';
export * from './moving-averages.js';
export * from './momentum.js';
export * from './oscillators.js';
export * from './directional.js';
export * from './volatility.js';
export * from './trend.js';
export * from './volume.js';
export * from './statistics.js';
export * from './price.js';
export * from './levels.js';
export * from './candles.js';
export {
  computeIndicator,
  createIndicator,
  getIndicator,
  listIndicators,
  resolveParams,
  type IndicatorDefinition,
  type IndicatorGroup,
  type IndicatorInstance,
  type IndicatorParams,
  type IndicatorResult,
  type ParamSpec,
  type ParamValue,
  type RunSettings,
} from './registry.js';
