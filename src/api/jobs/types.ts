/**
 * Background jobs (backtests, model training): one interface, two queues. Without `REDIS_URL` an
 * in-process queue runs them one at a time in a worker thread; with it, BullMQ on Redis, so that
 * several servers share the work. Either way a job reports progress and log lines while it runs
 * and leaves a result (a backtest's report) that the API serves.
 */
export type JobKind = 'backtest' | 'train';
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'canceled';
export type QueueKind = 'in-process' | 'bullmq';

export interface JobLogLine {
  readonly time: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  /** 0 … 1. */
  readonly progress: number;
  readonly queue: QueueKind;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly error: string | null;
  /** The request as validated (no secrets: requests name built-in strategies and data sets). */
  readonly request: Record<string, unknown>;
  readonly summary: Record<string, unknown> | null;
  readonly actor: string;
}

/** What a processor can do while it runs. */
export interface JobContext {
  readonly id: string;
  progress(fraction: number): void;
  log(level: JobLogLine['level'], message: string): void;
  /** Aborted when the job is canceled. */
  readonly signal: AbortSignal;
}

/** The outcome of a job: a summary for listings and a full result (a report) served on demand. */
export interface JobOutcome {
  readonly summary: Record<string, unknown>;
  /** JSON text of the full result. */
  readonly resultJson?: string;
}

export type JobProcessor = (request: Record<string, unknown>, context: JobContext) => Promise<JobOutcome>;

export interface JobQueue {
  readonly kind: QueueKind;
  enqueue(kind: JobKind, request: Record<string, unknown>, actor: string): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Newest first. */
  list(limit: number): Promise<JobRecord[]>;
  /** Cancels a queued or running job; undefined when unknown. */
  cancel(id: string): Promise<JobRecord | undefined>;
  logs(id: string): Promise<JobLogLine[]>;
  /** The full result (JSON text) of a completed job. */
  result(id: string): Promise<string | undefined>;
  counts(): Promise<{ queued: number; running: number }>;
  /** Called on every status or progress change (and log line). */
  onUpdate(listener: (job: JobRecord, log?: JobLogLine) => void): void;
  close(): Promise<void>;
}

/** Thrown by a processor when its job was canceled. */
export class JobCanceledError extends Error {
  constructor() {
    super('canceled');
    this.name = 'JobCanceledError';
  }
}
