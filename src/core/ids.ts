/**
 * Identifier generation. Counter-based so that the same run produces the same ids
 * (a backtest report must be byte-identical for the same input).
 */
export class IdGenerator {
  private readonly counters = new Map<string, number>();

  constructor(private readonly namespace = '') {}

  /** Next id for a prefix, e.g. `O-1`, `O-2`; with a namespace `bt-O-1`. */
  next(prefix: string): string {
    return this.format(prefix, this.increment(prefix));
  }

  /** Advances a prefix's counter and returns its new value. */
  increment(prefix: string): number {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return n;
  }

  /** The id for a prefix and number (related ids share a number: order O-7, client order C-7). */
  format(prefix: string, n: number): string {
    return this.namespace ? `${this.namespace}-${prefix}-${n}` : `${prefix}-${n}`;
  }
}
