/**
 * The two news-feed adapters and a poller:
 * - {@link HttpNewsFeed}: one RSS, Atom or JSON feed URL over HTTP(S), polled;
 * - {@link FileNewsFeed}: a recorded feed replayed from a file (backtests), also readable
 *   synchronously with {@link loadNewsFile};
 * - {@link NewsPoller}: polls feeds in the background into a {@link NewsBuffer}, so that the
 *   sentiment head never waits on the network (its lifecycle shows a failing feed as degraded).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataError, TemporaryError, errorMessage } from '../../core/errors.js';
import { Lifecycle } from '../../core/lifecycle.js';
import type { NewsBuffer, NewsFeed, NewsItem } from './news.js';
import { parseFeed, type RejectedItem } from './parse-feed.js';

export interface HttpNewsFeedOptions {
  readonly url: string;
  /** Names the feed in items; default the URL's host. */
  readonly name?: string;
  /** Abort a request after this long (ms). Default 10 s. */
  readonly timeoutMs?: number;
  /** Receive time of polled items; default `Date.now`. */
  readonly now?: () => number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An RSS, Atom or JSON feed over HTTP. Each poll fetches the document and returns the items not
 * returned before, stamped with the time they were received.
 * @example
 * const feed = new HttpNewsFeed({ url: 'https://example.com/markets.rss' });
 * buffer.add(await feed.poll());
 */
export class HttpNewsFeed implements NewsFeed {
  readonly name: string;
  private readonly seen = new Set<string>();
  /** Items of the last poll that could not be read. */
  lastRejected: readonly RejectedItem[] = [];

  constructor(private readonly options: HttpNewsFeedOptions) {
    let host: string;
    try {
      host = new URL(options.url).host;
    } catch {
      throw new DataError(`not a URL: ${options.url}`, { source: 'news', field: 'url' });
    }
    this.name = options.name ?? host;
  }

  async poll(): Promise<NewsItem[]> {
    const { url } = this.options;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        headers: { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json, text/xml;q=0.9, */*;q=0.5', ...this.options.headers },
      });
    } catch (error) {
      throw new TemporaryError(`news feed ${url} unreachable: ${errorMessage(error)}`, undefined, { cause: error });
    }
    if (response.status === 429 || response.status >= 500) {
      const retry = Number(response.headers.get('retry-after'));
      throw new TemporaryError(`news feed ${url} answered HTTP ${response.status}`, Number.isFinite(retry) && retry > 0 ? retry * 1000 : undefined);
    }
    if (!response.ok) throw new DataError(`HTTP ${response.status} ${response.statusText}`, { source: url });
    const text = await response.text();
    const parsed = parseFeed(text, this.name);
    this.lastRejected = parsed.rejected;
    const receivedAt = (this.options.now ?? Date.now)();
    const fresh: NewsItem[] = [];
    for (const item of parsed.items) {
      if (this.seen.has(item.id)) continue;
      this.seen.add(item.id);
      fresh.push(item.receivedAt === undefined ? { ...item, receivedAt } : item);
    }
    return fresh;
  }
}

/**
 * Reads a recorded feed file synchronously (for a strategy's setup). Strict: an item without a
 * publish time is an error naming the file and the item.
 * @throws DataError naming the file (and item).
 */
export function loadNewsFile(path: string, name = basename(path)): NewsItem[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read news file: ${errorMessage(error)}`, { source: path }, { cause: error });
  }
  return strictItems(text, path, name);
}

function strictItems(text: string, path: string, name: string): NewsItem[] {
  const parsed = parseFeed(text, name);
  const bad = parsed.rejected[0];
  if (bad) throw new DataError(bad.reason, { source: path, row: bad.index, field: 'publishedAt' });
  return parsed.items;
}

/** A recorded feed replayed from a file: the first poll returns every item, later polls nothing. */
export class FileNewsFeed implements NewsFeed {
  readonly name: string;
  private done = false;

  constructor(
    private readonly path: string,
    name?: string,
  ) {
    this.name = name ?? basename(path);
  }

  async poll(): Promise<NewsItem[]> {
    if (this.done) return [];
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw new DataError(`cannot read news file: ${errorMessage(error)}`, { source: this.path }, { cause: error });
    }
    this.done = true;
    return strictItems(text, this.path, this.name);
  }
}

/**
 * Polls feeds every `intervalMs` into a buffer. A failing feed marks the poller degraded (with the
 * reason) until a poll succeeds again; it never throws into the trading loop.
 */
export class NewsPoller {
  readonly lifecycle: Lifecycle;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Items added since start. */
  added = 0;

  constructor(
    private readonly feeds: readonly NewsFeed[],
    private readonly buffer: NewsBuffer,
    private readonly intervalMs = 60_000,
    now: () => number = Date.now,
  ) {
    this.lifecycle = new Lifecycle('news-poller', now);
  }

  /** Polls every feed once; resolves when done. */
  async pollOnce(): Promise<void> {
    const failures: string[] = [];
    for (const feed of this.feeds) {
      try {
        this.added += this.buffer.add(await feed.poll());
      } catch (error) {
        failures.push(`${feed.name}: ${errorMessage(error)}`);
      }
    }
    this.lifecycle.transition(failures.length === 0 ? 'running' : 'degraded', failures.length === 0 ? undefined : failures.join('; '));
  }

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.running ??= this.pollOnce().finally(() => {
        this.running = undefined;
      });
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.lifecycle.transition('stopped');
  }
}
