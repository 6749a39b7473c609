/**
 * Indicator throughput over 1,000,000 real bars (the bundled BTC perpetual 1-minute series, 45,031
 * bars, repeated end to end), for RSI(14), EMA(20), ATR(14), MACD(12,26,9), Bollinger(20,2) and
 * ADX(14), each measured in the same run against its peers:
 * - `indicators.batch.<name>`: Arbiter's batch function over Float64Array columns vs tulind (C,
 *   given plain arrays, its input form) and technicalindicators' `calculate`;
 * - `indicators.incremental.<name>`: one Arbiter object updated bar by bar vs trading-signals'
 *   `add` and technicalindicators' `nextValue`, all fed the same pre-built values or bar objects.
 * Targets (issue 3): batch at least as fast as tulind; incremental at least 10x trading-signals.
 */
import { createRequire } from 'node:module';
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import { ADX, ATR, BollingerBands, EMA, MACD, RSI, adx, atr, bbands, ema, macd, rsi } from '../src/indicators/index.js';
import { perSecond, time, type BenchResult, type Benchmark } from './kit.js';

const TARGET_BARS = 1_000_000;

interface TulipIndicator {
  indicator(inputs: number[][], options: number[], callback: (error: unknown, outputs: number[][]) => void): void;
}
let tulind: { indicators: Record<string, TulipIndicator> } | undefined;

/** tulind is a native addon: loaded on first use, so that a missing build cannot break other benchmarks. */
function tulindModule(): { indicators: Record<string, TulipIndicator> } {
  tulind ??= createRequire(import.meta.url)('tulind') as { indicators: Record<string, TulipIndicator> };
  return tulind;
}

interface Data {
  readonly n: number;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** The same values as plain arrays (tulind's and technicalindicators' input form). */
  readonly highArr: number[];
  readonly lowArr: number[];
  readonly closeArr: number[];
  /** One bar object per bar, built once, for the incremental runs of bar indicators. */
  readonly bars: { high: number; low: number; close: number }[];
}

let cached: Promise<Data> | undefined;

/** The bundled 1m series repeated to at least 1,000,000 bars. */
function data(): Promise<Data> {
  cached ??= (async () => {
    const { table } = await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'));
    const copies = Math.ceil(TARGET_BARS / table.length);
    const n = copies * table.length;
    const high = new Float64Array(n);
    const low = new Float64Array(n);
    const close = new Float64Array(n);
    for (let c = 0; c < copies; c++) {
      high.set(table.high, c * table.length);
      low.set(table.low, c * table.length);
      close.set(table.close, c * table.length);
    }
    const bars = Array.from({ length: n }, (_, i) => ({ high: high[i]!, low: low[i]!, close: close[i]! }));
    return { n, high, low, close, highArr: Array.from(high), lowArr: Array.from(low), closeArr: Array.from(close), bars };
  })();
  return cached;
}

function tulip(name: string, inputs: number[][], options: number[]): number[][] {
  let out: number[][] = [];
  tulindModule().indicators[name]!.indicator(inputs, options, (error, outputs) => {
    if (error) throw new Error(`tulind ${name} failed`, { cause: error });
    out = outputs;
  });
  return out;
}

/** Arbiter and the fast peers: best of at least 5 runs. */
const FAST = { warmup: 2, minTimeMs: 2000, maxRuns: 20, minRuns: 5 };
/** Peers taking up to several seconds per run: best of at least 3 runs. */
const PEER = { warmup: 1, minTimeMs: 1000, maxRuns: 10, minRuns: 3 };
/** technicalindicators' batch forms (seconds per run, hundreds of MB of objects): best of 2. */
const SLOW = { warmup: 1, minTimeMs: 0, maxRuns: 2, minRuns: 2 };

interface Case {
  readonly name: string;
  readonly label: string;
  batch(d: Data): unknown;
  tulip(d: Data): unknown;
  tiBatch(d: Data): unknown;
  incremental(d: Data): number;
  tradingSignals(d: Data): unknown;
  tiIncremental(d: Data): unknown;
}

