/**
 * Volume indicators: OBV, Accumulation/Distribution line, Chaikin A/D oscillator, Money Flow Index,
 * Chaikin Money Flow, VWAP (session-anchored and rolling), VWMA, Force Index, Ease of Movement.
 */
import type { OhlcvColumns } from '../model/bar.js';
import { CV, HLCV, IndicatorBase } from './core/base.js';
import { enumOption, intOption, numOption, requireFasterThan } from './core/options.js';
import { ANCHORS, sessionKey, type Anchor } from './core/sessions.js';
import type { BarIndicator, BarInput, CommonOptions, PeriodOptions } from './core/types.js';
import { borrowScratch, emaInto, fillNaN, isStrict, releaseScratch, rollingSumInto, runSegments, smaInto, validEnd2, validEnd3, validEnd4 } from './core/kernels.js';
import { RollingSum } from './core/windows.js';
import { EMA, EMA_SEEDS, SMA, type EmaSeed } from './moving-averages.js';
import { PRICE_SOURCES, type PriceSource } from './price.js';

type CVBar = Pick<BarInput, 'close' | 'volume'>;
type HLCVBar = Pick<BarInput, 'high' | 'low' | 'close' | 'volume'>;

/** Close location value, `((c − l) − (h − c)) / (h − l)`, 0 on a bar without range. */
function clv(high: number, low: number, close: number): number {
  const range = high - low;
  return range > 0 ? (close - low - (high - close)) / range : 0;
}

export interface ObvOptions extends CommonOptions {
  /** `volume` (TA-Lib, talipp): the line starts at the first bar's volume; `zero`: it starts at 0. */
  readonly start?: 'volume' | 'zero';
}

/** On-balance volume: adds the volume on up-closes, subtracts it on down-closes. */
export class OBV extends IndicatorBase implements BarIndicator<'close' | 'volume'> {
  /** True when the line starts at 0 rather than at the first volume. */
  readonly fromZero: boolean;
  private pc = 0;
  private obv = 0;

  constructor(options: ObvOptions = {}) {
    super('obv', 0, options);
    this.fromZero = enumOption('obv', 'start', options.start, 'volume', ['volume', 'zero']) === 'zero';
  }

  get value(): number {
    return this.count > 0 ? this.obv : NaN;
  }

  update(bar: CVBar): number {
    return this.step(bar.close, bar.volume);
  }

  step(close: number, volume: number): number {
    this.seen++;
    const s = close + volume;
    if (s - s !== 0) return this.rejectFields(CV, close, volume);
    if (++this.count === 1) this.obv = this.fromZero ? 0 : volume;
    else if (close > this.pc) this.obv += volume;
    else if (close < this.pc) this.obv -= volume;
    this.pc = close;
    return this.obv;
  }

  protected clear(): void {
    this.pc = 0;
    this.obv = 0;
  }
}

/** Accumulation/Distribution line (Chaikin): the running sum of `clv · volume`. */
export class AD extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close' | 'volume'> {
  private ad = 0;

  constructor(options: CommonOptions = {}) {
    super('ad', 0, options);
  }

  get value(): number {
    return this.count > 0 ? this.ad : NaN;
  }

  update(bar: HLCVBar): number {
    return this.step(bar.high, bar.low, bar.close, bar.volume);
  }

  step(high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const s = high + low + close + volume;
    if (s - s !== 0) return this.rejectFields(HLCV, high, low, close, volume);
    this.count++;
    return (this.ad += clv(high, low, close) * volume);
  }

  protected clear(): void {
    this.ad = 0;
  }
}

export interface AdoscOptions extends CommonOptions {
  readonly fastPeriod?: number;
  readonly slowPeriod?: number;
  /** EMA seeding; default `first` (TA-Lib seeds both EMAs with the first A/D value). */
  readonly seed?: EmaSeed;
}

