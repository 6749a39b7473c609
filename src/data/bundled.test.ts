import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATA_DIR, bundledDataPath, bundledDataSets } from './bundled.js';
import { loadFundingRates } from './funding.js';
import { loadBars } from './load.js';

describe('bundled data sets', () => {
  it('the catalogue lists exactly the files in data/bundled, each attributed in SOURCES.md', () => {
    const files = readdirSync(BUNDLED_DATA_DIR).filter((f) => f !== 'SOURCES.md').sort();
    expect(bundledDataSets.map((d) => d.file).sort()).toEqual(files);
    const sources = readFileSync(`${BUNDLED_DATA_DIR}SOURCES.md`, 'utf8');
    for (const file of files) expect(sources).toContain(`| ${file} |`);
  });

  it('stays small enough to ship in the repository', () => {
    const total = readdirSync(BUNDLED_DATA_DIR).reduce((sum, f) => sum + statSync(BUNDLED_DATA_DIR + f).size, 0);
    expect(total).toBeLessThan(5 * 2 ** 20);
  });

  it.each(bundledDataSets.filter((d) => d.kind === 'bars'))('$file loads cleanly: $rows bars from $first to $last', async (set) => {
    const { table, report } = await loadBars(bundledDataPath(set.file));
    expect(table.symbol).toBe(set.symbol);
    expect(table.timeframe).toBe(set.timeframe);
    expect(report.timeframeSource).toBe('file-name');
    expect(table.length).toBe(set.rows);
    expect(report.rows).toBe(set.rows);
    expect(report.dropped).toEqual([]);
    expect(new Date(table.time[0]!).toISOString()).toBe(set.first);
    expect(new Date(table.time[table.length - 1]!).toISOString()).toBe(set.last);
    // Crypto data is continuous; equity data has only session breaks, no missing bars.
    expect(report.calendar).toBe(set.timeframe === '1d' ? 'sessions' : '24/7');
    expect(report.missingBars).toBe(0);
  });

  it.each(bundledDataSets.filter((d) => d.kind === 'funding'))('$file loads as a funding series of $rows rates', async (set) => {
    const funding = await loadFundingRates(bundledDataPath(set.file));
    expect(funding.time.length).toBe(set.rows);
    expect(new Date(funding.time[0]!).toISOString()).toBe(set.first);
    expect(new Date(funding.time[funding.time.length - 1]!).toISOString()).toBe(set.last);
  });

  it('names the available sets when asked for an unknown one', () => {
    expect(() => bundledDataPath('nope.csv')).toThrow(/^data: "nope.csv" is not a bundled data set; available: BTC_USD_USD-1m-futures.csv, /);
  });
});
