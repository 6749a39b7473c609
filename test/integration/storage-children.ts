/** Spawning storage-workload.ts children and checking what they acknowledged against the database. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { orderEventKey, type Storage } from '../../src/storage/index.js';
import { lifecycle, T0, voteCount } from './storage-workload-plan.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const WORKLOAD = join(here, 'storage-workload.ts');

/** Everything the children acknowledged for one database: each was committed before the line was printed. */
export class Acks {
  readonly events = new Set<string>();
  readonly decisions = new Set<string>();
  readonly audit = new Set<number>();
  readonly candles = new Set<number>();

  /** Adds one acknowledgement: `<kind> <values…>` (the part after `ack <db> `). */
  add(kind: string, a: string, b?: string): void {
    if (kind === 'event') this.events.add(`${a}\u0000${b}`);
    else if (kind === 'decision') this.decisions.add(a);
    else if (kind === 'audit') this.audit.add(Number(a));
    else if (kind === 'candle') this.candles.add(Number(a));
  }

  get total(): number {
    return this.events.size + this.decisions.size + this.audit.size + this.candles.size;
  }
}

export interface Child {
  readonly process: ChildProcess;
  /** Resolves when the child printed `ready` (rejects if it exits first). */
  readonly ready: Promise<void>;
  /** Resolves when the child acknowledged a write on every database it writes to (rejects if it exits first). */
  readonly writing: Promise<void>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Starts a writer on the databases `urls`; every `ack <db> …` line it prints is added to
 * `acks[db]`.
 */
export function startWriter(urls: readonly string[], writer: string, limit: number | 'forever', acks: readonly Acks[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKLOAD, writer, String(limit), ...urls], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  let stderr = '';
  const settle = () => {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    return { promise, resolve, reject };
  };
  const ready = settle();
  const writing = settle();
  const acked = new Set<number>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line === 'ready') ready.resolve();
      const [tag, db, kind, a, b] = line.split(' ');
      if (tag !== 'ack') continue;
      acks[Number(db)]!.add(kind!, a!, b);
      acked.add(Number(db));
      if (acked.size === urls.length) writing.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      const why = `writer ${writer} exited (code ${code}, signal ${signal}): ${stderr}`;
      ready.reject(new Error(`${why} before it was ready`));
      writing.reject(new Error(`${why} before writing to every database`));
      resolve({ code, signal, stderr });
    });
  });
  return { process: child, ready: ready.promise, writing: writing.promise, exited };
}

/** Runs a writer to the end (`done`) and fails the test if it does not exit cleanly. */
export async function runWriter(urls: readonly string[], writer: string, limit: number, acks: readonly Acks[]): Promise<void> {
  const child = startWriter(urls, writer, limit, acks);
  const { code, stderr } = await child.exited;
  expect(stderr).toBe('');
  expect(code).toBe(0);
}

/**
 * Checks the database against the acknowledgements: the journal replays and matches its tables,
 * every acknowledged write is there, each order's events are a prefix of its lifecycle with no
 * duplicates, every fill has its order, every decision has all its votes, the audit chain holds.
 * Returns the highest order number found per writer.
 */
export async function checkConsistency(storage: Storage, acks: Acks, writers: readonly string[], complete: boolean): Promise<Map<string, number>> {
  const check = await storage.orders.verify();
  expect(check.problems).toEqual([]);
  const entries = await storage.orders.events();
  const keys = entries.map((e) => `${e.event.orderId}\u0000${orderEventKey(e.event)}`);
  expect(new Set(keys).size).toBe(keys.length);
  for (const ack of acks.events) expect(keys, `acknowledged event ${ack.replace('\u0000', ' ')} is missing`).toContain(ack);

  const byOrder = new Map<string, string[]>();
  for (const e of entries) byOrder.set(e.event.orderId, [...(byOrder.get(e.event.orderId) ?? []), orderEventKey(e.event)]);
  const highest = new Map<string, number>();
  for (const [orderId, got] of byOrder) {
    const m = /^(.+)-O-(\d+)$/.exec(orderId)!;
    const [writer, n] = [m[1]!, Number(m[2])];
    highest.set(writer, Math.max(highest.get(writer) ?? 0, n));
    const want = lifecycle(writer, n).map(orderEventKey);
    expect(got, `order ${orderId} is half-written`).toEqual(want.slice(0, got.length));
    if (complete) expect(got).toEqual(want);
  }
  for (const writer of writers) {
    const max = highest.get(writer) ?? 0;
    for (let n = 1; n < max; n++) expect(byOrder.get(`${writer}-O-${n}`), `order ${writer}-O-${n} is incomplete`).toHaveLength(6);
  }

  const fills = await storage.orders.fills();
  const orderIds = new Set((await storage.orders.list()).map((o) => o.id));
  for (const f of fills) expect(orderIds.has(f.orderId), `fill ${f.tradeId} has no order`).toBe(true);
  expect(fills.length).toBe(entries.filter((e) => e.event.kind === 'order.filled').length);

  const decisions = await storage.decisions.list({ limit: 1_000_000 });
  for (const d of decisions) {
    const n = Number(/-D-(\d+)$/.exec(d.id)![1]);
    expect(d.votes, `decision ${d.id} lost votes`).toHaveLength(voteCount(n));
  }
  const decisionIds = new Set(decisions.map((d) => d.id));
  for (const id of acks.decisions) expect(decisionIds.has(id), `acknowledged decision ${id} is missing`).toBe(true);

  expect(await storage.audit.verify()).toMatchObject({ ok: true });
  const seqs = new Set((await storage.audit.list()).map((e) => e.seq));
  for (const seq of acks.audit) expect(seqs.has(seq), `acknowledged audit entry ${seq} is missing`).toBe(true);

  if (acks.candles.size > 0) {
    const candles = await storage.candles.read({ venue: 'test', symbol: 'SHARED', timeframe: '1m' });
    const times = new Set(Array.from(candles.time));
    for (const t of acks.candles) expect(times.has(t), `acknowledged candle ${t} is missing`).toBe(true);
    for (let i = 0; i < candles.length; i++) {
      // Each candle carries its writer's order number n at minute 2n (+1 for writer B).
      expect(candles.open[i]).toBe(Math.floor((candles.time[i]! - T0) / 120_000));
    }
  }
  return highest;
}
