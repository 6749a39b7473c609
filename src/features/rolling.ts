/**
 * Rolling statistics the indicator library does not have: skewness, excess kurtosis,
 * autocorrelation and percentile rank. Each is one incremental class (`update(x)` → value, NaN
 * while warming up); the batch forms run the class's statements in a loop (state in local
 * variables), so both give identical numbers.
 *
 * Like the indicators (policy `reset`), a NaN or infinite input resets the statistic, which then
 * warms up again. Power sums are re-computed exactly from the window every {@link RESYNC_EVERY}
 * updates so that rounding drift cannot accumulate over millions of bars.
 */
import { ConfigurationError } from '../core/errors.js';

/** Updates between exact re-computations of running sums. */
export const RESYNC_EVERY = 1024;

/**
 * Below this share of the raw second moment, a variance is treated as zero: the window is (nearly)
 * constant and the standardised moments are undefined rather than rounding noise.
 */
const DEGENERATE = 1e-10;

function checkWindow(what: string, window: number, min: number): number {
  if (!Number.isInteger(window) || window < min || window > 1_000_000) {
    throw new ConfigurationError(`must be an integer between ${min} and 1000000, got ${String(window)}`, `${what}.window`);
  }
  return window;
}

/**
 * Rolling skewness (`stat: 'skew'`, window ≥ 3) or excess kurtosis (`'kurt'`, window ≥ 4) with
 * pandas' bias-corrected formulas (`Series.rolling(n).skew()` / `.kurt()`):
 * skew = √(n(n−1))/(n−2) · m3/m2^1.5; kurt = (n−1)((n+1)·m4/m2² − 3(n−1)) / ((n−2)(n−3)),
 * where m2, m3, m4 are the window's central moments. NaN when the window is constant.
 * @example
 * const skew = new RollingHigherMoment('skew', 20);
 * for (const r of returns) skew.update(r);
 */
export class RollingHigherMoment {
  private readonly buf: Float64Array;
  private readonly n: number;
  private readonly kurt: boolean;
  private pos = 0;
  private filled = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private sinceSync = 0;
  private last = NaN;
  private run = 0;

  constructor(
    readonly stat: 'skew' | 'kurt',
    window: number,
  ) {
    this.n = checkWindow(stat, window, stat === 'skew' ? 3 : 4);
    this.kurt = stat === 'kurt';
    this.buf = new Float64Array(this.n);
  }

  update(x: number): number {
    if (x - x !== 0) {
      this.reset();
      return NaN;
    }
    const n = this.n;
    const x2 = x * x;
    if (this.filled === n) {
      const o = this.buf[this.pos]!;
      const o2 = o * o;
      this.s1 += x - o;
      this.s2 += x2 - o2;
      this.s3 += x2 * x - o2 * o;
      this.s4 += x2 * x2 - o2 * o2;
    } else {
      this.filled++;
      this.s1 += x;
      this.s2 += x2;
      this.s3 += x2 * x;
      this.s4 += x2 * x2;
    }
    this.buf[this.pos] = x;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
    this.run = x === this.last ? this.run + 1 : 1;
    this.last = x;
    if (++this.sinceSync >= RESYNC_EVERY && this.filled === n) this.resync();
    if (this.filled < n || this.run >= n) return NaN;
    const mean = this.s1 / n;
    const raw2 = this.s2 / n;
    const m2 = raw2 - mean * mean;
    if (m2 <= DEGENERATE * raw2) return NaN;
    const raw3 = this.s3 / n;
    const m3 = raw3 - 3 * mean * raw2 + 2 * mean * mean * mean;
    if (!this.kurt) return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / (m2 * Math.sqrt(m2)));
    const raw4 = this.s4 / n;
    const mean2 = mean * mean;
    const m4 = raw4 - 4 * mean * raw3 + 6 * mean2 * raw2 - 3 * mean2 * mean2;
    return ((n - 1) * ((n + 1) * (m4 / (m2 * m2)) - 3 * (n - 1))) / ((n - 2) * (n - 3));
  }

  reset(): void {
    this.pos = 0;
    this.filled = 0;
    this.s1 = this.s2 = this.s3 = this.s4 = 0;
    this.sinceSync = 0;
    this.last = NaN;
    this.run = 0;
  }

  private resync(): void {
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let i = 0; i < this.n; i++) {
      const v = this.buf[i]!;
      const v2 = v * v;
      s1 += v;
      s2 += v2;
      s3 += v2 * v;
      s4 += v2 * v2;
    }
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    this.s4 = s4;
    this.sinceSync = 0;
  }
}

