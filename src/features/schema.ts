/**
 * Validation of feature definitions and feature-set files with zod (strict: unknown keys are
 * errors). Every failure is a ConfigurationError whose key is the dotted path of the offending
 * field, e.g. `features.rsi_14.params.period: must be an integer >= 2, got 1`.
 *
 * Indicator references are checked against the registry: the indicator exists, its parameters
 * resolve (names, types, ranges, and the cross-field rules its constructor applies) and the line exists.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigurationError, errorMessage } from '../core/errors.js';
import { timeframeMs } from '../core/time.js';
import { createIndicator, getIndicator } from '../indicators/index.js';
import type { FeatureDefinition, FeatureSet } from './types.js';

/** Feature names: usable as CSV headers and identifiers in any language. */
export const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MAX_WINDOW = 100_000;
const int = (min: number) =>
  z
    .number({ error: (issue) => `must be a number, got ${JSON.stringify(issue.input) ?? 'nothing'}` })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(MAX_WINDOW, `must be at most ${MAX_WINDOW}`);
const paramValue = z.union([z.number(), z.string(), z.boolean()]);
const params = z.record(z.string(), paramValue);

type Issues = z.core.$RefinementCtx;

/** Adds issues for an indicator reference (name, params, lines) at `path` (relative to the refined object). */
function checkIndicator(ctx: Issues, path: (string | number)[], name: string, raw: Record<string, unknown> | undefined, lines: { path: (string | number)[]; line: string | undefined }[]): void {
  let def;
  try {
    def = getIndicator(name);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: errorMessage(error).replace(/^indicator: /, ''), path: [...path, 'indicator'] });
    return;
  }
  try {
    createIndicator(name, raw ?? {});
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const param = error.key?.startsWith(`${name}.`) ? error.key.slice(name.length + 1) : undefined;
    const message = error.key ? error.message.slice(error.key.length + 2) : error.message;
    ctx.addIssue({ code: 'custom', message, path: param ? [...path, 'params', param] : [...path, 'params'] });
  }
  for (const { path: linePath, line } of lines) {
    if (line !== undefined && !def.lines.includes(line)) {
      ctx.addIssue({ code: 'custom', message: `${name} has no line "${line}"; lines: ${def.lines.join(', ')}`, path: [...path, ...linePath] });
    }
  }
}

const refShape = { indicator: z.string(), params: params.optional(), line: z.string().optional() };
const indicatorRef = z.strictObject(refShape).superRefine((ref, ctx) => checkIndicator(ctx, [], ref.indicator, ref.params, [{ path: ['line'], line: ref.line }]));

const timeframe = z.string().superRefine((tf, ctx) => {
  try {
    timeframeMs(tf);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: errorMessage(error).replace(/^timeframe: /, '') });
  }
});

const returnDef = z.strictObject({ kind: z.literal('return'), lag: int(1), log: z.boolean().optional() });

