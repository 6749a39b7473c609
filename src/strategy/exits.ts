/**
 * Exit rules as real orders. When an entry fills, the position gets protective orders at the
 * venue — a stop-loss (stop-market, possibly trailing) and a take-profit limit at the current
 * minimal-ROI step — all reduce-only, so the first to fill closes the position and the venue
 * cancels the rest. At each bar close the take-profit follows the ROI table.
 *
 * Freqtrade's two-stage trailing (trail at |stoploss| until profit exceeds an offset, then at
 * `trailingStopPositive`) is two trailing stops: the effective stop is the higher of the two.
 * A stop that has trailed away from its initial level is relabelled `trailing_stop_loss`, as
 * Freqtrade reports it.
 */
import type { ExecutionEngine } from '../execution/execution-engine.js';
import type { OrderEvent } from '../model/events.js';
import { isOpen as isWorking, type OrderRequest } from '../model/order.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import type { ExitRules } from './define.js';

export interface FeeRates {
  readonly maker: number;
  readonly taker: number;
}

/** Fixed exit prices given with an entry (backtesting.py's `sl`/`tp`, Alpaca's bracket legs). */
export interface Brackets {
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

interface Protection {
  readonly side: 'long' | 'short';
  readonly leverage: number;
  readonly entryPrice: number;
  readonly entryTime: number;
  readonly protectiveIds: string[];
  /** Initial trigger of each stop, to tell when one has trailed. */
  readonly initialTriggers: Map<string, number>;
  roiId: string | undefined;
  roiKey: number | undefined;
}

/**
 * Price at which a position entered at `entry` shows a profit ratio of `ratio` after fees
 * (Freqtrade's definition: ratio = (close value / open value − 1) × leverage for longs).
 */
export function priceForProfit(entry: number, ratio: number, side: 'long' | 'short', leverage: number, fees: FeeRates): number {
  const r = ratio / leverage;
  return side === 'long'
    ? (entry * (1 + fees.taker) * (1 + r)) / (1 - fees.taker)
    : (entry * (1 - fees.taker) * (1 - r)) / (1 + fees.taker);
}

export class ExitManager {
  private readonly protections = new Map<string, Protection>();
  private readonly roiKeys: number[];

  constructor(
    private readonly rules: ExitRules,
    private readonly execution: ExecutionEngine,
    private readonly portfolio: PortfolioView,
    private readonly owner: string,
    private readonly feesOf: (symbol: string) => FeeRates,
  ) {
    this.roiKeys = Object.keys(rules.minimalRoi).map(Number).sort((a, b) => a - b);
  }

  private get hasRules(): boolean {
    return this.rules.stoploss !== undefined || this.roiKeys.length > 0;
  }

  /** An entry of this strategy filled: (re)place the protective orders for the whole position. */
  onEntryFilled(symbol: string, leverage: number, brackets: Brackets, now: number): void {
    if (!this.hasRules && brackets.stopLoss === undefined && brackets.takeProfit === undefined) return;
    const position = this.portfolio.position(symbol);
    const trade = this.portfolio.openTrade(symbol);
    if (position.quantity === 0 || !trade) return;
    this.cancel(symbol, 'replaced after an entry fill');
    const side = position.quantity > 0 ? 'long' : 'short';
    const protection: Protection = {
      side, leverage, entryPrice: position.avgPrice, entryTime: trade.entryTime, protectiveIds: [], initialTriggers: new Map(), roiId: undefined, roiKey: undefined,
    };
    this.protections.set(symbol, protection);
    this.placeStops(symbol, protection, Math.abs(position.quantity));
    this.placeBrackets(symbol, protection, Math.abs(position.quantity), brackets);
    this.updateRoi(symbol, now);
  }

  private placeBrackets(symbol: string, p: Protection, quantity: number, brackets: Brackets): void {
    const side = p.side === 'long' ? 'sell' : 'buy';
    if (brackets.stopLoss !== undefined) {
      const order = this.execution.submit({ symbol, side, type: 'stop-market', size: { base: quantity }, triggerPrice: brackets.stopLoss, reduceOnly: true, owner: this.owner, tag: 'stop_loss' });
      if (order.status !== 'rejected') p.protectiveIds.push(order.id);
    }
    if (brackets.takeProfit !== undefined) {
      const order = this.execution.submit({ symbol, side, type: 'limit', size: { base: quantity }, price: brackets.takeProfit, reduceOnly: true, owner: this.owner, tag: 'take_profit' });
      if (order.status !== 'rejected') p.protectiveIds.push(order.id);
    }
  }

  /** A base bar closed: move the take-profit to the ROI step active now. */
  onBarClose(symbol: string, now: number): void {
    if (this.roiKeys.length > 0 && this.protections.has(symbol)) this.updateRoi(symbol, now);
  }

