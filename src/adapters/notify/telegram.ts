/**
 * A Telegram bot on the Bot API (long polling `getUpdates`, `sendMessage`): it answers `/status`,
 * `/trades` and `/stop` (which asks for `/confirm` within a minute before halting) and sends the
 * notifications it is given. It obeys only the configured chat; messages from anyone else are
 * ignored and counted, and so are messages sent before the bot started (a `/stop` + `/confirm`
 * left in Telegram's queue from yesterday must not halt today's session).
 *
 * A message that fails to send is retried (network errors, 5xx, 429 after Telegram's
 * `retry_after`), then counted and reported; polling backs off and reports while the API is
 * unreachable. The bot token is part of every URL, so URLs are never logged or put in error
 * messages, and any text that reaches `onError` or the lifecycle has the token scrubbed.
 *
 * @example
 * const bot = new TelegramBot({ botToken, chatId, apiBase: 'https://api.telegram.org' }, {
 *   status: async () => 'equity 10,250.00', trades: async () => 'no trades', stop: async (who) => 'halted',
 * });
 * bot.start();
 * bot.notify('BUY 0.01 BTC/USDT @ 98,000');
 * await bot.stop(); // sends what is queued (up to closeTimeoutMs), then stops polling
 */
import { Lifecycle } from '../../core/lifecycle.js';
import { TemporaryError } from '../../core/errors.js';
import { networkReason, sleep, waitAtMost } from '../../core/async.js';

export interface TelegramConfig {
  readonly botToken: string;
  readonly chatId: string;
  /** `https://api.telegram.org`; tests use a loopback fake. */
  readonly apiBase: string;
  /** Long-poll timeout in seconds (0 = short polling). */
  readonly pollTimeoutSec?: number;
  /** Least time between two messages to the chat (Telegram allows about one per second). */
  readonly minIntervalMs?: number;
  /** How long a `/stop` waits for `/confirm`. */
  readonly confirmWindowMs?: number;
  /** Attempts per message before it counts as failed (default 3). */
  readonly sendAttempts?: number;
  /** First retry delay; doubles per attempt (default 1000 ms). Telegram's `retry_after` wins when longer. */
  readonly retryDelayMs?: number;
  /** Longest time `stop()` spends sending what is queued before dropping it (default 5000 ms). */
  readonly closeTimeoutMs?: number;
  /** Messages dated more than this before the bot started are ignored (default 30 s; allows for clock skew). */
  readonly staleAfterMs?: number;
}

/** What the bot can do, given by its owner (the API wires these to the session). */
export interface TelegramCommands {
  status(): Promise<string>;
  trades(): Promise<string>;
  /** Halts trading; `actor` names who asked (for the audit log). */
  stop(actor: string): Promise<string>;
}

/** The parts of a Bot API `Update` the bot reads. */
interface Update {
  readonly update_id: number;
  readonly message?: {
    readonly chat?: { readonly id?: number | string };
    readonly text?: string;
    /** Unix time in seconds. */
    readonly date?: number;
    readonly from?: { readonly username?: string; readonly id?: number };
  };
}

/** A Bot API answer: `{ok: true, result}` or `{ok: false, error_code, description, parameters?: {retry_after}}`. */
interface ApiAnswer {
  readonly ok?: boolean;
  readonly result?: unknown;
  readonly description?: string;
  readonly parameters?: { readonly retry_after?: number };
}

const MAX_QUEUE = 100;
const MAX_TEXT = 4000;

export class TelegramBot {
  readonly lifecycle = new Lifecycle('telegram');
  /** Messages from chats other than the configured one. */
  ignored = 0;
  /** Messages sent before the bot started (not acted on). */
  stale = 0;
  sent = 0;
  /** Failed Bot API calls (each failed poll, each message given up on). */
  failures = 0;
  /** Queued messages dropped: beyond the queue's size, or still queued when `stop()` gave up. */
  dropped = 0;
  private offset = 0;
  private running = false;
  private startedAt = 0;
  private controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly queue: string[] = [];
  private skipped = 0;
  private sending: Promise<void> | undefined;
  private lastSentAt = 0;
  private pendingStop: { at: number } | undefined;
  /** Cancels sends (requests, retries, rate-limit waits) once `stop()` has given up on the queue. */
  private sendAbort = new AbortController();
  private closed = false;

  constructor(
    private readonly config: TelegramConfig,
    private readonly commands: TelegramCommands,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.closed = false;
    if (this.sendAbort.signal.aborted) this.sendAbort = new AbortController();
    this.startedAt = Date.now();
    this.controller = new AbortController();
    this.lifecycle.transition('running');
    this.loop = this.poll();
  }

  /** Stops polling, sends what is queued for up to `closeTimeoutMs`, then drops the rest. */
  async stop(): Promise<void> {
    this.running = false;
    // A long poll in flight is cut at once; sends in flight may finish until the deadline.
    const poll = this.controller;
    poll.abort();
    await this.loop;
    if (this.sending) {
      await waitAtMost(this.flush(), this.config.closeTimeoutMs ?? 5000);
    }
    this.closed = true;
    this.sendAbort.abort();
    this.dropped += this.queue.length;
    this.queue.length = 0;
    await this.sending;
    this.lifecycle.transition('stopped');
  }

