/**
 * Wilder's directional movement system: +DM, −DM, +DI, −DI, DX, ADX, ADXR.
 *
 * As TA-Lib: the smoothed sums start as plain sums of the first `period − 1` bars, then follow
 * `s ← s − s/period + x`; DI = 100·DM/TR; the first ADX is the mean of the first `period` DX values;
 * a DX that is undefined (no range, no movement) holds the previous DX and leaves the ADX unchanged.
 */
import type { OhlcvColumns } from '../model/bar.js';
import { HL, HLC, IndicatorBase } from './core/base.js';
import { enumOption, intOption } from './core/options.js';
import type { BarIndicator, BarInput, CommonOptions } from './core/types.js';
import { isStrict, runSegments, validEnd2, validEnd3 } from './core/kernels.js';
import { RollingWindow } from './core/windows.js';

type HLCBar = Pick<BarInput, 'high' | 'low' | 'close'>;
type HLBar = Pick<BarInput, 'high' | 'low'>;

/**
 * How the smoothed sums start.
 * - `talib` (default, TA-Lib): the plain sum of the first `period − 1` movements, then one smoothing
 *   step, so +DM is ready at bar `period − 1` and DI/DX at bar `period`.
 * - `sum` (Wilder's worksheet, StockCharts): the plain sum of the first `period` movements; DI/DX at
 *   bar `period`, +DM one bar later than TA-Lib.
 * - `early` (tulip): the plain sum of the first `period − 1` movements is used as is, so DI, DX, ADX
 *   and ADXR all start one bar earlier than TA-Lib.
 */
export type DirectionalSeed = 'talib' | 'sum' | 'early';
export const DIRECTIONAL_SEEDS: readonly DirectionalSeed[] = ['talib', 'sum', 'early'];

/** Smoothed +DM, −DM and true range, shared by every indicator of the family. */
class DirectionalSums {
  private k = 0;
  private ph = 0;
  private pl = 0;
  private pc = 0;
  plus = 0;
  minus = 0;
  tr = 0;
  /** Movements (and true ranges) summed plainly before Wilder smoothing starts. */
  private readonly plain: number;
  private readonly trFromFirstBar: boolean;

  constructor(
    private readonly n: number,
    seed: DirectionalSeed,
    trFromFirstBar = false,
  ) {
    this.plain = seed === 'sum' ? n : n - 1;
    this.trFromFirstBar = trFromFirstBar;
  }

  /** Bars seen. */
  get bars(): number {
    return this.k;
  }

  step(high: number, low: number, close: number): void {
    const k = ++this.k;
    const n = this.n;
    if (k > 1) {
      const up = high - this.ph;
      const down = this.pl - low;
      const plus = up > 0 && up > down ? up : 0;
      const minus = down > 0 && down > up ? down : 0;
      if (k - 1 <= this.plain) {
        this.plus += plus;
        this.minus += minus;
      } else {
        this.plus += plus - this.plus / n;
        this.minus += minus - this.minus / n;
      }
      this.addTr(trueRangeOf(high, low, this.pc), this.trFromFirstBar ? k : k - 1);
    } else if (this.trFromFirstBar) {
      this.addTr(high - low, 1);
    }
    this.ph = high;
    this.pl = low;
    this.pc = close;
  }

  private addTr(tr: number, count: number): void {
    if (count <= this.plain) this.tr += tr;
    else this.tr += tr - this.tr / this.n;
  }

  clear(): void {
    this.k = 0;
    this.plus = 0;
    this.minus = 0;
    this.tr = 0;
  }
}

function trueRangeOf(high: number, low: number, pc: number): number {
  let tr = high - low;
  const a = high > pc ? high - pc : pc - high;
  const b = low > pc ? low - pc : pc - low;
  if (a > tr) tr = a;
  if (b > tr) tr = b;
  return tr;
}

