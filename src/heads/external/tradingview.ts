/**
 * TradingView alerts as a head's signals. The HTTP webhook (`POST /api/v1/ai/tradingview/webhook`)
 * belongs to the API; it hands each request body to {@link TradingViewInbox.ingestTradingViewAlert},
 * which validates it, normalises its fields, drops repeats, stores it (`tradingview_signals`, when
 * a store is given) and keeps it for the external head, which reads only alerts received by the
 * decision time.
 *
 * Alert body (TradingView's placeholders in brackets):
 * ```json
 * { "ticker": "{{ticker}}", "action": "{{strategy.order.action}}", "price": "{{close}}",
 *   "strategy": "my-strategy", "timeframe": "{{interval}}", "indicators": { "rsi": 28.4 },
 *   "confidence": 0.7, "time": "{{timenow}}", "id": "optional-unique-id" }
 * ```
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DataError, errorMessage } from '../../core/errors.js';
import { timeframeOf } from '../../core/time.js';
import type { JsonValue, TradingViewSignalRecord, TradingViewSignalStore } from '../../storage/port.js';

/** What an action means for a position: +1 long, −1 short, 0 flat. */
const ACTIONS: Readonly<Record<string, -1 | 0 | 1>> = {
  buy: 1, long: 1, enter_long: 1, strong_buy: 1, bullish: 1,
  sell: -1, short: -1, enter_short: -1, strong_sell: -1, bearish: -1,
  close: 0, exit: 0, flat: 0, exit_long: 0, exit_short: 0, close_long: 0, close_short: 0,
};

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A number, or number text as TradingView's placeholders produce (`"{{close}}"` → `"97123.5"`). */
const numberLike = z.preprocess(
  (v) => (typeof v === 'string' && NUMBER_TEXT.test(v.trim()) ? Number(v.trim()) : v),
  z.number({ error: (issue) => `must be a number, got ${JSON.stringify(issue.input)}` }),
);

/** The body TradingView posts (extra fields are kept in the stored payload). */
export const tradingViewAlertSchema = z.object({
  ticker: z.string().trim().min(1, 'is empty'),
  action: z.string().trim().min(1, 'is empty').transform((a) => a.toLowerCase().replace(/[\s-]+/g, '_')).refine((a) => a in ACTIONS, { message: `must be one of ${Object.keys(ACTIONS).join(', ')}` }),
  price: numberLike.pipe(z.number().positive('must be positive').finite()).optional(),
  strategy: z.string().trim().min(1).optional(),
  timeframe: z.string().trim().min(1).optional(),
  interval: z.string().trim().min(1).optional(),
  indicators: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
  /** 0…1, or 0…100 (a percentage). */
  confidence: numberLike.pipe(z.number().min(0).max(100)).optional(),
  time: z.union([z.string(), z.number()]).optional(),
  id: z.union([z.string(), z.number()]).optional(),
});

/** A validated, normalised alert. */
export interface TradingViewAlert {
  readonly id: string;
  /** As sent, e.g. `BINANCE:BTCUSDT`. */
  readonly ticker: string;
  /** `buy`, `sell`, `close`, … (lower case, `_` for spaces). */
  readonly action: string;
  readonly direction: -1 | 0 | 1;
  readonly price?: number;
  readonly strategy?: string;
  /** Normalised: TradingView's `60` → `1h`, `1D` → `1d`. */
  readonly timeframe?: string;
  readonly indicators?: Readonly<Record<string, number | string | boolean | null>>;
  readonly confidence?: number;
  /** When Arbiter received it (the time it becomes visible to heads). */
  readonly receivedAt: number;
  /** The time the alert says it fired, if it says. */
  readonly firedAt?: number;
}

export interface IngestResult {
  readonly alert: TradingViewAlert;
  /** True when the same alert arrived within the dedupe window; it is not used again. */
  readonly duplicate: boolean;
  /** The id of the first copy when `duplicate`. */
  readonly duplicateOf?: string;
}