/** Chaikin A/D oscillator: `EMA(AD, fast) − EMA(AD, slow)`. */
export class ADOSC extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close' | 'volume'> {
  private readonly fast: EMA;
  private readonly slow: EMA;
  /** Settings of its two EMAs (read by the batch kernel). */
  readonly layout: { readonly fast: EMA; readonly slow: EMA };
  private ad = 0;
  private v = NaN;

  constructor(options: AdoscOptions = {}) {
    const fastPeriod = intOption('adosc', 'fastPeriod', options.fastPeriod, 3, 1);
    const slowPeriod = intOption('adosc', 'slowPeriod', options.slowPeriod, 10, 1);
    requireFasterThan('adosc', 'fastPeriod', fastPeriod, 'slowPeriod', slowPeriod);
    const seed = enumOption('adosc', 'seed', options.seed, 'first', EMA_SEEDS);
    const fast = new EMA({ period: fastPeriod, seed });
    const slow = new EMA({ period: slowPeriod, seed });
    super(`adosc(${fastPeriod},${slowPeriod})`, slow.warmup, options);
    this.fast = fast;
    this.slow = slow;
    // Separate EMAs: the kernel reads their settings only, never their state.
    this.layout = { fast: new EMA({ period: fastPeriod, seed }), slow: new EMA({ period: slowPeriod, seed }) };
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCVBar): number {
    return this.step(bar.high, bar.low, bar.close, bar.volume);
  }

  step(high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const s = high + low + close + volume;
    if (s - s !== 0) return this.rejectFields(HLCV, high, low, close, volume);
    this.count++;
    const ad = (this.ad += clv(high, low, close) * volume);
    const f = this.fast.update(ad);
    const sl = this.slow.update(ad);
    if (sl !== sl) return NaN;
    return (this.v = f - sl);
  }

  protected clear(): void {
    this.fast.reset();
    this.slow.reset();
    this.ad = 0;
    this.v = NaN;
  }
}

/**
 * Money Flow Index: an RSI of typical price weighted by volume. A window without money flow gives 0
 * (TA-Lib returns 0 below a total flow of 1.0, a unit-dependent threshold Arbiter does not copy).
 */
export class MFI extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close' | 'volume'> {
  readonly period: number;
  private readonly pos: RollingSum;
  private readonly neg: RollingSum;
  private ptp = 0;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('mfi', 'period', options.period, 14, 1);
    super(`mfi(${period})`, period, options);
    this.period = period;
    this.pos = new RollingSum(period);
    this.neg = new RollingSum(period);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCVBar): number {
    return this.step(bar.high, bar.low, bar.close, bar.volume);
  }

  step(high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const s = high + low + close + volume;
    if (s - s !== 0) return this.rejectFields(HLCV, high, low, close, volume);
    const c = ++this.count;
    const tp = (high + low + close) / 3;
    const ptp = this.ptp;
    this.ptp = tp;
    if (c === 1) return NaN;
    const flow = tp * volume;
    this.pos.push(tp > ptp ? flow : 0);
    this.neg.push(tp < ptp ? flow : 0);
    if (!this.pos.full) return NaN;
    const p = this.pos.sum;
    const total = p + this.neg.sum;
    return (this.v = total > 0 ? (100 * p) / total : 0);
  }

  protected clear(): void {
    this.pos.clear();
    this.neg.clear();
    this.ptp = 0;
    this.v = NaN;
  }
}

/** Chaikin Money Flow: `Σ(clv · volume) / Σ volume` over `period` bars (0 without volume). */
export class CMF extends IndicatorBase implements BarIndicator<'high' | 'low' | 'close' | 'volume'> {
  readonly period: number;
  private readonly flow: RollingSum;
  private readonly vol: RollingSum;
  private v = NaN;

  constructor(options: PeriodOptions = {}) {
    const period = intOption('cmf', 'period', options.period, 20, 1);
    super(`cmf(${period})`, period - 1, options);
    this.period = period;
    this.flow = new RollingSum(period);
    this.vol = new RollingSum(period);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: HLCVBar): number {
    return this.step(bar.high, bar.low, bar.close, bar.volume);
  }

