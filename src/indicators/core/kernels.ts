/**
 * Batch kernels: plain loops over Float64Arrays that compute, bit for bit, what the incremental
 * classes compute when fed the same inputs one by one. The batch functions of the library run
 * them instead of looping over a class (4–10× faster: no calls, no object state per step); the
 * class stays the definition, and `kernels.test.ts` / `registry.test.ts` hold them to it.
 *
 * Reproducing a class exactly means reproducing its arithmetic in the same order, including the
 * exact re-summation of running sums every {@link RESYNC_EVERY} updates (`./windows.ts`).
 *
 * Invalid inputs: a class with the `reset` policy forgets everything at a NaN or infinite input and
 * starts again on the next one, exactly like a fresh instance. {@link runSegments} therefore runs a
 * kernel on each maximal run of valid inputs as if it were the whole series, and writes NaN at the
 * invalid inputs. Under the `throw` policy the caller runs the class, which raises the DataError.
 */
import { RESYNC_EVERY } from './windows.js';

/**
 * A kernel over the valid run `[from, to)`: it computes the outputs of a fresh indicator fed
 * `inputs[from..to)`. It returns false when it cannot reproduce the class there (an intermediate
 * value that is not finite, which the class would treat as an invalid input); the caller then
 * runs the class over the whole series.
 */
export type SegmentKernel = (from: number, to: number) => boolean;

/** The first index in `[from, n)` where `end(i)` finds an invalid input, or `n`. */
export type ValidEnd = (from: number) => number;

/** First index ≥ `from` where `a` is not finite (`x − x ≠ 0`, the classes' test), or `a.length`. */
export function validEnd1(a: Float64Array, from: number): number {
  const n = a.length;
  for (let i = from; i < n; i++) {
    const x = a[i]!;
    if (x - x !== 0) return i;
  }
  return n;
}

/** First index ≥ `from` where `a + b` is not finite (the two-field bar check), or the length. */
export function validEnd2(a: Float64Array, b: Float64Array, from: number): number {
  const n = a.length;
  for (let i = from; i < n; i++) {
    const s = a[i]! + b[i]!;
    if (s - s !== 0) return i;
  }
  return n;
}

/** First index ≥ `from` where `a + b + c` is not finite, or the length. */
export function validEnd3(a: Float64Array, b: Float64Array, c: Float64Array, from: number): number {
  const n = a.length;
  for (let i = from; i < n; i++) {
    const s = a[i]! + b[i]! + c[i]!;
    if (s - s !== 0) return i;
  }
  return n;
}

/** First index ≥ `from` where `a + b + c + d` is not finite, or the length. */
export function validEnd4(a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array, from: number): number {
  const n = a.length;
  for (let i = from; i < n; i++) {
    const s = a[i]! + b[i]! + c[i]! + d[i]!;
    if (s - s !== 0) return i;
  }
  return n;
}

/**
 * Runs `kernel` over every maximal run of valid inputs (`end` finds where a run stops) and writes
 * NaN to every output at each invalid input: what the class does under the `reset` policy. Returns
 * false — the caller then runs the class — when `strict` (the `throw` policy) and an input is
 * invalid, or when the kernel gives up.
 */
export function runSegments(n: number, strict: boolean, end: ValidEnd, kernel: SegmentKernel, outputs: readonly Float64Array[]): boolean {
  let from = 0;
  while (from < n) {
    const stop = end(from);
    if (stop < n && strict) return false;
    if (stop > from && !kernel(from, stop)) return false;
    if (stop >= n) break;
    for (const out of outputs) out[stop] = NaN;
    from = stop + 1;
  }
  return true;
}

/** NaN over `[from, to)`. */
export function fillNaN(out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = NaN;
}

/** First index in `[from, to)` where `a` is not finite, or `to`. */
export function firstInvalid(a: Float64Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const x = a[i]!;
    if (x - x !== 0) return i;
  }
  return to;
}

/**
 * Updates between two exact re-summations of a `RollingSum` / `RollingMoments` of `period`: the
 * class re-sums when at least {@link RESYNC_EVERY} updates have passed and its ring wraps, i.e.
 * after every multiple of this many updates. Kernels run plain loops between those points (a
 * per-update check of the two counters would cost as much as the sum itself).
 */
export function resyncInterval(period: number): number {
  return period * Math.ceil(RESYNC_EVERY / period);
}

/**
 * `out[i]` = the sum held by a `RollingSum(period)` fed `src[from..i]` (a partial sum while the
 * window fills), re-summed exactly on the same updates as the class. `out` must not be `src`.
 */
