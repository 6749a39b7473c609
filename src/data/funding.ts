/**
 * Funding-rate series for perpetual futures: Freqtrade's `*-funding_rate` files (CSV or feather,
 * the rate in the `open` column), Binance's monthly funding CSV (`calc_time,
 * funding_interval_hours, last_funding_rate`) and Binance REST JSON (`fundingTime`, `fundingRate`).
 * Times are kept exactly as recorded (Binance stamps a few ms after the hour), not snapped.
 */
import { DataError } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import { unwrapArchive } from './archive.js';
import { normalizeHeader } from './columns.js';
import { isArrowIpc, readArrowTable } from './feather.js';
import { describeBadNumber, quote } from './raw.js';
import { readSource } from './read-source.js';
import { scan, scanTimestamp, timeScanState, type TimeScanState } from './scan.js';
import type { FundingRates } from './types.js';

const TIME_NAMES = ['calctime', 'fundingtime', 'timestampms', 'timestamp', 'opentime', 'datetime', 'date', 'time'];
/** `open` last: Freqtrade stores the rate there and leaves high/low/close at 0. */
const RATE_NAMES = ['lastfundingrate', 'fundingrate', 'rate', 'open'];
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const encoder = new TextEncoder();

function pick(names: readonly string[], header: readonly string[]): number {
  const normalized = header.map(normalizeHeader);
  for (const name of names) {
    const i = normalized.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

function missingColumns(header: readonly string[], timeIndex: number, rateIndex: number, source: string): DataError {
  const missing = [timeIndex < 0 ? 'time (calc_time, fundingTime, timestamp, date…)' : '', rateIndex < 0 ? 'rate (last_funding_rate, fundingRate, or open as Freqtrade writes it)' : '']
    .filter(Boolean).join(' and ');
  return new DataError(`missing ${missing} column; found: ${header.join(', ') || '(none)'}`, { source, row: 1 });
}

class SeriesBuilder {
  readonly time: number[] = [];
  readonly rate: number[] = [];
  private readonly state: TimeScanState = timeScanState();
  constructor(
    private readonly source: string,
    private readonly timeField: string,
    private readonly rateField: string,
  ) {}

  add(row: number, timeValue: unknown, rateValue: unknown): void {
    const t = this.readTime(row, timeValue);
    const r = this.readRate(row, rateValue);
    const prev = this.time.length > 0 ? this.time[this.time.length - 1]! : -Infinity;
    if (t <= prev) {
      const reason = t === prev ? `duplicate funding time ${isoTime(t)}` : `funding time ${isoTime(t)} is earlier than the previous row's ${isoTime(prev)}: rows must be in time order`;
      throw new DataError(reason, { source: this.source, row, field: this.timeField });
    }
    this.time.push(t);
    this.rate.push(r);
  }

  private readTime(row: number, value: unknown): number {
    let text: string;
    if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
    else if (value instanceof Date) return value.getTime();
    else if (typeof value === 'string') text = value.trim();
    else throw new DataError('timestamp is empty', { source: this.source, row, field: this.timeField });
    const bytes = encoder.encode(text);
    const t = scanTimestamp(bytes, 0, bytes.length, this.state);
    if (t !== t || scan.end !== bytes.length) {
      throw new DataError(`cannot read ${quote(text)} as a timestamp`, { source: this.source, row, field: this.timeField });
    }
    return t;
  }

  private readRate(row: number, value: unknown): number {
    const r = typeof value === 'number' ? value : typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(r)) {
      const reason = typeof value === 'number' ? `rate is not finite (${value})` : `rate ${describeBadNumber(typeof value === 'string' ? value : '')}`;
      throw new DataError(reason, { source: this.source, row, field: this.rateField });
    }
    return r;
  }

  finish(): FundingRates {
    if (this.time.length === 0) throw new DataError('the file has no funding rates', { source: this.source });
    return { time: Float64Array.from(this.time), rate: Float64Array.from(this.rate), source: this.source };
  }
}

function fromCsv(text: string, source: string): FundingRates {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first >= lines.length) throw new DataError('the file is empty', { source });
  const delimiter = [',', ';', '\t'].reduce((best, d) => (lines[first]!.split(d).length > lines[first]!.split(best).length ? d : best), ',');
  const split = (line: string): string[] => line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const header = split(lines[first]!);
  const timeIndex = pick(TIME_NAMES, header);
  const rateIndex = pick(RATE_NAMES, header);
  if (timeIndex < 0 || rateIndex < 0) throw missingColumns(header, timeIndex, rateIndex, source);
  const builder = new SeriesBuilder(source, header[timeIndex]!, header[rateIndex]!);
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = split(line);
    if (cells.length !== header.length) {
      throw new DataError(`the row has ${cells.length} fields but the header has ${header.length}`, { source, row: i + 1 });
    }
    builder.add(i + 1, cells[timeIndex], cells[rateIndex]);
  }
  return builder.finish();
}

