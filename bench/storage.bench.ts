/**
 * Storage throughput and latency.
 *
 * - `storage.<db>.insert`: one upsert of 1,000,000 1m candles into an empty series (rows/s).
 * - `storage.<db>.read`: reading those 1,000,000 candles back as a BarTable (rows/s).
 * - `storage.<db>.journal-p99`: latency of one `orders.append` with durability on (SQLite
 *   synchronous=FULL, PostgreSQL synchronous_commit=on), p99 over 2,000 appends (ms).
 *
 * Peer, measured in the same run on the same database: the conventional row-per-candle table
 * (primary key series+time) written and read through the same driver as directly as it allows:
 * SQLite a prepared INSERT … ON CONFLICT per row in one transaction, and `.raw().all()`;
 * PostgreSQL INSERT … SELECT FROM unnest($1::bigint[], …) ON CONFLICT in 50,000-row batches, and
 * a plain SELECT. PostgreSQL uses BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test, in a schema of its own that is dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BarTable } from '../src/model/bar.js';
import { openStorage, redactDatabaseUrl, type Storage } from '../src/storage/index.js';
import { OrderScript } from '../test/kit/order-events.js';
import { perSecond, timeAsync, type Benchmark, type BenchResult } from './kit.js';

const ROWS = 1_000_000;
const APPENDS = 2_000;
const T0 = Date.UTC(2020, 0, 1);

function candles(symbol: string): BarTable {
  const t = new Float64Array(ROWS);
  const o = new Float64Array(ROWS);
  const h = new Float64Array(ROWS);
  const l = new Float64Array(ROWS);
  const c = new Float64Array(ROWS);
  const v = new Float64Array(ROWS);
  let price = 30_000;
  for (let i = 0; i < ROWS; i++) {
    t[i] = T0 + i * 60_000;
    o[i] = price;
    price *= 1 + Math.sin(i * 0.37) * 0.001;
    c[i] = price;
    h[i] = Math.max(o[i]!, c[i]!) * 1.0005;
    l[i] = Math.min(o[i]!, c[i]!) * 0.9995;
    v[i] = 1 + (i % 97);
  }
  return new BarTable(symbol, '1m', t, o, h, l, c, v);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function journalLatency(storage: Storage): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let n = 0; samples.length < APPENDS; n++) {
    const s = new OrderScript(`BENCH-${n}`, { size: { base: 1 } }, T0 + n);
    for (const event of [s.initialized(), s.submitted(T0 + n + 1), s.accepted(T0 + n + 2), s.filled(T0 + n + 3, 1, 100)]) {
      const t0 = performance.now();
      await storage.orders.append(event);
      samples.push(performance.now() - t0);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

interface Peer {
  /** Writes the table as series `run` of the row table. */
  insert(table: BarTable, run: number): Promise<void> | void;
  /** Reads series 0 back into typed arrays; returns the row count. */
  read(): Promise<number> | number;
}

interface Target {
  readonly storage: Storage;
  readonly peer: Peer;
  readonly label: string;
}

const median = (t: { medianMs: number }): string => `${(ROWS / (t.medianMs / 1000) / 1e6).toFixed(2)}M rows/s`;

async function insertResult(id: string, { storage, peer, label }: Target): Promise<BenchResult[]> {
  const table = candles('BENCH');
  let run = 0;
  const ours = await timeAsync(async () => {
    const counts = await storage.candles.upsert({ venue: 'bench', symbol: `BENCH-${run++}`, timeframe: '1m' }, table);
    if (counts.inserted !== ROWS) throw new Error(`inserted ${counts.inserted}`);
  }, { warmup: 0, minRuns: 3, maxRuns: 3, minTimeMs: 0 });
  let peerRun = 0;
  const theirs = await timeAsync(() => Promise.resolve(peer.insert(table, peerRun++)), { warmup: 0, minRuns: 3, maxRuns: 3, minTimeMs: 0 });
  return [{
    id, metric: 'candles/s', unit: 'rows/s', value: perSecond(ROWS, ours), peers: { [`row table (${label})`]: perSecond(ROWS, theirs) },
    notes: `upsert of ${ROWS.toLocaleString('en')} 1m candles into an empty series (durable commits of 64 chunks ≈ 65k candles; the row table: one transaction); best of ${ours.runs} (median ${median(ours)}; row table median ${median(theirs)})`,
  }];
}

async function readResult(id: string, { storage, peer, label }: Target): Promise<BenchResult[]> {
  const table = candles('BENCH');
  await storage.candles.upsert({ venue: 'bench', symbol: 'BENCH-0', timeframe: '1m' }, table);
  await peer.insert(table, 0);
  const ours = await timeAsync(async () => {
    const back = await storage.candles.read({ venue: 'bench', symbol: 'BENCH-0', timeframe: '1m' });
    if (back.length !== ROWS) throw new Error(`read ${back.length}`);
  }, { warmup: 1, minRuns: 5, maxRuns: 10, minTimeMs: 2000 });
  const theirs = await timeAsync(async () => {
    const n = await peer.read();
    if (n !== ROWS) throw new Error(`peer read ${n}`);
  }, { warmup: 1, minRuns: 3, maxRuns: 5, minTimeMs: 2000 });
  return [{
    id, metric: 'candles/s', unit: 'rows/s', value: perSecond(ROWS, ours), peers: { [`row table (${label})`]: perSecond(ROWS, theirs) },
    notes: `candles.read of ${ROWS.toLocaleString('en')} candles into a BarTable; best of ${ours.runs} (median ${median(ours)}; row table median ${median(theirs)})`,
  }];
}

