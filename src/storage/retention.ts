/**
 * The retention job: raw ticks pile up fast (a busy pair prints millions a day) and lose their
 * value once candles are built, so ticks older than the policy are deleted periodically, in
 * batches that never hold the write lock for long.
 */
import { HOUR_MS } from '../core/time.js';
import type { RetentionPolicy, RetentionReport, Storage } from './port.js';

export interface RetentionJobOptions {
  /** Time between runs; default one hour. */
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly onReport?: (report: RetentionReport) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * @example
 *   const job = new RetentionJob(storage, { tickDays: 30 }, { onReport: (r) => log.info(r) });
 *   job.start();   // … job.stop() on shutdown
 */
export class RetentionJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionReport> | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'applyRetention'>,
    private readonly policy: RetentionPolicy,
    private readonly options: RetentionJobOptions = {},
  ) {
    if (!(policy.tickDays > 0)) throw new RangeError(`retention tickDays must be positive, got ${policy.tickDays}`);
  }

  /** Runs once now; a run already in progress is joined rather than started twice. */
  runOnce(): Promise<RetentionReport> {
    this.#running ??= this.storage.applyRetention(this.policy, (this.options.now ?? Date.now)())
      .then((report) => {
        this.options.onReport?.(report);
        return report;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** Runs now and then every `intervalMs`; the timer does not keep the process alive. */
  start(): void {
    if (this.#timer) return;
    const tick = (): void => {
      this.runOnce().catch((error: unknown) => this.options.onError?.(error));
    };
    tick();
    this.#timer = setInterval(tick, this.options.intervalMs ?? HOUR_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
