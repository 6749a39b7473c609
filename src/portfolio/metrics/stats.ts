/**
 * Numeric building blocks for the performance metrics: moments, quantiles and the normal
 * distribution. Every function takes `ArrayLike<number>` (a `Float64Array` or a plain array),
 * skips NaN entries (the way numpy's `nan*` functions do, so that a series with a missing first
 * return behaves like empyrical's) and answers `null` when the statistic is undefined — never
 * NaN, so results can go straight into JSON.
 */

/** A series of numbers: `Float64Array` on hot paths, a plain array in tests and small inputs. */
export type Series = ArrayLike<number>;

/** Number of non-NaN entries. */
export function countValid(x: Series): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) n++;
  return n;
}

/** The non-NaN entries, in order. */
export function dropNaN(x: Series): Float64Array {
  const out = new Float64Array(countValid(x));
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return out;
}

/**
 * Arithmetic mean of the non-NaN entries; `null` when there are none.
 * @example mean([1, 2, NaN, 3]) // 2
 */
export function mean(x: Series): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/**
 * Variance of the non-NaN entries with `ddof` delta degrees of freedom (1 = sample, 0 =
 * population). `null` when fewer than `ddof + 1` values. Exactly 0 when all values are equal,
 * so a flat series never shows a rounding-noise volatility.
 * @example variance([1, 2, 3, 4], 1) // 1.6666666666666667
 */
export function variance(x: Series, ddof: number = 1): number | null {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue; // NaN
    n++;
    sum += v;
  }
  if (n - ddof <= 0) return null;
  const m = sum / n;
  // Two-pass with the compensation term (Chan, Golub & LeVeque) for accuracy on long series.
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue;
    const d = v - m;
    ss += d * d;
    comp += d;
  }
  const result = (ss - (comp * comp) / n) / (n - ddof);
  // Equal values leave a rounding residue of about (ε·m)²; only then is the exact check worth a pass.
  if (result <= 1e-20 * m * m && allEqual(x)) return 0;
  return result < 0 ? 0 : result;
}

function allEqual(x: Series): boolean {
  let first = NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** Standard deviation; see {@link variance}. */
export function stdev(x: Series, ddof: number = 1): number | null {
  const v = variance(x, ddof);
  return v === null ? null : Math.sqrt(v);
}

/**
 * Quantile `q` in [0, 1] of the non-NaN entries with linear interpolation between order
 * statistics (numpy's default `percentile` method); `null` when empty.
 * @example quantile([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantile(x: Series, q: number): number | null {
  return quantileInPlace(dropNaN(x), q);
}

/**
 * {@link quantile} of a NaN-free scratch array that it reorders: Hoare's selection instead of a
 * sort, O(n) on average, so a million per-bar returns cost milliseconds.
 */
export function quantileInPlace(a: Float64Array, q: number): number | null {
  const n = a.length;
  if (n === 0) return null;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const below = select(a, lo);
  if (frac === 0 || lo + 1 >= n) return below;
  // After selecting index lo, everything right of it is ≥ a[lo]; the next order statistic is their minimum.
  let above = Infinity;
  for (let i = lo + 1; i < n; i++) if (a[i]! < above) above = a[i]!;
  return below + (above - below) * frac;
}

/** Reorders `a` so that a[k] is its k-th smallest value, smaller ones left and larger right. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and reversed input linear.
    const mid = (left + right) >> 1;
    const x = a[left]!;
    const y = a[mid]!;
    const z = a[right]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/** {@link quantile} on values already sorted ascending without NaN. */
export function quantileSorted(sorted: Series, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return frac === 0 ? a : a + (b - a) * frac;
}

interface Moments {
  readonly n: number;
  readonly m2: number;
  readonly m3: number;
  readonly m4: number;
}

function centralMoments(x: Series): Moments | null {
  const m = mean(x);
  if (m === null) return null;
  let n = 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    const d = v - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    n++;
  }
  return { n, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/**
 * Adjusted Fisher–Pearson skewness G1 (pandas `.skew()`, Excel SKEW, PerformanceAnalytics
 * `method = "fisher"`); `null` for fewer than 3 values or zero variance.
 */
export function skewness(x: Series): number | null {
  const mo = centralMoments(x);
  if (mo === null || mo.n < 3 || mo.m2 === 0 || variance(x, 0) === 0) return null;
  const g1 = mo.m3 / Math.pow(mo.m2, 1.5);
  return (g1 * Math.sqrt(mo.n * (mo.n - 1))) / (mo.n - 2);
}

/**
 * Adjusted excess kurtosis G2 (pandas `.kurt()`, Excel KURT, PerformanceAnalytics
 * `method = "sample_excess"`); `null` for fewer than 4 values or zero variance.
 */
export function excessKurtosis(x: Series): number | null {
  const mo = centralMoments(x);
  if (mo === null || mo.n < 4 || mo.m2 === 0 || variance(x, 0) === 0) return null;
  const n = mo.n;
  const g2 = mo.m4 / (mo.m2 * mo.m2) - 3;
  return (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3));
}

/**
 * Squared Pearson correlation of `y` against its index 0..n-1 (the R² of a straight-line fit),
 * NaN entries dropped first. 0 when `y` is constant (scipy's `linregress` convention), `null`
 * for fewer than 2 values.
 */
export function linearFitR2(y: Series): number | null {
  const v = dropNaN(y);
  const n = v.length;
  if (n < 2) return null;
  const mx = (n - 1) / 2;
  let my = 0;
  for (let i = 0; i < n; i++) my += v[i]!;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = i - mx;
    const dy = v[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (syy === 0) return 0;
  const r = Math.min(1, Math.max(-1, sxy / Math.sqrt(sxx * syy)));
  return r * r;
}

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;

/**
 * Complementary error function to near double precision: the all-positive series
 * erf(x) = 2/√π·e^(−x²)·Σ (2x²)ⁿ·x/(2n+1)!! below 2.5 (no cancellation), Lentz's continued
 * fraction above.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - ((2 / SQRT_PI) * Math.exp(-x2) * sum);
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated with Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal cumulative distribution Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Inverse of the standard normal CDF (the z-score of probability `p`): Acklam's rational
 * approximation refined by two Halley steps on {@link normalCdf}, accurate to ~1e-15.
 * @example normalQuantile(0.05) // -1.6448536269514729
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/** `value` when it is a finite number, otherwise `null` (JSON cannot carry NaN or ±Infinity). */
export function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** `a / b`, or `null` when the quotient is undefined or unbounded (b = 0, either side null). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return finiteOrNull(a / b);
}
