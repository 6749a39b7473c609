/**
 * `arbiter data`: candles in the database (DATABASE_URL, default sqlite:./data/arbiter.db).
 *
 *   arbiter data import <file> [--symbol BTC/USDT] [--timeframe 1m] [--venue v] [--repair drop|ffill] [--format f]
 *   arbiter data list [--json]
 *   arbiter data export --symbol BTC/USDT --timeframe 1m [--venue v] [--from d] [--to d] [--time iso|ms] [--output file]
 *
 * Every subcommand takes `--database <url>` to override DATABASE_URL.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { ConfigurationError } from '../../core/errors.js';
import { describeLoad, loadBars, type BarFileFormat, type RepairPolicy } from '../../data/load.js';
import type { BarTable } from '../../model/bar.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { utc } from '../format.js';
import { parseDate, resolveDataFile } from '../options.js';

/** Venue recorded for imported candles when `--venue` is not given. */
export const DEFAULT_VENUE = 'default';
/** Imports with more rows than this show a progress bar (when stderr is a terminal or --progress). */
const PROGRESS_THRESHOLD = 50_000;
const CSV_BATCH = 10_000;

interface DatabaseOption {
  database?: string;
}

interface ImportOptions extends DatabaseOption {
  symbol?: string;
  timeframe?: string;
  venue: string;
  repair?: RepairPolicy;
  format?: BarFileFormat;
  progress?: boolean;
  json?: boolean;
}

interface ExportOptions extends DatabaseOption {
  symbol: string;
  timeframe: string;
  venue?: string;
  from?: string;
  to?: string;
  time: 'iso' | 'ms';
  output?: string;
}

async function withStorage<T>(options: DatabaseOption, fn: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(options.database ?? process.env.DATABASE_URL);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

function databaseOption(command: Command): Command {
  return command.option('--database <url>', 'database URL (default: $DATABASE_URL, else sqlite:./data/arbiter.db)');
}

async function runImport(file: string, options: ImportOptions): Promise<void> {
  if (!options.venue.trim()) throw new ConfigurationError('must not be empty', '--venue');
  const path = resolveDataFile(file);
  const loaded = await loadBars(path, {
    ...(options.symbol !== undefined && { symbol: options.symbol }),
    ...(options.timeframe !== undefined && { timeframe: options.timeframe }),
    ...(options.format !== undefined && { format: options.format }),
    ...(options.repair !== undefined && { repair: options.repair }),
  });
  const table = loaded.table;
  if (!options.json) for (const line of describeLoad(loaded)) process.stderr.write(`${line}\n`);
  const series = { venue: options.venue, symbol: table.symbol, timeframe: table.timeframe };
  await withStorage(options, async (storage) => {
    const showProgress = options.progress === true || (process.stderr.isTTY && table.length > PROGRESS_THRESHOLD);
    const bar = showProgress
      ? new SingleBar({ format: 'import [{bar}] {percentage}% | {value}/{total} candles | {duration_formatted}', hideCursor: true, clearOnComplete: true, stream: process.stderr, noTTYOutput: true })
      : undefined;
    bar?.start(table.length, 0);
    let counts;
    try {
      counts = await storage.candles.upsert(series, table, { onProgress: (done) => bar?.update(done) });
    } finally {
      bar?.stop();
    }
    await storage.audit.append({
      time: Date.now(), actor: 'cli', action: 'data.imported', subject: `${series.venue} ${series.symbol} ${series.timeframe}`,
      details: { file: loaded.source, format: loaded.format, rows: table.length, ...counts },
    });
    const result = {
      ...series, rows: table.length, ...counts, first: table.length > 0 ? table.time[0]! : null, last: table.length > 0 ? table.time[table.length - 1]! : null,
      database: storage.url,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(`imported ${table.length} ${series.timeframe} candles of ${series.symbol} (venue ${series.venue}) into ${storage.url}: `
      + `${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged\n`);
  });
}

async function runList(options: DatabaseOption & { json?: boolean }): Promise<void> {
  await withStorage(options, async (storage) => {
    const list = await storage.candles.list();
    if (options.json) {
      process.stdout.write(`${JSON.stringify(list)}\n`);
      return;
    }
    if (list.length === 0) {
      process.stdout.write(`no candles in ${storage.url}; import some with: arbiter data import <file> --symbol BTC/USDT --timeframe 1m\n`);
      return;
    }
    const table = new Table({ head: ['venue', 'symbol', 'timeframe', 'first (UTC)', 'last (UTC)', 'candles', 'gaps'], style: { head: [], border: [] } });
    for (const s of list) table.push([s.venue, s.symbol, s.timeframe, utc(s.first), utc(s.last), String(s.count), String(s.gaps)]);
    process.stdout.write(`${storage.url}\n${table.toString()}\n`);
  });
}

/** CSV lines `time,open,high,low,close,volume` for rows [start, end); numbers in shortest exact form. */
function csvLines(table: BarTable, start: number, end: number, time: 'iso' | 'ms'): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const t = time === 'iso' ? new Date(table.time[i]!).toISOString() : String(table.time[i]);
    out += `${t},${table.open[i]},${table.high[i]},${table.low[i]},${table.close[i]},${table.volume[i]}\n`;
  }
  return out;
}

