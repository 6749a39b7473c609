/**
 * Column detection: which header names mean time, open, high, low, close and volume, and how a
 * file without a header is read. Names are compared case-insensitively, ignoring spaces,
 * underscores, hyphens and dots (`Open Time`, `open_time` and `OpenTime` are the same name).
 */
import { DataError } from '../core/errors.js';

/** The six values every bar needs. */
export type BarField = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';

export const ROLE_IGNORE = 0;
export const ROLE_TIME = 1;
export const ROLE_OPEN = 2;
export const ROLE_HIGH = 3;
export const ROLE_LOW = 4;
export const ROLE_CLOSE = 5;
export const ROLE_VOLUME = 6;
/** Calendar date of a split Date + Time pair (backtrader's intraday files). */
export const ROLE_DATE = 7;
/** Clock time of a split Date + Time pair. */
export const ROLE_CLOCK = 8;

/** Header names for the bar's open time, best first: when a file has several, the first one listed wins. */
const TIME_NAMES = ['opentime', 'timestampms', 'timestamp', 'datetime', 'time', 'date', 'ts', 'unixtime', 'epoch'];
const PRICE_NAMES: Record<'open' | 'high' | 'low' | 'close' | 'volume', readonly string[]> = {
  open: ['open', 'o', 'openprice'],
  high: ['high', 'h', 'highprice'],
  low: ['low', 'l', 'lowprice'],
  close: ['close', 'c', 'closeprice'],
  volume: ['volume', 'vol', 'v'],
};
/** Used for close only when the file has no close column. */
const ADJUSTED_CLOSE = 'adjclose';

export function normalizeHeader(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-.]/g, '');
}

/** How the columns of a file map onto bar fields. */
export interface ColumnMap {
  /** Role of each column (ROLE_*), by column index. */
  readonly roles: Int8Array;
  /** The file's own name for each field, used in messages (`field "High"`). */
  readonly names: Readonly<Record<BarField, string>>;
  /** For each field, the header text that supplied it (`time` may read `Date + Time`). */
  readonly columns: Readonly<Record<BarField, string>>;
  /** True when time comes from a Date column plus a clock-time column. */
  readonly splitDateTime: boolean;
  /** Index of Binance's close_time column, when present. */
  readonly closeTimeColumn: number;
}

const CLOCK_TIME = /^\s*"?\d{2}:\d{2}(:\d{2}(\.\d+)?)?"?\s*$/;

/**
 * Maps header cells onto bar fields. `sample(column)` returns the first data row's text for a
 * column (used to tell a clock-time `Time` column from a full timestamp).
 * @throws DataError naming the columns that were found when a required one is missing.
 */
export function mapHeader(header: readonly string[], sample: (column: number) => string | undefined, source: string): ColumnMap {
  const normalized = header.map(normalizeHeader);
  const roles = new Int8Array(header.length);
  const names: Partial<Record<BarField, string>> = {};
  const columns: Partial<Record<BarField, string>> = {};
  const firstIndex = (candidates: readonly string[]): number => {
    for (const name of candidates) {
      const i = normalized.indexOf(name);
      if (i >= 0) return i;
    }
    return -1;
  };
  const assign = (field: BarField, index: number, role: number): void => {
    const candidates = field === 'time' ? TIME_NAMES : PRICE_NAMES[field];
    const others = normalized.map((n, i) => (i !== index && candidates.includes(n) && (field !== 'time' || n === normalized[index]) ? i : -1)).filter((i) => i >= 0);
    if (others.length > 0) {
      throw new DataError(
        `columns "${header[index]}" (column ${index + 1}) and "${header[others[0]!]}" (column ${others[0]! + 1}) both look like ${field}; keep one`,
        { source, row: 1, field: header[index] },
      );
    }
    roles[index] = role;
    names[field] = header[index]!.trim() || field;
    columns[field] = header[index]!.trim();
  };

  let splitDateTime = false;
  const dateIndex = normalized.indexOf('date');
  const timeIndex = normalized.indexOf('time');
  if (dateIndex >= 0 && timeIndex >= 0 && CLOCK_TIME.test(sample(timeIndex) ?? '')) {
    splitDateTime = true;
    roles[dateIndex] = ROLE_DATE;
    roles[timeIndex] = ROLE_CLOCK;
    names.time = header[dateIndex]!.trim();
    columns.time = `${header[dateIndex]!.trim()} + ${header[timeIndex]!.trim()}`;
  } else {
    let index = firstIndex(TIME_NAMES);
    // pandas writes its index with an empty header cell (backtesting.py's GOOG.csv).
    if (index < 0 && normalized[0] === '') index = 0;
    if (index >= 0) assign('time', index, ROLE_TIME);
  }
  const priceRoles = { open: ROLE_OPEN, high: ROLE_HIGH, low: ROLE_LOW, close: ROLE_CLOSE, volume: ROLE_VOLUME } as const;
  for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
    let index = firstIndex(PRICE_NAMES[field]);
    if (index < 0 && field === 'close') index = normalized.indexOf(ADJUSTED_CLOSE);
    if (index >= 0) assign(field, index, priceRoles[field]);
  }
  const missing = (['time', 'open', 'high', 'low', 'close', 'volume'] as const).filter((f) => names[f] === undefined);
  if (missing.length > 0) {
    const found = header.map((h) => (h.trim() === '' ? '(empty)' : h.trim())).join(', ');
    throw new DataError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found: ${found}. ` +
        'Time may be named date, datetime, time, timestamp or open_time; prices open/high/low/close (or o/h/l/c); volume, vol or v.',
      { source, row: 1 },
    );
  }
  return {
    roles,
    names: names as Record<BarField, string>,
    columns: columns as Record<BarField, string>,
    splitDateTime,
    closeTimeColumn: normalized.indexOf('closetime'),
  };
}

/**
 * Columns of a file without a header: the first six are time, open, high, low, close, volume
 * (Binance's layout, and Freqtrade's JSON), the rest are ignored.
 */
export function positionalColumns(count: number, source: string): ColumnMap {
  if (count < 6) {
    throw new DataError(
      `the first line is not a header and has only ${count} column${count === 1 ? '' : 's'}; a file without a header needs time, open, high, low, close, volume in that order`,
      { source, row: 1 },
    );
  }
  const roles = new Int8Array(count);
  roles.set([ROLE_TIME, ROLE_OPEN, ROLE_HIGH, ROLE_LOW, ROLE_CLOSE, ROLE_VOLUME]);
  const names = { time: 'time', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
  const columns = { time: 'column 1', open: 'column 2', high: 'column 3', low: 'column 4', close: 'column 5', volume: 'column 6' };
  return { roles, names, columns, splitDateTime: false, closeTimeColumn: count === 12 ? 6 : -1 };
}

/** True for a Binance kline header (data.binance.vision futures files carry one). */
export function isBinanceHeader(header: readonly string[]): boolean {
  const n = header.map(normalizeHeader);
  return n.length === 12 && n[0] === 'opentime' && n[6] === 'closetime';
}