/** TradingView's interval placeholder (`1`, `60`, `240`, `1D`, `1W`, `1M`) or a timeframe (`1h`) → a timeframe. */
export function normaliseTimeframe(value: string): string {
  const v = value.trim();
  if (/^\d+$/.test(v)) return timeframeOf(Number(v) * 60_000) ?? `${v}m`;
  const m = /^(\d*)([SDWM])$/.exec(v); // TradingView's units are upper case (M is a month, m a minute)
  if (m) {
    const n = m[1] === '' ? 1 : Number(m[1]);
    const unit = m[2]!;
    return unit === 'S' ? `${n}s` : unit === 'D' ? `${n}d` : unit === 'W' ? `${n}w` : `${n}M`;
  }
  return v;
}

/** `BINANCE:BTCUSDT`, `BTCUSDT.P`, `BTC/USDT:USDT` → `BTCUSDT`: the part to compare symbols by. */
export function normaliseTicker(ticker: string): string {
  let t = ticker.toUpperCase();
  if (t.includes(':') && !t.includes('/')) t = t.slice(t.lastIndexOf(':') + 1); // exchange prefix
  t = t.replace(/:[A-Z]+$/, ''); // settle currency of a perpetual (BTC/USDT:USDT)
  t = t.replace(/\.P$/, ''); // TradingView's perpetual suffix
  return t.replace(/[^A-Z0-9]/g, '');
}

export interface TradingViewInboxOptions {
  /** The same alert again within this long (ms) is a duplicate. Default 60 s. */
  readonly dedupeWindowMs?: number;
  /** Alerts older than this (ms) are forgotten. Default 7 days. */
  readonly retainMs?: number;
  /** Receive time when the caller gives none (default `Date.now`; a backtest passes its clock). */
  readonly now?: () => number;
  /** Where alerts are stored (`storage.tradingView`); writes are queued, see `flush()`. */
  readonly store?: Pick<TradingViewSignalStore, 'record'>;
  /** Prefix of the ids given to alerts. Default `TV-`. */
  readonly idPrefix?: string;
  /** Told when a store write fails (the alert is still used). */
  readonly onStoreError?: (error: unknown) => void;
}

/**
 * Alerts received, by normalised ticker, in order of arrival.
 * @example
 * const inbox = new TradingViewInbox({ store: storage.tradingView });
 * const { alert, duplicate } = inbox.ingestTradingViewAlert(request.body); // the API's webhook handler
 */
export class TradingViewInbox {
  private readonly byTicker = new Map<string, TradingViewAlert[]>();
  private readonly recent = new Map<string, { readonly id: string; readonly at: number }>();
  private counter = 0;
  private writes: Promise<void> = Promise.resolve();
  /** Store writes that failed. */
  storeFailures = 0;

  constructor(private readonly options: TradingViewInboxOptions = {}) {}

