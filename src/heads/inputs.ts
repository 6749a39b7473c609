/**
 * Heads' inputs: how a name becomes a number, and the per-symbol state that computes the numbers.
 *
 * Names (the rule language and `HeadRequirements` use the same conventions):
 * - a bar field: `open`, `high`, `low`, `close`, `volume`;
 * - an indicator of the registry, `<indicator>[_<n>…][_<line>]`: the numbers fill the indicator's
 *   numeric parameters in registry order and a trailing word picks a line — `sma_200`, `rsi_14`,
 *   `ema_50`, `atr_14`, `macd_12_26_9_histogram`, `macd_histogram` (defaults), `bbands_20_2_upper`,
 *   `adx_14_plusDI`, `obv`, `vwap`. The value is the indicator's own (an SMA is a price);
 * - otherwise a feature of the default feature set by its name (`dist_sma_200`, `volume_zscore_20`,
 *   `ret_5`, `bb_percent_b_20`, …; `docs/features.md`).
 *
 * Every input is built once per symbol and updated once per closed bar, before any head reads it.
 */
import { ConfigurationError, errorMessage } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import { defaultFeatureSet } from '../features/default-set.js';
import { FeatureStream } from '../features/pipeline.js';
import { defineFeatureSet } from '../features/schema.js';
import type { FeatureDefinition } from '../features/types.js';
import { createIndicator, getIndicator, listIndicators, type IndicatorInstance } from '../indicators/registry.js';
import type { Bar } from '../model/bar.js';
import type { HeadRequirements, IndicatorSpec } from './signal.js';

export const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type BarFieldName = (typeof BAR_FIELDS)[number];

/** Where a variable's value comes from. */
export type VariableSource =
  | { readonly kind: 'bar'; readonly field: BarFieldName }
  | { readonly kind: 'indicator'; readonly spec: IndicatorSpec }
  | { readonly kind: 'feature'; readonly name: string; readonly definition: FeatureDefinition };

let indicatorNames: readonly string[] | undefined;

/** Registry names, longest first (so `vwap_rolling_20` is not read as `vwap` + garbage). */
function namesLongestFirst(): readonly string[] {
  indicatorNames ??= listIndicators().map((d) => d.name).sort((a, b) => b.length - a.length || a.localeCompare(b));
  return indicatorNames;
}

/**
 * Reads `<indicator>[_<n>…][_<line>]` as an indicator spec; undefined when the name is not of that
 * shape. Throws a ConfigurationError when it is, but the numbers or the line do not fit.
 * @example parseIndicatorName('macd_12_26_9_histogram') // { name: 'macd', params: { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 }, line: 'histogram' }
 */
export function parseIndicatorName(text: string): IndicatorSpec | undefined {
  for (const name of namesLongestFirst()) {
    if (text !== name && !text.startsWith(`${name}_`)) continue;
    const parts = text === name ? [] : text.slice(name.length + 1).split('_');
    const def = getIndicator(name);
    const numeric = def.params.filter((p) => p.type === 'integer' || p.type === 'number');
    const params: Record<string, number> = {};
    let line: string | undefined;
    let k = 0;
    let shaped = true;
    for (const [i, part] of parts.entries()) {
      if (/^\d+$/.test(part)) {
        const spec = numeric[k++];
        if (spec === undefined) throw new ConfigurationError(`${name} takes ${numeric.length} number${numeric.length === 1 ? '' : 's'} (${numeric.map((p) => p.name).join(', ') || 'none'}), "${text}" gives more`, text);
        params[spec.name] = Number(part);
      } else if (i === parts.length - 1 && def.lines.includes(part)) {
        line = part;
      } else {
        shaped = false; // not this indicator (`volume_ratio_20` is no volume profile): try shorter names, then features
        break;
      }
    }
    if (!shaped) continue;
    try {
      createIndicator(name, params);
    } catch (error) {
      throw new ConfigurationError(`"${text}": ${errorMessage(error)}`, text, { cause: error });
    }
    return { name, ...(Object.keys(params).length > 0 ? { params } : {}), ...(line !== undefined ? { line } : {}) };
  }
  return undefined;
}

/**
 * Resolves a variable name for a series of `timeframe` (bar field, then indicator, then a
 * default-set feature).
 * @throws ConfigurationError naming the variable when it is none of these.
 */
export function resolveVariable(name: string, timeframe: Timeframe): VariableSource {
  if ((BAR_FIELDS as readonly string[]).includes(name)) return { kind: 'bar', field: name as BarFieldName };
  const spec = parseIndicatorName(name);
  if (spec) return { kind: 'indicator', spec };
  const definition = defaultFeatureSet(timeframe).features[name];
  if (definition) return { kind: 'feature', name, definition };
  throw new ConfigurationError(
    `unknown variable "${name}": not a bar field (${BAR_FIELDS.join(', ')}), not <indicator>_<period> of the indicator registry (e.g. sma_200, rsi_14, macd_histogram), and not a feature of the default set (e.g. dist_sma_200, volume_zscore_20)`,
    name,
  );
}

