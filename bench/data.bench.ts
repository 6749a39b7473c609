/**
 * CSV loading throughput. Input: the bundled BTC perpetual 1m file (45,031 real bars) repeated
 * with shifted timestamps to 1,000,000 rows, written once to bench/.tmp. No CSV parser is among
 * the installed packages, so there is no peer; the notes give a naive split-and-Number baseline
 * measured in the same run for scale (it validates nothing and builds no table).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledDataPath } from '../src/data/bundled.js';
import { loadBars, parseBars } from '../src/data/load.js';
import { perSecond, time, timeAsync, type Benchmark, type BenchResult } from './kit.js';

const ROWS = 1_000_000;
const here = dirname(fileURLToPath(import.meta.url));

/** Rows of the bundled 1m file, repeated and shifted so time keeps increasing by one minute. */
function buildCsv(format: (t: number) => string): string {
  const source = readFileSync(bundledDataPath('BTC_USD_USD-1m-futures.csv'), 'utf8').trim().split('\n').slice(1);
  const values = source.map((line) => line.slice(line.indexOf(',') + 1));
  const start = Date.UTC(2021, 11, 31, 23, 1);
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < ROWS; i++) lines.push(`${format(start + i * 60_000)},${values[i % values.length]!}`);
  return `${lines.join('\n')}\n`;
}

function naiveBaseline(text: string): number {
  let checksum = 0;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    if (cells.length < 6) continue;
    checksum += Number(cells[1]) + Number(cells[5]);
  }
  return checksum;
}

export const benchmarks: Benchmark[] = [
  {
    id: 'data.load-csv',
    description: `loadBars on a ${ROWS.toLocaleString('en')}-row 1m CSV (real BTC bars repeated; ISO timestamps as in the bundled file; epoch-ms variant from memory)`,
    async run(): Promise<BenchResult[]> {
      const isoText = buildCsv((t) => new Date(t).toISOString().replace('T', ' ').replace('Z', '000'));
      const dir = join(here, '.tmp');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'BTC_USD_USD-1m-bench.csv');
      writeFileSync(file, isoText);
      let rows = 0;
      const iso = await timeAsync(async () => {
        rows = (await loadBars(file)).table.length;
      }, { minTimeMs: 4000, maxRuns: 15 });
      if (rows !== ROWS) throw new Error(`expected ${ROWS} bars, loaded ${rows}`);

      const msBytes = new TextEncoder().encode(buildCsv((t) => String(t)));
      const epoch = time(() => parseBars(msBytes, { source: 'BTC_USD_USD-1m.csv' }), { minTimeMs: 4000, maxRuns: 15 });
      const naive = time(() => naiveBaseline(isoText), { minTimeMs: 3000, maxRuns: 10 });
      const naiveRate = perSecond(ROWS, naive);
      const bytesPerRow = Math.round(isoText.length / ROWS);
      return [
        {
          id: 'data.load-csv',
          metric: 'rows/s',
          value: perSecond(ROWS, iso),
          unit: 'rows/s',
          peers: {},
          notes: `loadBars from a file in bench/.tmp, ISO timestamps, ${bytesPerRow} bytes/row, full validation; best of ${iso.runs} (median ${(ROWS / iso.medianMs / 1000).toFixed(2)}M rows/s). ` +
            `No CSV parser is installed to compare with; a naive split(',')+Number loop that validates nothing reads ${(naiveRate / 1e6).toFixed(2)}M rows/s on the same text.`,
        },
        {
          id: 'data.load-csv.epoch-ms',
          metric: 'rows/s',
          value: perSecond(ROWS, epoch),
          unit: 'rows/s',
          peers: {},
          notes: `parseBars from memory, epoch-ms timestamps, full validation; best of ${epoch.runs}`,
        },
      ];
    },
  },
];
