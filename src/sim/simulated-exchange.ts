/**
 * The SimulatedExchange: the venue used by backtests and paper trading. It holds working orders
 * and fills them against market data as a real venue would, under explicit, documented
 * assumptions:
 *
 * - Time: an order reaches the venue `latencyMs` after it is sent; so do cancels and changes.
 * - Price path: each bar trades along an intrabar path (see path.ts). Everything that happens
 *   during a bar — arrivals, cancels, changes, expiries, funding, fills — is processed in the
 *   order it happens along that path. Orders sent from a fill callback (a stop after an entry)
 *   join the walk for the rest of the bar.
 * - Fills: market orders fill where they arrive on the path (the next bar's open when sent at a
 *   bar close); limits fill at their price when the path reaches it, or at the better price where
 *   the market opened through it; stops fill at their trigger, or at the worse price where the
 *   market gapped through it (`gapFills: 'market'`). Takers pay slippage, kept inside the bar's
 *   range.
 * - Liquidity: at most `maxVolumeShare` of a bar's volume fills per bar per symbol; the rest of
 *   a GTC order keeps working on later bars, IOC cancels it, FOK fills all or nothing.
 * - Money: fees per instrument (maker/taker), funding for perpetuals, margin checked at the fill,
 *   liquidation of a margin account when equity falls to the maintenance margin.
 */
import type { Clock } from '../core/clock.js';
import { SymbolMap } from '../core/symbol-map.js';
import { DAY_MS, timeframeMs } from '../core/time.js';
import type { MessageBus } from '../bus/message-bus.js';
import type { MarketView } from '../data/market-cache.js';
import type { ExecutionClient, ExecutionListener, OrderChanges } from '../execution/client.js';
import type { Bar } from '../model/bar.js';
import { roundQuantityDown, type Instrument } from '../model/instrument.js';
import type { Liquidity, OrderView } from '../model/order.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import { extremesBetween, firstReach, pathPoints, priceAt, type IntrabarPath } from './path.js';
import { slippageFraction, type SlippageModel } from './slippage.js';

export interface FeeOverride {
  /** Overrides every instrument's maker fee rate. */
  readonly maker?: number;
  /** Overrides every instrument's taker fee rate. */
  readonly taker?: number;
  /** Fixed amount per order, charged with its first fill (backtesting.py's fixed commission). */
  readonly fixedPerOrder?: number;
  /** Amount per unit of quantity (backtrader's per-contract commission). */
  readonly perUnit?: number;
}

export interface FundingSeries {
  /** Funding times, UTC epoch ms, ascending. */
  readonly time: Float64Array;
  /** Rate at each time; positive: longs pay shorts. */
  readonly rate: Float64Array;
}

export interface SimulatedExchangeOptions {
  readonly venue: string;
  readonly latencyMs: number;
  readonly path: IntrabarPath;
  readonly slippage: SlippageModel;
  readonly fees: FeeOverride;
  /** Share of a bar's volume that may fill per bar and symbol; null for no cap. */
  readonly maxVolumeShare: number | null;
  /**
   * `next-open`: a market order fills where it reaches the market, i.e. at the next bar's open
   * when sent at a bar's close. `close`: it fills at once at the last close (backtrader's
   * cheat-on-close, backtesting.py's trade_on_close) — optimistic, for comparison only.
   */
  readonly marketFills: 'next-open' | 'close';
  /**
   * Which order fills first when several could fill in the same bar:
   * - `path` (default): whichever the intrabar path reaches first;
   * - `stops-first`: stop orders before all others, whatever the path (backtesting.py's
   *   pessimistic "stop-loss before take-profit");
   * - `freqtrade`: Freqtrade's exit sequence — market orders (exit signals), then a stop that has
   *   not trailed, then limits (ROI, take-profit), then stops that have trailed.
   * Within a class, the path decides.
   */
  readonly fillPriority: 'path' | 'stops-first' | 'freqtrade';
  /**
   * How a stop or a resting limit fills when the bar's range contains its level but the market
   * opened beyond it: `market` (default, real venues) at the open; `level` at the order's own
   * level (Freqtrade's backtest). Limits that would fill beyond the bar are clamped to the bar in
   * both conventions.
   */
  readonly gapFills: 'market' | 'level';
  readonly fundingRates: ReadonlyMap<string, FundingSeries>;
  /** Liquidate a margin account when equity ≤ this fraction of gross exposure. */
  readonly maintenanceMargin: number;
  /**
   * Orders sent in reaction to a fill inside a bar (after its open; e.g. the stop-loss of a stop
   * entry): `anywhere` (default) lets them work for the rest of the bar along the path;
   * `unambiguous` (backtesting.py) lets them work in the same bar only if none of their stops
   * could trigger within the bar's range — otherwise the order of events inside the bar is
   * unknowable and they all start with the next bar.
   */
  readonly reactWithinBar: 'anywhere' | 'unambiguous';
  /**
   * A trailing stop that triggers in the bar where it started working: `path` (default) fills
   * where the path took it; `activation` fills as if the market had reached only the stop's
   * activation price (or the price where it arrived) before turning, kept inside the bar —
   * Freqtrade's pessimistic price for a trailing stop hit in the candle of the entry.
   */
  readonly trailingFirstBar: 'path' | 'activation';
}

