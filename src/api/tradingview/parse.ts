/**
 * Reads a TradingView alert. TradingView posts the alert's message after placeholder
 * substitution: with `Content-Type: application/json` when the message is valid JSON, as
 * `text/plain` otherwise. Both are accepted here:
 *
 * - **JSON**: `{"passphrase": "…", "ticker": "{{ticker}}", "action": "{{strategy.order.action}}",
 *   "price": {{close}}, "strategy": "…", "timeframe": "{{interval}}", "indicators": {"rsi": 28.1}}`.
 *   Aliases: `symbol` for ticker; `side`, `signal`, `event`, `order_action` for action; `close`
 *   for price; `interval`, `tf` for timeframe; `secret` for passphrase; `contracts`, `qty`,
 *   `quantity`, `size` for contracts; `timenow` for time. `confidence` 0 … 1 (or a percentage,
 *   `70`). Numbers may be quoted.
 * - **key=value text**: pairs separated by spaces, commas, semicolons or new lines, `=` or `:`
 *   between key and value, values optionally quoted: `ticker=BTCUSDT action=buy price=67000.5
 *   passphrase=s3cret rsi=28.1`. Keys that are not fields above become indicators.
 * - **a sentence** (TradingView's plain-text default): `buy 0.5 BTCUSDT @ 67000.5`,
 *   `sell AAPL at 189.84`, `close BTCUSDT` — with `passphrase=…` anywhere in it.
 *
 * Actions: buy (long, long_entry, enter_long, bullish…), sell (short, short_entry, bearish…),
 * close (exit, flat, exit_long, close_short…). Timeframes in TradingView's `{{interval}}` form
 * (`1`, `60`, `240`, `1D`, `W`) become Arbiter's (`1m`, `1h`, `4h`, `1d`, `1w`).
 */
import { DataError } from '../../core/errors.js';

export type AlertAction = 'buy' | 'sell' | 'close';
export type IndicatorValue = number | string | boolean | null;

export interface ParsedAlert {
  /** As sent (exchange prefix and suffixes kept); resolved against instruments later. */
  readonly ticker: string;
  readonly action: AlertAction;
  /** The word the alert used (`LONG_ENTRY`, `buy`…). */
  readonly actionText: string;
  readonly price?: number;
  readonly strategy?: string;
  readonly timeframe?: string;
  readonly contracts?: number;
  /** UTC epoch ms of `{{time}}`/`{{timenow}}` when given. */
  readonly time?: number;
  /** How sure the sender is, 0 … 1 (a value above 1 is read as a percentage: `70` → 0.7). */
  readonly confidence?: number;
  readonly indicators: Readonly<Record<string, IndicatorValue>>;
  /** The passphrase the alert carried (never stored or echoed). */
  readonly passphrase?: string;
  /** Every field of the alert except the passphrase, for storage. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly format: 'json' | 'pairs' | 'sentence';
}

/** A field of an alert that cannot be read; `field` names it. */
export class AlertParseError extends DataError {
  constructor(message: string, readonly field: string) {
    super(message, { source: 'tradingview alert', field });
  }
}

const ACTIONS: Readonly<Record<string, AlertAction>> = {
  buy: 'buy', long: 'buy', long_entry: 'buy', enter_long: 'buy', entry_long: 'buy', buy_entry: 'buy', open_long: 'buy', bullish: 'buy', bull: 'buy',
  sell: 'sell', short: 'sell', short_entry: 'sell', enter_short: 'sell', entry_short: 'sell', sell_entry: 'sell', open_short: 'sell', bearish: 'sell', bear: 'sell',
  close: 'close', exit: 'close', flat: 'close', exit_long: 'close', exit_short: 'close', close_long: 'close', close_short: 'close',
  long_exit: 'close', short_exit: 'close', close_all: 'close', exit_all: 'close',
};

const ALIASES: Readonly<Record<string, string>> = {
  ticker: 'ticker', symbol: 'ticker',
  action: 'action', side: 'action', signal: 'action', event: 'action', order_action: 'action',
  price: 'price', close: 'price',
  strategy: 'strategy',
  timeframe: 'timeframe', interval: 'timeframe', tf: 'timeframe',
  passphrase: 'passphrase', secret: 'passphrase',
  contracts: 'contracts', qty: 'contracts', quantity: 'contracts', size: 'contracts',
  time: 'time', timenow: 'time',
  confidence: 'confidence',
  indicators: 'indicators',
};

const MAX_INDICATORS = 64;

/** The canonical action of a word, or undefined. */
export function normalizeAction(text: string): AlertAction | undefined {
  return ACTIONS[text.trim().toLowerCase().replace(/[\s-]+/g, '_')];
}

/**
 * TradingView's `{{interval}}` (minutes as a number, `S` seconds, `D`/`W`/`M` with an optional
 * count) or an Arbiter timeframe, as an Arbiter timeframe.
 */
export function normalizeTimeframe(raw: string | number): string | undefined {
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) {
    const minutes = Number(text);
    if (minutes <= 0) return undefined;
    return minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
  }
  let m = /^(\d*)([SDWM])$/.exec(text);
  if (m) {
    const n = m[1] === '' ? 1 : Number(m[1]);
    if (n <= 0) return undefined;
    return `${n}${({ S: 's', D: 'd', W: 'w', M: 'M' } as const)[m[2] as 'S' | 'D' | 'W' | 'M']}`;
  }
  m = /^(\d+)\s*(s|m|h|d|w)$/i.exec(text);
  if (m && Number(m[1]) > 0) return `${Number(m[1])}${m[2]!.toLowerCase()}`;
  return undefined;
}

