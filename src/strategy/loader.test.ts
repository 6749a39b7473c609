import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import {
  BUILTIN_STRATEGIES_DIR, builtinStrategyNames, describeBuiltinStrategies, describeParams, loadStrategy, parseParamAssignments, strategyFromModule, strategyParams,
} from './loader.js';
import { defineStrategy, z } from './index.js';

// Strategy files are written inside the repository so that `arbiter/strategy` resolves through the
// package's self-reference, as it does in a user's project; test-results/ is ignored by git and lint.
const repo = fileURLToPath(new URL('../../', import.meta.url));
mkdirSync(join(repo, 'test-results'), { recursive: true });
const dir = mkdtempSync(join(repo, 'test-results', 'loader-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function configError(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('built-in strategies', () => {
  it('lists every example in strategies/ and no test files', () => {
    const names = builtinStrategyNames();
    expect(names).toEqual(['bollinger-breakout', 'buy-and-hold', 'ema-cross', 'ensemble', 'rsi-mean-reversion', 'sma-cross']);
  });

  it('loads a built-in by name from the package, whatever the working directory', async () => {
    const loaded = await loadStrategy('sma-cross', { cwd: '/' });
    expect(loaded.definition.name).toBe('sma-cross');
    expect(loaded.builtin).toBe(true);
    expect(loaded.file).toBe(join(BUILTIN_STRATEGIES_DIR, 'sma-cross.ts'));
  });

  it('rejects an unknown name and lists the available ones', async () => {
    const error = await configError(loadStrategy('sma-crosss'));
    expect(error.key).toBe('strategy');
    expect(error.message).toContain('unknown strategy "sma-crosss"');
    for (const name of builtinStrategyNames()) expect(error.message).toContain(name);
  });

  it('describes each built-in with its params, defaults and doc comments', async () => {
    const list = await describeBuiltinStrategies();
    const sma = list.find((s) => s.name === 'sma-cross')!;
    expect(sma.params.map((p) => [p.name, p.type, p.default])).toEqual([['fast', 'integer', 10], ['slow', 'integer', 30], ['allowShort', 'boolean', false]]);
    expect(sma.params[0]!.description).toBe('Bars in the fast moving average.');
    expect(sma.params[0]!.range).toBe('>= 1');
    for (const s of list) {
      expect(s.description, s.name).not.toBe('');
      for (const p of s.params) {
        expect(p.default, `${s.name}.${p.name}`).not.toBeUndefined();
        expect(p.description, `${s.name}.${p.name}`).toMatch(/\w/);
      }
    }
  });
});

describe('strategies from a path', () => {
  it('loads a default export from a path relative to the working directory', async () => {
    write('default-export.ts', `import { defineStrategy, z } from 'arbiter/strategy';
export default defineStrategy({ name: 'mine', params: z.object({ n: z.number().default(3) }), setup: () => ({ onBar: () => {} }) });
`);
    const loaded = await loadStrategy(`./${relative(repo, join(dir, 'default-export.ts'))}`, { cwd: repo });
    expect(loaded.definition.name).toBe('mine');
    expect(loaded.builtin).toBe(false);
  });

  it('accepts a named `strategy` export from a .js file given by absolute path', async () => {
    const file = write('named-export.js', `import { defineStrategy, z } from 'arbiter/strategy';
export const strategy = defineStrategy({ name: 'named', params: z.object({}), setup: () => ({ onBar() {} }) });
`);
    expect((await loadStrategy(file)).definition.name).toBe('named');
  });

  it('names the missing file', async () => {
    const error = await configError(loadStrategy('./nowhere/my-strategy.ts', { cwd: dir }));
    expect(error.message).toContain('strategy file ./nowhere/my-strategy.ts not found');
  });

  it('rejects a module without a strategy export', async () => {
    const file = write('no-export.ts', 'export const answer = 42;\n');
    const error = await configError(loadStrategy(file));
    expect(error.message).toContain('exports no strategy');
  });

  it('lists every problem of an export that is not a strategy', async () => {
    const file = write('bad-shape.ts', 'export default { name: "", params: {}, setup: 1, warmup: "x" };\n');
    const error = await configError(loadStrategy(file));
    expect(error.message).toContain('`name` must be a non-empty string');
    expect(error.message).toContain('`params` must be a zod schema');
    expect(error.message).toContain('`setup` must be a function');
    expect(error.message).toContain('`warmup` must be a number or a function');
  });

  it('reports a file that fails to import as a configuration error naming it', async () => {
    const file = write('throws.ts', 'throw new Error("broken at import");\nexport default {};\n');
    const error = await configError(loadStrategy(file));
    expect(error.message).toContain('cannot load');
    expect(error.message).toContain('broken at import');
  });

  it('checks the shape of modules passed directly', () => {
    expect(() => strategyFromModule({ default: 'sma' }, 'x.ts')).toThrow(/is a string, not an object/);
    const s = defineStrategy({ name: 'ok', params: z.object({}), setup: () => ({ onBar() {} }) });
    expect(strategyFromModule({ strategy: s }, 'x.ts')).toBe(s);
  });
});

