/**
 * Reading the future is impossible (issue 2, "Strategy API"): a strategy that asks for a bar
 * ahead gets a LookAheadError wrapped in a StrategyError, and — the property — replacing every bar
 * after a random time t by other valid bars changes nothing the strategy saw, no order event,
 * fill or trade, and no equity point up to t. The same holds for a higher timeframe the strategy
 * builds from the base data: it only ever shows closed higher bars.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest, type BacktestOptions } from '../../src/backtest/runner.js';
import { LookAheadError, StrategyError } from '../../src/core/errors.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import type { BarTable } from '../../src/model/bar.js';
import { defineStrategy, type StrategyContext } from '../../src/strategy/index.js';
import { newLog, perturbAfter, probeStrategy, seeded, type ProbeLog } from '../kit/engine.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const eth = (await loadBars(bundledDataPath('ETH_BTC-5m.feather'))).table.slice(0, 1200);

function peeking(read: (ctx: StrategyContext) => unknown) {
  return defineStrategy({
    name: 'peeker',
    params: z.strictObject({}),
    setup: () => ({ onBar: (_bar, ctx) => void read(ctx) }),
  });
}

describe('reading ahead', () => {
  it.each([
    ['close(-1)', (ctx: StrategyContext) => ctx.series().close(-1)],
    ['bar(-1)', (ctx: StrategyContext) => ctx.series().bar(-1)],
    ['time(-1)', (ctx: StrategyContext) => ctx.series().time(-1)],
    ['high(-0.5)', (ctx: StrategyContext) => ctx.series().high(-0.5)],
  ])('series().%s throws a LookAheadError wrapped in a StrategyError', (_name, read) => {
    let error: unknown;
    try {
      runBacktest({ data: [btc.slice(0, 10)], strategy: peeking(read) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StrategyError);
    expect((error as StrategyError).callback).toBe('onBar');
    expect((error as StrategyError).cause).toBeInstanceOf(LookAheadError);
    expect((error as StrategyError).message).toMatch(/strategy "peeker" failed in onBar: .*in the future/);
  });

  it('the latest bar a strategy can read is the one that just closed', () => {
    const seen: Array<[number, number, number]> = [];
    runBacktest({
      data: [btc.slice(0, 5)],
      strategy: defineStrategy({
        name: 'clock',
        params: z.strictObject({}),
        setup: () => ({ onBar: (bar, ctx) => void seen.push([bar.time, ctx.series().time(0), ctx.time]) }),
      }),
    });
    for (const [barTime, lastTime, now] of seen) {
      expect(lastTime).toBe(barTime);
      expect(now).toBe(barTime + 3_600_000);
    }
  });

  it('the arrays a strategy copies out end at the current bar', () => {
    const lengths: number[] = [];
    runBacktest({
      data: [btc.slice(0, 30)],
      strategy: defineStrategy({
        name: 'copier',
        params: z.strictObject({}),
        setup: () => ({
          onBar: (bar, ctx) => {
            const closes = ctx.series().closes();
            expect(closes.at(-1)).toBe(bar.close);
            lengths.push(closes.length);
          },
        }),
      }),
    });
    expect(lengths).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

/** Runs the probe on `table` and returns its log and the report. */
function probe(table: BarTable, options: Partial<BacktestOptions> & { higher?: string } = {}): { log: ProbeLog; equity: ReadonlyArray<readonly [number, number]>; trades: ReturnType<typeof runBacktest>['report']['trades'] } {
  const log = newLog();
  const { higher, ...rest } = options;
  const { report } = runBacktest({
    data: [table],
    strategy: probeStrategy(log, { ...(higher ? { higher } : {}), shorts: true }),
    sim: { fees: { maker: 0.0002, taker: 0.001 }, slippage: { kind: 'fixed-bps', bps: 2 }, latencyMs: 1000 },
    ...rest,
  });
  return { log, equity: report.equity, trades: report.trades };
}

/** Asserts that everything up to the close of bar k is the same in both runs. */
function expectSameUpTo(table: BarTable, k: number, a: ReturnType<typeof probe>, b: ReturnType<typeof probe>): void {
  const cut = a.log.afterBar.get(table.time[k]!)!;
  expect(cut).toBeGreaterThan(0);
  expect(b.log.lines.slice(0, cut)).toEqual(a.log.lines.slice(0, cut));
  expect(b.log.afterBar.get(table.time[k]!)).toBe(cut);
  const closeK = table.time[k]! + (table.time[1]! - table.time[0]!);
  expect(b.log.fills.filter((f) => f.time < closeK)).toEqual(a.log.fills.filter((f) => f.time < closeK));
  expect(b.equity.slice(0, k + 1)).toEqual(a.equity.slice(0, k + 1));
  expect(b.trades.filter((t) => t.exitTime < closeK)).toEqual(a.trades.filter((t) => t.exitTime < closeK));
}

describe('perturbing the future changes nothing up to now', () => {
  const original = probe(btc);

  it('the probe trades on the real data (otherwise the property would be empty)', () => {
    expect(original.log.fills.length).toBeGreaterThan(20);
    expect(new Set(original.trades.map((t) => t.exitReason)).size).toBeGreaterThan(2);
  });

  it('on BTC/USDT 1h: orders, fills, trades and equity up to a random bar are identical', () => {
    fc.assert(
      fc.property(fc.integer({ min: 25, max: btc.length - 2 }), fc.integer(), (k, seed) => {
        const perturbed = perturbAfter(btc, k, seeded(seed));
        expectSameUpTo(btc, k, original, probe(perturbed));
      }),
      { numRuns: 15 },
    );
  });

  it('with a 4h timeframe built from the 1h bars, which shows closed 4h bars only', () => {
    const base = probe(btc, { higher: '4h' });
    const htf = base.log.lines.filter((l) => l.startsWith('bar BTC/USDT 4h'));
    expect(htf.length).toBe(Math.floor(btc.length / 4));
    for (const line of htf) {
      const [, , , time, now] = line.split(' ');
      expect(Number(now!.slice(4))).toBe(Number(time) + 4 * 3_600_000);
    }
    fc.assert(
      fc.property(fc.integer({ min: 25, max: btc.length - 2 }), fc.integer(), (k, seed) => {
        expectSameUpTo(btc, k, base, probe(perturbAfter(btc, k, seeded(seed)), { higher: '4h' }));
      }),
      { numRuns: 8 },
    );
  });

  it('with a 1h timeframe built from ETH/BTC 5m bars', () => {
    const base = probe(eth, { higher: '1h' });
    // Before each base bar's decisions, the last 1h bar the strategy sees has closed by then.
    const lines = base.log.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.startsWith('htf ') || line === 'htf 0 -') continue;
      const hourStart = Number(line.split(' ')[2]);
      const now = Number(/now=(\d+)/.exec(lines[i - 1]!)![1]);
      expect(hourStart + 3_600_000).toBeLessThanOrEqual(now);
    }
    fc.assert(
      fc.property(fc.integer({ min: 25, max: eth.length - 2 }), fc.integer(), (k, seed) => {
        expectSameUpTo(eth, k, base, probe(perturbAfter(eth, k, seeded(seed)), { higher: '1h' }));
      }),
      { numRuns: 8 },
    );
  });
});
