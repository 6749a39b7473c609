/**
 * A Telegram bot on the Bot API (long polling `getUpdates`, `sendMessage`): it answers `/status`,
 * `/trades` and `/stop` (which asks for `/confirm` within a minute before halting) and sends the
 * notifications it is given. It obeys only the configured chat; messages from anyone else are
 * ignored and counted. The bot token is part of every URL, so URLs are never logged or put in
 * error messages.
 *
 * @example
 * const bot = new TelegramBot({ botToken, chatId, apiBase: 'https://api.telegram.org' }, {
 *   status: async () => 'equity 10,250.00', trades: async () => 'no trades', stop: async (who) => 'halted',
 * });
 * bot.start();
 * bot.notify('BUY 0.01 BTC/USDT @ 98,000');
 */
import { Lifecycle } from '../../core/lifecycle.js';

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
}

/** What the bot can do, given by its owner (the API wires these to the session). */
export interface TelegramCommands {
  status(): Promise<string>;
  trades(): Promise<string>;
  /** Halts trading; `actor` names who asked (for the audit log). */
  stop(actor: string): Promise<string>;
}

interface Update {
  readonly update_id: number;
  readonly message?: { readonly chat?: { readonly id?: number | string }; readonly text?: string; readonly from?: { readonly username?: string; readonly id?: number } };
}

const MAX_QUEUE = 100;

export class TelegramBot {
  readonly lifecycle = new Lifecycle('telegram');
  /** Messages from chats other than the configured one. */
  ignored = 0;
  sent = 0;
  failures = 0;
  private offset = 0;
  private running = false;
  private controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly queue: string[] = [];
  private skipped = 0;
  private sending: Promise<void> | undefined;
  private lastSentAt = 0;
  private pendingStop: { at: number } | undefined;

  constructor(
    private readonly config: TelegramConfig,
    private readonly commands: TelegramCommands,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.controller = new AbortController();
    this.lifecycle.transition('running');
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.controller.abort();
    await this.loop;
    await this.sending;
    this.lifecycle.transition('stopped');
  }

  /** Queues a message to the chat (the oldest are dropped beyond 100; the next message says how many). */
  notify(text: string): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.skipped++;
    }
    this.queue.push(text.slice(0, 4000));
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

  private async call(method: string, body: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(timeoutMs)]);
    const response = await fetch(this.url(method), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
    const json = (await response.json().catch(() => undefined)) as { ok?: boolean; result?: unknown; description?: string } | undefined;
    if (!response.ok || !json?.ok) throw new Error(`Telegram ${method} failed: HTTP ${response.status}${json?.description ? ` (${json.description})` : ''}`);
    return json.result;
  }

  private async poll(): Promise<void> {
    const timeout = this.config.pollTimeoutSec ?? 25;
    let backoff = 500;
    while (this.running) {
      try {
        const updates = (await this.call('getUpdates', { offset: this.offset, timeout, allowed_updates: ['message'] }, (timeout + 10) * 1000)) as Update[];
        backoff = 500;
        if (this.lifecycle.current.state !== 'running') this.lifecycle.transition('running');
        for (const update of updates) {
          this.offset = Math.max(this.offset, update.update_id + 1);
          await this.handle(update);
        }
      } catch (error) {
        if (!this.running) break;
        this.failures++;
        const message = error instanceof Error ? error.message : String(error);
        this.lifecycle.transition('degraded', message);
        this.onError(message);
        await sleep(backoff, this.controller.signal);
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
    const command = text.split(/\s+/)[0]!.replace(/@\w+$/, '').toLowerCase();
    const who = `telegram:${message.from?.username ?? message.from?.id ?? this.config.chatId}`;
    let reply: string;
    try {
      if (command === '/status') reply = await this.commands.status();
      else if (command === '/trades') reply = await this.commands.trades();
      else if (command === '/stop' && /\bconfirm\b/i.test(text)) reply = await this.confirmStop(who);
      else if (command === '/stop') {
        this.pendingStop = { at: Date.now() };
        reply = `Halt all trading? Send /confirm within ${Math.round((this.config.confirmWindowMs ?? 60_000) / 1000)} s.`;
      } else if (command === '/confirm') reply = await this.confirmStop(who);
      else reply = 'Commands: /status, /trades, /stop (asks for /confirm).';
    } catch (error) {
      reply = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.notify(reply);
  }

  private async confirmStop(who: string): Promise<string> {
    const pending = this.pendingStop;
    this.pendingStop = undefined;
    if (!pending || Date.now() - pending.at > (this.config.confirmWindowMs ?? 60_000)) return 'Nothing to confirm: send /stop first.';
    return this.commands.stop(who);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const wait = this.lastSentAt + (this.config.minIntervalMs ?? 1000) - Date.now();
      if (wait > 0) await sleep(wait, undefined);
      let text = this.queue.shift()!;
      if (this.skipped > 0) {
        text = `(${this.skipped} earlier notifications skipped)\n${text}`;
        this.skipped = 0;
      }
      try {
        await this.call('sendMessage', { chat_id: this.config.chatId, text, disable_web_page_preview: true }, 10_000);
        this.sent++;
      } catch (error) {
        this.failures++;
        this.onError(error instanceof Error ? error.message : String(error));
      }
      this.lastSentAt = Date.now();
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
