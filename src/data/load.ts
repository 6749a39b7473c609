/**
 * Loading market data files into validated bar tables: generic OHLCV CSV, Binance kline CSV,
 * Freqtrade JSON and feather. See docs/data.md for the detection rules, the validation rules and
 * the repair policies.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import { timeframeMs } from '../core/time.js';
import { unwrapArchive } from './archive.js';
import { readCsv } from './csv.js';
import { isArrowIpc, readFeatherCandles } from './feather.js';
import { parseDataFileName } from './file-name.js';
import { readJsonCandles } from './json.js';
import type { RawBars } from './raw.js';
import { readSource } from './read-source.js';
import type { BarFileFormat, LoadBarsOptions, LoadedBars, MarketCalendar, RepairPolicy } from './types.js';
import { finishBars } from './validate.js';

export type {
  BarField, BarFileFormat, EpochUnit, FundingRates, Gap, LoadBarsOptions, LoadedBars, MarketCalendar, RepairPolicy, RepairReport,
} from './types.js';
export { resampleBars, type ResampleOptions } from './resample.js';
export { loadFundingRates, parseFundingRates } from './funding.js';

const FORMATS: readonly BarFileFormat[] = ['csv', 'binance', 'freqtrade-json', 'feather'];
const POLICIES: readonly RepairPolicy[] = ['none', 'drop', 'ffill'];
const CALENDARS: readonly MarketCalendar[] = ['24/7', 'sessions'];
const UNITS = ['s', 'ms', 'us', 'ns'] as const;

function checkOptions(options: LoadBarsOptions): void {
  if (options.format !== undefined && !FORMATS.includes(options.format)) {
    throw new ConfigurationError(`unknown format "${String(options.format)}"; use one of ${FORMATS.join(', ')}`, 'format');
  }
  if (options.repair !== undefined && !POLICIES.includes(options.repair)) {
    throw new ConfigurationError(`unknown repair policy "${String(options.repair)}"; use one of ${POLICIES.join(', ')}`, 'repair');
  }
  if (options.calendar !== undefined && !CALENDARS.includes(options.calendar)) {
    throw new ConfigurationError(`unknown calendar "${String(options.calendar)}"; use one of ${CALENDARS.join(', ')}`, 'calendar');
  }
  if (options.timeUnit !== undefined && !UNITS.includes(options.timeUnit)) {
    throw new ConfigurationError(`unknown time unit "${String(options.timeUnit)}"; use one of ${UNITS.join(', ')}`, 'timeUnit');
  }
  if (options.timeframe !== undefined) timeframeMs(options.timeframe);
  if (options.symbol !== undefined && options.symbol.trim() === '') throw new ConfigurationError('must not be empty', 'symbol');
}

function firstNonSpace(b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xef && c !== 0xbb && c !== 0xbf) return c;
  }
  return -1;
}

/**
 * Reads bars from bytes or text already in memory; `source` names them in messages and supplies
 * the file name that symbol and timeframe are derived from.
 * @example
 * const { table } = parseBars('date,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n', { source: 'X-1d.csv' });
 */
