/**
 * The market side of the cache: instruments, point-in-time bar series, last prices, latest quotes
 * and books. Engines and strategies read it through `MarketView`.
 */
import { ConfigurationError } from '../core/errors.js';
import { SymbolMap } from '../core/symbol-map.js';
import type { Timeframe } from '../core/time.js';
import type { Instrument } from '../model/instrument.js';
import type { OrderBookSnapshot, QuoteTick } from '../model/market.js';
import { BarSeries, type BarSeriesView } from './series.js';

export interface MarketView {
  instrument(symbol: string): Instrument;
  hasInstrument(symbol: string): boolean;
  readonly symbols: readonly string[];
  /** The series of closed bars for a symbol and timeframe. */
  series(symbol: string, timeframe: Timeframe): BarSeriesView;
  hasSeries(symbol: string, timeframe: Timeframe): boolean;
  /** Last traded (or closing) price known now; NaN before any data. */
  lastPrice(symbol: string): number;
  quote(symbol: string): QuoteTick | undefined;
  book(symbol: string): OrderBookSnapshot | undefined;
}

export class MarketCache implements MarketView {
  private readonly instruments = new Map<string, Instrument>();
  private readonly seriesByKey = new Map<string, BarSeries>();
  /** A mutable cell per symbol, so the data engine updates the price without a lookup. */
  private readonly prices = new SymbolMap<{ value: number }>();
  private readonly quotes = new Map<string, QuoteTick>();
  private readonly books = new Map<string, OrderBookSnapshot>();
  private symbolList: string[] = [];

  constructor(private readonly defaultCapacity = 1000) {}

  addInstrument(instrument: Instrument): void {
    if (!this.instruments.has(instrument.symbol)) this.symbolList = [...this.symbolList, instrument.symbol];
    this.instruments.set(instrument.symbol, instrument);
  }

  get symbols(): readonly string[] {
    return this.symbolList;
  }

  hasInstrument(symbol: string): boolean {
    return this.instruments.has(symbol);
  }

  instrument(symbol: string): Instrument {
    const inst = this.instruments.get(symbol);
    if (!inst) throw new ConfigurationError(`unknown symbol ${symbol}; known: ${this.symbolList.join(', ') || 'none'}`, 'symbol');
    return inst;
  }

  /** Creates the series if needed (capacity = bars kept). */
  ensureSeries(symbol: string, timeframe: Timeframe, capacity = this.defaultCapacity): BarSeries {
    const key = `${symbol}|${timeframe}`;
    let series = this.seriesByKey.get(key);
    if (!series || series.capacity < capacity) {
      if (series && series.count > 0) throw new Error(`series ${key} cannot grow after data arrived`);
      series = new BarSeries(symbol, timeframe, capacity);
      this.seriesByKey.set(key, series);
    }
    return series;
  }

  hasSeries(symbol: string, timeframe: Timeframe): boolean {
    return this.seriesByKey.has(`${symbol}|${timeframe}`);
  }

  series(symbol: string, timeframe: Timeframe): BarSeries {
    const series = this.seriesByKey.get(`${symbol}|${timeframe}`);
    if (!series) {
      const known = [...this.seriesByKey.keys()].map((k) => k.replace('|', ' ')).join(', ');
      throw new ConfigurationError(`no ${timeframe} series for ${symbol}; available: ${known || 'none'} (declare extra timeframes in the strategy)`, 'timeframe');
    }
    return series;
  }

  lastPrice(symbol: string): number {
    return this.prices.get(symbol)?.value ?? Number.NaN;
  }

  setLastPrice(symbol: string, price: number): void {
    this.priceCell(symbol).value = price;
  }

  /** The symbol's last-price cell (created NaN). */
  priceCell(symbol: string): { value: number } {
    return this.prices.getOrCreate(symbol, () => ({ value: Number.NaN }));
  }

  quote(symbol: string): QuoteTick | undefined {
    return this.quotes.get(symbol);
  }

  setQuote(quote: QuoteTick): void {
    this.quotes.set(quote.symbol, quote);
    this.setLastPrice(quote.symbol, (quote.bid + quote.ask) / 2);
  }

  book(symbol: string): OrderBookSnapshot | undefined {
    return this.books.get(symbol);
  }

  setBook(book: OrderBookSnapshot): void {
    this.books.set(book.symbol, book);
  }
}