function toNumber(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(n)) throw new AlertParseError(`${shown(value)} is not a number`, field);
  return n;
}

function toTime(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+$/.test(text)) return toTime(Number(text));
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
  }
  throw new AlertParseError(`${shown(value)} is not a time (ISO-8601 or epoch)`, 'time');
}

/**
 * A received value for an error message. Not `String(value)`: an object such as
 * `{"toString": ""}` makes that throw, and a bad field must be a 400, never a 500.
 */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return `"${String(value)}"`;
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** Parses an alert body (a parsed JSON value or the raw text). */
export function parseAlert(body: unknown): ParsedAlert {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '') throw new AlertParseError('the alert is empty', 'body');
    if (text.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (json !== undefined) return fromObject(json, 'json');
    }
    return fromText(text);
  }
  if (Buffer.isBuffer(body)) return parseAlert(body.toString('utf8'));
  return fromObject(body, 'json');
}

function fromObject(body: unknown, format: ParsedAlert['format']): ParsedAlert {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AlertParseError('the alert must be a JSON object or text', 'body');
  const canonical: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = ALIASES[key.toLowerCase()];
    if (name && !(name in canonical)) canonical[name] = value;
    else extra[key] = value;
  }
  return build(canonical, extra, format);
}

function build(c: Record<string, unknown>, extra: Record<string, unknown>, format: ParsedAlert['format']): ParsedAlert {
  const tickerRaw = c.ticker;
  if (typeof tickerRaw !== 'string' || tickerRaw.trim() === '') throw new AlertParseError('missing ticker (`ticker` or `symbol`)', 'ticker');
  const ticker = tickerRaw.trim();
  if (ticker.length > 64 || !/^[A-Za-z0-9.:/_!\-]+$/.test(ticker)) throw new AlertParseError(`"${ticker.slice(0, 64)}" is not a ticker`, 'ticker');
  const actionRaw = c.action;
  if (typeof actionRaw !== 'string' || actionRaw.trim() === '') throw new AlertParseError('missing action (buy, sell or close)', 'action');
  const action = normalizeAction(actionRaw);
  if (!action) throw new AlertParseError(`unknown action "${actionRaw.slice(0, 40)}"; use buy, sell or close (or long, short, exit)`, 'action');

  let price: number | undefined;
  if (c.price !== undefined && c.price !== null && c.price !== '') {
    price = toNumber(c.price, 'price');
    if (!(price > 0)) throw new AlertParseError(`price must be positive, got ${price}`, 'price');
  }
  let contracts: number | undefined;
  if (c.contracts !== undefined && c.contracts !== null && c.contracts !== '') {
    contracts = toNumber(c.contracts, 'contracts');
    if (!(contracts >= 0)) throw new AlertParseError(`contracts must not be negative, got ${contracts}`, 'contracts');
  }
  let timeframe: string | undefined;
  if (c.timeframe !== undefined && c.timeframe !== null && c.timeframe !== '') {
    if (typeof c.timeframe !== 'string' && typeof c.timeframe !== 'number') throw new AlertParseError('timeframe must be text or a number', 'timeframe');
    timeframe = normalizeTimeframe(c.timeframe);
    if (!timeframe) throw new AlertParseError(`"${String(c.timeframe)}" is not a timeframe (1, 5, 60, 1D, 1h…)`, 'timeframe');
  }
  const time = c.time !== undefined && c.time !== null && c.time !== '' ? toTime(c.time) : undefined;
  let confidence: number | undefined;
  if (c.confidence !== undefined && c.confidence !== null && c.confidence !== '') {
    confidence = toNumber(c.confidence, 'confidence');
    if (!(confidence >= 0 && confidence <= 100)) throw new AlertParseError(`confidence must be 0 … 1 (or a percentage up to 100), got ${confidence}`, 'confidence');
    if (confidence > 1) confidence /= 100;
  }
  if (c.strategy !== undefined && typeof c.strategy !== 'string') throw new AlertParseError('strategy must be text', 'strategy');
  const strategy = typeof c.strategy === 'string' && c.strategy.trim() !== '' ? c.strategy.trim().slice(0, 200) : undefined;
  if (c.passphrase !== undefined && typeof c.passphrase !== 'string') throw new AlertParseError('passphrase must be text', 'passphrase');

  const indicators: Record<string, IndicatorValue> = {};
  if (c.indicators !== undefined && c.indicators !== null) {
    if (typeof c.indicators !== 'object' || Array.isArray(c.indicators)) throw new AlertParseError('indicators must be an object of name → value', 'indicators');
    for (const [name, value] of Object.entries(c.indicators)) addIndicator(indicators, name, value);
  }
  if (format === 'pairs') for (const [name, value] of Object.entries(extra)) addIndicator(indicators, name, value);

  const fields: Record<string, unknown> = { ...extra };
  for (const [k, v] of Object.entries(c)) if (k !== 'passphrase') fields[k] = v;
  return {
    ticker, action, actionText: actionRaw.trim(), indicators, fields, format,
    ...(price !== undefined ? { price } : {}),
    ...(strategy !== undefined ? { strategy } : {}),
    ...(timeframe !== undefined ? { timeframe } : {}),
    ...(contracts !== undefined ? { contracts } : {}),
    ...(time !== undefined ? { time } : {}),
    ...(confidence !== undefined ? { confidence } : {}),
    ...(typeof c.passphrase === 'string' ? { passphrase: c.passphrase } : {}),
  };
}