export function rollingSumInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  const every = resyncInterval(period);
  let sync = from + every - 1;
  let acc = 0;
  const fillEnd = Math.min(to, from + period);
  for (let i = from; i < fillEnd; i++) {
    acc += src[i]!;
    if (i === sync) {
      acc = sumRange(src, i - period + 1, i + 1);
      sync += every;
    }
    out[i] = acc;
  }
  let i = fillEnd;
  while (i < to) {
    const stop = Math.min(to, sync);
    for (; i < stop; i++) out[i] = acc += src[i]! - src[i - period]!;
    if (i === to) break;
    out[i] = acc = sumRange(src, i - period + 1, i + 1);
    sync += every;
    i++;
  }
}

/** `src[a] + src[a+1] + … + src[b−1]`, left to right (the classes' re-summation order). */
export function sumRange(src: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let j = a; j < b; j++) s += src[j]!;
  return s;
}

/** The `SMA(period)` class over `src[from..to)`: NaN until the window is full. */
export function smaInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  const every = resyncInterval(period);
  let sync = from + every - 1;
  let acc = 0;
  const fillEnd = Math.min(to, from + period);
  for (let i = from; i < fillEnd; i++) {
    acc += src[i]!;
    if (i === sync) {
      acc = sumRange(src, i - period + 1, i + 1);
      sync += every;
    }
    out[i] = i - from < period - 1 ? NaN : acc / period;
  }
  let i = fillEnd;
  while (i < to) {
    const stop = Math.min(to, sync);
    for (; i < stop; i++) {
      acc += src[i]! - src[i - period]!;
      out[i] = acc / period;
    }
    if (i === to) break;
    acc = sumRange(src, i - period + 1, i + 1);
    out[i] = acc / period;
    sync += every;
    i++;
  }
}

/**
 * The EMA recursion (`EmaCore`) with the EMA class's warm-up over `src[from..to)`: `seedLength` is
 * `period` for an SMA seed, 1 for a first-value seed; values with a count ≤ `warmup` are NaN.
 */
export function emaInto(src: Float64Array, from: number, to: number, alpha: number, seedLength: number, warmup: number, out: Float64Array): void {
  let ema = 0;
  let seedSum = 0;
  const seedEnd = Math.min(to, from + seedLength);
  for (let i = from; i < seedEnd; i++) {
    const x = src[i]!;
    const c = i - from + 1;
    if (seedLength === 1) ema = x;
    else {
      seedSum += x;
      if (c === seedLength) ema = seedSum / seedLength;
    }
    out[i] = c > warmup ? ema : NaN;
  }
  const ready = Math.min(to, Math.max(seedEnd, from + warmup));
  for (let i = seedEnd; i < ready; i++) {
    ema += alpha * (src[i]! - ema);
    out[i] = NaN;
  }
  for (let i = ready; i < to; i++) out[i] = ema += alpha * (src[i]! - ema);
}

/** The `WMA(period)` class over `src[from..to)`, with its exact re-summation every 4,096 steady updates. */
export function wmaInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  const n = period;
  const divisor = (n * (n + 1)) / 2;
  let sum = 0;
  let wsum = 0;
  const fillEnd = Math.min(to, from + n);
  for (let i = from; i < fillEnd; i++) {
    const x = src[i]!;
    const c = i - from + 1;
    wsum += c * x;
    sum += x;
    out[i] = c < n ? NaN : wsum / divisor;
  }
  // The class re-sums after every 4,096 steady updates (no ring condition).
  let sync = fillEnd + 4095;
  let i = fillEnd;
  while (i < to) {
    const stop = Math.min(to, sync);
    for (; i < stop; i++) {
      const x = src[i]!;
      wsum += n * x - sum;
      sum += x - src[i - n]!;
      out[i] = wsum / divisor;
    }
    if (i === to) break;
    let s = 0;
    let w = 0;
    for (let ago = 0; ago < n; ago++) {
      const v = src[i - ago]!;
      s += v;
      w += (n - ago) * v;
    }
    sum = s;
    wsum = w;
    out[i] = wsum / divisor;
    sync += 4096;
    i++;
  }
}

/**
 * `out[i]` = the maximum of `src` over the last `period` indices of `[from, i]` (fewer while the
 * window fills): `RollingMax` with a monotonic deque, O(1) amortised per value. With `age`,
 * `age[i]` = how many steps ago that maximum came (the newest wins on ties, as the class).
 */
export function rollingMaxInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array, age?: Float64Array): void {
  const dq = new Int32Array(period);
  let head = 0;
  let len = 0;
  for (let i = from; i < to; i++) {
    const x = src[i]!;
    if (len > 0 && dq[head]! <= i - period) {
      head = head + 1 === period ? 0 : head + 1;
      len--;
    }
    while (len > 0) {
      let back = head + len - 1;
      if (back >= period) back -= period;
      if (src[dq[back]!]! <= x) len--;
      else break;
    }
    let slot = head + len;
    if (slot >= period) slot -= period;
    dq[slot] = i;
    len++;
    const at = dq[head]!;
    out[i] = src[at]!;
    if (age) age[i] = i - at;
  }
}

