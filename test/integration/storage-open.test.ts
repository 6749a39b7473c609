/**
 * Opening storage: the default location, unreachable and unusable databases (one line that says
 * what to check, password redacted), schemas from a newer Arbiter or another application
 * (instructions, not a crash), and the append-only tables refusing edits.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatabaseUnavailableError, openStorage, SchemaMismatchError, type Storage,
} from '../../src/storage/index.js';
import { OrderScript } from '../kit/order-events.js';
import { postgresForTests, withPostgresClient } from '../kit/services.js';
import { tempDir } from '../kit/tmp.js';

const dir = tempDir('arbiter-open-');
const pg = await postgresForTests('storage-open');
afterAll(async () => {
  dir.remove();
  await pg?.drop();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** Raw SQL on a database, bypassing Arbiter (to simulate what other tools or people do). */
interface RawTarget {
  readonly name: string;
  url(): Promise<string>;
  exec(url: string, statement: string): Promise<void>;
}

const sqliteTarget: RawTarget = {
  name: 'SQLite',
  url: (() => {
    let n = 0;
    return () => Promise.resolve(`sqlite:${dir.file(`open-${n++}.db`)}`);
  })(),
  exec: async (url, statement) => {
    await Promise.resolve();
    const db = new Database(url.slice('sqlite:'.length));
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
  },
};

const targets: RawTarget[] = [sqliteTarget];
if (pg) {
  targets.push({
    name: 'PostgreSQL',
    url: () => pg.another(),
    exec: (url, statement) => withPostgresClient(pg.serverUrl, async (c) => {
      await c.query(`set search_path to "${new URL(url).searchParams.get('schema')}"`);
      await c.query(statement);
    }),
  });
}

describe('opening an unreachable or unusable database', () => {
  it('names the URL with the password redacted and what to check, in one line', async () => {
    const error = await failure(openStorage('postgres://arbiter:topsecret@127.0.0.1:1/arbiter?connect_timeout_ms=2000'));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toBe('DATABASE_URL: cannot open postgres://arbiter:***@127.0.0.1:1/arbiter?connect_timeout_ms=2000 (connection refused): check that PostgreSQL is running and listening on that host and port');
    expect(error.message).not.toContain('topsecret');
    expect(error.message).not.toContain('\n');
  });

  it.skipIf(!pg)('says when the database does not exist', async () => {
    const url = new URL(pg!.serverUrl);
    url.pathname = '/arbiter_no_such_database';
    const error = await failure(openStorage(url.toString()));
    expect(error.message).toMatch(/\(database does not exist\): create it \(createdb <name>\) or fix the database name/);
  });

  it('says when a SQLite path cannot be opened or is not a database', async () => {
    const notADirectory = dir.file('plain-file');
    writeFileSync(notADirectory, 'x');
    const cannot = await failure(openStorage(`sqlite:${notADirectory}/sub/arbiter.db`));
    expect(cannot).toBeInstanceOf(DatabaseUnavailableError);
    expect(cannot.message).toMatch(/^DATABASE_URL: cannot open sqlite:.*plain-file\/sub\/arbiter\.db/);
    const garbage = dir.file('garbage.db');
    writeFileSync(garbage, 'this is not a database file, just some text that is long enough '.repeat(20));
    const notDb = await failure(openStorage(`sqlite:${garbage}`));
    expect(notDb.message).toMatch(/not a SQLite database.*point DATABASE_URL at another file/);
  });

  it('creates the SQLite file and its directories, in WAL mode with full sync', async () => {
    const url = `sqlite:${dir.file('nested/deeper/arbiter.db')}`;
    const storage = await openStorage(url);
    await storage.close();
    const db = new Database(dir.file('nested/deeper/arbiter.db'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });
});

describe.each(targets)('schema checks on $name', (target) => {
  const opened: Storage[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  async function fresh(): Promise<string> {
    const url = await target.url();
    const storage = await openStorage(url);
    await storage.close();
    return url;
  }

  it('refuses a database written by a newer Arbiter, with instructions, changing nothing', async () => {
    const url = await fresh();
    await target.exec(url, "insert into arbiter_migrations (version, name, applied_at) values (99, 'from the future', 0)");
    const error = await failure(openStorage(url));
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect(error.message).toMatch(/schema is at version 99, newer than this Arbiter knows \(up to 1\).*Upgrade Arbiter.*Nothing was changed/);
    await target.exec(url, 'delete from arbiter_migrations where version = 99');
    const storage = await openStorage(url);
    opened.push(storage);
    expect(await storage.schemaVersion()).toBe(1);
  });

  it('refuses a schema version whose name differs from this build\'s', async () => {
    const url = await fresh();
    await target.exec(url, "update arbiter_migrations set name = 'something else' where version = 1");
    await expect(openStorage(url)).rejects.toThrow(/version 1 is "something else" in the database but "initial schema" in this Arbiter/);
  });

  it('refuses tables Arbiter did not create instead of failing half-way', async () => {
    const url = await target.url();
    await target.exec(url, 'create table orders (id integer primary key, note text)');
    const error = await failure(openStorage(url));
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect(error.message).toMatch(/already has tables named like Arbiter's \(orders\).*give Arbiter a schema or file of its own/);
  });

  it('says which tables were dropped behind its back', async () => {
    const url = await fresh();
    await target.exec(url, 'drop table fills');
    await expect(openStorage(url)).rejects.toThrow(/tables fills are missing although the schema is at version 1/);
  });

  it('refuses edits to the order journal and the audit log', async () => {
    const url = await target.url();
    const storage = await openStorage(url);
    opened.push(storage);
    const o = new OrderScript('O-1');
    await storage.orders.append(o.initialized());
    await storage.audit.append({ time: 1, actor: 'ops', action: 'config.changed' });
    await expect(target.exec(url, "update order_events set status = 'filled'")).rejects.toThrow(/order_events is append-only/);
    await expect(target.exec(url, 'delete from order_events')).rejects.toThrow(/order_events is append-only/);
    await expect(target.exec(url, 'delete from audit_log')).rejects.toThrow(/audit_log is append-only/);
    expect((await storage.orders.events()).length).toBe(1);
  });

  it('lets several processes\' worth of storages open and migrate a new database at once', async () => {
    const url = await target.url();
    const all = await Promise.all([openStorage(url), openStorage(url), openStorage(url)]);
    opened.push(...all);
    expect(await Promise.all(all.map((s) => s.schemaVersion()))).toEqual([1, 1, 1]);
  });
});
