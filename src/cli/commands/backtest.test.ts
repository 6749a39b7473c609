/**
 * `arbiter backtest` and `arbiter strategies` run in-process through `main` (the same code path
 * as the binary, minus the process): every option's bad value is one `error:` line naming the
 * option, file or key, with exit code 1; usage errors exit with 2. The binary itself is exercised
 * in test/integration/cli-backtest.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../test/kit/tmp.js';
import { main } from '../main.js';

const tmp = tempDir('arbiter-cli-unit-');
afterAll(() => tmp.remove());

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'arbiter', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const base = ['backtest', '--data', 'BTC_USDT-1h.csv', '--strategy', 'sma-cross'];

describe('arbiter backtest option errors', () => {
  it.each([
    ['a missing strategy file', ['backtest', '--data', 'BTC_USDT-1h.csv', '--strategy', './strategies/nope.ts'], 'strategy: strategy file ./strategies/nope.ts not found'],
    ['an unknown parameter', [...base, '--param', 'fats=5'], 'sma-cross.params.fats: '],
    ['parameters that break a cross-field rule', [...base, '--param', 'fast=50'], 'sma-cross.params.fast: fast must be shorter than slow'],
    ['a parameter without a value', [...base, '--param', 'fast'], '--param: expected key=value, got "fast"'],
    ['a parameter given twice', [...base, '--param', 'fast=5', '--param', 'fast=6'], '--param fast: given twice'],
    ['a zero cash amount', [...base, '--cash', '0'], '--cash: expected a number greater than 0, got "0"'],
    ['a negative fee', [...base, '--fee', '-0.001'], '--fee: expected a number at least 0 and at most 0.5, got "-0.001"'],
    ['a non-numeric slippage', [...base, '--slippage-bps', 'five'], '--slippage-bps: expected a number at least 0 and at most 10000, got "five"'],
    ['an unknown slippage model', [...base, '--slippage', 'magic'], '--slippage: unknown slippage model "magic"'],
    ['two slippage options', [...base, '--slippage', '5bps', '--slippage-bps', '5'], '--slippage: give either --slippage or --slippage-bps, not both'],
    ['a leverage below 1', [...base, '--leverage', '0.5'], '--leverage: expected a number at least 1'],
    ['leverage on a cash account', [...base, '--account', 'cash', '--leverage', '3'], '--leverage: a cash account has no leverage'],
    ['a negative latency', [...base, '--latency-ms', '-1'], '--latency-ms: expected a number at least 0'],
    ['a volume share above 1', [...base, '--max-volume-share', '1.5'], '--max-volume-share: expected a number greater than 0 and at most 1'],
    ['a fractional trade limit', [...base, '--max-open-trades', '1.5'], '--max-open-trades: expected a whole number at least 1'],
    ['a malformed date', [...base, '--from', '01/02/2025'], '--from: expected an ISO-8601 date'],
    ['an empty date range', [...base, '--from', '2025-02-01', '--to', '2025-01-01'], '--to: --from 2025-02-01 is not before --to 2025-01-01'],
    ['a date range without data', [...base, '--from', '2030-01-01'], '--from: no BTC/USDT bars between 2030-01-01 and the end'],
    ['an output folder that does not exist', [...base, '--json', '/nonexistent-dir/x.json'], '--json: cannot write /nonexistent-dir/x.json: the folder /nonexistent-dir does not exist'],
    ['--symbol with several files', [...base, '--data', 'SPY-1d.csv', '--symbol', 'X'], '--symbol: --symbol applies to a single --data file'],
    ['series of different timeframes', [...base, '--data', 'GOOG-1d.csv'], 'data: all series must share one timeframe'],
    ['a funding file for an unknown symbol', [...base, '--funding', 'ETH/USDT=XRP_USDT_USDT-8h-funding_rate.feather'], '--funding: no data series for ETH/USDT'],
    ['a bad timeframe', [...base, '--timeframe', 'hourly'], 'timeframe: "hourly" is not a timeframe'],
  ])('rejects %s with one line naming it', async (_name, args, message) => {
    const result = await run(args);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stdout).toBe('');
  });

  it.each([
    ['an unknown option', [...base, '--fees', '0.1'], "unknown option '--fees'"],
    ['an unknown intrabar path', [...base, '--path', 'zigzag'], "argument 'zigzag' is invalid"],
    ['an unknown convention', [...base, '--convention', 'zipline'], "argument 'zipline' is invalid"],
    ['an unknown repair policy', [...base, '--repair', 'fix'], "argument 'fix' is invalid"],
  ])('treats %s as a usage error (exit code 2)', async (_name, args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('arbiter backtest extras', () => {
  it('applies a funding series to a perpetual and reports the convention chosen', async () => {
    const out = tmp.file('funding.json');
    const result = await run(['backtest', '--data', 'XRP_USDT_USDT-1h-futures.feather', '--strategy', 'buy-and-hold', '--funding', 'XRP_USDT_USDT-8h-funding_rate.feather', '--convention', 'freqtrade', '--json', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.config.sim.fundingSymbols).toEqual(['XRP/USDT:USDT']);
    expect(report.config.convention).toBe('freqtrade');
    expect(report.trades).toHaveLength(1);
    // Longs pay positive funding: the trade's carry is what funding cost it.
    expect(report.trades[0].carry).not.toBe(0);
  });

  it('keeps positions open at the end with --no-close-at-end', async () => {
    const out = tmp.file('open.json');
    const result = await run(['backtest', '--data', 'BTC_USDT-1h.csv', '--strategy', 'buy-and-hold', '--no-close-at-end', '--json', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.trades).toHaveLength(0);
    expect(report.config.closeAtEnd).toBe(false);
  });
});

describe('arbiter strategies', () => {
  it('prints each built-in with its parameters, defaults and meanings', async () => {
    const result = await run(['strategies']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ema-cross — Fast/slow EMA crossover');
    expect(result.stdout).toContain('Bars in the slow exponential moving average.');
    expect(result.stdout).toMatch(/stoploss\s*│\s*number\s*│\s*0\s*│\s*-1 to 0/);
    expect(result.stdout).toContain('buy-and-hold — ');
  });
});