  step(high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const s = high + low + close + volume;
    if (s - s !== 0) return this.rejectFields(HLCV, high, low, close, volume);
    this.count++;
    this.flow.push(clv(high, low, close) * volume);
    this.vol.push(volume);
    if (!this.vol.full) return NaN;
    const v = this.vol.sum;
    return (this.v = v > 0 ? this.flow.sum / v : 0);
  }

  protected clear(): void {
    this.flow.clear();
    this.vol.clear();
    this.v = NaN;
  }
}

function sourceOf(source: PriceSource, high: number, low: number, close: number, open: number): number {
  switch (source) {
    case 'hlc3':
      return (high + low + close) / 3;
    case 'close':
      return close;
    case 'hl2':
      return (high + low) / 2;
    case 'ohlc4':
      return (open + high + low + close) / 4;
    case 'hlcc4':
      return (high + low + 2 * close) / 4;
    case 'open':
      return open;
    case 'high':
      return high;
    case 'low':
      return low;
    case 'volume':
      return NaN;
  }
}

const VWAP_SOURCES = PRICE_SOURCES.filter((s) => s !== 'volume');
const OHLCV = ['open', 'high', 'low', 'close', 'volume'] as const;

export interface VwapOptions extends CommonOptions {
  /** Session the cumulative sums restart on, in UTC (default `day`); `bar` restarts every bar. */
  readonly anchor?: Anchor;
  /** Price weighted by volume (default `hlc3`, the typical price). */
  readonly source?: PriceSource;
}

/**
 * Session-anchored VWAP: `Σ price·volume / Σ volume` since the start of the bar's UTC session. A
 * session without volume so far gives the mean price of its bars.
 * @example
 * const vwap = new VWAP({ anchor: 'day' });
 * vwap.update(bar); // bar.time decides the session
 */
export class VWAP extends IndicatorBase implements BarIndicator {
  readonly anchor: Anchor;
  readonly source: PriceSource;
  private session = NaN;
  private pv = 0;
  private vol = 0;
  private ps = 0;
  private n = 0;
  private v = NaN;

  constructor(options: VwapOptions = {}) {
    const anchor = enumOption('vwap', 'anchor', options.anchor, 'day', ANCHORS);
    const source = enumOption('vwap', 'source', options.source, 'hlc3', VWAP_SOURCES);
    super(`vwap(${anchor})`, 0, options);
    this.anchor = anchor;
    this.source = source;
  }

  get value(): number {
    return this.count > 0 ? this.v : NaN;
  }

  update(bar: BarInput): number {
    return this.step(bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }

  step(time: number, open: number, high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const p = sourceOf(this.source, high, low, close, open);
    const s = p + volume + time;
    if (s - s !== 0) return this.rejectFields(['time', ...OHLCV], time, open, high, low, close, volume);
    this.count++;
    const key = sessionKey(this.anchor, time);
    if (key !== this.session) {
      this.session = key;
      this.pv = 0;
      this.vol = 0;
      this.ps = 0;
      this.n = 0;
    }
    this.pv += p * volume;
    this.vol += volume;
    this.ps += p;
    this.n++;
    return (this.v = this.vol > 0 ? this.pv / this.vol : this.ps / this.n);
  }

  protected clear(): void {
    this.session = NaN;
    this.pv = 0;
    this.vol = 0;
    this.ps = 0;
    this.n = 0;
    this.v = NaN;
  }
}

export interface VwmaOptions extends PeriodOptions {
  /** Price weighted by volume (default `close`; the rolling VWAP uses `hlc3`). */
  readonly source?: PriceSource;
}

/**
 * Volume-weighted moving average over `period` bars: `Σ price·volume / Σ volume` (the plain mean of
 * the prices when the window has no volume). With `source: 'hlc3'` this is a rolling VWAP.
 */
export class VWMA extends IndicatorBase implements BarIndicator<'open' | 'high' | 'low' | 'close' | 'volume'> {
  readonly period: number;
  readonly source: PriceSource;
  private readonly pv: RollingSum;
  private readonly vol: RollingSum;
  private readonly price: RollingSum;
  private v = NaN;

