/**
 * Outgoing webhook: each event is POSTed as JSON `{event, time, data}` to a configured URL, signed
 * with `X-Arbiter-Signature: sha256=<HMAC-SHA256 of the body>` when a secret is set (the receiver
 * recomputes it to know the post came from this server). Posts go one at a time in event order,
 * with up to 3 attempts (backoff) on network errors and 5xx answers; at most 1000 wait, beyond
 * which the oldest are dropped and counted.
 *
 * @example
 * const hook = new WebhookNotifier({ url: 'https://example.com/hooks/arbiter', secret });
 * hook.send('fill', { symbol: 'BTC/USDT', side: 'buy', quantity: 0.01, price: 98_000 });
 */
import { createHmac } from 'node:crypto';

export interface WebhookConfig {
  readonly url: string;
  readonly secret?: string;
  readonly timeoutMs?: number;
  readonly attempts?: number;
}

const MAX_QUEUE = 1000;

/** The signature header value for a body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookNotifier {
  sent = 0;
  failed = 0;
  dropped = 0;
  private readonly queue: string[] = [];
  private sending: Promise<void> | undefined;
  private closed = false;

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
    this.queue.push(JSON.stringify({ event, time, data }));
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const body = this.queue.shift()!;
      const event = (JSON.parse(body) as { event: string }).event;
      const attempts = this.config.attempts ?? 3;
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await fetch(this.config.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json', 'x-arbiter-event': event,
              ...(this.config.secret ? { 'x-arbiter-signature': signBody(this.config.secret, body) } : {}),
            },
            body,
            signal: AbortSignal.timeout(this.config.timeoutMs ?? 5000),
          });
          await response.arrayBuffer().catch(() => undefined);
          if (response.status >= 500 && attempt < attempts) throw new RetryableError(`HTTP ${response.status}`);
          if (response.ok) this.sent++;
          else {
            this.failed++;
            this.onError(`webhook answered HTTP ${response.status} to ${event}`);
          }
          break;
        } catch (error) {
          if (attempt >= attempts) {
            this.failed++;
            this.onError(`webhook post of ${event} failed after ${attempts} attempts: ${error instanceof Error ? error.message : String(error)}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
        }
      }
    }
  }
}

class RetryableError extends Error {}
