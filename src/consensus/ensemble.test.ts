import { describe, expect, it } from 'vitest';
import { MessageBus } from '../bus/message-bus.js';
import { BarSeries } from '../data/series.js';
import { flatPortfolio } from '../heads/replay.js';
import type { Signal, SignalHead } from '../heads/signal.js';
import { barsFromCloses, randomWalk } from '../heads/test-bars.js';
import type { BarTable } from '../model/bar.js';
import { Position } from '../model/position.js';
import type { DecisionRecord } from '../storage/port.js';
import type { Decision } from './decision.js';
import { Ensemble, type EnsembleOptions } from './ensemble.js';

const HOUR = 3_600_000;

/** Drives an ensemble over a table with a position the test controls. */
function drive(ensemble: Ensemble, table: BarTable, position = new Position(table.symbol)): Array<Decision | undefined> {
  const series = new BarSeries(table.symbol, table.timeframe, 5000);
  const base = flatPortfolio();
  const portfolio = { ...base, position: () => position };
  const out: Array<Decision | undefined> = [];
  for (let i = 0; i < table.length; i++) {
    const bar = table.bar(i);
    series.append(bar);
    out.push(ensemble.onBar(bar, { time: bar.time + HOUR, portfolio, position: () => position, series: () => series }));
  }
  return out;
}

const signal = (direction: number, confidence = 0.8, horizonMs = HOUR): Signal => ({ direction, confidence, horizonMs, reason: `says ${direction}`, inputs: { x: 1 } });
const fixed = (id: string, direction: number, confidence = 0.8): SignalHead => ({ id, kind: 'test', evaluate: () => signal(direction, confidence) });
const options = (heads: SignalHead[], extra: Partial<EnsembleOptions> = {}): EnsembleOptions => ({
  name: 'test', timeframe: '1h', heads, consensus: { mode: 'quorum', quorum: 2, minConfidence: 0.6, targetConfidence: 0.8 }, learning: { calibration: 'none' }, ...extra,
});
const table = barsFromCloses(randomWalk(60, 3, 0, 0.01));

