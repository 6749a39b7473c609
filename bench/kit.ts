/**
 * Benchmark kit. A benchmark measures Arbiter and, where one exists, a peer in the same run, so
 * that results are compared as ratios on these noisy machines.
 */
import os from 'node:os';

export interface BenchResult {
  /** Benchmark id, e.g. `engine.ema-cross`. */
  readonly id: string;
  /** What was measured, e.g. `bars/s`. */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The same metric for peers measured in the same run. */
  readonly peers: Record<string, number>;
  readonly notes?: string;
}

export interface Benchmark {
  readonly id: string;
  readonly description: string;
  run(): Promise<BenchResult[]> | BenchResult[];
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

export interface Timing {
  /** Best (fastest) time of one call, in milliseconds. */
  readonly bestMs: number;
  readonly medianMs: number;
  readonly runs: number;
}

/**
 * Times `fn` repeatedly (after warm-up runs) until `minTimeMs` has passed or `maxRuns` is reached;
 * reports the best and median run. The best run is the least disturbed by other load.
 */
export function time(fn: () => unknown, options: { warmup?: number; minTimeMs?: number; maxRuns?: number; minRuns?: number } = {}): Timing {
  const { warmup = 2, minTimeMs = 1500, maxRuns = 50, minRuns = 3 } = options;
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || (samples.length < maxRuns && performance.now() - start < minTimeMs)) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { bestMs: samples[0]!, medianMs: samples[Math.floor(samples.length / 2)]!, runs: samples.length };
}

/** Async variant of `time`. */
export async function timeAsync(fn: () => Promise<unknown>, options: { warmup?: number; minTimeMs?: number; maxRuns?: number; minRuns?: number } = {}): Promise<Timing> {
  const { warmup = 1, minTimeMs = 1500, maxRuns = 30, minRuns = 3 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || (samples.length < maxRuns && performance.now() - start < minTimeMs)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { bestMs: samples[0]!, medianMs: samples[Math.floor(samples.length / 2)]!, runs: samples.length };
}

/** Items per second from a count and a timing (best run). */
export function perSecond(count: number, timing: Timing): number {
  return count / (timing.bestMs / 1000);
}