/** Keeps the final values alive so that no engine can skip the work. */
let sink = 0;

const CASES: Case[] = [
  {
    name: 'rsi',
    label: 'RSI(14)',
    batch: (d) => rsi(d.close, { period: 14 }),
    tulip: (d) => tulip('rsi', [d.closeArr], [14]),
    tiBatch: (d) => ti.RSI.calculate({ values: d.closeArr, period: 14 }),
    incremental: (d) => {
      const ind = new RSI({ period: 14 });
      for (let i = 0; i < d.n; i++) ind.update(d.close[i]!);
      return ind.value;
    },
    tradingSignals: (d) => {
      const ind = new ts.RSI(14);
      for (let i = 0; i < d.n; i++) ind.add(d.closeArr[i]!);
      return ind.getResult();
    },
    tiIncremental: (d) => {
      const ind = new ti.RSI({ values: [], period: 14 });
      for (let i = 0; i < d.n; i++) ind.nextValue(d.closeArr[i]!);
      return ind;
    },
  },
  {
    name: 'ema',
    label: 'EMA(20)',
    batch: (d) => ema(d.close, { period: 20 }),
    tulip: (d) => tulip('ema', [d.closeArr], [20]),
    tiBatch: (d) => ti.EMA.calculate({ values: d.closeArr, period: 20 }),
    incremental: (d) => {
      const ind = new EMA({ period: 20 });
      for (let i = 0; i < d.n; i++) ind.update(d.close[i]!);
      return ind.value;
    },
    tradingSignals: (d) => {
      const ind = new ts.EMA(20);
      for (let i = 0; i < d.n; i++) ind.add(d.closeArr[i]!);
      return ind.getResult();
    },
    tiIncremental: (d) => {
      const ind = new ti.EMA({ values: [], period: 20 });
      for (let i = 0; i < d.n; i++) ind.nextValue(d.closeArr[i]!);
      return ind;
    },
  },
  {
    name: 'atr',
    label: 'ATR(14)',
    batch: (d) => atr(d, { period: 14 }),
    tulip: (d) => tulip('atr', [d.highArr, d.lowArr, d.closeArr], [14]),
    tiBatch: (d) => ti.ATR.calculate({ high: d.highArr, low: d.lowArr, close: d.closeArr, period: 14 }),
    incremental: (d) => {
      const ind = new ATR({ period: 14 });
      for (let i = 0; i < d.n; i++) ind.update(d.bars[i]!);
      return ind.value;
    },
    tradingSignals: (d) => {
      const ind = new ts.ATR(14);
      for (let i = 0; i < d.n; i++) ind.add(d.bars[i]!);
      return ind.getResult();
    },
    tiIncremental: (d) => {
      const ind = new ti.ATR({ high: [], low: [], close: [], period: 14 });
      for (let i = 0; i < d.n; i++) ind.nextValue(d.bars[i]!);
      return ind;
    },
  },
  {
    name: 'macd',
    label: 'MACD(12,26,9)',
    batch: (d) => macd(d.close, { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 }),
    tulip: (d) => tulip('macd', [d.closeArr], [12, 26, 9]),
    tiBatch: (d) => ti.MACD.calculate({ values: d.closeArr, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
    incremental: (d) => {
      const ind = new MACD({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 });
      for (let i = 0; i < d.n; i++) ind.update(d.close[i]!);
      return ind.histogram;
    },
    tradingSignals: (d) => {
      const ind = new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9));
      for (let i = 0; i < d.n; i++) ind.add(d.closeArr[i]!);
      return ind.getResult();
    },
    tiIncremental: (d) => {
      const ind = new ti.MACD({ values: [], fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
      for (let i = 0; i < d.n; i++) ind.nextValue(d.closeArr[i]!);
      return ind;
    },
  },
  {
    name: 'bbands',
    label: 'Bollinger(20,2)',
    batch: (d) => bbands(d.close, { period: 20, stdDev: 2 }),
    tulip: (d) => tulip('bbands', [d.closeArr], [20, 2]),
    tiBatch: (d) => ti.BollingerBands.calculate({ values: d.closeArr, period: 20, stdDev: 2 }),
    incremental: (d) => {
      const ind = new BollingerBands({ period: 20, stdDev: 2 });
      for (let i = 0; i < d.n; i++) ind.update(d.close[i]!);
      return ind.upper;
    },
    tradingSignals: (d) => {
      const ind = new ts.BollingerBands(20, 2);
      for (let i = 0; i < d.n; i++) ind.add(d.closeArr[i]!);
      return ind.getResult();
    },
    tiIncremental: (d) => {
      const ind = new ti.BollingerBands({ values: [], period: 20, stdDev: 2 });
      for (let i = 0; i < d.n; i++) ind.nextValue(d.closeArr[i]!);
      return ind;
    },
  },
  {
    name: 'adx',
    label: 'ADX(14)',
    batch: (d) => adx(d, { period: 14 }),
    tulip: (d) => tulip('adx', [d.highArr, d.lowArr, d.closeArr], [14]),
    tiBatch: (d) => ti.ADX.calculate({ high: d.highArr, low: d.lowArr, close: d.closeArr, period: 14 }),
    incremental: (d) => {
      const ind = new ADX({ period: 14 });
      for (let i = 0; i < d.n; i++) ind.update(d.bars[i]!);
      return ind.value;
    },
    tradingSignals: (d) => {
      const ind = new ts.ADX(14);
      for (let i = 0; i < d.n; i++) ind.add(d.bars[i]!);
      return ind.getResult();
    },
    tiIncremental: (d) => {
      const ind = new ti.ADX({ high: [], low: [], close: [], period: 14 });
      // Its declaration types the input as a number; at run time it takes a candle (like its ATR).
      const next = ind.nextValue.bind(ind) as unknown as (bar: { high: number; low: number; close: number }) => unknown;
      for (let i = 0; i < d.n; i++) next(d.bars[i]!);
      return ind;
    },
  },
];

function result(id: string, label: string, n: number, ours: number, peers: Record<string, number>, notes: string): BenchResult {
  return { id, metric: `${label} over ${n.toLocaleString('en-US')} bars`, value: ours, unit: 'bars/s', peers, notes };
}

export const benchmarks: Benchmark[] = CASES.flatMap((c): Benchmark[] => [
  {
    id: `indicators.batch.${c.name}`,
    description: `batch ${c.label} over 1M real 1m bars vs tulind and technicalindicators`,
    async run() {
      const d = await data();
      const ours = perSecond(d.n, time(() => c.batch(d), FAST));
      const tulipRate = perSecond(d.n, time(() => c.tulip(d), PEER));
      const tiRate = perSecond(d.n, time(() => c.tiBatch(d), SLOW));
      return [result(`indicators.batch.${c.name}`, c.label, d.n, ours, { tulind: tulipRate, technicalindicators: tiRate }, 'target: >= 1.0x tulind')];
    },
  },
  {
    id: `indicators.incremental.${c.name}`,
    description: `incremental ${c.label}, one update per bar, vs trading-signals and technicalindicators`,
    async run() {
      const d = await data();
      const ours = perSecond(d.n, time(() => (sink += c.incremental(d) || 0), FAST));
      const tsRate = perSecond(d.n, time(() => c.tradingSignals(d), PEER));
      const tiRate = perSecond(d.n, time(() => c.tiIncremental(d), SLOW));
      if (sink === Number.MIN_VALUE) process.stdout.write('');
      return [result(`indicators.incremental.${c.name}`, c.label, d.n, ours, { 'trading-signals': tsRate, technicalindicators: tiRate }, 'target: >= 10x trading-signals')];
    },
  },
]);
