/**
 * Candlestick patterns, with Tulip Candles' definitions (the library whose test vectors Arbiter
 * checks them against): body and range are judged against their averages over the `period` bars
 * before the current one, with thresholds `bodyNone`, `bodyShort`, `bodyLong`, `wickNone`,
 * `wickLong` and `near`. Harami, which Tulip does not define, follows the same scheme.
 *
 * Output per bar: +1 bullish, −1 bearish, 0 no pattern (neutral patterns such as doji give +1),
 * NaN during warm-up; TA-Lib's ±100 scaled to ±1. A pattern is reported on its last bar.
 */
import type { OhlcvColumns } from '../model/bar.js';
import { IndicatorBase, OHLC } from './core/base.js';
import { enumOption, intOption, numOption } from './core/options.js';
import type { BarIndicator, BarInput, CommonOptions } from './core/types.js';
import { borrowScratch, fillNaN, isStrict, releaseScratch, rollingSumInto, runSegments, validEnd4 } from './core/kernels.js';
import { RollingSum } from './core/windows.js';

export type CandlePatternName =
  | 'doji'
  | 'dragonfly_doji'
  | 'gravestone_doji'
  | 'long_legged_doji'
  | 'hammer'
  | 'inverted_hammer'
  | 'hanging_man'
  | 'shooting_star'
  | 'spinning_top'
  | 'marubozu'
  | 'engulfing'
  | 'harami'
  | 'morning_star'
  | 'evening_star'
  | 'morning_doji_star'
  | 'evening_doji_star'
  | 'abandoned_baby'
  | 'three_white_soldiers'
  | 'three_black_crows';

/** Every pattern with its description and the number of bars it spans. */
export const CANDLE_PATTERNS: Readonly<Record<CandlePatternName, { readonly bars: 1 | 2 | 3; readonly description: string }>> = {
  doji: { bars: 1, description: 'Doji: a body under bodyNone × the average range (+1).' },
  dragonfly_doji: { bars: 1, description: 'Dragonfly doji: doji without upper wick and with a long lower wick (+1).' },
  gravestone_doji: { bars: 1, description: 'Gravestone doji: doji with a long upper wick and no lower wick (+1).' },
  long_legged_doji: { bars: 1, description: 'Long-legged doji: doji with long wicks on both sides (+1).' },
  hammer: { bars: 2, description: 'Hammer: short body, no upper wick, long lower wick, body near the previous low (+1).' },
  inverted_hammer: { bars: 2, description: "Inverted hammer: short body, long upper wick, no lower wick, body at or below the previous body's bottom (+1)." },
  hanging_man: { bars: 2, description: 'Hanging man: hammer shape with the body near the previous high (−1).' },
  shooting_star: { bars: 2, description: "Shooting star: short body, long upper wick, no lower wick, body at or above the previous body's top (−1)." },
  spinning_top: { bars: 1, description: 'Spinning top: short body with both wicks longer than the body (+1 white, −1 black).' },
  marubozu: { bars: 1, description: 'Marubozu: long body without wicks (+1 white, −1 black).' },
  engulfing: { bars: 2, description: "Engulfing: the body engulfs the previous opposite-coloured body (+1 bullish, −1 bearish)." },
  harami: { bars: 2, description: 'Harami: a short body inside the previous long body (+1 after a black candle, −1 after a white one).' },
  morning_star: { bars: 3, description: 'Morning star: long black, short body gapping down, white closing at or above the first close (+1).' },
  evening_star: { bars: 3, description: 'Evening star: long white, short body gapping up, black closing at or below the first close (−1).' },
  morning_doji_star: { bars: 3, description: 'Morning doji star: morning star whose middle candle is a doji (+1).' },
  evening_doji_star: { bars: 3, description: 'Evening doji star: evening star whose middle candle is a doji (−1).' },
  abandoned_baby: { bars: 3, description: 'Abandoned baby: long candle, a doji gapping away from both neighbours, reversal candle (+1 bullish, −1 bearish).' },
  three_white_soldiers: { bars: 3, description: "Three white soldiers: three white candles, each opening inside the previous body (+1)." },
  three_black_crows: { bars: 3, description: "Three black crows: three black candles, each opening inside the previous body (−1)." },
};

