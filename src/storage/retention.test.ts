import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../core/time.js';
import type { RetentionPolicy, RetentionReport } from './port.js';
import { RetentionJob } from './retention.js';

function fakeStorage() {
  const calls: Array<[RetentionPolicy, number]> = [];
  return {
    calls,
    applyRetention(policy: RetentionPolicy, now: number): Promise<RetentionReport> {
      calls.push([policy, now]);
      return Promise.resolve({ ticksDeleted: 7, cutoff: now - policy.tickDays * DAY_MS });
    },
  };
}

describe('RetentionJob', () => {
  it('applies the policy at the clock\'s time and reports the result', async () => {
    const storage = fakeStorage();
    const reports: RetentionReport[] = [];
    const job = new RetentionJob(storage, { tickDays: 30 }, { now: () => 100 * DAY_MS, onReport: (r) => reports.push(r) });
    expect(await job.runOnce()).toEqual({ ticksDeleted: 7, cutoff: 70 * DAY_MS });
    expect(storage.calls).toEqual([[{ tickDays: 30 }, 100 * DAY_MS]]);
    expect(reports).toHaveLength(1);
  });

  it('joins a run in progress instead of starting a second one', async () => {
    let resolve!: (r: RetentionReport) => void;
    let calls = 0;
    const storage = { applyRetention: () => { calls++; return new Promise<RetentionReport>((r) => (resolve = r)); } };
    const job = new RetentionJob(storage, { tickDays: 1 });
    const a = job.runOnce();
    const b = job.runOnce();
    resolve({ ticksDeleted: 1, cutoff: 0 });
    expect(await a).toBe(await b);
    expect(calls).toBe(1);
  });

  it('runs at start and on an unref\'d timer, and stops', async () => {
    const storage = fakeStorage();
    const job = new RetentionJob(storage, { tickDays: 1 }, { intervalMs: 5 });
    job.start();
    await new Promise((r) => setTimeout(r, 40));
    job.stop();
    const seen = storage.calls.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(storage.calls.length).toBe(seen);
  });

  it('refuses a non-positive retention period', () => {
    expect(() => new RetentionJob(fakeStorage(), { tickDays: 0 })).toThrow(/tickDays must be positive/);
  });
});
