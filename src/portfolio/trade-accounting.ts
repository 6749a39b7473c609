/**
 * Freqtrade-compatible trade accounting: the value of a trade at entry and exit including fees,
 * leverage, shorts, margin borrow interest and futures funding, its absolute and relative profit,
 * and the replay of DCA (position-adjustment) fills — the formulas of Freqtrade's
 * `LocalTrade` (`freqtrade/persistence/trade_model.py`) and `freqtrade/leverage/interest.py`,
 * so that a Freqtrade user sees the same numbers here.
 *
 * Conventions (Freqtrade's):
 * - amounts are in the base currency, rates and values in the quote (stake) currency;
 * - a fee is a fraction of the traded notional, charged on entry and on exit;
 * - a leveraged long borrows quote currency (notional·(lev − 1)/lev) and pays interest in quote;
 *   a margin short borrows the base amount itself and pays interest in base, bought back at exit;
 * - futures pay no interest; signed funding fees (+ = received) are added to the exit value of a
 *   long and subtracted from that of a short;
 * - the profit ratio is relative to the stake (the margin), hence multiplied by the leverage.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import { HOUR_MS } from '../core/time.js';

/** Spot (no borrowing), margin (borrowing with interest) or futures (funding instead of interest). */
export type TradingMode = 'spot' | 'margin' | 'futures';

/**
 * How borrow interest accrues over time.
 * - `hourly` (Binance margin): the rate is per day; every started hour costs rate/24, at least
 *   one hour — interest = borrowed · rate · ⌈hours⌉ / 24.
 * - `four-hourly` (Kraken margin): the rate is per 4-hour period; the opening period is charged
 *   at once and then every started 4 hours — interest = borrowed · rate · (1 + ⌈hours / 4⌉).
 * - `continuous`: the rate is per day, charged pro rata to the millisecond.
 */
export type InterestPeriodRule = 'hourly' | 'four-hourly' | 'continuous';

/** A borrow rate and how it accrues: what a simulated margin account charges on a loan. */
export interface InterestModel {
  /** Rate per period of the rule (per day for `hourly` and `continuous`, per 4 h for `four-hourly`). */
  readonly rate: number;
  readonly rule: InterestPeriodRule;
}

/** The interest rules of the venues Freqtrade supports for margin trading. */
export const VENUE_INTEREST_RULES: Readonly<Record<string, InterestPeriodRule>> = Object.freeze({
  binance: 'hourly',
  kraken: 'four-hourly',
});

/**
 * Number of rate periods charged for a loan held from `openTime` to `now` (UTC ms).
 * @example interestPeriods(0, 295 * 60_000, 'hourly') // 5 / 24
 */
export function interestPeriods(openTime: number, now: number, rule: InterestPeriodRule): number {
  if (!(Number.isFinite(openTime) && Number.isFinite(now))) throw new DataError(`interest needs finite times, got ${openTime} and ${now}`, { field: 'time' });
  if (now < openTime) throw new DataError(`interest cannot run backwards: now ${now} is before the open time ${openTime}`, { field: 'time' });
  const hours = (now - openTime) / HOUR_MS;
  switch (rule) {
    case 'hourly':
      return Math.ceil(hours) / 24;
    case 'four-hourly':
      return 1 + Math.ceil(hours / 4);
    case 'continuous':
      return hours / 24;
    default:
      throw new ConfigurationError(`unknown interest rule "${String(rule)}"; use hourly, four-hourly or continuous`, 'interest.rule');
  }
}

/**
 * Interest owed on `borrowed` (in the borrowed currency) at `rate` from `openTime` to `now`:
 * borrowed · rate · {@link interestPeriods}. A pure function, so the simulated exchange can
 * charge it at any time and get the same answer as at the close.
 * @example borrowInterest(40, 0.0005, 0, 10 * 60_000, 'four-hourly') // 0.04 (Kraken, 10 minutes)
 */
export function borrowInterest(borrowed: number, rate: number, openTime: number, now: number, rule: InterestPeriodRule): number {
  if (!(Number.isFinite(borrowed) && borrowed >= 0)) throw new DataError(`borrowed amount must be a non-negative number, got ${borrowed}`, { field: 'borrowed' });
  if (!(Number.isFinite(rate) && rate >= 0)) throw new ConfigurationError(`must be a non-negative number, got ${rate}`, 'interest.rate');
  if (borrowed === 0) return 0;
  return borrowed * rate * interestPeriods(openTime, now, rule);
}

