/**
 * Fixed-size rolling windows over typed arrays: the allocation-free building blocks of the
 * indicators. Running sums are re-computed exactly from the buffer every few thousand updates so
 * that floating-point drift cannot accumulate over millions of bars.
 */

/**
 * Updates between exact re-computations of running sums (checked when the ring wraps). The batch
 * kernels (./kernels.ts) re-sum on exactly the same updates, so that both forms agree bit for bit.
 */
export const RESYNC_EVERY = 4096;

/** The last `period` values; `push` returns the value that fell out (NaN while filling). */
export class RollingWindow {
  private readonly buf: Float64Array;
  private pos = 0;
  private filled = 0;

  constructor(readonly period: number) {
    this.buf = new Float64Array(period);
  }

  get size(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.period;
  }

  /** The value `ago` pushes back (0 = newest); `ago` must be < size. */
  get(ago: number): number {
    let i = this.pos - 1 - ago;
    if (i < 0) i += this.period;
    return this.buf[i]!;
  }

  /** The oldest value in the window (the next one to fall out when full). */
  oldest(): number {
    return this.filled === this.period ? this.buf[this.pos]! : this.buf[0]!;
  }

  push(x: number): number {
    const p = this.pos;
    const out = this.filled === this.period ? this.buf[p]! : NaN;
    if (this.filled < this.period) this.filled++;
    this.buf[p] = x;
    this.pos = p + 1 === this.period ? 0 : p + 1;
    return out;
  }

  clear(): void {
    this.pos = 0;
    this.filled = 0;
  }
}

/** Sum of the last `period` values. */
export class RollingSum {
  private readonly buf: Float64Array;
  private pos = 0;
  private filled = 0;
  private acc = 0;
  private sinceSync = 0;

  constructor(readonly period: number) {
    this.buf = new Float64Array(period);
  }

  get sum(): number {
    return this.acc;
  }

  get size(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.period;
  }

  push(x: number): void {
    const p = this.pos;
    if (this.filled === this.period) {
      this.acc += x - this.buf[p]!;
    } else {
      this.acc += x;
      this.filled++;
    }
    this.buf[p] = x;
    const next = p + 1 === this.period ? 0 : p + 1;
    this.pos = next;
    if (++this.sinceSync >= RESYNC_EVERY && next === 0) this.resync();
  }

  private resync(): void {
    let s = 0;
    for (let i = 0; i < this.filled; i++) s += this.buf[i]!;
    this.acc = s;
    this.sinceSync = 0;
  }

  clear(): void {
    this.pos = 0;
    this.filled = 0;
    this.acc = 0;
    this.sinceSync = 0;
  }
}

/**
 * A `RollingMoments` re-sums exactly as soon as the rounding error its replace updates may have
 * accumulated (bounded by `drift`, in units of the machine epsilon) could exceed 1e-10 of its M2.
 * That happens when values far larger than the window's current spread have passed through it —
 * a spike that has just left, or a price level high above a tiny spread — and would otherwise
 * leave the variance wrong by more than the variance itself until the next scheduled re-sum.
 */
export const MOMENTS_DRIFT_RATIO = 1e-10 / Number.EPSILON;

/**
 * Mean and sum of squared deviations (M2) of the last `period` values, updated with Welford's
 * add/replace formulas: stable where the textbook sum-of-squares cancels catastrophically (prices
 * of 50,000 with a spread of 0.01), and re-summed exactly when the error bound says so (see
 * {@link MOMENTS_DRIFT_RATIO}) besides every {@link RESYNC_EVERY} updates.
 */
export class RollingMoments {
  private readonly buf: Float64Array;
  private pos = 0;
  private filled = 0;
  private m = 0;
  private m2 = 0;
  private sinceSync = 0;
  /** Bound on the rounding error of `m2` since the last exact re-sum, in units of Number.EPSILON. */
  private drift = 0;

  constructor(readonly period: number) {
    this.buf = new Float64Array(period);
  }

  get size(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.period;
  }

  get mean(): number {
    return this.m;
  }

  /** Variance with `ddof` degrees of freedom removed (0 = population, 1 = sample); never negative. */
  variance(ddof: number): number {
    const d = this.filled - ddof;
    if (d <= 0 || this.m2 <= 0) return 0;
    return this.m2 / d;
  }