export interface DirectionalOptions extends CommonOptions {
  readonly period?: number;
  /** See {@link DirectionalSeed}; default `talib`. */
  readonly seed?: DirectionalSeed;
  /** TA-Lib's unstable period: extra leading values withheld (default 0). */
  readonly unstablePeriod?: number;
  /**
   * `true`: the true-range average also counts the first bar (high − low), as an ATR with
   * `includeFirstBar` does (talipp's DI); default false. Only the DI lines change; DX and ADX are
   * ratios of the DMs and do not depend on the true range.
   */
  readonly includeFirstBar?: boolean;
}

export interface AdxrOptions extends DirectionalOptions {
  /** Bars between the two ADX values averaged (default `period − 1`, TA-Lib; backtrader uses `period`). */
  readonly lag?: number;
}

function periodOf(name: string, options: DirectionalOptions, min = 1): { period: number; unstable: number; seed: DirectionalSeed } {
  return {
    period: intOption(name, 'period', options.period, 14, min),
    unstable: intOption(name, 'unstablePeriod', options.unstablePeriod, 0, 0),
    seed: enumOption(name, 'seed', options.seed, 'talib', DIRECTIONAL_SEEDS),
  };
}

/** Bars (1-based) after which the sums first give a DI: TA-Lib and `sum` at `period + 1`, `early` at `period`. */
function firstDiBar(period: number, seed: DirectionalSeed): number {
  return seed === 'early' ? period : period + 1;
}

/** Smoothed directional movement, +DM (`direction: 'plus'`) or −DM. */
abstract class DirectionalMovement extends IndicatorBase implements BarIndicator<'high' | 'low'> {
  readonly period: number;
  private readonly sums: DirectionalSums;
  private readonly plus: boolean;
  private readonly firstBar: number;
  private v = NaN;

  protected constructor(name: string, plus: boolean, options: DirectionalOptions) {
    const { period, unstable, seed } = periodOf(name, options);
    const firstBar = Math.max(2, seed === 'sum' ? period + 1 : period);
    super(`${name}(${period})`, firstBar - 1 + unstable, options);
    this.period = period;
    this.sums = new DirectionalSums(period, seed, options.includeFirstBar === true);
    this.plus = plus;
    this.firstBar = firstBar;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLBar): number {
    return this.step(bar.high, bar.low);
  }

  step(high: number, low: number): number {
    this.seen++;
    const s = high + low;
    if (s - s !== 0) return this.rejectFields(HL, high, low);
    this.count++;
    this.sums.step(high, low, low);
    if (this.sums.bars < this.firstBar) return NaN;
    const v = this.plus ? this.sums.plus : this.sums.minus;
    this.v = v;
    return this.count > this.warmup ? v : NaN;
  }

  protected clear(): void {
    this.sums.clear();
    this.v = NaN;
  }
}

/** +DM: Wilder-smoothed upward directional movement. */
export class PlusDM extends DirectionalMovement {
  constructor(options: DirectionalOptions = {}) {
    super('plus_dm', true, options);
  }
}

/** −DM: Wilder-smoothed downward directional movement. */
export class MinusDM extends DirectionalMovement {
  constructor(options: DirectionalOptions = {}) {
    super('minus_dm', false, options);
  }
}

/** +DI or −DI: `100 · DM / TR` of the smoothed sums (0 when the true range is 0). */
abstract class DirectionalIndicator extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  readonly period: number;
  private readonly sums: DirectionalSums;
  private readonly plus: boolean;
  private readonly firstBar: number;
  private v = NaN;

  protected constructor(name: string, plus: boolean, options: DirectionalOptions) {
    const { period, unstable, seed } = periodOf(name, options);
    const firstBar = Math.max(2, firstDiBar(period, seed));
    super(`${name}(${period})`, firstBar - 1 + unstable, options);
    this.period = period;
    this.sums = new DirectionalSums(period, seed, options.includeFirstBar === true);
    this.plus = plus;
    this.firstBar = firstBar;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    this.count++;
    const sums = this.sums;
    sums.step(high, low, close);
    if (sums.bars < this.firstBar) return NaN;
    const v = sums.tr > 0 ? (100 * (this.plus ? sums.plus : sums.minus)) / sums.tr : 0;
    this.v = v;
    return this.count > this.warmup ? v : NaN;
  }

  protected clear(): void {
    this.sums.clear();
    this.v = NaN;
  }
}

