/**
 * Price levels: pivot points (classic, Fibonacci, Camarilla), Williams fractals, support and
 * resistance from swing points, and from a rolling volume profile.
 *
 * Everything here is point-in-time: a swing or fractal at bar t is only reported once the `right`
 * bars after it have closed, on the bar that confirms it. Charting tools draw fractals on the pivot
 * bar itself, which a strategy could not have known at that time.
 */
import type { OhlcvColumns } from '../model/bar.js';
import { HL, HLC, HLCV, IndicatorBase } from './core/base.js';
import { enumOption, intOption, numOption } from './core/options.js';
import { ANCHORS, sessionKey, type Anchor } from './core/sessions.js';
import type { BarIndicator, BarInput, CommonOptions } from './core/types.js';
import { borrowScratch, fillNaN, isStrict, releaseScratch, rollingMaxInto, rollingMinInto, runSegments, validEnd2, validEnd3, validEnd4 } from './core/kernels.js';
import { RollingMax, RollingMin, RollingWindow } from './core/windows.js';

/** Pivot formulas. */
export type PivotMethod = 'classic' | 'fibonacci' | 'camarilla';
export const PIVOT_METHODS: readonly PivotMethod[] = ['classic', 'fibonacci', 'camarilla'];

export interface PivotOptions extends CommonOptions {
  /** Default `classic`. */
  readonly method?: PivotMethod;
  /**
   * The period whose high, low and close give the levels, in UTC: `day` (default: daily pivots on
   * intraday bars, previous-bar pivots on daily bars), `week`, `month`, or `bar` (the previous bar).
   */
  readonly anchor?: Anchor;
}

/**
 * Pivot points from the previous completed period's high H, low L and close C, with
 * `pp = (H + L + C) / 3` and range `R = H − L`:
 * - classic: `r1 = 2pp − L`, `s1 = 2pp − H`, `r2 = pp + R`, `s2 = pp − R`, `r3 = H + 2(pp − L)`, `s3 = L − 2(H − pp)`;
 * - fibonacci: `r/s1..3 = pp ± {0.382, 0.618, 1}·R`;
 * - camarilla: `r/s1..4 = C ± {1/12, 1/6, 1/4, 1/2}·1.1·R` (`r4`/`s4` only here).
 * Ready once one full period has completed (data-dependent).
 * @example
 * const piv = new PivotPoints({ method: 'camarilla', anchor: 'day' });
 * piv.update(bar); piv.r3; piv.s3;
 */
export class PivotPoints extends IndicatorBase implements BarIndicator<'time' | 'high' | 'low' | 'close'> {
  readonly method: PivotMethod;
  readonly anchor: Anchor;
  private session = NaN;
  private h = NaN;
  private l = NaN;
  private c = NaN;
  private ready = false;
  private readonly levels = new Float64Array(9);

  constructor(options: PivotOptions = {}) {
    const method = enumOption('pivots', 'method', options.method, 'classic', PIVOT_METHODS);
    const anchor = enumOption('pivots', 'anchor', options.anchor, 'day', ANCHORS);
    super(`pivots_${method}(${anchor})`, 1, options);
    this.method = method;
    this.anchor = anchor;
  }

  override get isReady(): boolean {
    return this.ready;
  }

  get value(): number {
    return this.pp;
  }

  private level(i: number): number {
    return this.ready ? this.levels[i]! : NaN;
  }

  get pp(): number {
    return this.level(0);
  }
  get r1(): number {
    return this.level(1);
  }
  get r2(): number {
    return this.level(2);
  }
  get r3(): number {
    return this.level(3);
  }
  get r4(): number {
    return this.level(4);
  }
  get s1(): number {
    return this.level(5);
  }
  get s2(): number {
    return this.level(6);
  }
  get s3(): number {
    return this.level(7);
  }
  get s4(): number {
    return this.level(8);
  }

  update(bar: Pick<BarInput, 'time' | 'high' | 'low' | 'close'>): number {
    return this.step(bar.time, bar.high, bar.low, bar.close);
  }

