/**
 * Finding and loading strategies for the command line and the live node: a built-in name
 * (`sma-cross` → `strategies/sma-cross.ts` of this package) or a file path (`./my.ts`, `.js`,
 * absolute), and `--param key=value` assignments turned into typed values and checked by the
 * strategy's own zod schema. Every failure is a ConfigurationError naming the strategy, the file or
 * the parameter.
 *
 * @example
 * const { definition } = await loadStrategy('sma-cross');
 * const params = strategyParams(definition, ['fast=5', 'slow=20']); // { fast: 5, slow: 20, allowShort: false }
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigurationError, errorMessage } from '../core/errors.js';
import type { StrategyDefinition } from './define.js';
import { parseParams } from './host.js';

/** Absolute path of the package's `strategies/` folder (found from this module, not the cwd). */
export const BUILTIN_STRATEGIES_DIR = fileURLToPath(new URL('../../strategies/', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const STRATEGY_API = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export interface LoadedStrategy {
  readonly definition: StrategyDefinition;
  /** Absolute path of the file it came from. */
  readonly file: string;
  /** True for the package's own examples. */
  readonly builtin: boolean;
}

/** Names of the built-in strategies (`strategies/*.ts` except tests), sorted. */
export function builtinStrategyNames(): string[] {
  return readdirSync(BUILTIN_STRATEGIES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** A spec is a path when it has a directory separator or a source-file extension. */
function isPathSpec(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || SOURCE_EXTENSIONS.includes(extname(spec).toLowerCase());
}

/**
 * Loads a strategy by built-in name or by path (relative paths are resolved against `cwd`).
 * @throws ConfigurationError (key `strategy`) for an unknown name (listing the built-ins), a missing
 *   file, a file that fails to import, or a module that does not export a strategy.
 */
export async function loadStrategy(spec: string, options: { readonly cwd?: string } = {}): Promise<LoadedStrategy> {
  const name = spec.trim();
  if (name === '') throw new ConfigurationError(`give a built-in name (${builtinStrategyNames().join(', ')}) or a file path`, 'strategy');
  if (!isPathSpec(name)) {
    const available = builtinStrategyNames();
    if (!available.includes(name)) {
      throw new ConfigurationError(`unknown strategy "${name}"; built-in strategies: ${available.join(', ')} (or give a path to a strategy file, e.g. ./my-strategy.ts)`, 'strategy');
    }
    const file = resolve(BUILTIN_STRATEGIES_DIR, `${name}.ts`);
    return { definition: await importStrategy(file, name), file, builtin: true };
  }
  const file = isAbsolute(name) ? name : resolve(options.cwd ?? process.cwd(), name);
  if (!existsSync(file)) throw new ConfigurationError(`strategy file ${name} not found (looked at ${file})`, 'strategy');
  if (!statSync(file).isFile()) throw new ConfigurationError(`strategy path ${name} is not a file`, 'strategy');
  const builtin = file.startsWith(BUILTIN_STRATEGIES_DIR);
  if (!file.startsWith(PACKAGE_DIR)) allowStrategyApiImportsFromAnywhere();
  return { definition: await importStrategy(file, name), file, builtin };
}

async function importStrategy(file: string, label: string): Promise<StrategyDefinition> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigurationError(`cannot load ${label}: ${oneLine(errorMessage(error))}`, 'strategy', { cause: error });
  }
  return strategyFromModule(module, label);
}

/** A compiler's multi-line message as one line (the CLI prints errors on one line). */
function oneLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 3).join(' ');
}

/**
 * Picks the strategy out of an imported module: the default export, else an export named
 * `strategy`; checks that it has the shape `defineStrategy` produces.
 */
