/**
 * Test helpers for the indicator reference suites: reading the copied reference files under
 * `test/fixtures/` and comparing series. Used by `*.test.ts` only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OhlcvColumns } from '../model/bar.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a file under `test/fixtures/`. */
export function fixturePath(...parts: string[]): string {
  return join(root, 'test', 'fixtures', ...parts);
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

export function readJsonFixture<T>(...parts: string[]): T {
  return JSON.parse(readFixture(...parts)) as T;
}

/** A CSV fixture as header + rows of cells (no quoting in these files). */
export function readCsvFixture(...parts: string[]): { header: string[]; rows: string[][] } {
  const lines = readFixture(...parts)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((h) => h.trim());
  return { header, rows: lines.slice(1).map((l) => l.split(',').map((c) => c.trim())) };
}

/** One numeric CSV column by header name ('' → NaN). */
export function column(csv: { header: string[]; rows: string[][] }, name: string): Float64Array {
  const i = csv.header.indexOf(name);
  if (i < 0) throw new Error(`no column "${name}" in ${csv.header.join(',')}`);
  return Float64Array.from(csv.rows, (r) => (r[i] === undefined || r[i] === '' ? NaN : Number(r[i])));
}

/** Columns with the given time stamps (or 0..n-1 days) and zero-filled missing fields. */
export function columns(parts: Partial<OhlcvColumns> & { close: Float64Array }): OhlcvColumns {
  const n = parts.close.length;
  const zeros = () => new Float64Array(n);
  return {
    time: parts.time ?? Float64Array.from({ length: n }, (_, i) => i * 86_400_000),
    open: parts.open ?? zeros(),
    high: parts.high ?? parts.close,
    low: parts.low ?? parts.close,
    close: parts.close,
    volume: parts.volume ?? zeros(),
  };
}

/** A slice [start, end) of every column. */
export function sliceColumns(c: OhlcvColumns, start: number, end: number): OhlcvColumns {
  return {
    time: c.time.subarray(start, end),
    open: c.open.subarray(start, end),
    high: c.high.subarray(start, end),
    low: c.low.subarray(start, end),
    close: c.close.subarray(start, end),
    volume: c.volume.subarray(start, end),
  };
}

/** Index of the first non-NaN value, or -1. */
export function firstValid(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) return i;
  return -1;
}

/** TA-Lib's 252-bar regression series. */
export function talibReference(): OhlcvColumns {
  const csv = readCsvFixture('ta-lib', 'talib_regtest_reference_252.csv');
  return columns({
    open: column(csv, 'open'),
    high: column(csv, 'high'),
    low: column(csv, 'low'),
    close: column(csv, 'close'),
    volume: column(csv, 'volume'),
  });
}

/** Real Binance BTCUSDT 1h candles (Jan 2025, 744 bars) from quantedge-ta, times in ms. */
export function binanceBtc1h(): OhlcvColumns {
  const csv = readCsvFixture('quantedge-ta', 'btcusdt-1h.csv');
  return {
    time: column(csv, 'open_time').map((t) => t / 1000),
    open: column(csv, 'open'),
    high: column(csv, 'high'),
    low: column(csv, 'low'),
    close: column(csv, 'close'),
    volume: column(csv, 'volume'),
  };
}

/** Python's round-half-even to `digits` decimals, as the Jesse expectations use. */
export function roundHalfEven(x: number, digits: number): number {
  const f = 10 ** digits;
  const y = x * f;
  const r = Math.round(y);
  const isHalf = Math.abs(y - Math.trunc(y)) === 0.5;
  return (isHalf && r % 2 !== 0 ? r - 1 : r) / f;
}
