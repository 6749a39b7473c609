/**
 * `arbiter indicator` end to end: the real binary (`node bin/arbiter.js`) on bundled data. The
 * JSON is exactly `{name, params, time, values}` with the library's numbers (null in warm-up),
 * `--list` describes every indicator, and every user error is one line on stderr with exit
 * code 1, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { computeIndicator, listIndicators } from '../../src/indicators/index.js';
import type { BarTable } from '../../src/model/bar.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));

interface Result { code: number; stdout: string; stderr: string }

async function arbiter(args: readonly string[], cwd = repo): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** One line, `error: …`, no stack trace. */
function expectOneLineError(result: Result, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const f of fragments) expect(lines[0]).toContain(f);
}

const data = 'data/bundled/BTC_USDT-1h.csv';
let table: BarTable;
beforeAll(async () => {
  table = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
});

const nullable = (values: Float64Array) => Array.from(values, (v) => (Number.isFinite(v) ? v : null));

describe('arbiter indicator --json', () => {
  it('prints exactly {name, params, time, values} with the library numbers and null during warm-up', async () => {
    const result = await arbiter(['indicator', 'rsi', '--data', data, '--param', 'period=14', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(['name', 'params', 'time', 'values']);
    expect(json.name).toBe('rsi');
    expect(json.params).toEqual({ period: 14, seed: 'sma', smoothing: 'wilder', unstablePeriod: 0, source: 'close' });
    expect(json.time).toEqual(Array.from(table.time));
    expect(Object.keys(json.values)).toEqual(['rsi']);
    expect(json.values.rsi.slice(0, 14)).toEqual(Array(14).fill(null));
    expect(json.values.rsi).toEqual(nullable(computeIndicator('rsi', table, { period: 14 }).lines.rsi!));
  });

  it('names MACD lines macd, signal, histogram and takes TA-Lib parameter names', async () => {
    const result = await arbiter(['indicator', 'macd', '--data', data, '--param', 'fastPeriod=8', '--param', 'slowPeriod=21', '--param', 'signalPeriod=5', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json.values)).toEqual(['macd', 'signal', 'histogram']);
    expect(json.params).toMatchObject({ fastPeriod: 8, slowPeriod: 21, signalPeriod: 5 });
    const lines = computeIndicator('macd', table, { fastPeriod: 8, slowPeriod: 21, signalPeriod: 5 }).lines;
    expect(json.values.histogram).toEqual(nullable(lines.histogram!));
    // TA-Lib convention: every line starts once the signal is ready, (21 − 1) + (5 − 1) bars in.
    expect(json.values.macd.findIndex((v: number | null) => v !== null)).toBe(24);
  });

  it('takes stdDev for Bollinger Bands and finds bundled data by name from any directory', async () => {
    const result = await arbiter(['indicator', 'bbands', '--data', 'BTC_USDT-1h.csv', '--param', 'period=10', '--param', 'stdDev=2.5', '--json'], tmpdir());
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.params).toMatchObject({ period: 10, stdDev: 2.5 });
    expect(Object.keys(json.values)).toEqual(['middle', 'upper', 'lower', 'width', 'percentB']);
    expect(json.values.upper).toEqual(nullable(computeIndicator('bbands', table, { period: 10, stdDev: 2.5 }).lines.upper!));
  });

  it('prints the last rows as a table without --json', async () => {
    const result = await arbiter(['indicator', 'ema', '--data', data, '--tail', '3']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ema (period=20 seed=sma unstablePeriod=0 source=close) on BTC/USDT 1h, 744 bars, warm-up 19; last 3 rows:');
    expect(result.stdout).toContain('2025-01-31T23:00:00Z');
  });
});

describe('arbiter indicator --list', () => {
  it('--json lists every indicator with group, parameters with defaults, and lines', async () => {
    const result = await arbiter(['indicator', '--list', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list.map((d: { name: string }) => d.name)).toEqual(listIndicators().map((d) => d.name));
    const macd = list.find((d: { name: string }) => d.name === 'macd');
    expect(macd.group).toBe('momentum');
    expect(macd.lines).toEqual(['macd', 'signal', 'histogram']);
    expect(macd.params.slice(0, 3).map((p: { name: string; default: number }) => [p.name, p.default])).toEqual([['fastPeriod', 12], ['slowPeriod', 26], ['signalPeriod', 9]]);
  });

  it('prints a table of names, groups, parameters and lines', async () => {
    const result = await arbiter(['indicator', '--list']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/│ rsi\s+│ momentum\s+│ period=14 seed=sma/);
    expect(result.stdout).toContain(`${listIndicators().length} indicators`);
  });
});

describe('arbiter indicator errors', () => {
  it('an unknown indicator lists the names', async () => {
    expectOneLineError(await arbiter(['indicator', 'rsx', '--data', data, '--json']), 'unknown indicator "rsx"', 'available: ad, adosc', ' rsi,');
  });

  it('a bad parameter value names the parameter', async () => {
    const [tooSmall, notANumber] = await Promise.all([
      arbiter(['indicator', 'rsi', '--data', data, '--param', 'period=1']),
      arbiter(['indicator', 'rsi', '--data', data, '--param', 'period=abc']),
    ]);
    expectOneLineError(tooSmall, 'rsi.period: must be an integer >= 2, got "1"');
    expectOneLineError(notANumber, 'rsi.period: must be an integer');
  });

  it('an unknown parameter, a cross-field rule and a malformed pair name the key', async () => {
    const [unknown, crossField, malformed] = await Promise.all([
      arbiter(['indicator', 'rsi', '--data', data, '--param', 'perod=3']),
      arbiter(['indicator', 'macd', '--data', data, '--param', 'fastPeriod=30']),
      arbiter(['indicator', 'rsi', '--data', data, '--param', 'period']),
    ]);
    expectOneLineError(unknown, 'rsi.perod: unknown parameter "perod"; rsi takes period');
    expectOneLineError(crossField, 'macd.fastPeriod: must be less than slowPeriod (26)');
    expectOneLineError(malformed, '--param: expected key=value, got "period"');
  });

  it('missing name, missing data and a missing file are one-line errors', async () => {
    const [noName, noData, noFile] = await Promise.all([
      arbiter(['indicator', '--data', data]),
      arbiter(['indicator', 'rsi']),
      arbiter(['indicator', 'rsi', '--data', 'nope.csv']),
    ]);
    expectOneLineError(noName, 'indicator: required');
    expectOneLineError(noData, '--data: required');
    expectOneLineError(noFile, 'nope.csv: file not found');
  });
});