  step(time: number, high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close + time;
    if (s - s !== 0) return this.rejectFields(['time', ...HLC], time, high, low, close);
    const c = ++this.count;
    const key = this.anchor === 'bar' ? c : sessionKey(this.anchor, time);
    if (key !== this.session) {
      if (c > 1) this.compute();
      this.session = key;
      this.h = high;
      this.l = low;
    } else {
      if (high > this.h) this.h = high;
      if (low < this.l) this.l = low;
    }
    this.c = close;
    return this.pp;
  }

  private compute(): void {
    const { h, l, c } = this;
    const lv = this.levels;
    const pp = (h + l + c) / 3;
    const r = h - l;
    lv[0] = pp;
    lv[4] = NaN;
    lv[8] = NaN;
    if (this.method === 'classic') {
      lv[1] = 2 * pp - l;
      lv[5] = 2 * pp - h;
      lv[2] = pp + r;
      lv[6] = pp - r;
      lv[3] = h + 2 * (pp - l);
      lv[7] = l - 2 * (h - pp);
    } else if (this.method === 'fibonacci') {
      lv[1] = pp + 0.382 * r;
      lv[5] = pp - 0.382 * r;
      lv[2] = pp + 0.618 * r;
      lv[6] = pp - 0.618 * r;
      lv[3] = pp + r;
      lv[7] = pp - r;
    } else {
      const k = 1.1 * r;
      lv[1] = c + k / 12;
      lv[5] = c - k / 12;
      lv[2] = c + k / 6;
      lv[6] = c - k / 6;
      lv[3] = c + k / 4;
      lv[7] = c - k / 4;
      lv[4] = c + k / 2;
      lv[8] = c - k / 2;
    }
    this.ready = true;
  }

  protected clear(): void {
    this.session = NaN;
    this.h = NaN;
    this.l = NaN;
    this.c = NaN;
    this.ready = false;
    this.levels.fill(NaN);
  }
}

export interface FractalOptions extends CommonOptions {
  /** Bars before the pivot that must be lower (up fractal) / higher (down fractal); default 2. */
  readonly left?: number;
  /** Bars after the pivot, which also delay its confirmation; default 2. */
  readonly right?: number;
}

/**
 * Bill Williams fractals, reported on the bar that confirms them: `up` is 1 when the bar `right`
 * bars ago had a high strictly above the `left` highs before it and the `right` highs after it
 * (else 0); `down` likewise with lows.
 */
export class Fractals extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  private readonly highs: RollingWindow;
  private readonly lows: RollingWindow;
  /** Bars after the pivot (the confirmation delay). */
  readonly right: number;
  /** Bars in the pattern, `left + right + 1`. */
  readonly size: number;
  private upv = NaN;
  private downv = NaN;

  constructor(options: FractalOptions = {}) {
    const left = intOption('fractals', 'left', options.left, 2, 1);
    const right = intOption('fractals', 'right', options.right, 2, 1);
    super(`fractals(${left},${right})`, left + right, options);
    this.size = left + right + 1;
    this.right = right;
    this.highs = new RollingWindow(this.size);
    this.lows = new RollingWindow(this.size);
  }

  get value(): number {
    return this.up;
  }

  /** 1 on the bar confirming an up fractal, else 0. */
  get up(): number {
    return this.count > this.warmup ? this.upv : NaN;
  }

  /** 1 on the bar confirming a down fractal, else 0. */
  get down(): number {
    return this.count > this.warmup ? this.downv : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low'>): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    this.count++;
    this.highs.push(high);
    this.lows.push(low);
    if (!this.highs.full) return NaN;
    const ph = this.highs.get(this.right);
    const pl = this.lows.get(this.right);
    let up = 1;
    let down = 1;
    for (let ago = 0; ago < this.size; ago++) {
      if (ago === this.right) continue;
      if (this.highs.get(ago) >= ph) up = 0;
      if (this.lows.get(ago) <= pl) down = 0;
    }
    this.downv = down;
    return (this.upv = up);
  }

  protected clear(): void {
    this.highs.clear();
    this.lows.clear();
    this.upv = NaN;
    this.downv = NaN;
  }
}