export const defaultSimOptions: SimulatedExchangeOptions = {
  venue: 'sim',
  latencyMs: 0,
  path: 'nearest',
  slippage: { kind: 'none' },
  fees: {},
  maxVolumeShare: null,
  marketFills: 'next-open',
  fillPriority: 'path',
  gapFills: 'market',
  fundingRates: new Map(),
  maintenanceMargin: 0,
  reactWithinBar: 'anywhere',
  trailingFirstBar: 'path',
};

interface Working {
  readonly order: OrderView;
  readonly seq: number;
  readonly instrument: Instrument;
  price: number | undefined;
  trigger: number | undefined;
  /** A stop-limit whose stop was reached now rests as a limit. */
  triggered: boolean;
  /** Trailing stops: whether trailing has started, and the best price since. */
  trailActive: boolean;
  best: number;
  /** When it reaches the venue (or, when deferred by `reactWithinBar`, starts working). */
  arrival: number;
  accepted: boolean;
  /** Has rested on the book (so a later fill is a maker fill). */
  rested: boolean;
  /** Its price was changed to take effect in the current bar (a new take-profit step). */
  repriced: boolean;
  /** The stop level it was placed at (or last explicitly moved to): it has trailed when it differs. */
  initialTrigger: number | undefined;
  /** End of the first bar it works in, and the price where it arrived (NaN until known). */
  firstBarEnd: number;
  arrivalPrice: number;
  quantity: number | undefined;
  filled: number;
  done: boolean;
  /** No more fills this bar (volume budget used up). */
  blocked: boolean;
  cancelAt: number;
  cancelReason: string;
  readonly modifications: Array<{ readonly at: number; readonly changes: OrderChanges }>;
  readonly expireAt: number;
}

interface SymbolBook {
  working: Working[];
  lastBar: Bar | undefined;
  budget: number;
  readonly funding: FundingSeries | undefined;
  fundingIndex: number;
}

/** An event found on the path: what happens, where (s) and to whom. */
interface PathEvent {
  kind: 'funding' | 'expire' | 'cancel' | 'modify' | 'accept' | 'fill';
  s: number;
  rank: number;
  w: Working | undefined;
  price: number;
  liquidity: Liquidity;
  isStop: boolean;
  /** A trailing stop that has moved from where it was placed. */
  trailed: boolean;
}

const KIND_RANK = { funding: 0, expire: 1, cancel: 2, modify: 3, accept: 4, fill: 5 } as const;

/** A path event with a fixed shape (object spreads would make call sites polymorphic and slow). */
function pathEvent(kind: PathEvent['kind'], s: number, w: Working | undefined): PathEvent {
  return { kind, s, rank: KIND_RANK[kind], w, price: 0, liquidity: 'taker', isStop: false, trailed: false };
}

function fillEvent(w: Working, s: number, price: number, liquidity: Liquidity, isStop: boolean, trailed: boolean): PathEvent {
  return { kind: 'fill', s, rank: KIND_RANK.fill, w, price, liquidity, isStop, trailed };
}

export class SimulatedExchange implements ExecutionClient {
  readonly venue: string;
  private listener: ExecutionListener | undefined;
  private readonly books = new SymbolMap<SymbolBook>();
  /** Duration of the last timeframe seen (bars of one timeframe follow each other). */
  private lastTimeframe = '';
  private lastTimeframeMs = 0;
  private readonly points = new Float64Array(4);
  private seq = 0;
  private tradeSeq = 0;
  /** The bar being walked (set during `walk`), and the walk's time origin and leg length. */
  private current: { bar: Bar; t0: number; legMs: number } | undefined;
  private marketFills: 'next-open' | 'close' | 'last-open';
  /** Orders sent in reaction to the event being applied (for `reactWithinBar: 'unambiguous'`). */
  private readonly reactions: Working[] = [];
  private liquidated = false;
  /** Largest share of a bar's volume any fill took (reported so users see unrealistic sizes). */
  maxVolumeShareSeen = 0;

  constructor(
    bus: MessageBus,
    private readonly clock: Clock,
    private readonly market: MarketView,
    private readonly portfolio: PortfolioView,
    private readonly options: SimulatedExchangeOptions = defaultSimOptions,
    /** Called with the time of each event during a walk (advances a simulated clock). */
    private readonly onTime: (time: number) => void = () => {},
  ) {
    this.venue = options.venue;
    this.marketFills = options.marketFills;
    bus.subscribe('market.bar', (bar) => this.onMarketBar(bar));
  }

  /**
   * Switches how market orders fill. The backtest settles open positions at the end with `close`
   * (the last close) or `last-open` (the last bar's open, backtesting.py's convention).
   */
  setMarketFills(mode: 'next-open' | 'close' | 'last-open'): void {
    this.marketFills = mode;
  }

  attach(listener: ExecutionListener): void {
    this.listener = listener;
  }

  private get out(): ExecutionListener {
    if (!this.listener) throw new Error('SimulatedExchange used before an ExecutionEngine attached to it');
    return this.listener;
  }

