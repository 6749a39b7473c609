/**
 * Feather (Apache Arrow IPC) candles as Freqtrade writes them: columns date (timestamp, UTC),
 * open, high, low, close, volume, usually LZ4-compressed. Rows in messages are 1-based positions.
 */
import { CompressionType, DataType, compressionRegistry, tableFromIPC, type Table, type Vector } from 'apache-arrow';
import { DataError } from '../core/errors.js';
import { mapHeader, ROLE_CLOSE, ROLE_HIGH, ROLE_LOW, ROLE_OPEN, ROLE_TIME, ROLE_VOLUME } from './columns.js';
import { lz4FrameDecode } from './lz4.js';
import { allocateRaw, describeBadNumber, quote, type RawBars } from './raw.js';
import { epochNumberToMs, epochUnitOf, scan, scanTimestamp, timeScanState, type EpochUnit } from './scan.js';

function ensureLz4(): void {
  // Registered lazily and only if nobody registered a (full) codec already.
  if (compressionRegistry.get(CompressionType.LZ4_FRAME) === null) {
    compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: lz4FrameDecode });
  }
}

/** True when the bytes start like an Arrow IPC file or stream. */
export function isArrowIpc(b: Uint8Array): boolean {
  const file = b.length >= 6 && String.fromCharCode(...b.subarray(0, 6)) === 'ARROW1';
  const stream = b.length >= 4 && b[0] === 0xff && b[1] === 0xff && b[2] === 0xff && b[3] === 0xff;
  return file || stream;
}

/** Reads an Arrow IPC table, translating Arrow's errors into DataErrors that name the file. */
export function readArrowTable(bytes: Uint8Array, source: string): Table {
  ensureLz4();
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    const message = (error as Error).message;
    if (/compressed but codec not found/.test(message)) {
      throw new DataError('the feather file is ZSTD-compressed, which Arbiter cannot read; save it uncompressed or with LZ4 (Freqtrade\'s default)', { source }, { cause: error });
    }
    throw new DataError(`not a readable feather/Arrow file: ${message}`, { source }, { cause: error });
  }
}

const encoder = new TextEncoder();

/**
 * Reads the values of a time column as epoch ms; native Arrow timestamps and dates are exact,
 * integers go through unit detection, strings through the timestamp scanner.
 */
function timeReader(vector: Vector, timeUnit: EpochUnit | undefined): (i: number) => number | string {
  const state = timeScanState(timeUnit);
  const native = DataType.isTimestamp(vector.type) || DataType.isDate(vector.type);
  return (i) => {
    const value: unknown = vector.get(i);
    if (value === null || value === undefined) return 'timestamp is empty';
    if (value instanceof Date) return value.getTime();
    if (native && typeof value === 'number') return Math.floor(value);
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (typeof number === 'number') {
      if (!Number.isFinite(number) || number < 0) return `timestamp ${number} is not a valid epoch time`;
      const detected = epochUnitOf(number);
      if (state.unit === undefined) state.unit = detected;
      else if (!state.fixedUnit && detected !== state.unit) return `timestamp ${number} has a different magnitude than the first one; every row must use the same unit`;
      return epochNumberToMs(number, state.unit);
    }
    const text = typeof value === 'string' ? value.trim() : JSON.stringify(value);
    const bytes = encoder.encode(text);
    const t = scanTimestamp(bytes, 0, bytes.length, state);
    return t === t && scan.end === bytes.length ? t : `cannot read ${quote(text)} as a timestamp`;
  };
}

function numberReader(vector: Vector): (i: number) => number | string {
  return (i) => {
    const value: unknown = vector.get(i);
    if (typeof value === 'number') return Number.isFinite(value) ? value : `is not finite (${value})`;
    if (typeof value === 'bigint') return Number(value);
    if (value === null || value === undefined) return 'is empty';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : describeBadNumber(text);
  };
}

export function readFeatherCandles(bytes: Uint8Array, source: string, timeUnit?: EpochUnit): RawBars {
  const table = readArrowTable(bytes, source);
  const header = table.schema.fields.map((f) => f.name);
  const map = mapHeader(header, (i) => {
    const v: unknown = table.getChildAt(i)?.get(0);
    return typeof v === 'string' ? v : undefined;
  }, source);
  const column = (role: number): Vector => table.getChildAt(map.roles.indexOf(role))!;
  if (map.splitDateTime) throw new DataError('feather files with separate date and time columns are not supported', { source });
  const timeVector = column(ROLE_TIME);
  const readTime = timeReader(timeVector, timeUnit);
  const readers = [column(ROLE_OPEN), column(ROLE_HIGH), column(ROLE_LOW), column(ROLE_CLOSE), column(ROLE_VOLUME)].map(numberReader);
  const fieldNames = [map.names.open, map.names.high, map.names.low, map.names.close, map.names.volume];
  const n = table.numRows;
  if (n === 0) throw new DataError('the file has no rows', { source });
  const raw = allocateRaw(n, map.names, map.columns);
  const targets = [raw.open, raw.high, raw.low, raw.close, raw.volume];
  let count = 0;
  rows: for (let i = 0; i < n; i++) {
    const t = readTime(i);
    if (typeof t === 'string') {
      raw.problems.push({ row: i + 1, field: map.names.time, reason: t });
      continue;
    }
    for (let f = 0; f < 5; f++) {
      const v = readers[f]!(i);
      if (typeof v === 'string') {
        raw.problems.push({ row: i + 1, field: fieldNames[f]!, reason: v });
        continue rows;
      }
      targets[f]![count] = v;
    }
    raw.time[count] = t;
    raw.row[count] = i + 1;
    count++;
  }
  raw.count = count;
  raw.rows = n;
  raw.timeFormat = DataType.isTimestamp(timeVector.type) || DataType.isDate(timeVector.type) ? 'arrow' : 'mixed';
  return raw;
}
