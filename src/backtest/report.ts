/**
 * The backtest report: what was run, every trade and order, the equity curve and the metrics.
 * It is plain JSON (times in UTC epoch ms; numbers, never NaN or Infinity) and deterministic: the
 * same input gives the same bytes, so reports can be diffed and cached. Timings are not part of
 * it.
 */
import type { BarTable } from '../model/bar.js';
import type { OrderView } from '../model/order.js';
import type { ClosedTrade } from '../model/trade.js';
import type { Kernel } from '../kernel/kernel.js';
import { computeMetrics, type PerformanceMetrics } from '../portfolio/metrics/index.js';
import type { SimulatedExchange, SimulatedExchangeOptions } from '../sim/simulated-exchange.js';
import type { StrategyHost } from '../strategy/host.js';
import { reportSectionsOf } from '../strategy/report-sections.js';
import type { EnsembleReportDetail, HeadReportRow } from '../consensus/report.js';
import type { Convention } from './conventions.js';

export const REPORT_VERSION = 1;

export interface ReportTrade {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly quantity: number;
  readonly pnl: number;
  readonly fees: number;
  readonly exitReason: string;
  readonly returnPct: number;
  readonly grossPnl: number;
  readonly carry: number;
  readonly entryTag: string | null;
  readonly bars: number;
}

export interface ReportOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly status: string;
  readonly quantity: number | null;
  readonly price: number | null;
  readonly triggerPrice: number | null;
  readonly filledQuantity: number;
  readonly avgFillPrice: number | null;
  readonly fees: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly tag: string | null;
  readonly reason: string | null;
}

export interface BacktestReport {
  readonly version: number;
  readonly strategy: { readonly name: string; readonly params: unknown; readonly warmup: number };
  readonly data: { readonly symbols: readonly string[]; readonly timeframe: string; readonly start: number; readonly end: number; readonly bars: number };
  readonly config: {
    readonly cash: number;
    readonly convention: string;
    readonly accountType: string;
    readonly leverage: number;
    readonly closeAtEnd: boolean;
    readonly sim: Omit<SimulatedExchangeOptions, 'fundingRates'> & { readonly fundingSymbols: readonly string[] };
  };
  readonly metrics: PerformanceMetrics;
  readonly trades: readonly ReportTrade[];
  readonly orders: readonly ReportOrder[];
  /** [time, equity] pairs, one per bar (per time step with several symbols). */
  readonly equity: ReadonlyArray<readonly [number, number]>;
  readonly warnings: readonly string[];
  /**
   * Sections a strategy adds (`withReportSections`); the ensemble adds these three. Absent for
   * other strategies, so their reports are unchanged.
   */
  /** Per signal head: signals, hit rate, P&L attributed, final weight (docs/decision-core.md). */
  readonly heads?: readonly HeadReportRow[];
  /** Decisions by action: buy, sell, close, hold. */
  readonly decisions?: Readonly<Record<string, number>>;
  /** Walk-forward split, weight evolution, calibration, attribution, comparison with each head and buy-and-hold. */
  readonly ensemble?: EnsembleReportDetail;
}

export interface ReportInput {
  readonly kernel: Kernel;
  readonly host: StrategyHost;
  readonly exchange: SimulatedExchange;
  readonly tables: readonly BarTable[];
  readonly timeframe: string;
  readonly cash: number;
  readonly equity: { readonly time: Float64Array; readonly equity: Float64Array };
  readonly barsInMarket: number;
  readonly convention: Convention;
  readonly simOptions: SimulatedExchangeOptions;
  readonly closeAtEnd: boolean;
}

function orNull(x: number | undefined): number | null {
  return x === undefined || !Number.isFinite(x) ? null : x;
}

function tradeRow(t: ClosedTrade): ReportTrade {
  return {
    id: t.id, symbol: t.symbol, side: t.side, entryTime: t.entryTime, entryPrice: t.entryPrice, exitTime: t.exitTime,
    exitPrice: t.exitPrice, quantity: t.quantity, pnl: t.pnl, fees: t.fees, exitReason: t.exitReason, returnPct: t.returnPct,
    grossPnl: t.grossPnl, carry: t.carry, entryTag: t.entryTag ?? null, bars: t.bars,
  };
}