export interface SwingLevelOptions extends FractalOptions {
  /** Confirmed swing highs and lows remembered (default 10 of each). */
  readonly count?: number;
}

/**
 * Support and resistance from swing points: `resistance` is the lowest of the last `count`
 * confirmed swing highs above the close, `support` the highest of the last `count` swing lows
 * below it. A swing is a fractal with `left`/`right` bars (default 5/5), known `right` bars late.
 * NaN means "no such level" (price above every remembered swing high, say), not missing data.
 */
export class SwingLevels extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  private readonly fractals: Fractals;
  private readonly highs: RollingWindow;
  private readonly lows: RollingWindow;
  private readonly pivotHighs: RollingWindow;
  private readonly pivotLows: RollingWindow;
  private readonly right: number;
  /** Its swing pattern and memory (read by the batch kernel). */
  readonly layout: { readonly left: number; readonly right: number; readonly count: number };
  private sup = NaN;
  private res = NaN;

  constructor(options: SwingLevelOptions = {}) {
    const left = intOption('swing_levels', 'left', options.left, 5, 1);
    const right = intOption('swing_levels', 'right', options.right, 5, 1);
    const count = intOption('swing_levels', 'count', options.count, 10, 1);
    super(`swing_levels(${left},${right},${count})`, left + right, options);
    this.fractals = new Fractals({ left, right });
    this.highs = new RollingWindow(right + 1);
    this.lows = new RollingWindow(right + 1);
    this.pivotHighs = new RollingWindow(count);
    this.pivotLows = new RollingWindow(count);
    this.right = right;
    this.layout = { left, right, count };
  }

  get value(): number {
    return this.support;
  }

  /** Nearest remembered swing low below the close (NaN if none). */
  get support(): number {
    return this.count > this.warmup ? this.sup : NaN;
  }

  /** Nearest remembered swing high above the close (NaN if none). */
  get resistance(): number {
    return this.count > this.warmup ? this.res : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low' | 'close'>): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    this.count++;
    this.highs.push(high);
    this.lows.push(low);
    const up = this.fractals.step(high, low);
    if (up !== up) return NaN;
    if (up === 1) this.pivotHighs.push(this.highs.get(this.right));
    if (this.fractals.down === 1) this.pivotLows.push(this.lows.get(this.right));
    let res = Infinity;
    for (let i = 0; i < this.pivotHighs.size; i++) {
      const h = this.pivotHighs.get(i);
      if (h > close && h < res) res = h;
    }
    let sup = -Infinity;
    for (let i = 0; i < this.pivotLows.size; i++) {
      const l = this.pivotLows.get(i);
      if (l < close && l > sup) sup = l;
    }
    this.res = res === Infinity ? NaN : res;
    this.sup = sup === -Infinity ? NaN : sup;
    return this.sup;
  }

  protected clear(): void {
    this.fractals.reset();
    this.highs.clear();
    this.lows.clear();
    this.pivotHighs.clear();
    this.pivotLows.clear();
    this.sup = NaN;
    this.res = NaN;
  }
}

export interface VolumeProfileOptions extends CommonOptions {
  /** Bars in the rolling profile (default 100). */
  readonly period?: number;
  /** Price rows between the window's lowest low and highest high (default 24). */
  readonly bins?: number;
  /** Share of the volume in the value area (default 0.7). */
  readonly valueArea?: number;
}

/**
 * Rolling volume profile of the last `period` bars: each bar's volume is spread evenly over its
 * high–low range across `bins` price rows. Lines (prices at row centres or edges):
 * - `poc`: point of control, the row with the most volume;
 * - `vah` / `val`: value area high/low, grown from the POC towards the heavier neighbour until it
 *   holds `valueArea` of the volume;
 * - `support` / `resistance`: the heaviest row entirely below / above the close's row (NaN if none).
 * A window without volume weighs every bar equally.
 */
