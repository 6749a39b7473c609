/**
 * The two places features are computed:
 * - {@link BatchContext}: a whole table at once; indicator results and derived series are cached
 *   so that features sharing an indicator compute it once. `generateFeatures` first announces
 *   every indicator line and intermediate series the features will read; the context then
 *   computes candlestick patterns together, lets the last reader of a line overwrite it, and
 *   reuses arrays nobody will read again (unread lines, finished intermediates) for new columns.
 *   Announcements only save time: a read that was not announced gets the right numbers too;
 * - {@link StreamContext}: one bar at a time; stateful pieces ("nodes": indicator instances,
 *   rolling windows, higher-timeframe builders) are updated once per bar, in the order they were
 *   registered (dependencies first), then each feature reads its value.
 */
import { DataError } from '../core/errors.js';
import { timeframeMs } from '../core/time.js';
import { bucketStart } from '../data/candle-builder.js';
import { resampleBars } from '../data/resample.js';
import {
  CANDLE_PATTERN_NAMES, candlePatterns, computeIndicator, createIndicator, getIndicator, resolveParams,
  type BarInput, type CandleOptions, type CandlePatternName, type IndicatorInstance, type IndicatorResult,
} from '../indicators/index.js';
import { declareCheckedColumns } from '../indicators/core/kernels.js';
import type { BarTable } from '../model/bar.js';

function indicatorKey(name: string, params: Readonly<Record<string, unknown>> | undefined): string {
  return `${name}${JSON.stringify(resolveParams(name, params ?? {}))}`;
}

/** The name of a line (`line`, or the indicator's primary line). */
function lineName(name: string, line: string | undefined): string {
  return line ?? getIndicator(name).lines[0]!;
}

/** One line of one indicator with resolved parameters. */
function lineKey(name: string, params: Readonly<Record<string, unknown>> | undefined, line: string | undefined): string {
  return `${indicatorKey(name, params)}#${lineName(name, line)}`;
}

const CANDLE_PREFIX = 'cdl_';

/** The pattern of a registry name `cdl_<pattern>`, or undefined for any other indicator. */
function candlePatternOf(name: string): CandlePatternName | undefined {
  if (!name.startsWith(CANDLE_PREFIX)) return undefined;
  const pattern = name.slice(CANDLE_PREFIX.length) as CandlePatternName;
  return CANDLE_PATTERN_NAMES.includes(pattern) ? pattern : undefined;
}

/** Batch computation over one table. */
export class BatchContext {
  readonly timeframeMs: number;
  private readonly indicators = new Map<string, IndicatorResult>();
  /** Candlestick patterns announced by {@link expectIndicators}, by their shared settings. */
  private readonly patternGroups = new Map<string, Set<CandlePatternName>>();
  private readonly cache = new Map<string, Float64Array>();
  private readonly higher = new Map<string, BatchContext>();
  private readonly cached = new Set<Float64Array>();
  private readonly finite = new WeakSet<Float64Array>();
  private readonly runs = new Map<string, HigherRuns>();
  /** Announced reads of each indicator line not made yet (see {@link takeLine}), by `lineKey`. */
  private readonly pendingReads = new Map<string, number>();
  /** Lines returned by {@link line}: features may hold them, so they are never overwritten. */
  private readonly handedOut = new WeakSet<Float64Array>();
  /** Lines given away by {@link takeLine}: a later read computes the indicator again. */
  private readonly taken = new Set<string>();
  /** True once reads were announced: lines nobody announced can then be reused ({@link column}). */
  private planned = false;
  /** Arrays of the table's length free for reuse (see {@link column}). */
  private readonly spares: Float64Array[] = [];
  /** Announced uses of intermediate series not made yet (see {@link doneWith}). */
  private readonly pendingUses = new Map<string, number>();

  constructor(readonly table: BarTable) {
    this.timeframeMs = timeframeMs(table.timeframe);
    // Inside `generateFeatures`, the bars are checked once here rather than before every one of
    // the sixty-odd indicators that read them (each would otherwise scan up to four columns).
    const { time, open, high, low, close, volume } = table;
    declareCheckedColumns([time, open, high, low, close, volume]);
  }

  get length(): number {
    return this.table.length;
  }

