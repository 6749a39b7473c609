/**
 * Confidence calibration: a head's stated confidence → the hit rate it has actually had, so that
 * "0.8" means right 80% of the time. Fitted per head from its resolved signals (stated confidence,
 * hit or miss).
 *
 * - isotonic: the non-decreasing step function closest to the hits in least squares, by pool
 *   adjacent violators (PAV) over confidences pooled in steps of 0.001, blocks of at least 20
 *   outcomes; each block's rate is shrunk towards ½ as (hits + 1) / (n + 2) so a
 *   block of three wins is not "certain"; between block centres the map interpolates linearly,
 *   outside them it is flat;
 * - platt: p = σ(a·logit(c) + b), fitted by Newton's method with a weak prior (a → 1, b → 0),
 *   so few samples leave the confidence nearly as stated.
 *
 * Until a head has `minSamples` outcomes its confidence passes through unchanged (and the vote
 * says so).
 */
import type { CalibrationMethod, LearningConfig } from './config.js';

/** A fitted map, serialisable for the learning log. */
export type CalibrationState =
  | { readonly method: 'isotonic'; readonly x: readonly number[]; readonly y: readonly number[]; readonly samples: number }
  | { readonly method: 'platt'; readonly a: number; readonly b: number; readonly samples: number };

/** Confidences are pooled in buckets of this width before PAV (no sort; exact enough for a probability). */
const BUCKETS = 1000;

/**
 * Pool adjacent violators on (x, y) pairs, x in [0, 1]. Points are first pooled per bucket of
 * width 1/1000 (equal x values always share one), which makes a fit O(n) without a sort; a block's
 * centre is the mean x of its points; blocks of fewer than `minBlock` points are pooled with a
 * neighbour. Returns block centres and shrunk rates.
 */
export function fitIsotonic(xs: readonly number[], ys: readonly number[], minBlock = 20): { x: number[]; y: number[] } {
  const sx = new Float64Array(BUCKETS + 1);
  const sy = new Float64Array(BUCKETS + 1);
  const sn = new Float64Array(BUCKETS + 1);
  for (let i = 0; i < xs.length; i++) {
    const x = Math.min(1, Math.max(0, xs[i]!));
    const k = Math.round(x * BUCKETS);
    sx[k]! += x;
    sy[k]! += ys[i]!;
    sn[k]!++;
  }
  const bx: number[] = [];
  const by: number[] = [];
  const bn: number[] = [];
  for (let k = 0; k <= BUCKETS; k++) {
    if (sn[k] === 0) continue;
    bx.push(sx[k]!);
    by.push(sy[k]!);
    bn.push(sn[k]!);
    // Merge backwards while the rates decrease.
    while (bn.length >= 2) {
      const j = bn.length - 1;
      if (by[j - 1]! / bn[j - 1]! <= by[j]! / bn[j]!) break;
      bx[j - 1]! += bx[j]!;
      by[j - 1]! += by[j]!;
      bn[j - 1]! += bn[j]!;
      bx.pop();
      by.pop();
      bn.pop();
    }
  }
  // Tiny blocks at the ends (three hits in a row at the highest confidence) make the map
  // optimistic and jumpy; pool every block of fewer than `minBlock` points with its neighbour.
  // Pooling adjacent blocks of a non-decreasing sequence keeps it non-decreasing.
  for (let j = 0; j < bn.length && bn.length > 1; ) {
    if (bn[j]! >= minBlock) {
      j++;
      continue;
    }
    const into = j === bn.length - 1 ? j - 1 : j + 1;
    const [a, b] = into < j ? [into, j] : [j, into];
    bx[a]! += bx[b]!;
    by[a]! += by[b]!;
    bn[a]! += bn[b]!;
    bx.splice(b, 1);
    by.splice(b, 1);
    bn.splice(b, 1);
    j = Math.max(0, a);
  }
  const x = bx.map((s, k) => s / bn[k]!);
  const y = by.map((s, k) => (s + 1) / (bn[k]! + 2));
  // Shrinking can break monotonicity between a small and a large block; restore it.
  for (let k = 1; k < y.length; k++) if (y[k]! < y[k - 1]!) y[k] = y[k - 1]!;
  return { x, y };
}

