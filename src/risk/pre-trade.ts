/**
 * Pre-trade checks every order passes before it reaches a venue: the trading state, the
 * instrument's precision and minimums (prices rounded to the tick, quantities down to the lot),
 * reduce-only consistency, shorting on cash accounts and an estimate of buying power. The venue
 * checks again at the fill; these catch what can be known before sending.
 */
import type { MarketView } from '../data/market-cache.js';
import type { PreTradeCheck, PreTradeResult } from '../execution/client.js';
import { roundPrice, roundQuantityDown } from '../model/instrument.js';
import type { OrderRequest } from '../model/order.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import type { TradingStateHolder } from './trading-state.js';

export class PreTradeRisk implements PreTradeCheck {
  constructor(
    private readonly market: MarketView,
    private readonly portfolio: PortfolioView,
    private readonly tradingState: TradingStateHolder,
  ) {}

  check(request: OrderRequest): PreTradeResult {
    if (!this.market.hasInstrument(request.symbol)) {
      return deny('instrument', `unknown symbol ${request.symbol}; known: ${this.market.symbols.join(', ') || 'none'}`);
    }
    const inst = this.market.instrument(request.symbol);
    const position = this.portfolio.position(request.symbol).quantity;
    const reduces = request.side === 'buy' ? position < 0 : position > 0;
    const state = this.tradingState.state;
    if (state === 'HALTED') return deny('trading-state', 'trading is halted');
    if (state === 'REDUCING' && !(request.reduceOnly && reduces)) return deny('trading-state', 'trading is reducing: only reduce-only orders that shrink a position are allowed');
    if (request.reduceOnly && !reduces) return deny('reduce-only', `reduce-only ${request.side} order would not reduce the ${position === 0 ? 'flat' : position > 0 ? 'long' : 'short'} position`);

    // Rounded copies are made only when rounding changes something.
    const price = request.price === undefined || inst.tickSize === 0 ? request.price : roundPrice(inst, request.price);
    const triggerPrice = request.triggerPrice === undefined || inst.tickSize === 0 ? request.triggerPrice : roundPrice(inst, request.triggerPrice);
    let normalized = price === request.price && triggerPrice === request.triggerPrice ? request : { ...request, price, triggerPrice };
    const reference = price ?? triggerPrice ?? this.market.lastPrice(request.symbol);

    if ('base' in request.size) {
      const quantity = inst.lotSize === 0 ? request.size.base : roundQuantityDown(inst, request.size.base);
      if (!(quantity > 0)) return deny('lot-size', `quantity ${request.size.base} rounds to 0 at lot size ${inst.lotSize}`);
      if (quantity < inst.minQuantity) return deny('min-quantity', `quantity ${quantity} is below the minimum ${inst.minQuantity}`);
      if (Number.isFinite(reference) && quantity * reference * inst.multiplier < inst.minNotional) {
        return deny('min-notional', `order value ${(quantity * reference * inst.multiplier).toFixed(2)} is below the minimum notional ${inst.minNotional}`);
      }
      if (quantity !== request.size.base) normalized = { ...normalized, size: { base: quantity } };
      // A reduce-only order never grows a position (the venue caps it at the position).
      const closing = reduces ? Math.min(quantity, Math.abs(position)) : 0;
      const increasing = request.reduceOnly ? 0 : quantity - closing;
      if (increasing > 0) {
        if (this.portfolio.accountType === 'cash' && request.side === 'sell') {
          return deny('short-selling', 'a cash account cannot sell short; use a margin account');
        }
        if (Number.isFinite(reference)) {
          const needed = (increasing * reference * inst.multiplier) / this.portfolio.leverage;
          // The closing part of a flip releases its margin for the new side.
          const free = this.portfolio.freeMargin + (closing * reference * inst.multiplier) / this.portfolio.leverage;
          if (needed > free * 1.000001 + 1e-9) return deny('buying-power', `needs ${needed.toFixed(2)} of margin, ${free.toFixed(2)} free`);
        }
      }
    } else if ('quote' in request.size && Number.isFinite(reference) && request.size.quote < inst.minNotional) {
      return deny('min-notional', `order value ${request.size.quote} is below the minimum notional ${inst.minNotional}`);
    } else if (!reduces && this.portfolio.accountType === 'cash' && request.side === 'sell') {
      return deny('short-selling', 'a cash account cannot sell short; use a margin account');
    }
    return { ok: true, request: normalized };
  }
}

function deny(check: string, reason: string): PreTradeResult {
  return { ok: false, check, reason };
}