export const CANDLE_PATTERN_NAMES = Object.keys(CANDLE_PATTERNS) as CandlePatternName[];

export interface CandleOptions extends CommonOptions {
  readonly pattern?: CandlePatternName;
  /** Bars averaged for the reference body and range (default 10). */
  readonly period?: number;
  /** A body "none" (doji) is under this × the average range (default 0.05). */
  readonly bodyNone?: number;
  /** A short body is under this × the average body (default 0.5). */
  readonly bodyShort?: number;
  /** A long body is over this × the average body (default 1.4). */
  readonly bodyLong?: number;
  /** A wick "none" is under this × the average range (default 0.05). */
  readonly wickNone?: number;
  /** A long wick is over this × the average body (default 0.6). */
  readonly wickLong?: number;
  /** "Near" is within this × the average range (default 0.3). */
  readonly near?: number;
}

/** The averaging period and thresholds of a pattern (see {@link CandleOptions}). */
export interface CandleLayout {
  readonly period: number;
  readonly bodyNone: number;
  readonly bodyShort: number;
  readonly bodyLong: number;
  readonly wickNone: number;
  readonly wickLong: number;
  readonly near: number;
}

/**
 * One candlestick pattern (see {@link CANDLE_PATTERNS}).
 * @example
 * const engulfing = new CandlePattern({ pattern: 'engulfing' });
 * if (engulfing.update(bar) === 1) console.log('bullish engulfing');
 */
export class CandlePattern extends IndicatorBase implements BarIndicator<'open' | 'high' | 'low' | 'close'> {
  readonly pattern: CandlePatternName;
  private readonly bodies: RollingSum;
  private readonly ranges: RollingSum;
  private readonly period: number;
  private readonly bodyNone: number;
  private readonly bodyShort: number;
  private readonly bodyLong: number;
  private readonly wickNone: number;
  private readonly wickLong: number;
  private readonly near: number;
  /** Averaging period and thresholds (read by the batch kernel). */
  readonly layout: CandleLayout;
  // The previous two bars (1 = previous, 2 = the one before).
  private o1 = 0;
  private h1 = 0;
  private l1 = 0;
  private c1 = 0;
  private o2 = 0;
  private h2 = 0;
  private l2 = 0;
  private c2 = 0;
  private v = NaN;

  constructor(options: CandleOptions = {}) {
    const pattern = enumOption('candle', 'pattern', options.pattern, 'doji', CANDLE_PATTERN_NAMES);
    const name = `cdl_${pattern}`;
    const period = intOption(name, 'period', options.period, 10, 1);
    super(name, Math.max(period, CANDLE_PATTERNS[pattern].bars - 1), options);
    this.pattern = pattern;
    this.period = period;
    this.bodies = new RollingSum(period);
    this.ranges = new RollingSum(period);
    this.bodyNone = numOption(name, 'bodyNone', options.bodyNone, 0.05, 0);
    this.bodyShort = numOption(name, 'bodyShort', options.bodyShort, 0.5, 0);
    this.bodyLong = numOption(name, 'bodyLong', options.bodyLong, 1.4, 0);
    this.wickNone = numOption(name, 'wickNone', options.wickNone, 0.05, 0);
    this.wickLong = numOption(name, 'wickLong', options.wickLong, 0.6, 0);
    this.near = numOption(name, 'near', options.near, 0.3, 0);
    this.layout = { period, bodyNone: this.bodyNone, bodyShort: this.bodyShort, bodyLong: this.bodyLong, wickNone: this.wickNone, wickLong: this.wickLong, near: this.near };
  }

  get value(): number {
    return this.count > this.warmup ? this.v : NaN;
  }

  update(bar: Pick<BarInput, 'open' | 'high' | 'low' | 'close'>): number {
    return this.step(bar.open, bar.high, bar.low, bar.close);
  }

