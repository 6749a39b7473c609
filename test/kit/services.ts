/**
 * External services in tests (PostgreSQL, Redis, …). A test file asks for a service at load
 * time; when it is not reachable the file's suites are skipped with one line saying how to enable
 * them, except under `CI=true`, where a missing service is a failure (CI provides them).
 *
 * @example
 *   const pg = await postgresForTests('storage-contract');
 *   describe.skipIf(!pg)('PostgreSQL storage', () => { … });
 *   afterAll(() => pg?.drop());
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';

export interface ServiceSpec {
  /** Human name, e.g. `PostgreSQL`. */
  readonly name: string;
  /** URL to use; its host and port are probed. */
  readonly url: string;
  readonly defaultPort: number;
  /** What to tell a developer who wants these tests to run. */
  readonly enableHint: string;
}

const reported = new Set<string>();

/** True when a TCP connection to host:port opens within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** True when the environment says this is CI, where every service must be present. */
export function inCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/**
 * Resolves to the service URL when it answers, `undefined` (after one line on stderr) when it
 * does not; throws under CI.
 */
export async function requireService(spec: ServiceSpec): Promise<string | undefined> {
  const parsed = new URL(spec.url);
  const host = parsed.hostname || '127.0.0.1';
  const port = parsed.port ? Number(parsed.port) : spec.defaultPort;
  if (await tcpReachable(host, port)) return spec.url;
  const message = `${spec.name} is not reachable at ${host}:${port}`;
  if (inCi()) throw new Error(`${message}; CI=true requires it (${spec.enableHint})`);
  if (!reported.has(spec.name)) {
    reported.add(spec.name);
    process.stderr.write(`skipped: ${message} — ${spec.enableHint}\n`);
  }
  return undefined;
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL schema of one's own for the duration of a test file. */
export interface TestPostgres {
  /** `DATABASE_URL` pointing at the schema (`?schema=…`). */
  readonly url: string;
  readonly schema: string;
  /** The server URL without the schema option. */
  readonly serverUrl: string;
  /** Creates one more empty schema (dropped with the others) and returns its URL. */
  another(): Promise<string>;
  /** Drops the schema(s) and everything in them. */
  drop(): Promise<void>;
}

/** Runs SQL on the test server (setup and teardown only). */
export async function withPostgresClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema on the test PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432/test), so that test
 * files running in parallel never see each other's tables; `undefined` when PostgreSQL is absent
 * outside CI.
 */
export async function postgresForTests(label: string): Promise<TestPostgres | undefined> {
  const serverUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const reachable = await requireService({
    name: 'PostgreSQL', url: serverUrl, defaultPort: 5432,
    enableHint: 'start PostgreSQL on 127.0.0.1:5432 or set TEST_DATABASE_URL',
  });
  if (reachable === undefined) return undefined;
  const base = `t_${label.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase().slice(0, 30)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  const create = async (): Promise<string> => {
    const schema = schemas.length === 0 ? base : `${base}_${schemas.length}`;
    schemas.push(schema);
    await withPostgresClient(serverUrl, (c) => c.query(`create schema "${schema}"`));
    const withSchema = new URL(serverUrl);
    withSchema.searchParams.set('schema', schema);
    return withSchema.toString();
  };
  const url = await create();
  return {
    url,
    schema: base,
    serverUrl,
    another: create,
    drop: () => withPostgresClient(serverUrl, async (c) => {
      for (const schema of schemas) await c.query(`drop schema if exists "${schema}" cascade`);
    }),
  };
}
