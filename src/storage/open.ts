/** Opening storage from a URL: pick the database, connect, migrate, hand back the port. */
import type { Backend } from './backend.js';
import { migrate, type MigrationReport } from './migrate.js';
import type { Storage } from './port.js';
import { SqlStorage } from './sql/sql-storage.js';
import { parseDatabaseUrl } from './url.js';

export interface OpenStorageOptions {
  /** Clock for `recordedAt`-style columns; defaults to the wall clock. */
  readonly now?: () => number;
  /** Told when PostgreSQL drops an idle connection (the pool reconnects on the next query). */
  readonly onConnectionError?: (error: Error) => void;
  /** Told which migrations ran. */
  readonly onMigrated?: (report: MigrationReport) => void;
}

/**
 * Opens the database named by `url` (default: `DATABASE_URL`, else `sqlite:./data/arbiter.db`),
 * applies pending migrations and returns the Storage port. Unreachable databases and schemas from
 * a newer Arbiter fail here with one line that says what to do.
 * @example const storage = await openStorage('sqlite:./data/arbiter.db');
 */
export async function openStorage(url: string | undefined = process.env.DATABASE_URL, options: OpenStorageOptions = {}): Promise<Storage> {
  const config = parseDatabaseUrl(url);
  // Each driver is loaded only when used: a SQLite user never loads pg, and start-up stays short.
  const backend: Backend = config.dialect === 'sqlite'
    ? (await import('./sqlite/sqlite-backend.js')).SqliteBackend.open(config)
    : await (await import('./postgres/postgres-backend.js')).PostgresBackend.open(config, options.onConnectionError);
  try {
    const report = await migrate(backend);
    options.onMigrated?.(report);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
  return new SqlStorage(backend, options.now ?? Date.now);
}
