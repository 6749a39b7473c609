/**
 * Kelly sizing. For a bet won with probability p that pays b per unit risked and loses the unit
 * otherwise, the growth-optimal fraction of capital is f* = (p·b − q)/b with q = 1 − p. Full Kelly
 * is too aggressive when p is an estimate, so we bet a fraction of it (¼ by default), never less
 * than 0 and never more than a cap (20% of equity by default).
 */

/** The default share of full Kelly. */
export const DEFAULT_KELLY_FRACTION = 0.25;
/** The default cap on any position, as a fraction of equity. */
export const DEFAULT_MAX_FRACTION = 0.2;

/**
 * Full Kelly f* = (p·b − q)/b: negative when the bet has negative edge; NaN when p is not in
 * [0, 1] or b is not positive. With b = ∞ (a bet that cannot lose more than nothing), f* = p.
 * @example kelly(0.6, 1) // 0.2
 */
export function kelly(p: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !(b > 0)) return NaN;
  if (b === Infinity) return p;
  return (p * b - (1 - p)) / b;
}

export interface FractionalKellyInput {
  /** Probability of winning: a calibrated confidence or a realised win rate. */
  readonly p: number;
  /** Payoff ratio: average win / average loss, or the stated edge over the loss if it fails. */
  readonly b: number;
  /** Share of full Kelly to bet (default ¼). */
  readonly fraction?: number;
  /** Largest fraction of equity (default 0.2). */
  readonly cap?: number;
}

export interface FractionalKellyResult {
  /** The fraction of equity to commit, in [0, cap]. */
  readonly fraction: number;
  /** Full Kelly f* (NaN for invalid inputs; may be negative). */
  readonly fullKelly: number;
  /** True when the cap cut the fraction. */
  readonly capped: boolean;
  /** Why the fraction is what it is, in one line. */
  readonly reason: string;
}

/**
 * Fractional Kelly with a floor of 0 and a cap. Any degenerate input (NaN, p outside [0, 1],
 * b ≤ 0, a negative fraction or cap) gives 0, never NaN.
 * @example fractionalKelly({ p: 0.6, b: 1 }) // { fraction: 0.05, fullKelly: 0.2, capped: false, … }
 */
export function fractionalKelly(input: FractionalKellyInput): FractionalKellyResult {
  const share = input.fraction ?? DEFAULT_KELLY_FRACTION;
  const cap = input.cap ?? DEFAULT_MAX_FRACTION;
  const full = kelly(input.p, input.b);
  if (!(share > 0 && share <= 1) || !(cap > 0)) return { fraction: 0, fullKelly: full, capped: false, reason: `invalid Kelly share ${share} or cap ${cap}` };
  if (full !== full) return { fraction: 0, fullKelly: full, capped: false, reason: `no Kelly bet: p = ${input.p} must be in [0, 1] and b = ${input.b} positive` };
  if (!(full > 0)) return { fraction: 0, fullKelly: full, capped: false, reason: `no edge: full Kelly ${full.toFixed(4)} at p = ${input.p.toFixed(4)}, b = ${input.b.toFixed(4)}` };
  const wanted = share * full;
  const fraction = Math.min(wanted, cap);
  const capped = wanted > cap;
  return {
    fraction, fullKelly: full, capped,
    reason: `${share === 0.25 ? '¼' : share} Kelly of f* = ${full.toFixed(4)} (p = ${input.p.toFixed(4)}, b = ${input.b.toFixed(4)})${capped ? `, capped at ${cap}` : ''}`,
  };
}

export interface WinLossStats {
  readonly trades: number;
  /** Wins / trades (a trade with PnL > 0 is a win). NaN without trades. */
  readonly winRate: number;
  readonly averageWin: number;
  /** Average loss as a positive number. */
  readonly averageLoss: number;
  /** averageWin / averageLoss: Kelly's b from realised trades. NaN without a win and a loss. */
  readonly winLossRatio: number;
}

/**
 * Realised win rate and payoff ratio of closed trades (Kelly's p and b from history).
 * @example winLossStats(portfolio.trades) // { winRate: 0.55, winLossRatio: 1.3, … }
 */
export function winLossStats(trades: ReadonlyArray<{ readonly pnl: number }>): WinLossStats {
  let wins = 0;
  let losses = 0;
  let winSum = 0;
  let lossSum = 0;
  let n = 0;
  for (const trade of trades) {
    const pnl = trade.pnl;
    if (!Number.isFinite(pnl)) continue;
    n++;
    if (pnl > 0) {
      wins++;
      winSum += pnl;
    } else if (pnl < 0) {
      losses++;
      lossSum -= pnl;
    }
  }
  const averageWin = wins > 0 ? winSum / wins : NaN;
  const averageLoss = losses > 0 ? lossSum / losses : NaN;
  return { trades: n, winRate: n > 0 ? wins / n : NaN, averageWin, averageLoss, winLossRatio: averageWin / averageLoss };
}