  constructor(options: VwmaOptions = {}, name = 'vwma') {
    const period = intOption(name, 'period', options.period, 20, 1);
    const source = enumOption(name, 'source', options.source, name === 'vwma' ? 'close' : 'hlc3', VWAP_SOURCES);
    super(`${name}(${period})`, period - 1, options);
    this.period = period;
    this.source = source;
    this.pv = new RollingSum(period);
    this.vol = new RollingSum(period);
    this.price = new RollingSum(period);
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: Pick<BarInput, 'open' | 'high' | 'low' | 'close' | 'volume'>): number {
    return this.step(bar.open, bar.high, bar.low, bar.close, bar.volume);
  }

  step(open: number, high: number, low: number, close: number, volume: number): number {
    this.seen++;
    const p = sourceOf(this.source, high, low, close, open);
    const s = p + volume;
    if (s - s !== 0) return this.rejectFields(OHLCV, open, high, low, close, volume);
    this.count++;
    this.pv.push(p * volume);
    this.vol.push(volume);
    this.price.push(p);
    if (!this.vol.full) return NaN;
    const v = this.vol.sum;
    return (this.v = v > 0 ? this.pv.sum / v : this.price.sum / this.period);
  }

  protected clear(): void {
    this.pv.clear();
    this.vol.clear();
    this.price.clear();
    this.v = NaN;
  }
}

/** Rolling VWAP over `period` bars: a {@link VWMA} of the typical price by default. */
export class RollingVWAP extends VWMA {
  constructor(options: VwmaOptions = {}) {
    super(options, 'vwap_rolling');
  }
}

export interface ForceIndexOptions extends PeriodOptions {
  readonly seed?: EmaSeed;
}

/** Elder's Force Index: `EMA((close − prevClose) · volume, period)`; period 1 is the raw force. */
export class ForceIndex extends IndicatorBase implements BarIndicator<'close' | 'volume'> {
  readonly period: number;
  private readonly ema: EMA;
  /** The EMA's settings (read by the batch kernel). */
  readonly layout: { readonly ema: EMA };
  private pc = 0;
  private v = NaN;

  constructor(options: ForceIndexOptions = {}) {
    const period = intOption('force_index', 'period', options.period, 13, 1);
    const ema = new EMA({ period, seed: enumOption('force_index', 'seed', options.seed, 'sma', EMA_SEEDS) });
    super(`force_index(${period})`, 1 + ema.warmup, options);
    this.period = period;
    this.ema = ema;
    this.layout = { ema: new EMA({ period, seed: enumOption('force_index', 'seed', options.seed, 'sma', EMA_SEEDS) }) };
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: CVBar): number {
    return this.step(bar.close, bar.volume);
  }

  step(close: number, volume: number): number {
    this.seen++;
    const s = close + volume;
    if (s - s !== 0) return this.rejectFields(CV, close, volume);
    const c = ++this.count;
    const pc = this.pc;
    this.pc = close;
    if (c === 1) return NaN;
    const f = this.ema.update((close - pc) * volume);
    if (f !== f) return NaN;
    return (this.v = f);
  }

  protected clear(): void {
    this.ema.reset();
    this.pc = 0;
    this.v = NaN;
  }
}

export interface EmvOptions extends PeriodOptions {
  /** Volume scale of the box ratio (default 100,000,000, as StockCharts). */
  readonly volumeDivisor?: number;
}

/**
 * Ease of Movement (Arms): `SMA(((h + l)/2 − (ph + pl)/2) / ((volume / divisor) / (h − l)), period)`.
 * A bar without range or volume contributes 0. `period: 1` gives the raw one-bar EMV.
 */
export class EMV extends IndicatorBase implements BarIndicator<'high' | 'low' | 'volume'> {
  readonly period: number;
  private readonly sma: SMA;
  readonly divisor: number;
  private pmid = 0;
  private v = NaN;