export class VolumeProfile extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close' | 'volume'> {
  readonly period: number;
  /** Price rows of the profile. */
  readonly bins: number;
  private readonly highs: RollingWindow;
  private readonly lows: RollingWindow;
  private readonly vols: RollingWindow;
  private readonly hi: RollingMax;
  private readonly lo: RollingMin;
  private readonly hist: Float64Array;
  /** Share of the volume in the value area. */
  readonly share: number;
  private pocv = NaN;
  private vahv = NaN;
  private valv = NaN;
  private sup = NaN;
  private res = NaN;

  constructor(options: VolumeProfileOptions = {}) {
    const period = intOption('volume_profile', 'period', options.period, 100, 1);
    const bins = intOption('volume_profile', 'bins', options.bins, 24, 2, 10_000);
    const share = numOption('volume_profile', 'valueArea', options.valueArea, 0.7, 0, 1);
    super(`volume_profile(${period},${bins})`, period - 1, options);
    this.period = period;
    this.highs = new RollingWindow(period);
    this.lows = new RollingWindow(period);
    this.vols = new RollingWindow(period);
    this.hi = new RollingMax(period);
    this.lo = new RollingMin(period);
    this.hist = new Float64Array(bins);
    this.bins = bins;
    this.share = share;
  }

  get value(): number {
    return this.poc;
  }
  get poc(): number {
    return this.count > this.warmup ? this.pocv : NaN;
  }
  get vah(): number {
    return this.count > this.warmup ? this.vahv : NaN;
  }
  get val(): number {
    return this.count > this.warmup ? this.valv : NaN;
  }
  get support(): number {
    return this.count > this.warmup ? this.sup : NaN;
  }
  get resistance(): number {
    return this.count > this.warmup ? this.res : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low' | 'close' | 'volume'>): number {
    return this.step(bar.high, bar.low, bar.close, bar.volume);
  }

  step(high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const s = high + low + close + volume;
    if (s - s !== 0) return this.rejectFields(HLCV, high, low, close, volume);
    this.count++;
    this.highs.push(high);
    this.lows.push(low);
    this.vols.push(volume);
    this.hi.push(high);
    this.lo.push(low);
    if (!this.highs.full) return NaN;
    this.build(close);
    return this.pocv;
  }

  private build(close: number): void {
    const hist = this.hist;
    const bins = hist.length;
    const top = this.hi.value;
    const bottom = this.lo.value;
    const n = this.highs.size;
    if (!(top > bottom)) {
      this.pocv = this.vahv = this.valv = top;
      this.sup = this.res = NaN;
      return;
    }
    const width = (top - bottom) / bins;
    let totalVolume = 0;
    for (let i = 0; i < n; i++) totalVolume += this.vols.get(i);
    const equalWeights = !(totalVolume > 0);
    hist.fill(0);
    for (let i = 0; i < n; i++) {
      const h = this.highs.get(i);
      const l = this.lows.get(i);
      const w = equalWeights ? 1 : this.vols.get(i);
      const first = Math.min(bins - 1, Math.floor((l - bottom) / width));
      const last = Math.min(bins - 1, Math.floor((h - bottom) / width));
      if (first === last || !(h > l)) {
        hist[first] = hist[first]! + w;
        continue;
      }
      for (let b = first; b <= last; b++) {
        const lower = bottom + b * width;
        const overlap = Math.min(h, lower + width) - Math.max(l, lower);
        if (overlap > 0) hist[b] = hist[b]! + (w * overlap) / (h - l);
      }
    }
    let poc = 0;
    let total = 0;
    for (let b = 0; b < bins; b++) {
      total += hist[b]!;
      if (hist[b]! > hist[poc]!) poc = b;
    }
    let loB = poc;
    let hiB = poc;
    let inside = hist[poc]!;
    const target = this.share * total;
    while (inside < target && (loB > 0 || hiB < bins - 1)) {
      const below = loB > 0 ? hist[loB - 1]! : -1;
      const above = hiB < bins - 1 ? hist[hiB + 1]! : -1;
      if (above >= below) inside += hist[++hiB]!;
      else inside += hist[--loB]!;
    }
    this.pocv = bottom + (poc + 0.5) * width;
    this.vahv = bottom + (hiB + 1) * width;
    this.valv = bottom + loB * width;
    const closeBin = Math.max(0, Math.min(bins - 1, Math.floor((close - bottom) / width)));
    let sup = -1;
    for (let b = 0; b < closeBin; b++) if (sup < 0 || hist[b]! > hist[sup]!) sup = b;
    let res = -1;
    for (let b = closeBin + 1; b < bins; b++) if (res < 0 || hist[b]! > hist[res]!) res = b;
    this.sup = sup >= 0 && close > bottom ? bottom + (sup + 0.5) * width : NaN;
    this.res = res >= 0 && close < top ? bottom + (res + 0.5) * width : NaN;
  }

  protected clear(): void {
    this.highs.clear();
    this.lows.clear();
    this.vols.clear();
    this.hi.clear();
    this.lo.clear();
    this.pocv = NaN;
    this.vahv = NaN;
    this.valv = NaN;
    this.sup = NaN;
    this.res = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input.

export interface PivotLines {
  readonly pp: Float64Array;
  readonly r1: Float64Array;
  readonly r2: Float64Array;
  readonly r3: Float64Array;
  readonly r4: Float64Array;
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  readonly s3: Float64Array;
  readonly s4: Float64Array;
}

const PIVOT_LINES = ['pp', 'r1', 'r2', 'r3', 'r4', 's1', 's2', 's3', 's4'] as const;

/** Pivot points over `[from, to)`: the levels of the previous session, held until the next one. */
function pivotsInto(c: Pick<OhlcvColumns, 'time' | 'high' | 'low' | 'close'>, from: number, to: number, method: PivotMethod, anchor: Anchor, out: PivotLines): void {
  const { time, high, low, close } = c;
  const { pp: ppOut, r1: r1Out, r2: r2Out, r3: r3Out, r4: r4Out, s1: s1Out, s2: s2Out, s3: s3Out, s4: s4Out } = out;
  let session = NaN;
  let h = NaN;
  let l = NaN;
  let cl = NaN;
  let pp = NaN;
  let r1 = NaN;
  let r2 = NaN;
  let r3 = NaN;
  let r4 = NaN;
  let s1 = NaN;
  let s2 = NaN;
  let s3 = NaN;
  let s4 = NaN;
  for (let i = from; i < to; i++) {
    const count = i - from + 1;
    const key = anchor === 'bar' ? count : sessionKey(anchor, time[i]!);
    if (key !== session) {
      if (count > 1) {
        pp = (h + l + cl) / 3;
        const r = h - l;
        r4 = NaN;
        s4 = NaN;
        if (method === 'classic') {
          r1 = 2 * pp - l;
          s1 = 2 * pp - h;
          r2 = pp + r;
          s2 = pp - r;
          r3 = h + 2 * (pp - l);
          s3 = l - 2 * (h - pp);
        } else if (method === 'fibonacci') {
          r1 = pp + 0.382 * r;
          s1 = pp - 0.382 * r;
          r2 = pp + 0.618 * r;
          s2 = pp - 0.618 * r;
          r3 = pp + r;
          s3 = pp - r;
        } else {
          const k = 1.1 * r;
          r1 = cl + k / 12;
          s1 = cl - k / 12;
          r2 = cl + k / 6;
          s2 = cl - k / 6;
          r3 = cl + k / 4;
          s3 = cl - k / 4;
          r4 = cl + k / 2;
          s4 = cl - k / 2;
        }
      }
      session = key;
      h = high[i]!;
      l = low[i]!;
    } else {
      const hi = high[i]!;
      const lo = low[i]!;
      if (hi > h) h = hi;
      if (lo < l) l = lo;
    }
    cl = close[i]!;
    ppOut[i] = pp;
    r1Out[i] = r1;
    r2Out[i] = r2;
    r3Out[i] = r3;
    r4Out[i] = r4;
    s1Out[i] = s1;
    s2Out[i] = s2;
    s3Out[i] = s3;
    s4Out[i] = s4;
  }
}

/** Batch pivot points (r4/s4 are NaN except for Camarilla). */
export function pivots(c: Pick<OhlcvColumns, 'time' | 'high' | 'low' | 'close'>, options?: PivotOptions): PivotLines {
  const ind = new PivotPoints(options);
  const n = c.close.length;
  const mk = () => new Float64Array(n);
  const out = { pp: mk(), r1: mk(), r2: mk(), r3: mk(), r4: mk(), s1: mk(), s2: mk(), s3: mk(), s4: mk() };
  const lines = PIVOT_LINES.map((l) => out[l]);
  if (!runSegments(n, isStrict(options), (f) => validEnd4(c.high, c.low, c.close, c.time, f), (a, b) => (pivotsInto(c, a, b, ind.method, ind.anchor, out), true), lines)) {
    for (let i = 0; i < n; i++) {
      out.pp[i] = ind.step(c.time[i]!, c.high[i]!, c.low[i]!, c.close[i]!);
      out.r1[i] = ind.r1;
      out.r2[i] = ind.r2;
      out.r3[i] = ind.r3;
      out.r4[i] = ind.r4;
      out.s1[i] = ind.s1;
      out.s2[i] = ind.s2;
      out.s3[i] = ind.s3;
      out.s4[i] = ind.s4;
    }
  }
  return out;
}

/** Fractal flags over `[from, to)`: 1 on the bar `right` bars after a strict extreme of its `size` bars. */
function fractalsInto(c: Pick<OhlcvColumns, 'high' | 'low'>, from: number, to: number, size: number, right: number, up: Float64Array, down: Float64Array): void {
  const { high, low } = c;
  const start = Math.min(to, from + size - 1);
  fillNaN(up, from, start);
  fillNaN(down, from, start);
  for (let i = start; i < to; i++) {
    up[i] = isStrictMax(high, i - size + 1, i - right, i) ? 1 : 0;
    down[i] = isStrictMin(low, i - size + 1, i - right, i) ? 1 : 0;
  }
}

// The fractal tests of the classes (`>=` / `<=` against every other bar of the pattern), stopping
// at the first bar that beats the pivot: most bars are not pivots, and most fail within a few.

/** True when `a[pivot]` is greater than every other value of `a[first..last]`. */
function isStrictMax(a: Float64Array, first: number, pivot: number, last: number): boolean {
  const p = a[pivot]!;
  for (let j = pivot + 1; j <= last; j++) if (a[j]! >= p) return false;
  for (let j = pivot - 1; j >= first; j--) if (a[j]! >= p) return false;
  return true;
}

/** True when `a[pivot]` is less than every other value of `a[first..last]`. */
function isStrictMin(a: Float64Array, first: number, pivot: number, last: number): boolean {
  const p = a[pivot]!;
  for (let j = pivot + 1; j <= last; j++) if (a[j]! <= p) return false;
  for (let j = pivot - 1; j >= first; j--) if (a[j]! <= p) return false;
  return true;
}

/** Batch fractals. */
export function fractals(c: Pick<OhlcvColumns, 'high' | 'low'>, options?: FractalOptions): { readonly up: Float64Array; readonly down: Float64Array } {
  const ind = new Fractals(options);
  const n = c.high.length;
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(c.high, c.low, f), (a, b) => (fractalsInto(c, a, b, ind.size, ind.right, up, down), true), [up, down])) {
    for (let i = 0; i < n; i++) {
      up[i] = ind.step(c.high[i]!, c.low[i]!);
      down[i] = ind.down;
    }
  }
  return { up, down };
}

