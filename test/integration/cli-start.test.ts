/**
 * `arbiter start` (what `npm start` runs) end to end: paper trading on bundled data through the
 * live node, offline, with a line per fill, status lines and a final summary; its trades are the
 * backtest's for the same bars; Ctrl-C stops it gracefully with a summary.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { loadStrategy } from '../../src/strategy/loader.js';
import { tempDir } from '../kit/tmp.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));
const tmp = tempDir('arbiter-start-');
afterAll(() => tmp.remove());

describe('arbiter start', () => {
  it('paper-trades the default strategy on bundled data and ends with a summary', async () => {
    const out = tmp.file('paper.json');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'start', '--bars', '300', '--speed', 'max', '--json', out], { cwd: repo });
    expect(stderr).toBe('');
    expect(stdout).toContain('Arbiter paper trading: ema-cross {"fast":12,"slow":26,"allowShort":false} on BTC/USDT 1h');
    expect(stdout).toContain('environment paper');
    expect(stdout).toMatch(/^2025-01-\d\d \d\d:00 {2}BUY {2}[\d.]+ BTC\/USDT @ [\d.]+ {2}fee [\d.]+ {2}enter_long$/m);
    expect(stdout).toMatch(/^2025-01-\d\d \d\d:00 {2}SELL [\d.]+ BTC\/USDT @ [\d.]+ {2}fee [\d.]+ {2}exit_signal$/m);
    expect(stdout).toMatch(/^\[2025-01-\d\d \d\d:00\] equity [\d,.]+ \(-?[\d.]+%\) \| .* \| \d+ closed trades \| bar 300\/300$/m);
    expect(stdout).toContain('Paper trading summary');
    expect(stdout).toContain('Final equity');

    // The same bars through the backtest runner: the same trades, orders and equity curve.
    const table = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table.slice(0, 300);
    const { definition } = await loadStrategy('ema-cross');
    const { report } = runBacktest({ data: [table], strategy: definition, sim: { fees: { maker: 0.001, taker: 0.001 }, slippage: { kind: 'none' } }, closeAtEnd: false });
    const paper = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.trades.length).toBeGreaterThan(2);
    expect(paper.trades).toEqual(JSON.parse(JSON.stringify(report.trades)));
    expect(paper.orders).toEqual(JSON.parse(JSON.stringify(report.orders)));
    expect(paper.equity).toEqual(report.equity);
    expect(paper.metrics.finalEquity).toBe(report.metrics.finalEquity);
  });

  it('stops gracefully on Ctrl-C and still prints the summary', async () => {
    const child = spawn(process.execPath, [bin, 'start', '--headless', '--speed', '40'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // The first status line: the replay is running.
        if (/\| bar \d+\/744$/m.test(stdout)) resolve();
      });
      void exited.then((code) => reject(new Error(`exited with ${code} before the first status line: ${stderr}`)));
    });
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(0);
    expect(stderr).toContain('stopping (Ctrl-C again to quit at once)');
    expect(stdout).toContain('Paper trading summary');
    expect(stdout).toMatch(/warning: stopped by Ctrl-C after \d+ of 744 bars/);
    expect(stdout).not.toContain('bar 744/744');
  });
});
