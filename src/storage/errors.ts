/**
 * Storage errors. Each one is printed as a single line that says what is wrong and what to do,
 * because the person reading it is setting up a database, not debugging Arbiter.
 */
import { ArbiterError, ConfigurationError, type ErrorOptions } from '../core/errors.js';

/** The database cannot be reached or opened. */
export class DatabaseUnavailableError extends ConfigurationError {
  constructor(
    /** The URL with the password redacted. */
    readonly url: string,
    reason: string,
    hint: string,
    options?: ErrorOptions,
  ) {
    super(`cannot open ${url} (${reason}): ${hint}`, 'DATABASE_URL', options);
  }
}

/**
 * The database schema does not match this version of Arbiter: written by a newer version, or
 * holding tables Arbiter did not create. The message carries the instructions.
 */
export class SchemaMismatchError extends ConfigurationError {
  constructor(
    readonly url: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${url}: ${message}`, 'DATABASE_URL', options);
  }
}

/**
 * An order event that does not follow from the journal (unknown order, illegal transition,
 * a different event under an identity already stored). This is a bug in the caller: the
 * execution engine only emits legal transitions.
 */
export class JournalError extends ArbiterError {
  readonly userFacing = false;
  constructor(
    message: string,
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`order journal, order ${orderId}: ${message}`, options);
  }
}

/** A record that breaks a storage rule (a duplicate key, a value out of range). */
export class StorageConstraintError extends ArbiterError {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly table: string,
    options?: ErrorOptions,
  ) {
    super(`${table}: ${message}`, options);
  }
}
