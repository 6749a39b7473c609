import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactDatabaseUrl } from './url.js';

describe('parseDatabaseUrl', () => {
  it('defaults to sqlite:./data/arbiter.db resolved against the working directory', () => {
    expect(DEFAULT_DATABASE_URL).toBe('sqlite:./data/arbiter.db');
    for (const url of [undefined, '', '  ']) {
      expect(parseDatabaseUrl(url, '/srv/arbiter')).toEqual({
        dialect: 'sqlite', path: '/srv/arbiter/data/arbiter.db', synchronous: 'full', busyTimeoutMs: 10_000, redacted: 'sqlite:./data/arbiter.db',
      });
    }
  });

  it('reads SQLite paths in every spelling and its options', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/a.db', '/x')).toMatchObject({ path: '/var/lib/a.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/a.db', '/x')).toMatchObject({ path: '/var/lib/a.db' });
    expect(parseDatabaseUrl('sqlite:rel/a.db', '/x')).toMatchObject({ path: '/x/rel/a.db' });
    expect(parseDatabaseUrl('sqlite::memory:', '/x')).toMatchObject({ path: ':memory:' });
    expect(parseDatabaseUrl('sqlite:a.db?synchronous=NORMAL&busy_timeout=250', '/x')).toMatchObject({ synchronous: 'normal', busyTimeoutMs: 250 });
  });

  it('refuses unknown SQLite options and bad values, naming DATABASE_URL', () => {
    expect(() => parseDatabaseUrl('sqlite:a.db?journal=off')).toThrow(/DATABASE_URL: unknown SQLite option "journal"/);
    expect(() => parseDatabaseUrl('sqlite:a.db?synchronous=off')).toThrow(/synchronous must be full or normal/);
    expect(() => parseDatabaseUrl('sqlite:a.db?busy_timeout=-1')).toThrow(/busy_timeout must be a positive integer/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/names no file/);
  });

  it('reads PostgreSQL URLs, strips Arbiter\'s own options and redacts the password', () => {
    const config = parseDatabaseUrl('postgres://arbiter:s3cret@db.internal:6543/prod?schema=paper&pool_max=4&connect_timeout_ms=900&sslmode=require');
    expect(config).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://arbiter:s3cret@db.internal:6543/prod?sslmode=require',
      schema: 'paper', poolMax: 4, connectTimeoutMs: 900,
      redacted: 'postgres://arbiter:***@db.internal:6543/prod?schema=paper&pool_max=4&connect_timeout_ms=900&sslmode=require',
    });
    expect(parseDatabaseUrl('postgresql://u@h/db')).toMatchObject({ dialect: 'postgres', schema: 'public', poolMax: 10, connectTimeoutMs: 5000 });
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => parseDatabaseUrl('postgres://u@h/db?schema=a;drop')).toThrow(/schema must be a plain identifier/);
  });

  it('refuses other schemes without echoing the password', () => {
    const error = (() => {
      try {
        parseDatabaseUrl('mysql://root:hunter22@localhost/db');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/not a supported database URL; use sqlite:<path>/);
    expect((error as Error).message).not.toContain('hunter22');
  });
});

describe('redactDatabaseUrl', () => {
  it('hides passwords and leaves password-less URLs alone', () => {
    expect(redactDatabaseUrl('postgres://a:b@h:1/d')).toBe('postgres://a:***@h:1/d');
    expect(redactDatabaseUrl('postgres://a@h/d')).toBe('postgres://a@h/d');
    expect(redactDatabaseUrl('sqlite:./x.db')).toBe('sqlite:./x.db');
  });
});
