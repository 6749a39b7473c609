/**
 * `arbiter backtest` end to end: the real binary (`node bin/arbiter.js`) on bundled data. The
 * JSON report follows the contract, equals the in-process runner's report byte for byte, is
 * deterministic, and every user error is one line on stderr with exit code 1 (usage errors 2),
 * never a stack trace.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { reportToJson } from '../../src/backtest/report.js';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { loadStrategy } from '../../src/strategy/loader.js';
import { tempDir } from '../kit/tmp.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));
const tmp = tempDir('arbiter-cli-');
afterAll(() => tmp.remove());

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
function expectOneLineError(result: Result, code: number, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('(run with --help'));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const f of fragments) expect(lines[0]).toContain(f);
}

const btcFile = 'data/bundled/BTC_USDT-1h.csv';

describe('arbiter backtest (contract command)', () => {
  const out = tmp.file('report.json');
  const html = tmp.file('report.html');
  const contract = ['backtest', '--data', btcFile, '--strategy', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--cash', '10000', '--fee', '0.001', '--slippage-bps', '0', '--json', out];
  const first = arbiter([...contract, '--html', html]);

  it('prints a summary and writes the JSON report', async () => {
    const result = await first;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sma-cross {"fast":10,"slow":30,"allowShort":false} on BTC/USDT 1h, 744 bars');
    for (const label of ['Final equity', 'Total return', 'Sharpe', 'Max drawdown', 'Win rate', 'Profit factor', 'SQN', 'Exit reason', 'exit_signal']) expect(result.stdout).toContain(label);
    expect(result.stdout).toContain(`JSON report written to ${out}`);
  });

  it('writes JSON in the documented format: trades, metrics, [time, equity] pairs in epoch ms', async () => {
    await first;
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const { table } = await loadBars(bundledDataPath('BTC_USDT-1h.csv'));
    expect(report.trades.length).toBeGreaterThan(5);
    for (const t of report.trades) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['symbol', 'side', 'entryTime', 'entryPrice', 'exitTime', 'exitPrice', 'quantity', 'pnl', 'fees', 'exitReason']));
      expect(t.symbol).toBe('BTC/USDT');
      expect(['long', 'short']).toContain(t.side);
      for (const k of ['entryTime', 'exitTime']) {
        expect(Number.isInteger(t[k])).toBe(true);
        expect(t[k]).toBeGreaterThanOrEqual(table.time[0]!);
        expect(t[k]).toBeLessThanOrEqual(table.time[table.length - 1]! + 3_600_000);
      }
      for (const k of ['entryPrice', 'exitPrice', 'quantity', 'pnl', 'fees']) expect(typeof t[k]).toBe('number');
      expect(t.fees).toBeCloseTo(0.001 * t.quantity * (t.entryPrice + t.exitPrice), 8);
    }
    for (const k of ['finalEquity', 'totalReturn', 'cagr', 'sharpe', 'sortino', 'calmar', 'maxDrawdown', 'winRate', 'profitFactor', 'sqn', 'tradeCount']) {
      expect(report.metrics, k).toHaveProperty(k);
      expect(typeof report.metrics[k] === 'number' || report.metrics[k] === null, k).toBe(true);
    }
    expect(report.metrics.tradeCount).toBe(report.trades.length);
    expect(report.equity).toHaveLength(table.length);
    expect(report.equity[0]).toEqual([table.time[0], 10_000]);
    expect(report.equity.every((p: unknown) => Array.isArray(p) && p.length === 2)).toBe(true);
    expect(report.equity.at(-1)[1]).toBe(report.metrics.finalEquity);
  });

  it('writes exactly the report the in-process runner produces for the same options', async () => {
    await first;
    const { table } = await loadBars(bundledDataPath('BTC_USDT-1h.csv'));
    const { definition } = await loadStrategy('sma-cross');
    const { report } = runBacktest({ data: [table], strategy: definition, params: { fast: 10, slow: 30, allowShort: false }, cash: 10_000, sim: { fees: { maker: 0.001, taker: 0.001 }, slippage: { kind: 'none' } } });
    expect(readFileSync(out, 'utf8')).toBe(reportToJson(report));
  });

  it('gives byte-identical JSON on a second run', async () => {
    await first;
    const again = tmp.file('again.json');
    const result = await arbiter(contract.map((a) => (a === out ? again : a)));
    expect(result.code).toBe(0);
    expect(readFileSync(again)).toEqual(readFileSync(out));
  });

  it('writes a standalone HTML report with the chart library inlined and the trades in it', async () => {
    await first;
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('TradingView Lightweight Charts');
    expect(page).not.toMatch(/<script[^>]+src=/);
    expect(page).not.toMatch(/<link[^>]+href="http/);
    const data = JSON.parse(/<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(page)![1]!);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(data.trades).toHaveLength(report.trades.length);
    expect(data.charts[0].candles).toHaveLength(744);
    expect(data.charts[0].markers).toHaveLength(2 * report.trades.length);
    expect(data.equity).toHaveLength(744);
  });
});

describe('arbiter backtest options', () => {
  it('applies fees, slippage, latency, the intrabar path and the account as given', async () => {
    const out = tmp.file('options.json');
    const result = await arbiter(['backtest', '-d', 'GOOG-1d.csv', '-s', 'ema-cross', '-p', 'allowShort=true', '--fee', '0.0005', '--slippage', 'sqrt:0.5', '--latency-ms', '250',
      '--path', 'high-first', '--account', 'margin', '--leverage', '2', '--max-volume-share', '0.2', '--convention', 'backtrader', '--quiet', '--json', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const { config } = JSON.parse(readFileSync(out, 'utf8'));
    expect(config.sim.fees).toEqual({ maker: 0.0005, taker: 0.0005 });
    expect(config.sim.slippage).toEqual({ kind: 'sqrt-impact', coefficient: 0.5 });
    expect(config.sim.latencyMs).toBe(250);
    expect(config.sim.path).toBe('high-first');
    expect(config.sim.maxVolumeShare).toBe(0.2);
    expect(config.leverage).toBe(2);
    expect(config.convention).toBe('backtrader');
    expect(config.closeAtEnd).toBe(false);
  });

  it('runs several symbols, restricted to a date range', async () => {
    const out = tmp.file('multi.json');
    const result = await arbiter(['backtest', '--data', 'SPY-1d.csv', '--data', 'GOOG-1d.csv', '--strategy', 'bollinger-breakout', '--from', '2006-01-01', '--to', '2008-01-01', '--json', out]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.data.symbols).toEqual(['SPY', 'GOOG']);
    expect(report.data.start).toBe(Date.parse('2006-01-03T00:00:00Z'));
    expect(report.data.end).toBeLessThan(Date.parse('2008-01-01T00:00:00Z'));
    expect(new Set(report.trades.map((t: { symbol: string }) => t.symbol))).toEqual(new Set(['SPY', 'GOOG']));
  });

  it('repairs bad rows with --repair drop and reports what it dropped', async () => {
    const file = tmp.file('BAD_USD-1d.csv');
    const rows = ['date,open,high,low,close,volume'];
    for (let i = 0; i < 60; i++) {
      const p = 100 + 10 * Math.sin(i / 5);
      rows.push(`${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${p},${p + 1},${p - 1},${p + 0.5},1000`);
    }
    rows[20] = rows[20]!.replace(/,1000$/, ',-5');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const strict = await arbiter(['backtest', '--data', file, '--strategy', 'sma-cross']);
    expectOneLineError(strict, 1, file, 'row 21', 'field "volume"');
    const out = tmp.file('repaired.json');
    const repaired = await arbiter(['backtest', '--data', file, '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--repair', 'drop', '--json', out]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('warning: BAD_USD-1d.csv: dropped 1 bad row (first: row 21, field "volume"');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.data.bars).toBe(59);
    expect(report.warnings[0]).toContain('dropped 1 bad row');
  });

  it('loads a strategy file from outside the package and reports its exceptions', async () => {
    const file = tmp.file('explodes.ts');
    writeFileSync(file, `import { defineStrategy, z } from 'arbiter/strategy';
export default defineStrategy({
  name: 'explodes',
  params: z.object({ at: z.number().int().default(50) }),
  setup: ({ params }) => {
    let n = 0;
    return { onBar: () => { if (++n === params.at) throw new Error('division by zero'); } };
  },
});
`);
    expectOneLineError(await arbiter(['backtest', '--data', 'BTC_USDT-1h.csv', '--strategy', file], tmp.path), 1, 'strategy "explodes" failed in onBar: division by zero');
    const fine = await arbiter(['backtest', '--data', 'BTC_USDT-1h.csv', '--strategy', './explodes.ts', '--param', 'at=100000'], tmp.path);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.stdout).toContain('No trades.');
  });
});

describe('arbiter backtest bad input', () => {
  // Each kind of user error once through the real binary; the in-process suite
  // (src/cli/commands/backtest.test.ts) covers every option's validation.
  const base = ['backtest', '--data', btcFile, '--strategy', 'sma-cross'];
  it.concurrent.each([
    ['a missing data file', ['backtest', '--data', 'nope/missing.csv', '--strategy', 'sma-cross'], ['nope/missing.csv', 'file not found']],
    ['an unknown strategy', ['backtest', '--data', btcFile, '--strategy', 'sma-crosss'], ['unknown strategy "sma-crosss"', 'bollinger-breakout', 'buy-and-hold', 'ema-cross', 'rsi-mean-reversion', 'sma-cross']],
    ['a parameter of the wrong type', [...base, '--param', 'fast=ten'], ['sma-cross.params.fast']],
    ['a non-numeric option', [...base, '--cash', '10k'], ['--cash', '"10k"']],
  ])('rejects %s with one line and exit code 1', async (_name, args, fragments) => {
    expectOneLineError(await arbiter(args), 1, ...fragments);
  });

  it('treats a missing required option as a usage error (exit code 2)', async () => {
    const result = await arbiter(['backtest', '--strategy', 'sma-cross']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-d, --data <file>' not specified");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('arbiter strategies', () => {
  it('lists the built-in strategies with their parameters and defaults', async () => {
    const result = await arbiter(['strategies', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list.map((s: { name: string }) => s.name)).toEqual(['bollinger-breakout', 'buy-and-hold', 'ema-cross', 'ensemble', 'rsi-mean-reversion', 'sma-cross']);
    const rsi = list.find((s: { name: string }) => s.name === 'rsi-mean-reversion');
    expect(rsi.params.map((p: { name: string; default: unknown }) => [p.name, p.default])).toEqual([['period', 14], ['lower', 30], ['upper', 70], ['stoploss', 0]]);
  });
});
