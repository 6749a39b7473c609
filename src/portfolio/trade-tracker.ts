/**
 * Turns fills into closed trades (round trips): a trade opens when a position leaves flat and
 * closes when it returns to flat; a fill that flips the position closes one trade and opens the
 * next with the remainder. Fees of a flipping fill are split by quantity.
 */
import type { Fill } from '../model/fill.js';
import type { ClosedTrade } from '../model/trade.js';

interface OpenTrade {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTime: number;
  readonly entryBar: number;
  readonly entryTag: string | undefined;
  entryQty: number;
  entryValue: number;
  exitQty: number;
  exitValue: number;
  fees: number;
  carry: number;
  grossPnl: number;
  lastExitTime: number;
  exitReason: string;
}

export class TradeTracker {
  private readonly open = new Map<string, OpenTrade>();
  private readonly closed: ClosedTrade[] = [];
  private count = 0;

  constructor(private readonly multiplierOf: (symbol: string) => number) {}

  get trades(): readonly ClosedTrade[] {
    return this.closed;
  }

  /** Open trade of a symbol (for exits and reports), if any. */
  current(symbol: string): { readonly side: 'long' | 'short'; readonly entryTime: number; readonly entryPrice: number; readonly entryTag: string | undefined } | undefined {
    const t = this.open.get(symbol);
    return t && { side: t.side, entryTime: t.entryTime, entryPrice: t.entryValue / t.entryQty, entryTag: t.entryTag };
  }

  /**
   * Records a fill given the position quantity before it (signed) and the PnL it realised.
   * `barIndex` is the index of the base-timeframe bar during which the fill happened.
   */
  onFill(fill: Fill, quantityBefore: number, realized: number, barIndex: number): void {
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    const after = quantityBefore + signed;
    let trade = this.open.get(fill.symbol);
    const opening = quantityBefore === 0 || Math.sign(quantityBefore) === Math.sign(signed);
    if (opening) {
      if (!trade) {
        trade = {
          symbol: fill.symbol, side: signed > 0 ? 'long' : 'short', entryTime: fill.time, entryBar: barIndex, entryTag: fill.tag,
          entryQty: 0, entryValue: 0, exitQty: 0, exitValue: 0, fees: 0, carry: 0, grossPnl: 0, lastExitTime: fill.time, exitReason: '',
        };
        this.open.set(fill.symbol, trade);
      }
      trade.entryQty += fill.quantity;
      trade.entryValue += fill.quantity * fill.price;
      trade.fees += fill.fee;
      return;
    }
    if (!trade) return; // a reducing fill without a tracked trade cannot happen; ignore defensively
    const closingQty = Math.min(Math.abs(signed), Math.abs(quantityBefore));
    const closingShare = closingQty / fill.quantity;
    trade.exitQty += closingQty;
    trade.exitValue += closingQty * fill.price;
    trade.fees += fill.fee * closingShare;
    trade.grossPnl += realized;
    trade.lastExitTime = fill.time;
    trade.exitReason = fill.tag ?? 'exit';
    const flat = Math.abs(after) <= 1e-12 * Math.max(1, Math.abs(quantityBefore));
    const flipped = !flat && Math.sign(after) !== Math.sign(quantityBefore);
    if (flat || flipped) {
      this.finish(trade, barIndex);
      this.open.delete(fill.symbol);
    }
    if (flipped) {
      const rest = Math.abs(after);
      this.open.set(fill.symbol, {
        symbol: fill.symbol, side: after > 0 ? 'long' : 'short', entryTime: fill.time, entryBar: barIndex, entryTag: fill.tag,
        entryQty: rest, entryValue: rest * fill.price, exitQty: 0, exitValue: 0, fees: fill.fee * (1 - closingShare), carry: 0,
        grossPnl: 0, lastExitTime: fill.time, exitReason: '',
      });
    }
  }

  /** Funding or interest paid on the open trade of a symbol (negative when received). */
  onCarry(symbol: string, amount: number): void {
    const trade = this.open.get(symbol);
    if (trade) trade.carry += amount;
  }

  private finish(t: OpenTrade, exitBar: number): void {
    const entryPrice = t.entryValue / t.entryQty;
    const pnl = t.grossPnl - t.fees - t.carry;
    this.count++;
    this.closed.push({
      id: `T-${this.count}`, symbol: t.symbol, side: t.side, entryTime: t.entryTime, entryPrice,
      exitTime: t.lastExitTime, exitPrice: t.exitValue / t.exitQty, quantity: t.entryQty, pnl, grossPnl: t.grossPnl,
      fees: t.fees, carry: t.carry, returnPct: pnl / (entryPrice * t.entryQty * this.multiplierOf(t.symbol)),
      exitReason: t.exitReason, ...(t.entryTag !== undefined ? { entryTag: t.entryTag } : {}), bars: exitBar - t.entryBar + 1,
    });
  }
}
