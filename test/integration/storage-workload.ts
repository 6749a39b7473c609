/**
 * A writer process for the crash and concurrency tests (run with `node --import tsx`). It writes
 * to one or more databases at once (one loop per database, interleaved), so that one SIGKILL
 * interrupts writes to every database it was given: order lifecycles (journal + fills),
 * decisions with votes, audit entries and candles. After each commit it prints one
 * acknowledgement line naming the database by its position in the arguments:
 *
 *   ack <db> event <orderId> <eventKey> | ack <db> decision <id> | ack <db> audit <seq> | ack <db> candle <time>
 *
 * Writers A and B also both write one shared order per step (the same events, split into
 * different batches). On start each loop replays what an earlier (killed) run left, verifies it,
 * re-sends the last stored event (which must be recognised as a duplicate) and carries on where
 * that run stopped, as a live node does after a crash; `ready` is printed when every database has.
 *
 * usage: storage-workload.ts <writer> <orders|"forever"> <DATABASE_URL>...
 */
import { BarTable } from '../../src/model/bar.js';
import { openStorage, orderEventKey } from '../../src/storage/index.js';
import type { HeadVote, Storage } from '../../src/storage/port.js';
import { lifecycle, T0, voteCount } from './storage-workload-plan.js';

function votes(n: number): HeadVote[] {
  return Array.from({ length: voteCount(n) }, (_, i) => ({
    head: `head-${i}`, direction: ((i % 3) - 1) * 0.5, confidence: 0.5 + i / 10, weight: 1 / voteCount(n), status: 'ok' as const,
    reason: `vote ${i} of decision ${n}`, inputs: { n, i },
  }));
}

const say = (line: string): void => {
  // Writes to a pipe are synchronous on Linux: once this returns, the parent will read the line.
  process.stdout.write(`${line}\n`);
};

async function recover(storage: Storage, writer: string): Promise<number> {
  const check = await storage.orders.verify();
  if (!check.ok) throw new Error(`inconsistent journal after restart (${storage.url}): ${check.problems.join('; ')}`);
  const state = await storage.orders.replay();
  let next = 0;
  for (const id of state.orders.keys()) {
    const m = new RegExp(`^${writer}-O-(\\d+)$`).exec(id);
    if (m) next = Math.max(next, Number(m[1]));
  }
  // The last event stored may never have been acknowledged; sending it again must be harmless.
  const [last] = (await storage.orders.events({ orderId: `${writer}-O-${next}` })).slice(-1);
  if (last) {
    const again = await storage.orders.append(last.event);
    if (again.duplicates !== 1 || again.appended !== 0) throw new Error(`re-sent event was not a duplicate: ${JSON.stringify(again)}`);
  }
  return next;
}

async function write(storage: Storage, db: number, writer: string, start: number, max: number): Promise<void> {
  const ack = (what: string): void => say(`ack ${db} ${what}`);
  const candleKey = { venue: 'test', symbol: 'SHARED', timeframe: '1m' };
  for (let n = Math.max(1, start); n <= max; n++) {
    const events = lifecycle(writer, n);
    const stored = new Set((await storage.orders.events({ orderId: `${writer}-O-${n}` })).map((e) => orderEventKey(e.event)));
    const todo = events.filter((e) => !stored.has(orderEventKey(e)));
    // Mix single appends and batches, as a busy engine would.
    for (let i = 0; i < todo.length;) {
      const size = n % 3 === 0 ? todo.length - i : n % 3 === 1 ? 1 : 2;
      const batch = todo.slice(i, i + size);
      await (batch.length === 1 ? storage.orders.append(batch[0]!) : storage.orders.appendBatch(batch));
      for (const e of batch) ack(`event ${e.orderId} ${orderEventKey(e)}`);
      i += size;
    }
    // Writers A and B also both send the lifecycle of a shared order S-O-n, split differently:
    // whatever the interleaving, each event must be stored exactly once.
    if (writer === 'A' || writer === 'B') {
      const shared = lifecycle('S', n);
      const cut = writer === 'A' ? 3 : 5;
      for (const part of [shared.slice(0, cut), shared.slice(cut)]) {
        await storage.orders.appendBatch(part);
        for (const e of part) ack(`event ${e.orderId} ${orderEventKey(e)}`);
      }
    }
    const decisionId = `${writer}-D-${n}`;
    if (!(await storage.decisions.get(decisionId))) {
      await storage.decisions.record({
        id: decisionId, symbol: 'BTC/USDT', strategy: writer, action: 'buy', confidence: 0.7, outcome: 'pending', createdAt: T0 + n, orderId: `${writer}-O-${n}`, votes: votes(n),
      });
      ack(`decision ${decisionId}`);
    }
    const entry = await storage.audit.append({ time: T0 + n, actor: writer, action: 'order.submitted', subject: `${writer}-O-${n}` });
    ack(`audit ${entry.seq}`);
    // Writers share one candle series; each owns every other minute, so both land in the same chunks.
    const minute = 2 * n + (writer.endsWith('B') ? 1 : 0);
    const time = T0 + minute * 60_000;
    await storage.candles.upsert(candleKey, BarTable.fromBars('SHARED', '1m', [{ time, open: n, high: n, low: n, close: n, volume: n }]));
    ack(`candle ${time}`);
  }
}

async function main(): Promise<void> {
  const [writer = 'W', limit = 'forever', ...urls] = process.argv.slice(2);
  if (urls.length === 0) throw new Error('usage: storage-workload.ts <writer> <orders|forever> <DATABASE_URL>...');
  const max = limit === 'forever' ? Number.POSITIVE_INFINITY : Number(limit);
  const storages = await Promise.all(urls.map((url) => openStorage(url)));
  const starts = await Promise.all(storages.map((storage) => recover(storage, writer)));
  say('ready');
  await Promise.all(storages.map((storage, db) => write(storage, db, writer, starts[db]!, max)));
  await Promise.all(storages.map((storage) => storage.close()));
  say('done');
}

main().catch((error: unknown) => {
  process.stderr.write(`workload failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
