/**
 * Batch kernels: plain loops over Float64Arrays that compute, bit for bit, what the incremental
 * classes compute when fed the same inputs one by one. The batch functions of the library run
 * them instead of looping over a class (4–10× faster: no calls, no object state per step); the
 * class stays the definition, and `kernels.test.ts`, `../kernel-parity.test.ts` and
 * `../registry.test.ts` hold them to it.
 *
 * Reproducing a class exactly means reproducing its arithmetic in the same order, including the
 * exact re-summation of running sums every {@link RESYNC_EVERY} updates (`./windows.ts`). Work may
 * be reordered where no rounding depends on the order (extremes, comparisons), and independent
 * chains of additions may run side by side (CCI's window sums, the stages of an EMA chain).
 *
 * Two V8 habits shape these loops: a loop belongs in a module-level function (a closure created per
 * call loses its optimised code to the garbage collections between calls and restarts its loop in
 * the interpreter, boxing every number), and a function that calls another kernel and then loops
 * is best split in two (Supertrend's bands: the loop after the call otherwise kept deoptimising).
 *
 * Invalid inputs: a class with the `reset` policy forgets everything at a NaN or infinite input and
 * starts again on the next one, exactly like a fresh instance. {@link runSegments} therefore runs a
 * kernel on each maximal run of valid inputs as if it were the whole series, and writes NaN at the
 * invalid inputs. Under the `throw` policy the caller runs the class, which raises the DataError.
 */
import { MOMENTS_DRIFT_RATIO, RESYNC_EVERY, momentsDrift } from './windows.js';

/**
 * A kernel over the valid run `[from, to)`: it computes the outputs of a fresh indicator fed
 * `inputs[from..to)`. It returns false when it cannot reproduce the class there (an intermediate
 * value that is not finite, which the class would treat as an invalid input); the caller then
 * runs the class over the whole series.
 */
export type SegmentKernel = (from: number, to: number) => boolean;

/** The first index in `[from, n)` where `end(i)` finds an invalid input, or `n`. */
export type ValidEnd = (from: number) => number;

// The validity scans read whole columns before a kernel runs; they check four rows at a time: a
// sum is finite only if every term is (a sum that overflows is re-checked row by row), so the
// answer is the row-by-row one.
//
// A caller running many batch functions over the same columns (the feature pipeline: some sixty
// over one table) can check the columns once instead: inside `withCheckedColumns`, the scans
// return at once when every column they are given was declared with `declareCheckedColumns`.

/** Columns declared valid in the current `withCheckedColumns` scope. */
let checkedColumns: Set<Float64Array> | undefined;

/** Below this magnitude no sum of four values overflows (the scans test sums of up to four columns). */
const SAFE_MAGNITUDE = 2 ** 1000;

/** Runs `fn` (synchronous) in a scope where declared columns skip the validity scans. */
export function withCheckedColumns<T>(fn: () => T): T {
  const outer = checkedColumns;
  checkedColumns = new Set(outer);
  try {
    return fn();
  } finally {
    checkedColumns = outer;
  }
}

/**
 * Inside a {@link withCheckedColumns} scope: checks `columns` in one pass and declares them valid
 * when every value is finite and below 2^1000 in magnitude, so that every scan over any four of
 * them would find nothing. Returns whether they were declared (never outside a scope). The
 * columns must not change until the scope ends.
 */
export function declareCheckedColumns(columns: readonly Float64Array[]): boolean {
  if (checkedColumns === undefined) return false;
  for (const column of columns) if (!allBelow(column, SAFE_MAGNITUDE)) return false;
  for (const column of columns) checkedColumns.add(column);
  return true;
}

/**
 * True when every |value| is below `bound` (NaN is not). Four at a time: their sum below `bound`
 * bounds each of them; a group that fails is checked value by value.
 */
function allBelow(column: Float64Array, bound: number): boolean {
  const n = column.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (Math.abs(column[i]!) + Math.abs(column[i + 1]!) + Math.abs(column[i + 2]!) + Math.abs(column[i + 3]!) < bound) continue;
    for (let j = i; j < i + 4; j++) if (!(Math.abs(column[j]!) < bound)) return false;
  }
  for (; i < n; i++) if (!(Math.abs(column[i]!) < bound)) return false;
  return true;
}

/** True when every column was declared valid in the current scope. */
function allChecked(...columns: Float64Array[]): boolean {
  if (checkedColumns === undefined) return false;
  for (const c of columns) if (!checkedColumns.has(c)) return false;
  return true;
}