/**
 * Swing levels over `[from, to)`. The class keeps the last `count` pivots in rings and searches
 * them all every bar; here each ring also has a sorted copy, so the nearest level above (below)
 * the close is found by moving an index from where it was on the previous bar (the close moves
 * little from bar to bar). The same levels: a minimum or maximum does not depend on the search.
 */
function swingLevelsInto(c: Pick<OhlcvColumns, 'high' | 'low' | 'close'>, from: number, to: number, layout: SwingLevels['layout'], support: Float64Array, resistance: Float64Array): void {
  const { left, right, count } = layout;
  const size = left + right + 1;
  const { high, low, close } = c;
  const highs = new SortedRing(count);
  const lows = new SortedRing(count);
  let above = 0; // highs.sorted[0, above) <= close < highs.sorted[above]
  let below = 0; // lows.sorted[0, below) < close <= lows.sorted[below]
  const start = Math.min(to, from + size - 1);
  fillNaN(support, from, start);
  fillNaN(resistance, from, start);
  for (let i = start; i < to; i++) {
    const pivot = i - right;
    if (isStrictMax(high, i - size + 1, pivot, i)) highs.push(high[pivot]!);
    if (isStrictMin(low, i - size + 1, pivot, i)) lows.push(low[pivot]!);
    const cl = close[i]!;
    const hs = highs.sorted;
    const nh = highs.size;
    if (above > nh) above = nh;
    while (above < nh && hs[above]! <= cl) above++;
    while (above > 0 && hs[above - 1]! > cl) above--;
    resistance[i] = above < nh ? hs[above]! : NaN;
    const ls = lows.sorted;
    const nl = lows.size;
    if (below > nl) below = nl;
    while (below < nl && ls[below]! < cl) below++;
    while (below > 0 && ls[below - 1]! >= cl) below--;
    support[i] = below > 0 ? ls[below - 1]! : NaN;
  }
}