describe('the ensemble', () => {
  it('excludes a head that throws and one that is too slow, and records both in the decision', () => {
    let clock = 0;
    const boom: SignalHead = { id: 'boom', kind: 'test', evaluate: () => { throw new Error('no model'); } };
    const slow: SignalHead = { id: 'slow', kind: 'test', evaluate: () => { clock += 900; return signal(-1, 0.99); } };
    const fast: SignalHead = { id: 'fast', kind: 'test', evaluate: () => { clock += 1; return signal(1); } };
    const ensemble = new Ensemble(options([fast, fixed('also', 1), boom, slow], { timeBudgetMs: 250, now: () => clock }));
    const decision = drive(ensemble, table)[0]!;
    expect(decision.faulted).toEqual(['boom', 'slow']);
    expect(decision.votes.map((v) => [v.head, v.status])).toEqual([['fast', 'ok'], ['also', 'ok'], ['boom', 'faulted'], ['slow', 'faulted']]);
    expect(decision.votes[2]!.error).toBe('threw: no model');
    expect(decision.votes[3]!.error).toMatch(/over the 250 ms budget/);
    // The slow head's −1 at 0.99 did not count: two heads long make the quorum.
    expect(decision).toMatchObject({ action: 'buy', direction: 1, side: 'buy' });
    expect(decision.reasoning).toContain('faulted (excluded): boom, slow');
  });

  it('publishes every decision on the bus and counts them by action', () => {
    const bus = new MessageBus();
    const seen: Decision[] = [];
    bus.subscribe('decision', (d) => seen.push(d));
    const ensemble = new Ensemble(options([fixed('a', 1), fixed('b', 1)], { bus }));
    const decisions = drive(ensemble, table, Object.assign(new Position(table.symbol), { quantity: 1 }));
    expect(seen).toEqual(decisions.filter((d) => d !== undefined));
    expect(seen.every((d) => d.action === 'hold' && d.reasoning.includes('already long'))).toBe(true);
    expect(ensemble.log.countsByAction()).toEqual({ buy: 0, sell: 0, close: 0, hold: 60 });
  });

  it('maps a short consensus to close (long held), hold (flat) or sell (shorting on)', () => {
    const short = [fixed('a', -1), fixed('b', -1)];
    const long = Object.assign(new Position(table.symbol), { quantity: 2 });
    expect(drive(new Ensemble(options(short)), table, long)[5]).toMatchObject({ action: 'close', side: 'sell', direction: -1 });
    expect(drive(new Ensemble(options(short)), table)[5]).toMatchObject({ action: 'hold', direction: -1 });
    expect(drive(new Ensemble(options(short)), table)[5]!.reasoning).toContain('shorting is off');
    const sell = drive(new Ensemble(options(short, { allowShort: true })), table)[5]!;
    expect(sell).toMatchObject({ action: 'sell', side: 'sell' });
    expect(sell.size!.quantity).toBeGreaterThan(0);
  });

  it('sizes an entry with ¼ Kelly on the consensus confidence, scaled by the target', () => {
    const d = drive(new Ensemble(options([fixed('a', 1, 0.7), fixed('b', 1, 0.7)])), table)[0]!;
    // p = 0.7, b = 1: f* = 0.4, ¼ → 0.1; confidence halfway between 0.6 and 0.8 → scale 0.75.
    expect(d.size!.scale).toBeCloseTo(0.75, 12);
    expect(d.size!.fraction).toBeCloseTo(0.1 * 0.75, 3);
    expect(d.size!.notional).toBeCloseTo(10_000 * 0.1 * 0.75, 0);
    expect(d.size!.reason).toMatch(/Kelly/);
  });

  it('holds when the sizer gives nothing (a confidence with no edge)', () => {
    const d = drive(new Ensemble(options([fixed('a', 1, 0.5), fixed('b', 1, 0.5)], { consensus: { mode: 'quorum', quorum: 2, minConfidence: 0.5, targetConfidence: 0.6 } })), table)[0]!;
    expect(d.action).toBe('hold');
    expect(d.reasoning).toMatch(/no size/);
  });

  it('learns only in the fit period, fits once at its end, then decides', () => {
    let fits = 0;
    const learner: SignalHead = { ...fixed('learner', 1), fit: (time) => { fits++; return { head: 'learner', fitted: true, detail: { time } }; } };
    const ensemble = new Ensemble(options([learner, fixed('b', 1)], { fitBars: 20 }));
    const decisions = drive(ensemble, table);
    expect(decisions.slice(0, 20).every((d) => d === undefined)).toBe(true);
    expect(decisions.slice(20).every((d) => d !== undefined)).toBe(true);
    expect(fits).toBe(1);
    expect(ensemble.recorder.fits).toEqual([{ head: 'learner', fitted: true, detail: { time: table.time[20]! + HOUR } }]);
  });

  it('weights the head that calls the next move 70% of the time above a coin flip, and calibrates an over-confident head down', () => {
    const closes = randomWalk(3000, 8, 0, 0.01);
    const t = barsFromCloses(closes);
    let seed = 99;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    // The oracle reads the next close from the test's table (a synthetic head for the learning test).
    const index = new Map(Array.from(t.time, (time, i) => [time + HOUR, i]));
    const oracle: SignalHead = { id: 'oracle', kind: 'test', evaluate: (ctx) => {
      const i = index.get(ctx.time)!;
      if (i + 1 >= closes.length) return undefined;
      const up = closes[i + 1]! > closes[i]! ? 1 : -1;
      return signal(rand() < 0.7 ? up : -up, 0.7);
    } };
    const boaster: SignalHead = { id: 'boaster', kind: 'test', evaluate: () => signal(rand() < 0.5 ? 1 : -1, 0.95) };
    const ensemble = new Ensemble(options([oracle, boaster], { learning: { calibration: 'isotonic', minSamples: 50 } }));
    drive(ensemble, t);
    expect(ensemble.weights().oracle).toBeGreaterThan(0.75);
    expect(ensemble.calibrations.get('boaster')!.map(0.95)).toBeLessThan(0.6);
    expect(ensemble.calibrations.get('oracle')!.map(0.7)).toBeCloseTo(0.7, 1);
  });

  it('stores each decision with its votes through the storage port', async () => {
    const stored: DecisionRecord[] = [];
    const ensemble = new Ensemble(options([fixed('a', 1), { id: 'x', kind: 'test', evaluate: () => { throw new Error('down'); } }, fixed('b', 1)], {
      storage: { decisions: { record: (d) => Promise.resolve(void stored.push(d)), markExecuted: () => Promise.resolve(), setOutcome: () => Promise.resolve() } },
      recordHolds: false,
    }));
    const decisions = drive(ensemble, table.slice(0, 3));
    await ensemble.flush();
    expect(stored.map((d) => d.id)).toEqual(decisions.filter((d) => d?.action !== 'hold').map((d) => d!.id));
    expect(stored[0]).toMatchObject({ strategy: 'test', action: 'buy', side: 'buy', direction: 1, outcome: 'pending', modelUsed: 'consensus:quorum' });
    expect(stored[0]!.votes.map((v) => [v.head, v.status, v.error ?? null])).toEqual([['a', 'ok', null], ['x', 'faulted', 'threw: down'], ['b', 'ok', null]]);
    expect(ensemble.writes.failures).toBe(0);
  });

  it('rejects a quorum larger than the panel', () => {
    expect(() => new Ensemble(options([fixed('a', 1)], { consensus: { quorum: 3 } }))).toThrow('consensus.quorum: a quorum of 3 needs at least that many heads; there are 1');
  });
});