/** First index ≥ `from` where `a` is not finite (`x − x ≠ 0`, the classes' test), or `a.length`. */
export function validEnd1(a: Float64Array, from: number): number {
  const n = a.length;
  if (allChecked(a)) return n;
  let i = from;
  while (i < n) {
    for (; i + 4 <= n; i += 4) {
      const s = a[i]! + a[i + 1]! + a[i + 2]! + a[i + 3]!;
      if (s - s !== 0) break;
    }
    for (const stop = Math.min(n, i + 4); i < stop; i++) {
      const x = a[i]!;
      if (x - x !== 0) return i;
    }
  }
  return n;
}

/** First index ≥ `from` where `a + b` is not finite (the two-field bar check), or the length. */
export function validEnd2(a: Float64Array, b: Float64Array, from: number): number {
  const n = a.length;
  if (allChecked(a, b)) return n;
  let i = from;
  while (i < n) {
    for (; i + 4 <= n; i += 4) {
      const s = a[i]! + b[i]! + (a[i + 1]! + b[i + 1]!) + (a[i + 2]! + b[i + 2]!) + (a[i + 3]! + b[i + 3]!);
      if (s - s !== 0) break;
    }
    for (const stop = Math.min(n, i + 4); i < stop; i++) {
      const s = a[i]! + b[i]!;
      if (s - s !== 0) return i;
    }
  }
  return n;
}

/** First index ≥ `from` where `a + b + c` is not finite, or the length. */
export function validEnd3(a: Float64Array, b: Float64Array, c: Float64Array, from: number): number {
  const n = a.length;
  if (allChecked(a, b, c)) return n;
  let i = from;
  while (i < n) {
    for (; i + 4 <= n; i += 4) {
      const s = a[i]! + b[i]! + c[i]! + (a[i + 1]! + b[i + 1]! + c[i + 1]!) + (a[i + 2]! + b[i + 2]! + c[i + 2]!) + (a[i + 3]! + b[i + 3]! + c[i + 3]!);
      if (s - s !== 0) break;
    }
    for (const stop = Math.min(n, i + 4); i < stop; i++) {
      const s = a[i]! + b[i]! + c[i]!;
      if (s - s !== 0) return i;
    }
  }
  return n;
}

/** First index ≥ `from` where `a + b + c + d` is not finite, or the length. */
export function validEnd4(a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array, from: number): number {
  const n = a.length;
  if (allChecked(a, b, c, d)) return n;
  let i = from;
  while (i < n) {
    for (; i + 2 <= n; i += 2) {
      const s = a[i]! + b[i]! + c[i]! + d[i]! + (a[i + 1]! + b[i + 1]! + c[i + 1]! + d[i + 1]!);
      if (s - s !== 0) break;
    }
    for (const stop = Math.min(n, i + 2); i < stop; i++) {
      const s = a[i]! + b[i]! + c[i]! + d[i]!;
      if (s - s !== 0) return i;
    }
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

/**
 * The start of a chain of EMA stages (DEMA, TEMA, TRIX: stage k smooths stage k − 1, stage 0
 * smooths `src`), each as `emaInto` runs it from the first value of the stage before: stage k
 * over `[s_k, end)` into `outs[k]`, where s_0 = `from`, s_{k+1} = s_k + warmup (its first value)
 * and `end` = one past the last stage's first value (or `to`). Returns `end`.
 *
 * From `end` on every stage is in its steady recursion (`e += alpha · (input − e)`) and its state
 * is `outs[k][end − 1]`, so the caller runs all stages in one loop: their dependency chains then
 * overlap instead of running one after the other (the stages cost about one EMA instead of k).
 */
export function emaChainStart(src: Float64Array, from: number, to: number, alpha: number, seedLength: number, warmup: number, outs: readonly Float64Array[]): number {
  let start = from;
  const starts = outs.map(() => {
    const s = start;
    start = Math.min(to, start + warmup);
    return s;
  });
  const end = Math.min(to, start + 1);
  let input = src;
  outs.forEach((out, k) => {
    emaInto(input, starts[k]!, end, alpha, seedLength, warmup, out);
    input = out;
  });
  return end;
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
 * window fills), the value `RollingMax` reports. With `age`, `age[i]` = how many steps ago that
 * maximum came (the newest wins on ties, as the class). `out` must not be `src`.
 *
 * Van Herk / Gil-Werman instead of the class's monotonic deque (about twice as fast here, and the
 * same values: a maximum is exact whatever the order of comparison). The indices are cut into
 * blocks of `period` from `from`; the window ending at i is a suffix of the previous block (its
 * maxima computed backwards once per block, into `tail`) followed by the prefix of i's block up
 * to i (a running maximum). Within a block the suffix maxima only fall and the running maximum
 * only rises, so the comparisons are well predicted.
 */
export function rollingMaxInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array, age?: Float64Array): void {
  if (age) return rollingExtremeAgeInto(src, from, to, period, 1, out, age);
  // tail[k] = the maximum of the previous block from its k-th index on (tail[period]: none).
  const tail = new Float64Array(period + 1).fill(-Infinity);
  for (let start = from; start < to; start += period) {
    const end = Math.min(to, start + period);
    let m = src[start]!;
    for (let i = start, k = 1; i < end; i++, k++) {
      const x = src[i]!;
      if (x >= m) m = x;
      const t = tail[k]!;
      out[i] = t > m ? t : m;
    }
    let s = -Infinity;
    for (let j = end - 1; j >= start; j--) {
      const x = src[j]!;
      if (x > s) s = x;
      tail[j - start] = s;
    }
  }
}

