/**
 * Every feature kind in its two forms: `batchFeature` (a column over a table) and `streamFeature`
 * (a reader of the current value, after the context has been stepped with the current bar).
 * The forms agree because they run the same arithmetic: stateful parts are the same classes (the
 * indicator library's, whose batch forms loop over their classes, and ./rolling.ts), and the
 * per-bar formulas below are shared functions.
 *
 * Definitions are validated before they get here (./schema.ts); what can only be checked against
 * the data (a higher timeframe that is not a multiple of the series') is checked here, keyed by
 * the feature's name.
 */
import { ConfigurationError } from '../core/errors.js';
import { DAY_MS, HOUR_MS, WEEK_MS, timeframeMs } from '../core/time.js';
import { RollingRank, RollingAutocorr, RollingHigherMoment, rollingAutocorr, rollingHigherMoment, rollingRank } from './rolling.js';
import { SMA, StdDev, Variance, ZScore, sma, stddev, variance, zscore, type BarInput, type IndicatorInstance } from '../indicators/index.js';
import { HigherTimeframeNode, closedHigherIndex, type BatchContext, type StreamContext, type StreamNode } from './context.js';
import type {
  CandleShape, ChannelFeature, FeatureDefinition, IndicatorFeature, IndicatorRef, MultiTimeframeFeature, NormalizeFeature,
  RatioFeature, TimeUnit, VolatilityFeature, VolumeFeature,
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

function candleShape(shape: CandleShape, open: number, high: number, low: number, close: number, prevClose: number): number {
  const range = high - low;
  switch (shape) {
    case 'body':
      return range > 0 ? (close - open) / range : 0;
    case 'upper_wick':
      return range > 0 ? (high - (open > close ? open : close)) / range : 0;
    case 'lower_wick':
      return range > 0 ? ((open < close ? open : close) - low) / range : 0;
    case 'close_location':
      return range > 0 ? (close - low) / range : 0.5;
    case 'range':
      return range / close;
    case 'gap':
      return open / prevClose - 1;
  }
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
  return ctx.series(`logret${lag}`, () => {
    const simple = ctx.line('rocp', { period: lag }, undefined);
    const out = new Float64Array(simple.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.log1p(simple[i]!);
    return out;
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
  return ctx.series('term:overnight', () => {
    const { open, close } = ctx.table;
    const out = new Float64Array(ctx.length);
    for (let i = 0; i < out.length; i++) out[i] = overnightReturn(open[i]!, i > 0 ? close[i - 1]! : NaN);
    return out;
  });
}

function batchSignedVolume(ctx: BatchContext): Float64Array {
  return ctx.series('term:signed_volume', () => {
    const { close, volume } = ctx.table;
    const out = new Float64Array(ctx.length);
    for (let i = 0; i < out.length; i++) out[i] = signedVolume(close[i]!, i > 0 ? close[i - 1]! : NaN, volume[i]!);
    return out;
  });
}

// ---- volatility --------------------------------------------------------------------------------

function batchVolatility(ctx: BatchContext, def: VolatilityFeature): Float64Array {
  const n = def.window;
  const { open, high, low, close } = ctx.table;
  if (def.estimator === 'close_to_close') return stddev(batchLogReturn(ctx), { period: n, ddof: 1 });
  const len = ctx.length;
  const out = new Float64Array(len);
  if (def.estimator === 'parkinson') {
    const terms = ctx.series('term:parkinson', () => {
      const t = new Float64Array(len);
      for (let i = 0; i < len; i++) t[i] = parkinsonTerm(high[i]!, low[i]!);
      return t;
    });
    const mean = sma(terms, { period: n });
    for (let i = 0; i < len; i++) out[i] = Math.sqrt(mean[i]! / FOUR_LN2);
    return out;
  }
  const rogersSatchell = (): Float64Array => ctx.series('term:rogers_satchell', () => {
    const t = new Float64Array(len);
    for (let i = 0; i < len; i++) t[i] = rogersSatchellTerm(open[i]!, high[i]!, low[i]!, close[i]!);
    return t;
  });
  if (def.estimator === 'rogers_satchell') {
    const rs = rogersSatchell();
    const mean = sma(rs, { period: n });
    for (let i = 0; i < len; i++) out[i] = sqrtNonNegative(mean[i]!);
    return out;
  }
  if (def.estimator === 'garman_klass') {
    const terms = ctx.series('term:garman_klass', () => {
      const t = new Float64Array(len);
      for (let i = 0; i < len; i++) t[i] = garmanKlassTerm(open[i]!, high[i]!, low[i]!, close[i]!);
      return t;
    });
    const mean = sma(terms, { period: n });
    for (let i = 0; i < len; i++) out[i] = sqrtNonNegative(mean[i]!);
    return out;
  }
  // Yang–Zhang
  const overnight = batchOvernight(ctx);
  const openClose = ctx.series('term:open_close', () => {
    const t = new Float64Array(len);
    for (let i = 0; i < len; i++) t[i] = Math.log(close[i]! / open[i]!);
    return t;
  });
  const vo = variance(overnight, { period: n, ddof: 1 });
  const vc = variance(openClose, { period: n, ddof: 1 });
  const vrs = sma(rogersSatchell(), { period: n });
  const k = yangZhangK(n);
  for (let i = 0; i < len; i++) out[i] = sqrtNonNegative(vo[i]! + k * vc[i]! + (1 - k) * vrs[i]!);
  return out;
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
  const out = new Float64Array(len);
  const v = ctx.table.volume;
  const w = def.window ?? 1;
  switch (def.measure) {
    case 'ratio': {
      const mean = ctx.line('sma', { period: w, source: 'volume' }, undefined);
      for (let i = 0; i < len; i++) out[i] = v[i]! / mean[i]!;
      return out;
    }
    case 'zscore':
      return ctx.line('zscore', { period: w, source: 'volume' }, undefined);
    case 'log_change': {
      let prev = NaN;
      for (let i = 0; i < len; i++) {
        out[i] = Math.log((1 + v[i]!) / (1 + prev));
        prev = v[i]!;
      }
      return out;
    }
    case 'signed_ratio': {
      const signed = sma(batchSignedVolume(ctx), { period: w });
      const total = ctx.line('sma', { period: w, source: 'volume' }, undefined);
      for (let i = 0; i < len; i++) out[i] = signed[i]! / total[i]!;
      return out;
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
  const values = def.timeframe === undefined ? ctx.line(def.indicator, def.params, def.line) : higherLine(ctx, def, def.timeframe, key);
  const close = ctx.table.close;
  const kind = def.transform ?? 'raw';
  const scale = def.scale ?? 1;
  if (kind === 'raw' && scale === 1) return values;
  // One loop per transform, each the same expression as the stream's reader (so both forms agree bit for bit).
  const out = new Float64Array(values.length);
  if (kind === 'raw') for (let i = 0; i < out.length; i++) out[i] = values[i]! * scale;
  else if (kind === 'distance') for (let i = 0; i < out.length; i++) out[i] = (close[i]! / values[i]! - 1) * scale;
  else for (let i = 0; i < out.length; i++) out[i] = (values[i]! / close[i]!) * scale;
  return out;
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
  const upper = ctx.line(def.indicator, def.params, def.upper ?? 'upper');
  const lower = ctx.line(def.indicator, def.params, def.lower ?? 'lower');
  const close = ctx.table.close;
  const out = new Float64Array(ctx.length);
  for (let i = 0; i < out.length; i++) out[i] = channel(def.measure, upper[i]!, lower[i]!, close[i]!);
  return out;
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
  const a = ctx.line(def.numerator.indicator, def.numerator.params, def.numerator.line);
  const b = ctx.line(def.denominator.indicator, def.denominator.params, def.denominator.line);
  const out = new Float64Array(ctx.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! / b[i]! - 1;
  return out;
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

/** A higher-timeframe column read at each base bar from the last higher bar closed by then. */
function alignHigher(ctx: BatchContext, timeframe: string, higherColumn: Float64Array): Float64Array {
  const higher = ctx.higherTimeframe(timeframe);
  const index = ctx.series(`mtf-index:${timeframe}`, () => new Float64Array(closedHigherIndex(ctx.table.time, ctx.timeframeMs, higher.table.time, higher.timeframeMs)));
  const out = new Float64Array(ctx.length);
  for (let i = 0; i < out.length; i++) {
    const j = index[i]!;
    out[i] = j < 0 ? NaN : higherColumn[j]!;
  }
  return out;
}

function higherLine(ctx: BatchContext, ref: IndicatorRef, timeframe: string, key: string): Float64Array {
  checkHigherTimeframe(ctx.table.timeframe, ctx.timeframeMs, timeframe, key);
  const higher = ctx.higherTimeframe(timeframe);
  return ctx.series(`higher-line:${timeframe}:${ref.indicator}:${JSON.stringify(ref.params ?? {})}:${ref.line ?? ''}`, () => alignHigher(ctx, timeframe, higher.line(ref.indicator, ref.params, ref.line)));
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
 * The column with ±Infinity (a ratio with a zero denominator) replaced by NaN. A column shared
 * with a context's cache (`shared`) is returned as is when it holds no infinity (the usual case:
 * no copy), else copied; other columns are cleaned in place.
 */
export function finiteOrNaN(column: Float64Array, shared = false): Float64Array {
  if (shared) {
    let clean = true;
    for (let i = 0; i < column.length; i++) {
      const v = column[i]!;
      if (v === Infinity || v === -Infinity) {
        clean = false;
        break;
      }
    }
    if (clean) return column;
  }
  const out = shared ? new Float64Array(column.length) : column;
  for (let i = 0; i < column.length; i++) {
    const v = column[i]!;
    out[i] = v - v === 0 ? v : NaN;
  }
  return out;
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
      if (def.stat === 'std') return stddev(r, { period: def.window, ddof: 1 });
      return rollingHigherMoment(r, def.stat, def.window);
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
    case 'candle': {
      const { open, high, low, close } = ctx.table;
      const out = new Float64Array(len);
      const shape = def.shape;
      for (let i = 0; i < len; i++) out[i] = candleShape(shape, open[i]!, high[i]!, low[i]!, close[i]!, i > 0 ? close[i - 1]! : NaN);
      return out;
    }
    case 'volume':
      return batchVolume(ctx, def);
    case 'time': {
      const time = ctx.table.time;
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) out[i] = wave(def.wave, cyclePhase(def.unit, time[i]!));
      return out;
    }
    case 'mtf':
      return batchMtf(ctx, def, key);
    case 'normalize':
      return batchNormalize(ctx, def, key);
    case 'custom': {
      const f = def.create();
      const { time, open, high, low, close, volume } = ctx.table;
      const bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
      const out = new Float64Array(len);
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
      const shape = def.shape;
      const closes = ctx.share('candle:closes', () => new CandleGapNode());
      return () => candleShape(shape, bar.open, bar.high, bar.low, bar.close, closes.prev);
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