/** +DI, Wilder's positive directional indicator. */
export class PlusDI extends DirectionalIndicator {
  constructor(options: DirectionalOptions = {}) {
    super('plus_di', true, options);
  }
}

/** −DI, Wilder's negative directional indicator. */
export class MinusDI extends DirectionalIndicator {
  constructor(options: DirectionalOptions = {}) {
    super('minus_di', false, options);
  }
}

/**
 * DX, ADX and ADXR from one set of sums. `mode` selects which the indicator's warm-up and primary
 * value follow; every line is available once that one is ready.
 */
abstract class DirectionalIndex extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close'> {
  readonly period: number;
  private readonly sums: DirectionalSums;
  private readonly mode: 'dx' | 'adx' | 'adxr';
  private readonly history: RollingWindow | undefined;
  private readonly firstBar: number;
  private dxCount = 0;
  private dxSum = 0;
  private dxv = 0;
  private adxv = NaN;
  private adxrv = NaN;
  private pdi = NaN;
  private mdi = NaN;

  protected constructor(name: 'dx' | 'adx' | 'adxr', options: AdxrOptions) {
    const { period, unstable, seed } = periodOf(name, options, 2);
    const firstBar = firstDiBar(period, seed);
    const lag = name === 'adxr' ? intOption(name, 'lag', options.lag, period - 1, 1) : 0;
    // ADX averages `period` DX values; ADXR then looks `lag` ADX values back.
    const extra = name === 'dx' ? 0 : period - 1 + lag;
    super(`${name}(${period})`, firstBar - 1 + extra + unstable, options);
    this.period = period;
    this.sums = new DirectionalSums(period, seed, options.includeFirstBar === true);
    this.mode = name;
    this.history = name === 'adxr' ? new RollingWindow(lag + 1) : undefined;
    this.firstBar = firstBar;
  }

  abstract get value(): number;

  /** +DI line. */
  get plusDI(): number {
    return this.count > this.warmup ? this.pdi : NaN;
  }

  /** −DI line. */
  get minusDI(): number {
    return this.count > this.warmup ? this.mdi : NaN;
  }

  /** DX line. */
  get dx(): number {
    return this.count > this.warmup ? this.dxv : NaN;
  }

  protected get adxValue(): number {
    return this.count > this.warmup ? this.adxv : NaN;
  }

  protected get adxrValue(): number {
    return this.count > this.warmup ? this.adxrv : NaN;
  }

  update(bar: HLCBar): number {
    return this.step(bar.high, bar.low, bar.close);
  }

  step(high: number, low: number, close: number): number {
    this.seen++;
    const s = high + low + close;
    if (s - s !== 0) return this.rejectFields(HLC, high, low, close);
    this.count++;
    const sums = this.sums;
    sums.step(high, low, close);
    const n = this.period;
    if (sums.bars < this.firstBar) return NaN;
    let defined = false;
    if (sums.tr > 0) {
      const p = (100 * sums.plus) / sums.tr;
      const m = (100 * sums.minus) / sums.tr;
      this.pdi = p;
      this.mdi = m;
      const total = p + m;
      if (total !== 0) {
        this.dxv = (100 * Math.abs(p - m)) / total;
        defined = true;
      }
    } else {
      this.pdi = 0;
      this.mdi = 0;
    }
    if (this.mode === 'dx') return this.count > this.warmup ? this.dxv : NaN;
    const k = ++this.dxCount;
    if (k <= n) {
      if (defined) this.dxSum += this.dxv;
      if (k < n) return NaN;
      this.adxv = this.dxSum / n;
    } else if (defined) {
      this.adxv = (this.adxv * (n - 1) + this.dxv) / n;
    }
    if (this.mode === 'adx') return this.count > this.warmup ? this.adxv : NaN;
    const h = this.history!;
    h.push(this.adxv);
    if (!h.full) return NaN;
    this.adxrv = (this.adxv + h.oldest()) / 2;
    return this.count > this.warmup ? this.adxrv : NaN;
  }

  protected clear(): void {
    this.sums.clear();
    this.history?.clear();
    this.dxCount = 0;
    this.dxSum = 0;
    this.dxv = 0;
    this.adxv = NaN;
    this.adxrv = NaN;
    this.pdi = NaN;
    this.mdi = NaN;
  }
}

