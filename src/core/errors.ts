/**
 * The error tree (ARCHITECTURE.md, convention 4). Every error a user can cause is one of these,
 * carries the fields that locate the fault, and is printed by the CLI and API as one clear line,
 * never as a stack trace.
 */

export interface ErrorOptions {
  readonly cause?: unknown;
}

/** Base of every error Arbiter raises on purpose. */
export abstract class ArbiterError extends Error {
  /** True when the user (input, config, request) caused it, as opposed to a bug in Arbiter. */
  abstract readonly userFacing: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** Invalid configuration or parameters; `key` names the offending setting (dotted path). */
export class ConfigurationError extends ArbiterError {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly key?: string,
    options?: ErrorOptions,
  ) {
    super(key ? `${key}: ${message}` : message, options);
  }
}

/** Bad market data; names the source, the row (1-based, as an editor shows it) and the field. */
export class DataError extends ArbiterError {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly location: { readonly source?: string; readonly row?: number; readonly field?: string } = {},
    options?: ErrorOptions,
  ) {
    super(DataError.prefix(location) + message, options);
  }

  private static prefix(loc: DataError['location']): string {
    const parts: string[] = [];
    if (loc.source) parts.push(loc.source);
    if (loc.row !== undefined) parts.push(`row ${loc.row}`);
    if (loc.field) parts.push(`field "${loc.field}"`);
    return parts.length ? `${parts.join(', ')}: ` : '';
  }
}

/** An attempt to read data that was not yet available at the current simulated time. */
export class LookAheadError extends ArbiterError {
  readonly userFacing = true;
}

/** A retryable failure (network, rate limit, exchange busy). */
export class TemporaryError extends ArbiterError {
  readonly userFacing = false;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An order that cannot be accepted as given (bad price, quantity below lot, unknown symbol…). */
export class InvalidOrderError extends ArbiterError {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Not enough cash or margin for the order. */
export class InsufficientFundsError extends ArbiterError {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly required: number,
    readonly available: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Wraps an exception thrown by user strategy code, naming the strategy and the callback. */
export class StrategyError extends ArbiterError {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly strategy: string,
    readonly callback: string,
    options?: ErrorOptions,
  ) {
    super(`strategy "${strategy}" failed in ${callback}: ${message}`, options);
  }
}

/** True for errors that should be shown to the user as one line without a stack trace. */
export function isUserFacing(error: unknown): error is ArbiterError {
  return error instanceof ArbiterError && error.userFacing;
}

/** The message of any thrown value, for logs and one-line reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
