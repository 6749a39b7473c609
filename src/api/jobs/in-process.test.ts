import { describe, expect, it } from 'vitest';
import { InProcessJobQueue } from './in-process.js';
import { JobCanceledError, type JobRecord } from './types.js';

const until = async (check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('timed out');
};

describe('InProcessJobQueue', () => {
  it('runs jobs one at a time in order, with progress, logs and a result', async () => {
    const order: string[] = [];
    const queue = new InProcessJobQueue({
      backtest: async (request, ctx) => {
        order.push(String(request.n));
        ctx.log('info', `job ${String(request.n)}`);
        ctx.progress(0.5);
        await new Promise((r) => setTimeout(r, 5));
        return { summary: { n: request.n }, resultJson: JSON.stringify({ n: request.n }) };
      },
    });
    const updates: JobRecord[] = [];
    queue.onUpdate((job) => updates.push(job));
    const a = await queue.enqueue('backtest', { n: 1 }, 'test');
    const b = await queue.enqueue('backtest', { n: 2 }, 'test');
    await until(async () => (await queue.get(b.id))?.status === 'completed');
    expect(order).toEqual(['1', '2']);
    expect(await queue.get(a.id)).toMatchObject({ status: 'completed', progress: 1, summary: { n: 1 } });
    expect(await queue.result(a.id)).toBe('{"n":1}');
    expect((await queue.logs(a.id)).map((l) => l.message)).toEqual(['job 1']);
    expect(updates.map((u) => `${u.id === a.id ? 'a' : 'b'}:${u.status}`)).toContain('a:running');
    expect((await queue.list(10)).map((j) => j.id)).toEqual([b.id, a.id]);
    await queue.close();
  });

  it('records a failure with its message', async () => {
    const queue = new InProcessJobQueue({ backtest: () => Promise.reject(new Error('no data')) });
    const job = await queue.enqueue('backtest', {}, 'test');
    await until(async () => (await queue.get(job.id))?.status === 'failed');
    expect((await queue.get(job.id))?.error).toBe('no data');
  });

  it('cancels a queued job before it runs and a running one through its signal', async () => {
    const queue = new InProcessJobQueue({
      backtest: (_request, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new JobCanceledError()))),
    });
    const running = await queue.enqueue('backtest', {}, 'test');
    const waiting = await queue.enqueue('backtest', {}, 'test');
    await until(async () => (await queue.get(running.id))?.status === 'running');
    expect((await queue.cancel(waiting.id))?.status).toBe('canceled');
    await queue.cancel(running.id);
    await until(async () => (await queue.get(running.id))?.status === 'canceled');
    expect(await queue.counts()).toEqual({ queued: 0, running: 0 });
    expect(await queue.cancel('nope')).toBeUndefined();
  });
});