async function runExport(options: ExportOptions): Promise<void> {
  const from = options.from === undefined ? undefined : parseDate('--from', options.from);
  const to = options.to === undefined ? undefined : parseDate('--to', options.to);
  if (from !== undefined && to !== undefined && to <= from) throw new ConfigurationError('must be after --from', '--to');
  const table = await withStorage(options, (storage) => storage.candles.read({
    symbol: options.symbol, timeframe: options.timeframe,
    ...(options.venue !== undefined && { venue: options.venue }), ...(from !== undefined && { from }), ...(to !== undefined && { to }),
  }));
  const toFile = options.output !== undefined && options.output !== '-';
  if (toFile) await mkdir(dirname(options.output!), { recursive: true });
  const out = toFile ? createWriteStream(options.output!) : process.stdout;
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('time,open,high,low,close,volume\n');
  for (let i = 0; i < table.length; i += CSV_BATCH) await write(csvLines(table, i, Math.min(table.length, i + CSV_BATCH), options.time));
  if (toFile) {
    out.end();
    await once(out, 'finish');
    process.stderr.write(`exported ${table.length} ${table.timeframe} candles of ${table.symbol} to ${options.output}\n`);
  }
}

export function registerData(program: Command): void {
  const data = program
    .command('data')
    .description('import, list and export candles in the database (DATABASE_URL, default sqlite:./data/arbiter.db)');

  databaseOption(data
    .command('import')
    .description('import candles from a file (generic OHLCV CSV, Binance kline CSV, Freqtrade JSON or feather); re-importing updates in place')
    .argument('<file>', 'the file, or the name of a bundled data set (e.g. BTC_USDT-1h.csv)')
    .option('--symbol <symbol>', 'symbol to store under (default: from the file name, e.g. BTC_USDT-1h.csv → BTC/USDT)')
    .option('--timeframe <tf>', 'timeframe such as 1m, 1h, 1d (default: from the file)')
    .option('--venue <venue>', 'venue to store under', DEFAULT_VENUE)
    .addOption(new Option('--repair <policy>', 'drop bad rows, or drop and fill missing bars (default: bad rows are errors)').choices(['drop', 'ffill']))
    .addOption(new Option('--format <format>', 'file format (default: detected)').choices(['csv', 'binance', 'freqtrade-json', 'feather']))
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--json', 'print the result as JSON'))
    .addHelpText('after', `
Examples:
  arbiter data import BTCUSDT-1m-2024-01.csv --symbol BTC/USDT --timeframe 1m --venue binance
  arbiter data import ./user_data/data/binance/ETH_USDT-5m.feather --repair drop`)
    .action((file: string, options: ImportOptions) => runImport(file, options));

  databaseOption(data
    .command('list')
    .description('list the stored candle series with their first and last candle, count and gaps')
    .option('--json', 'print a JSON list of {venue, symbol, timeframe, first, last, count, gaps} (times in epoch ms)'))
    .action((options: DatabaseOption & { json?: boolean }) => runList(options));

  databaseOption(data
    .command('export')
    .description('write stored candles as CSV (time,open,high,low,close,volume), readable by data import and backtest --data')
    .requiredOption('--symbol <symbol>', 'symbol, e.g. BTC/USDT')
    .requiredOption('--timeframe <tf>', 'timeframe, e.g. 1m')
    .option('--venue <venue>', 'venue (needed only when the symbol is stored for several venues)')
    .option('--from <date>', 'first open time included, ISO-8601 UTC (e.g. 2024-01-01 or 2024-01-01T12:00Z)')
    .option('--to <date>', 'first open time excluded, ISO-8601 UTC')
    .addOption(new Option('--time <format>', 'time column as ISO-8601 UTC or epoch milliseconds').choices(['iso', 'ms']).default('iso'))
    .option('-o, --output <file>', 'write to a file instead of stdout'))
    .action((options: ExportOptions) => runExport(options));
}
