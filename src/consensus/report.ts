/**
 * What the ensemble reports about a run: per head (signals, hit rate, P&L attributed, final
 * weight), decisions by action, weight evolution, calibration, and — on the out-of-sample part of
 * a walk-forward run — the ensemble against each head alone and against buy-and-hold.
 *
 * Like-for-like comparison ("unit exposure"): every row is a position of −1, 0 or +1 unit held
 * from one close to the next, charged `fee` per unit of position change, over the same bars:
 * - `ensemble`: the side of the position the ensemble's decision leaves (its sizes ignored);
 * - each head alone: the side of its latest signal until that signal's horizon has passed (short
 *   sides count only when shorting is allowed);
 * - `buy-and-hold`: +1 throughout (one entry fee).
 * With several symbols each row is the equal-weight average of the symbols' returns per bar. The
 * engine's own result for the same period (sizes, fills, fees as simulated) is `ensembleEngine`.
 *
 * P&L attribution: each closed trade opened by a decision is shared among the heads that voted
 * for it, in proportion to wᵢ·cᵢ·|dᵢ| (weight × calibrated confidence × strength) at that decision;
 * the shares sum to the trade's P&L, so the heads' contributions sum to the attributed P&L.
 */
import type { ResolvedSignal } from './outcomes.js';
import type { HeadEvaluation } from '../heads/panel.js';
import type { HeadFitReport } from '../heads/signal.js';
import type { ClosedTrade } from '../model/trade.js';
import { DECISION_ACTIONS, type Decision, type DecisionAction } from './decision.js';

/** One row of the report's `heads[]`. */
export interface HeadReportRow {
  readonly id: string;
  readonly kind: string;
  /** Directional signals given during the evaluation period. */
  readonly signals: number;
  /** Share of those signals (resolved by the end) whose direction matched the move over their horizon. */
  readonly hitRate: number | null;
  /** Net P&L of the ensemble's trades attributed to this head (quote currency). */
  readonly pnlContribution: number;
  /** The head's Hedge weight at the end. */
  readonly finalWeight: number;
  /** Signals scored during the evaluation period. */
  readonly resolved: number;
  /** Decisions at which the head was faulted (threw or overran its budget). */
  readonly faults: number;
  /** Mean raw and calibrated confidence of its evaluation-period signals. */
  readonly meanConfidence: number | null;
  readonly meanCalibratedConfidence: number | null;
}

/** One row of the unit-exposure comparison. */
export interface ComparisonRow {
  readonly name: string;
  readonly kind: 'ensemble' | 'head' | 'buy-and-hold';
  readonly totalReturn: number;
  /** Annualised with the data's own bar frequency; null with fewer than 3 bars or no variance. */
  readonly sharpe: number | null;
  readonly maxDrawdown: number;
  /** Share of bars with a position. */
  readonly exposure: number;
  /** Entries from flat or reversals. */
  readonly entries: number;
}

export interface EnsembleReportDetail {
  readonly mode: string;
  readonly walkForward: {
    /** Bars per symbol (after the warm-up) used only to learn: weights, calibration, ML training. */
    readonly fitBars: number;
    /**
     * When the fit happened: the close of the bar after the last fit bar, with every outcome known
     * by then. The first out-of-sample decision is made at this same close (its orders fill at the
     * next open). Null when there was no fit period.
     */
    readonly fitEnd: number | null;
    readonly evaluationStart: number | null;
    readonly evaluationEnd: number | null;
    readonly evaluationBars: number;
  };
  readonly fits: readonly HeadFitReport[];
  /** Weight evolution: `points` are `[time, w₁, …, wₙ]` in the order of `heads`, at most ~100 evenly spaced updates plus the last. */
  readonly weights: { readonly heads: readonly string[]; readonly updates: number; readonly points: ReadonlyArray<readonly number[]> };
  readonly calibration: ReadonlyArray<{ readonly head: string; readonly method: string; readonly active: boolean; readonly samples: number }>;
  readonly attribution: { readonly attributedPnl: number; readonly unattributedPnl: number; readonly trades: number };
  readonly comparison: {
    readonly fee: number;
    readonly bars: number;
    readonly rows: readonly ComparisonRow[];
    /** The engine's result over the evaluation period (real sizes, fills and fees). */
    readonly ensembleEngine: { readonly startEquity: number; readonly endEquity: number; readonly totalReturn: number } | null;
  };
}

/** What an ensemble run adds to the backtest report. */
export interface EnsembleReportSections {
  readonly heads: readonly HeadReportRow[];
  readonly decisions: Readonly<Record<DecisionAction, number>>;
  readonly ensemble: EnsembleReportDetail;
}

interface HeadStats {
  signals: number;
  resolved: number;
  hits: number;
  faults: number;
  rawSum: number;
  calibratedSum: number;
  pnl: number;
}

