/**
 * Serialising a feature frame. Large frames (a million rows × 150 features is gigabytes of text)
 * are written in chunks by the generators; `featureFrameToJson` builds the object for small ones
 * (API responses). NaN becomes `null` in JSON and an empty cell in CSV.
 */
import type { FeatureFrame } from './pipeline.js';

/** The JSON form of a frame: columns by feature name, `time` as UTC epoch ms (bar open times). */
export interface FeatureFrameJson {
  readonly set: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly names: readonly string[];
  readonly time: number[];
  readonly values: Record<string, (number | null)[]>;
}

function orNull(v: number): number | null {
  return v - v === 0 ? v : null;
}

/** The frame as a JSON-ready object. */
export function featureFrameToJson(frame: FeatureFrame): FeatureFrameJson {
  const values: Record<string, (number | null)[]> = {};
  frame.names.forEach((name, k) => {
    values[name] = Array.from(frame.columns[k]!, orNull);
  });
  return { set: frame.set, symbol: frame.symbol, timeframe: frame.timeframe, names: frame.names, time: Array.from(frame.time), values };
}

function jsonArray(values: ArrayLike<number>, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    out += (i > start ? ',' : '') + (v - v === 0 ? String(v) : 'null');
  }
  return out;
}

/**
 * The text of `JSON.stringify(featureFrameToJson(frame))`, in chunks (one column part at a time),
 * for writing frames too large for one string.
 */
export function* featureFrameJsonChunks(frame: FeatureFrame, rowsPerChunk = 100_000): Generator<string> {
  const n = frame.time.length;
  const head = { set: frame.set, symbol: frame.symbol, timeframe: frame.timeframe, names: frame.names };
  yield `${JSON.stringify(head).slice(0, -1)},"time":[`;
  for (let s = 0; s < n; s += rowsPerChunk) yield (s > 0 ? ',' : '') + jsonArray(frame.time, s, Math.min(n, s + rowsPerChunk));
  yield '],"values":{';
  for (const [k, name] of frame.names.entries()) {
    yield `${k > 0 ? ',' : ''}${JSON.stringify(name)}:[`;
    const column = frame.columns[k]!;
    for (let s = 0; s < n; s += rowsPerChunk) yield (s > 0 ? ',' : '') + jsonArray(column, s, Math.min(n, s + rowsPerChunk));
    yield ']';
  }
  yield '}}\n';
}

/**
 * CSV text (`time,<feature>,…`), in chunks of rows. `time` is the bar open time, ISO-8601 UTC or epoch ms.
 */
export function* featureFrameCsvChunks(frame: FeatureFrame, options: { readonly time?: 'iso' | 'ms'; readonly rowsPerChunk?: number } = {}): Generator<string> {
  const iso = (options.time ?? 'iso') === 'iso';
  const rows = options.rowsPerChunk ?? 2000;
  const n = frame.time.length;
  const columns = frame.columns;
  yield `time,${frame.names.join(',')}\n`;
  for (let s = 0; s < n; s += rows) {
    let out = '';
    const end = Math.min(n, s + rows);
    for (let i = s; i < end; i++) {
      const t = frame.time[i]!;
      out += iso ? new Date(t).toISOString() : String(t);
      for (let k = 0; k < columns.length; k++) {
        const v = columns[k]![i]!;
        out += v - v === 0 ? `,${v}` : ',';
      }
      out += '\n';
    }
    yield out;
  }
}

/** The whole CSV as one string (small frames). */
export function featureFrameToCsv(frame: FeatureFrame, options: { readonly time?: 'iso' | 'ms' } = {}): string {
  let out = '';
  for (const chunk of featureFrameCsvChunks(frame, options)) out += chunk;
  return out;
}
