/**
 * A DataClient that replays recorded bars as if they were a live feed, with a simulated clock
 * that it advances itself: paper trading on history, demos and the "same kernel" tests. Several
 * symbols are merged by time; within a time step every bar trades (phase 1, clock at the open)
 * before any closes (phase 2, clock at the close) — the order the backtest runner uses, which is
 * what makes a replayed paper run and a backtest of the same bars produce the same trades.
 *
 * Pacing: `speed` time steps per second of wall time, scheduled against the time the replay
 * started (so a slow consumer catches up rather than drifting), or `max`, which delivers in
 * batches and yields to the event loop between them so that Ctrl-C and timers still run.
 */
import type { SimulatedClock } from '../../core/clock.js';
import { ConfigurationError } from '../../core/errors.js';
import { Lifecycle } from '../../core/lifecycle.js';
import { timeframeMs, type Timeframe } from '../../core/time.js';
import type { DataClient, MarketDataSink } from '../../data/client.js';
import type { Bar, BarTable } from '../../model/bar.js';
import { replayConfigSchema, type ReplayConfig, type ReplayConfigInput } from './config.js';

export interface ReplayProgress {
  /** Time steps delivered so far and in total (after `maxSteps`). */
  readonly delivered: number;
  readonly total: number;
  /** Open time of the last step delivered (NaN before the first). */
  readonly time: number;
}

export class ReplayDataClient implements DataClient {
  readonly name = 'replay';
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly lifecycle: Lifecycle;
  readonly finished: Promise<void>;
  private readonly config: ReplayConfig;
  private readonly tf: number;
  private readonly cursor: Int32Array;
  private readonly pending: Bar[] = [];
  private readonly total: number;
  private sink: MarketDataSink | undefined;
  private delivered = 0;
  private lastTime = Number.NaN;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private paceOrigin = 0;
  private paceBase = 0;
  private resolveFinished!: () => void;
  private rejectFinished!: (error: unknown) => void;
  private done = false;

  constructor(
    private readonly tables: readonly BarTable[],
    private readonly clock: SimulatedClock,
    config: ReplayConfigInput = {},
  ) {
    const parsed = replayConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigurationError(issue.message, ['replay', ...issue.path.map(String)].join('.'));
    }
    this.config = parsed.data;
    if (tables.length === 0) throw new ConfigurationError('nothing to replay: give at least one bar series', 'replay.data');
    const timeframe = tables[0]!.timeframe;
    for (const t of tables) {
      if (t.timeframe !== timeframe) throw new ConfigurationError(`all series must share one timeframe; ${tables[0]!.symbol} is ${timeframe}, ${t.symbol} is ${t.timeframe}`, 'replay.data');
    }
    this.symbols = tables.map((t) => t.symbol);
    this.timeframe = timeframe;
    this.tf = timeframeMs(timeframe);
    this.cursor = new Int32Array(tables.length);
    this.total = Math.min(countSteps(tables), this.config.maxSteps ?? Infinity);
    this.lifecycle = new Lifecycle(`data-client:${this.name}`, () => clock.now());
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // A rejection nobody awaited yet must not crash the process; `finished` still rejects for those who do.
    this.finished.catch(() => {});
  }

  get progress(): ReplayProgress {
    return { delivered: this.delivered, total: this.total, time: this.lastTime };
  }

  get speed(): number | 'max' {
    return this.config.speed;
  }

  /** Changes the pace from now on. */
  setSpeed(speed: number | 'max'): void {
    const parsed = replayConfigSchema.shape.speed.safeParse(speed);
    if (!parsed.success) throw new ConfigurationError(parsed.error.issues[0]!.message, 'replay.speed');
    this.config.speed = parsed.data;
    this.paceOrigin = performance.now();
    this.paceBase = this.delivered;
  }

  start(sink: MarketDataSink): Promise<void> {
    if (this.sink) throw new Error('the replay client was already started');
    this.sink = sink;
    this.lifecycle.transition('running');
    this.paceOrigin = performance.now();
    this.paceBase = 0;
    this.schedule(0);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.clearTimer();
    this.end();
    return Promise.resolve();
  }

  /**
   * Delivers one time step synchronously; false when the data is exhausted. The timer-driven
   * pump uses it, and tests can drive a replay by hand.
   */
  step(): boolean {
    const sink = this.sink;
    if (!sink) throw new Error('start the replay client before stepping it');
    if (this.delivered >= this.total) return false;
    const tables = this.tables;
    let t = Infinity;
    for (let k = 0; k < tables.length; k++) {
      const c = this.cursor[k]!;
      if (c < tables[k]!.length && tables[k]!.time[c]! < t) t = tables[k]!.time[c]!;
    }
    if (t === Infinity) return false;
    this.clock.advanceTo(t);
    const pending = this.pending;
    pending.length = 0;
    for (let k = 0; k < tables.length; k++) {
      const c = this.cursor[k]!;
      if (c < tables[k]!.length && tables[k]!.time[c] === t) {
        this.cursor[k] = c + 1;
        const bar = tables[k]!.bar(c);
        if (sink.marketBar(bar)) pending.push(bar);
      }
    }
    this.clock.advanceTo(t + this.tf);
    for (let i = 0; i < pending.length; i++) sink.closeBar(pending[i]!);
    this.delivered++;
    this.lastTime = t;
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.done) return;
    this.timer = delayMs <= 0 ? setImmediate(this.pump) : setTimeout(this.pump, delayMs);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    if (this.done) return;
    try {
      const speed = this.config.speed;
      let due: number;
      if (speed === 'max') due = this.config.batch;
      else {
        const elapsed = performance.now() - this.paceOrigin;
        due = Math.min(this.config.batch, Math.floor((elapsed * speed) / 1000) + 1 - (this.delivered - this.paceBase));
      }
      for (let i = 0; i < due; i++) {
        if (!this.step()) {
          this.end();
          return;
        }
        if (this.done) return; // stopped from inside a callback
      }
      if (this.delivered >= this.total) {
        this.end();
        return;
      }
      if (speed === 'max') this.schedule(0);
      else {
        const next = this.paceOrigin + ((this.delivered - this.paceBase) * 1000) / speed;
        this.schedule(Math.max(0, next - performance.now()));
      }
    } catch (error) {
      this.done = true;
      this.lifecycle.transition('faulted', error instanceof Error ? error.message : String(error));
      this.rejectFinished(error);
    }
  };

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.lifecycle.transition('stopped');
    this.resolveFinished();
  }
}

function countSteps(tables: readonly BarTable[]): number {
  if (tables.length === 1) return tables[0]!.length;
  const times = new Set<number>();
  for (const t of tables) for (let i = 0; i < t.length; i++) times.add(t.time[i]!);
  return times.size;
}