interface SymbolTrack {
  readonly time: number[];
  readonly close: number[];
  /** Row 0: the ensemble; row 1 + i: head i alone. */
  readonly positions: number[][];
  /** Per head: side of the latest signal and when it expires. */
  readonly heldSide: number[];
  readonly heldUntil: number[];
}

export interface RecorderOptions {
  readonly heads: ReadonlyArray<{ readonly id: string; readonly kind: string }>;
  readonly mode: string;
  readonly allowShort: boolean;
  /** Fee per unit of position change in the comparison. */
  readonly fee: number;
  readonly fitBars: number;
}

function statsOf(returns: readonly number[], times: readonly number[], positions: readonly number[], kind: ComparisonRow['kind'], name: string): ComparisonRow {
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  let sum = 0;
  let sumSq = 0;
  for (const r of returns) {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, 1 - equity / peak);
    sum += r;
    sumSq += r * r;
  }
  const n = returns.length;
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const years = times.length > 1 ? (times[times.length - 1]! - times[0]!) / (365.25 * 86_400_000) : 0;
  const perYear = years > 0 ? (times.length - 1) / years : 0;
  const sharpe = n >= 3 && variance > 1e-18 && perYear > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(perYear) : null;
  let exposed = 0;
  let entries = 0;
  let previous = 0;
  for (const p of positions) {
    if (p !== 0) exposed++;
    if (p !== 0 && p !== previous) entries++;
    previous = p;
  }
  return { name, kind, totalReturn: equity - 1, sharpe, maxDrawdown, exposure: positions.length > 0 ? exposed / positions.length : 0, entries };
}

/** Collects what the report needs while the ensemble runs. */
export class EnsembleRecorder {
  private readonly stats = new Map<string, HeadStats>();
  private readonly tracks = new Map<string, SymbolTrack>();
  private readonly weightPoints: number[][] = [];
  private weightUpdates = 0;
  private fitEnd: number | null = null;
  private evaluationStart: number | null = null;
  private evaluationEnd: number | null = null;
  private startEquity: number | null = null;
  fits: HeadFitReport[] = [];

  constructor(private readonly options: RecorderOptions) {
    for (const h of options.heads) this.stats.set(h.id, { signals: 0, resolved: 0, hits: 0, faults: 0, rawSum: 0, calibratedSum: 0, pnl: 0 });
  }

  /** The fit period ended at `time` (the close of its last bar). */
  fitEnded(time: number, fits: readonly HeadFitReport[]): void {
    this.fitEnd = time;
    this.fits = [...fits];
  }

  /** A decision of the evaluation period: counts signals and faults, records unit positions. */
  evaluated(symbol: string, time: number, close: number, evaluations: readonly HeadEvaluation[], calibrated: ReadonlyMap<string, number>, positionSide: number, equity: number): void {
    if (this.evaluationStart === null) {
      this.evaluationStart = time;
      this.startEquity = equity;
    }
    this.evaluationEnd = time;
    let track = this.tracks.get(symbol);
    if (!track) {
      const n = this.options.heads.length;
      track = { time: [], close: [], positions: Array.from({ length: n + 1 }, () => []), heldSide: new Array<number>(n).fill(0), heldUntil: new Array<number>(n).fill(-Infinity) };
      this.tracks.set(symbol, track);
    }
    track.time.push(time);
    track.close.push(close);
    track.positions[0]!.push(positionSide);
    evaluations.forEach((e, i) => {
      const s = this.stats.get(e.head)!;
      if (e.status === 'faulted') s.faults++;
      if (e.status === 'ok' && e.signal && e.signal.direction !== 0) {
        s.signals++;
        s.rawSum += e.signal.confidence;
        s.calibratedSum += calibrated.get(e.head) ?? e.signal.confidence;
        track.heldSide[i] = Math.sign(e.signal.direction);
        track.heldUntil[i] = time + e.signal.horizonMs;
      } else if (time >= track.heldUntil[i]!) {
        track.heldSide[i] = 0;
      }
      const side = track.heldSide[i]!;
      track.positions[i + 1]!.push(side < 0 && !this.options.allowShort ? 0 : side);
    });
  }

  /** Signals scored; those given in the evaluation period count for the hit rate. */
  resolved(list: readonly ResolvedSignal[]): void {
    for (const r of list) {
      if (this.evaluationStart === null || r.signalTime < this.evaluationStart) continue;
      const s = this.stats.get(r.head);
      if (!s) continue;
      s.resolved++;
      if (r.hit) s.hits++;
    }
  }

  /** Weights after an update. */
  weightsUpdated(time: number, weights: readonly number[]): void {
    this.weightUpdates++;
    this.weightPoints.push([time, ...weights]);
  }

