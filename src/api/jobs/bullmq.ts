/**
 * The distributed job queue: BullMQ on Redis (`REDIS_URL`). Jobs, their progress, logs and
 * results live in Redis, so every server connected to it sees every job, and each server's worker
 * (concurrency 1) takes jobs from the shared queue. Cancelling a queued job marks it (the worker
 * that picks it up skips it); a running job can be cancelled by the server whose worker runs it.
 */
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigurationError } from '../../core/errors.js';
import { JobCanceledError, type JobKind, type JobLogLine, type JobOutcome, type JobProcessor, type JobQueue, type JobRecord, type JobStatus } from './types.js';

interface JobData {
  readonly kind: JobKind;
  readonly request: Record<string, unknown>;
  readonly actor: string;
  readonly createdAt: number;
  readonly canceled?: boolean;
}

/** Redis connection options from a `redis://[user:password@]host[:port][/db]` URL (`rediss://` for TLS). */
export function redisOptions(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError('not a URL; use redis://host:6379', 'REDIS_URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigurationError(`unsupported scheme ${parsed.protocol}; use redis:// or rediss://`, 'REDIS_URL');
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ConfigurationError(`"${parsed.pathname.slice(1)}" is not a database number`, 'REDIS_URL');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Required by BullMQ workers (blocking commands must not be retried by the client).
    maxRetriesPerRequest: null,
  };
}

export interface BullJobQueueOptions {
  /** Queue name (Redis key prefix part); default `arbiter-jobs`. */
  readonly name?: string;
  /** Run a worker in this process (default true). */
  readonly worker?: boolean;
  /** Finished jobs kept in Redis (default 200). */
  readonly keep?: number;
}