/** The minimum counterpart of {@link rollingMaxInto} (`RollingMin`; the newest wins on ties). */
export function rollingMinInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array, age?: Float64Array): void {
  const dq = new Int32Array(period);
  let head = 0;
  let len = 0;
  for (let i = from; i < to; i++) {
    const x = src[i]!;
    if (len > 0 && dq[head]! <= i - period) {
      head = head + 1 === period ? 0 : head + 1;
      len--;
    }
    while (len > 0) {
      let back = head + len - 1;
      if (back >= period) back -= period;
      if (src[dq[back]!]! >= x) len--;
      else break;
    }
    let slot = head + len;
    if (slot >= period) slot -= period;
    dq[slot] = i;
    len++;
    const at = dq[head]!;
    out[i] = src[at]!;
    if (age) age[i] = i - at;
  }
}

/**
 * `RollingMoments(period)` over `src[from..to)` (Welford's add/replace updates and the class's
 * re-summation): `variance[i]` = `variance(ddof)` once the window is full, NaN before; with `mean`,
 * `mean[i]` = the window's mean (NaN before it is full).
 */
export function momentsInto(src: Float64Array, from: number, to: number, period: number, ddof: number, variance: Float64Array, mean?: Float64Array): void {
  const every = resyncInterval(period);
  let sync = from + every - 1;
  let m = 0;
  let m2 = 0;
  const d = period - ddof;
  const fillEnd = Math.min(to, from + period);
  for (let i = from; i < fillEnd; i++) {
    const x = src[i]!;
    const filled = i - from + 1;
    const delta = x - m;
    m += delta / filled;
    m2 += delta * (x - m);
    if (i === sync) {
      [m, m2] = exactMoments(src, i - period + 1, i + 1);
      sync += every;
    }
    if (filled < period) {
      variance[i] = NaN;
      if (mean) mean[i] = NaN;
    } else {
      variance[i] = d <= 0 || m2 <= 0 ? 0 : m2 / d;
      if (mean) mean[i] = m;
    }
  }
  let i = fillEnd;
  while (i < to) {
    const stop = Math.min(to, sync);
    if (mean) {
      for (; i < stop; i++) {
        const x = src[i]!;
        const old = src[i - period]!;
        const next = m + (x - old) / period;
        m2 += (x - old) * (x - next + old - m);
        m = next;
        variance[i] = d <= 0 || m2 <= 0 ? 0 : m2 / d;
        mean[i] = m;
      }
    } else {
      for (; i < stop; i++) {
        const x = src[i]!;
        const old = src[i - period]!;
        const next = m + (x - old) / period;
        m2 += (x - old) * (x - next + old - m);
        m = next;
        variance[i] = d <= 0 || m2 <= 0 ? 0 : m2 / d;
      }
    }
    if (i === to) break;
    [m, m2] = exactMoments(src, i - period + 1, i + 1);
    variance[i] = d <= 0 || m2 <= 0 ? 0 : m2 / d;
    if (mean) mean[i] = m;
    sync += every;
    i++;
  }
}

/** Mean and sum of squared deviations of `src[a..b)`, two-pass, as `RollingMoments` re-syncs. */
function exactMoments(src: Float64Array, a: number, b: number): [number, number] {
  const n = b - a;
  const mean = sumRange(src, a, b) / n;
  let q = 0;
  for (let j = a; j < b; j++) {
    const d = src[j]! - mean;
    q += d * d;
  }
  return [mean, q];
}

/** True under the `throw` policy, where the class must run to raise the DataError. */
export function isStrict(options: { readonly onInvalid?: string } | undefined): boolean {
  return options?.onInvalid === 'throw';
}

/** Feeds every value to a one-series class (the fallback of the one-series batch functions). */
export function runClass(ind: { update(x: number): number }, values: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) out[i] = ind.update(values[i]!);
  return out;
}

// Scratch arrays for intermediate series. A fresh 8 MB array costs this machine 2–5 ms of page
// faults before the first write; kernels borrow warm ones instead and give them back when done.
const SCRATCH_LIMIT = 8;
const scratchPool: Float64Array[] = [];

/** A scratch array of length `n` (contents undefined); give it back with {@link releaseScratch}. */
export function borrowScratch(n: number): Float64Array {
  for (let k = scratchPool.length - 1; k >= 0; k--) {
    if (scratchPool[k]!.length === n) return scratchPool.splice(k, 1)[0]!;
  }
  return new Float64Array(n);
}

/** Returns scratch arrays to the pool (at most a few are kept). */
export function releaseScratch(...arrays: Float64Array[]): void {
  for (const a of arrays) {
    if (scratchPool.includes(a)) continue;
    if (scratchPool.length >= SCRATCH_LIMIT) scratchPool.shift();
    scratchPool.push(a);
  }
}
