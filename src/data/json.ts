/**
 * JSON candles: Freqtrade's `[[ts_ms, open, high, low, close, volume], …]`, Binance REST klines
 * (12-element arrays with prices as strings), or an array of objects with OHLCV keys. Rows in
 * messages are the candle's 1-based position in the array.
 */
import { DataError } from '../core/errors.js';
import { mapHeader, ROLE_CLOSE, ROLE_HIGH, ROLE_LOW, ROLE_OPEN, ROLE_TIME, ROLE_VOLUME } from './columns.js';
import { allocateRaw, CANONICAL_NAMES, describeBadNumber, quote, type RawBars } from './raw.js';
import { epochNumberToMs, epochUnitOf, scan, scanTimestamp, SCAN_UNIT, timeScanState, type EpochUnit, type TimeScanState } from './scan.js';

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const encoder = new TextEncoder();

/** A numeric cell as a number, or a reason why it is not one. */
function numberOf(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : `is not finite (${value})`;
  if (typeof value === 'string') return NUMBER_TEXT.test(value) ? Number(value) : describeBadNumber(value);
  if (value === null || value === undefined) return 'is empty';
  return `${JSON.stringify(value)} is not a number`;
}

function unitScale(unit: EpochUnit): number {
  return unit === 's' ? 1000 : unit === 'ms' ? 1 : unit === 'us' ? 1e-3 : 1e-6;
}

/** A timestamp cell as epoch ms, or a reason. */
function timeOf(value: unknown, state: TimeScanState): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return `timestamp ${value} is not a valid epoch time`;
    const detected = epochUnitOf(value);
    if (state.unit === undefined) state.unit = detected;
    else if (!state.fixedUnit && detected !== state.unit) return `timestamp ${value} has a different magnitude than the first one (epoch ${state.unit}); every candle must use the same unit`;
    state.sawEpoch = true;
    return epochNumberToMs(value, state.unit);
  }
  if (typeof value === 'string') {
    const bytes = encoder.encode(value.trim());
    const t = scanTimestamp(bytes, 0, bytes.length, state);
    if (t === t && scan.end === bytes.length) return t;
    if (scan.error === SCAN_UNIT) return `timestamp ${quote(value)} has a different magnitude than the first one; every candle must use the same unit`;
    return `cannot read ${quote(value)} as a timestamp`;
  }
  return value === null || value === undefined ? 'timestamp is empty' : `timestamp ${JSON.stringify(value)} is not a number or a date`;
}

export function readJsonCandles(text: string, source: string, timeUnit?: EpochUnit): RawBars {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, { source }, { cause: error });
  }
  if (!Array.isArray(data)) throw new DataError('expected a JSON array of candles ([[time, open, high, low, close, volume], …])', { source });
  if (data.length === 0) throw new DataError('the file has no candles (empty array)', { source });
  const candles = data as unknown[];
  const state = timeScanState(timeUnit);
  const first = candles[0];
  // Position of each field in a candle: arrays are positional, objects are keyed by header names.
  let keys: Array<string | number>;
  let names = CANONICAL_NAMES;
  let columns: RawBars['columns'] = { time: '[0]', open: '[1]', high: '[2]', low: '[3]', close: '[4]', volume: '[5]' };
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const header = Object.keys(first);
    const map = mapHeader(header, (i) => String((first as Record<string, unknown>)[header[i]!]), source);
    const keyOf = (role: number): string => header[map.roles.indexOf(role)]!;
    keys = [keyOf(ROLE_TIME), keyOf(ROLE_OPEN), keyOf(ROLE_HIGH), keyOf(ROLE_LOW), keyOf(ROLE_CLOSE), keyOf(ROLE_VOLUME)];
    names = map.names;
    columns = map.columns;
  } else {
    keys = [0, 1, 2, 3, 4, 5];
  }
  const raw = allocateRaw(candles.length, names, columns);
  const fields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  let n = 0;
  for (let i = 0; i < candles.length; i++) {
    const candle = candles[i] as Record<string | number, unknown> | null;
    const rowNumber = i + 1;
    if (candle === null || typeof candle !== 'object') {
      raw.problems.push({ row: rowNumber, reason: `candle is ${JSON.stringify(candle)}, not an array or object` });
      continue;
    }
    if (Array.isArray(candle) && candle.length < 6) {
      raw.problems.push({ row: rowNumber, reason: `candle has ${candle.length} values; expected [time, open, high, low, close, volume]` });
      continue;
    }
    const t = timeOf(candle[keys[0]!], state);
    if (typeof t === 'string') {
      raw.problems.push({ row: rowNumber, field: names.time, reason: t });
      continue;
    }
    const values = [t, 0, 0, 0, 0, 0];
    let failed = false;
    for (let f = 1; f < 6; f++) {
      const v = numberOf(candle[keys[f]!]);
      if (typeof v === 'string') {
        raw.problems.push({ row: rowNumber, field: names[fields[f]!], reason: v });
        failed = true;
        break;
      }
      values[f] = v;
    }
    if (failed) continue;
    raw.time[n] = values[0]!;
    raw.open[n] = values[1]!;
    raw.high[n] = values[2]!;
    raw.low[n] = values[3]!;
    raw.close[n] = values[4]!;
    raw.volume[n] = values[5]!;
    raw.row[n] = rowNumber;
    if (n === 0 && Array.isArray(candle) && candle.length === 12 && state.unit !== undefined) {
      // Binance REST klines carry close_time = open + length − 1 unit.
      const close = numberOf(candle[6]);
      if (typeof close === 'number') {
        const unitMs = unitScale(state.unit);
        const length = Math.round(close * unitMs - values[0]! + unitMs);
        if (length > 0) raw.timeframeHintMs = length;
      }
    }
    n++;
  }
  raw.count = n;
  raw.rows = candles.length;
  raw.timeFormat = state.sawIso && !state.sawEpoch ? 'iso' : state.sawEpoch && !state.sawIso ? `epoch-${state.unit}` : 'mixed';
  return raw;
}