/** {@link borrowInterest} with the rate and rule of an {@link InterestModel}. */
export function interestFor(model: InterestModel, borrowed: number, openTime: number, now: number): number {
  return borrowInterest(borrowed, model.rate, openTime, now, model.rule);
}

/** What fixes a trade's value: Freqtrade's `Trade` columns that enter the PnL. */
export interface TradeTerms {
  readonly side: 'long' | 'short';
  /** Position size in the base currency. */
  readonly amount: number;
  /** (Average) entry price. */
  readonly openRate: number;
  /** Entry and exit fees as fractions of notional (0.001 = 0.1 %). */
  readonly feeOpen: number;
  readonly feeClose: number;
  /** Default 1. */
  readonly leverage?: number;
  /** Default `spot`. */
  readonly tradingMode?: TradingMode;
  /** Borrow rate and accrual rule; required for a margin trade that borrows. */
  readonly interest?: InterestModel;
  /** Entry time, UTC ms; required for margin interest. */
  readonly openTime?: number;
  /** Futures funding accumulated over the trade, quote currency, + = received. Default 0. */
  readonly fundingFees?: number;
}

function leverageOf(t: TradeTerms): number {
  return t.leverage ?? 1;
}

function check(t: TradeTerms): void {
  if (!(Number.isFinite(t.amount) && t.amount >= 0)) throw new DataError(`amount must be a non-negative number, got ${t.amount}`, { field: 'amount' });
  if (!(Number.isFinite(t.openRate) && t.openRate > 0)) throw new DataError(`open rate must be a positive number, got ${t.openRate}`, { field: 'openRate' });
  if (!(t.feeOpen >= 0 && t.feeOpen < 1)) throw new ConfigurationError(`must be a fraction in [0, 1), got ${t.feeOpen}`, 'feeOpen');
  if (!(t.feeClose >= 0 && t.feeClose < 1)) throw new ConfigurationError(`must be a fraction in [0, 1), got ${t.feeClose}`, 'feeClose');
  const lev = leverageOf(t);
  if (!(Number.isFinite(lev) && lev >= 1)) throw new ConfigurationError(`must be at least 1, got ${lev}`, 'leverage');
}

/**
 * What the trade borrowed (Freqtrade `Trade.borrowed`): nothing for an unleveraged long;
 * notional·(lev − 1)/lev in quote for a leveraged long; the whole amount in base for a short.
 * @example borrowedAmount({ side: 'long', amount: 30, openRate: 2, feeOpen: 0, feeClose: 0, leverage: 3 }) // 40
 */
export function borrowedAmount(t: TradeTerms): number {
  const lev = leverageOf(t);
  if (t.side === 'short') return t.amount;
  if (lev === 1) return 0;
  return t.amount * t.openRate * ((lev - 1) / lev);
}

/**
 * Interest of the trade up to `closeTime` (Freqtrade `calculate_interest`): only margin trades
 * that borrow pay it; quote currency for longs, base for shorts.
 */
export function tradeInterest(t: TradeTerms, closeTime: number | undefined): number {
  if ((t.tradingMode ?? 'spot') !== 'margin') return 0;
  const borrowed = borrowedAmount(t);
  if (borrowed === 0) return 0;
  if (!t.interest) throw new ConfigurationError('a margin trade that borrows needs an interest model (rate and rule)', 'interest');
  if (t.openTime === undefined || closeTime === undefined) throw new ConfigurationError('margin interest needs the open time and the close time', 'openTime');
  return interestFor(t.interest, borrowed, t.openTime, closeTime);
}

/**
 * Entry value including the entry fee (Freqtrade `_calc_open_trade_value`):
 * amount·rate·(1 + fee) for a long, amount·rate·(1 − fee) for a short.
 * @example openTradeValue({ side: 'long', amount: 30, openRate: 2, feeOpen: 0.0025, feeClose: 0.0025 }) // 60.15
 */
export function openTradeValue(t: TradeTerms): number {
  check(t);
  const notional = t.amount * t.openRate;
  const fee = notional * t.feeOpen;
  return t.side === 'short' ? notional - fee : notional + fee;
}