/** The minimum counterpart of {@link rollingMaxInto} (`RollingMin`; the newest wins on ties). */
export function rollingMinInto(src: Float64Array, from: number, to: number, period: number, out: Float64Array, age?: Float64Array): void {
  if (age) return rollingExtremeAgeInto(src, from, to, period, -1, out, age);
  const tail = new Float64Array(period + 1).fill(Infinity);
  for (let start = from; start < to; start += period) {
    const end = Math.min(to, start + period);
    let m = src[start]!;
    for (let i = start, k = 1; i < end; i++, k++) {
      const x = src[i]!;
      if (x <= m) m = x;
      const t = tail[k]!;
      out[i] = t < m ? t : m;
    }
    let s = Infinity;
    for (let j = end - 1; j >= start; j--) {
      const x = src[j]!;
      if (x < s) s = x;
      tail[j - start] = s;
    }
  }
}

/**
 * {@link rollingMaxInto} (`sign` 1) or {@link rollingMinInto} (`sign` −1) with the extreme's age:
 * comparing `sign · x` (an exact negation) picks the same values and, on ties, the newer index.
 */
function rollingExtremeAgeInto(src: Float64Array, from: number, to: number, period: number, sign: 1 | -1, out: Float64Array, age: Float64Array): void {
  const tail = new Float64Array(period + 1).fill(-Infinity); // sign · the suffix extreme
  const tailAt = new Int32Array(period + 1);
  for (let start = from; start < to; start += period) {
    const end = Math.min(to, start + period);
    let m = sign * src[start]!;
    let at = start;
    for (let i = start, k = 1; i < end; i++, k++) {
      const x = sign * src[i]!;
      if (x >= m) {
        m = x;
        at = i;
      }
      const t = tail[k]!;
      if (t > m) {
        out[i] = sign * t;
        age[i] = i - tailAt[k]!;
      } else {
        out[i] = sign * m;
        age[i] = i - at;
      }
    }
    let s = -Infinity;
    let sAt = 0;
    for (let j = end - 1; j >= start; j--) {
      const x = sign * src[j]!;
      if (x > s) {
        s = x;
        sAt = j;
      }
      tail[j - start] = s;
      tailAt[j - start] = sAt;
    }
  }
}

/**
 * Raw stochastic over `[from, to)`: where `x[i]` sits between `lo[i]` and `hi[i]`, in percent
 * (0 on a window without range, as TA-Lib). `out` may be `hi`.
 */
export function rawStochasticInto(x: Float64Array, hi: Float64Array, lo: Float64Array, from: number, to: number, out: Float64Array): void {
  for (let i = from; i < to; i++) {
    const low = lo[i]!;
    const range = hi[i]! - low;
    out[i] = range > 0 ? (100 * (x[i]! - low)) / range : 0;
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
  // The class's updates, its scheduled re-sums (at `sync`) and its out-of-schedule ones (when the
  // error bound `drift` passes MOMENTS_DRIFT_RATIO × M2), in the same order, for the same numbers.
  let drift = 0;
  let i = fillEnd;
  while (i < to) {
    const stop = Math.min(to, sync);
    if (mean) {
      for (; i < stop; i++) {
        const x = src[i]!;
        const old = src[i - period]!;
        const next = m + (x - old) / period;
        m2 += (x - old) * (x - next + old - m);
        drift += momentsDrift(x, old, next, m);
        m = next;
        if (drift > m2 * MOMENTS_DRIFT_RATIO) {
          [m, m2] = exactMoments(src, i - period + 1, i + 1);
          drift = 0;
        }
        variance[i] = d <= 0 || m2 <= 0 ? 0 : m2 / d;
        mean[i] = m;
      }
    } else {
      for (; i < stop; i++) {
        const x = src[i]!;
        const old = src[i - period]!;
        const next = m + (x - old) / period;
        m2 += (x - old) * (x - next + old - m);
        drift += momentsDrift(x, old, next, m);
        m = next;
        if (drift > m2 * MOMENTS_DRIFT_RATIO) {
          [m, m2] = exactMoments(src, i - period + 1, i + 1);
          drift = 0;
        }
        variance[i] = d <= 0 || m2 <= 0 ? 0 : m2 / d;
      }
    }
    if (i === to) break;
    [m, m2] = exactMoments(src, i - period + 1, i + 1);
    drift = 0;
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
