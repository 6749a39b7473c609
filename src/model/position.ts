/**
 * Net positions: one per symbol, long when quantity > 0, short when < 0. Fills that cross zero
 * close the position and open a new one on the other side (a flip).
 */
import type { Fill } from './fill.js';
import { sideSign } from './fill.js';

export type PositionSide = 'long' | 'short' | 'flat';

export interface PositionView {
  readonly symbol: string;
  /** Signed quantity: positive long, negative short. */
  readonly quantity: number;
  readonly side: PositionSide;
  /** Average entry price of the open quantity; NaN when flat. */
  readonly avgPrice: number;
  /** Realised PnL in quote currency since the account started, before fees. */
  readonly realizedPnl: number;
  /** Fees paid on this symbol since the account started. */
  readonly fees: number;
  /** Funding paid (positive) or received (negative) on this symbol. */
  readonly funding: number;
  /** Time the current position was opened; NaN when flat. */
  readonly openedAt: number;
  readonly multiplier: number;
  /** Last price used to value the position. */
  readonly markPrice: number;
  readonly unrealizedPnl: number;
}

const EPS = 1e-12;

export class Position implements PositionView {
  quantity = 0;
  avgPrice = Number.NaN;
  realizedPnl = 0;
  fees = 0;
  funding = 0;
  openedAt = Number.NaN;
  markPrice = Number.NaN;

  constructor(
    readonly symbol: string,
    readonly multiplier = 1,
  ) {}

  get side(): PositionSide {
    return this.quantity > 0 ? 'long' : this.quantity < 0 ? 'short' : 'flat';
  }

  get unrealizedPnl(): number {
    if (this.quantity === 0 || Number.isNaN(this.markPrice)) return 0;
    return (this.markPrice - this.avgPrice) * this.quantity * this.multiplier;
  }

  /** Value of the open quantity at the mark price (negative for shorts). */
  get notional(): number {
    return this.quantity === 0 ? 0 : this.quantity * this.markPrice * this.multiplier;
  }

  /**
   * Applies a fill and returns the PnL it realised (before fees). Quantities that become tiny
   * through floating-point noise are treated as flat.
   */
  applyFill(fill: Fill): number {
    const signed = sideSign(fill.side) * fill.quantity;
    this.fees += fill.fee;
    let realized = 0;
    const q = this.quantity;
    if (q === 0 || Math.sign(q) === Math.sign(signed)) {
      // Opening or adding: the average price moves.
      const total = q + signed;
      this.avgPrice = q === 0 ? fill.price : (this.avgPrice * q + fill.price * signed) / total;
      if (q === 0) this.openedAt = fill.time;
      this.quantity = total;
    } else {
      const closing = Math.min(Math.abs(signed), Math.abs(q));
      realized = (fill.price - this.avgPrice) * closing * Math.sign(q) * this.multiplier;
      const rest = q + signed;
      if (Math.abs(rest) <= EPS * Math.max(1, Math.abs(q))) {
        this.quantity = 0;
        this.avgPrice = Number.NaN;
        this.openedAt = Number.NaN;
      } else if (Math.sign(rest) === Math.sign(q)) {
        this.quantity = rest;
      } else {
        // Flip: the remainder opens a position on the other side at the fill price.
        this.quantity = rest;
        this.avgPrice = fill.price;
        this.openedAt = fill.time;
      }
    }
    this.realizedPnl += realized;
    this.markPrice = fill.price;
    return realized;
  }

  snapshot(): PositionView {
    return Object.freeze({
      symbol: this.symbol, quantity: this.quantity, side: this.side, avgPrice: this.avgPrice,
      realizedPnl: this.realizedPnl, fees: this.fees, funding: this.funding, openedAt: this.openedAt,
      multiplier: this.multiplier, markPrice: this.markPrice, unrealizedPnl: this.unrealizedPnl,
    });
  }
}
