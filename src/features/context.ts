/**
 * The two places features are computed:
 * - {@link BatchContext}: a whole table at once; indicator results and derived series are cached
 *   so that features sharing an indicator compute it once;
 * - {@link StreamContext}: one bar at a time; stateful pieces ("nodes": indicator instances,
 *   rolling windows, higher-timeframe builders) are updated once per bar, in the order they were
 *   registered (dependencies first), then each feature reads its value.
 */
import { DataError } from '../core/errors.js';
import { timeframeMs } from '../core/time.js';
import { bucketStart } from '../data/candle-builder.js';
import { resampleBars } from '../data/resample.js';
import { computeIndicator, createIndicator, resolveParams, type BarInput, type IndicatorInstance, type IndicatorResult } from '../indicators/index.js';
import type { BarTable } from '../model/bar.js';

function indicatorKey(name: string, params: Readonly<Record<string, unknown>> | undefined): string {
  return `${name}${JSON.stringify(resolveParams(name, params ?? {}))}`;
}

/** Batch computation over one table. */
export class BatchContext {
  readonly timeframeMs: number;
  private readonly indicators = new Map<string, IndicatorResult>();
  private readonly cache = new Map<string, Float64Array>();
  private readonly higher = new Map<string, BatchContext>();
  private readonly cached = new Set<Float64Array>();

  constructor(readonly table: BarTable) {
    this.timeframeMs = timeframeMs(table.timeframe);
  }

  get length(): number {
    return this.table.length;
  }

  /** The batch result of a registry indicator, computed once per (name, resolved params). */
  indicator(name: string, params?: Readonly<Record<string, unknown>>): IndicatorResult {
    const key = indicatorKey(name, params);
    let result = this.indicators.get(key);
    if (!result) {
      result = computeIndicator(name, this.table, params ?? {});
      this.indicators.set(key, result);
      for (const line of Object.values(result.lines)) this.cached.add(line);
    }
    return result;
  }

  /** A line of a registry indicator (the primary line when `line` is undefined). */
  line(name: string, params: Readonly<Record<string, unknown>> | undefined, line: string | undefined): Float64Array {
    const result = this.indicator(name, params);
    const l = line ?? Object.keys(result.lines)[0]!;
    return result.lines[l]!;
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
export function closedHigherIndex(baseTime: Float64Array, baseMs: number, higherTime: Float64Array, higherMs: number): Int32Array {
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

/** Cold path: bars must arrive in strictly increasing time. */
export function throwOutOfOrder(index: number, time: number, previous: number): never {
  throw new DataError(`bar ${index} at ${new Date(time).toISOString()} is not after the previous bar (${new Date(previous).toISOString()}); feed bars in time order`, { field: 'time' });
}