const rollingDef = z
  .strictObject({ kind: z.literal('rolling'), stat: z.enum(['mean', 'std', 'skew', 'kurt']), window: int(1) })
  .superRefine((d, ctx) => {
    const min = { mean: 1, std: 2, skew: 3, kurt: 4 }[d.stat];
    if (d.window < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} for ${d.stat}, got ${d.window}`, path: ['window'] });
  });

const autocorrDef = z.strictObject({ kind: z.literal('autocorr'), lag: int(1), window: int(3) });

const volatilityDef = z.strictObject({
  kind: z.literal('volatility'),
  estimator: z.enum(['close_to_close', 'parkinson', 'garman_klass', 'rogers_satchell', 'yang_zhang']),
  window: int(2),
});

const indicatorDef = z
  .strictObject({
    kind: z.literal('indicator'),
    ...refShape,
    transform: z.enum(['raw', 'distance', 'relative']).optional(),
    scale: z.number().finite().optional(),
    timeframe: timeframe.optional(),
  })
  .superRefine((d, ctx) => checkIndicator(ctx, [], d.indicator, d.params, [{ path: ['line'], line: d.line }]));

const channelDef = z
  .strictObject({
    kind: z.literal('channel'),
    indicator: z.string(),
    params: params.optional(),
    measure: z.enum(['position', 'width']),
    upper: z.string().optional(),
    lower: z.string().optional(),
  })
  .superRefine((d, ctx) => checkIndicator(ctx, [], d.indicator, d.params, [{ path: ['upper'], line: d.upper ?? 'upper' }, { path: ['lower'], line: d.lower ?? 'lower' }]));

const ratioDef = z.strictObject({ kind: z.literal('ratio'), numerator: indicatorRef, denominator: indicatorRef });

const candleDef = z.strictObject({ kind: z.literal('candle'), shape: z.enum(['body', 'upper_wick', 'lower_wick', 'range', 'gap', 'close_location']) });

const volumeDef = z
  .strictObject({ kind: z.literal('volume'), measure: z.enum(['ratio', 'zscore', 'log_change', 'signed_ratio']), window: int(1).optional() })
  .superRefine((d, ctx) => {
    if (d.measure === 'log_change') {
      if (d.window !== undefined) ctx.addIssue({ code: 'custom', message: 'log_change takes no window', path: ['window'] });
      return;
    }
    const min = d.measure === 'zscore' ? 2 : 1;
    if (d.window === undefined) ctx.addIssue({ code: 'custom', message: `required for ${d.measure}`, path: ['window'] });
    else if (d.window < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} for ${d.measure}, got ${d.window}`, path: ['window'] });
  });

const timeDef = z.strictObject({ kind: z.literal('time'), unit: z.enum(['minute_of_hour', 'hour_of_day', 'day_of_week', 'month_of_year']), wave: z.enum(['sin', 'cos']) });

const mtfDef = z.strictObject({ kind: z.literal('mtf'), timeframe, feature: z.lazy(() => featureSchema) });

const normalizeDef = z.strictObject({ kind: z.literal('normalize'), method: z.enum(['zscore', 'rank']), window: int(2), feature: z.lazy(() => featureSchema) });

const customDef = z.strictObject({
  kind: z.literal('custom'),
  create: z.custom<CustomCreate>((v) => typeof v === 'function', 'expected a function returning { update(bar): number } (custom features are defined in code)'),
  description: z.string().optional(),
});
type CustomCreate = Extract<FeatureDefinition, { kind: 'custom' }>['create'];

const KINDS = ['return', 'rolling', 'autocorr', 'volatility', 'indicator', 'channel', 'ratio', 'candle', 'volume', 'time', 'mtf', 'normalize', 'custom'] as const;

const featureSchema: z.ZodType<FeatureDefinition> = z.discriminatedUnion(
  'kind',
  [returnDef, rollingDef, autocorrDef, volatilityDef, indicatorDef, channelDef, ratioDef, candleDef, volumeDef, timeDef, mtfDef, normalizeDef, customDef],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
      return `${kind === undefined ? 'required' : `unknown feature kind ${JSON.stringify(kind)}`}; use one of ${KINDS.join(', ')}`;
    },
  },
);

const featuresRecord = z.record(z.string().regex(FEATURE_NAME, 'feature names are letters, digits and _, not starting with a digit'), featureSchema);

const setFileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** Start from a built-in set (`default` or `full`), then remove `exclude` and add `features`. */
  extends: z.enum(['default', 'full']).optional(),
  exclude: z.array(z.string()).optional(),
  features: featuresRecord.optional(),
});

function toConfigurationError(error: z.ZodError, prefix: readonly (string | number)[]): ConfigurationError {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path.map(String)];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path.push(issue.keys[0]!);
    message = path.length === 1 ? 'unknown key; a set file has name, extends, exclude and features' : 'unknown key for this kind (docs/features.md lists each kind\'s fields)';
  } else if (issue.code === 'invalid_key') {
    message = issue.issues[0]?.message ?? message;
  }
  return new ConfigurationError(message, path.join('.') || undefined);
}

