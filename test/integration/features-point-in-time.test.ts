/**
 * Point-in-time (issue 3): for every feature of the default set — tested on the `full` set, which
 * contains it and adds the remaining patterns, averages and the rank normalisation —, changing any data after time t
 * leaves every value at or before t unchanged — bit for bit. Property test over random t and
 * random changes to the later bars (valid bars: a new random walk, a spike, dropped bars that open
 * gaps, zero volume, the data cut at t), on real data: the bundled BTC perpetual 1m series
 * resampled to 5m, so that the 1h and 4h multi-timeframe features are included (a 1h feature at
 * a 5m time t may only use 1h bars closed by t: a change to a later 5m bar of the same hour must
 * not show).
 *
 * The incremental form sees one bar at a time and cannot look ahead by construction; it is
 * proven equal to the batch form in features-batch-stream.test.ts.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledDataPath, loadBars, resampleBars } from '../../src/data/index.js';
import { defaultFeatureSet, fullFeatureSet, generateFeatures, type FeatureFrame, type FeatureSet } from '../../src/features/index.js';
import { BarTable } from '../../src/model/bar.js';

/** 5m bars used: about two weeks, enough for the 4h features to warm up (ADX(14) needs 28 4h bars). */
const ROWS = 4000;

let base: BarTable;
let set: FeatureSet;
let reference: FeatureFrame;

beforeAll(async () => {
  const { table } = await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'));
  base = resampleBars(table, '5m').slice(0, ROWS);
  set = fullFeatureSet(base.timeframe);
  reference = generateFeatures(base, set);
});

type Mode = 'walk' | 'spike' | 'drop' | 'zero-volume' | 'truncate';

/** A small deterministic generator, so that a failing case replays from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A copy of `table` with every bar after row t changed according to `mode` (rows ≤ t untouched). */
function perturb(table: BarTable, t: number, mode: Mode, seed: number): BarTable {
  if (mode === 'truncate') return table.slice(0, t + 1);
  const rnd = random(seed);
  const rows: { time: number; open: number; high: number; low: number; close: number; volume: number }[] = [];
  for (let i = 0; i < table.length; i++) rows.push({ time: table.time[i]!, open: table.open[i]!, high: table.high[i]!, low: table.low[i]!, close: table.close[i]!, volume: table.volume[i]! });
  let prev = rows[t]!.close;
  const kept = rows.filter((row, i) => {
    if (i <= t) return true;
    switch (mode) {
      case 'walk': {
        const open = prev * Math.exp((rnd() - 0.5) * 0.002);
        const close = open * Math.exp((rnd() - 0.5) * 0.02);
        row.open = open;
        row.close = close;
        row.high = Math.max(open, close) * (1 + rnd() * 0.01);
        row.low = Math.min(open, close) * (1 - rnd() * 0.01);
        row.volume = row.volume * rnd() * 3;
        prev = close;
        return true;
      }
      case 'spike':
        if (i === t + 1 || rnd() < 0.05) {
          row.high *= 10;
          row.low /= 10;
          row.volume *= 1000;
        }
        return true;
      case 'zero-volume':
        row.volume = 0;
        return true;
      case 'drop':
        return rnd() < 0.5; // gaps, including the rest of t's hour
    }
  });
  return BarTable.fromBars(table.symbol, table.timeframe, kept);
}

function firstDifference(a: FeatureFrame, b: FeatureFrame, upTo: number): string | undefined {
  for (const [k, name] of a.names.entries()) {
    const x = a.columns[k]!;
    const y = b.columns[k]!;
    for (let i = 0; i <= upTo; i++) {
      if (!Object.is(x[i], y[i])) return `${name} at row ${i} (${new Date(a.time[i]!).toISOString()}): ${x[i]} became ${y[i]}`;
    }
  }
  return undefined;
}

describe('point-in-time: data after t never changes a feature at t', () => {
  it('holds for every feature of the default (and full) set, including 1h and 4h features on 5m bars (property)', () => {
    for (const name of Object.keys(defaultFeatureSet(base.timeframe).features)) expect(set.features[name], name).toBeDefined();
    expect(set.features.mtf_1h_rsi_14).toBeDefined();
    expect(set.features.mtf_4h_adx_14).toBeDefined();
    const mode = fc.constantFrom<Mode>('walk', 'spike', 'drop', 'zero-volume', 'truncate');
    // Explicit cases: t in the middle of an hour (the later 5m bars of that hour change), and t
    // on the 5m bar that closes an hour and a 4h bucket.
    const closesFourHours = Array.from(base.time).findIndex((time, i) => i > 500 && (time + 300_000) % (4 * 3_600_000) === 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ROWS - 2 }), mode, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (t, m, seed) => {
        const changed = generateFeatures(perturb(base, t, m, seed), set);
        const diff = firstDifference(reference, changed, t);
        expect(diff, `t = ${t} (${new Date(base.time[t]!).toISOString()}), ${m}`).toBeUndefined();
      }),
      { numRuns: 30, examples: [[1206, 'walk', 7], [1206, 'drop', 11], [closesFourHours, 'walk', 3], [closesFourHours - 1, 'spike', 5], [3000, 'truncate', 1]] },
    );
  });

  it('has values to compare: every feature of the set is available somewhere in the data', () => {
    const empty = reference.names.filter((_, k) => reference.columns[k]!.every(Number.isNaN));
    expect(empty).toEqual([]);
  });
});