/** The last `capacity` values pushed, also kept in ascending order in `sorted[0, size)`. */
class SortedRing {
  readonly sorted: Float64Array;
  private readonly ring: Float64Array;
  private pos = 0;
  size = 0;

  constructor(private readonly capacity: number) {
    this.sorted = new Float64Array(capacity);
    this.ring = new Float64Array(capacity);
  }

  push(x: number): void {
    const sorted = this.sorted;
    let n = this.size;
    if (n === this.capacity) {
      // Drop one copy of the value leaving the ring.
      const old = this.ring[this.pos]!;
      let k = 0;
      while (sorted[k] !== old) k++;
      for (; k + 1 < n; k++) sorted[k] = sorted[k + 1]!;
      n--;
    }
    let k = n;
    while (k > 0 && sorted[k - 1]! > x) {
      sorted[k] = sorted[k - 1]!;
      k--;
    }
    sorted[k] = x;
    this.size = n + 1;
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === this.capacity ? 0 : this.pos + 1;
  }
}

/** Batch swing support/resistance. */
export function swingLevels(c: Pick<OhlcvColumns, 'high' | 'low' | 'close'>, options?: SwingLevelOptions): { readonly support: Float64Array; readonly resistance: Float64Array } {
  const ind = new SwingLevels(options);
  const n = c.close.length;
  const support = new Float64Array(n);
  const resistance = new Float64Array(n);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(c.high, c.low, c.close, f), (a, b) => (swingLevelsInto(c, a, b, ind.layout, support, resistance), true), [support, resistance])) {
    for (let i = 0; i < n; i++) {
      support[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
      resistance[i] = ind.resistance;
    }
  }
  return { support, resistance };
}