async function journalResult(id: string, { storage }: Target, durability: string): Promise<BenchResult[]> {
  const latency = await journalLatency(storage);
  return [{
    id, metric: 'append latency p99', unit: 'ms', value: latency.p99, peers: {},
    notes: `orders.append of one event with ${durability}, ${APPENDS} appends (lifecycle events and fills), one at a time; p50 ${latency.p50.toFixed(2)} ms`,
  }];
}

async function withSqlite<T>(fn: (target: Target) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'arbiter-bench-storage-'));
  const storage = await openStorage(`sqlite:${join(dir, 'bench.db')}`);
  const raw = new Database(join(dir, 'peer.db'));
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.exec('create table candles (series_id integer not null, time integer not null, open real not null, high real not null, low real not null, close real not null, volume real not null, primary key (series_id, time)) without rowid');
    const insert = raw.prepare('insert into candles values (?, ?, ?, ?, ?, ?, ?) on conflict (series_id, time) do update set open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume');
    const select = raw.prepare('select time, open, high, low, close, volume from candles where series_id = ? and time >= ? and time < ? order by time').raw(true);
    const peer: Peer = {
      insert(table, run) {
        raw.transaction(() => {
          for (let i = 0; i < table.length; i++) insert.run(run, table.time[i], table.open[i], table.high[i], table.low[i], table.close[i], table.volume[i]);
        })();
      },
      read() {
        const rows = select.all(0, 0, Number.MAX_SAFE_INTEGER) as number[][];
        const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(rows.length));
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          for (let c = 0; c < 6; c++) cols[c]![i] = r[c]!;
        }
        return rows.length;
      },
    };
    return await fn({ storage, peer, label: 'better-sqlite3' });
  } finally {
    raw.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPostgres(fn: (target: Target) => Promise<BenchResult[]>): Promise<BenchResult[]> {
  const server = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_storage_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  try {
    await admin.connect();
  } catch (error) {
    process.stderr.write(`skipped: PostgreSQL not reachable at ${redactDatabaseUrl(server)} (${error instanceof Error ? error.message : String(error)}); start it or set BENCH_DATABASE_URL\n`);
    return [];
  }
  await admin.query(`create schema "${schema}"`);
  await admin.query(`set search_path to "${schema}"`);
  await admin.query('create table candles (series_id integer not null, time bigint not null, open double precision not null, high double precision not null, low double precision not null, close double precision not null, volume double precision not null, primary key (series_id, time))');
  const url = new URL(server);
  url.searchParams.set('schema', schema);
  const storage = await openStorage(url.toString());
  try {
    const peer: Peer = {
      async insert(table, run) {
        await admin.query('begin');
        for (let i = 0; i < table.length; i += 50_000) {
          const end = Math.min(table.length, i + 50_000);
          const cols = [table.time, table.open, table.high, table.low, table.close, table.volume].map((c) => Array.from(c.subarray(i, end)));
          await admin.query(
            `insert into candles select $1::int, * from unnest($2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
             on conflict (series_id, time) do update set open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
            [run, ...cols],
          );
        }
        await admin.query('commit');
      },
      async read() {
        const result = await admin.query({ text: 'select time, open, high, low, close, volume from candles where series_id = 0 order by time', rowMode: 'array' });
        const rows = result.rows as unknown[][];
        const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(rows.length));
        for (let i = 0; i < rows.length; i++) for (let c = 0; c < 6; c++) cols[c]![i] = Number(rows[i]![c]);
        return rows.length;
      },
    };
    return await fn({ storage, peer, label: 'pg' });
  } finally {
    await storage.close();
    await admin.query(`drop schema "${schema}" cascade`);
    await admin.end();
  }
}

export const benchmarks: Benchmark[] = [
  { id: 'storage.sqlite.insert', description: 'SQLite: upsert 1M candles', run: () => withSqlite((t) => insertResult('storage.sqlite.insert', t)) },
  { id: 'storage.sqlite.read', description: 'SQLite: read 1M candles as a BarTable', run: () => withSqlite((t) => readResult('storage.sqlite.read', t)) },
  { id: 'storage.sqlite.journal-p99', description: 'SQLite: order journal append latency p99, synchronous=FULL', run: () => withSqlite((t) => journalResult('storage.sqlite.journal-p99', t, 'synchronous=FULL (fsync per commit)')) },
  { id: 'storage.postgres.insert', description: 'PostgreSQL: upsert 1M candles', run: () => withPostgres((t) => insertResult('storage.postgres.insert', t)) },
  { id: 'storage.postgres.read', description: 'PostgreSQL: read 1M candles as a BarTable', run: () => withPostgres((t) => readResult('storage.postgres.read', t)) },
  { id: 'storage.postgres.journal-p99', description: 'PostgreSQL: order journal append latency p99, synchronous_commit=on', run: () => withPostgres((t) => journalResult('storage.postgres.journal-p99', t, 'synchronous_commit=on')) },
];
