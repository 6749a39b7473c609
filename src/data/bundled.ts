/**
 * The real data sets shipped in `data/bundled/` (origins in data/bundled/SOURCES.md), so a clean
 * clone backtests offline. The row counts and time ranges below are checked against the files by
 * `bundled.test.ts`.
 */
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../core/errors.js';

export interface BundledDataSet {
  /** File name inside `data/bundled/`. */
  readonly file: string;
  /** `bars` load with `loadBars`, `funding` with `loadFundingRates`. */
  readonly kind: 'bars' | 'funding';
  readonly symbol: string;
  readonly timeframe: string;
  readonly rows: number;
  /** First and last open time, ISO-8601 UTC. */
  readonly first: string;
  readonly last: string;
  readonly description: string;
}

/** Absolute path of the `data/bundled/` directory. */
export const BUNDLED_DATA_DIR = fileURLToPath(new URL('../../data/bundled/', import.meta.url));

export const bundledDataSets: readonly BundledDataSet[] = [
  {
    file: 'BTC_USD_USD-1m-futures.csv', kind: 'bars', symbol: 'BTC/USD:USD', timeframe: '1m', rows: 45031,
    first: '2021-12-31T23:01:00.000Z', last: '2022-02-01T05:31:00.000Z',
    description: 'BTC perpetual 1m (NautilusTrader test data, probably FTX BTC-PERP; volume in USD)',
  },
  {
    file: 'BTC_USDT-1h.csv', kind: 'bars', symbol: 'BTC/USDT', timeframe: '1h', rows: 744,
    first: '2025-01-01T00:00:00.000Z', last: '2025-01-31T23:00:00.000Z',
    description: 'Binance spot BTCUSDT 1h, January 2025 (timestamps in µs)',
  },
  {
    file: 'ETH_BTC-5m.feather', kind: 'bars', symbol: 'ETH/BTC', timeframe: '5m', rows: 5760,
    first: '2018-01-10T04:55:00.000Z', last: '2018-01-30T04:50:00.000Z',
    description: "Freqtrade's ETH/BTC 5m test candles (feather)",
  },
  {
    file: 'GOOG-1d.csv', kind: 'bars', symbol: 'GOOG', timeframe: '1d', rows: 2148,
    first: '2004-08-19T00:00:00.000Z', last: '2013-03-01T00:00:00.000Z',
    description: "GOOG daily from backtesting.py's tests",
  },
  {
    file: 'SPY-1d.csv', kind: 'bars', symbol: 'SPY', timeframe: '1d', rows: 5241,
    first: '1999-11-01T00:00:00.000Z', last: '2020-08-28T00:00:00.000Z',
    description: 'SPY daily from pandas-ta',
  },
  {
    file: 'XRP_USDT_USDT-5m-futures.feather', kind: 'bars', symbol: 'XRP/USDT:USDT', timeframe: '5m', rows: 1999,
    first: '2021-11-15T00:00:00.000Z', last: '2021-11-21T22:30:00.000Z',
    description: "XRP/USDT:USDT perpetual 5m (Freqtrade's futures test data)",
  },
  {
    file: 'XRP_USDT_USDT-1h-futures.feather', kind: 'bars', symbol: 'XRP/USDT:USDT', timeframe: '1h', rows: 100,
    first: '2021-11-17T01:00:00.000Z', last: '2021-11-21T04:00:00.000Z',
    description: 'XRP/USDT:USDT perpetual 1h',
  },
  {
    file: 'XRP_USDT_USDT-8h-funding_rate.feather', kind: 'funding', symbol: 'XRP/USDT:USDT', timeframe: '8h', rows: 91,
    first: '2021-11-18T00:00:00.017Z', last: '2021-12-18T00:00:00.014Z',
    description: 'XRP/USDT:USDT 8-hourly funding rates (rate in the open column)',
  },
];

/**
 * Absolute path of a bundled file.
 * @example await loadBars(bundledDataPath('BTC_USDT-1h.csv'))
 * @throws ConfigurationError listing the bundled files when `file` is not one of them.
 */
export function bundledDataPath(file: string): string {
  if (!bundledDataSets.some((d) => d.file === file)) {
    throw new ConfigurationError(`"${file}" is not a bundled data set; available: ${bundledDataSets.map((d) => d.file).join(', ')}`, 'data');
  }
  return BUNDLED_DATA_DIR + file;
}