  step(open: number, high: number, low: number, close: number): number {
    this.seen++;
    const s = open + high + low + close;
    if (s - s !== 0) return this.rejectFields(OHLC, open, high, low, close);
    const c = ++this.count;
    const body = open > close ? open - close : close - open;
    const range = high - low;
    let out = NaN;
    if (c > this.warmup) {
      out = this.detect(open, high, low, close, body, this.bodies.sum / this.period, this.ranges.sum / this.period);
      this.v = out;
    }
    this.bodies.push(body);
    this.ranges.push(range);
    this.o2 = this.o1;
    this.h2 = this.h1;
    this.l2 = this.l1;
    this.c2 = this.c1;
    this.o1 = open;
    this.h1 = high;
    this.l1 = low;
    this.c1 = close;
    return out;
  }

  private detect(o: number, h: number, l: number, c: number, body: number, avgBody: number, avgRange: number): number {
    const top = o > c ? o : c;
    const bottom = o > c ? c : o;
    const upper = h - top;
    const lower = bottom - l;
    const { o1, h1, l1, c1, o2, h2, l2, c2 } = this;
    const body1 = o1 > c1 ? o1 - c1 : c1 - o1;
    const top1 = o1 > c1 ? o1 : c1;
    const bottom1 = o1 > c1 ? c1 : o1;
    const dojiBody = body < this.bodyNone * avgRange;
    const shortBody = body < this.bodyShort * avgBody;
    const noUpper = upper < this.wickNone * avgRange;
    const noLower = lower < this.wickNone * avgRange;
    const longUpper = upper > this.wickLong * avgBody;
    const longLower = lower > this.wickLong * avgBody;
    switch (this.pattern) {
      case 'doji':
        return dojiBody ? 1 : 0;
      case 'dragonfly_doji':
        return dojiBody && noUpper && longLower ? 1 : 0;
      case 'gravestone_doji':
        return dojiBody && longUpper && noLower ? 1 : 0;
      case 'long_legged_doji':
        return dojiBody && longUpper && longLower ? 1 : 0;
      case 'hammer':
        return shortBody && noUpper && longLower && bottom <= l1 + this.near * avgRange ? 1 : 0;
      case 'hanging_man':
        return shortBody && noUpper && longLower && bottom >= h1 - this.near * avgRange ? -1 : 0;
      case 'inverted_hammer':
        return shortBody && longUpper && noLower && top <= bottom1 ? 1 : 0;
      case 'shooting_star':
        return shortBody && longUpper && noLower && bottom >= top1 ? -1 : 0;
      case 'spinning_top':
        return shortBody && upper > body && lower > body ? (c >= o ? 1 : -1) : 0;
      case 'marubozu':
        return body > this.bodyLong * avgBody && noUpper && noLower ? (c > o ? 1 : -1) : 0;
      case 'engulfing':
        if (o < c && o1 > c1 && c > o1 && o < c1) return 1;
        if (o > c && o1 < c1 && c < o1 && o > c1) return -1;
        return 0;
      case 'harami':
        if (body1 > this.bodyLong * avgBody && shortBody && top < top1 && bottom > bottom1) return o1 > c1 ? 1 : -1;
        return 0;
      case 'morning_star':
      case 'morning_doji_star': {
        const middle = this.pattern === 'morning_star' ? body1 < this.bodyShort * avgBody : body1 < this.bodyNone * avgRange;
        const first = o2 > c2 && o2 - c2 > this.bodyLong * avgBody;
        return first && top1 <= c2 && middle && o < c && bottom >= top1 && c >= c2 ? 1 : 0;
      }
      case 'evening_star':
      case 'evening_doji_star': {
        const middle = this.pattern === 'evening_star' ? body1 < this.bodyShort * avgBody : body1 < this.bodyNone * avgRange;
        const first = c2 > o2 && c2 - o2 > this.bodyLong * avgBody;
        return first && bottom1 >= c2 && middle && o > c && top <= bottom1 && c <= c2 ? -1 : 0;
      }
      case 'abandoned_baby': {
        const longFirst = (o2 > c2 ? o2 - c2 : c2 - o2) > this.bodyLong * avgBody;
        const dojiMiddle = body1 < this.bodyNone * avgRange;
        if (longFirst && dojiMiddle && o2 > c2 && h1 <= l2 && o < c && l >= h1 && c >= c2) return 1;
        if (longFirst && dojiMiddle && o2 < c2 && l1 >= h2 && o > c && h <= l1 && c <= c2) return -1;
        return 0;
      }
      case 'three_white_soldiers': {
        const bottom2 = o2 > c2 ? c2 : o2;
        const top2 = o2 > c2 ? o2 : c2;
        return o2 < c2 && o1 < c1 && o < c && o1 < top2 && o1 > bottom2 && o < top1 && o > bottom1 ? 1 : 0;
      }
      case 'three_black_crows': {
        const bottom2 = o2 > c2 ? c2 : o2;
        const top2 = o2 > c2 ? o2 : c2;
        return o2 > c2 && o1 > c1 && o > c && o1 < top2 && o1 > bottom2 && o < top1 && o > bottom1 ? -1 : 0;
      }
    }
  }