  private book(symbol: string): SymbolBook {
    const book = this.books.get(symbol);
    if (book !== undefined) return book;
    const created: SymbolBook = { working: [], lastBar: undefined, budget: Infinity, funding: this.options.fundingRates.get(symbol), fundingIndex: 0 };
    this.books.set(symbol, created);
    return created;
  }

  private timeframeMs(timeframe: string): number {
    if (timeframe !== this.lastTimeframe) {
      this.lastTimeframe = timeframe;
      this.lastTimeframeMs = timeframeMs(timeframe);
    }
    return this.lastTimeframeMs;
  }

  // ---- client interface -------------------------------------------------------------------

  submit(order: OrderView): void {
    const now = this.venueNow();
    if (!this.market.hasInstrument(order.symbol)) {
      this.out.report({ kind: 'rejected', orderId: order.id, reason: `unknown symbol ${order.symbol} on ${this.venue}`, time: now });
      return;
    }
    const expireAt = order.expireTime ?? (order.timeInForce === 'DAY' ? Math.floor(order.createdAt / DAY_MS) * DAY_MS + DAY_MS : Infinity);
    const arrival = now + this.options.latencyMs;
    const w: Working = {
      order, seq: ++this.seq, instrument: this.market.instrument(order.symbol), price: order.price, trigger: order.triggerPrice,
      triggered: false, trailActive: false, best: Number.NaN, arrival, accepted: false, rested: false, repriced: false, initialTrigger: order.triggerPrice,
      firstBarEnd: Number.NaN, arrivalPrice: Number.NaN,
      quantity: order.quantity, filled: 0, done: false, blocked: false, cancelAt: Number.NaN, cancelReason: '', modifications: [], expireAt,
    };
    const book = this.book(order.symbol);
    book.working.push(w);
    if (this.current !== undefined && this.cursor > 0 && this.options.reactWithinBar === 'unambiguous') this.reactions.push(w);
    // A market order under `close`/`last-open` fills at once (cheat-on-close, the end-of-run
    // settlement), whatever the latency.
    const atOnce = this.current === undefined && this.marketFills !== 'next-open' && order.type === 'market' && book.lastBar !== undefined;
    if (this.current === undefined && (this.options.latencyMs === 0 || atOnce)) {
      this.accept(w, now);
      if (!w.done && atOnce) this.fillAtLastBar(book, w, now);
    }
  }

  cancel(order: OrderView, reason: string): void {
    const w = this.find(order);
    if (!w || w.done) return;
    const at = this.venueNow() + this.options.latencyMs;
    if (this.current === undefined && this.options.latencyMs === 0) {
      this.finish(w, 'canceled', reason, at);
      return;
    }
    if (Number.isNaN(w.cancelAt)) {
      w.cancelAt = at;
      w.cancelReason = reason;
    }
  }

  modify(order: OrderView, changes: OrderChanges): void {
    const w = this.find(order);
    if (!w || w.done) return;
    const at = this.venueNow() + this.options.latencyMs;
    if (this.current === undefined && this.options.latencyMs === 0) this.applyChanges(w, changes, at);
    else w.modifications.push({ at, changes });
  }

  /**
   * The time at the venue: during a walk, the time of the event being applied. With several
   * symbols, their bars of one time step are walked one after the other and the shared clock
   * already stands at the latest event of the bars walked before; an order sent in reaction to a
   * fill of this bar must still reach the venue at this bar's time.
   */
  private venueNow(): number {
    const c = this.current;
    return c === undefined ? this.clock.now() : c.t0 + this.cursor * c.legMs;
  }

  private find(order: OrderView): Working | undefined {
    return this.books.get(order.symbol)?.working.find((w) => w.order === order || w.order.id === order.id);
  }

  // ---- order life ---------------------------------------------------------------------------

  private accept(w: Working, time: number): void {
    const o = w.order;
    if (w.expireAt <= time) {
      this.finish(w, 'rejected', 'the order expired before it reached the venue', time);
      return;
    }
    if (o.reduceOnly && !this.reduces(o.symbol, o.side)) {
      this.finish(w, 'rejected', 'reduce-only order would not reduce a position', time);
      return;
    }
    w.accepted = true;
    this.out.report({ kind: 'accepted', orderId: o.id, venueOrderId: `${this.venue}-${w.seq}`, time });
    if (this.current !== undefined) this.markFirstBar(w);
    if (o.postOnly && w.price !== undefined) {
      const last = this.referencePrice(o.symbol);
      if (!Number.isNaN(last) && (o.side === 'buy' ? last <= w.price : last >= w.price)) {
        this.finish(w, 'canceled', 'post-only order would have taken liquidity', time);
      }
    }
  }

  /** Whether the bar's extreme against a position reaches one of the resting stops that protect it. */
  private adverseHitsStop(book: SymbolBook, bar: Bar, sign: number): boolean {
    for (const w of book.working) {
      if (!w.accepted || w.done || w.trigger === undefined || w.order.type !== 'stop-market') continue;
      if (sign > 0 && w.order.side === 'sell' && bar.low <= w.trigger) return true;
      if (sign < 0 && w.order.side === 'buy' && bar.high >= w.trigger) return true;
    }
    return false;
  }

