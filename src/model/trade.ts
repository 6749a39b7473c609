/**
 * A closed trade (round trip): from a flat position to flat again, or to a flip. Partial entries
 * and exits are averaged. This is what reports list and what trade statistics are computed from.
 */
export interface ClosedTrade {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Time of the first entry fill, UTC epoch ms. */
  readonly entryTime: number;
  /** Volume-weighted average entry price. */
  readonly entryPrice: number;
  /** Time of the last exit fill, UTC epoch ms. */
  readonly exitTime: number;
  /** Volume-weighted average exit price. */
  readonly exitPrice: number;
  /** Largest absolute quantity held during the trade. */
  readonly quantity: number;
  /** Net PnL in the quote currency: price PnL − fees − funding − interest. */
  readonly pnl: number;
  /** Price PnL before costs. */
  readonly grossPnl: number;
  readonly fees: number;
  /** Funding and borrow interest paid (negative when received). */
  readonly carry: number;
  /** pnl / entry notional (entryPrice × quantity × multiplier): the trade's return on capital at 1x. */
  readonly returnPct: number;
  /** Why it was closed: `exit_signal`, `stop_loss`, `trailing_stop_loss`, `roi`, `force_exit`, `liquidation`, … */
  readonly exitReason: string;
  readonly entryTag?: string;
  /** Number of bars of the base timeframe from entry to exit (both included). */
  readonly bars: number;
}
