/**
 * Pre-trade limits on top of the basic checks: position and exposure as a share of equity, open
 * positions, per-symbol limits, order value bounds, an order-rate limit and a price sanity band.
 *
 * Size limits apply to orders that open or grow a position; an order that only shrinks one is
 * never denied by a size limit (refusing to reduce risk would be the wrong way round). The rate
 * limit and the price band apply to every order.
 */
import type { MarketView } from '../data/market-cache.js';
import type { Instrument } from '../model/instrument.js';
import type { OrderRequest } from '../model/order.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import type { RiskLimits } from './config.js';

export interface LimitDenial {
  readonly check: string;
  readonly reason: string;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const money = (x: number): string => x.toFixed(2);
/** Relative slack so that an order sized exactly at a limit is not refused for rounding noise. */
const SLACK = 1 + 1e-9;

/** Sliding-window counter of accepted orders (a ring of their times). */
class RateWindow {
  private times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(Math.max(1, capacity));
  }

  resize(capacity: number): void {
    if (capacity === this.times.length) return;
    const kept = this.ordered().slice(-capacity);
    this.times = new Float64Array(Math.max(1, capacity));
    this.times.set(kept);
    this.size = kept.length;
    this.head = kept.length % this.times.length;
  }

  /** Orders in (now − windowMs, now]; older ones are dropped (times only grow, so this is amortised O(1)). */
  count(now: number, windowMs: number): number {
    const cap = this.times.length;
    while (this.size > 0 && this.times[(this.head - this.size + cap) % cap]! <= now - windowMs) this.size--;
    return this.size;
  }

  push(time: number): void {
    this.times[this.head] = time;
    this.head = (this.head + 1) % this.times.length;
    if (this.size < this.times.length) this.size++;
  }

  private ordered(): number[] {
    const cap = this.times.length;
    const out: number[] = [];
    for (let i = this.size; i > 0; i--) out.push(this.times[(this.head - i + cap * 2) % cap]!);
    return out;
  }
}

export class LimitChecker {
  private rate: RateWindow | undefined;
  /** Whether any limit is set (nothing to do per order otherwise). */
  private active = false;
  private sizeLimits = false;
  /** Open orders that may open a position, by order id → symbol (for the open-positions limit). */
  private readonly pendingEntries = new Map<string, string>();
  /** The same, counted per symbol. */
  private readonly pendingBySymbol = new Map<string, number>();

  constructor(
    private readonly market: MarketView,
    private readonly portfolio: PortfolioView,
    private limits: RiskLimits,
  ) {
    this.configure(limits);
  }

  configure(limits: RiskLimits): void {
    this.limits = limits;
    this.sizeLimits = limits.maxPositionFraction !== null || limits.maxGrossExposureFraction !== null || limits.maxOpenPositions !== null
      || limits.minNotional > 0 || limits.maxOrderNotional !== null;
    this.active = this.sizeLimits || limits.orderRate !== null || limits.priceBand !== null || Object.keys(limits.perSymbol).length > 0;
    if (limits.orderRate === null) this.rate = undefined;
    else if (this.rate) this.rate.resize(limits.orderRate.maxOrders);
    else this.rate = new RateWindow(limits.orderRate.maxOrders);
  }

  /** An order left the open set (filled, canceled, rejected, expired). */
  orderClosed(orderId: string): void {
    const symbol = this.pendingEntries.get(orderId);
    if (symbol === undefined) return;
    this.pendingEntries.delete(orderId);
    const n = this.pendingBySymbol.get(symbol)! - 1;
    if (n === 0) this.pendingBySymbol.delete(symbol);
    else this.pendingBySymbol.set(symbol, n);
  }

  /** An order passed every check at `now`: it counts toward the rate limit. */
  accepted(now: number): void {
    this.rate?.push(now);
  }

  /** An open order that may open a position (not reduce-only). */
  trackEntry(orderId: string, symbol: string): void {
    this.pendingEntries.set(orderId, symbol);
    this.pendingBySymbol.set(symbol, (this.pendingBySymbol.get(symbol) ?? 0) + 1);
  }

