/** Public types of the bar loaders (re-exported by `load.ts` and `index.ts`). */
import type { BarTable } from '../model/bar.js';
import type { BarField } from './columns.js';
import type { EpochUnit } from './scan.js';

export type { BarField } from './columns.js';
export type { EpochUnit } from './scan.js';

/** File formats `loadBars` reads. `feather` is Apache Arrow IPC (Freqtrade's default, LZ4 or uncompressed). */
export type BarFileFormat = 'csv' | 'binance' | 'freqtrade-json' | 'feather';

/**
 * What to do with bad rows. `none`: any bad row is an error. `drop`: bad, duplicate and
 * out-of-order rows are dropped/sorted and each change is reported. `ffill`: as `drop`, then
 * missing bars are filled with flat bars (O=H=L=C=previous close, volume 0), as Freqtrade's fill-up does.
 */
export type RepairPolicy = 'none' | 'drop' | 'ffill';

/**
 * `24/7`: every missing bar is a gap (crypto). `sessions`: the market closes (equities, FX,
 * futures); a gap that spans a UTC day boundary — nights, weekends, holidays — is a session
 * break, not missing data, and is never filled.
 */
export type MarketCalendar = '24/7' | 'sessions';

export interface LoadBarsOptions {
  /** Default: derived from the file name (`BTC_USDT-1h.csv` → `BTC/USDT`, `XRP_USDT_USDT-5m-futures.feather` → `XRP/USDT:USDT`), else the file name. */
  symbol?: string;
  /** Default: Binance's close_time, else the file name (`…-1h.csv`), else the median spacing of the timestamps. */
  timeframe?: string;
  /** Default: detected from the extension and the content. */
  format?: BarFileFormat;
  /** Default `none`: malformed rows are errors. */
  repair?: RepairPolicy;
  /** Unit of integer epoch timestamps; default: detected from the magnitude of the first one. */
  timeUnit?: EpochUnit;
  /** Default: `sessions` when the data spans a week or more, its timeframe is below 1w, and no bar opens on a Saturday (UTC); else `24/7`. */
  calendar?: MarketCalendar;
}

/** A run of missing bars between two bars of the table. */
export interface Gap {
  /** Open time (epoch ms) of the last bar before the gap. */
  readonly after: number;
  /** Open time (epoch ms) of the first bar after the gap. */
  readonly until: number;
  /** Bars of the timeframe that would fit between them. */
  readonly missing: number;
  /** `gap`: data is missing. `session-break`: the market was closed (see MarketCalendar); never filled. */
  readonly kind: 'gap' | 'session-break';
  /** File row of the bar before the gap (0 if that bar was itself filled, which cannot happen today). */
  readonly row: number;
}

/** Everything the loader found and changed. Nothing is changed without appearing here. */
export interface RepairReport {
  readonly policy: RepairPolicy;
  /** Data rows in the file (blank lines not counted). */
  readonly rows: number;
  /** Bars in the resulting table (rows − dropped + filled). */
  readonly bars: number;
  /** Every dropped row with the reason, by file row (only under `drop`/`ffill`). */
  readonly dropped: ReadonlyArray<{ readonly row: number; readonly field?: string; readonly reason: string }>;
  /** Rows that were out of time order and were moved by sorting. */
  readonly reordered: number;
  /** Flat bars inserted by `ffill`. */
  readonly filled: number;
  /** Every gap in the data, filled or not. */
  readonly gaps: ReadonlyArray<Gap>;
  /** Sum of `missing` over gaps of kind `gap`. */
  readonly missingBars: number;
  /** Gaps of kind `session-break`. */
  readonly sessionBreaks: number;
  /** Bars whose spacing from the previous one is not a whole number of timeframes (off the grid). */
  readonly misaligned: number;
  readonly calendar: MarketCalendar;
  readonly timeframe: string;
  readonly timeframeSource: 'option' | 'close-time' | 'file-name' | 'inferred';
  readonly symbolSource: 'option' | 'file-name';
  /** How timestamps were written: `iso`, `epoch-s`, `epoch-ms`, `epoch-us`, `epoch-ns`, `arrow`, `mixed`. */
  readonly timeFormat: string;
  /** The column each field was read from (`time` may read `Date + Time`). */
  readonly columns: Readonly<Record<BarField, string>>;
}

export interface LoadedBars {
  readonly table: BarTable;
  readonly format: BarFileFormat;
  /** The path (or name) the bars came from, as given. */
  readonly source: string;
  readonly report: RepairReport;
}

/** A funding-rate series: `rate[i]` was charged at `time[i]` (epoch ms, exactly as recorded). */
export interface FundingRates {
  readonly time: Float64Array;
  readonly rate: Float64Array;
  readonly source: string;
}