export function strategyFromModule(module: Record<string, unknown>, label: string): StrategyDefinition {
  const candidate = module.default ?? module.strategy;
  const hint = 'export default defineStrategy({ name, params, setup }) (or export it as `strategy`)';
  if (candidate === undefined || candidate === null) throw new ConfigurationError(`${label} exports no strategy; write ${hint}`, 'strategy');
  if (typeof candidate !== 'object') throw new ConfigurationError(`${label}: the exported strategy is a ${typeof candidate}, not an object; write ${hint}`, 'strategy');
  const s = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof s.name !== 'string' || s.name.trim() === '') problems.push('`name` must be a non-empty string');
  const params = s.params as { safeParse?: unknown } | undefined;
  if (typeof params !== 'object' || params === null || typeof params.safeParse !== 'function') problems.push('`params` must be a zod schema (e.g. z.object({...}))');
  if (typeof s.setup !== 'function') problems.push('`setup` must be a function returning { onBar }');
  for (const key of ['warmup', 'lookback'] as const) {
    if (s[key] !== undefined && typeof s[key] !== 'number' && typeof s[key] !== 'function') problems.push(`\`${key}\` must be a number or a function of the params`);
  }
  if (s.timeframes !== undefined && !Array.isArray(s.timeframes) && typeof s.timeframes !== 'function') problems.push('`timeframes` must be an array or a function of the params');
  if (s.exits !== undefined && (typeof s.exits !== 'object' || s.exits === null) && typeof s.exits !== 'function') problems.push('`exits` must be an object or a function of the params');
  if (s.description !== undefined && typeof s.description !== 'string') problems.push('`description` must be a string');
  if (problems.length > 0) throw new ConfigurationError(`${label} does not export a valid strategy: ${problems.join('; ')}`, 'strategy');
  return candidate as StrategyDefinition;
}

// ---- parameters ------------------------------------------------------------------------------

const KEY = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Turns `key=value` texts into an object: numbers, `true`/`false`, `null` and JSON (`[1,2]`,
 * `{"a":1}`, `"quoted"`) become values, anything else stays a string; `a.b=1` nests. Keys whose
 * schema type is a string are kept as written (so `--param tag=10` stays "10").
 * @throws ConfigurationError naming `--param` or the key.
 */
export function parseParamAssignments(assignments: readonly string[], stringKeys: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const text of assignments) {
    const eq = text.indexOf('=');
    if (eq < 0) throw new ConfigurationError(`expected key=value, got "${text}"`, '--param');
    const key = text.slice(0, eq).trim();
    const raw = text.slice(eq + 1);
    if (!KEY.test(key)) throw new ConfigurationError(`"${key}" is not a parameter name (in "${text}")`, '--param');
    if (seen.has(key)) throw new ConfigurationError('given twice', `--param ${key}`);
    seen.add(key);
    const value = stringKeys.has(key) ? raw : parseValue(raw, key);
    const path = key.split('.');
    let target = out;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) throw new ConfigurationError(`conflicts with ${part}=…`, `--param ${key}`);
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = value;
  }
  return out;
}

function parseValue(raw: string, key: string): unknown {
  const t = raw.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (NUMBER.test(t)) return Number(t);
  if (t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) {
    try {
      return JSON.parse(t) as unknown;
    } catch (error) {
      throw new ConfigurationError(`"${raw}" looks like JSON but does not parse (${errorMessage(error)})`, `--param ${key}`);
    }
  }
  return raw;
}

/**
 * The strategy's parameters from `key=value` texts, validated by its schema (defaults filled in).
 * @throws ConfigurationError whose key is `<strategy>.params.<name>`.
 */
export function strategyParams(definition: StrategyDefinition, assignments: readonly string[]): Record<string, unknown> {
  const stringKeys = new Set(describeParams(definition).filter((p) => p.type === 'string').map((p) => p.name));
  const raw = parseParamAssignments(assignments, stringKeys);
  return parseParams(definition, raw) as Record<string, unknown>;
}

// ---- description -----------------------------------------------------------------------------

export interface ParamInfo {
  readonly name: string;
  /** JSON-schema type (`number`, `integer`, `boolean`, `string`, …) or `unknown`. */
  readonly type: string;
  readonly default?: unknown;
  readonly description?: string;
  /** Allowed values in words, e.g. `>= 2`, `0 to 100`, `> 0`, `one of a, b`. */
  readonly range?: string;
}

interface JsonSchemaNode {
  type?: string | string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
}

/**
 * The parameters of a strategy with their types and defaults (from the zod schema) and their doc
 * comments (read from the strategy's source file when given).
 */