  /** Records the bar an order starts working in, for `trailingFirstBar`. */
  private markFirstBar(w: Working): void {
    const c = this.current!;
    if (!Number.isNaN(w.firstBarEnd) || c.bar.symbol !== w.order.symbol) return;
    w.firstBarEnd = c.t0 + 3 * c.legMs;
    w.arrivalPrice = priceAt(this.points, Math.max(this.cursor, (w.arrival - c.t0) / c.legMs));
  }

  private referencePrice(symbol: string): number {
    if (this.current !== undefined && this.current.bar.symbol === symbol) return priceAt(this.points, this.cursor);
    return this.market.lastPrice(symbol);
  }

  private reduces(symbol: string, side: 'buy' | 'sell'): boolean {
    const q = this.portfolio.position(symbol).quantity;
    return side === 'buy' ? q < 0 : q > 0;
  }

  private applyChanges(w: Working, changes: OrderChanges, time: number): void {
    if (changes.price !== undefined && changes.price !== w.price) {
      w.price = changes.price;
      w.repriced = true;
    }
    if (changes.triggerPrice !== undefined) {
      w.trigger = changes.triggerPrice;
      w.initialTrigger = changes.triggerPrice;
      w.trailActive = false;
      w.best = Number.NaN;
    }
    if (changes.quantity !== undefined) {
      if (changes.quantity <= w.filled) {
        this.finish(w, 'canceled', `quantity reduced to ${changes.quantity}, at or below the filled ${w.filled}`, time);
        return;
      }
      w.quantity = changes.quantity;
    }
    this.out.report({ kind: 'updated', orderId: w.order.id, time, ...changes });
  }

  private finish(w: Working, how: 'canceled' | 'expired' | 'rejected', reason: string, time: number): void {
    if (w.done) return;
    w.done = true;
    this.out.report({ kind: how, orderId: w.order.id, reason, time });
  }

  // ---- the bar walk ------------------------------------------------------------------------

  private cursor = 0;

  private onMarketBar(bar: Bar): void {
    const book = this.book(bar.symbol);
    const funding = book.funding;
    // Funding times before the symbol's first bar concern no position of ours; later ones, even in
    // a gap of the data, are paid (at the first bar after them).
    if (book.lastBar === undefined && funding !== undefined) {
      while (book.fundingIndex < funding.time.length && funding.time[book.fundingIndex]! < bar.time) book.fundingIndex++;
    }
    book.lastBar = bar;
    const share = this.options.maxVolumeShare;
    book.budget = share === null ? Infinity : share * bar.volume;
    const tf = this.timeframeMs(bar.timeframe);
    const fundingDue = funding !== undefined && book.fundingIndex < funding.time.length && funding.time[book.fundingIndex]! < bar.time + tf;
    if (book.working.length > 0 || fundingDue) this.walk(book, bar, tf, funding);
    if (this.portfolio.openPositions().length > 0) this.checkLiquidation(bar);
  }

  /** Position on the current bar's path of a time (0 at or before the open). */
  private toS(time: number): number {
    const c = this.current!;
    return time <= c.t0 ? 0 : (time - c.t0) / c.legMs;
  }

  // The earliest non-fill event and the best fill found in one pass of the walk.
  private readonly best: PathEvent = { kind: 'fill', s: 0, rank: 0, w: undefined, price: 0, liquidity: 'taker', isStop: false, trailed: false };
  private found = false;
  private bestFill: PathEvent | undefined;

  private consider(e: PathEvent): void {
    if (e.kind === 'fill') {
      if (this.bestFill === undefined || this.fillBefore(e, this.bestFill)) this.bestFill = e;
      return;
    }
    const best = this.best;
    if (!this.found || e.s < best.s || (e.s === best.s && (e.rank < best.rank || (e.rank === best.rank && (e.w?.seq ?? 0) < (best.w?.seq ?? 0))))) {
      Object.assign(best, e);
      this.found = true;
    }
  }

  private walk(book: SymbolBook, bar: Bar, tf: number, funding: FundingSeries | undefined): void {
    const points = this.points;
    const sign = Math.sign(this.portfolio.position(bar.symbol).quantity);
    pathPoints(this.options.path, bar.open, bar.high, bar.low, bar.close, points, sign, sign !== 0 && this.adverseHitsStop(book, bar, sign));
    const t0 = bar.time;
    const legMs = tf / 3;
    this.current = { bar, t0, legMs };
    this.cursor = 0;
    const end = t0 + tf;
    for (const w of book.working) w.blocked = false;
    try {
      for (let guard = 0; guard < 100_000; guard++) {
        this.found = false;
        this.bestFill = undefined;
        const best = this.best;
        if (funding !== undefined && book.fundingIndex < funding.time.length && funding.time[book.fundingIndex]! < end) {
          this.consider(pathEvent('funding', Math.max(this.cursor, this.toS(funding.time[book.fundingIndex]!)), undefined));
        }
        for (const w of book.working) {
          if (w.done || w.arrival >= end) continue;
          const arrivalS = Math.max(this.cursor, this.toS(w.arrival));
          if (w.accepted && Number.isNaN(w.firstBarEnd)) this.markFirstBar(w);
          // An order still in flight cannot expire at the venue; it is refused on arrival instead (see accept).
          if (w.accepted && w.expireAt < end) this.consider(pathEvent('expire', Math.max(this.cursor, this.toS(w.expireAt)), w));
          if (w.cancelAt < end) this.consider(pathEvent('cancel', Math.max(this.cursor, this.toS(w.cancelAt)), w));
          const mod = w.modifications[0];
          if (mod !== undefined && mod.at < end) this.consider(pathEvent('modify', Math.max(this.cursor, this.toS(mod.at)), w));
          if (!w.accepted) {
            this.consider(pathEvent('accept', arrivalS, w));
            continue;
          }
          if (w.blocked) continue;
          const fill = this.findFill(w, arrivalS, bar);
          if (fill !== undefined) this.consider(fill);
        }
        const bestFill = this.bestFill as PathEvent | undefined;
        const chosen = this.found && (bestFill === undefined || best.s <= bestFill.s) ? best : bestFill;
        if (chosen === undefined) break;
        this.advance(book, chosen.s);
        const time = t0 + chosen.s * legMs;
        this.onTime(time);
        this.apply(book, chosen, time, bar, funding);
        if (this.reactions.length > 0) this.settleReactions(bar, t0 + tf);
        book.working = withoutDone(book.working);
      }
      this.advance(book, 3);
      this.finishBar(book, bar, end);
    } finally {
      this.current = undefined;
    }
  }