  protected clear(): void {
    this.bodies.clear();
    this.ranges.clear();
    this.o1 = this.h1 = this.l1 = this.c1 = 0;
    this.o2 = this.h2 = this.l2 = this.c2 = 0;
    this.v = NaN;
  }
}

// ---- batch forms -------------------------------------------------------------------------------
// The average body and range are the same for every pattern with the same period: they are
// computed once (a RollingSum each, re-summed on the same updates as the class). One pattern
// then runs its own loop, reading only the columns it needs; several patterns run in one loop
// that reads the bars once for all of them (these loops are limited by memory traffic, not
// arithmetic: ten patterns together take a third of the time of ten separate loops). Every
// expression is the class's `detect`, so the flags are the class's.

type OHLCColumns = Pick<OhlcvColumns, 'open' | 'high' | 'low' | 'close'>;

/** Output columns by pattern; patterns not requested are absent. */
type PatternOutputs = Partial<Record<CandlePatternName, Float64Array>>;

/** Patterns over `[from, to)`: `outs[k]` gets `patterns[k]`. */
function candlePatternsInto(c: OHLCColumns, from: number, to: number, layout: CandleLayout, patterns: readonly CandlePatternName[], outs: readonly Float64Array[]): void {
  const { open, high, low, close } = c;
  const n = close.length;
  const { period } = layout;
  const bodies = borrowScratch(n);
  const ranges = borrowScratch(n);
  const avgBody = borrowScratch(n);
  const avgRange = borrowScratch(n);
  for (let i = from; i < to; i++) {
    const o = open[i]!;
    const cl = close[i]!;
    bodies[i] = o > cl ? o - cl : cl - o;
    ranges[i] = high[i]! - low[i]!;
  }
  // Sums after each bar; bar i is judged against the sums up to bar i − 1.
  rollingSumInto(bodies, from, to, period, avgBody);
  rollingSumInto(ranges, from, to, period, avgRange);
  for (let i = to - 1; i > from; i--) {
    avgBody[i] = avgBody[i - 1]! / period;
    avgRange[i] = avgRange[i - 1]! / period;
  }
  // A pattern starts once the averages and its bars exist (the class's warm-up).
  const startOf = (pattern: CandlePatternName): number => Math.min(to, from + Math.max(period, CANDLE_PATTERNS[pattern].bars - 1));
  patterns.forEach((pattern, k) => fillNaN(outs[k]!, from, startOf(pattern)));
  if (patterns.length === 1) {
    // One pattern (the registry's `cdl_*`): its own loop reads only the columns it needs.
    patternLoop(patterns[0]!, c, startOf(patterns[0]!), to, layout, bodies, avgBody, avgRange, outs[0]!);
    releaseScratch(bodies, ranges, avgBody, avgRange);
    return;
  }
  // With a period of 1 or 2 the three-bar patterns start later than the others: one loop per
  // distinct start.
  const starts = [...new Set(patterns.map(startOf))].sort((a, b) => a - b);
  starts.forEach((start, s) => {
    const active: PatternOutputs = {};
    patterns.forEach((pattern, k) => {
      if (startOf(pattern) <= start) active[pattern] = outs[k];
    });
    patternsLoop(c, from, start, s + 1 < starts.length ? starts[s + 1]! : to, layout, bodies, avgBody, avgRange, active);
  });
  releaseScratch(bodies, ranges, avgBody, avgRange);
}

