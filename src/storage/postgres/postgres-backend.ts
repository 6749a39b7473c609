/**
 * PostgreSQL through pg, behind Kysely. Tables live in the schema named by `?schema=` (created
 * if missing) via the connection's search_path. Integers of type bigint come back as JS numbers:
 * every bigint here is an epoch-ms time or a counter, well inside 2^53.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { TemporaryError, errorMessage } from '../../core/errors.js';
import type { Backend, Db, Trx } from '../backend.js';
import { DatabaseUnavailableError } from '../errors.js';
import type { Schema } from '../schema.js';
import type { PostgresConfig } from '../url.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return Number;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/** Serialization failure and deadlock: the transaction can simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
/**
 * Lost or refused connections and a server shutting down: the caller may retry later (a journal
 * append whose COMMIT was cut off is then recognised as a duplicate, so retrying is safe).
 */
const CONNECTION_LOST = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function isConnectionLoss(error: unknown): boolean {
  const code = pgCode(error);
  if (code !== undefined) return CONNECTION_LOST.has(code);
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(errorMessage(error));
}
const MAX_ATTEMPTS = 8;

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function connectHint(error: unknown): [reason: string, hint: string] {
  const code = pgCode(error);
  const message = errorMessage(error);
  switch (code) {
    case 'ECONNREFUSED':
      return ['connection refused', 'check that PostgreSQL is running and listening on that host and port'];
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ['host not found', 'check the host name in DATABASE_URL'];
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return ['no route to the server', 'check the host, the port and any firewall between here and the server'];
    case '28P01':
    case '28000':
      return ['authentication failed', 'check the user name and password in DATABASE_URL and the server\'s pg_hba.conf'];
    case '3D000':
      return ['database does not exist', 'create it (createdb <name>) or fix the database name in DATABASE_URL'];
    case '42501':
      return ['permission denied', 'grant this user CREATE on the database, or create the schema for it'];
    case '53300':
      return ['too many connections', 'the server has no free connection slots: close other clients, lower pool_max, or raise max_connections'];
    default:
      if (/timeout/i.test(message)) return ['timed out', 'check that the server is reachable and not overloaded (connect_timeout_ms raises the limit)'];
      return [message, 'check DATABASE_URL and that the server accepts connections'];
  }
}

export class PostgresBackend implements Backend {
  readonly dialect = 'postgres' as const;
  readonly url: string;
  readonly db: Db;

  private constructor(private readonly pool: pg.Pool, config: PostgresConfig) {
    this.url = config.redacted;
    this.db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  }

  /** Connects, checks the server answers, and creates the schema if needed. */
  static async open(config: PostgresConfig, onIdleError?: (error: Error) => void): Promise<PostgresBackend> {
    const pool = new pg.Pool({
      connectionString: config.connectionString,
      max: config.poolMax,
      connectionTimeoutMillis: config.connectTimeoutMs,
      options: `-c search_path=${config.schema}`,
      types,
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', (error) => onIdleError?.(error));
    try {
      const client = await pool.connect();
      try {
        await client.query(`create schema if not exists "${config.schema}"`);
      } catch (error) {
        // Two processes creating the schema at once: the loser sees a unique violation; the schema exists.
        if (pgCode(error) !== '23505') throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      const [reason, hint] = connectHint(error);
      throw new DatabaseUnavailableError(config.redacted, reason, hint, { cause: error });
    }
    return new PostgresBackend(pool, config);
  }

  async write<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(fn);
      } catch (error) {
        const code = pgCode(error);
        if (code !== undefined && RETRYABLE.has(code)) {
          if (attempt < MAX_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
            continue;
          }
          throw new TemporaryError(`PostgreSQL transaction kept conflicting with other writers: ${errorMessage(error)}`, 100, { cause: error });
        }
        if (isConnectionLoss(error)) throw new TemporaryError(`PostgreSQL connection lost (${this.url}): ${errorMessage(error)}`, 1000, { cause: error });
        throw error;
      }
    }
  }

  async read<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return this.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
  }

  async lock(trx: Trx, keys: readonly string[]): Promise<void> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return;
    if (sorted.length === 1) {
      await sql`select pg_advisory_xact_lock(hashtextextended(${sorted[0]}, 0))`.execute(trx);
      return;
    }
    // One round trip; the subquery fixes the order in which the locks are taken.
    await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from (select k from unnest(${sorted}::text[]) as k order by k) as s`.execute(trx);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
