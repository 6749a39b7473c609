/** `arbiter start` in-process: option errors and a quiet run (the binary: test/integration/cli-start.test.ts). */
import { describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

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
    return { code: await main(['node', 'arbiter', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('arbiter start', () => {
  it.each([
    [['--speed', 'fast'], '--speed: expected a number greater than 0'],
    [['--speed', '0'], '--speed: expected a number greater than 0'],
    [['--bars', '2.5'], '--bars: expected a whole number at least 1'],
    [['--strategy', 'nope'], 'strategy: unknown strategy "nope"; built-in strategies: bollinger-breakout, buy-and-hold, ema-cross, ensemble, rsi-mean-reversion, sma-cross'],
    [['--data', 'missing.csv'], 'missing.csv: file not found'],
    [['--param', 'fast=x'], 'ema-cross.params.fast: '],
  ])('rejects %j with one line naming the option', async (args, message) => {
    const result = await run(['start', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`error: ${message}`);
  });

  it('with --quiet prints only the final summary', async () => {
    const result = await run(['start', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=10', '--bars', '60', '--speed', 'max', '--quiet', '--headless']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith('\nPaper trading summary\nsma-cross {"fast":3,"slow":10,"allowShort":false} on BTC/USDT 1h, 60 bars')).toBe(true);
    expect(result.stdout).not.toContain('Arbiter paper trading:');
    expect(result.stdout).not.toMatch(/ BUY /);
  });

  it('replays several symbols merged by time', async () => {
    const result = await run(['start', '--data', 'SPY-1d.csv', '--data', 'GOOG-1d.csv', '--strategy', 'buy-and-hold', '--from', '2010-01-01', '--bars', '30', '--speed', 'max', '--headless']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('on SPY, GOOG 1d');
    expect(result.stdout).toMatch(/BUY +[\d.]+ SPY @/);
    expect(result.stdout).toMatch(/BUY +[\d.]+ GOOG @/);
    expect(result.stdout).toContain('warning: 2 positions are still open');
  });
});