function fromJson(text: string, source: string): FundingRates {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, { source }, { cause: error });
  }
  if (!Array.isArray(data) || data.length === 0) throw new DataError('expected a non-empty JSON array of funding rates', { source });
  const first: unknown = data[0];
  if (Array.isArray(first)) {
    const builder = new SeriesBuilder(source, '[0]', '[1]');
    data.forEach((entry: unknown, i) => {
      const e = Array.isArray(entry) ? (entry as unknown[]) : [];
      builder.add(i + 1, e[0], e[1]);
    });
    return builder.finish();
  }
  const header = first !== null && typeof first === 'object' ? Object.keys(first) : [];
  const timeKey = header[pick(TIME_NAMES, header)];
  const rateKey = header[pick(RATE_NAMES, header)];
  if (timeKey === undefined || rateKey === undefined) throw missingColumns(header, timeKey === undefined ? -1 : 0, rateKey === undefined ? -1 : 0, source);
  const builder = new SeriesBuilder(source, timeKey, rateKey);
  data.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    builder.add(i + 1, e[timeKey], e[rateKey]);
  });
  return builder.finish();
}

function fromFeather(bytes: Uint8Array, source: string): FundingRates {
  const table = readArrowTable(bytes, source);
  const header = table.schema.fields.map((f) => f.name);
  const timeIndex = pick(TIME_NAMES, header);
  const rateIndex = pick(RATE_NAMES, header);
  if (timeIndex < 0 || rateIndex < 0) throw missingColumns(header, timeIndex, rateIndex, source);
  const times = table.getChildAt(timeIndex)!;
  const rates = table.getChildAt(rateIndex)!;
  const builder = new SeriesBuilder(source, header[timeIndex]!, header[rateIndex]!);
  for (let i = 0; i < table.numRows; i++) builder.add(i + 1, times.get(i) as unknown, rates.get(i) as unknown);
  return builder.finish();
}

/** Reads a funding-rate series from bytes already in memory (see `loadFundingRates`). */
export function parseFundingRates(input: string | Uint8Array, source: string): FundingRates {
  const bytes = unwrapArchive(typeof input === 'string' ? encoder.encode(input) : input, source);
  if (bytes.length === 0) throw new DataError('the file is empty', { source });
  if (isArrowIpc(bytes)) return fromFeather(bytes, source);
  const text = new TextDecoder().decode(bytes);
  const lead = text.trimStart()[0];
  return lead === '[' || lead === '{' ? fromJson(text, source) : fromCsv(text, source);
}

/**
 * Loads a funding-rate series. The simulator charges `rate × position notional` at each `time`.
 * @example
 * const funding = await loadFundingRates('data/bundled/XRP_USDT_USDT-8h-funding_rate.feather');
 * funding.rate[0]; // 0.0001
 */
export async function loadFundingRates(path: string): Promise<FundingRates> {
  return parseFundingRates(await readSource(path), path);
}
