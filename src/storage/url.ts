/**
 * `DATABASE_URL`: `sqlite:<path>` (default `sqlite:./data/arbiter.db`) or `postgres://…`.
 *
 * SQLite options (query string): `synchronous=full|normal` (default `full`: every commit is on
 * disk before it returns), `busy_timeout=<ms>` (default 10000: how long a writer waits for
 * another process's write to finish).
 *
 * PostgreSQL options besides pg's own (`sslmode`, `application_name`, …): `schema=<name>`
 * (tables live in that schema, created if missing; default `public`), `pool_max=<n>` (default 10),
 * `connect_timeout_ms=<ms>` (default 5000).
 */
import { resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/arbiter.db';

export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteConfig {
  readonly dialect: 'sqlite';
  /** Absolute file path, or `:memory:`. */
  readonly path: string;
  readonly synchronous: SqliteSynchronous;
  readonly busyTimeoutMs: number;
  /** The URL as given (SQLite URLs carry no secrets). */
  readonly redacted: string;
}

export interface PostgresConfig {
  readonly dialect: 'postgres';
  /** The URL for pg, without Arbiter's own options. */
  readonly connectionString: string;
  readonly schema: string;
  readonly poolMax: number;
  readonly connectTimeoutMs: number;
  /** The URL with the password replaced by `***`. */
  readonly redacted: string;
}

export type DatabaseConfig = SqliteConfig | PostgresConfig;

const KEY = 'DATABASE_URL';

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigurationError(`${name} must be a positive integer, got "${value}"`, KEY);
  return n;
}

/** Replaces the password of a URL with `***`; leaves anything that is not a URL alone. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/**
 * Parses a database URL; `undefined` or an empty string means the default.
 * @example parseDatabaseUrl('sqlite:./data/arbiter.db?synchronous=normal')
 * @example parseDatabaseUrl('postgres://arbiter:secret@db:5432/arbiter?schema=paper')
 */
export function parseDatabaseUrl(url: string | undefined, cwd: string = process.cwd()): DatabaseConfig {
  const raw = url === undefined || url.trim() === '' ? DEFAULT_DATABASE_URL : url.trim();
  if (raw.startsWith('sqlite:')) return parseSqlite(raw, cwd);
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) return parsePostgres(raw);
  throw new ConfigurationError(
    `"${redactDatabaseUrl(raw)}" is not a supported database URL; use sqlite:<path> (e.g. ${DEFAULT_DATABASE_URL}) or postgres://user:password@host:5432/database`,
    KEY,
  );
}

function parseSqlite(raw: string, cwd: string): SqliteConfig {
  let rest = raw.slice('sqlite:'.length);
  // Accept sqlite:///abs/path and sqlite://rel/path as well as sqlite:path.
  if (rest.startsWith('//')) rest = rest.slice(2);
  const q = rest.indexOf('?');
  const pathPart = q < 0 ? rest : rest.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  if (pathPart === '') throw new ConfigurationError(`"${raw}" names no file; use sqlite:<path>, e.g. ${DEFAULT_DATABASE_URL}`, KEY);
  let synchronous: SqliteSynchronous = 'full';
  let busyTimeoutMs = 10_000;
  for (const [name, value] of query) {
    if (name === 'synchronous') {
      const v = value.toLowerCase();
      if (v !== 'full' && v !== 'normal') throw new ConfigurationError(`synchronous must be full or normal, got "${value}"`, KEY);
      synchronous = v;
    } else if (name === 'busy_timeout') {
      busyTimeoutMs = positiveInt(value, 'busy_timeout');
    } else {
      throw new ConfigurationError(`unknown SQLite option "${name}"; known: synchronous, busy_timeout`, KEY);
    }
  }
  const path = pathPart === ':memory:' ? pathPart : resolve(cwd, decodeURIComponent(pathPart));
  return { dialect: 'sqlite', path, synchronous, busyTimeoutMs, redacted: raw };
}

function parsePostgres(raw: string): PostgresConfig {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (error) {
    throw new ConfigurationError(`"${redactDatabaseUrl(raw)}" is not a valid URL`, KEY, { cause: error });
  }
  let schema = 'public';
  let poolMax = 10;
  let connectTimeoutMs = 5000;
  const own = ['schema', 'pool_max', 'connect_timeout_ms'];
  for (const name of own) {
    const value = parsed.searchParams.get(name);
    if (value === null) continue;
    parsed.searchParams.delete(name);
    if (name === 'schema') {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)) {
        throw new ConfigurationError(`schema must be a plain identifier (letters, digits, _), got "${value}"`, KEY);
      }
      schema = value;
    } else if (name === 'pool_max') poolMax = positiveInt(value, 'pool_max');
    else connectTimeoutMs = positiveInt(value, 'connect_timeout_ms');
  }
  const redactedUrl = new URL(raw);
  if (redactedUrl.password) redactedUrl.password = '***';
  return { dialect: 'postgres', connectionString: parsed.toString(), schema, poolMax, connectTimeoutMs, redacted: redactedUrl.toString() };
}