/**
 * Rolling Pearson autocorrelation at `lag`: the correlation of (x[t], x[t − lag]) over the last
 * `window` pairs (needs `window + lag` inputs). NaN when either side of the pairs is constant.
 * @example
 * const ac = new RollingAutocorr(1, 20);
 */
export class RollingAutocorr {
  private readonly buf: Float64Array;
  private readonly size: number;
  private pos = 0;
  private filled = 0;
  private pairs = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;
  private sinceSync = 0;
  private last = NaN;
  private run = 0;

  constructor(
    readonly lag: number,
    readonly window: number,
  ) {
    if (!Number.isInteger(lag) || lag < 1 || lag > 100_000) {
      throw new ConfigurationError(`must be an integer between 1 and 100000, got ${String(lag)}`, 'autocorr.lag');
    }
    checkWindow('autocorr', window, 3);
    this.size = window + lag;
    this.buf = new Float64Array(this.size);
  }

  /** The value `ago` inputs back (0 = newest); `ago` < filled. */
  private at(ago: number): number {
    let i = this.pos - 1 - ago;
    if (i < 0) i += this.size;
    return this.buf[i]!;
  }

  update(x: number): number {
    if (x - x !== 0) {
      this.reset();
      return NaN;
    }
    const lag = this.lag;
    const window = this.window;
    // The oldest pair leaves before the new value overwrites its slot.
    if (this.pairs === window) {
      const ox = this.at(window - 1);
      const oy = this.at(window - 1 + lag);
      this.sx -= ox;
      this.sy -= oy;
      this.sxx -= ox * ox;
      this.syy -= oy * oy;
      this.sxy -= ox * oy;
      this.pairs--;
    }
    this.buf[this.pos] = x;
    this.pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
    if (this.filled < this.size) this.filled++;
    if (this.filled > lag) {
      const y = this.at(lag);
      this.sx += x;
      this.sy += y;
      this.sxx += x * x;
      this.syy += y * y;
      this.sxy += x * y;
      this.pairs++;
    }
    this.run = x === this.last ? this.run + 1 : 1;
    this.last = x;
    if (++this.sinceSync >= RESYNC_EVERY && this.pairs === window) this.resync();
    if (this.pairs < window) return NaN;
    const n = window;
    const vx = n * this.sxx - this.sx * this.sx;
    const vy = n * this.syy - this.sy * this.sy;
    if (this.run >= window || vx <= DEGENERATE * n * this.sxx || vy <= DEGENERATE * n * this.syy) return NaN;
    const r = (n * this.sxy - this.sx * this.sy) / Math.sqrt(vx * vy);
    return r > 1 ? 1 : r < -1 ? -1 : r;
  }

  reset(): void {
    this.pos = 0;
    this.filled = 0;
    this.pairs = 0;
    this.sx = this.sy = this.sxx = this.syy = this.sxy = 0;
    this.sinceSync = 0;
    this.last = NaN;
    this.run = 0;
  }

  private resync(): void {
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let k = 0; k < this.window; k++) {
      const x = this.at(k);
      const y = this.at(k + this.lag);
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    this.sx = sx;
    this.sy = sy;
    this.sxx = sxx;
    this.syy = syy;
    this.sxy = sxy;
    this.sinceSync = 0;
  }
}

