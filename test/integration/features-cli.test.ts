/**
 * `arbiter features` end to end: the real binary writes the default set (or a set file) as CSV or
 * JSON with exactly the numbers `generateFeatures` computes in-process, shows a progress bar on
 * request, and reports user errors as one line with exit code 1.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { defaultFeatureSet, featureFrameToJson, generateFeatures, parseFeatureSet, type FeatureFrame } from '../../src/features/index.js';
import { tempDir } from '../kit/tmp.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));
const tmp = tempDir('arbiter-features-cli-');
afterAll(() => tmp.remove());

interface Result { code: number; stdout: string; stderr: string }

async function arbiter(args: readonly string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: repo, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function expectOneLineError(result: Result, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  for (const f of fragments) expect(lines[0]).toContain(f);
}

const data = 'data/bundled/BTC_USDT-1h.csv';
let frame: FeatureFrame;
beforeAll(async () => {
  const { table } = await loadBars(bundledDataPath('BTC_USDT-1h.csv'));
  frame = generateFeatures(table, defaultFeatureSet(table.timeframe));
});

/** CSV text → rows of numbers (NaN for empty cells), header separately. */
function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = text.trimEnd().split('\n');
  return { header: head!.split(','), rows: lines.map((l) => l.split(',').slice(1).map((c) => (c === '' ? NaN : Number(c)))) };
}

describe('arbiter features', () => {
  it('writes the default set as CSV with the in-process numbers, and a progress bar with --progress', async () => {
    const out = tmp.file('features.csv');
    const result = await arbiter(['features', '--data', data, '--out', out, '--progress']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/features \[=+\] 100% \| \d+\/\d+/);
    expect(result.stderr).toContain(`default: ${frame.names.length} features × 744 1h bars of BTC/USDT written to ${out}`);
    const { header, rows } = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['time', ...frame.names]);
    expect(rows).toHaveLength(744);
    frame.names.forEach((name, k) => {
      const column = rows.map((r) => r[k]!);
      expect(column, name).toEqual(Array.from(frame.columns[k]!));
    });
    expect(readFileSync(out, 'utf8').split('\n')[1]!.startsWith('2025-01-01T00:00:00.000Z,')).toBe(true);
  });

  it('writes JSON with null for unavailable values, equal to the API form', async () => {
    const out = tmp.file('features.json');
    const result = await arbiter(['features', '--data', data, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(featureFrameToJson(frame))));
  });

  it('reads a YAML set extending the default one and prints CSV on stdout', async () => {
    const file = tmp.file('set.yaml');
    writeFileSync(file, 'name: small\nfeatures:\n  rsi_1h_on_4h: { kind: mtf, timeframe: 4h, feature: { kind: indicator, indicator: rsi } }\n  ret_3: { kind: return, lag: 3 }\n');
    const result = await arbiter(['features', '--data', data, '--set', file, '--time', 'ms']);
    expect(result.code, result.stderr).toBe(0);
    const { header, rows } = parseCsv(result.stdout);
    expect(header).toEqual(['time', 'rsi_1h_on_4h', 'ret_3']);
    expect(result.stdout.split('\n')[1]!.split(',')[0]).toBe(String(frame.time[0]));
    const set = parseFeatureSet(readFileSync(file, 'utf8'), { source: file });
    const { table } = await loadBars(bundledDataPath('BTC_USDT-1h.csv'));
    const expected = generateFeatures(table, set);
    expect(rows.map((r) => r[1])).toEqual(Array.from(expected.columns[1]!));
  });

  it('lists a set without data', async () => {
    const result = await arbiter(['features', '--list', '--json', '--timeframe', '1h']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json.features)).toEqual(frame.names);
  });

  it('reports a bad set file, an unknown set, a bad output extension and a missing folder as one-line errors', async () => {
    const bad = tmp.file('bad.yaml');
    writeFileSync(bad, 'features:\n  a: { kind: indicator, indicator: rsi, params: { period: 0 } }\n');
    const [badSet, unknownSet, badExtension, noFolder, noData] = await Promise.all([
      arbiter(['features', '--data', data, '--set', bad]),
      arbiter(['features', '--data', data, '--set', 'fancy']),
      arbiter(['features', '--data', data, '--out', tmp.file('x.parquet')]),
      arbiter(['features', '--data', data, '--out', tmp.file('no/such/dir/x.csv')]),
      arbiter(['features']),
    ]);
    expectOneLineError(badSet, 'features.a.params.period: must be an integer >= 2');
    expectOneLineError(unknownSet, '--set: "fancy" is neither a built-in set');
    expectOneLineError(badExtension, '--out: the output file must end in .csv or .json');
    expectOneLineError(noFolder, '--out: cannot write', 'does not exist');
    expectOneLineError(noData, '--data: required');
  });

  it('refuses a multi-timeframe feature the series cannot build, naming the feature', async () => {
    const file = tmp.file('mtf.json');
    writeFileSync(file, JSON.stringify({ features: { h: { kind: 'mtf', timeframe: '90m', feature: { kind: 'return', lag: 1 } } } }));
    expectOneLineError(await arbiter(['features', '--data', data, '--set', file]), 'features.h.timeframe: 90m is not a higher timeframe of the 1h series');
  });
});