export function describeParams(definition: StrategyDefinition, sourceFile?: string): ParamInfo[] {
  let schema: JsonSchemaNode;
  try {
    schema = z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  } catch {
    return [];
  }
  const docs = sourceFile ? paramDocComments(sourceFile) : new Map<string, string>();
  return Object.entries(schema.properties ?? {}).map(([name, node]) => {
    const main = node.anyOf?.find((n) => n.type !== 'null') ?? node;
    const type = Array.isArray(main.type) ? main.type.join('|') : (main.type ?? (main.enum ? 'enum' : 'unknown'));
    const description = node.description ?? main.description ?? docs.get(name);
    const range = rangeOf(main);
    return {
      name, type,
      ...(node.default !== undefined ? { default: node.default } : main.default !== undefined ? { default: main.default } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(range !== undefined ? { range } : {}),
    };
  });
}

function rangeOf(node: JsonSchemaNode): string | undefined {
  if (node.enum) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const bounded = (x: number | undefined): x is number => x !== undefined && Math.abs(x) < Number.MAX_SAFE_INTEGER;
  const lo = bounded(node.minimum) ? `${node.minimum}` : undefined;
  const loX = bounded(node.exclusiveMinimum) ? `${node.exclusiveMinimum}` : undefined;
  const hi = bounded(node.maximum) ? `${node.maximum}` : undefined;
  const hiX = bounded(node.exclusiveMaximum) ? `${node.exclusiveMaximum}` : undefined;
  if (lo !== undefined && hi !== undefined) return `${lo} to ${hi}`;
  const parts = [lo !== undefined ? `>= ${lo}` : loX !== undefined ? `> ${loX}` : '', hi !== undefined ? `<= ${hi}` : hiX !== undefined ? `< ${hiX}` : ''].filter((x) => x !== '');
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** `/** doc *\/ key:` pairs in a source file (the doc comment of each schema field). */
function paramDocComments(file: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  // A doc comment (never crossing a `*/`) directly followed by `key:`.
  const re = /\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*\n\s*([A-Za-z_$][\w$]*)\s*:/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const doc = m[1]!.split('\n').map((l) => l.replace(/^\s*\*?\s?/, '').trim()).filter((l) => l !== '' && !l.startsWith('@')).join(' ');
    if (!out.has(m[2]!)) out.set(m[2]!, doc);
  }
  return out;
}

/** A built-in strategy's summary for listings. */
export interface StrategySummary {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly params: readonly ParamInfo[];
}

/** Loads every built-in strategy and describes it. */
export async function describeBuiltinStrategies(): Promise<StrategySummary[]> {
  const out: StrategySummary[] = [];
  for (const name of builtinStrategyNames()) {
    const { definition, file } = await loadStrategy(name);
    out.push({ name, file: basename(file), description: definition.description ?? '', params: describeParams(definition, file) });
  }
  return out;
}

// ---- making `arbiter/strategy` importable from files outside the package -------------------

let hookInstalled = false;

/**
 * A strategy file outside this package imports `arbiter/strategy`, which Node resolves only inside
 * the package (self-reference) or from a node_modules install. A resolve hook maps the specifier to
 * this package's API so that `arbiter backtest --strategy ~/my.ts` works from anywhere. Files
 * outside a `"type": "module"` package would be read as CommonJS; strategy files are ES modules
 * (they `import` and `export`), so the hook says so for source files outside node_modules.
 */
function allowStrategyApiImportsFromAnywhere(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  const hook = `
    let api, own;
    export function initialize(data) { api = data.api; own = data.own; }
    export async function resolve(specifier, context, next) {
      if (specifier === 'arbiter/strategy' || specifier === 'arbiter/strategy.js') return next(api, context);
      const resolved = await next(specifier, context);
      if (resolved.url.startsWith('file:') && !resolved.url.startsWith(own) && !resolved.url.includes('/node_modules/')
        && /\\.(m?ts|js)$/.test(resolved.url) && resolved.format !== 'module') return { ...resolved, format: 'module' };
      return resolved;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { api: STRATEGY_API, own: pathToFileURL(PACKAGE_DIR).href } });
}
