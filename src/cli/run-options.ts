/**
 * Options shared by `arbiter backtest` and `arbiter start`: the data, the strategy and its
 * parameters, money and the simulated exchange. Both commands build their run from the same
 * parsed options, so a paper run and a backtest given the same flags simulate the same venue.
 * This module only declares the options (cheap to import); resolve-run.ts loads and checks them.
 */
import { Option, type Command } from 'commander';
import type { RepairPolicy } from '../data/types.js';
import type { AccountType } from '../model/account.js';
import { intrabarPaths, type IntrabarPath } from '../sim/path.js';
import { collect } from './options.js';

/** Raw option values as commander gives them. */
export interface RunOptionValues {
  data: string[];
  strategy: string;
  param?: string[];
  cash?: string;
  fee?: string;
  slippageBps?: string;
  slippage?: string;
  symbol?: string;
  timeframe?: string;
  repair?: RepairPolicy;
  account?: AccountType;
  leverage?: string;
  latencyMs?: string;
  path?: IntrabarPath;
  maxVolumeShare?: string;
  maxOpenTrades?: string;
  funding?: string[];
  from?: string;
  to?: string;
}

/** Adds the shared options to a command. `data` and `strategy` defaults make them optional (for `start`). */
export function addRunOptions(command: Command, defaults: { data?: string; strategy?: string } = {}): Command {
  const dataHelp = 'bar file: CSV (OHLCV columns found by header), Binance kline CSV, Freqtrade JSON or feather; or the name of a bundled data set; or db:SYMBOL@TIMEFRAME for candles stored in the database (DATABASE_URL). Repeat for several symbols';
  if (defaults.data === undefined) command.requiredOption('-d, --data <file>', dataHelp, collect);
  else command.option('-d, --data <file>', `${dataHelp} (default: ${defaults.data})`, collect);
  const strategyHelp = 'built-in strategy name (see `arbiter strategies`) or a path to a strategy file';
  if (defaults.strategy === undefined) command.requiredOption('-s, --strategy <name|path>', strategyHelp);
  else command.option('-s, --strategy <name|path>', strategyHelp, defaults.strategy);
  return command
    .option('-p, --param <key=value>', 'strategy parameter (numbers, true/false and JSON are parsed); repeatable', collect)
    .option('--cash <amount>', 'starting cash in the quote currency (default: 10000)')
    .option('--fee <rate>', 'fee rate charged on each fill\'s notional, maker and taker (default: 0.001 = 0.1%)')
    .option('--slippage-bps <bps>', 'fixed slippage for market and stop fills, in basis points (default: 0)')
    .option('--slippage <model>', 'slippage model: none, <bps>bps, volume-share[:impact], sqrt[:coefficient]')
    .option('--symbol <symbol>', 'symbol of the series (single --data; default: from the file name)')
    .option('--timeframe <tf>', 'timeframe of the series, e.g. 1m, 1h, 1d (single --data; default: detected)')
    .addOption(new Option('--repair <policy>', 'bad rows: none = error naming file, row and field; drop = drop and report; ffill = drop, then fill gaps with flat bars').choices(['none', 'drop', 'ffill']))
    .addOption(new Option('--account <type>', 'account type: cash (no shorting, no leverage) or margin (default: margin)').choices(['cash', 'margin']))
    .option('--leverage <x>', 'account leverage for a margin account (default: 1)')
    .option('--latency-ms <ms>', 'time for an order, cancel or change to reach the venue (default: 0)')
    .addOption(new Option('--path <mode>', 'intrabar price path: the extreme nearer the open first (nearest, default), high-first, low-first, candle-color or freqtrade; see docs/backtesting.md').choices([...intrabarPaths]))
    .option('--max-volume-share <share>', 'at most this share of a bar\'s volume fills per bar (default: no cap)')
    .option('--max-open-trades <n>', 'at most this many positions at once (default: one per symbol)')
    .option('--funding <[symbol=]file>', 'funding-rate series for a perpetual (Freqtrade funding_rate feather/JSON or CSV); repeatable', collect)
    .option('--from <date>', 'first bar to use: bars opening at or after this UTC date/time (ISO-8601)')
    .option('--to <date>', 'bars opening before this UTC date/time (ISO-8601; exclusive)');
}

/** What `arbiter start` paper-trades when not told otherwise (bundled, so it works offline). */
export const DEFAULT_PAPER_DATA = 'BTC_USDT-1h.csv';
export const DEFAULT_PAPER_STRATEGY = 'ema-cross';

/** Option values of `arbiter start`. */
export interface StartOptionValues extends Omit<RunOptionValues, 'data' | 'strategy'> {
  data?: string[];
  strategy: string;
  speed: string;
  bars?: string;
  json?: string;
  quiet?: boolean;
}