  /**
   * `reactWithinBar: 'unambiguous'`: orders just sent in reaction to a fill inside the bar start
   * with the next bar if one of their stops could trigger within this bar's range.
   */
  private settleReactions(bar: Bar, nextBar: number): void {
    const ambiguous = this.reactions.some((w) => w.trigger !== undefined && w.trigger >= bar.low && w.trigger <= bar.high);
    if (ambiguous) for (const w of this.reactions) if (w.arrival < nextBar) w.arrival = nextBar;
    this.reactions.length = 0;
  }

  /** Fill order within a bar: by priority class (see `fillPriority`), then path position, then arrival. */
  private fillBefore(a: PathEvent, b: PathEvent): boolean {
    const ca = this.priorityClass(a);
    const cb = this.priorityClass(b);
    if (ca !== cb) return ca < cb;
    if (a.s !== b.s) return a.s < b.s;
    return a.w!.seq < b.w!.seq;
  }

  private priorityClass(e: PathEvent): number {
    switch (this.options.fillPriority) {
      case 'path':
        return 0;
      case 'stops-first':
        return e.isStop ? 0 : 1;
      case 'freqtrade':
        if (e.isStop) return e.trailed ? 3 : 1;
        return e.w!.order.type === 'market' ? 0 : 2;
    }
  }

  /** Moves the cursor to s, letting trailing stops follow the path in between. */
  private advance(book: SymbolBook, s: number): void {
    if (s <= this.cursor) return;
    for (const w of book.working) {
      if (w.done || !w.accepted || w.order.trailing === undefined) continue;
      const { max, min } = extremesBetween(this.points, this.cursor, s);
      this.trail(w, w.order.side === 'sell' ? max : min);
    }
    this.cursor = s;
  }

  /** Updates a trailing stop with the best price reached. */
  private trail(w: Working, extreme: number): void {
    const spec = w.order.trailing!;
    const sell = w.order.side === 'sell';
    if (!w.trailActive) {
      const activation = spec.activationPrice;
      if (activation === undefined || (sell ? extreme >= activation : extreme <= activation)) {
        w.trailActive = true;
        w.best = extreme;
      } else return;
    }
    if (sell ? extreme > w.best : extreme < w.best) w.best = extreme;
    const level = sell ? w.best * (1 - spec.offset) : w.best * (1 + spec.offset);
    if (w.trigger === undefined || (sell ? level > w.trigger : level < w.trigger)) w.trigger = level;
  }

  /** Where and at what price an accepted order fills next, from position `from`; undefined if not this bar. */
  private findFill(w: Working, from: number, bar: Bar): PathEvent | undefined {
    const o = w.order;
    const buy = o.side === 'buy';
    const points = this.points;
    const immediate = !w.rested;
    const onlyNow = o.timeInForce === 'IOC' || o.timeInForce === 'FOK';
    if (o.type === 'market') {
      return fillEvent(w, from, priceAt(points, from), 'taker', false, false);
    }
    const isStopType = o.type === 'stop-market' || (o.type === 'stop-limit' && !w.triggered);
    if (isStopType) {
      const hit = o.trailing !== undefined ? this.trailingHit(w, from) : this.stopHit(w.trigger!, buy, from);
      if (hit === undefined) return undefined;
      if (onlyNow && hit.s > from) return undefined;
      const trailed = hit.trigger !== w.initialTrigger;
      if (o.type === 'stop-market') {
        const price = trailed && this.inFirstBar(w) && this.options.trailingFirstBar === 'activation' ? this.pessimisticTrailPrice(w, bar) : hit.price;
        return fillEvent(w, hit.s, price, 'taker', true, trailed);
      }
      // Stop-limit: at the trigger it becomes a limit; it fills at once only if marketable there.
      const limit = w.price!;
      if (buy ? hit.price <= limit : hit.price >= limit) return fillEvent(w, hit.s, hit.price, 'taker', true, false);
      return fillEvent(w, hit.s, Number.NaN, 'taker', true, false);
    }
    // Limit (or a triggered stop-limit).
    const limit = w.price!;
    const s = firstReach(points, from, limit, buy ? 'down' : 'up');
    if (s < 0 || (onlyNow && s > from)) return undefined;
    const here = priceAt(points, s);
    let price = s === from && (buy ? here < limit : here > limit) ? here : limit;
    // `level`: a limit fills at its own price (clamped to the bar) — except a reduce-only limit
    // re-priced to take effect at this bar with the market already beyond it, which fills at the
    // market (Freqtrade's rule for a new minimal-ROI step).
    if (this.options.gapFills === 'level' && s === from && !(w.repriced && o.reduceOnly)) price = clamp(limit, bar.low, bar.high);
    else price = clamp(price, bar.low, bar.high);
    return fillEvent(w, s, price, immediate && s === from ? 'taker' : 'maker', false, false);
  }

