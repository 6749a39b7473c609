import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { tempDir } from '../../test/kit/tmp.js';
import { defaultFeatureSet } from './default-set.js';
import { defineFeatureSet, loadFeatureSet, parseFeatureSet, validateFeature } from './schema.js';
import type { FeatureDefinition } from './types.js';

const tmp = tempDir('arbiter-features-');
afterAll(() => tmp.remove());

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

const define = (features: Record<string, unknown>) => () => defineFeatureSet('t', features as Record<string, FeatureDefinition>);

describe('feature definitions are validated with errors naming the key', () => {
  it.each([
    [{ a: { kind: 'indicator', indicator: 'rsi', params: { period: 1 } } }, 'features.a.params.period', 'must be an integer >= 2, got 1'],
    [{ a: { kind: 'indicator', indicator: 'rsi', params: { perod: 3 } } }, 'features.a.params.perod', 'unknown parameter "perod"; rsi takes period'],
    [{ a: { kind: 'indicator', indicator: 'macd', params: { fastPeriod: 30 } } }, 'features.a.params.fastPeriod', 'must be less than slowPeriod (26)'],
    [{ a: { kind: 'indicator', indicator: 'macd', line: 'foo' } }, 'features.a.line', 'lines: macd, signal, histogram'],
    [{ a: { kind: 'indicator', indicator: 'rsx' } }, 'features.a.indicator', 'unknown indicator "rsx"; available: ad,'],
    [{ a: { kind: 'return', lag: 0 } }, 'features.a.lag', 'must be at least 1'],
    [{ a: { kind: 'return', lag: 'x' } }, 'features.a.lag', 'must be a number, got "x"'],
    [{ a: { kind: 'return', lag: 1, extra: 1 } }, 'features.a.extra', 'unknown key'],
    [{ a: { kind: 'nope' } }, 'features.a.kind', 'unknown feature kind "nope"; use one of return, rolling'],
    [{ a: { lag: 1 } }, 'features.a.kind', 'required; use one of'],
    [{ '1a': { kind: 'return', lag: 1 } }, 'features.1a', 'feature names are letters, digits and _'],
    [{ a: { kind: 'mtf', timeframe: '1x', feature: { kind: 'return', lag: 1 } } }, 'features.a.timeframe', '"1x" is not a timeframe'],
    [{ a: { kind: 'mtf', timeframe: '1h', feature: { kind: 'indicator', indicator: 'rsi', params: { period: 0 } } } }, 'features.a.feature.params.period', 'must be an integer >= 2'],
    [{ a: { kind: 'normalize', method: 'rank', window: 1, feature: { kind: 'return', lag: 1 } } }, 'features.a.window', 'must be at least 2'],
    [{ a: { kind: 'volume', measure: 'ratio' } }, 'features.a.window', 'required for ratio'],
    [{ a: { kind: 'volume', measure: 'log_change', window: 3 } }, 'features.a.window', 'log_change takes no window'],
    [{ a: { kind: 'rolling', stat: 'kurt', window: 3 } }, 'features.a.window', 'must be at least 4 for kurt'],
    [{ a: { kind: 'channel', indicator: 'rsi', measure: 'position' } }, 'features.a.upper', 'rsi has no line "upper"'],
    [{ a: { kind: 'ratio', numerator: { indicator: 'ema' }, denominator: { indicator: 'ema', params: { period: -1 } } } }, 'features.a.denominator.params.period', 'must be an integer >= 1'],
    [{ a: { kind: 'custom', create: 3 } }, 'features.a.create', 'expected a function'],
  ])('%j → %s', (features, key, message) => {
    const error = errorOf(define(features));
    expect(error.key).toBe(key);
    expect(error.message).toContain(message);
  });

  it('rejects an empty set', () => {
    expect(errorOf(define({})).key).toBe('features');
  });

  it('validates a single definition under a given key', () => {
    expect(errorOf(() => validateFeature({ kind: 'return', lag: 0 }, 'heads.ml.features.x')).key).toBe('heads.ml.features.x.lag');
    expect(validateFeature({ kind: 'candle', shape: 'body' })).toEqual({ kind: 'candle', shape: 'body' });
  });
});

describe('feature sets from files', () => {
  const builtIn = () => defaultFeatureSet('5m');

  it('parses YAML with the definitions by kind and params', () => {
    const set = parseFeatureSet(
      `name: mine
features:
  rsi_14: { kind: indicator, indicator: rsi, params: { period: 14 } }
  rsi_1h: { kind: mtf, timeframe: 1h, feature: { kind: indicator, indicator: rsi } }
  ret_5: { kind: return, lag: 5, log: true }
`,
      { source: 'mine.yaml' },
    );
    expect(set.name).toBe('mine');
    expect(Object.keys(set.features)).toEqual(['rsi_14', 'rsi_1h', 'ret_5']);
    expect(set.features.ret_5).toEqual({ kind: 'return', lag: 5, log: true });
  });

  it('parses JSON, names the set after the file, extends the default set and excludes features', () => {
    const text = JSON.stringify({ extends: 'default', exclude: ['ret_1', 'ret_2'], features: { body: { kind: 'candle', shape: 'body' } } });
    const set = parseFeatureSet(text, { source: '/x/my-set.json', builtIn });
    const defaults = Object.keys(builtIn().features);
    expect(set.name).toBe('my-set');
    expect(Object.keys(set.features)).toHaveLength(defaults.length - 2 + 1);
    expect(set.features.ret_1).toBeUndefined();
    expect(set.features.body).toEqual({ kind: 'candle', shape: 'body' });
  });

  it('reports file errors by key: unknown top-level keys, bad excludes, bad definitions, unparsable text', () => {
    expect(errorOf(() => parseFeatureSet('nme: x')).key).toBe('nme');
    expect(errorOf(() => parseFeatureSet('extends: default\nexclude: [nope]', { builtIn })).key).toBe('exclude.0');
    expect(errorOf(() => parseFeatureSet('features: { a: { kind: return, lag: 0 } }')).key).toBe('features.a.lag');
    expect(errorOf(() => parseFeatureSet('features: [', { source: 'x.yaml' })).message).toMatch(/^set: cannot parse x\.yaml/);
    expect(errorOf(() => parseFeatureSet('{"features": ', { source: 'x.json' })).key).toBe('set');
    expect(errorOf(() => parseFeatureSet('extends: default')).key).toBe('extends');
  });

  it('loads .yaml and .json files and refuses other extensions', async () => {
    const yaml = tmp.file('set.yml');
    writeFileSync(yaml, 'features:\n  r: { kind: return, lag: 1 }\n');
    expect(Object.keys((await loadFeatureSet(yaml)).features)).toEqual(['r']);
    await expect(loadFeatureSet(tmp.file('set.txt'))).rejects.toThrow('set: expected a .json, .yaml or .yml file');
    await expect(loadFeatureSet(tmp.file('missing.json'))).rejects.toThrow(/^set: cannot read/);
  });
});