  /** The working protective orders of a symbol (stops, brackets, take-profit). */
  orderIds(symbol: string): readonly string[] {
    const p = this.protections.get(symbol);
    return p ? [...p.protectiveIds, ...(p.roiId ? [p.roiId] : [])] : [];
  }

  /** Relabels a stop that has trailed; forgets protections whose position closed. */
  onOrderEvent(event: OrderEvent): void {
    const protection = this.protections.get(event.symbol);
    if (!protection) return;
    if (event.kind === 'order.updated' && event.triggerPrice !== undefined) {
      const initial = protection.initialTriggers.get(event.orderId);
      if (initial !== undefined && event.triggerPrice !== initial) this.execution.retag(event.orderId, 'trailing_stop_loss');
    }
    if (event.kind === 'order.filled' && this.portfolio.position(event.symbol).quantity === 0) {
      this.protections.delete(event.symbol);
    }
  }

  /** Cancels the protective orders of a symbol. */
  cancel(symbol: string, reason: string): void {
    const protection = this.protections.get(symbol);
    if (!protection) return;
    for (const id of this.orderIds(symbol)) {
      const order = this.execution.get(id);
      if (order && isWorking(order.status)) this.execution.cancel(id, reason);
    }
    this.protections.delete(symbol);
  }

  private placeStops(symbol: string, p: Protection, quantity: number): void {
    const { stoploss, trailingStop, trailingStopPositive, trailingStopPositiveOffset, trailingOnlyOffsetIsReached } = this.rules;
    if (stoploss === undefined) return;
    const exitSide = p.side === 'long' ? 'sell' : 'buy';
    const fees = this.feesOf(symbol);
    // Freqtrade's stop is a price move from the entry rate, without fees.
    const initial = p.side === 'long' ? p.entryPrice * (1 + stoploss / p.leverage) : p.entryPrice * (1 - stoploss / p.leverage);
    const base: OrderRequest = { symbol, side: exitSide, type: 'stop-market', size: { base: quantity }, triggerPrice: initial, reduceOnly: true, owner: this.owner, tag: 'stop_loss' };
    const submit = (request: OrderRequest): void => {
      const order = this.execution.submit(request);
      if (order.status === 'rejected') return;
      p.protectiveIds.push(order.id);
      p.initialTriggers.set(order.id, order.triggerPrice!);
    };
    const trailsBeforeOffset = trailingStop && !(trailingStopPositive !== undefined && trailingOnlyOffsetIsReached);
    submit(trailsBeforeOffset ? { ...base, trailing: { offset: Math.abs(stoploss) / p.leverage } } : base);
    if (trailingStop && trailingStopPositive !== undefined) {
      const activationPrice = priceForProfit(p.entryPrice, trailingStopPositiveOffset, p.side, p.leverage, fees);
      submit({ ...base, tag: 'trailing_stop_loss', trailing: { offset: trailingStopPositive / p.leverage, activationPrice } });
    }
  }

  private updateRoi(symbol: string, now: number): void {
    const p = this.protections.get(symbol);
    if (!p || this.roiKeys.length === 0) return;
    const minutes = (now - p.entryTime) / 60_000;
    let key: number | undefined;
    for (const k of this.roiKeys) if (k <= minutes + 1e-9) key = k;
    if (key === undefined || key === p.roiKey) return;
    p.roiKey = key;
    const ratio = Math.max(-1, this.rules.minimalRoi[String(key)]!);
    const position = this.portfolio.position(symbol);
    const quantity = Math.abs(position.quantity);
    if (quantity === 0) return;
    const exitSide = p.side === 'long' ? 'sell' : 'buy';
    const existing = p.roiId === undefined ? undefined : this.execution.get(p.roiId);
    // Minimal ROI takes profit once it EXCEEDS the ratio (Freqtrade compares with >), so the
    // limit sits a hair beyond the exact price. −1 means "any profit above −100%": a limit at that
    // price, which the market beats at once.
    const exact = priceForProfit(p.entryPrice, ratio, p.side, p.leverage, this.feesOf(symbol));
    const price = Math.max(exact * (p.side === 'long' ? 1 + 1e-9 : 1 - 1e-9), p.entryPrice * 1e-9);
    // A step that starts exactly now re-prices the resting take-profit; one that started inside
    // the bar just closed is placed afresh. On a real venue both behave alike; under Freqtrade's
    // level convention only a re-priced take-profit already beaten at the open fills at the open.
    const startsNow = Math.abs(p.entryTime + key * 60_000 - now) < 1;
    if (existing && isWorking(existing.status)) {
      if (startsNow) {
        this.execution.modify(existing.id, { price });
        return;
      }
      this.execution.cancel(existing.id, 'replaced by the next minimal-ROI step');
    }
    const order = this.execution.submit({ symbol, side: exitSide, type: 'limit', size: { base: quantity }, price, reduceOnly: true, owner: this.owner, tag: 'roi' });
    p.roiId = order.status === 'rejected' ? undefined : order.id;
  }
}
