/**
 * Backtests as background jobs on both queues: in-process (a worker thread) through the API, and
 * BullMQ on a real Redis — progress, logs, the report, cancellation, and a second server (without
 * a worker) seeing the jobs of the first.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestProcessor } from '../../src/api/jobs/backtest.js';
import { BullJobQueue, redisOptions } from '../../src/api/jobs/bullmq.js';
import type { JobQueue, JobRecord } from '../../src/api/jobs/types.js';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/port.js';
import { loadStrategy } from '../../src/strategy/loader.js';
import { requireService } from '../kit/services.js';
import { apiHarness } from './api-kit.js';

async function waitFor(queue: JobQueue, id: string, statuses: readonly string[], ms = 60_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const job = await queue.get(id);
    if (job && statuses.includes(job.status)) return job;
    if (Date.now() > end) throw new Error(`job ${id} is ${job?.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The same backtest run in this process, for comparison. */
async function expectedReport(to: number) {
  const table = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
  let end = table.length;
  while (table.time[end - 1]! >= to) end--;
  const { definition } = await loadStrategy('sma-cross');
  return runBacktest({ data: [table.slice(0, end)], strategy: definition, params: { fast: 5, slow: 20 } }).report;
}

describe('backtest jobs through the API (in-process queue)', () => {
  it('starts a job, reports progress and logs, stores the run and serves the same report a direct run gives', async () => {
    const h = await apiHarness();
    try {
      const started = await h.request({ method: 'POST', url: '/api/v1/backtests', scope: 'trade', body: { strategy: 'sma-cross', data: ['BTC_USDT-1h.csv'], params: { fast: 5, slow: 20 }, to: '2025-01-20' } });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'queued', queue: 'in-process', kind: 'backtest' });
      const done = await waitFor(h.api.context.jobs, started.body.id, ['completed', 'failed']);
      expect(done.status, done.error ?? '').toBe('completed');
      const report = (await h.request({ url: `/api/v1/backtests/${started.body.id}/report` })).body;
      const expected = JSON.parse(JSON.stringify(await expectedReport(Date.UTC(2025, 0, 20))));
      expect(report.trades).toEqual(expected.trades);
      expect(report.metrics.finalEquity).toBe(expected.metrics.finalEquity);
      expect((await h.request({ url: `/api/v1/backtests/${started.body.id}` })).body.summary).toMatchObject({ trades: expected.trades.length, final_equity: expected.metrics.finalEquity });
      const stored = await h.storage.backtests.get(started.body.id);
      expect(stored?.trades).toHaveLength(expected.trades.length);
      const logs = (await h.request({ url: `/api/v1/jobs/${started.body.id}/logs` })).body.lines.map((l: { message: string }) => l.message);
      expect(logs.join('\n')).toMatch(/BTC\/USDT 1h \(\d+ bars\)/);
    } finally {
      await h.close();
    }
  });

  it('refuses what it cannot run before queueing: unknown strategy or data set, bad parameter types (400 naming the field)', async () => {
    const h = await apiHarness();
    try {
      const bad = async (body: object) => (await h.request({ method: 'POST', url: '/api/v1/backtests', scope: 'trade', body })).body;
      expect(await bad({ strategy: 'no-such-strategy', data: ['BTC_USDT-1h.csv'] })).toMatchObject({ field: 'strategy' });
      expect(await bad({ strategy: 'ema-cross', data: ['/etc/passwd'] })).toMatchObject({ field: 'data.0' });
      expect(await bad({ strategy: 'ema-cross', data: ['XRP_USDT_USDT-8h-funding_rate.feather'] })).toMatchObject({ field: 'data.0' });
      expect(await bad({ strategy: 'ema-cross', data: ['BTC_USDT-1h.csv'], from: '2025-02-01', to: '2025-01-01' })).toMatchObject({ field: 'to' });
      expect(await bad({ strategy: 'ema-cross' })).toMatchObject({ field: 'data' });
      expect((await h.api.context.jobs.list(10)).length).toBe(0);
      // A parameter the strategy rejects fails the job with the strategy's message.
      const job = await h.request({ method: 'POST', url: '/api/v1/backtests', scope: 'trade', body: { strategy: 'ema-cross', data: ['BTC_USDT-1h.csv'], params: { fast: -3 } } });
      const failed = await waitFor(h.api.context.jobs, job.body.id, ['failed', 'completed']);
      expect(failed.error).toMatch(/ema-cross\.params\.fast/);
      expect((await h.request({ url: `/api/v1/backtests/${job.body.id}/report` })).status).toBe(409);
    } finally {
      await h.close();
    }
  });

  it('reports progress while a long backtest runs, then cancels it', async () => {
    const h = await apiHarness();
    try {
      // The ensemble (heads, consensus, learning) over 45k bars runs for seconds, not the fraction of
      // a second an EMA cross takes on a quiet machine: long enough to see it mid-way.
      const started = await h.request({ method: 'POST', url: '/api/v1/backtests', scope: 'trade', body: { strategy: 'ensemble', data: ['BTC_USD_USD-1m-futures.csv'] } });
      const id = started.body.id as string;
      const end = Date.now() + 30_000;
      let progress = 0;
      let status = 'queued';
      while (Date.now() < end && !(progress > 0 && progress < 1) && (status === 'queued' || status === 'running')) {
        ({ progress, status } = (await h.request({ url: `/api/v1/backtests/${id}` })).body);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe('running');
      expect(progress).toBeGreaterThan(0);
      expect(progress).toBeLessThan(1);
      const canceled = await h.request({ method: 'DELETE', url: `/api/v1/backtests/${started.body.id}`, scope: 'trade' });
      expect(canceled.status).toBe(200);
      expect((await waitFor(h.api.context.jobs, started.body.id, ['canceled', 'completed'])).status).toBe('canceled');
    } finally {
      await h.close();
    }
  });
});