export class BullJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue<JobData, JobOutcome>;
  private readonly events: QueueEvents;
  private readonly worker: Worker<JobData, JobOutcome> | undefined;
  /** One connection each (BullMQ's blocking reads must not share one); closed by `close`. */
  private readonly connections: Redis[] = [];
  private readonly target: RedisOptions;
  private readonly listeners: Array<(job: JobRecord, log?: JobLogLine) => void> = [];

  constructor(
    redisUrl: string,
    private readonly processors: Readonly<Partial<Record<JobKind, JobProcessor>>>,
    options: BullJobQueueOptions = {},
  ) {
    const options_ = redisOptions(redisUrl);
    this.target = options_;
    // BullMQ loads ioredis itself only under CommonJS; under ESM it takes ready-made clients.
    const connection = (): Redis => {
      const client = new Redis({ ...options_, lazyConnect: false });
      client.on('error', () => undefined);
      this.connections.push(client);
      return client;
    };
    const name = options.name ?? 'arbiter-jobs';
    const keep = options.keep ?? 200;
    this.queue = new Queue<JobData, JobOutcome>(name, { connection: connection(), defaultJobOptions: { removeOnComplete: keep, removeOnFail: keep, attempts: 1 } });
    this.events = new QueueEvents(name, { connection: connection() });
    const relay = (jobId: string): void => {
      void this.get(jobId).then((record) => {
        if (record) this.emit(record);
      }).catch(() => undefined);
    };
    this.events.on('progress', ({ jobId }) => relay(jobId));
    this.events.on('active', ({ jobId }) => relay(jobId));
    this.events.on('completed', ({ jobId }) => relay(jobId));
    this.events.on('failed', ({ jobId }) => relay(jobId));
    this.worker = options.worker === false ? undefined : new Worker<JobData, JobOutcome>(name, (job, _token, signal) => this.process(job, signal), { connection: connection(), concurrency: 1 });
    // Errors of the Redis connections are reported by the calls that fail; these keep an emitted
    // 'error' without listeners from crashing the process.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.worker?.on('error', () => undefined);
  }

  /**
   * Resolves once the connections are up; a Redis that does not answer within `timeoutMs` is a
   * ConfigurationError naming REDIS_URL (rather than a server that hangs at start).
   */
  async ready(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const o = this.target;
        reject(new ConfigurationError(`cannot reach Redis at ${o.host ?? '127.0.0.1'}:${o.port ?? 6379} within ${timeoutMs} ms; start it or unset REDIS_URL to use the in-process queue`, 'REDIS_URL'));
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady(), this.worker?.waitUntilReady()]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async enqueue(kind: JobKind, request: Record<string, unknown>, actor: string): Promise<JobRecord> {
    if (!this.processors[kind]) throw new Error(`no processor for ${kind} jobs`);
    const jobId = `job_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const job = await this.queue.add(kind, { kind, request, actor, createdAt: Date.now() }, { jobId });
    const record = await this.toRecord(job);
    this.emit(record);
    return record;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = await this.queue.getJob(id);
    return job ? this.toRecord(job) : undefined;
  }

  async list(limit: number): Promise<JobRecord[]> {
    const jobs = await this.queue.getJobs(['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'], 0, limit, false);
    const records = await Promise.all(jobs.filter((j): j is Job<JobData, JobOutcome> => j !== undefined && j !== null).map((j) => this.toRecord(j)));
    return records.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    const state = await job.getState();
    if (state === 'active') {
      if (!this.worker?.cancelJob(id, 'canceled')) throw new Error('the job runs on another server; cancel it there');
    } else if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      await job.updateData({ ...job.data, canceled: true });
    }
    return this.toRecord((await this.queue.getJob(id)) ?? job);
  }

  async logs(id: string): Promise<JobLogLine[]> {
    const { logs } = await this.queue.getJobLogs(id, 0, -1, true);
    return logs.flatMap((text) => {
      try {
        return [JSON.parse(text) as JobLogLine];
      } catch {
        return [];
      }
    });
  }

  async result(id: string): Promise<string | undefined> {
    const job = await this.queue.getJob(id);
    return job?.returnvalue?.resultJson;
  }

  async counts(): Promise<{ queued: number; running: number }> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return { queued: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), running: c.active ?? 0 };
  }

  onUpdate(listener: (job: JobRecord, log?: JobLogLine) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await this.worker?.close(true);
    await this.events.close();
    await this.queue.close();
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }

  /** Removes every job of the queue (tests). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  private async process(job: Job<JobData, JobOutcome>, signal: AbortSignal | undefined): Promise<JobOutcome> {
    if (job.data.canceled) throw new JobCanceledError();
    const processor = this.processors[job.data.kind];
    if (!processor) throw new Error(`no processor for ${job.data.kind} jobs on this server`);
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort());
    let lastProgress = 0;
    try {
      return await processor(job.data.request, {
        id: job.id!,
        signal: controller.signal,
        progress: (fraction) => {
          const now = Date.now();
          if (now - lastProgress < 200 && fraction < 1) return;
          lastProgress = now;
          void job.updateProgress(Math.max(0, Math.min(1, fraction))).catch(() => undefined);
        },
        log: (level, message) => {
          const line: JobLogLine = { time: Date.now(), level, message };
          void job.log(JSON.stringify(line)).catch(() => undefined);
          void this.toRecord(job).then((r) => this.emit(r, line)).catch(() => undefined);
        },
      });
    } catch (error) {
      if (controller.signal.aborted || error instanceof JobCanceledError) throw new JobCanceledError();
      throw error;
    }
  }

  private async toRecord(snapshot: Job<JobData, JobOutcome>): Promise<JobRecord> {
    let job = snapshot;
    const state = await job.getState();
    // A job read just before it completed or failed has the new state but not yet its result or
    // its reason (which tells a cancellation from a failure): read it again.
    const stale = (state === 'completed' && (job.returnvalue === undefined || job.returnvalue === null)) || (state === 'failed' && !job.failedReason);
    if (stale) job = (await this.queue.getJob(job.id!)) ?? job;
    let status: JobStatus;
    if (state === 'active') status = 'running';
    else if (state === 'completed') status = 'completed';
    else if (state === 'failed') status = job.failedReason === 'canceled' ? 'canceled' : 'failed';
    else status = job.data.canceled ? 'canceled' : 'queued';
    const progress = typeof job.progress === 'number' ? job.progress : 0;
    return {
      id: job.id!, kind: job.data.kind, status, progress: status === 'completed' ? 1 : progress, queue: this.kind,
      createdAt: job.data.createdAt, startedAt: job.processedOn ?? null,
      finishedAt: status === 'completed' || status === 'failed' || status === 'canceled' ? (job.finishedOn ?? null) : null,
      error: status === 'failed' ? (job.failedReason ?? null) : null, request: job.data.request,
      summary: status === 'completed' ? (job.returnvalue?.summary ?? null) : null, actor: job.data.actor,
    };
  }

  private emit(record: JobRecord, log?: JobLogLine): void {
    for (const listener of this.listeners) listener(record, log);
  }
}