/**
 * Exit value at `closeRate` including the exit fee, interest and funding (Freqtrade
 * `calc_close_trade_value`): a long receives amount·rate·(1 − fee) − interest (+ funding); a
 * short pays (amount + interest)·rate·(1 + fee) (− funding).
 * @example closeTradeValue({ side: 'long', amount: 30, openRate: 2, feeOpen: 0.0025, feeClose: 0.0025 }, 2.2) // 65.835
 */
export function closeTradeValue(t: TradeTerms, closeRate: number, closeTime?: number): number {
  check(t);
  if (!(Number.isFinite(closeRate) && closeRate >= 0)) throw new DataError(`close rate must be a non-negative number, got ${closeRate}`, { field: 'closeRate' });
  const mode = t.tradingMode ?? 'spot';
  const base = (amount: number): number => {
    const notional = amount * closeRate;
    const fee = notional * t.feeClose;
    return t.side === 'short' ? notional + fee : notional - fee;
  };
  if (mode === 'margin') {
    const interest = tradeInterest(t, closeTime);
    return t.side === 'short' ? base(t.amount + interest) : base(t.amount) - interest;
  }
  if (mode === 'futures') {
    const funding = t.fundingFees ?? 0;
    return t.side === 'short' ? base(t.amount) - funding : base(t.amount) + funding;
  }
  return base(t.amount);
}

/** A trade's values and profit at a given exit. */
export interface TradeProfit {
  readonly openValue: number;
  readonly closeValue: number;
  /** Interest paid (quote for longs, base for shorts); 0 outside margin. */
  readonly interest: number;
  /** Profit in quote currency: close − open for a long, open − close for a short. */
  readonly profitAbs: number;
  /** Profit relative to the stake: (close/open − 1)·lev for a long, (1 − close/open)·lev for a short. */
  readonly profitRatio: number;
}

/**
 * Profit of closing the trade at `closeRate` at `closeTime` (Freqtrade `calc_profit` and
 * `calc_profit_ratio`, unrounded: Freqtrade rounds both to 8 decimals).
 * @example tradeProfit({ side: 'long', amount: 30, openRate: 2, feeOpen: 0.0025, feeClose: 0.0025 }, 2.2).profitAbs // 5.685
 */
export function tradeProfit(t: TradeTerms, closeRate: number, closeTime?: number): TradeProfit {
  const openValue = openTradeValue(t);
  const closeValue = closeTradeValue(t, closeRate, closeTime);
  const lev = leverageOf(t);
  const profitAbs = t.side === 'short' ? openValue - closeValue : closeValue - openValue;
  let profitRatio: number;
  if ((t.side === 'short' && closeValue === 0) || (t.side === 'long' && openValue === 0)) profitRatio = 0;
  else profitRatio = t.side === 'short' ? (1 - closeValue / openValue) * lev : (closeValue / openValue - 1) * lev;
  return { openValue, closeValue, interest: tradeInterest(t, closeTime), profitAbs, profitRatio };
}

// ---------------------------------------------------------------------------------------------
// DCA: replaying entry and exit fills

/** One filled order of a trade: an entry adds to the position, an exit reduces it. */
export interface LedgerFill {
  readonly kind: 'entry' | 'exit';
  /** Filled amount, base currency, positive. */
  readonly amount: number;
  /** Average fill price. */
  readonly price: number;
  /** Fill time, UTC ms (margin interest of an exit runs from the trade's open time to here). */
  readonly time?: number;
  /** Funding credited with this exit (futures), quote currency, + = received. */
  readonly fundingFee?: number;
}

/** A trade after replaying its fills (Freqtrade `recalc_trade_from_orders`). */
export interface TradeLedgerState {
  /**
   * Open amount. After the exit that closes the trade it keeps the amount held before that exit,
   * as Freqtrade's `Trade.amount` does (the closed trade still shows its final size).
   */
  readonly amount: number;
  /** Cost-weighted average entry price; exits realise PnL against it and leave it unchanged. */
  readonly openRate: number;
  /** Margin of the open amount: amount·openRate / leverage. */
  readonly stakeAmount: number;
  /** Sum of the profits of all exits so far, net of fees (0 before the first exit). */
  readonly realizedProfit: number;
  /** Profit of the last exit; on closing (`closing: true`) the total of all exits. Null before an exit. */
  readonly closeProfitAbs: number | null;
  /** Realised profit over the total entry value incl. fees, times leverage. Null before an exit. */
  readonly closeProfit: number | null;
  /** Sum of the entry values including fees over all entries. */
  readonly totalStake: number;
  /** Sum of entry notionals / leverage. */
  readonly maxStakeAmount: number;
  readonly isOpen: boolean;
}

