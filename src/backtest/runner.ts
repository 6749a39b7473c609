/**
 * The backtest runner: builds a kernel in the backtest environment (simulated clock, simulated
 * exchange), replays the data bar by bar in time order across symbols, and assembles the report.
 * The same input always gives the same report, byte for byte.
 */
import { SimulatedClock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { timeframeMs } from '../core/time.js';
import type { BarTable } from '../model/bar.js';
import { defineInstrument, type Instrument, type InstrumentInput } from '../model/instrument.js';
import type { AccountType } from '../model/account.js';
import { Kernel } from '../kernel/kernel.js';
import type { AuditSink } from '../risk/audit.js';
import type { RiskConfigInput } from '../risk/config.js';
import { defaultSimOptions, SimulatedExchange, type FundingSeries, type SimulatedExchangeOptions } from '../sim/simulated-exchange.js';
import type { StrategyDefinition } from '../strategy/define.js';
import { convention as resolveConvention } from './conventions.js';
import { buildReport, type BacktestReport } from './report.js';

export interface BacktestOptions {
  /** One table per symbol, all of the same timeframe. */
  readonly data: readonly BarTable[];
  readonly strategy: StrategyDefinition;
  readonly params?: Record<string, unknown>;
  /** Venue metadata per symbol (tick, lot, fees…); symbols without it trade fractionally without fees. */
  readonly instruments?: readonly InstrumentInput[];
  /** Starting cash in the quote currency. Default 10,000. */
  readonly cash?: number;
  readonly account?: { readonly type?: AccountType; readonly leverage?: number; readonly currency?: string };
  /** Fill conventions preset (`arbiter`, `backtesting.py`, `freqtrade`, `backtrader`). Default `arbiter`. */
  readonly convention?: string;
  /** Simulated-exchange options on top of the convention's. */
  readonly sim?: Partial<Omit<SimulatedExchangeOptions, 'fundingRates'>>;
  readonly fundingRates?: Readonly<Record<string, FundingSeries>>;
  /** Close positions still open at the end at the last close (overrides the convention). */
  readonly closeAtEnd?: boolean;
  readonly maxOpenTrades?: number;
  /** Risk limits and circuit breakers (docs/risk.md); all off by default. */
  readonly risk?: RiskConfigInput;
  /** Audit sink for the risk engine's state changes (default: none). */
  readonly audit?: AuditSink;
  /** Called every ~0.5% of bars with (bars done, total bars). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly logger?: Logger;
}

export interface BacktestResult {
  readonly report: BacktestReport;
  readonly kernel: Kernel;
  readonly exchange: SimulatedExchange;
}

/** Growable columns of (time, equity). */
class EquityRecorder {
  time = new Float64Array(1024);
  equity = new Float64Array(1024);
  length = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(Math.max(16, capacity));
    this.equity = new Float64Array(Math.max(16, capacity));
  }

  push(time: number, equity: number): void {
    if (this.length === this.time.length) {
      const t = new Float64Array(this.length * 2);
      const e = new Float64Array(this.length * 2);
      t.set(this.time);
      e.set(this.equity);
      this.time = t;
      this.equity = e;
    }
    this.time[this.length] = time;
    this.equity[this.length] = equity;
    this.length++;
  }
}

export function runBacktest(options: BacktestOptions): BacktestResult {
  const tables = validateData(options.data);
  const timeframe = tables[0]!.timeframe;
  const tf = timeframeMs(timeframe);
  const preset = resolveConvention(options.convention ?? 'arbiter');
  const cash = options.cash ?? 10_000;
  const instruments = tables.map((t) => instrumentFor(t.symbol, options.instruments));
  const simOptions: SimulatedExchangeOptions = {
    ...defaultSimOptions,
    ...preset.sim,
    ...options.sim,
    fundingRates: new Map(Object.entries(options.fundingRates ?? {})),
  };
  const clock = new SimulatedClock(tables.reduce((m, t) => Math.min(m, t.time[0] ?? Infinity), Infinity));
  let exchange: SimulatedExchange | undefined;
  const kernel = new Kernel(
    {
      account: {
        type: options.account?.type ?? 'margin',
        currency: options.account?.currency ?? (instruments[0]!.quote || 'USD'),
        startingBalance: cash,
        leverage: options.account?.leverage ?? 1,
      },
      instruments,
      baseTimeframe: timeframe,
      badData: 'throw',
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.risk ? { risk: options.risk } : {}),
      ...(options.audit ? { audit: options.audit } : {}),
    },
    {
      name: 'backtest',
      clock,
      createExecutionClient: ({ bus, market, portfolio }) => {
        exchange = new SimulatedExchange(bus, clock, market, portfolio, simOptions, (t) => clock.advanceTo(t));
        return exchange;
      },
      feesOf: (_symbol, instrument) => ({
        maker: simOptions.fees.maker ?? instrument.makerFee,
        taker: simOptions.fees.taker ?? instrument.takerFee,
      }),
    },
  );
  const host = kernel.addStrategy(options.strategy, options.params ?? {}, {
    symbols: tables.map((t) => t.symbol),
    ...(options.maxOpenTrades !== undefined ? { maxOpenTrades: options.maxOpenTrades } : {}),
  });
  kernel.start();

  const total = tables.reduce((n, t) => n + t.length, 0);
  const recorder = new EquityRecorder(Math.max(...tables.map((t) => t.length)));
  let barsInMarket = 0;
  const progressEvery = Math.max(1, Math.floor(total / 200));
  const portfolio = kernel.portfolio;
  const data = kernel.data;

  if (tables.length === 1) {
    // One symbol: the tight loop.
    const table = tables[0]!;
    const n = table.length;
    for (let i = 0; i < n; i++) {
      const bar = table.bar(i);
      clock.advanceTo(bar.time);
      if (data.marketBar(bar)) {
        clock.advanceTo(bar.time + tf);
        data.closeBar(bar);
      }
      recorder.push(bar.time, portfolio.equity);
      if (portfolio.openPositions().length > 0) barsInMarket++;
      if (options.onProgress && i % progressEvery === 0) options.onProgress(i, total);
    }
  } else {
    // Several symbols: merge by time; within a time slice, all bars trade (phase 1) before any
    // closes (phase 2), so no symbol's close is visible while another's bar is still trading.
    const cursor = new Int32Array(tables.length);
    let done = 0;
    for (;;) {
      let t = Infinity;
      for (let k = 0; k < tables.length; k++) {
        const c = cursor[k]!;
        if (c < tables[k]!.length && tables[k]!.time[c]! < t) t = tables[k]!.time[c]!;
      }
      if (t === Infinity) break;
      let inSlice = 0;
      clock.advanceTo(t);
      const bars = [];
      for (let k = 0; k < tables.length; k++) {
        const c = cursor[k]!;
        if (c < tables[k]!.length && tables[k]!.time[c] === t) {
          const bar = tables[k]!.bar(c);
          cursor[k] = c + 1;
          if (data.marketBar(bar)) bars.push(bar);
          inSlice++;
        }
      }
      clock.advanceTo(t + tf);
      for (const bar of bars) data.closeBar(bar);
      recorder.push(t, portfolio.equity);
      if (portfolio.openPositions().length > 0) barsInMarket++;
      const before = done;
      done += inSlice;
      if (options.onProgress && Math.floor(done / progressEvery) !== Math.floor(before / progressEvery)) options.onProgress(done, total);
    }
  }
  options.onProgress?.(total, total);

  const closeAtEnd = options.closeAtEnd ?? preset.closeAtEnd;
  if (closeAtEnd && portfolio.openPositions().length > 0) {
    // Settle at the last close, with fees and slippage, like Freqtrade's force_exit.
    exchange!.setMarketFills(preset.settleAt === 'last-open' ? 'last-open' : 'close');
    for (const position of [...portfolio.openPositions()]) {
      kernel.execution.submit({
        symbol: position.symbol, side: position.quantity > 0 ? 'sell' : 'buy', type: 'market', size: { base: Math.abs(position.quantity) },
        reduceOnly: true, tag: 'force_exit', owner: host.id,
      });
    }
    if (recorder.length > 0) recorder.equity[recorder.length - 1] = portfolio.equity;
  }
  kernel.stop();

  const report = buildReport({
    kernel, host, exchange: exchange!, tables, timeframe, cash,
    equity: { time: recorder.time.subarray(0, recorder.length), equity: recorder.equity.subarray(0, recorder.length) },
    barsInMarket, convention: preset, simOptions, closeAtEnd,
  });
  return { report, kernel, exchange: exchange! };
}

function validateData(data: readonly BarTable[]): readonly BarTable[] {
  if (data.length === 0) throw new ConfigurationError('no data: give at least one bar series', 'data');
  const timeframe = data[0]!.timeframe;
  const symbols = new Set<string>();
  for (const table of data) {
    if (table.length === 0) throw new ConfigurationError(`the ${table.symbol} series is empty`, 'data');
    if (table.timeframe !== timeframe) {
      throw new ConfigurationError(`all series must share one timeframe (resample them); ${data[0]!.symbol} is ${timeframe}, ${table.symbol} is ${table.timeframe}`, 'data');
    }
    if (symbols.has(table.symbol)) throw new ConfigurationError(`symbol ${table.symbol} appears twice`, 'data');
    symbols.add(table.symbol);
  }
  return data;
}

function instrumentFor(symbol: string, given: readonly InstrumentInput[] | undefined): Instrument {
  const input = given?.find((i) => i.symbol === symbol);
  return defineInstrument(input ?? { symbol });
}