function orderRow(o: OrderView): ReportOrder {
  return {
    id: o.id, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, status: o.status,
    quantity: orNull(o.quantity), price: orNull(o.price), triggerPrice: orNull(o.triggerPrice), filledQuantity: o.filledQuantity,
    avgFillPrice: orNull(o.avgFillPrice), fees: o.fees, createdAt: o.createdAt, updatedAt: o.updatedAt, tag: o.tag ?? null, reason: o.reason ?? null,
  };
}

export function buildReport(input: ReportInput): BacktestReport {
  const { kernel, host, exchange, tables, equity } = input;
  const trades = kernel.portfolio.trades;
  // Buy and hold is measured from the first bar the strategy could act on: the warm-up counts
  // the bar being handled, so that is bar warmup − 1.
  const single = tables.length === 1 ? tables[0]! : undefined;
  const startIndex = Math.min(Math.max(0, host.warmup - 1), equity.time.length - 1);
  const metrics = computeMetrics(
    {
      time: equity.time,
      equity: equity.equity,
      trades,
      exposure: { barsInMarket: input.barsInMarket, totalBars: equity.time.length },
      ...(single ? { benchmark: { prices: single.close, startIndex: Math.max(0, startIndex) } } : {}),
    },
    input.convention.metrics,
  );
  const warnings: string[] = [];
  const stats = host.runStats;
  if (stats.intentsDuringWarmup > 0) warnings.push(`${stats.intentsDuringWarmup} intents during the ${host.warmup}-bar warm-up were ignored`);
  if (exchange.maxVolumeShareSeen > 0.1) {
    warnings.push(`a fill took ${(exchange.maxVolumeShareSeen * 100).toFixed(1)}% of its bar's volume; set a volume cap (maxVolumeShare) to model limited liquidity`);
  }
  if (exchange.wasLiquidated) warnings.push('the account was liquidated: equity fell to the maintenance margin');
  if (kernel.data.droppedBars > 0) warnings.push(`${kernel.data.droppedBars} bad bars were dropped`);
  const { fundingRates, ...sim } = input.simOptions;
  const report: BacktestReport = {
    version: REPORT_VERSION,
    strategy: { name: host.definition.name, params: host.params, warmup: host.warmup },
    data: {
      symbols: tables.map((t) => t.symbol),
      timeframe: input.timeframe,
      start: Math.min(...tables.map((t) => t.time[0]!)),
      end: Math.max(...tables.map((t) => t.time[t.length - 1]!)),
      bars: tables.reduce((n, t) => n + t.length, 0),
    },
    config: {
      cash: input.cash, convention: input.convention.name, accountType: kernel.portfolio.accountType, leverage: kernel.portfolio.leverage,
      closeAtEnd: input.closeAtEnd, sim: { ...sim, fundingSymbols: [...fundingRates.keys()] },
    },
    metrics,
    trades: trades.map(tradeRow),
    orders: kernel.execution.all().map(orderRow),
    equity: [],
    warnings,
    ...reportSectionsOf(host.definition, host.params),
  };
  // A million [time, equity] pairs are built only when someone reads them (or serialises the
  // report). Redefining the existing key keeps its place, so the JSON is unchanged.
  Object.defineProperty(report, 'equity', {
    enumerable: true,
    configurable: true,
    get(): ReadonlyArray<readonly [number, number]> {
      const pairs = Array.from(equity.time, (time, i): readonly [number, number] => [time, equity.equity[i]!]);
      Object.defineProperty(report, 'equity', { value: pairs, enumerable: true, writable: false, configurable: false });
      return pairs;
    },
  });
  return report;
}

/** The report as JSON text (stable: same report, same bytes). */
export function reportToJson(report: BacktestReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value));
}