export function parseBars(input: string | Uint8Array, options: LoadBarsOptions & { source: string }): LoadedBars {
  checkOptions(options);
  const { source } = options;
  const name = parseDataFileName(source);
  if (name.candleType === 'funding_rate') {
    throw new DataError('this is a funding-rate file, not bars (Freqtrade stores the rate in "open"); load it with loadFundingRates', { source });
  }
  const unwrapped = unwrapArchive(typeof input === 'string' ? new TextEncoder().encode(input) : input, source);
  // A plain Uint8Array view (not a Buffer subclass) keeps the scanners' element access monomorphic.
  const bytes = new Uint8Array(unwrapped.buffer, unwrapped.byteOffset, unwrapped.byteLength);
  const lead = firstNonSpace(bytes);
  if (lead < 0) throw new DataError('the file is empty', { source });
  const detected: BarFileFormat = isArrowIpc(bytes) ? 'feather' : lead === 91 /* [ */ || lead === 123 /* { */ ? 'freqtrade-json' : 'csv';
  const requested = options.format;
  if (requested !== undefined && (requested === 'feather') !== (detected === 'feather')) {
    throw new DataError(`format "${requested}" was requested but the content is ${detected === 'feather' ? 'an Arrow/feather file' : 'text'}`, { source });
  }
  let raw: RawBars;
  let format: BarFileFormat;
  if (detected === 'feather') {
    raw = readFeatherCandles(bytes, source, options.timeUnit);
    format = 'feather';
  } else if (detected === 'freqtrade-json' && requested !== 'csv' && requested !== 'binance') {
    raw = readJsonCandles(new TextDecoder().decode(bytes), source, options.timeUnit);
    format = 'freqtrade-json';
  } else {
    const csv = readCsv(bytes, source, options.timeUnit);
    raw = csv.raw;
    format = requested ?? csv.format;
  }
  const timeframe = options.timeframe !== undefined
    ? { value: options.timeframe, source: 'option' as const }
    : name.timeframe !== undefined ? { value: name.timeframe, source: 'file-name' as const } : undefined;
  const { table, report } = finishBars(raw, {
    source,
    symbol: options.symbol ?? name.symbol,
    symbolSource: options.symbol !== undefined ? 'option' : 'file-name',
    ...(timeframe ? { timeframe } : {}),
    repair: options.repair ?? 'none',
    ...(options.calendar ? { calendar: options.calendar } : {}),
  });
  return { table, format, source, report };
}

/**
 * Loads a bar file: CSV (header-detected columns, any supported timestamp form), Binance kline CSV
 * (also zipped as downloaded), Freqtrade JSON or feather. Bad rows are errors naming file, row and
 * field unless `repair` says otherwise; every change a repair makes is in `report`.
 * @example
 * const { table, report } = await loadBars('data/bundled/BTC_USDT-1h.csv');
 * table.symbol;     // 'BTC/USDT'
 * table.timeframe;  // '1h'
 * report.gaps;      // []
 */
export async function loadBars(path: string, options: LoadBarsOptions = {}): Promise<LoadedBars> {
  checkOptions(options);
  return parseBars(await readSource(path), { ...options, source: path });
}

/** One line per fact worth telling a user about a load (for CLIs and logs). */
export function describeLoad(loaded: LoadedBars): string[] {
  const { table, report } = loaded;
  const lines = [
    `${loaded.source}: ${table.length} ${table.timeframe} bars of ${table.symbol} (${loaded.format}, timeframe from ${report.timeframeSource})`,
  ];
  if (table.length > 0) lines.push(`from ${new Date(table.time[0]!).toISOString()} to ${new Date(table.time[table.length - 1]!).toISOString()}`);
  if (report.dropped.length > 0) {
    const first = report.dropped[0]!;
    lines.push(`dropped ${report.dropped.length} row${report.dropped.length === 1 ? '' : 's'} (first: row ${first.row}${first.field ? `, field "${first.field}"` : ''}: ${first.reason})`);
  }
  if (report.reordered > 0) lines.push(`sorted ${report.reordered} out-of-order row${report.reordered === 1 ? '' : 's'} into time order`);
  if (report.missingBars > 0) {
    const gapCount = report.gaps.filter((g) => g.kind === 'gap').length;
    lines.push(`${report.missingBars} missing bar${report.missingBars === 1 ? '' : 's'} in ${gapCount} gap${gapCount === 1 ? '' : 's'}${report.filled > 0 ? `, filled with ${report.filled} flat bars` : ''}`);
  }
  if (report.sessionBreaks > 0) lines.push(`${report.sessionBreaks} session break${report.sessionBreaks === 1 ? '' : 's'} (market closed; calendar ${report.calendar})`);
  if (report.misaligned > 0) lines.push(`${report.misaligned} bar${report.misaligned === 1 ? '' : 's'} off the ${table.timeframe} grid`);
  return lines;
}