const redisUrl = await requireService({ name: 'Redis', url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', defaultPort: 6379, enableHint: 'start redis-server on 127.0.0.1:6379 or set TEST_REDIS_URL' });

describe.skipIf(!redisUrl)('backtest jobs on BullMQ (Redis)', () => {
  let storage: Storage;
  let worker: BullJobQueue;
  let observer: BullJobQueue;
  const name = `arbiter-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    storage = await openStorage('sqlite::memory:');
    worker = new BullJobQueue(redisUrl!, { backtest: backtestProcessor(storage) }, { name });
    observer = new BullJobQueue(redisUrl!, { backtest: backtestProcessor(storage) }, { name, worker: false });
    await Promise.all([worker.ready(), observer.ready()]);
  });
  afterAll(async () => {
    await observer?.obliterate().catch(() => undefined);
    await observer?.close();
    await worker?.close();
    await storage?.close();
  });

  it('runs a backtest queued by another server, with progress, logs and the report in Redis', async () => {
    const updates: JobRecord[] = [];
    observer.onUpdate((job) => updates.push(job));
    const job = await observer.enqueue('backtest', { strategy: 'sma-cross', data: ['BTC_USDT-1h.csv'], params: { fast: 5, slow: 20 }, to: '2025-01-20' }, 'token:test');
    expect(job).toMatchObject({ queue: 'bullmq', actor: 'token:test' });
    // The worker (another connection) may have taken the job before enqueue read its state back.
    expect(['queued', 'running', 'completed']).toContain(job.status);
    const done = await waitFor(observer, job.id, ['completed', 'failed']);
    expect(done.status, done.error ?? '').toBe('completed');
    const report = JSON.parse((await observer.result(job.id))!);
    const expected = JSON.parse(JSON.stringify(await expectedReport(Date.UTC(2025, 0, 20))));
    expect(report.trades).toEqual(expected.trades);
    expect(done.summary).toMatchObject({ trades: expected.trades.length });
    expect((await observer.logs(job.id)).map((l) => l.message).join('\n')).toMatch(/done: \d+ trades/);
    expect(updates.some((u) => u.id === job.id && u.status === 'completed')).toBe(true);
    expect((await observer.list(10)).map((j) => j.id)).toContain(job.id);
    expect(await storage.backtests.get(job.id)).toBeDefined();
  });

  it('cancels a queued job (the worker skips it) and a running one', async () => {
    const long = await observer.enqueue('backtest', { strategy: 'ema-cross', data: ['BTC_USD_USD-1m-futures.csv'] }, 'test');
    const queued = await observer.enqueue('backtest', { strategy: 'ema-cross', data: ['BTC_USDT-1h.csv'] }, 'test');
    await waitFor(observer, long.id, ['running']);
    expect((await observer.cancel(queued.id))?.status).toBe('canceled');
    await expect(observer.cancel(long.id)).rejects.toThrow(/another server/);
    await worker.cancel(long.id);
    const longDone = await waitFor(observer, long.id, ['canceled', 'failed', 'completed']);
    expect(longDone.status, longDone.error ?? '').toBe('canceled');
    const queuedDone = await waitFor(observer, queued.id, ['canceled', 'failed', 'completed']);
    expect(queuedDone.status, queuedDone.error ?? '').toBe('canceled');
  });

  it('reads redis:// URLs and names a bad one', () => {
    expect(redisOptions('redis://user:p%40ss@cache:6380/2')).toMatchObject({ host: 'cache', port: 6380, db: 2, username: 'user', password: 'p@ss' });
    expect(() => redisOptions('http://x')).toThrow(/REDIS_URL: unsupported scheme/);
  });
});