/**
 * Validates one feature definition; `key` names it in errors (default `feature`).
 * @throws ConfigurationError keyed by the offending field, e.g. `feature.params.period`.
 */
export function validateFeature(definition: unknown, key = 'feature'): FeatureDefinition {
  const parsed = featureSchema.safeParse(definition);
  if (!parsed.success) throw toConfigurationError(parsed.error, key.split('.'));
  return parsed.data;
}

/**
 * A feature set from code: validates every definition (errors name `features.<name>.<field>`).
 * @example
 * const set = defineFeatureSet('mine', {
 *   rsi_14: { kind: 'indicator', indicator: 'rsi', params: { period: 14 } },
 *   ret_5: { kind: 'return', lag: 5, log: true },
 *   rsi_1h: { kind: 'mtf', timeframe: '1h', feature: { kind: 'indicator', indicator: 'rsi' } },
 * });
 */
export function defineFeatureSet(name: string, features: Readonly<Record<string, FeatureDefinition>>): FeatureSet {
  const parsed = featuresRecord.safeParse(features);
  if (!parsed.success) throw toConfigurationError(parsed.error, ['features']);
  if (Object.keys(parsed.data).length === 0) throw new ConfigurationError('a feature set needs at least one feature', 'features');
  return Object.freeze({ name, features: Object.freeze(parsed.data) });
}

export interface FeatureSetSource {
  /** Named in error messages (a file path). */
  readonly source?: string;
  /** Built-in sets a file may extend, by name (the built-in sets depend on the series' timeframe). */
  readonly builtIn?: (name: 'default' | 'full') => FeatureSet;
}

/**
 * A feature set from a JSON or YAML description:
 * ```yaml
 * name: my-set
 * extends: default          # optional: start from a built-in set (default or full)
 * exclude: [hour_of_day_sin] # optional: drop features of the extended set
 * features:
 *   rsi_14: { kind: indicator, indicator: rsi, params: { period: 14 } }
 *   rsi_1h: { kind: mtf, timeframe: 1h, feature: { kind: indicator, indicator: rsi } }
 * ```
 * @throws ConfigurationError keyed by the offending field (`features.rsi_14.params.period`).
 */
export function parseFeatureSet(text: string, options: FeatureSetSource = {}): FeatureSet {
  const source = options.source ?? 'feature set';
  let raw: unknown;
  try {
    raw = /\.json$/i.test(source) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigurationError(`cannot parse ${source}: ${errorMessage(error).split('\n')[0]}`, 'set');
  }
  const parsed = setFileSchema.safeParse(raw);
  if (!parsed.success) throw toConfigurationError(parsed.error, []);
  const file = parsed.data;
  const base = file.extends !== undefined ? (options.builtIn ?? missingBuiltIn)(file.extends).features : {};
  const features: Record<string, FeatureDefinition> = { ...base };
  for (const [i, name] of (file.exclude ?? []).entries()) {
    if (!(name in features)) throw new ConfigurationError(`"${name}" is not a feature of the extended set`, `exclude.${i}`);
    delete features[name];
  }
  Object.assign(features, file.features ?? {});
  if (Object.keys(features).length === 0) throw new ConfigurationError('a feature set needs at least one feature', 'features');
  return Object.freeze({ name: file.name ?? source.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml)$/i, ''), features: Object.freeze(features) });
}

function missingBuiltIn(): never {
  throw new ConfigurationError('this set extends a built-in set, which needs the series\' timeframe; pass builtIn (e.g. (name) => builtInFeatureSet(name, table.timeframe))', 'extends');
}

/** Reads and parses a feature-set file (`.json`, `.yaml`, `.yml`); see {@link parseFeatureSet}. */
export async function loadFeatureSet(path: string, options: Omit<FeatureSetSource, 'source'> = {}): Promise<FeatureSet> {
  const ext = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) throw new ConfigurationError(`expected a .json, .yaml or .yml file, got "${path}"`, 'set');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read ${path}: ${errorMessage(error)}`, 'set');
  }
  return parseFeatureSet(text, { ...options, source: path });
}