  private inFirstBar(w: Working): boolean {
    const c = this.current;
    return c !== undefined && w.firstBarEnd === c.t0 + 3 * c.legMs;
  }

  /** `trailingFirstBar: 'activation'`: the stop as if the market turned at the activation (or arrival) price. */
  private pessimisticTrailPrice(w: Working, bar: Bar): number {
    const spec = w.order.trailing!;
    const peak = spec.activationPrice ?? w.arrivalPrice;
    const sell = w.order.side === 'sell';
    const level = sell ? peak * (1 - spec.offset) : peak * (1 + spec.offset);
    const initial = w.initialTrigger ?? level;
    return clamp(sell ? Math.max(level, initial) : Math.min(level, initial), bar.low, bar.high);
  }

  private stopHit(trigger: number, buy: boolean, from: number): { s: number; price: number; trigger: number } | undefined {
    const s = firstReach(this.points, from, trigger, buy ? 'up' : 'down');
    if (s < 0) return undefined;
    const here = priceAt(this.points, s);
    const gapped = buy ? here > trigger : here < trigger;
    const bar = this.current!.bar;
    if (!gapped) return { s, price: trigger, trigger };
    if (this.options.gapFills === 'level' && trigger >= bar.low && trigger <= bar.high) return { s, price: trigger, trigger };
    return { s, price: here, trigger };
  }

  /** A trailing stop walks the path leg by leg from `from` without committing its state. */
  private trailingHit(w: Working, from: number): { s: number; price: number; trigger: number } | undefined {
    const saved = { trailActive: w.trailActive, best: w.best, trigger: w.trigger };
    try {
      const buy = w.order.side === 'buy';
      let s = from;
      // The price where the walk starts (a bar's open, or where the order arrived) is reached
      // before anything that follows: the stop follows it first, or a falling first leg would be
      // checked against a stop that has not yet followed the open.
      this.trail(w, priceAt(this.points, from));
      while (s < 3) {
        if (w.trigger !== undefined) {
          const hereStop = this.stopHit(w.trigger, buy, s);
          const next = Math.min(3, Math.floor(s) + 1);
          if (hereStop !== undefined && hereStop.s <= next) return hereStop;
        }
        const next = Math.min(3, Math.floor(s) + 1);
        const { max, min } = extremesBetween(this.points, s, next);
        this.trail(w, buy ? min : max);
        s = next;
      }
      return undefined;
    } finally {
      w.trailActive = saved.trailActive;
      w.best = saved.best;
      w.trigger = saved.trigger;
    }
  }

  private apply(book: SymbolBook, e: PathEvent, time: number, bar: Bar, funding: FundingSeries | undefined): void {
    const w = e.w;
    switch (e.kind) {
      case 'funding': {
        const rate = funding!.rate[book.fundingIndex]!;
        book.fundingIndex++;
        const position = this.portfolio.position(bar.symbol);
        if (position.quantity !== 0) {
          const mark = priceAt(this.points, e.s);
          const amount = position.quantity * mark * position.multiplier * rate;
          this.out.report({ kind: 'funding', symbol: bar.symbol, rate, markPrice: mark, amount, time });
        }
        return;
      }
      case 'expire':
        this.finish(w!, 'expired', w!.order.expireTime !== undefined ? 'good-till time reached' : 'day order expired at 00:00 UTC', time);
        return;
      case 'cancel':
        this.finish(w!, 'canceled', w!.cancelReason, time);
        return;
      case 'modify': {
        const mod = w!.modifications.shift()!;
        this.applyChanges(w!, mod.changes, time);
        return;
      }
      case 'accept':
        this.accept(w!, time);
        return;
      case 'fill': {
        if (w!.order.postOnly && e.liquidity === 'taker') {
          // Marketable where it arrived (the next open, when sent at a close): a post-only order never takes.
          this.finish(w!, 'canceled', 'post-only order would have taken liquidity', time);
          return;
        }
        if (Number.isNaN(e.price)) {
          // A stop-limit reached its stop but its limit is not marketable: it now rests as a limit.
          w!.triggered = true;
          w!.rested = true;
          this.out.report({ kind: 'triggered', orderId: w!.order.id, time });
          return;
        }
        if (w!.order.trailing !== undefined && w!.trigger !== w!.order.triggerPrice) {
          // Tell the owner where the trailing stop had moved before it fills.
          this.out.report({ kind: 'updated', orderId: w!.order.id, time, triggerPrice: w!.trigger! });
        }
        if (w!.order.type === 'stop-limit' && !w!.triggered) {
          w!.triggered = true;
          this.out.report({ kind: 'triggered', orderId: w!.order.id, time });
        }
        this.execute(book, w!, e.price, e.liquidity, time, bar, e.isStop || w!.order.type === 'market');
        if (!w!.done && (w!.order.timeInForce === 'IOC' || w!.order.timeInForce === 'FOK')) {
          this.finish(w!, 'canceled', 'IOC remainder canceled', time);
        }
      }
    }
  }

