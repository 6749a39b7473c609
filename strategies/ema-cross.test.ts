/**
 * ema-cross trades exactly at the crossings of an independently computed pair of EMAs (TA-Lib's
 * definition: seeded with the SMA of the first `period` closes, then α = 2/(period+1)), filling
 * at the next bar's open, on real SPY daily bars.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import emaCross from './ema-cross.js';

const spy = (await loadBars(bundledDataPath('SPY-1d.csv'))).table;
const strategy = emaCross;

function referenceEma(values: Float64Array, period: number): number[] {
  const out: number[] = new Array<number>(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < period; i++) sum += values[i]!;
  out[period - 1] = sum / period;
  const alpha = 2 / (period + 1);
  for (let i = period; i < values.length; i++) out[i] = out[i - 1]! + alpha * (values[i]! - out[i - 1]!);
  return out;
}

/** Signals at bar i (1 up, -1 down) from the reference EMAs. */
function crossings(fast: number, slow: number): Map<number, 1 | -1> {
  const f = referenceEma(spy.close, fast);
  const s = referenceEma(spy.close, slow);
  const out = new Map<number, 1 | -1>();
  for (let i = 1; i < spy.length; i++) {
    const before = f[i - 1]! - s[i - 1]!;
    const now = f[i]! - s[i]!;
    if (before < 0 && now > 0) out.set(i, 1);
    else if (before > 0 && now < 0) out.set(i, -1);
  }
  return out;
}

describe('ema-cross on SPY daily', () => {
  it('goes long at the open after each cross up and leaves at the open after each cross down', () => {
    const { report } = runBacktest({ data: [spy], strategy, params: { fast: 12, slow: 26 }, sim: { fees: { maker: 0.001, taker: 0.001 } } });
    const expected: Array<{ entryTime: number; exitTime: number }> = [];
    let open: number | undefined;
    for (const [i, signal] of [...crossings(12, 26)].sort((a, b) => a[0] - b[0])) {
      if (i + 1 >= spy.length) continue;
      if (signal === 1 && open === undefined) open = i + 1;
      else if (signal === -1 && open !== undefined) {
        expected.push({ entryTime: spy.time[open]!, exitTime: spy.time[i + 1]! });
        open = undefined;
      }
    }
    const closed = report.trades.filter((t) => t.exitReason === 'exit_signal');
    expect(expected.length).toBeGreaterThan(50);
    expect(closed.map((t) => ({ entryTime: t.entryTime, exitTime: t.exitTime }))).toEqual(expected);
    for (const t of report.trades) {
      const entry = spy.time.indexOf(t.entryTime);
      expect(t.side).toBe('long');
      expect(t.entryPrice / spy.open[entry]! - 1).toBeCloseTo(0, 12);
      // Fees: 0.1% of each fill's notional.
      expect(t.fees).toBeCloseTo(0.001 * t.quantity * (t.entryPrice + t.exitPrice), 8);
    }
    // A position still open at the end is closed at the last close.
    const rest = report.trades.filter((t) => t.exitReason !== 'exit_signal');
    for (const t of rest) {
      expect(t.exitReason).toBe('force_exit');
      expect(t.exitPrice / spy.close[spy.length - 1]! - 1).toBeCloseTo(0, 12);
    }
    expect(rest.length).toBe(open === undefined ? 0 : 1);
  });

  it('with allowShort reverses on every cross, alternating long and short', () => {
    const { report } = runBacktest({ data: [spy], strategy, params: { fast: 10, slow: 30, allowShort: true } });
    const signals = [...crossings(10, 30)].sort((a, b) => a[0] - b[0]).filter(([i]) => i + 1 < spy.length);
    const trades = report.trades;
    // Every crossing but the first closes a trade (the first only opens one), plus the final settlement.
    expect(trades.length).toBe(signals.length);
    for (let k = 0; k < trades.length - 1; k++) {
      const [i, signal] = signals[k]!;
      expect(trades[k]!.entryTime).toBe(spy.time[i + 1]);
      expect(trades[k]!.side).toBe(signal === 1 ? 'long' : 'short');
      expect(trades[k]!.exitTime).toBe(spy.time[signals[k + 1]![0] + 1]);
      expect(trades[k]!.exitReason).toBe('reverse');
    }
  });

  it('rejects a fast period that is not shorter than the slow one', () => {
    expect(() => runBacktest({ data: [spy], strategy, params: { fast: 30, slow: 20 } })).toThrow('ema-cross.params.fast: fast must be shorter than slow');
  });
});