/**
 * Rolling percentile rank of the newest value among the last `window` values (itself included):
 * `(count below + (count equal − 1) / 2) / (window − 1)`, in [0, 1]; 1 = the highest of the window.
 * The window is also kept sorted, so a rank costs two binary searches and a shift as long as the
 * change of rank since the value that left the window.
 * @example
 * const rank = new RollingRank(100);
 */
export class RollingRank {
  private readonly buf: Float64Array;
  private readonly sorted: Float64Array;
  private pos = 0;
  private filled = 0;

  constructor(readonly window: number) {
    checkWindow('rank', window, 2);
    this.buf = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  /** First index in sorted[0, count) whose value is >= x (or > x when `strict`). */
  private search(x: number, count: number, strict: boolean): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = sorted[mid]!;
      if (v < x || (strict && v === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  update(x: number): number {
    if (x - x !== 0) {
      this.reset();
      return NaN;
    }
    const n = this.window;
    const sorted = this.sorted;
    // Put x where the value leaving the window was (or at the end while filling), then move it
    // to its sorted place: the shift is as long as the rank changed, not the window.
    let i: number;
    if (this.filled === n) {
      i = this.search(this.buf[this.pos]!, n, false);
    } else {
      i = this.filled++;
    }
    const count = this.filled;
    while (i + 1 < count && sorted[i + 1]! < x) {
      sorted[i] = sorted[i + 1]!;
      i++;
    }
    while (i > 0 && sorted[i - 1]! > x) {
      sorted[i] = sorted[i - 1]!;
      i--;
    }
    sorted[i] = x;
    this.buf[this.pos] = x;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
    if (count < n) return NaN;
    const below = this.search(x, n, false);
    const equal = this.search(x, n, true) - below;
    return (below + (equal - 1) / 2) / (n - 1);
  }

  reset(): void {
    this.pos = 0;
    this.filled = 0;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// The classes' `update` written as loops over a column, with the state in local variables (about
// three times faster than a call per value): the same statements in the same order, the same
// ring buffer (its order decides the order of the exact re-summation) and the same resets at
// invalid inputs, so the numbers are the classes'. rolling.test.ts holds them to the classes.

/** Batch skewness/kurtosis: what {@link RollingHigherMoment} gives over a column. */
export function rollingHigherMoment(values: Float64Array, stat: 'skew' | 'kurt', window: number): Float64Array {
  checkWindow(stat, window, stat === 'skew' ? 3 : 4);
  const out = new Float64Array(values.length);
  higherMomentsInto(values, window, stat === 'skew' ? out : undefined, stat === 'kurt' ? out : undefined);
  return out;
}

/** Batch skewness and kurtosis together (window ≥ 4): one pass gives both, from the same power sums. */
export function rollingSkewKurt(values: Float64Array, window: number): { readonly skew: Float64Array; readonly kurt: Float64Array } {
  checkWindow('kurt', window, 4);
  const skew = new Float64Array(values.length);
  const kurt = new Float64Array(values.length);
  higherMomentsInto(values, window, skew, kurt);
  return { skew, kurt };
}

/** Rolling skewness into `skew` and excess kurtosis into `kurt` (either may be omitted) in one pass. */
function higherMomentsInto(values: Float64Array, n: number, skew: Float64Array | undefined, kurt: Float64Array | undefined): void {
  const buf = new Float64Array(n);
  let pos = 0;
  let filled = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let sinceSync = 0;
  let last = NaN;
  let run = 0;
  const skewScale = Math.sqrt(n * (n - 1)) / (n - 2);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x !== 0) {
      pos = filled = sinceSync = run = 0;
      s1 = s2 = s3 = s4 = 0;
      last = NaN;
      if (skew) skew[i] = NaN;
      if (kurt) kurt[i] = NaN;
      continue;
    }
    const x2 = x * x;
    if (filled === n) {
      const o = buf[pos]!;
      const o2 = o * o;
      s1 += x - o;
      s2 += x2 - o2;
      s3 += x2 * x - o2 * o;
      s4 += x2 * x2 - o2 * o2;
    } else {
      filled++;
      s1 += x;
      s2 += x2;
      s3 += x2 * x;
      s4 += x2 * x2;
    }
    buf[pos] = x;
    pos = pos + 1 === n ? 0 : pos + 1;
    run = x === last ? run + 1 : 1;
    last = x;
    if (++sinceSync >= RESYNC_EVERY && filled === n) {
      s1 = s2 = s3 = s4 = 0;
      for (let j = 0; j < n; j++) {
        const v = buf[j]!;
        const v2 = v * v;
        s1 += v;
        s2 += v2;
        s3 += v2 * v;
        s4 += v2 * v2;
      }
      sinceSync = 0;
    }
    let sk = NaN;
    let ku = NaN;
    if (filled === n && run < n) {
      const mean = s1 / n;
      const raw2 = s2 / n;
      const m2 = raw2 - mean * mean;
      if (!(m2 <= DEGENERATE * raw2)) {
        const raw3 = s3 / n;
        const m3 = raw3 - 3 * mean * raw2 + 2 * mean * mean * mean;
        sk = skewScale * (m3 / (m2 * Math.sqrt(m2)));
        if (kurt) {
          const raw4 = s4 / n;
          const mean2 = mean * mean;
          const m4 = raw4 - 4 * mean * raw3 + 6 * mean2 * raw2 - 3 * mean2 * mean2;
          ku = ((n - 1) * ((n + 1) * (m4 / (m2 * m2)) - 3 * (n - 1))) / ((n - 2) * (n - 3));
        }
      }
    }
    if (skew) skew[i] = sk;
    if (kurt) kurt[i] = ku;
  }
}

/**
 * Batch autocorrelation: what {@link RollingAutocorr} gives over a column. The class's ring holds
 * the last inputs since its last reset, so its `at(ago)` is `values[i − ago]` here (`i` the
 * current input; `start` the first input after the last reset).
 */
export function rollingAutocorr(values: Float64Array, lag: number, window: number): Float64Array {
  const size = new RollingAutocorr(lag, window).window + lag; // validates lag and window
  const out = new Float64Array(values.length);
  let filled = 0;
  let pairs = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let sinceSync = 0;
  let last = NaN;
  let run = 0;
  const n = window;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x !== 0) {
      filled = pairs = sinceSync = run = 0;
      sx = sy = sxx = syy = sxy = 0;
      last = NaN;
      out[i] = NaN;
      continue;
    }
    if (pairs === window) {
      // The oldest pair leaves: the class reads it before storing x, one input earlier.
      const ox = values[i - window]!;
      const oy = values[i - window - lag]!;
      sx -= ox;
      sy -= oy;
      sxx -= ox * ox;
      syy -= oy * oy;
      sxy -= ox * oy;
      pairs--;
    }
    if (filled < size) filled++;
    if (filled > lag) {
      const y = values[i - lag]!;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      pairs++;
    }
    run = x === last ? run + 1 : 1;
    last = x;
    if (++sinceSync >= RESYNC_EVERY && pairs === window) {
      sx = sy = sxx = syy = sxy = 0;
      for (let k = 0; k < window; k++) {
        const a = values[i - k]!;
        const b = values[i - k - lag]!;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
      }
      sinceSync = 0;
    }
    if (pairs < window) {
      out[i] = NaN;
      continue;
    }
    const vx = n * sxx - sx * sx;
    const vy = n * syy - sy * sy;
    if (run >= window || vx <= DEGENERATE * n * sxx || vy <= DEGENERATE * n * syy) {
      out[i] = NaN;
      continue;
    }
    const r = (n * sxy - sx * sy) / Math.sqrt(vx * vy);
    out[i] = r > 1 ? 1 : r < -1 ? -1 : r;
  }
  return out;
}

/** Batch percentile rank: the {@link RollingRank} class over a column. */
export function rollingRank(values: Float64Array, window: number): Float64Array {
  const k = new RollingRank(window);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = k.update(values[i]!);
  return out;
}