/** One pattern over `[start, to)` (every bar there has its two predecessors and its averages). */
function patternLoop(pattern: CandlePatternName, c: OHLCColumns, start: number, to: number, t: CandleLayout, bodies: Float64Array, avgBodies: Float64Array, avgRanges: Float64Array, out: Float64Array): void {
  const { open, high, low, close } = c;
  const { bodyNone, bodyShort, bodyLong, wickNone, wickLong, near } = t;
  switch (pattern) {
    case 'doji':
      for (let i = start; i < to; i++) out[i] = bodies[i]! < bodyNone * avgRanges[i]! ? 1 : 0;
      return;
    case 'dragonfly_doji':
    case 'gravestone_doji':
    case 'long_legged_doji':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const avgRange = avgRanges[i]!;
        const avgBody = avgBodies[i]!;
        const upper = high[i]! - (o > cl ? o : cl);
        const lower = (o > cl ? cl : o) - low[i]!;
        const doji = bodies[i]! < bodyNone * avgRange;
        if (pattern === 'dragonfly_doji') out[i] = doji && upper < wickNone * avgRange && lower > wickLong * avgBody ? 1 : 0;
        else if (pattern === 'gravestone_doji') out[i] = doji && upper > wickLong * avgBody && lower < wickNone * avgRange ? 1 : 0;
        else out[i] = doji && upper > wickLong * avgBody && lower > wickLong * avgBody ? 1 : 0;
      }
      return;
    case 'hammer':
    case 'hanging_man':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const avgRange = avgRanges[i]!;
        const avgBody = avgBodies[i]!;
        const bottom = o > cl ? cl : o;
        const upper = high[i]! - (o > cl ? o : cl);
        const lower = bottom - low[i]!;
        const shape = bodies[i]! < bodyShort * avgBody && upper < wickNone * avgRange && lower > wickLong * avgBody;
        if (pattern === 'hammer') out[i] = shape && bottom <= low[i - 1]! + near * avgRange ? 1 : 0;
        else out[i] = shape && bottom >= high[i - 1]! - near * avgRange ? -1 : 0;
      }
      return;
    case 'inverted_hammer':
    case 'shooting_star':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const avgRange = avgRanges[i]!;
        const avgBody = avgBodies[i]!;
        const top = o > cl ? o : cl;
        const bottom = o > cl ? cl : o;
        const shape = bodies[i]! < bodyShort * avgBody && high[i]! - top > wickLong * avgBody && bottom - low[i]! < wickNone * avgRange;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        if (pattern === 'inverted_hammer') out[i] = shape && top <= (o1 > c1 ? c1 : o1) ? 1 : 0;
        else out[i] = shape && bottom >= (o1 > c1 ? o1 : c1) ? -1 : 0;
      }
      return;
    case 'spinning_top':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const body = bodies[i]!;
        const upper = high[i]! - (o > cl ? o : cl);
        const lower = (o > cl ? cl : o) - low[i]!;
        out[i] = body < bodyShort * avgBodies[i]! && upper > body && lower > body ? (cl >= o ? 1 : -1) : 0;
      }
      return;
    case 'marubozu':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const avgRange = avgRanges[i]!;
        const upper = high[i]! - (o > cl ? o : cl);
        const lower = (o > cl ? cl : o) - low[i]!;
        out[i] = bodies[i]! > bodyLong * avgBodies[i]! && upper < wickNone * avgRange && lower < wickNone * avgRange ? (cl > o ? 1 : -1) : 0;
      }
      return;
    case 'engulfing':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        if (o < cl && o1 > c1 && cl > o1 && o < c1) out[i] = 1;
        else if (o > cl && o1 < c1 && cl < o1 && o > c1) out[i] = -1;
        else out[i] = 0;
      }
      return;
    case 'harami':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        const avgBody = avgBodies[i]!;
        const body1 = o1 > c1 ? o1 - c1 : c1 - o1;
        const top = o > cl ? o : cl;
        const bottom = o > cl ? cl : o;
        if (body1 > bodyLong * avgBody && bodies[i]! < bodyShort * avgBody && top < (o1 > c1 ? o1 : c1) && bottom > (o1 > c1 ? c1 : o1)) out[i] = o1 > c1 ? 1 : -1;
        else out[i] = 0;
      }
      return;
    case 'morning_star':
    case 'morning_doji_star':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        const o2 = open[i - 2]!;
        const c2 = close[i - 2]!;
        const avgBody = avgBodies[i]!;
        const body1 = o1 > c1 ? o1 - c1 : c1 - o1;
        const top1 = o1 > c1 ? o1 : c1;
        const middle = pattern === 'morning_star' ? body1 < bodyShort * avgBody : body1 < bodyNone * avgRanges[i]!;
        const first = o2 > c2 && o2 - c2 > bodyLong * avgBody;
        out[i] = first && top1 <= c2 && middle && o < cl && (o > cl ? cl : o) >= top1 && cl >= c2 ? 1 : 0;
      }
      return;
    case 'evening_star':
    case 'evening_doji_star':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        const o2 = open[i - 2]!;
        const c2 = close[i - 2]!;
        const avgBody = avgBodies[i]!;
        const body1 = o1 > c1 ? o1 - c1 : c1 - o1;
        const bottom1 = o1 > c1 ? c1 : o1;
        const middle = pattern === 'evening_star' ? body1 < bodyShort * avgBody : body1 < bodyNone * avgRanges[i]!;
        const first = c2 > o2 && c2 - o2 > bodyLong * avgBody;
        out[i] = first && bottom1 >= c2 && middle && o > cl && (o > cl ? o : cl) <= bottom1 && cl <= c2 ? -1 : 0;
      }
      return;
    case 'abandoned_baby':
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        const o2 = open[i - 2]!;
        const c2 = close[i - 2]!;
        const h1 = high[i - 1]!;
        const l1 = low[i - 1]!;
        const longFirst = (o2 > c2 ? o2 - c2 : c2 - o2) > bodyLong * avgBodies[i]!;
        const dojiMiddle = (o1 > c1 ? o1 - c1 : c1 - o1) < bodyNone * avgRanges[i]!;
        if (longFirst && dojiMiddle && o2 > c2 && h1 <= low[i - 2]! && o < cl && low[i]! >= h1 && cl >= c2) out[i] = 1;
        else if (longFirst && dojiMiddle && o2 < c2 && l1 >= high[i - 2]! && o > cl && high[i]! <= l1 && cl <= c2) out[i] = -1;
        else out[i] = 0;
      }
      return;
    case 'three_white_soldiers':
    case 'three_black_crows': {
      const white = pattern === 'three_white_soldiers';
      for (let i = start; i < to; i++) {
        const o = open[i]!;
        const cl = close[i]!;
        const o1 = open[i - 1]!;
        const c1 = close[i - 1]!;
        const o2 = open[i - 2]!;
        const c2 = close[i - 2]!;
        const bottom2 = o2 > c2 ? c2 : o2;
        const top2 = o2 > c2 ? o2 : c2;
        const top1 = o1 > c1 ? o1 : c1;
        const bottom1 = o1 > c1 ? c1 : o1;
        const inside = o1 < top2 && o1 > bottom2 && o < top1 && o > bottom1;
        if (white) out[i] = o2 < c2 && o1 < c1 && o < cl && inside ? 1 : 0;
        else out[i] = o2 > c2 && o1 > c1 && o > cl && inside ? -1 : 0;
      }
      return;
    }
  }
}