  /**
   * Announces the indicator lines that features will read (once per read), before they run:
   * - candlestick patterns with the same settings share their average body and range, and
   *   `candlePatterns` computes them in one go (the same numbers as one by one, 2–3× faster for
   *   the ten patterns of the default set);
   * - a line read by a single feature can be handed to it to overwrite ({@link takeLine}).
   * Announcements only make things faster: an unannounced read works the same.
   */
  expectIndicators(refs: Iterable<{ readonly indicator: string; readonly params?: Readonly<Record<string, unknown>> | undefined; readonly line?: string | undefined }>): void {
    this.planned = true;
    for (const { indicator, params, line } of refs) {
      let key: string;
      try {
        key = lineKey(indicator, params, line);
      } catch {
        continue; // reported, with the feature's name, when the feature is computed
      }
      this.pendingReads.set(key, (this.pendingReads.get(key) ?? 0) + 1);
      const pattern = candlePatternOf(indicator);
      if (pattern === undefined) continue;
      const settings = JSON.stringify(resolveParams(indicator, params ?? {}));
      let group = this.patternGroups.get(settings);
      if (!group) this.patternGroups.set(settings, (group = new Set()));
      group.add(pattern);
    }
  }

  /**
   * The batch result of a registry indicator, computed once per (name, resolved params). Lines
   * nobody announced become spare arrays, except `keep` (the line being asked for).
   */
  private indicator(name: string, params: Readonly<Record<string, unknown>> | undefined, keep: string): IndicatorResult {
    const key = indicatorKey(name, params);
    let result = this.indicators.get(key);
    if (!result) {
      const pattern = candlePatternOf(name);
      if (pattern !== undefined) this.computePatternGroup(pattern, params);
      result = this.indicators.get(key);
      if (!result) {
        result = this.remember(key, computeIndicator(name, this.table, params ?? {}), keep);
      }
    }
    return result;
  }

  /**
   * Caches `result`. When reads were announced, a line nobody announced (the middle band of a
   * channel read for its position, the pivot levels beyond r1/s1…) leaves the result and becomes a
   * spare array for another feature's output, saving an allocation (and its share of garbage
   * collection); a read nobody announced then computes the indicator again.
   */
  private remember(key: string, result: IndicatorResult, keep?: string): IndicatorResult {
    let lines = result.lines;
    if (this.planned) {
      for (const [l, values] of Object.entries(result.lines)) {
        const lk = lineKey(result.name, result.params, l);
        if (l === keep || (this.pendingReads.get(lk) ?? 0) > 0 || values.length !== this.length || this.aliased(values, result)) continue;
        if (lines === result.lines) lines = { ...result.lines };
        delete lines[l];
        this.taken.add(lk);
        this.spares.push(values);
      }
    }
    const kept = lines === result.lines ? result : { ...result, lines };
    this.indicators.set(key, kept);
    for (const line of Object.values(kept.lines)) this.cached.add(line);
    return kept;
  }

  /**
   * An array of the table's length for a feature's output: a spare one when there is one (its
   * contents are left over: the caller must write every element), else a new one.
   */
  column(): Float64Array {
    return this.spares.pop() ?? new Float64Array(this.length);
  }

  /**
   * Computes every announced pattern sharing the settings of `cdl_<pattern>` (params) in one
   * `candlePatterns` call, and caches each as `computeIndicator` would have returned it.
   */
  private computePatternGroup(pattern: CandlePatternName, params: Readonly<Record<string, unknown>> | undefined): void {
    const name = `${CANDLE_PREFIX}${pattern}`;
    const resolved = resolveParams(name, params ?? {});
    const group = this.patternGroups.get(JSON.stringify(resolved));
    if (!group?.has(pattern) || group.size < 2) return;
    const patterns = [...group];
    this.patternGroups.delete(JSON.stringify(resolved));
    const options = resolved as Omit<CandleOptions, 'pattern'>;
    const columns = candlePatterns(this.table, patterns, options);
    for (const p of patterns) {
      const pName = `${CANDLE_PREFIX}${p}`;
      const line = getIndicator(pName).lines[0]!;
      const warmup = createIndicator(pName, resolved).warmup;
      this.remember(indicatorKey(pName, resolved), { name: pName, params: resolved, warmup, lines: { [line]: columns[p] } }, line);
    }
  }

  /**
   * A line of a registry indicator (the primary line when `line` is undefined), shared: the
   * caller must not modify it.
   */
  line(name: string, params: Readonly<Record<string, unknown>> | undefined, line: string | undefined): Float64Array {
    const key = lineKey(name, params, line);
    this.pendingReads.set(key, (this.pendingReads.get(key) ?? 0) - 1);
    if (this.taken.delete(key)) this.indicators.delete(indicatorKey(name, params)); // computed again below
    const l = lineName(name, line);
    const values = this.indicator(name, params, l).lines[l]!;
    this.handedOut.add(values);
    return values;
  }

