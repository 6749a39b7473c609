/**
 * Rows as a reader produced them, before validation: the rows that parsed, in file order, with
 * the file row each came from, and a problem for every row that did not parse.
 */
import type { BarField } from './columns.js';

/** Something wrong with one row; `row` is 1-based as an editor shows it (JSON/feather: the candle's position). */
export interface Problem {
  readonly row: number;
  readonly field?: string;
  readonly reason: string;
}

export interface RawBars {
  /** Rows that parsed; the arrays may be longer. */
  count: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** File row of each parsed row. */
  row: Int32Array;
  /** Rows that could not be read at all. */
  readonly problems: Problem[];
  /** The file's names for the fields, for messages. */
  readonly names: Readonly<Record<BarField, string>>;
  /** For each field, the column it was read from (reported back to the user). */
  readonly columns: Readonly<Record<BarField, string>>;
  /** Bar length implied by the file itself (Binance close_time − open_time + 1), when it says. */
  timeframeHintMs?: number;
  /** How timestamps were written: an epoch unit or `iso` for calendar dates. */
  timeFormat?: string;
  /** Data rows seen, including those that did not parse. */
  rows: number;
}

export function allocateRaw(capacity: number, names: Readonly<Record<BarField, string>>, columns: Readonly<Record<BarField, string>>): RawBars {
  return {
    count: 0,
    time: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    row: new Int32Array(capacity),
    problems: [],
    names,
    columns,
    rows: 0,
  };
}

/** Enlarges the columns to `capacity` rows, keeping the rows read so far. */
export function growRaw(raw: RawBars, capacity: number): void {
  const grow = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
    const next = make(capacity);
    next.set(a.subarray(0, raw.count));
    return next;
  };
  const f64 = (n: number): Float64Array => new Float64Array(n);
  raw.time = grow(raw.time, f64);
  raw.open = grow(raw.open, f64);
  raw.high = grow(raw.high, f64);
  raw.low = grow(raw.low, f64);
  raw.close = grow(raw.close, f64);
  raw.volume = grow(raw.volume, f64);
  raw.row = grow(raw.row, (n) => new Int32Array(n));
}

export const CANONICAL_NAMES: Readonly<Record<BarField, string>> = {
  time: 'time', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume',
};

/** Why a numeric field could not be read, in words. */
export function describeBadNumber(text: string): string {
  const t = text.trim();
  if (t === '') return 'is empty';
  if (/^[-+]?nan$/i.test(t)) return 'is NaN';
  if (/^[-+]?(inf|infinity)$/i.test(t)) return `is ${t.startsWith('-') ? 'negative ' : ''}infinite (${t})`;
  return `"${t.length > 40 ? `${t.slice(0, 40)}…` : t}" is not a number`;
}

/** A short, quotable form of a field's text. */
export function quote(text: string): string {
  const t = text.trim();
  return `"${t.length > 40 ? `${t.slice(0, 40)}…` : t}"`;
}
