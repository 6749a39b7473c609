import { describe, expect, it } from 'vitest';
import { TemporaryError } from '../core/errors.js';
import type { OrderEvent } from '../model/events.js';
import { OrderScript } from '../../test/kit/order-events.js';
import { JournalError } from './errors.js';
import { JournalWriter } from './journal-writer.js';
import type { AppendResult } from './port.js';

const T = 1_700_000_000_000;

/** A journal whose appends take a tick and can be told to fail. */
function fakeJournal(fail: (batch: readonly OrderEvent[], call: number) => Error | undefined = () => undefined) {
  const batches: OrderEvent[][] = [];
  let calls = 0;
  return {
    batches,
    async appendBatch(batch: readonly OrderEvent[]): Promise<AppendResult> {
      const call = calls++;
      await new Promise((r) => setTimeout(r, 1));
      const error = fail(batch, call);
      if (error) throw error;
      batches.push([...batch]);
      return { appended: batch.length, duplicates: 0 };
    },
  };
}

function lifecycle(id: string): OrderEvent[] {
  const s = new OrderScript(id);
  return [s.initialized(), s.submitted(T + 1), s.accepted(T + 2), s.filled(T + 3, 1, 100)];
}

describe('JournalWriter', () => {
  it('stores events in publication order, batching what queues up during an append', async () => {
    const journal = fakeJournal();
    const writer = new JournalWriter(journal);
    const events = [...lifecycle('A'), ...lifecycle('B'), ...lifecycle('C')];
    for (const e of events) writer.append(e);
    expect(writer.pending).toBe(12);
    await writer.flush();
    expect(journal.batches.flat()).toEqual(events);
    expect(journal.batches.length).toBeLessThan(events.length);
    expect(writer.stored).toBe(12);
    expect(writer.pending).toBe(0);
  });

  it('respects the batch size limit', async () => {
    const journal = fakeJournal();
    const writer = new JournalWriter(journal, { maxBatch: 3 });
    const events = [...lifecycle('A'), ...lifecycle('B')];
    for (const e of events) writer.append(e);
    await writer.flush();
    // The first event goes alone (nothing else is queued yet); the rest in batches of at most 3.
    expect(journal.batches.map((b) => b.length)).toEqual([1, 3, 3, 1]);
    expect(journal.batches.flat()).toEqual(events);
  });

  it('retries temporary failures and loses nothing', async () => {
    const journal = fakeJournal((_, call) => (call < 2 ? new TemporaryError('busy') : undefined));
    const writer = new JournalWriter(journal, { retryDelaysMs: [1, 1, 1] });
    const events = lifecycle('A');
    for (const e of events) writer.append(e);
    await writer.flush();
    expect(journal.batches.flat()).toEqual(events);
  });

  it('leaves out only the event the journal refuses and reports it', async () => {
    const bad = lifecycle('X')[1]!;
    const journal = fakeJournal((batch) => (batch.includes(bad) ? new JournalError('never seen', 'X') : undefined));
    const reported: OrderEvent[][] = [];
    const writer = new JournalWriter(journal, { onError: (_, events) => reported.push([...events]) });
    const good = lifecycle('A');
    for (const e of [good[0]!, bad, ...good.slice(1)]) writer.append(e);
    await writer.flush();
    expect(journal.batches.flat()).toEqual(good);
    expect(reported).toEqual([[bad]]);
  });

  it('stops after a failure that outlasts its retries, reporting every event not stored', async () => {
    const journal = fakeJournal(() => new TemporaryError('down'));
    const reported: OrderEvent[] = [];
    const writer = new JournalWriter(journal, { retryDelaysMs: [1], onError: (_, events) => reported.push(...events) });
    const events = lifecycle('A');
    for (const e of events) writer.append(e);
    await expect(writer.flush()).rejects.toThrow('down');
    writer.append(events[0]!);
    expect(reported).toEqual([...events, events[0]]);
  });
});
