/**
 * Counters the system status exposes: requests by status class, rejected requests by reason
 * (every bad input is counted), latency percentiles over a sliding sample, WebSocket traffic and
 * event throughput. Recording is a few array writes per request; percentiles are computed only
 * when someone asks.
 */

/** Why a request was turned away (the `code` of its error answer). */
export type RejectReason =
  | 'validation_failed' | 'malformed_json' | 'payload_too_large' | 'unsupported_media_type' | 'unauthorized' | 'forbidden'
  | 'rate_limited' | 'not_found' | 'unknown_symbol' | 'live_disabled' | 'conflict' | 'unavailable' | 'duplicate'
  | 'webhook_passphrase' | 'webhook_duplicate' | 'internal_error';

/** Fixed-size ring of the last N samples; percentiles by sorting a copy on demand. */
export class LatencySample {
  private readonly values: Float64Array;
  private count = 0;
  private next = 0;
  max = 0;

  constructor(size = 4096) {
    this.values = new Float64Array(size);
  }

  add(ms: number): void {
    this.values[this.next] = ms;
    this.next = (this.next + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
    if (ms > this.max) this.max = ms;
  }

  percentiles(): { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null; readonly max: number | null; readonly samples: number } {
    if (this.count === 0) return { p50: null, p95: null, p99: null, max: null, samples: 0 };
    const sorted = this.values.slice(0, this.count).sort();
    const at = (q: number): number => round3(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round3(this.max), samples: this.count };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Events per second over the last few seconds (a ring of one-second buckets). */
export class RateMeter {
  private readonly buckets = new Float64Array(10);
  private currentSecond = 0;
  total = 0;

  constructor(private readonly now: () => number = Date.now) {}

  mark(n = 1): void {
    const second = Math.floor(this.now() / 1000);
    this.roll(second);
    this.buckets[second % this.buckets.length]! += n;
    this.total += n;
  }

  /** Mean rate over the last full seconds (up to 9). */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    this.roll(second);
    let sum = 0;
    for (let k = 1; k < this.buckets.length; k++) sum += this.buckets[(second - k + this.buckets.length * 2) % this.buckets.length]!;
    return sum / (this.buckets.length - 1);
  }

  private roll(second: number): void {
    if (second === this.currentSecond) return;
    const steps = Math.min(this.buckets.length, second - this.currentSecond);
    for (let k = 1; k <= steps; k++) this.buckets[(this.currentSecond + k) % this.buckets.length] = 0;
    this.currentSecond = second;
  }
}

export class ApiMetrics {
  requests = 0;
  readonly byStatusClass: Record<'2xx' | '3xx' | '4xx' | '5xx', number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  readonly rejected = new Map<RejectReason, number>();
  readonly latency = new LatencySample();
  readonly requestRate: RateMeter;
  wsMessagesSent = 0;
  wsMessagesDropped = 0;
  wsConnections = 0;
  readonly events: RateMeter;

  constructor(now: () => number = Date.now) {
    this.requestRate = new RateMeter(now);
    this.events = new RateMeter(now);
  }

  reject(reason: RejectReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  response(statusCode: number, elapsedMs: number): void {
    this.requests++;
    const cls = statusCode >= 500 ? '5xx' : statusCode >= 400 ? '4xx' : statusCode >= 300 ? '3xx' : '2xx';
    this.byStatusClass[cls]++;
    this.latency.add(elapsedMs);
    this.requestRate.mark();
  }

  rejectedCounts(): Record<string, number> {
    return Object.fromEntries([...this.rejected.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
