/**
 * Feature generation speed over ≥ 1,000,000 real 1-minute bars (the bundled BTC perpetual series
 * repeated end to end with shifted timestamps, as the engine benchmark builds it):
 * - `features.default.batch`: the whole default set (155 features on 1m bars, including 1h and 4h
 *   multi-timeframe features) with `generateFeatures`, columnar. Target (issue 3): under 2 s.
 * - `features.default.incremental`: the same set with one `FeatureStream`, `update(bar)` per bar.
 * No JavaScript library computes a comparable feature set, so there is no peer; the indicator
 * benchmarks (bench/indicators.bench.ts) compare the building blocks with their peers.
 */
import { createFeatureStream, defaultFeatureSet, generateFeatures } from '../src/features/index.js';
import { sma } from '../src/indicators/index.js';
import { repeatedMinuteBars } from './engine.bench.js';
import { time, type Benchmark } from './kit.js';

const TARGET_BARS = 1_000_000;

/** Process CPU time in ms (user + system): less disturbed than wall time by other load on the machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * A yardstick measured in the same run: the indicator library's batch SMA(20) over the same
 * closes (best of several). The feature set's cost in "SMA passes" does not depend on how loaded
 * or fast the machine is, so it compares runs on different machines.
 */
function smaPassMs(close: Float64Array): number {
  return time(() => sma(close, { period: 20 }), { warmup: 3, minTimeMs: 1000, maxRuns: 30, minRuns: 5 }).bestMs;
}

export const benchmarks: Benchmark[] = [
  {
    id: 'features.default.batch',
    description: `default feature set (generateFeatures) over ${TARGET_BARS.toLocaleString('en')}+ real 1m bars`,
    async run() {
      const table = await repeatedMinuteBars(TARGET_BARS);
      const set = defaultFeatureSet(table.timeframe);
      const features = Object.keys(set.features).length;
      let bestCpu = Infinity;
      const timing = time(() => {
        const c0 = cpuMs();
        generateFeatures(table, set);
        bestCpu = Math.min(bestCpu, cpuMs() - c0);
      }, { warmup: 1, minTimeMs: 10_000, maxRuns: 5, minRuns: 3 });
      const yardstick = smaPassMs(table.close);
      return [{
        id: 'features.default.batch', metric: `${features} features × ${table.length} bars`, value: timing.bestMs / 1000, unit: 'seconds', peers: {},
        notes: `best of ${timing.runs} runs (median ${(timing.medianMs / 1000).toFixed(2)} s; best process CPU time ${(bestCpu / 1000).toFixed(2)} s); `
          + `${((features * table.length) / (timing.bestMs / 1000) / 1e6).toFixed(1)}M feature values/s; `
          + `= ${(timing.bestMs / yardstick).toFixed(0)} batch SMA(20) passes (${yardstick.toFixed(1)} ms each in this run)`,
      }];
    },
  },
  {
    id: 'features.default.incremental',
    description: 'default feature set bar by bar (FeatureStream.update) over the same bars',
    async run() {
      const table = await repeatedMinuteBars(TARGET_BARS);
      const set = defaultFeatureSet(table.timeframe);
      const bars = Array.from({ length: table.length }, (_, i) => table.bar(i));
      let last = 0;
      const timing = time(() => {
        const stream = createFeatureStream(set, { timeframe: table.timeframe });
        for (let i = 0; i < bars.length; i++) last = stream.update(bars[i]!)[0]!;
      }, { warmup: 1, minTimeMs: 10_000, maxRuns: 3, minRuns: 2 });
      const yardstick = smaPassMs(table.close);
      return [{
        id: 'features.default.incremental', metric: `per bar, ${Object.keys(set.features).length} features`, value: (timing.bestMs * 1000) / table.length, unit: 'µs/bar', peers: {},
        notes: `best of ${timing.runs} runs over ${table.length} bars (${(timing.bestMs / 1000).toFixed(2)} s = ${(timing.bestMs / yardstick).toFixed(0)} batch SMA(20) passes of ${yardstick.toFixed(1)} ms; `
          + `last value ${Number.isFinite(last) ? 'finite' : 'NaN'})`,
      }];
    },
  },
];
