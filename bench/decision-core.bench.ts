/**
 * The decision core's cost, on 45,031 real BTC perpetual 1m bars:
 * (1) throughput: `--strategy ensemble` (technical, order-flow, rule and ML heads, weighted
 *     consensus, Hedge learning, isotonic calibration, Kelly sizing, walk-forward fit on the first
 *     1,000 bars) against the engine's EMA-cross backtest over the same bars — the ratio is what
 *     the heads and the consensus add per bar;
 * (2) latency: bar close → decision for the same four heads, timed per bar (p50, p99, max), the
 *     figure MISSION.md §4 states a target for (< 100 ms from market data to signal).
 */
import { runBacktest } from '../src/backtest/runner.js';
import { Ensemble } from '../src/consensus/ensemble.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import { BarSeries } from '../src/data/series.js';
import { flatPortfolio } from '../src/heads/replay.js';
import { mlHead, orderFlowHead, rulesHead, technicalHead } from '../src/heads/index.js';
import { loadStrategy } from '../src/strategy/loader.js';
import { emaCross } from './engine.bench.js';
import { perSecond, time, type Benchmark } from './kit.js';

export const benchmarks: Benchmark[] = [
  {
    id: 'decision.backtest',
    description: 'ensemble backtest (4 heads, weighted consensus, learning, Kelly) vs the EMA-cross engine backtest, 45k real 1m bars',
    async run() {
      const { table } = await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'));
      const { definition } = await loadStrategy('ensemble');
      const sim = { fees: { maker: 0.0002, taker: 0.0005 } };
      let decisions = 0;
      const ensemble = time(() => {
        const { report } = runBacktest({ data: [table], strategy: definition, params: { fitBars: 1000 }, sim });
        decisions = Object.values(report.decisions!).reduce((a, b) => a + b, 0);
      }, { warmup: 1, minRuns: 3, maxRuns: 5, minTimeMs: 0 });
      const engine = time(() => runBacktest({ data: [table], strategy: emaCross, sim }), { warmup: 1, minRuns: 5, maxRuns: 10, minTimeMs: 0 });
      return [{
        id: 'decision.backtest', metric: 'bars/s', value: perSecond(table.length, ensemble), unit: 'bars/s',
        peers: { 'EMA-cross engine backtest (no heads)': perSecond(table.length, engine) },
        notes: `${table.length} bars, ${decisions} decisions, each with 4 head evaluations, consensus, learning and (on entries) sizing`,
      }];
    },
  },
  {
    id: 'decision.latency',
    description: 'bar close → decision latency of a 4-head ensemble, per bar (p50 / p99 / max)',
    async run() {
      const { table } = await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'));
      const timeframe = table.timeframe;
      const build = (): Ensemble => new Ensemble({
        name: 'bench', timeframe, fitBars: 1000,
        heads: [technicalHead(), orderFlowHead(), rulesHead({ timeframe, rules: [{ when: 'close > ema_50 and rsi_14 < 45', direction: 'long' }, { when: 'close < ema_50 and rsi_14 > 55', direction: 'short' }] }), mlHead({ train: {} })],
        consensus: { mode: 'weighted', minConfidence: 0.52, targetConfidence: 0.6, minScore: 0.15 },
      });
      const samples: number[] = [];
      for (let round = 0; round < 2; round++) {
        const ensemble = build();
        const series = new BarSeries(table.symbol, timeframe, 1000);
        const portfolio = flatPortfolio();
        samples.length = 0;
        for (let i = 0; i < table.length; i++) {
          const bar = table.bar(i);
          series.append(bar);
          const t0 = performance.now();
          const d = ensemble.onBar(bar, { time: bar.time + 60_000, portfolio, position: (s) => portfolio.position(s), series: () => series });
          const dt = performance.now() - t0;
          if (d) samples.push(dt);
        }
      }
      samples.sort((a, b) => a - b);
      const q = (p: number): number => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
      return [{
        id: 'decision.latency', metric: 'p99 ms', value: q(0.99), unit: 'ms',
        peers: { 'p50 ms': q(0.5), 'max ms': samples[samples.length - 1]!, 'MISSION.md §4 target (ms)': 100 },
        notes: `${samples.length} decisions timed (second pass, JIT warm); the max includes the isotonic refits and the ML fit at the end of the fit period`,
      }];
    },
  },
];
