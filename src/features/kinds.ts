/**
 * Every feature kind in its two forms: `batchFeature` (a column over a table) and `streamFeature`
 * (a reader of the current value, after the context has been stepped with the current bar).
 * The forms agree because they run the same arithmetic: stateful parts are the indicator
 * library's and ./rolling.ts's (whose batch kernels reproduce their classes bit for bit), and the
 * per-bar formulas below are shared functions.
 *
 * The batch forms are written for a million rows and more (see docs/features.md, Speed): a
 * fresh column is checked for infinities while it is written (`finishColumn`), a line no other
 * feature reads is transformed in place (`BatchContext.takeLine`), arrays come from
 * `BatchContext.column` (which reuses arrays nobody needs any more), and loops live in
 * module-level functions, not in per-call closures (V8 drops a closure's optimised code between
 * runs, and its loop then restarts in the interpreter).
 *
 * Definitions are validated before they get here (./schema.ts); what can only be checked against
 * the data (a higher timeframe that is not a multiple of the series') is checked here, keyed by
 * the feature's name.
 */
import { ConfigurationError } from '../core/errors.js';
import { DAY_MS, HOUR_MS, WEEK_MS, timeframeMs } from '../core/time.js';
import { RollingRank, RollingAutocorr, RollingHigherMoment, rollingAutocorr, rollingHigherMoment, rollingRank, rollingSkewKurt } from './rolling.js';
import { SMA, StdDev, Variance, ZScore, sma, stddev, variance, zscore, type BarInput, type IndicatorInstance } from '../indicators/index.js';
import type { BarTable } from '../model/bar.js';
import { HigherTimeframeNode, type BatchContext, type StreamContext, type StreamNode } from './context.js';
import type {
  CandleShape, ChannelFeature, FeatureDefinition, IndicatorFeature, IndicatorRef, IndicatorTransform, MultiTimeframeFeature, NormalizeFeature,
  RatioFeature, TimeUnit, VolatilityEstimator, VolatilityFeature, VolumeFeature,
} from './types.js';

/** Reads a feature's current value in a stream (after `StreamContext.step`). */
export type Reader = () => number;

const FOUR_LN2 = 4 * Math.LN2;
const GK_C = 2 * Math.LN2 - 1;
const TWO_PI = 2 * Math.PI;
/** The epoch (a Thursday) is 3 days after Monday 00:00 UTC, so t + 3 days counts from a Monday. */
const SINCE_MONDAY_MS = 3 * DAY_MS;

// ---- per-bar formulas shared by both forms ------------------------------------------------------

function parkinsonTerm(high: number, low: number): number {
  const hl = Math.log(high / low);
  return hl * hl;
}

function garmanKlassTerm(open: number, high: number, low: number, close: number): number {
  const hl = Math.log(high / low);
  const co = Math.log(close / open);
  return 0.5 * hl * hl - GK_C * co * co;
}

function rogersSatchellTerm(open: number, high: number, low: number, close: number): number {
  return Math.log(high / close) * Math.log(high / open) + Math.log(low / close) * Math.log(low / open);
}

function sqrtNonNegative(v: number): number {
  return v > 0 ? Math.sqrt(v) : v === 0 ? 0 : v - v === 0 ? 0 : NaN;
}

/** Yang–Zhang's weight of the open-to-close variance for a window of n bars. */
export function yangZhangK(n: number): number {
  return 0.34 / (1.34 + (n + 1) / (n - 1));
}

/** Candle shapes by number: the per-bar switch below compares small integers, not strings. */
const CANDLE_SHAPE_CODE: Readonly<Record<CandleShape, number>> = { body: 0, upper_wick: 1, lower_wick: 2, close_location: 3, range: 4, gap: 5 };

/** The candle shape numbered `code` (see {@link CANDLE_SHAPE_CODE}) of a bar, given the previous close. */
function candleShape(code: number, open: number, high: number, low: number, close: number, prevClose: number): number {
  const range = high - low;
  switch (code) {
    case 0:
      return range > 0 ? (close - open) / range : 0;
    case 1:
      return range > 0 ? (high - (open > close ? open : close)) / range : 0;
    case 2:
      return range > 0 ? ((open < close ? open : close) - low) / range : 0;
    case 3:
      return range > 0 ? (close - low) / range : 0.5;
    case 4:
      return range / close;
    default:
      return open / prevClose - 1;
  }
}

/** The batch column of one candle shape. */
function batchCandle(ctx: BatchContext, shape: CandleShape): Float64Array {
  const { open, high, low, close } = ctx.table;
  const code = CANDLE_SHAPE_CODE[shape];
  const out = ctx.column();
  let infinite = false;
  for (let i = 0; i < out.length; i++) {
    const v = (out[i] = candleShape(code, open[i]!, high[i]!, low[i]!, close[i]!, i > 0 ? close[i - 1]! : NaN));
    if (Math.abs(v) === Infinity) infinite = true;
  }
  return finishColumn(ctx, out, infinite);
}

function channel(measure: 'position' | 'width', upper: number, lower: number, close: number): number {
  const width = upper - lower;
  if (measure === 'width') return width / close;
  return width > 0 ? (close - lower) / width : width === 0 ? 0.5 : NaN;
}