  /**
   * A line the caller may overwrite (e.g. to transform it in place, saving a fresh array of the
   * table's length), or undefined (then read it with {@link line}). A line is given away when no
   * feature has read it yet and no other read was announced; it leaves the cache, so a read
   * nobody announced computes the indicator again (slower, the same numbers).
   */
  takeLine(name: string, params: Readonly<Record<string, unknown>> | undefined, line: string | undefined): Float64Array | undefined {
    const key = lineKey(name, params, line);
    if ((this.pendingReads.get(key) ?? 0) > 1 || this.taken.has(key)) return undefined;
    const ikey = indicatorKey(name, params);
    const l = lineName(name, line);
    const result = this.indicator(name, params, l);
    const values = result.lines[l];
    if (values === undefined || this.handedOut.has(values) || this.aliased(values, result)) return undefined;
    const lines = { ...result.lines };
    delete lines[l];
    this.indicators.set(ikey, { ...result, lines });
    this.cached.delete(values);
    this.pendingReads.set(key, 0);
    this.taken.add(key);
    return values;
  }

  /** True when `values` shares memory with the table or with another line of `result`. */
  private aliased(values: Float64Array, result: IndicatorResult): boolean {
    const { time, open, high, low, close, volume } = this.table;
    for (const column of [time, open, high, low, close, volume]) if (column.buffer === values.buffer) return true;
    for (const other of Object.values(result.lines)) if (other !== values && other.buffer === values.buffer) return true;
    return false;
  }

  /** Announces one use of the intermediate series `key` (see {@link doneWith}). */
  expectSeries(key: string): void {
    this.planned = true;
    this.pendingUses.set(key, (this.pendingUses.get(key) ?? 0) + 1);
  }

  /**
   * Records that one announced use of the intermediate series `key` is over. After the last one
   * its array becomes a spare ({@link column}); a use nobody announced computes it again. Only for
   * series that are never returned as a feature's column.
   */
  doneWith(key: string): void {
    const left = (this.pendingUses.get(key) ?? 0) - 1;
    this.pendingUses.set(key, left);
    const series = this.cache.get(key);
    if (left > 0 || !this.planned || series === undefined) return;
    this.cache.delete(key);
    this.cached.delete(series);
    this.recycle(series);
  }

  /** Gives back an array the caller owns and no longer needs, for reuse by {@link column}. */
  recycle(array: Float64Array): void {
    // A reused array gets new contents: whatever was known about the old ones no longer holds.
    this.finite.delete(array);
    if (array.length === this.length) this.spares.push(array);
  }

  /** A derived series computed once per key. */
  series(key: string, compute: () => Float64Array): Float64Array {
    let s = this.cache.get(key);
    if (!s) {
      s = compute();
      this.cache.set(key, s);
      this.cached.add(s);
    }
    return s;
  }

  /** True when `column` is held by this context's cache (so it must not be modified). */
  isCached(column: Float64Array): boolean {
    return this.cached.has(column);
  }

  /**
   * Records that `column` holds no ±Infinity (it was checked while it was written, or scanned),
   * so that `generateFeatures` need not scan it: over a million rows a scan costs as much as
   * computing a simple feature.
   */
  markFinite(column: Float64Array): Float64Array {
    this.finite.add(column);
    return column;
  }

  /** True when `column` is known to hold no ±Infinity (see {@link markFinite}). */
  isKnownFinite(column: Float64Array): boolean {
    return this.finite.has(column);
  }

  /**
   * How this table's rows map onto the bars of `timeframe` (see {@link HigherRuns}); computed once
   * per timeframe.
   */
  higherRuns(timeframe: string): HigherRuns {
    let runs = this.runs.get(timeframe);
    if (!runs) {
      const higher = this.higherTimeframe(timeframe);
      runs = higherRuns(closedHigherIndex(this.table.time, this.timeframeMs, higher.table.time, higher.timeframeMs));
      this.runs.set(timeframe, runs);
    }
    return runs;
  }

  /** The context of this table resampled to `timeframe` (bucket starts as the candle builder's). */
  higherTimeframe(timeframe: string): BatchContext {
    let ctx = this.higher.get(timeframe);
    if (!ctx) {
      ctx = new BatchContext(resampleBars(this.table, timeframe));
      this.higher.set(timeframe, ctx);
    }
    return ctx;
  }
}

/** Something updated once per bar before features are read. */
export interface StreamNode {
  update(bar: BarInput): unknown;
}

interface MutableBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function emptyBar(): MutableBar {
  return { time: NaN, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
}

/** Incremental computation, one bar at a time. */
export class StreamContext {
  readonly timeframeMs: number;
  /** The latest bar (NaN fields before the first); features read the close and time from it. */
  readonly bar: Readonly<MutableBar>;
  private readonly current: MutableBar = emptyBar();
  private readonly nodes: StreamNode[] = [];
  private readonly shared = new Map<string, unknown>();

