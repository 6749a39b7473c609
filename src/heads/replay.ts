/**
 * Heads over a table, outside any kernel: research ("what would this head have said?") and the
 * heads' own tests. Every bar is fed in time order to a panel; the view holds only closed bars and
 * a flat account, so the answers are exactly what the heads give inside a backtest before any
 * position is opened.
 *
 * @example
 * const rows = replayHeads([technicalHead()], table);
 * rows.filter((r) => r.evaluations[0]!.status === 'ok').length; // bars with a technical signal
 */
import { BarSeries } from '../data/series.js';
import type { Timeframe } from '../core/time.js';
import { timeframeMs } from '../core/time.js';
import type { AccountView } from '../model/account.js';
import type { BarTable } from '../model/bar.js';
import type { OrderBookSnapshot } from '../model/market.js';
import { Position, type PositionView } from '../model/position.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import { HeadPanel, type HeadEvaluation, type HeadPanelOptions, type PanelView } from './panel.js';
import type { SignalHead } from './signal.js';

/** A portfolio with cash only: no position ever. */
export function flatPortfolio(equity = 10_000, currency = 'USD'): PortfolioView {
  const account: AccountView = {
    type: 'margin', currency, leverage: 1, balance: equity, unrealizedPnl: 0, equity, marginUsed: 0, freeMargin: equity, buyingPower: equity,
    grossLeverage: 0, feesPaid: 0, fundingPaid: 0,
  };
  const positions = new Map<string, Position>();
  return {
    account, accountType: 'margin', leverage: 1, grossExposure: 0, freeMargin: equity, equity, balance: equity,
    position(symbol: string): PositionView {
      let p = positions.get(symbol);
      if (!p) positions.set(symbol, (p = new Position(symbol)));
      return p;
    },
    openPositions: () => [],
    trades: [],
    openTrade: () => undefined,
    equityIfMarked: () => equity,
  };
}

export interface ReplayRow {
  /** Close time of the bar (the decision time). */
  readonly time: number;
  readonly index: number;
  /** Empty during the panel's warm-up. */
  readonly evaluations: readonly HeadEvaluation[];
}

/**
 * Runs heads over every bar of a table.
 * @param options panel options (time budget, timer) and `book`, a book per bar index (optional)
 */
export function replayHeads(
  heads: readonly SignalHead[],
  table: BarTable,
  options: Partial<Omit<HeadPanelOptions, 'timeframe' | 'book'>> & { readonly bookAt?: (index: number) => OrderBookSnapshot | undefined } = {},
): ReplayRow[] {
  const timeframe: Timeframe = table.timeframe;
  const step = timeframeMs(timeframe);
  let index = 0;
  const panel = new HeadPanel(heads, {
    timeframe,
    ...(options.timeBudgetMs !== undefined ? { timeBudgetMs: options.timeBudgetMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.bookAt ? { book: () => options.bookAt!(index) } : {}),
  });
  const series = new BarSeries(table.symbol, timeframe, Math.max(1000, panel.warmup + 10));
  const portfolio = flatPortfolio();
  const rows: ReplayRow[] = [];
  for (index = 0; index < table.length; index++) {
    const bar = table.bar(index);
    series.append(bar);
    const view: PanelView = {
      time: bar.time + step,
      portfolio,
      position: (symbol) => portfolio.position(symbol),
      series: () => series,
    };
    panel.observe(bar);
    rows.push({ time: bar.time + step, index, evaluations: panel.isReady(bar.symbol) ? panel.evaluate(bar, view) : [] });
  }
  return rows;
}
