/**
 * Trading state: ACTIVE (anything goes through the checks), REDUCING (only orders that reduce a
 * position), HALTED (nothing).
 *
 * Two sources decide it, and the stricter wins: the state a person (or the API) set, and the
 * holds placed by circuit breakers. A user who sets ACTIVE while the daily-loss breaker holds
 * REDUCING stays REDUCING until that breaker resets — a breaker cannot be talked out of its job by
 * accident, only reset on purpose (see RiskEngine.resetBreaker). Every change of the effective
 * state is reported with who made it and why.
 */
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export const tradingStates: readonly TradingState[] = ['ACTIVE', 'REDUCING', 'HALTED'];

/** A change of the effective state. */
export interface TradingStateChange {
  readonly from: TradingState;
  readonly to: TradingState;
  readonly reason: string;
  readonly actor: string;
  readonly time: number;
}

/** A breaker's claim on the state: the effective state is at least this strict while it stands. */
export interface TradingStateHold {
  readonly source: string;
  readonly state: TradingState;
  readonly reason: string;
  readonly since: number;
}

/** A request to set the state by hand, whether or not it changed the effective state. */
export interface TradingStateRequest {
  readonly requested: TradingState;
  readonly previous: TradingState;
  /** The effective state after the request. */
  readonly effective: TradingState;
  /** Breakers whose holds keep the effective state stricter than requested. */
  readonly heldBy: readonly string[];
  readonly reason: string;
  readonly actor: string;
  readonly time: number;
}

const severity: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** The stricter of two states. */
export function stricter(a: TradingState, b: TradingState): TradingState {
  return severity[a] >= severity[b] ? a : b;
}

const HISTORY = 100;

/**
 * @example
 *   const state = new TradingStateHolder();
 *   state.onChange((c) => console.log(`${c.from} → ${c.to} by ${c.actor}: ${c.reason}`));
 *   state.set('HALTED', 'manual kill switch', 'alice', Date.now());
 */
export class TradingStateHolder {
  private effective: TradingState = 'ACTIVE';
  private manual: TradingState = 'ACTIVE';
  private readonly holdMap = new Map<string, TradingStateHold>();
  private readonly listeners: Array<(change: TradingStateChange) => void> = [];
  private readonly requestListeners: Array<(request: TradingStateRequest) => void> = [];
  private readonly recent: TradingStateChange[] = [];

  /** The effective state: the stricter of the manual state and every hold. */
  get state(): TradingState {
    return this.effective;
  }

  /** The state last set by hand (ACTIVE until someone sets another). */
  get manualState(): TradingState {
    return this.manual;
  }

  get holds(): readonly TradingStateHold[] {
    return [...this.holdMap.values()];
  }

  /** The last changes of the effective state, oldest first (at most 100). */
  get history(): readonly TradingStateChange[] {
    return this.recent;
  }

  /**
   * Sets the state by hand (API, CLI, a user). Breaker holds still apply on top of it: the
   * returned request says which effective state resulted and which breakers hold it.
   */
  set(to: TradingState, reason: string, actor: string, time: number): TradingStateRequest {
    const previous = this.manual;
    this.manual = to;
    this.update(reason, actor, time);
    const request: TradingStateRequest = {
      requested: to, previous, effective: this.effective, reason, actor, time,
      heldBy: [...this.holdMap.values()].filter((h) => severity[h.state] > severity[to]).map((h) => h.source),
    };
    for (const listener of this.requestListeners) listener(request);
    return request;
  }

  /** Places (or replaces) a hold from `source`. */
  hold(source: string, state: TradingState, reason: string, time: number, actor = source): void {
    this.holdMap.set(source, { source, state, reason, since: time });
    this.update(reason, actor, time);
  }

  /** Lifts the hold of `source`, if any. */
  release(source: string, reason: string, time: number, actor = source): void {
    if (!this.holdMap.delete(source)) return;
    this.update(reason, actor, time);
  }

  /** Called on every change of the effective state; returns a function that unsubscribes. */
  onChange(listener: (change: TradingStateChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Called on every manual `set`, including those that a hold overrides. */
  onRequest(listener: (request: TradingStateRequest) => void): () => void {
    this.requestListeners.push(listener);
    return () => {
      const i = this.requestListeners.indexOf(listener);
      if (i >= 0) this.requestListeners.splice(i, 1);
    };
  }

  private update(reason: string, actor: string, time: number): void {
    let next = this.manual;
    for (const hold of this.holdMap.values()) next = stricter(next, hold.state);
    if (next === this.effective) return;
    const change: TradingStateChange = { from: this.effective, to: next, reason, actor, time };
    this.effective = next;
    this.recent.push(change);
    if (this.recent.length > HISTORY) this.recent.shift();
    for (const listener of this.listeners) listener(change);
  }
}
