/**
 * Same input → byte-identical report (issue 2, "Backtest runner"): twice in a row, in fresh
 * kernels, with another backtest run in between (no state leaks between runs), with or without a
 * progress callback, on one symbol and on several.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions } from '../../src/backtest/runner.js';
import { reportToJson } from '../../src/backtest/report.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import smaCross from '../../strategies/sma-cross.js';
import { newLog, probeStrategy, sliceTime } from '../kit/engine.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const goog = (await loadBars(bundledDataPath('GOOG-1d.csv'))).table;
const googWindow = goog.slice(0, 700);
const spy = sliceTime((await loadBars(bundledDataPath('SPY-1d.csv'))).table, googWindow.time[0]!, googWindow.time[googWindow.length - 1]! + 1);

const sim = { fees: { maker: 0.0002, taker: 0.001 }, slippage: { kind: 'sqrt-impact', coefficient: 1 }, latencyMs: 90_000, maxVolumeShare: 0.5 } as const;

function json(options: Omit<BacktestOptions, 'strategy'> & { strategy?: BacktestOptions['strategy'] }): string {
  return reportToJson(runBacktest({ strategy: probeStrategy(newLog(), { shorts: true }), ...options }).report);
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('deterministic reports', () => {
  it('the probe on BTC/USDT 1h gives the same bytes twice, and has something in it', () => {
    const a = json({ data: [btc], sim });
    const b = json({ data: [btc], sim });
    expect(digest(b)).toBe(digest(a));
    const parsed = JSON.parse(a);
    expect(parsed.trades.length).toBeGreaterThan(10);
    expect(parsed.orders.length).toBeGreaterThan(parsed.trades.length);
    expect(parsed.equity).toHaveLength(btc.length);
  });

  it('another run in between changes nothing (no state shared between kernels)', () => {
    const a = json({ data: [btc], sim });
    json({ data: [goog], strategy: smaCross, params: { fast: 5, slow: 20, allowShort: true } });
    json({ data: [btc.slice(100, 300)], sim: { latencyMs: 0 } });
    expect(json({ data: [btc], sim })).toBe(a);
  });

  it('a progress callback changes nothing', () => {
    const calls: number[] = [];
    const a = json({ data: [btc], sim });
    expect(json({ data: [btc], sim, onProgress: (done) => calls.push(done) })).toBe(a);
    expect(calls.length).toBeGreaterThan(10);
  });

  it('several symbols give the same bytes twice', () => {
    const a = json({ data: [googWindow, spy], sim });
    expect(json({ data: [googWindow, spy], sim })).toBe(a);
    expect(JSON.parse(a).data.symbols).toEqual(['GOOG', 'SPY']);
  });

  it('the reference strategy sma-cross is deterministic under every convention', () => {
    for (const convention of ['arbiter', 'backtesting.py', 'freqtrade', 'backtrader']) {
      const options = { data: [goog], strategy: smaCross, params: { fast: 10, slow: 30, allowShort: true }, convention };
      expect(json(options)).toBe(json(options));
    }
  });

  it('the JSON holds numbers only where numbers are finite (no NaN, no Infinity)', () => {
    const text = json({ data: [btc], sim });
    expect(text).not.toMatch(/NaN|Infinity/);
  });
});