/**
 * Every pattern of `outs` over `[start, to)` (a valid run begins at `from`; the two previous bars
 * before it count as 0, as in a fresh class).
 */
function patternsLoop(c: OHLCColumns, from: number, start: number, to: number, t: CandleLayout, bodies: Float64Array, avgBodies: Float64Array, avgRanges: Float64Array, outs: PatternOutputs): void {
  const { open, high, low, close } = c;
  const { bodyNone, bodyShort, bodyLong, wickNone, wickLong, near } = t;
  const { doji, dragonfly_doji: dragonfly, gravestone_doji: gravestone, long_legged_doji: longLegged, hammer, hanging_man: hangingMan } = outs;
  const { inverted_hammer: invertedHammer, shooting_star: shootingStar, spinning_top: spinningTop, marubozu, engulfing, harami } = outs;
  const { morning_star: morningStar, evening_star: eveningStar, morning_doji_star: morningDojiStar, evening_doji_star: eveningDojiStar } = outs;
  const { abandoned_baby: abandonedBaby, three_white_soldiers: whiteSoldiers, three_black_crows: blackCrows } = outs;
  const threeBar = morningStar ?? eveningStar ?? morningDojiStar ?? eveningDojiStar ?? abandonedBaby ?? whiteSoldiers ?? blackCrows;
  // The previous two bars (1 = previous, 2 = the one before), carried along as the class does.
  let o1 = 0;
  let h1 = 0;
  let l1 = 0;
  let c1 = 0;
  let o2 = 0;
  let h2 = 0;
  let l2 = 0;
  let c2 = 0;
  if (start - 1 >= from) [o1, h1, l1, c1] = [open[start - 1]!, high[start - 1]!, low[start - 1]!, close[start - 1]!];
  if (start - 2 >= from) [o2, h2, l2, c2] = [open[start - 2]!, high[start - 2]!, low[start - 2]!, close[start - 2]!];
  for (let i = start; i < to; i++) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const body = bodies[i]!;
    const avgBody = avgBodies[i]!;
    const avgRange = avgRanges[i]!;
    const top = o > c ? o : c;
    const bottom = o > c ? c : o;
    const upper = h - top;
    const lower = bottom - l;
    const body1 = o1 > c1 ? o1 - c1 : c1 - o1;
    const top1 = o1 > c1 ? o1 : c1;
    const bottom1 = o1 > c1 ? c1 : o1;
    // Every condition as 0 or 1, combined with `&`: no branch per condition (the conditions are
    // unpredictable from bar to bar, and a mispredicted branch costs more than evaluating all of
    // them). A bearish pattern is `0 − flag`, so "no pattern" stays +0 as in the class.
    const dojiBody = +(body < bodyNone * avgRange);
    const shortBody = +(body < bodyShort * avgBody);
    const noUpper = +(upper < wickNone * avgRange);
    const noLower = +(lower < wickNone * avgRange);
    const longUpper = +(upper > wickLong * avgBody);
    const longLower = +(lower > wickLong * avgBody);
    if (doji) doji[i] = dojiBody;
    if (dragonfly) dragonfly[i] = dojiBody & noUpper & longLower;
    if (gravestone) gravestone[i] = dojiBody & longUpper & noLower;
    if (longLegged) longLegged[i] = dojiBody & longUpper & longLower;
    if (hammer) hammer[i] = shortBody & noUpper & longLower & +(bottom <= l1 + near * avgRange);
    if (hangingMan) hangingMan[i] = 0 - (shortBody & noUpper & longLower & +(bottom >= h1 - near * avgRange));
    if (invertedHammer) invertedHammer[i] = shortBody & longUpper & noLower & +(top <= bottom1);
    if (shootingStar) shootingStar[i] = 0 - (shortBody & longUpper & noLower & +(bottom >= top1));
    if (spinningTop) spinningTop[i] = shortBody & +(upper > body) & +(lower > body) ? (c >= o ? 1 : -1) : 0;
    if (marubozu) marubozu[i] = +(body > bodyLong * avgBody) & noUpper & noLower ? (c > o ? 1 : -1) : 0;
    // Bullish and bearish engulfing exclude each other (o < c against o > c).
    if (engulfing) engulfing[i] = (+(o < c) & +(o1 > c1) & +(c > o1) & +(o < c1)) - (+(o > c) & +(o1 < c1) & +(c < o1) & +(o > c1));
    if (harami) {
      const inside = +(body1 > bodyLong * avgBody) & shortBody & +(top < top1) & +(bottom > bottom1);
      const afterBlack = +(o1 > c1);
      harami[i] = (inside & afterBlack) - (inside & (1 - afterBlack));
    }
    if (threeBar) {
      const shortMiddle = +(body1 < bodyShort * avgBody);
      const dojiMiddle = +(body1 < bodyNone * avgRange);
      const morning = +(o2 > c2) & +(o2 - c2 > bodyLong * avgBody) & +(top1 <= c2) & +(o < c) & +(bottom >= top1) & +(c >= c2);
      const evening = +(c2 > o2) & +(c2 - o2 > bodyLong * avgBody) & +(bottom1 >= c2) & +(o > c) & +(top <= bottom1) & +(c <= c2);
      if (morningStar) morningStar[i] = morning & shortMiddle;
      if (morningDojiStar) morningDojiStar[i] = morning & dojiMiddle;
      if (eveningStar) eveningStar[i] = 0 - (evening & shortMiddle);
      if (eveningDojiStar) eveningDojiStar[i] = 0 - (evening & dojiMiddle);
      if (abandonedBaby) {
        const longFirst = (o2 > c2 ? o2 - c2 : c2 - o2) > bodyLong * avgBody;
        if (longFirst && dojiMiddle && o2 > c2 && h1 <= l2 && o < c && l >= h1 && c >= c2) abandonedBaby[i] = 1;
        else if (longFirst && dojiMiddle && o2 < c2 && l1 >= h2 && o > c && h <= l1 && c <= c2) abandonedBaby[i] = -1;
        else abandonedBaby[i] = 0;
      }
      if (whiteSoldiers ?? blackCrows) {
        const bottom2 = o2 > c2 ? c2 : o2;
        const top2 = o2 > c2 ? o2 : c2;
        const inside = +(o1 < top2) & +(o1 > bottom2) & +(o < top1) & +(o > bottom1);
        if (whiteSoldiers) whiteSoldiers[i] = +(o2 < c2) & +(o1 < c1) & +(o < c) & inside;
        if (blackCrows) blackCrows[i] = 0 - (+(o2 > c2) & +(o1 > c1) & +(o > c) & inside);
      }
    }
    o2 = o1;
    h2 = h1;
    l2 = l1;
    c2 = c1;
    o1 = o;
    h1 = h;
    l1 = l;
    c1 = c;
  }
}