  check(request: OrderRequest, now: number): LimitDenial | undefined {
    if (!this.active) return undefined;
    const limits = this.limits;
    if (limits.orderRate !== null) {
      const n = this.rate!.count(now, limits.orderRate.windowMs);
      if (n >= limits.orderRate.maxOrders) {
        return { check: 'order-rate', reason: `${n} orders in the last ${limits.orderRate.windowMs / 1000} s; the limit is ${limits.orderRate.maxOrders}` };
      }
    }
    const last = this.market.lastPrice(request.symbol);
    if (limits.priceBand !== null && last > 0) {
      const band = this.priceBand(request, last, limits.priceBand);
      if (band) return band;
    }
    const symbolLimits = limits.perSymbol[request.symbol];
    if (!this.sizeLimits && symbolLimits === undefined) return undefined;

    const inst = this.market.instrument(request.symbol);
    const ref = request.price ?? request.triggerPrice ?? last;
    const quantity = this.orderQuantity(request, ref, inst);
    if (!Number.isFinite(quantity)) return undefined;
    const position = this.portfolio.position(request.symbol);
    const before = position.quantity;
    const after = before + (request.side === 'buy' ? quantity : -quantity);
    if (Math.abs(after) <= Math.abs(before) && Math.sign(after) * Math.sign(before) >= 0) return undefined;

    if (symbolLimits && !symbolLimits.allowed) return { check: 'symbol-limit', reason: `opening or growing a position in ${request.symbol} is not allowed` };
    const orderValue = quantity * ref * inst.multiplier;
    if (limits.minNotional > 0 && orderValue < limits.minNotional) {
      return { check: 'min-notional', reason: `order value ${money(orderValue)} is below the risk minimum ${limits.minNotional}` };
    }
    if (limits.maxOrderNotional !== null && orderValue > limits.maxOrderNotional * SLACK) {
      return { check: 'max-order-value', reason: `order value ${money(orderValue)} is above the limit ${limits.maxOrderNotional}` };
    }
    const afterValue = Math.abs(after) * ref * inst.multiplier;
    if (symbolLimits) {
      if (symbolLimits.maxOrderNotional !== null && orderValue > symbolLimits.maxOrderNotional * SLACK) {
        return { check: 'symbol-limit', reason: `${request.symbol} order value ${money(orderValue)} is above the symbol's limit ${symbolLimits.maxOrderNotional}` };
      }
      if (symbolLimits.maxPositionQuantity !== null && Math.abs(after) > symbolLimits.maxPositionQuantity * SLACK) {
        return { check: 'symbol-limit', reason: `${request.symbol} position would be ${Math.abs(after)}, above the symbol's limit ${symbolLimits.maxPositionQuantity}` };
      }
      if (symbolLimits.maxPositionNotional !== null && afterValue > symbolLimits.maxPositionNotional * SLACK) {
        return { check: 'symbol-limit', reason: `${request.symbol} position value would be ${money(afterValue)}, above the symbol's limit ${symbolLimits.maxPositionNotional}` };
      }
    }
    const maxPosition = symbolLimits?.maxPositionFraction ?? limits.maxPositionFraction;
    const needsEquity = maxPosition !== null || limits.maxGrossExposureFraction !== null;
    const equity = needsEquity ? this.portfolio.equity : NaN;
    if (needsEquity && !(equity > 0)) return { check: maxPosition !== null ? 'max-position' : 'max-gross-exposure', reason: `equity is ${money(equity)}: no new exposure` };
    if (maxPosition !== null && afterValue > maxPosition * equity * SLACK) {
      return { check: 'max-position', reason: `${request.symbol} position value would be ${money(afterValue)} = ${pct(afterValue / equity)} of equity ${money(equity)}; the limit is ${pct(maxPosition)}` };
    }
    if (limits.maxGrossExposureFraction !== null) {
      const currentValue = Math.abs(before * (Number.isFinite(position.markPrice) ? position.markPrice : ref) * inst.multiplier);
      const gross = this.portfolio.grossExposure - currentValue + afterValue;
      if (gross > limits.maxGrossExposureFraction * equity * SLACK) {
        return { check: 'max-gross-exposure', reason: `gross exposure would be ${money(gross)} = ${pct(gross / equity)} of equity ${money(equity)}; the limit is ${pct(limits.maxGrossExposureFraction)}` };
      }
    }
    if (limits.maxOpenPositions !== null && before === 0 && !this.pendingBySymbol.has(request.symbol)) {
      // Symbols with a position, plus symbols with only a pending entry (no allocation per order).
      let occupied = this.portfolio.openPositions().length;
      for (const symbol of this.pendingBySymbol.keys()) if (this.portfolio.position(symbol).quantity === 0) occupied++;
      if (occupied >= limits.maxOpenPositions) {
        return { check: 'max-open-positions', reason: `${occupied} symbols already have a position or a pending entry; the limit is ${limits.maxOpenPositions}` };
      }
    }
    return undefined;
  }

  private priceBand(request: OrderRequest, last: number, band: number): LimitDenial | undefined {
    for (const [label, price] of [['limit', request.price], ['stop', request.triggerPrice]] as const) {
      if (price === undefined) continue;
      const deviation = Math.abs(price / last - 1);
      if (deviation > band * SLACK) {
        return { check: 'price-band', reason: `${label} price ${price} is ${pct(deviation)} from the last price ${last}; the band is ±${pct(band)}` };
      }
    }
    return undefined;
  }

  /** The order's quantity in base units, estimating quote and equity-fraction sizes at `ref`. */
  private orderQuantity(request: OrderRequest, ref: number, inst: Instrument): number {
    const size = request.size;
    if ('base' in size) return size.base;
    if (!(ref > 0)) return NaN;
    if ('quote' in size) return size.quote / (ref * inst.multiplier);
    return (this.portfolio.freeMargin * size.equityFraction * this.portfolio.leverage) / (ref * inst.multiplier);
  }
}
