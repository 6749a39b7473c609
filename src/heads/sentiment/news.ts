/**
 * News for the sentiment head: the item shape, the feed port, and the point-in-time buffer.
 *
 * Each item carries its publish time. The buffer hands a head only the items available at the
 * time it asks: published at or before it and, when the item records when we received it, also
 * received by then — a recorded feed replayed in a backtest must not see a story earlier than the
 * live system could have.
 */
import { DataError } from '../../core/errors.js';

/** One news story. */
export interface NewsItem {
  /** Stable id (guid, URL or a hash of the source and title); items are deduplicated by it. */
  readonly id: string;
  readonly title: string;
  /** Summary or body text, tags stripped; '' when there is none. */
  readonly summary: string;
  readonly url?: string;
  /** The feed it came from. */
  readonly source: string;
  /** When it was published (UTC epoch ms). */
  readonly publishedAt: number;
  /** When Arbiter received it, if known (live polling sets it; recordings keep it). */
  readonly receivedAt?: number;
  /** Symbols or tickers the feed tagged it with, if any. */
  readonly symbols?: readonly string[];
}

/** The time from which an item may be read: max(published, received). */
export function availableAt(item: NewsItem): number {
  return item.receivedAt !== undefined && item.receivedAt > item.publishedAt ? item.receivedAt : item.publishedAt;
}

/** A source of news items (the HTTP adapter polls a URL; the file adapter replays a recording). */
export interface NewsFeed {
  readonly name: string;
  /**
   * Items not returned by an earlier call.
   * @throws TemporaryError when the source is unreachable (try again later), DataError when it
   *   answered with something that is not a feed.
   */
  poll(): Promise<NewsItem[]>;
}

/**
 * Items ordered by the time they became available; lookups by time are binary searches.
 * @example
 * const buffer = new NewsBuffer();
 * buffer.add(await feed.poll());
 * buffer.window(now - 86_400_000, now); // items available in (now − 1 day, now]
 */
export class NewsBuffer {
  private items: NewsItem[] = [];
  private times: number[] = [];
  private readonly ids = new Set<string>();

  constructor(
    items: readonly NewsItem[] = [],
    /** Items older than this (ms before the newest) are dropped on `add`, so a live buffer stays small. */
    private readonly retainMs = Infinity,
  ) {
    this.add(items);
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds items (ignoring ids already held); returns how many were new. */
  add(items: readonly NewsItem[]): number {
    let added = 0;
    for (const [i, item] of items.entries()) {
      if (!Number.isFinite(item.publishedAt)) throw new DataError('news item without a valid publish time', { source: item.source, row: i + 1, field: 'publishedAt' });
      if (this.ids.has(item.id)) continue;
      this.ids.add(item.id);
      const t = availableAt(item);
      let k = this.times.length;
      if (k > 0 && this.times[k - 1]! > t) k = this.upperBound(t); // arrivals are mostly in order
      this.items.splice(k, 0, item);
      this.times.splice(k, 0, t);
      added++;
    }
    if (Number.isFinite(this.retainMs) && this.times.length > 0) {
      const cutoff = this.times[this.times.length - 1]! - this.retainMs;
      const k = this.upperBound(cutoff);
      if (k > 0) {
        for (const item of this.items.slice(0, k)) this.ids.delete(item.id);
        this.items = this.items.slice(k);
        this.times = this.times.slice(k);
      }
    }
    return added;
  }

  /** First index whose time is > t. */
  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Items that became available in `(from, to]`, oldest first. Nothing after `to` is ever returned. */
  window(from: number, to: number): readonly NewsItem[] {
    const end = this.upperBound(to);
    const start = this.upperBound(from);
    return start >= end ? [] : this.items.slice(start, end);
  }
}