  private finishBar(book: SymbolBook, bar: Bar, end: number): void {
    for (const w of book.working) {
      if (w.done) continue;
      if (w.accepted && (w.order.timeInForce === 'IOC' || w.order.timeInForce === 'FOK') && w.arrival < end) {
        this.finish(w, 'canceled', w.order.timeInForce === 'FOK' ? 'FOK order could not fill completely' : 'IOC order found nothing to fill', w.arrival);
        continue;
      }
      if (w.accepted && w.arrival < end) w.rested = true;
      w.repriced = false;
      if (w.order.trailing !== undefined && w.accepted && w.trigger !== undefined && w.trigger !== w.order.triggerPrice) {
        this.out.report({ kind: 'updated', orderId: w.order.id, time: end, triggerPrice: w.trigger });
      }
    }
    book.working = withoutDone(book.working);
    book.lastBar = bar;
  }

  // ---- fills --------------------------------------------------------------------------------

  private feeRates(inst: Instrument, liquidity: Liquidity): number {
    const f = this.options.fees;
    return liquidity === 'maker' ? (f.maker ?? inst.makerFee) : (f.taker ?? inst.takerFee);
  }

  /** The fill price of a taker fill of `qty` after slippage, kept inside the bar's range. */
  private slipped(basePrice: number, sign: number, qty: number, bar: Bar, slips: boolean): number {
    if (!slips) return basePrice;
    const move = slippageFraction(this.options.slippage, qty, bar);
    return clamp(basePrice * (1 + sign * move), bar.low, bar.high);
  }

  /**
   * Fills as much of `w` as liquidity, margin and the order allow at `basePrice` (before
   * slippage). `taker` orders pay slippage.
   */
  private execute(book: SymbolBook, w: Working, basePrice: number, liquidity: Liquidity, time: number, bar: Bar, slips: boolean): void {
    const o = w.order;
    const inst = w.instrument;
    const buy = o.side === 'buy';
    const sign = buy ? 1 : -1;
    const rate = this.feeRates(inst, liquidity);
    const fixed = w.filled === 0 ? (this.options.fees.fixedPerOrder ?? 0) : 0;
    const perUnit = this.options.fees.perUnit ?? 0;
    const mult = inst.multiplier;

    let price = basePrice;
    if (w.quantity === undefined) {
      const resolved = this.resolveQuantity(w, basePrice, rate, fixed, perUnit, time);
      if (resolved === undefined) return;
      price = this.slipped(basePrice, sign, resolved, bar, slips);
      w.quantity = this.resolveQuantity(w, price, rate, fixed, perUnit, time);
      if (w.quantity === undefined) return;
    }
    const position = this.portfolio.position(o.symbol);
    const q = position.quantity;
    let remaining = w.quantity - w.filled;
    if (o.reduceOnly) {
      if (!(buy ? q < 0 : q > 0)) {
        this.finish(w, 'canceled', 'reduce-only order has no position left to reduce', time);
        return;
      }
      remaining = Math.min(remaining, Math.abs(q));
    }
    let qty = Math.min(remaining, book.budget);
    if (inst.lotSize > 0 && qty < remaining) qty = roundQuantityDown(inst, qty);
    if (!(qty > 0)) {
      w.blocked = true;
      return;
    }
    if (o.timeInForce === 'FOK' && qty < remaining) {
      this.finish(w, 'canceled', 'FOK order could not fill completely', time);
      return;
    }
    price = this.slipped(basePrice, sign, qty, bar, slips);
    const closing = q !== 0 && Math.sign(q) !== sign ? Math.min(qty, Math.abs(q)) : 0;
    const increasing = qty - closing;
    const fee = qty * price * mult * rate + fixed + perUnit * qty;
    if (increasing > 0) {
      const account = this.portfolio.account;
      if (account.type === 'cash' && !buy) {
        this.finish(w, 'canceled', 'a cash account cannot sell short; use a margin account', time);
        return;
      }
      // Margin after the closing part of this fill, with this symbol marked at the fill price.
      const equityAfter = this.portfolio.equityIfMarked(o.symbol, price) - fee;
      // A symbol that never closed a bar has no mark (NaN): with nothing held it adds nothing.
      const otherGross = account.marginUsed * account.leverage - (q === 0 ? 0 : Math.abs(q) * position.markPrice * mult);
      const grossAfterClose = otherGross + (Math.abs(q) - closing) * price * mult;
      const free = equityAfter - grossAfterClose / account.leverage;
      const required = (increasing * price * mult) / account.leverage;
      if (required > free * (1 + 1e-9) + 1e-9) {
        this.finish(w, 'canceled', `insufficient margin: needs ${round2(required)}, ${round2(Math.max(0, free))} free`, time);
        return;
      }
    }
    if (bar.volume > 0) this.maxVolumeShareSeen = Math.max(this.maxVolumeShareSeen, qty / bar.volume);
    book.budget -= qty;
    w.filled += qty;
    const resolvedQuantity = 'base' in o.size ? undefined : w.quantity;
    this.out.report({
      kind: 'filled', orderId: o.id, tradeId: `${this.venue}-T-${++this.tradeSeq}`, quantity: qty, price, fee, liquidity, time,
      ...(resolvedQuantity !== undefined && w.filled === qty ? { resolvedQuantity } : {}),
    });
    if (w.filled >= w.quantity * (1 - 1e-12)) w.done = true;
    else if (book.budget <= 0) w.blocked = true;
    if (this.portfolio.position(o.symbol).quantity === 0) this.cancelReduceOnly(book, time);
  }

