/**
 * Storage: one port, SQLite (default) and PostgreSQL behind it. See docs/storage.md.
 * @example
 *   import { openStorage } from '../storage/index.js';
 *   const storage = await openStorage();                      // DATABASE_URL or sqlite:./data/arbiter.db
 *   const bars = await storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1h' });
 */
import type { BarTable } from '../model/bar.js';
import { openStorage, type OpenStorageOptions } from './open.js';
import type { CandleQuery } from './port.js';

export type * from './port.js';
export { openStorage, type OpenStorageOptions } from './open.js';
export { DatabaseUnavailableError, JournalError, SchemaMismatchError, StorageConstraintError } from './errors.js';
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactDatabaseUrl, type DatabaseConfig } from './url.js';
export { RetentionJob, type RetentionJobOptions } from './retention.js';
export { latestSchemaVersion, type MigrationReport } from './migrate.js';
export { applyOrderEvent, orderEventKey } from './journal.js';
export { JournalWriter, type JournalWriterOptions } from './journal-writer.js';

/**
 * Reads one candle series for `[from, to)` as a BarTable from an open storage: what the backtest
 * uses when its data source is the database rather than a file.
 * @example const table = await readBars(storage, { symbol: 'BTC/USDT', timeframe: '1m', from, to });
 */
export function readBars(storage: { readonly candles: { read(query: CandleQuery): Promise<BarTable> } }, query: CandleQuery): Promise<BarTable> {
  return storage.candles.read(query);
}

/** Opens the database at `url` (default `DATABASE_URL`), reads one series, and closes it again. */
export async function readBarsFromDatabase(query: CandleQuery, url?: string, options?: OpenStorageOptions): Promise<BarTable> {
  const storage = await openStorage(url, options);
  try {
    return await storage.candles.read(query);
  } finally {
    await storage.close();
  }
}
