/**
 * Scoring heads against the market: every signal is kept until its horizon has passed, then
 * scored with the close of the first bar that closed at or after `time + horizon`. Only prices
 * known by then are used, so learning never looks ahead.
 */
import type { HeadEvaluation } from '../heads/panel.js';

/** A signal waiting for its horizon. */
interface Pending {
  readonly head: string;
  readonly time: number;
  readonly due: number;
  readonly entryPrice: number;
  readonly direction: number;
  readonly rawConfidence: number;
  readonly horizonMs: number;
}

/** A signal scored. */
export interface ResolvedSignal {
  readonly head: string;
  readonly symbol: string;
  readonly signalTime: number;
  readonly resolvedAt: number;
  readonly horizonMs: number;
  readonly direction: number;
  readonly rawConfidence: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** The price move: exit / entry − 1. */
  readonly move: number;
  /** Return in the signal's direction: sign(d)·move. */
  readonly realizedReturn: number;
  /** The direction's side matched the move (a flat move is a miss). */
  readonly hit: boolean;
}

export class OutcomeTracker {
  private readonly pending = new Map<string, Pending[]>();

  /** Signals waiting, over all symbols. */
  get size(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /** Keeps the directional signals of a decision (flat opinions and silent heads are not scored). */
  add(symbol: string, time: number, price: number, evaluations: readonly HeadEvaluation[]): void {
    if (!(price > 0)) return;
    let list = this.pending.get(symbol);
    if (!list) this.pending.set(symbol, (list = []));
    for (const e of evaluations) {
      const s = e.signal;
      if (e.status !== 'ok' || !s || s.direction === 0) continue;
      list.push({ head: e.head, time, due: time + s.horizonMs, entryPrice: price, direction: s.direction, rawConfidence: s.confidence, horizonMs: s.horizonMs });
    }
  }

  /** Scores the symbol's signals that are due at `time` with `price` (the close known at `time`). */
  resolve(symbol: string, time: number, price: number): ResolvedSignal[] {
    const list = this.pending.get(symbol);
    if (!list || list.length === 0 || !(price > 0)) return [];
    const out: ResolvedSignal[] = [];
    const keep: Pending[] = [];
    for (const p of list) {
      if (p.due > time) {
        keep.push(p);
        continue;
      }
      const move = price / p.entryPrice - 1;
      const sign = p.direction > 0 ? 1 : -1;
      out.push({
        head: p.head, symbol, signalTime: p.time, resolvedAt: time, horizonMs: p.horizonMs, direction: p.direction, rawConfidence: p.rawConfidence,
        entryPrice: p.entryPrice, exitPrice: price, move, realizedReturn: sign * move, hit: sign * move > 0,
      });
    }
    this.pending.set(symbol, keep);
    return out;
  }
}
