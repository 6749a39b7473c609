/** Small helpers strategy authors reach for. */

/**
 * Tracks two series and reports crossings, as backtesting.py's `crossover` does: a crosses
 * above b when a was below b on the previous update and is above it now (strictly).
 * @example
 * const cross = new Crossover();
 * cross.update(fast.update(close), slow.update(close)); // 1 up, -1 down, 0 otherwise
 */
export class Crossover {
  private previous = Number.NaN;

  /** Returns 1 when a crossed above b, −1 when it crossed below, 0 otherwise (or before both are known). */
  update(a: number, b: number): -1 | 0 | 1 {
    const diff = a - b;
    const before = this.previous;
    this.previous = diff;
    if (before < 0 && diff > 0) return 1;
    if (before > 0 && diff < 0) return -1;
    return 0;
  }
}