  /**
   * Validates and keeps one alert.
   * @param body the request body (parsed JSON, or JSON text)
   * @param receivedAt when it arrived (default: the inbox's clock)
   * @throws DataError (source `tradingview`, naming the field) for an invalid alert.
   */
  ingestTradingViewAlert(body: unknown, receivedAt: number = (this.options.now ?? Date.now)()): IngestResult {
    let input = body;
    if (typeof input === 'string') {
      try {
        input = JSON.parse(input) as unknown;
      } catch (error) {
        throw new DataError(`the alert is not JSON (${errorMessage(error)})`, { source: 'tradingview' });
      }
    }
    const parsed = tradingViewAlertSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DataError(issue.message, { source: 'tradingview', field: issue.path.map(String).join('.') || 'body' });
    }
    const a = parsed.data;
    const tf = a.timeframe ?? a.interval;
    const fired = a.time === undefined ? Number.NaN : typeof a.time === 'number' ? a.time : Date.parse(a.time);
    const confidence = a.confidence === undefined ? undefined : a.confidence > 1 ? a.confidence / 100 : a.confidence;
    const id = `${this.options.idPrefix ?? 'TV-'}${receivedAt.toString(36)}-${++this.counter}`;
    const alert: TradingViewAlert = {
      id, ticker: a.ticker, action: a.action, direction: ACTIONS[a.action]!, receivedAt,
      ...(a.price !== undefined ? { price: a.price } : {}),
      ...(a.strategy !== undefined ? { strategy: a.strategy } : {}),
      ...(tf !== undefined ? { timeframe: normaliseTimeframe(tf) } : {}),
      ...(a.indicators !== undefined ? { indicators: a.indicators } : {}),
      ...(confidence !== undefined ? { confidence } : {}),
      ...(Number.isFinite(fired) ? { firedAt: fired } : {}),
    };
    const key = a.id !== undefined ? `id:${String(a.id)}` : [normaliseTicker(a.ticker), a.action, a.strategy ?? '', alert.timeframe ?? '', a.price ?? ''].join('|');
    const window = this.options.dedupeWindowMs ?? 60_000;
    const previous = this.recent.get(key);
    const duplicate = previous !== undefined && receivedAt - previous.at <= window;
    if (!duplicate) {
      this.recent.set(key, { id, at: receivedAt });
      const list = this.byTicker.get(normaliseTicker(a.ticker)) ?? [];
      list.push(alert);
      this.byTicker.set(normaliseTicker(a.ticker), list);
      this.forgetOld(receivedAt);
    }
    this.store(alert, input as JsonValue, duplicate ? previous.id : undefined);
    return duplicate ? { alert, duplicate: true, duplicateOf: previous.id } : { alert, duplicate: false };
  }

  /** Alerts for a symbol received in `(from, to]`, oldest first. */
  alerts(symbol: string, from: number, to: number): TradingViewAlert[] {
    const list = this.byTicker.get(normaliseTicker(symbol)) ?? [];
    return list.filter((a) => a.receivedAt > from && a.receivedAt <= to);
  }

  /** Waits until every store write has finished. */
  flush(): Promise<void> {
    return this.writes;
  }

  private forgetOld(now: number): void {
    const cutoff = now - (this.options.retainMs ?? 7 * 86_400_000);
    for (const [ticker, list] of this.byTicker) {
      if (list.length > 0 && list[0]!.receivedAt < cutoff) this.byTicker.set(ticker, list.filter((a) => a.receivedAt >= cutoff));
    }
    const window = this.options.dedupeWindowMs ?? 60_000;
    if (this.recent.size > 10_000) for (const [k, v] of this.recent) if (now - v.at > window) this.recent.delete(k);
  }

  private store(alert: TradingViewAlert, payload: JsonValue, duplicateOf: string | undefined): void {
    const store = this.options.store;
    if (!store) return;
    const record: TradingViewSignalRecord = {
      id: alert.id, receivedAt: alert.receivedAt, ticker: alert.ticker, action: alert.action, payload,
      status: duplicateOf !== undefined ? 'ignored' : 'received',
      ...(alert.price !== undefined ? { price: alert.price } : {}),
      ...(alert.strategy !== undefined ? { strategy: alert.strategy } : {}),
      ...(alert.timeframe !== undefined ? { timeframe: alert.timeframe } : {}),
      ...(alert.indicators !== undefined ? { indicators: alert.indicators } : {}),
      ...(alert.confidence !== undefined ? { confidence: alert.confidence } : {}),
      ...(duplicateOf !== undefined ? { reasoning: { duplicateOf } } : {}),
    };
    this.writes = this.writes.then(() => store.record(record)).catch((error: unknown) => {
      this.storeFailures++;
      this.options.onStoreError?.(error);
    });
  }
}

/**
 * Replays recorded alerts into an inbox (backtests): a JSON array of alert bodies, each with the
 * time it was received — `receivedAt` (or `time`, TradingView's `{{timenow}}`) as ISO-8601 text or
 * epoch ms. Returns the number of alerts ingested (duplicates included).
 * @throws DataError naming the file and the alert (1-based) that is invalid or has no time.
 */
export function replayTradingViewAlerts(inbox: TradingViewInbox, path: string): number {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataError(`cannot read the alerts file: ${errorMessage(error)}`, { source: path }, { cause: error });
  }
  if (!Array.isArray(list)) throw new DataError('expected a JSON array of alerts', { source: path });
  for (const [i, entry] of list.entries()) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const raw = e.receivedAt ?? e.time;
    const at = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(at)) throw new DataError('the alert has no receivedAt or time', { source: path, row: i + 1, field: 'receivedAt' });
    const { receivedAt: _ignored, ...body } = e;
    try {
      inbox.ingestTradingViewAlert(body, at);
    } catch (error) {
      if (error instanceof DataError) throw new DataError(error.message.replace(/^tradingview(, field "[^"]*")?: /, ''), { source: path, row: i + 1, ...(error.location.field ? { field: error.location.field } : {}) }, { cause: error });
      throw error;
    }
  }
  return list.length;
}
