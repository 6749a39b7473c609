/**
 * Clocks. The kernel is the same in every environment; only the clock differs: a backtest or a
 * replay advances a SimulatedClock from the data, live trading reads the wall clock.
 */

export interface Clock {
  /** Current time, UTC epoch milliseconds. */
  now(): number;
}

/** Time advanced explicitly by whoever replays data; it never moves backwards. */
export class SimulatedClock implements Clock {
  private current: number;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward to `time`; earlier times are ignored so that time is monotonic. */
  advanceTo(time: number): void {
    if (time > this.current) this.current = time;
  }
}

/** The wall clock. */
export class LiveClock implements Clock {
  now(): number {
    return Date.now();
  }
}
