/**
 * `arbiter backtest --data db:SYMBOL@TIMEFRAME`: candles imported with `arbiter data import` are
 * read back from the database (DATABASE_URL) and give the same report as the file they came from.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../kit/tmp.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));
const tmp = tempDir('arbiter-cli-db-');
const env = { ...process.env, NO_COLOR: '1', DATABASE_URL: `sqlite:${tmp.file('arbiter.db')}` };
afterAll(() => tmp.remove());

interface Result { code: number; stdout: string; stderr: string }

async function arbiter(args: readonly string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: repo, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const strategy = ['--strategy', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--from', '2025-01-03', '--to', '2025-01-25'];

describe('arbiter backtest on candles from the database', () => {
  beforeAll(async () => {
    const imported = await arbiter(['data', 'import', 'data/bundled/BTC_USDT-1h.csv', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--venue', 'binance']);
    expect(imported.code, imported.stderr).toBe(0);
  });

  it('gives the same trades, equity and metrics as the file the candles came from', async () => {
    const fromFile = await arbiter(['backtest', '--data', 'data/bundled/BTC_USDT-1h.csv', ...strategy, '--quiet', '--json', tmp.file('file.json')]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const fromDb = await arbiter(['backtest', '--data', 'db:binance:BTC/USDT@1h', ...strategy, '--quiet', '--json', tmp.file('db.json')]);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    const a = JSON.parse(readFileSync(tmp.file('file.json'), 'utf8'));
    const b = JSON.parse(readFileSync(tmp.file('db.json'), 'utf8'));
    expect(b.data).toMatchObject({ symbols: ['BTC/USDT'], timeframe: '1h', bars: a.data.bars, start: a.data.start, end: a.data.end });
    expect(a.trades.length).toBeGreaterThan(0);
    expect(b.trades).toEqual(a.trades);
    expect(b.equity).toEqual(a.equity);
    expect(b.metrics).toEqual(a.metrics);
  });

  it('without a venue reads the only venue that stores the series', async () => {
    const r = await arbiter(['backtest', '--data', 'db:BTC/USDT@1h', ...strategy, '--quiet', '--json', tmp.file('any.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(tmp.file('any.json'), 'utf8')).data.bars).toBe(528);
  });

  it.each([
    ['db:BTC/USDT', 'is not a database series; write db:SYMBOL@TIMEFRAME'],
    ['db:ETH/USDT@1h', 'no candles stored for ETH/USDT 1h; import some with: arbiter data import <file> --symbol ETH/USDT --timeframe 1h; stored: binance:BTC/USDT@1h'],
  ])('rejects %s with one line naming --data', async (spec, message) => {
    const r = await arbiter(['backtest', '--data', spec, '--strategy', 'sma-cross']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('(run with --help'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('error: --data: ');
    expect(lines[0]).toContain(message);
  });
});