function patternsBatch(c: OHLCColumns, options: CandleOptions | undefined, patterns: readonly CandlePatternName[]): Float64Array[] {
  const classes = patterns.map((pattern) => new CandlePattern({ ...options, pattern }));
  const n = c.close.length;
  const outs = patterns.map(() => new Float64Array(n));
  const layout = classes[0]!.layout;
  const { open, high, low, close } = c;
  if (!runSegments(n, isStrict(options), (f) => validEnd4(open, high, low, close, f), (a, b) => (candlePatternsInto(c, a, b, layout, patterns, outs), true), outs)) {
    classes.forEach((ind, k) => {
      const out = outs[k]!;
      for (let i = 0; i < n; i++) out[i] = ind.step(open[i]!, high[i]!, low[i]!, close[i]!);
    });
  }
  return outs;
}

/** Batch candlestick pattern. */
export function candlePattern(c: OHLCColumns, options?: CandleOptions): Float64Array {
  return patternsBatch(c, options, [options?.pattern ?? 'doji'])[0]!;
}

/**
 * Several candlestick patterns with the same settings at once: the average body and range are
 * computed once for all of them. The same numbers as {@link candlePattern} for each.
 * @example
 * const { engulfing, harami } = candlePatterns(table, ['engulfing', 'harami']);
 */
export function candlePatterns<P extends CandlePatternName>(c: OHLCColumns, patterns: readonly P[], options?: Omit<CandleOptions, 'pattern'>): Record<P, Float64Array> {
  const outs = patternsBatch(c, options, patterns);
  const result = {} as Record<P, Float64Array>;
  patterns.forEach((p, k) => {
    result[p] = outs[k]!;
  });
  return result;
}