  constructor(options: EmvOptions = {}) {
    const period = intOption('emv', 'period', options.period, 14, 1);
    const divisor = numOption('emv', 'volumeDivisor', options.volumeDivisor, 100_000_000, Number.MIN_VALUE);
    super(`emv(${period})`, period, options);
    this.period = period;
    this.sma = new SMA({ period });
    this.divisor = divisor;
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: Pick<BarInput, 'high' | 'low' | 'volume'>): number {
    return this.step(bar.high, bar.low, bar.volume);
  }

  step(high: number, low: number, volume: number): number {
    this.seen++;
    const s = high + low + volume;
    if (s - s !== 0) return this.rejectFields(['high', 'low', 'volume'], high, low, volume);
    const c = ++this.count;
    const mid = (high + low) / 2;
    const pmid = this.pmid;
    this.pmid = mid;
    if (c === 1) return NaN;
    const range = high - low;
    const raw = range > 0 && volume > 0 ? ((mid - pmid) * range * this.divisor) / volume : 0;
    const r = this.sma.update(raw);
    if (r !== r) return NaN;
    return (this.v = r);
  }

  protected clear(): void {
    this.sma.reset();
    this.pmid = 0;
    this.v = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// Plain-loop kernels (./core/kernels.ts) that reproduce the classes bit for bit; the class runs
// instead under the `throw` policy at an invalid input.

type HLCVColumns = Pick<OhlcvColumns, 'high' | 'low' | 'close' | 'volume'>;

/** The EMA recursion of an `EMA` instance over `src[from..to)` (its alpha, seed and warm-up). */
function emaOf(e: EMA, src: Float64Array, from: number, to: number, out: Float64Array, seed: EmaSeed): void {
  emaInto(src, from, to, e.alpha, seed === 'sma' ? e.period : 1, e.warmup, out);
}

/** Batch OBV. */
export function obv(c: Pick<OhlcvColumns, 'close' | 'volume'>, options?: ObvOptions): Float64Array {
  const ind = new OBV(options);
  const n = c.close.length;
  const out = new Float64Array(n);
  const { close, volume } = c;
  const kernel = (from: number, to: number): boolean => (obvInto(c, from, to, ind.fromZero, out), true);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(close, volume, f), kernel, [out])) {
    for (let i = 0; i < n; i++) out[i] = ind.step(close[i]!, volume[i]!);
  }
  return out;
}

/** `ad[i]` = the A/D line over `[from, i]`. */
function adInto(c: HLCVColumns, from: number, to: number, out: Float64Array): void {
  const { high, low, close, volume } = c;
  let ad = 0;
  for (let i = from; i < to; i++) out[i] = ad += clv(high[i]!, low[i]!, close[i]!) * volume[i]!;
}

function batchHLCV(c: HLCVColumns, options: CommonOptions | undefined, kernel: (from: number, to: number, out: Float64Array) => boolean, cls: () => { step(h: number, l: number, c: number, v: number): number }): Float64Array {
  const n = c.close.length;
  const out = new Float64Array(n);
  const { high, low, close, volume } = c;
  if (!runSegments(n, isStrict(options), (f) => validEnd4(high, low, close, volume, f), (a, b) => kernel(a, b, out), [out])) {
    const ind = cls();
    for (let i = 0; i < n; i++) out[i] = ind.step(high[i]!, low[i]!, close[i]!, volume[i]!);
  }
  return out;
}

/** Batch A/D line. */
export function ad(c: HLCVColumns, options?: CommonOptions): Float64Array {
  new AD(options);
  return batchHLCV(c, options, (from, to, out) => (adInto(c, from, to, out), true), () => new AD(options));
}

/** Batch Chaikin A/D oscillator. */
export function adosc(c: HLCVColumns, options: AdoscOptions = {}): Float64Array {
  const ind = new ADOSC(options);
  const seed = options.seed ?? 'first';
  const { fast, slow } = ind.layout;
  return batchHLCV(c, options, (from, to, out) => (adoscInto(c, from, to, fast, slow, seed, ind.warmup, out), true), () => new ADOSC(options));
}

/** Batch MFI. */
export function mfi(c: HLCVColumns, options?: PeriodOptions): Float64Array {
  const ind = new MFI(options);
  const p = ind.period;
  return batchHLCV(c, options, (from, to, out) => (mfiInto(c, from, to, p, out), true), () => new MFI(options));
}

/** Batch CMF. */
export function cmf(c: HLCVColumns, options?: PeriodOptions): Float64Array {
  const ind = new CMF(options);
  const p = ind.period;
  return batchHLCV(c, options, (from, to, out) => (cmfInto(c, from, to, p, out), true), () => new CMF(options));
}

/** The `source` price of every bar, as `sourceOf` computes it per bar. */
function priceColumn(source: PriceSource, c: Omit<OhlcvColumns, 'time'>): Float64Array {
  const { open, high, low, close } = c;
  const n = close.length;
  const out = borrowScratch(n);
  switch (source) {
    case 'hlc3':
      for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + close[i]!) / 3;
      break;
    case 'hl2':
      for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]!) / 2;
      break;
    case 'ohlc4':
      for (let i = 0; i < n; i++) out[i] = (open[i]! + high[i]! + low[i]! + close[i]!) / 4;
      break;
    case 'hlcc4':
      for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + 2 * close[i]!) / 4;
      break;
    default: {
      const col = source === 'close' ? close : source === 'open' ? open : source === 'high' ? high : source === 'low' ? low : undefined;
      for (let i = 0; i < n; i++) out[i] = col ? col[i]! : NaN;
    }
  }
  return out;
}

