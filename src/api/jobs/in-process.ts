/**
 * The in-process job queue: jobs run one at a time (a backtest uses a whole core) in the order
 * they were queued; records, logs and results stay in memory, bounded by `keep`.
 */
import { randomBytes } from 'node:crypto';
import { JobCanceledError, type JobContext, type JobKind, type JobLogLine, type JobProcessor, type JobQueue, type JobRecord } from './types.js';

interface Entry {
  record: JobRecord;
  logs: JobLogLine[];
  result?: string;
  controller: AbortController;
}

const MAX_LOG_LINES = 2000;

export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly jobs = new Map<string, Entry>();
  private readonly waiting: string[] = [];
  private readonly listeners: Array<(job: JobRecord, log?: JobLogLine) => void> = [];
  private running: string | undefined;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly processors: Readonly<Partial<Record<JobKind, JobProcessor>>>,
    private readonly options: { readonly now?: () => number; readonly keep?: number } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  enqueue(kind: JobKind, request: Record<string, unknown>, actor: string): Promise<JobRecord> {
    if (this.closed) return Promise.reject(new Error('the job queue is closed'));
    if (!this.processors[kind]) return Promise.reject(new Error(`no processor for ${kind} jobs`));
    const id = `job_${this.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const record: JobRecord = {
      id, kind, status: 'queued', progress: 0, queue: this.kind, createdAt: this.now(), startedAt: null, finishedAt: null, error: null,
      request, summary: null, actor,
    };
    this.jobs.set(id, { record, logs: [], controller: new AbortController() });
    this.waiting.push(id);
    this.trim();
    this.emit(record);
    this.pump();
    return Promise.resolve(record);
  }

  get(id: string): Promise<JobRecord | undefined> {
    return Promise.resolve(this.jobs.get(id)?.record);
  }

  list(limit: number): Promise<JobRecord[]> {
    return Promise.resolve([...this.jobs.values()].map((e) => e.record).reverse().slice(0, limit));
  }

  cancel(id: string): Promise<JobRecord | undefined> {
    const entry = this.jobs.get(id);
    if (!entry) return Promise.resolve(undefined);
    const status = entry.record.status;
    if (status === 'queued') {
      this.waiting.splice(this.waiting.indexOf(id), 1);
      this.update(entry, { status: 'canceled', finishedAt: this.now() });
    } else if (status === 'running') {
      entry.controller.abort();
    }
    return Promise.resolve(entry.record);
  }

  logs(id: string): Promise<JobLogLine[]> {
    return Promise.resolve([...(this.jobs.get(id)?.logs ?? [])]);
  }

  result(id: string): Promise<string | undefined> {
    return Promise.resolve(this.jobs.get(id)?.result);
  }

  counts(): Promise<{ queued: number; running: number }> {
    return Promise.resolve({ queued: this.waiting.length, running: this.running ? 1 : 0 });
  }

  onUpdate(listener: (job: JobRecord, log?: JobLogLine) => void): void {
    this.listeners.push(listener);
  }

  /** Cancels what is queued and running and waits for the running job to stop. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.waiting.splice(0)) {
      const entry = this.jobs.get(id)!;
      this.update(entry, { status: 'canceled', finishedAt: this.now() });
    }
    if (this.running) this.jobs.get(this.running)?.controller.abort();
    await this.idle;
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const id = this.waiting.shift();
    if (id === undefined) return;
    const entry = this.jobs.get(id)!;
    this.running = id;
    this.idle = this.run(entry).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async run(entry: Entry): Promise<void> {
    const processor = this.processors[entry.record.kind]!;
    this.update(entry, { status: 'running', startedAt: this.now() });
    let lastProgressEmit = 0;
    const context: JobContext = {
      id: entry.record.id,
      signal: entry.controller.signal,
      progress: (fraction) => {
        const progress = Math.max(0, Math.min(1, fraction));
        entry.record = { ...entry.record, progress };
        // Progress can come thousands of times a second; listeners hear about it at most 10 times a second.
        const now = this.now();
        if (now - lastProgressEmit >= 100 || progress === 1) {
          lastProgressEmit = now;
          this.emit(entry.record);
        }
      },
      log: (level, message) => {
        const line = { time: this.now(), level, message };
        entry.logs.push(line);
        if (entry.logs.length > MAX_LOG_LINES) entry.logs.shift();
        this.emit(entry.record, line);
      },
    };
    try {
      const outcome = await processor(entry.record.request, context);
      if (outcome.resultJson !== undefined) entry.result = outcome.resultJson;
      this.update(entry, { status: 'completed', progress: 1, finishedAt: this.now(), summary: outcome.summary });
    } catch (error) {
      const canceled = error instanceof JobCanceledError || entry.controller.signal.aborted;
      this.update(entry, { status: canceled ? 'canceled' : 'failed', finishedAt: this.now(), error: canceled ? null : error instanceof Error ? error.message : String(error) });
    }
  }

  private update(entry: Entry, changes: Partial<JobRecord>): void {
    entry.record = { ...entry.record, ...changes };
    this.emit(entry.record);
  }

  private emit(record: JobRecord, log?: JobLogLine): void {
    for (const listener of this.listeners) listener(record, log);
  }

  /** Forgets the oldest finished jobs beyond `keep`. */
  private trim(): void {
    const keep = this.options.keep ?? 200;
    if (this.jobs.size <= keep) return;
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size <= keep) break;
      if (entry.record.status === 'completed' || entry.record.status === 'failed' || entry.record.status === 'canceled') this.jobs.delete(id);
    }
  }
}