/** A canonical key of an indicator spec, so that two heads asking for `rsi(14)` share one instance. */
export function indicatorKey(spec: IndicatorSpec): string {
  const params = Object.entries(spec.params ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return `${spec.name}(${params.map(([k, v]) => `${k}=${String(v)}`).join(',')})${spec.line ? `.${spec.line}` : ''}`;
}

/** Feature names (default set) or definitions → definitions by name. */
export function featureDefinitions(features: HeadRequirements['features'], timeframe: Timeframe, owner: string): Record<string, FeatureDefinition> {
  if (features === undefined) return {};
  if (!Array.isArray(features)) return { ...(features as Readonly<Record<string, FeatureDefinition>>) };
  const set = defaultFeatureSet(timeframe).features;
  const out: Record<string, FeatureDefinition> = {};
  for (const name of features as readonly string[]) {
    const def = set[name];
    if (!def) throw new ConfigurationError(`no feature "${name}" in the default feature set (docs/features.md)`, `${owner}.requires.features`);
    out[name] = def;
  }
  return out;
}

/** The union of several heads' requirements, checked once. */
export interface InputPlan {
  /** Canonical indicator key → spec. */
  readonly indicators: ReadonlyMap<string, IndicatorSpec>;
  readonly features: Readonly<Record<string, FeatureDefinition>>;
  /** The largest indicator warm-up + 1 (bars before every declared indicator can have a value). */
  readonly warmup: number;
}

/**
 * Merges requirements (by owner, for error messages) into one plan.
 * @throws ConfigurationError for an unknown indicator, parameter, line or feature, or two
 *   definitions under one feature name.
 */
export function planInputs(requirements: ReadonlyArray<{ readonly owner: string; readonly requires?: HeadRequirements }>, timeframe: Timeframe): InputPlan {
  const indicators = new Map<string, IndicatorSpec>();
  const features: Record<string, FeatureDefinition> = {};
  let warmup = 0;
  for (const { owner, requires } of requirements) {
    for (const [key, spec] of Object.entries(requires?.indicators ?? {})) {
      let instance: IndicatorInstance;
      try {
        instance = createIndicator(spec.name, spec.params ?? {});
      } catch (error) {
        throw new ConfigurationError(errorMessage(error), `${owner}.requires.indicators.${key}`, { cause: error });
      }
      if (spec.line !== undefined && !instance.definition.lines.includes(spec.line)) {
        throw new ConfigurationError(`${spec.name} has no line "${spec.line}"; lines: ${instance.definition.lines.join(', ')}`, `${owner}.requires.indicators.${key}.line`);
      }
      warmup = Math.max(warmup, instance.warmup + 1);
      indicators.set(indicatorKey(spec), spec);
    }
    for (const [name, def] of Object.entries(featureDefinitions(requires?.features, timeframe, owner))) {
      const existing = features[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(def)) {
        throw new ConfigurationError(`feature "${name}" is defined twice with different definitions`, `${owner}.requires.features.${name}`);
      }
      features[name] = def;
    }
  }
  if (Object.keys(features).length > 0) defineFeatureSet('heads', features); // validates every definition now
  return { indicators, features, warmup };
}

/** One symbol's indicator instances and feature stream, updated once per closed bar. */
export class SymbolInputs {
  private readonly instances: Array<{ readonly key: string; readonly instance: IndicatorInstance; readonly line: string | undefined; value: number }> = [];
  private readonly byKey = new Map<string, { value: number }>();
  private readonly stream: FeatureStream | undefined;
  private readonly featureIndex = new Map<string, number>();
  barsSeen = 0;

  constructor(plan: InputPlan, timeframe: Timeframe) {
    for (const [key, spec] of plan.indicators) {
      const cell = { key, instance: createIndicator(spec.name, spec.params ?? {}), line: spec.line, value: Number.NaN };
      this.instances.push(cell);
      this.byKey.set(key, cell);
    }
    const names = Object.keys(plan.features);
    if (names.length > 0) {
      this.stream = new FeatureStream(defineFeatureSet('heads', plan.features), { timeframe });
      for (const [i, name] of this.stream.names.entries()) this.featureIndex.set(name, i);
    }
  }

  update(bar: Bar): void {
    this.barsSeen++;
    for (const cell of this.instances) {
      const primary = cell.instance.update(bar);
      cell.value = cell.line === undefined ? primary : cell.instance.line(cell.line);
    }
    this.stream?.update(bar);
  }

  /** Value of an indicator by canonical key; undefined when not planned. */
  indicator(key: string): number | undefined {
    return this.byKey.get(key)?.value;
  }

  /** Value of a feature by name; undefined when not planned. */
  feature(name: string): number | undefined {
    const i = this.featureIndex.get(name);
    return i === undefined ? undefined : this.stream!.values[i]!;
  }
}
