/**
 * `--data db:[venue:]SYMBOL@TIMEFRAME`: candles stored by `arbiter data import` (or by the live
 * node) read back from the database instead of a file. The database is `DATABASE_URL`, else
 * `sqlite:./data/arbiter.db`. Storage is imported only when such a spec is given, so runs on
 * files do not pay for opening a database driver.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import type { BarTable } from '../model/bar.js';

export const DATABASE_DATA_PREFIX = 'db:';

export interface DatabaseDataSpec {
  readonly venue?: string;
  readonly symbol: string;
  readonly timeframe: string;
}

export function isDatabaseDataSpec(spec: string): boolean {
  return spec.startsWith(DATABASE_DATA_PREFIX);
}

/** Parses `db:BTC/USDT@1h` or `db:binance:BTC/USDT@1h`; errors name `--data` and show the form. */
export function parseDatabaseDataSpec(spec: string): DatabaseDataSpec {
  const body = spec.slice(DATABASE_DATA_PREFIX.length);
  const at = body.lastIndexOf('@');
  const colon = body.indexOf(':');
  const venue = colon > 0 && colon < at ? body.slice(0, colon) : undefined;
  const symbol = body.slice(venue === undefined ? 0 : colon + 1, at < 0 ? undefined : at);
  const timeframe = at < 0 ? '' : body.slice(at + 1);
  if (symbol === '' || timeframe === '' || !/^\d+[smhdwM]$/.test(timeframe)) {
    throw new ConfigurationError(`"${spec}" is not a database series; write db:SYMBOL@TIMEFRAME or db:VENUE:SYMBOL@TIMEFRAME, e.g. db:BTC/USDT@1h (\`arbiter data list\` shows what is stored)`, '--data');
  }
  return { ...(venue !== undefined ? { venue } : {}), symbol, timeframe };
}

/** Reads the series for `[from, to)`; an empty result is an error that says what is stored instead. */
export async function readDatabaseData(spec: string, range: { from?: number; to?: number }): Promise<BarTable> {
  const series = parseDatabaseDataSpec(spec);
  const { openStorage } = await import('../storage/open.js');
  const storage = await openStorage(process.env.DATABASE_URL);
  try {
    let table: BarTable | undefined;
    let missing: string | undefined;
    try {
      table = await storage.candles.read({ ...series, ...range });
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      missing = error.message.replace(/^storage: /, '');
    }
    if (table && table.length > 0) return table;
    const stored = (await storage.candles.list()).map((s) => `${s.venue}:${s.symbol}@${s.timeframe}`);
    const what = missing ?? `no candles stored for ${spec.slice(DATABASE_DATA_PREFIX.length)} in the --from/--to range`;
    throw new ConfigurationError(`${what}; stored: ${stored.length > 0 ? stored.join(', ') : 'nothing'}`, '--data');
  } finally {
    await storage.close();
  }
}