export interface VolumeProfileLines {
  readonly poc: Float64Array;
  readonly vah: Float64Array;
  readonly val: Float64Array;
  readonly support: Float64Array;
  readonly resistance: Float64Array;
}

/** The rolling volume profile over `[from, to)`: each bar's profile rebuilt from its window, newest bar first, as the class. */
function volumeProfileInto(c: Pick<OhlcvColumns, 'high' | 'low' | 'close' | 'volume'>, from: number, to: number, period: number, bins: number, share: number, out: VolumeProfileLines): void {
  const { high, low, close, volume } = c;
  const { poc: pocOut, vah: vahOut, val: valOut, support, resistance } = out;
  const tops = borrowScratch(high.length);
  const bottoms = borrowScratch(high.length);
  rollingMaxInto(high, from, to, period, tops);
  rollingMinInto(low, from, to, period, bottoms);
  const hist = new Float64Array(bins);
  const start = Math.min(to, from + period - 1);
  for (let i = from; i < start; i++) pocOut[i] = vahOut[i] = valOut[i] = support[i] = resistance[i] = NaN;
  for (let i = start; i < to; i++) {
    const top = tops[i]!;
    const bottom = bottoms[i]!;
    if (!(top > bottom)) {
      pocOut[i] = vahOut[i] = valOut[i] = top;
      support[i] = resistance[i] = NaN;
      continue;
    }
    const width = (top - bottom) / bins;
    let totalVolume = 0;
    for (let j = i; j > i - period; j--) totalVolume += volume[j]!;
    const equalWeights = !(totalVolume > 0);
    hist.fill(0);
    for (let j = i; j > i - period; j--) {
      const h = high[j]!;
      const l = low[j]!;
      const w = equalWeights ? 1 : volume[j]!;
      const first = Math.min(bins - 1, Math.floor((l - bottom) / width));
      const last = Math.min(bins - 1, Math.floor((h - bottom) / width));
      if (first === last || !(h > l)) {
        hist[first] = hist[first]! + w;
        continue;
      }
      for (let b = first; b <= last; b++) {
        const lower = bottom + b * width;
        const overlap = Math.min(h, lower + width) - Math.max(l, lower);
        if (overlap > 0) hist[b] = hist[b]! + (w * overlap) / (h - l);
      }
    }
    let poc = 0;
    let total = 0;
    for (let b = 0; b < bins; b++) {
      total += hist[b]!;
      if (hist[b]! > hist[poc]!) poc = b;
    }
    let loB = poc;
    let hiB = poc;
    let inside = hist[poc]!;
    const target = share * total;
    while (inside < target && (loB > 0 || hiB < bins - 1)) {
      const below = loB > 0 ? hist[loB - 1]! : -1;
      const above = hiB < bins - 1 ? hist[hiB + 1]! : -1;
      if (above >= below) inside += hist[++hiB]!;
      else inside += hist[--loB]!;
    }
    pocOut[i] = bottom + (poc + 0.5) * width;
    vahOut[i] = bottom + (hiB + 1) * width;
    valOut[i] = bottom + loB * width;
    const cl = close[i]!;
    const closeBin = Math.max(0, Math.min(bins - 1, Math.floor((cl - bottom) / width)));
    let sup = -1;
    for (let b = 0; b < closeBin; b++) if (sup < 0 || hist[b]! > hist[sup]!) sup = b;
    let res = -1;
    for (let b = closeBin + 1; b < bins; b++) if (res < 0 || hist[b]! > hist[res]!) res = b;
    support[i] = sup >= 0 && cl > bottom ? bottom + (sup + 0.5) * width : NaN;
    resistance[i] = res >= 0 && cl < top ? bottom + (res + 0.5) * width : NaN;
  }
  releaseScratch(tops, bottoms);
}

/** Batch rolling volume profile. */
export function volumeProfile(c: Pick<OhlcvColumns, 'high' | 'low' | 'close' | 'volume'>, options?: VolumeProfileOptions): VolumeProfileLines {
  const ind = new VolumeProfile(options);
  const n = c.close.length;
  const out = { poc: new Float64Array(n), vah: new Float64Array(n), val: new Float64Array(n), support: new Float64Array(n), resistance: new Float64Array(n) };
  if (!runSegments(n, isStrict(options), (f) => validEnd4(c.high, c.low, c.close, c.volume, f), (a, b) => (volumeProfileInto(c, a, b, ind.period, ind.bins, ind.share, out), true), Object.values(out))) {
    for (let i = 0; i < n; i++) {
      out.poc[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
      out.vah[i] = ind.vah;
      out.val[i] = ind.val;
      out.support[i] = ind.support;
      out.resistance[i] = ind.resistance;
    }
  }
  return out;
}