describe('--param parsing', () => {
  it('reads numbers, booleans, null, JSON and plain strings', () => {
    expect(parseParamAssignments(['fast=5', 'ratio=-0.25', 'big=1e3', 'short=true', 'long=false', 'none=null', 'list=[1,2]', 'obj={"a":1}', 'quoted="5"', 'tag=hello world', 'empty='])).toEqual({
      fast: 5, ratio: -0.25, big: 1000, short: true, long: false, none: null, list: [1, 2], obj: { a: 1 }, quoted: '5', tag: 'hello world', empty: '',
    });
  });

  it('nests dotted keys', () => {
    expect(parseParamAssignments(['exits.stoploss=-0.1', 'exits.trailing=true'])).toEqual({ exits: { stoploss: -0.1, trailing: true } });
  });

  it('keeps values of string-typed keys as written', () => {
    expect(parseParamAssignments(['tag=10', 'n=10'], new Set(['tag']))).toEqual({ tag: '10', n: 10 });
  });

  it.each([
    [['fast'], '--param: expected key=value, got "fast"'],
    [['=5'], '--param: "" is not a parameter name'],
    [['fast=1', 'fast=2'], '--param fast: given twice'],
    [['list=[1,'], '--param list: "[1," looks like JSON but does not parse'],
    [['a=1', 'a.b=2'], '--param a.b: conflicts with a=…'],
  ])('rejects %j with a message naming the key', (input, message) => {
    expect(() => parseParamAssignments(input)).toThrow(message);
  });

  it('reads back any finite number written in its shortest form', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const parsed = parseParamAssignments([`x=${String(x)}`]).x;
      expect(Object.is(parsed, x) || (x === 0 && parsed === 0)).toBe(true);
    }));
  });

  it('validates against the strategy schema, filling defaults and naming the bad key', async () => {
    const { definition } = await loadStrategy('sma-cross');
    expect(strategyParams(definition, ['fast=5'])).toEqual({ fast: 5, slow: 30, allowShort: false });
    expect(() => strategyParams(definition, ['fast=abc'])).toThrow(/^sma-cross\.params\.fast: /);
    expect(() => strategyParams(definition, ['fast=40'])).toThrow('sma-cross.params.fast: fast must be shorter than slow');
    expect(() => strategyParams(definition, ['slowest=3'])).toThrow(/^sma-cross\.params\.slowest: /);
  });

  it('passes strings through for string parameters', () => {
    const s = defineStrategy({ name: 's', params: z.strictObject({ label: z.string().default('x'), n: z.number().default(1) }), setup: () => ({ onBar() {} }) });
    expect(strategyParams(s as never, ['label=007', 'n=7'])).toEqual({ label: '007', n: 7 });
    expect(describeParams(s as never).map((p) => p.type)).toEqual(['string', 'number']);
  });
});
