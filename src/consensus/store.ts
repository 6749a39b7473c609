/**
 * Where the ensemble keeps what it decides and learns: the storage port's decision, learning and
 * signal-performance stores (a `Storage` fits as it is), written in order through a queue so that
 * the bar loop never waits on the database. A failed write is counted and reported, never thrown
 * into trading. Without storage (a plain backtest) decisions are kept in memory.
 */
import type { DecisionStore, LearningStore, SignalPerformanceStore } from '../storage/port.js';
import { DECISION_ACTIONS, type Decision, type DecisionAction } from './decision.js';

/** The parts of `Storage` the ensemble uses. */
export interface EnsembleStorage {
  readonly decisions?: Pick<DecisionStore, 'record' | 'markExecuted' | 'setOutcome'>;
  readonly learning?: Pick<LearningStore, 'weights' | 'saveWeights' | 'record' | 'events'>;
  readonly signalPerformance?: Pick<SignalPerformanceStore, 'record'>;
}

/** Asynchronous writes in submission order. */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  failures = 0;
  lastError: string | undefined;

  constructor(private readonly onError?: (what: string, error: unknown) => void) {}

  push(what: string, write: () => Promise<unknown>): void {
    this.tail = this.tail.then(write).then(
      () => undefined,
      (error: unknown) => {
        this.failures++;
        this.lastError = `${what}: ${error instanceof Error ? error.message : String(error)}`;
        this.onError?.(what, error);
      },
    );
  }

  /** Resolves when every write submitted so far has finished (failed ones included). */
  flush(): Promise<void> {
    return this.tail;
  }
}

/**
 * Decisions in memory: counts by action for every decision, the most recent ones, and those that
 * led to orders (so trades can be attributed to heads).
 */
export class MemoryDecisionLog {
  readonly counts: Record<DecisionAction, number> = { buy: 0, sell: 0, close: 0, hold: 0 };
  private readonly recentList: Decision[] = [];
  private readonly executedById = new Map<string, Decision>();

  constructor(private readonly keep = 1000) {}

  add(decision: Decision): void {
    this.counts[decision.action]++;
    this.recentList.push(decision);
    // Trim in chunks: shifting one element at a time is O(n) per decision.
    if (this.recentList.length >= 2 * this.keep) this.recentList.splice(0, this.recentList.length - this.keep);
  }

  executed(decision: Decision): void {
    this.executedById.set(decision.id, decision);
  }

  /** A decision that led to an order, by id. */
  get(id: string): Decision | undefined {
    return this.executedById.get(id);
  }

  /** The most recent decisions (at most `keep`), newest last. */
  get recent(): readonly Decision[] {
    return this.recentList.length > this.keep ? this.recentList.slice(-this.keep) : this.recentList;
  }

  /** Counts by action as a plain object (every action present). */
  countsByAction(): Record<DecisionAction, number> {
    return Object.fromEntries(DECISION_ACTIONS.map((a) => [a, this.counts[a]])) as Record<DecisionAction, number>;
  }
}
