/**
 * Statistics over closed trades (round trips). PnL is net of fees, funding and interest, as
 * `ClosedTrade.pnl` is; a trade's return is `ClosedTrade.returnPct` (net PnL over entry
 * notional). Trades are taken in the order given — the engine lists them by exit — which
 * matters only for the win/loss streaks.
 */
import type { ClosedTrade } from '../../model/trade.js';
import { ratio, stdev } from './stats.js';

/** Options of {@link tradeStatistics}. */
export interface TradeStatsOptions {
  /**
   * Estimator of `avgTrade`: `arithmetic` mean of trade returns (default) or `geometric`
   * (backtesting.py's `Avg. Trade`: exp(mean ln(1+r)) − 1, and 0 when any trade lost 100 %).
   */
  readonly averageTrade?: 'arithmetic' | 'geometric';
  /**
   * What the profit factor divides: gross profit over gross loss in money (`pnl`, default) or
   * the sum of positive over negative trade returns (`returns`, backtesting.py).
   */
  readonly profitFactorBasis?: 'pnl' | 'returns';
  /** Degrees of freedom of the PnL standard deviation in the SQN: 1 sample (default), 0 population (backtrader). */
  readonly ddof?: 0 | 1;
}

/** Trade statistics; `null` where undefined (no trades, no losers, zero spread…). */
export interface TradeStats {
  readonly tradeCount: number;
  readonly longTrades: number;
  readonly shortTrades: number;
  /** Trades with pnl > 0. */
  readonly winningTrades: number;
  /** Trades with pnl < 0. */
  readonly losingTrades: number;
  /** winningTrades / tradeCount. */
  readonly winRate: number | null;
  /** Gross profit / gross loss (see {@link TradeStatsOptions.profitFactorBasis}); null without losses. */
  readonly profitFactor: number | null;
  /** Mean trade return (a fraction): what one trade is expected to earn on its notional. */
  readonly expectancy: number | null;
  /** Average trade return (a fraction), arithmetic or geometric per the options. */
  readonly avgTrade: number | null;
  /** Mean net PnL per trade, in the quote currency. */
  readonly avgTradePnl: number | null;
  /** Best and worst trade return (fractions). */
  readonly bestTrade: number | null;
  readonly worstTrade: number | null;
  /** Mean PnL of the winners (positive) and of the losers (negative), quote currency. */
  readonly avgWin: number | null;
  readonly avgLoss: number | null;
  /** avgWin / |avgLoss|. */
  readonly payoffRatio: number | null;
  /** Van Tharp's system quality number √n·mean(pnl)/std(pnl) (sample std), as backtesting.py computes it. */
  readonly sqn: number | null;
  /** Kelly fraction winRate − (1 − winRate)/payoffRatio. */
  readonly kelly: number | null;
  /** Mean and longest exitTime − entryTime, ms. */
  readonly avgTradeDuration: number | null;
  readonly maxTradeDuration: number | null;
  readonly maxConsecutiveWins: number;
  readonly maxConsecutiveLosses: number;
  /** Sum of winning PnL and of the magnitude of losing PnL, quote currency. */
  readonly grossProfit: number;
  readonly grossLoss: number;
  /** Sum of fees paid over all trades. */
  readonly totalFees: number;
}

/**
 * Statistics of a list of closed trades.
 * @example
 * const s = tradeStatistics(report.trades);
 * s.winRate; // 0.47
 */
export function tradeStatistics(trades: readonly ClosedTrade[], options: TradeStatsOptions = {}): TradeStats {
  const n = trades.length;
  const pnl = new Float64Array(n);
  let longs = 0;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let posReturns = 0;
  let negReturns = 0;
  let sumReturn = 0;
  let sumLog = 0;
  let wipedOut = false;
  let best = -Infinity;
  let worst = Infinity;
  let sumDuration = 0;
  let maxDuration = -Infinity;
  let fees = 0;
  let sumPnl = 0;
  let streakWin = 0;
  let streakLoss = 0;
  let maxStreakWin = 0;
  let maxStreakLoss = 0;
  for (let i = 0; i < n; i++) {
    const t = trades[i]!;
    pnl[i] = t.pnl;
    sumPnl += t.pnl;
    if (t.side === 'long') longs++;
    fees += t.fees;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
      streakWin++;
      streakLoss = 0;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss -= t.pnl;
      streakLoss++;
      streakWin = 0;
    } else {
      streakWin = 0;
      streakLoss = 0;
    }
    if (streakWin > maxStreakWin) maxStreakWin = streakWin;
    if (streakLoss > maxStreakLoss) maxStreakLoss = streakLoss;
    const r = t.returnPct;
    sumReturn += r;
    if (r > 0) posReturns += r;
    else if (r < 0) negReturns -= r;
    if (1 + r <= 0) wipedOut = true;
    else sumLog += Math.log1p(r);
    if (r > best) best = r;
    if (r < worst) worst = r;
    const duration = t.exitTime - t.entryTime;
    sumDuration += duration;
    if (duration > maxDuration) maxDuration = duration;
  }
  const avgWin = wins === 0 ? null : grossProfit / wins;
  const avgLoss = losses === 0 ? null : -grossLoss / losses;
  const payoff = avgWin === null || avgLoss === null ? null : ratio(avgWin, -avgLoss);
  const winRate = n === 0 ? null : wins / n;
  const meanPnl = n === 0 ? null : sumPnl / n;
  const sd = stdev(pnl, options.ddof ?? 1);
  const sqnRaw = n < 2 || meanPnl === null ? null : ratio(meanPnl, sd);
  const arithmetic = n === 0 ? null : sumReturn / n;
  const geometric = n === 0 ? null : wipedOut ? 0 : Math.expm1(sumLog / n);
  return {
    tradeCount: n,
    longTrades: longs,
    shortTrades: n - longs,
    winningTrades: wins,
    losingTrades: losses,
    winRate,
    profitFactor: options.profitFactorBasis === 'returns' ? ratio(posReturns, negReturns) : ratio(grossProfit, grossLoss),
    expectancy: arithmetic,
    avgTrade: options.averageTrade === 'geometric' ? geometric : arithmetic,
    avgTradePnl: meanPnl,
    bestTrade: n === 0 ? null : best,
    worstTrade: n === 0 ? null : worst,
    avgWin,
    avgLoss,
    payoffRatio: payoff,
    sqn: sqnRaw === null ? null : Math.sqrt(n) * sqnRaw,
    kelly: kelly(winRate, avgWin, avgLoss),
    avgTradeDuration: n === 0 ? null : sumDuration / n,
    maxTradeDuration: n === 0 ? null : maxDuration,
    maxConsecutiveWins: maxStreakWin,
    maxConsecutiveLosses: maxStreakLoss,
    grossProfit,
    grossLoss,
    totalFees: fees,
  };
}

/** winRate − (1 − winRate)/(avgWin/|avgLoss|), written so that a vanishing average win cannot divide by zero. */
function kelly(winRate: number | null, avgWin: number | null, avgLoss: number | null): number | null {
  if (winRate === null || avgWin === null || avgLoss === null) return null;
  const q = ratio((1 - winRate) * -avgLoss, avgWin);
  return q === null ? null : winRate - q;
}