  push(x: number): void {
    const p = this.pos;
    if (this.filled === this.period) {
      const old = this.buf[p]!;
      const mean = this.m + (x - old) / this.period;
      this.m2 += (x - old) * (x - mean + old - this.m);
      this.drift += momentsDrift(x, old, mean, this.m);
      this.m = mean;
    } else {
      this.filled++;
      const delta = x - this.m;
      this.m += delta / this.filled;
      this.m2 += delta * (x - this.m);
    }
    this.buf[p] = x;
    const next = p + 1 === this.period ? 0 : p + 1;
    this.pos = next;
    if (++this.sinceSync >= RESYNC_EVERY && next === 0) {
      this.resync();
      this.sinceSync = 0;
    } else if (this.drift > this.m2 * MOMENTS_DRIFT_RATIO) {
      // Out of schedule: the schedule (and so the batch kernels' copy of it) stays as it was.
      this.resync();
    }
  }

  /** Exact two-pass mean and M2 of the window, summed oldest first (as the batch kernels sum). */
  private resync(): void {
    const n = this.filled;
    const start = n === this.period ? this.pos : 0;
    let s = 0;
    for (let k = 0, j = start; k < n; k++, j = j + 1 === n ? 0 : j + 1) s += this.buf[j]!;
    const mean = s / n;
    let q = 0;
    for (let k = 0, j = start; k < n; k++, j = j + 1 === n ? 0 : j + 1) {
      const d = this.buf[j]! - mean;
      q += d * d;
    }
    this.m = mean;
    this.m2 = q;
    this.drift = 0;
  }

  clear(): void {
    this.pos = 0;
    this.filled = 0;
    this.m = 0;
    this.m2 = 0;
    this.sinceSync = 0;
    this.drift = 0;
  }
}

/**
 * Maximum of the last `period` values with a monotonic deque (amortised O(1)). On ties the newest
 * occurrence wins, as in TA-Lib's AROON and MAXINDEX; `age` is the number of pushes since it.
 */
export class RollingMax {
  private readonly vals: Float64Array;
  private readonly at: Float64Array;
  private head = 0;
  private len = 0;
  private t = -1;

  constructor(readonly period: number) {
    this.vals = new Float64Array(period);
    this.at = new Float64Array(period);
  }

  get value(): number {
    return this.vals[this.head]!;
  }

  /** Pushes since the maximum was pushed (0 = the newest value is the maximum). */
  get age(): number {
    return this.t - this.at[this.head]!;
  }

  push(x: number): void {
    const cap = this.period;
    const t = ++this.t;
    if (this.len > 0 && this.at[this.head]! <= t - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.len--;
    }
    while (this.len > 0) {
      let back = this.head + this.len - 1;
      if (back >= cap) back -= cap;
      if (this.vals[back]! <= x) this.len--;
      else break;
    }
    let slot = this.head + this.len;
    if (slot >= cap) slot -= cap;
    this.vals[slot] = x;
    this.at[slot] = t;
    this.len++;
  }

  clear(): void {
    this.head = 0;
    this.len = 0;
    this.t = -1;
  }
}

/** Minimum of the last `period` values; the mirror of {@link RollingMax} (newest wins on ties). */
export class RollingMin {
  private readonly vals: Float64Array;
  private readonly at: Float64Array;
  private head = 0;
  private len = 0;
  private t = -1;

  constructor(readonly period: number) {
    this.vals = new Float64Array(period);
    this.at = new Float64Array(period);
  }

  get value(): number {
    return this.vals[this.head]!;
  }

  get age(): number {
    return this.t - this.at[this.head]!;
  }

  push(x: number): void {
    const cap = this.period;
    const t = ++this.t;
    if (this.len > 0 && this.at[this.head]! <= t - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.len--;
    }
    while (this.len > 0) {
      let back = this.head + this.len - 1;
      if (back >= cap) back -= cap;
      if (this.vals[back]! >= x) this.len--;
      else break;
    }
    let slot = this.head + this.len;
    if (slot >= cap) slot -= cap;
    this.vals[slot] = x;
    this.at[slot] = t;
    this.len++;
  }

  clear(): void {
    this.head = 0;
    this.len = 0;
    this.t = -1;
  }
}

/**
 * Rounding-error bound (in units of Number.EPSILON) of one replace update of `RollingMoments`:
 * `(x − old)` times the magnitudes its second factor `x − mean' + old − mean` is computed from.
 */
export function momentsDrift(x: number, old: number, nextMean: number, mean: number): number {
  return Math.abs(x - old) * (Math.abs(x) + Math.abs(old) + Math.abs(nextMean) + Math.abs(mean));
}
