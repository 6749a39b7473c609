/** Market data other than bars: trades, quotes and order-book snapshots. */

export type AggressorSide = 'buy' | 'sell' | 'unknown';

export interface TradeTick {
  readonly symbol: string;
  readonly time: number;
  readonly price: number;
  readonly size: number;
  readonly aggressor: AggressorSide;
  readonly tradeId: string;
}

export interface QuoteTick {
  readonly symbol: string;
  readonly time: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}

/** One price level: [price, size]. */
export type BookLevel = readonly [price: number, size: number];

export interface OrderBookSnapshot {
  readonly symbol: string;
  readonly time: number;
  /** Best first (highest bid first). */
  readonly bids: readonly BookLevel[];
  /** Best first (lowest ask first). */
  readonly asks: readonly BookLevel[];
}

/** Mid price of a book or quote; undefined when a side is empty. */
export function midPrice(book: Pick<OrderBookSnapshot, 'bids' | 'asks'>): number | undefined {
  const bid = book.bids[0];
  const ask = book.asks[0];
  return bid && ask ? (bid[0] + ask[0]) / 2 : undefined;
}

/**
 * Order-book imbalance over the top `depth` levels, in [-1, 1]: positive when bids outweigh asks.
 */
export function bookImbalance(book: Pick<OrderBookSnapshot, 'bids' | 'asks'>, depth = 10): number {
  let bidSize = 0;
  let askSize = 0;
  for (let i = 0; i < depth && i < book.bids.length; i++) bidSize += book.bids[i]![1];
  for (let i = 0; i < depth && i < book.asks.length; i++) askSize += book.asks[i]![1];
  const total = bidSize + askSize;
  return total === 0 ? 0 : (bidSize - askSize) / total;
}