function addIndicator(into: Record<string, IndicatorValue>, name: string, value: unknown): void {
  if (Object.keys(into).length >= MAX_INDICATORS) throw new AlertParseError(`at most ${MAX_INDICATORS} indicators`, 'indicators');
  if (name.length > 64) throw new AlertParseError('indicator names are at most 64 characters', 'indicators');
  if (value === null || typeof value === 'boolean') into[name] = value;
  else if (typeof value === 'number') into[name] = Number.isFinite(value) ? value : null;
  else if (typeof value === 'string') {
    const n = Number(value);
    into[name] = value.trim() !== '' && Number.isFinite(n) ? n : value.slice(0, 200);
  } else throw new AlertParseError(`indicator "${name}" must be a number, text or boolean`, `indicators.${name}`);
}

const PAIR = /([A-Za-z_][\w.]*)\s*[=:]\s*(?:"([^"]*)"|'([^']*)'|([^\s,;"']+))/g;
const SENTENCE = /^\s*([A-Za-z_]+)\s+(?:(\d+(?:\.\d+)?)\s+)?([A-Za-z0-9.:/_!\-]+?)(?:\s*(?:@|at)\s*(\d+(?:\.\d+)?))?\s*$/i;

function fromText(text: string): ParsedAlert {
  const canonical: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  let rest = text;
  let pairs = 0;
  for (const m of text.matchAll(PAIR)) {
    const key = m[1]!;
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    const name = ALIASES[key.toLowerCase()];
    if (name && !(name in canonical)) canonical[name] = value;
    else extra[key] = value;
    pairs++;
    rest = rest.replace(m[0], ' ');
  }
  rest = rest.replace(/[,;]/g, ' ').trim();
  if (pairs > 0 && (canonical.ticker !== undefined || canonical.action !== undefined)) {
    if (rest !== '' && canonical.action === undefined) {
      const words = rest.split(/\s+/);
      const word = words.find((w) => normalizeAction(w) !== undefined);
      if (word) canonical.action = word;
    }
    return build(canonical, extra, 'pairs');
  }
  const m = SENTENCE.exec(rest);
  if (!m || !normalizeAction(m[1]!)) {
    throw new AlertParseError('cannot read the alert: send JSON, key=value pairs (ticker=BTCUSDT action=buy price=67000) or "buy BTCUSDT @ 67000"', 'body');
  }
  return build(
    { ...canonical, action: m[1], ticker: m[3], ...(m[2] !== undefined ? { contracts: m[2] } : {}), ...(m[4] !== undefined ? { price: m[4] } : {}) },
    extra,
    'sentence',
  );
}

/**
 * The session symbol a TradingView ticker means: exact match first, then without the exchange
 * prefix (`BINANCE:`), the perpetual suffix (`.P`) and separators (`BTCUSDT` → `BTC/USDT`).
 */
export function resolveTicker(ticker: string, symbols: readonly string[]): string | undefined {
  if (symbols.includes(ticker)) return ticker;
  let bare = ticker;
  const colon = bare.indexOf(':');
  if (colon > 0 && !bare.slice(0, colon).includes('/')) bare = bare.slice(colon + 1); // EXCHANGE:TICKER
  const perpetual = /\.P$/i.test(bare) || bare.includes(':');
  const key = squash(bare.replace(/\.P$/i, '').split(':')[0]!);
  const candidates = symbols.filter((s) => squash(s.split(':')[0]!) === key);
  if (candidates.length <= 1) return candidates[0];
  return candidates.find((s) => s.includes(':') === perpetual) ?? candidates[0];
}

function squash(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
