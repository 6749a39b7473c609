/**
 * The two forms of every feature of the default set agree to 1e-9 on real data: the batch form
 * (`generateFeatures`, columnar) and the incremental form (`createFeatureStream`, bar by bar), on
 * every bundled bar series — 1m, 5m (resampled and native), 1h and daily bars, with the gaps of
 * the daily stock series (weekends, holidays) exercising the closing of higher-timeframe bars.
 */
import { describe, expect, it } from 'vitest';
import { bundledDataPath, loadBars, resampleBars } from '../../src/data/index.js';
import { createFeatureStream, defaultFeatureSet, fullFeatureSet, generateFeatures, type FeatureSet } from '../../src/features/index.js';
import type { BarTable } from '../../src/model/bar.js';

const TOLERANCE = 1e-9;

async function load(file: string): Promise<BarTable> {
  return (await loadBars(bundledDataPath(file))).table;
}

interface Mismatch {
  readonly feature: string;
  readonly row: number;
  readonly batch: number;
  readonly stream: number;
}

/** Features of the default set that differ between the forms (at most one mismatch per feature). */
function compare(table: BarTable, set: FeatureSet = defaultFeatureSet(table.timeframe)): { mismatches: Mismatch[]; features: number; compared: number } {
  const frame = generateFeatures(table, set);
  const stream = createFeatureStream(set, { timeframe: table.timeframe });
  const bad = new Map<string, Mismatch>();
  let compared = 0;
  for (let i = 0; i < table.length; i++) {
    const values = stream.update(table.bar(i));
    for (let k = 0; k < values.length; k++) {
      const a = frame.columns[k]![i]!;
      const b = values[k]!;
      const same = Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a));
      if (!Number.isNaN(a)) compared++;
      if (!same && !bad.has(frame.names[k]!)) bad.set(frame.names[k]!, { feature: frame.names[k]!, row: i, batch: a, stream: b });
    }
  }
  return { mismatches: [...bad.values()], features: frame.names.length, compared };
}

describe('batch and incremental features agree to 1e-9 on real data', () => {
  it.each([
    ['BTC_USD_USD-1m-futures.csv (1m, 1h and 4h features)', () => load('BTC_USD_USD-1m-futures.csv')],
    ['BTC_USD_USD-1m-futures.csv resampled to 5m', async () => resampleBars(await load('BTC_USD_USD-1m-futures.csv'), '5m')],
    ['ETH_BTC-5m.feather', () => load('ETH_BTC-5m.feather')],
    ['XRP_USDT_USDT-5m-futures.feather', () => load('XRP_USDT_USDT-5m-futures.feather')],
    ['BTC_USDT-1h.csv (4h and 1d features)', () => load('BTC_USDT-1h.csv')],
    ['GOOG-1d.csv (weekly features across market holidays)', () => load('GOOG-1d.csv')],
    ['SPY-1d.csv', () => load('SPY-1d.csv')],
  ])('%s', async (_name, table) => {
    const result = compare(await table());
    expect(result.mismatches).toEqual([]);
    expect(result.features).toBeGreaterThan(100);
    expect(result.compared).toBeGreaterThan(0);
  });

  it('the full set too (every candlestick pattern, rank normalisation), on 5m bars', async () => {
    const table = resampleBars(await load('BTC_USD_USD-1m-futures.csv'), '5m');
    const result = compare(table, fullFeatureSet(table.timeframe));
    expect(result.mismatches).toEqual([]);
    expect(result.features).toBeGreaterThan(170);
  });
});