  /**
   * Builds the sections.
   * @param trades the account's closed trades (those whose entry tag is a decision id are attributed)
   * @param decisionOf the decision that opened a trade, by entry tag
   */
  finish(trades: readonly ClosedTrade[], decisionOf: (tag: string) => Decision | undefined, finalWeights: Readonly<Record<string, number>>, counts: Readonly<Record<DecisionAction, number>>, calibration: EnsembleReportDetail['calibration'], endEquity: number): EnsembleReportSections {
    let attributed = 0;
    let unattributed = 0;
    let attributedTrades = 0;
    for (const s of this.stats.values()) s.pnl = 0;
    for (const t of trades) {
      const d = t.entryTag !== undefined ? decisionOf(t.entryTag) : undefined;
      const shares = d ? d.votes.filter((v) => v.status === 'ok' && Math.sign(v.direction) === d.direction).map((v) => ({ head: v.head, w: v.weight * v.confidence * Math.abs(v.direction) })) : [];
      const total = shares.reduce((a, s) => a + s.w, 0);
      if (!d || total <= 0) {
        unattributed += t.pnl;
        continue;
      }
      attributedTrades++;
      attributed += t.pnl;
      for (const s of shares) this.stats.get(s.head)!.pnl += (t.pnl * s.w) / total;
    }
    const heads: HeadReportRow[] = this.options.heads.map((h) => {
      const s = this.stats.get(h.id)!;
      return {
        id: h.id, kind: h.kind, signals: s.signals, hitRate: s.resolved > 0 ? s.hits / s.resolved : null, pnlContribution: s.pnl,
        finalWeight: finalWeights[h.id] ?? 0, resolved: s.resolved, faults: s.faults,
        meanConfidence: s.signals > 0 ? s.rawSum / s.signals : null, meanCalibratedConfidence: s.signals > 0 ? s.calibratedSum / s.signals : null,
      };
    });
    return {
      heads,
      decisions: Object.fromEntries(DECISION_ACTIONS.map((a) => [a, counts[a]])) as Record<DecisionAction, number>,
      ensemble: {
        mode: this.options.mode,
        walkForward: {
          fitBars: this.options.fitBars, fitEnd: this.fitEnd, evaluationStart: this.evaluationStart, evaluationEnd: this.evaluationEnd,
          evaluationBars: Math.max(0, ...[...this.tracks.values()].map((t) => t.time.length)),
        },
        fits: this.fits,
        weights: { heads: this.options.heads.map((h) => h.id), updates: this.weightUpdates, points: this.sampledWeights() },
        calibration,
        attribution: { attributedPnl: attributed, unattributedPnl: unattributed, trades: attributedTrades },
        comparison: this.comparison(endEquity),
      },
    };
  }

  private sampledWeights(): number[][] {
    const all = this.weightPoints;
    if (all.length <= 101) return all;
    const out: number[][] = [];
    const step = (all.length - 1) / 100;
    for (let k = 0; k <= 100; k++) out.push(all[Math.round(k * step)]!);
    return out;
  }

  private comparison(endEquity: number): EnsembleReportDetail['comparison'] {
    const fee = this.options.fee;
    const rows = this.options.heads.length + 2;
    // Per time: Σ returns and count over symbols, for each row (ensemble, heads…, buy-and-hold).
    const byTime = new Map<number, { sums: number[]; n: number }>();
    const positionsByRow: number[][] = Array.from({ length: rows }, () => []);
    for (const track of this.tracks.values()) {
      const m = track.time.length;
      for (let k = 0; k + 1 < m; k++) {
        const move = track.close[k + 1]! / track.close[k]! - 1;
        let slot = byTime.get(track.time[k]!);
        if (!slot) byTime.set(track.time[k]!, (slot = { sums: new Array<number>(rows).fill(0), n: 0 }));
        slot.n++;
        for (let r = 0; r < rows; r++) {
          const p = r === rows - 1 ? 1 : track.positions[r]![k]!;
          const before = k === 0 ? 0 : r === rows - 1 ? 1 : track.positions[r]![k - 1]!;
          slot.sums[r]! += p * move - fee * Math.abs(p - before);
          positionsByRow[r]!.push(p);
        }
      }
    }
    const times = [...byTime.keys()].sort((a, b) => a - b);
    const names = ['ensemble', ...this.options.heads.map((h) => h.id), 'buy-and-hold'];
    const out: ComparisonRow[] = names.map((name, r) => {
      const returns = times.map((t) => {
        const slot = byTime.get(t)!;
        return slot.sums[r]! / slot.n;
      });
      return statsOf(returns, times, positionsByRow[r]!, r === 0 ? 'ensemble' : r === rows - 1 ? 'buy-and-hold' : 'head', name);
    });
    const engine = this.startEquity !== null && this.startEquity > 0 ? { startEquity: this.startEquity, endEquity, totalReturn: endEquity / this.startEquity - 1 } : null;
    return { fee, bars: times.length, rows: out, ensembleEngine: engine };
  }
}
