import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { replayHeads } from './replay.js';
import type { Signal, SignalHead } from './signal.js';
import { barsFromCloses } from './test-bars.js';

const signal = (direction: number): Signal => ({ direction, confidence: 0.7, horizonMs: 3_600_000, reason: 'test', inputs: {} });
const steady = (id: string, direction = 1): SignalHead => ({ id, kind: 'test', evaluate: () => signal(direction) });
const table = barsFromCloses([100, 101, 102, 103, 104, 105]);

describe('the head panel', () => {
  it('marks a head that throws as faulted, with the error, and leaves the others alone', () => {
    const boom: SignalHead = { id: 'boom', kind: 'test', evaluate: () => { throw new Error('model file missing'); } };
    const rows = replayHeads([steady('a'), boom, steady('b', -1)], table);
    for (const row of rows) {
      expect(row.evaluations.map((e) => [e.head, e.status])).toEqual([['a', 'ok'], ['boom', 'faulted'], ['b', 'ok']]);
      expect(row.evaluations[1]!.error).toBe('threw: model file missing');
      expect(row.evaluations[2]!.signal!.direction).toBe(-1);
    }
  });

  it('marks a head that overruns its time budget as faulted and drops its signal', () => {
    let clock = 0;
    const slow: SignalHead = { id: 'slow', kind: 'test', evaluate: () => { clock += 80; return signal(1); } };
    const quick: SignalHead = { id: 'quick', kind: 'test', evaluate: () => { clock += 1; return signal(1); } };
    const rows = replayHeads([slow, quick], table, { timeBudgetMs: 50, now: () => clock });
    const [s, q] = rows[0]!.evaluations;
    expect(s).toMatchObject({ head: 'slow', status: 'faulted', elapsedMs: 80 });
    expect(s!.signal).toBeUndefined();
    expect(s!.error).toBe('took 80.0 ms, over the 50 ms budget');
    expect(q).toMatchObject({ head: 'quick', status: 'ok', elapsedMs: 1 });
  });

  it('faults a head whose signal is not a signal (NaN, out of range)', () => {
    const nan: SignalHead = { id: 'nan', kind: 'test', evaluate: () => ({ ...signal(1), direction: Number.NaN }) };
    const over: SignalHead = { id: 'over', kind: 'test', evaluate: () => ({ ...signal(1), confidence: 1.5 }) };
    const [a, b] = replayHeads([nan, over], table)[0]!.evaluations;
    expect(a).toMatchObject({ status: 'faulted', error: 'invalid signal: direction must be a number in [-1, 1], got NaN' });
    expect(b).toMatchObject({ status: 'faulted', error: 'invalid signal: confidence must be a number in [0, 1], got 1.5' });
  });

  it('records an abstention when a head returns nothing', () => {
    const quiet: SignalHead = { id: 'quiet', kind: 'test', evaluate: () => undefined };
    expect(replayHeads([quiet], table)[0]!.evaluations[0]).toMatchObject({ head: 'quiet', status: 'abstained' });
  });

  it('faults a head that reads an indicator it did not declare', () => {
    const sneaky: SignalHead = { id: 'sneaky', kind: 'test', evaluate: (ctx) => signal(ctx.indicator('rsi') > 50 ? 1 : -1) };
    expect(replayHeads([sneaky], table)[0]!.evaluations[0]!.error).toMatch(/indicator "rsi" is not declared/);
  });

  it('asks heads only after every declared indicator can have a value', () => {
    const head: SignalHead = { id: 'sma', kind: 'test', requires: { indicators: { sma: { name: 'sma', params: { period: 3 } } } }, evaluate: (ctx) => signal(ctx.bar.close > ctx.indicator('sma') ? 1 : -1) };
    const rows = replayHeads([head], table);
    expect(rows.map((r) => r.evaluations.length)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(rows[2]!.evaluations[0]!.signal!.direction).toBe(1);
  });

  it('refuses two heads with one id and a panel without heads', () => {
    expect(() => replayHeads([steady('a'), steady('a')], table)).toThrow(ConfigurationError);
    expect(() => replayHeads([], table)).toThrow(/at least one head/);
  });

  it('gives heads the close time as now and only closed bars', () => {
    const seen: Array<[number, number, number]> = [];
    const probe: SignalHead = { id: 'probe', kind: 'test', evaluate: (ctx) => { seen.push([ctx.time, ctx.series().length, ctx.series().close()]); return undefined; } };
    replayHeads([probe], table);
    expect(seen[0]).toEqual([table.time[0]! + 3_600_000, 1, 100]);
    expect(seen[5]).toEqual([table.time[5]! + 3_600_000, 6, 105]);
  });
});