/** DX, the directional movement index `100 · |+DI − −DI| / (+DI + −DI)`. Lines dx, plusDI, minusDI. */
export class DX extends DirectionalIndex {
  constructor(options: DirectionalOptions = {}) {
    super('dx', options);
  }

  get value(): number {
    return this.dx;
  }
}

/**
 * ADX, Wilder's average directional index. Lines `adx`, `plusDI`, `minusDI`, `dx`.
 * @example
 * const adx = new ADX({ period: 14 });
 * for (const bar of bars) adx.update(bar);
 * if (adx.adx > 25 && adx.plusDI > adx.minusDI) console.log('strong up-trend');
 */
export class ADX extends DirectionalIndex {
  constructor(options: DirectionalOptions = {}) {
    super('adx', options);
  }

  get value(): number {
    return this.adxValue;
  }

  /** ADX line. */
  get adx(): number {
    return this.adxValue;
  }
}

/** ADXR, `(ADX + ADX lag bars ago) / 2` (lag `period − 1` by default). Lines `adxr`, `adx`, `plusDI`, `minusDI`, `dx`. */
export class ADXR extends DirectionalIndex {
  constructor(options: AdxrOptions = {}) {
    super('adxr', options);
  }

  get value(): number {
    return this.adxrValue;
  }

  get adxr(): number {
    return this.adxrValue;
  }