/** Options of {@link replayFills}. */
export interface ReplayOptions {
  /** True when the last fill closes the trade (Freqtrade `is_closing`): close profit becomes the total. */
  readonly closing?: boolean;
}

/**
 * Replays a trade's fills in order, averaging entries and realising profit on each exit at the
 * average entry price, as Freqtrade's position adjustment (DCA) does. `terms` gives the side,
 * fees, leverage, mode, interest and open time; its amount and open rate are ignored.
 * Margin interest of a partial exit is charged on the borrowed share of that exit (Freqtrade
 * charges the whole position's loan at each exit); funding comes with each exit fill.
 * @example
 * replayFills(terms, [
 *   { kind: 'entry', amount: 100, price: 10 },
 *   { kind: 'entry', amount: 100, price: 15 },
 *   { kind: 'exit', amount: 50, price: 12 },
 * ]).realizedProfit // -25 without fees
 */
export function replayFills(terms: Omit<TradeTerms, 'amount' | 'openRate' | 'fundingFees'>, fills: readonly LedgerFill[], options: ReplayOptions = {}): TradeLedgerState {
  const lev = terms.leverage ?? 1;
  let currentAmount = 0;
  let currentStake = 0;
  let avg = 0;
  let totalStake = 0;
  let maxStake = 0;
  let realized = 0;
  let closeProfit = 0;
  let lastProfit: number | null = null;
  let shown = { amount: 0, openRate: 0, stake: 0 };
  // Amount comparisons tolerate the rounding of repeated additions and subtractions.
  const eps = (x: number): number => Math.abs(x) * 1e-12;
  for (let i = 0; i < fills.length; i++) {
    const fill = fills[i]!;
    if (!(Number.isFinite(fill.amount) && fill.amount > 0)) throw new DataError(`fill amount must be positive, got ${fill.amount}`, { source: 'trade fills', row: i + 1, field: 'amount' });
    if (!(Number.isFinite(fill.price) && fill.price > 0)) throw new DataError(`fill price must be positive, got ${fill.price}`, { source: 'trade fills', row: i + 1, field: 'price' });
    if (fill.kind === 'entry') {
      currentAmount += fill.amount;
      currentStake += fill.price * fill.amount;
      avg = currentStake / currentAmount;
      totalStake += openTradeValue({ ...terms, amount: fill.amount, openRate: fill.price });
      maxStake += fill.amount * fill.price;
    } else {
      if (fill.amount > currentAmount + eps(currentAmount)) {
        throw new DataError(`exit of ${fill.amount} exceeds the open amount ${currentAmount}`, { source: 'trade fills', row: i + 1, field: 'amount' });
      }
      currentAmount -= fill.amount;
      currentStake -= avg * fill.amount;
      if (currentAmount <= eps(fill.amount)) {
        currentAmount = 0;
        currentStake = 0;
      }
      const p = tradeProfit({ ...terms, amount: fill.amount, openRate: avg, fundingFees: fill.fundingFee ?? 0 }, fill.price, fill.time).profitAbs;
      lastProfit = p;
      realized += p;
      if (totalStake > 0) closeProfit = (realized / totalStake) * lev;
    }
    if (currentAmount > 0) shown = { amount: currentAmount, openRate: currentStake / currentAmount, stake: currentStake / lev };
  }
  const isOpen = currentAmount > 0;
  const hasExit = closeProfit !== 0 && lastProfit !== null;
  let closeProfitAbs: number | null = hasExit ? lastProfit : null;
  let closeProfitOut: number | null = hasExit ? closeProfit : null;
  if (!isOpen && options.closing === true && totalStake > 0) {
    closeProfitOut = (realized / totalStake) * lev;
    closeProfitAbs = realized;
  }
  return {
    amount: shown.amount,
    openRate: shown.openRate,
    stakeAmount: shown.stake,
    realizedProfit: hasExit ? realized : 0,
    closeProfitAbs,
    closeProfit: closeProfitOut,
    totalStake,
    maxStakeAmount: maxStake / lev,
    isOpen,
  };
}
