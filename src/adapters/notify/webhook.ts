/**
 * Outgoing webhook: each event is POSTed as JSON `{event, time, data}` to a configured URL, signed
 * with `X-Arbiter-Signature: sha256=<HMAC-SHA256 of the body>` when a secret is set (the receiver
 * recomputes it to know the post came from this server) and named in `X-Arbiter-Event`. Posts go
 * one at a time in event order, with up to 3 attempts (backoff; a 429's `Retry-After` is obeyed) on
 * network errors, timeouts, 429 and 5xx answers; other answers (4xx, redirects, which are not
 * followed) fail at once. Failures are counted and reported through `onError`, never thrown. At
 * most 1000 posts wait, beyond which the oldest are dropped and counted. Reports never contain the
 * URL (chat-service webhook URLs carry their secret in the path).
 *
 * @example
 * const hook = new WebhookNotifier({ url: 'https://example.com/hooks/arbiter', secret });
 * hook.send('fill', { symbol: 'BTC/USDT', side: 'buy', quantity: 0.01, price: 98_000 });
 * await hook.close(); // delivers what is queued (up to closeTimeoutMs), then drops the rest
 */
import { createHmac } from 'node:crypto';
import { networkReason, sleep, waitAtMost } from '../../core/async.js';

export interface WebhookConfig {
  readonly url: string;
  readonly secret?: string;
  /** Per attempt (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Attempts per post (default 3). */
  readonly attempts?: number;
  /** First retry delay; doubles per attempt (default 400 ms). */
  readonly retryDelayMs?: number;
  /** Longest time `close()` spends delivering what is queued before dropping it (default 5000 ms). */
  readonly closeTimeoutMs?: number;
}

const MAX_QUEUE = 1000;
/** Longest `Retry-After` obeyed; a longer one fails the post rather than stall every later event. */
const MAX_RETRY_AFTER_MS = 60_000;

/** The signature header value for a body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

interface Post {
  readonly event: string;
  readonly body: string;
}

/** Why an attempt failed, and whether another may succeed. */
class AttemptFailure extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
  }
}

export class WebhookNotifier {
  sent = 0;
  failed = 0;
  /** Posts dropped: beyond the queue's size, or still queued when `close()` gave up. */
  dropped = 0;
  private readonly queue: Post[] = [];
  private sending: Promise<void> | undefined;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly config: WebhookConfig,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  send(event: string, data: unknown, time = Date.now()): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push({ event, body: JSON.stringify({ event, time, data }) });
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  /** Resolves when every queued post has been delivered or has failed. */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Refuses new events, delivers what is queued for up to `closeTimeoutMs`, then drops the rest. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sending) {
      await waitAtMost(this.flush(), this.config.closeTimeoutMs ?? 5000);
    }
    this.abort.abort();
    this.dropped += this.queue.length;
    this.queue.length = 0;
    await this.sending;
  }

  private async drain(): Promise<void> {
    const cancel = this.abort.signal;
    for (let post = this.queue.shift(); post !== undefined && !cancel.aborted; post = this.queue.shift()) {
      await this.deliver(post, cancel);
    }
  }

  private async deliver(post: Post, cancel: AbortSignal): Promise<void> {
    const attempts = Math.max(1, this.config.attempts ?? 3);
    let delay = this.config.retryDelayMs ?? 400;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(post, cancel);
        this.sent++;
        return;
      } catch (error) {
        const failure = error instanceof AttemptFailure ? error : new AttemptFailure(String(error), false);
        if (!failure.retryable || attempt >= attempts || cancel.aborted) {
          this.failed++;
          this.onError(`webhook post of ${post.event} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${failure.message}`);
          return;
        }
        await sleep(Math.max(delay, failure.retryAfterMs ?? 0), cancel);
        delay *= 2;
      }
    }
  }

  private async attempt(post: Post, cancel: AbortSignal): Promise<void> {
    const timeoutMs = this.config.timeoutMs ?? 5000;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'x-arbiter-event': post.event,
          ...(this.config.secret ? { 'x-arbiter-signature': signBody(this.config.secret, post.body) } : {}),
        },
        body: post.body,
        redirect: 'manual',
        signal: AbortSignal.any([cancel, timeout]),
      });
      await response.arrayBuffer();
    } catch (error) {
      // The fetch error is not passed on: only a reason without the URL.
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : cancel.aborted ? 'canceled at close' : networkReason(error);
      throw new AttemptFailure(why, !cancel.aborted);
    }
    if (response.status >= 200 && response.status < 300) return;
    const status = `HTTP ${response.status}`;
    if (response.status === 429) {
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      throw new AttemptFailure(status, retryAfterMs === undefined || retryAfterMs <= MAX_RETRY_AFTER_MS, retryAfterMs);
    }
    if (response.status >= 300 && response.status < 400) throw new AttemptFailure(`${status} (redirects are not followed)`, false);
    throw new AttemptFailure(status, response.status >= 500);
  }
}

/** `Retry-After` in ms: delta-seconds or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
