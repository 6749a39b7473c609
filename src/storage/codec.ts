/**
 * Encodings shared by both databases: JSON that keeps NaN and ±Infinity (an order's average fill
 * price is NaN before its first fill), with keys sorted so that equal values encode to equal
 * text; and candle chunks as little-endian float64 columns.
 */
import { endianness } from 'node:os';
import type { JsonValue } from './port.js';

const NUMBER_TAG = '$num';

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUMBER_TAG]: String(value) };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // Sorted keys: the same value always encodes to the same text (duplicate detection compares text).
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
    return sorted;
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NUMBER_TAG) {
      const text = (value as Record<string, unknown>)[NUMBER_TAG];
      if (text === 'NaN') return Number.NaN;
      if (text === 'Infinity') return Number.POSITIVE_INFINITY;
      if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
    }
  }
  return value;
}

/**
 * JSON text with sorted keys in which NaN and ±Infinity survive (as `{"$num":"NaN"}`).
 * @example encodeJson({ b: 1, a: NaN }) // '{"a":{"$num":"NaN"},"b":1}'
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer) ?? 'null';
}

/** Inverse of `encodeJson`. */
export function decodeJson<T = JsonValue>(text: string): T {
  return JSON.parse(text, reviver) as T;
}

if (endianness() !== 'LE') {
  // Chunks are stored as little-endian float64; a big-endian host would need byte swapping.
  throw new Error('Arbiter storage needs a little-endian CPU');
}

/** Bytes per candle in a chunk: time, open, high, low, close, volume as float64. */
export const CANDLE_BYTES = 48;

export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function bytesOf(column: Float64Array): Buffer {
  return Buffer.from(column.buffer, column.byteOffset, column.byteLength);
}

/** Packs `n` candles as six consecutive float64 columns. */
export function encodeCandleChunk(columns: CandleColumns): Buffer {
  const n = columns.time.length;
  const out = Buffer.allocUnsafe(n * CANDLE_BYTES);
  const cols = [columns.time, columns.open, columns.high, columns.low, columns.close, columns.volume];
  for (let c = 0; c < 6; c++) bytesOf(cols[c]!.subarray(0, n)).copy(out, c * n * 8);
  return out;
}

/** Number of candles in an encoded chunk. */
export function candleChunkLength(data: Uint8Array): number {
  if (data.byteLength % CANDLE_BYTES !== 0) throw new Error(`corrupt candle chunk: ${data.byteLength} bytes is not a multiple of ${CANDLE_BYTES}`);
  return data.byteLength / CANDLE_BYTES;
}

/**
 * Copies candles `[start, end)` of an encoded chunk into `target` at row `offset`. A copy rather
 * than a view because the driver's buffer need not be 8-byte aligned.
 */
export function decodeCandleChunkInto(data: Uint8Array, target: CandleColumns, offset: number, start = 0, end = candleChunkLength(data)): void {
  const n = candleChunkLength(data);
  const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const cols = [target.time, target.open, target.high, target.low, target.close, target.volume];
  for (let c = 0; c < 6; c++) {
    const dest = bytesOf(cols[c]!);
    src.copy(dest, offset * 8, (c * n + start) * 8, (c * n + end) * 8);
  }
}

/** Decodes a whole chunk into fresh columns. */
export function decodeCandleChunk(data: Uint8Array): CandleColumns {
  const n = candleChunkLength(data);
  const out: CandleColumns = {
    time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n),
    low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n),
  };
  decodeCandleChunkInto(data, out, 0);
  return out;
}

/** The open times of an encoded chunk (the first column) as a fresh array. */
export function candleChunkTimes(data: Uint8Array): Float64Array {
  const n = candleChunkLength(data);
  const out = new Float64Array(n);
  Buffer.from(data.buffer, data.byteOffset, n * 8).copy(Buffer.from(out.buffer), 0);
  return out;
}