  /** Queues a message to the chat (the oldest are dropped beyond 100; the next message says how many). Ignored once stopped. */
  notify(text: string): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.skipped++;
      this.dropped++;
    }
    this.queue.push(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  /** Resolves when every queued message has been sent (or has failed). */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private url(method: string): string {
    return `${this.config.apiBase.replace(/\/$/, '')}/bot${this.config.botToken}/${method}`;
  }

  /** Text safe to log: the token removed wherever it appears. */
  private scrub(text: string): string {
    const token = this.config.botToken;
    return token.length > 0 ? text.split(token).join('[redacted]') : text;
  }

  private async call(method: string, body: Record<string, unknown>, timeoutMs: number, cancel: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.url(method), {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.any([cancel, timeout]),
      });
    } catch (error) {
      // Never pass the fetch error on as a cause: it may carry the URL, which holds the token.
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : cancel.aborted ? 'canceled' : networkReason(error);
      throw new TemporaryError(this.scrub(`Telegram ${method} failed: ${why}`));
    }
    const json = (await response.json().catch(() => undefined)) as ApiAnswer | undefined;
    if (response.ok && json?.ok === true) return json.result;
    const description = typeof json?.description === 'string' ? ` (${json.description.slice(0, 200)})` : '';
    const message = this.scrub(`Telegram ${method} failed: HTTP ${response.status}${description}`);
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = json?.parameters?.retry_after;
      throw new TemporaryError(message, typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter * 1000 : undefined);
    }
    throw new Error(message);
  }

  private async poll(): Promise<void> {
    const timeout = this.config.pollTimeoutSec ?? 25;
    const signal = this.controller.signal;
    let backoff = 500;
    while (this.running) {
      try {
        const result = await this.call('getUpdates', { offset: this.offset, timeout, allowed_updates: ['message'] }, (timeout + 10) * 1000, signal);
        if (!Array.isArray(result)) throw new Error('Telegram getUpdates failed: the result is not a list of updates');
        backoff = 500;
        if (this.lifecycle.current.state !== 'running') this.lifecycle.transition('running');
        for (const update of result as Update[]) {
          if (typeof update?.update_id !== 'number') continue;
          this.offset = Math.max(this.offset, update.update_id + 1);
          await this.handle(update);
        }
      } catch (error) {
        if (!this.running) break;
        this.failures++;
        const message = this.scrub(error instanceof Error ? error.message : String(error));
        this.lifecycle.transition('degraded', message);
        this.onError(message);
        const retryAfter = error instanceof TemporaryError ? error.retryAfterMs ?? 0 : 0;
        await sleep(Math.max(backoff, retryAfter), signal);
        backoff = Math.min(30_000, backoff * 2);
      }
    }
  }

  private async handle(update: Update): Promise<void> {
    const message = update.message;
    const text = message?.text?.trim();
    if (!message || text === undefined) return;
    if (String(message.chat?.id) !== this.config.chatId) {
      this.ignored++;
      return;
    }
    if (typeof message.date === 'number' && message.date * 1000 < this.startedAt - (this.config.staleAfterMs ?? 30_000)) {
      this.stale++;
      return;
    }
    const command = text.split(/\s+/)[0]!.replace(/@\w+$/, '').toLowerCase();
    const who = `telegram:${message.from?.username ?? message.from?.id ?? this.config.chatId}`;
    let reply: string;
    try {
      if (command === '/status') reply = await this.commands.status();
      else if (command === '/trades') reply = await this.commands.trades();
      else if (command === '/stop' && /\bconfirm\b/i.test(text)) reply = await this.confirmStop(who);
      else if (command === '/stop') {
        this.pendingStop = { at: Date.now() };
        reply = `Halt all trading? Send /confirm within ${Math.round(this.confirmWindowMs / 1000)} s.`;
      } else if (command === '/confirm') reply = await this.confirmStop(who);
      else reply = 'Commands: /status, /trades, /stop (asks for /confirm).';
    } catch (error) {
      reply = this.scrub(`failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.notify(reply);
  }

  private get confirmWindowMs(): number {
    return this.config.confirmWindowMs ?? 60_000;
  }

  private async confirmStop(who: string): Promise<string> {
    const pending = this.pendingStop;
    this.pendingStop = undefined;
    if (!pending || Date.now() - pending.at > this.confirmWindowMs) return 'Nothing to confirm: send /stop first.';
    return this.commands.stop(who);
  }

  private async drain(): Promise<void> {
    const cancel = this.sendAbort.signal;
    while (this.queue.length > 0 && !cancel.aborted) {
      const wait = this.lastSentAt + (this.config.minIntervalMs ?? 1000) - Date.now();
      if (wait > 0) await sleep(wait, cancel);
      let text = this.queue.shift();
      if (text === undefined) break;
      if (this.skipped > 0) {
        text = `(${this.skipped} earlier notifications skipped)\n${text}`;
        this.skipped = 0;
      }
      await this.send(text, cancel);
      this.lastSentAt = Date.now();
    }
  }

  /** One message, with retries; failures are counted and reported, never thrown. */
  private async send(text: string, cancel: AbortSignal): Promise<void> {
    const attempts = Math.max(1, this.config.sendAttempts ?? 3);
    let delay = this.config.retryDelayMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('sendMessage', { chat_id: this.config.chatId, text, link_preview_options: { is_disabled: true } }, 10_000, cancel);
        this.sent++;
        return;
      } catch (error) {
        const message = this.scrub(error instanceof Error ? error.message : String(error));
        if (!(error instanceof TemporaryError) || attempt >= attempts || cancel.aborted) {
          this.failures++;
          this.onError(attempt > 1 ? `${message} (gave up after ${attempt} attempts)` : message);
          return;
        }
        await sleep(Math.max(delay, error.retryAfterMs ?? 0), cancel);
        delay *= 2;
      }
    }
  }
}
