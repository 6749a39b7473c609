/**
 * Concurrent writers (say the API and the trading loop, in two processes) on one database: both
 * write orders, decisions, audit entries and candles into the same chunks, and one shared order
 * whose events both send. Nothing may be lost, duplicated or corrupted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { postgresForTests } from '../kit/services.js';
import { tempDir } from '../kit/tmp.js';
import { Acks, checkConsistency, runWriter } from './storage-children.js';
import { lifecycle } from './storage-workload-plan.js';

const ORDERS = 30;
const dir = tempDir('arbiter-concurrency-');
const pg = await postgresForTests('storage-concurrency');
afterAll(async () => {
  dir.remove();
  await pg?.drop();
});

async function twoWriters(url: string): Promise<void> {
  const acks = new Acks();
  await Promise.all([runWriter([url], 'A', ORDERS, [acks]), runWriter([url], 'B', ORDERS, [acks])]);
  const storage = await openStorage(url);
  try {
    const highest = await checkConsistency(storage, acks, ['A', 'B', 'S'], true);
    expect(Object.fromEntries(highest)).toEqual({ A: ORDERS, B: ORDERS, S: ORDERS });
    expect((await storage.orders.fills()).length).toBe(3 * ORDERS * 3);
    expect((await storage.audit.verify()).entries).toBe(2 * ORDERS);
    const candles = await storage.candles.read({ venue: 'test', symbol: 'SHARED', timeframe: '1m' });
    expect(candles.length).toBe(2 * ORDERS);
  } finally {
    await storage.close();
  }
}

describe('concurrent writers in two processes', () => {
  it.concurrent('SQLite: two processes lose and duplicate nothing', async () => {
    await twoWriters(`sqlite:${dir.file('two.db')}`);
  }, 120_000);

  (pg ? it.concurrent : it.skip)('PostgreSQL: two processes lose and duplicate nothing', async () => {
    await twoWriters(pg!.url);
  }, 120_000);
});

describe.skipIf(!pg)('concurrent writers in one process (PostgreSQL pool)', () => {
  it('appends each event of an order once when two storages race to send it', async () => {
    const url = await pg!.another();
    const a: Storage = await openStorage(url);
    const b: Storage = await openStorage(url);
    try {
      for (let n = 1; n <= 20; n++) {
        const events = lifecycle('R', n);
        const results = await Promise.all([a.orders.appendBatch(events.slice(0, 4)), b.orders.appendBatch(events), a.orders.appendBatch(events.slice(0, 2))]);
        expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(6);
      }
      expect((await a.orders.events()).length).toBe(120);
      expect((await a.orders.verify()).ok).toBe(true);
      const chain = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).audit.append({ time: i, actor: 'race', action: 'config.changed' })));
      expect(new Set(chain.map((e) => e.seq)).size).toBe(40);
      expect(await a.audit.verify()).toEqual({ ok: true, entries: 40 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