  constructor(readonly timeframe: string) {
    this.timeframeMs = timeframeMs(timeframe);
    this.bar = this.current;
  }

  /** An incremental registry indicator, shared by every feature asking for the same (name, params). */
  indicator(name: string, params?: Readonly<Record<string, unknown>>): IndicatorInstance {
    return this.share(`indicator:${indicatorKey(name, params)}`, () => createIndicator(name, params ?? {}));
  }

  /** A node shared under `key`: created (and registered) on first use. */
  share<T extends StreamNode>(key: string, make: () => T): T {
    let node = this.shared.get(key) as T | undefined;
    if (!node) {
      node = this.add(make());
      this.shared.set(key, node);
    }
    return node;
  }

  /** Registers a node; it is updated after every node registered before it. */
  add<T extends StreamNode>(node: T): T {
    this.nodes.push(node);
    return node;
  }

  /** Feeds one bar to every node. */
  step(bar: BarInput): void {
    const b = this.current;
    b.time = bar.time;
    b.open = bar.open;
    b.high = bar.high;
    b.low = bar.low;
    b.close = bar.close;
    b.volume = bar.volume;
    const nodes = this.nodes;
    for (let i = 0; i < nodes.length; i++) nodes[i]!.update(b);
  }
}

/**
 * Builds higher-timeframe bars from base bars and feeds each CLOSED one to a nested context.
 * A higher bar closes when the base bar that ends its bucket arrives, or, when that one is missing,
 * when the first bar of a later bucket arrives (as `data/candle-builder.ts`); buckets are those of
 * `resampleBars`, so the nested context sees exactly the bars the batch form resamples.
 */
export class HigherTimeframeNode implements StreamNode {
  readonly inner: StreamContext;
  private readonly baseMs: number;
  private readonly targetMs: number;
  private readonly building: MutableBar = emptyBar();
  private start = NaN;

  constructor(baseMs: number, timeframe: string) {
    this.inner = new StreamContext(timeframe);
    this.baseMs = baseMs;
    this.targetMs = this.inner.timeframeMs;
  }

  update(bar: BarInput): void {
    const start = bucketStart(bar.time, this.targetMs);
    const b = this.building;
    if (start !== this.start) {
      if (this.start === this.start) this.flush();
      this.start = start;
      b.time = start;
      b.open = bar.open;
      b.high = bar.high;
      b.low = bar.low;
      b.volume = 0;
    } else {
      if (bar.high > b.high) b.high = bar.high;
      if (bar.low < b.low) b.low = bar.low;
    }
    b.close = bar.close;
    b.volume = b.volume + bar.volume;
    if (bar.time + this.baseMs >= start + this.targetMs) this.flush();
  }

  private flush(): void {
    this.inner.step(this.building);
    this.start = NaN;
  }
}

/** For each base bar, the index of the last higher bar closed by the base bar's close (−1: none yet). */
function closedHigherIndex(baseTime: Float64Array, baseMs: number, higherTime: Float64Array, higherMs: number): Int32Array {
  const out = new Int32Array(baseTime.length);
  let j = -1;
  const m = higherTime.length;
  for (let i = 0; i < baseTime.length; i++) {
    const closedBy = baseTime[i]! + baseMs;
    while (j + 1 < m && higherTime[j + 1]! + higherMs <= closedBy) j++;
    out[i] = j;
  }
  return out;
}

/**
 * Consecutive base rows that read the same higher bar: run r covers rows `[start[r], start[r+1])`
 * and reads higher bar `bar[r]` (−1: none closed yet). A higher column is spread over the base
 * rows run by run (one value per run) instead of an index lookup per row.
 */
export interface HigherRuns {
  readonly bar: Int32Array;
  /** `bar.length + 1` entries; the last is the number of base rows. */
  readonly start: Int32Array;
}

function higherRuns(index: Int32Array): HigherRuns {
  let count = 0;
  for (let i = 0; i < index.length; i++) if (i === 0 || index[i] !== index[i - 1]) count++;
  const bar = new Int32Array(count);
  const start = new Int32Array(count + 1);
  let r = -1;
  for (let i = 0; i < index.length; i++) {
    if (i === 0 || index[i] !== index[i - 1]) {
      r++;
      bar[r] = index[i]!;
      start[r] = i;
    }
  }
  start[count] = index.length;
  return { bar, start };
}

/** Cold path: bars must arrive in strictly increasing time. */
export function throwOutOfOrder(index: number, time: number, previous: number): never {
  throw new DataError(`bar ${index} at ${new Date(time).toISOString()} is not after the previous bar (${new Date(previous).toISOString()}); feed bars in time order`, { field: 'time' });
}