  get adx(): number {
    return this.adxValue;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// One plain loop (./core/kernels.ts) that reproduces the classes of the family bit for bit; the
// class runs instead under the `throw` policy at an invalid input.

type HLCColumns = Pick<OhlcvColumns, 'high' | 'low' | 'close'>;

/** What one member of the family computes, and when its values start. */
interface DirectionalPlan {
  readonly mode: 'plus_dm' | 'minus_dm' | 'plus_di' | 'minus_di' | 'dx' | 'adx' | 'adxr';
  readonly period: number;
  /** Movements summed plainly before Wilder smoothing (DirectionalSums' `plain`). */
  readonly plain: number;
  readonly trFromFirstBar: boolean;
  readonly firstBar: number;
  readonly warmup: number;
  readonly lag: number;
}

function plan(mode: DirectionalPlan['mode'], options: AdxrOptions, warmup: number, period: number): DirectionalPlan {
  const seed = options.seed ?? 'talib';
  const dm = mode === 'plus_dm' || mode === 'minus_dm';
  const firstBar = dm ? Math.max(2, seed === 'sum' ? period + 1 : period) : mode === 'plus_di' || mode === 'minus_di' ? Math.max(2, firstDiBar(period, seed)) : firstDiBar(period, seed);
  return { mode, period, plain: seed === 'sum' ? period : period - 1, trFromFirstBar: options.includeFirstBar === true, firstBar, warmup, lag: options.lag ?? period - 1 };
}

/**
 * The family over `[from, to)`. `main` gets the member's own value; the optional lines get what the
 * class's getters return after each step (NaN until the member is ready).
 */
function directionalInto(c: HLCColumns, from: number, to: number, p: DirectionalPlan, main: Float64Array, lines: { plusDI?: Float64Array; minusDI?: Float64Array; dx?: Float64Array; adx?: Float64Array }): void {
  const { high, low } = c;
  // ±DM read the low as the "close": they never use the true range.
  const close = p.mode === 'plus_dm' || p.mode === 'minus_dm' ? low : c.close;
  const n = p.period;
  const plain = p.plain;
  const mode = p.mode;
  const ready = from + p.warmup;
  const firstBar = p.firstBar;
  const history = new Float64Array(p.lag + 1);
  let hPos = 0;
  let hFilled = 0;
  let ph = 0;
  let pl = 0;
  let pc = 0;
  let sp = 0;
  let sm = 0;
  let str = 0;
  let dxCount = 0;
  let dxSum = 0;
  let dxv = 0;
  let adxv = NaN;
  let pdi = NaN;
  let mdi = NaN;
  const { plusDI, minusDI, dx, adx } = lines;
  for (let i = from; i < to; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const k = i - from + 1;
    if (k > 1) {
      const up = h - ph;
      const down = pl - l;
      const plus = up > 0 && up > down ? up : 0;
      const minus = down > 0 && down > up ? down : 0;
      if (k - 1 <= plain) {
        sp += plus;
        sm += minus;
      } else {
        sp += plus - sp / n;
        sm += minus - sm / n;
      }
      let tr = h - l;
      const a = h > pc ? h - pc : pc - h;
      const b = l > pc ? l - pc : pc - l;
      if (a > tr) tr = a;
      if (b > tr) tr = b;
      if ((p.trFromFirstBar ? k : k - 1) <= plain) str += tr;
      else str += tr - str / n;
    } else if (p.trFromFirstBar) {
      const tr = h - l;
      if (1 <= plain) str += tr;
      else str += tr - str / n;
    }
    ph = h;
    pl = l;
    pc = close[i]!;
    const on = i >= ready;
    let value = NaN;
    if (k >= firstBar) {
      if (mode === 'plus_dm' || mode === 'minus_dm') {
        value = mode === 'plus_dm' ? sp : sm;
      } else if (mode === 'plus_di' || mode === 'minus_di') {
        value = str > 0 ? (100 * (mode === 'plus_di' ? sp : sm)) / str : 0;
      } else {
        let defined = false;
        if (str > 0) {
          const pd = (100 * sp) / str;
          const md = (100 * sm) / str;
          pdi = pd;
          mdi = md;
          const total = pd + md;
          if (total !== 0) {
            dxv = (100 * Math.abs(pd - md)) / total;
            defined = true;
          }
        } else {
          pdi = 0;
          mdi = 0;
        }
        if (mode === 'dx') {
          value = dxv;
        } else {
          const kk = ++dxCount;
          let counted = true;
          if (kk <= n) {
            if (defined) dxSum += dxv;
            if (kk < n) counted = false;
            else adxv = dxSum / n;
          } else if (defined) {
            adxv = (adxv * (n - 1) + dxv) / n;
          }
          if (mode === 'adx') value = counted ? adxv : NaN;
          else if (counted) {
            // A window of `lag + 1` ADX values: once full, the oldest is the ADX `lag` bars back.
            history[hPos] = adxv;
            hPos = hPos + 1 === history.length ? 0 : hPos + 1;
            if (hFilled < history.length) hFilled++;
            value = hFilled === history.length ? (adxv + history[hPos]!) / 2 : NaN;
          }
        }
      }
    }
    main[i] = on ? value : NaN;
    if (plusDI) plusDI[i] = on ? pdi : NaN;
    if (minusDI) minusDI[i] = on ? mdi : NaN;
    if (dx) dx[i] = on ? dxv : NaN;
    if (adx) adx[i] = on ? adxv : NaN;
  }
}

function familyBatch(c: HLCColumns, options: AdxrOptions | undefined, p: DirectionalPlan, main: Float64Array, lines: { plusDI?: Float64Array; minusDI?: Float64Array; dx?: Float64Array; adx?: Float64Array }, hl: boolean): boolean {
  const outs = [main, ...Object.values(lines)];
  const end = hl ? (f: number) => validEnd2(c.high, c.low, f) : (f: number) => validEnd3(c.high, c.low, c.close, f);
  return runSegments(c.high.length, isStrict(options), end, (a, b) => (directionalInto(c, a, b, p, main, lines), true), outs);
}

/** Batch +DM. */
export function plusDM(c: Pick<OhlcvColumns, 'high' | 'low'>, options: DirectionalOptions = {}): Float64Array {
  const ind = new PlusDM(options);
  const out = new Float64Array(c.high.length);
  if (!familyBatch({ ...c, close: c.low }, options, plan('plus_dm', options, ind.warmup, ind.period), out, {}, true)) {
    for (let i = 0; i < out.length; i++) out[i] = ind.step(c.high[i]!, c.low[i]!);
  }
  return out;
}

/** Batch −DM. */
export function minusDM(c: Pick<OhlcvColumns, 'high' | 'low'>, options: DirectionalOptions = {}): Float64Array {
  const ind = new MinusDM(options);
  const out = new Float64Array(c.high.length);
  if (!familyBatch({ ...c, close: c.low }, options, plan('minus_dm', options, ind.warmup, ind.period), out, {}, true)) {
    for (let i = 0; i < out.length; i++) out[i] = ind.step(c.high[i]!, c.low[i]!);
  }
  return out;
}

/** Batch +DI. */
export function plusDI(c: HLCColumns, options: DirectionalOptions = {}): Float64Array {
  const ind = new PlusDI(options);
  const out = new Float64Array(c.close.length);
  if (!familyBatch(c, options, plan('plus_di', options, ind.warmup, ind.period), out, {}, false)) {
    for (let i = 0; i < out.length; i++) out[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
  }
  return out;
}

/** Batch −DI. */
export function minusDI(c: HLCColumns, options: DirectionalOptions = {}): Float64Array {
  const ind = new MinusDI(options);
  const out = new Float64Array(c.close.length);
  if (!familyBatch(c, options, plan('minus_di', options, ind.warmup, ind.period), out, {}, false)) {
    for (let i = 0; i < out.length; i++) out[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
  }
  return out;
}

export interface DirectionalLines {
  readonly plusDI: Float64Array;
  readonly minusDI: Float64Array;
  readonly dx: Float64Array;
}

/** Batch DX (with its DI lines). */
export function dx(c: HLCColumns, options: DirectionalOptions = {}): DirectionalLines {
  const ind = new DX(options);
  const n = c.close.length;
  const out = { dx: new Float64Array(n), plusDI: new Float64Array(n), minusDI: new Float64Array(n) };
  if (!familyBatch(c, options, plan('dx', options, ind.warmup, ind.period), out.dx, { plusDI: out.plusDI, minusDI: out.minusDI }, false)) {
    for (let i = 0; i < n; i++) {
      out.dx[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
      out.plusDI[i] = ind.plusDI;
      out.minusDI[i] = ind.minusDI;
    }
  }
  return out;
}

/** Batch ADX (with its DI and DX lines). */
export function adx(c: HLCColumns, options: DirectionalOptions = {}): DirectionalLines & { readonly adx: Float64Array } {
  const ind = new ADX(options);
  const n = c.close.length;
  const out = { adx: new Float64Array(n), plusDI: new Float64Array(n), minusDI: new Float64Array(n), dx: new Float64Array(n) };
  if (!familyBatch(c, options, plan('adx', options, ind.warmup, ind.period), out.adx, { plusDI: out.plusDI, minusDI: out.minusDI, dx: out.dx }, false)) {
    for (let i = 0; i < n; i++) {
      out.adx[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
      out.plusDI[i] = ind.plusDI;
      out.minusDI[i] = ind.minusDI;
      out.dx[i] = ind.dx;
    }
  }
  return out;
}

/** Batch ADXR (with its ADX, DI and DX lines). */
export function adxr(c: HLCColumns, options: AdxrOptions = {}): DirectionalLines & { readonly adxr: Float64Array; readonly adx: Float64Array } {
  const ind = new ADXR(options);
  const n = c.close.length;
  const out = { adxr: new Float64Array(n), adx: new Float64Array(n), plusDI: new Float64Array(n), minusDI: new Float64Array(n), dx: new Float64Array(n) };
  if (!familyBatch(c, options, plan('adxr', options, ind.warmup, ind.period), out.adxr, { adx: out.adx, plusDI: out.plusDI, minusDI: out.minusDI, dx: out.dx }, false)) {
    for (let i = 0; i < n; i++) {
      out.adxr[i] = ind.step(c.high[i]!, c.low[i]!, c.close[i]!);
      out.adx[i] = ind.adx;
      out.plusDI[i] = ind.plusDI;
      out.minusDI[i] = ind.minusDI;
      out.dx[i] = ind.dx;
    }
  }
  return out;
}
