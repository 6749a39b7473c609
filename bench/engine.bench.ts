/**
 * Engine throughput: a full backtest (data engine, simulated exchange with fees and slippage,
 * portfolio, strategy host, equity curve) of an EMA(12/26) crossover over ≥ 1,000,000 real
 * 1-minute bars — the bundled BTC perpetual series repeated end to end with shifted timestamps.
 */
import { runBacktest } from '../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import { BarTable } from '../src/model/bar.js';
import { Crossover, EMA, defineStrategy, z } from '../src/strategy/index.js';
import { perSecond, time, type Benchmark } from './kit.js';

const TARGET_BARS = 1_000_000;

/** The bundled 1m series repeated until it has at least `count` bars, each copy shifted in time. */
export async function repeatedMinuteBars(count: number): Promise<BarTable> {
  const { table } = await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'));
  const copies = Math.ceil(count / table.length);
  const n = copies * table.length;
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
  const span = table.time[table.length - 1]! - table.time[0]! + 60_000;
  for (let c = 0; c < copies; c++) {
    const offset = c * table.length;
    for (let i = 0; i < table.length; i++) {
      cols[0][offset + i] = table.time[i]! + c * span;
      cols[1][offset + i] = table.open[i]!;
      cols[2][offset + i] = table.high[i]!;
      cols[3][offset + i] = table.low[i]!;
      cols[4][offset + i] = table.close[i]!;
      cols[5][offset + i] = table.volume[i]!;
    }
  }
  return new BarTable(table.symbol, table.timeframe, ...cols);
}

export const emaCross = defineStrategy({
  name: 'bench-ema-cross',
  params: z.strictObject({ fast: z.number().int().default(12), slow: z.number().int().default(26) }),
  warmup: (p) => p.slow,
  setup({ params }) {
    const fast = new EMA({ period: params.fast });
    const slow = new EMA({ period: params.slow });
    const cross = new Crossover();
    return {
      onBar(bar, ctx) {
        const signal = cross.update(fast.update(bar.close), slow.update(bar.close));
        if (signal === 1) ctx.enterLong();
        else if (signal === -1) ctx.exitLong();
      },
    };
  },
});

export const benchmarks: Benchmark[] = [
  {
    id: 'engine.ema-cross',
    description: `EMA(12/26) crossover backtest over ${TARGET_BARS.toLocaleString('en')}+ real 1m bars, 0.1% fees, 2 bps slippage`,
    async run() {
      const table = await repeatedMinuteBars(TARGET_BARS);
      let trades = 0;
      const heapBefore = process.memoryUsage().heapUsed;
      const timing = time(() => {
        const { report } = runBacktest({
          data: [table], strategy: emaCross, cash: 10_000,
          sim: { fees: { maker: 0.001, taker: 0.001 }, slippage: { kind: 'fixed-bps', bps: 2 } },
        });
        trades = report.trades.length;
      }, { warmup: 1, minTimeMs: 5000, maxRuns: 5, minRuns: 3 });
      const heapAfter = process.memoryUsage().heapUsed;
      return [{
        id: 'engine.ema-cross', metric: 'bars/s', value: perSecond(table.length, timing), unit: 'bars/s', peers: {},
        notes: `${table.length} bars, ${trades} trades, best of ${timing.runs} runs (median ${(table.length / timing.medianMs / 1000).toFixed(2)}M bars/s); heap delta ${((heapAfter - heapBefore) / 2 ** 20).toFixed(0)} MiB`,
      }];
    },
  },
];
