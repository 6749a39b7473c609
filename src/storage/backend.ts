/**
 * What the shared SQL implementation needs from a database (internal to src/storage): a Kysely
 * instance, write transactions that behave the same on both databases, and key locks.
 */
import type { Kysely, Transaction } from 'kysely';
import type { StorageDialect } from './port.js';
import type { Schema } from './schema.js';

export type Db = Kysely<Schema>;
export type Trx = Transaction<Schema>;

export interface Backend {
  readonly dialect: StorageDialect;
  /** URL with the password redacted. */
  readonly url: string;
  readonly db: Db;
  /**
   * Runs `fn` in a write transaction. SQLite takes the write lock at the start (BEGIN IMMEDIATE)
   * so two processes never deadlock; PostgreSQL retries the whole function on a serialization
   * failure or deadlock. `fn` may therefore run more than once: keep side effects out of it.
   */
  write<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a read-only transaction that sees one snapshot of the database, however many
   * queries it makes while other processes write (SQLite: a deferred WAL read transaction;
   * PostgreSQL: REPEATABLE READ).
   */
  read<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * Serialises writers on `keys` until the transaction ends (PostgreSQL advisory locks, taken in
   * sorted order so two writers cannot deadlock). A no-op on SQLite, where writers are serialised.
   */
  lock(trx: Trx, keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