function positiveMod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}

/** Month of the year (0–11) of a UTC time, without allocating a Date (Hinnant's civil-from-days). */
export function utcMonth(time: number): number {
  const z = Math.floor(time / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return mp < 10 ? mp + 2 : mp - 10;
}

// The month changes once a day: remember the last day's (bars arrive in order, so this almost always hits).
let monthDay = NaN;
let monthOfDay = 0;

function cachedMonth(time: number): number {
  const day = Math.floor(time / DAY_MS);
  if (day !== monthDay) {
    monthOfDay = utcMonth(time);
    monthDay = day;
  }
  return monthOfDay;
}

/** The position of `time` in the cycle of `unit`, as a fraction in [0, 1). */
export function cyclePhase(unit: TimeUnit, time: number): number {
  switch (unit) {
    case 'minute_of_hour':
      return positiveMod(time, HOUR_MS) / HOUR_MS;
    case 'hour_of_day':
      return positiveMod(time, DAY_MS) / DAY_MS;
    case 'day_of_week':
      return positiveMod(time + SINCE_MONDAY_MS, WEEK_MS) / WEEK_MS;
    case 'month_of_year':
      return cachedMonth(time) / 12;
  }
}

function wave(kind: 'sin' | 'cos', phase: number): number {
  return kind === 'sin' ? Math.sin(TWO_PI * phase) : Math.cos(TWO_PI * phase);
}

/** Most slots a batch time feature memoises (one per bar position in the cycle). */
const MAX_TIME_SLOTS = 1 << 16;

/**
 * The batch time feature: the stream's expression, `wave(cyclePhase(time))`, memoised by position
 * in the cycle. Bars on a regular grid take few positions (1,440 per day for 1m bars; 12 months),
 * and a sine costs ten times a table read over a million bars. Each slot is filled with the same
 * expression the stream evaluates, so the numbers are the same.
 */
function batchTime(ctx: BatchContext, unit: TimeUnit, kind: 'sin' | 'cos'): Float64Array {
  const time = ctx.table.time;
  const out = ctx.column();
  if (unit === 'month_of_year') {
    const byMonth = new Float64Array(12).fill(NaN);
    for (let i = 0; i < out.length; i++) {
      const month = cachedMonth(time[i]!);
      let v = byMonth[month]!;
      if (v !== v) v = byMonth[month] = wave(kind, month / 12);
      out[i] = v;
    }
    return out;
  }
  const cycle = unit === 'minute_of_hour' ? HOUR_MS : unit === 'hour_of_day' ? DAY_MS : WEEK_MS;
  const offset = unit === 'day_of_week' ? SINCE_MONDAY_MS : 0;
  const step = ctx.timeframeMs;
  const slots = cycle % step === 0 && cycle / step <= MAX_TIME_SLOTS ? cycle / step : 0;
  const memo = new Float64Array(slots).fill(NaN);
  let slot = -1;
  let prev = NaN;
  for (let i = 0; i < out.length; i++) {
    const t = time[i]!;
    // The next slot when this bar follows the previous one by one step (integer milliseconds:
    // exact), else the remainder (`%` of large doubles is slow, so only at gaps).
    if (t - prev === step && slot >= 0) slot = slot + 1 === slots ? 0 : slot + 1;
    else {
      const q = positiveMod(t + offset, cycle) / step;
      slot = q < slots && q % 1 === 0 ? q : -1;
    }
    prev = t;
    // Off the grid (or no memo): compute; a value is never NaN for a finite time.
    if (slot < 0) {
      out[i] = wave(kind, cyclePhase(unit, t));
      continue;
    }
    let v = memo[slot]!;
    if (v !== v) v = memo[slot] = wave(kind, cyclePhase(unit, t));
    out[i] = v;
  }
  return out;
}

// ---- stream helpers ----------------------------------------------------------------------------

/** A one-input statistic fed with a reader's value once per bar. */
interface Kernel {
  update(x: number): number;
}

class SeriesNode implements StreamNode {
  value = NaN;
  constructor(
    private readonly source: Reader,
    private readonly kernel: Kernel,
  ) {}

  update(): void {
    this.value = this.kernel.update(this.source());
  }
}

/** A per-bar term that needs the previous bar's close. */
class PrevCloseNode implements StreamNode {
  value = NaN;
  private prev = NaN;
  constructor(private readonly term: (bar: BarInput, prevClose: number) => number) {}

  update(bar: BarInput): void {
    this.value = this.term(bar, this.prev);
    this.prev = bar.close;
  }
}

/**
 * Reads a line straight from the indicator class (one getter, not the registry wrapper's two):
 * the primary line is `value`, the others are getters named after the line.
 */
function lineReader(inst: IndicatorInstance, line: string | undefined): Reader {
  const ind = inst.indicator;
  if (line === undefined || line === inst.definition.lines[0]) return () => ind.value;
  inst.line(line); // validates the name once
  const lines = ind as unknown as Readonly<Record<string, number>>;
  return () => lines[line]!;
}

function streamRef(ctx: StreamContext, ref: IndicatorRef): Reader {
  return lineReader(ctx.indicator(ref.indicator, ref.params), ref.line);
}

/** Log return over `lag` bars, ln(close / close[lag]) = log1p of the simple return (one shared ROCP per lag). */
function streamLogReturn(ctx: StreamContext, lag = 1): Reader {
  const rocp = ctx.indicator('rocp', { period: lag });
  return () => Math.log1p(rocp.value);
}

function batchLogReturn(ctx: BatchContext, lag = 1): Float64Array {
  return ctx.series(`logret${lag}`, () => log1pInto(ctx.line('rocp', { period: lag }, undefined), ctx.column()));
}

// The loops of the batch forms live in module-level functions rather than in the closures that
// call them: a closure is created per call, and V8 keeps a closure's optimised code only weakly,
// so after the garbage collections between two runs its loop would start in the interpreter.

function log1pInto(src: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(src[i]!);
  return out;
}

/**
 * The sample standard deviation of one-bar log returns over `window`: both `rolling` std and the
 * close-to-close volatility (the default set has both for 20 and 60 bars), computed once.
 */
function batchReturnStd(ctx: BatchContext, window: number): Float64Array {
  return ctx.series(`std:${window}`, () => stddev(batchLogReturn(ctx), { period: window, ddof: 1 }));
}

/**
 * Rolling skewness or kurtosis of one-bar log returns. Both come out of one pass over the same
 * power sums, so the other is cached for a feature that asks for it (the default set has both).
 */
function batchHigherMoment(ctx: BatchContext, stat: 'skew' | 'kurt', window: number): Float64Array {
  const r = batchLogReturn(ctx);
  if (window < 4) return rollingHigherMoment(r, stat, window);
  const key = (s: 'skew' | 'kurt'): string => `rolling:${s}:${window}`;
  return ctx.series(key(stat), () => {
    const both = rollingSkewKurt(r, window);
    const other = stat === 'skew' ? 'kurt' : 'skew';
    ctx.series(key(other), () => both[other]);
    return both[stat];
  });
}

function overnightReturn(open: number, prevClose: number): number {
  return Math.log(open / prevClose);
}

function signedVolume(close: number, prevClose: number, volume: number): number {
  const d = close - prevClose;
  return d > 0 ? volume : d < 0 ? -volume : d === 0 ? 0 : NaN;
}

function overnightTerm(bar: BarInput, prevClose: number): number {
  return overnightReturn(bar.open, prevClose);
}

function signedVolumeTerm(bar: BarInput, prevClose: number): number {
  return signedVolume(bar.close, prevClose, bar.volume);
}

function batchOvernight(ctx: BatchContext): Float64Array {
  return ctx.series('term:overnight', () => overnightInto(ctx.table, ctx.column()));
}

function overnightInto({ open, close }: BarTable, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = overnightReturn(open[i]!, i > 0 ? close[i - 1]! : NaN);
  return out;
}

function batchSignedVolume(ctx: BatchContext): Float64Array {
  return ctx.series('term:signed_volume', () => signedVolumeInto(ctx.table, ctx.column()));
}

function signedVolumeInto({ close, volume }: BarTable, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = signedVolume(close[i]!, i > 0 ? close[i - 1]! : NaN, volume[i]!);
  return out;
}

// ---- volatility --------------------------------------------------------------------------------

function batchVolatility(ctx: BatchContext, def: VolatilityFeature): Float64Array {
  const n = def.window;
  if (def.estimator === 'close_to_close') return batchReturnStd(ctx, n);
  const len = ctx.length;
  const table = ctx.table;
  // The averages below are fresh arrays: each is turned into the estimate in place.
  if (def.estimator === 'parkinson') {
    const terms = ctx.series('term:parkinson', () => parkinsonTermsInto(table, ctx.column()));
    const out = sma(terms, { period: n });
    ctx.doneWith('term:parkinson');
    return parkinsonInPlace(ctx, out);
  }
  const rogersSatchell = (): Float64Array => ctx.series('term:rogers_satchell', () => rogersSatchellTermsInto(table, ctx.column()));
  if (def.estimator === 'rogers_satchell') {
    const mean = sma(rogersSatchell(), { period: n });
    ctx.doneWith('term:rogers_satchell');
    return sqrtInPlace(ctx, mean);
  }
  if (def.estimator === 'garman_klass') {
    const terms = ctx.series('term:garman_klass', () => garmanKlassTermsInto(table, ctx.column()));
    const mean = sma(terms, { period: n });
    ctx.doneWith('term:garman_klass');
    return sqrtInPlace(ctx, mean);
  }
  // Yang–Zhang
  const overnight = batchOvernight(ctx);
  const openClose = ctx.series('term:open_close', () => openCloseTermsInto(table, ctx.column()));
  const vo = variance(overnight, { period: n, ddof: 1 });
  const vc = variance(openClose, { period: n, ddof: 1 });
  const vrs = sma(rogersSatchell(), { period: n });
  for (const term of YANG_ZHANG_TERMS) ctx.doneWith(term);
  const infinite = yangZhangInPlace(vo, vc, vrs, yangZhangK(n), len);
  ctx.recycle(vc);
  ctx.recycle(vrs);
  return finishColumn(ctx, vo, infinite);
}

/** σ_YZ into `vo` from the three variances; true when an infinity was written. */
function yangZhangInPlace(vo: Float64Array, vc: Float64Array, vrs: Float64Array, k: number, len: number): boolean {
  let infinite = false;
  for (let i = 0; i < len; i++) {
    const v = (vo[i] = sqrtNonNegative(vo[i]! + k * vc[i]! + (1 - k) * vrs[i]!));
    if (v === Infinity) infinite = true;
  }
  return infinite;
}

/** The Parkinson estimate `√(mean / 4 ln 2)` of every value of a fresh column, in place. */
function parkinsonInPlace(ctx: BatchContext, column: Float64Array): Float64Array {
  let infinite = false;
  for (let i = 0; i < column.length; i++) {
    const v = (column[i] = Math.sqrt(column[i]! / FOUR_LN2));
    if (v === Infinity) infinite = true;
  }
  return finishColumn(ctx, column, infinite);
}

function parkinsonTermsInto({ high, low }: BarTable, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = parkinsonTerm(high[i]!, low[i]!);
  return out;
}

function garmanKlassTermsInto({ open, high, low, close }: BarTable, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = garmanKlassTerm(open[i]!, high[i]!, low[i]!, close[i]!);
  return out;
}

function rogersSatchellTermsInto({ open, high, low, close }: BarTable, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = rogersSatchellTerm(open[i]!, high[i]!, low[i]!, close[i]!);
  return out;
}

function openCloseTermsInto({ open, close }: BarTable, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = Math.log(close[i]! / open[i]!);
  return out;
}

/** The intermediate series each estimator reads (announced, so that they are reused after their last use). */
const VOLATILITY_TERMS: Readonly<Record<Exclude<VolatilityEstimator, 'close_to_close'>, readonly string[]>> = {
  parkinson: ['term:parkinson'],
  garman_klass: ['term:garman_klass'],
  rogers_satchell: ['term:rogers_satchell'],
  yang_zhang: ['term:overnight', 'term:open_close', 'term:rogers_satchell'],
};
const YANG_ZHANG_TERMS = VOLATILITY_TERMS.yang_zhang;

/** `sqrtNonNegative` of every value of a fresh column, in place. */
function sqrtInPlace(ctx: BatchContext, column: Float64Array): Float64Array {
  let infinite = false;
  for (let i = 0; i < column.length; i++) {
    const v = (column[i] = sqrtNonNegative(column[i]!));
    if (v === Infinity) infinite = true;
  }
  return finishColumn(ctx, column, infinite);
}

function streamVolatility(ctx: StreamContext, def: VolatilityFeature): Reader {
  const n = def.window;
  const bar = ctx.bar;
  switch (def.estimator) {
    case 'close_to_close': {
      const node = ctx.add(new SeriesNode(streamLogReturn(ctx), new StdDev({ period: n, ddof: 1 })));
      return () => node.value;
    }
    case 'parkinson': {
      const node = ctx.add(new SeriesNode(() => parkinsonTerm(bar.high, bar.low), new SMA({ period: n })));
      return () => Math.sqrt(node.value / FOUR_LN2);
    }
    case 'garman_klass': {
      const node = ctx.add(new SeriesNode(() => garmanKlassTerm(bar.open, bar.high, bar.low, bar.close), new SMA({ period: n })));
      return () => sqrtNonNegative(node.value);
    }
    case 'rogers_satchell': {
      const node = ctx.add(new SeriesNode(() => rogersSatchellTerm(bar.open, bar.high, bar.low, bar.close), new SMA({ period: n })));
      return () => sqrtNonNegative(node.value);
    }
    case 'yang_zhang': {
      const overnight = ctx.share('term:overnight', () => new PrevCloseNode(overnightTerm));
      const vo = ctx.add(new SeriesNode(() => overnight.value, new Variance({ period: n, ddof: 1 })));
      const vc = ctx.add(new SeriesNode(() => Math.log(bar.close / bar.open), new Variance({ period: n, ddof: 1 })));
      const vrs = ctx.add(new SeriesNode(() => rogersSatchellTerm(bar.open, bar.high, bar.low, bar.close), new SMA({ period: n })));
      const k = yangZhangK(n);
      return () => sqrtNonNegative(vo.value + k * vc.value + (1 - k) * vrs.value);
    }
  }
}

// ---- volume ------------------------------------------------------------------------------------

function batchVolume(ctx: BatchContext, def: VolumeFeature): Float64Array {
  const len = ctx.length;
  const v = ctx.table.volume;
  const w = def.window ?? 1;
  let infinite = false;
  switch (def.measure) {
    case 'ratio': {
      const mean = ctx.line('sma', { period: w, source: 'volume' }, undefined);
      const out = ctx.column();
      for (let i = 0; i < len; i++) {
        const x = (out[i] = v[i]! / mean[i]!);
        if (Math.abs(x) === Infinity) infinite = true;
      }
      return finishColumn(ctx, out, infinite);
    }
    case 'zscore':
      return ctx.line('zscore', { period: w, source: 'volume' }, undefined);
    case 'log_change': {
      const out = ctx.column();
      let prev = NaN;
      for (let i = 0; i < len; i++) {
        const x = (out[i] = Math.log((1 + v[i]!) / (1 + prev)));
        if (Math.abs(x) === Infinity) infinite = true;
        prev = v[i]!;
      }
      return finishColumn(ctx, out, infinite);
    }
    case 'signed_ratio': {
      // The signed average is a fresh array: divided in place.
      const out = sma(batchSignedVolume(ctx), { period: w });
      ctx.doneWith('term:signed_volume');
      const total = ctx.line('sma', { period: w, source: 'volume' }, undefined);
      for (let i = 0; i < len; i++) {
        const x = (out[i] = out[i]! / total[i]!);
        if (Math.abs(x) === Infinity) infinite = true;
      }
      return finishColumn(ctx, out, infinite);
    }
  }
}

class VolumeChangeNode implements StreamNode {
  value = NaN;
  private prev = NaN;
  update(bar: BarInput): void {
    this.value = Math.log((1 + bar.volume) / (1 + this.prev));
    this.prev = bar.volume;
  }
}

function streamVolume(ctx: StreamContext, def: VolumeFeature): Reader {
  const w = def.window ?? 1;
  const bar = ctx.bar;
  switch (def.measure) {
    case 'ratio': {
      const mean = ctx.indicator('sma', { period: w, source: 'volume' });
      return () => bar.volume / mean.value;
    }
    case 'zscore': {
      const z = ctx.indicator('zscore', { period: w, source: 'volume' });
      return () => z.value;
    }
    case 'log_change': {
      const node = ctx.share('volume:log_change', () => new VolumeChangeNode());
      return () => node.value;
    }
    case 'signed_ratio': {
      const term = ctx.share('term:signed_volume', () => new PrevCloseNode(signedVolumeTerm));
      const signed = ctx.add(new SeriesNode(() => term.value, new SMA({ period: w })));
      const total = ctx.indicator('sma', { period: w, source: 'volume' });
      return () => signed.value / total.value;
    }
  }
}

// ---- indicators --------------------------------------------------------------------------------

function batchIndicator(ctx: BatchContext, def: IndicatorFeature, key: string): Float64Array {
  const kind = def.transform ?? 'raw';
  const scale = def.scale ?? 1;
  const plain = kind === 'raw' && scale === 1;
  if (def.timeframe !== undefined) {
    if (plain) return higherLine(ctx, def, def.timeframe, key);
    return higherLineTransformed(ctx, def, def.timeframe, key, kind, scale);
  }
  if (plain) return ctx.line(def.indicator, def.params, def.line);
  // A line no other feature reads is transformed in place (one array of the table's length less).
  const owned = ctx.takeLine(def.indicator, def.params, def.line);
  const values = owned ?? ctx.line(def.indicator, def.params, def.line);
  const out = owned ?? ctx.column();
  return finishColumn(ctx, out, transformInto(kind, scale, values, ctx.table.close, 0, out.length, out));
}

// One loop per transform, each the same expression as the stream's reader (so both forms agree
// bit for bit). They return true when they wrote an infinity (see `finishColumn`).

/** `out[i]` = `values[i]` transformed against `close[i]`, for i in `[from, to)`. */
function transformInto(kind: IndicatorTransform, scale: number, values: Float64Array, close: Float64Array, from: number, to: number, out: Float64Array): boolean {
  let infinite = false;
  if (kind === 'raw') {
    for (let i = from; i < to; i++) {
      const v = (out[i] = values[i]! * scale);
      if (Math.abs(v) === Infinity) infinite = true;
    }
  } else if (kind === 'distance') {
    for (let i = from; i < to; i++) {
      const v = (out[i] = (close[i]! / values[i]! - 1) * scale);
      if (Math.abs(v) === Infinity) infinite = true;
    }
  } else {
    for (let i = from; i < to; i++) {
      const v = (out[i] = (values[i]! / close[i]!) * scale);
      if (Math.abs(v) === Infinity) infinite = true;
    }
  }
  return infinite;
}

/** `out[i]` = the one number `value` transformed against `close[i]`, for i in `[from, to)`. */
function transformConstInto(kind: IndicatorTransform, scale: number, value: number, close: Float64Array, from: number, to: number, out: Float64Array): boolean {
  let infinite = false;
  if (kind === 'raw') {
    const v = value * scale;
    for (let i = from; i < to; i++) out[i] = v;
    infinite = Math.abs(v) === Infinity;
  } else if (kind === 'distance') {
    for (let i = from; i < to; i++) {
      const v = (out[i] = (close[i]! / value - 1) * scale);
      if (Math.abs(v) === Infinity) infinite = true;
    }
  } else {
    for (let i = from; i < to; i++) {
      const v = (out[i] = (value / close[i]!) * scale);
      if (Math.abs(v) === Infinity) infinite = true;
    }
  }
  return infinite;
}

function streamIndicator(ctx: StreamContext, def: IndicatorFeature, key: string): Reader {
  let read: Reader;
  if (def.timeframe === undefined) {
    read = streamRef(ctx, def);
  } else {
    checkHigherTimeframe(ctx.timeframe, ctx.timeframeMs, def.timeframe, key);
    read = streamRef(higherNode(ctx, def.timeframe).inner, def);
  }
  const kind = def.transform ?? 'raw';
  const scale = def.scale ?? 1;
  const bar = ctx.bar;
  if (kind === 'raw' && scale === 1) return read;
  // The same expressions as the batch loops (so both forms agree bit for bit).
  if (kind === 'raw') return () => read() * scale;
  if (kind === 'distance') return () => (bar.close / read() - 1) * scale;
  return () => (read() / bar.close) * scale;
}

function batchChannel(ctx: BatchContext, def: ChannelFeature): Float64Array {
  // The last feature reading the upper line writes its values over it.
  const owned = ctx.takeLine(def.indicator, def.params, def.upper ?? 'upper');
  const upper = owned ?? ctx.line(def.indicator, def.params, def.upper ?? 'upper');
  const lower = ctx.line(def.indicator, def.params, def.lower ?? 'lower');
  const close = ctx.table.close;
  const measure = def.measure;
  const out = owned ?? ctx.column();
  let infinite = false;
  for (let i = 0; i < out.length; i++) {
    const v = (out[i] = channel(measure, upper[i]!, lower[i]!, close[i]!));
    if (Math.abs(v) === Infinity) infinite = true;
  }
  return finishColumn(ctx, out, infinite);
}

function streamChannel(ctx: StreamContext, def: ChannelFeature): Reader {
  const inst = ctx.indicator(def.indicator, def.params);
  const upper = lineReader(inst, def.upper ?? 'upper');
  const lower = lineReader(inst, def.lower ?? 'lower');
  const bar = ctx.bar;
  const measure = def.measure;
  return () => channel(measure, upper(), lower(), bar.close);
}

function batchRatio(ctx: BatchContext, def: RatioFeature): Float64Array {
  // The last feature reading the numerator writes its values over it.
  const owned = ctx.takeLine(def.numerator.indicator, def.numerator.params, def.numerator.line);
  const a = owned ?? ctx.line(def.numerator.indicator, def.numerator.params, def.numerator.line);
  const b = ctx.line(def.denominator.indicator, def.denominator.params, def.denominator.line);
  const out = owned ?? ctx.column();
  let infinite = false;
  for (let i = 0; i < out.length; i++) {
    const v = (out[i] = a[i]! / b[i]! - 1);
    if (Math.abs(v) === Infinity) infinite = true;
  }
  return finishColumn(ctx, out, infinite);
}

function streamRatio(ctx: StreamContext, def: RatioFeature): Reader {
  const a = streamRef(ctx, def.numerator);
  const b = streamRef(ctx, def.denominator);
  return () => a() / b() - 1;
}

// ---- multi-timeframe and normalisation ----------------------------------------------------------

function checkHigherTimeframe(baseTimeframe: string, baseMs: number, timeframe: string, key: string): void {
  const targetMs = timeframeMs(timeframe);
  if (targetMs <= baseMs || targetMs % baseMs !== 0) {
    throw new ConfigurationError(`${timeframe} is not a higher timeframe of the ${baseTimeframe} series; use a whole multiple of ${baseTimeframe} above it`, `${key}.timeframe`);
  }
}

/**
 * A higher-timeframe column read at each base bar from the last higher bar closed by then, run
 * by run (base bars reading the same higher bar). ±Infinity (from the higher column) becomes NaN,
 * as `generateFeatures` would make it.
 */
function alignHigher(ctx: BatchContext, timeframe: string, higherColumn: Float64Array): Float64Array {
  const { bar, start } = ctx.higherRuns(timeframe);
  const out = ctx.column();
  for (let r = 0; r < bar.length; r++) {
    const j = bar[r]!;
    let v = j < 0 ? NaN : higherColumn[j]!;
    if (Math.abs(v) === Infinity) v = NaN;
    // A plain loop: `fill` is a call into the runtime, slower than this for runs of tens of rows.
    for (let i = start[r]!, end = start[r + 1]!; i < end; i++) out[i] = v;
  }
  return ctx.markFinite(out);
}

function higherLineKey(ref: IndicatorRef, timeframe: string): string {
  return `higher-line:${timeframe}:${ref.indicator}:${JSON.stringify(ref.params ?? {})}:${ref.line ?? ''}`;
}

function higherLine(ctx: BatchContext, ref: IndicatorRef, timeframe: string, key: string): Float64Array {
  checkHigherTimeframe(ctx.table.timeframe, ctx.timeframeMs, timeframe, key);
  const higher = ctx.higherTimeframe(timeframe);
  return ctx.series(higherLineKey(ref, timeframe), () => alignHigher(ctx, timeframe, higher.line(ref.indicator, ref.params, ref.line)));
}

/**
 * A higher-timeframe line transformed against the base bars' closes, straight from the higher
 * column (no aligned copy in between): each run of base bars reads one higher value.
 */
function higherLineTransformed(ctx: BatchContext, ref: IndicatorRef, timeframe: string, key: string, kind: IndicatorTransform, scale: number): Float64Array {
  checkHigherTimeframe(ctx.table.timeframe, ctx.timeframeMs, timeframe, key);
  const line = ctx.higherTimeframe(timeframe).line(ref.indicator, ref.params, ref.line);
  const { bar, start } = ctx.higherRuns(timeframe);
  const close = ctx.table.close;
  const out = ctx.column();
  let infinite = false;
  for (let r = 0; r < bar.length; r++) {
    const j = bar[r]!;
    if (transformConstInto(kind, scale, j < 0 ? NaN : line[j]!, close, start[r]!, start[r + 1]!, out)) infinite = true;
  }
  return finishColumn(ctx, out, infinite);
}

function higherNode(ctx: StreamContext, timeframe: string): HigherTimeframeNode {
  return ctx.share(`mtf:${timeframe}`, () => new HigherTimeframeNode(ctx.timeframeMs, timeframe));
}

function batchMtf(ctx: BatchContext, def: MultiTimeframeFeature, key: string): Float64Array {
  checkHigherTimeframe(ctx.table.timeframe, ctx.timeframeMs, def.timeframe, key);
  return alignHigher(ctx, def.timeframe, batchFeature(ctx.higherTimeframe(def.timeframe), def.feature, `${key}.feature`));
}

function streamMtf(ctx: StreamContext, def: MultiTimeframeFeature, key: string): Reader {
  checkHigherTimeframe(ctx.timeframe, ctx.timeframeMs, def.timeframe, key);
  return streamFeature(higherNode(ctx, def.timeframe).inner, def.feature, `${key}.feature`);
}

function batchNormalize(ctx: BatchContext, def: NormalizeFeature, key: string): Float64Array {
  const inner = batchFeature(ctx, def.feature, `${key}.feature`);
  return def.method === 'zscore' ? zscore(inner, { period: def.window }) : rollingRank(inner, def.window);
}

function streamNormalize(ctx: StreamContext, def: NormalizeFeature, key: string): Reader {
  const inner = streamFeature(ctx, def.feature, `${key}.feature`);
  const kernel: Kernel = def.method === 'zscore' ? new ZScore({ period: def.window }) : new RollingRank(def.window);
  const node = ctx.add(new SeriesNode(inner, kernel));
  return () => node.value;
}

// ---- dispatch ----------------------------------------------------------------------------------

/**
 * A fresh column written by this module: ±Infinity replaced by NaN when `infinite` says one was
 * written (the loops check as they write, cheaper than a scan afterwards), then recorded as
 * clean so that `generateFeatures` does not scan it again.
 */
function finishColumn(ctx: BatchContext, column: Float64Array, infinite: boolean): Float64Array {
  return ctx.markFinite(infinite ? finiteOrNaN(column) : column);
}

/**
 * The column with ±Infinity (a ratio with a zero denominator) replaced by NaN. A column shared
 * with a context's cache (`shared`) is returned as is when it holds no infinity (the usual case:
 * no copy), else copied; other columns are cleaned in place.
 */
export function finiteOrNaN(column: Float64Array, shared = false): Float64Array {
  // A read-only scan first: columns almost never hold an infinity, and rewriting every value
  // (`out[i] = v - v === 0 ? v : NaN`) costs three times the scan over a million rows.
  const first = firstInfinity(column, 0);
  if (first === column.length) return column;
  const out = shared ? column.slice() : column;
  for (let i = first; i < out.length; i = firstInfinity(out, i + 1)) out[i] = NaN;
  return out;
}

/** The first index ≥ `from` holding ±Infinity, or the length. */
function firstInfinity(column: Float64Array, from: number): number {
  const n = column.length;
  let i = from;
  while (i < n) {
    // Four at a time: a sum of absolute values below Infinity holds no infinity (a NaN or an
    // overflow sends the four to the exact check).
    for (; i + 4 <= n; i += 4) {
      const s = Math.abs(column[i]!) + Math.abs(column[i + 1]!) + Math.abs(column[i + 2]!) + Math.abs(column[i + 3]!);
      if (!(s < Infinity)) break;
    }
    for (const stop = Math.min(n, i + 4); i < stop; i++) if (Math.abs(column[i]!) === Infinity) return i;
  }
  return n;
}

/**
 * Tells the context which indicator lines `def` reads on the context's own timeframe (see
 * `BatchContext.expectIndicators`). Listing a read twice is harmless; a read left out only
 * costs time (the line may be computed twice), never a wrong number.
 */
export function announceIndicators(ctx: BatchContext, def: FeatureDefinition): void {
  const rocp = (lag: number): IndicatorRef => ({ indicator: 'rocp', params: { period: lag } });
  const volume = (indicator: string, window: number | undefined): IndicatorRef => ({ indicator, params: { period: window ?? 1, source: 'volume' } });
  switch (def.kind) {
    case 'indicator':
      if (def.timeframe === undefined) ctx.expectIndicators([def]);
      return;
    case 'channel':
      ctx.expectIndicators([{ ...def, line: def.upper ?? 'upper' }, { ...def, line: def.lower ?? 'lower' }]);
      return;
    case 'ratio':
      ctx.expectIndicators([def.numerator, def.denominator]);
      return;
    case 'return':
      ctx.expectIndicators([rocp(def.lag)]);
      return;
    case 'rolling':
    case 'autocorr':
      ctx.expectIndicators([rocp(1)]);
      return;
    case 'volatility':
      ctx.expectIndicators([rocp(1)]);
      if (def.estimator !== 'close_to_close') for (const term of VOLATILITY_TERMS[def.estimator]) ctx.expectSeries(term);
      return;
    case 'volume':
      ctx.expectIndicators([volume('sma', def.window), volume('zscore', def.window)]);
      if (def.measure === 'signed_ratio') ctx.expectSeries('term:signed_volume');
      return;
    case 'normalize':
      announceIndicators(ctx, def.feature);
      return;
    default:
  }
}

/**
 * The column of one feature over the context's table. The result may be shared with the context's
 * cache (callers copy before writing).
 */
export function batchFeature(ctx: BatchContext, def: FeatureDefinition, key: string): Float64Array {
  const len = ctx.length;
  switch (def.kind) {
    case 'return':
      return def.log ? batchLogReturn(ctx, def.lag) : ctx.line('rocp', { period: def.lag }, undefined);
    case 'rolling': {
      const r = batchLogReturn(ctx);
      if (def.stat === 'mean') return sma(r, { period: def.window });
      if (def.stat === 'std') return batchReturnStd(ctx, def.window);
      return batchHigherMoment(ctx, def.stat, def.window);
    }
    case 'autocorr':
      return rollingAutocorr(batchLogReturn(ctx), def.lag, def.window);
    case 'volatility':
      return batchVolatility(ctx, def);
    case 'indicator':
      return batchIndicator(ctx, def, key);
    case 'channel':
      return batchChannel(ctx, def);
    case 'ratio':
      return batchRatio(ctx, def);
    case 'candle':
      return batchCandle(ctx, def.shape);
    case 'volume':
      return batchVolume(ctx, def);
    case 'time':
      return ctx.markFinite(batchTime(ctx, def.unit, def.wave)); // sines and cosines
    case 'mtf':
      return batchMtf(ctx, def, key);
    case 'normalize':
      return batchNormalize(ctx, def, key);
    case 'custom': {
      const f = def.create();
      const { time, open, high, low, close, volume } = ctx.table;
      const bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
      const out = ctx.column();
      for (let i = 0; i < len; i++) {
        bar.time = time[i]!;
        bar.open = open[i]!;
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        bar.volume = volume[i]!;
        out[i] = f.update(bar);
      }
      return out;
    }
  }
}

class CandleGapNode implements StreamNode {
  prev = NaN;
  last = NaN;
  update(bar: BarInput): void {
    this.prev = this.last;
    this.last = bar.close;
  }
}

class CustomNode implements StreamNode {
  value = NaN;
  constructor(private readonly feature: { update(bar: BarInput): number }) {}
  update(bar: BarInput): void {
    this.value = this.feature.update(bar);
  }
}

/** A reader of one feature's current value in a stream. */
export function streamFeature(ctx: StreamContext, def: FeatureDefinition, key: string): Reader {
  const bar = ctx.bar;
  switch (def.kind) {
    case 'return': {
      if (def.log) return streamLogReturn(ctx, def.lag);
      const rocp = ctx.indicator('rocp', { period: def.lag });
      return () => rocp.value;
    }
    case 'rolling': {
      const r = streamLogReturn(ctx);
      const kernel: Kernel =
        def.stat === 'mean' ? new SMA({ period: def.window }) : def.stat === 'std' ? new StdDev({ period: def.window, ddof: 1 }) : new RollingHigherMoment(def.stat, def.window);
      const node = ctx.add(new SeriesNode(r, kernel));
      return () => node.value;
    }
    case 'autocorr': {
      const node = ctx.add(new SeriesNode(streamLogReturn(ctx), new RollingAutocorr(def.lag, def.window)));
      return () => node.value;
    }
    case 'volatility':
      return streamVolatility(ctx, def);
    case 'indicator':
      return streamIndicator(ctx, def, key);
    case 'channel':
      return streamChannel(ctx, def);
    case 'ratio':
      return streamRatio(ctx, def);
    case 'candle': {
      const code = CANDLE_SHAPE_CODE[def.shape];
      const closes = ctx.share('candle:closes', () => new CandleGapNode());
      return () => candleShape(code, bar.open, bar.high, bar.low, bar.close, closes.prev);
    }
    case 'volume':
      return streamVolume(ctx, def);
    case 'time': {
      const { unit, wave: w } = def;
      return () => wave(w, cyclePhase(unit, bar.time));
    }
    case 'mtf':
      return streamMtf(ctx, def, key);
    case 'normalize':
      return streamNormalize(ctx, def, key);
    case 'custom': {
      const node = ctx.add(new CustomNode(def.create()));
      return () => node.value;
    }
  }
}
