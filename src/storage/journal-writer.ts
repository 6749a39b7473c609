/**
 * Feeding the order journal from the bus. Bus handlers are synchronous and `append` is async: two
 * appends started back to back may reach PostgreSQL on two pooled connections in either order, and
 * the second event of an order would then arrive before the first. The writer keeps one append in
 * flight and queues the rest, so events land in the order they were published; whatever queued
 * up meanwhile goes in the next batch (one commit for many events under load).
 */
import { TemporaryError } from '../core/errors.js';
import type { OrderEvent } from '../model/events.js';
import { JournalError } from './errors.js';
import type { OrderJournal } from './port.js';

export interface JournalWriterOptions {
  /** Most events per append; default 500. */
  readonly maxBatch?: number;
  /** Waits before retrying an append that failed with a TemporaryError; default 50, 200, 1000, 5000 ms. */
  readonly retryDelaysMs?: readonly number[];
  /**
   * Told about events that could not be stored: a `JournalError` (an event that does not follow,
   * a bug upstream; the writer stores the others and carries on) or a temporary failure that
   * outlasted every retry (the writer stops; `flush` rejects).
   */
  readonly onError?: (error: unknown, events: readonly OrderEvent[]) => void;
}

/**
 * @example
 *   const writer = new JournalWriter(storage.orders, { onError: (e) => log.error(e) });
 *   bus.subscribe('order', writer.append);
 *   …
 *   await writer.flush();   // before shutdown: everything published is durable
 */
export class JournalWriter {
  readonly #journal: Pick<OrderJournal, 'appendBatch'>;
  readonly #maxBatch: number;
  readonly #delays: readonly number[];
  readonly #onError: ((error: unknown, events: readonly OrderEvent[]) => void) | undefined;
  #queue: OrderEvent[] = [];
  #running: Promise<void> | undefined;
  #failure: Error | undefined;
  #stored = 0;

  constructor(journal: Pick<OrderJournal, 'appendBatch'>, options: JournalWriterOptions = {}) {
    this.#journal = journal;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#delays = options.retryDelaysMs ?? [50, 200, 1000, 5000];
    this.#onError = options.onError;
  }

  /** Queues an event (a bus handler: bound, synchronous, never throws). */
  readonly append = (event: OrderEvent): void => {
    if (this.#failure !== undefined) {
      this.#onError?.(this.#failure, [event]);
      return;
    }
    this.#queue.push(event);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  };

  /** Events queued and not yet stored. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Events stored so far (duplicates included). */
  get stored(): number {
    return this.#stored;
  }

  /** Resolves when every event queued so far is stored; rejects if the writer stopped on a failure. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && this.#failure === undefined) {
      const batch = this.#queue.slice(0, this.#maxBatch);
      try {
        await this.#store(batch);
        this.#queue.splice(0, batch.length);
      } catch (error) {
        // Out of retries: stop rather than store later events of an order whose earlier ones are missing.
        this.#failure = error instanceof Error ? error : new Error(String(error));
        const lost = this.#queue;
        this.#queue = [];
        this.#onError?.(error, lost);
      }
    }
  }

  /** Stores a batch, retrying temporary failures; isolates events the journal refuses. */
  async #store(batch: readonly OrderEvent[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#journal.appendBatch(batch);
        this.#stored += batch.length;
        return;
      } catch (error) {
        if (error instanceof JournalError) {
          if (batch.length === 1) {
            this.#onError?.(error, batch);
            return;
          }
          // A batch is all or nothing: store its events one by one so only the bad one is left out.
          for (const event of batch) await this.#store([event]);
          return;
        }
        if (!(error instanceof TemporaryError) || attempt >= this.#delays.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.max(error.retryAfterMs ?? 0, this.#delays[attempt]!)));
      }
    }
  }
}
