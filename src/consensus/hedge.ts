/**
 * Online head weights: multiplicative weights (Hedge) with forgetting and a fixed share.
 *
 * Each round some heads' signals reach their horizon and are scored with a loss ℓᵢ ∈ [0, 1]
 * (ℓ = (1 − dᵢ·sign(r)) / 2 for direction dᵢ and realised return r: 0 when fully right, 1 when
 * fully wrong, ½ for flat). With weights w summing to 1, learning rate η, decay λ, share α and A
 * the heads scored this round:
 *
 * 1. forget:  wᵢ ← wᵢ^λ, renormalised (old evidence fades; λ = 1 remembers everything);
 * 2. learn:   wᵢ ← wᵢ·e^(−η·ℓᵢ) for i ∈ A, rescaled so that A keeps its total mass — heads that
 *    did not speak ("sleeping experts") are neither rewarded nor punished;
 * 3. share:   wᵢ ← (1 − α)·wᵢ + α/n, so no weight reaches 0 and a head can come back.
 *
 * The weights are the whole state, so persisting and restoring them continues learning exactly.
 */
import type { HeadWeight } from '../storage/port.js';
import type { LearningConfig } from './config.js';

export class HedgeWeights {
  private readonly w: Float64Array;
  private readonly samples: Float64Array;
  private readonly index = new Map<string, number>();
  /** Update rounds so far. */
  rounds = 0;
  updatedAt = Number.NaN;

  constructor(
    readonly heads: readonly string[],
    private readonly config: Pick<LearningConfig, 'eta' | 'decay' | 'share'>,
  ) {
    heads.forEach((h, i) => this.index.set(h, i));
    this.w = new Float64Array(heads.length).fill(1 / Math.max(1, heads.length));
    this.samples = new Float64Array(heads.length);
  }

  weight(head: string): number {
    const i = this.index.get(head);
    return i === undefined ? 0 : this.w[i]!;
  }

  /** Weights by head (a copy). */
  weights(): Record<string, number> {
    return Object.fromEntries(this.heads.map((h, i) => [h, this.w[i]!]));
  }

  /** Outcomes learned from, by head. */
  sampleCount(head: string): number {
    const i = this.index.get(head);
    return i === undefined ? 0 : this.samples[i]!;
  }

  /** One round: `losses` holds ℓ ∈ [0, 1] for each head scored now. */
  update(losses: ReadonlyMap<string, number>, time: number): void {
    const n = this.heads.length;
    if (n === 0 || losses.size === 0) return;
    const { eta, decay, share } = this.config;
    const w = this.w;
    // 1. forget
    if (decay < 1) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += w[i] = w[i]! ** decay;
      for (let i = 0; i < n; i++) w[i] = w[i]! / sum;
    }
    // 2. learn, among the heads scored this round
    let massBefore = 0;
    let massAfter = 0;
    for (const [head, loss] of losses) {
      const i = this.index.get(head);
      if (i === undefined || !(loss >= 0 && loss <= 1)) continue;
      massBefore += w[i]!;
      w[i] = w[i]! * Math.exp(-eta * loss);
      massAfter += w[i];
      this.samples[i]!++;
    }
    if (massAfter > 0) {
      const k = massBefore / massAfter;
      for (const head of losses.keys()) {
        const i = this.index.get(head);
        if (i !== undefined) w[i] = w[i]! * k;
      }
    }
    // 3. share
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w[i]!;
    for (let i = 0; i < n; i++) w[i] = (1 - share) * (w[i]! / sum) + share / n;
    this.rounds++;
    this.updatedAt = time;
  }

  /** The state to persist (`storage.learning.saveWeights`). */
  snapshot(time: number): HeadWeight[] {
    return this.heads.map((head, i) => ({ head, weight: this.w[i]!, samples: this.samples[i]!, updatedAt: time }));
  }

  /**
   * Restores persisted weights. Heads not in `saved` (new heads) get the mean weight of those
   * restored; the result is renormalised. Unknown heads in `saved` are ignored.
   */
  restore(saved: readonly HeadWeight[]): void {
    const known = saved.filter((s) => this.index.has(s.head) && Number.isFinite(s.weight) && s.weight >= 0);
    if (known.length === 0) return;
    const mean = known.reduce((a, s) => a + s.weight, 0) / known.length;
    this.w.fill(mean > 0 ? mean : 1);
    for (const s of known) {
      const i = this.index.get(s.head)!;
      this.w[i] = s.weight;
      this.samples[i] = s.samples;
    }
    let sum = 0;
    for (const x of this.w) sum += x;
    if (sum > 0) for (let i = 0; i < this.w.length; i++) this.w[i] = this.w[i]! / sum;
    else this.w.fill(1 / this.w.length);
  }
}

/** The loss of a direction d against a realised return r: (1 − d·sign(r)) / 2. */
export function directionLoss(direction: number, realizedReturn: number): number {
  const y = realizedReturn > 0 ? 1 : realizedReturn < 0 ? -1 : 0;
  const d = Math.max(-1, Math.min(1, direction));
  return (1 - d * y) / 2;
}