/** Batch session VWAP. */
export function vwap(c: OhlcvColumns, options?: VwapOptions): Float64Array {
  const ind = new VWAP(options);
  const n = c.close.length;
  const out = new Float64Array(n);
  const { time, volume } = c;
  const price = priceColumn(ind.source, c);
  const anchor = ind.anchor;
  const kernel = (from: number, to: number): boolean => (vwapInto(price, volume, time, anchor, from, to, out), true);
  try {
    if (!runSegments(n, isStrict(options), (f) => validEnd3(price, volume, time, f), kernel, [out])) {
      for (let i = 0; i < n; i++) out[i] = ind.step(c.time[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
    }
  } finally {
    releaseScratch(price);
  }
  return out;
}

function vwmaBatch(c: Omit<OhlcvColumns, 'time'>, options: VwmaOptions | undefined, ind: VWMA): Float64Array {
  const n = c.close.length;
  const out = new Float64Array(n);
  const p = ind.period;
  const volume = c.volume;
  const price = priceColumn(ind.source, c);
  const kernel = (from: number, to: number): boolean => (vwmaInto(price, volume, p, from, to, out), true);
  try {
    if (!runSegments(n, isStrict(options), (f) => validEnd2(price, volume, f), kernel, [out])) {
      for (let i = 0; i < n; i++) out[i] = ind.step(c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
    }
  } finally {
    releaseScratch(price);
  }
  return out;
}

/** Batch VWMA. */
export function vwma(c: Omit<OhlcvColumns, 'time'>, options?: VwmaOptions): Float64Array {
  return vwmaBatch(c, options, new VWMA(options));
}

/** Batch rolling VWAP. */
export function vwapRolling(c: Omit<OhlcvColumns, 'time'>, options?: VwmaOptions): Float64Array {
  return vwmaBatch(c, options, new RollingVWAP(options));
}

/** Batch Force Index. */
export function forceIndex(c: Pick<OhlcvColumns, 'close' | 'volume'>, options: ForceIndexOptions = {}): Float64Array {
  const ind = new ForceIndex(options);
  const seed = options.seed ?? 'sma';
  const n = c.close.length;
  const out = new Float64Array(n);
  const { close, volume } = c;
  const kernel = (from: number, to: number): boolean => (forceIndexInto(c, from, to, ind.layout.ema, seed, out), true);
  if (!runSegments(n, isStrict(options), (f) => validEnd2(close, volume, f), kernel, [out])) {
    for (let i = 0; i < n; i++) out[i] = ind.step(close[i]!, volume[i]!);
  }
  return out;
}

/** Batch Ease of Movement. */
export function emv(c: Pick<OhlcvColumns, 'high' | 'low' | 'volume'>, options?: EmvOptions): Float64Array {
  const ind = new EMV(options);
  const n = c.high.length;
  const out = new Float64Array(n);
  const { high, low, volume } = c;
  const divisor = ind.divisor;
  const kernel = (from: number, to: number): boolean => (emvInto(c, from, to, ind.period, divisor, out), true);
  if (!runSegments(n, isStrict(options), (f) => validEnd3(high, low, volume, f), kernel, [out])) {
    for (let i = 0; i < n; i++) out[i] = ind.step(high[i]!, low[i]!, volume[i]!);
  }
  return out;
}

// The loops live in module-level functions, not in the closures handed to `runSegments`: a
// closure is created per call, and V8 keeps a closure's optimised code only weakly, so after the
// garbage collections between two calls its loop would start again in the interpreter.

/** OBV over `[from, to)`. */
function obvInto(c: Pick<OhlcvColumns, 'close' | 'volume'>, from: number, to: number, fromZero: boolean, out: Float64Array): void {
  const { close, volume } = c;
  let obvValue = fromZero ? 0 : volume[from]!;
  out[from] = obvValue;
  for (let i = from + 1; i < to; i++) {
    const cl = close[i]!;
    const pc = close[i - 1]!;
    if (cl > pc) obvValue += volume[i]!;
    else if (cl < pc) obvValue -= volume[i]!;
    out[i] = obvValue;
  }
}

/** The Chaikin A/D oscillator over `[from, to)`. */
function adoscInto(c: HLCVColumns, from: number, to: number, fast: EMA, slow: EMA, seed: EmaSeed, warmup: number, out: Float64Array): void {
  const line = borrowScratch(out.length);
  const f = borrowScratch(out.length);
  adInto(c, from, to, line);
  emaOf(fast, line, from, to, f, seed);
  emaOf(slow, line, from, to, out, seed);
  const ready = Math.min(to, from + warmup);
  for (let i = ready; i < to; i++) out[i] = f[i]! - out[i]!;
  releaseScratch(line, f);
}

/** MFI over `[from, to)`. */
function mfiInto(c: HLCVColumns, from: number, to: number, p: number, out: Float64Array): void {
  const len = out.length;
  const pos = borrowScratch(len);
  const neg = borrowScratch(len);
  const ps = borrowScratch(len);
  const ns = borrowScratch(len);
  const { high, low, close, volume } = c;
  let ptp = (high[from]! + low[from]! + close[from]!) / 3;
  for (let i = from + 1; i < to; i++) {
    const tp = (high[i]! + low[i]! + close[i]!) / 3;
    const flow = tp * volume[i]!;
    pos[i] = tp > ptp ? flow : 0;
    neg[i] = tp < ptp ? flow : 0;
    ptp = tp;
  }
  rollingSumInto(pos, from + 1, to, p, ps);
  rollingSumInto(neg, from + 1, to, p, ns);
  const ready = Math.min(to, from + p);
  fillNaN(out, from, ready);
  for (let i = ready; i < to; i++) {
    const sp = ps[i]!;
    const total = sp + ns[i]!;
    out[i] = total > 0 ? (100 * sp) / total : 0;
  }
  releaseScratch(pos, neg, ps, ns);
}

/** CMF over `[from, to)`. */
function cmfInto(c: HLCVColumns, from: number, to: number, p: number, out: Float64Array): void {
  const len = out.length;
  const flow = borrowScratch(len);
  const fs = borrowScratch(len);
  const vs = borrowScratch(len);
  const { high, low, close, volume } = c;
  for (let i = from; i < to; i++) flow[i] = clv(high[i]!, low[i]!, close[i]!) * volume[i]!;
  rollingSumInto(flow, from, to, p, fs);
  rollingSumInto(volume, from, to, p, vs);
  const ready = Math.min(to, from + p - 1);
  fillNaN(out, from, ready);
  for (let i = ready; i < to; i++) {
    const v = vs[i]!;
    out[i] = v > 0 ? fs[i]! / v : 0;
  }
  releaseScratch(flow, fs, vs);
}

/** Session VWAP over `[from, to)`. */
function vwapInto(price: Float64Array, volume: Float64Array, time: Float64Array, anchor: Anchor, from: number, to: number, out: Float64Array): void {
  let session = NaN;
  let pv = 0;
  let vol = 0;
  let ps = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const key = sessionKey(anchor, time[i]!);
    if (key !== session) {
      session = key;
      pv = 0;
      vol = 0;
      ps = 0;
      count = 0;
    }
    const p = price[i]!;
    const v = volume[i]!;
    pv += p * v;
    vol += v;
    ps += p;
    count++;
    out[i] = vol > 0 ? pv / vol : ps / count;
  }
}

/** VWMA / rolling VWAP over `[from, to)`. */
function vwmaInto(price: Float64Array, volume: Float64Array, p: number, from: number, to: number, out: Float64Array): void {
  const n = out.length;
  const pv = borrowScratch(n);
  const pvs = borrowScratch(n);
  const vs = borrowScratch(n);
  const ps = borrowScratch(n);
  for (let i = from; i < to; i++) pv[i] = price[i]! * volume[i]!;
  rollingSumInto(pv, from, to, p, pvs);
  rollingSumInto(volume, from, to, p, vs);
  rollingSumInto(price, from, to, p, ps);
  const ready = Math.min(to, from + p - 1);
  fillNaN(out, from, ready);
  for (let i = ready; i < to; i++) {
    const v = vs[i]!;
    out[i] = v > 0 ? pvs[i]! / v : ps[i]! / p;
  }
  releaseScratch(pv, pvs, vs, ps);
}

/** Force index over `[from, to)`. */
function forceIndexInto(c: Pick<OhlcvColumns, 'close' | 'volume'>, from: number, to: number, ema: EMA, seed: EmaSeed, out: Float64Array): void {
  const { close, volume } = c;
  const n = out.length;
  const raw = borrowScratch(n);
  for (let i = from + 1; i < to; i++) raw[i] = (close[i]! - close[i - 1]!) * volume[i]!;
  out[from] = NaN;
  if (from + 1 < to) emaOf(ema, raw, from + 1, to, out, seed);
  releaseScratch(raw);
}

/** Ease of movement over `[from, to)`. */
function emvInto(c: Pick<OhlcvColumns, 'high' | 'low' | 'volume'>, from: number, to: number, period: number, divisor: number, out: Float64Array): void {
  const { high, low, volume } = c;
  const n = out.length;
  const raw = borrowScratch(n);
  let pmid = (high[from]! + low[from]!) / 2;
  for (let i = from + 1; i < to; i++) {
    const mid = (high[i]! + low[i]!) / 2;
    const range = high[i]! - low[i]!;
    const v = volume[i]!;
    raw[i] = range > 0 && v > 0 ? ((mid - pmid) * range * divisor) / v : 0;
    pmid = mid;
  }
  out[from] = NaN;
  if (from + 1 < to) smaInto(raw, from + 1, to, period, out);
  releaseScratch(raw);
}