/** Evaluates an isotonic map at c. */
export function isotonicAt(x: readonly number[], y: readonly number[], c: number): number {
  const n = x.length;
  if (n === 0) return c;
  if (c <= x[0]!) return y[0]!;
  if (c >= x[n - 1]!) return y[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= c) lo = mid;
    else hi = mid;
  }
  const t = (c - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Platt scaling on logit(confidence), with a Gaussian prior of strength `prior` pulling (a, b) to (1, 0). */
export function fitPlatt(xs: readonly number[], ys: readonly number[], prior = 1): { a: number; b: number } {
  const z = xs.map(logit);
  // Penalised negative log-likelihood; Newton steps are halved until it decreases, because the
  // plain Newton step overshoots wildly where the sigmoid is saturated (stated confidences near 1).
  const objective = (a: number, b: number): number => {
    let f = (prior / 2) * ((a - 1) ** 2 + b ** 2);
    for (let i = 0; i < z.length; i++) {
      const t = a * z[i]! + b;
      // log(1 + e^t) − y·t, computed without overflow.
      f += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - ys[i]! * t;
    }
    return f;
  };
  let a = 1;
  let b = 0;
  let f = objective(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = prior * (a - 1);
    let gb = prior * b;
    let haa = prior;
    let hab = 0;
    let hbb = prior;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(a * z[i]! + b);
      const r = p - ys[i]!;
      const w = p * (1 - p);
      ga += r * z[i]!;
      gb += r;
      haa += w * z[i]! * z[i]!;
      hab += w * z[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = objective(a - da, b - db);
    while (!(next <= f) && step > 1e-8) {
      step /= 2;
      next = objective(a - step * da, b - step * db);
    }
    if (!(next <= f)) break;
    a -= step * da;
    b -= step * db;
    const gain = f - next;
    f = next;
    if (gain < 1e-12) break;
  }
  return { a, b };
}

/** Maps a confidence through a fitted state. */
export function applyCalibration(state: CalibrationState, confidence: number): number {
  const p = state.method === 'isotonic' ? isotonicAt(state.x, state.y, confidence) : sigmoid(state.a * logit(confidence) + state.b);
  return Math.min(1, Math.max(0, p));
}

/** One head's record and its current calibration. */
export class HeadCalibration {
  private readonly conf: number[] = [];
  private readonly hits: number[] = [];
  private sinceFit = 0;
  state: CalibrationState | undefined;

  constructor(
    readonly head: string,
    private readonly config: Pick<LearningConfig, 'calibration' | 'minSamples' | 'refitEvery' | 'window'>,
  ) {}

  get method(): CalibrationMethod {
    return this.config.calibration;
  }

  /** Outcomes in the record (at most `window`). */
  get samples(): number {
    return Math.min(this.conf.length, this.config.window);
  }

  /** True when confidences are mapped (a fit with enough samples exists). */
  get active(): boolean {
    return this.state !== undefined && this.state.samples >= this.config.minSamples;
  }

  /** Records one resolved signal; refits every `refitEvery` outcomes. Returns true when it refitted. */
  add(confidence: number, hit: boolean): boolean {
    this.conf.push(confidence);
    this.hits.push(hit ? 1 : 0);
    if (this.conf.length >= 2 * this.config.window) {
      // Trim in chunks (shift is O(n)); `record` reads only the last `window`.
      this.conf.splice(0, this.conf.length - this.config.window);
      this.hits.splice(0, this.hits.length - this.config.window);
    }
    this.sinceFit++;
    if (this.sinceFit >= this.config.refitEvery && this.samples >= this.config.minSamples) {
      this.fit();
      return true;
    }
    return false;
  }

  /** Fits now on the record (no-op below `minSamples` or with method `none`). */
  fit(): CalibrationState | undefined {
    this.sinceFit = 0;
    const n = this.samples;
    if (this.config.calibration === 'none' || n < this.config.minSamples) return this.state;
    const conf = this.conf.slice(-n);
    const hits = this.hits.slice(-n);
    this.state = this.config.calibration === 'isotonic'
      ? { method: 'isotonic', ...fitIsotonic(conf, hits), samples: n }
      : { method: 'platt', ...fitPlatt(conf, hits), samples: n };
    return this.state;
  }

  /** The calibrated confidence (the stated one until the calibration is active). */
  map(confidence: number): number {
    return this.active ? applyCalibration(this.state!, confidence) : confidence;
  }

  /** Restores a persisted fit (the record itself starts empty and refills). */
  restore(state: CalibrationState): void {
    if (state.method === this.config.calibration) this.state = state;
  }
}