  /** Turns a quote amount or an equity fraction into a quantity at `price`. */
  private resolveQuantity(w: Working, price: number, rate: number, fixed: number, perUnit: number, time: number): number | undefined {
    const o = w.order;
    const inst = w.instrument;
    const mult = inst.multiplier;
    let qty: number;
    if ('quote' in o.size) {
      qty = (o.size.quote - fixed) / (price * mult * (1 + rate) + perUnit);
    } else if ('equityFraction' in o.size) {
      const account = this.portfolio.account;
      const margin = account.freeMargin * o.size.equityFraction - fixed;
      qty = margin / ((price * mult) / account.leverage + price * mult * rate + perUnit);
    } else {
      return o.size.base;
    }
    qty = roundQuantityDown(inst, Math.max(0, qty));
    if (!(qty > 0) || qty < inst.minQuantity || qty * price * mult < inst.minNotional) {
      // The order was accepted already (sizes resolve at the fill): it ends canceled, a legal transition.
      this.finish(w, 'canceled', `order size resolves to ${qty} ${inst.base || 'units'} at ${price}, below the minimum (quantity ${inst.minQuantity}, notional ${inst.minNotional})`, time);
      return undefined;
    }
    return qty;
  }

  private cancelReduceOnly(book: SymbolBook, time: number): void {
    for (const w of book.working) {
      if (!w.done && w.order.reduceOnly) this.finish(w, 'canceled', 'position closed; reduce-only order no longer needed', time);
    }
  }

  /** `marketFills: 'close' | 'last-open'`: fill a market order at once at the last bar's close (or open). */
  private fillAtLastBar(book: SymbolBook, w: Working, time: number): void {
    const bar = book.lastBar!;
    // Settling at the last bar's open dates the fill at that open.
    const atOpen = this.marketFills === 'last-open';
    this.execute(book, w, atOpen ? bar.open : bar.close, 'taker', atOpen ? bar.time : time, bar, true);
    if (!w.done) this.finish(w, 'canceled', 'nothing left to fill at the close', time);
    book.working = withoutDone(book.working);
  }

  // ---- liquidation --------------------------------------------------------------------------

  private checkLiquidation(bar: Bar): void {
    // Not skipped after a first liquidation: an account with equity left may trade again.
    if (this.portfolio.accountType !== 'margin') return;
    const equity = this.portfolio.equityIfMarked(bar.symbol, bar.close);
    if (equity > 0 && this.options.maintenanceMargin === 0) return;
    const position = this.portfolio.position(bar.symbol);
    // Gross exposure with this symbol re-marked at the close.
    const gross = this.portfolio.grossExposure + Math.abs(position.quantity) * position.multiplier * (bar.close - position.markPrice);
    if (equity > gross * this.options.maintenanceMargin && equity > 0) return;
    const time = bar.time + this.timeframeMs(bar.timeframe);
    for (const position of [...this.portfolio.openPositions()]) {
      const price = position.symbol === bar.symbol ? bar.close : position.markPrice;
      const side = position.quantity > 0 ? 'sell' : 'buy';
      const quantity = Math.abs(position.quantity);
      const order = this.out.adoptVenueOrder({ symbol: position.symbol, side, type: 'market', size: { base: quantity }, reduceOnly: true, tag: 'liquidation' }, time);
      this.cancelReduceOnly(this.book(position.symbol), time);
      this.out.report({ kind: 'filled', orderId: order.id, tradeId: `${this.venue}-T-${++this.tradeSeq}`, quantity, price, fee: 0, liquidity: 'taker', time });
    }
    const balance = this.portfolio.balance;
    if (balance < 0) this.out.report({ kind: 'balance', amount: -balance, reason: 'liquidation: the venue absorbed the negative balance', time });
    this.liquidated = true;
  }

  /** Whether the account was liquidated at least once. */
  get wasLiquidated(): boolean {
    return this.liquidated;
  }
}

/**
 * The working orders without the finished ones. Allocates only when something finished: called
 * for every bar, and most bars finish nothing.
 */
function withoutDone(list: Working[]): Working[] {
  for (let i = 0; i < list.length; i++) if (list[i]!.done) return list.filter(isNotDone);
  return list;
}

function isNotDone(w: Working): boolean {
  return !w.done;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
