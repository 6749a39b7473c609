/**
 * SQLite through better-sqlite3, behind Kysely. Our own small driver (instead of Kysely's
 * SqliteDialect) for two reasons: write transactions start with BEGIN IMMEDIATE, so two
 * processes sharing the file queue on the write lock instead of failing with SQLITE_BUSY half-way
 * through; and prepared statements are cached, which the stock driver does not do.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type QueryResult, type TransactionSettings,
} from 'kysely';
import { TemporaryError, errorMessage } from '../../core/errors.js';
import type { Backend, Db, Trx } from '../backend.js';
import { DatabaseUnavailableError } from '../errors.js';
import type { Schema } from '../schema.js';
import type { SqliteConfig } from '../url.js';

type SqliteDb = Database.Database;
type Statement = Database.Statement;

const STATEMENT_CACHE = 256;

class SqliteConnection implements DatabaseConnection {
  readonly #db: SqliteDb;
  readonly #statements = new Map<string, Statement>();

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  #prepare(text: string): Statement {
    let stmt = this.#statements.get(text);
    if (stmt === undefined) {
      stmt = this.#db.prepare(text);
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(text, stmt);
    }
    return stmt;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const stmt = this.#prepare(compiled.sql);
      const params = compiled.parameters as unknown[];
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(...params) as R[] });
      const { changes, lastInsertRowid } = stmt.run(...params);
      return Promise.resolve({ rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) });
    } catch (error) {
      return Promise.reject(translateSqliteError(error));
    }
  }

  // The driver is synchronous; Kysely's interface is async.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const stmt = this.#prepare(compiled.sql);
    for (const row of stmt.iterate(...(compiled.parameters as unknown[]))) yield { rows: [row as R] };
  }
}

/** Longest run of database work between two turns of the event loop. */
const YIELD_AFTER_MS = 10;

/**
 * SQLite has one connection; a promise queue hands it out one user at a time. better-sqlite3 is
 * synchronous, so every query resolves at once and a sequence of them runs as one chain of
 * microtasks that would starve sockets and timers (a 10-second import would freeze a live feed
 * in the same process). Acquiring the connection therefore yields to the event loop once at
 * least YIELD_AFTER_MS of work has passed since the last turn.
 */
class SqliteDriver implements Driver {
  readonly #connection: SqliteConnection;
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;
  #lastYield = performance.now();

  constructor(private readonly raw: SqliteDb) {
    this.#connection = new SqliteConnection(raw);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (performance.now() - this.#lastYield >= YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#lastYield = performance.now();
    }
    const previous = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Writers take the write lock up front; a read-only transaction stays deferred (a WAL snapshot).
    await connection.executeQuery(CompiledQuery.raw(settings.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed COMMIT may already have ended the transaction.
    if (this.raw.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    if (this.raw.open) this.raw.close();
    return Promise.resolve();
  }
}

class ArbiterSqliteDialect implements Dialect {
  constructor(private readonly raw: SqliteDb) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver() {
    return new SqliteDriver(this.raw);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLITE_BUSY after the busy timeout means another process held the write lock too long: retryable. */
function translateSqliteError(error: unknown): Error {
  const code = sqliteCode(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new TemporaryError(`SQLite database is busy (another process is writing): ${errorMessage(error)}`, 100, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function openHint(code: string | undefined): [reason: string, hint: string] {
  switch (code) {
    case 'SQLITE_NOTADB':
      return ['not a SQLite database', 'the file exists but is not a database; point DATABASE_URL at another file (sqlite:./data/arbiter.db)'];
    case 'SQLITE_CANTOPEN':
      return ['cannot open the file', 'check that the directory exists and is writable by this user'];
    case 'SQLITE_READONLY':
      return ['read-only', 'check the file and directory permissions'];
    case 'SQLITE_CORRUPT':
      return ['the file is corrupt', 'restore it from a backup, or point DATABASE_URL at another file'];
    default:
      return [code ?? 'error', 'check the path in DATABASE_URL and its permissions'];
  }
}

/** One connection per file and process: see SqliteBackend.open. */
interface SharedConnection {
  readonly raw: SqliteDb;
  readonly db: Db;
  users: number;
}

const openFiles = new Map<string, SharedConnection>();

export class SqliteBackend implements Backend {
  readonly dialect = 'sqlite' as const;
  readonly url: string;
  readonly db: Db;
  #closed = false;

  private constructor(
    private readonly shared: SharedConnection,
    private readonly path: string,
    config: SqliteConfig,
  ) {
    this.url = config.redacted;
    this.db = shared.db;
  }

  /** The underlying connection (tests and benchmarks check pragmas through it). */
  get raw(): SqliteDb {
    return this.shared.raw;
  }

  /**
   * Opens (creating the file and its directory if needed) in WAL mode. Opening a file this
   * process already has open shares that connection: two connections in one process would wait
   * on each other's write lock synchronously, blocking the event loop that has to release it.
   */
  static open(config: SqliteConfig): SqliteBackend {
    const existing = config.path === ':memory:' ? undefined : openFiles.get(config.path);
    if (existing) {
      existing.users++;
      return new SqliteBackend(existing, config.path, config);
    }
    let raw: SqliteDb | undefined;
    try {
      if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
      raw = new Database(config.path, { timeout: config.busyTimeoutMs });
      // WAL: readers never block the writer and a crash loses nothing committed.
      raw.pragma('journal_mode = WAL');
      raw.pragma(`synchronous = ${config.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      raw.pragma('foreign_keys = ON');
      raw.pragma('temp_store = MEMORY');
    } catch (error) {
      raw?.close();
      const [reason, hint] = openHint(sqliteCode(error));
      throw new DatabaseUnavailableError(config.redacted, `${reason}: ${errorMessage(error)}`, hint, { cause: error });
    }
    const shared: SharedConnection = { raw, db: new Kysely<Schema>({ dialect: new ArbiterSqliteDialect(raw) }), users: 1 };
    if (config.path !== ':memory:') openFiles.set(config.path, shared);
    return new SqliteBackend(shared, config.path, config);
  }

  async write<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async read<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return this.db.transaction().setAccessMode('read only').execute(fn);
  }

  async lock(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (--this.shared.users > 0) return;
    if (openFiles.get(this.path) === this.shared) openFiles.delete(this.path);
    await this.db.destroy();
  }
}
